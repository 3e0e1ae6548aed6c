//! The built-in ranking weights.
//!
//! How they were obtained: see `DEFAULT` below and `newsdesk tune`.

use crate::rank::Weights;

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
