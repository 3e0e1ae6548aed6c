//! Fuzzes the public API of `summarize` on arbitrary UTF-8: splitting,
//! summarizing with each kind of length, key phrases, paragraph breaks and
//! search terms must never panic, every sentence returned must be an exact,
//! non-empty, ordered slice of the input, proposed paragraphs must keep to
//! the lengths allowed, search terms must be slices' terms in text order,
//! and a working memory reused across inputs must change nothing.

#![no_main]

use std::sync::{LazyLock, Mutex};

use libfuzzer_sys::fuzz_target;
use summarize::{Lang, Length, Options, Scratch, Summarizer, detect, paragraphs, split::split, terms};

static SUMMARIZER: LazyLock<Summarizer> = LazyLock::new(Summarizer::new);
/// One working memory for the whole run, as a batch keeps one per thread:
/// every input is also summarized with it, after all the inputs before.
static SCRATCH: LazyLock<Mutex<Scratch>> = LazyLock::new(|| Mutex::new(Scratch::default()));

fn word_count(s: &str) -> usize {
    s.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks a language and a length; the rest is the text.
    let (ctl, rest) = match data.split_first() {
        Some((&c, r)) => (c, r),
        None => (0, data),
    };
    let text = String::from_utf8_lossy(rest);
    let text: &str = &text;

    let detected = detect(text);
    let lang = match ctl % 12 {
        0 | 11 => detected,
        n => Lang::ALL[(n as usize - 1) % Lang::ALL.len()],
    };

    // Splitting: non-empty, trimmed, increasing, exact byte ranges.
    let spans = split(text, lang);
    let mut prev_end = 0;
    let mut prev_par = 0;
    for s in &spans {
        assert!(s.start < s.end, "empty span {s:?}");
        assert!(s.start >= prev_end, "overlapping spans");
        assert!(s.paragraph >= prev_par, "paragraphs go backwards");
        let t = &text[s.start..s.end];
        assert_eq!(t, s.text(text));
        assert_eq!(t, t.trim(), "span not trimmed: {t:?}");
        prev_end = s.end;
        prev_par = s.paragraph;
    }

    let s = &*SUMMARIZER;
    let length = match (ctl / 12) % 4 {
        0 => Length::Sentences((ctl % 5) as usize),
        1 => Length::Words((ctl as usize % 7) * 9),
        2 => Length::Ratio(f64::from(ctl % 11) / 10.0),
        _ => Length::default(),
    };
    let lang_opt = if ctl % 2 == 0 { None } else { Some(lang) };
    let title = if ctl % 3 == 0 { text.get(..text.len().min(40)) } else { None };
    let options = Options { length, title, lang: lang_opt, keywords: (ctl % 9) as usize };
    let summary = s.summarize(text, &options);
    let reused = s.summarize_with(&mut SCRATCH.lock().unwrap_or_else(|e| e.into_inner()), text, &options);
    assert_eq!(summary, reused, "a reused working memory changed the summary");
    let mut prev: Option<usize> = None;
    let mut words = 0;
    for e in &summary.sentences {
        assert!(e.start < e.end);
        assert_eq!(e.text, &text[e.start..e.end]);
        assert!(prev.is_none_or(|p| e.index > p), "indexes not increasing");
        assert!(e.index < summary.total_sentences);
        prev = Some(e.index);
        words += word_count(&e.text);
    }
    if let Length::Words(n) = length {
        if !summary.lang.is_cjk() {
            assert!(words <= n, "word budget {n} exceeded: {words}");
        }
    }
    if let Length::Sentences(n) = length {
        assert!(summary.sentences.len() <= n);
    }
    assert!(summary.keywords.len() <= options.keywords);

    let kw = s.keywords(text, lang_opt, 5);
    assert!(kw.len() <= 5);

    // Paragraph breaks: increasing, never a paragraph's own start, only
    // inside paragraphs of more than LONGEST sentences, and every paragraph
    // they make of SHORTEST to LONGEST_NEW sentences.
    let analysis = s.analyze(text, None, Some(lang));
    assert_eq!(analysis.spans, spans, "analysis and split disagree");
    let breaks = analysis.paragraph_breaks();
    assert!(breaks.windows(2).all(|w| w[0] < w[1]), "breaks not increasing: {breaks:?}");
    let mut start = 0;
    while start < spans.len() {
        let end = start + spans[start..].iter().take_while(|p| p.paragraph == spans[start].paragraph).count();
        let inside: Vec<usize> = breaks.iter().copied().filter(|&b| b > start && b < end).collect();
        assert!(!breaks.contains(&start), "a paragraph's own start listed");
        if end - start <= paragraphs::LONGEST {
            assert!(inside.is_empty(), "{inside:?} cut a paragraph of {}", end - start);
        } else {
            let mut edges = vec![start];
            edges.extend(&inside);
            edges.push(end);
            for w in edges.windows(2) {
                assert!((paragraphs::SHORTEST..=paragraphs::LONGEST_NEW).contains(&(w[1] - w[0])), "{edges:?}");
            }
        }
        start = end;
    }
    assert!(breaks.iter().all(|&b| b < spans.len()));

    // Search terms: non-empty, at most MAX_TERM_BYTES, no white space, on
    // character boundaries, in text order.
    let mut last = 0;
    s.for_each_index_term(text, lang, |term, range| {
        assert!(!term.is_empty() && term.len() <= terms::MAX_TERM_BYTES, "{term:?}");
        assert!(!term.chars().any(char::is_whitespace), "{term:?}");
        assert!(text.get(range.clone()).is_some_and(|w| !w.is_empty()), "{range:?}");
        assert!(range.start >= last, "terms out of order");
        last = range.start;
    });
});
