//! Moving a whole site (`TransferStore`): records read in bulk by id and
//! written back with their ids, in the statements of `sql.rs`.

use async_trait::async_trait;
use sqlx::Row;

use super::articles::{Kept, article_params, load_in, slug_taken, write_body, write_parts};
use super::direct::Direct as _;
use super::{SqliteStore, begin_write, sql};
use crate::media::bind_media;
use crate::transfer::{SignInFailure, StoredArticle, StoredMedia, TABLES, TransferStore, rows};
use crate::{Db, Result, Revision, Session, StoreError, TokenInfo, User, Visibility};

/// The revisions of article `id`, oldest first, read on `conn`.
async fn revisions_in(conn: &mut sqlx::SqliteConnection, id: i64) -> Result<Vec<Revision>> {
    let rows = sqlx::query(sql::ALL_REVISIONS_OF).bind(id).fetch_all(&mut *conn).await.db()?;
    rows.iter().map(rows::revision).collect()
}

#[async_trait]
impl TransferStore for SqliteStore {
    async fn table_counts(&self) -> Result<Vec<(&'static str, u64)>> {
        let row = sqlx::query(sql::TABLE_COUNTS).fetch_one(&self.pool).await.db()?;
        TABLES.iter().enumerate().map(|(i, t)| Ok((*t, row.try_get::<i64, _>(i).db()?.max(0) as u64))).collect()
    }

    async fn clear_site(&self) -> Result<()> {
        let mut tx = begin_write(self.writer.pool()).await?;
        for statement in [
            sql::CLEAR_SESSIONS,
            sql::CLEAR_ARTICLES,
            sql::CLEAR_MEDIA,
            sql::CLEAR_USERS,
            sql::CLEAR_TOKENS,
            sql::CLEAR_ALL_FAILURES,
        ] {
            sqlx::query(statement).execute(&mut *tx).await.db()?;
        }
        tx.commit().await.db()
    }

    async fn articles_after(&self, after: i64, limit: u32) -> Result<Vec<StoredArticle>> {
        let mut tx = self.pool.begin().await.db()?;
        let ids: Vec<(i64, String)> =
            sqlx::query_as(sql::ARTICLE_IDS_AFTER).bind(after).bind(i64::from(limit)).fetch_all(&mut *tx).await.db()?;
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
        let rows = sqlx::query(sql::MEDIA_AFTER).bind(after).bind(i64::from(limit)).fetch_all(&mut *tx).await.db()?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.try_get("id").db()?;
            let files = sqlx::query(sql::MEDIA_FILES_OF).bind(id).fetch_all(&mut *tx).await.db()?;
            let files = files.iter().map(rows::media_file).collect::<Result<Vec<_>>>()?;
            out.push(rows::media(&r, files)?);
        }
        tx.commit().await.db()?;
        Ok(out)
    }

    async fn all_sessions(&self) -> Result<Vec<Session>> {
        let rows = sqlx::query(sql::ALL_SESSIONS).fetch_all(&self.pool).await.db()?;
        rows.iter().map(rows::session).collect()
    }

    async fn all_sign_in_failures(&self) -> Result<Vec<SignInFailure>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(sql::ALL_FAILURES).fetch_all(&self.pool).await.db()?;
        Ok(rows.into_iter().map(|(key, at)| SignInFailure { key, at }).collect())
    }

    async fn put_users(&self, users: &[User]) -> Result<()> {
        let mut tx = begin_write(self.writer.pool()).await?;
        for u in users {
            sqlx::query(sql::INSERT_USER_AS)
                .bind(u.id)
                .bind(&u.name)
                .bind(&u.display_name)
                .bind(&u.email)
                .bind(u.role.as_str())
                .bind(&u.password_hash)
                .bind(i64::from(u.disabled))
                .bind(u.created_at)
                .bind(u.updated_at)
                .execute(&mut *tx)
                .await
                .db()?;
        }
        tx.commit().await.db()
    }

    async fn put_tokens(&self, tokens: &[TokenInfo]) -> Result<()> {
        let mut tx = begin_write(self.writer.pool()).await?;
        for t in tokens {
            sqlx::query(sql::INSERT_TOKEN_AS)
                .bind(t.id)
                .bind(&t.name)
                .bind(&t.hash)
                .bind(t.created_at)
                .bind(t.revoked_at)
                .execute(&mut *tx)
                .await
                .db()?;
        }
        tx.commit().await.db()
    }

    async fn put_sessions(&self, sessions: &[Session]) -> Result<()> {
        let mut tx = begin_write(self.writer.pool()).await?;
        for s in sessions {
            sqlx::query(sql::INSERT_SESSION)
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
        let mut tx = begin_write(self.writer.pool()).await?;
        for f in failures {
            sqlx::query(sql::INSERT_FAILURE).bind(&f.key).bind(f.at).execute(&mut *tx).await.db()?;
        }
        tx.commit().await.db()
    }

    async fn put_media_as_stored(&self, media: &[StoredMedia]) -> Result<()> {
        let mut tx = begin_write(self.writer.pool()).await?;
        for StoredMedia { id, media: m } in media {
            bind_media(sqlx::query(sql::INSERT_MEDIA_AS).bind(id), m).execute(&mut *tx).await.db()?;
            super::media::write_files(&mut tx, *id, &m.files).await?;
        }
        tx.commit().await.db()
    }

    async fn backup_into(&self, path: &std::path::Path) -> Result<()> {
        if path.exists() {
            return Err(StoreError::Conflict(format!("{} exists", path.display())));
        }
        let text = path.to_str().ok_or_else(|| StoreError::CannotOpen(format!("{}: not UTF-8", path.display())))?;
        sqlx::query(sql::BACKUP_INTO).bind(text).execute(&self.pool).await.db()?;
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path).read_only(true);
        let mut copy = sqlx::ConnectOptions::connect(&options).await.db()?;
        let verdict: Vec<String> = sqlx::query_scalar(sql::INTEGRITY_CHECK).fetch_all(&mut copy).await.db()?;
        sqlx::Connection::close(copy).await.db()?;
        if verdict != ["ok"] {
            return Err(StoreError::Corrupt(format!(
                "the copy {} fails its check: {}",
                path.display(),
                verdict.join("; ")
            )));
        }
        Ok(())
    }

    async fn put_articles(&self, articles: &[StoredArticle]) -> Result<()> {
        let (writer, articles) = (self.writer.clone(), articles.to_vec());
        self.writes
            .run(async move {
                writer
                    .transaction(|tx| {
                        for StoredArticle { article, revisions } in &articles {
                            let a = &article.data;
                            let mut params = article_params(a);
                            params.push(Box::new(article.created_at));
                            params.push(Box::new(article.version));
                            params.push(Box::new(article.id));
                            tx.prepare_cached(sql::INSERT_ARTICLE_AS)
                                .direct()?
                                .execute(rusqlite::params_from_iter(params))
                                .map_err(slug_taken(a))?;
                            write_body(tx, sql::INSERT_BODY, article.id, a)?;
                            write_parts(tx, article.id, a, Kept::default())?;
                            super::search::write_terms(tx, article.id, &a.lang, &a.search)?;
                            super::related::write_phrases(tx, article.id, &a.key_phrases)?;
                            for r in revisions {
                                let (note, stored) = rows::note_of(r);
                                super::revisions::insert_revision(tx, article.id, r.info.number, &note, stored)?;
                            }
                        }
                        Ok(())
                    })
                    .await
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table of the schema is copied (one of [`TABLES`]) or made
    /// again by writing: the list counts (triggers), the full-text index
    /// and its shadow tables (from the search terms), the related lists
    /// (`newsdesk migrate` makes them once every article is copied) and their queue, and the bookkeeping
    /// of migrations. A table added by a later migration fails this test
    /// until `TransferStore` copies it or it is named here.
    #[tokio::test]
    async fn every_table_is_copied_or_derived() {
        const DERIVED: &[&str] = &[
            "list_counts",
            "list_weeks",
            "article_search",
            "article_related",
            "article_related_rows",
            "related_queue",
            "_sqlx_migrations",
        ];
        let store = SqliteStore::open(":memory:").await.unwrap();
        let names: Vec<String> = sqlx::query_scalar(sql::SCHEMA_TABLES).fetch_all(&store.pool).await.unwrap();
        assert!(names.len() > TABLES.len(), "{names:?}");
        let left_out: Vec<&String> = names
            .iter()
            .filter(|n| {
                let copied = if n.as_str() == "article_search_rows" { "article_search" } else { n.as_str() };
                // FTS5's shadow tables: article_search_data, _idx, _docsize, _config.
                let shadow = n.starts_with("article_search_") && n.as_str() != "article_search_rows";
                !TABLES.contains(&copied) && !DERIVED.contains(&n.as_str()) && !shadow && !n.starts_with("sqlite_")
            })
            .collect();
        assert!(left_out.is_empty(), "tables neither copied nor derived: {left_out:?}");
    }
}
