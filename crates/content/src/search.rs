//! Search, the analysis side: an article's search terms, a reader's query
//! read into terms the same way, and the snippet that shows where a found
//! article matched. A store matches terms against terms and never sees the
//! reader's text.
//!
//! - [`search_text`]: the terms of an article, field by field, by
//!   [`Summarizer::index_terms`] in the article's language.
//! - [`parse_query`]: a query into [`store::Reading`]s, one per language
//!   the site's articles are in (the same words are stemmed differently in
//!   English and French, and an English site may have a French article):
//!   `"quoted phrases"`, `-excluded` words and `-"phrases"`, the rest words
//!   that must all be found. Any text is a query: what is not a word is
//!   ignored, and a query with nothing left to find says why.
//! - [`snippet`]: a passage of the article's plain text around its matches,
//!   as segments (matched or not) for the page to escape and mark up.

use std::collections::HashSet;

use store::{NewArticle, Phrase, Reading, SearchText};
use summarize::terms::{TERMS_VERSION, TermMemo};
use summarize::{Lang, Summarizer};

/// How much of a query is read: the rest of a longer one is ignored.
pub const MAX_QUERY_BYTES: usize = 1_000;

/// How many words and phrases of a query are used (found or excluded).
pub const MAX_QUERY_PARTS: usize = 12;

/// The language an article or a query is analysed in: its own, or
/// [`Lang::Other`] (words only, no stems) for one the summarizer does not know.
fn lang_of(code: &str) -> Lang {
    Lang::from_code(code).unwrap_or(Lang::Other)
}

/// The terms of `text` in `lang`, separated by spaces.
fn joined(summarizer: &Summarizer, text: &str, lang: Lang) -> String {
    let mut out = String::with_capacity(text.len() / 2);
    summarizer.for_each_index_term(text, lang, |term, _| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(term);
    });
    out
}

/// The search terms of an article (its `search` field is not read).
pub fn search_text(summarizer: &Summarizer, a: &NewArticle) -> SearchText {
    let lang = lang_of(&a.lang);
    let mut names = a.section.name.clone();
    for n in a.tags.iter().chain(&a.authors) {
        names.push_str(" \n ");
        names.push_str(&n.name);
    }
    SearchText {
        title: joined(summarizer, &a.title, lang),
        standfirst: joined(summarizer, a.standfirst.as_deref().unwrap_or_default(), lang),
        body: joined(summarizer, &a.body_text, lang),
        names: joined(summarizer, &names, lang),
        sources: joined(summarizer, a.sources.as_deref().unwrap_or_default(), lang),
        version: TERMS_VERSION,
    }
}

/// How many articles indexed again at start make the store tidy its index
/// ([`store::SearchStore::tidy_search_index`]; on 100,000 articles that
/// took 20 to 30 seconds at load 6, during which writes wait).
const TIDY_AFTER: usize = 1_000;

/// A query read into terms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// One reading per language that gives other terms; an article
    /// matching any is found.
    pub readings: Vec<Reading>,
    /// Phrases an article must not hold (each excluded word in every language).
    pub exclude: Vec<Phrase>,
    /// Every term sought, to mark in snippets.
    pub terms: HashSet<String>,
    /// Whether part of the query was left out (too long, too many words).
    pub cut: bool,
}

/// Why a query finds nothing before it is looked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryProblem {
    /// Nothing was typed (or only spaces and punctuation).
    Empty,
    /// Only words too common to search for ("the", "of").
    OnlyCommonWords,
    /// Only words to leave out, none to find.
    OnlyExclusions,
}

impl QueryProblem {
    /// What to tell the reader.
    pub fn message(self) -> &'static str {
        match self {
            QueryProblem::Empty => "Type one or more words to search for.",
            QueryProblem::OnlyCommonWords => {
                "Your search has only very common words (such as “the” or “of”), which are not searched for. Add a more specific word."
            }
            QueryProblem::OnlyExclusions => {
                "Your search only says which words to leave out (-word). Add a word to search for."
            }
        }
    }
}

/// One part of a query as typed: a word (or a run of text without spaces)
/// or a quoted phrase, to find or to leave out.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Part<'q> {
    text: &'q str,
    phrase: bool,
    exclude: bool,
}

/// Whether `c` opens or closes a quoted phrase.
fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»')
}

/// The parts of a query: `"a phrase"` (a quote left open runs to the end),
/// `-word` and `-"phrase"` (a `-` after a space, or first), and words
/// between spaces. Control characters count as spaces.
fn parts(query: &str) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    let mut rest = query;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c.is_control());
        if rest.is_empty() {
            break;
        }
        let exclude = rest.starts_with('-');
        if exclude {
            rest = &rest[1..];
        }
        if let Some(c) = rest.chars().next().filter(|&c| is_quote(c)) {
            let inner = &rest[c.len_utf8()..];
            let end = inner.find(is_quote).unwrap_or(inner.len());
            out.push(Part { text: &inner[..end], phrase: true, exclude });
            rest = &inner[end..];
            if let Some(c) = rest.chars().next() {
                rest = &rest[c.len_utf8()..];
            }
        } else {
            let end = rest.find(|c: char| c.is_whitespace() || c.is_control() || is_quote(c)).unwrap_or(rest.len());
            out.push(Part { text: &rest[..end], phrase: false, exclude });
            rest = &rest[end..];
        }
    }
    out
}

/// `s` cut to at most `max` bytes, on a character boundary.
fn cut_to(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Reads `query` in each of `langs` (the languages of the site's articles;
/// every known language when empty). Never fails on any text: what is not
/// a word is ignored, and a query with nothing to find is a
/// [`QueryProblem`].
pub fn parse_query(summarizer: &Summarizer, query: &str, langs: &[Lang]) -> Result<ParsedQuery, QueryProblem> {
    let text = cut_to(query, MAX_QUERY_BYTES);
    let mut cut = text.len() < query.len();
    let mut all_parts = parts(text);
    // Parts with no word at all ("-", "*", ":") are not counted.
    all_parts.retain(|p| p.text.chars().any(char::is_alphanumeric));
    if all_parts.len() > MAX_QUERY_PARTS {
        all_parts.truncate(MAX_QUERY_PARTS);
        cut = true;
    }
    if all_parts.is_empty() {
        return Err(QueryProblem::Empty);
    }
    let mut langs: Vec<Lang> = langs.to_vec();
    if langs.is_empty() {
        langs = Lang::ALL.iter().copied().chain([Lang::Other]).collect();
    }
    langs.dedup();
    let mut parsed = ParsedQuery { cut, ..ParsedQuery::default() };
    for &lang in &langs {
        let mut reading = Reading::default();
        for part in all_parts.iter().filter(|p| !p.exclude) {
            let terms: Vec<String> = summarizer.index_terms(part.text, lang).into_iter().map(|t| t.text).collect();
            let phrases: Vec<Phrase> =
                if part.phrase { vec![terms] } else { terms.into_iter().map(|t| vec![t]).collect() };
            for phrase in phrases.into_iter().filter(|p| !p.is_empty()) {
                parsed.terms.extend(phrase.iter().cloned());
                if !reading.phrases.contains(&phrase) {
                    reading.phrases.push(phrase);
                }
            }
        }
        if !reading.phrases.is_empty() && !parsed.readings.contains(&reading) {
            parsed.readings.push(reading);
        }
        for part in all_parts.iter().filter(|p| p.exclude) {
            let terms: Vec<String> = summarizer.index_terms(part.text, lang).into_iter().map(|t| t.text).collect();
            let phrases: Vec<Phrase> =
                if part.phrase { vec![terms] } else { terms.into_iter().map(|t| vec![t]).collect() };
            for phrase in phrases.into_iter().filter(|p| !p.is_empty()) {
                if !parsed.exclude.contains(&phrase) {
                    parsed.exclude.push(phrase);
                }
            }
        }
    }
    if parsed.readings.is_empty() {
        return Err(if all_parts.iter().all(|p| p.exclude) {
            QueryProblem::OnlyExclusions
        } else {
            QueryProblem::OnlyCommonWords
        });
    }
    Ok(parsed)
}

/// The languages to read queries in, from the language codes of the
/// indexed articles (each known language once; unknown codes are read as
/// words only).
pub fn query_langs(codes: &[String]) -> Vec<Lang> {
    let mut out: Vec<Lang> = Vec::new();
    for code in codes {
        let lang = lang_of(code);
        if !out.contains(&lang) {
            out.push(lang);
        }
    }
    out
}

/// A piece of a snippet: text, and whether it is a matched word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The text, as in the article (plain text, not HTML).
    pub text: String,
    /// Whether it is one of the words searched for.
    pub matched: bool,
}

/// How far into a body the snippet looks for matches.
const SNIPPET_SCAN_BYTES: usize = 64 * 1024;

/// A passage of at most about `max_chars` characters of `text` (an
/// article's plain text, in `lang`), where the most of `terms` are found
/// close together, cut on word boundaries with `…` where it does not start
/// or end with the text, its matched words marked. Without a match, the
/// text's beginning.
pub fn snippet(
    summarizer: &Summarizer,
    text: &str,
    lang: &str,
    terms: &HashSet<String>,
    max_chars: usize,
) -> Vec<Segment> {
    snippet_with(summarizer, text, lang, terms, max_chars, &mut TermMemo::default())
}

/// [`snippet`] with `memo`, the terms of the word forms of the texts before
/// (the other results of the page): a word form met in an earlier result
/// is not analysed again. The snippet is the same as without it.
pub fn snippet_with(
    summarizer: &Summarizer,
    text: &str,
    lang: &str,
    terms: &HashSet<String>,
    max_chars: usize,
    memo: &mut TermMemo,
) -> Vec<Segment> {
    let scanned = cut_to(text, SNIPPET_SCAN_BYTES);
    // Only the words that may give one of `terms` are analysed.
    memo.want_only(terms.iter().map(String::as_str));
    let mut matches: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    summarizer.for_each_index_term_with(scanned, lang_of(lang), memo, |term, range| {
        if let Some(t) = terms.get(term) {
            let id = ids.iter().position(|x| *x == t.as_str()).unwrap_or_else(|| {
                ids.push(t.as_str());
                ids.len() - 1
            });
            // Pieces of a Chinese word overlap it: keep the word.
            if matches.last().is_none_or(|(r, _)| range.start >= r.end) {
                matches.push((range, id));
            }
        }
    });
    // The window with the most distinct terms, then the most matches, first.
    let mut best: Option<(usize, usize, usize)> = None; // (distinct, count, first match index)
    for i in 0..matches.len() {
        let start = matches[i].0.start;
        let mut seen = 0u64;
        let mut count = 0;
        for (range, id) in &matches[i..] {
            if text[start..range.end].chars().count() > max_chars * 2 / 3 {
                break;
            }
            seen |= 1u64 << (id % 64);
            count += 1;
        }
        let key = (seen.count_ones() as usize, count, i);
        if best.is_none_or(|(d, c, _)| (key.0, key.1) > (d, c)) {
            best = Some(key);
        }
    }
    let (from, to) = match best {
        Some((_, _, i)) => window_around(text, matches[i].0.start, max_chars),
        None => window_around(text, 0, max_chars),
    };
    let mut out = Vec::new();
    if from > 0 {
        out.push(Segment { text: "…".into(), matched: false });
    }
    let mut at = from;
    for (range, _) in matches.iter().filter(|(r, _)| r.start >= from && r.end <= to) {
        if range.start > at {
            out.push(Segment { text: text[at..range.start].to_owned(), matched: false });
        }
        out.push(Segment { text: text[range.clone()].to_owned(), matched: true });
        at = range.end;
    }
    if to > at {
        out.push(Segment { text: text[at..to].to_owned(), matched: false });
    }
    if to < text.trim_end().len() {
        out.push(Segment { text: "…".into(), matched: false });
    }
    // White space inside is shown as single spaces (paragraph breaks too).
    for s in &mut out {
        if s.text.contains(char::is_whitespace) && !s.matched {
            s.text = collapse_spaces(&s.text);
        }
    }
    out
}

/// Runs of white space as one space.
fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// The byte range of a passage of at most `max_chars` characters around
/// the byte `at` of `text`: starting a little before it (at the start of
/// its sentence when close, else at a word), and ending at a word's end.
fn window_around(text: &str, at: usize, max_chars: usize) -> (usize, usize) {
    let lead = max_chars / 4;
    // Back up at most `lead` characters, to a sentence start or a space.
    let before: Vec<(usize, char)> = text[..at].char_indices().rev().take(lead).collect();
    let mut from = at;
    if let Some(&(i, _)) = before.last() {
        from = i;
        if i > 0 {
            // Not the text's start: begin after a sentence's end, else after a space.
            let sentence = before.iter().position(|&(_, c)| matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '\n'));
            from = match sentence {
                Some(k) => before[k].0 + before[k].1.len_utf8(),
                None => before.iter().rev().find(|&&(_, c)| c.is_whitespace()).map_or(i, |&(j, c)| j + c.len_utf8()),
            };
        }
    }
    while from < at && text[from..].starts_with(char::is_whitespace) {
        from += text[from..].chars().next().map_or(1, char::len_utf8);
    }
    // Forward up to `max_chars` characters in all, ending at a space.
    let to = text[from..].char_indices().nth(max_chars).map_or(text.len(), |(i, _)| from + i);
    let mut to = to;
    if to < text.len() {
        let cut = &text[from..to];
        // Back to the end of the last whole word, when there is one.
        if let Some(space) = cut.rfind(char::is_whitespace).filter(|&s| s > cut.len() / 2) {
            to = from + space;
        }
    }
    (from, to.max(from))
}

impl crate::Articles {
    /// Makes the search terms of every article whose terms were made by
    /// another version of the analysis, or never (an article stored before
    /// search existed); returns how many. Only the index is written: the
    /// article itself, its version and its times stay as they are. An
    /// article changed meanwhile is skipped (its write made fresh terms).
    pub async fn refresh_search(&self) -> Result<usize, crate::WriteError> {
        let store = self.store().as_ref();
        let slugs = store.stale_search_text(TERMS_VERSION).await?;
        let write = |id, version, text: SearchText| async move { store.write_search_text(id, version, &text).await };
        let n = self.remake_derived(slugs, "indexing articles for search", search_text, write).await?;
        if n >= TIDY_AFTER {
            // Terms written again leave their old postings behind until the
            // index is merged: searches would read them all (a few are
            // merged away as writes go on).
            let started = std::time::Instant::now();
            store.tidy_search_index().await?;
            tracing::info!(
                articles = n,
                ms = started.elapsed().as_millis() as u64,
                "search index tidied after indexing"
            );
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::*;

    static SUMMARIZER: LazyLock<Summarizer> = LazyLock::new(Summarizer::new);

    fn parse(q: &str, langs: &[Lang]) -> Result<ParsedQuery, QueryProblem> {
        parse_query(&SUMMARIZER, q, langs)
    }

    fn phrases(r: &Reading) -> Vec<String> {
        r.phrases.iter().map(|p| p.join(" ")).collect()
    }

    #[test]
    fn parts_of_a_query() {
        let p = |q| parts(q).into_iter().map(|p| (p.text, p.phrase, p.exclude)).collect::<Vec<_>>();
        assert_eq!(
            p(r#"tidal "harbour barrier" -vote -"city hall""#),
            [
                ("tidal", false, false),
                ("harbour barrier", true, false),
                ("vote", false, true),
                ("city hall", true, true)
            ]
        );
        assert_eq!(p(r#"open "quote runs on"#), [("open", false, false), ("quote runs on", true, false)]);
        assert_eq!(p("a-b - -"), [("a-b", false, false), ("", false, true), ("", false, true)]);
        assert_eq!(p("x\u{0}y\u{7}z"), [("x", false, false), ("y", false, false), ("z", false, false)]);
        assert_eq!(p("“curly quotes”"), [("curly quotes", true, false)]);
        assert!(p("   ").is_empty());
    }

    #[test]
    fn words_phrases_and_exclusions() {
        let q = parse(r#"Councils "tidal barriers" -votes"#, &[Lang::English]).unwrap();
        assert_eq!(q.readings.len(), 1);
        assert_eq!(phrases(&q.readings[0]), ["council", "tidal barrier"]);
        assert_eq!(q.exclude, [vec!["vote".to_owned()]]);
        assert!(q.terms.contains("council") && q.terms.contains("barrier") && !q.terms.contains("vote"));
        // A phrase keeps its order; stop words inside it are not indexed.
        let q = parse(r#""Bank of England""#, &[Lang::English]).unwrap();
        assert_eq!(phrases(&q.readings[0]), ["bank england"]);
    }

    /// A query is read in each language of the site: the same word gives
    /// each language's stem, and a word common in one language is dropped
    /// from that reading only.
    #[test]
    fn a_reading_per_language() {
        let q = parse("économies", &[Lang::English, Lang::French]).unwrap();
        let readings: Vec<Vec<String>> = q.readings.iter().map(phrases).collect();
        assert_eq!(readings, [vec!["economi".to_owned()], vec!["econom".to_owned()]]);
        // "the" is an English stop word but not a French one ("thé", tea).
        let q = parse("the economy", &[Lang::English, Lang::French]).unwrap();
        assert_eq!(phrases(&q.readings[0]), ["economi"]);
        assert_eq!(phrases(&q.readings[1]), ["the", "economy"]);
        // Languages that read the query alike give one reading.
        let q = parse("2026", &[Lang::English, Lang::French, Lang::Ukrainian]).unwrap();
        assert_eq!(q.readings.len(), 1);
        // Without the site's languages, every language.
        assert!(parse("budget", &[]).unwrap().readings.len() >= 2);
        assert_eq!(query_langs(&["en".into(), "pl".into(), "ja".into(), "en-GB".into()]), [Lang::English, Lang::Other]);
    }

    /// Any text is a query: it finds something to look for, or says why not.
    #[test]
    fn hostile_queries_are_words_or_problems() {
        let en = [Lang::English];
        assert_eq!(parse("", &en), Err(QueryProblem::Empty));
        assert_eq!(parse("- * : ( ) \" NEAR(", &en).map(|q| q.readings.len()), Ok(1), "NEAR is a word");
        assert_eq!(parse("- * :", &en), Err(QueryProblem::Empty));
        assert_eq!(parse("-", &en), Err(QueryProblem::Empty));
        assert_eq!(parse("the of and", &en), Err(QueryProblem::OnlyCommonWords));
        assert_eq!(parse("-budget", &en), Err(QueryProblem::OnlyExclusions));
        assert_eq!(parse("\"\"\"", &en), Err(QueryProblem::Empty));
        let long = "budget ".repeat(2_000);
        let q = parse(&long, &en).unwrap();
        assert!(q.cut);
        assert_eq!(phrases(&q.readings[0]), ["budget"]);
        let many: String = (0..50).map(|i| format!("word{i} ")).collect();
        let q = parse(&many, &en).unwrap();
        assert!(q.cut && q.readings[0].phrases.len() == MAX_QUERY_PARTS);
        let mixed = parse("Київ Kyiv 基辅 ☃ \u{202e}rtl", &[Lang::Ukrainian, Lang::Chinese, Lang::English]).unwrap();
        assert!(mixed.terms.contains("київ") && mixed.terms.contains("kyiv"), "{mixed:?}");
    }

    proptest::proptest! {
        /// Random text never fails to parse into terms or a reason, and every
        /// term is a plain word.
        #[test]
        fn any_text_parses(q in "\\PC{0,60}|[\"()*:^+ -]{0,12}[a-z ]{0,8}") {
            if let Ok(p) = parse(&q, &[Lang::English, Lang::French, Lang::Chinese]) {
                proptest::prop_assert!(!p.readings.is_empty());
                for phrase in p.readings.iter().flat_map(|r| &r.phrases).chain(&p.exclude) {
                    proptest::prop_assert!(!phrase.is_empty());
                    for t in phrase {
                        proptest::prop_assert!(!t.is_empty() && !t.contains(|c: char| c.is_ascii_punctuation() || c.is_whitespace()), "{t:?}");
                    }
                }
            }
        }
    }

    fn marked(segments: &[Segment]) -> String {
        segments.iter().map(|s| if s.matched { format!("[{}]", s.text) } else { s.text.clone() }).collect()
    }

    /// A page's snippets made with one memo (only the words that may match
    /// analysed, each word form once) are the snippets made one by one.
    #[test]
    fn snippets_with_a_memo_are_the_same() {
        let texts = [
            ("en", "The Council met. Councillors approved the barrier; police said the barriers held. Police!"),
            ("fr", "Le conseil municipal a voté. Les conseillers ont approuvé la barrière, dit la police."),
            ("en", "Nothing here matches at all, whatever the weather in the city."),
            ("zh", "中国经济发展迅速，警察表示满意。"),
            ("uk", "Поліція у Києві: переговори тривають, поліцейські чергують."),
            ("en", "Police and councils: the council's police approved barriers in 2026."),
        ];
        let langs = [Lang::English, Lang::French, Lang::Chinese, Lang::Ukrainian];
        for q in ["police", "council barrier", "\"police said\"", "警察 经济", "поліція переговори", "2026 approv"]
        {
            let terms = parse(q, &langs).unwrap().terms;
            let mut memo = TermMemo::default();
            for (lang, text) in texts {
                let one = snippet(&SUMMARIZER, text, lang, &terms, 60);
                assert_eq!(snippet_with(&SUMMARIZER, text, lang, &terms, 60, &mut memo), one, "{q}: {text}");
            }
        }
    }

    #[test]
    fn snippets_mark_matches_in_a_passage() {
        let text = "The council met on Monday. Nothing else happened for a long while, and the weather was fine \
                    all week long in the city. Then the tidal barrier plan was approved by the councils, after \
                    the barriers were debated. The mayor spoke last.";
        let terms = parse("barrier council", &[Lang::English]).unwrap().terms;
        let s = snippet(&SUMMARIZER, text, "en", &terms, 90);
        let m = marked(&s);
        assert!(m.starts_with('…') && m.ends_with('…'), "{m}");
        assert!(m.contains("tidal [barrier] plan") && m.contains("[councils]"), "{m}");
        let plain: String = s.iter().map(|s| s.text.as_str()).collect();
        assert!(plain.chars().count() <= 92, "{plain}");
        // No match in the body: its beginning.
        let terms = parse("unrelated", &[Lang::English]).unwrap().terms;
        let m = marked(&snippet(&SUMMARIZER, text, "en", &terms, 40));
        assert!(m.starts_with("The council met on Monday.") && m.ends_with('…') && !m.contains('['), "{m}");
        // A short text whole; white space as single spaces.
        let m = marked(&snippet(&SUMMARIZER, "One.\n\nTwo <b>barrier</b>.", "en", &terms, 100));
        assert_eq!(m, "One. Two <b>barrier</b>.");
        // Chinese: the matched word, within its text.
        let terms = parse("经济", &[Lang::Chinese]).unwrap().terms;
        let m = marked(&snippet(&SUMMARIZER, "中国经济发展迅速。", "zh", &terms, 40));
        assert!(m.contains("[经济]") || m.contains("[中国经济]"), "{m}");
    }
}
