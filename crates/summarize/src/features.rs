//! Sentence features: per sentence, plain numbers that the ranking weighs
//! (position, centrality, title words, length, form).
//!
//! Every feature is computed in time linear in the article's length: the
//! centrality of a sentence is its similarity to the whole article (a
//! centroid), not to every other sentence, so a 1 MB article costs no more per
//! byte than a short one.

use crate::analyze::{Doc, Token};
use crate::split::SentenceSpan;

/// The list of sentence features, written once: calls `$m!` with each
/// feature's documentation and name, in order. [`Features`] and
/// [`Weights`](crate::Weights) are made from it, with their names and their
/// conversions to and from vectors, so a feature is added by adding a line
/// here (and computing it in [`features`]).
macro_rules! feature_list {
    ($m:ident) => {
        $m! {
            /// 1 for the article's first sentence.
            first,
            /// 1 for the second sentence.
            second,
            /// 1 for the third sentence.
            third,
            /// `1 / (1 + index)`: how near the top the sentence stands.
            near_top,
            /// `index / count`: where in the article the sentence stands, 0 to 1.
            relative,
            /// 1 for the first sentence of a paragraph (when the text has paragraphs).
            para_first,
            /// Cosine similarity of the sentence to the rest of the article.
            centrality,
            /// Share of the title's content words that the sentence contains.
            title,
            /// `ln(words)`, the sentence's length.
            log_len,
            /// 1 for a sentence of fewer than 8 words.
            short,
            /// Words beyond 45, over 45 (0 for shorter sentences).
            long,
            /// 1 for a sentence that opens with a pronoun or connective (its
            /// weight counts only when the sentence before it is not chosen).
            dependent,
            /// 1 for a sentence that is mostly a quotation.
            quote,
            /// 1 for a question or exclamation.
            question,
            /// 1 for page furniture: "Scroll down for video", "Read more", a
            /// photo credit. Never chosen, whatever the weights.
            furniture,
            /// 1 for a heading: in a text of several paragraphs, a paragraph of one
            /// sentence that does not end as a sentence does (`.`, `?`, `!`, `…`,
            /// `。`, perhaps followed by a closing quote or bracket): "What residents
            /// said", "Next steps", a list item. Never chosen, whatever the weights.
            heading,
            /// Share of the sentence's content words whose stem is in the
            /// article's first sentence (0 for the first sentence).
            lead_overlap,
            /// Share of the sentence's content words that appear here for the
            /// first time in the article and again later: what it introduces
            /// that the article goes on about.
            introduces,
            /// Share of the sentence's words after the first that open with a
            /// capital letter (names).
            capitals,
            /// Share of the sentence's words that are numbers.
            numbers,
        }
    };
}
pub(crate) use feature_list;

/// Defines [`Features`] from the [`feature_list`].
macro_rules! define_features {
    ($($(#[doc = $doc:literal])* $name:ident,)*) => {
        /// The features of one sentence; each is a plain number the score weighs.
        #[derive(Clone, Copy, Debug, Default, PartialEq)]
        pub struct Features {
            $($(#[doc = $doc])* pub $name: f64,)*
        }

        impl Features {
            /// The features' names, in field order.
            pub const NAMES: [&'static str; Self::COUNT] = [$(stringify!($name)),*];
            /// How many features there are.
            pub const COUNT: usize = [$(stringify!($name)),*].len();

            /// The features as an array, in field order.
            pub fn values(&self) -> [f64; Self::COUNT] {
                [$(self.$name),*]
            }
        }
    };
}
feature_list!(define_features);

/// Phrases of page furniture that are never part of a summary, by their
/// first letter.
const FURNITURE: &[(char, &[&str])] = &[
    ('s', &["scroll down for video", "scroll down for more", "sign up", "share this", "subscribe"]),
    ('c', &["click here"]),
    ('r', &["read more", "related:"]),
    ('f', &["follow us"]),
    ('p', &["photo:", "published:"]),
    ('i', &["image:"]),
    ('v', &["video:"]),
    ('w', &["watch:"]),
    ('a', &["advertisement", "all rights reserved"]),
    ('u', &["updated:"]),
    ('l', &["lire aussi"]),
    ('à', &["à lire aussi"]),
    ('ч', &["читайте также", "читайте також"]),
];

/// For each ASCII byte, one more than the index in [`FURNITURE`] of the
/// phrases that start with it in either case (0 for none): one look-up rules
/// out most sentences.
const FURNITURE_ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut g = 0;
    while g < FURNITURE.len() {
        let c = FURNITURE[g].0;
        if c.is_ascii() {
            t[c as usize] = g as u8 + 1;
            t[c.to_ascii_uppercase() as usize] = g as u8 + 1;
        }
        g += 1;
    }
    t
};

/// The phrases of [`FURNITURE`] that start with the ASCII byte `b`, in
/// either case.
fn furniture_from(b: u8) -> &'static [&'static str] {
    match FURNITURE_ASCII.get(usize::from(b)) {
        Some(&g) if g > 0 => FURNITURE[usize::from(g) - 1].1,
        _ => &[],
    }
}

/// Computes the features of every sentence.
pub(crate) fn features(text: &str, spans: &[SentenceSpan], doc: &Doc, title: &[u32]) -> Vec<Features> {
    let n = spans.len();
    // Per stem: its count in the whole article and in the current sentence
    // (content words only), side by side. Counts are integers, so the sums
    // below are exact and the same as in floating point. A stop word adds
    // zero rather than being skipped: no branch on a flag that is set about
    // every other word.
    // Per stem, side by side (one cache line): its count in the article
    // and in the current sentence, and the first and last sentence it is in
    // (content words only).
    let mut tf = vec![[0u32, 0, u32::MAX, 0]; doc.stems];
    for i in 0..n {
        let i = i as u32;
        for t in doc.sentence_tokens(i as usize) {
            let [count, _, first, last] = &mut tf[t.stem as usize];
            let content = !t.stop;
            *count += u32::from(content);
            *first = if content { (*first).min(i) } else { *first };
            *last = if content { i } else { *last };
        }
    }
    let doc_norm2: u64 = tf.iter().map(|&[d, ..]| u64::from(d) * u64::from(d)).sum();
    let bytes = text.as_bytes();
    let has_paragraphs = spans.last().is_some_and(|s| s.paragraph > 0);
    let mut out = Vec::with_capacity(n);
    let mut lower = String::new();
    for (i, span) in spans.iter().enumerate() {
        let toks = doc.sentence_tokens(i);
        let s = &text[span.start..span.end];
        // Centrality: cosine of the sentence with the article minus the
        // sentence. With `c` a stem's count in the sentence and `d` in the
        // article, the sums over stems are gathered word by word, in one
        // pass and without a list of the stems seen: `Σ c·d` adds `d` per
        // word, and `Σ c·(c+1)/2` adds the stem's count so far, so
        // `Σ c² = 2·Σ c·(c+1)/2 − Σ c`. Then `Σ c·(d − c) = Σ c·d − Σ c²`.
        // The same pass counts the words in the first sentence, those the
        // sentence introduces (first seen here, seen again later), numbers
        // and capitals.
        let (mut cross, mut triangle, mut content) = (0u64, 0u64, 0u64);
        let (mut in_lead, mut introduced, mut capitals, mut numbers) = (0u32, 0u32, 0u32, 0u32);
        let here = i as u32;
        for t in toks {
            let is_content = u32::from(!t.stop);
            let [d, c, first, last] = &mut tf[t.stem as usize];
            *c += is_content;
            cross += u64::from(is_content * *d);
            triangle += u64::from(is_content * *c);
            content += u64::from(is_content);
            in_lead += is_content * u32::from(*first == 0);
            introduced += is_content * u32::from(*first == here && *last > here);
            numbers += u32::from(t.number);
            capitals += u32::from(opens_with_capital(text, bytes, t));
        }
        // Not the sentence's first word, capital as a rule.
        capitals -= toks.first().map_or(0, |t| u32::from(opens_with_capital(text, bytes, t)));
        let s2 = 2 * triangle - content;
        let dot = cross - s2;
        let (dot, s2) = (dot as f64, s2 as f64);
        let rest2 = (doc_norm2 as f64 - 2.0 * cross as f64 + s2).max(0.0);
        let centrality = if s2 > 0.0 && rest2 > 0.0 { dot / (s2.sqrt() * rest2.sqrt()) } else { 0.0 };
        let title_share = if title.is_empty() {
            0.0
        } else {
            let shared: usize = title.iter().map(|&t| usize::from(tf[t as usize][1] > 0)).sum();
            shared as f64 / title.len() as f64
        };
        // The sentence's counts back to zero for the next one.
        for t in toks {
            tf[t.stem as usize][1] = 0;
        }
        let share = |count: u32, of: u64| if of > 0 { f64::from(count) / of as f64 } else { 0.0 };
        let words = toks.len().max(1) as f64;
        let para_first = has_paragraphs && (i == 0 || spans[i - 1].paragraph != span.paragraph);
        out.push(Features {
            first: f64::from(u8::from(i == 0)),
            second: f64::from(u8::from(i == 1)),
            third: f64::from(u8::from(i == 2)),
            near_top: 1.0 / (1.0 + i as f64),
            relative: if n > 1 { i as f64 / (n - 1) as f64 } else { 0.0 },
            para_first: f64::from(u8::from(para_first)),
            centrality,
            title: title_share,
            log_len: words.ln(),
            short: f64::from(u8::from(words < 8.0)),
            long: ((words - 45.0) / 45.0).max(0.0),
            dependent: f64::from(u8::from(is_dependent(text, s, toks))),
            quote: f64::from(u8::from(is_quote(s))),
            question: f64::from(u8::from(is_question(s))),
            furniture: f64::from(u8::from(is_furniture(s, words, &mut lower))),
            heading: f64::from(u8::from(
                has_paragraphs
                    && (i == 0 || spans[i - 1].paragraph != span.paragraph)
                    && spans.get(i + 1).is_none_or(|next| next.paragraph != span.paragraph)
                    && !ends_as_a_sentence(s),
            )),
            lead_overlap: if i == 0 { 0.0 } else { share(in_lead, content) },
            introduces: share(introduced, content),
            capitals: share(capitals, toks.len().saturating_sub(1) as u64),
            numbers: share(numbers, toks.len() as u64),
        });
    }
    out
}

/// Whether the word `t` opens with a capital letter: told from its first
/// byte when that is ASCII, as it mostly is.
#[inline]
fn opens_with_capital(text: &str, bytes: &[u8], t: &Token) -> bool {
    let b = bytes[t.start as usize];
    if b < 0x80 {
        b.wrapping_sub(b'A') < 26
    } else {
        text[t.start as usize..].chars().next().is_some_and(char::is_uppercase)
    }
}

/// Whether the sentence opens with a word that refers back, or in lower case.
/// An opener followed by a word that makes a fixed phrase referring to
/// nothing before it ([`NOT_DEPENDENT`]: "There are", "This year", "Il y a",
/// "Alors que") does not count. An article's first sentence is judged the
/// same way: "This is the moment…" leans on a picture, "He joined the show…"
/// on the title.
fn is_dependent(text: &str, s: &str, toks: &[Token]) -> bool {
    if opens_in_lower_case(s) {
        return true;
    }
    match toks {
        [first, second, ..] if first.opener => !is_fixed_phrase(text, first, second),
        [first, ..] => first.opener,
        [] => false,
    }
}

/// Openers that, with the word after them, make a phrase that does not
/// refer back: existential "there is", time phrases ("this year", "ces
/// derniers jours"), impersonal French "il y a" and "il faut", and French
/// "alors que" ("while"). Each entry: the opener, then the words that may
/// follow it, all in lower case.
const NOT_DEPENDENT: &[(&str, &[&str])] = &[
    (
        "there",
        &[
            "is", "are", "was", "were", "has", "have", "had", "will", "would", "could", "may", "might", "must",
            "should", "seems", "seem", "appears", "remain", "remains",
        ],
    ),
    (
        "this",
        &[
            "year",
            "week",
            "month",
            "morning",
            "afternoon",
            "evening",
            "weekend",
            "summer",
            "winter",
            "spring",
            "autumn",
            "season",
        ],
    ),
    ("these", &["days"]),
    ("so", &["far"]),
    ("il", &["y", "faut"]),
    ("alors", &["que", "qu"]),
    ("ces", &["derniers", "dernières"]),
    ("cette", &["année", "semaine", "saison", "nuit"]),
    ("ce", &["matin", "soir", "week", "mois", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]),
    ("es", &["gibt"]),
];

/// Whether the first two words of a sentence, with nothing but spaces
/// between them, make a phrase of [`NOT_DEPENDENT`].
fn is_fixed_phrase(text: &str, first: &Token, second: &Token) -> bool {
    let word = |t: &Token| text.get(t.start as usize..t.end as usize).unwrap_or("");
    let gap = text.get(first.end as usize..second.start as usize).unwrap_or(",");
    if !gap.chars().all(char::is_whitespace) {
        return false;
    }
    let (a, b) = (word(first), word(second));
    // `b` is the listed word, or it with an elided word after it (`qu'il`).
    let is = |n: &str| {
        b.get(..n.len()).is_some_and(|head| head.eq_ignore_ascii_case(n))
            && matches!(b[n.len()..].chars().next(), None | Some('\'' | '’'))
    };
    NOT_DEPENDENT
        .iter()
        .find(|(opener, _)| a.eq_ignore_ascii_case(opener))
        .is_some_and(|(_, next)| next.iter().any(|n| is(n)))
}

/// Whether the first letter or digit of `s` is a lower-case letter. Read a
/// byte at a time while the text is ASCII (most sentences open with a capital
/// letter, some with a quote mark first); characters are decoded only from
/// the first non-ASCII byte on.
fn opens_in_lower_case(s: &str) -> bool {
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b.is_ascii_alphanumeric() {
            return b.is_ascii_lowercase();
        }
        if !b.is_ascii() {
            return s[i..].chars().find(|c| c.is_alphanumeric()).is_some_and(char::is_lowercase);
        }
    }
    false
}

/// Whether the sentence is mostly a quotation: it opens with a quote mark.
fn is_quote(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b'"' | b'\'') => true,
        Some(b) if b.is_ascii() => false,
        _ => s.starts_with(['“', '«', '„', '‘', '「', '『']),
    }
}

/// Whether the sentence is a question or an exclamation: it ends with `?`,
/// `!` or `？` (whose last UTF-8 byte is 0x9F).
fn is_question(s: &str) -> bool {
    match s.as_bytes().last() {
        Some(b'?' | b'!') => true,
        Some(0x9F) => s.ends_with('？'),
        _ => false,
    }
}

/// Whether `s` ends as a sentence does: with `.`, `?`, `!`, `…` or their
/// full-width forms, perhaps followed by closing quotes and brackets.
fn ends_as_a_sentence(s: &str) -> bool {
    let trimmed = s.trim_end().trim_end_matches(|c: char| is_closing_mark(c));
    trimmed.ends_with(['.', '?', '!', '…', '。', '？', '！', '．'])
}

/// Quotes and brackets that may follow a sentence's last stop.
fn is_closing_mark(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '）' | '」' | '』' | '】' | '“')
}

/// Whether the sentence is page furniture: a line of one or two words, or
/// one that opens with a phrase of [`FURNITURE`] (or, fewer than 8 words,
/// holds one near its start).
pub(crate) fn is_furniture(s: &str, words: f64, lower: &mut String) -> bool {
    if words < 3.0 {
        return true;
    }
    // Furniture opens its sentence ("Scroll down for video", "Photo: …"), or is
    // a short line of its own ("Advertisement"): only the head, the first 32
    // characters in lower case, is looked at. Most sentences open with an
    // ASCII letter and go on in ASCII: those are decided on their bytes in
    // place (ASCII lower case is all of lower case there), and only against
    // the phrases that start with the letter at hand.
    let bytes = s.as_bytes();
    let head = &bytes[..bytes.len().min(32)];
    match bytes.first() {
        Some(&b) if words >= 8.0 && b.is_ascii() => furniture_from(b)
            .iter()
            .any(|p| opens_with_ascii(bytes, p).unwrap_or_else(|| lower_head(s, lower).starts_with(p))),
        _ if words < 8.0 && head.is_ascii() => (0..head.len())
            .any(|j| furniture_from(head[j]).iter().any(|p| opens_with_ascii(&head[j..], p) == Some(true))),
        _ => {
            // Only a phrase that starts with the first letter can open the sentence.
            let first = s.chars().next().map_or(' ', |c| c.to_lowercase().next().unwrap_or(c));
            let opening = FURNITURE.iter().find(|&&(c, _)| c == first).map_or(&[][..], |&(_, phrases)| phrases);
            if words >= 8.0 {
                !opening.is_empty() && {
                    let lower = lower_head(s, lower);
                    opening.iter().any(|p| lower.starts_with(p))
                }
            } else {
                // A phrase anywhere in the head: where a character starts one.
                let lower = lower_head(s, lower);
                lower.char_indices().any(|(j, c)| {
                    FURNITURE
                        .iter()
                        .any(|&(first, phrases)| first == c && phrases.iter().any(|p| lower[j..].starts_with(p)))
                })
            }
        }
    }
}

/// Whether `bytes` in lower case open with the ASCII `phrase`, decided on
/// the bytes while they are ASCII (their own lower case); `None` when they
/// match up to a byte that is not (whose character may lower-case to ASCII,
/// as the Kelvin sign does to `k`).
fn opens_with_ascii(bytes: &[u8], phrase: &str) -> Option<bool> {
    for (j, &c) in phrase.as_bytes().iter().enumerate() {
        match bytes.get(j) {
            None => return Some(false),
            Some(b) if !b.is_ascii() => return None,
            Some(b) if b.to_ascii_lowercase() != c => return Some(false),
            Some(_) => {}
        }
    }
    Some(true)
}

/// The head of `s`, its first 32 characters, in lower case, written in
/// `lower`.
fn lower_head<'a>(s: &str, lower: &'a mut String) -> &'a str {
    lower.clear();
    for c in s.chars().take(32) {
        if c.is_ascii() {
            lower.push(c.to_ascii_lowercase());
        } else {
            lower.extend(c.to_lowercase());
        }
    }
    lower
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Lang;

    #[test]
    fn furniture_phrases_are_filed_under_their_first_letter() {
        for &(first, phrases) in FURNITURE {
            for phrase in phrases {
                assert_eq!(phrase.chars().next(), Some(first), "{phrase}");
            }
            assert_eq!(FURNITURE.iter().filter(|&&(c, _)| c == first).count(), 1, "{first}");
        }
        for b in 0..=255u8 {
            let expected: Vec<&str> = FURNITURE
                .iter()
                .filter(|&&(c, _)| c == char::from(b.to_ascii_lowercase()) && b.is_ascii())
                .flat_map(|&(_, p)| p.iter().copied())
                .collect();
            assert_eq!(furniture_from(b), expected.as_slice(), "{b}");
        }
    }

    #[test]
    fn openers_lean_back_unless_they_start_a_fixed_phrase() {
        let cases: &[(Lang, &str, bool)] = &[
            (Lang::English, "He said the talks would go on.", true),
            (Lang::English, "There, the two sides met again.", true),
            (Lang::English, "There the two sides met again.", true),
            (Lang::English, "There are more than 16,300 nuclear weapons in the world.", false),
            (Lang::English, "There were no injuries.", false),
            (Lang::English, "This is the moment the bridge fell.", true),
            (Lang::English, "This year, the festival moves to May.", false),
            (Lang::English, "This week the council votes on the budget.", false),
            (Lang::English, "So far 20 people have died.", false),
            (Lang::English, "So the council voted against it.", true),
            (Lang::English, "But the mayor disagreed.", true),
            (Lang::English, "the mayor disagreed.", true),
            (Lang::English, "The mayor disagreed.", false),
            (Lang::French, "Il y a eu une forte hausse des prix.", false),
            (Lang::French, "Il faut agir vite, selon le ministre.", false),
            (Lang::French, "Il a quitté Matignon en juillet.", true),
            (Lang::French, "Alors que la mobilisation bat son plein, le ministre parle.", false),
            (Lang::French, "Alors qu'il parlait, la salle s'est vidée.", false),
            (Lang::French, "Alors qu’il parlait, la salle s’est vidée.", false),
            (Lang::French, "Alors, le ministre a parlé.", true),
            (Lang::French, "Ces dernières semaines, le mouvement semblait s'essouffler.", false),
            (Lang::French, "Ces mesures ont été annoncées mardi.", true),
            (Lang::French, "Cette année, le festival change de date.", false),
            (Lang::French, "Cette fois, c'est à Mayenne.", true),
            (Lang::French, "Ce week-end, la neige est attendue.", false),
            (Lang::German, "Es gibt keine Verletzten.", false),
            (Lang::German, "Es war ein langer Tag.", true),
        ];
        let summarizer = crate::Summarizer::new();
        for &(lang, sentence, dependent) in cases {
            let text = format!("The first sentence stands alone here.\n\n{sentence}");
            let analysis = summarizer.analyze(&text, None, Some(lang));
            assert_eq!(analysis.spans.len(), 2, "{sentence}");
            assert_eq!(analysis.features[1].dependent > 0.0, dependent, "{sentence}");
            // The same as an article's first sentence.
            let first = summarizer.analyze(sentence, None, Some(lang));
            assert_eq!(first.features[0].dependent > 0.0, dependent, "{sentence}");
        }
    }

    /// Made-up English articles: words drawn from a small vocabulary of stop
    /// and content words (so stems repeat within sentences), some sentences
    /// repeated whole (redundant), openers that lean back, furniture,
    /// paragraphs.
    pub(crate) fn made_up_articles() -> Vec<String> {
        const WORDS: &[&str] = &[
            "the", "and", "of", "he", "she", "it", "said", "says", "saying", "council", "councils", "vote", "voted",
            "voting", "river", "rivers", "bridge", "police", "mayor", "budget", "school", "schools", "water", "city",
            "cities", "will", "Will", "being", "be", "plan", "plans", "planned", "storm", "flood", "floods", "road",
            "people", "year", "years", "new", "old", "report", "reports", "minister", "court", "judge", "trial",
        ];
        let mut seed = 0x9E37_79B9_u64;
        let mut next = |m: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % m
        };
        let mut articles = Vec::new();
        for _ in 0..40 {
            let mut text = String::new();
            let mut sentences: Vec<String> = Vec::new();
            for _ in 0..1 + next(60) {
                let sentence = if !sentences.is_empty() && next(6) == 0 {
                    sentences[next(sentences.len())].clone()
                } else {
                    let mut s = String::from(["The", "He", "But", "Police", "A", "Scroll down for video and"][next(6)]);
                    for _ in 0..next(40) {
                        s.push(' ');
                        s.push_str(WORDS[next(WORDS.len())]);
                    }
                    s.push(['.', '?', '!'][next(3)]);
                    s
                };
                text.push_str(&sentence);
                text.push_str(if next(5) == 0 { "\n\n" } else { " " });
                sentences.push(sentence);
            }
            articles.push(text);
        }
        articles
    }

    /// Centrality and title share as they were computed before the
    /// word-by-word sums, to compare with.
    fn centrality_and_title_by_stems(doc: &Doc, title: &[u32]) -> Vec<(f64, f64)> {
        let mut tf = vec![[0u32; 2]; doc.stems];
        for t in doc.tokens.iter().filter(|t| !t.stop) {
            tf[t.stem as usize][0] += 1;
        }
        let doc_norm2: u64 = tf.iter().map(|&[d, _]| u64::from(d) * u64::from(d)).sum();
        let mut out = Vec::new();
        for i in 0..doc.sentences.len() {
            for t in doc.sentence_tokens(i).iter().filter(|t| !t.stop) {
                tf[t.stem as usize][1] += 1;
            }
            let (mut dot, mut s2, mut cross) = (0u64, 0u64, 0u64);
            for &[d, c] in &tf {
                let [d, c] = [u64::from(d), u64::from(c)];
                dot += c * (d - c);
                s2 += c * c;
                cross += c * d;
            }
            let (dot, s2) = (dot as f64, s2 as f64);
            let rest2 = (doc_norm2 as f64 - 2.0 * cross as f64 + s2).max(0.0);
            let centrality = if s2 > 0.0 && rest2 > 0.0 { dot / (s2.sqrt() * rest2.sqrt()) } else { 0.0 };
            let share = if title.is_empty() {
                0.0
            } else {
                title.iter().filter(|&&t| tf[t as usize][1] > 0).count() as f64 / title.len() as f64
            };
            out.push((centrality, share));
            tf.iter_mut().for_each(|e| e[1] = 0);
        }
        out
    }

    #[test]
    fn word_by_word_sums_give_the_same_bits() {
        let summarizer = crate::Summarizer::new();
        for text in made_up_articles() {
            let analysis = summarizer.analyze(&text, None, Some(Lang::English));
            let doc = &analysis.doc;
            for title in [vec![], (0..doc.stems as u32).step_by(3).collect::<Vec<_>>()] {
                let got = features(&text, &analysis.spans, doc, &title);
                let expected = centrality_and_title_by_stems(doc, &title);
                assert_eq!(got.len(), expected.len());
                for (f, (centrality, share)) in got.iter().zip(expected) {
                    assert_eq!(f.centrality.to_bits(), centrality.to_bits());
                    assert_eq!(f.title.to_bits(), share.to_bits());
                }
            }
        }
    }

    /// The furniture test as it was before the byte-wise paths, to compare with.
    fn is_furniture_by_chars(s: &str, words: f64) -> bool {
        if words < 3.0 {
            return true;
        }
        let first = s.chars().next().map_or(' ', |c| c.to_lowercase().next().unwrap_or(c));
        if words >= 8.0 && !FURNITURE.iter().any(|&(c, _)| c == first) {
            return false;
        }
        let head = &s[..s.char_indices().nth(32).map_or(s.len(), |(i, _)| i)];
        let lower: String = head.chars().flat_map(char::to_lowercase).collect();
        let mut phrases = FURNITURE.iter().flat_map(|&(_, p)| p.iter());
        if words < 8.0 { phrases.any(|p| lower.contains(p)) } else { phrases.any(|p| lower.starts_with(p)) }
    }

    #[test]
    fn byte_wise_tests_agree_with_the_character_ones() {
        let heads = [
            "",
            "Scroll down for video",
            "SCROLL DOWN FOR MORE pictures",
            "Scroll down f\u{e9}r video",
            "Scroll\u{2019}s down for video",
            "Scroll",
            "Sign up",
            "Sign u\u{2019}",
            "Clic\u{212a} here for the rest of the story",
            "\u{130}mage: Reuters and others",
            "Image: Reuters",
            "Cameron\u{2019}s photo: Reuters",
            "The photo: Reuters",
            "A very long opening of more than thirty-two bytes, then read more",
            "A short one, then advertisement",
            "An opening that is long enough (\u{2019}) to read more",
            "Advertisement",
            "All rights reserved \u{a9} 2015",
            "\u{c0} lire aussi: le d\u{e9}bat",
            "\u{e0} lire aussi",
            "Lire aussi : le d\u{e9}bat",
            "Voir aussi \u{e0} lire aussi",
            "\u{427}\u{418}\u{422}\u{410}\u{419}\u{422}\u{415} \u{422}\u{410}\u{41a}\u{416}\u{415}",
            "\u{447}\u{438}\u{442}\u{430}\u{439}\u{442}\u{435} \u{442}\u{430}\u{43a}\u{436}\u{435} \u{43d}\u{43e}\u{432}\u{43e}\u{441}\u{442}\u{438}",
            "\u{201c}Scroll down for video\u{201d}",
            "\u{4ed6}\u{8bf4}\u{ff0c}\u{70b9}\u{51fb} click here",
            "subscribe",
            "Photo",
            "Updated: 12:00 GMT",
            "Watch: the video",
            "Follow us on Twitter",
            "Share this article",
            "Related: the other story",
            "Published: 10:00",
            "Video: the match",
            "Read More",
            "'s hidden read more",
        ];
        let mut lower = String::new();
        for s in heads {
            for words in [1.0, 3.0, 5.0, 7.0, 8.0, 12.0, 50.0] {
                assert_eq!(is_furniture(s, words, &mut lower), is_furniture_by_chars(s, words), "{s:?} {words}");
            }
            let first = s.chars().find(|c| c.is_alphanumeric());
            assert_eq!(opens_in_lower_case(s), first.is_some_and(char::is_lowercase), "{s:?}");
            assert_eq!(
                is_quote(s),
                s.starts_with(['"', '\u{201c}', '\u{ab}', '\u{201e}', '\'', '\u{2018}', '\u{300c}', '\u{300e}']),
                "{s:?}"
            );
            for end in ["", "?", "!", "\u{ff1f}", "\u{ff01}", ".", "\u{201d}"] {
                let t = format!("{s}{end}");
                assert_eq!(is_question(&t), t.ends_with('?') || t.ends_with('!') || t.ends_with('\u{ff1f}'), "{t:?}");
            }
        }
        for s in [
            "he said",
            "\"he said",
            "\u{201c}he said",
            "\u{201c}He said",
            "\u{c9}t\u{e9}",
            "\u{e9}t\u{e9}",
            "42 men",
            "...",
            "\u{2018}\u{201c}\u{e9}",
        ] {
            let first = s.chars().find(|c| c.is_alphanumeric());
            assert_eq!(opens_in_lower_case(s), first.is_some_and(char::is_lowercase), "{s:?}");
            assert_eq!(
                is_quote(s),
                s.starts_with(['"', '\u{201c}', '\u{ab}', '\u{201e}', '\'', '\u{2018}', '\u{300c}', '\u{300e}']),
                "{s:?}"
            );
        }
    }

    #[test]
    fn furniture_is_found_at_the_head_or_in_short_lines() {
        let mut lower = String::new();
        assert!(is_furniture("Scroll down for video and more pictures of the event", 10.0, &mut lower));
        assert!(is_furniture("Advertisement", 1.0, &mut lower));
        assert!(is_furniture("Photo: Getty Images for the news", 6.0, &mut lower));
        assert!(!is_furniture("The council will read more reports on Monday before the vote", 11.0, &mut lower));
    }
}
