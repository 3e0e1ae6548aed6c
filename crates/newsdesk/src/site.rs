//! What the site commands share: where the database is, opening it, and
//! importing articles with a report of what happened.

use std::sync::Arc;

use anyhow::Context as _;
use content::import::{Format, Parsed};
use content::{Articles, NoChanges, Outcome, WrittenBy};
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
    /// The most database connections to keep open (default: 8 for SQLite,
    /// for reads, besides its one writer connection; 10 for PostgreSQL; keep
    /// instances × pool under the server's max_connections).
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

    /// Opens a database that must exist already: for commands that read a
    /// site (a backup, an export, the token list), a mistyped SQLite path
    /// is an error, not a new empty database.
    pub async fn open_existing(&self) -> anyhow::Result<Arc<dyn Store>> {
        if let Some(file) = store::sqlite_file(&self.location()).filter(|f| !f.exists()) {
            anyhow::bail!(
                "there is no database at {} (check --db or NEWSDESK_DB; `newsdesk serve` or `newsdesk import` \
                 makes a new one)",
                file.display()
            );
        }
        self.open().await
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

fn counted(n: usize, one: &str, many: &str) -> String {
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
            counted(self.files, "file", "files"),
            counted(articles, "article", "articles"),
            self.created,
            self.updated,
            self.unchanged,
            failed
        )?;
        if self.unread > 0 {
            write!(f, "; {} could not be read", counted(self.unread, "path", "paths"))?;
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

/// Saves one article read from a file, written whole or not at all, by `by`
/// (its revision names them), and counts the outcome in `report`; a refused
/// article goes to `on_error` too.
pub async fn save(
    articles: &Articles,
    parsed: Parsed,
    by: &WrittenBy,
    report: &mut Report,
    on_error: &mut dyn FnMut(&str, &str),
) {
    let Parsed { origin, result, .. } = parsed;
    let input = match result {
        Ok(input) => input,
        Err(reason) => {
            on_error(&origin, &reason);
            report.failed.push((origin, reason));
            return;
        }
    };
    let outcome = articles.upsert(input, by, web::now()).await.map(|w| w.outcome).map_err(|e| e.to_string());
    count(report, origin, outcome, on_error);
}

/// Counts what became of the article from `origin` in `report`; a refused
/// one goes to `on_error` too.
pub fn count(
    report: &mut Report,
    origin: String,
    outcome: Result<Outcome, String>,
    on_error: &mut dyn FnMut(&str, &str),
) {
    match outcome {
        Ok(Outcome::Created) => report.created += 1,
        Ok(Outcome::Updated) => report.updated += 1,
        Ok(Outcome::Unchanged) => report.unchanged += 1,
        Err(reason) => {
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
            save(&articles, parsed, &WrittenBy::demo(), &mut report, &mut |o, r| {
                tracing::warn!(origin = o, reason = r, "demo article refused");
            })
            .await;
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use content::search::{parse_query, query_langs};
    use store::testing::{SqliteIn, TestDatabase};
    use store::{SearchQuery, Visibility};

    use super::*;

    /// The queries of the comparison: every word of every demo article's
    /// title and standfirst alone, each title as a phrase in quotes, each
    /// pair of title words, and each title word without the article's
    /// section name. Made from the demo itself, not picked by hand.
    fn demo_queries() -> Vec<String> {
        let mut queries = BTreeSet::new();
        for (_, text) in demo::files() {
            let mut title = "";
            let mut standfirst = "";
            let mut section = "";
            // The TOML front matter's `key = "value"` lines.
            for line in text.lines() {
                let Some((key, value)) = line.split_once('=') else { continue };
                let value = value.trim().trim_matches('"');
                match key.trim() {
                    "title" => title = value,
                    "standfirst" => standfirst = value,
                    "section" => section = value,
                    _ => {}
                }
            }
            let words = |s: &str| -> Vec<String> {
                s.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() > 2).map(str::to_owned).collect()
            };
            let title_words = words(title);
            for w in title_words.iter().chain(words(standfirst).iter()) {
                queries.insert(w.clone());
                if !section.is_empty() {
                    queries.insert(format!("{w} -{section}"));
                }
            }
            queries.insert(format!("\"{title}\""));
            for pair in title_words.windows(2) {
                queries.insert(format!("{} {}", pair[0], pair[1]));
            }
        }
        queries.into_iter().collect()
    }

    /// Search finds the same demo articles on SQLite and on PostgreSQL, for
    /// readers and for editors, over queries made from the demo's titles and
    /// standfirsts (issue #13: search works on both backends with the same
    /// results). Ranks are computed differently (SQLite's BM25, PostgreSQL's
    /// ts_rank with the same field weights and recency factor): the test
    /// compares what is found and reports how often the order agrees too.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn search_on_the_demo_finds_the_same_articles_on_both_backends() {
        let Some(pg) = TestDatabase::postgres("demo_search").await else { return };
        let lite = TestDatabase::sqlite("demo_search", SqliteIn::Memory);
        let summarizer = Arc::new(Summarizer::new());
        let stores = [lite.open().await, pg.open().await];
        for s in &stores {
            let report = import_demo(s, &summarizer).await;
            assert!(report.failed.is_empty() && report.created > 0, "{report}");
        }
        let langs = query_langs(&stores[0].search_languages().await.unwrap());
        assert_eq!(stores[1].search_languages().await.unwrap(), stores[0].search_languages().await.unwrap());
        let queries = demo_queries();
        let (mut compared, mut found_something, mut several, mut same_first, mut same_order) = (0, 0, 0, 0, 0);
        for text in &queries {
            let Ok(parsed) = parse_query(&summarizer, text, &langs) else { continue };
            for visibility in [Visibility::PublicAt(web::now()), Visibility::All] {
                let query = SearchQuery {
                    readings: parsed.readings.clone(),
                    exclude: parsed.exclude.clone(),
                    visibility,
                    section: None,
                    tag: None,
                    page: 1,
                    per_page: 100,
                };
                let mut found = Vec::new();
                for s in &stores {
                    let page = s.search(&query).await.unwrap();
                    assert_eq!(page.total, page.items.len() as u64, "{text}");
                    found.push(page.items.into_iter().map(|h| h.card.slug).collect::<Vec<_>>());
                }
                let sets: Vec<BTreeSet<&String>> = found.iter().map(|f| f.iter().collect()).collect();
                assert_eq!(sets[0], sets[1], "{text:?} for {visibility:?}: SQLite, then PostgreSQL");
                compared += 1;
                found_something += usize::from(!found[0].is_empty());
                if found[0].len() > 1 {
                    several += 1;
                    same_first += usize::from(found[0][0] == found[1][0]);
                    same_order += usize::from(found[0] == found[1]);
                }
            }
        }
        assert!(compared > 100 && found_something > compared / 2, "{compared} compared, {found_something} found");
        eprintln!(
            "demo search: {} queries made, {compared} searches compared (readers and editors), \
             {found_something} finding something: the same articles on both backends for all; of the \
             {several} finding several, the same first for {same_first}, the same order for {same_order}",
            queries.len()
        );
        for s in &stores {
            s.close().await;
        }
    }
}
