//! Revisions (table `article_revisions`, migration 0013): written with the
//! article, in its transaction, and read for the newsroom's history page
//! (as the SQLite store's `revisions`).

use async_trait::async_trait;
use sqlx::{PgConnection, Row};

use super::PostgresStore;
use crate::revisions::{Stored, bind_revision, info_from_row, page_bound, snapshot_of};
use crate::{Db, NewArticle, Result, Revision, RevisionInfo, RevisionStore};

/// Writes the revision `a` carries (if any) as number `number` of article
/// `id`, inside the caller's transaction.
pub(super) async fn write_revision(tx: &mut PgConnection, id: i64, number: i64, a: &NewArticle) -> Result<()> {
    let Some((note, stored)) = Stored::of(a) else { return Ok(()) };
    let insert = "INSERT INTO article_revisions (article_id, number, created_at, user_id, by_name, changed, \
                  restored_from, snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    bind_revision(sqlx::query(insert), id, number, note, stored).execute(&mut *tx).await.db()?;
    Ok(())
}

#[async_trait]
impl RevisionStore for PostgresStore {
    async fn revisions(&self, article_id: i64, before: Option<i64>, limit: u32) -> Result<Vec<RevisionInfo>> {
        let (below, limit) = page_bound(before, limit);
        let rows = sqlx::query(
            "SELECT number, created_at, user_id, by_name, changed, restored_from FROM article_revisions \
             WHERE article_id = $1 AND number < $2 ORDER BY number DESC LIMIT $3",
        )
        .bind(article_id)
        .bind(below)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .db()?;
        rows.iter().map(info_from_row).collect()
    }

    async fn count_revisions(&self, article_id: i64) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM article_revisions WHERE article_id = $1")
            .bind(article_id)
            .fetch_one(&self.pool)
            .await
            .db()?;
        Ok(n.max(0) as u64)
    }

    async fn revision(&self, article_id: i64, number: i64) -> Result<Option<Revision>> {
        let row = sqlx::query(
            "SELECT number, created_at, user_id, by_name, changed, restored_from, snapshot \
             FROM article_revisions WHERE article_id = $1 AND number = $2",
        )
        .bind(article_id)
        .bind(number)
        .fetch_optional(&self.pool)
        .await
        .db()?;
        let Some(row) = row else { return Ok(None) };
        let info = info_from_row(&row)?;
        let snapshot: String = row.try_get("snapshot").db()?;
        Ok(Some(Revision { snapshot: snapshot_of(info.number, &snapshot)?, info }))
    }
}
