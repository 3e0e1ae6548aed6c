//! Key phrases: runs of one to three adjacent content words, scored by how
//! often their words occur and how early, with a spelling from the text.
//!
//! Two passes over the article's tokens: the first counts and weighs each
//! stem and notes where single words first appear (dense arrays indexed by
//! stem); the second gathers phrases of two or three words, only where every
//! word recurs (a phrase can recur only then), in a small hash map.

use rustc_hash::FxHashMap;

use crate::analyze::{Doc, Token};

/// Longest key phrase, in words.
const MAX_WORDS: usize = 3;

/// A candidate phrase: up to three stems, unused slots `u32::MAX`.
type Key = [u32; MAX_WORDS];

/// Where a candidate was seen, and how often.
#[derive(Clone, Copy)]
struct Seen {
    count: u32,
    first_sentence: u32,
    /// Byte range of a spelling of it in the input: the first one not at
    /// the start of a sentence (whose capital may be only that), else the first.
    start: u32,
    end: u32,
    at_start: bool,
}

impl Seen {
    const NONE: Seen = Seen { count: 0, first_sentence: 0, start: 0, end: 0, at_start: false };

    fn add(&mut self, sentence: usize, start: u32, end: u32, at_start: bool) {
        if self.count == 0 {
            *self = Seen { count: 0, first_sentence: sentence as u32, start, end, at_start };
        } else if self.at_start && !at_start {
            // Prefer a spelling from inside a sentence: `Budget` → `budget`.
            (self.start, self.end, self.at_start) = (start, end, false);
        }
        self.count += 1;
    }
}

/// The top `k` key phrases of the article, best first.
pub(crate) fn keywords(text: &str, doc: &Doc, k: usize) -> Vec<String> {
    if k == 0 || doc.tokens.is_empty() {
        return Vec::new();
    }
    let n_sent = doc.sentences.len().max(1);
    let content = |t: &Token| !t.stop && !t.number;
    // Pass 1: each stem's occurrences, its weight (occurrences, doubled in
    // the opening fifth), and where it first stands as a single word.
    let mut stem_weight = vec![0f64; doc.stems];
    let mut stem_count = vec![0u32; doc.stems];
    let mut singles = vec![Seen::NONE; doc.stems];
    for (si, range) in doc.sentences.iter().enumerate() {
        let early = si * 5 < n_sent || si < 3;
        for (a, t) in doc.tokens[range.clone()].iter().enumerate() {
            if !content(t) {
                continue;
            }
            let s = t.stem as usize;
            stem_count[s] += 1;
            stem_weight[s] += if early { 2.0 } else { 1.0 };
            // A one-character word is no key phrase on its own.
            if t.end - t.start > 4 || text[t.start as usize..t.end as usize].chars().nth(1).is_some() {
                singles[s].add(si, t.start, t.end, a == 0);
            }
        }
    }
    // Pass 2: phrases of adjacent content words that all recur.
    let mut phrases: FxHashMap<Key, Seen> = FxHashMap::default();
    let recurs = |t: &Token| stem_count[t.stem as usize] >= 2;
    for (si, range) in doc.sentences.iter().enumerate() {
        let toks = &doc.tokens[range.clone()];
        for a in 0..toks.len() {
            let mut key = [u32::MAX; MAX_WORDS];
            key[0] = toks[a].stem;
            if !content(&toks[a]) || !recurs(&toks[a]) {
                continue;
            }
            for b in a + 1..(a + MAX_WORDS).min(toks.len()) {
                let (prev, t) = (&toks[b - 1], &toks[b]);
                if !content(t) || !recurs(t) || !adjacent(text, prev.end as usize, t.start as usize) {
                    break;
                }
                key[b - a] = t.stem;
                phrases.entry(key).or_insert(Seen::NONE).add(si, toks[a].start, t.end, a == 0);
            }
        }
    }
    let score = |stems: &[u32], seen: &Seen| {
        let mean: f64 = stems.iter().map(|&s| stem_weight[s as usize]).sum::<f64>() / stems.len() as f64;
        let position = 1.0 + 1.0 / (1.0 + f64::from(seen.first_sentence));
        let length = (stems.len() as f64).sqrt();
        mean * f64::from(seen.count).sqrt() * position * length
    };
    let mut scored: Vec<(f64, Key, Seen)> = Vec::with_capacity(doc.stems + phrases.len());
    for (s, seen) in singles.iter().enumerate().filter(|(_, seen)| seen.count > 0) {
        let key = [s as u32, u32::MAX, u32::MAX];
        scored.push((score(&key[..1], seen), key, *seen));
    }
    for (key, seen) in phrases.iter().filter(|(_, seen)| seen.count >= 2) {
        scored.push((score(stems_of(key), seen), *key, *seen));
    }
    let order = |a: &(f64, Key, Seen), b: &(f64, Key, Seen)| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1));
    // Only the best few need sorting.
    let keep = (k * 8).max(32);
    if scored.len() > keep {
        scored.select_nth_unstable_by(keep - 1, order);
        scored.truncate(keep);
    }
    scored.sort_by(order);
    let mut chosen: Vec<(Key, Seen)> = Vec::new();
    for (_, key, seen) in scored {
        if chosen.len() >= k {
            break;
        }
        // Skip phrases whose words a chosen phrase already covers, and
        // single words of a chosen longer phrase.
        let stems = stems_of(&key);
        let covered = chosen.iter().any(|(d, _)| {
            let d = stems_of(d);
            stems.iter().all(|s| d.contains(s)) || d.iter().all(|s| stems.contains(s))
        });
        if !covered {
            chosen.push((key, seen));
        }
    }
    chosen
        .into_iter()
        .map(|(_, seen)| {
            let spelling = &text[seen.start as usize..seen.end as usize];
            if spelling.contains(char::is_whitespace) {
                spelling.split_whitespace().collect::<Vec<_>>().join(" ")
            } else {
                spelling.to_string()
            }
        })
        .collect()
}

fn stems_of(key: &Key) -> &[u32] {
    let len = key.iter().position(|&s| s == u32::MAX).unwrap_or(MAX_WORDS);
    &key[..len]
}

fn adjacent(text: &str, end: usize, start: usize) -> bool {
    text.get(end..start).is_some_and(|gap| gap.chars().all(|c| c == ' ' || c == '-'))
}

#[cfg(test)]
mod tests {
    use crate::{Lang, Summarizer};

    #[test]
    fn recurring_phrases_and_names_rank_first() {
        let text = "The city council approved the new budget. The city council met on Monday, \
                    members said. Critics of the budget disagreed, and the city council listened.";
        let kw = Summarizer::new().keywords(text, Some(Lang::English), 3);
        assert_eq!(kw[0], "city council", "{kw:?}");
        assert!(kw.contains(&"budget".to_string()), "{kw:?}");
        // `council` alone is covered by the phrase.
        assert!(!kw.contains(&"council".to_string()), "{kw:?}");
    }

    #[test]
    fn numbers_and_stop_words_are_never_key_phrases() {
        let text = "In 2024 the 2024 plan was the plan. It was 2024 and the plan held.";
        let kw = Summarizer::new().keywords(text, Some(Lang::English), 5);
        assert!(kw.iter().all(|k| !k.contains("2024") && k != "the"), "{kw:?}");
    }
}
