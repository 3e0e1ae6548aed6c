//! From an article as written to a record ready to store: validated,
//! rendered to sanitized HTML with sentence anchors, reduced to the plain
//! text a reader sees, summarized, with its reading time and key phrases.

use store::{Named, NewArticle, SearchText, SummaryMode};
use summarize::{Lang, Summarizer};

use crate::{ArticleInput, SUMMARY_LENGTHS, ValidationError, render, slugify, source_hash, summaries_from, validate};

fn named(name: &str) -> Named {
    Named { name: crate::clean_name(name), slug: slugify(name) }
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Whether `c` is read one character at a time, as a word: Chinese
/// characters (Han), and Japanese kana. (Korean Hangul is written with
/// spaces between words, so it is counted by words.)
fn is_cjk_char(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'      // Hiragana, Katakana
        | '\u{31F0}'..='\u{31FF}'    // Katakana phonetic extensions
        | '\u{3400}'..='\u{4DBF}'    // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}'    // CJK Unified Ideographs
        | '\u{F900}'..='\u{FAFF}'    // CJK Compatibility Ideographs
        | '\u{FF66}'..='\u{FF9D}'    // Halfwidth Katakana
        | '\u{20000}'..='\u{3134F}') // CJK Extensions B to G
}

/// Reading speeds, from the International Reading Speed Texts (IReST:
/// Trauzettel-Klosinski and Dietz, "Standardized Assessment of Reading
/// Performance", Investigative Ophthalmology & Visual Science 53(9), 2012):
/// English 228 ± 30 words a minute, Chinese 255 ± 29 and Japanese 357 ± 56
/// characters a minute. Silent reading is a little faster than those
/// (read-aloud) figures, so: 230 words, or 300 Chinese or Japanese
/// characters, a minute.
const WORDS_PER_MINUTE: u64 = 230;
const CJK_CHARS_PER_MINUTE: u64 = 300;

/// Minutes to read `text` (at least 1): its Chinese and Japanese characters
/// at `CJK_CHARS_PER_MINUTE`, plus its other words (runs between white
/// space and those characters) at `WORDS_PER_MINUTE`.
pub fn reading_minutes(text: &str) -> u32 {
    let mut cjk = 0u64;
    let mut words = 0u64;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk_char(c) {
            cjk += 1;
            in_word = false;
        } else if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            // Punctuation between CJK characters ("，", "。") is not a word.
            in_word = c.is_alphanumeric();
            words += u64::from(in_word);
        }
    }
    // words / WPM + cjk / CPM, rounded up, in whole numbers.
    let minutes =
        (words * CJK_CHARS_PER_MINUTE + cjk * WORDS_PER_MINUTE).div_ceil(WORDS_PER_MINUTE * CJK_CHARS_PER_MINUTE);
    u32::try_from(minutes).unwrap_or(u32::MAX).max(1)
}

/// Whether some paragraph of the text has more sentences than the
/// summarizer's paragraphing leaves alone (so that only such a body pays for
/// the analysis that finds where to break it).
fn has_wall(spans: &[summarize::SentenceSpan]) -> bool {
    spans.chunk_by(|a, b| a.paragraph == b.paragraph).any(|p| p.len() > summarize::paragraphs::LONGEST)
}

/// Validates, renders and summarizes an article. `now` is Unix seconds.
pub fn prepare(input: &ArticleInput, summarizer: &Summarizer, now: i64) -> Result<NewArticle, ValidationError> {
    validate(input)?;
    // A language the summarizer does not know ("pl") is summarized by word
    // boundaries, and kept as given for the page's `lang` attribute.
    let given_lang = input.lang.as_deref().map(|c| Lang::from_code(c).unwrap_or(Lang::Other));
    let unknown_code = input.lang.as_deref().filter(|c| Lang::from_code(c).is_none()).map(str::trim);
    // The language is detected from the plain text the sentences are found in.
    let mut lang = Lang::English;
    let auto_paragraphs = input.auto_paragraphs.unwrap_or(true);
    let mut sentence_spans: Vec<(usize, usize)> = Vec::new();
    let rendered = render::render_with_breaks(&input.body, |text| {
        lang = given_lang.unwrap_or_else(|| summarize::detect(text));
        let spans = summarizer.sentences(text, Some(lang));
        let breaks = if auto_paragraphs && has_wall(&spans) {
            summarizer.paragraph_breaks(text, Some(lang))
        } else {
            Vec::new()
        };
        sentence_spans = spans.into_iter().map(|s| (s.start, s.end)).collect();
        (sentence_spans.clone(), breaks)
    });
    let sentences: Vec<&str> = sentence_spans.iter().map(|&(a, b)| &rendered.text[a..b]).collect();
    let summary_picks =
        crate::resolve_picks(&sentences, input.summary_sentences.as_deref(), input.summary_seen.as_ref())?;
    let title = input.title.trim().to_owned();
    let code = unknown_code.unwrap_or(lang.code()).to_owned();
    let hash = source_hash(&title, &code, &rendered.text);
    // One analysis of the text for the summaries and the key phrases.
    let started = std::time::Instant::now();
    let analysis = summarizer.analyze(&rendered.text, Some(&title), Some(lang));
    let summaries = summaries_from(summarizer, &rendered.text, &analysis, &SUMMARY_LENGTHS, &hash);
    // For the operator's metrics (nothing is recorded unless `serve` installed
    // a recorder): an article's summaries, from one analysis.
    metrics::counter!("newsdesk_summaries_computed_total", "source" => "save").increment(1);
    metrics::histogram!("newsdesk_summary_duration_seconds", "source" => "save")
        .record(started.elapsed().as_secs_f64());
    let key_phrases = crate::related::key_phrases_of(&analysis, &rendered.text);
    let status = input.status.unwrap_or_default();
    // No time given: the store keeps an existing article's time, and gives a
    // new published one the time it is saved (re-importing or correcting an
    // article does not re-date it).
    let published_at = input.published.map(|t| t.timestamp());
    let minutes = reading_minutes(&rendered.text);
    let summary_custom = non_empty(&input.summary);
    let summary_mode = input.summary_mode.unwrap_or(if summary_custom.is_some() {
        SummaryMode::Custom
    } else if !summary_picks.is_empty() {
        SummaryMode::Picked
    } else {
        SummaryMode::Auto
    });
    let mut tags: Vec<Named> = Vec::new();
    for t in &input.tags {
        let n = named(t);
        if !tags.iter().any(|x| x.slug == n.slug) {
            tags.push(n);
        }
    }
    let mut authors: Vec<Named> = Vec::new();
    for a in &input.authors {
        let n = named(a);
        if !authors.iter().any(|x| x.slug == n.slug) {
            authors.push(n);
        }
    }
    let mut record = NewArticle {
        slug: input.slug.clone(),
        title,
        standfirst: non_empty(&input.standfirst),
        body_md: input.body.clone(),
        body_html: rendered.html,
        body_text: rendered.text,
        authors,
        section: named(&input.section),
        tags,
        lang: code,
        status,
        published_at,
        updated_at: input.updated.or(input.published).map(|t| t.timestamp()).unwrap_or(now),
        sources: non_empty(&input.sources),
        canonical_url: non_empty(&input.canonical_url),
        lead_image: non_empty(&input.lead_image),
        lead_image_alt: input.lead_image_alt.as_deref().map(|s| s.trim().to_owned()),
        reading_minutes: minutes,
        summary_mode,
        summary_custom,
        summary_picks,
        auto_paragraphs,
        summaries,
        owner: None,
        revision: None,
        search: SearchText::default(),
        key_phrases,
    };
    record.search = crate::search::search_text(summarizer, &record);
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::input;
    use crate::{import, validate};
    use store::Status;

    #[test]
    fn prepare_renders_and_summarizes() {
        let s = Summarizer::new();
        let a = prepare(&input(), &s, 1000).unwrap();
        assert_eq!(a.section.slug, "world-news");
        assert_eq!(a.tags.len(), 1);
        assert_eq!(a.published_at, None, "no time given: the store keeps or sets it");
        assert_eq!(a.summaries.len(), 2);
        let short = &a.summaries[0];
        assert_eq!(short.sentences.len(), 3);
        for sent in &short.sentences {
            assert_eq!(&a.body_text[sent.start..sent.end], sent.text);
            assert!(a.body_html.contains(&format!("id=\"s-{}\"", sent.index)), "{}", a.body_html);
        }
        assert_eq!(short.version, summarize::VERSION);
    }

    #[test]
    fn validation() {
        let s = Summarizer::new();
        let mut i = input();
        i.slug = "Bad Slug".into();
        assert_eq!(prepare(&i, &s, 0).unwrap_err().field, "slug");
        let mut i = input();
        i.canonical_url = Some("javascript:alert(1)".into());
        assert_eq!(prepare(&i, &s, 0).unwrap_err().field, "canonical_url");
        let mut i = input();
        i.status = Some(Status::Scheduled);
        assert_eq!(prepare(&i, &s, 0).unwrap_err().field, "published");
        let mut i = input();
        i.title = "Mayor \u{202E}gnissim\u{202C} found".into();
        assert_eq!(prepare(&i, &s, 0).unwrap_err().field, "title");
        let at = |t: &str| Some(chrono::DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&chrono::Utc));
        // `updated` is the last change, which for a scheduled article comes
        // before its publication.
        let mut i = input();
        (i.published, i.updated) = (at("2026-05-02T09:00:00Z"), at("2026-05-01T09:00:00Z"));
        assert!(prepare(&i, &s, 0).is_ok());
        i.published = at("0001-01-01T00:00:00Z");
        assert_eq!(prepare(&i, &s, 0).unwrap_err().field, "published");
        i.published = None;
        i.updated = at("9999-12-31T23:59:59Z");
        assert!(prepare(&i, &s, 0).is_ok());
        for bad in ["x", "english!", "pl_PL", "12", "pl--x", "toolongprimary"] {
            let mut i = input();
            i.lang = Some(bad.into());
            assert_eq!(prepare(&i, &s, 0).unwrap_err().field, "lang", "{bad}");
        }
        // Any well-formed language tag: known ones are normalized, others
        // kept as given and summarized by word boundaries.
        for (code, stored) in
            [("pl", "pl"), ("pt-BR", "pt"), ("zh-Hant", "zh"), ("ja", "ja"), ("English", "en"), ("en_US", "en")]
        {
            let mut i = input();
            i.lang = Some(code.into());
            let a = prepare(&i, &s, 0).unwrap();
            assert_eq!(a.lang, stored, "{code}");
            assert_eq!(a.summaries[0].sentences.len(), 3, "{code}");
        }
    }

    /// A wall of text is shown in paragraphs where the topic shifts, marked
    /// as automatic, with the same text and the same sentence anchors; an
    /// article that switches it off, or whose paragraphs are short, is shown
    /// as written.
    #[test]
    fn a_wall_of_text_is_shown_in_paragraphs_unless_switched_off() {
        let s = Summarizer::new();
        let harbour = "The harbour board approved the tidal barrier on Monday. The barrier will close the harbour \
            mouth during storm tides. Engineers said the barrier gates weigh four hundred tonnes each. The harbour \
            board expects the barrier to last a century. ";
        let school = "Teachers at the city's schools voted to strike over pay. The teachers' union said classes \
            would stop for two days. Parents were told to keep children at home during the strike. The school \
            board offered teachers a new pay deal on Friday. ";
        let trains = "Rail services across the region were cancelled after a signal fault. Passengers waited for \
            hours at the central station. The rail operator promised refunds for every cancelled train. Engineers \
            repaired the signal fault by the evening.";
        let mut i = input();
        i.body = format!("{harbour}{school}{trains}");
        let walled = prepare(&i, &s, 0).unwrap();
        assert!(walled.auto_paragraphs);
        let auto = format!("<p class=\"{}\">", render::AUTO_BREAK_CLASS);
        let breaks = walled.body_html.matches(&auto).count();
        assert!((2..=5).contains(&breaks), "{breaks} breaks: {}", walled.body_html);
        assert!(walled.body_html.starts_with("<p>"), "the first paragraph is the author's: {}", walled.body_html);
        i.auto_paragraphs = Some(false);
        let plain = prepare(&i, &s, 0).unwrap();
        assert!(!plain.auto_paragraphs);
        assert!(!plain.body_html.contains(&auto), "{}", plain.body_html);
        // The text, the sentences and their anchors are the same either way.
        assert_eq!(walled.body_text, plain.body_text);
        assert_eq!(walled.summaries, plain.summaries);
        let anchors = |html: &str| html.matches("id=\"s-").count();
        assert_eq!(anchors(&walled.body_html), 12);
        assert_eq!(anchors(&plain.body_html), 12);
        assert_eq!(render::tests::visible_text(&walled.body_html), render::tests::visible_text(&plain.body_html));
        // Paragraphs the author wrote short enough are left alone.
        i.auto_paragraphs = None;
        i.body = format!("{harbour}\n\n{school}\n\n{trains}");
        assert!(!prepare(&i, &s, 0).unwrap().body_html.contains(&auto));
    }

    /// Every summary sentence is word for word in the page as a reader sees
    /// it, and has its anchor there, whatever raw HTML the body holds.
    #[test]
    fn summaries_are_word_for_word_from_the_visible_page() {
        let s = Summarizer::new();
        let bodies = [
            "The council met on Monday night. Second <b>bold</b> one. <script>alert(2)</script> Third sentence about the budget.\n\n\
             <style>p { color: red } .secret { display: none }</style>\n\n\
             The mayor welcomed the vote on Tuesday. <style>.x{}</style>Critics said taxes would rise sharply.",
            "<div>\nThe harbour board approved the tidal barrier plan. Work starts in spring.\n</div>\n\n\
             <div class=\"note\"><p>Engineers expect the barrier to last a century. It will cost two billion.</p></div>\n\n\
             Residents asked for more flood defences last year. The board <script>document.write('Hidden words here.')</script>agreed.\n\n\
             <table><tr><td>Funding comes from the state. The city adds a fifth.</td></tr></table>",
            "<noscript>Enable scripts now.</noscript> Plain words follow the tag. <iframe src=\"x\">Frame text here.</iframe> \
             More plain words come next. <textarea>Typed text.</textarea> The end is near now. A last sentence closes it.",
        ];
        for body in bodies {
            let mut i = input();
            i.body = body.into();
            let a = prepare(&i, &s, 0).unwrap();
            let visible = render::tests::visible_text(&a.body_html);
            for hidden in ["alert", "color", "secret", "Hidden words", "document"] {
                assert!(!a.body_text.contains(hidden), "{hidden} in {:?}", a.body_text);
            }
            for summary in &a.summaries {
                assert!(!summary.sentences.is_empty());
                for sent in &summary.sentences {
                    let words = sent.text.split_whitespace().collect::<Vec<_>>().join(" ");
                    assert!(visible.contains(&words), "{words:?} not in {visible:?}");
                    assert_eq!(a.body_html.matches(&format!("id=\"s-{}\"", sent.index)).count(), 1, "{}", a.body_html);
                }
            }
        }
    }

    /// Sentence anchors written by the author do not survive: no id twice.
    #[test]
    fn author_anchors_do_not_repeat_ids() {
        let s = Summarizer::new();
        let mut i = input();
        i.body = "<span class=\"s\" id=\"s-1\">Dup.</span> The council approved the budget. \
                  <a id=\"s-0\" href=\"#s-0\">It raises spending.</a>\n\n<p id=\"summary-1\" class=\"s\">Critics spoke.</p>"
            .into();
        let a = prepare(&i, &s, 0).unwrap();
        let mut ids: Vec<&str> = a.body_html.split(" id=\"").skip(1).filter_map(|r| r.split('"').next()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "{}", a.body_html);
        assert!(ids.iter().all(|id| id.starts_with("s-")), "{}", a.body_html);
    }

    /// Chinese and Japanese characters are read one at a time (about 300 a
    /// minute), not as one long "word" between spaces; other text by words.
    #[test]
    fn reading_time_counts_cjk_characters() {
        let sentence = "市议会周一批准了新的预算方案，计划明年开始实施。"; // 22 characters, 2 marks
        let chinese = sentence.repeat(190); // 4,180 characters
        assert_eq!(reading_minutes(&chinese), 14);
        assert_eq!(reading_minutes(&"今日は市議会が予算を承認した。".repeat(60)), 3); // 840 kana and kanji
        assert_eq!(reading_minutes(&"word ".repeat(460)), 2);
        assert_eq!(reading_minutes(&"word ".repeat(461)), 3);
        // Mixed: 230 words and 300 characters are two minutes.
        assert_eq!(reading_minutes(&format!("{} {}", "word ".repeat(230), "字".repeat(300))), 2);
        assert_eq!(reading_minutes(""), 1);
        assert_eq!(reading_minutes("， 。 —"), 1);

        let s = Summarizer::new();
        let mut i = input();
        i.lang = Some("zh".into());
        i.body = chinese;
        assert_eq!(prepare(&i, &s, 0).unwrap().reading_minutes, 14);
    }

    /// A body that is missing or blank is refused, naming `body`.
    #[test]
    fn body_is_required() {
        let s = Summarizer::new();
        for body in ["", "  \n\n\t "] {
            let mut i = input();
            i.body = body.into();
            let err = prepare(&i, &s, 0).unwrap_err();
            assert_eq!(err.field, "body");
            assert!(err.to_string().starts_with("body: must not be empty"), "{err}");
        }
        let missing: ArticleInput = serde_json::from_str(r#"{"slug":"a","title":"A","section":"S"}"#).unwrap();
        assert_eq!(validate(&missing).unwrap_err().field, "body");
    }

    /// The bundled demo articles all import, and their summaries are word for
    /// word in their pages.
    #[test]
    fn demo_articles_are_word_for_word() {
        let s = Summarizer::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/articles");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let input = import::parse_markdown(&text).unwrap();
            let a = prepare(&input, &s, 0).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let visible = render::tests::visible_text(&a.body_html);
            for sent in a.summaries.iter().flat_map(|x| &x.sentences) {
                let words = sent.text.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(visible.contains(&words), "{}: {words:?}", path.display());
            }
            n += 1;
        }
        assert!(n >= 10, "{n} demo articles");
    }
}
