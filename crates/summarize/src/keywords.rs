//! Key phrases: runs of one to three adjacent content words, scored by how
//! often their words occur and how early, with a spelling from the text.
//!
//! Two passes over the article's tokens: the first counts and weighs each
//! stem and notes where single words first appear (dense arrays indexed by
//! stem); the second gathers phrases of two or three words, only where every
//! word recurs (a phrase can recur only then), in a small hash map. Only the
//! candidates are ranked in a heap, from which only the best few are taken.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

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

/// What pass 1 learns of a stem.
#[derive(Clone, Copy)]
struct Stem {
    /// Occurrences as a content word.
    count: u32,
    /// Occurrences, those in the opening fifth counted twice (an integer, so
    /// summing it as `f64` or as `u32` gives the same number).
    weight: u32,
    /// Where it stands as a single word of more than one character.
    single: Seen,
}

/// A scored candidate, its fields in ranking order: higher scores first,
/// then smaller keys, so that ties break the same way on every run. Keys are
/// distinct, so `at` never decides. Integers only, for cheap comparisons.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    /// The score, as a key that sorts larger scores first ([`descending`]).
    score: i64,
    key: Key,
    /// Where its [`Seen`] is: the stem of a single word, else the index in
    /// [`Buffers::phrases`].
    at: u32,
}

/// A key that sorts as `f64::total_cmp` does, reversed.
fn descending(score: f64) -> i64 {
    let bits = score.to_bits() as i64;
    // As `total_cmp`: flip the magnitude bits of negative numbers.
    !(bits ^ (((bits >> 63) as u64) >> 1) as i64)
}

/// Working memory of [`keywords`], kept in the [`Scratch`](crate::Scratch)
/// between articles: an article then allocates little but its result.
#[derive(Default)]
pub(crate) struct Buffers {
    /// Pass 1, by stem id.
    stems: Vec<Stem>,
    /// Pass 2: each phrase's place in `phrases`.
    index: FxHashMap<Key, u32>,
    /// Pass 2: the phrases, in order of first appearance.
    phrases: Vec<(Key, Seen)>,
    /// Every candidate, ranked lazily: a heap with the best on top.
    ranked: Vec<Reverse<Rank>>,
    /// The chosen phrases' stems.
    chosen: Vec<Key>,
}

impl Buffers {
    /// A phrase table larger than this is dropped after use rather than kept:
    /// clearing a table costs time in proportion to its capacity.
    const MAX_KEPT_PHRASES: usize = 1 << 12;
}

/// The top `k` key phrases of the article, best first.
pub(crate) fn keywords(text: &str, doc: &Doc, k: usize, buffers: &mut Buffers) -> Vec<String> {
    if k == 0 || doc.tokens.is_empty() {
        return Vec::new();
    }
    let Buffers { stems, index, phrases, ranked, chosen } = buffers;
    let bytes = text.as_bytes();
    let n_sent = doc.sentences.len().max(1);
    let content = |t: &Token| !t.stop && !t.number;
    // Pass 1: each stem's occurrences, its weight (occurrences, doubled in
    // the opening fifth), and where it first stands as a single word.
    stems.clear();
    stems.resize(doc.stems, Stem { count: 0, weight: 0, single: Seen::NONE });
    for (si, range) in doc.sentences.iter().enumerate() {
        let early = si * 5 < n_sent || si < 3;
        for (a, t) in doc.tokens[range.clone()].iter().enumerate() {
            if !content(t) {
                continue;
            }
            let stem = &mut stems[t.stem as usize];
            stem.count += 1;
            stem.weight += if early { 2 } else { 1 };
            // A one-character word is no key phrase on its own: the word is
            // longer than the UTF-8 sequence its first byte opens.
            if (t.end - t.start) as usize > utf8_len(bytes[t.start as usize]) {
                stem.single.add(si, t.start, t.end, a == 0);
            }
        }
    }
    // Pass 2: phrases of adjacent content words that all recur.
    if index.capacity() > Buffers::MAX_KEPT_PHRASES {
        *index = FxHashMap::default();
    }
    index.clear();
    phrases.clear();
    let recurs = |t: &Token| stems[t.stem as usize].count >= 2;
    for (si, range) in doc.sentences.iter().enumerate() {
        let toks = &doc.tokens[range.clone()];
        for a in 0..toks.len() {
            if !content(&toks[a]) || !recurs(&toks[a]) {
                continue;
            }
            let mut key = [toks[a].stem, u32::MAX, u32::MAX];
            for b in a + 1..(a + MAX_WORDS).min(toks.len()) {
                let (prev, t) = (&toks[b - 1], &toks[b]);
                if !content(t) || !recurs(t) || !adjacent(bytes, prev.end as usize, t.start as usize) {
                    break;
                }
                key[b - a] = t.stem;
                let at = *index.entry(key).or_insert_with(|| {
                    phrases.push((key, Seen::NONE));
                    (phrases.len() - 1) as u32
                });
                phrases[at as usize].1.add(si, toks[a].start, t.end, a == 0);
            }
        }
    }
    let score = |key: &[u32], seen: &Seen| {
        let mean: f64 = key.iter().map(|&s| f64::from(stems[s as usize].weight)).sum::<f64>() / key.len() as f64;
        let position = 1.0 + 1.0 / (1.0 + f64::from(seen.first_sentence));
        let length = (key.len() as f64).sqrt();
        mean * f64::from(seen.count).sqrt() * position * length
    };
    ranked.clear();
    for (s, stem) in stems.iter().enumerate().filter(|(_, stem)| stem.single.count > 0) {
        let key = [s as u32, u32::MAX, u32::MAX];
        ranked.push(Reverse(Rank { score: descending(score(&key[..1], &stem.single)), key, at: s as u32 }));
    }
    for (at, (key, seen)) in phrases.iter().enumerate().filter(|(_, (_, seen))| seen.count >= 2) {
        ranked.push(Reverse(Rank { score: descending(score(stems_of(key), seen)), key: *key, at: at as u32 }));
    }
    // Only the best few are looked at: a heap (built in linear time) gives
    // them in order without sorting the rest.
    let keep = (k * 8).max(32);
    let mut heap = BinaryHeap::from(std::mem::take(ranked));
    chosen.clear();
    let mut out = Vec::with_capacity(k);
    for _ in 0..keep {
        let Some(Reverse(candidate)) = heap.pop() else { break };
        // Skip phrases whose words a chosen phrase already covers, and
        // single words of a chosen longer phrase.
        let stems_here = stems_of(&candidate.key);
        let covered = chosen.iter().any(|d| {
            let d = stems_of(d);
            stems_here.iter().all(|s| d.contains(s)) || d.iter().all(|s| stems_here.contains(s))
        });
        if !covered {
            chosen.push(candidate.key);
            let at = candidate.at as usize;
            let seen = if stems_here.len() == 1 { &stems[at].single } else { &phrases[at].1 };
            out.push(spelling(text, seen));
            if chosen.len() >= k {
                break;
            }
        }
    }
    // The memory back, for the next article.
    *ranked = heap.into_vec();
    out
}

/// The spelling of a candidate in the text, its white space made single spaces.
fn spelling(text: &str, seen: &Seen) -> String {
    let spelling = &text[seen.start as usize..seen.end as usize];
    if !spelling.contains(char::is_whitespace) {
        return spelling.to_string();
    }
    let mut out = String::with_capacity(spelling.len());
    for word in spelling.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The length of the UTF-8 sequence that `first` opens.
fn utf8_len(first: u8) -> usize {
    match first {
        0..0xC0 => 1,
        0xC0..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

fn stems_of(key: &Key) -> &[u32] {
    let len = key.iter().position(|&s| s == u32::MAX).unwrap_or(MAX_WORDS);
    &key[..len]
}

/// Whether only spaces and hyphens stand between two words. Both are ASCII,
/// so the gap's bytes can be checked one by one.
fn adjacent(text: &[u8], end: usize, start: usize) -> bool {
    text.get(end..start).is_some_and(|gap| gap.iter().all(|&b| b == b' ' || b == b'-'))
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
