//! `newsdesk tune`: re-derives the summarizer's ranking weights from
//! development sets by coordinate ascent on ROUGE, with k-fold
//! cross-validation so the held-out figure is honest.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use summarize::rouge::{Scorer, Tokenization};
use summarize::{Analysis, Length, Scratch, Summarizer, Weights};

use crate::eval_cmd::{is_english, load};

/// Re-derive the ranking weights (the numbers in crates/summarize/src/weights.rs).
///
/// Each DATA argument is a JSONL development set, optionally followed by
/// `:N`, the summary length in sentences for it (default 3). The objective is
/// the mean of ROUGE-1, ROUGE-2 and ROUGE-L F1, averaged over the sets with
/// equal weight. The command prints k-fold held-out scores (weights tuned on
/// the other folds), then the weights tuned on everything, as Rust code.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  newsdesk tune ../shared/data/cnndm-gpt4-dev.jsonl:3 ../shared/data/orangesum-fr-dev.jsonl:2 ../shared/data/lcsts-zh-dev.jsonl:1"
)]
pub struct Args {
    /// Development sets, each as PATH or PATH:SENTENCES.
    #[arg(required = true, value_name = "DATA[:N]")]
    data: Vec<String>,
    /// Folds for cross-validation (0 or 1: none).
    #[arg(long, default_value_t = 2)]
    folds: usize,
    /// Coordinate-ascent rounds.
    #[arg(long, default_value_t = 6)]
    rounds: usize,
}

/// An analysed article of a development or training set, with its
/// reference and each sentence's scoring tokens.
pub(crate) struct Item {
    pub id: serde_json::Value,
    pub set: usize,
    pub sentences: usize,
    pub article: String,
    pub analysis: Analysis,
    /// Scoring tokens of each sentence, interned per item.
    pub sentence_tokens: Vec<Vec<u32>>,
    pub reference: Vec<u32>,
    /// Scores of the summaries already scored, by their sentences: most
    /// weights tried choose a summary some other weights chose before.
    memo: Mutex<FxHashMap<Vec<usize>, (f64, f64, f64)>>,
}

/// Reads and analyses the set at `path` (at most `limit` articles), each to
/// be summarized in `sentences` sentences and counted as set number `set`.
pub(crate) fn load_items(
    summarizer: &Summarizer,
    path: &str,
    sentences: usize,
    set: usize,
    limit: usize,
) -> Result<Vec<Item>> {
    let english = Scorer::new(Tokenization::EnglishStemmed);
    let unicode = Scorer::new(Tokenization::Unicode);
    let mut rows = load(&PathBuf::from(path)).with_context(|| format!("loading {path}"))?;
    rows.truncate(limit);
    Ok(rows
        .into_par_iter()
        .map_init(Scratch::default, |scratch, row| {
            let scorer = if is_english(&row) { &english } else { &unicode };
            let analysis = summarizer.analyze_with(scratch, &row.article, row.title.as_deref(), None);
            let mut interner: FxHashMap<String, u32> = FxHashMap::default();
            let mut intern = |toks: Vec<String>| -> Vec<u32> {
                toks.into_iter()
                    .map(|t| {
                        let next = interner.len() as u32;
                        *interner.entry(t).or_insert(next)
                    })
                    .collect()
            };
            let reference = intern(scorer.tokens(&row.reference));
            let sentence_tokens = analysis.spans.iter().map(|s| intern(scorer.tokens(s.text(&row.article)))).collect();
            Item {
                id: row.id,
                set,
                sentences,
                article: row.article,
                analysis,
                sentence_tokens,
                reference,
                memo: Mutex::default(),
            }
        })
        .collect())
}

pub fn run(args: Args) -> Result<ExitCode> {
    let summarizer = Summarizer::new();
    let mut items = Vec::new();
    let mut names = Vec::new();
    for (set, spec) in args.data.iter().enumerate() {
        let (path, n) = match spec.rsplit_once(':') {
            Some((p, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => (p, n.parse::<usize>()?),
            _ => (spec.as_str(), 3),
        };
        let built = load_items(&summarizer, path, n, set, usize::MAX)?;
        eprintln!("{path}: {} articles, {n} sentences", built.len());
        names.push(format!("{path}:{n}"));
        items.extend(built);
    }
    if items.is_empty() {
        bail!("no articles");
    }
    let sets = names.len();
    // Start from the built-in weights of the first set's first article's language.
    let start = *summarizer.weights(items[0].analysis.lang);

    if args.folds >= 2 {
        let mut held = vec![(0.0f64, 0.0f64, 0.0f64, 0usize); sets];
        for fold in 0..args.folds {
            let train: Vec<&Item> =
                items.iter().enumerate().filter(|(i, _)| i % args.folds != fold).map(|(_, x)| x).collect();
            let test: Vec<&Item> =
                items.iter().enumerate().filter(|(i, _)| i % args.folds == fold).map(|(_, x)| x).collect();
            // From the hand-set weights: the built-in ones were tuned on
            // every article, this fold's test articles among them.
            let w = ascend(&summarizer, &train, sets, Weights::hand_set(), args.rounds);
            for item in &test {
                let (a, b, c) = item_scores(&summarizer, item, &w);
                let h = &mut held[item.set];
                h.0 += a;
                h.1 += b;
                h.2 += c;
                h.3 += 1;
            }
            eprintln!("fold {}/{} done", fold + 1, args.folds);
        }
        println!("held-out ({}-fold) ROUGE-1 / ROUGE-2 / ROUGE-L F1, our scorer:", args.folds);
        for (name, h) in names.iter().zip(&held) {
            let n = h.3.max(1) as f64;
            println!("  {name}: {:.2} / {:.2} / {:.2}", 100.0 * h.0 / n, 100.0 * h.1 / n, 100.0 * h.2 / n);
        }
    }
    let all: Vec<&Item> = items.iter().collect();
    println!("start objective: {:.4}", objective(&summarizer, &all, sets, &start));
    let w = ascend(&summarizer, &all, sets, start, args.rounds);
    println!("tuned objective: {:.4}", objective(&summarizer, &all, sets, &w));
    println!("\n// Paste into crates/summarize/src/weights.rs:");
    println!("pub(crate) const DEFAULT: Weights = Weights {{");
    for (name, v) in Weights::NAMES.iter().zip(w.to_vec()) {
        println!("    {name}: {v:.3},");
    }
    println!("}};");
    Ok(ExitCode::SUCCESS)
}

/// Coordinate ascent from `start`.
pub(crate) fn ascend(summarizer: &Summarizer, items: &[&Item], sets: usize, start: Weights, rounds: usize) -> Weights {
    ascend_with(summarizer, items, sets, start, rounds, None)
}

/// Coordinate ascent from `start` on [`objective`], or, given each set's
/// baseline score (by set number), on the worst set's gain over its baseline
/// ([`worst_gain`]).
pub(crate) fn ascend_with(
    summarizer: &Summarizer,
    items: &[&Item],
    sets: usize,
    start: Weights,
    rounds: usize,
    baseline: Option<&[f64]>,
) -> Weights {
    let objective = |w: &Weights| match baseline {
        Some(b) => worst_gain(summarizer, items, b, w),
        None => objective(summarizer, items, sets, w),
    };
    let mut best = start.to_vec();
    let mut best_score = objective(&start);
    let steps = [-1.0, -0.4, -0.15, -0.05, 0.05, 0.15, 0.4, 1.0];
    for round in 0..rounds {
        let mut improved = false;
        for k in 0..best.len() {
            // Furniture and headings are never chosen, whatever their weights.
            if matches!(Weights::NAMES[k], "furniture" | "heading") {
                continue;
            }
            let mut local_best: Option<(f64, f64)> = None;
            for step in steps {
                let mut cand = best.clone();
                cand[k] += step;
                let w = Weights::from_slice(&cand).expect("same length");
                let s = objective(&w);
                if s > best_score + 1e-6 && local_best.is_none_or(|(_, b)| s > b) {
                    local_best = Some((cand[k], s));
                }
            }
            if let Some((v, s)) = local_best {
                best[k] = v;
                best_score = s;
                improved = true;
            }
        }
        tracing::debug!("round {}: objective {best_score:.4}", round + 1);
        if !improved {
            break;
        }
    }
    Weights::from_slice(&best).expect("same length")
}

/// Mean over sets of the mean (R1 + R2 + RL) / 3 F1.
pub(crate) fn objective(summarizer: &Summarizer, items: &[&Item], sets: usize, w: &Weights) -> f64 {
    let means: Vec<f64> = set_means(summarizer, items, sets, w).into_iter().flatten().collect();
    means.iter().sum::<f64>() / means.len().max(1) as f64
}

/// The smallest, over the sets of `items`, of the set's mean (R1 + R2 + RL) / 3
/// F1 minus its `baseline` (by set number): what a ranker gains over the
/// baseline on the training source where it gains least.
pub(crate) fn worst_gain(summarizer: &Summarizer, items: &[&Item], baseline: &[f64], w: &Weights) -> f64 {
    let means = set_means(summarizer, items, baseline.len(), w);
    means.iter().zip(baseline).filter_map(|(m, b)| m.map(|m| m - b)).fold(f64::INFINITY, f64::min)
}

/// Per set number below `sets`: the mean (R1 + R2 + RL) / 3 F1 of its items
/// summarized with `w`, or `None` when `items` has none of it.
fn set_means(summarizer: &Summarizer, items: &[&Item], sets: usize, w: &Weights) -> Vec<Option<f64>> {
    let per: Vec<(usize, f64)> = items
        .par_iter()
        .map(|item| {
            let (a, b, c) = item_scores(summarizer, item, w);
            (item.set, (a + b + c) / 3.0)
        })
        .collect();
    let mut sum = vec![0.0; sets];
    let mut count = vec![0usize; sets];
    for (s, v) in per {
        sum[s] += v;
        count[s] += 1;
    }
    sum.iter().zip(&count).map(|(s, &c)| (c > 0).then(|| s / c as f64)).collect()
}

pub(crate) fn item_scores(summarizer: &Summarizer, item: &Item, w: &Weights) -> (f64, f64, f64) {
    let summary = summarizer.select(&item.article, &item.analysis, Length::Sentences(item.sentences), w);
    let chosen: Vec<usize> = summary.sentences.iter().map(|s| s.index).collect();
    if let Some(&scores) = item.memo.lock().unwrap_or_else(PoisonError::into_inner).get(&chosen) {
        return scores;
    }
    let cand: Vec<u32> = chosen.iter().flat_map(|&i| item.sentence_tokens[i].iter().copied()).collect();
    let scores = rouge_ids(&item.reference, &cand);
    item.memo.lock().unwrap_or_else(PoisonError::into_inner).insert(chosen, scores);
    scores
}

fn f1(m: usize, r: usize, c: usize) -> f64 {
    if m == 0 || r == 0 || c == 0 {
        return 0.0;
    }
    let (p, rc) = (m as f64 / c as f64, m as f64 / r as f64);
    2.0 * p * rc / (p + rc)
}

/// ROUGE-1, -2, -L F1 of interned token lists.
pub(crate) fn rouge_ids(r: &[u32], c: &[u32]) -> (f64, f64, f64) {
    let mut uni: FxHashMap<u32, i64> = FxHashMap::default();
    for &t in r {
        *uni.entry(t).or_insert(0) += 1;
    }
    let mut m1 = 0;
    for &t in c {
        if let Some(v) = uni.get_mut(&t)
            && *v > 0
        {
            *v -= 1;
            m1 += 1;
        }
    }
    let mut bi: FxHashMap<(u32, u32), i64> = FxHashMap::default();
    for w in r.windows(2) {
        *bi.entry((w[0], w[1])).or_insert(0) += 1;
    }
    let mut m2 = 0;
    for w in c.windows(2) {
        if let Some(v) = bi.get_mut(&(w[0], w[1]))
            && *v > 0
        {
            *v -= 1;
            m2 += 1;
        }
    }
    let lcs = summarize::rouge::lcs_len(r, c);
    (f1(m1, r.len(), c.len()), f1(m2, r.len().saturating_sub(1), c.len().saturating_sub(1)), f1(lcs, r.len(), c.len()))
}
