//! The built-in ranking weights.
//!
//! How they were obtained: see `DEFAULT` below and `newsdesk tune`.

use crate::features::Features;

/// Feature weights of the sentence score, and the redundancy penalty.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weights {
    /// Weight of [`Features::first`].
    pub first: f64,
    /// Weight of [`Features::second`].
    pub second: f64,
    /// Weight of [`Features::third`].
    pub third: f64,
    /// Weight of [`Features::near_top`].
    pub near_top: f64,
    /// Weight of [`Features::relative`].
    pub relative: f64,
    /// Weight of [`Features::para_first`].
    pub para_first: f64,
    /// Weight of [`Features::centrality`].
    pub centrality: f64,
    /// Weight of [`Features::title`].
    pub title: f64,
    /// Weight of [`Features::log_len`].
    pub log_len: f64,
    /// Weight of [`Features::short`].
    pub short: f64,
    /// Weight of [`Features::long`].
    pub long: f64,
    /// Weight of [`Features::dependent`], applied only when the sentence
    /// before it is not also chosen.
    pub dependent: f64,
    /// Weight of [`Features::quote`].
    pub quote: f64,
    /// Weight of [`Features::question`].
    pub question: f64,
    /// Weight of [`Features::furniture`].
    pub furniture: f64,
    /// Penalty per unit of similarity to a sentence already chosen.
    pub redundancy: f64,
}

impl Weights {
    /// The weights as a vector, in field order (for tuning).
    pub fn to_vec(&self) -> Vec<f64> {
        vec![
            self.first,
            self.second,
            self.third,
            self.near_top,
            self.relative,
            self.para_first,
            self.centrality,
            self.title,
            self.log_len,
            self.short,
            self.long,
            self.dependent,
            self.quote,
            self.question,
            self.furniture,
            self.redundancy,
        ]
    }

    /// Weights from a vector in field order; `None` if its length is wrong.
    pub fn from_slice(v: &[f64]) -> Option<Weights> {
        let &[
            first,
            second,
            third,
            near_top,
            relative,
            para_first,
            centrality,
            title,
            log_len,
            short,
            long,
            dependent,
            quote,
            question,
            furniture,
            redundancy,
        ] = v
        else {
            return None;
        };
        Some(Weights {
            first,
            second,
            third,
            near_top,
            relative,
            para_first,
            centrality,
            title,
            log_len,
            short,
            long,
            dependent,
            quote,
            question,
            furniture,
            redundancy,
        })
    }

    /// The hand-set weights that `newsdesk tune` starts from when it
    /// measures held-out scores, so that no fold starts from weights tuned
    /// on its own test articles.
    pub fn hand_set() -> Weights {
        HAND_SET
    }

    /// The names of the weights, in field order.
    pub const NAMES: [&'static str; 16] = [
        "first",
        "second",
        "third",
        "near_top",
        "relative",
        "para_first",
        "centrality",
        "title",
        "log_len",
        "short",
        "long",
        "dependent",
        "quote",
        "question",
        "furniture",
        "redundancy",
    ];

    /// The score of a sentence with features `f`, leaving out the dependency
    /// penalty (which depends on what else is chosen).
    pub fn base_score(&self, f: &Features) -> f64 {
        self.first * f.first
            + self.second * f.second
            + self.third * f.third
            + self.near_top * f.near_top
            + self.relative * f.relative
            + self.para_first * f.para_first
            + self.centrality * f.centrality
            + self.title * f.title
            + self.log_len * f.log_len
            + self.short * f.short
            + self.long * f.long
            + self.quote * f.quote
            + self.question * f.question
            + self.furniture * f.furniture
    }
}

/// The default weights: tuned on the English development set
/// (`cnndm-gpt4-dev.jsonl`, 3 sentences) by
/// `newsdesk tune ../shared/data/cnndm-gpt4-dev.jsonl:3 --folds 2 --rounds 5`,
/// starting from hand-set weights (first 1.0, second 0.5, third 0.3, near_top 1.0,
/// relative -0.3, para_first 0.1, centrality 2.0, title 0.5, log_len 0.2,
/// short -0.5, long -0.3, dependent -0.5, quote -0.3, question -0.5,
/// furniture -5.0, redundancy 1.0). The French and Chinese sets were not used
/// for tuning: they check that the weights carry over to other languages.
///
/// Since then the `dependent` feature no longer counts openers of fixed
/// phrases ("There are", "Il y a"), and the same command gives slightly
/// different weights (first -0.05, second 0.6, relative -0.4, centrality 2.2,
/// long -0.5, dependent -0.65). They were not adopted: the 2-fold held-out
/// score is the same (56.55 ROUGE-1 with either feature), the in-sample gain
/// (56.76 → 56.84) is within that noise, and they do worse on French (29.02 →
/// 28.91) and start more summaries with a sentence that leans back.
pub(crate) const DEFAULT: Weights = Weights {
    first: 0.000,
    second: 0.450,
    third: 0.250,
    near_top: 0.850,
    relative: -0.450,
    para_first: 0.100,
    centrality: 2.150,
    title: 0.500,
    log_len: 0.200,
    short: -1.500,
    long: -0.400,
    dependent: -0.500,
    quote: -1.150,
    question: -0.900,
    furniture: -5.000,
    redundancy: 1.000,
};

/// Weights for Chinese: the defaults with the lead prior raised
/// (`first` 2.0, `near_top` 0.0). Chosen on `lcsts-zh-dev.jsonl` (1 sentence)
/// by `newsdesk tune ../shared/data/lcsts-zh-dev.jsonl:1 --folds 2 --rounds 5`
/// from the hand-set start; short Weibo-style posts put their news first.
pub(crate) const CHINESE: Weights = Weights { first: 2.0, near_top: 0.0, ..HAND_SET };

/// The hand-set weights that tuning starts from.
pub(crate) const HAND_SET: Weights = Weights {
    first: 1.0,
    second: 0.5,
    third: 0.3,
    near_top: 1.0,
    relative: -0.3,
    para_first: 0.1,
    centrality: 2.0,
    title: 0.5,
    log_len: 0.2,
    short: -0.5,
    long: -0.3,
    dependent: -0.5,
    quote: -0.3,
    question: -0.5,
    furniture: -5.0,
    redundancy: 1.0,
};

/// The built-in weights for a language.
pub(crate) fn for_lang(lang: crate::Lang) -> &'static Weights {
    match lang {
        crate::Lang::Chinese => &CHINESE,
        _ => &DEFAULT,
    }
}
