//! The embedded SQLite store: one file, migrations run on open.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};

use crate::{
    Article, ArticleCard, ArticleLink, ListQuery, Named, NewArticle, Page, Result, Status, Store, StoreError,
    StoredSummary, SummaryMode, SummarySentence, TokenInfo, Upserted, Visibility,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The SQLite implementation of [`Store`].
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating when missing) the database at `location`: a path,
    /// `sqlite://path`, `sqlite:path` or `:memory:`; runs the migrations.
    pub async fn open(location: &str) -> Result<SqliteStore> {
        let options = if location == ":memory:" || location == "sqlite::memory:" {
            SqliteConnectOptions::from_str("sqlite::memory:")?
        } else if location.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(location)?.create_if_missing(true)
        } else if location.contains("://") {
            return Err(StoreError::Unsupported(format!(
                "{location}: only SQLite is built in (a path or sqlite://path); PostgreSQL comes later"
            )));
        } else {
            SqliteConnectOptions::new().filename(location).create_if_missing(true)
        };
        let memory = location.contains(":memory:");
        if !memory {
            check_file_location(location)?;
        }
        let options = options
            .foreign_keys(true)
            .journal_mode(if memory { SqliteJournalMode::Memory } else { SqliteJournalMode::Wal })
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10));
        // An in-memory database lives in one connection.
        let pool = SqlitePoolOptions::new()
            .max_connections(if memory { 1 } else { 8 })
            .min_connections(if memory { 1 } else { 0 })
            .idle_timeout(if memory { None } else { Some(Duration::from_secs(600)) })
            .max_lifetime(if memory { None } else { Some(Duration::from_secs(3600)) })
            .connect_with(options)
            .await
            .map_err(|e| match &e {
                // SQLite's own words, once (not again as each error's source).
                sqlx::Error::Database(db) => StoreError::CannotOpen(db.message().to_owned()),
                _ => e.into(),
            })?;
        MIGRATOR.run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// Closes the pool (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn vis(v: Visibility) -> (i64, i64) {
    match v {
        Visibility::PublicAt(now) => (now, 0),
        Visibility::All => (0, 1),
    }
}

fn json<T: serde::de::DeserializeOwned>(row: &SqliteRow, col: &str) -> Result<T> {
    let s: String = row.try_get(col)?;
    serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    // Serializing plain records to JSON cannot fail.
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned())
}

fn status(row: &SqliteRow) -> Result<Status> {
    let s: String = row.try_get("status")?;
    Status::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("status {s}")))
}

fn article_from_row(row: &SqliteRow, summaries: Vec<StoredSummary>) -> Result<Article> {
    let mode: String = row.try_get("summary_mode")?;
    let minutes: i64 = row.try_get("reading_minutes")?;
    Ok(Article {
        id: row.try_get("id")?,
        created_at: row.try_get("created_at")?,
        data: NewArticle {
            slug: row.try_get("slug")?,
            title: row.try_get("title")?,
            standfirst: row.try_get("standfirst")?,
            body_md: row.try_get("body_md")?,
            body_html: row.try_get("body_html")?,
            body_text: row.try_get("body_text")?,
            authors: json(row, "authors")?,
            section: Named { name: row.try_get("section")?, slug: row.try_get("section_slug")? },
            tags: json(row, "tags")?,
            lang: row.try_get("lang")?,
            status: status(row)?,
            published_at: row.try_get("published_at")?,
            updated_at: row.try_get("updated_at")?,
            sources: row.try_get("sources")?,
            canonical_url: row.try_get("canonical_url")?,
            lead_image: row.try_get("lead_image")?,
            lead_image_alt: row.try_get("lead_image_alt")?,
            reading_minutes: minutes.clamp(0, u32::MAX as i64) as u32,
            summary_mode: SummaryMode::parse(&mode)
                .ok_or_else(|| StoreError::Corrupt(format!("summary_mode {mode}")))?,
            summary_custom: row.try_get("summary_custom")?,
            summaries,
        },
    })
}

fn card_from_row(row: &SqliteRow) -> Result<ArticleCard> {
    let minutes: i64 = row.try_get("reading_minutes")?;
    Ok(ArticleCard {
        slug: row.try_get("slug")?,
        title: row.try_get("title")?,
        standfirst: row.try_get("standfirst")?,
        section: Named { name: row.try_get("section")?, slug: row.try_get("section_slug")? },
        authors: json(row, "authors")?,
        tags: json(row, "tags")?,
        status: status(row)?,
        published_at: row.try_get("published_at")?,
        updated_at: row.try_get("updated_at")?,
        reading_minutes: minutes.clamp(0, u32::MAX as i64) as u32,
        lead_image: row.try_get("lead_image")?,
        lead_image_alt: row.try_get("lead_image_alt")?,
        lang: row.try_get("lang")?,
    })
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// The publication time an article is written with: the one it carries;
/// without one, the time already stored (an edit does not re-date an
/// article); failing that, `now` for a published or scheduled article (a
/// draft may have none).
fn publication_time(a: &NewArticle, stored: Option<i64>, now: i64) -> Option<i64> {
    a.published_at.or(stored).or(if a.status == Status::Draft { None } else { Some(now) })
}

/// Why a database file cannot be at `location` (a path, or a `sqlite:` URL),
/// in plain words, before SQLite says "unable to open database file": its
/// folder is missing, or it is a folder itself.
fn check_file_location(location: &str) -> Result<()> {
    let path = location.strip_prefix("sqlite://").or_else(|| location.strip_prefix("sqlite:")).unwrap_or(location);
    let path = std::path::Path::new(path.split('?').next().unwrap_or(path));
    if path.as_os_str().is_empty() {
        return Ok(());
    }
    if path.is_dir() {
        return Err(StoreError::CannotOpen(format!(
            "{} is a folder: give the path of a database file (such as {})",
            path.display(),
            path.join("newsdesk.db").display()
        )));
    }
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(folder) if !folder.exists() => {
            Err(StoreError::CannotOpen(format!("the folder {} does not exist (create it first)", folder.display())))
        }
        Some(folder) if !folder.is_dir() => {
            Err(StoreError::CannotOpen(format!("{} is not a folder", folder.display())))
        }
        _ => Ok(()),
    }
}

/// Opens a write transaction with `BEGIN IMMEDIATE`: it takes the write lock
/// at once, waiting up to the busy timeout while another writer holds it. A
/// deferred `BEGIN` would read first and then fail at once with "database is
/// locked" (SQLITE_BUSY, no waiting) when it tries to upgrade to a write lock
/// another connection holds or has just used. Every write of more than one
/// statement goes through here; single statements (deleting an article, the
/// token writes) take the write lock as they start, and wait on the busy
/// timeout by themselves.
async fn begin_write(pool: &SqlitePool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// Writes the article's fields to the existing row `id` (whose stored
/// publication time is `stored_published`), or to a new row when `None`,
/// with its tags, authors and summaries, inside the caller's transaction.
async fn write_article(
    tx: &mut sqlx::SqliteConnection,
    existing: Option<(i64, Option<i64>)>,
    a: &NewArticle,
    now: i64,
) -> Result<i64> {
    let minutes = a.reading_minutes as i64;
    let published_at = publication_time(a, existing.and_then(|(_, p)| p), now);
    let id = existing.map(|(id, _)| id);
    let id = match id {
        Some(id) => {
            sqlx::query(
                "UPDATE articles SET slug = ?1, title = ?2, standfirst = ?3, body_md = ?4, body_html = ?5, \
                 body_text = ?6, authors = ?7, section = ?8, section_slug = ?9, tags = ?10, lang = ?11, status = ?12, \
                 published_at = ?13, updated_at = ?14, sources = ?15, canonical_url = ?16, lead_image = ?17, \
                 lead_image_alt = ?18, reading_minutes = ?19, summary_mode = ?20, summary_custom = ?21 WHERE id = ?22",
            )
            .bind(&a.slug)
            .bind(&a.title)
            .bind(&a.standfirst)
            .bind(&a.body_md)
            .bind(&a.body_html)
            .bind(&a.body_text)
            .bind(to_json(&a.authors))
            .bind(&a.section.name)
            .bind(&a.section.slug)
            .bind(to_json(&a.tags))
            .bind(&a.lang)
            .bind(a.status.as_str())
            .bind(published_at)
            .bind(a.updated_at)
            .bind(&a.sources)
            .bind(&a.canonical_url)
            .bind(&a.lead_image)
            .bind(&a.lead_image_alt)
            .bind(minutes)
            .bind(a.summary_mode.as_str())
            .bind(&a.summary_custom)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict(format!("slug {} is taken", a.slug))
                } else {
                    e.into()
                }
            })?;
            for table in ["article_tags", "article_authors", "article_summaries"] {
                let sql = match table {
                    "article_tags" => "DELETE FROM article_tags WHERE article_id = ?1",
                    "article_authors" => "DELETE FROM article_authors WHERE article_id = ?1",
                    _ => "DELETE FROM article_summaries WHERE article_id = ?1",
                };
                sqlx::query(sql).bind(id).execute(&mut *tx).await?;
            }
            id
        }
        None => {
            let row = sqlx::query(
                "INSERT INTO articles (slug, title, standfirst, body_md, body_html, body_text, authors, section, \
                 section_slug, tags, lang, status, published_at, updated_at, created_at, sources, canonical_url, \
                 lead_image, lead_image_alt, reading_minutes, summary_mode, summary_custom) VALUES \
                 (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22) \
                 RETURNING id",
            )
            .bind(&a.slug)
            .bind(&a.title)
            .bind(&a.standfirst)
            .bind(&a.body_md)
            .bind(&a.body_html)
            .bind(&a.body_text)
            .bind(to_json(&a.authors))
            .bind(&a.section.name)
            .bind(&a.section.slug)
            .bind(to_json(&a.tags))
            .bind(&a.lang)
            .bind(a.status.as_str())
            .bind(published_at)
            .bind(a.updated_at)
            .bind(now)
            .bind(&a.sources)
            .bind(&a.canonical_url)
            .bind(&a.lead_image)
            .bind(&a.lead_image_alt)
            .bind(minutes)
            .bind(a.summary_mode.as_str())
            .bind(&a.summary_custom)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict(format!("slug {} is taken", a.slug))
                } else {
                    e.into()
                }
            })?;
            row.try_get("id")?
        }
    };
    for t in &a.tags {
        sqlx::query("INSERT OR IGNORE INTO article_tags (article_id, tag_slug, tag) VALUES (?1, ?2, ?3)")
            .bind(id)
            .bind(&t.slug)
            .bind(&t.name)
            .execute(&mut *tx)
            .await?;
    }
    for au in &a.authors {
        sqlx::query("INSERT OR IGNORE INTO article_authors (article_id, author_slug, name) VALUES (?1, ?2, ?3)")
            .bind(id)
            .bind(&au.slug)
            .bind(&au.name)
            .execute(&mut *tx)
            .await?;
    }
    for s in &a.summaries {
        sqlx::query(
            "INSERT OR REPLACE INTO article_summaries (article_id, length, sentences, source_hash, version) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(id)
        .bind(s.length as i64)
        .bind(to_json(&s.sentences))
        .bind(&s.source_hash)
        .bind(&s.version)
        .execute(&mut *tx)
        .await?;
    }
    Ok(id)
}

/// The stored summaries of article `id`.
async fn summaries_in(conn: &mut sqlx::SqliteConnection, id: i64) -> Result<Vec<StoredSummary>> {
    let rows = sqlx::query(
        "SELECT length, sentences, source_hash, version FROM article_summaries WHERE article_id = ?1 ORDER BY length",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let length: i64 = r.try_get("length")?;
            Ok(StoredSummary {
                length: length.clamp(0, u32::MAX as i64) as u32,
                sentences: json::<Vec<SummarySentence>>(r, "sentences")?,
                source_hash: r.try_get("source_hash")?,
                version: r.try_get("version")?,
            })
        })
        .collect()
}

/// One article with its summaries, read on `conn` (inside a transaction, or not).
async fn load_in(conn: &mut sqlx::SqliteConnection, slug: &str, visibility: Visibility) -> Result<Option<Article>> {
    let (now, all) = vis(visibility);
    let sql = const_format_article_by_slug();
    let row = sqlx::query(sql).bind(now).bind(all).bind(slug).fetch_optional(&mut *conn).await?;
    match row {
        None => Ok(None),
        Some(row) => {
            let id: i64 = row.try_get("id")?;
            let summaries = summaries_in(conn, id).await?;
            Ok(Some(article_from_row(&row, summaries)?))
        }
    }
}

impl SqliteStore {
    async fn load(&self, slug: &str, visibility: Visibility) -> Result<Option<Article>> {
        let mut conn = self.pool.acquire().await?;
        load_in(&mut conn, slug, visibility).await
    }

    async fn name_of(&self, sql: &'static str, slug: &str, now: i64) -> Result<Option<String>> {
        let row = sqlx::query(sql).bind(now).bind(0i64).bind(slug).fetch_optional(&self.pool).await?;
        Ok(match row {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        })
    }
}

// SQL assembled from the constants above, kept as `'static` text.
fn const_format_article_by_slug() -> &'static str {
    "SELECT id, slug, title, standfirst, body_md, body_html, body_text, authors, section, \
     section_slug, tags, lang, status, published_at, updated_at, created_at, sources, canonical_url, lead_image, \
     lead_image_alt, reading_minutes, summary_mode, summary_custom FROM articles \
     WHERE (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) AND slug = ?3"
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_article(&self, article: &NewArticle) -> Result<Article> {
        let mut tx = begin_write(&self.pool).await?;
        write_article(&mut tx, None, article, article.updated_at).await?;
        let stored = load_in(&mut tx, &article.slug, Visibility::All).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn update_article(&self, slug: &str, article: &NewArticle) -> Result<Article> {
        let mut tx = begin_write(&self.pool).await?;
        let row: Option<(i64, Option<i64>)> = sqlx::query_as("SELECT id, published_at FROM articles WHERE slug = ?1")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?;
        let existing = row.ok_or(StoreError::NotFound)?;
        write_article(&mut tx, Some(existing), article, article.updated_at).await?;
        let stored = load_in(&mut tx, &article.slug, Visibility::All).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn upsert_article(&self, article: &NewArticle) -> Result<Upserted> {
        // Compared and written in one transaction, so a concurrent write
        // cannot slip in between.
        let mut tx = begin_write(&self.pool).await?;
        let existing = load_in(&mut tx, &article.slug, Visibility::All).await?;
        if let Some(old) = &existing {
            // Unchanged when it differs only in its update time, and in its
            // publication time where it has none (it would keep the stored one).
            let mut same = old.data.clone();
            same.updated_at = article.updated_at;
            if publication_time(article, old.published_at, article.updated_at) == old.published_at {
                same.published_at = article.published_at;
                if &same == article {
                    tx.rollback().await?;
                    return Ok(Upserted::Unchanged);
                }
            }
        }
        let outcome = if existing.is_some() { Upserted::Updated } else { Upserted::Created };
        write_article(&mut tx, existing.map(|a| (a.id, a.published_at)), article, article.updated_at).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn delete_article(&self, slug: &str) -> Result<()> {
        let mut tx = begin_write(&self.pool).await?;
        let done = sqlx::query("DELETE FROM articles WHERE slug = ?1").bind(slug).execute(&mut *tx).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    async fn article(&self, slug: &str, visibility: Visibility) -> Result<Option<Article>> {
        self.load(slug, visibility).await
    }

    async fn list_articles(&self, q: &ListQuery) -> Result<Page<ArticleCard>> {
        let (now, all) = vis(q.visibility);
        let per_page = q.per_page.clamp(1, 100);
        let page = q.page.max(1);
        let offset = (page as i64 - 1) * per_page as i64;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM articles WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND (?3 IS NULL OR section_slug = ?3) \
             AND (?4 IS NULL OR id IN (SELECT article_id FROM article_tags WHERE tag_slug = ?4)) \
             AND (?5 IS NULL OR id IN (SELECT article_id FROM article_authors WHERE author_slug = ?5))",
        )
        .bind(now)
        .bind(all)
        .bind(&q.section)
        .bind(&q.tag)
        .bind(&q.author)
        .fetch_one(&self.pool)
        .await?;
        let rows = sqlx::query(
            "SELECT slug, title, standfirst, section, section_slug, authors, tags, status, published_at, updated_at, \
             reading_minutes, lead_image, lead_image_alt, lang FROM articles WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND (?3 IS NULL OR section_slug = ?3) \
             AND (?4 IS NULL OR id IN (SELECT article_id FROM article_tags WHERE tag_slug = ?4)) \
             AND (?5 IS NULL OR id IN (SELECT article_id FROM article_authors WHERE author_slug = ?5)) \
             ORDER BY published_at IS NULL, published_at DESC, slug DESC LIMIT ?6 OFFSET ?7",
        )
        .bind(now)
        .bind(all)
        .bind(&q.section)
        .bind(&q.tag)
        .bind(&q.author)
        .bind(per_page as i64)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let items = rows.iter().map(card_from_row).collect::<Result<Vec<_>>>()?;
        Ok(Page { items, total: total.max(0) as u64, page, per_page })
    }

    async fn neighbours(&self, slug: &str, now: i64) -> Result<(Option<ArticleLink>, Option<ArticleLink>)> {
        let at: Option<Option<i64>> = sqlx::query_scalar("SELECT published_at FROM articles WHERE slug = ?1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        let Some(Some(at)) = at else { return Ok((None, None)) };
        let link = |row: Option<SqliteRow>| -> Result<Option<ArticleLink>> {
            Ok(match row {
                Some(r) => {
                    Some(ArticleLink { slug: r.try_get("slug")?, title: r.try_get("title")?, lang: r.try_get("lang")? })
                }
                None => None,
            })
        };
        let prev = sqlx::query(
            "SELECT slug, title, lang FROM articles WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND (published_at < ?3 OR (published_at = ?3 AND slug < ?4)) \
             ORDER BY published_at DESC, slug DESC LIMIT 1",
        )
        .bind(now)
        .bind(0i64)
        .bind(at)
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?;
        let next = sqlx::query(
            "SELECT slug, title, lang FROM articles WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND (published_at > ?3 OR (published_at = ?3 AND slug > ?4)) \
             ORDER BY published_at ASC, slug ASC LIMIT 1",
        )
        .bind(now)
        .bind(0i64)
        .bind(at)
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?;
        Ok((link(prev)?, link(next)?))
    }

    async fn sections(&self, now: i64) -> Result<Vec<(Named, u64)>> {
        let rows = sqlx::query(
            "SELECT section_slug, MIN(section) AS section, COUNT(*) AS n FROM articles WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             GROUP BY section_slug ORDER BY n DESC, section_slug",
        )
        .bind(now)
        .bind(0i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let n: i64 = r.try_get("n")?;
                Ok((Named { name: r.try_get("section")?, slug: r.try_get("section_slug")? }, n.max(0) as u64))
            })
            .collect()
    }

    async fn section_name(&self, slug: &str, now: i64) -> Result<Option<String>> {
        self.name_of(
            "SELECT section FROM articles WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND section_slug = ?3 LIMIT 1",
            slug,
            now,
        )
        .await
    }

    async fn tag_name(&self, slug: &str, now: i64) -> Result<Option<String>> {
        self.name_of(
            "SELECT t.tag FROM article_tags t JOIN articles ON articles.id = t.article_id WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND t.tag_slug = ?3 LIMIT 1",
            slug,
            now,
        )
        .await
    }

    async fn author_name(&self, slug: &str, now: i64) -> Result<Option<String>> {
        self.name_of(
            "SELECT t.name FROM article_authors t JOIN articles ON articles.id = t.article_id WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND t.author_slug = ?3 LIMIT 1",
            slug,
            now,
        )
        .await
    }

    async fn count_articles(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM articles").fetch_one(&self.pool).await?;
        Ok(n.max(0) as u64)
    }

    async fn stale_summaries(&self, version: &str) -> Result<Vec<String>> {
        let slugs = sqlx::query_scalar(
            "SELECT slug FROM articles a WHERE \
             (SELECT COUNT(*) FROM article_summaries s WHERE s.article_id = a.id AND s.version = ?1) < 2 \
             ORDER BY slug",
        )
        .bind(version)
        .fetch_all(&self.pool)
        .await?;
        Ok(slugs)
    }

    async fn next_publication_after(&self, now: i64) -> Result<Option<i64>> {
        let t: Option<i64> =
            sqlx::query_scalar("SELECT MIN(published_at) FROM articles WHERE status <> 'draft' AND published_at > ?1")
                .bind(now)
                .fetch_one(&self.pool)
                .await?;
        Ok(t)
    }

    async fn create_token(&self, name: &str, hash: &str, now: i64) -> Result<TokenInfo> {
        let row = sqlx::query("INSERT INTO api_tokens (name, hash, created_at) VALUES (?1, ?2, ?3) RETURNING id")
            .bind(name)
            .bind(hash)
            .bind(now)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict(format!(
                        "an active token named {name} exists (revoke it first to reuse the name)"
                    ))
                } else {
                    e.into()
                }
            })?;
        Ok(TokenInfo {
            id: row.try_get("id")?,
            name: name.to_owned(),
            hash: hash.to_owned(),
            created_at: now,
            revoked_at: None,
        })
    }

    async fn tokens(&self) -> Result<Vec<TokenInfo>> {
        let rows = sqlx::query("SELECT id, name, hash, created_at, revoked_at FROM api_tokens ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    hash: r.try_get("hash")?,
                    created_at: r.try_get("created_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    async fn revoke_token(&self, name: &str, now: i64) -> Result<()> {
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL")
            .bind(name)
            .bind(now)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn active_token_hashes(&self) -> Result<Vec<(String, String)>> {
        let rows =
            sqlx::query("SELECT name, hash FROM api_tokens WHERE revoked_at IS NULL").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get("name")?, r.try_get("hash")?))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(s: &str) -> Named {
        Named { name: s.to_owned(), slug: s.to_lowercase() }
    }

    fn sample(slug: &str, status: Status, at: Option<i64>) -> NewArticle {
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
            summaries: vec![StoredSummary {
                length: 3,
                sentences: vec![SummarySentence { index: 0, start: 0, end: 5, text: "Body.".into() }],
                source_hash: "h".into(),
                version: "v".into(),
            }],
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
        };
        let page = s.list_articles(&q).await.unwrap();
        assert_eq!(
            page.items.iter().map(|c| (c.slug.as_str(), c.lang.as_str())).collect::<Vec<_>>(),
            [("b", "ar"), ("a", "en")]
        );
        assert_eq!(page.total, 2);
        assert_eq!(s.upsert_article(&sample("a", Status::Published, Some(10))).await.unwrap(), Upserted::Unchanged);
        let mut changed = sample("a", Status::Published, Some(10));
        changed.title = "New".into();
        assert_eq!(s.upsert_article(&changed).await.unwrap(), Upserted::Updated);
        s.delete_article("a").await.unwrap();
        assert!(matches!(s.delete_article("a").await, Err(StoreError::NotFound)));
        assert_eq!(s.stale_summaries("v2").await.unwrap().len(), 3);
        assert_eq!(s.next_publication_after(now).await.unwrap(), Some(100));
    }

    /// A database in a missing folder, or at a folder, is refused in plain
    /// words, once.
    #[tokio::test]
    async fn unusable_locations_say_why() {
        let dir = TempDb::new("unusable");
        let missing = dir.0.join("nope").join("site.db");
        for location in [missing.display().to_string(), format!("sqlite://{}?mode=rwc", missing.display())] {
            let err = SqliteStore::open(&location).await.err().map(|e| e.to_string()).unwrap_or_default();
            assert_eq!(err, format!("the folder {} does not exist (create it first)", dir.0.join("nope").display()));
        }
        let err =
            SqliteStore::open(&dir.0.display().to_string()).await.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with(&format!("{} is a folder", dir.0.display())), "{err}");
        assert!(SqliteStore::open(&dir.path()).await.is_ok());
    }

    /// A database file of its own in the temporary folder, removed on drop.
    struct TempDb(std::path::PathBuf);

    impl TempDb {
        fn new(name: &str) -> TempDb {
            let dir = std::env::temp_dir().join(format!("newsdesk-store-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDb(dir)
        }
        fn path(&self) -> String {
            self.0.join("site.db").to_string_lossy().into_owned()
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Many writers at once on a file database (several connections): every
    /// write waits its turn instead of failing with "database is locked", and
    /// each article ends as one of the versions written to it.
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
                    match i % 3 {
                        0 => s.update_article(slug, &a).await.map(|_| ()),
                        1 => s.upsert_article(&a).await.map(|_| ()),
                        _ => {
                            // Creating and deleting articles of their own in between.
                            let own = sample(&format!("own-{i}"), Status::Draft, None);
                            s.create_article(&own).await?;
                            s.update_article(slug, &a).await?;
                            s.delete_article(&own.slug).await
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
        for slug in ["one", "two", "three", "four"] {
            let a = s.article(slug, Visibility::All).await.unwrap().unwrap();
            let i: u32 = a.title.strip_prefix("Version ").and_then(|n| n.parse().ok()).expect("a written version");
            // The whole record is that writer's: its time and its tag with it.
            assert_eq!(a.updated_at, 100 + i as i64, "{slug}");
            assert_eq!(a.tags, vec![named(&format!("t{i}"))], "{slug}");
            assert_eq!(a.summaries.len(), 1, "{slug}");
        }
        assert_eq!(s.count_articles().await.unwrap(), 4);
        s.close().await;
    }

    /// An article written without a publication time keeps the stored one;
    /// a new published article without one gets its update time; a draft
    /// without one has none.
    #[tokio::test]
    async fn a_missing_publication_time_keeps_the_stored_one() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        s.create_article(&sample("a", Status::Published, Some(10))).await.unwrap();
        // update_article: corrected title, no publication time given.
        let mut fix = sample("a", Status::Published, None);
        fix.title = "Corrected".into();
        fix.updated_at = 50;
        let got = s.update_article("a", &fix).await.unwrap();
        assert_eq!((got.published_at, got.updated_at, got.title.as_str()), (Some(10), 50, "Corrected"));
        // upsert_article: the same again, later, without a time: unchanged.
        fix.updated_at = 60;
        assert_eq!(s.upsert_article(&fix).await.unwrap(), Upserted::Unchanged);
        let got = s.article("a", Visibility::All).await.unwrap().unwrap();
        assert_eq!((got.published_at, got.updated_at), (Some(10), 50));
        // A real change without a time: updated, the date kept.
        fix.title = "Corrected again".into();
        assert_eq!(s.upsert_article(&fix).await.unwrap(), Upserted::Updated);
        let got = s.article("a", Visibility::All).await.unwrap().unwrap();
        assert_eq!((got.published_at, got.updated_at), (Some(10), 60));
        // A time given is used.
        let mut moved = fix.clone();
        moved.published_at = Some(5);
        assert_eq!(s.upsert_article(&moved).await.unwrap(), Upserted::Updated);
        assert_eq!(s.update_article("a", &fix).await.unwrap().published_at, Some(5));
        // Unpublished and published again without a time: still the same date.
        let mut draft = fix.clone();
        draft.status = Status::Draft;
        assert_eq!(s.update_article("a", &draft).await.unwrap().published_at, Some(5));
        assert_eq!(s.update_article("a", &fix).await.unwrap().published_at, Some(5));
        // New articles without a time.
        let mut new = sample("b", Status::Published, None);
        new.updated_at = 70;
        assert_eq!(s.create_article(&new).await.unwrap().published_at, Some(70));
        let mut new = sample("c", Status::Published, None);
        new.updated_at = 80;
        assert_eq!(s.upsert_article(&new).await.unwrap(), Upserted::Created);
        assert_eq!(s.article("c", Visibility::All).await.unwrap().unwrap().published_at, Some(80));
        assert_eq!(s.create_article(&sample("d", Status::Draft, None)).await.unwrap().published_at, None);
        // A draft that never had a time gets one when it is published.
        let mut out = sample("d", Status::Published, None);
        out.updated_at = 90;
        assert_eq!(s.update_article("d", &out).await.unwrap().published_at, Some(90));
    }

    #[tokio::test]
    async fn tokens() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        s.create_token("ci", "abc", 1).await.unwrap();
        assert!(matches!(s.create_token("ci", "def", 1).await, Err(StoreError::Conflict(_))));
        assert_eq!(s.active_token_hashes().await.unwrap(), vec![("ci".to_owned(), "abc".to_owned())]);
        s.revoke_token("ci", 2).await.unwrap();
        assert!(s.active_token_hashes().await.unwrap().is_empty());
        assert!(matches!(s.revoke_token("ci", 3).await, Err(StoreError::NotFound)));
        // A revoked token's name may be reused: the key is rotated.
        s.create_token("ci", "ghi", 4).await.unwrap();
        assert_eq!(s.active_token_hashes().await.unwrap(), vec![("ci".to_owned(), "ghi".to_owned())]);
        assert!(matches!(s.create_token("ci", "jkl", 5).await, Err(StoreError::Conflict(_))));
        assert_eq!(s.tokens().await.unwrap().len(), 2, "the revoked one is still listed");
        s.revoke_token("ci", 6).await.unwrap();
        assert!(s.active_token_hashes().await.unwrap().is_empty());
    }
}
