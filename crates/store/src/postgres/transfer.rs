//! Moving a whole site (`TransferStore`, as the SQLite store's
//! `transfer`): records read in bulk by id and written back with their ids;
//! the identity sequences are moved past the copied ids after each write.

use async_trait::async_trait;
use sqlx::{PgConnection, Row};

use super::PostgresStore;
use super::articles::{Kept, bind_article, load_in, slug_taken, write_parts};
use crate::media::bind_media;
use crate::revisions::bind_revision;
use crate::transfer::{SignInFailure, StoredArticle, StoredMedia, TABLES, TransferStore, rows};
use crate::{Db, Result, Revision, Session, StoreError, TokenInfo, User, Visibility};

/// Inserts an article's row with its fields in `bind_article` order
/// (`$1`–`$20`; `$19`, the update time the ordinary insert takes as the
/// creation time, only stands in for a missing `$21`), then its creation
/// time `$21`, version `$22` and id `$23` as given.
const INSERT_ARTICLE_AS: &str = "INSERT INTO articles (slug, title, standfirst, authors, section, section_slug, \
     tags, lang, status, published_at, updated_at, sources, canonical_url, lead_image, lead_image_alt, \
     reading_minutes, summary_mode, summary_custom, created_at, auto_paragraphs, version, id) VALUES \
     ($1, $2, $3, $4::JSONB, $5, $6, $7::JSONB, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
     COALESCE($21::BIGINT, $19), $20, $22, $23)";

/// The rows of every table of [`TABLES`], in that order.
fn table_counts_sql() -> String {
    let counts: Vec<String> = TABLES.iter().map(|t| format!("(SELECT COUNT(*) FROM {t})")).collect();
    format!("SELECT {}", counts.join(", "))
}

/// Moves the identity sequence of `table`'s `id` past its largest id (to 1
/// for an empty table), so the next ordinary insert does not collide with a
/// copied row.
async fn follow_ids(tx: &mut PgConnection, table: &'static str) -> Result<()> {
    let sql = format!(
        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await.db()?;
    Ok(())
}

/// The revisions of article `id`, oldest first, read on `conn`.
async fn revisions_in(conn: &mut PgConnection, id: i64) -> Result<Vec<Revision>> {
    let rows = sqlx::query(
        "SELECT number, created_at, user_id, by_name, changed, restored_from, snapshot \
         FROM article_revisions WHERE article_id = $1 ORDER BY number",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .db()?;
    rows.iter().map(rows::revision).collect()
}

#[async_trait]
impl TransferStore for PostgresStore {
    async fn table_counts(&self) -> Result<Vec<(&'static str, u64)>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(table_counts_sql())).fetch_one(&self.pool).await.db()?;
        TABLES.iter().enumerate().map(|(i, t)| Ok((*t, row.try_get::<i64, _>(i).db()?.max(0) as u64))).collect()
    }

    async fn clear_site(&self) -> Result<()> {
        let mut tx = self.pool.begin().await.db()?;
        // DELETE, not TRUNCATE: the triggers that keep the copies and counts
        // of the newsroom's lists run for each row.
        for table in ["sessions", "articles", "media", "users", "api_tokens", "sign_in_failures"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}"))).execute(&mut *tx).await.db()?;
        }
        for table in ["articles", "media", "users", "api_tokens"] {
            follow_ids(&mut tx, table).await?;
        }
        tx.commit().await.db()
    }

    async fn articles_after(&self, after: i64, limit: u32) -> Result<Vec<StoredArticle>> {
        // One snapshot for the batch: REPEATABLE READ.
        let mut tx = self.pool.begin().await.db()?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *tx).await.db()?;
        let ids: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, slug FROM articles WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await
                .db()?;
        let mut out = Vec::with_capacity(ids.len());
        for (id, slug) in ids {
            let article = load_in(&mut tx, &slug, Visibility::All)
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("article {id} ({slug}) cannot be read")))?;
            let revisions = revisions_in(&mut tx, id).await?;
            out.push(StoredArticle { article, revisions });
        }
        tx.commit().await.db()?;
        Ok(out)
    }

    async fn media_after(&self, after: i64, limit: u32) -> Result<Vec<StoredMedia>> {
        let mut tx = self.pool.begin().await.db()?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *tx).await.db()?;
        let rows = sqlx::query(
            "SELECT id, source_hash, source_format, source_bytes, width, height, created_by, created_at \
             FROM media WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .db()?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.try_get("id").db()?;
            let files = sqlx::query(
                "SELECT width, height, hash, content_type, bytes FROM media_files WHERE media_id = $1 ORDER BY width",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .db()?;
            let files = files.iter().map(rows::media_file).collect::<Result<Vec<_>>>()?;
            out.push(rows::media(&r, files)?);
        }
        tx.commit().await.db()?;
        Ok(out)
    }

    async fn all_sessions(&self) -> Result<Vec<Session>> {
        let rows = sqlx::query("SELECT id_hash, user_id, csrf, created_at, last_seen FROM sessions ORDER BY id_hash")
            .fetch_all(&self.pool)
            .await
            .db()?;
        rows.iter().map(rows::session).collect()
    }

    async fn all_sign_in_failures(&self) -> Result<Vec<SignInFailure>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT key, at FROM sign_in_failures ORDER BY key, at").fetch_all(&self.pool).await.db()?;
        Ok(rows.into_iter().map(|(key, at)| SignInFailure { key, at }).collect())
    }

    async fn put_users(&self, users: &[User]) -> Result<()> {
        let mut tx = self.pool.begin().await.db()?;
        for u in users {
            sqlx::query(
                "INSERT INTO users (id, name, display_name, email, role, password_hash, disabled, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(u.id)
            .bind(&u.name)
            .bind(&u.display_name)
            .bind(&u.email)
            .bind(u.role.as_str())
            .bind(&u.password_hash)
            .bind(u.disabled)
            .bind(u.created_at)
            .bind(u.updated_at)
            .execute(&mut *tx)
            .await
            .db()?;
        }
        follow_ids(&mut tx, "users").await?;
        tx.commit().await.db()
    }

    async fn put_tokens(&self, tokens: &[TokenInfo]) -> Result<()> {
        let mut tx = self.pool.begin().await.db()?;
        for t in tokens {
            sqlx::query("INSERT INTO api_tokens (id, name, hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(t.id)
                .bind(&t.name)
                .bind(&t.hash)
                .bind(t.created_at)
                .bind(t.revoked_at)
                .execute(&mut *tx)
                .await
                .db()?;
        }
        follow_ids(&mut tx, "api_tokens").await?;
        tx.commit().await.db()
    }

    async fn put_sessions(&self, sessions: &[Session]) -> Result<()> {
        let mut tx = self.pool.begin().await.db()?;
        for s in sessions {
            sqlx::query(
                "INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&s.id_hash)
            .bind(s.user_id)
            .bind(&s.csrf)
            .bind(s.created_at)
            .bind(s.last_seen)
            .execute(&mut *tx)
            .await
            .db()?;
        }
        tx.commit().await.db()
    }

    async fn put_sign_in_failures(&self, failures: &[SignInFailure]) -> Result<()> {
        let keys: Vec<&str> = failures.iter().map(|f| f.key.as_str()).collect();
        let ats: Vec<i64> = failures.iter().map(|f| f.at).collect();
        sqlx::query("INSERT INTO sign_in_failures (key, at) SELECT * FROM UNNEST($1::TEXT[], $2::BIGINT[])")
            .bind(keys)
            .bind(ats)
            .execute(&self.pool)
            .await
            .db()?;
        Ok(())
    }

    async fn put_media_as_stored(&self, media: &[StoredMedia]) -> Result<()> {
        let mut tx = self.pool.begin().await.db()?;
        for StoredMedia { id, media: m } in media {
            bind_media(
                sqlx::query(
                    "INSERT INTO media (id, source_hash, source_format, source_bytes, width, height, created_by, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(id),
                m,
            )
            .execute(&mut *tx)
            .await
            .db()?;
            super::media::write_files(&mut tx, *id, &m.files).await?;
        }
        follow_ids(&mut tx, "media").await?;
        tx.commit().await.db()
    }

    async fn backup_into(&self, _path: &std::path::Path) -> Result<()> {
        Err(StoreError::Unsupported(
            "a PostgreSQL site is backed up with PostgreSQL's own tools: pg_dump --format=custom \
             --file=newsdesk.dump DATABASE (restore with pg_restore --clean --if-exists --dbname=DATABASE \
             newsdesk.dump)"
                .to_owned(),
        ))
    }

    async fn put_articles(&self, articles: &[StoredArticle]) -> Result<()> {
        let mut tx = self.pool.begin().await.db()?;
        for StoredArticle { article, revisions } in articles {
            let a = &article.data;
            bind_article(sqlx::query(INSERT_ARTICLE_AS), a)
                .bind(article.created_at)
                .bind(article.version)
                .bind(article.id)
                .execute(&mut *tx)
                .await
                .map_err(slug_taken(a))?;
            write_parts(&mut tx, article.id, a, Kept::default()).await?;
            super::search::write_terms(&mut tx, article.id, &a.lang, &a.search).await?;
            super::related::write_phrases(&mut tx, article.id, &a.key_phrases).await?;
            for r in revisions {
                let (note, stored) = rows::note_of(r);
                let insert = "INSERT INTO article_revisions (article_id, number, created_at, user_id, by_name, \
                              changed, restored_from, snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
                bind_revision(sqlx::query(insert), article.id, r.info.number, &note, stored)
                    .execute(&mut *tx)
                    .await
                    .db()?;
            }
        }
        follow_ids(&mut tx, "articles").await?;
        tx.commit().await.db()
    }
}
