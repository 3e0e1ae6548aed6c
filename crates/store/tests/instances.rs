//! Several instances of one site (`store::InstanceStore`): notices between
//! two stores open on one PostgreSQL schema (and not across schemas), a
//! listener that loses its connection says so, named locks exclude; on
//! SQLite nobody listens and every lock is granted.

use std::time::Duration;

use store::testing::{SqliteIn, TestDatabase};
use store::{Heard, MAX_NOTICE_BYTES, NoticeListener, StoreError};

/// The next thing `l` hears, waiting at most a minute.
async fn next(l: &mut Box<dyn NoticeListener>) -> Result<Heard, StoreError> {
    tokio::time::timeout(Duration::from_secs(60), l.next()).await.expect("nothing heard within a minute")
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_instances_hear_each_other_and_share_locks() {
    let Some(db) = TestDatabase::postgres("instances").await else { return };
    let (a, b) = (db.open().await, db.open().await);
    let mut la = a.listen().await.unwrap().expect("PostgreSQL listens");
    let mut lb = b.listen().await.unwrap().expect("PostgreSQL listens");

    // A's notice reaches B; A skips its own, so the first A hears is B's.
    a.notify("from a").await.unwrap();
    assert_eq!(next(&mut lb).await.unwrap(), Heard::Notice("from a".into()));
    b.notify("from b: ünïcode").await.unwrap();
    assert_eq!(next(&mut la).await.unwrap(), Heard::Notice("from b: ünïcode".into()));

    // The longest notice goes through; a longer one is refused.
    let longest = "x".repeat(MAX_NOTICE_BYTES);
    a.notify(&longest).await.unwrap();
    assert_eq!(next(&mut lb).await.unwrap(), Heard::Notice(longest));
    assert!(matches!(a.notify(&"x".repeat(MAX_NOTICE_BYTES + 1)).await, Err(StoreError::Conflict(_))));

    // Another site (schema) of the same database is not heard.
    if let Some(other) = TestDatabase::postgres("instances_other").await {
        let c = other.open().await;
        c.notify("another site").await.unwrap();
        a.notify("after the other site").await.unwrap();
        assert_eq!(next(&mut lb).await.unwrap(), Heard::Notice("after the other site".into()));
        c.close().await;
    }

    // B's listening connection is cut: B hears that it missed notices,
    // then hears the next ones again.
    {
        use sqlx::{ConnectOptions, Connection};
        let options: sqlx::postgres::PgConnectOptions = db.location().parse().unwrap();
        let mut conn = options.connect().await.unwrap();
        let channel: String =
            sqlx::query_scalar("SELECT 'newsdesk_' || md5(current_schema())").fetch_one(&mut conn).await.unwrap();
        // Both listeners of this site (A's and B's), found first, then cut.
        let pids: Vec<i32> = sqlx::query_scalar("SELECT pid FROM pg_stat_activity WHERE query = $1")
            .bind(format!("LISTEN \"{channel}\""))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        assert_eq!(pids.len(), 2, "{pids:?}");
        for pid in pids {
            sqlx::query("SELECT pg_terminate_backend($1)").bind(pid).execute(&mut conn).await.unwrap();
        }
        let _ = conn.close().await;
    }
    let heard = loop {
        match next(&mut lb).await {
            // The connection could not be made at once: ask again.
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            Ok(heard) => break heard,
        }
    };
    assert_eq!(heard, Heard::Missed);
    a.notify("after the cut").await.unwrap();
    assert_eq!(next(&mut lb).await.unwrap(), Heard::Notice("after the cut".into()));

    // Locks: one holder at a time, by name; released, or dropped.
    let held = a.try_exclusive("refresh").await.unwrap().expect("free");
    assert!(b.try_exclusive("refresh").await.unwrap().is_none(), "held by A");
    let other = b.try_exclusive("something else").await.unwrap().expect("another name is free");
    held.release().await;
    let held = b.try_exclusive("refresh").await.unwrap().expect("released by A");
    assert!(a.try_exclusive("refresh").await.unwrap().is_none(), "held by B");
    drop(held);
    drop(other);
    // Dropped: its connection closes, and the server releases the lock.
    let mut taken = None;
    for _ in 0..600 {
        taken = a.try_exclusive("refresh").await.unwrap();
        if taken.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    taken.expect("a dropped lock is released").release().await;
    a.close().await;
    b.close().await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_has_one_instance() {
    let db = TestDatabase::sqlite("instances", SqliteIn::File);
    let s = db.open().await;
    assert!(s.listen().await.unwrap().is_none(), "nobody to listen to");
    s.notify("nobody hears this").await.unwrap();
    assert!(matches!(s.notify(&"x".repeat(MAX_NOTICE_BYTES + 1)).await, Err(StoreError::Conflict(_))));
    let first = s.try_exclusive("refresh").await.unwrap().expect("granted");
    let second = s.try_exclusive("refresh").await.unwrap().expect("granted: one process");
    first.release().await;
    second.release().await;
    s.close().await;
}
