//! `newsdesk train`: re-derives the summarizer's learned ranking weights
//! (`crates/summarize/src/trained.rs`) from the training sets, and prints
//! out-of-sample scores beside the lead baseline and the previous weights.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use summarize::{Lang, Length, Summarizer, Weights};

use crate::tune_cmd::{Item, ascend, ascend_with, item_scores, load_items, rouge_ids};

/// Learn the ranking weights from the training data, and score them out of sample.
///
/// The ranker is a linear score over the sentence features
/// (`summarize::Features::NAMES`), followed by the summarizer's own greedy
/// choice with its redundancy and dependency penalties. Its weights are
/// learned by coordinate ascent on the summaries' ROUGE (per training set,
/// the mean of ROUGE-1, -2 and -L F1), from the hand-set weights, so that
/// every figure printed as held-out comes from weights that never saw the
/// articles scored. English (by default) maximizes the smallest gain over the
/// lead among its training sets, and the weights are then pulled three
/// quarters of the way back to the hand-set ones (`--shrink 0.25`): what is
/// learned beyond them proved specific to the source it was learned from.
///
/// English learns from the CNN/DailyMail development set (GPT-4 references)
/// and the CNN/DailyMail validation articles (human highlights), and the BBC
/// articles with `--with-bbc`; French from the OrangeSum training split. The
/// command prints, for each: k-fold held-out scores, scores across sources
/// (trained on one, scored on another; when trained on two of the three
/// English sources, also by the recipe of `+w5`: mean objective, no
/// shrinking), all beside the lead baseline (the first N sentences, the same
/// length), the weights of `+w4` and the built-in ones; then writes the
/// weights learned on everything as Rust constants with `--write`.
#[derive(clap::Args, Clone, Debug)]
#[command(
    after_help = "Example (the built-in weights):\n  newsdesk train --with-bbc --write crates/summarize/src/trained.rs"
)]
pub struct Args {
    /// The data folder: development sets, and the training sets in its `train/`.
    #[arg(long, value_name = "DIR", default_value = "../shared/data")]
    data: PathBuf,
    /// Folds of the k-fold held-out scores.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Coordinate-ascent rounds of each fit.
    #[arg(long, default_value_t = 4)]
    rounds: usize,
    /// How many OrangeSum training articles French learns from (the first ones).
    #[arg(long, default_value_t = 6000)]
    french: usize,
    /// Also learn English from the BBC articles (their references are sentences of the article).
    #[arg(long)]
    with_bbc: bool,
    /// Write the k-fold held-out English summaries here, as JSONL `{"id", "summary"}`
    /// (one file per set, `SET.jsonl`), to score them with ../shared/bench/rouge.py.
    #[arg(long, value_name = "DIR")]
    held_out: Option<PathBuf>,
    /// Write the weights learned on all training articles to this file, as Rust code.
    #[arg(long, value_name = "FILE.rs")]
    write: Option<PathBuf>,
    /// Run only this trial across sources, `TRAIN=TEST` with sets named as in
    /// the output and joined by `+` (`cnndm-gpt4-dev+bbc=cnndm-val`); may be
    /// repeated. Prints each test set's scores beside the lead and the
    /// built-in weights, and writes nothing to the source tree.
    #[arg(long, value_name = "TRAIN=TEST")]
    cross: Vec<String>,
    /// With `--cross`: write the lead's, the built-in weights' and the
    /// trained weights' summaries of each test set here as JSONL
    /// (`lead.SET.jsonl`, `builtin.SET.jsonl`, `TRAIN=SET.jsonl`), to score
    /// them with ../shared/bench/rouge.py.
    #[arg(long, value_name = "DIR", requires = "cross")]
    predictions: Option<PathBuf>,
    /// English: where coordinate ascent starts (`hand`: the hand-set
    /// weights; `w4`: the weights of `+w4`).
    #[arg(long, default_value = "hand", value_parser = ["hand", "w4"])]
    start: String,
    /// English: the weights used are `start + shrink × (learned − start)`
    /// (1: as learned; less pulls them back towards where they started).
    #[arg(long, default_value_t = 0.25)]
    shrink: f64,
    /// English: what the ascent maximizes (`mean`: the mean over the
    /// training sets of (ROUGE-1 + ROUGE-2 + ROUGE-L) / 3; `worst`: the
    /// smallest gain in it over the lead among the training sets, so that no
    /// source is given up for another). French learns as before (`mean`,
    /// from the hand-set weights, one source).
    #[arg(long, default_value = "worst", value_parser = ["mean", "worst"])]
    objective: String,
}

/// One set: its name, its file in the data folder, summary length in sentences.
struct Set {
    name: &'static str,
    file: &'static str,
    sentences: usize,
}

const SETS: [Set; 7] = [
    Set { name: "cnndm-gpt4-dev", file: "cnndm-gpt4-dev.jsonl", sentences: 3 },
    Set { name: "cnndm-val", file: "train/cnndm-val-en.jsonl", sentences: 3 },
    Set { name: "bbc", file: "train/bbc-en.jsonl", sentences: 3 },
    Set { name: "orangesum-train", file: "train/orangesum-fr-train.jsonl", sentences: 2 },
    Set { name: "orangesum-valid", file: "train/orangesum-fr-valid.jsonl", sentences: 2 },
    Set { name: "orangesum-dev", file: "orangesum-fr-dev.jsonl", sentences: 2 },
    Set { name: "lcsts-dev", file: "lcsts-zh-dev.jsonl", sentences: 1 },
];
const DEV: usize = 0;
const CNN_VAL: usize = 1;
const BBC: usize = 2;
const FR_TRAIN: usize = 3;
const FR_VALID: usize = 4;
const FR_DEV: usize = 5;
const ZH: usize = 6;

/// ROUGE-1, -2, -L F1 means (×100) of one set.
type Means = [f64; 3];

pub fn run(args: Args) -> Result<ExitCode> {
    if !args.data.join("train").is_dir() {
        bail!("no training data: {} has no train/ folder (see --data)", args.data.display());
    }
    let summarizer = Summarizer::new();
    if !args.cross.is_empty() {
        return cross_trials(&args, &summarizer);
    }
    let mut sets: Vec<Vec<Item>> = Vec::new();
    for (i, set) in SETS.iter().enumerate() {
        let limit = if i == FR_TRAIN { args.french } else { usize::MAX };
        let path = args.data.join(set.file);
        let items = load_items(&summarizer, &path.to_string_lossy(), set.sentences, i, limit)?;
        eprintln!("{}: {} articles, {} sentences each", path.display(), items.len(), set.sentences);
        sets.push(items);
    }
    let mut report = String::new();
    let english_sources: Vec<usize> = if args.with_bbc { vec![DEV, CNN_VAL, BBC] } else { vec![DEV, CNN_VAL] };

    // English: k-fold over the training sources, then across sources.
    let train_en: Vec<&Item> = english_sources.iter().flat_map(|&s| &sets[s]).collect();
    writeln!(
        report,
        "\nEnglish, {}-fold held-out (trained on the other folds of {}):",
        args.folds,
        names(&english_sources)
    )?;
    let (held, summaries) = k_fold(&args, &summarizer, &train_en);
    if let Some(dir) = &args.held_out {
        write_held_out(dir, &summaries)?;
    }
    for &s in &english_sources {
        table_rows(&mut report, &summarizer, &sets[s], Lang::English, &[("trained, held-out", held[s])])?;
    }
    writeln!(report, "\nEnglish across sources (trained on one source, scored on another):")?;
    let crosses: &[(&[usize], &[usize])] = &[
        (&[DEV], &[CNN_VAL, BBC]),
        (&[CNN_VAL], &[DEV, BBC]),
        (&[DEV, BBC], &[CNN_VAL]),
        (&[CNN_VAL, BBC], &[DEV]),
        (&[DEV, CNN_VAL], &[BBC]),
        (&[BBC], &[DEV, CNN_VAL]),
    ];
    for &(from, to) in crosses {
        let train: Vec<&Item> = from.iter().flat_map(|&s| &sets[s]).collect();
        let w = fit(&args, &summarizer, &train, Lang::English);
        // Leave one source out (trained on two of the three, scored on the
        // third): the recipe of `+w5` beside the options' one.
        let old = (from.len() == 2 && !is_w5_recipe(&args)).then(|| {
            let recipe = Args { start: "hand".into(), objective: "mean".into(), shrink: 1.0, ..args.clone() };
            fit(&recipe, &summarizer, &train, Lang::English)
        });
        for &s in to {
            let label = format!("trained on {}", names(from));
            let mut rows = vec![(label, means(&summarizer, &sets[s], &w))];
            if let Some(old) = &old {
                rows.push(("the same, +w5's recipe".to_string(), means(&summarizer, &sets[s], old)));
            }
            let rows: Vec<(&str, Means)> = rows.iter().map(|(l, m)| (l.as_str(), *m)).collect();
            table_rows(&mut report, &summarizer, &sets[s], Lang::English, &rows)?;
        }
    }
    eprint!("{report}");
    let english = fit(&args, &summarizer, &train_en, Lang::English);

    // French: trained on the training split, scored on the validation split
    // and the development set, which it never sees.
    let train_fr: Vec<&Item> = sets[FR_TRAIN].iter().collect();
    let french = ascend(&summarizer, &train_fr, SETS.len(), Weights::hand_set(), args.rounds);
    writeln!(report, "\nFrench (trained on the first {} OrangeSum training articles):", sets[FR_TRAIN].len())?;
    for s in [FR_VALID, FR_DEV] {
        let rows = [
            ("trained", means(&summarizer, &sets[s], &french)),
            ("English weights", means(&summarizer, &sets[s], &english)),
        ];
        table_rows(&mut report, &summarizer, &sets[s], Lang::French, &rows)?;
    }
    // Chinese has no training data: the learned weights, never trained on it, beside its own.
    writeln!(report, "\nChinese (no training data; the Chinese weights stay as they are):")?;
    let rows = [
        ("English weights", means(&summarizer, &sets[ZH], &english)),
        ("French weights", means(&summarizer, &sets[ZH], &french)),
    ];
    table_rows(&mut report, &summarizer, &sets[ZH], Lang::Chinese, &rows)?;
    writeln!(report, "\nEnglish weights learned on all of {}, in sample:", names(&english_sources))?;
    for &s in &english_sources {
        table_rows(
            &mut report,
            &summarizer,
            &sets[s],
            Lang::English,
            &[("trained, in sample", means(&summarizer, &sets[s], &english))],
        )?;
    }
    println!("{report}");
    let code = rust_code(&args, &sets, &english_sources, &english, &french, &report);
    match &args.write {
        Some(path) => {
            std::fs::write(path, code).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => println!("{code}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `--cross`: each trial's test sets scored with weights learned on its
/// training sets only, beside the lead and the built-in weights.
fn cross_trials(args: &Args, summarizer: &Summarizer) -> Result<ExitCode> {
    let set_named = |name: &str| {
        SETS.iter()
            .position(|s| s.name == name)
            .with_context(|| format!("no set named {name:?} (sets: {})", names(&(0..SETS.len()).collect::<Vec<_>>())))
    };
    let mut trials = Vec::new();
    for spec in &args.cross {
        let Some((from, to)) = spec.split_once('=') else { bail!("--cross {spec:?}: expected TRAIN=TEST") };
        let from = from.split('+').map(set_named).collect::<Result<Vec<_>>>()?;
        let to = to.split('+').map(set_named).collect::<Result<Vec<_>>>()?;
        trials.push((spec.as_str(), from, to));
    }
    let mut sets: Vec<Vec<Item>> = (0..SETS.len()).map(|_| Vec::new()).collect();
    for &i in trials.iter().flat_map(|(_, from, to)| from.iter().chain(to)) {
        if sets[i].is_empty() {
            let limit = if i == FR_TRAIN { args.french } else { usize::MAX };
            let path = args.data.join(SETS[i].file);
            sets[i] = load_items(summarizer, &path.to_string_lossy(), SETS[i].sentences, i, limit)?;
            eprintln!("{}: {} articles, {} sentences each", path.display(), sets[i].len(), SETS[i].sentences);
        }
    }
    if let Some(dir) = &args.predictions {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut report = String::new();
    for (spec, from, to) in &trials {
        let lang = if from.iter().all(|&s| SETS[s].sentences == 2) { Lang::French } else { Lang::English };
        let train: Vec<&Item> = from.iter().flat_map(|&s| &sets[s]).collect();
        let w = fit(args, summarizer, &train, lang);
        writeln!(
            report,
            "\n{spec} (start {}, shrink {}, {} rounds, objective {}):",
            args.start, args.shrink, args.rounds, args.objective
        )?;
        for &s in to {
            let label = format!("trained on {}", names(from));
            let builtin = *summarizer.weights(lang);
            table_rows(&mut report, summarizer, &sets[s], lang, &[(&label, means(summarizer, &sets[s], &w))])?;
            if let Some(dir) = &args.predictions {
                let name = SETS[s].name;
                let lead: Vec<String> = sets[s]
                    .iter()
                    .map(|item| {
                        let text: Vec<&str> =
                            item.analysis.spans.iter().take(item.sentences).map(|x| x.text(&item.article)).collect();
                        text.join(" ")
                    })
                    .collect();
                write_predictions(&dir.join(format!("lead.{name}.jsonl")), &sets[s], &lead)?;
                let trained =
                    format!("{}={name}.jsonl", from.iter().map(|&f| SETS[f].name).collect::<Vec<_>>().join("+"));
                for (file, weights) in [(format!("builtin.{name}.jsonl"), &builtin), (trained, &w)] {
                    let texts: Vec<String> = sets[s]
                        .par_iter()
                        .map(|item| {
                            let length = Length::Sentences(item.sentences);
                            summarizer.select(&item.article, &item.analysis, length, weights).text()
                        })
                        .collect();
                    write_predictions(&dir.join(file), &sets[s], &texts)?;
                }
            }
        }
        writeln!(
            report,
            "  weights: {}",
            Weights::NAMES.iter().zip(w.to_vec()).map(|(n, v)| format!("{n} {v:.2}")).collect::<Vec<_>>().join(", ")
        )?;
    }
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// Writes one summary per item as JSONL `{"id", "summary"}`.
fn write_predictions(path: &Path, items: &[Item], summaries: &[String]) -> Result<()> {
    let lines: String = items
        .iter()
        .zip(summaries)
        .map(|(item, summary)| serde_json::json!({"id": item.id, "summary": summary}).to_string() + "\n")
        .collect();
    std::fs::write(path, lines).with_context(|| format!("cannot write {}", path.display()))
}

/// Learns English weights from `train` by the recipe the options give:
/// coordinate ascent from `--start`, on `--objective`, then pulled back
/// towards the start by `--shrink`. The lead baselines of `--objective
/// worst` are those of the training articles only.
fn fit(args: &Args, summarizer: &Summarizer, train: &[&Item], lang: Lang) -> Weights {
    let start = if args.start == "w4" { Weights::previous(lang) } else { Weights::hand_set() };
    let mut sums = vec![(0.0, 0usize); SETS.len()];
    for item in train {
        let cand: Vec<u32> = item.sentence_tokens.iter().take(item.sentences).flatten().copied().collect();
        let (a, b, c) = rouge_ids(&item.reference, &cand);
        sums[item.set].0 += (a + b + c) / 3.0;
        sums[item.set].1 += 1;
    }
    let baseline: Vec<f64> = sums.iter().map(|&(s, n)| s / n.max(1) as f64).collect();
    let baseline = (args.objective == "worst").then_some(baseline.as_slice());
    let learned = ascend_with(summarizer, train, SETS.len(), start, args.rounds, baseline).to_vec();
    let blended: Vec<f64> = start.to_vec().iter().zip(&learned).map(|(s, l)| s + args.shrink * (l - s)).collect();
    Weights::from_slice(&blended).expect("same length")
}

/// Whether the options are the English recipe of `+w5` (from the hand-set
/// weights, mean objective, no shrinking).
fn is_w5_recipe(args: &Args) -> bool {
    args.start == "hand" && args.objective == "mean" && (args.shrink - 1.0).abs() < 1e-12
}

/// The English recipe's options, all of them (so that the command written
/// into `trained.rs` re-derives it whatever the defaults become).
fn recipe_flags(args: &Args) -> String {
    format!(" --start {} --objective {} --shrink {}", args.start, args.objective, args.shrink)
}

fn names(sets: &[usize]) -> String {
    sets.iter().map(|&s| SETS[s].name).collect::<Vec<_>>().join(" + ")
}

/// Held-out means per set: each fold's articles scored with weights learned
/// on the other folds; and each article's held-out summary.
fn k_fold(
    args: &Args,
    summarizer: &Summarizer,
    items: &[&Item],
) -> (Vec<Means>, Vec<(usize, serde_json::Value, String)>) {
    let folds = args.folds;
    let mut sums = vec![([0.0; 3], 0usize); SETS.len()];
    let mut summaries = Vec::new();
    for fold in 0..folds.max(2) {
        let test: Vec<&Item> =
            items.iter().enumerate().filter(|(i, _)| i % folds.max(2) == fold).map(|(_, x)| *x).collect();
        let train: Vec<&Item> =
            items.iter().enumerate().filter(|(i, _)| i % folds.max(2) != fold).map(|(_, x)| *x).collect();
        let w = fit(args, summarizer, &train, Lang::English);
        for item in test {
            let summary = summarizer.select(&item.article, &item.analysis, Length::Sentences(item.sentences), &w);
            summaries.push((item.set, item.id.clone(), summary.text()));
            let (a, b, c) = item_scores(summarizer, item, &w);
            let (sum, n) = &mut sums[item.set];
            sum[0] += a;
            sum[1] += b;
            sum[2] += c;
            *n += 1;
        }
        eprintln!("fold {}/{} done", fold + 1, folds.max(2));
    }
    (sums.into_iter().map(|(s, n)| s.map(|x| 100.0 * x / n.max(1) as f64)).collect(), summaries)
}

/// Writes held-out summaries as `DIR/SET.jsonl`.
fn write_held_out(dir: &Path, summaries: &[(usize, serde_json::Value, String)]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (set, info) in SETS.iter().enumerate() {
        let lines: Vec<String> = summaries
            .iter()
            .filter(|(s, _, _)| *s == set)
            .map(|(_, id, summary)| serde_json::json!({"id": id, "summary": summary}).to_string())
            .collect();
        if !lines.is_empty() {
            let path = dir.join(format!("{}.jsonl", info.name));
            std::fs::write(&path, lines.join("\n") + "\n")
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(())
}

/// Means of a set summarized with weights `w`.
fn means(summarizer: &Summarizer, items: &[Item], w: &Weights) -> Means {
    average(items.par_iter().map(|item| item_scores(summarizer, item, w)).collect())
}

/// Means of the lead baseline: the first N sentences.
fn lead(items: &[Item]) -> Means {
    average(
        items
            .iter()
            .map(|item| {
                let cand: Vec<u32> = item.sentence_tokens.iter().take(item.sentences).flatten().copied().collect();
                rouge_ids(&item.reference, &cand)
            })
            .collect(),
    )
}

fn average(scores: Vec<(f64, f64, f64)>) -> Means {
    let n = scores.len().max(1) as f64;
    let sum = scores.iter().fold([0.0; 3], |s, &(a, b, c)| [s[0] + a, s[1] + b, s[2] + c]);
    sum.map(|x| 100.0 * x / n)
}

/// Rows for one set: the lead, the previous weights (`+w4`), the built-in
/// ones (in sample on the sets they learned from), then `rows`, with
/// each row's ROUGE-1 difference from the lead.
fn table_rows(
    out: &mut String,
    summarizer: &Summarizer,
    items: &[Item],
    lang: Lang,
    rows: &[(&str, Means)],
) -> Result<()> {
    let Some(first) = items.first() else { return Ok(()) };
    let set = &SETS[first.set];
    let lead = lead(items);
    let previous = means(summarizer, items, &Weights::previous(lang));
    let mut line = |label: &str, m: Means| {
        writeln!(
            out,
            "  {:<16} {:<28} {:6.2} / {:6.2} / {:6.2}   R1 {:+.2}",
            set.name,
            label,
            m[0],
            m[1],
            m[2],
            m[0] - lead[0]
        )
    };
    line(&format!("lead-{}", set.sentences), lead)?;
    line("+w4 weights", previous)?;
    line(&format!("built-in {}", summarize::VERSION), means(summarizer, items, summarizer.weights(lang)))?;
    for (label, m) in rows {
        line(label, *m)?;
    }
    Ok(())
}

/// The learned weights as the Rust file `crates/summarize/src/trained.rs`.
fn rust_code(
    args: &Args,
    sets: &[Vec<Item>],
    english_sources: &[usize],
    english: &Weights,
    french: &Weights,
    report: &str,
) -> String {
    let mut code = String::new();
    let source = |s: usize| format!("`{}` ({} articles)", Path::new(SETS[s].file).display(), sets[s].len());
    let _ = writeln!(
        code,
        "//! Ranking weights learned from the training data (generated by `newsdesk train`; do not edit)."
    );
    let _ = writeln!(code, "//!");
    let _ = writeln!(
        code,
        "//! Re-derive with `newsdesk train --data ../shared/data --folds {} --rounds {} --french {}{}{} --write crates/summarize/src/trained.rs`.",
        args.folds,
        args.rounds,
        args.french,
        if args.with_bbc { " --with-bbc" } else { "" },
        recipe_flags(args)
    );
    let _ = writeln!(code, "//! A linear score over `Features`, learned by coordinate ascent on the summaries' ROUGE.");
    let _ = writeln!(
        code,
        "//! English learned from {}: from {}, maximizing {}, then {};",
        english_sources.iter().map(|&s| source(s)).collect::<Vec<_>>().join(" and "),
        if args.start == "w4" { "the weights of `+w4`" } else { "`Weights::hand_set()`" },
        if args.objective == "worst" {
            "the smallest gain over the lead among the training sets"
        } else {
            "the mean over the training sets"
        },
        if (args.shrink - 1.0).abs() < 1e-12 {
            "taken as learned".to_string()
        } else {
            format!("pulled back towards the start (start + {} × (learned − start))", args.shrink)
        }
    );
    let _ = writeln!(
        code,
        "//! French learned from {}: from `Weights::hand_set()`, maximizing its mean, taken as learned.",
        source(FR_TRAIN)
    );
    let _ = writeln!(code, "//! What the command printed (ROUGE-1 / -2 / -L F1):");
    let _ = writeln!(code, "//!\n//! ```text");
    for line in report.lines().filter(|l| !l.is_empty()) {
        let _ = writeln!(code, "//! {line}");
    }
    let _ = writeln!(code, "//! ```\n\nuse crate::Weights;\n");
    for (name, what, w) in
        [("ENGLISH", "English (and languages without weights of their own)", english), ("FRENCH", "French", french)]
    {
        let _ = writeln!(code, "/// The learned weights for {what}.");
        let _ = writeln!(code, "pub(crate) const {name}: Weights = Weights {{");
        for (field, v) in Weights::NAMES.iter().zip(w.to_vec()) {
            let _ = writeln!(code, "    {field}: {v:?},");
        }
        let _ = writeln!(code, "}};\n");
    }
    code.truncate(code.trim_end().len());
    code.push('\n');
    code
}
