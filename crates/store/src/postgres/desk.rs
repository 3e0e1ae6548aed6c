//! The newsroom's part of an article (who created it, whether it was
//! submitted for review: table `article_desk`), written and read with the
//! article, and the newsroom's article list (as the SQLite store's `desk`).
//! Each list reads one range of one index (migration 0011), most recently
//! changed first; its total is a `COUNT` over the same range (PostgreSQL
//! keeps no list counts).

use async_trait::async_trait;
use sqlx::{AssertSqlSafe, PgConnection, Row};

use super::PostgresStore;
use crate::desk::{like_escape, seen_status, stored_status};
use crate::{Db, DeskFacets, DeskItem, DeskQuery, DeskStore, Named, NewArticle, Page, Result, Status, StoreError};

/// Writes the newsroom's part of article `id`, inside the caller's
/// transaction (no row for an article with no owner that is not submitted).
pub(super) async fn write_desk(tx: &mut PgConnection, id: i64, a: &NewArticle) -> Result<()> {
    let submitted = a.status == Status::Submitted;
    if a.owner.is_none() && !submitted {
        sqlx::query("DELETE FROM article_desk WHERE article_id = $1").bind(id).execute(&mut *tx).await.db()?;
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO article_desk (article_id, owner_id, submitted, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (article_id) DO UPDATE SET owner_id = excluded.owner_id, submitted = excluded.submitted, \
         updated_at = excluded.updated_at",
    )
    .bind(id)
    .bind(a.owner)
    .bind(submitted)
    .bind(a.updated_at)
    .execute(&mut *tx)
    .await
    .db()?;
    Ok(())
}

/// The owner of article `id`, and its status as the newsroom sees it
/// (`stored`, or `Submitted` for a submitted draft).
pub(super) async fn read_desk(conn: &mut PgConnection, id: i64, stored: Status) -> Result<(Option<i64>, Status)> {
    let row = sqlx::query("SELECT owner_id, submitted FROM article_desk WHERE article_id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .db()?;
    let Some(row) = row else { return Ok((None, stored)) };
    Ok((row.try_get("owner_id").db()?, seen_status(stored, row.try_get("submitted").db()?)))
}

/// The joins every list makes after its range's table.
macro_rules! desk_joins {
    () => {
        "LEFT JOIN article_desk d ON d.article_id = a.id LEFT JOIN users u ON u.id = d.owner_id"
    };
}

/// The range a newsroom list reads (the first filter asked of owner, a
/// status other than published, author, section, published; else every
/// article, as on SQLite): `FROM ... WHERE key`, and the alias and id
/// column of the table that drives it (its order).
fn desk_range(q: &DeskQuery) -> (&'static str, &'static str, &'static str) {
    const OWNER: &str = "FROM article_desk d JOIN articles a ON a.id = d.article_id \
         LEFT JOIN users u ON u.id = d.owner_id WHERE d.owner_id = $4";
    const AUTHOR: &str = concat!(
        "FROM article_authors l JOIN articles a ON a.id = l.article_id ",
        desk_joins!(),
        " WHERE l.author_slug = $3"
    );
    const STATUS: &str = concat!("FROM articles a ", desk_joins!(), " WHERE a.status = $6");
    const SECTION: &str = concat!("FROM articles a ", desk_joins!(), " WHERE a.section_slug = $2");
    const EVERY: &str = concat!("FROM articles a ", desk_joins!(), " WHERE TRUE");
    let few = q.status.is_some_and(|s| s != Status::Published);
    if q.owner.is_some() {
        (OWNER, "d", "article_id")
    } else if few {
        (STATUS, "a", "id")
    } else if q.author.is_some() {
        (AUTHOR, "l", "article_id")
    } else if q.section.is_some() {
        (SECTION, "a", "id")
    } else if q.status.is_some() {
        (STATUS, "a", "id")
    } else {
        (EVERY, "a", "id")
    }
}

/// The filters, tested on each row of the range: `$1` the status as the
/// newsroom sees it, `$2` the section, `$3` a byline author, `$4` the
/// owner, `$5` an ILIKE pattern for the title, `$6` the stored status (each
/// NULL when not asked).
const FILTERS: &str = "($1::TEXT IS NULL OR ($1 = 'submitted' AND a.status = 'draft' AND d.submitted IS TRUE) \
     OR ($1 = 'draft' AND a.status = 'draft' AND d.submitted IS NOT TRUE) \
     OR ($1 IN ('scheduled', 'published') AND a.status = $1)) \
     AND ($2::TEXT IS NULL OR a.section_slug = $2) \
     AND ($3::TEXT IS NULL OR EXISTS (SELECT 1 FROM article_authors w WHERE w.author_slug = $3 AND w.article_id = a.id)) \
     AND ($4::BIGINT IS NULL OR d.owner_id = $4) \
     AND ($5::TEXT IS NULL OR a.title ILIKE $5 ESCAPE '\\') \
     AND ($6::TEXT IS NULL OR a.status = $6)";

/// The count (`$1` to `$6`) and page (`$7` how many, `$8` how many to
/// skip) statements of a newsroom list.
fn desk_sql(q: &DeskQuery) -> (String, String) {
    let (from, t, id) = desk_range(q);
    let count = format!("SELECT COUNT(*) AS n {from} AND {FILTERS}");
    let list = format!(
        "SELECT a.slug, a.title, a.status, COALESCE(d.submitted, FALSE) AS submitted, a.section, a.section_slug, \
         a.authors::TEXT AS authors, d.owner_id, u.display_name AS owner_name, a.published_at, a.updated_at, \
         a.created_at, a.version {from} AND {FILTERS} ORDER BY {t}.updated_at DESC, {t}.{id} DESC LIMIT $7 OFFSET $8"
    );
    (count, list)
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Binds the filters `$1` to `$6`.
fn bind_filters<'q>(query: Query<'q>, q: &DeskQuery) -> Query<'q> {
    query
        .bind(q.status.map(Status::as_str))
        .bind(q.section.clone())
        .bind(q.author.clone())
        .bind(q.owner)
        .bind(q.title.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(like_escape))
        .bind(q.status.map(stored_status))
}

#[async_trait]
impl DeskStore for PostgresStore {
    async fn desk_articles(&self, q: &DeskQuery) -> Result<Page<DeskItem>> {
        let per_page = q.per_page.clamp(1, 100);
        let page = q.page.max(1);
        let offset = (page as i64 - 1) * per_page as i64;
        let (count, list) = desk_sql(q);
        let row = bind_filters(sqlx::query(AssertSqlSafe(count)), q).fetch_one(&self.pool).await.db()?;
        let total: i64 = row.try_get("n").db()?;
        let rows = bind_filters(sqlx::query(AssertSqlSafe(list)), q)
            .bind(per_page as i64)
            .bind(offset)
            .fetch_all(&self.pool)
            .await
            .db()?;
        let items = rows
            .iter()
            .map(|r| {
                let s: String = r.try_get("status").db()?;
                let stored = Status::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("status {s}")))?;
                let authors: String = r.try_get("authors").db()?;
                Ok(DeskItem {
                    slug: r.try_get("slug").db()?,
                    title: r.try_get("title").db()?,
                    status: seen_status(stored, r.try_get("submitted").db()?),
                    section: Named { name: r.try_get("section").db()?, slug: r.try_get("section_slug").db()? },
                    authors: serde_json::from_str(&authors)
                        .map_err(|e| StoreError::Corrupt(format!("authors: {e}")))?,
                    owner: r.try_get("owner_id").db()?,
                    owner_name: r.try_get("owner_name").db()?,
                    published_at: r.try_get("published_at").db()?,
                    updated_at: r.try_get("updated_at").db()?,
                    created_at: r.try_get("created_at").db()?,
                    version: r.try_get("version").db()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Page { items, total: total.max(0) as u64, page: Some(page), per_page, next: None })
    }

    async fn desk_facets(&self) -> Result<DeskFacets> {
        // One row per section or author (the name of its latest article),
        // each a walk of an index ordered by key.
        let named = |sql: &'static str| async move {
            let rows = sqlx::query(sql).fetch_all(&self.pool).await.db()?;
            let mut v = rows
                .iter()
                .map(|r| Ok(Named { name: r.try_get("name").db()?, slug: r.try_get("key").db()? }))
                .collect::<Result<Vec<_>>>()?;
            v.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.slug.cmp(&b.slug)));
            Ok::<_, StoreError>(v)
        };
        Ok(DeskFacets {
            sections: named(
                "SELECT DISTINCT ON (section_slug) section_slug AS key, section AS name FROM articles \
                 ORDER BY section_slug, updated_at DESC, id DESC",
            )
            .await?,
            authors: named(
                "SELECT DISTINCT ON (author_slug) author_slug AS key, name FROM article_authors \
                 ORDER BY author_slug, updated_at DESC, article_id DESC",
            )
            .await?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::ConnectOptions;
    use sqlx::postgres::PgConnectOptions;

    use super::*;
    use crate::testing::TestDatabase;
    use crate::testing::conformance::article;
    use crate::{ArticleStore, NewUser, Role, UserStore};

    /// Every newsroom list reads one index in its order (no sort, no scan
    /// of a whole table), and its count a range of an index. (Seq scans, bitmap
    /// scans and sorts are switched off, so a query no index fits shows a
    /// Sort or a Seq Scan in its plan; each must use the index meant for it.)
    #[tokio::test]
    async fn desk_lists_are_index_scans_in_order() {
        let Some(db) = TestDatabase::postgres("desk_plans").await else { return };
        let store = PostgresStore::open(db.location()).await.unwrap();
        let user = |name: &str| NewUser {
            name: name.into(),
            display_name: name.into(),
            email: None,
            role: Role::Writer,
            password_hash: "h".into(),
        };
        let wren = store.create_user(&user("wren"), 1).await.unwrap();
        let sections = ["World", "Arts", "Sport", "Science", "Books", "Travel"];
        for i in 0..300 {
            let status = [Status::Published, Status::Draft, Status::Scheduled, Status::Submitted][i % 4];
            let mut a = article(&format!("a{i}"), status, Some(i as i64 * 10), sections[i % 6], &["x"], &["Ann"]);
            a.owner = (i % 2 == 0).then_some(wren.id);
            store.create_article(&a).await.unwrap();
        }
        let mut conn = PgConnectOptions::from_str(db.location()).unwrap().connect().await.unwrap();
        // And many published articles of other sections, by other authors,
        // as on a large site (on a small table, reading it all costs the
        // planner as little as a range).
        sqlx::raw_sql(
            "INSERT INTO articles (slug, title, section, section_slug, lang, status, published_at, updated_at, \
             created_at, reading_minutes) SELECT 'bulk-' || g, 'Bulk', 'Bulk', 'bulk-' || (g % 40), 'en', \
             'published', g % 3000, g % 3000, 0, 1 FROM generate_series(1, 20000) AS g; \
             INSERT INTO article_authors (article_id, author_slug, name, slug, status, published_at, updated_at) \
             SELECT id, 'bulk-' || (id % 40), 'Bulk', slug, status, published_at, updated_at FROM articles \
             WHERE slug LIKE 'bulk-%'",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        for sql in ["ANALYZE", "SET enable_seqscan = off", "SET enable_bitmapscan = off", "SET enable_sort = off"] {
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
        }
        let q = |status, section: Option<&str>, author: Option<&str>, owner| DeskQuery {
            status,
            section: section.map(str::to_owned),
            author: author.map(str::to_owned),
            owner,
            title: Some("title".into()),
            page: 2,
            per_page: 10,
        };
        let cases = [
            ("every", q(None, None, None, None), "articles_by_update"),
            ("drafts", q(Some(Status::Draft), None, None, None), "articles_status_by_update"),
            ("submitted", q(Some(Status::Submitted), None, None, None), "articles_status_by_update"),
            ("published", q(Some(Status::Published), None, None, None), "articles_status_by_update"),
            ("section", q(None, Some("world"), None, None), "articles_section_by_update"),
            ("author", q(None, None, Some("ann"), None), "article_authors_by_update"),
            (
                "author and section",
                q(Some(Status::Published), Some("arts"), Some("ann"), None),
                "article_authors_by_update",
            ),
            ("owner", q(Some(Status::Draft), Some("world"), Some("ann"), Some(wren.id)), "article_desk_by_owner"),
        ];
        for (name, query, index) in &cases {
            let (count, list) = desk_sql(query);
            for (what, sql) in [("count", count), ("page", list)] {
                let explain = format!("EXPLAIN {sql}");
                let q = bind_filters(sqlx::query(AssertSqlSafe(explain)), query);
                let q = if what == "page" { q.bind(10_i64).bind(10_i64) } else { q };
                let plan: Vec<String> =
                    q.fetch_all(&mut conn).await.unwrap().iter().map(|r| r.get::<String, _>(0)).collect();
                let plan = plan.join("\n");
                assert!(!plan.contains("Sort"), "{name} ({what}):\n{plan}");
                // Counting every article is a pass over the whole table,
                // whichever way it is read.
                if (*name, what) == ("every", "count") {
                    continue;
                }
                assert!(!plan.contains("Seq Scan"), "{name} ({what}):\n{plan}");
                // A count may read the narrower of two ranges that fit;
                // a page reads the one meant for it, in its order.
                if what == "page" {
                    assert!(plan.contains(index), "{name} ({what}) does not read {index}:\n{plan}");
                }
            }
        }
        // And the lists answer what the filters ask.
        let page = store.desk_articles(&q(Some(Status::Submitted), Some("arts"), None, None)).await.unwrap();
        assert!(page.items.iter().all(|i| i.status == Status::Submitted && i.section.slug == "arts"));
        assert_eq!(page.total, 25);
    }
}
