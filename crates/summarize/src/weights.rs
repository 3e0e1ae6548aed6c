//! The built-in ranking weights.
//!
//! How they were obtained: see `DEFAULT` below and `newsdesk tune`.

use crate::rank::Weights;

/// The default weights.
pub(crate) const DEFAULT: Weights = Weights {
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
