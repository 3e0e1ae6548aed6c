//! `newsdesk eval`: ROUGE of the summarizer against reference summaries, and
//! its speed on one core.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Deserialize;
use summarize::rouge::{Scorer, Tokenization};
use summarize::{Lang, Length, Options, Scratch, Summarizer};

use crate::summarize_cmd::parse_lang;

/// Score summaries against references with ROUGE-1/2/L F1, as Google's
/// rouge-score computes them, and measure articles per second on one core.
///
/// DATA.jsonl has one object a line: `{"id", "article", "reference", "title"?, "lang"?}`.
/// English rows (no `lang`, or `"en"`) are scored with rouge-score's tokenizer and
/// Porter stemmer; others on lower-cased Unicode words, CJK characters one token each.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The development set.
    #[arg(value_name = "DATA.jsonl")]
    data: PathBuf,
    /// Sentences per summary.
    #[arg(short = 'n', long, default_value_t = 3)]
    sentences: usize,
    /// Score the first N sentences (the lead baseline) instead of the summarizer.
    #[arg(long)]
    lead: bool,
    /// Pass the language to the summarizer instead of detecting it.
    #[arg(long, value_parser = parse_lang)]
    lang: Option<Lang>,
    /// Ignore titles in the data.
    #[arg(long)]
    no_title: bool,
    /// Write predictions as JSONL `{"id","summary"}` (for rouge.py).
    #[arg(long, value_name = "PRED.jsonl")]
    predictions: Option<PathBuf>,
    /// Summarize the set this many times for each timing (after one warm-up pass).
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Skip the timing with a fresh working memory for every article.
    #[arg(long)]
    skip_cold: bool,
    /// Key phrases computed per article (as `summarize --jsonl` does; 0 skips them).
    #[arg(long, default_value_t = 8)]
    keywords: usize,
}

#[derive(Deserialize)]
pub(crate) struct Row {
    pub id: serde_json::Value,
    pub article: String,
    pub reference: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
}

pub(crate) fn load(path: &Path) -> Result<Vec<Row>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut rows = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let row: Row = serde_json::from_str(&line).with_context(|| format!("{}:{}: bad row", path.display(), n + 1))?;
        rows.push(row);
    }
    Ok(rows)
}

/// Whether the judge scores this row as English.
pub(crate) fn is_english(row: &Row) -> bool {
    row.lang.as_deref().is_none_or(|l| l == "en")
}

pub fn run(args: Args) -> Result<ExitCode> {
    let rows = load(&args.data)?;
    if rows.is_empty() {
        anyhow::bail!("no articles in {}", args.data.display());
    }
    let summarizer = Summarizer::new();
    let length = Length::Sentences(args.sentences);
    // Summarizes `rows` with the working memory `scratch`, or with a fresh
    // one for every article when `scratch` is `None`. Each summary comes with
    // the article index of its first sentence when that sentence leans on
    // the one before it.
    let summarize_rows = |rows: &[Row], mut scratch: Option<&mut Scratch>| -> Vec<(String, Option<usize>)> {
        rows.iter()
            .map(|row| {
                let title = if args.no_title { None } else { row.title.as_deref() };
                if args.lead {
                    let spans = summarizer.sentences(&row.article, args.lang);
                    let text: Vec<&str> = spans.iter().take(args.sentences).map(|s| s.text(&row.article)).collect();
                    (text.join(" "), None)
                } else {
                    let options = Options { length, title, lang: args.lang, keywords: args.keywords };
                    let mut fresh = Scratch::default();
                    let scratch = scratch.as_deref_mut().unwrap_or(&mut fresh);
                    let s = summarizer.summarize_with(scratch, &row.article, &options);
                    let dependent = s.sentences.first().filter(|_| s.starts_dependent).map(|e| e.index);
                    (s.text(), dependent)
                }
            })
            .collect()
    };
    // Warm-up (also builds lazy resources such as the Chinese dictionary).
    let summaries = summarize_rows(&rows, Some(&mut Scratch::default()));
    // This thread's CPU time for `f` (what one core does, even when other
    // processes load the machine).
    let cpu_time = |f: &mut dyn FnMut()| {
        let start = cpu_time::ThreadTime::now();
        f();
        start.elapsed()
    };
    let per_cpu_second = |cpu: std::time::Duration| (rows.len() * args.repeat) as f64 / cpu.as_secs_f64().max(1e-9);
    // 1. A working memory started empty for each pass over the set, as one
    //    run of `newsdesk summarize --jsonl` over it does.
    let wall = Instant::now();
    let cpu = cpu_time(&mut || {
        for _ in 0..args.repeat {
            std::hint::black_box(summarize_rows(&rows, Some(&mut Scratch::default())));
        }
    });
    let per_sec_wall = (rows.len() * args.repeat) as f64 / wall.elapsed().as_secs_f64().max(1e-9);
    let per_sec = per_cpu_second(cpu);
    // 2. After warm-up on other articles, as in a server or a long batch:
    //    each half of the set is timed with a working memory that has first
    //    summarized the other half (never the timed articles themselves).
    let (first, second) = rows.split_at(rows.len() / 2);
    let mut cpu = std::time::Duration::ZERO;
    for _ in 0..args.repeat {
        for (warm_up, timed) in [(second, first), (first, second)] {
            let mut scratch = Scratch::default();
            summarize_rows(warm_up, Some(&mut scratch));
            cpu += cpu_time(&mut || {
                std::hint::black_box(summarize_rows(timed, Some(&mut scratch)));
            });
        }
    }
    let per_sec_warm = per_cpu_second(cpu);
    // 3. A fresh working memory for every article (one-off calls).
    let per_sec_cold = if args.skip_cold {
        f64::NAN
    } else {
        per_cpu_second(cpu_time(&mut || {
            for _ in 0..args.repeat {
                std::hint::black_box(summarize_rows(&rows, None));
            }
        }))
    };
    let bytes: usize = rows.iter().map(|r| r.article.len()).sum();

    let english = Scorer::new(Tokenization::EnglishStemmed);
    let other = Scorer::new(Tokenization::Unicode);
    let (mut r1, mut r2, mut rl) = (0.0, 0.0, 0.0);
    for (row, (summary, _)) in rows.iter().zip(&summaries) {
        let scorer = if is_english(row) { &english } else { &other };
        let s = scorer.score(&row.reference, summary);
        r1 += s.rouge1.f1;
        r2 += s.rouge2.f1;
        rl += s.rouge_l.f1;
    }
    let n = rows.len().max(1) as f64;
    let dependent = summaries.iter().filter(|(_, d)| d.is_some()).count();
    // A dependent opening that is the article's own first sentence ("This is
    // the moment…", "He may be king of the jungle…") leans on nothing left out.
    let dependent_later = summaries.iter().filter(|(_, d)| d.is_some_and(|i| i > 0)).count();
    println!(
        "{}: {} articles, {} sentences each{}",
        args.data.display(),
        rows.len(),
        args.sentences,
        if args.lead { " (lead baseline)" } else { "" }
    );
    println!("ROUGE-1 F1  {:6.2}", 100.0 * r1 / n);
    println!("ROUGE-2 F1  {:6.2}", 100.0 * r2 / n);
    println!("ROUGE-L F1  {:6.2}", 100.0 * rl / n);
    println!(
        "speed       {:.0} articles per CPU-second on one core ({:.1} MB/s, mean article {:.1} KB, {} passes, {} key phrases each; {per_sec_wall:.0}/s wall-clock)",
        per_sec,
        per_sec * bytes as f64 / n / 1e6,
        bytes as f64 / n / 1e3,
        args.repeat,
        args.keywords
    );
    println!(
        "            {per_sec_warm:.0} articles per CPU-second after warm-up on other articles (each half of the set timed after the other half)"
    );
    println!("            {per_sec_cold:.0} articles per CPU-second with a fresh working memory for every article");
    if !args.lead {
        println!(
            "dependent   {:.1}% of summaries start with a sentence that leans on the one before it ({dependent}); \
             {:.1}% with one that is not the article's first sentence ({dependent_later})",
            100.0 * dependent as f64 / n,
            100.0 * dependent_later as f64 / n
        );
    }
    if let Some(path) = &args.predictions {
        let mut out = BufWriter::new(File::create(path).with_context(|| format!("cannot create {}", path.display()))?);
        for (row, (summary, _)) in rows.iter().zip(&summaries) {
            serde_json::to_writer(&mut out, &serde_json::json!({"id": row.id, "summary": summary}))?;
            writeln!(out)?;
        }
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}
