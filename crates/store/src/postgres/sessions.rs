//! Sessions (by the hash of their id) and failed sign-ins (as the SQLite
//! store's `sessions`).

use async_trait::async_trait;
use sqlx::{AssertSqlSafe, Row};

use super::PostgresStore;
use super::users::{USER_COLUMNS, user_from_row};
use crate::{Db, Result, Session, SessionStore, ThrottleStore, User};

#[async_trait]
impl SessionStore for PostgresStore {
    async fn create_session(&self, s: &Session) -> Result<()> {
        sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen) VALUES ($1, $2, $3, $4, $5)")
            .bind(&s.id_hash)
            .bind(s.user_id)
            .bind(&s.csrf)
            .bind(s.created_at)
            .bind(s.last_seen)
            .execute(&self.pool)
            .await
            .db()?;
        Ok(())
    }

    async fn session_with_user(&self, id_hash: &str) -> Result<Option<(Session, User)>> {
        let sql = format!(
            "SELECT s.id_hash, s.user_id, s.csrf, s.created_at AS s_created, s.last_seen, {USER_COLUMNS} \
             FROM sessions s JOIN users ON users.id = s.user_id WHERE s.id_hash = $1"
        );
        let row = sqlx::query(AssertSqlSafe(sql)).bind(id_hash).fetch_optional(&self.pool).await.db()?;
        let Some(row) = row else { return Ok(None) };
        let session = Session {
            id_hash: row.try_get("id_hash").db()?,
            user_id: row.try_get("user_id").db()?,
            csrf: row.try_get("csrf").db()?,
            created_at: row.try_get("s_created").db()?,
            last_seen: row.try_get("last_seen").db()?,
        };
        Ok(Some((session, user_from_row(&row)?)))
    }

    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen = $2 WHERE id_hash = $1 AND last_seen < $2")
            .bind(id_hash)
            .bind(now)
            .execute(&self.pool)
            .await
            .db()?;
        Ok(())
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&self.pool).await.db()?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user_id: i64) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&self.pool).await.db()?;
        Ok(done.rows_affected())
    }

    async fn delete_expired_sessions(&self, idle_before: i64, created_before: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE last_seen < $1 OR created_at < $2")
            .bind(idle_before)
            .bind(created_before)
            .execute(&self.pool)
            .await
            .db()?;
        Ok(done.rows_affected())
    }
}

#[async_trait]
impl ThrottleStore for PostgresStore {
    async fn record_failure(&self, keys: &[&str], now: i64, forget_before: i64) -> Result<()> {
        let mut tx = self.pool.begin().await.db()?;
        // Failures older than the window count no more, whoever made them.
        sqlx::query("DELETE FROM sign_in_failures WHERE at < $1").bind(forget_before).execute(&mut *tx).await.db()?;
        let keys: Vec<&str> = keys.to_vec();
        sqlx::query("INSERT INTO sign_in_failures (key, at) SELECT k, $2 FROM UNNEST($1::TEXT[]) AS k")
            .bind(keys)
            .bind(now)
            .execute(&mut *tx)
            .await
            .db()?;
        tx.commit().await.db()?;
        Ok(())
    }

    async fn failures_since(&self, key: &str, since: i64) -> Result<Vec<i64>> {
        let rows = sqlx::query("SELECT at FROM sign_in_failures WHERE key = $1 AND at >= $2 ORDER BY at")
            .bind(key)
            .bind(since)
            .fetch_all(&self.pool)
            .await
            .db()?;
        rows.iter().map(|r| r.try_get("at").db()).collect()
    }

    async fn clear_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE key = $1").bind(key).execute(&self.pool).await.db()?;
        Ok(())
    }
}
