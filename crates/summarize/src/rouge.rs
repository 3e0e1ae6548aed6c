//! ROUGE-1, ROUGE-2 and ROUGE-L F1, computed as Google's `rouge-score` does,
//! so that `newsdesk eval` agrees with the independent judge.
//!
//! English text is tokenized like `rouge-score`'s default tokenizer: lower
//! case, runs of `[a-z0-9]` only, and the Porter stemmer on tokens longer
//! than three characters. Other languages use lower-cased Unicode words with
//! no stemming, and each CJK character is a token of its own.

use frostem::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

use crate::lang::is_cjk_char;

/// Precision, recall and F1 of one ROUGE measure.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Score {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

/// ROUGE-1, ROUGE-2 and ROUGE-L of a candidate against a reference.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rouge {
    /// Unigram overlap.
    pub rouge1: Score,
    /// Bigram overlap.
    pub rouge2: Score,
    /// Longest common subsequence.
    pub rouge_l: Score,
}

/// How text is cut into tokens for scoring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tokenization {
    /// `rouge-score`'s English tokenizer with the Porter stemmer.
    EnglishStemmed,
    /// Lower-cased Unicode words; CJK characters one token each.
    Unicode,
}

/// A ROUGE scorer. Holds a stemmer; build one and reuse it.
pub struct Scorer {
    tokenization: Tokenization,
    porter: Stemmer,
}

impl std::fmt::Debug for Scorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scorer").field("tokenization", &self.tokenization).finish()
    }
}

impl Scorer {
    /// A scorer with the given tokenization.
    pub fn new(tokenization: Tokenization) -> Self {
        Scorer { tokenization, porter: Stemmer::new(Algorithm::Porter) }
    }

    /// Tokens of `text` as the scorer counts them.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        match self.tokenization {
            Tokenization::EnglishStemmed => {
                let lower = text.to_lowercase();
                lower
                    .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
                    .filter(|t| !t.is_empty())
                    .map(|t| if t.len() > 3 { self.porter.stem(t).into_owned() } else { t.to_string() })
                    .collect()
            }
            Tokenization::Unicode => {
                let lower = text.to_lowercase();
                let mut out = Vec::new();
                let mut cur = String::new();
                for c in lower.chars() {
                    if is_cjk_char(c) {
                        if !cur.is_empty() {
                            out.push(std::mem::take(&mut cur));
                        }
                        out.push(c.to_string());
                    } else if c.is_alphanumeric() {
                        cur.push(c);
                    } else if !cur.is_empty() {
                        out.push(std::mem::take(&mut cur));
                    }
                }
                if !cur.is_empty() {
                    out.push(cur);
                }
                out
            }
        }
    }

    /// Scores `candidate` against `reference`.
    pub fn score(&self, reference: &str, candidate: &str) -> Rouge {
        score_tokens(&self.tokens(reference), &self.tokens(candidate))
    }
}

/// ROUGE of token lists.
pub fn score_tokens<T: AsRef<str>>(reference: &[T], candidate: &[T]) -> Rouge {
    let r: Vec<&str> = reference.iter().map(AsRef::as_ref).collect();
    let c: Vec<&str> = candidate.iter().map(AsRef::as_ref).collect();
    Rouge { rouge1: ngram_score(&r, &c, 1), rouge2: ngram_score(&r, &c, 2), rouge_l: lcs_score(&r, &c) }
}

fn f1(matches: f64, ref_total: f64, cand_total: f64) -> Score {
    let precision = if cand_total > 0.0 { matches / cand_total } else { 0.0 };
    let recall = if ref_total > 0.0 { matches / ref_total } else { 0.0 };
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    Score { precision, recall, f1 }
}

fn ngram_score(r: &[&str], c: &[&str], n: usize) -> Score {
    let rc = ngram_counts(r, n);
    let cc = ngram_counts(c, n);
    let matches: usize = cc.iter().map(|(k, &v)| v.min(rc.get(k).copied().unwrap_or(0))).sum();
    let rt = r.len().saturating_sub(n - 1);
    let ct = c.len().saturating_sub(n - 1);
    f1(matches as f64, rt as f64, ct as f64)
}

fn ngram_counts<'a>(t: &'a [&'a str], n: usize) -> FxHashMap<&'a [&'a str], usize> {
    let mut m: FxHashMap<&[&str], usize> = FxHashMap::default();
    if t.len() >= n {
        for w in t.windows(n) {
            *m.entry(w).or_insert(0) += 1;
        }
    }
    m
}

fn lcs_score(r: &[&str], c: &[&str]) -> Score {
    if r.is_empty() || c.is_empty() {
        return Score::default();
    }
    f1(lcs_len(r, c) as f64, r.len() as f64, c.len() as f64)
}

/// Length of the longest common subsequence of two token lists (ROUGE-L's
/// count), in O(|a|·|b|) time and O(|b|) memory.
pub fn lcs_len<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for x in a {
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y { prev[j] + 1 } else { prev[j + 1].max(cur[j]) };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_text_scores_one() {
        let s = Scorer::new(Tokenization::EnglishStemmed);
        let r = s.score("The cat sat on the mat.", "The cat sat on the mat.");
        assert!((r.rouge1.f1 - 1.0).abs() < 1e-9);
        assert!((r.rouge2.f1 - 1.0).abs() < 1e-9);
        assert!((r.rouge_l.f1 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn known_values() {
        // rouge-score gives R1 F = 0.5, R2 F = 1/3, RL F = 0.5 here.
        let s = Scorer::new(Tokenization::EnglishStemmed);
        let r = s.score("a b c d", "a b e f");
        assert!((r.rouge1.f1 - 0.5).abs() < 1e-9);
        assert!((r.rouge2.f1 - 1.0 / 3.0).abs() < 1e-9);
        assert!((r.rouge_l.f1 - 0.5).abs() < 1e-9);
    }

    #[test]
    fn english_tokens_match_rouge_score() {
        let s = Scorer::new(Tokenization::EnglishStemmed);
        assert_eq!(s.tokens("Running, runners ran! Café's"), ["run", "runner", "ran", "caf", "s"]);
    }

    #[test]
    fn cjk_characters_are_tokens() {
        let s = Scorer::new(Tokenization::Unicode);
        assert_eq!(s.tokens("网吧 ABC已死"), ["网", "吧", "abc", "已", "死"]);
    }
}
