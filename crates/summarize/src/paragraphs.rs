//! Paragraph breaks for readable bodies: a paragraph of more than
//! [`LONGEST`] sentences (a body with no breaks at all, most often) is cut
//! into paragraphs of [`SHORTEST`] to [`LONGEST_NEW`] sentences, where the
//! topic shifts.
//!
//! As in TextTiling (Hearst, 1997), the lexical cohesion of each gap between
//! two sentences is the cosine similarity of the content stems of the
//! `WINDOW` sentences before it and after it; a gap deep in a valley of
//! cohesion (its *depth*: how far cohesion climbs back on either side) is
//! where the topic shifts. A break is never wanted before a sentence that
//! leans on the one before it ("He said…", "However…"). The breaks are then
//! chosen together by dynamic programming over the paragraph lengths
//! allowed, so the result always keeps to them. Everything is linear in the
//! length of the text.

use crate::analyze::Doc;
use crate::features::Features;
use crate::split::SentenceSpan;

/// Paragraphs of more sentences than this are cut.
pub const LONGEST: usize = 8;
/// The fewest sentences of a paragraph made by a cut.
pub const SHORTEST: usize = 2;
/// The most sentences of a paragraph made by a cut.
pub const LONGEST_NEW: usize = 5;
/// Sentences on each side of a gap whose words are compared.
const WINDOW: usize = 3;
/// What a break costs: a gap must be at least this deep to pay for one.
const BREAK_COST: f64 = 0.4;
/// Taken from a break before a sentence that leans on the one before it.
const DEPENDENT_COST: f64 = 1.0;
/// Taken from a paragraph of the shortest or longest length allowed, so
/// that three or four sentences are preferred when the text does not say.
const EDGE_COST: f64 = 0.04;

/// The sentences (indexes into `spans`) that should start a new paragraph,
/// besides those that start one in the text: inside each paragraph of more
/// than [`LONGEST`] sentences, where the topic shifts.
pub(crate) fn breaks(spans: &[SentenceSpan], doc: &Doc, features: &[Features]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut counts = vec![0u32; doc.stems];
    let mut start = 0;
    while start < spans.len() {
        let end = start + spans[start..].iter().take_while(|s| s.paragraph == spans[start].paragraph).count();
        if end - start > LONGEST {
            cut(start, end, doc, features, &mut counts, &mut out);
        }
        start = end;
    }
    out
}

/// Cuts the paragraph of sentences `start..end`, pushing the sentences that
/// start new paragraphs onto `out`. `counts` is all zeros, and left so.
fn cut(start: usize, end: usize, doc: &Doc, features: &[Features], counts: &mut [u32], out: &mut Vec<usize>) {
    let m = end - start;
    // Cohesion of the gap before each sentence `start + g` (g in 1..m).
    let mut cohesion = vec![0.0; m];
    for (g, c) in cohesion.iter_mut().enumerate().skip(1) {
        let before = start + g.saturating_sub(WINDOW)..start + g;
        let after = start + g..(start + g + WINDOW).min(end);
        *c = similarity(doc, before, after, counts);
    }
    // Depth of each gap: how far cohesion climbs back on each side.
    let depth: Vec<f64> = (0..m)
        .map(|g| {
            if g == 0 {
                return 0.0;
            }
            let peak = |range: &mut dyn Iterator<Item = usize>| {
                let mut top = cohesion[g];
                for j in range {
                    if cohesion[j] < top {
                        break;
                    }
                    top = cohesion[j];
                }
                top
            };
            let left = peak(&mut (1..g).rev());
            let right = peak(&mut (g + 1..m));
            (left - cohesion[g]) + (right - cohesion[g])
        })
        .collect();
    let gain = |g: usize| {
        let dependent = features[start + g].dependent > 0.0;
        depth[g] - BREAK_COST - if dependent { DEPENDENT_COST } else { 0.0 }
    };
    let length_cost = |len: usize| if len == SHORTEST || len == LONGEST_NEW { EDGE_COST } else { 0.0 };
    // best[i]: the best score of cutting the first i sentences into
    // paragraphs of allowed lengths, and the length of the last one.
    let mut best: Vec<(f64, usize)> = vec![(f64::NEG_INFINITY, 0); m + 1];
    best[0] = (0.0, 0);
    for i in SHORTEST..=m {
        for len in SHORTEST..=LONGEST_NEW.min(i) {
            let (before, _) = best[i - len];
            if before == f64::NEG_INFINITY {
                continue;
            }
            let at = i - len;
            let score = before + if at > 0 { gain(at) } else { 0.0 } - length_cost(len);
            if score > best[i].0 {
                best[i] = (score, len);
            }
        }
    }
    let first = out.len();
    let mut i = m;
    while i > 0 {
        let len = best[i].1;
        if len == 0 {
            break;
        }
        i -= len;
        if i > 0 {
            out.push(start + i);
        }
    }
    out[first..].reverse();
}

/// Cosine similarity of the content stems of two runs of sentences.
fn similarity(doc: &Doc, a: std::ops::Range<usize>, b: std::ops::Range<usize>, counts: &mut [u32]) -> f64 {
    let content = |i: usize| doc.sentence_tokens(i).iter().filter(|t| !t.stop);
    let mut norm_a = 0u64;
    for i in a.clone() {
        for t in content(i) {
            let c = &mut counts[t.stem as usize];
            norm_a += 2 * u64::from(*c) + 1;
            *c += 1;
        }
    }
    let (mut dot, mut norm_b) = (0u64, 0u64);
    let mut b_counts: Vec<(u32, u32)> = Vec::new();
    for i in b.clone() {
        for t in content(i) {
            dot += u64::from(counts[t.stem as usize]);
            b_counts.push((t.stem, 0));
        }
    }
    // Σ b² over the stems of `b`, counted once each.
    b_counts.sort_unstable();
    let mut k = 0;
    while k < b_counts.len() {
        let run = b_counts[k..].iter().take_while(|e| e.0 == b_counts[k].0).count() as u64;
        norm_b += run * run;
        k += run as usize;
    }
    for i in a {
        for t in content(i) {
            counts[t.stem as usize] = 0;
        }
    }
    if norm_a == 0 || norm_b == 0 { 0.0 } else { dot as f64 / ((norm_a as f64).sqrt() * (norm_b as f64).sqrt()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::features::tests::made_up_articles;

    /// On any text: breaks in order, only inside paragraphs of more than
    /// [`LONGEST`] sentences, and every paragraph they make of
    /// [`SHORTEST`] to [`LONGEST_NEW`] sentences.
    #[test]
    fn breaks_keep_to_the_lengths_allowed() {
        let summarizer = crate::Summarizer::new();
        let mut texts = made_up_articles();
        texts.extend(made_up_articles().into_iter().map(|t| t.replace("\n\n", " ")));
        let mut cut = 0;
        for text in texts {
            let analysis = summarizer.analyze(&text, None, Some(Lang::English));
            let spans = &analysis.spans;
            let found = analysis.paragraph_breaks();
            assert!(found.windows(2).all(|w| w[0] < w[1]), "{found:?}");
            let mut start = 0;
            while start < spans.len() {
                let end = start + spans[start..].iter().take_while(|s| s.paragraph == spans[start].paragraph).count();
                let inside: Vec<usize> = found.iter().copied().filter(|&b| b > start && b < end).collect();
                if end - start <= LONGEST {
                    assert!(inside.is_empty(), "{inside:?} in a paragraph of {}", end - start);
                } else {
                    cut += 1;
                    let mut edges = vec![start];
                    edges.extend(&inside);
                    edges.push(end);
                    for w in edges.windows(2) {
                        assert!((SHORTEST..=LONGEST_NEW).contains(&(w[1] - w[0])), "{edges:?}");
                    }
                }
                assert!(!found.contains(&start), "a paragraph's own start is not listed");
                start = end;
            }
        }
        assert!(cut > 10, "long paragraphs were cut: {cut}");
    }

    /// Two topics, of four and six sentences: a break falls between them
    /// (evenly spaced breaks would not), and the second is cut once more.
    #[test]
    fn the_break_falls_where_the_topic_shifts() {
        let text = "The council voted on the harbour budget on Monday. The harbour budget pays for new \
            cranes. Council members said the cranes are old. The harbour cranes will cost the council \
            millions. \
            At the school, the orchestra played a concert for parents. The orchestra rehearsed music \
            for months. Parents filled the school hall for the concert. The orchestra's young violinists \
            played first. The school plans another concert with the orchestra. Parents praised the music \
            and the violinists.";
        let summarizer = crate::Summarizer::new();
        let found = summarizer.paragraph_breaks(text, Some(Lang::English));
        assert_eq!(found.first(), Some(&4), "{found:?}");
        // A body with its own short paragraphs gets none.
        let short = "One sentence here. Another one.\n\nA second paragraph. It is short.";
        assert!(summarizer.paragraph_breaks(short, None).is_empty());
    }
}
