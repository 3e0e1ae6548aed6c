//! The embedded SQLite store: one file, migrations run on open. Each part
//! of the [`Store`](crate::Store) is a module: [`articles`], [`tokens`].

mod articles;
mod sql;
mod tokens;

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::{Result, StoreError, Visibility};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The SQLite implementation of [`Store`](crate::Store).
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating when missing) the database at `location`: a path,
    /// `sqlite://path`, `sqlite:path` or `:memory:`; runs the migrations.
    pub async fn open(location: &str) -> Result<SqliteStore> {
        let options = if location == ":memory:" || location == "sqlite::memory:" {
            SqliteConnectOptions::from_str("sqlite::memory:")?
        } else if location.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(location)?.create_if_missing(true)
        } else if location.contains("://") {
            return Err(StoreError::Unsupported(format!(
                "{location}: only SQLite is built in (a path or sqlite://path); PostgreSQL comes later"
            )));
        } else {
            SqliteConnectOptions::new().filename(location).create_if_missing(true)
        };
        let memory = location.contains(":memory:");
        if !memory {
            check_file_location(location)?;
        }
        let options = options
            .foreign_keys(true)
            .journal_mode(if memory { SqliteJournalMode::Memory } else { SqliteJournalMode::Wal })
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10));
        // An in-memory database lives in one connection.
        let pool = SqlitePoolOptions::new()
            .max_connections(if memory { 1 } else { 8 })
            .min_connections(if memory { 1 } else { 0 })
            .idle_timeout(if memory { None } else { Some(Duration::from_secs(600)) })
            .max_lifetime(if memory { None } else { Some(Duration::from_secs(3600)) })
            .connect_with(options)
            .await
            .map_err(|e| match &e {
                // SQLite's own words, once (not again as each error's source).
                sqlx::Error::Database(db) => StoreError::CannotOpen(db.message().to_owned()),
                _ => e.into(),
            })?;
        MIGRATOR.run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// Closes the pool (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The parameters of the visibility condition: (now, everything?).
fn vis(v: Visibility) -> (i64, i64) {
    match v {
        Visibility::PublicAt(now) => (now, 0),
        Visibility::All => (0, 1),
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Why a database file cannot be at `location` (a path, or a `sqlite:` URL),
/// in plain words, before SQLite says "unable to open database file": its
/// folder is missing, or it is a folder itself.
fn check_file_location(location: &str) -> Result<()> {
    let path = location.strip_prefix("sqlite://").or_else(|| location.strip_prefix("sqlite:")).unwrap_or(location);
    let path = std::path::Path::new(path.split('?').next().unwrap_or(path));
    if path.as_os_str().is_empty() {
        return Ok(());
    }
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

/// Opens a write transaction with `BEGIN IMMEDIATE`: it takes the write lock
/// at once, waiting up to the busy timeout while another writer holds it. A
/// deferred `BEGIN` would read first and then fail at once with "database is
/// locked" (SQLITE_BUSY, no waiting) when it tries to upgrade to a write lock
/// another connection holds or has just used. Every write of more than one
/// statement goes through here; single statements (deleting an article, the
/// token writes) take the write lock as they start, and wait on the busy
/// timeout by themselves.
async fn begin_write(pool: &SqlitePool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database in a missing folder, or at a folder, is refused in plain
    /// words, once.
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
        assert!(SqliteStore::open(&dir.path()).await.is_ok());
    }

    /// A database file of its own in the temporary folder, removed on drop.
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
