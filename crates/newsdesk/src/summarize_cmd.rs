//! `newsdesk summarize`: one article from a file or standard input, or a
//! JSONL batch summarized on all cores.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use summarize::{Lang, Length, Options, Scratch, Summarizer, Summary};

/// Output format of a single summary.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One paragraph: the sentences joined by spaces.
    Text,
    /// Key points: one `- sentence` line each.
    Bullets,
    /// JSON with each sentence's index and byte range, and the key phrases.
    Json,
    /// Not a summary: the whole text, each sentence on a line of its own,
    /// with a blank line where a paragraph starts, and `[¶ auto]` before
    /// the paragraph breaks the summarizer proposes for paragraphs longer
    /// than 8 sentences (`Summarizer::paragraph_breaks`).
    Paragraphs,
}

/// Summarize an article, or many.
///
/// Every summary sentence is a sentence of the input, word for word. With
/// `--jsonl`, reads lines `{"id", "article", "title"?, "lang"?}` and writes one
/// line per input, in input order: `{"id", "summary", "sentences": [{"index",
/// "start", "end"}], "keywords", "lang"}` (`start`/`end` are byte offsets into
/// the article's UTF-8 text). Malformed lines are reported on stderr with their
/// line number and skipped; the exit code is then 1.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  newsdesk summarize article.txt\n  newsdesk summarize - --words 60 --format bullets < article.txt\n  newsdesk summarize --jsonl articles.jsonl --out summaries.jsonl"
)]
pub struct Args {
    /// The article: a text file, or `-` (the default) for standard input.
    #[arg(value_name = "FILE", conflicts_with = "jsonl")]
    input: Option<PathBuf>,
    /// How many sentences (default 3).
    #[arg(short = 'n', long, conflicts_with_all = ["words", "ratio"])]
    sentences: Option<usize>,
    /// At most this many words: as many whole sentences as fit.
    #[arg(short, long, conflicts_with = "ratio")]
    words: Option<usize>,
    /// This share of the article's sentences (0 to 1).
    #[arg(long)]
    ratio: Option<f64>,
    /// Output format for a single article.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The article's title (helps ranking).
    #[arg(short, long)]
    title: Option<String>,
    /// The article's language (en, fr, de, es, it, pt, nl, ru, uk, zh); detected when absent.
    #[arg(short, long, value_parser = parse_lang)]
    lang: Option<Lang>,
    /// How many key phrases to compute.
    #[arg(long, default_value_t = 8)]
    keywords: usize,
    /// Summarize a JSONL batch instead of one article.
    #[arg(long, value_name = "IN.jsonl")]
    jsonl: Option<PathBuf>,
    /// Where to write the batch results (default: standard output).
    #[arg(short, long, value_name = "OUT.jsonl", requires = "jsonl")]
    out: Option<PathBuf>,
    /// Worker threads for a batch (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

pub(crate) fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse::<Lang>().map_err(|e| e.to_string())
}

impl Args {
    fn length(&self) -> Result<Length> {
        Ok(match (self.sentences, self.words, self.ratio) {
            (_, Some(0), _) => bail!("--words must be at least 1"),
            (_, Some(w), _) => Length::Words(w),
            (_, _, Some(r)) => {
                if !(r > 0.0 && r <= 1.0) {
                    bail!("--ratio must be more than 0 and at most 1, got {r}");
                }
                Length::Ratio(r)
            }
            (Some(0), _, _) => bail!("--sentences must be at least 1"),
            (Some(n), _, _) => Length::Sentences(n),
            _ => Length::Sentences(3),
        })
    }
}

/// One line of a JSONL batch.
#[derive(Deserialize)]
struct InputRow {
    id: serde_json::Value,
    article: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Serialize)]
struct SentenceOut {
    index: usize,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct OutputRow<'a> {
    id: &'a serde_json::Value,
    summary: String,
    sentences: Vec<SentenceOut>,
    keywords: &'a [String],
    lang: &'a str,
}

#[derive(Serialize)]
struct SingleJson<'a> {
    summary: String,
    lang: &'a str,
    total_sentences: usize,
    sentences: Vec<SingleSentence<'a>>,
    keywords: &'a [String],
}

#[derive(Serialize)]
struct SingleSentence<'a> {
    index: usize,
    start: usize,
    end: usize,
    text: &'a str,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let length = args.length()?;
    let summarizer = Summarizer::new();
    if let Some(path) = &args.jsonl {
        return batch(&summarizer, &args, path, length);
    }
    let text = match args.input.as_deref() {
        None => read_stdin()?,
        Some(p) if p == Path::new("-") => read_stdin()?,
        Some(p) => std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?,
    };
    if text.trim().is_empty() {
        let from = args.input.as_deref().filter(|p| *p != Path::new("-"));
        bail!(
            "{}: no text to summarize",
            from.map_or_else(|| "standard input".to_owned(), |p| p.display().to_string())
        );
    }
    let options = Options { length, title: args.title.as_deref(), lang: args.lang, keywords: args.keywords };
    let summary = summarizer.summarize(&text, &options);
    let mut out = io::stdout().lock();
    match args.format {
        Format::Text => writeln!(out, "{}", summary.text())?,
        Format::Bullets => write!(out, "{}", summary.bullets())?,
        Format::Paragraphs => {
            let analysis = summarizer.analyze(&text, args.title.as_deref(), args.lang);
            let breaks = analysis.paragraph_breaks();
            for (i, span) in analysis.spans.iter().enumerate() {
                let new_paragraph = i > 0 && analysis.spans[i - 1].paragraph != span.paragraph;
                if breaks.contains(&i) {
                    writeln!(out, "\n[¶ auto]")?;
                } else if new_paragraph {
                    writeln!(out)?;
                }
                writeln!(out, "{i}: {}", span.text(&text))?;
            }
        }
        Format::Json => {
            let json = SingleJson {
                summary: summary.text(),
                lang: summary.lang.code(),
                total_sentences: summary.total_sentences,
                sentences: summary
                    .sentences
                    .iter()
                    .map(|s| SingleSentence { index: s.index, start: s.start, end: s.end, text: &s.text })
                    .collect(),
                keywords: &summary.keywords,
            };
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_stdin() -> Result<String> {
    let mut text = String::new();
    io::stdin().read_to_string(&mut text).context("cannot read standard input (is it UTF-8 text?)")?;
    Ok(text)
}

fn batch(summarizer: &Summarizer, args: &Args, path: &Path, length: Length) -> Result<ExitCode> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut lines = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}: cannot read line", path.display(), n + 1))?;
        lines.push(line);
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build()?;
    let progress = if io::stderr().is_terminal() {
        let bar = ProgressBar::new(lines.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} summarizing [{bar:40}] {pos}/{len} articles ({per_sec}, eta {eta})",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let results: Vec<Option<Result<String, String>>> = pool.install(|| {
        lines
            .par_iter()
            .map_init(Scratch::default, |scratch, line| {
                let r = if line.trim().is_empty() {
                    None
                } else {
                    Some(summarize_line(summarizer, scratch, line, length, args))
                };
                progress.inc(1);
                r
            })
            .collect()
    });
    progress.finish_and_clear();
    let mut out: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(BufWriter::new(File::create(p).with_context(|| format!("cannot create {}", p.display()))?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let mut failed = 0usize;
    for (n, r) in results.into_iter().enumerate() {
        match r {
            None => {}
            Some(Ok(json)) => writeln!(out, "{json}")?,
            Some(Err(e)) => {
                failed += 1;
                eprintln!("{}:{}: {e}", path.display(), n + 1);
            }
        }
    }
    out.flush()?;
    if failed > 0 {
        eprintln!("{failed} line(s) skipped");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn summarize_line(
    summarizer: &Summarizer,
    scratch: &mut Scratch,
    line: &str,
    length: Length,
    args: &Args,
) -> Result<String, String> {
    let row: InputRow = serde_json::from_str(line).map_err(|e| format!("not a valid input line: {e}"))?;
    let lang = match (&args.lang, &row.lang) {
        (Some(l), _) => Some(*l),
        (None, Some(code)) => Some(parse_lang(code)?),
        (None, None) => None,
    };
    let options = Options { length, title: row.title.as_deref(), lang, keywords: args.keywords };
    let summary: Summary = summarizer.summarize_with(scratch, &row.article, &options);
    let out = OutputRow {
        id: &row.id,
        summary: summary.text(),
        sentences: summary
            .sentences
            .iter()
            .map(|s| SentenceOut { index: s.index, start: s.start, end: s.end })
            .collect(),
        keywords: &summary.keywords,
        lang: summary.lang.code(),
    };
    serde_json::to_string(&out).map_err(|e| e.to_string())
}
