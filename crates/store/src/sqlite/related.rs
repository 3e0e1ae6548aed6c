//! Related articles: each article's key phrases in `article_phrases`
//! (migration 0021), written in the article's own transaction, and the
//! look-up: one range of one index per phrase and per tag, then the cards of
//! the best few by id.

use async_trait::async_trait;
use sqlx::Row;

use super::listing::{Bound, card_from_row};
use super::{SqliteStore, begin_write, sql};
use crate::related::{
    Candidate, Key, MAX_KEYS, REFRESHED, RELATED_VERSION, WINDOW, Window, distinct, from_stored_list, related_article,
    stored_list, to_refresh,
};
use crate::{Db, KeyPhrases, RelatedArticle, RelatedQuery, RelatedStore, Result, StoreError};

/// Writes the key phrases of article `id` (whose row is written), replacing
/// any, inside the caller's transaction. A phrase given twice is kept once.
pub(super) async fn write_phrases(tx: &mut sqlx::SqliteConnection, id: i64, phrases: &KeyPhrases) -> Result<()> {
    sqlx::query(sql::DELETE_PHRASES).bind(id).execute(&mut *tx).await.db()?;
    for (position, phrase) in distinct(&phrases.phrases).enumerate() {
        sqlx::query(sql::INSERT_PHRASE).bind(id).bind(phrase).bind(position as i64).execute(&mut *tx).await.db()?;
    }
    sqlx::query(sql::UPSERT_PHRASE_ROW).bind(id).bind(i64::from(phrases.version)).execute(&mut *tx).await.db()?;
    Ok(())
}

/// The key phrases of article `id`, read on `conn`.
pub(super) async fn read_phrases(conn: &mut sqlx::SqliteConnection, id: i64) -> Result<KeyPhrases> {
    let phrases: Vec<String> = sqlx::query_scalar(sql::PHRASES_OF).bind(id).fetch_all(&mut *conn).await.db()?;
    let version: Option<i64> =
        sqlx::query_scalar(sql::PHRASE_VERSION_OF).bind(id).fetch_optional(&mut *conn).await.db()?;
    Ok(KeyPhrases { phrases, version: version.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32 })
}

/// The windows of article `id`: for each of its first [`MAX_KEYS`] phrases
/// and tags, the newest [`WINDOW`] other articles readers see or will see
/// (drafts never; scheduled ones are kept, and shown from their time) that
/// share it.
async fn windows_of(conn: &mut sqlx::SqliteConnection, id: i64) -> Result<Vec<Window>> {
    let phrases: Vec<String> = sqlx::query_scalar(sql::PHRASES_OF).bind(id).fetch_all(&mut *conn).await.db()?;
    let mut tags: Vec<String> = sqlx::query_scalar(sql::TAGS_OF).bind(id).fetch_all(&mut *conn).await.db()?;
    tags.sort_unstable();
    let bound = Bound::now(i64::MAX);
    let keys = distinct(&phrases)
        .take(MAX_KEYS)
        .map(|k| (Key::Phrase, k))
        .chain(distinct(&tags).take(MAX_KEYS).map(|k| (Key::Tag, k)));
    let mut windows = Vec::new();
    for (key, value) in keys {
        let statement = match key {
            Key::Phrase => sql::RELATED_BY_PHRASE,
            Key::Tag => sql::RELATED_BY_TAG,
        };
        let rows = sqlx::query(statement)
            .bind(bound.at)
            .bind(bound.slug.as_str())
            .bind(value)
            .bind(id)
            .bind(WINDOW as i64)
            .fetch_all(&mut *conn)
            .await
            .db()?;
        let found = rows
            .iter()
            .map(|r| {
                let at: Option<i64> = r.try_get("published_at").db()?;
                Ok(Candidate {
                    id: r.try_get("article_id").db()?,
                    published_at: at.ok_or_else(|| StoreError::Corrupt("a listed article without a time".into()))?,
                    slug: r.try_get("slug").db()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        windows.push(Window::new(key, value, found));
    }
    Ok(windows)
}

/// Makes and stores article `id`'s related list; returns its windows.
pub(super) async fn make_list(conn: &mut sqlx::SqliteConnection, id: i64) -> Result<Vec<Window>> {
    let windows = windows_of(conn, id).await?;
    sqlx::query(sql::DELETE_RELATED).bind(id).execute(&mut *conn).await.db()?;
    let list = stored_list(&windows);
    if !list.is_empty() {
        let json: Vec<(i64, f64, bool)> = list.iter().map(|l| (l.id, l.score, l.close)).collect();
        let json = serde_json::to_string(&json).map_err(|e| StoreError::Corrupt(format!("related list: {e}")))?;
        sqlx::query(sql::INSERT_RELATED).bind(id).bind(json).execute(&mut *conn).await.db()?;
    }
    sqlx::query(sql::UPSERT_RELATED_ROW).bind(id).bind(i64::from(RELATED_VERSION)).execute(&mut *conn).await.db()?;
    Ok(windows)
}

/// The lists holding article `id` (at most [`REFRESHED`]).
async fn holders_of(conn: &mut sqlx::SqliteConnection, id: i64) -> Result<Vec<i64>> {
    sqlx::query_scalar(sql::RELATED_HOLDERS).bind(id).bind(REFRESHED as i64).fetch_all(&mut *conn).await.db()
}

/// After article `id` (whose row, phrases and tags are written) is
/// written, inside the caller's transaction: its related list, and those
/// of the articles it is most related to and of those whose list held it
/// (see [`to_refresh`]).
pub(super) async fn relate(conn: &mut sqlx::SqliteConnection, id: i64) -> Result<()> {
    let holders = holders_of(conn, id).await?;
    let windows = make_list(conn, id).await?;
    for other in to_refresh(&windows, &holders, id) {
        make_list(conn, other).await?;
    }
    Ok(())
}

/// Before article `id` is deleted (inside the caller's transaction): the
/// lists that hold it, to make again after (see [`relate_after_delete`]).
pub(super) async fn before_delete(conn: &mut sqlx::SqliteConnection, id: i64) -> Result<Vec<i64>> {
    holders_of(conn, id).await
}

/// After an article is deleted: the lists that held it made again.
pub(super) async fn relate_after_delete(conn: &mut sqlx::SqliteConnection, holders: &[i64]) -> Result<()> {
    for &other in holders {
        make_list(conn, other).await?;
    }
    Ok(())
}

#[async_trait]
impl RelatedStore for SqliteStore {
    async fn related_articles(&self, q: &RelatedQuery) -> Result<Vec<RelatedArticle>> {
        if q.limit == 0 {
            return Ok(Vec::new());
        }
        let bound = Bound::now(q.now);
        let rows = sqlx::query(sql::RELATED_LIST)
            .bind(bound.at)
            .bind(bound.slug.as_str())
            .bind(q.id)
            .fetch_all(&self.pool)
            .await
            .db()?;
        from_stored_list(
            &rows,
            q.limit,
            |r| Ok((r.try_get("score").db()?, r.try_get("close").db()?)),
            |r, score| {
                let (mode, custom, first) = (
                    r.try_get("summary_mode").db()?,
                    r.try_get("summary_custom").db()?,
                    r.try_get("first_summary").db()?,
                );
                related_article(card_from_row(r)?, mode, custom, first, score)
            },
        )
    }

    async fn stale_key_phrases(&self, version: u32) -> Result<Vec<String>> {
        let mut slugs: Vec<String> =
            sqlx::query_scalar(sql::STALE_PHRASES).bind(i64::from(version)).fetch_all(&self.pool).await.db()?;
        slugs.sort_unstable();
        Ok(slugs)
    }

    async fn write_key_phrases(&self, id: i64, version: i64, phrases: &KeyPhrases) -> Result<bool> {
        let mut tx = begin_write(&self.writer).await?;
        let lang: Option<String> =
            sqlx::query_scalar(sql::LANG_AT_VERSION).bind(id).bind(version).fetch_optional(&mut *tx).await.db()?;
        if lang.is_none() {
            return Ok(false);
        }
        write_phrases(&mut tx, id, phrases).await?;
        relate(&mut tx, id).await?;
        tx.commit().await.db()?;
        Ok(true)
    }

    async fn stale_related_lists(&self, version: u32) -> Result<Vec<String>> {
        let mut slugs: Vec<String> =
            sqlx::query_scalar(sql::STALE_RELATED).bind(i64::from(version)).fetch_all(&self.pool).await.db()?;
        slugs.sort_unstable();
        Ok(slugs)
    }

    async fn make_related_list(&self, slug: &str) -> Result<bool> {
        let mut tx = begin_write(&self.writer).await?;
        let id: Option<i64> = sqlx::query_scalar(sql::ID_OF_SLUG).bind(slug).fetch_optional(&mut *tx).await.db()?;
        let Some(id) = id else { return Ok(false) };
        make_list(&mut tx, id).await?;
        tx.commit().await.db()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ArticleStore as _, Backend as _, Status};

    /// A database made before key phrases were kept (migration 0021) has
    /// its articles listed as stale, to get their phrases at start; the
    /// copies in `article_phrases` follow a change of the article's row.
    #[tokio::test]
    async fn articles_from_before_key_phrases_are_stale() {
        let db = super::super::tests::TempDb::new("phrases-upgrade");
        let s = SqliteStore::open(&db.path()).await.unwrap();
        let mut kept = super::super::articles::tests::sample("kept", Status::Published, Some(10));
        kept.key_phrases = KeyPhrases { phrases: vec!["harbour".into()], version: 1 };
        s.create_article(&kept).await.unwrap();
        for undo in sql::BEFORE_0021 {
            sqlx::query(*undo).execute(&s.pool).await.unwrap();
        }
        s.close().await;
        let s = SqliteStore::open(&db.path()).await.unwrap();
        assert_eq!(s.stale_key_phrases(1).await.unwrap(), ["kept"]);
        assert_eq!(s.stale_related_lists(crate::RELATED_VERSION).await.unwrap(), ["kept"]);
        let a = s.article("kept", crate::Visibility::All).await.unwrap().unwrap();
        assert_eq!(a.key_phrases, KeyPhrases::default());
        assert!(
            s.write_key_phrases(a.id, a.version, &KeyPhrases { phrases: vec!["harbour".into()], version: 1 })
                .await
                .unwrap()
        );
        assert!(s.stale_key_phrases(1).await.unwrap().is_empty());
        // Its related list: made at start (made again with the phrases above).
        assert!(s.stale_related_lists(crate::RELATED_VERSION).await.unwrap().is_empty());
        s.close().await;
    }

    /// The copy of the article's slug, status and time in its phrase rows
    /// follows its row, however the row is changed (a trigger).
    #[tokio::test]
    async fn phrase_rows_follow_their_article() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        let mut a = super::super::articles::tests::sample("a", Status::Published, Some(10));
        a.key_phrases = KeyPhrases { phrases: vec!["harbour".into()], version: 1 };
        let a = s.create_article(&a).await.unwrap();
        let mut b = super::super::articles::tests::sample("b", Status::Published, Some(20));
        b.key_phrases = a.key_phrases.clone();
        let b = s.create_article(&b).await.unwrap();
        let q = RelatedQuery { id: b.id, now: 100, limit: 5 };
        assert_eq!(s.related_articles(&q).await.unwrap()[0].card.slug, "a");
        // Straight to the row, as no store method does: the trigger keeps
        // the copy, and the stored list is read by the visibility of the
        // article's row.
        sqlx::query(sql::DRAFT_ROW).bind(a.id).execute(&s.pool).await.unwrap();
        assert!(s.related_articles(&q).await.unwrap().is_empty());
    }
}
