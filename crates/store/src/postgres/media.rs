//! Pictures and their files (`media`, `media_files`), as the SQLite store's
//! `media`.

use async_trait::async_trait;
use sqlx::Row;

use super::PostgresStore;
use crate::media::{bind_file, bind_media, group, media_row};
use crate::{Db, MAX_MEDIA_LOOKUP, Media, MediaFile, MediaStore, NewMedia, NewMediaFile, Result, StoreError};

const MEDIA_COLUMNS: &str = "SELECT m.id, m.source_hash, m.width AS m_width, m.height AS m_height, f.hash, \
     f.content_type, f.width, f.height, f.size FROM media m JOIN media_files f ON f.media_id = m.id";

/// Writes the files of picture `id`, inside the caller's transaction.
pub(super) async fn write_files(tx: &mut sqlx::PgConnection, id: i64, files: &[NewMediaFile]) -> Result<()> {
    for f in files {
        let insert = "INSERT INTO media_files (media_id, width, height, hash, content_type, size, bytes) \
                      VALUES ($1, $2, $3, $4, $5, $6, $7)";
        bind_file(sqlx::query(insert), id, f).execute(&mut *tx).await.db()?;
    }
    Ok(())
}

#[async_trait]
impl MediaStore for PostgresStore {
    async fn put_media(&self, m: &NewMedia) -> Result<Media> {
        let mut tx = self.pool.begin().await.db()?;
        // A concurrent upload of the same file waits here for the other's
        // commit, then finds its row.
        let insert = "INSERT INTO media (source_hash, source_format, source_bytes, width, height, created_by, \
                      created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source_hash) DO NOTHING RETURNING id";
        let inserted = bind_media(sqlx::query(insert), m).fetch_optional(&mut *tx).await.db()?;
        let inserted: Option<i64> = inserted.map(|r| r.try_get("id")).transpose().db()?;
        let id = match inserted {
            Some(id) => {
                write_files(&mut tx, id, &m.files).await?;
                id
            }
            None => sqlx::query_scalar("SELECT id FROM media WHERE source_hash = $1")
                .bind(&m.source_hash)
                .fetch_one(&mut *tx)
                .await
                .db()?,
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{MEDIA_COLUMNS} WHERE m.id = $1 ORDER BY f.width")))
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .db()?;
        tx.commit().await.db()?;
        let rows = rows.iter().map(media_row).collect::<Result<Vec<_>>>()?;
        group(rows).pop().ok_or_else(|| StoreError::Corrupt(format!("picture {id} has no files")))
    }

    async fn media_file(&self, hash: &str) -> Result<Option<MediaFile>> {
        let row = sqlx::query("SELECT hash, content_type, bytes FROM media_files WHERE hash = $1 LIMIT 1")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await
            .db()?;
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
        let list: Vec<&str> = hashes.iter().take(MAX_MEDIA_LOOKUP).map(String::as_str).collect();
        let sql = format!(
            "{MEDIA_COLUMNS} WHERE m.id IN (SELECT media_id FROM media_files WHERE hash = ANY($1::TEXT[])) \
             ORDER BY m.id, f.width"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(list).fetch_all(&self.pool).await.db()?;
        Ok(group(rows.iter().map(media_row).collect::<Result<Vec<_>>>()?))
    }

    async fn count_media(&self) -> Result<(u64, u64)> {
        let (media, files): (i64, i64) =
            sqlx::query_as("SELECT (SELECT COUNT(*) FROM media), (SELECT COUNT(*) FROM media_files)")
                .fetch_one(&self.pool)
                .await
                .db()?;
        Ok((media.max(0).unsigned_abs(), files.max(0).unsigned_abs()))
    }
}
