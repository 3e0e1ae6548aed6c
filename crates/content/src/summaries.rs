//! The automatic summaries kept with every article, made by the summarizer
//! from the article's plain text (the text its sentence anchors index).

use sha2::{Digest, Sha256};
use store::{StoredSummary, SummarySentence};
use summarize::{Lang, Length, Options, Summarizer};

/// The summary lengths kept for every article: short and longer.
pub const SUMMARY_LENGTHS: [u32; 2] = [3, 5];

/// A hash of what a summary is made from: title, language and plain text.
pub fn source_hash(title: &str, lang: &str, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(title.as_bytes());
    h.update([0]);
    h.update(lang.as_bytes());
    h.update([0]);
    h.update(text.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
/// The automatic summary of `n` sentences of an article's plain text (the
/// text its sentence anchors were made from), as stored.
pub fn summary_of(
    summarizer: &Summarizer,
    text: &str,
    title: &str,
    lang: Lang,
    n: u32,
    source_hash: &str,
) -> StoredSummary {
    let options = Options { length: Length::Sentences(n as usize), title: Some(title), lang: Some(lang), keywords: 0 };
    stored(n, summarizer.summarize(text, &options), source_hash)
}

/// [`summary_of`] for several lengths, from one analysis of the text (the
/// same summaries, for a fraction of the work).
pub fn summaries_of(
    summarizer: &Summarizer,
    text: &str,
    title: &str,
    lang: Lang,
    lengths: &[u32],
    source_hash: &str,
) -> Vec<StoredSummary> {
    let analysis = summarizer.analyze(text, Some(title), Some(lang));
    let weights = summarizer.weights(analysis.lang);
    lengths
        .iter()
        .map(|&n| {
            let sum = summarizer.select(text, &analysis, Length::Sentences(n as usize), weights);
            stored(n, sum, source_hash)
        })
        .collect()
}

fn stored(length: u32, sum: summarize::Summary, source_hash: &str) -> StoredSummary {
    StoredSummary {
        length,
        sentences: sum
            .sentences
            .into_iter()
            .map(|e| SummarySentence { index: e.index, start: e.start, end: e.end, text: e.text })
            .collect(),
        source_hash: source_hash.to_owned(),
        version: summarize::VERSION.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One analysis for several lengths gives what one call per length gives.
    #[test]
    fn summaries_from_one_analysis_match_one_call_each() {
        let s = Summarizer::new();
        let text = "The council approved the budget on Monday. It raises spending on schools by a tenth. \
                    Critics said taxes would rise. The mayor welcomed the vote. The plan starts in January. \
                    Schools will hire teachers. Parents groups praised the plan.";
        let together = summaries_of(&s, text, "Council approves budget", Lang::English, &[1, 3, 5, 50], "h");
        for (n, got) in [1, 3, 5, 50].into_iter().zip(&together) {
            let alone = summary_of(&s, text, "Council approves budget", Lang::English, n, "h");
            assert_eq!(got.length, n);
            let indexes = |x: &StoredSummary| x.sentences.iter().map(|e| (e.index, e.start, e.end)).collect::<Vec<_>>();
            assert_eq!(indexes(got), indexes(&alone), "{n} sentences");
        }
        assert_eq!(together[2].sentences.len(), 5);
    }
}
