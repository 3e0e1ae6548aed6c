//! Several instances on one server (see [`crate::InstanceStore`]): notices
//! by `NOTIFY`/`LISTEN` on the site's channel, and named locks as session
//! advisory locks.
//!
//! The channel is `newsdesk_` and the MD5 of the site's schema, so sites in
//! other schemas of the database hear nothing of each other (notices are
//! per database). Every payload starts with the sending store's mark (random,
//! made when the store is opened) and a space: a listener skips its own
//! store's notices, which the writer has applied already.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, PgConnection};

use super::{PostgresStore, advisory_lock_key, cannot_connect};
use crate::{Db, Exclusive, Heard, InstanceStore, MAX_NOTICE_BYTES, NoticeListener, Result, StoreError, db_error};

/// The SQL that names the site's notice channel (on any connection to it).
pub(super) const CHANNEL_SQL: &str = "SELECT 'newsdesk_' || md5(coalesce(current_schema(), ''))";

/// A mark for this store's notices: random for each store opened.
pub(super) fn new_mark() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}

/// Splits a payload into its sender's mark and the notice (a payload
/// without a mark, such as one sent by hand with `NOTIFY`, is all notice).
fn split_payload(payload: &str) -> (Option<&str>, &str) {
    match payload.split_once(' ') {
        Some((mark, notice)) if mark.len() == 16 && mark.bytes().all(|b| b.is_ascii_hexdigit()) => (Some(mark), notice),
        _ => (None, payload),
    }
}

#[async_trait]
impl InstanceStore for PostgresStore {
    async fn notify(&self, notice: &str) -> Result<()> {
        if notice.len() > MAX_NOTICE_BYTES {
            return Err(StoreError::Conflict(format!("a notice of {} bytes is too long", notice.len())));
        }
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(&self.channel)
            .bind(format!("{} {notice}", self.mark))
            .execute(&self.pool)
            .await
            .db()?;
        Ok(())
    }

    async fn listen(&self) -> Result<Option<Box<dyn NoticeListener>>> {
        let mut listener = PgNotices {
            options: self.options.clone(),
            channel: self.channel.clone(),
            mark: self.mark.clone(),
            listener: None,
            lost: false,
        };
        listener.listener = Some(listener.connect().await?);
        Ok(Some(Box::new(listener)))
    }

    async fn try_exclusive(&self, name: &str) -> Result<Option<Box<dyn Exclusive>>> {
        let mut conn = self.options.connect().await.map_err(cannot_connect)?;
        let key = advisory_lock_key();
        let taken: bool = sqlx::query_scalar(AssertSqlSafe(format!("SELECT pg_try_advisory_lock({key})")))
            .bind(name)
            .fetch_one(&mut conn)
            .await
            .db()?;
        if !taken {
            let _ = conn.close().await;
            return Ok(None);
        }
        Ok(Some(Box::new(PgExclusive { conn, name: name.to_owned() })))
    }
}

/// A session advisory lock, held by a connection of its own: closing it
/// (or losing it) releases the lock.
struct PgExclusive {
    conn: PgConnection,
    name: String,
}

#[async_trait]
impl Exclusive for PgExclusive {
    async fn release(self: Box<Self>) {
        let PgExclusive { mut conn, name } = *self;
        let key = advisory_lock_key();
        // Should the unlock fail, closing the connection releases the lock.
        let _ = sqlx::query(AssertSqlSafe(format!("SELECT pg_advisory_unlock({key})")))
            .bind(&name)
            .execute(&mut conn)
            .await;
        let _ = conn.close().await;
    }
}

/// The site's channel, listened to on a connection of its own.
struct PgNotices {
    options: PgConnectOptions,
    channel: String,
    mark: String,
    listener: Option<PgListener>,
    /// The connection was lost: the next one made says [`Heard::Missed`].
    lost: bool,
}

impl PgNotices {
    async fn connect(&self) -> Result<PgListener> {
        // A pool of one of its own (sqlx's listener reconnects through a
        // pool), apart from the pool the store reads and writes with.
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            .max_lifetime(None)
            .idle_timeout(None)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(self.options.clone())
            .await
            .map_err(cannot_connect)?;
        let mut listener = PgListener::connect_with(&pool).await.map_err(cannot_connect)?;
        listener.ignore_pool_close_event(true);
        listener.listen(&self.channel).await.map_err(db_error)?;
        Ok(listener)
    }
}

#[async_trait]
impl NoticeListener for PgNotices {
    async fn next(&mut self) -> Result<Heard> {
        loop {
            let listener = match &mut self.listener {
                Some(listener) => listener,
                None => {
                    let listener = self.connect().await?;
                    let listener = self.listener.insert(listener);
                    if std::mem::take(&mut self.lost) {
                        return Ok(Heard::Missed);
                    }
                    listener
                }
            };
            match listener.try_recv().await {
                Ok(Some(notification)) => match split_payload(notification.payload()) {
                    (Some(mark), _) if mark == self.mark => {}
                    (_, notice) => return Ok(Heard::Notice(notice.to_owned())),
                },
                // Lost (sqlx made it again, but this one is made afresh: its
                // own pool, and a clear point from which nothing is missed).
                Ok(None) => {
                    self.listener = None;
                    self.lost = true;
                }
                Err(e) => {
                    self.listener = None;
                    self.lost = true;
                    return Err(db_error(e));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_carry_their_senders_mark() {
        let mark = new_mark();
        assert_eq!(mark.len(), 16);
        assert_ne!(mark, new_mark(), "each store its own");
        let payload = format!("{mark} {{\"articles\":[\"a b\"]}}");
        assert_eq!(split_payload(&payload), (Some(mark.as_str()), "{\"articles\":[\"a b\"]}"));
        assert_eq!(split_payload("by hand"), (None, "by hand"));
        assert_eq!(split_payload(""), (None, ""));
    }
}
