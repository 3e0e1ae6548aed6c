//! `newsdesk import PATH...`: Markdown with front matter, JSON and JSONL.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use content::import::Format;
use indicatif::{ProgressBar, ProgressStyle};

use crate::site::{DbArgs, Report, import_one, runtime};

/// Import articles from files and folders.
///
/// Reads Markdown files with front matter (TOML between `+++` lines or YAML
/// between `---` lines; the body follows), JSON files (one article or an
/// array) and JSONL files (one article per line); folders are searched for
/// such files. Fields: slug, title, standfirst, body, authors, section, tags,
/// lang, status, published, updated, sources, canonical_url, lead_image,
/// lead_image_alt, summary_mode, summary. Articles are keyed by slug:
/// importing a file again updates its articles in place. A bad file is
/// reported with its path and reason, and the others are still imported.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or folders to import.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
}

fn collect(path: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<(String, String)>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                errors.push((path.display().to_string(), format!("cannot read folder: {e}")));
                return;
            }
        };
        entries.sort();
        for p in entries {
            if p.is_dir() || Format::of(&p).is_some() {
                collect(&p, out, errors);
            }
        }
    } else {
        out.push(path.to_owned());
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    let mut report = Report::default();
    for p in &args.paths {
        collect(p, &mut files, &mut report.failed);
    }
    for (origin, reason) in &report.failed {
        eprintln!("error: {origin}: {reason}");
    }
    runtime()?.block_on(async move {
        let store = args.db.open().await?;
        let summarizer = Arc::new(summarize::Summarizer::new());
        let bar = ProgressBar::new(files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} files {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        for path in &files {
            let origin = path.display().to_string();
            bar.set_message(origin.clone());
            let mut on_error = |o: &str, r: &str| {
                // A hidden bar (no terminal) prints nothing: say it on stderr then.
                if bar.is_hidden() { eprintln!("error: {o}: {r}") } else { bar.println(format!("error: {o}: {r}")) }
            };
            match (Format::of(path), std::fs::read_to_string(path)) {
                (None, _) => {
                    let reason = "not an importable file (use .md, .markdown, .json, .jsonl or .ndjson)".to_owned();
                    on_error(&origin, &reason);
                    report.failed.push((origin, reason));
                }
                (_, Err(e)) => {
                    let reason = format!("cannot read: {e}");
                    on_error(&origin, &reason);
                    report.failed.push((origin, reason));
                }
                (Some(format), Ok(text)) => {
                    import_one(&store, &summarizer, &origin, format, &text, &mut report, &mut on_error).await;
                }
            }
            bar.inc(1);
        }
        bar.finish_and_clear();
        store.close().await;
        eprintln!("imported {} files: {report}", files.len());
        Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
    })
}
