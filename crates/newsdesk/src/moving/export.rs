//! `newsdesk export`: every article, drafts, submitted and scheduled ones
//! included, in the format `newsdesk import` reads (one JSON object per
//! article, the fields of `content::ArticleInput`), streamed in batches.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use store::Store;

use super::{BATCH, progress};
use crate::site::{DbArgs, runtime};

/// Export every article in the import format.
///
/// Writes every article, drafts, submitted and scheduled ones included,
/// with all the fields `newsdesk import` reads: slug, title, standfirst,
/// body (Markdown as written), authors, section, tags, lang, status,
/// published and updated times, sources, canonical_url, lead_image (the
/// picture's address, such as /media/HASH.jpg: the picture itself is not in
/// the export; `newsdesk migrate` and `newsdesk backup` copy pictures),
/// lead_image_alt, summary_mode, summary (the editors' own), summary_sentences
/// (the picked sentences) and auto_paragraphs. `newsdesk import` reads it
/// back into the same articles. Without --out, JSONL goes to standard
/// output; with a FILE.jsonl, to that file (written whole, then renamed into
/// place); with a folder (new or empty), one SLUG.json per article.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to write: a .jsonl (or .ndjson) file, or a folder for one
    /// SLUG.json per article; standard output when absent.
    #[arg(long, short, value_name = "FILE.jsonl or DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Where the articles go.
enum Sink {
    /// JSONL to standard output.
    Stdout(BufWriter<std::io::Stdout>),
    /// JSONL to a file, written under a temporary name then renamed.
    File { out: BufWriter<std::fs::File>, partial: PathBuf, path: PathBuf },
    /// A file per article in a folder.
    Folder(PathBuf),
}

impl Sink {
    fn open(out: Option<&Path>) -> anyhow::Result<Sink> {
        let Some(path) = out else { return Ok(Sink::Stdout(BufWriter::new(std::io::stdout()))) };
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        if path.is_dir() || ext.is_none() {
            if path.is_dir() {
                let mut entries = std::fs::read_dir(path).with_context(|| format!("reading {}", path.display()))?;
                if entries.next().is_some() {
                    bail!("{} is not empty: export into a new or empty folder", path.display());
                }
            } else {
                std::fs::create_dir_all(path).with_context(|| format!("creating the folder {}", path.display()))?;
            }
            return Ok(Sink::Folder(path.to_owned()));
        }
        if !matches!(ext.as_deref(), Some("jsonl" | "ndjson")) {
            bail!("{}: give a .jsonl (or .ndjson) file, or a folder", path.display());
        }
        let partial = path.with_extension(format!("{}.partial", ext.unwrap_or_default()));
        let file = std::fs::File::create(&partial).with_context(|| format!("creating {}", partial.display()))?;
        Ok(Sink::File { out: BufWriter::new(file), partial, path: path.to_owned() })
    }

    fn write(&mut self, slug: &str, json: &str) -> anyhow::Result<()> {
        match self {
            Sink::Stdout(out) => writeln!(out, "{json}").context("writing to standard output"),
            Sink::File { out, partial, .. } => {
                writeln!(out, "{json}").with_context(|| format!("writing {}", partial.display()))
            }
            Sink::Folder(dir) => {
                let path = dir.join(format!("{slug}.json"));
                std::fs::write(&path, format!("{json}\n")).with_context(|| format!("writing {}", path.display()))
            }
        }
    }

    fn finish(self) -> anyhow::Result<()> {
        match self {
            Sink::Stdout(mut out) => out.flush().context("writing to standard output"),
            Sink::File { out, partial, path } => {
                let file = out.into_inner().map_err(|e| e.into_error()).context("writing the export")?;
                file.sync_all().context("writing the export")?;
                std::fs::rename(&partial, &path).with_context(|| format!("renaming into {}", path.display()))
            }
            Sink::Folder(_) => Ok(()),
        }
    }
}

/// One article as a line of the export: the input that writes it back.
pub fn line(article: &store::Article) -> anyhow::Result<String> {
    serde_json::to_string(&content::input_of(article)).context("serializing an article")
}

/// Writes every article of `store` to `sink`, by id, a batch at a time; how many.
async fn export(store: &dyn Store, sink: &mut Sink) -> anyhow::Result<u64> {
    let bar = progress(store.count_articles().await?, "articles");
    let (mut after, mut written) = (0, 0);
    loop {
        let batch = store.articles_after(after, BATCH).await.context("reading articles")?;
        let Some(last) = batch.last() else { break };
        after = last.article.id;
        for stored in &batch {
            sink.write(&stored.article.slug, &line(&stored.article)?)?;
            written += 1;
        }
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();
    Ok(written)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut sink = Sink::open(args.out.as_deref())?;
    let written = runtime()?.block_on(async {
        let store = args.db.open_existing().await?;
        let written = export(&*store, &mut sink).await;
        store.close().await;
        written
    });
    let written = match written {
        Ok(n) => n,
        // The reader of standard output stopped reading (`| head`): done.
        Err(e) if matches!(sink, Sink::Stdout(_)) && crate::broken_pipe(&e) => return Ok(ExitCode::SUCCESS),
        Err(e) => {
            if let Sink::File { partial, .. } = &sink {
                let _ = std::fs::remove_file(partial);
            }
            return Err(e);
        }
    };
    match sink.finish() {
        Err(e) if crate::broken_pipe(&e) => return Ok(ExitCode::SUCCESS),
        done => done?,
    }
    let to = args.out.as_ref().map_or_else(|| "standard output".to_owned(), |p| p.display().to_string());
    eprintln!("{written} {} exported to {to}", if written == 1 { "article" } else { "articles" });
    Ok(ExitCode::SUCCESS)
}
