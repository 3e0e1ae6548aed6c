//! The embedded SQLite store: one file, migrations run on open. Each part
//! of the [`Store`](crate::Store) is a module: [`articles`] (with
//! [`listing`]), [`tokens`], [`search`], [`related`] (key phrases and related
//! articles), [`users`], [`sessions`] (with failed sign-ins), [`desk`] (the
//! newsroom's part of articles), [`media`] (pictures), [`revisions`]; every SQL
//! statement is in [`sql`].

mod articles;
mod combined;
mod desk;
mod direct;
mod instances;
mod listing;
mod media;
mod related;
mod revisions;
mod search;
mod sessions;
mod sql;
mod tokens;
mod transfer;
mod users;
mod writer;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use crate::{Backend, Db, Kind, Options, Result, SQLITE_POOL, StoreError, db_error};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The SQLite implementation of [`Store`](crate::Store).
///
/// Two pools on one file: `pool` for reads (several connections: in WAL
/// mode readers never wait for the writer) and `writer`'s pool, one
/// connection, whose use is every write's turn. SQLite lets one writer at a
/// time hold the lock; with the writers in a pool of one, they queue in the
/// pool (first come, first served, each woken the moment the one before
/// commits) instead of each holding a connection while SQLite's busy
/// handler sleeps and retries (sleeps of up to 100 ms, and a full pool that
/// readers wait for). The busy timeout still covers another process writing
/// the same file (an import into a live site). A database in memory is one
/// connection, both pools.
///
/// The article writes run, in their turn, on the writer's own rusqlite
/// connection (`sqlite/direct.rs`), on a thread of their own
/// (`sqlite/writer.rs`), not on the caller's runtime; the few other writes
/// (sessions, tokens, users, media) run on the writer pool's connection.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// The writer pool of one and the writer's own connection.
    writer: direct::Writes,
    writes: Arc<writer::WriterThread>,
    /// Single article writes waiting to be written together (`combined.rs`).
    combiner: Arc<combined::Combiner>,
}

impl SqliteStore {
    /// Opens (creating when missing) the database at `location`: a path,
    /// `sqlite://path`, `sqlite:path` or `:memory:`; runs the migrations.
    pub async fn open(location: &str) -> Result<SqliteStore> {
        SqliteStore::open_with(location, &Options::default()).await
    }

    /// [`SqliteStore::open`] with options: the readers' pool size, besides
    /// the one writer connection (a database in memory lives in one
    /// connection, whatever they say).
    pub async fn open_with(location: &str, opts: &Options) -> Result<SqliteStore> {
        if Kind::of(location)? != Kind::Sqlite {
            return Err(StoreError::Unsupported(format!("{}: not a SQLite database", crate::redact(location))));
        }
        let invalid = |e: sqlx::Error| StoreError::CannotOpen(format!("{location}: {e}"));
        let options = if location == ":memory:" || location == "sqlite::memory:" {
            SqliteConnectOptions::from_str("sqlite::memory:").map_err(invalid)?
        } else if location.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(location).map_err(invalid)?.create_if_missing(true)
        } else {
            SqliteConnectOptions::new().filename(location).create_if_missing(true)
        };
        let memory = location.contains(":memory:");
        if !memory {
            check_file_location(location)?;
        }
        let settings = settings();
        let options = settings
            .iter()
            .fold(options, |options, (pragma, value)| options.pragma(*pragma, value.clone()))
            .journal_mode(if memory { SqliteJournalMode::Memory } else { SqliteJournalMode::Wal })
            .busy_timeout(BUSY_TIMEOUT);
        let cannot_open = |e: sqlx::Error| match &e {
            // SQLite's own words, once (not again as each error's source).
            sqlx::Error::Database(db) => StoreError::CannotOpen(db.message().to_owned()),
            _ => db_error(e),
        };
        let pool = |max: u32| {
            SqlitePoolOptions::new()
                .max_connections(max)
                .min_connections(if memory { 1 } else { 0 })
                .idle_timeout(if memory { None } else { Some(Duration::from_secs(600)) })
                .max_lifetime(if memory { None } else { Some(Duration::from_secs(3600)) })
        };
        // The writer first: it creates the file and runs the migrations.
        let writer = pool(1).connect_with(options.clone()).await.map_err(cannot_open)?;
        MIGRATOR.run(&writer).await.map_err(|e| StoreError::Migrate(e.to_string()))?;
        // An in-memory database lives in one connection.
        let pool = if memory {
            writer.clone()
        } else {
            // Each reader keeps a small page cache of its own: the
            // operating system caches the file for all of them, and eight
            // caches of SQLite's default 2 MiB, filled by reads across a
            // large archive, were 16 MB of the server's memory.
            let options = options.clone().pragma("cache_size", format!("-{READER_CACHE_KIB}"));
            pool(opts.max_connections.unwrap_or(SQLITE_POOL)).connect_with(options).await.map_err(cannot_open)?
        };
        let writes = Arc::new(writer::WriterThread::start()?);
        let writer = direct::Writes::open(writer, &options, memory, &settings)?;
        if !memory {
            tokio::spawn(checkpoints(pool.clone(), writer.clone(), Arc::downgrade(&writes)));
        }
        Ok(SqliteStore { pool, writer, writes, combiner: Arc::default() })
    }
}

/// The settings of every connection, sqlx's and the writer's own
/// (`direct.rs`), as pragma and value (besides the journal mode, which is
/// the database's, and the busy timeout, [`BUSY_TIMEOUT`]).
fn settings() -> [(&'static str, String); 3] {
    [
        // Checkpoints are made by a task of their own (`checkpoints`), not
        // by the write that fills the log past 1,000 pages (the default):
        // that write waited for the copy and its sync. This is the
        // backstop, should the task not keep up.
        ("wal_autocheckpoint", AUTOCHECKPOINT_PAGES.to_string()),
        ("foreign_keys", "ON".to_owned()),
        ("synchronous", "NORMAL".to_owned()),
    ]
}

/// How long a connection waits for another process's write to end.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The page cache of each reading connection, in KiB (SQLite's default:
/// 2,000; the writer keeps that).
const READER_CACHE_KIB: u32 = 512;

/// The log's size, in pages, at which a write checkpoints it itself (only
/// when [`checkpoints`] has not kept up).
const AUTOCHECKPOINT_PAGES: u32 = 20_000;

/// The log's size, in pages, from which [`checkpoints`] copies its last
/// pages holding the write lock, so that the next write starts the log
/// again from its beginning (smaller in tests, which write little).
#[cfg(not(test))]
const RESTART_PAGES: i64 = 4_000;
#[cfg(test)]
const RESTART_PAGES: i64 = 64;

/// How many more times at most [`checkpoints`] copies the log, waiting for
/// no writer, to have it start again; and the log's size, in pages, past
/// which it then copies the rest holding the write lock.
const CATCH_UP: usize = 20;
#[cfg(not(test))]
const FORCE_PAGES: i64 = 12_000;
#[cfg(test)]
const FORCE_PAGES: i64 = 192;

/// How often [`checkpoints`] copies the log into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// For how many rounds of [`checkpoints`] in a row the log must have been
/// found copied whole and unchanged (no write) before its file is emptied
/// (30 s; 1 s in tests).
#[cfg(not(test))]
const IDLE_ROUNDS: u32 = 120;
#[cfg(test)]
const IDLE_ROUNDS: u32 = 4;

/// How long emptying the log's file waits for readers still reading it
/// (writes wait meanwhile); it is tried again after [`IDLE_ROUNDS`] more.
const EMPTY_WAIT: Duration = Duration::from_millis(50);

/// Copies the write-ahead log into the database file every
/// [`CHECKPOINT_EVERY`], so that no write waits for a checkpoint and its
/// syncs; ends when the pool is closed or the store is gone.
///
/// The log is copied on a read connection of `pool` (a passive checkpoint
/// waits for no reader or writer). SQLite starts the log again from its
/// beginning only at a write that finds it copied whole, and under steady
/// writes one usually commits during a copy: the log grew until a write's
/// own checkpoint at [`AUTOCHECKPOINT_PAGES`] (80 MB) copied what was left
/// and synced, holding the write lock for 130 to 300 ms, every second or
/// so, under a benchmark's eight writers. So once the log passes
/// [`RESTART_PAGES`], it is copied again at once, up to [`CATCH_UP`] times,
/// until the log starts again: each copy is of what came during the last, so
/// they get quick, and a quick one is soon done between two commits; the
/// next write then starts the log from its beginning. Copying the last pages
/// on the `writer` connection instead, between two writes, held the writer
/// 25 to 115 ms (a copy and its sync) twice a second under those writers,
/// and the writes queued behind it made their p99. That is left for a log
/// past [`FORCE_PAGES`] that the copies could not start again (a reader
/// still reading its end, or writes without a pause).
///
/// A log stays as large as writes made it (tens of megabytes under a busy
/// newsroom) until one starts it again. Once the writes pause (the log found
/// copied whole and unchanged for [`IDLE_ROUNDS`] rounds), its file is
/// emptied, as the last connection to close would.
async fn checkpoints(pool: SqlitePool, writer: direct::Writes, writes: std::sync::Weak<writer::WriterThread>) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let copy = || async { sqlx::query_as::<_, (i64, i64, i64)>(sql::CHECKPOINT).fetch_one(&pool).await.db() };
    // The log's size at the last round, and for how many rounds it was
    // found copied whole at that size.
    let (mut seen, mut idle) = (0, 0);
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        let Some(writes) = writes.upgrade() else { return };
        let round = copy().await;
        if let Ok((0, log, copied)) = round
            && log > 0
            && copied == log
            && log == seen
        {
            idle += 1;
        } else {
            idle = 0;
        }
        seen = round.as_ref().map_or(0, |&(_, log, _)| log);
        if idle >= IDLE_ROUNDS {
            idle = 0;
            let writer = writer.clone();
            if let Err(e) = writes.run(async move { writer.empty_log(EMPTY_WAIT).await }).await {
                tracing::warn!(error = %e, "emptying the write-ahead log failed: trying again later");
            }
            continue;
        }
        let copied = match round {
            Ok((_, log, _)) if log >= RESTART_PAGES => {
                let mut last = log;
                for _ in 0..CATCH_UP {
                    match copy().await {
                        // Started again by a write.
                        Ok((_, log, _)) if log < last => {
                            last = log;
                            break;
                        }
                        Ok((_, log, _)) => last = log,
                        Err(_) => break,
                    }
                }
                if last >= FORCE_PAGES {
                    let writer = writer.pool().clone();
                    writes
                        .run(async move {
                            sqlx::query(sql::CHECKPOINT).execute(&writer).await.db()?;
                            Ok(())
                        })
                        .await
                } else {
                    Ok(())
                }
            }
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        };
        if let Err(e) = copied {
            if pool.is_closed() {
                return;
            }
            // The writes checkpoint past AUTOCHECKPOINT_PAGES meanwhile.
            tracing::warn!(error = %e, "checkpointing the write-ahead log failed: trying again shortly");
        }
    }
}

#[async_trait]
impl Backend for SqliteStore {
    fn kind(&self) -> Kind {
        Kind::Sqlite
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query(sql::PING).execute(&self.pool).await.db()?;
        Ok(())
    }

    /// Closes the pools and the writer's connection (the last connection
    /// closed checkpoints the WAL).
    async fn close(&self) {
        self.pool.close().await;
        self.writer.close();
        self.writer.pool().close().await;
    }

    fn pool_use(&self) -> crate::PoolUse {
        // sqlx counts idle connections apart from open ones, and the two
        // can disagree for a moment (an idle count above the open count,
        // or one that wrapped below zero was seen): never more idle than open.
        let open = self.pool.size();
        crate::PoolUse {
            open,
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX).min(open),
            max: self.pool.options().get_max_connections(),
        }
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Why a database file cannot be at `location` (a path, or a `sqlite:` URL),
/// in plain words, before SQLite says "unable to open database file": its
/// folder is missing, or it is a folder itself.
fn check_file_location(location: &str) -> Result<()> {
    let Some(path) = crate::sqlite_file(location) else { return Ok(()) };
    let path = path.as_path();
    if path.is_dir() {
        return Err(StoreError::CannotOpen(format!(
            "{} is a folder: give the path of a database file (such as {})",
            path.display(),
            path.join("newsdesk.db").display()
        )));
    }
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(folder) if !folder.exists() => {
            Err(StoreError::CannotOpen(format!("the folder {} does not exist (create it first)", folder.display())))
        }
        Some(folder) if !folder.is_dir() => {
            Err(StoreError::CannotOpen(format!("{} is not a folder", folder.display())))
        }
        _ => Ok(()),
    }
}

/// Opens a write transaction on `writer` (the store's writer pool) with
/// `BEGIN IMMEDIATE`: it takes the write lock
/// at once, waiting up to the busy timeout while another writer holds it. A
/// deferred `BEGIN` would read first and then fail at once with "database is
/// locked" (SQLITE_BUSY, no waiting) when it tries to upgrade to a write lock
/// another connection holds or has just used. Every write of more than one
/// statement goes through here; single statements (the token and session
/// writes) go to the writer pool too, and take the write lock as they start.
async fn begin_write(pool: &SqlitePool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
    pool.begin_with("BEGIN IMMEDIATE").await.db()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database in a missing folder, or at a folder, is refused in plain
    /// words, once; a URL of another database is not taken for a path.
    #[tokio::test]
    async fn unusable_locations_say_why() {
        let dir = TempDb::new("unusable");
        let missing = dir.0.join("nope").join("site.db");
        for location in [missing.display().to_string(), format!("sqlite://{}?mode=rwc", missing.display())] {
            let err = SqliteStore::open(&location).await.err().map(|e| e.to_string()).unwrap_or_default();
            assert_eq!(err, format!("the folder {} does not exist (create it first)", dir.0.join("nope").display()));
        }
        let err =
            SqliteStore::open(&dir.0.display().to_string()).await.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with(&format!("{} is a folder", dir.0.display())), "{err}");
        for url in ["postgres://ann:pw@db/site", "mysql://ann:pw@db/site"] {
            let err = SqliteStore::open(url).await.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.starts_with("unsupported database: ") && !err.contains("pw"), "{err}");
        }
        assert!(SqliteStore::open(&dir.path()).await.is_ok());
    }

    /// A database made before migration 0004 (migrations 0001-0003, rows
    /// written as the store of that time wrote them: drafts with and without
    /// a time, scheduled articles, tags, authors, summaries, later versions)
    /// is upgraded when opened, and keeps every article whole; its lists,
    /// counts and stale summaries are right at once.
    #[tokio::test]
    async fn an_older_database_upgrades_and_keeps_every_article() {
        use crate::{ArticleStore as _, ListQuery, Visibility};
        let db = TempDb::new("upgrade");
        let status = |i: i64| ["published", "draft", "scheduled", "published"][(i % 4) as usize];
        let time = |i: i64| if i % 8 == 1 { None } else { Some(1_000_000 + i * 3_600) };
        {
            let options = SqliteConnectOptions::new().filename(db.path()).create_if_missing(true).foreign_keys(true);
            let pool = SqlitePool::connect_with(options).await.unwrap();
            MIGRATOR.run_to(3, &pool).await.unwrap();
            for i in 0..60i64 {
                let tags = if i % 3 == 0 { r#"[{"name":"X","slug":"x"},{"name":"Y","slug":"y"}]"# } else { "[]" };
                let authors = format!(r#"[{{"name":"Author {0}","slug":"author-{0}"}}]"#, i % 2);
                let id: i64 = sqlx::query_scalar(sql::before_0004::INSERT_ARTICLE)
                    .bind(format!("old-{i:02}"))
                    .bind(format!("Old {i}"))
                    .bind(None::<String>)
                    .bind(format!("Body {i} in *Markdown*."))
                    .bind(format!("<p>Body {i} in <em>Markdown</em>.</p>"))
                    .bind(format!("Body {i} in Markdown."))
                    .bind(&authors)
                    .bind(if i % 2 == 0 { "World" } else { "Science" })
                    .bind(if i % 2 == 0 { "world" } else { "science" })
                    .bind(tags)
                    .bind("en")
                    .bind(status(i))
                    .bind(time(i))
                    .bind(2_000_000i64)
                    .bind(None::<String>)
                    .bind(None::<String>)
                    .bind(None::<String>)
                    .bind(None::<String>)
                    .bind(2i64)
                    .bind("auto")
                    .bind(None::<String>)
                    .bind(500_000i64)
                    .bind(1 + i % 3)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                if i % 3 == 0 {
                    for (slug, name) in [("x", "X"), ("y", "Y")] {
                        sqlx::query(sql::before_0004::INSERT_TAG)
                            .bind(id)
                            .bind(slug)
                            .bind(name)
                            .execute(&pool)
                            .await
                            .unwrap();
                    }
                }
                sqlx::query(sql::before_0004::INSERT_AUTHOR)
                    .bind(id)
                    .bind(format!("author-{}", i % 2))
                    .bind(format!("Author {}", i % 2))
                    .execute(&pool)
                    .await
                    .unwrap();
                // Every fifth article has one summary only (stale).
                for length in if i % 5 == 0 { vec![3] } else { vec![3, 5] } {
                    sqlx::query(sql::before_0004::INSERT_SUMMARY)
                        .bind(id)
                        .bind(length)
                        .bind(r#"[{"index":0,"start":0,"end":5,"text":"Body."}]"#)
                        .bind("hash")
                        .bind("v1")
                        .execute(&pool)
                        .await
                        .unwrap();
                }
            }
            pool.close().await;
        }
        let store = SqliteStore::open(&db.path()).await.unwrap();
        assert_eq!(store.count_articles().await.unwrap(), 60);
        for i in 0..60i64 {
            let a = store.article(&format!("old-{i:02}"), Visibility::All).await.unwrap().expect("kept");
            assert_eq!(a.title, format!("Old {i}"));
            assert_eq!(a.body_md, format!("Body {i} in *Markdown*."));
            assert_eq!(a.body_html, format!("<p>Body {i} in <em>Markdown</em>.</p>"));
            assert_eq!(a.body_text, format!("Body {i} in Markdown."));
            assert_eq!(a.status.as_str(), status(i));
            assert_eq!(a.published_at, time(i));
            assert_eq!((a.version, a.created_at, a.updated_at), (1 + i % 3, 500_000, 2_000_000));
            assert_eq!(a.tags.len(), if i % 3 == 0 { 2 } else { 0 });
            assert_eq!(a.authors[0].slug, format!("author-{}", i % 2));
            assert_eq!(a.summaries.len(), if i % 5 == 0 { 1 } else { 2 });
        }
        // Lists and counts, as readers see them long after every time.
        let now = 10_000_000;
        let visible = |i: &i64| status(*i) != "draft" && time(*i).is_some();
        let list = |section: Option<&str>, tag: Option<&str>, author: Option<&str>| ListQuery {
            visibility: Visibility::PublicAt(now),
            section: section.map(str::to_owned),
            tag: tag.map(str::to_owned),
            author: author.map(str::to_owned),
            page: 1,
            per_page: 100,
            after: None,
        };
        let cases = [
            (list(None, None, None), (0..60).filter(visible).count()),
            (list(Some("world"), None, None), (0..60).filter(|i| i % 2 == 0).filter(visible).count()),
            (list(None, Some("x"), None), (0..60).filter(|i| i % 3 == 0).filter(visible).count()),
            (list(None, None, Some("author-1")), (0..60).filter(|i| i % 2 == 1).filter(visible).count()),
        ];
        for (query, n) in cases {
            let page = store.list_articles(&query).await.unwrap();
            assert_eq!((page.total, page.items.len()), (n as u64, n), "{query:?}");
        }
        // Most articles first.
        let sections = store.sections(now).await.unwrap();
        assert_eq!(
            sections.iter().map(|(s, n)| (s.slug.as_str(), *n)).collect::<Vec<_>>(),
            [
                ("world", (0..60).filter(|i| i % 2 == 0).filter(visible).count() as u64),
                ("science", (0..60).filter(|i| i % 2 == 1).filter(visible).count() as u64),
            ]
        );
        assert_eq!(store.tag_name("x", now).await.unwrap().as_deref(), Some("X"));
        let stale: Vec<String> = (0..60).filter(|i| i % 5 == 0).map(|i| format!("old-{i:02}")).collect();
        assert_eq!(store.stale_summaries("v1").await.unwrap(), stale);
        // Deleting an upgraded article takes its parts with it.
        store.delete_article("old-00").await.unwrap();
        assert_eq!(store.count_articles().await.unwrap(), 59);
        store.close().await;
    }

    /// A database file of its own in the temporary folder, removed on drop.
    /// The write-ahead log is copied into the database file by the store's
    /// own task, not by the writes (whose threshold is far above what
    /// these writes fill): the file grows while nobody checkpoints.
    #[tokio::test]
    async fn the_log_is_checkpointed_in_the_background() {
        let db = TempDb::new("checkpoints");
        let s = SqliteStore::open(&db.path()).await.unwrap();
        let pages: i64 = sqlx::query_scalar(sql::AUTOCHECKPOINT).fetch_one(s.writer.pool()).await.unwrap();
        assert_eq!(pages, i64::from(AUTOCHECKPOINT_PAGES));
        let size = || std::fs::metadata(db.path()).unwrap().len();
        tokio::time::sleep(CHECKPOINT_EVERY * 3).await;
        let before = size();
        for i in 0..40 {
            let a = super::articles::tests::sample(&format!("a{i}"), crate::Status::Published, Some(i));
            crate::ArticleStore::create_article(&s, &a).await.unwrap();
        }
        let start = std::time::Instant::now();
        while size() <= before {
            assert!(start.elapsed() < std::time::Duration::from_secs(10), "never checkpointed: {before} bytes");
            tokio::time::sleep(CHECKPOINT_EVERY).await;
        }
        s.close().await;
    }

    /// Under writes that never pause (eight writers), the log is still
    /// started again from its beginning at most rounds of checkpoints (the
    /// checkpoint sequence number in the log's header counts the starts):
    /// copies made again at once soon find it copied whole between two
    /// commits. With a single copy a round, a write seldom found the log
    /// copied whole: 1 or 2 starts in these 12 rounds.
    #[tokio::test]
    async fn the_log_starts_again_under_steady_writes() {
        let db = TempDb::new("restarts");
        let s = SqliteStore::open(&db.path()).await.unwrap();
        let wal = format!("{}-wal", db.path());
        let starts = || {
            let header = std::fs::read(&wal).map(|b| b[..16].to_vec()).unwrap_or_default();
            header.get(12..16).map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        };
        crate::ArticleStore::create_article(
            &s,
            &super::articles::tests::sample("first", crate::Status::Published, Some(0)),
        )
        .await
        .unwrap();
        let before = starts();
        let until = std::time::Instant::now() + CHECKPOINT_EVERY * 12;
        let writers = (0..8).map(|w| {
            let s = s.clone();
            tokio::spawn(async move {
                let mut i = 0;
                while std::time::Instant::now() < until {
                    let a = super::articles::tests::sample(&format!("w{w}-{i}"), crate::Status::Published, Some(i));
                    crate::ArticleStore::create_article(&s, &a).await.unwrap();
                    i += 1;
                }
            })
        });
        for w in writers.collect::<Vec<_>>() {
            w.await.unwrap();
        }
        let started = starts().wrapping_sub(before);
        assert!(started >= 4, "the log was started again {started} times in 12 rounds of checkpoints");
        s.close().await;
    }

    /// Once the writes pause, the log's file is emptied (it stays as large
    /// as the writes made it otherwise, until the server stops), and what
    /// it held is in the database file.
    #[tokio::test]
    async fn an_idle_log_is_emptied() {
        let db = TempDb::new("idle-log");
        let s = SqliteStore::open(&db.path()).await.unwrap();
        let wal = format!("{}-wal", db.path());
        let size = || std::fs::metadata(&wal).map_or(0, |m| m.len());
        for i in 0..20 {
            let a = super::articles::tests::sample(&format!("a{i}"), crate::Status::Published, Some(i));
            crate::ArticleStore::create_article(&s, &a).await.unwrap();
        }
        assert!(size() > 0);
        let start = std::time::Instant::now();
        while size() > 0 {
            assert!(start.elapsed() < std::time::Duration::from_secs(10), "never emptied: {} bytes", size());
            tokio::time::sleep(CHECKPOINT_EVERY).await;
        }
        // The database file alone has everything.
        let copy = TempDb::new("idle-log-copy");
        std::fs::copy(db.path(), copy.path()).unwrap();
        let c = SqliteStore::open(&copy.path()).await.unwrap();
        assert_eq!(crate::ArticleStore::count_articles(&c).await.unwrap(), 20);
        c.close().await;
        // Readers and writers go on as before.
        assert_eq!(crate::ArticleStore::count_articles(&s).await.unwrap(), 20);
        let a = super::articles::tests::sample("after", crate::Status::Published, Some(20));
        crate::ArticleStore::create_article(&s, &a).await.unwrap();
        assert_eq!(crate::ArticleStore::count_articles(&s).await.unwrap(), 21);
        assert!(size() > 0);
        s.close().await;
    }

    pub(crate) struct TempDb(pub std::path::PathBuf);

    impl TempDb {
        pub(crate) fn new(name: &str) -> TempDb {
            let dir = std::env::temp_dir().join(format!("newsdesk-store-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDb(dir)
        }
        pub(crate) fn path(&self) -> String {
            self.0.join("site.db").to_string_lossy().into_owned()
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
