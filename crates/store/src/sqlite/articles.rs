//! Articles: a row each (what lists show), with their bodies, tags, authors
//! and summaries in tables of their own, written whole in one transaction.
//! Lists, counts and neighbours are in [`super::listing`].

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use rusqlite::{ToSql, params};

use super::direct::{self, Direct as _, Tx, Undo};
use super::listing::Bound;
use super::{SqliteStore, sql};
use crate::{
    Article, ArticleCard, ArticleLink, ArticleStore, ArticleWrite, Db, KeyPhrases, ListQuery, NameKind, Named,
    NewArticle, Page, Result, SearchText, Status, StoreError, StoredSummary, SummaryMode, SummaryPick, SummarySentence,
    Visibility,
};

/// A value of a column, as sqlx and rusqlite both read it.
pub(super) trait Value:
    for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + rusqlite::types::FromSql
{
}

impl<T> Value for T where T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + rusqlite::types::FromSql
{}

/// A row's columns by name: a row read through sqlx (the readers), or
/// through rusqlite (the writer reading back what it wrote, in
/// `combined.rs`), decoded by the same code.
pub(super) trait Columns {
    fn get<T: Value>(&self, col: &str) -> Result<T>;
}

impl Columns for SqliteRow {
    fn get<T: Value>(&self, col: &str) -> Result<T> {
        self.try_get(col).db()
    }
}

impl Columns for rusqlite::Row<'_> {
    fn get<T: Value>(&self, col: &str) -> Result<T> {
        rusqlite::Row::get(self, col).direct()
    }
}

pub(super) fn json<T: serde::de::DeserializeOwned>(row: &impl Columns, col: &str) -> Result<T> {
    let s: String = row.get(col)?;
    serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

pub(super) fn to_json<T: serde::Serialize>(v: &T) -> String {
    // Serializing plain records to JSON cannot fail.
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned())
}

pub(super) fn status(row: &impl Columns) -> Result<Status> {
    let s: String = row.get("status")?;
    Status::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("status {s}")))
}

fn article_from_row(row: &impl Columns, summaries: Vec<StoredSummary>) -> Result<Article> {
    let mode: String = row.get("summary_mode")?;
    let minutes: i64 = row.get("reading_minutes")?;
    Ok(Article {
        id: row.get("id")?,
        version: row.get("version")?,
        created_at: row.get("created_at")?,
        data: NewArticle {
            slug: row.get("slug")?,
            title: row.get("title")?,
            standfirst: row.get("standfirst")?,
            body_md: row.get("body_md")?,
            body_html: row.get("body_html")?,
            body_text: row.get("body_text")?,
            authors: json(row, "authors")?,
            section: Named { name: row.get("section")?, slug: row.get("section_slug")? },
            tags: json(row, "tags")?,
            lang: row.get("lang")?,
            status: status(row)?,
            published_at: row.get("published_at")?,
            updated_at: row.get("updated_at")?,
            sources: row.get("sources")?,
            canonical_url: row.get("canonical_url")?,
            lead_image: row.get("lead_image")?,
            lead_image_alt: row.get("lead_image_alt")?,
            reading_minutes: minutes.clamp(0, u32::MAX as i64) as u32,
            summary_mode: SummaryMode::parse(&mode)
                .ok_or_else(|| StoreError::Corrupt(format!("summary_mode {mode}")))?,
            summary_custom: row.get("summary_custom")?,
            summary_picks: Vec::new(),
            auto_paragraphs: row.get("auto_paragraphs")?,
            summaries,
            search: SearchText::default(),
            key_phrases: KeyPhrases::default(),
            owner: None,
            revision: None,
        },
    })
}

/// The article's fields but its bodies, as `?1` to `?19` of
/// `INSERT_ARTICLE`, `UPDATE_ARTICLE` and `INSERT_ARTICLE_AS` (the caller
/// pushes the rest).
pub(super) fn article_params(a: &NewArticle) -> Vec<Box<dyn ToSql + '_>> {
    vec![
        Box::new(&a.slug),
        Box::new(&a.title),
        Box::new(&a.standfirst),
        Box::new(to_json(&a.authors)),
        Box::new(&a.section.name),
        Box::new(&a.section.slug),
        Box::new(to_json(&a.tags)),
        Box::new(&a.lang),
        Box::new(crate::desk::stored_status(a.status)),
        Box::new(a.published_at),
        Box::new(a.updated_at),
        Box::new(&a.sources),
        Box::new(&a.canonical_url),
        Box::new(&a.lead_image),
        Box::new(&a.lead_image_alt),
        Box::new(a.reading_minutes as i64),
        Box::new(a.summary_mode.stored()),
        Box::new(&a.summary_custom),
        Box::new(a.auto_paragraphs),
    ]
}

/// A taken slug as a conflict, any other error as it is.
pub(super) fn slug_taken(a: &NewArticle) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
    move |e| {
        if direct::is_unique_violation(&e) {
            StoreError::Conflict(format!("slug {} is taken", a.slug))
        } else {
            direct::db_error(e)
        }
    }
}

/// Runs `statement` with `params` in `tx` (prepared once a transaction).
pub(super) fn run(tx: &Tx<'_>, statement: &str, params: impl rusqlite::Params) -> Result<usize> {
    tx.prepare_cached(statement).direct()?.execute(params).direct()
}

/// The language of article `id`, if it is at `version`.
pub(super) fn lang_at_version(tx: &Tx<'_>, id: i64, version: i64) -> Result<Option<String>> {
    direct::value(tx, sql::LANG_AT_VERSION, params![id, version])
}

/// The id of the article at `slug`.
pub(super) fn id_of_slug(tx: &Tx<'_>, slug: &str) -> Result<Option<i64>> {
    direct::value(tx, sql::ID_OF_SLUG, params![slug])
}

/// Writes the bodies of article `id` by `INSERT_BODY` or `UPDATE_BODY`,
/// inside the caller's transaction.
pub(super) fn write_body(tx: &Tx<'_>, statement: &'static str, id: i64, a: &NewArticle) -> Result<()> {
    run(tx, statement, params![id, a.body_md, a.body_html, a.body_text])?;
    Ok(())
}

/// Writes the tags, authors and summaries of article `id` (whose old ones,
/// if any, are gone; tags or authors that `kept` says were kept as they
/// were are not written again), and its newsroom part, inside the caller's
/// transaction, after its row.
pub(super) fn write_parts(tx: &Tx<'_>, id: i64, a: &NewArticle, kept: Kept) -> Result<()> {
    super::desk::write_desk(tx, id, a)?;
    write_picks(tx, id, a)?;
    // One statement each, whatever their number.
    let pairs = |names: &[Named]| to_json(&names.iter().map(|n| (&n.slug, &n.name)).collect::<Vec<_>>());
    if !a.tags.is_empty() && !kept.tags {
        run(tx, sql::INSERT_TAGS, params![id, pairs(&a.tags)])?;
    }
    if !a.authors.is_empty() && !kept.authors {
        run(tx, sql::INSERT_AUTHORS, params![id, pairs(&a.authors)])?;
    }
    if !a.summaries.is_empty() {
        let rows: Vec<_> =
            a.summaries.iter().map(|s| (s.length, to_json(&s.sentences), &s.source_hash, &s.version)).collect();
        run(tx, sql::INSERT_SUMMARIES, params![id, to_json(&rows)])?;
    }
    Ok(())
}

/// Which of an article's tag and author rows an update kept as they were
/// (see [`update_in`]); a new article keeps none.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Kept {
    tags: bool,
    authors: bool,
}

/// Whether article `id`'s rows read by `statement` (`(slug, name)`) are
/// those `names` would write ([`crate::same_names`]).
fn same_names(tx: &Tx<'_>, statement: &str, id: i64, names: &[Named]) -> Result<bool> {
    let stored = direct::rows(tx, statement, params![id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(crate::same_names(stored, names))
}

/// The summary sentences picked for article `id` (a row when there are
/// picks or the mode is picked; none otherwise).
fn write_picks(tx: &Tx<'_>, id: i64, a: &NewArticle) -> Result<()> {
    let picked = a.summary_mode == SummaryMode::Picked;
    if !picked && a.summary_picks.is_empty() {
        run(tx, sql::DELETE_PICKS, params![id])?;
        return Ok(());
    }
    run(tx, sql::UPSERT_PICKS, params![id, i64::from(picked), to_json(&a.summary_picks)])?;
    Ok(())
}

/// The parts of an article read with its row (`sql::article_parts!`):
/// its summaries, key phrases, owner and status as the newsroom sees it,
/// and its picked sentences and summary mode, set on `article`.
fn parts_from_row(row: &impl Columns, mut article: Article) -> Result<Article> {
    let mut phrases: Vec<(i64, String)> = json(row, "phrases")?;
    phrases.sort_unstable_by_key(|p| p.0);
    let version: Option<i64> = row.get("phrases_version")?;
    article.data.key_phrases = KeyPhrases {
        phrases: phrases.into_iter().map(|p| p.1).collect(),
        version: version.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32,
    };
    let desk: Option<String> = row.get("desk")?;
    if desk.is_some() {
        let (owner, submitted): (Option<i64>, i64) = json(row, "desk")?;
        article.data.owner = owner;
        article.data.status = crate::desk::seen_status(article.status, submitted != 0);
    } else {
        article.data.owner = None;
    }
    let picks: Option<String> = row.get("picks")?;
    if picks.is_some() {
        let (picked, sentences): (i64, Vec<SummaryPick>) = json(row, "picks")?;
        if picked != 0 && article.summary_mode == SummaryMode::Auto {
            article.data.summary_mode = SummaryMode::Picked;
        }
        article.data.summary_picks = sentences;
    } else {
        article.data.summary_picks = Vec::new();
    }
    Ok(article)
}

/// One article with its bodies and summaries, read on `conn` (inside a
/// transaction, or not).
pub(super) async fn load_in(
    conn: &mut sqlx::SqliteConnection,
    slug: &str,
    visibility: Visibility,
) -> Result<Option<Article>> {
    let row = match visibility {
        Visibility::PublicAt(now) => {
            let bound = Bound::now(now);
            sqlx::query(sql::ARTICLE_PUBLIC)
                .bind(bound.at)
                .bind(bound.slug)
                .bind(slug)
                .fetch_optional(&mut *conn)
                .await
                .db()?
        }
        Visibility::All => sqlx::query(sql::ARTICLE_ANY).bind(slug).fetch_optional(&mut *conn).await.db()?,
    };
    row.as_ref().map(article_of).transpose()
}

/// Article `slug` as it stands in `tx` (the writer reading back what it
/// has just written, with no thread in between; see `combined.rs`).
pub(super) fn load_direct(tx: &Tx<'_>, slug: &str) -> Result<Option<Article>> {
    let mut statement = tx.prepare_cached(sql::ARTICLE_ANY).direct()?;
    let mut rows = statement.query(params![slug]).direct()?;
    rows.next().direct()?.map(article_of).transpose()
}

/// An article from a row of `ARTICLE_ANY` or `ARTICLE_PUBLIC`.
fn article_of(row: &impl Columns) -> Result<Article> {
    let mut summaries: Vec<(i64, Vec<SummarySentence>, String, String)> = json(row, "summaries")?;
    summaries.sort_unstable_by_key(|s| s.0);
    let summaries = summaries
        .into_iter()
        .map(|(length, sentences, source_hash, version)| StoredSummary {
            length: length.clamp(0, i64::from(u32::MAX)) as u32,
            sentences,
            source_hash,
            version,
        })
        .collect();
    parts_from_row(row, article_from_row(row, summaries)?)
}

/// Inserts `article` inside the caller's transaction: its row, bodies,
/// parts, search terms, first revision and key phrases. Returns its id.
pub(super) fn create_in(tx: &Tx<'_>, article: &NewArticle) -> Result<i64> {
    let mut params = article_params(article);
    params.push(Box::new(article.updated_at));
    let id: i64 = tx
        .prepare_cached(sql::INSERT_ARTICLE)
        .direct()?
        .query_row(rusqlite::params_from_iter(params), |row| row.get(0))
        .map_err(slug_taken(article))?;
    write_body(tx, sql::INSERT_BODY, id, article)?;
    write_parts(tx, id, article, Kept::default())?;
    super::search::write_terms(tx, id, &article.lang, &article.search)?;
    super::revisions::write_revision(tx, id, 1, article)?;
    super::related::write_phrases(tx, id, &article.key_phrases)?;
    Ok(id)
}

/// Replaces article `id` at `version` inside the caller's transaction (see
/// [`ArticleStore::update_article`]); on an error, the caller's transaction
/// is rolled back.
pub(super) fn update_in(tx: &Tx<'_>, id: i64, version: i64, article: &NewArticle) -> Result<()> {
    // The old parts go first, so that the new row's slug, status and
    // time are copied to the new tag and author rows only. Tags (authors)
    // the same as stored are kept (the row's triggers copy its changes to
    // them): rewriting them touched a page of each of their indexes, and
    // their lists' counts, for every tag, at every edit.
    let kept = Kept {
        tags: same_names(tx, sql::TAG_NAMES_OF, id, &article.tags)?,
        authors: same_names(tx, sql::AUTHOR_NAMES_OF, id, &article.authors)?,
    };
    if !kept.tags {
        run(tx, sql::DELETE_TAGS, params![id])?;
    }
    if !kept.authors {
        run(tx, sql::DELETE_AUTHORS, params![id])?;
    }
    run(tx, sql::DELETE_SUMMARIES, params![id])?;
    let mut params = article_params(article);
    params.push(Box::new(id));
    params.push(Box::new(version));
    let done = tx
        .prepare_cached(sql::UPDATE_ARTICLE)
        .direct()?
        .execute(rusqlite::params_from_iter(params))
        .map_err(slug_taken(article))?;
    if done == 0 {
        let current: Option<i64> = direct::value(tx, sql::VERSION_OF, params![id])?;
        return Err(match current {
            Some(current) => StoreError::VersionConflict { current },
            None => StoreError::NotFound,
        });
    }
    write_body(tx, sql::UPDATE_BODY, id, article)?;
    write_parts(tx, id, article, kept)?;
    super::search::write_terms(tx, id, &article.lang, &article.search)?;
    super::revisions::write_revision(tx, id, version + 1, article)?;
    super::related::write_phrases(tx, id, &article.key_phrases)?;
    Ok(())
}

#[async_trait]
impl ArticleStore for SqliteStore {
    async fn create_article(&self, article: &NewArticle) -> Result<Article> {
        self.write_combined(None, article).await
    }

    async fn update_article(&self, id: i64, version: i64, article: &NewArticle) -> Result<Article> {
        self.write_combined(Some((id, version)), article).await
    }

    async fn write_articles(&self, writes: &[ArticleWrite<'_>]) -> Result<Vec<i64>> {
        // Owned, for the thread of writes: (id and version of an update, the article).
        let writes: Vec<(Option<(i64, i64)>, NewArticle)> = writes
            .iter()
            .map(|w| match *w {
                ArticleWrite::Create(article) => (None, article.clone()),
                ArticleWrite::Update { id, version, article } => (Some((id, version)), article.clone()),
            })
            .collect();
        let writer = self.writer.clone();
        self.writes
            .run(async move {
                writer
                    // No savepoint: one statement's undo at a time, in memory.
                    .transaction_with(Undo::Memory, |tx| {
                        let mut ids = Vec::with_capacity(writes.len());
                        for (update, article) in &writes {
                            ids.push(match *update {
                                None => create_in(tx, article)?,
                                Some((id, version)) => {
                                    update_in(tx, id, version, article)?;
                                    id
                                }
                            });
                        }
                        // Each article's own list is queued (made off the writer's
                        // path, `make_queued_related_lists`), not made here: making
                        // it costs a few milliseconds an article and kept an import
                        // to about 260 articles/s. A single write makes its own.
                        super::related::enqueue(tx, &ids)?;
                        Ok(ids)
                    })
                    .await
            })
            .await
    }

    async fn existing_slugs(&self, slugs: &[String]) -> Result<Vec<String>> {
        if slugs.is_empty() {
            return Ok(Vec::new());
        }
        sqlx::query_scalar(sql::EXISTING_SLUGS).bind(to_json(&slugs)).fetch_all(&self.pool).await.db()
    }

    async fn names_in_use(&self, slugs: &[(NameKind, String)], except: Option<i64>) -> Result<Vec<(NameKind, Named)>> {
        if slugs.is_empty() {
            return Ok(Vec::new());
        }
        let kinds = [NameKind::Section, NameKind::Tag, NameKind::Author];
        let of =
            |kind: NameKind| to_json(&slugs.iter().filter(|(k, _)| *k == kind).map(|(_, s)| s).collect::<Vec<_>>());
        let found: Vec<(i64, String, Option<String>)> = sqlx::query_as(sql::NAMES_IN_USE)
            .bind(of(kinds[0]))
            .bind(of(kinds[1]))
            .bind(of(kinds[2]))
            .bind(except.unwrap_or(0))
            .fetch_all(&self.pool)
            .await
            .db()?;
        Ok(found
            .into_iter()
            .filter_map(|(kind, slug, name)| {
                Some((*kinds.get(usize::try_from(kind).ok()?)?, Named { slug, name: name? }))
            })
            .collect())
    }

    async fn delete_article(&self, slug: &str) -> Result<()> {
        let (writer, slug) = (self.writer.clone(), slug.to_owned());
        self.writes
            .run(async move {
                writer
                    .transaction(|tx| {
                        let Some(id) = id_of_slug(tx, &slug)? else { return Err(StoreError::NotFound) };
                        let holders = super::related::before_delete(tx, id)?;
                        if run(tx, sql::DELETE_ARTICLE, params![slug])? == 0 {
                            return Err(StoreError::NotFound);
                        }
                        super::related::relate_after_delete(tx, &holders)
                    })
                    .await
            })
            .await
    }

    async fn article(&self, slug: &str, visibility: Visibility) -> Result<Option<Article>> {
        // One read transaction: the row and the summaries from one snapshot
        // (read one after the other, a write committed in between would give
        // the row of one version with the summaries of another).
        let mut tx = self.pool.begin().await.db()?;
        let article = load_in(&mut tx, slug, visibility).await?;
        tx.commit().await.db()?;
        Ok(article)
    }

    async fn list_articles(&self, q: &ListQuery) -> Result<Page<ArticleCard>> {
        self.list(q).await
    }

    async fn neighbours(&self, slug: &str, now: i64) -> Result<(Option<ArticleLink>, Option<ArticleLink>)> {
        self.neighbours_of(slug, now).await
    }

    async fn sections(&self, now: i64) -> Result<Vec<(Named, u64)>> {
        self.visible_sections(now).await
    }

    async fn section_name(&self, slug: &str, now: i64) -> Result<Option<String>> {
        self.name_of(sql::SECTION_NAME, slug, now).await
    }

    async fn tag_name(&self, slug: &str, now: i64) -> Result<Option<String>> {
        self.name_of(sql::TAG_NAME, slug, now).await
    }

    async fn author_name(&self, slug: &str, now: i64) -> Result<Option<String>> {
        self.name_of(sql::AUTHOR_NAME, slug, now).await
    }

    async fn count_articles(&self) -> Result<u64> {
        let n: Option<i64> = sqlx::query_scalar(sql::COUNT_ARTICLES).fetch_optional(&self.pool).await.db()?;
        Ok(n.unwrap_or(0).max(0) as u64)
    }

    async fn stale_summaries(&self, version: &str) -> Result<Vec<String>> {
        let mut slugs: Vec<String> =
            sqlx::query_scalar(sql::STALE_SUMMARIES).bind(version).fetch_all(&self.pool).await.db()?;
        slugs.sort_unstable();
        Ok(slugs)
    }

    async fn next_publication_after(&self, now: i64) -> Result<Option<i64>> {
        let bound = Bound::now(now);
        let t: Option<i64> = sqlx::query_scalar(sql::NEXT_PUBLICATION)
            .bind(bound.at)
            .bind(bound.slug)
            .fetch_optional(&self.pool)
            .await
            .db()?;
        Ok(t)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::tests::TempDb;
    use super::*;
    use crate::{Backend as _, TokenStore as _};

    pub(in crate::sqlite) fn named(s: &str) -> Named {
        Named { name: s.to_owned(), slug: s.to_lowercase() }
    }

    /// An article of one sentence, by Ann, in World, tagged x.
    pub(in crate::sqlite) fn sample(slug: &str, status: Status, at: Option<i64>) -> NewArticle {
        NewArticle {
            slug: slug.to_owned(),
            title: format!("Title {slug}"),
            standfirst: None,
            body_md: "Body.".into(),
            body_html: "<p>Body.</p>".into(),
            body_text: "Body.".into(),
            authors: vec![named("Ann")],
            section: named("World"),
            tags: vec![named("x")],
            lang: "en".into(),
            status,
            published_at: at,
            updated_at: 1,
            sources: None,
            canonical_url: None,
            lead_image: None,
            lead_image_alt: None,
            reading_minutes: 1,
            summary_mode: SummaryMode::Auto,
            summary_custom: None,
            summary_picks: Vec::new(),
            auto_paragraphs: true,
            summaries: vec![StoredSummary {
                length: 3,
                sentences: vec![SummarySentence { index: 0, start: 0, end: 5, text: "Body.".into() }],
                source_hash: "h".into(),
                version: "v".into(),
            }],
            search: SearchText::default(),
            key_phrases: Default::default(),
            owner: None,
            revision: None,
        }
    }

    #[tokio::test]
    async fn crud_visibility_and_neighbours() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        s.create_article(&sample("a", Status::Published, Some(10))).await.unwrap();
        let mut b = sample("b", Status::Published, Some(20));
        b.lang = "ar".into();
        s.create_article(&b).await.unwrap();
        s.create_article(&sample("c", Status::Draft, Some(15))).await.unwrap();
        s.create_article(&sample("d", Status::Scheduled, Some(100))).await.unwrap();
        assert!(matches!(s.create_article(&sample("a", Status::Draft, None)).await, Err(StoreError::Conflict(_))));
        let now = 50;
        assert!(s.article("c", Visibility::PublicAt(now)).await.unwrap().is_none());
        assert!(s.article("d", Visibility::PublicAt(now)).await.unwrap().is_none());
        assert!(s.article("d", Visibility::PublicAt(100)).await.unwrap().is_some());
        let got = s.article("a", Visibility::PublicAt(now)).await.unwrap().unwrap();
        assert_eq!(got.summaries.len(), 1);
        assert_eq!(got.version, 1);
        let (p, n) = s.neighbours("a", now).await.unwrap();
        assert_eq!((p, n.map(|l| (l.slug, l.lang))), (None, Some(("b".to_owned(), "ar".to_owned()))));
        let (p, n) = s.neighbours("b", now).await.unwrap();
        assert_eq!((p.map(|l| (l.slug, l.lang)), n), (Some(("a".to_owned(), "en".to_owned())), None));
        let q = ListQuery {
            visibility: Visibility::PublicAt(now),
            section: Some("world".into()),
            tag: Some("x".into()),
            author: Some("ann".into()),
            page: 1,
            per_page: 10,
            after: None,
        };
        let page = s.list_articles(&q).await.unwrap();
        assert_eq!(
            page.items.iter().map(|c| (c.slug.as_str(), c.lang.as_str())).collect::<Vec<_>>(),
            [("b", "ar"), ("a", "en")]
        );
        assert_eq!(page.total, 2);
        s.delete_article("a").await.unwrap();
        assert!(matches!(s.delete_article("a").await, Err(StoreError::NotFound)));
        assert_eq!(s.stale_summaries("v2").await.unwrap().len(), 3);
        assert_eq!(s.next_publication_after(now).await.unwrap(), Some(100));
    }

    /// An update names the version it read: it moves the article to the
    /// next version, and fails without writing when another came first.
    #[tokio::test]
    async fn updates_are_versioned() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        let a = s.create_article(&sample("a", Status::Published, Some(10))).await.unwrap();
        let mut edit = sample("a", Status::Published, Some(10));
        edit.title = "First edit".into();
        edit.tags = vec![named("y"), named("z")];
        let got = s.update_article(a.id, 1, &edit).await.unwrap();
        assert_eq!((got.version, got.title.as_str(), got.tags.len()), (2, "First edit", 2));
        let mut late = edit.clone();
        late.title = "Late edit".into();
        assert!(matches!(s.update_article(a.id, 1, &late).await, Err(StoreError::VersionConflict { current: 2 })));
        assert_eq!(s.article("a", Visibility::All).await.unwrap().unwrap().title, "First edit");
        // Renaming to a slug that is taken is a conflict, and changes nothing.
        s.create_article(&sample("b", Status::Draft, None)).await.unwrap();
        late.slug = "b".into();
        assert!(matches!(s.update_article(a.id, 2, &late).await, Err(StoreError::Conflict(_))));
        assert!(matches!(s.update_article(999, 1, &edit).await, Err(StoreError::NotFound)));
        // Times are written as given.
        let mut undated = sample("c", Status::Draft, None);
        undated.updated_at = 7;
        let c = s.create_article(&undated).await.unwrap();
        assert_eq!((c.published_at, c.updated_at, c.created_at), (None, 7, 7));
        assert_eq!(s.tokens().await.unwrap().len(), 0);
    }

    /// Many writers at once on a file database (several connections): every
    /// write waits its turn instead of failing with "database is locked";
    /// a write that lost the race on the same article's version is told so,
    /// and each article ends as one of the versions written to it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 8)]
    async fn concurrent_writes_queue_instead_of_failing() {
        let db = TempDb::new("concurrent");
        let s = SqliteStore::open(&db.path()).await.unwrap();
        for slug in ["one", "two", "three", "four"] {
            s.create_article(&sample(slug, Status::Published, Some(10))).await.unwrap();
        }
        let mut tasks = Vec::new();
        for i in 0..48u32 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                // Half the writers on one article, the rest spread over the others.
                let slug = if i % 2 == 0 { "one" } else { ["two", "three", "four"][(i as usize / 2) % 3] };
                let mut a = sample(slug, Status::Published, Some(10));
                a.title = format!("Version {i}");
                a.updated_at = 100 + i as i64;
                a.tags = vec![named(&format!("t{i}"))];
                let res: Result<()> = async {
                    if i % 3 == 2 {
                        // Creating and deleting articles of their own in between.
                        let own = sample(&format!("own-{i}"), Status::Draft, None);
                        s.create_article(&own).await?;
                        s.delete_article(&own.slug).await?;
                    }
                    // Read, then write what was read's next version; retry when beaten.
                    loop {
                        let stored = s.article(slug, Visibility::All).await?.ok_or(StoreError::NotFound)?;
                        match s.update_article(stored.id, stored.version, &a).await {
                            Err(StoreError::VersionConflict { .. }) => continue,
                            other => return other.map(|_| ()),
                        }
                    }
                }
                .await;
                res.map_err(|e| format!("writer {i} on {slug}: {e}"))
            }));
        }
        let mut failures = Vec::new();
        for t in tasks {
            if let Err(e) = t.await.unwrap() {
                failures.push(e);
            }
        }
        assert!(failures.is_empty(), "{} of 48 writes failed: {failures:?}", failures.len());
        let mut versions = 0;
        for slug in ["one", "two", "three", "four"] {
            let a = s.article(slug, Visibility::All).await.unwrap().unwrap();
            let i: u32 = a.title.strip_prefix("Version ").and_then(|n| n.parse().ok()).expect("a written version");
            // The whole record is that writer's: its time and its tag with it.
            assert_eq!(a.updated_at, 100 + i as i64, "{slug}");
            assert_eq!(a.tags, vec![named(&format!("t{i}"))], "{slug}");
            assert_eq!(a.summaries.len(), 1, "{slug}");
            versions += a.version - 1;
        }
        assert_eq!(versions, 48, "every write made exactly one version");
        assert_eq!(s.count_articles().await.unwrap(), 4);
        s.close().await;
    }
}
