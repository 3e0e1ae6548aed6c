//! Related articles on PostgreSQL (migration 0021): each article's key
//! phrases in `article_phrases`, written in the article's own transaction,
//! and the look-up: for every phrase (and every tag) one scan of its partial
//! index, newest first, as a `LATERAL` join over the keys (one statement per
//! kind of key), then the cards of the best few by id. Stored lists
//! (migrations 0025, 0026): a write makes its article's own list and queues
//! the others it may change; any instance makes the queued ones, each in a
//! short transaction. Every writer of lists and of the queue holds one
//! advisory lock (`lock_lists`) for the rest of its transaction, taken after
//! its article row lock, and takes its row locks in one order: the list's
//! row in `article_related_rows`, its rows, then queue rows (in id order).

use async_trait::async_trait;
use sqlx::{AssertSqlSafe, PgConnection, Row};

use super::articles::{CARD_COLUMNS, card_from_row};
use super::{PostgresStore, visible};
use crate::related::{
    Candidate, Key, Listed, MAX_KEYS, REFRESHED, RELATED_VERSION, WINDOW, Window, changed_list, distinct,
    from_stored_list, related_article, same_list, stored_list, to_refresh,
};
use crate::{Db, KeyPhrases, QueuedLists, RelatedArticle, RelatedQuery, RelatedStore, Result, StoreError, Visibility};

/// Article `id`'s stored key phrases, best first.
async fn phrases_of(conn: &mut PgConnection, id: i64) -> Result<Vec<String>> {
    sqlx::query_scalar("SELECT phrase FROM article_phrases WHERE article_id = $1 ORDER BY position")
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .db()
}

/// Writes the key phrases of article `id` (whose row is written), replacing
/// any, inside the caller's transaction: one statement, whatever their
/// number. A phrase given twice is kept once. Phrases the same as stored,
/// in the same order (an edit that fixed a typo), are kept, their copies of
/// the row brought up to date.
pub(super) async fn write_phrases(tx: &mut PgConnection, id: i64, phrases: &KeyPhrases) -> Result<()> {
    let list: Vec<&str> = distinct(&phrases.phrases).collect();
    let stored = phrases_of(tx, id).await?;
    if stored.iter().map(String::as_str).eq(list.iter().copied()) {
        super::articles::update_copies(tx, "article_phrases", id).await?;
    } else {
        sqlx::query("DELETE FROM article_phrases WHERE article_id = $1").bind(id).execute(&mut *tx).await.db()?;
        if !list.is_empty() {
            sqlx::query(
                "INSERT INTO article_phrases (article_id, phrase, position, slug, status, published_at) \
                 SELECT a.id, t.phrase, t.position - 1, a.slug, a.status, a.published_at \
                 FROM articles a, UNNEST($2::TEXT[]) WITH ORDINALITY AS t (phrase, position) WHERE a.id = $1",
            )
            .bind(id)
            .bind(list)
            .execute(&mut *tx)
            .await
            .db()?;
        }
    }
    sqlx::query(
        "INSERT INTO article_phrase_rows (article_id, version) VALUES ($1, $2) \
         ON CONFLICT (article_id) DO UPDATE SET version = EXCLUDED.version",
    )
    .bind(id)
    .bind(i64::from(phrases.version))
    .execute(&mut *tx)
    .await
    .db()?;
    Ok(())
}

/// The columns of an article's key phrases (`key_phrases`, a JSON array
/// best first, and `phrases_version`), for the query that reads article `a`.
pub(super) const PHRASE_COLUMNS: &str = "COALESCE((SELECT json_agg(p.phrase ORDER BY p.position) \
     FROM article_phrases p WHERE p.article_id = a.id), '[]')::TEXT AS key_phrases, \
     COALESCE((SELECT r.version FROM article_phrase_rows r WHERE r.article_id = a.id), 0) AS phrases_version";

/// The key phrases read by [`PHRASE_COLUMNS`].
pub(super) fn phrases_from_row(row: &sqlx::postgres::PgRow) -> Result<KeyPhrases> {
    let json: String = row.try_get("key_phrases").db()?;
    let version: i64 = row.try_get("phrases_version").db()?;
    Ok(KeyPhrases {
        phrases: serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("key_phrases: {e}")))?,
        version: version.clamp(0, i64::from(u32::MAX)) as u32,
    })
}

/// The newest `$4` articles readers see at `$1` that share each key of
/// `$2` (an array) with article `$3`: for each key, one scan of the index of
/// `table` (its key column `column`), in its order. Gives the key's place in
/// the array (`ord`, from 1) with each article found.
pub(super) fn windows_sql(table: &str, column: &str) -> String {
    format!(
        "SELECT k.ord, d.article_id, d.published_at, d.slug \
         FROM UNNEST($2::TEXT[]) WITH ORDINALITY AS k (key, ord) \
         CROSS JOIN LATERAL (SELECT x.article_id, x.published_at, x.slug FROM {table} x \
             WHERE x.{column} = k.key AND {} AND x.article_id <> $3 \
             ORDER BY x.published_at DESC NULLS LAST, x.slug DESC LIMIT $4) d",
        visible(Visibility::PublicAt(0), "x")
    )
}

/// Article `$2`'s stored list, in its order, the articles readers see at
/// `$1` only, each with what it shows.
pub(super) fn list_sql() -> String {
    format!(
        "SELECT r.score, r.close, {CARD_COLUMNS}, a.summary_mode, a.summary_custom, \
         (SELECT s.sentences::TEXT FROM article_summaries s WHERE s.article_id = a.id ORDER BY s.length LIMIT 1) \
         AS first_summary FROM article_related r JOIN articles a ON a.id = r.related_id \
         WHERE r.article_id = $2 AND {} ORDER BY r.position",
        visible(Visibility::PublicAt(0), "a")
    )
}

/// The windows of article `id` (see the SQLite store's `windows_of`): for
/// each of its first [`MAX_KEYS`] phrases and tags, the newest [`WINDOW`]
/// other articles that are not drafts (scheduled ones too) sharing it.
async fn windows_of(conn: &mut PgConnection, id: i64) -> Result<Vec<Window>> {
    let phrases = phrases_of(conn, id).await?;
    let mut tags: Vec<String> = sqlx::query_scalar("SELECT tag_slug FROM article_tags WHERE article_id = $1")
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .db()?;
    tags.sort_unstable();
    let mut windows = Vec::new();
    for (key, table, column, keys) in
        [(Key::Phrase, "article_phrases", "phrase", &phrases), (Key::Tag, "article_tags", "tag_slug", &tags)]
    {
        let keys: Vec<&str> = distinct(keys).take(MAX_KEYS).collect();
        if keys.is_empty() {
            continue;
        }
        let rows = sqlx::query(AssertSqlSafe(windows_sql(table, column)))
            .bind(i64::MAX)
            .bind(&keys)
            .bind(id)
            .bind(WINDOW as i64)
            .fetch_all(&mut *conn)
            .await
            .db()?;
        let mut found: Vec<Vec<Candidate>> = vec![Vec::new(); keys.len()];
        for r in &rows {
            let ord: i64 = r.try_get("ord").db()?;
            let at: Option<i64> = r.try_get("published_at").db()?;
            let candidate = Candidate {
                id: r.try_get("article_id").db()?,
                published_at: at.ok_or_else(|| StoreError::Corrupt("a listed article without a time".into()))?,
                slug: r.try_get("slug").db()?,
            };
            if let Some(window) = usize::try_from(ord - 1).ok().and_then(|i| found.get_mut(i)) {
                window.push(candidate);
            }
        }
        windows.extend(keys.iter().zip(found).map(|(k, f)| Window::new(key, k, f)));
    }
    Ok(windows)
}

/// Writes `list` as article `id`'s stored list (one statement to write
/// it; its rule's version aside).
async fn write_list(conn: &mut PgConnection, id: i64, list: &[Listed]) -> Result<()> {
    sqlx::query("DELETE FROM article_related WHERE article_id = $1").bind(id).execute(&mut *conn).await.db()?;
    if !list.is_empty() {
        let ids: Vec<i64> = list.iter().map(|l| l.id).collect();
        let scores: Vec<f64> = list.iter().map(|l| l.score).collect();
        let close: Vec<bool> = list.iter().map(|l| l.close).collect();
        sqlx::query(
            "INSERT INTO article_related (article_id, position, related_id, score, close) \
             SELECT $1, t.position - 1, t.related_id, t.score, t.close \
             FROM UNNEST($2::BIGINT[], $3::DOUBLE PRECISION[], $4::BOOLEAN[]) WITH ORDINALITY \
             AS t (related_id, score, close, position) \
             WHERE EXISTS (SELECT 1 FROM articles a WHERE a.id = t.related_id)",
        )
        .bind(id)
        .bind(&ids)
        .bind(&scores)
        .bind(&close)
        .execute(&mut *conn)
        .await
        .db()?;
    }
    Ok(())
}

/// Makes and stores article `id`'s related list; returns its windows. Each
/// write of a list counts in `made` (migration 0026): a list made from a
/// read snapshot is written only if no other was since.
pub(super) async fn make_list(conn: &mut PgConnection, id: i64) -> Result<Vec<Window>> {
    let windows = windows_of(conn, id).await?;
    // The list's row first: two writers of one list wait here, in the
    // order every writer of lists takes its locks (row, list, queue).
    sqlx::query(
        "INSERT INTO article_related_rows (article_id, version, made) VALUES ($1, $2, 1) \
         ON CONFLICT (article_id) DO UPDATE SET version = EXCLUDED.version, made = article_related_rows.made + 1",
    )
    .bind(id)
    .bind(i64::from(RELATED_VERSION))
    .execute(&mut *conn)
    .await
    .db()?;
    // A list the same as stored (an edit that changed none of its keys) is
    // left as it is: rewriting it wrote an entry in the holders' index for
    // each of its articles. It counts as written all the same (`made`).
    let list = stored_list(&windows);
    if !same_list(&list, &stored_rows(conn, id).await?) {
        write_list(conn, id, &list).await?;
    }
    Ok(windows)
}

/// Article `id`'s stored list, as written.
async fn stored_rows(conn: &mut PgConnection, id: i64) -> Result<Vec<Listed>> {
    let rows: Vec<(i64, f64, bool)> =
        sqlx::query_as("SELECT related_id, score, close FROM article_related WHERE article_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await
            .db()?;
    Ok(rows.into_iter().map(|(id, score, close)| Listed { id, score, close }).collect())
}

/// The lists holding article `id` (at most [`REFRESHED`]).
pub(super) async fn holders_of(conn: &mut PgConnection, id: i64) -> Result<Vec<i64>> {
    sqlx::query_scalar("SELECT article_id FROM article_related WHERE related_id = $1 LIMIT $2")
        .bind(id)
        .bind(REFRESHED as i64)
        .fetch_all(&mut *conn)
        .await
        .db()
}

/// Queues the lists of articles `ids` to be made again (one statement, in
/// id order, so that two writers queueing the same lists never wait for
/// each other in a circle).
pub(super) async fn enqueue(conn: &mut PgConnection, ids: &[i64]) -> Result<()> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO related_queue (article_id) SELECT id FROM UNNEST($1::BIGINT[]) AS t (id) ORDER BY id \
         ON CONFLICT (article_id) DO UPDATE SET queued = nextval('related_queue_order')",
    )
    .bind(&ids)
    .execute(&mut *conn)
    .await
    .db()?;
    Ok(())
}

/// Takes the lock every writer of related lists and of their queue holds
/// until its transaction ends, after the transaction's own article row
/// lock, never before it (see migration 0025). Held for a short while now
/// (a write's own list and its queue rows; one queued list), but without it
/// parallel writers still deadlocked now and then (one of sixteen in the
/// conformance suite's parallel writes, in one CI run of three).
pub(super) async fn lock_lists(conn: &mut PgConnection) -> Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/newsdesk related lists')::BIGINT)")
        .execute(&mut *conn)
        .await
        .db()?;
    Ok(())
}

/// Before article `id` is deleted, its row locked (inside the caller's
/// transaction): its own list and its place in others removed; returns the
/// lists that held it, to queue after.
pub(super) async fn before_delete(conn: &mut PgConnection, id: i64) -> Result<Vec<i64>> {
    lock_lists(conn).await?;
    let holders = holders_of(conn, id).await?;
    for statement in [
        "DELETE FROM article_related_rows WHERE article_id = $1",
        "DELETE FROM article_related WHERE article_id = $1",
        "DELETE FROM article_related WHERE related_id = $1",
        "DELETE FROM related_queue WHERE article_id = $1",
    ] {
        sqlx::query(statement).bind(id).execute(&mut *conn).await.db()?;
    }
    Ok(holders)
}

/// After article `id` is written, inside the caller's transaction: its
/// related list made, and those of the articles it is most related to and
/// of those whose list held it queued ([`to_refresh`]).
pub(super) async fn relate(conn: &mut PgConnection, id: i64) -> Result<()> {
    lock_lists(conn).await?;
    let holders = holders_of(conn, id).await?;
    let windows = make_list(conn, id).await?;
    enqueue(conn, &to_refresh(&windows, &holders, id)).await
}

impl PostgresStore {
    /// Makes the queued list of article `id` (queued at `queued`) from what
    /// the pool reads now and writes it in a short transaction, unless its
    /// list was written since that read began; takes it off the queue.
    /// Returns its slug when its stored list changed.
    async fn remake(&self, id: i64, queued: i64) -> Result<Option<String>> {
        let mut conn = self.pool.acquire().await.db()?;
        // How many times the list was written, read first: a write of it
        // committed after this is seen by the claim below.
        let made: Option<i64> = sqlx::query_scalar("SELECT made FROM article_related_rows WHERE article_id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .db()?;
        let slug: Option<String> = sqlx::query_scalar("SELECT slug FROM articles WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .db()?;
        let mut list = None;
        if slug.is_some() {
            let new = stored_list(&windows_of(&mut conn, id).await?);
            list = changed_list(new, &stored_rows(&mut conn, id).await?, made);
        }
        drop(conn);
        let mut tx = self.pool.begin().await.db()?;
        lock_lists(&mut tx).await?;
        let mut changed = None;
        if let (Some(list), Some(slug)) = (list, slug) {
            let claimed = sqlx::query(
                "INSERT INTO article_related_rows (article_id, version, made) \
                 SELECT $1, $2, $3 + 1 WHERE EXISTS (SELECT 1 FROM articles WHERE id = $1) \
                 ON CONFLICT (article_id) DO UPDATE SET version = EXCLUDED.version, made = EXCLUDED.made \
                 WHERE article_related_rows.made = $3",
            )
            .bind(id)
            .bind(i64::from(RELATED_VERSION))
            .bind(made.unwrap_or(0))
            .execute(&mut *tx)
            .await
            .db()?
            .rows_affected()
                == 1;
            if claimed {
                write_list(&mut tx, id, &list).await?;
                changed = Some(slug);
            }
        }
        sqlx::query("DELETE FROM related_queue WHERE article_id = $1 AND queued <= $2")
            .bind(id)
            .bind(queued)
            .execute(&mut *tx)
            .await
            .db()?;
        tx.commit().await.db()?;
        Ok(changed)
    }
}

#[async_trait]
impl RelatedStore for PostgresStore {
    async fn related_articles(&self, q: &RelatedQuery) -> Result<Vec<RelatedArticle>> {
        if q.limit == 0 {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(AssertSqlSafe(list_sql())).bind(q.now).bind(q.id).fetch_all(&self.pool).await.db()?;
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
        sqlx::query_scalar(
            "SELECT a.slug FROM article_phrase_rows r JOIN articles a ON a.id = r.article_id \
             WHERE r.version <> $1 ORDER BY a.slug",
        )
        .bind(i64::from(version))
        .fetch_all(&self.pool)
        .await
        .db()
    }

    async fn write_key_phrases(&self, id: i64, version: i64, phrases: &KeyPhrases) -> Result<bool> {
        let mut tx = self.pool.begin().await.db()?;
        // The article's row is locked until the phrases are written, so a
        // write of the article waits (and then writes its own).
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM articles WHERE id = $1 AND version = $2 FOR UPDATE")
                .bind(id)
                .bind(version)
                .fetch_optional(&mut *tx)
                .await
                .db()?;
        if found.is_none() {
            return Ok(false);
        }
        write_phrases(&mut tx, id, phrases).await?;
        relate(&mut tx, id).await?;
        tx.commit().await.db()?;
        Ok(true)
    }

    async fn make_queued_related_lists(&self, limit: usize) -> Result<QueuedLists> {
        let queued: Vec<(i64, i64)> =
            sqlx::query_as("SELECT article_id, queued FROM related_queue ORDER BY queued LIMIT $1")
                .bind(limit.min(i64::MAX as usize) as i64)
                .fetch_all(&self.pool)
                .await
                .db()?;
        let mut done = QueuedLists { taken: queued.len(), changed: Vec::new() };
        for (id, queued) in queued {
            if let Some(slug) = self.remake(id, queued).await? {
                done.changed.push(slug);
            }
        }
        Ok(done)
    }

    async fn queued_related_lists(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM related_queue").fetch_one(&self.pool).await.db()?;
        Ok(n.max(0) as u64)
    }

    async fn stale_related_lists(&self, version: u32) -> Result<Vec<String>> {
        sqlx::query_scalar(
            "SELECT a.slug FROM article_related_rows r JOIN articles a ON a.id = r.article_id \
             WHERE r.version <> $1 ORDER BY a.slug",
        )
        .bind(i64::from(version))
        .fetch_all(&self.pool)
        .await
        .db()
    }

    async fn make_related_list(&self, slug: &str) -> Result<bool> {
        let mut tx = self.pool.begin().await.db()?;
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM articles WHERE slug = $1 FOR UPDATE")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await
            .db()?;
        let Some(id) = id else { return Ok(false) };
        lock_lists(&mut tx).await?;
        make_list(&mut tx, id).await?;
        tx.commit().await.db()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::ConnectOptions;
    use sqlx::postgres::PgConnectOptions;

    use super::*;
    use crate::testing::{TestDatabase, conformance::article};
    use crate::{ArticleStore as _, Backend as _, Status};

    /// The look-ups are index scans in order: (when an article is written)
    /// for each phrase a scan of `article_phrases_public`, for each tag of
    /// `article_tags_public`; (when a reader asks) the stored list by its
    /// primary key and the cards by the articles' primary key; no sort, no scan of a whole
    /// table, among 20,000 other phrase rows. (Seq scans, bitmap scans and
    /// sorts are switched off, so a query no index fits shows one.)
    #[tokio::test]
    async fn related_look_ups_are_index_scans() {
        let Some(db) = TestDatabase::postgres("related_plans").await else { return };
        let store = PostgresStore::open(db.location()).await.unwrap();
        for i in 0..300 {
            let status = [Status::Published, Status::Draft, Status::Scheduled][i % 3];
            let mut a = article(&format!("a{i}"), status, Some(i as i64 * 10), "World", &["x", "y"], &["Ann"]);
            a.key_phrases = KeyPhrases { phrases: vec![format!("p{}", i % 7), "common".into()], version: 1 };
            store.create_article(&a).await.unwrap();
        }
        let mut conn = PgConnectOptions::from_str(db.location()).unwrap().connect().await.unwrap();
        sqlx::raw_sql(
            "INSERT INTO article_phrases (article_id, phrase, position, slug, status, published_at) \
             SELECT a.id, 'bulk-' || g, 100 + g, a.slug, a.status, a.published_at \
             FROM generate_series(1, 20000) AS g JOIN articles a ON a.slug = 'a' || (g % 300)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        for sql in ["ANALYZE", "SET enable_seqscan = off", "SET enable_bitmapscan = off", "SET enable_sort = off"] {
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
        }
        let explain = async |conn: &mut PgConnection, sql: String, keys: Vec<String>| -> String {
            let plan: serde_json::Value = sqlx::query(AssertSqlSafe(format!("EXPLAIN (FORMAT JSON) {sql}")))
                .bind(2000i64)
                .bind(keys)
                .bind(1i64)
                .bind(WINDOW as i64)
                .fetch_one(conn)
                .await
                .unwrap()
                .get(0);
            plan.to_string()
        };
        let keys = vec!["p1".to_owned(), "common".to_owned()];
        let phrases = explain(&mut conn, windows_sql("article_phrases", "phrase"), keys).await;
        let tags = explain(&mut conn, windows_sql("article_tags", "tag_slug"), vec!["x".into(), "y".into()]).await;
        let list: serde_json::Value = sqlx::query(AssertSqlSafe(format!("EXPLAIN (FORMAT JSON) {}", list_sql())))
            .bind(2000i64)
            .bind(1i64)
            .fetch_one(&mut conn)
            .await
            .unwrap()
            .get(0);
        for (name, text, index) in [
            ("phrases", phrases, "article_phrases_public"),
            ("tags", tags, "article_tags_public"),
            ("list", list.to_string(), "article_related_pkey"),
            ("list's cards", list.to_string(), "articles_pkey"),
        ] {
            assert!(text.contains(&format!("\"Index Name\":\"{index}\"")), "{name} does not use {index}: {text}");
            for bad in ["\"Node Type\":\"Sort\"", "\"Node Type\":\"Seq Scan\"", "\"Node Type\":\"Bitmap Heap Scan\""] {
                assert!(!text.contains(bad), "{name} has a {bad}: {text}");
            }
        }
        store.close().await;
    }

    /// An edit that writes an article's tags, authors, key phrases and
    /// related list the same leaves their rows where they are (the same
    /// `ctid`: neither deleted and inserted nor updated); rows that change
    /// are written again. (That the kept rows still follow the article's
    /// slug, status and time is the conformance check
    /// `edits_that_keep_names_follow_the_article`.)
    #[tokio::test]
    async fn an_edit_that_keeps_the_parts_leaves_their_rows() {
        let Some(db) = TestDatabase::postgres("kept_parts").await else { return };
        let store = PostgresStore::open(db.location()).await.unwrap();
        let phrases = KeyPhrases { phrases: vec!["harbour".into(), "storm".into()], version: 1 };
        for (slug, at) in [("b", 5), ("c", 6)] {
            let mut other = article(slug, Status::Published, Some(at), "World", &[], &[]);
            other.key_phrases = phrases.clone();
            store.create_article(&other).await.unwrap();
        }
        let mut a = article("a", Status::Published, Some(10), "World", &["Rain", "Wind"], &["Ann", "Bob"]);
        a.key_phrases = phrases.clone();
        let id = store.create_article(&a).await.unwrap().id;
        let mut conn = PgConnectOptions::from_str(db.location()).unwrap().connect().await.unwrap();
        let mut rows = async || -> [String; 4] {
            let mut parts = Vec::new();
            for (table, order) in [
                ("article_tags", "tag_slug"),
                ("article_authors", "author_slug"),
                ("article_phrases", "position"),
                ("article_related", "position"),
            ] {
                let sql = format!(
                    "SELECT COALESCE(string_agg(ctid::TEXT, ' ' ORDER BY {order}), '') FROM {table} WHERE article_id = $1"
                );
                parts.push(sqlx::query_scalar(AssertSqlSafe(sql)).bind(id).fetch_one(&mut conn).await.unwrap());
            }
            parts.try_into().unwrap()
        };
        let before = rows().await;
        assert!(before.iter().all(|p| !p.is_empty()), "{before:?}");
        // A typo fixed, at the same update time (a later one makes the
        // trigger copy it to the author rows, an update of each).
        a.body_md = "A typo, fixed.".into();
        store.update_article(id, 1, &a).await.unwrap();
        assert_eq!(rows().await, before);
        a.tags.reverse();
        a.authors.reverse();
        a.key_phrases.phrases.reverse();
        store.update_article(id, 2, &a).await.unwrap();
        let after = rows().await;
        let kept: Vec<bool> = before.iter().zip(&after).map(|(b, a)| b == a).collect();
        // Reordered tags and authors are the same set: kept; the phrases'
        // order counts: written again (their list is the same: kept).
        assert_eq!(kept, [true, true, false, true], "{before:?} -> {after:?}");
        // Tag rows kept while the article moves are updated (copies).
        a.published_at = Some(20);
        store.update_article(id, 3, &a).await.unwrap();
        let moved = rows().await;
        assert_ne!(moved[0], after[0]);
        store.close().await;
    }
}
