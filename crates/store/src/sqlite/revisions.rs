//! Revisions (table `article_revisions`): written with the article, in its
//! transaction, and read for the newsroom's history page.

use async_trait::async_trait;
use sqlx::Row;

use super::{SqliteStore, sql};
use rusqlite::params;

use super::articles::run;
use super::direct::Tx;
use crate::revisions::{Stored, info_from_row, page_bound, snapshot_of};
use crate::{Db, NewArticle, Result, Revision, RevisionInfo, RevisionNote, RevisionStore};

/// Writes the revision `a` carries (if any) as number `number` of article
/// `id`, inside the caller's transaction.
pub(super) fn write_revision(tx: &Tx<'_>, id: i64, number: i64, a: &NewArticle) -> Result<()> {
    let Some((note, stored)) = Stored::of(a) else { return Ok(()) };
    insert_revision(tx, id, number, note, stored)
}

/// Inserts `note` and `stored` as revision `number` of article `id`.
pub(super) fn insert_revision(tx: &Tx<'_>, id: i64, number: i64, note: &RevisionNote, stored: Stored) -> Result<()> {
    run(
        tx,
        sql::INSERT_REVISION,
        params![id, number, note.at, note.by.user, note.by.name, stored.changed, note.restored_from, stored.snapshot],
    )?;
    Ok(())
}

#[async_trait]
impl RevisionStore for SqliteStore {
    async fn revisions(&self, article_id: i64, before: Option<i64>, limit: u32) -> Result<Vec<RevisionInfo>> {
        let (below, limit) = page_bound(before, limit);
        let rows =
            sqlx::query(sql::REVISIONS).bind(article_id).bind(below).bind(limit).fetch_all(&self.pool).await.db()?;
        rows.iter().map(info_from_row).collect()
    }

    async fn count_revisions(&self, article_id: i64) -> Result<u64> {
        let n: i64 = sqlx::query_scalar(sql::COUNT_REVISIONS).bind(article_id).fetch_one(&self.pool).await.db()?;
        Ok(n.max(0) as u64)
    }

    async fn revision(&self, article_id: i64, number: i64) -> Result<Option<Revision>> {
        let row = sqlx::query(sql::REVISION).bind(article_id).bind(number).fetch_optional(&self.pool).await.db()?;
        let Some(row) = row else { return Ok(None) };
        let info = info_from_row(&row)?;
        let snapshot: String = row.try_get("snapshot").db()?;
        Ok(Some(Revision { snapshot: snapshot_of(info.number, &snapshot)?, info }))
    }
}
