//! `newsdesk import PATH...`: Markdown with front matter, JSON and JSONL.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use content::WrittenBy;
use content::import::{Format, Parsed};
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::mpsc;

use crate::site::{DbArgs, Report, articles, count, runtime};

/// Import articles from files and folders.
///
/// Reads Markdown files with front matter (TOML between `+++` lines or YAML
/// between `---` lines; the body follows), JSON files (one article or an
/// array) and JSONL files (one article per line); folders are searched for
/// such files. Fields: slug, title, standfirst, body, authors, section, tags,
/// lang, status, published, updated, sources, canonical_url, lead_image,
/// lead_image_alt, summary_mode, summary, summary_sentences, auto_paragraphs; published and updated are RFC 3339
/// times (2026-01-31T09:00:00Z) or dates (2026-01-31, midnight UTC). Articles
/// are keyed by slug: importing a file again updates its articles in place,
/// and a slug used twice in one import is refused the second time. A bad
/// file is reported with its path and reason, and the others are still
/// imported.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files, folders or http(s) URLs to import.
    #[arg(required = true, value_name = "PATH or URL")]
    pub paths: Vec<PathBuf>,
    /// The largest download accepted from a URL, in megabytes.
    #[arg(long, env = "NEWSDESK_IMPORT_MAX_DOWNLOAD", default_value_t = 100, value_name = "MB")]
    pub max_download: u64,
    /// How long a download may take, in seconds.
    #[arg(long, env = "NEWSDESK_IMPORT_TIMEOUT", default_value_t = 60, value_name = "SECONDS")]
    pub timeout: u64,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Where articles come from: a file, or a URL to download.
enum Source {
    File(PathBuf),
    Url(String),
}

/// The files to import under `path`: the path itself if it is a file, else
/// the importable files (by extension) under the folder, in name order.
/// Symbolic links are followed, but a link back to a folder it is in is
/// reported once as a loop, not walked again and again.
fn collect(path: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<(String, String)>) {
    match std::fs::metadata(path) {
        // A path that is not there: say so (not "not an importable file").
        Err(e) => errors.push((path.display().to_string(), format!("cannot read: {e}"))),
        Ok(m) if !m.is_dir() => out.push(path.to_owned()),
        Ok(_) => {
            for entry in walkdir::WalkDir::new(path).follow_links(true).sort_by_file_name() {
                match entry {
                    Ok(e) if e.file_type().is_file() && Format::of(e.path()).is_some() => {
                        out.push(e.into_path());
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let at = e.path().unwrap_or(path).display().to_string();
                        let reason = match e.loop_ancestor() {
                            Some(a) => format!("a link back to {}: skipped (it would loop)", a.display()),
                            None => format!(
                                "cannot read: {}",
                                e.io_error().map_or_else(|| e.to_string(), |io| io.to_string())
                            ),
                        };
                        errors.push((at, reason));
                    }
                }
            }
        }
    }
}

/// The most articles written in one transaction.
const BATCH: usize = 256;
/// The most bytes of articles (as read) gathered for one transaction.
const BATCH_BYTES: usize = 8 << 20;

/// What the reader (a thread of its own) hands on, in the order of the input.
enum Read {
    /// A file or download opened (counted in the report).
    Opened,
    /// A path or URL that could not be read, and why.
    Unread(String, String),
    /// A line to print as it comes (what an export held).
    Note(String),
    /// What an export held that did not come across.
    LeftOut(content::foreign::LeftOut),
    /// Articles read, or why each could not be; `done` bytes of the files read so far.
    Articles(Vec<Parsed>, u64),
}

/// An article of a batch as the writer reports it.
struct Slot {
    origin: String,
    ignored: Vec<String>,
    /// Why it was refused before it reached the write path.
    refused: Option<String>,
}

/// What the preparer hands on to the writer.
enum Ready {
    Read(Read),
    Batch { slots: Vec<Slot>, prepared: Result<content::Prepared, String>, done: u64, now: i64 },
}

/// The reading stage: articles gathered into batches, handed on in order.
struct Reader<'a> {
    out: &'a mpsc::Sender<Read>,
    slugs: content::import::Slugs,
    pending: Vec<Parsed>,
    pending_bytes: usize,
    /// Bytes of the files read so far.
    done: u64,
}

/// The writer stopped listening (it failed): reading stops too.
struct Gone;

impl Reader<'_> {
    /// Hands on the articles gathered so far, if any.
    fn flush(&mut self) -> Result<(), Gone> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.pending_bytes = 0;
        self.out.blocking_send(Read::Articles(std::mem::take(&mut self.pending), self.done)).map_err(|_| Gone)
    }

    /// Hands on `msg`, after the articles read before it.
    fn send(&mut self, msg: Read) -> Result<(), Gone> {
        self.flush()?;
        self.out.blocking_send(msg).map_err(|_| Gone)
    }

    /// Adds an article (or why it could not be read) to the batch.
    fn add(&mut self, mut parsed: Parsed) -> Result<(), Gone> {
        // A slug seen earlier in this import is refused, naming both places.
        self.slugs.check(&mut parsed);
        self.pending_bytes += parsed.result.as_ref().map_or(0, |a| a.body.len());
        self.pending.push(parsed);
        if self.pending.len() >= BATCH || self.pending_bytes >= BATCH_BYTES { self.flush() } else { Ok(()) }
    }

    /// A JSONL file, a line at a time.
    fn json_lines(&mut self, origin: &str, path: &Path) -> Result<(), Gone> {
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) => return self.send(Read::Unread(origin.to_owned(), format!("cannot read: {e}"))),
        };
        self.send(Read::Opened)?;
        let start = self.done;
        let mut lines = content::import::JsonLines::new(origin, std::io::BufReader::with_capacity(1 << 20, file));
        while let Some(parsed) = lines.next() {
            self.done = start + lines.bytes_read();
            match parsed {
                Ok(parsed) => self.add(parsed)?,
                Err(e) => {
                    let reason = format!("cannot read past byte {}: {e}", lines.bytes_read());
                    self.send(Read::Unread(origin.to_owned(), reason))?;
                }
            }
        }
        Ok(())
    }

    /// A file or download read whole: Markdown, JSON, an export or a feed.
    fn whole(&mut self, origin: &str, format: Option<Format>, text: &str) -> Result<(), Gone> {
        self.send(Read::Opened)?;
        let batch = content::import::read(origin, format, text);
        if let Some(engine) = batch.engine {
            let what = if batch.left_out.is_empty() {
                "nothing left out".to_owned()
            } else {
                format!("not imported: {}", batch.left_out)
            };
            let n = batch.articles.len();
            let entries = format!("{n} {}", if n == 1 { "entry" } else { "entries" });
            self.send(Read::Note(format!("note: {origin}: {}, {entries}; {what}", engine.name())))?;
            self.send(Read::LeftOut(batch.left_out))?;
        }
        batch.articles.into_iter().try_for_each(|parsed| self.add(parsed))
    }

    /// Every source in order.
    fn all(&mut self, sources: Vec<Source>, max_download: u64, timeout: std::time::Duration) -> Result<(), Gone> {
        for source in sources {
            match source {
                Source::File(path) => {
                    let origin = path.display().to_string();
                    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
                    let start = self.done;
                    match Format::of(&path) {
                        None => self.send(Read::Unread(origin, "not an importable file (use .md, .markdown, .json, .jsonl, .ndjson, or .xml, .rss, .atom for other engines' exports and feeds)".to_owned()))?,
                        Some(Format::JsonLines) => self.json_lines(&origin, &path)?,
                        Some(format) => match std::fs::read_to_string(&path) {
                            Err(e) => self.send(Read::Unread(origin, format!("cannot read: {e}")))?,
                            Ok(text) => {
                                self.done += size;
                                self.whole(&origin, Some(format), &text)?;
                            }
                        },
                    }
                    self.done = start + size;
                }
                Source::Url(url) => match crate::fetch::fetch(&url, max_download, timeout) {
                    Ok(text) => self.whole(&url, None, &text)?,
                    Err(e) => self.send(Read::Unread(url, format!("cannot import: {e}")))?,
                },
            }
        }
        self.flush()
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    let mut report = Report::default();
    let mut total_bytes = 0u64;
    for p in &args.paths {
        match p.to_str().filter(|s| crate::fetch::is_url(s)) {
            Some(url) => files.push(Source::Url(url.to_owned())),
            None => {
                let mut found = Vec::new();
                collect(p, &mut found, &mut report.failed);
                total_bytes += found.iter().map(|f| std::fs::metadata(f).map_or(0, |m| m.len())).sum::<u64>();
                files.extend(found.into_iter().map(Source::File));
            }
        }
    }
    let max_download = args.max_download.saturating_mul(1_000_000);
    let timeout = std::time::Duration::from_secs(args.timeout.max(1));
    report.unread = report.failed.len();
    for (origin, reason) in &report.failed {
        eprintln!("error: {origin}: {reason}");
    }
    runtime()?.block_on(async move {
        let store = args.db.open().await?;
        let summarizer = Arc::new(summarize::Summarizer::new());
        let articles = articles(&store, &summarizer);
        let bar = ProgressBar::new(total_bytes);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:30}] {bytes}/{total_bytes} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        // Three stages, each waiting on the next through a short queue:
        // reading (a thread), preparing (rendering and summarizing a batch
        // across the cores) and writing (a transaction a batch), so the
        // next batch is prepared while the last one is written.
        let (read_tx, mut read_rx) = mpsc::channel::<Read>(2);
        let reader = std::thread::spawn(move || {
            let mut reader =
                Reader { out: &read_tx, slugs: Default::default(), pending: Vec::new(), pending_bytes: 0, done: 0 };
            // Gone: the writer failed, and says why.
            let _ = reader.all(files, max_download, timeout);
        });
        let (ready_tx, mut ready_rx) = mpsc::channel::<Ready>(1);
        let preparer = {
            let articles = articles.clone();
            tokio::spawn(async move {
                while let Some(read) = read_rx.recv().await {
                    let ready = match read {
                        Read::Articles(parsed, done) => {
                            let mut slots = Vec::with_capacity(parsed.len());
                            let mut inputs = Vec::with_capacity(parsed.len());
                            for Parsed { origin, result, ignored } in parsed {
                                let refused = match result {
                                    Ok(input) => {
                                        inputs.push(input);
                                        None
                                    }
                                    Err(reason) => Some(reason),
                                };
                                slots.push(Slot { origin, ignored, refused });
                            }
                            let now = web::now();
                            let prepared = articles.prepare_batch(inputs, now).await.map_err(|e| e.to_string());
                            Ready::Batch { slots, prepared, done, now }
                        }
                        other => Ready::Read(other),
                    };
                    if ready_tx.send(ready).await.is_err() {
                        break;
                    }
                }
            })
        };
        let mut written = 0usize;
        let started = std::time::Instant::now();
        while let Some(ready) = ready_rx.recv().await {
            let mut on_error = |o: &str, r: &str| {
                // A hidden bar (no terminal) prints nothing: say it on stderr then.
                if bar.is_hidden() { eprintln!("error: {o}: {r}") } else { bar.println(format!("error: {o}: {r}")) }
            };
            match ready {
                Ready::Read(Read::Opened) => report.files += 1,
                Ready::Read(Read::Note(note)) => bar.suspend(|| eprintln!("{note}")),
                Ready::Read(Read::LeftOut(left_out)) => report.left_out.merge(&left_out),
                Ready::Read(Read::Unread(origin, reason)) => {
                    on_error(&origin, &reason);
                    report.failed.push((origin, reason));
                    report.unread += 1;
                }
                Ready::Read(Read::Articles(..)) => {}
                Ready::Batch { slots, prepared, done, now } => {
                    let mut outcomes = match prepared {
                        Ok(prepared) => articles
                            .write_batch(prepared, &WrittenBy::import(), now)
                            .await
                            .into_iter()
                            .map(|r| r.map_err(|e| e.to_string()))
                            .collect(),
                        Err(reason) => vec![Err(reason); slots.iter().filter(|s| s.refused.is_none()).count()],
                    }
                    .into_iter();
                    for Slot { origin, ignored, refused } in slots {
                        let outcome = match refused {
                            Some(reason) => Err(reason),
                            None => {
                                for field in &ignored {
                                    let warning = format!("warning: {origin}: unknown field {field:?} ignored");
                                    bar.suspend(|| eprintln!("{warning}"));
                                }
                                outcomes.next().unwrap_or_else(|| Err("internal error: no outcome".to_owned()))
                            }
                        };
                        count(&mut report, origin, outcome, &mut on_error);
                    }
                    written = report.created + report.updated + report.unchanged;
                    bar.set_position(done);
                    let rate = written as f64 / started.elapsed().as_secs_f64().max(0.001);
                    bar.set_message(format!("{written} articles ({rate:.0}/s)"));
                }
            }
        }
        let _ = preparer.await;
        let _ = reader.join();
        bar.finish_and_clear();
        let imported_in = started.elapsed().as_secs_f64();
        tracing::info!(articles = written, seconds = imported_in, "articles written");
        // Each article's related list was queued with it: made now, from
        // read snapshots, on two connections at once.
        let queued = store.queued_related_lists().await?;
        let lists = ProgressBar::new(queued);
        lists.set_style(
            ProgressStyle::with_template("{spinner} related lists [{bar:30}] {pos}/{len} ({per_sec})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        let listed_at = std::time::Instant::now();
        let listed = articles.make_queued_related(|n| lists.set_position(n as u64)).await?;
        lists.finish_and_clear();
        let listed_in = listed_at.elapsed().as_secs_f64();
        tracing::info!(lists = listed, seconds = listed_in, "related lists made");
        store.close().await;
        eprintln!("{report}");
        if listed > 0 {
            eprintln!(
                "{written} articles written in {imported_in:.1} s; {listed} related lists made in {listed_in:.1} s"
            );
        }
        Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path that does not exist is reported as such, whatever its name.
    #[test]
    fn missing_paths_are_reported_as_missing() {
        let dir = std::env::temp_dir().join(format!("newsdesk-import-collect-{}", std::process::id()));
        let (mut files, mut errors) = (Vec::new(), Vec::new());
        collect(&dir.join("nope"), &mut files, &mut errors);
        collect(&dir.join("nope.md"), &mut files, &mut errors);
        assert!(files.is_empty());
        assert_eq!(errors.len(), 2);
        for (origin, reason) in &errors {
            assert!(origin.contains("nope"), "{origin}");
            assert!(reason.starts_with("cannot read: ") && !reason.contains("importable"), "{reason}");
        }
        let not_found = std::fs::metadata(dir.join("nope")).unwrap_err();
        assert_eq!(not_found.kind(), std::io::ErrorKind::NotFound);
        assert_eq!(errors[0].1, format!("cannot read: {not_found}"));
    }

    /// A folder's importable files are found under it in name order, once
    /// each: a symbolic link back up the tree is reported, not walked again
    /// and again.
    #[cfg(unix)]
    #[test]
    fn folders_are_walked_once_in_name_order() {
        let dir = std::env::temp_dir().join(format!("newsdesk-import-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        for f in ["b.md", "a.json", "notes.txt", "sub/c.jsonl"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        std::os::unix::fs::symlink(&dir, dir.join("sub").join("up")).unwrap();
        let (mut files, mut errors) = (Vec::new(), Vec::new());
        collect(&dir, &mut files, &mut errors);
        let names: Vec<String> = files.iter().map(|p| p.strip_prefix(&dir).unwrap().display().to_string()).collect();
        assert_eq!(names, ["a.json", "b.md", "sub/c.jsonl"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].0.ends_with("up") && errors[0].1.contains("loop"), "{errors:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The same slug in two files of one import: the first is kept, the
    /// second refused (the exit status says so), and the others imported.
    #[test]
    fn a_slug_twice_in_one_import_keeps_the_first() {
        let dir = std::env::temp_dir().join(format!("newsdesk-import-dup-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let md = "+++\nslug = \"dup\"\ntitle = \"First\"\nsection = \"World\"\n+++\nThe first one. It stays.\n";
        std::fs::write(dir.join("a.md"), md).unwrap();
        let json = r#"[{"slug":"other","title":"Other","section":"World","body":"Fine. Imported."},
                      {"slug":"dup","title":"Second","section":"World","body":"The second one. Refused."}]"#;
        std::fs::write(dir.join("b.json"), json).unwrap();
        let db = dir.join("site.db");
        let args = Args {
            paths: vec![dir.clone()],
            max_download: 1,
            timeout: 5,
            db: DbArgs { db: Some(db.display().to_string()), ..DbArgs::default() },
        };
        let code = run(args).unwrap();
        assert_eq!(format!("{code:?}"), format!("{:?}", ExitCode::FAILURE));
        let titles = runtime().unwrap().block_on(async {
            let store = DbArgs { db: Some(db.display().to_string()), ..DbArgs::default() }.open().await.unwrap();
            let mut titles = Vec::new();
            for slug in ["dup", "other"] {
                let a = store.article(slug, store::Visibility::All).await.unwrap();
                titles.push(a.map(|a| a.title.clone()));
            }
            store.close().await;
            titles
        });
        assert_eq!(titles, [Some("First".to_owned()), Some("Other".to_owned())]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
