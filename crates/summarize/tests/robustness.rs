//! Robustness of the public API on arbitrary input: nothing panics, every
//! sentence returned is an exact, non-empty slice of the input in article
//! order, and a word budget is never exceeded.

use std::sync::LazyLock;

use proptest::prelude::*;
use summarize::split::split;
use summarize::{Lang, Length, Options, Scratch, Summarizer, detect};

static SUMMARIZER: LazyLock<Summarizer> = LazyLock::new(Summarizer::new);

/// Every language the summarizer knows, and `Other`.
fn langs() -> Vec<Lang> {
    Lang::ALL.iter().copied().chain([Lang::Other]).collect()
}

/// Words as `lib.rs` counts them outside Chinese: white-space separated
/// chunks holding a letter or digit.
fn word_count(s: &str) -> usize {
    s.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

fn check_split(text: &str, lang: Lang) {
    let spans = split(text, lang);
    let mut prev_end = 0;
    let mut prev_paragraph = 0;
    for s in &spans {
        assert!(s.start < s.end, "empty span {s:?} for {lang}");
        assert!(s.start >= prev_end, "overlapping spans for {lang}");
        assert!(s.paragraph >= prev_paragraph, "paragraph numbers go back for {lang}");
        let t = &text[s.start..s.end];
        assert_eq!(s.text(text), t);
        assert_eq!(t, t.trim(), "span not trimmed for {lang}");
        prev_end = s.end;
        prev_paragraph = s.paragraph;
    }
}

/// Summarizes `text` with `options` and checks the result; returns the
/// number of words of the summary as the budget counts them.
fn check_summary(text: &str, options: &Options<'_>) -> usize {
    let summary = SUMMARIZER.summarize(text, options);
    let mut prev: Option<usize> = None;
    let mut prev_end = 0;
    for e in &summary.sentences {
        assert!(e.start < e.end, "empty extract {e:?}");
        assert!(e.end <= text.len(), "extract past the end {e:?}");
        assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end), "extract off a char boundary {e:?}");
        assert_eq!(e.text, &text[e.start..e.end]);
        assert!(prev.is_none_or(|p| e.index > p), "indexes not strictly increasing");
        assert!(e.index < summary.total_sentences);
        assert!(e.start >= prev_end, "extracts overlap or go back");
        prev = Some(e.index);
        prev_end = e.end;
    }
    assert!(summary.keywords.len() <= options.keywords);
    if let Length::Sentences(n) = options.length {
        assert!(summary.sentences.len() <= n);
    }
    let words = if summary.lang.is_cjk() {
        let analysis = SUMMARIZER.analyze(text, options.title, Some(summary.lang));
        let counts = SUMMARIZER.word_counts(&analysis);
        summary.sentences.iter().map(|e| counts[e.index]).sum()
    } else {
        summary.sentences.iter().map(|e| word_count(&e.text)).sum()
    };
    if let Length::Words(n) = options.length {
        assert!(words <= n, "word budget {n} exceeded: {words} words");
    }
    words
}

/// Every public entry point on `text`.
fn check_all(text: &str, lang: Option<Lang>, budget: usize, ratio: f64) {
    let _ = detect(text);
    for l in langs() {
        check_split(text, l);
    }
    check_summary(text, &Options::default());
    check_summary(text, &Options { lang, ..Options::default() });
    check_summary(text, &Options { length: Length::Words(budget), lang, ..Options::default() });
    check_summary(text, &Options { length: Length::Ratio(ratio), lang, keywords: 3, ..Options::default() });
    check_summary(text, &Options { length: Length::Sentences(budget % 7), title: Some(text), lang, keywords: 0 });
    let kw = SUMMARIZER.keywords(text, lang, 5);
    assert!(kw.len() <= 5);
    let spans = SUMMARIZER.sentences(text, lang);
    for s in &spans {
        assert!(s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
    }
    check_breaks(text, lang);
}

/// Paragraph breaks: sentence indexes in increasing order, each a sentence
/// of the text that is not its first.
fn check_breaks(text: &str, lang: Option<Lang>) {
    let analysis = SUMMARIZER.analyze(text, None, lang);
    let breaks = analysis.paragraph_breaks();
    assert!(breaks.windows(2).all(|w| w[0] < w[1]), "breaks not increasing: {breaks:?}");
    assert!(breaks.iter().all(|&b| b > 0 && b < analysis.spans.len()), "break out of range: {breaks:?}");
    assert_eq!(breaks, SUMMARIZER.paragraph_breaks(text, lang));
}

fn lang_strategy() -> impl Strategy<Value = Option<Lang>> {
    prop_oneof![Just(None), proptest::sample::select(langs()).prop_map(Some)]
}

fn ratio_strategy() -> impl Strategy<Value = f64> {
    prop_oneof![
        0.0..=1.0f64,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-1.0),
        Just(7.5),
        Just(f64::MIN_POSITIVE),
    ]
}

/// Pieces of news text in every script, with the punctuation the splitter
/// looks at, to be shuffled together.
const PIECES: &[&str] = &[
    "The council approved the budget on Monday.",
    "Mr. Smith said",
    "U.S.",
    "$3.5 million",
    "3.5%",
    "e.g.",
    "etc.",
    "J. K. Rowling",
    "...",
    "…",
    "?!",
    "\" he said.",
    "(See below.)",
    "https://example.com/a.b?c=d",
    "j.doe@example.co.uk",
    "LONDON (Reuters) -",
    "(CNN)",
    "WASHINGTON —",
    "\n",
    "\n\n",
    "\r\n",
    "- ",
    "1. ",
    "# ",
    "« Bonjour. »",
    "M. Dupont",
    "am 3. Oktober",
    "z. B.",
    "¿Qué pasa?",
    "¡Hola!",
    "EE.UU.",
    "Цены выросли на 3,5%.",
    "и т. д.",
    "им. Пушкина",
    "Він живе на вул. Хрещатик.",
    "2014 р.",
    "今天天气很好。",
    "“我们会赢。”",
    "我想……也许",
    "你好.今天",
    "ＦＵＬＬ",
    "ﬁnance",
    "\u{202f}»",
    "\u{a0}",
    "\u{200b}",
    "\u{feff}",
    "\u{0}",
    "\t",
    " ",
    ".",
    "!",
    "?",
    "。",
    "a",
    "Z",
    "7",
    "👍🏽",
    "e\u{301}",
    "مرحبا.",
    "שלום.",
    "नमस्ते।",
];

fn mixed_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(PIECES), 0..60).prop_map(|v| {
        let mut s = String::new();
        for (i, p) in v.iter().enumerate() {
            if i % 3 == 1 {
                s.push(' ');
            }
            s.push_str(p);
        }
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_unicode(text in any::<String>(), lang in lang_strategy(), budget in 0usize..80, ratio in ratio_strategy()) {
        check_all(&text, lang, budget, ratio);
    }

    #[test]
    fn printable_text(text in "\\PC{0,400}", lang in lang_strategy(), budget in 0usize..80, ratio in ratio_strategy()) {
        check_all(&text, lang, budget, ratio);
    }

    /// Arbitrary bytes, read as a web form or a file would be (invalid
    /// UTF-8 replaced by U+FFFD).
    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000), lang in lang_strategy(), budget in 0usize..80) {
        let text = String::from_utf8_lossy(&bytes);
        check_all(&text, lang, budget, 0.5);
    }

    #[test]
    fn whitespace_only(text in "[ \t\r\n\u{a0}\u{2028}\u{2029}\u{3000}\u{202f}\u{b}\u{c}]{0,50}", lang in lang_strategy()) {
        check_all(&text, lang, 10, 0.5);
        prop_assert!(split(&text, Lang::English).is_empty());
        prop_assert!(SUMMARIZER.summarize(&text, &Options::default()).sentences.is_empty());
    }

    #[test]
    fn one_word(text in "[a-zA-Zа-яА-ЯіїєґÀ-ÿ一-龥0-9]{1,30}", lang in lang_strategy(), budget in 0usize..5) {
        check_all(&text, lang, budget, 1.0);
        let spans = split(&text, Lang::English);
        prop_assert_eq!(spans.len(), 1);
        prop_assert_eq!((spans[0].start, spans[0].end), (0, text.len()));
    }

    #[test]
    fn no_punctuation(text in "[a-z ]{0,300}", lang in lang_strategy(), budget in 0usize..80) {
        check_all(&text, lang, budget, 0.3);
        prop_assert!(split(&text, Lang::English).len() <= 1);
    }

    #[test]
    fn control_characters(text in "[\\x00-\\x1f\\x7f\u{80}-\u{9f} a.!?\n]{0,200}", lang in lang_strategy(), budget in 0usize..40) {
        check_all(&text, lang, budget, 0.5);
    }

    #[test]
    fn mixed_scripts(text in mixed_strategy(), lang in lang_strategy(), budget in 0usize..120, ratio in ratio_strategy()) {
        check_all(&text, lang, budget, ratio);
    }

    /// The working memory a batch reuses (its caches and buffers) never
    /// changes a result: a sequence of articles, in any mix of languages,
    /// gets the summaries each would get alone.
    #[test]
    fn reused_working_memory_changes_nothing(
        texts in proptest::collection::vec(prop_oneof![mixed_strategy(), "\\PC{0,300}", "[A-Za-z]{1,20}( [A-Za-z]{1,20}){0,30}[.] [A-Z][a-z]{0,20}( [a-z]{1,20}){0,20}[.]"], 1..8),
        lang in lang_strategy(),
        title in proptest::option::of("[A-Za-z ]{0,40}"),
    ) {
        let mut scratch = Scratch::default();
        for text in &texts {
            let options = Options { lang, title: title.as_deref(), ..Options::default() };
            let reused = SUMMARIZER.summarize_with(&mut scratch, text, &options);
            prop_assert_eq!(reused, SUMMARIZER.summarize(text, &options));
        }
    }

    #[test]
    fn word_budget_is_never_exceeded(
        sentences in proptest::collection::vec("[A-Z][a-z]{0,8}( [a-z]{1,10}){0,25}[.!?]", 1..30),
        budget in 0usize..200,
    ) {
        let text = sentences.join(" ");
        let words = check_summary(&text, &Options { length: Length::Words(budget), ..Options::default() });
        prop_assert!(words <= budget);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// One very long sentence: a random piece of any script repeated
    /// thousands of times, with or without spaces, and no full stop.
    #[test]
    fn huge_sentences(piece in "\\PC{1,6}", times in 1000usize..6000, spaced in any::<bool>(), lang in lang_strategy()) {
        let sep = if spaced { " " } else { "" };
        let text = vec![piece.as_str(); times].join(sep);
        check_all(&text, lang, 50, 0.2);
    }

    /// Words of several scripts, without any punctuation, in one run.
    #[test]
    fn mixed_scripts_without_punctuation(
        words in proptest::collection::vec("[a-zA-Z]{1,8}|[а-яА-Я]{1,8}|[一-龥]{1,4}|[α-ω]{1,6}|[ا-ي]{1,6}|[0-9]{1,4}", 0..200),
        lang in lang_strategy(),
        budget in 0usize..80,
    ) {
        let text = words.join(" ");
        check_all(&text, lang, budget, 0.5);
    }
}

/// A very long sentence (100,000 characters) of each shape: one word, words
/// without punctuation, and runs of the punctuation the splitter inspects.
#[test]
fn hundred_thousand_character_sentences() {
    let n = 100_000;
    let shapes = [
        "a".repeat(n),
        "word ".repeat(n / 5),
        ".".repeat(n),
        "a.".repeat(n / 2),
        ". ".repeat(n / 2),
        "Mr. ".repeat(n / 4),
        "?!".repeat(n / 2),
        "\n".repeat(n),
        "x\n".repeat(n / 2),
        "\u{b}\n".repeat(n / 2),
        "(".repeat(n),
        "« ".repeat(n / 2),
        "1. ".repeat(n / 3),
        "。".repeat(n / 3),
        "…".repeat(n / 3),
        "汉".repeat(n),
        "é".repeat(n),
        format!("LONDON (Reuters) - {}.", "news ".repeat(n / 5)),
        format!("The {} ended.", "very ".repeat(n / 5)),
        format!("{} Then it stopped.", "la ".repeat(n / 3)),
    ];
    for text in &shapes {
        for l in langs() {
            check_split(text, l);
        }
        let _ = detect(text);
        check_summary(text, &Options::default());
        check_summary(
            text,
            &Options { length: Length::Words(50), lang: Some(Lang::English), keywords: 3, ..Options::default() },
        );
    }
}

#[test]
fn edge_inputs() {
    for text in ["", " ", "\n\n\n", ".", "...", "。", "a", "A.", "Mr.", "(CNN)", "LONDON (Reuters) -", "\u{feff}", "\0"]
    {
        check_all(text, None, 0, 0.0);
        check_all(text, Some(Lang::Chinese), 1, 1.0);
    }
    assert!(SUMMARIZER.summarize("", &Options::default()).sentences.is_empty());
}

/// A 1 MB article of realistic sentences summarizes, with every extract exact.
/// (The linear-time claim is checked by a benchmark, not here.)
#[test]
fn one_megabyte_article() {
    let paragraph = "LONDON (Reuters) - The Bank of England raised interest rates by 0.25 percentage points on \
        Thursday, its 14th increase in a row. Governor Andrew Bailey said inflation, at 8.7%, was still far too \
        high. \"We will do what is needed,\" he told reporters. Mortgage rates rose to their highest since 2008, \
        e.g. the two-year fixed rate hit 6.5%. Analysts at J.P. Morgan Chase & Co. expect one more rise in Sept. \
        The pound rose 0.4% to $1.27 after the decision.\n\n";
    let mut text = String::with_capacity(1_050_000);
    let mut i = 0usize;
    while text.len() < 1_000_000 {
        text.push_str(paragraph);
        // Vary the text a little so that sentences are not all identical.
        text.push_str(&format!("Update {i}: markets closed higher on day {i}.\n\n"));
        i += 1;
    }
    let summary = SUMMARIZER.summarize(&text, &Options::default());
    assert_eq!(summary.lang, Lang::English);
    assert_eq!(summary.sentences.len(), 3);
    assert!(summary.total_sentences > 10_000, "{} sentences", summary.total_sentences);
    for e in &summary.sentences {
        assert_eq!(e.text, &text[e.start..e.end]);
    }
    let words = check_summary(&text, &Options { length: Length::Words(60), ..Options::default() });
    assert!(words <= 60);
    let spans = split(&text, Lang::English);
    assert_eq!(spans.len(), summary.total_sentences);
}
