//! What only PostgreSQL has: several instances migrating one database at
//! once, and TLS as the URL's `sslmode` says. These need the test server
//! (`NEWSDESK_TEST_PG`; see `store::testing`) and skip without it.

use std::io::Write as _;
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, ConnectOptions, PgConnection};

use super::{MIGRATION_LOCK, PostgresStore, advisory_lock_key};
use crate::testing::TestDatabase;
use crate::{ArticleStore, Backend, StoreError};

async fn connect(location: &str) -> PgConnection {
    PgConnectOptions::from_str(location).unwrap().connect().await.unwrap()
}

/// `location` with these query parameters instead of any of the same names.
fn with_params(location: &str, params: &[(&str, &str)]) -> String {
    let (base, query) = location.split_once('?').unwrap_or((location, ""));
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && !params.iter().any(|(k, _)| p.split('=').next() == Some(*k)))
        .map(str::to_owned)
        .collect();
    pairs.extend(params.iter().map(|(k, v)| format!("{k}={v}")));
    format!("{base}?{}", pairs.join("&"))
}

/// Several instances started at once on an empty database: while one holds
/// the migration lock the others wait for it (seen waiting in `pg_locks`),
/// and when it is released every one of them opens, the migrations having
/// been applied once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_starting_together_migrate_once() {
    let Some(db) = TestDatabase::postgres("migrate_once").await else { return };
    // Standing in for an instance that is migrating: it holds the lock.
    let mut holder = connect(db.location()).await;
    let key = advisory_lock_key();
    sqlx::query(AssertSqlSafe(format!("SELECT pg_advisory_lock({key})")))
        .bind(MIGRATION_LOCK)
        .execute(&mut holder)
        .await
        .unwrap();
    let instances = 4;
    let starts: Vec<_> = (0..instances)
        .map(|_| {
            let location = db.location().to_owned();
            tokio::spawn(async move { PostgresStore::open(&location).await })
        })
        .collect();
    // Wait until every instance is waiting for the lock (a minute at most).
    let waiting_sql = "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
         AND classid = $2::BIGINT::OID \
         AND objid = ((hashtext(coalesce(current_schema(), '') || '/' || $1))::BIGINT & 4294967295)::OID";
    let start = Instant::now();
    loop {
        let waiting: i64 = sqlx::query_scalar(waiting_sql)
            .bind(MIGRATION_LOCK)
            .bind(super::LOCK_SPACE as i64)
            .fetch_one(&mut holder)
            .await
            .unwrap();
        if waiting == instances {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "only {waiting} of {instances} instances wait for the lock");
        assert!(starts.iter().all(|s| !s.is_finished()), "an instance opened while the migration lock was held");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()")
        .fetch_one(&mut holder)
        .await
        .unwrap();
    assert_eq!(tables, 0, "nothing is migrated while the lock is held");
    sqlx::query(AssertSqlSafe(format!("SELECT pg_advisory_unlock({key})")))
        .bind(MIGRATION_LOCK)
        .execute(&mut holder)
        .await
        .unwrap();
    for s in starts {
        let store = s.await.unwrap().unwrap_or_else(|e| panic!("an instance failed to open: {e}"));
        assert_eq!(store.count_articles().await.unwrap(), 0);
        store.close().await;
    }
    let applied: Vec<(i64, bool)> = sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&mut holder)
        .await
        .unwrap();
    let every: Vec<(i64, bool)> = sqlx::migrate!("./migrations/postgres").iter().map(|m| (m.version, true)).collect();
    assert!(every.len() >= 4);
    assert_eq!(applied, every);
}

/// TLS as `sslmode` says, with the test server's certificate (signed by a CA
/// made for the run, `NEWSDESK_TEST_PG_TLS_ROOT`): `verify-full` with that CA
/// connects encrypted, by IP address and by host name; `verify-full` without
/// it is refused (the system does not trust that CA); `require` encrypts
/// without verifying; `disable` does not encrypt.
#[tokio::test]
async fn tls_follows_sslmode() {
    let Some(db) = TestDatabase::postgres("tls").await else { return };
    let Some(root) = std::env::var("NEWSDESK_TEST_PG_TLS_ROOT").ok().filter(|s| !s.is_empty()) else {
        if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false")) {
            panic!(
                "NEWSDESK_TEST_PG_TLS_ROOT is not set: the test server has no TLS (scripts/with-postgres.sh needs openssl)"
            );
        }
        let _ = writeln!(std::io::stderr(), "\nSKIPPED PostgreSQL TLS test: NEWSDESK_TEST_PG_TLS_ROOT is not set\n");
        return;
    };
    let mut admin = connect(db.location()).await;
    let app = format!("nd_tls_{}", std::process::id());
    let encrypted = async |admin: &mut PgConnection, name: &str| -> Option<bool> {
        sqlx::query_scalar(
            "SELECT bool_and(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = $1",
        )
        .bind(name)
        .fetch_one(admin)
        .await
        .unwrap()
    };
    for (i, (params, host)) in [
        (vec![("sslmode", "verify-full"), ("sslrootcert", root.as_str())], None),
        (vec![("sslmode", "verify-full"), ("sslrootcert", root.as_str())], Some("localhost")),
        (vec![("sslmode", "require")], None),
        (vec![("sslmode", "disable")], None),
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("{app}_{i}");
        let mut params = params;
        params.push(("application_name", &name));
        let mut url = with_params(db.location(), &params);
        if let Some(host) = host {
            url = url.replace("@127.0.0.1:", &format!("@{host}:"));
        }
        let store = PostgresStore::open(&url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
        store.ping().await.unwrap();
        let want_tls = params[0].1 != "disable";
        assert_eq!(encrypted(&mut admin, &name).await, Some(want_tls), "{url}");
        store.close().await;
    }
    let unverifiable = with_params(db.location(), &[("sslmode", "verify-full")]);
    match PostgresStore::open(&unverifiable).await {
        Err(StoreError::CannotOpen(why)) => assert!(why.contains("TLS") && why.contains("certificate"), "{why}"),
        other => panic!("a server certificate nobody vouches for must be refused, got {:?}", other.map(|_| ())),
    }
}

/// Every table of the schema is copied by `TransferStore` (one of
/// `transfer::TABLES`), but the migrations' own: a table added by a later
/// migration fails this test until it is copied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_table_is_copied() {
    let Some(db) = TestDatabase::postgres("every_table_copied").await else { return };
    let store = PostgresStore::open(db.location()).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::TEXT FROM information_schema.tables WHERE table_schema = current_schema() \
         ORDER BY table_name",
    )
    .fetch_all(&store.pool)
    .await
    .unwrap();
    assert!(names.len() > crate::transfer::TABLES.len(), "{names:?}");
    let left_out: Vec<&String> = names
        .iter()
        // The related lists (and their queue) are made again by writing
        // (`newsdesk migrate` makes them once every article is copied).
        .filter(|n| {
            !crate::transfer::TABLES.contains(&n.as_str())
                && !["_sqlx_migrations", "article_related", "article_related_rows", "related_queue"]
                    .contains(&n.as_str())
        })
        .collect();
    assert!(left_out.is_empty(), "tables not copied: {left_out:?}");
    store.close().await;
}
