//! What the site commands share: where the database is, opening it, and
//! importing articles with a report of what happened.

use std::sync::Arc;

use anyhow::Context as _;
use content::import::{Format, Parsed};
use content::{Articles, NoChanges, Outcome, Written};
use store::SqliteStore;
use summarize::Summarizer;

/// Where the database is.
#[derive(clap::Args, Debug, Clone)]
pub struct DbArgs {
    /// The SQLite database: a path or sqlite://path (created on first run).
    /// Falls back to DATABASE_URL, then to ./newsdesk.db.
    #[arg(long, env = "NEWSDESK_DB", value_name = "PATH or URL", global = true)]
    pub db: Option<String>,
}

impl DbArgs {
    /// The database location to use.
    pub fn location(&self) -> String {
        self.db
            .clone()
            .or_else(|| std::env::var("DATABASE_URL").ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| "newsdesk.db".to_owned())
    }

    /// Opens the database, creating and migrating it as needed.
    pub async fn open(&self) -> anyhow::Result<SqliteStore> {
        let location = self.location();
        let store = SqliteStore::open(&location).await.with_context(|| format!("opening the database {location}"))?;
        tracing::debug!(%location, "database open");
        Ok(store)
    }
}

/// A multi-threaded runtime for a command.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the async runtime")
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Report {
    /// Files read (whatever became of their articles).
    pub files: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// (origin, reason) of every article that was refused, and of every
    /// path that could not be read.
    pub failed: Vec<(String, String)>,
    /// How many of `failed` are paths that could not be read, not articles.
    pub unread: usize,
    /// What other engines' exports held that did not come across.
    pub left_out: content::foreign::LeftOut,
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl std::fmt::Display for Report {
    /// "2 files read, 5 articles: 3 created, 0 updated, 0 unchanged, 2 failed",
    /// then "; 1 path could not be read" when one could not, and a line of
    /// what other engines' exports held that did not come across.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let failed = self.failed.len().saturating_sub(self.unread);
        let articles = self.created + self.updated + self.unchanged + failed;
        write!(
            f,
            "{} read, {}: {} created, {} updated, {} unchanged, {} failed",
            count(self.files, "file", "files"),
            count(articles, "article", "articles"),
            self.created,
            self.updated,
            self.unchanged,
            failed
        )?;
        if self.unread > 0 {
            write!(f, "; {} could not be read", count(self.unread, "path", "paths"))?;
        }
        if !self.left_out.is_empty() {
            write!(f, "\nnot imported from other engines' exports: {}", self.left_out)?;
        }
        Ok(())
    }
}

/// The write path of a command (no page cache in this process to tell).
pub fn articles(store: &SqliteStore, summarizer: &Arc<Summarizer>) -> Articles {
    Articles::new(Arc::new(store.clone()), summarizer.clone(), Arc::new(NoChanges))
}

/// Saves one article read from a file, written whole or not at all, and
/// counts the outcome in `report`; a refused article goes to `on_error` too.
pub async fn save(articles: &Articles, parsed: Parsed, report: &mut Report, on_error: &mut dyn FnMut(&str, &str)) {
    let Parsed { origin, result, .. } = parsed;
    let input = match result {
        Ok(input) => input,
        Err(reason) => {
            on_error(&origin, &reason);
            report.failed.push((origin, reason));
            return;
        }
    };
    match articles.upsert(input, "import", web::now()).await {
        Ok(Written { outcome: Outcome::Created, .. }) => report.created += 1,
        Ok(Written { outcome: Outcome::Updated, .. }) => report.updated += 1,
        Ok(Written { outcome: Outcome::Unchanged, .. }) => report.unchanged += 1,
        Err(e) => {
            let reason = e.to_string();
            on_error(&origin, &reason);
            report.failed.push((origin, reason));
        }
    }
}

/// Imports the bundled demo articles.
pub async fn import_demo(store: &SqliteStore, summarizer: &Arc<Summarizer>) -> Report {
    let articles = articles(store, summarizer);
    let mut report = Report::default();
    for (name, text) in demo::files() {
        let origin = format!("demo/articles/{name}");
        report.files += 1;
        for parsed in content::import::parse(&origin, Format::Markdown, text) {
            save(&articles, parsed, &mut report, &mut |o, r| {
                tracing::warn!(origin = o, reason = r, "demo article refused");
            })
            .await;
        }
    }
    report
}
