//! Pictures and their files (`media`, `media_files`).

use async_trait::async_trait;
use sqlx::Row;

use super::{SqliteStore, sql};
use crate::media::{bind_file, bind_media, group, media_row};
use crate::{Db, MAX_MEDIA_LOOKUP, Media, MediaFile, MediaStore, NewMedia, NewMediaFile, Result, StoreError};

/// Writes the files of picture `id`, inside the caller's transaction.
pub(super) async fn write_files(tx: &mut sqlx::SqliteConnection, id: i64, files: &[NewMediaFile]) -> Result<()> {
    for f in files {
        bind_file(sqlx::query(sql::INSERT_MEDIA_FILE), id, f).execute(&mut *tx).await.db()?;
    }
    Ok(())
}

#[async_trait]
impl MediaStore for SqliteStore {
    async fn put_media(&self, m: &NewMedia) -> Result<Media> {
        let mut tx = super::begin_write(self.writer.pool()).await?;
        let inserted = bind_media(sqlx::query(sql::INSERT_MEDIA), m).fetch_optional(&mut *tx).await.db()?;
        let inserted: Option<i64> = inserted.map(|r| r.try_get("id")).transpose().db()?;
        let id = match inserted {
            Some(id) => {
                write_files(&mut tx, id, &m.files).await?;
                id
            }
            None => sqlx::query_scalar(sql::MEDIA_ID_BY_SOURCE).bind(&m.source_hash).fetch_one(&mut *tx).await.db()?,
        };
        let rows = sqlx::query(sql::MEDIA_BY_ID).bind(id).fetch_all(&mut *tx).await.db()?;
        tx.commit().await.db()?;
        let rows = rows.iter().map(media_row).collect::<Result<Vec<_>>>()?;
        group(rows).pop().ok_or_else(|| StoreError::Corrupt(format!("picture {id} has no files")))
    }

    async fn media_file(&self, hash: &str) -> Result<Option<MediaFile>> {
        let row = sqlx::query(sql::MEDIA_FILE).bind(hash).fetch_optional(&self.pool).await.db()?;
        row.map(|r| {
            Ok(MediaFile {
                hash: r.try_get("hash").db()?,
                content_type: r.try_get("content_type").db()?,
                bytes: r.try_get("bytes").db()?,
            })
        })
        .transpose()
    }

    async fn media_by_files(&self, hashes: &[String]) -> Result<Vec<Media>> {
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        let list = serde_json::to_string(&hashes[..hashes.len().min(MAX_MEDIA_LOOKUP)])
            .map_err(|e| StoreError::Database(e.to_string()))?;
        let rows = sqlx::query(sql::MEDIA_BY_FILES).bind(list).fetch_all(&self.pool).await.db()?;
        Ok(group(rows.iter().map(media_row).collect::<Result<Vec<_>>>()?))
    }

    async fn count_media(&self) -> Result<(u64, u64)> {
        let (media, files): (i64, i64) = sqlx::query_as(sql::COUNT_MEDIA).fetch_one(&self.pool).await.db()?;
        Ok((media.max(0).unsigned_abs(), files.max(0).unsigned_abs()))
    }
}
