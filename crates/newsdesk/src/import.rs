//! `newsdesk import PATH...`: Markdown with front matter, JSON and JSONL.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use content::WrittenBy;
use content::import::Format;
use indicatif::{ProgressBar, ProgressStyle};

use crate::site::{DbArgs, Report, articles, runtime, save};

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

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    let mut report = Report::default();
    for p in &args.paths {
        match p.to_str().filter(|s| crate::fetch::is_url(s)) {
            Some(url) => files.push(Source::Url(url.to_owned())),
            None => {
                let mut found = Vec::new();
                collect(p, &mut found, &mut report.failed);
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
        let bar = ProgressBar::new(files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} files {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        let mut slugs = content::import::Slugs::default();
        for source in files {
            let (origin, format, text) = match source {
                Source::File(path) => {
                    let origin = path.display().to_string();
                    match (Format::of(&path), std::fs::read_to_string(&path)) {
                        (None, _) => (origin, None, Err("not an importable file (use .md, .markdown, .json, .jsonl, .ndjson, or .xml, .rss, .atom for other engines' exports and feeds)".to_owned())),
                        (_, Err(e)) => (origin, None, Err(format!("cannot read: {e}"))),
                        (Some(format), Ok(text)) => (origin, Some(format), Ok(text)),
                    }
                }
                Source::Url(url) => {
                    bar.set_message(url.clone());
                    let fetched = {
                        let url = url.clone();
                        tokio::task::spawn_blocking(move || crate::fetch::fetch(&url, max_download, timeout)).await
                    };
                    let text = fetched.unwrap_or_else(|e| Err(format!("internal error: {e}"))).map_err(|e| format!("cannot import: {e}"));
                    (url, None, text)
                }
            };
            bar.set_message(origin.clone());
            let mut on_error = |o: &str, r: &str| {
                // A hidden bar (no terminal) prints nothing: say it on stderr then.
                if bar.is_hidden() { eprintln!("error: {o}: {r}") } else { bar.println(format!("error: {o}: {r}")) }
            };
            match text {
                Err(reason) => {
                    on_error(&origin, &reason);
                    report.failed.push((origin, reason));
                    report.unread += 1;
                }
                Ok(text) => {
                    report.files += 1;
                    let batch = content::import::read(&origin, format, &text);
                    if let Some(engine) = batch.engine {
                        let what = if batch.left_out.is_empty() {
                            "nothing left out".to_owned()
                        } else {
                            format!("not imported: {}", batch.left_out)
                        };
                        let n = batch.articles.len();
                        let entries = format!("{n} {}", if n == 1 { "entry" } else { "entries" });
                        bar.suspend(|| eprintln!("note: {origin}: {}, {entries}; {what}", engine.name()));
                        report.left_out.merge(&batch.left_out);
                    }
                    for mut parsed in batch.articles {
                        // A slug seen earlier in this import is refused, naming both places.
                        slugs.check(&mut parsed);
                        if parsed.result.is_ok() {
                            for field in &parsed.ignored {
                                let warning = format!("warning: {}: unknown field {field:?} ignored", parsed.origin);
                                bar.suspend(|| eprintln!("{warning}"));
                            }
                        }
                        save(&articles, parsed, &WrittenBy::import(), &mut report, &mut on_error).await;
                    }
                }
            }
            bar.inc(1);
        }
        bar.finish_and_clear();
        store.close().await;
        eprintln!("{report}");
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
