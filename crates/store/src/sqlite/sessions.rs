//! Sessions (by the hash of their id) and failed sign-ins.

use async_trait::async_trait;
use sqlx::Row;

use super::users::user_from_row;
use super::{SqliteStore, sql};
use crate::{Db, Result, Session, SessionStore, ThrottleStore, User};

#[async_trait]
impl SessionStore for SqliteStore {
    async fn create_session(&self, s: &Session) -> Result<()> {
        sqlx::query(sql::INSERT_SESSION)
            .bind(&s.id_hash)
            .bind(s.user_id)
            .bind(&s.csrf)
            .bind(s.created_at)
            .bind(s.last_seen)
            .execute(self.writer.pool())
            .await
            .db()?;
        Ok(())
    }

    async fn session_with_user(&self, id_hash: &str) -> Result<Option<(Session, User)>> {
        let row = sqlx::query(sql::SESSION_WITH_USER).bind(id_hash).fetch_optional(&self.pool).await.db()?;
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
        sqlx::query(sql::TOUCH_SESSION).bind(id_hash).bind(now).execute(self.writer.pool()).await.db()?;
        Ok(())
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query(sql::DELETE_SESSION).bind(id_hash).execute(self.writer.pool()).await.db()?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user_id: i64) -> Result<u64> {
        let done = sqlx::query(sql::DELETE_USER_SESSIONS).bind(user_id).execute(self.writer.pool()).await.db()?;
        Ok(done.rows_affected())
    }

    async fn delete_expired_sessions(&self, idle_before: i64, created_before: i64) -> Result<u64> {
        let done = sqlx::query(sql::DELETE_EXPIRED_SESSIONS)
            .bind(idle_before)
            .bind(created_before)
            .execute(self.writer.pool())
            .await
            .db()?;
        Ok(done.rows_affected())
    }
}

#[async_trait]
impl ThrottleStore for SqliteStore {
    async fn record_failure(&self, keys: &[&str], now: i64, forget_before: i64) -> Result<()> {
        let mut tx = super::begin_write(self.writer.pool()).await?;
        // Failures older than the window count no more, whoever made them.
        sqlx::query(sql::FORGET_FAILURES).bind(forget_before).execute(&mut *tx).await.db()?;
        for key in keys {
            sqlx::query(sql::INSERT_FAILURE).bind(key).bind(now).execute(&mut *tx).await.db()?;
        }
        tx.commit().await.db()?;
        Ok(())
    }

    async fn failures_since(&self, key: &str, since: i64) -> Result<Vec<i64>> {
        let rows = sqlx::query(sql::FAILURES_SINCE).bind(key).bind(since).fetch_all(&self.pool).await.db()?;
        rows.iter().map(|r| r.try_get("at").db()).collect()
    }

    async fn clear_failures(&self, key: &str) -> Result<()> {
        sqlx::query(sql::CLEAR_FAILURES).bind(key).execute(self.writer.pool()).await.db()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NewUser, Role, UserStore};

    #[tokio::test]
    async fn sessions_live_and_end() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        let u = NewUser {
            name: "ann".into(),
            display_name: "Ann".into(),
            email: Some("ann@example.org".into()),
            role: Role::Writer,
            password_hash: "h".into(),
        };
        let ann = s.create_user(&u, 1).await.unwrap();
        let session = |id: &str, t: i64| Session {
            id_hash: id.to_owned(),
            user_id: ann.id,
            csrf: format!("csrf-{id}"),
            created_at: t,
            last_seen: t,
        };
        s.create_session(&session("a", 100)).await.unwrap();
        s.create_session(&session("b", 200)).await.unwrap();
        let (got, user) = s.session_with_user("a").await.unwrap().unwrap();
        assert_eq!((got, user.name.as_str()), (session("a", 100), "ann"));
        assert!(s.session_with_user("zzz").await.unwrap().is_none());
        s.touch_session("a", 150).await.unwrap();
        s.touch_session("a", 120).await.unwrap();
        assert_eq!(s.session_with_user("a").await.unwrap().unwrap().0.last_seen, 150, "never moves back");
        // Idle since before 160: "a" (last seen 150) goes, "b" stays.
        assert_eq!(s.delete_expired_sessions(160, 0).await.unwrap(), 1);
        assert!(s.session_with_user("a").await.unwrap().is_none());
        s.create_session(&session("c", 300)).await.unwrap();
        // Created before 250: "b" goes.
        assert_eq!(s.delete_expired_sessions(0, 250).await.unwrap(), 1);
        s.delete_session("c").await.unwrap();
        s.delete_session("c").await.unwrap();
        s.create_session(&session("d", 400)).await.unwrap();
        s.create_session(&session("e", 400)).await.unwrap();
        assert_eq!(s.delete_user_sessions(ann.id).await.unwrap(), 2);
    }

    #[tokio::test]
    async fn failures_are_counted_per_key_and_forgotten() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        s.record_failure(&["user:ann", "addr:1.2.3.4"], 100, 0).await.unwrap();
        s.record_failure(&["user:ann", "addr:5.6.7.8"], 110, 0).await.unwrap();
        assert_eq!(s.failures_since("user:ann", 0).await.unwrap(), [100, 110]);
        assert_eq!(s.failures_since("user:ann", 105).await.unwrap(), [110]);
        assert_eq!(s.failures_since("addr:1.2.3.4", 0).await.unwrap(), [100]);
        // Forgetting what is older than 105, for every key.
        s.record_failure(&["user:bo"], 120, 105).await.unwrap();
        assert_eq!(s.failures_since("addr:1.2.3.4", 0).await.unwrap(), Vec::<i64>::new());
        assert_eq!(s.failures_since("user:ann", 0).await.unwrap(), [110]);
        s.clear_failures("user:ann").await.unwrap();
        assert!(s.failures_since("user:ann", 0).await.unwrap().is_empty());
        assert_eq!(s.failures_since("user:bo", 0).await.unwrap(), [120]);
    }
}
