//! Write transactions run straight on the writer connection's SQLite handle.
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
//! Here the thread of writes (`writer.rs`) borrows the writer connection's
//! handle from sqlx ([`sqlx::sqlite::SqliteConnection::lock_handle`]) and runs
//! the whole transaction itself through rusqlite: the statements follow each
//! other with no thread in between. It is the same connection, so writes
//! still queue in the writer pool of one, and a database in memory works
//! the same. The statements are those of `sql.rs`, bound in the same order.

use rusqlite::{Connection, TransactionBehavior};
use sqlx::sqlite::SqliteConnection;

use super::sql;
use crate::{Db, Result, StoreError};

/// A write transaction on the writer connection, run by [`transaction`].
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
    let mut statement = tx.prepare_cached(statement).direct()?;
    let rows = statement.query_map(params, |r| r.get(0)).direct()?;
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
/// undo (SQLite's statement journal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Undo {
    /// In memory up to 64 KiB, then in a temporary file (SQLite's default):
    /// for any transaction, however large.
    Default,
    /// In memory, whatever its size: for transactions known to be small.
    /// An article's write in `combined.rs` keeps some 150 KB there (each
    /// page it changes, once), and in a temporary file those writes were a
    /// tenth of the thread of writes' time.
    Memory,
}

/// Runs `work` in a write transaction (`BEGIN IMMEDIATE`) on `conn`, the
/// writer connection, committed when `work` succeeds and rolled back when it
/// fails (or panics). Call it on the thread of writes: it blocks while the
/// transaction runs.
pub(super) async fn transaction<T>(conn: &mut SqliteConnection, work: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
    transaction_with(conn, Undo::Default, work).await
}

/// [`transaction`], keeping what it may have to undo as `undo` says.
pub(super) async fn transaction_with<T>(
    conn: &mut SqliteConnection,
    undo: Undo,
    work: impl FnOnce(&Tx<'_>) -> Result<T>,
) -> Result<T> {
    let mut locked = conn.lock_handle().await.db()?;
    let handle = locked.as_raw_handle();
    // SAFETY: `Connection::from_handle` needs a valid `sqlite3` handle that
    // nothing else uses while the `Connection` lives. Both hold:
    // - `handle` is the open handle of sqlx's connection, valid while
    //   `locked` lives; `direct` is dropped at the end of this block, before
    //   `locked` (declared earlier, dropped later).
    // - `locked` is sqlx's lock on that connection: while it is held, sqlx's
    //   thread for the connection runs nothing on it (that is what
    //   `lock_handle` is for), so only this thread uses the handle. SQLite is
    //   built thread-safe (libsqlite3-sys's bundled build,
    //   `SQLITE_THREADSAFE=1`), so a handle may move between threads used one
    //   at a time.
    // - A `Connection` made by `from_handle` does not own the handle: when
    //   dropped it finalizes only the statements it prepared itself and never
    //   closes the handle (rusqlite's `InnerConnection::close` with `owned`
    //   false), so sqlx's own prepared statements and its connection are as
    //   they were. Nothing is registered on the handle (no hook, no busy
    //   handler, no function).
    // - The transaction ends inside the block: committed, or rolled back by
    //   `rusqlite::Transaction`'s drop (also when `work` panics), so sqlx gets
    //   its connection back outside any transaction, as it lent it.
    #[allow(unsafe_code, reason = "the one use, proven sound above")]
    let direct = unsafe { Connection::from_handle(handle.as_ptr()) }.direct()?;
    // Every statement of a transaction is prepared once (an article's write
    // runs some 35 different ones; rusqlite keeps 16 by default, and
    // preparing them again and again was a fifth of the writes' time).
    direct.set_prepared_statement_cache_capacity(STATEMENTS);
    // The setting is read when the transaction begins, and set back after
    // it ends (also on an error or a panic), so that the connection's other
    // transactions keep SQLite's default.
    struct SetBack<'c>(&'c Connection, Undo);
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
        direct.execute_batch(sql::UNDO_IN_MEMORY).direct()?;
    }
    let set_back = SetBack(&direct, undo);
    let out = {
        let tx = rusqlite::Transaction::new_unchecked(set_back.0, TransactionBehavior::Immediate).direct()?;
        let out = work(&tx)?;
        tx.commit().direct()?;
        out
    };
    drop(set_back);
    drop(direct);
    drop(locked);
    Ok(out)
}

/// The most prepared statements a transaction keeps for its own reuse.
const STATEMENTS: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::SqliteStore;
    use crate::sqlite::articles::{create_in, tests::sample};
    use crate::{ArticleStore as _, SearchStore as _, Status, Visibility};

    /// What a transaction writes is there for sqlx after it; a failed one
    /// leaves nothing, and the connection is usable again either way.
    #[tokio::test]
    async fn commits_and_rolls_back_on_the_writer_connection() {
        let store = SqliteStore::open(":memory:").await.unwrap();
        let mut conn = store.writer.acquire().await.unwrap();
        let a = sample("a", Status::Published, Some(10));
        transaction(&mut conn, |tx| create_in(tx, &a)).await.unwrap();
        let err = transaction(&mut conn, |tx| {
            create_in(tx, &sample("b", Status::Published, Some(20)))?;
            create_in(tx, &a)
        })
        .await
        .unwrap_err();
        assert!(matches!(&err, StoreError::Conflict(m) if m == "slug a is taken"), "{err:?}");
        // A panic inside rolls back too.
        let panicked = std::panic::AssertUnwindSafe(transaction(&mut conn, |tx| -> Result<()> {
            create_in(tx, &sample("c", Status::Published, Some(30)))?;
            panic!("in the middle of a write")
        }));
        assert!(futures_util::FutureExt::catch_unwind(panicked).await.is_err());
        drop(conn);
        assert!(store.article("a", Visibility::All).await.unwrap().is_some());
        assert!(store.article("b", Visibility::All).await.unwrap().is_none());
        assert!(store.article("c", Visibility::All).await.unwrap().is_none());
        // sqlx's own transactions work on the connection after it.
        store.tidy_search_index().await.unwrap();
        store.create_article(&sample("d", Status::Published, Some(40))).await.unwrap();
    }

    /// `unsafe` is allowed in one place of the workspace: `transaction`
    /// above (every crate root forbids it but the store's, which denies it,
    /// and the workspace denies it too).
    #[test]
    fn unsafe_is_allowed_here_only() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut found = Vec::new();
        let mut dirs = vec![root.join("crates")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let needle = ["allow(", "unsafe_code"].concat();
                    for _ in text.matches(&needle) {
                        found.push(path.file_name().unwrap().to_string_lossy().into_owned());
                    }
                }
            }
        }
        assert_eq!(found, ["direct.rs"], "lint exceptions for unsafe code");
    }
}
