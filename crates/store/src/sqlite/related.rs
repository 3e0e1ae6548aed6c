//! Related articles: each article's key phrases in `article_phrases`
//! (migration 0021), written in the article's own transaction, and the
//! look-up: one range of one index per phrase and per tag, then the cards of
//! the best few by id.

use async_trait::async_trait;
use sqlx::Row;

use rusqlite::params;

use super::articles::{lang_at_version, run};
use super::direct::{self, Direct as _, Tx, Undo};
use super::listing::{Bound, card_from_row};
use super::{SqliteStore, sql};
use crate::related::{
    Candidate, Key, Listed, MAX_KEYS, REFRESHED, RELATED_VERSION, WINDOW, Window, changed_list, distinct,
    from_stored_list, related_article, same_list, stored_list, to_refresh,
};
use crate::{Db, KeyPhrases, QueuedLists, RelatedArticle, RelatedQuery, RelatedStore, Result, StoreError};

/// Writes the key phrases of article `id` (whose row is written), replacing
/// any, inside the caller's transaction. A phrase given twice is kept once.
/// Phrases the same as stored, in the same order (an edit that fixed a
/// typo), are left as they are: rewriting them touched a page of the
/// phrases' index for each, some ten pages of the log per edit.
pub(super) fn write_phrases(tx: &Tx<'_>, id: i64, phrases: &KeyPhrases) -> Result<()> {
    let new: Vec<&str> = distinct(&phrases.phrases).collect();
    let stored: Vec<String> = direct::column(tx, sql::PHRASES_OF, params![id])?;
    if !stored.iter().map(String::as_str).eq(new.iter().copied()) {
        run(tx, sql::DELETE_PHRASES, params![id])?;
        run(tx, sql::INSERT_PHRASES, params![id, super::articles::to_json(&new)])?;
    }
    run(tx, sql::UPSERT_PHRASE_ROW, params![id, i64::from(phrases.version)])?;
    Ok(())
}

/// The windows of article `id`: for each of its first [`MAX_KEYS`] phrases
/// and tags, the newest [`WINDOW`] other articles readers see or will see
/// (drafts never; scheduled ones are kept, and shown from their time) that
/// share it. Three statements, whatever the number of keys (the windows in
/// one, `sql::related_windows`), inside the caller's transaction.
fn windows_of(tx: &Tx<'_>, id: i64) -> Result<Vec<Window>> {
    let phrases: Vec<String> = direct::column(tx, sql::PHRASES_OF, params![id])?;
    let tags: Vec<String> = direct::column(tx, sql::TAGS_OF, params![id])?;
    let keys = WindowKeys::of(&phrases, tags);
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (at, slug, args) = keys.args();
    let mut statement = tx.prepare_cached(sql::related_windows()).direct()?;
    statement.raw_bind_parameter(1, at).direct()?;
    statement.raw_bind_parameter(2, slug.as_str()).direct()?;
    statement.raw_bind_parameter(3, id).direct()?;
    statement.raw_bind_parameter(4, WINDOW as i64).direct()?;
    for (i, key) in args.iter().enumerate() {
        statement.raw_bind_parameter(5 + i, *key).direct()?;
    }
    let mut rows = statement.raw_query();
    let row = rows.next().direct()?.ok_or_else(|| StoreError::Corrupt("related windows: no row".into()))?;
    let json: String = row.get(0).direct()?;
    keys.windows(&json)
}

/// The keys of an article's windows: its first [`MAX_KEYS`] distinct key
/// phrases (best first) and tag slugs (in order).
struct WindowKeys<'k> {
    phrases: Vec<&'k str>,
    tags: Vec<String>,
}

impl<'k> WindowKeys<'k> {
    fn of(phrases: &'k [String], mut tags: Vec<String>) -> WindowKeys<'k> {
        tags.sort_unstable();
        tags.dedup();
        tags.truncate(MAX_KEYS);
        WindowKeys { phrases: distinct(phrases).take(MAX_KEYS).collect(), tags }
    }

    fn is_empty(&self) -> bool {
        self.phrases.is_empty() && self.tags.is_empty()
    }

    /// The arguments of `sql::related_windows()` but the article's id and
    /// the window's size: `?1` and `?2` (the visibility bound), and `?5`
    /// on (each key in its place, NULL where there is none).
    fn args(&self) -> (i64, String, Vec<Option<&str>>) {
        let bound = Bound::now(i64::MAX);
        let mut keys = Vec::with_capacity(2 * MAX_KEYS);
        for k in 0..MAX_KEYS {
            keys.push(self.phrases.get(k).copied());
        }
        for k in 0..MAX_KEYS {
            keys.push(self.tags.get(k).map(String::as_str));
        }
        (bound.at, bound.slug, keys)
    }

    /// The windows from the statement's `found` column.
    fn windows(&self, json: &str) -> Result<Vec<Window>> {
        let rows: Vec<(i64, i64, Option<i64>, String)> =
            serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("related windows: {e}")))?;
        let mut found: Vec<Vec<Candidate>> = vec![Vec::new(); 2 * MAX_KEYS];
        for (k, id, at, slug) in rows {
            let at = at.ok_or_else(|| StoreError::Corrupt("a listed article without a time".into()))?;
            if let Some(window) = usize::try_from(k).ok().and_then(|k| found.get_mut(k)) {
                window.push(Candidate { id, published_at: at, slug });
            }
        }
        // Newest first, as each range was read (an aggregate's input order is
        // not promised).
        for window in &mut found {
            window.sort_by(|a, b| (b.published_at, &b.slug).cmp(&(a.published_at, &a.slug)));
        }
        let tag_found = found.split_off(MAX_KEYS);
        let phrase_windows = found.into_iter().zip(&self.phrases).map(|(f, k)| Window::new(Key::Phrase, k, f));
        let tag_windows = tag_found.into_iter().zip(&self.tags).map(|(f, k)| Window::new(Key::Tag, k, f));
        Ok(phrase_windows.chain(tag_windows).collect())
    }
}

/// The windows of an article with key phrases `phrases` (best first) and
/// tag slugs `tags` (see [`windows_of`]), other than article `id` (0 for
/// one not stored yet), read on `conn`: one statement.
async fn windows_of_keys(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    phrases: &[String],
    tags: Vec<String>,
) -> Result<Vec<Window>> {
    let keys = WindowKeys::of(phrases, tags);
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let (at, slug, args) = keys.args();
    let mut query = sqlx::query(sql::related_windows()).bind(at).bind(slug.as_str()).bind(id).bind(WINDOW as i64);
    for key in args {
        query = query.bind(key);
    }
    let json: String = query.fetch_one(&mut *conn).await.db()?.try_get("found").db()?;
    keys.windows(&json)
}

/// Writes `list` as article `id`'s stored list (its rule's version aside).
fn write_list(tx: &Tx<'_>, id: i64, list: &[Listed]) -> Result<()> {
    run(tx, sql::DELETE_RELATED, params![id])?;
    if !list.is_empty() {
        let json: Vec<(i64, f64, bool)> = list.iter().map(|l| (l.id, l.score, l.close)).collect();
        let json = serde_json::to_string(&json).map_err(|e| StoreError::Corrupt(format!("related list: {e}")))?;
        run(tx, sql::INSERT_RELATED, params![id, json])?;
    }
    Ok(())
}

/// Makes and stores article `id`'s related list; returns its windows.
fn make_list(tx: &Tx<'_>, id: i64) -> Result<Vec<Window>> {
    let windows = windows_of(tx, id)?;
    store_list(tx, id, &windows)?;
    Ok(windows)
}

/// Stores article `id`'s related list as ranked from `windows`; a list the
/// same as stored (an edit that changed none of its keys) is left as it is
/// (rewriting it touched a page of the holders' index for each entry), and
/// counts as written all the same.
fn store_list(tx: &Tx<'_>, id: i64, windows: &[Window]) -> Result<()> {
    let list = stored_list(windows);
    if !same_list(&list, &stored_rows(tx, id)?) {
        write_list(tx, id, &list)?;
    }
    run(tx, sql::UPSERT_RELATED_ROW, params![id, i64::from(RELATED_VERSION)])?;
    Ok(())
}

/// Article `id`'s stored list, as written.
fn stored_rows(tx: &Tx<'_>, id: i64) -> Result<Vec<Listed>> {
    direct::rows(tx, sql::STORED_RELATED, params![id], |r| {
        Ok(Listed { id: r.get(0)?, score: r.get(1)?, close: r.get(2)? })
    })
}

/// What a write of an article needs for its related lists, read before
/// its write transaction on a read connection (so that the one writer is
/// held only to store them): its windows, by the keys it is written with,
/// and the lists holding it.
pub(super) struct Relating {
    windows: Vec<Window>,
    holders: Vec<i64>,
}

impl SqliteStore {
    /// [`Relating`] for `article`, stored as article `id` (`None`: new).
    /// Articles written meanwhile by others are missed by its list only
    /// until one of them queues it.
    pub(super) async fn relating(&self, id: Option<i64>, article: &crate::NewArticle) -> Result<Relating> {
        let mut conn = self.pool.acquire().await.db()?;
        let tags = article.tags.iter().map(|t| t.slug.clone()).collect();
        let windows = windows_of_keys(&mut conn, id.unwrap_or(0), &article.key_phrases.phrases, tags).await?;
        let holders = match id {
            Some(id) => sqlx::query_scalar(sql::RELATED_HOLDERS)
                .bind(id)
                .bind(REFRESHED as i64)
                .fetch_all(&mut *conn)
                .await
                .db()?,
            None => Vec::new(),
        };
        Ok(Relating { windows, holders })
    }
}

/// After article `id` is written, inside the caller's transaction: its
/// related list stored from `relating` (read before the transaction), and
/// the lists it may change queued (see [`to_refresh`]).
pub(super) fn relate_read(tx: &Tx<'_>, id: i64, relating: &Relating) -> Result<()> {
    store_list(tx, id, &relating.windows)?;
    enqueue(tx, &to_refresh(&relating.windows, &relating.holders, id))
}

/// The lists holding article `id` (at most [`REFRESHED`]).
fn holders_of(tx: &Tx<'_>, id: i64) -> Result<Vec<i64>> {
    direct::column(tx, sql::RELATED_HOLDERS, params![id, REFRESHED as i64])
}

/// Queues the lists of articles `ids` to be made again (one statement).
pub(super) fn enqueue(tx: &Tx<'_>, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(ids).map_err(|e| StoreError::Corrupt(format!("related queue: {e}")))?;
    run(tx, sql::ENQUEUE_LISTS, params![json])?;
    Ok(())
}

/// After article `id` (whose row, phrases and tags are written) is
/// written, inside the caller's transaction: its related list made, and
/// those of the articles it is most related to and of those whose list held
/// it queued (see [`to_refresh`]).
fn relate(tx: &Tx<'_>, id: i64) -> Result<()> {
    let holders = holders_of(tx, id)?;
    let windows = make_list(tx, id)?;
    enqueue(tx, &to_refresh(&windows, &holders, id))
}

/// Before article `id` is deleted (inside the caller's transaction): the
/// lists that hold it, to queue after (see [`relate_after_delete`]).
pub(super) fn before_delete(tx: &Tx<'_>, id: i64) -> Result<Vec<i64>> {
    holders_of(tx, id)
}

/// After an article is deleted: the lists that held it queued.
pub(super) fn relate_after_delete(tx: &Tx<'_>, holders: &[i64]) -> Result<()> {
    enqueue(tx, holders)
}

/// A queued list, made from a read snapshot: to write unless another write
/// of it came since.
struct Remade {
    id: i64,
    queued: i64,
    /// How many times its list was written when the snapshot was read.
    made: i64,
    /// Its slug; `None`: the article is gone.
    slug: Option<String>,
    /// The list to write; `None` when it is the same as stored.
    list: Option<Vec<Listed>>,
}

impl SqliteStore {
    /// Makes the lists of `queued` (id, when queued) on one read
    /// connection. How many times each list was written is read first
    /// (with its keys and its stored list, in one statement), so that a
    /// write of it committed after that is seen by the claim.
    async fn remake(&self, queued: &[(i64, i64)]) -> Result<Vec<Remade>> {
        let mut conn = self.pool.acquire().await.db()?;
        let mut out = Vec::with_capacity(queued.len());
        for &(id, queued) in queued {
            let row = sqlx::query(sql::REMAKE_INPUT).bind(id).fetch_one(&mut *conn).await.db()?;
            let made: Option<i64> = row.try_get("made").db()?;
            let slug: Option<String> = row.try_get("slug").db()?;
            let mut list = None;
            if slug.is_some() {
                let mut phrases: Vec<(i64, String)> = super::articles::json(&row, "phrases")?;
                phrases.sort_unstable_by_key(|p| p.0);
                let phrases: Vec<String> = phrases.into_iter().map(|p| p.1).collect();
                let tags: Vec<String> = super::articles::json(&row, "tags")?;
                let new = stored_list(&windows_of_keys(&mut conn, id, &phrases, tags).await?);
                let mut old: Vec<(i64, i64, f64, i64)> = super::articles::json(&row, "list")?;
                old.sort_unstable_by_key(|o| o.0);
                let old: Vec<Listed> =
                    old.into_iter().map(|(_, id, score, close)| Listed { id, score, close: close != 0 }).collect();
                list = changed_list(new, &old, made);
            }
            out.push(Remade { id, queued, made: made.unwrap_or(0), slug, list });
        }
        Ok(out)
    }
}

/// How many read connections make queued lists at once.
const REMAKERS: usize = 2;

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
        let (writer, phrases) = (self.writer.clone(), phrases.clone());
        self.writes
            .run(async move {
                writer
                    .transaction(|tx| {
                        if lang_at_version(tx, id, version)?.is_none() {
                            return Ok(false);
                        }
                        write_phrases(tx, id, &phrases)?;
                        relate(tx, id)?;
                        Ok(true)
                    })
                    .await
            })
            .await
    }

    async fn stale_related_lists(&self, version: u32) -> Result<Vec<String>> {
        let mut slugs: Vec<String> =
            sqlx::query_scalar(sql::STALE_RELATED).bind(i64::from(version)).fetch_all(&self.pool).await.db()?;
        slugs.sort_unstable();
        Ok(slugs)
    }

    async fn make_queued_related_lists(&self, limit: usize) -> Result<QueuedLists> {
        let queued: Vec<(i64, i64)> = sqlx::query_as(sql::QUEUED_LISTS)
            .bind(limit.min(i64::MAX as usize) as i64)
            .fetch_all(&self.pool)
            .await
            .db()?;
        if queued.is_empty() {
            return Ok(QueuedLists::default());
        }
        // Each share on a task of its own: reading and ranking take the
        // runtime's threads, not only the caller's.
        let chunk = queued.len().div_ceil(REMAKERS);
        let remakers = queued.chunks(chunk).map(|c| {
            let (store, c) = (self.clone(), c.to_vec());
            tokio::spawn(async move { store.remake(&c).await })
        });
        let mut remade: Vec<Remade> = Vec::with_capacity(queued.len());
        for share in futures_util::future::try_join_all(remakers)
            .await
            .map_err(|e| StoreError::Database(format!("making related lists stopped: {e}")))?
        {
            remade.extend(share?);
        }
        let writer = self.writer.clone();
        self.writes
            .run(async move {
                writer
                    // No savepoint: one statement's undo at a time, in memory.
                    .transaction_with(Undo::Memory, |tx| {
                        let mut done = QueuedLists { taken: remade.len(), changed: Vec::new() };
                        for r in remade {
                            if let (Some(list), Some(slug)) = (&r.list, r.slug) {
                                let claimed =
                                    run(tx, sql::CLAIM_LIST, params![r.id, i64::from(RELATED_VERSION), r.made])? == 1;
                                if claimed {
                                    write_list(tx, r.id, list)?;
                                    done.changed.push(slug);
                                }
                            }
                            run(tx, sql::DEQUEUE_LIST, params![r.id, r.queued])?;
                        }
                        Ok(done)
                    })
                    .await
            })
            .await
    }

    async fn queued_related_lists(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar(sql::QUEUE_LENGTH).fetch_one(&self.pool).await.db()?;
        Ok(n.max(0) as u64)
    }

    async fn make_related_list(&self, slug: &str) -> Result<bool> {
        let (writer, slug) = (self.writer.clone(), slug.to_owned());
        self.writes
            .run(async move {
                writer
                    .transaction(|tx| {
                        let Some(id) = super::articles::id_of_slug(tx, &slug)? else { return Ok(false) };
                        make_list(tx, id)?;
                        Ok(true)
                    })
                    .await
            })
            .await
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

    /// A list read before its write transaction (`relating`) leaves out an
    /// article deleted in between, instead of failing the write on the
    /// foreign key (seen with sixteen writers, some deleting).
    #[tokio::test]
    async fn a_list_read_before_a_delete_is_written_without_it() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        let phrases = KeyPhrases { phrases: vec!["harbour".into()], version: 1 };
        for (slug, t) in [("a", 10), ("b", 20)] {
            let mut a = super::super::articles::tests::sample(slug, Status::Published, Some(t));
            a.key_phrases = phrases.clone();
            s.create_article(&a).await.unwrap();
        }
        let mut c = super::super::articles::tests::sample("c", Status::Published, Some(30));
        c.key_phrases = phrases;
        let relating = s.relating(None, &c).await.unwrap();
        s.delete_article("a").await.unwrap();
        // The write as `create_article` makes it, after the delete.
        let id = s
            .writer
            .transaction(|tx| {
                let id = super::super::articles::create_in(tx, &c)?;
                relate_read(tx, id, &relating)?;
                Ok(id)
            })
            .await
            .unwrap();
        let q = RelatedQuery { id, now: 100, limit: 5 };
        let found = s.related_articles(&q).await.unwrap();
        assert_eq!(found.iter().map(|r| r.card.slug.as_str()).collect::<Vec<_>>(), ["b"]);
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

    /// An edit that changes none of an article's tags, authors, key phrases
    /// or related articles (a typo fixed) leaves their rows as they were,
    /// and so the pages of their indexes; one that changes them writes them
    /// again.
    #[tokio::test]
    async fn an_edit_that_keeps_the_parts_leaves_their_rows() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        let sample = super::super::articles::tests::sample;
        let phrases = KeyPhrases { phrases: vec!["harbour".into(), "storm".into()], version: 1 };
        for (slug, at) in [("b", 5), ("c", 6)] {
            let mut other = sample(slug, Status::Published, Some(at));
            other.key_phrases = phrases.clone();
            s.create_article(&other).await.unwrap();
        }
        let mut a = sample("a", Status::Published, Some(10));
        a.key_phrases = phrases.clone();
        let named = |n: &str| crate::Named { slug: n.to_lowercase(), name: n.to_owned() };
        a.tags = vec![named("Rain"), named("Wind")];
        a.authors = vec![named("Ann"), named("Bob")];
        let id = s.create_article(&a).await.unwrap().id;
        // Two later articles that share a phrase with each other and no key
        // with "a" (so "a"'s list stays as it is): with their rows after
        // "a"'s, rows of "a" written again get new row ids.
        let mut later = sample("d", Status::Published, Some(11));
        later.tags = vec![named("Sun")];
        later.authors = vec![named("Cy")];
        later.key_phrases = KeyPhrases { phrases: vec!["garden".into()], version: 1 };
        s.create_article(&later).await.unwrap();
        later.slug = "e".into();
        s.create_article(&later).await.unwrap();
        let rows =
            || async { sqlx::query_scalar::<_, String>(sql::PART_ROWS).bind(id).fetch_one(&s.pool).await.unwrap() };
        let before = rows().await;
        assert_eq!(before.split(" / ").filter(|p| !p.is_empty()).count(), 4, "{before}");
        a.body_md = "A typo, fixed.".into();
        a.updated_at += 1;
        s.update_article(id, 1, &a).await.unwrap();
        assert_eq!(rows().await, before);
        a.tags.reverse();
        a.authors.reverse();
        a.key_phrases.phrases.reverse();
        a.updated_at += 1;
        s.update_article(id, 2, &a).await.unwrap();
        let after = rows().await;
        let [tags, authors, phrases, list] = [0, 1, 2, 3].map(|i| {
            let part = |rows: &str| rows.split(" / ").nth(i).unwrap_or_default().to_owned();
            part(&before) == part(&after)
        });
        // Reordered tags and authors are the same set: kept; the phrases'
        // order counts: written again (their list is the same: kept).
        assert_eq!([tags, authors, phrases, list], [true, true, false, true], "{before} -> {after}");
    }
}
