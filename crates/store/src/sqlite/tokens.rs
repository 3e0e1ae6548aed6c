//! API tokens: names and SHA-256 hashes, never the tokens themselves.

use async_trait::async_trait;
use sqlx::Row;

use super::{SqliteStore, is_unique_violation, sql};
use crate::{Db, Result, StoreError, TokenInfo, TokenStore, db_error};

#[async_trait]
impl TokenStore for SqliteStore {
    async fn create_token(&self, name: &str, hash: &str, now: i64) -> Result<TokenInfo> {
        let row = sqlx::query(sql::INSERT_TOKEN)
            .bind(name)
            .bind(hash)
            .bind(now)
            .fetch_one(self.writer.pool())
            .await
            .map_err(|e| if is_unique_violation(&e) { crate::token_name_taken(name) } else { db_error(e) })?;
        Ok(TokenInfo {
            id: row.try_get("id").db()?,
            name: name.to_owned(),
            hash: hash.to_owned(),
            created_at: now,
            revoked_at: None,
        })
    }

    async fn tokens(&self) -> Result<Vec<TokenInfo>> {
        let rows = sqlx::query(sql::TOKENS).fetch_all(&self.pool).await.db()?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.try_get("id").db()?,
                    name: r.try_get("name").db()?,
                    hash: r.try_get("hash").db()?,
                    created_at: r.try_get("created_at").db()?,
                    revoked_at: r.try_get("revoked_at").db()?,
                })
            })
            .collect()
    }

    async fn revoke_token(&self, name: &str, now: i64) -> Result<()> {
        let done = sqlx::query(sql::REVOKE_TOKEN).bind(name).bind(now).execute(self.writer.pool()).await.db()?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn active_token_hashes(&self) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query(sql::ACTIVE_TOKENS).fetch_all(&self.pool).await.db()?;
        rows.iter().map(|r| Ok((r.try_get("name").db()?, r.try_get("hash").db()?))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn tokens() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        s.create_token("ci", "abc", 1).await.unwrap();
        assert!(matches!(s.create_token("ci", "def", 1).await, Err(StoreError::Conflict(_))));
        assert_eq!(s.active_token_hashes().await.unwrap(), vec![("ci".to_owned(), "abc".to_owned())]);
        s.revoke_token("ci", 2).await.unwrap();
        assert!(s.active_token_hashes().await.unwrap().is_empty());
        assert!(matches!(s.revoke_token("ci", 3).await, Err(StoreError::NotFound)));
        // A revoked token's name may be reused: the key is rotated.
        s.create_token("ci", "ghi", 4).await.unwrap();
        assert_eq!(s.active_token_hashes().await.unwrap(), vec![("ci".to_owned(), "ghi".to_owned())]);
        assert!(matches!(s.create_token("ci", "jkl", 5).await, Err(StoreError::Conflict(_))));
        assert_eq!(s.tokens().await.unwrap().len(), 2, "the revoked one is still listed");
        s.revoke_token("ci", 6).await.unwrap();
        assert!(s.active_token_hashes().await.unwrap().is_empty());
    }
}
