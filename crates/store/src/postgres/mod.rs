//! The PostgreSQL store: a pool of connections to a server, migrations
//! (`migrations/postgres`) run on open under an advisory lock, so that of
//! several instances starting at once one migrates and the others wait. TLS
//! as the URL's `sslmode` says (rustls; `sslrootcert` names a CA of your
//! own). Each part of the [`Store`](crate::Store) is a module: [`articles`],
//! [`search`], [`related`], [`tokens`], and the newsroom's [`users`],
//! [`sessions`] (with failed sign-ins), [`desk`], [`media`] (pictures) and
//! [`revisions`].
//!
//! Several instances ([`instances`]): change notices by `NOTIFY`/`LISTEN`
//! on a connection of its own, and named locks in the key space of this
//! site's advisory locks (`advisory_lock_key`: the migrations take the one
//! named `migrations`, start-up work another).

mod articles;
mod desk;
mod instances;
mod media;
mod related;
mod revisions;
mod search;
mod sessions;
mod tokens;
mod transfer;
mod users;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};

use crate::{Backend, Db, Kind, Options, POSTGRES_POOL, Result, StoreError, Visibility, db_error, redact};

/// The first half of every advisory lock key Newsdesk takes ("NDSK"): the
/// second half says what is locked, per schema.
const LOCK_SPACE: i32 = 0x4E44_534B;

/// The second half of the key of the lock the migrations run under.
pub(crate) const MIGRATION_LOCK: &str = "migrations";

/// The SQL that gives the two-part advisory lock key of `name` (a bound
/// text parameter, `$1`) in the current schema: instances of one site share
/// it; sites in other schemas or databases do not.
pub(crate) fn advisory_lock_key() -> String {
    format!("{LOCK_SPACE}, hashtext(coalesce(current_schema(), '') || '/' || $1)")
}

/// The PostgreSQL implementation of [`Store`](crate::Store).
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
    options: PgConnectOptions,
    /// The site's notice channel ([`instances`]).
    channel: String,
    /// This store's mark on its notices.
    mark: String,
}

impl PostgresStore {
    /// Connects to the server at `url` (`postgres://` or `postgresql://`)
    /// and migrates the database.
    pub async fn open(url: &str) -> Result<PostgresStore> {
        PostgresStore::open_with(url, &Options::default()).await
    }

    /// [`PostgresStore::open`] with options: the pool's size
    /// ([`POSTGRES_POOL`] by default).
    pub async fn open_with(url: &str, opts: &Options) -> Result<PostgresStore> {
        if Kind::of(url)? != Kind::Postgres {
            return Err(StoreError::Unsupported(format!("{}: not a PostgreSQL URL", redact(url))));
        }
        let mut options =
            PgConnectOptions::from_str(url).map_err(|e| StoreError::CannotOpen(format!("{}: {e}", redact(url))))?;
        if options.get_application_name().is_none() {
            // How the server's views (pg_stat_activity) name these connections.
            options = options.application_name("newsdesk");
        }
        let mut conn = options.connect().await.map_err(cannot_connect)?;
        let migrated = migrate(&mut conn).await;
        let channel = match &migrated {
            Ok(()) => sqlx::query_scalar(instances::CHANNEL_SQL).fetch_one(&mut conn).await.db(),
            Err(_) => Ok(String::new()),
        };
        // Closing the connection releases the lock whatever happened.
        let _ = conn.close().await;
        migrated?;
        let channel = channel?;
        let pool = PgPoolOptions::new()
            .max_connections(opts.max_connections.unwrap_or(POSTGRES_POOL))
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(30))
            .idle_timeout(Some(Duration::from_secs(600)))
            .max_lifetime(Some(Duration::from_secs(3600)))
            .connect_with(options.clone())
            .await
            .map_err(cannot_connect)?;
        Ok(PostgresStore { pool, options, channel, mark: instances::new_mark() })
    }

    /// The connection settings (from the URL): for a connection of its own,
    /// such as a `LISTEN` one.
    pub fn connect_options(&self) -> &PgConnectOptions {
        &self.options
    }
}

/// Runs the migrations on `conn` under the migration lock: the first
/// instance to take it migrates, the others wait for it, then find nothing
/// left to do. (sqlx's own lock is keyed by database only; this one is per
/// schema, so sites in schemas of one database migrate independently.)
async fn migrate(conn: &mut sqlx::PgConnection) -> Result<()> {
    let key = advisory_lock_key();
    sqlx::query(AssertSqlSafe(format!("SELECT pg_advisory_lock({key})")))
        .bind(MIGRATION_LOCK)
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::Migrate(format!("taking the migration lock: {e}")))?;
    let mut migrator = sqlx::migrate!("./migrations/postgres");
    migrator.set_locking(false);
    // `run_direct` is what `run` calls; called directly, the future stays
    // `Send` (sqlx's own workaround for "Acquire is not general enough"), so
    // `store::open` can be spawned.
    let ran = migrator.run_direct(None, &mut *conn, false).await.map_err(|e| StoreError::Migrate(e.to_string()));
    let unlocked = sqlx::query(AssertSqlSafe(format!("SELECT pg_advisory_unlock({key})")))
        .bind(MIGRATION_LOCK)
        .execute(&mut *conn)
        .await;
    ran?;
    unlocked.db()?;
    Ok(())
}

fn cannot_connect(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::Database(db) => StoreError::CannotOpen(format!("PostgreSQL refused: {}", db.message())),
        // rustls reports a certificate it cannot trust as invalid data.
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
            StoreError::CannotOpen(format!("TLS with the PostgreSQL server failed: {io}"))
        }
        sqlx::Error::Io(io) => StoreError::CannotOpen(format!("cannot reach the PostgreSQL server: {io}")),
        sqlx::Error::Tls(tls) => StoreError::CannotOpen(format!("TLS with the PostgreSQL server failed: {tls}")),
        sqlx::Error::PoolTimedOut => StoreError::CannotOpen("the PostgreSQL server did not answer in time".to_owned()),
        other => db_error(other),
    }
}

#[async_trait]
impl Backend for PostgresStore {
    fn kind(&self) -> Kind {
        Kind::Postgres
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.db()?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
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

/// The visibility rule ([`Visibility::shows`]) in SQL: the one place it is
/// written for PostgreSQL. `t` is the table (or alias) whose `status` and
/// `published_at` decide, and the time is the query's parameter `$1`. A
/// reader's condition repeats the indexes' `status <> 'draft'`, so their
/// partial indexes apply; an editor's is `TRUE`. (Two texts, not one with a
/// switch parameter: a generic plan could not use a partial index.)
fn visible(v: Visibility, t: &str) -> String {
    match v {
        Visibility::PublicAt(_) => format!("({t}.status <> 'draft' AND {t}.published_at <= $1)"),
        // `$1` is bound all the same (parameters keep their numbers).
        Visibility::All => "TRUE".to_owned(),
    }
}

/// The time `$1` of a [`visible`] condition.
fn now_of(v: Visibility) -> i64 {
    match v {
        Visibility::PublicAt(now) => now,
        Visibility::All => 0,
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

#[cfg(test)]
mod tests;
