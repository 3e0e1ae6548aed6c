//! API tokens: names and SHA-256 hashes, never the tokens themselves.

use async_trait::async_trait;
use sqlx::Row;

use super::{PostgresStore, is_unique_violation};
use crate::{Db, Result, StoreError, TokenInfo, TokenStore, db_error};

#[async_trait]
impl TokenStore for PostgresStore {
    async fn create_token(&self, name: &str, hash: &str, now: i64) -> Result<TokenInfo> {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO api_tokens (name, hash, created_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(name)
                .bind(hash)
                .bind(now)
                .fetch_one(&self.pool)
                .await
                .map_err(|e| if is_unique_violation(&e) { crate::token_name_taken(name) } else { db_error(e) })?;
        Ok(TokenInfo { id, name: name.to_owned(), hash: hash.to_owned(), created_at: now, revoked_at: None })
    }

    async fn tokens(&self) -> Result<Vec<TokenInfo>> {
        let rows = sqlx::query("SELECT id, name, hash, created_at, revoked_at FROM api_tokens ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .db()?;
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
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL")
            .bind(name)
            .bind(now)
            .execute(&self.pool)
            .await
            .db()?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn active_token_hashes(&self) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT name, hash FROM api_tokens WHERE revoked_at IS NULL ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .db()?;
        rows.iter().map(|r| Ok((r.try_get("name").db()?, r.try_get("hash").db()?))).collect()
    }
}
