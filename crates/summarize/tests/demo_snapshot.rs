//! The demo articles' summaries, key phrases and paragraph breaks, against a
//! snapshot that records the `summarize::VERSION` that made them: the test
//! fails when those of an article in both change and the version does not
//! (stored summaries are recomputed only when the version changes), when the
//! version changes without a new snapshot, and when demo articles come or go
//! (then write a new snapshot: that is allowed without a new version).
//!
//! After a deliberate change: bump `VERSION` in `src/lib.rs`, then write the
//! new snapshot with `BLESS=1 cargo test -p summarize --test demo_snapshot`
//! (it refuses while the version is unchanged) and review its diff.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use summarize::{Length, Options, Summarizer};

const SNAPSHOT: &str = "tests/snapshots/demo-articles.txt";

/// The title and body of a demo article (TOML front matter, then Markdown).
fn title_and_body(text: &str) -> (String, &str) {
    let rest = text.strip_prefix("+++").unwrap_or(text);
    let (front, body) = rest.split_once("\n+++").unwrap_or(("", rest));
    let title = front
        .lines()
        .find_map(|l| l.strip_prefix("title = "))
        .map(|t| t.trim().trim_matches('"').to_string())
        .unwrap_or_default();
    (title, body.trim_start_matches('\n'))
}

/// The snapshot's text of each article, by file name.
fn by_article(text: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut name = String::new();
    for line in text.lines() {
        if let Some(head) = line.strip_prefix("## ") {
            name = head.split(", ").next().unwrap_or_default().to_string();
        }
        let entry = out.entry(name.clone()).or_default();
        entry.push_str(line);
        entry.push('\n');
    }
    out
}

/// What the summarizer makes of every demo article, as text.
fn current() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/articles");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("demo/articles")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "demo articles in {}", dir.display());
    let summarizer = Summarizer::new();
    let mut out = String::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let (title, body) = title_and_body(&text);
        for n in [3, 5] {
            let options = Options { length: Length::Sentences(n), title: Some(&title), lang: None, keywords: 8 };
            let summary = summarizer.summarize(body, &options);
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let indexes: Vec<String> = summary.sentences.iter().map(|s| s.index.to_string()).collect();
            let _ = writeln!(out, "## {name}, {n} sentences: {}", indexes.join(" "));
            for s in &summary.sentences {
                let _ = writeln!(out, "{}", s.text);
            }
            if n == 3 {
                let _ = writeln!(out, "key phrases: {}", summary.keywords.join(", "));
                let flat = body.replace("\n\n", " ");
                let breaks: Vec<String> =
                    summarizer.paragraph_breaks(&flat, None).iter().map(ToString::to_string).collect();
                let _ = writeln!(out, "paragraph breaks of the body as one paragraph: {}", breaks.join(" "));
            }
        }
    }
    out
}

#[test]
fn demo_summaries_change_only_with_the_version() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SNAPSHOT);
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    let (stored_version, stored_body) = stored.split_once('\n').unwrap_or(("", ""));
    let stored_version = stored_version.strip_prefix("version: ").unwrap_or("");
    let body = current();
    let (now, before) = (by_article(&body), by_article(stored_body));
    // Articles in both whose summaries changed.
    let changed: Vec<&String> =
        now.iter().filter(|(k, v)| before.get(*k).is_some_and(|b| b != *v)).map(|(k, _)| k).collect();
    let same_version = stored_version == summarize::VERSION;
    assert!(
        changed.is_empty() || !same_version,
        "the summaries of {changed:?} changed but summarize::VERSION ({}) did not: bump it, then \
         BLESS=1 cargo test -p summarize --test demo_snapshot",
        summarize::VERSION
    );
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, format!("version: {}\n{body}", summarize::VERSION)).expect("write snapshot");
        return;
    }
    assert!(
        same_version,
        "summarize::VERSION changed: write the new snapshot with BLESS=1 cargo test -p summarize --test demo_snapshot"
    );
    assert!(
        body == stored_body,
        "demo articles came or went: write the new snapshot with BLESS=1 cargo test -p summarize --test demo_snapshot"
    );
}
