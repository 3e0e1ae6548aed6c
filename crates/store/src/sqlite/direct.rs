//! Write transactions run straight on a SQLite connection of the writer's
//! own, through rusqlite.
//!
//! sqlx runs each SQLite connection on a thread of its own, and every
//! statement is a round trip to it: the caller sends the statement, that
//! thread wakes, runs it, sends the result back, and the caller wakes. An
//! article's write is some 35 statements; alone it took 2.6 ms, and under
//! `wrk -c256` with eight writers 5.8 ms at the median, most of it threads
//! waiting for a busy core between two statements, all the while holding
//! SQLite's one write lock. Eight writers then queued behind each other
//! (a write's p50 was 47 ms, its p99 167 ms).
//!
//! Here the thread of writes (`writer.rs`) runs the whole transaction
//! itself, on [`Writes`]' own connection: the statements follow each other
//! with no thread in between. That connection lives as long as the store,
//! so each statement is prepared once and kept for every later transaction
//! (made anew for each transaction, the preparing was some 15 % of the
//! writes' thread's time under load). Its turn is still taken in the writer
//! pool of one (sqlx's connection, held while the transaction runs), so
//! these writes and sqlx's (sessions, tokens, users, media, migrations)
//! queue in one line, first come, first served. A database in memory is one
//! database for both connections: sqlx opens it in shared-cache mode, and
//! this connection opens the same name the same way.

use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

use super::sql;
use crate::{Db, Result, StoreError};

/// A write transaction on the writer's connection, run by [`Writes::transaction`].
pub(super) type Tx<'c> = rusqlite::Transaction<'c>;

/// The store's error for a rusqlite error.
pub(super) fn db_error(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

/// `.direct()?`: a rusqlite result as a store result.
pub(super) trait Direct<T> {
    fn direct(self) -> Result<T>;
}

impl<T> Direct<T> for std::result::Result<T, rusqlite::Error> {
    fn direct(self) -> Result<T> {
        self.map_err(db_error)
    }
}

/// The first column of the one row `statement` gives with `params`, if any.
pub(super) fn value<T: rusqlite::types::FromSql>(
    tx: &Tx<'_>,
    statement: &str,
    params: impl rusqlite::Params,
) -> Result<Option<T>> {
    use rusqlite::OptionalExtension as _;
    tx.prepare_cached(statement).direct()?.query_row(params, |r| r.get(0)).optional().direct()
}

/// The first column of every row `statement` gives with `params`.
pub(super) fn column<T: rusqlite::types::FromSql>(
    tx: &Tx<'_>,
    statement: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<T>> {
    rows(tx, statement, params, |r| r.get(0))
}

/// Every row `statement` gives with `params`, each made by `row`.
pub(super) fn rows<T>(
    tx: &Tx<'_>,
    statement: &str,
    params: impl rusqlite::Params,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut statement = tx.prepare_cached(statement).direct()?;
    let rows = statement.query_map(params, row).direct()?;
    rows.collect::<std::result::Result<_, _>>().direct()
}

/// Whether `e` is a violated UNIQUE (or primary key) constraint.
pub(super) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    use rusqlite::ffi;
    match e {
        rusqlite::Error::SqliteFailure(f, message) => {
            matches!(f.extended_code, ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
                || (f.code == rusqlite::ErrorCode::ConstraintViolation
                    && message.as_deref().is_some_and(|m| m.starts_with("UNIQUE constraint failed")))
        }
        _ => false,
    }
}

/// Where a transaction keeps what a statement or a savepoint may have to
/// undo (SQLite's statement journal: the first image of each page changed
/// since the statement or the savepoint began). With no savepoint open, it
/// holds one statement's pages, and is emptied as each statement ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Undo {
    /// In memory up to 64 KiB, then in a temporary file (SQLite's default):
    /// for any transaction, however large.
    Default,
    /// In memory, whatever its size: for transactions whose statements (or
    /// savepoints) each change a bounded number of pages. An article's write
    /// with its lists and indexes changes more than 64 KiB of pages: in a
    /// temporary file, those pages were a tenth of the thread of writes'
    /// time in `combined.rs` (a savepoint per article, some 150 KB each),
    /// and 30 % of it in an import's batches.
    Memory,
}

/// The writer's side of the store: the writer pool of one (whose connection
/// is each write's turn) and the connection the transactions here run on.
/// Clones share both.
#[derive(Clone, Debug)]
pub(super) struct Writes {
    turn: SqlitePool,
    /// `None` once the store is closed.
    conn: Arc<Mutex<Option<Connection>>>,
}

impl Writes {
    /// Opens the writer's connection to the database `options` name (the
    /// writer pool's, `turn`, which has made the file and its tables), set
    /// up as the pool's connections are (`settings`, pragma and value).
    pub(super) fn open(
        turn: SqlitePool,
        options: &SqliteConnectOptions,
        memory: bool,
        settings: &[(&str, String)],
    ) -> Result<Writes> {
        let name = options.get_filename();
        let cannot_open = |e: rusqlite::Error| StoreError::CannotOpen(format!("{}: {e}", name.display()));
        let mut flags =
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if memory {
            // sqlx's name for it, `file:sqlx-in-memory-N`, in shared-cache
            // mode: the same database, not a new empty one.
            flags |= OpenFlags::SQLITE_OPEN_MEMORY | OpenFlags::SQLITE_OPEN_SHARED_CACHE;
        }
        let conn = Connection::open_with_flags(name, flags).map_err(cannot_open)?;
        for (pragma, value) in settings {
            conn.pragma_update(None, pragma, value).map_err(cannot_open)?;
        }
        conn.busy_timeout(super::BUSY_TIMEOUT).map_err(cannot_open)?;
        // Every statement of the writes is prepared once and kept (an
        // article's write alone runs some 35 different ones; rusqlite keeps
        // 16 by default).
        conn.set_prepared_statement_cache_capacity(STATEMENTS);
        Ok(Writes { turn, conn: Arc::new(Mutex::new(Some(conn))) })
    }

    /// The writer pool (its connection is each write's turn).
    pub(super) fn pool(&self) -> &SqlitePool {
        &self.turn
    }

    /// Closes the writer's connection; transactions fail after it.
    pub(super) fn close(&self) {
        drop(self.lock().take());
    }

    /// `f` on the writer's connection, outside any transaction (for tests).
    #[cfg(test)]
    pub(super) fn with_connection<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let guard = self.lock();
        f(guard.as_ref().ok_or_else(closed)?).direct()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Connection>> {
        // A panic inside a transaction rolled it back as it unwound (see
        // `transaction_with`): the connection is as good as before.
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `work` in a write transaction (`BEGIN IMMEDIATE`), committed
    /// when `work` succeeds and rolled back when it fails (or panics), once
    /// the writes before it are done. Call it on the thread of writes: it
    /// blocks while the transaction runs.
    pub(super) async fn transaction<T>(&self, work: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        self.transaction_with(Undo::Default, work).await
    }

    /// Copies the whole write-ahead log into the database file and empties
    /// the log's file, in the writes' turn, waiting at most `wait` for the
    /// readers still reading the log: whether it was emptied. Call it on the
    /// thread of writes.
    pub(super) async fn empty_log(&self, wait: std::time::Duration) -> Result<bool> {
        let turn = self.turn.acquire().await.db()?;
        let guard = self.lock();
        let conn = guard.as_ref().ok_or_else(closed)?;
        // The writes wait for the turn meanwhile: a short wait, then the
        // usual timeout back.
        conn.busy_timeout(wait).direct()?;
        let busy = conn.query_row(sql::TRUNCATE_LOG, [], |r| r.get::<_, i64>(0));
        conn.busy_timeout(super::BUSY_TIMEOUT).direct()?;
        drop(guard);
        drop(turn);
        Ok(busy.direct()? == 0)
    }

    /// [`Writes::transaction`], keeping what it may have to undo as `undo`
    /// says.
    pub(super) async fn transaction_with<T>(&self, undo: Undo, work: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        // The turn: no other write runs on either connection while it is held.
        let turn = self.turn.acquire().await.db()?;
        let mut guard = self.lock();
        let conn = guard.as_mut().ok_or_else(closed)?;
        // The setting is read when the transaction begins, and set back after
        // it ends (also on an error or a panic), so that the connection's
        // other transactions keep SQLite's default.
        struct SetBack<'c>(&'c mut Connection, Undo);
        impl Drop for SetBack<'_> {
            fn drop(&mut self) {
                if self.1 == Undo::Memory {
                    // Failing, it stays in memory for later transactions too:
                    // slower for a very large one, never wrong.
                    let _ = self.0.execute_batch(sql::UNDO_DEFAULT);
                }
            }
        }
        if undo == Undo::Memory {
            conn.execute_batch(sql::UNDO_IN_MEMORY).direct()?;
        }
        let set_back = SetBack(conn, undo);
        let out = {
            // Rolled back by its drop unless committed, also when `work` panics.
            let tx = set_back.0.transaction_with_behavior(TransactionBehavior::Immediate).direct()?;
            let out = work(&tx)?;
            tx.commit().direct()?;
            out
        };
        drop(set_back);
        drop(guard);
        drop(turn);
        Ok(out)
    }
}

/// The error of a write after the store was closed.
fn closed() -> StoreError {
    StoreError::Database("the store is closed".to_owned())
}

/// The most prepared statements the writer's connection keeps.
const STATEMENTS: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::SqliteStore;
    use crate::sqlite::articles::{create_in, tests::sample};
    use crate::sqlite::tests::TempDb;
    use crate::{ArticleStore as _, Backend as _, SearchStore as _, Status, Visibility};

    /// What a transaction writes is there for sqlx after it; a failed one
    /// leaves nothing, and the connection is usable again either way: on a
    /// file and on a database in memory (the same one for both connections).
    #[tokio::test]
    async fn commits_and_rolls_back_on_the_writer_connection() {
        let db = TempDb::new("direct");
        for location in [":memory:".to_owned(), db.path()] {
            let store = SqliteStore::open(&location).await.unwrap();
            let a = sample("a", Status::Published, Some(10));
            store.writer.transaction(|tx| create_in(tx, &a)).await.unwrap();
            let err = store
                .writer
                .transaction(|tx| {
                    create_in(tx, &sample("b", Status::Published, Some(20)))?;
                    create_in(tx, &a)
                })
                .await
                .unwrap_err();
            assert!(matches!(&err, StoreError::Conflict(m) if m == "slug a is taken"), "{location}: {err:?}");
            // A panic inside rolls back too.
            let panicked = std::panic::AssertUnwindSafe(store.writer.transaction(|tx| -> Result<()> {
                create_in(tx, &sample("c", Status::Published, Some(30)))?;
                panic!("in the middle of a write")
            }));
            assert!(futures_util::FutureExt::catch_unwind(panicked).await.is_err());
            assert!(store.article("a", Visibility::All).await.unwrap().is_some(), "{location}");
            assert!(store.article("b", Visibility::All).await.unwrap().is_none(), "{location}");
            assert!(store.article("c", Visibility::All).await.unwrap().is_none(), "{location}");
            // sqlx's own transactions work after it, and this connection
            // sees what they wrote.
            store.tidy_search_index().await.unwrap();
            store.create_article(&sample("d", Status::Published, Some(40))).await.unwrap();
            let n: i64 = store.writer.transaction(|tx| Ok(value(tx, sql::ID_OF_SLUG, ["d"])?.unwrap())).await.unwrap();
            assert!(n > 0, "{location}");
            store.close().await;
            let err = store.writer.transaction(|_| Ok(())).await.unwrap_err();
            assert!(err.to_string().contains("closed"), "{location}: {err}");
        }
    }

    /// The writer's connection is set up as sqlx's connections are.
    #[tokio::test]
    async fn the_writers_connection_has_the_pools_settings() {
        let db = TempDb::new("direct-settings");
        for location in [":memory:".to_owned(), db.path()] {
            let store = SqliteStore::open(&location).await.unwrap();
            for statement in sql::SETTINGS {
                let theirs: i64 = sqlx::query_scalar(*statement).fetch_one(store.writer.pool()).await.unwrap();
                let ours: i64 = store.writer.with_connection(|c| c.query_row(statement, [], |r| r.get(0))).unwrap();
                assert_eq!(ours, theirs, "{location}: {statement}");
            }
            let theirs: String = sqlx::query_scalar(sql::JOURNAL_MODE).fetch_one(store.writer.pool()).await.unwrap();
            let ours: String =
                store.writer.with_connection(|c| c.query_row(sql::JOURNAL_MODE, [], |r| r.get(0))).unwrap();
            assert_eq!(ours, theirs, "{location}: journal mode");
            store.close().await;
        }
    }
}
