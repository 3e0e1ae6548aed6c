//! Articles: a narrow row each (what lists need), the bodies in a table of
//! their own, tags, authors and summaries in theirs; written whole in one
//! transaction. Lists and Previous/Next are index scans in the order they
//! return (see `migrations/postgres/0001_articles.sql`).

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, PgConnection, Postgres, Row};

use super::{PostgresStore, is_unique_violation, now_of, visible};
use crate::{
    Article, ArticleCard, ArticleLink, ArticleStore, ArticleWrite, Cursor, Db, ListQuery, NameKind, Named, NewArticle,
    Page, Result, SearchText, Status, StoreError, StoredSummary, SummaryMode, Visibility, db_error,
};

fn json<T: serde::de::DeserializeOwned>(row: &PgRow, col: &str) -> Result<T> {
    let s: String = row.try_get(col).db()?;
    serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    // Serializing plain records to JSON cannot fail.
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned())
}

fn status(row: &PgRow) -> Result<Status> {
    let s: String = row.try_get("status").db()?;
    Status::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("status {s}")))
}

fn minutes(row: &PgRow) -> Result<u32> {
    let minutes: i64 = row.try_get("reading_minutes").db()?;
    Ok(minutes.clamp(0, u32::MAX as i64) as u32)
}

/// The columns a card needs, of `articles a`.
pub(super) const CARD_COLUMNS: &str = "a.slug, a.title, a.standfirst, a.section, a.section_slug, a.authors::TEXT AS authors, \
     a.tags::TEXT AS tags, a.status, a.published_at, a.updated_at, a.reading_minutes, a.lead_image, \
     a.lead_image_alt, a.lang";

pub(super) fn card_from_row(row: &PgRow) -> Result<ArticleCard> {
    Ok(ArticleCard {
        slug: row.try_get("slug").db()?,
        title: row.try_get("title").db()?,
        standfirst: row.try_get("standfirst").db()?,
        section: Named { name: row.try_get("section").db()?, slug: row.try_get("section_slug").db()? },
        authors: json(row, "authors")?,
        tags: json(row, "tags")?,
        status: status(row)?,
        published_at: row.try_get("published_at").db()?,
        updated_at: row.try_get("updated_at").db()?,
        reading_minutes: minutes(row)?,
        lead_image: row.try_get("lead_image").db()?,
        lead_image_alt: row.try_get("lead_image_alt").db()?,
        lang: row.try_get("lang").db()?,
    })
}

fn article_from_row(row: &PgRow) -> Result<Article> {
    let mode: String = row.try_get("summary_mode").db()?;
    let mode = SummaryMode::parse(&mode).ok_or_else(|| StoreError::Corrupt(format!("summary_mode {mode}")))?;
    // A picked summary is stored as `auto` with its picks beside it (0012).
    let picked: Option<bool> = row.try_get("picked").db()?;
    let picks: Option<String> = row.try_get("picks").db()?;
    let summary_picks = match picks {
        Some(p) => serde_json::from_str(&p).map_err(|e| StoreError::Corrupt(format!("summary picks: {e}")))?,
        None => Vec::new(),
    };
    let card = card_from_row(row)?;
    Ok(Article {
        id: row.try_get("id").db()?,
        version: row.try_get("version").db()?,
        created_at: row.try_get("created_at").db()?,
        data: NewArticle {
            slug: card.slug,
            title: card.title,
            standfirst: card.standfirst,
            body_md: row.try_get("body_md").db()?,
            body_html: row.try_get("body_html").db()?,
            body_text: row.try_get("body_text").db()?,
            authors: card.authors,
            section: card.section,
            tags: card.tags,
            lang: card.lang,
            status: card.status,
            published_at: card.published_at,
            updated_at: card.updated_at,
            sources: row.try_get("sources").db()?,
            canonical_url: row.try_get("canonical_url").db()?,
            lead_image: card.lead_image,
            lead_image_alt: card.lead_image_alt,
            reading_minutes: card.reading_minutes,
            summary_mode: if picked == Some(true) && mode == SummaryMode::Auto { SummaryMode::Picked } else { mode },
            summary_custom: row.try_get("summary_custom").db()?,
            summary_picks,
            auto_paragraphs: row.try_get("auto_paragraphs").db()?,
            summaries: json(row, "summaries")?,
            search: SearchText::default(),
            key_phrases: super::related::phrases_from_row(row)?,
            owner: None,
            revision: None,
        },
    })
}

/// One whole article by slug (`$2`), if visible: its row, body and
/// summaries (as one JSON array, by length) in one query.
fn article_by_slug(v: Visibility) -> String {
    format!(
        "SELECT a.id, a.version, a.created_at, {CARD_COLUMNS}, a.sources, a.canonical_url, a.summary_mode, \
         a.summary_custom, a.auto_paragraphs, b.body_md, b.body_html, b.body_text, p.picked, \
         p.sentences::TEXT AS picks, \
         COALESCE((SELECT json_agg(json_build_object('length', s.length, 'sentences', s.sentences, \
                   'source_hash', s.source_hash, 'version', s.version) ORDER BY s.length) \
                   FROM article_summaries s WHERE s.article_id = a.id), '[]')::TEXT AS summaries, {} \
         FROM articles a JOIN article_bodies b ON b.article_id = a.id \
         LEFT JOIN article_summary_picks p ON p.article_id = a.id WHERE a.slug = $2 AND {}",
        super::related::PHRASE_COLUMNS,
        visible(v, "a")
    )
}

/// One article with its summaries, read on `conn` (inside a transaction, or not).
pub(super) async fn load_in(conn: &mut PgConnection, slug: &str, v: Visibility) -> Result<Option<Article>> {
    let row = sqlx::query(AssertSqlSafe(article_by_slug(v)))
        .bind(now_of(v))
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await
        .db()?;
    let Some(row) = row else { return Ok(None) };
    let mut article = article_from_row(&row)?;
    (article.data.owner, article.data.status) = super::desk::read_desk(conn, article.id, article.status).await?;
    Ok(Some(article))
}

/// Binds the article's list columns as `$1` to `$20`, for [`INSERT`] and [`UPDATE`].
pub(super) fn bind_article<'q>(
    query: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    a: &'q NewArticle,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    query
        .bind(&a.slug)
        .bind(&a.title)
        .bind(&a.standfirst)
        .bind(to_json(&a.authors))
        .bind(&a.section.name)
        .bind(&a.section.slug)
        .bind(to_json(&a.tags))
        .bind(&a.lang)
        .bind(crate::desk::stored_status(a.status))
        .bind(a.published_at)
        .bind(a.updated_at)
        .bind(&a.sources)
        .bind(&a.canonical_url)
        .bind(&a.lead_image)
        .bind(&a.lead_image_alt)
        .bind(a.reading_minutes as i64)
        .bind(a.summary_mode.stored())
        .bind(&a.summary_custom)
        .bind(a.updated_at)
        .bind(a.auto_paragraphs)
}

/// Inserts an article's row: its fields in [`bind_article`] order (`$19`,
/// its update time, is its creation time too).
const INSERT: &str = "INSERT INTO articles (slug, title, standfirst, authors, section, section_slug, tags, lang, \
     status, published_at, updated_at, sources, canonical_url, lead_image, lead_image_alt, reading_minutes, \
     summary_mode, summary_custom, created_at, auto_paragraphs, version) VALUES \
     ($1, $2, $3, $4::JSONB, $5, $6, $7::JSONB, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1) \
     RETURNING id";

/// Replaces article `$21`'s row if it is at version `$22`, with its fields
/// in [`bind_article`] order (but `$19`: the creation time stays), and
/// moves it to the next version.
const UPDATE: &str = "UPDATE articles SET slug = $1, title = $2, standfirst = $3, authors = $4::JSONB, \
     section = $5, section_slug = $6, tags = $7::JSONB, lang = $8, status = $9, published_at = $10, \
     updated_at = $11, sources = $12, canonical_url = $13, lead_image = $14, lead_image_alt = $15, \
     reading_minutes = $16, summary_mode = $17, summary_custom = $18, auto_paragraphs = $20, \
     version = version + 1 WHERE id = $21 AND version = $22";

pub(super) fn slug_taken(a: &NewArticle) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    move |e| {
        if is_unique_violation(&e) { StoreError::Conflict(format!("slug {} is taken", a.slug)) } else { db_error(e) }
    }
}

/// Writes the body, tags, authors and summaries of article `id` (whose old
/// ones, if any, are gone; tags or authors that `kept` says were kept as
/// they were are not written again), inside the caller's transaction: one
/// statement each, whatever their number. A tag or author named twice is
/// kept once; of two summaries of one length, the last.
pub(super) async fn write_parts(tx: &mut PgConnection, id: i64, a: &NewArticle, kept: Kept) -> Result<()> {
    super::desk::write_desk(tx, id, a).await?;
    write_picks(tx, id, a).await?;
    sqlx::query("INSERT INTO article_bodies (article_id, body_md, body_html, body_text) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(&a.body_md)
        .bind(&a.body_html)
        .bind(&a.body_text)
        .execute(&mut *tx)
        .await
        .db()?;
    for (table, key, name, list, kept) in [
        ("article_tags", "tag_slug", "tag", &a.tags, kept.tags),
        ("article_authors", "author_slug", "name", &a.authors, kept.authors),
    ] {
        if list.is_empty() || kept {
            continue;
        }
        let slugs: Vec<&str> = list.iter().map(|n| n.slug.as_str()).collect();
        let names: Vec<&str> = list.iter().map(|n| n.name.as_str()).collect();
        let query = sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO {table} (article_id, {key}, {name}, slug, status, published_at{copy}) \
             SELECT $1, t.key, t.name, $4, $5, $6{copy_value} FROM UNNEST($2::TEXT[], $3::TEXT[]) AS t (key, name) \
             ON CONFLICT DO NOTHING",
            // An author's row keeps a copy of the update time (the order of the newsroom's list).
            copy = if table == "article_authors" { ", updated_at" } else { "" },
            copy_value = if table == "article_authors" { ", $7" } else { "" },
        )))
        .bind(id)
        .bind(slugs)
        .bind(names)
        .bind(&a.slug)
        .bind(crate::desk::stored_status(a.status))
        .bind(a.published_at);
        let query = if table == "article_authors" { query.bind(a.updated_at) } else { query };
        query.execute(&mut *tx).await.db()?;
    }
    let mut summaries: Vec<&StoredSummary> = Vec::with_capacity(a.summaries.len());
    for s in &a.summaries {
        summaries.retain(|kept| kept.length != s.length);
        summaries.push(s);
    }
    if !summaries.is_empty() {
        sqlx::query(
            "INSERT INTO article_summaries (article_id, length, sentences, source_hash, version) \
             SELECT $1, t.length, t.sentences::JSONB, t.source_hash, t.version \
             FROM UNNEST($2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[]) AS t (length, sentences, source_hash, version)",
        )
        .bind(id)
        .bind(summaries.iter().map(|s| s.length as i64).collect::<Vec<_>>())
        .bind(summaries.iter().map(|s| to_json(&s.sentences)).collect::<Vec<_>>())
        .bind(summaries.iter().map(|s| s.source_hash.as_str()).collect::<Vec<_>>())
        .bind(summaries.iter().map(|s| s.version.as_str()).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await
        .db()?;
    }
    sqlx::query(SET_SUMMARIES_VERSION).bind(id).execute(&mut *tx).await.db()?;
    Ok(())
}

/// Which of an article's tag and author rows an update kept as they were
/// (see [`update_in`]); a new article keeps none.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Kept {
    tags: bool,
    authors: bool,
}

/// Whether article `id`'s rows in `table` (its `(key, name)` columns) are
/// those `names` would write ([`crate::same_names`]).
async fn same_names(
    tx: &mut PgConnection,
    table: &str,
    key: &str,
    name: &str,
    id: i64,
    names: &[Named],
) -> Result<bool> {
    let stored: Vec<(String, String)> =
        sqlx::query_as(AssertSqlSafe(format!("SELECT {key}, {name} FROM {table} WHERE article_id = $1")))
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .db()?;
    Ok(crate::same_names(stored, names))
}

/// Brings the copies of article `id`'s slug, status and publication time
/// in its rows of `table` (tags, authors or key phrases an update kept) up
/// to date with its row; rows already up to date are not written.
pub(super) async fn update_copies(tx: &mut PgConnection, table: &str, id: i64) -> Result<()> {
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE {table} x SET slug = a.slug, status = a.status, published_at = a.published_at \
         FROM articles a WHERE a.id = $1 AND x.article_id = $1 \
         AND (x.slug, x.status, x.published_at) IS DISTINCT FROM (a.slug, a.status, a.published_at)"
    )))
    .bind(id)
    .execute(&mut *tx)
    .await
    .db()?;
    Ok(())
}

/// The summary sentences picked for article `id`: a row when there are
/// picks or the mode is picked, none otherwise (as on SQLite).
async fn write_picks(tx: &mut PgConnection, id: i64, a: &NewArticle) -> Result<()> {
    let picked = a.summary_mode == SummaryMode::Picked;
    if !picked && a.summary_picks.is_empty() {
        sqlx::query("DELETE FROM article_summary_picks WHERE article_id = $1").bind(id).execute(&mut *tx).await.db()?;
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO article_summary_picks (article_id, picked, sentences) VALUES ($1, $2, $3::JSONB) \
         ON CONFLICT (article_id) DO UPDATE SET picked = excluded.picked, sentences = excluded.sentences",
    )
    .bind(id)
    .bind(picked)
    .bind(to_json(&a.summary_picks))
    .execute(&mut *tx)
    .await
    .db()?;
    Ok(())
}

/// Sets article `$1`'s `summaries_version` from its summaries, by the rule
/// of migration 0004 (the version of them all when there are two or more
/// of one version, else NULL), so stale summaries are found by its index.
const SET_SUMMARIES_VERSION: &str = "UPDATE articles SET summaries_version = \
     (SELECT CASE WHEN COUNT(*) >= 2 AND MIN(s.version) = MAX(s.version) THEN MIN(s.version) END \
      FROM article_summaries s WHERE s.article_id = $1) WHERE id = $1";

/// The rows a list reads, filtered: `FROM ... WHERE ...`, and the alias of
/// the table that drives it (in the order it returns): a tag's table for a
/// tag's list, an author's for an author's, else `articles a` itself.
/// Parameters: `$1` the time (see [`visible`]), `$2` the tag, `$3` the
/// author, `$4` the section (each referred to only when the query has it).
/// The count of a list reads the same rows, without the cursor.
fn list_source(q: &ListQuery) -> (String, &'static str) {
    let (mut sql, d) = match (&q.tag, &q.author) {
        (Some(_), _) => {
            ("FROM article_tags d JOIN articles a ON a.id = d.article_id WHERE d.tag_slug = $2".to_owned(), "d")
        }
        (None, Some(_)) => {
            ("FROM article_authors d JOIN articles a ON a.id = d.article_id WHERE d.author_slug = $3".to_owned(), "d")
        }
        (None, None) => ("FROM articles a WHERE TRUE".to_owned(), "a"),
    };
    sql.push_str(" AND ");
    sql.push_str(&visible(q.visibility, d));
    if q.tag.is_some() && q.author.is_some() {
        sql.push_str(" AND EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = a.id AND x.author_slug = $3)");
    }
    if q.section.is_some() {
        sql.push_str(" AND a.section_slug = $4");
    }
    (sql, d)
}

/// The keyset condition of a page asked `after` a cursor (`$7` its time,
/// `$8` its slug), on the driving table `d`, in the lists' order
/// (`published_at DESC NULLS LAST, slug DESC`): after a dated article, the
/// older ones, the same time with a lower slug, then (editors) every undated
/// one; after an undated article, the undated ones with a lower slug.
/// Readers see no undated article, so their condition is a plain range of
/// their index.
fn after_cursor(q: &ListQuery, d: &str) -> &'static str {
    match (&q.after, q.visibility) {
        (None, _) => "",
        (Some(Cursor { published_at: Some(_), .. }), Visibility::PublicAt(_)) => match d {
            "d" => " AND (d.published_at, d.slug) < ($7, $8)",
            _ => " AND (a.published_at, a.slug) < ($7, $8)",
        },
        (Some(Cursor { published_at: Some(_), .. }), Visibility::All) => match d {
            "d" => " AND (d.published_at IS NULL OR (d.published_at, d.slug) < ($7, $8))",
            _ => " AND (a.published_at IS NULL OR (a.published_at, a.slug) < ($7, $8))",
        },
        (Some(Cursor { published_at: None, .. }), _) => match d {
            "d" => " AND d.published_at IS NULL AND d.slug < $8",
            _ => " AND a.published_at IS NULL AND a.slug < $8",
        },
    }
}

/// A page of a list: [`list_source`], the cursor's condition, the order;
/// `$5` the limit, `$6` the offset.
fn list_page_sql(q: &ListQuery) -> String {
    let (source, d) = list_source(q);
    format!(
        "SELECT {CARD_COLUMNS} {source}{} ORDER BY {d}.published_at DESC NULLS LAST, {d}.slug DESC \
         LIMIT $5 OFFSET $6",
        after_cursor(q, d)
    )
}

/// Previous/Next of the article `$2` for readers at `$1`: the article's own
/// place, visible or not; then the visible article just before it and the
/// one just after, each an index scan from there.
fn neighbours_sql(now: i64) -> String {
    let vis = visible(Visibility::PublicAt(now), "a");
    format!(
        "WITH me AS (SELECT published_at, slug FROM articles WHERE slug = $2 AND published_at IS NOT NULL) \
         (SELECT 'prev' AS side, a.slug, a.title, a.lang FROM articles a, me WHERE {vis} \
          AND (a.published_at, a.slug) < (me.published_at, me.slug) \
          ORDER BY a.published_at DESC NULLS LAST, a.slug DESC LIMIT 1) \
         UNION ALL \
         (SELECT 'next' AS side, a.slug, a.title, a.lang FROM articles a, me WHERE {vis} \
          AND (a.published_at, a.slug) > (me.published_at, me.slug) \
          ORDER BY a.published_at ASC NULLS FIRST, a.slug ASC LIMIT 1)"
    )
}

/// A list query ([`list_source`]) with its parameters `$1` to `$4` bound.
fn bind_list<'q>(sql: String, q: &'q ListQuery) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    sqlx::query(AssertSqlSafe(sql))
        .bind(now_of(q.visibility))
        .bind(q.tag.as_deref())
        .bind(q.author.as_deref())
        .bind(q.section.as_deref())
}

impl PostgresStore {
    async fn name_of(&self, sql: String, slug: &str, now: i64) -> Result<Option<String>> {
        sqlx::query_scalar(AssertSqlSafe(sql)).bind(now).bind(slug).fetch_optional(&self.pool).await.db()
    }
}

/// Inserts `article` inside the caller's transaction: its row, parts,
/// search terms, first revision and key phrases. Returns its id.
async fn create_in(tx: &mut PgConnection, article: &NewArticle) -> Result<i64> {
    let id: i64 = bind_article(sqlx::query(INSERT), article)
        .fetch_one(&mut *tx)
        .await
        .map_err(slug_taken(article))?
        .try_get("id")
        .db()?;
    write_parts(tx, id, article, Kept::default()).await?;
    super::search::write_terms(tx, id, &article.lang, &article.search).await?;
    super::revisions::write_revision(tx, id, 1, article).await?;
    super::related::write_phrases(tx, id, &article.key_phrases).await?;
    Ok(id)
}

/// Replaces article `id` at `version` inside the caller's transaction (see
/// [`ArticleStore::update_article`]); on an error, the caller drops the
/// transaction.
async fn update_in(tx: &mut PgConnection, id: i64, version: i64, article: &NewArticle) -> Result<()> {
    // A concurrent update of the same article waits here for the first
    // to commit, then finds the version moved on.
    let done = bind_article(sqlx::query(UPDATE), article)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(slug_taken(article))?;
    if done.rows_affected() == 0 {
        let current: Option<i64> = sqlx::query_scalar("SELECT version FROM articles WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .db()?;
        return Err(match current {
            Some(current) => StoreError::VersionConflict { current },
            None => StoreError::NotFound,
        });
    }
    // Tags (authors) the same as stored are kept, their copies of the row
    // brought up to date: rewriting them wrote an entry in each of their
    // indexes, for every tag, at every edit.
    let kept = Kept {
        tags: same_names(tx, "article_tags", "tag_slug", "tag", id, &article.tags).await?,
        authors: same_names(tx, "article_authors", "author_slug", "name", id, &article.authors).await?,
    };
    for (table, kept) in [
        ("article_bodies", false),
        ("article_tags", kept.tags),
        ("article_authors", kept.authors),
        ("article_summaries", false),
    ] {
        if kept {
            update_copies(tx, table, id).await?;
            continue;
        }
        sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE article_id = $1")))
            .bind(id)
            .execute(&mut *tx)
            .await
            .db()?;
    }
    write_parts(tx, id, article, kept).await?;
    super::search::write_terms(tx, id, &article.lang, &article.search).await?;
    super::revisions::write_revision(tx, id, version + 1, article).await?;
    super::related::write_phrases(tx, id, &article.key_phrases).await?;
    Ok(())
}

#[async_trait]
impl ArticleStore for PostgresStore {
    async fn create_article(&self, article: &NewArticle) -> Result<Article> {
        let mut tx = self.pool.begin().await.db()?;
        let id = create_in(&mut tx, article).await?;
        super::related::relate(&mut tx, id).await?;
        let stored = load_in(&mut tx, &article.slug, Visibility::All).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await.db()?;
        Ok(stored)
    }

    async fn update_article(&self, id: i64, version: i64, article: &NewArticle) -> Result<Article> {
        let mut tx = self.pool.begin().await.db()?;
        update_in(&mut tx, id, version, article).await?;
        super::related::relate(&mut tx, id).await?;
        let stored = load_in(&mut tx, &article.slug, Visibility::All).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await.db()?;
        Ok(stored)
    }

    async fn write_articles(&self, writes: &[ArticleWrite<'_>]) -> Result<Vec<i64>> {
        let mut tx = self.pool.begin().await.db()?;
        let mut ids = Vec::with_capacity(writes.len());
        for w in writes {
            ids.push(match *w {
                ArticleWrite::Create(article) => create_in(&mut tx, article).await?,
                ArticleWrite::Update { id, version, article } => {
                    update_in(&mut tx, id, version, article).await?;
                    id
                }
            });
        }
        // Each article's own list is queued (made off the writer's path,
        // `make_queued_related_lists`), as on SQLite.
        super::related::lock_lists(&mut tx).await?;
        super::related::enqueue(&mut tx, &ids).await?;
        tx.commit().await.db()?;
        Ok(ids)
    }

    async fn existing_slugs(&self, slugs: &[String]) -> Result<Vec<String>> {
        if slugs.is_empty() {
            return Ok(Vec::new());
        }
        sqlx::query_scalar("SELECT slug FROM articles WHERE slug = ANY($1)")
            .bind(slugs)
            .fetch_all(&self.pool)
            .await
            .db()
    }

    async fn names_in_use(&self, slugs: &[(NameKind, String)], except: Option<i64>) -> Result<Vec<(NameKind, Named)>> {
        if slugs.is_empty() {
            return Ok(Vec::new());
        }
        // For each slug, one probe of the index that starts with it.
        let kinds = [
            (NameKind::Section, "articles", "section_slug", "section", "id"),
            (NameKind::Tag, "article_tags", "tag_slug", "tag", "article_id"),
            (NameKind::Author, "article_authors", "author_slug", "name", "article_id"),
        ];
        let sql = kinds
            .iter()
            .enumerate()
            .map(|(i, (_, table, key, name, id))| {
                format!(
                    "SELECT {i}::BIGINT AS kind, k.slug, n.name FROM UNNEST(${}::TEXT[]) AS k (slug) \
                     CROSS JOIN LATERAL (SELECT x.{name} AS name FROM {table} x \
                     WHERE x.{key} = k.slug AND x.{id} <> $4 LIMIT 1) n",
                    i + 1
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let mut query = sqlx::query_as::<_, (i64, String, String)>(AssertSqlSafe(sql));
        for (kind, ..) in kinds {
            query = query.bind(slugs.iter().filter(|(k, _)| *k == kind).map(|(_, s)| s.as_str()).collect::<Vec<_>>());
        }
        let found = query.bind(except.unwrap_or(0)).fetch_all(&self.pool).await.db()?;
        Ok(found
            .into_iter()
            .filter_map(|(i, slug, name)| Some((kinds.get(usize::try_from(i).ok()?)?.0, Named { slug, name })))
            .collect())
    }

    async fn delete_article(&self, slug: &str) -> Result<()> {
        let mut tx = self.pool.begin().await.db()?;
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM articles WHERE slug = $1 FOR UPDATE")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await
            .db()?;
        let Some(id) = id else { return Err(StoreError::NotFound) };
        let holders = super::related::before_delete(&mut tx, id).await?;
        sqlx::query("DELETE FROM articles WHERE id = $1").bind(id).execute(&mut *tx).await.db()?;
        super::related::enqueue(&mut tx, &holders).await?;
        tx.commit().await.db()?;
        Ok(())
    }

    async fn article(&self, slug: &str, visibility: Visibility) -> Result<Option<Article>> {
        let mut conn = self.pool.acquire().await.db()?;
        load_in(&mut conn, slug, visibility).await
    }

    async fn list_articles(&self, q: &ListQuery) -> Result<Page<ArticleCard>> {
        let per_page = q.per_page.clamp(1, 100);
        let page = q.after.is_none().then(|| q.page.max(1));
        // With `after`, the page counts from there.
        let offset = (q.page.max(1) as i64 - 1) * per_page as i64;
        let (source, _) = list_source(q);
        let count = format!("SELECT COUNT(*) AS n {source}");
        let total: i64 = bind_list(count, q).fetch_one(&self.pool).await.db()?.try_get("n").db()?;
        let (after_at, after_slug) = match &q.after {
            Some(c) => (c.published_at, c.slug.as_str()),
            None => (None, ""),
        };
        let rows = bind_list(list_page_sql(q), q)
            .bind(per_page as i64 + 1)
            .bind(offset)
            .bind(after_at)
            .bind(after_slug)
            .fetch_all(&self.pool)
            .await
            .db()?;
        let mut items = rows.iter().map(card_from_row).collect::<Result<Vec<_>>>()?;
        let next = if items.len() > per_page as usize {
            items.truncate(per_page as usize);
            items.last().map(Cursor::of)
        } else {
            None
        };
        Ok(Page { items, total: total.max(0) as u64, page, per_page, next })
    }

    async fn neighbours(&self, slug: &str, now: i64) -> Result<(Option<ArticleLink>, Option<ArticleLink>)> {
        let sql = neighbours_sql(now);
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(now).bind(slug).fetch_all(&self.pool).await.db()?;
        let (mut prev, mut next) = (None, None);
        for r in &rows {
            let side: String = r.try_get("side").db()?;
            let link = ArticleLink {
                slug: r.try_get("slug").db()?,
                title: r.try_get("title").db()?,
                lang: r.try_get("lang").db()?,
            };
            if side == "prev" {
                prev = Some(link);
            } else {
                next = Some(link);
            }
        }
        Ok((prev, next))
    }

    async fn sections(&self, now: i64) -> Result<Vec<(Named, u64)>> {
        let sql = format!(
            "SELECT a.section_slug, MIN(a.section) AS section, COUNT(*) AS n FROM articles a WHERE {} \
             GROUP BY a.section_slug ORDER BY n DESC, a.section_slug",
            visible(Visibility::PublicAt(now), "a")
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(now).fetch_all(&self.pool).await.db()?;
        rows.iter()
            .map(|r| {
                let n: i64 = r.try_get("n").db()?;
                Ok((Named { name: r.try_get("section").db()?, slug: r.try_get("section_slug").db()? }, n.max(0) as u64))
            })
            .collect()
    }

    async fn section_name(&self, slug: &str, now: i64) -> Result<Option<String>> {
        let sql = format!(
            "SELECT a.section FROM articles a WHERE a.section_slug = $2 AND {} LIMIT 1",
            visible(Visibility::PublicAt(now), "a")
        );
        self.name_of(sql, slug, now).await
    }

    async fn tag_name(&self, slug: &str, now: i64) -> Result<Option<String>> {
        let sql = format!(
            "SELECT d.tag FROM article_tags d WHERE d.tag_slug = $2 AND {} LIMIT 1",
            visible(Visibility::PublicAt(now), "d")
        );
        self.name_of(sql, slug, now).await
    }

    async fn author_name(&self, slug: &str, now: i64) -> Result<Option<String>> {
        let sql = format!(
            "SELECT d.name FROM article_authors d WHERE d.author_slug = $2 AND {} LIMIT 1",
            visible(Visibility::PublicAt(now), "d")
        );
        self.name_of(sql, slug, now).await
    }

    async fn count_articles(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM articles").fetch_one(&self.pool).await.db()?;
        Ok(n.max(0) as u64)
    }

    async fn stale_summaries(&self, version: &str) -> Result<Vec<String>> {
        sqlx::query_scalar(
            "SELECT slug FROM articles WHERE summaries_version IS NULL OR summaries_version <> $1 ORDER BY slug",
        )
        .bind(version)
        .fetch_all(&self.pool)
        .await
        .db()
    }

    async fn next_publication_after(&self, now: i64) -> Result<Option<i64>> {
        sqlx::query_scalar("SELECT MIN(published_at) FROM articles WHERE status <> 'draft' AND published_at > $1")
            .bind(now)
            .fetch_one(&self.pool)
            .await
            .db()
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::ConnectOptions;
    use sqlx::postgres::PgConnectOptions;

    use super::*;
    use crate::Backend as _;
    use crate::testing::{TestDatabase, conformance::article};

    /// Every list a reader sees, Previous/Next, the next publication time
    /// and an article by slug are index scans in the order they return: no
    /// sort, no scan of the whole table, whatever the table's size. (Seq
    /// scans, bitmap scans and sorts are switched off, so a query that no
    /// index fits shows a Sort or a Seq Scan in its plan; each plan must also
    /// use the index meant for it.)
    #[tokio::test]
    async fn lists_are_index_scans_in_order() {
        let Some(db) = TestDatabase::postgres("plans").await else { return };
        let store = PostgresStore::open(db.location()).await.unwrap();
        // Six sections, so a section's own index is the one to read.
        let sections = ["World", "Arts", "Sport", "Science", "Books", "Travel"];
        for i in 0..300 {
            let status = [Status::Published, Status::Draft, Status::Scheduled][i % 3];
            let a = article(&format!("a{i}"), status, Some(i as i64 * 10), sections[i % 6], &["x", "y"], &["Ann"]);
            store.create_article(&a).await.unwrap();
        }
        let mut conn = PgConnectOptions::from_str(db.location()).unwrap().connect().await.unwrap();
        // And many articles of other sections, as on a large site (on a
        // small table, a scan of the site's index that filters by section
        // costs the planner as little as the section's own index).
        sqlx::raw_sql(
            "INSERT INTO articles (slug, title, section, section_slug, lang, status, published_at, updated_at, \
             created_at, reading_minutes) SELECT 'bulk-' || g, 'Bulk', 'Bulk', 'bulk-' || (g % 40), 'en', \
             'published', g % 3000, 0, 0, 1 FROM generate_series(1, 20000) AS g",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        for sql in ["ANALYZE", "SET enable_seqscan = off", "SET enable_bitmapscan = off", "SET enable_sort = off"] {
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
        }
        let list = |visibility, section: Option<&str>, tag: Option<&str>, author: Option<&str>| ListQuery {
            visibility,
            section: section.map(str::to_owned),
            tag: tag.map(str::to_owned),
            author: author.map(str::to_owned),
            page: 2,
            per_page: 10,
            after: None,
        };
        let after =
            |q: ListQuery| ListQuery { after: Some(Cursor { published_at: Some(1500), slug: "a150".into() }), ..q };
        let public = Visibility::PublicAt(2000);
        let cases = [
            ("home", list(public, None, None, None), "articles_public"),
            ("section", list(public, Some("world"), None, None), "articles_public_by_section"),
            ("tag", list(public, None, Some("x"), None), "article_tags_public"),
            ("author", list(public, None, None, Some("ann")), "article_authors_public"),
            ("tag and author", list(public, None, Some("x"), Some("ann")), "article_tags_public"),
            ("tag and section", list(public, Some("world"), Some("x"), None), "article_tags_public"),
            ("editors", list(Visibility::All, None, None, None), "articles_all"),
            ("home after a cursor", after(list(public, None, None, None)), "articles_public"),
            ("section after a cursor", after(list(public, Some("world"), None, None)), "articles_public_by_section"),
            ("tag after a cursor", after(list(public, None, Some("x"), None)), "article_tags_public"),
            ("author after a cursor", after(list(public, None, None, Some("ann"))), "article_authors_public"),
        ];
        let mut plans = Vec::new();
        for (name, q, index) in &cases {
            let sql = format!("EXPLAIN (FORMAT JSON) {}", list_page_sql(q));
            let plan: serde_json::Value = bind_list(sql, q)
                .bind(10i64)
                .bind(10i64)
                .bind(Some(1500i64))
                .bind("a150")
                .fetch_one(&mut conn)
                .await
                .unwrap()
                .get(0);
            plans.push((name.to_string(), plan, vec![*index]));
        }
        let explain = async |conn: &mut PgConnection, sql: String, slug: &str| -> serde_json::Value {
            sqlx::query(AssertSqlSafe(format!("EXPLAIN (FORMAT JSON) {sql}")))
                .bind(2000i64)
                .bind(slug)
                .fetch_one(conn)
                .await
                .unwrap()
                .get(0)
        };
        let plan = explain(&mut conn, neighbours_sql(2000), "a150").await;
        plans.push(("neighbours".into(), plan, vec!["articles_public", "articles_slug_key"]));
        let plan = explain(&mut conn, article_by_slug(public), "a150").await;
        plans.push(("article".into(), plan, vec!["articles_slug_key", "article_bodies_pkey"]));
        let plan: serde_json::Value = sqlx::query(
            "EXPLAIN (FORMAT JSON) SELECT MIN(published_at) FROM articles WHERE status <> 'draft' AND published_at > $1",
        )
        .bind(2000i64)
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .get(0);
        plans.push(("next publication".into(), plan, vec!["articles_public"]));
        for (name, plan, indexes) in plans {
            let text = plan.to_string();
            for index in indexes {
                assert!(text.contains(&format!("\"Index Name\":\"{index}\"")), "{name} does not use {index}: {text}");
            }
            for bad in ["\"Node Type\":\"Sort\"", "\"Node Type\":\"Seq Scan\"", "\"Node Type\":\"Bitmap Heap Scan\""] {
                assert!(!text.contains(bad), "{name} has a {bad}: {text}");
            }
        }
        store.close().await;
    }
}
