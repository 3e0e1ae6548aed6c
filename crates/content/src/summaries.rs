//! The automatic summaries kept with every article, made by the summarizer
//! from the article's plain text (the text its sentence anchors index).

use sha2::{Digest, Sha256};
use store::{NewArticle, StoredSummary, SummaryMode, SummaryPick, SummarySentence};
use summarize::{Analysis, Lang, Length, Options, Summarizer};

use crate::{Lost, SeenPicks, ValidationError};

/// The summary lengths kept for every article: short and longer.
pub const SUMMARY_LENGTHS: [u32; 2] = [3, 5];

/// The most sentences editors may pick for a summary: as many as the longer
/// automatic summary has.
pub const MAX_PICKS: usize = 5;

/// The picked sentences of an article whose sentences are `sentences` (the
/// text of each, in order: the anchors' `s-N`): by index (`given`: the
/// API's `summary_sentences`, each of which must be a sentence of the
/// article), or as the writer saw them (`seen`, which takes precedence:
/// each pick follows its text, see [`SeenPicks`]). In article order, each
/// once; picks no longer in the body (kept by [`Lost::FallBack`]) last.
pub fn resolve_picks(
    sentences: &[&str],
    given: Option<&[usize]>,
    seen: Option<&SeenPicks>,
) -> Result<Vec<SummaryPick>, ValidationError> {
    let invalid = |message: String| ValidationError { field: "summary_sentences", message };
    let n = sentences.len();
    let mut used = vec![false; n];
    let mut picks = Vec::new();
    if let Some(seen) = seen {
        for p in &seen.picks {
            let here = p.index.filter(|&i| i < n && !used[i] && sentences[i] == p.text);
            // Moved: the same text elsewhere, the nearest to where it was.
            let moved = || {
                let near = p.index.unwrap_or(0);
                (0..n).filter(|&j| !used[j] && sentences[j] == p.text).min_by_key(|&j| j.abs_diff(near))
            };
            match here.or_else(moved) {
                Some(i) => {
                    used[i] = true;
                    picks.push(SummaryPick { index: Some(i), text: p.text.clone() });
                }
                None if p.index.is_some_and(|i| i < n && used[i] && sentences[i] == p.text) => {} // picked twice
                None => match seen.lost {
                    Lost::Refuse => {
                        return Err(invalid(format!(
                            "the article no longer has the sentence you picked, “{}”: pick the summary sentences again",
                            p.text
                        )));
                    }
                    Lost::FallBack => picks.push(SummaryPick { index: None, text: p.text.clone() }),
                },
            }
        }
    } else if let Some(given) = given {
        for &i in given {
            if i >= n {
                return Err(invalid(match n {
                    0 => format!("there is no sentence {i}: the article has no sentences"),
                    1 => format!("there is no sentence {i}: the article has 1 sentence, numbered 0"),
                    n => format!("there is no sentence {i}: the article has {n} sentences, numbered 0 to {}", n - 1),
                }));
            }
            if !used[i] {
                used[i] = true;
                picks.push(SummaryPick { index: Some(i), text: sentences[i].to_owned() });
            }
        }
    }
    picks.sort_by_key(|p| p.index.unwrap_or(usize::MAX));
    Ok(picks)
}

/// The sentences of an article's plain text, in order, as its anchors
/// (`s-N`) and summaries number them.
pub fn sentences_of<'a>(summarizer: &Summarizer, a: &'a NewArticle) -> Vec<&'a str> {
    // As `prepare` split them: in the article's language, or by word
    // boundaries for one the summarizer does not know.
    let lang = Lang::from_code(&a.lang).unwrap_or(Lang::Other);
    summarizer.sentences(&a.body_text, Some(lang)).into_iter().map(|s| &a.body_text[s.start..s.end]).collect()
}

/// What readers get of a picked summary: its sentences (index, text), when
/// the mode is picked and every pick is still in the body; `None` otherwise
/// (another mode, or a picked sentence the body no longer has: readers then
/// get the automatic summary).
pub fn picked_sentences(a: &NewArticle) -> Option<Vec<(usize, &str)>> {
    if a.summary_mode != SummaryMode::Picked || a.summary_picks.is_empty() {
        return None;
    }
    a.summary_picks.iter().map(|p| p.index.map(|i| (i, p.text.as_str()))).collect()
}

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
    summaries_from(summarizer, text, &summarizer.analyze(text, Some(title), Some(lang)), lengths, source_hash)
}

/// [`summaries_of`] from an analysis of the text (with its title) made
/// already.
pub fn summaries_from(
    summarizer: &Summarizer,
    text: &str,
    analysis: &Analysis,
    lengths: &[u32],
    source_hash: &str,
) -> Vec<StoredSummary> {
    let weights = summarizer.weights(analysis.lang);
    lengths
        .iter()
        .map(|&n| {
            let sum = summarizer.select(text, analysis, Length::Sentences(n as usize), weights);
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

    const SENTENCES: [&str; 5] = ["One.", "Two.", "Three.", "Two.", "Five."];

    fn seen(picks: &[(Option<usize>, &str)], lost: Lost) -> SeenPicks {
        SeenPicks { picks: picks.iter().map(|&(index, text)| SummaryPick { index, text: text.into() }).collect(), lost }
    }

    fn indexes(picks: &[SummaryPick]) -> Vec<Option<usize>> {
        picks.iter().map(|p| p.index).collect()
    }

    /// Indexes are sentences of the article, kept once, in article order;
    /// one past the end is named with the article's count.
    #[test]
    fn picks_by_index() {
        let got = resolve_picks(&SENTENCES, Some(&[4, 0, 4]), None).unwrap();
        assert_eq!(indexes(&got), [Some(0), Some(4)]);
        assert_eq!((got[0].text.as_str(), got[1].text.as_str()), ("One.", "Five."));
        let err = resolve_picks(&SENTENCES, Some(&[1, 5]), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "summary_sentences: there is no sentence 5: the article has 5 sentences, numbered 0 to 4"
        );
        assert!(resolve_picks(&[], Some(&[0]), None).unwrap_err().message.contains("no sentences"));
        assert!(resolve_picks(&SENTENCES, None, None).unwrap().is_empty());
    }

    /// A pick seen at its place stays; one whose sentence moved follows its
    /// text (to the nearest copy); one no longer in the body is refused, or
    /// kept without an index, as asked; the seen picks win over indexes.
    #[test]
    fn picks_follow_their_text() {
        let same = seen(&[(Some(1), "Two."), (Some(2), "Three.")], Lost::Refuse);
        assert_eq!(indexes(&resolve_picks(&SENTENCES, Some(&[0]), Some(&same)).unwrap()), [Some(1), Some(2)]);
        // A sentence was added at the start: both moved one on.
        let added = ["Zero.", "One.", "Two.", "Three.", "Two.", "Five."];
        assert_eq!(indexes(&resolve_picks(&added, None, Some(&same)).unwrap()), [Some(2), Some(3)]);
        // "Two." twice in the text: the nearest copy to where it was.
        let later = seen(&[(Some(4), "Two.")], Lost::Refuse);
        assert_eq!(indexes(&resolve_picks(&added, None, Some(&later)).unwrap()), [Some(4)]);
        // Gone.
        let gone = ["One.", "Three, rewritten.", "Five."];
        let err = resolve_picks(&gone, None, Some(&same)).unwrap_err();
        assert_eq!(err.field, "summary_sentences");
        assert!(err.message.contains("“Two.”"), "{err}");
        let kept = resolve_picks(&gone, None, Some(&seen(&[(Some(2), "Three."), (Some(0), "One.")], Lost::FallBack)));
        let kept = kept.unwrap();
        assert_eq!(indexes(&kept), [Some(0), None]);
        assert_eq!(kept[1].text, "Three.");
        // A lost pick found again (the sentence restored) takes its place.
        let back = seen(&[(None, "Three.")], Lost::FallBack);
        assert_eq!(indexes(&resolve_picks(&SENTENCES, None, Some(&back)).unwrap()), [Some(2)]);
    }

    /// The sentences listed are those the anchors and summaries number.
    #[test]
    fn sentences_are_numbered_as_the_anchors() {
        let s = Summarizer::new();
        for lang in [None, Some("en"), Some("pl")] {
            let a =
                crate::prepare(&crate::ArticleInput { lang: lang.map(Into::into), ..crate::testing::input() }, &s, 0)
                    .unwrap();
            let sentences = sentences_of(&s, &a);
            assert_eq!(sentences.len(), 5, "{lang:?}");
            assert_eq!(sentences[3], "The mayor welcomed the vote.");
            assert!(a.body_html.contains("id=\"s-4\"") && !a.body_html.contains("id=\"s-5\""));
            for sum in &a.summaries {
                for x in &sum.sentences {
                    assert_eq!(sentences[x.index], x.text);
                }
            }
        }
    }

    /// Readers get picked sentences only in picked mode with every pick found.
    #[test]
    fn readers_get_picks_only_when_all_are_found() {
        let s = Summarizer::new();
        let mut a = crate::prepare(&crate::testing::input(), &s, 0).unwrap();
        a.summary_picks =
            vec![SummaryPick { index: Some(0), text: "A.".into() }, SummaryPick { index: Some(3), text: "D.".into() }];
        assert_eq!(picked_sentences(&a), None, "automatic mode");
        a.summary_mode = SummaryMode::Picked;
        assert_eq!(picked_sentences(&a), Some(vec![(0, "A."), (3, "D.")]));
        a.summary_picks[1].index = None;
        assert_eq!(picked_sentences(&a), None, "a lost pick: the automatic summary");
    }

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
