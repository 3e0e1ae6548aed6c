//! Selection: greedy choice of the best sentences by score, avoiding
//! redundancy (checked only against the few sentences already chosen) and
//! sentences that cannot stand alone.

use crate::analyze::Doc;
use crate::features::{Features, is_furniture};
use crate::split::SentenceSpan;
use crate::weights::Weights;

/// Binary cosine similarity of two sentences' content stems, each set
/// without repeats: `b`'s stems are those whose `mark` is `tag`.
fn similarity(a: &[u32], b: &[u32], mark: &[u32], tag: u32) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common: usize = a.iter().map(|&stem| usize::from(mark[stem as usize] == tag)).sum();
    common as f64 / ((a.len() * b.len()) as f64).sqrt()
}

/// How much summary the caller wants.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Budget {
    Sentences(usize),
    Words(usize),
}

/// Working memory of [`select`], kept in the [`Scratch`](crate::Scratch)
/// between articles.
#[derive(Default)]
pub(crate) struct Buffers {
    base: Vec<f64>,
    order: Vec<usize>,
    /// The candidates' content stems, one after the other.
    flat: Vec<u32>,
    bounds: Vec<(usize, usize)>,
    taken: Vec<bool>,
    /// Each candidate's greatest similarity to the sentences taken.
    max_sim: Vec<f64>,
    /// By stem: the last candidate whose stems were gathered, plus one; then
    /// the tag of the last sentence taken, for the stems it has.
    mark: Vec<u32>,
}

/// When fewer than `k` sentences were chosen (a short text: the others
/// were too short to count, or near repeats of those chosen), adds the
/// article's other sentences, in article order, up to `k` in all: a short
/// text gets back what it has rather than less than asked, or nothing.
/// Never added: headings, page furniture ("Advertisement"; a sentence of one
/// or two words is looked at as if it were longer, so that only the
/// furniture phrases keep it out), and a sentence with the same text as one
/// already chosen.
pub(crate) fn fill_up(
    text: &str,
    spans: &[SentenceSpan],
    word_counts: &[usize],
    feats: &[Features],
    k: usize,
    chosen: &mut Vec<usize>,
) {
    if chosen.len() >= k {
        return;
    }
    let mut lower = String::new();
    for (i, span) in spans.iter().enumerate() {
        if chosen.len() >= k {
            break;
        }
        let s = &text[span.start..span.end];
        let words = word_counts[i];
        let eligible = words > 0
            && feats[i].heading == 0.0
            && !is_furniture(s, words.max(3) as f64, &mut lower)
            && !chosen.iter().any(|&j| j == i || &text[spans[j].start..spans[j].end] == s);
        if eligible {
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
}

/// Chooses sentences greedily by score, with penalties for redundancy and for
/// dependent sentences whose antecedent is not chosen. Returns indices in
/// article order.
pub(crate) fn select(doc: &Doc, feats: &[Features], w: &Weights, budget: Budget, buffers: &mut Buffers) -> Vec<usize> {
    let Buffers { base, order, flat, bounds, taken, max_sim, mark } = buffers;
    let word_counts = &doc.word_counts;
    let n = feats.len();
    base.clear();
    base.extend(
        feats.iter().map(|f| if f.furniture > 0.0 || f.heading > 0.0 { f64::NEG_INFINITY } else { w.base_score(f) }),
    );
    let mut chosen: Vec<usize> = Vec::new();
    let (max_sentences, max_words) = match budget {
        Budget::Sentences(k) => (k, usize::MAX),
        Budget::Words(wd) => (usize::MAX, wd),
    };
    if max_sentences == 0 || max_words == 0 || n == 0 {
        return chosen;
    }
    // Candidates: scan only the best few hundred by base score, so that very
    // long articles stay linear.
    order.clear();
    order.extend((0..n).filter(|&i| base[i].is_finite()));
    let limit = match budget {
        Budget::Sentences(k) => (2 * k + 8).min(256),
        Budget::Words(_) => 64,
    }
    .min(order.len());
    if order.len() > limit {
        order.select_nth_unstable_by(limit - 1, |&a, &b| base[b].total_cmp(&base[a]));
        order.truncate(limit);
    }
    // Each candidate's content stems, deduplicated, in one buffer: a stem
    // already marked with the candidate's tag is a repeat. Every word's stem
    // is written at the end of those kept, and kept by moving on only for a
    // new content word: no branch on the stop flag, set about every other
    // word. (Tags are at most 256: no overflow.)
    let room: usize = order.iter().map(|&i| doc.sentences[i].len()).sum();
    flat.clear();
    flat.resize(room, 0);
    bounds.clear();
    mark.clear();
    mark.resize(doc.stems, 0);
    // (Slices held in locals: their lengths and addresses stay in registers
    // while the stores go on.)
    let (flat_at, mark_at) = (&mut flat[..], &mut mark[..]);
    let mut end = 0;
    for (k, &i) in order.iter().enumerate() {
        let tag = k as u32 + 1;
        let from = end;
        for t in doc.sentence_tokens(i) {
            let slot = &mut mark_at[t.stem as usize];
            let new = !t.stop && *slot != tag;
            *slot = if t.stop { *slot } else { tag };
            flat_at[end] = t.stem;
            end += usize::from(new);
        }
        bounds.push((from, end));
    }
    let stems = |k: usize| &flat[bounds[k].0..bounds[k].1];
    let words = |i: usize| word_counts[i];
    let mut used_words = 0usize;
    taken.clear();
    taken.resize(order.len(), false);
    // A candidate's similarity to the sentences taken does not change when
    // more are taken, except through the new ones. A candidate looked at in
    // one round was looked at in the round before (taking a sentence only
    // adds words), so only its similarity to the sentence taken last is new
    // in each round. (The maximum of the same similarities in another order
    // is the same number.) That sentence's stems are marked with a tag that
    // no candidate has: a candidate's stems in common with it are counted
    // with one look-up each, without sorting either.
    max_sim.clear();
    max_sim.resize(order.len(), 0.0);
    let mut last: Option<(usize, u32)> = None;
    while chosen.len() < max_sentences {
        let mut best: Option<(usize, f64)> = None;
        for (k, &i) in order.iter().enumerate() {
            if taken[k] || used_words + words(i) > max_words {
                continue;
            }
            let mut score = base[i];
            if feats[i].dependent > 0.0 && i > 0 && chosen.contains(&(i - 1)) {
                // The sentence it leans on is chosen: no penalty.
                score -= w.dependent * feats[i].dependent;
            }
            if let Some((k2, tag)) = last {
                max_sim[k] = max_sim[k].max(similarity(stems(k), stems(k2), mark, tag));
            }
            score -= w.redundancy * max_sim[k];
            if max_sim[k] > 0.8 {
                continue;
            }
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((k, score));
            }
        }
        let Some((k, _)) = best else { break };
        taken[k] = true;
        used_words += words(order[k]);
        chosen.push(order[k]);
        // Tags above the candidates' (at most 256), one per sentence taken.
        let tag = (order.len() + chosen.len()) as u32;
        for &stem in stems(k) {
            mark[stem as usize] = tag;
        }
        last = Some((k, tag));
    }
    chosen.sort_unstable();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::features::tests::made_up_articles;

    #[test]
    fn headings_are_never_chosen() {
        let summarizer = crate::Summarizer::new();
        let article = "The council approved the new bridge on Monday after a long debate.\n\n\
                       What residents said\n\n\
                       Residents welcomed the decision, saying the old crossing was unsafe.\n\n\
                       Next steps:\n\n\
                       Construction begins in January and should take two years.\n\n\
                       \u{201c}A bridge for everyone\u{201d}\n\n\
                       The mayor said the cost would be shared with the region.";
        let analysis = summarizer.analyze(article, None, None);
        let headings: Vec<usize> =
            (0..analysis.features.len()).filter(|&i| analysis.features[i].heading > 0.0).collect();
        assert_eq!(headings, [1, 3, 5]);
        for k in [3, 4, 7] {
            let options = crate::Options { length: crate::Length::Sentences(k), ..Default::default() };
            let chosen: Vec<usize> =
                summarizer.summarize(article, &options).sentences.iter().map(|e| e.index).collect();
            assert!(chosen.iter().all(|i| !headings.contains(i)), "{k}: {chosen:?}");
            assert_eq!(chosen.len(), k.min(4), "{k}");
        }
        // Without paragraphs, a last sentence without its full stop is no heading.
        let one = summarizer.analyze("The council met. The vote was close", None, None);
        assert!(one.features.iter().all(|f| f.heading == 0.0));
        // Nor is a paragraph of one sentence that ends as sentences do.
        let quoted =
            summarizer.analyze("First paragraph here.\n\n\u{201c}We will build it.\u{201d}\n\nThird one.", None, None);
        assert!(quoted.features.iter().all(|f| f.heading == 0.0));
    }

    #[test]
    fn a_short_text_gives_back_its_short_sentences() {
        let summarizer = crate::Summarizer::new();
        let picks = |text: &str, k: usize| -> Vec<String> {
            let options = crate::Options { length: crate::Length::Sentences(k), ..Default::default() };
            summarizer.summarize(text, &options).sentences.into_iter().map(|e| e.text).collect()
        };
        assert_eq!(picks("Hello world.", 3), ["Hello world."]);
        assert_eq!(picks("The cat sat. The dog ran. It rained.", 3), ["The cat sat.", "The dog ran.", "It rained."]);
        assert_eq!(picks("The cat sat. The dog ran. It rained.", 2).len(), 2);
        assert_eq!(picks("It rained. It rained.", 3), ["It rained."]);
        // Near repeats are kept out while there is better, not in place of nothing.
        let twins = "A good body sentence here. Another good sentence there.";
        assert_eq!(picks(twins, 2), ["A good body sentence here.", "Another good sentence there."]);
        // Page furniture stays out, however short the text.
        assert_eq!(picks("Advertisement. The cat sat on the mat.", 3), ["The cat sat on the mat."]);
        // A long enough article is not padded with fragments.
        let article = "The council approved the budget for next year on Monday evening. \
                       Yes. The mayor said the plan would cut waiting times at clinics. \
                       Residents had asked for more buses on the river route.";
        assert!(!picks(article, 3).contains(&"Yes.".to_owned()));
    }

    /// The choice as it was made before the marked stems: sorted stems,
    /// merged, against every sentence taken in every round.
    fn select_by_merging(doc: &Doc, feats: &[Features], w: &Weights, budget: Budget) -> Vec<usize> {
        fn merged(a: &[u32], b: &[u32]) -> f64 {
            if a.is_empty() || b.is_empty() {
                return 0.0;
            }
            let common = a.iter().filter(|s| b.binary_search(s).is_ok()).count();
            common as f64 / ((a.len() * b.len()) as f64).sqrt()
        }
        let n = feats.len();
        let base: Vec<f64> =
            feats.iter().map(|f| if f.furniture > 0.0 { f64::NEG_INFINITY } else { w.base_score(f) }).collect();
        let (max_sentences, max_words) = match budget {
            Budget::Sentences(k) => (k, usize::MAX),
            Budget::Words(wd) => (usize::MAX, wd),
        };
        let mut chosen: Vec<usize> = Vec::new();
        if max_sentences == 0 || max_words == 0 || n == 0 {
            return chosen;
        }
        let mut order: Vec<usize> = (0..n).filter(|&i| base[i].is_finite()).collect();
        let limit = match budget {
            Budget::Sentences(k) => (2 * k + 8).min(256),
            Budget::Words(_) => 64,
        }
        .min(order.len());
        if order.len() > limit {
            order.select_nth_unstable_by(limit - 1, |&a, &b| base[b].total_cmp(&base[a]));
            order.truncate(limit);
        }
        let stems: Vec<Vec<u32>> = order
            .iter()
            .map(|&i| {
                let mut v: Vec<u32> = doc.sentence_tokens(i).iter().filter(|t| !t.stop).map(|t| t.stem).collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        let mut taken = vec![false; order.len()];
        let mut picks: Vec<usize> = Vec::new();
        let mut used_words = 0;
        while chosen.len() < max_sentences {
            let mut best: Option<(usize, f64)> = None;
            for (k, &i) in order.iter().enumerate() {
                if taken[k] || used_words + doc.word_counts[i] > max_words {
                    continue;
                }
                let mut score = base[i];
                if feats[i].dependent > 0.0 && i > 0 && chosen.contains(&(i - 1)) {
                    score -= w.dependent * feats[i].dependent;
                }
                let sim = picks.iter().map(|&k2| merged(&stems[k], &stems[k2])).fold(0.0, f64::max);
                score -= w.redundancy * sim;
                if sim > 0.8 {
                    continue;
                }
                if best.is_none_or(|(_, b)| score > b) {
                    best = Some((k, score));
                }
            }
            let Some((k, _)) = best else { break };
            taken[k] = true;
            picks.push(k);
            used_words += doc.word_counts[order[k]];
            chosen.push(order[k]);
        }
        chosen.sort_unstable();
        chosen
    }

    #[test]
    fn marked_stems_choose_the_same_sentences() {
        let summarizer = crate::Summarizer::new();
        let mut buffers = Buffers::default();
        let weights = *summarizer.weights(Lang::English);
        let heavy = Weights { redundancy: 3.0, dependent: -2.0, ..weights };
        for text in made_up_articles() {
            let analysis = summarizer.analyze(&text, None, Some(Lang::English));
            for w in [&weights, &heavy] {
                for budget in [0, 1, 2, 3, 5, 8, 40, 300]
                    .map(Budget::Sentences)
                    .into_iter()
                    .chain([0, 10, 30, 60, 150, 5000].map(Budget::Words))
                {
                    let got = select(&analysis.doc, &analysis.features, w, budget, &mut buffers);
                    assert_eq!(got, select_by_merging(&analysis.doc, &analysis.features, w, budget), "{budget:?}");
                }
            }
        }
    }
}
