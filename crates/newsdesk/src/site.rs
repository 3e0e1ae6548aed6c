//! What the site commands share: where the database is, opening it, and
//! importing articles with a report of what happened.

use std::sync::Arc;

use anyhow::Context as _;
use content::import::{Format, Parsed};
use content::{Articles, NoChanges, Outcome, Written};
use store::Store;
use summarize::Summarizer;

/// Where the database is.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct DbArgs {
    /// The database: a SQLite file (a path or sqlite://PATH, created on first
    /// run) or a PostgreSQL server (postgres://USER:PASSWORD@HOST:PORT/DATABASE,
    /// with ?sslmode=require or verify-full for TLS, sslrootcert=FILE for a CA
    /// of your own). Migrations run on start. Falls back to DATABASE_URL, then
    /// to ./newsdesk.db.
    #[arg(long, env = "NEWSDESK_DB", value_name = "PATH or URL", global = true)]
    pub db: Option<String>,
    /// The most database connections to keep open (default: 8 for SQLite, 10
    /// for PostgreSQL; keep instances × pool under the server's max_connections).
    #[arg(long, env = "NEWSDESK_DB_POOL", value_name = "N", global = true,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub db_pool: Option<u32>,
}

impl DbArgs {
    /// The database location to use.
    pub fn location(&self) -> String {
        self.db
            .clone()
            .or_else(|| std::env::var("DATABASE_URL").ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| "newsdesk.db".to_owned())
    }

    /// The location as it may be shown: its password masked.
    pub fn shown(&self) -> String {
        store::redact(&self.location())
    }

    /// Opens the database, creating and migrating it as needed.
    pub async fn open(&self) -> anyhow::Result<Arc<dyn Store>> {
        let location = self.location();
        let options = store::Options::default().max_connections(self.db_pool);
        let store = store::open_with(&location, &options)
            .await
            .with_context(|| format!("opening the database {}", store::redact(&location)))?;
        tracing::debug!(location = %self.shown(), backend = store.kind().name(), "database open");
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
pub fn articles(store: &Arc<dyn Store>, summarizer: &Arc<Summarizer>) -> Articles {
    Articles::new(store.clone(), summarizer.clone(), Arc::new(NoChanges))
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
pub async fn import_demo(store: &Arc<dyn Store>, summarizer: &Arc<Summarizer>) -> Report {
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
