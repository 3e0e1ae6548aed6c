//! Key phrases: runs of one to three adjacent content words, scored by how
//! often their words occur and how early, with the most common spelling kept.

use rustc_hash::FxHashMap;

use crate::analyze::Doc;
use crate::lang::Lang;

/// Longest key phrase, in words.
const MAX_WORDS: usize = 3;

/// A candidate phrase: up to three stems, unused slots `u32::MAX`.
type Key = [u32; MAX_WORDS];

struct Candidate<'t> {
    stems: Key,
    len: usize,
    count: usize,
    first_sentence: usize,
    /// How it is written where first seen (a slice of the input).
    spelling: &'t str,
    /// Whether `spelling` opens its sentence (its capital may be only that).
    at_start: bool,
}

impl Candidate<'_> {
    fn stems(&self) -> &[u32] {
        &self.stems[..self.len]
    }
}

/// The top `k` key phrases of the article, best first.
pub(crate) fn keywords(text: &str, doc: &Doc, lang: Lang, k: usize) -> Vec<String> {
    if k == 0 || doc.tokens.is_empty() {
        return Vec::new();
    }
    let n_sent = doc.sentences.len().max(1);
    // Weight of each stem: occurrences, doubled in the opening fifth.
    let mut stem_weight = vec![0f64; doc.stems];
    let mut stem_count = vec![0u32; doc.stems];
    for (si, range) in doc.sentences.iter().enumerate() {
        let early = si * 5 < n_sent || si < 3;
        for t in &doc.tokens[range.clone()] {
            if !t.stop && !t.number {
                stem_count[t.stem as usize] += 1;
                stem_weight[t.stem as usize] += if early { 2.0 } else { 1.0 };
            }
        }
    }
    let _ = lang;
    // Single words are indexed by stem; phrases (few: their words must recur) by key.
    let mut words: Vec<Option<Candidate<'_>>> = Vec::new();
    words.resize_with(doc.stems, || None);
    let mut phrases: FxHashMap<Key, Candidate<'_>> = FxHashMap::default();
    for (si, range) in doc.sentences.iter().enumerate() {
        let toks = &doc.tokens[range.clone()];
        let mut run_start = 0usize;
        for end in 0..=toks.len() {
            let breaks = end == toks.len()
                || toks[end].stop
                || toks[end].number
                || (end > run_start && !adjacent(text, toks[end - 1].end as usize, toks[end].start as usize));
            if !breaks {
                continue;
            }
            // Every sub-run of the run [run_start, end) up to MAX_WORDS long.
            for a in run_start..end {
                for b in a + 1..=(a + MAX_WORDS).min(end) {
                    // A phrase of several words is kept only if it recurs, which
                    // needs each of its words to recur.
                    if b > a + 1 && stem_count[toks[b - 1].stem as usize] < 2 {
                        break;
                    }
                    if b == a + 2 && stem_count[toks[a].stem as usize] < 2 {
                        break;
                    }
                    let spelling = &text[toks[a].start as usize..toks[b - 1].end as usize];
                    if spelling.chars().nth(1).is_none() {
                        continue;
                    }
                    let mut key = [u32::MAX; MAX_WORDS];
                    for (slot, t) in key.iter_mut().zip(&toks[a..b]) {
                        *slot = t.stem;
                    }
                    let fresh = || Candidate {
                        stems: key,
                        len: b - a,
                        count: 0,
                        first_sentence: si,
                        spelling,
                        at_start: a == 0,
                    };
                    let c = if b == a + 1 {
                        words[toks[a].stem as usize].get_or_insert_with(fresh)
                    } else {
                        phrases.entry(key).or_insert_with(fresh)
                    };
                    c.count += 1;
                    if c.at_start && a > 0 {
                        // Prefer a spelling from inside a sentence: `Budget` → `budget`.
                        c.spelling = spelling;
                        c.at_start = false;
                    }
                }
            }
            run_start = end + 1;
        }
    }
    let mut scored: Vec<(f64, &Candidate)> = words
        .iter()
        .flatten()
        .chain(phrases.values().filter(|c| c.count >= 2))
        .map(|c| {
            let mean: f64 = c.stems().iter().map(|&s| stem_weight[s as usize]).sum::<f64>() / c.len as f64;
            let position = 1.0 + 1.0 / (1.0 + c.first_sentence as f64);
            let length = (c.len as f64).sqrt();
            (mean * (c.count as f64).sqrt() * position * length, c)
        })
        .collect();
    let order = |a: &(f64, &Candidate<'_>), b: &(f64, &Candidate<'_>)| {
        b.0.total_cmp(&a.0).then_with(|| a.1.stems.cmp(&b.1.stems))
    };
    // Only the best few need sorting.
    let keep = (k * 8).max(32);
    if scored.len() > keep {
        scored.select_nth_unstable_by(keep - 1, order);
        scored.truncate(keep);
    }
    scored.sort_by(order);
    let mut chosen: Vec<&Candidate<'_>> = Vec::new();
    for (_, c) in scored {
        if chosen.len() >= k {
            break;
        }
        // Skip phrases whose words a chosen phrase already covers, and
        // single words of a chosen longer phrase.
        let covered = chosen.iter().any(|d| {
            c.stems().iter().all(|s| d.stems().contains(s)) || d.stems().iter().all(|s| c.stems().contains(s))
        });
        if !covered {
            chosen.push(c);
        }
    }
    chosen
        .into_iter()
        .map(|c| {
            if c.spelling.contains(char::is_whitespace) {
                c.spelling.split_whitespace().collect::<Vec<_>>().join(" ")
            } else {
                c.spelling.to_string()
            }
        })
        .collect()
}

fn adjacent(text: &str, end: usize, start: usize) -> bool {
    text.get(end..start).is_some_and(|gap| gap.chars().all(|c| c == ' ' || c == '-'))
}
