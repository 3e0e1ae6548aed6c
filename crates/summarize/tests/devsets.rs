//! Provenance on every article of every development set: each summary
//! sentence is exactly `article[start..end]`, indexes increase, and the split
//! covers the sentences' text; and a reused working memory gives the same
//! summaries as a fresh one. Reads `../shared/data/` and says it is skipping
//! when the folder is absent (a user's clone).

use std::path::PathBuf;

use summarize::{Length, Options, Scratch, Summarizer};

fn data_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    dir.is_dir().then_some(dir)
}

#[test]
fn every_summary_sentence_is_an_exact_slice_of_its_article() {
    let Some(dir) = data_dir() else {
        eprintln!("SKIPPED: ../shared/data is absent; the development-set provenance test did not run");
        return;
    };
    let summarizer = Summarizer::new();
    let mut scratch = Scratch::default();
    let mut checked = 0usize;
    for (file, n) in [("cnndm-gpt4-dev.jsonl", 3), ("orangesum-fr-dev.jsonl", 2), ("lcsts-zh-dev.jsonl", 1)] {
        let text = std::fs::read_to_string(dir.join(file)).expect("readable development set");
        for (line_no, line) in text.lines().enumerate() {
            let row: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
            let article = row["article"].as_str().expect("article");
            let title = row["title"].as_str();
            for length in [Length::Sentences(n), Length::Sentences(5), Length::Words(60)] {
                let options = Options { length, title, ..Options::default() };
                let s = summarizer.summarize_with(&mut scratch, article, &options);
                // A word budget may be smaller than every sentence; then nothing fits.
                if matches!(length, Length::Sentences(_)) {
                    assert!(!s.sentences.is_empty(), "{file}:{}: empty summary", line_no + 1);
                }
                if length == Length::Sentences(n) {
                    // The working memory reused across 2,000 articles changes nothing.
                    assert_eq!(s, summarizer.summarize(article, &options), "{file}:{}", line_no + 1);
                }
                let spans = summarizer.sentences(article, Some(s.lang));
                let mut last = None;
                for e in &s.sentences {
                    assert_eq!(&article[e.start..e.end], e.text, "{file}:{}", line_no + 1);
                    assert_eq!((spans[e.index].start, spans[e.index].end), (e.start, e.end), "{file}:{}", line_no + 1);
                    assert!(last.is_none_or(|l| l < e.index), "{file}:{}: not in article order", line_no + 1);
                    last = Some(e.index);
                }
                if let Length::Sentences(k) = length {
                    assert!(s.sentences.len() <= k);
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 2000, "all 2,000 development articles were checked");
}

/// On every article of the English and French development sets, each
/// search term of a word beginning with an ASCII letter or digit begins with
/// that character, lower-cased: what `TermMemo::want_only` (search snippets
/// analyse only the words that may match) relies on.
#[test]
fn search_terms_begin_as_their_words_on_real_text() {
    let Some(dir) = data_dir() else {
        eprintln!("SKIPPED: ../shared/data is absent; the search-term initials test did not run");
        return;
    };
    let summarizer = Summarizer::new();
    let mut checked = 0usize;
    for (file, lang) in
        [("cnndm-gpt4-dev.jsonl", summarize::Lang::English), ("orangesum-fr-dev.jsonl", summarize::Lang::French)]
    {
        let text = std::fs::read_to_string(dir.join(file)).expect("readable development set");
        for line in text.lines() {
            let row: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
            let article = row["article"].as_str().expect("article");
            summarizer.for_each_index_term(article, lang, |term, range| {
                let first = article.as_bytes()[range.start];
                if first.is_ascii_alphanumeric() {
                    assert_eq!(term.as_bytes()[0], first.to_ascii_lowercase(), "{term:?}: {}", &article[range]);
                    checked += 1;
                }
            });
        }
    }
    assert!(checked > 100_000, "{checked} terms checked");
}
