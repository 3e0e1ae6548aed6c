//! The newsroom's part of an article (who created it, whether it was
//! submitted for review: table `article_desk`), written and read with the
//! article, and the newsroom's article list.

use async_trait::async_trait;
use sqlx::Row;

use rusqlite::params;

use super::articles::run;
use super::direct::Tx;
use super::{SqliteStore, sql};
use crate::desk::{like_escape, seen_status, stored_status};
use crate::{Db, DeskFacets, DeskItem, DeskQuery, DeskStore, Named, NewArticle, Page, Result, Status, StoreError};

/// Writes the newsroom's part of article `id`, inside the caller's
/// transaction (no row for an article with no owner that is not submitted).
pub(super) fn write_desk(tx: &Tx<'_>, id: i64, a: &NewArticle) -> Result<()> {
    let submitted = a.status == Status::Submitted;
    if a.owner.is_none() && !submitted {
        run(tx, sql::DELETE_DESK, params![id])?;
        return Ok(());
    }
    run(tx, sql::UPSERT_DESK, params![id, a.owner, i64::from(submitted), a.updated_at])?;
    Ok(())
}

/// Which index range a newsroom list reads: the first filter asked of
/// owner, a status other than published (drafts, submitted and scheduled
/// articles are few), author, section, published (the others are tested on
/// each row of it), or every article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DeskRange {
    Owner,
    Author,
    Section,
    Status,
    Every,
}

impl DeskRange {
    fn of(q: &DeskQuery) -> DeskRange {
        let few = q.status.is_some_and(|s| s != Status::Published);
        if q.owner.is_some() {
            DeskRange::Owner
        } else if few {
            DeskRange::Status
        } else if q.author.is_some() {
            DeskRange::Author
        } else if q.section.is_some() {
            DeskRange::Section
        } else if q.status.is_some() {
            DeskRange::Status
        } else {
            DeskRange::Every
        }
    }

    /// The page and count statements.
    fn statements(self) -> (&'static str, &'static str) {
        match self {
            DeskRange::Owner => (sql::DESK_BY_OWNER, sql::DESK_COUNT_BY_OWNER),
            DeskRange::Author => (sql::DESK_BY_AUTHOR, sql::DESK_COUNT_BY_AUTHOR),
            DeskRange::Section => (sql::DESK_BY_SECTION, sql::DESK_COUNT_BY_SECTION),
            DeskRange::Status => (sql::DESK_BY_STATUS, sql::DESK_COUNT_BY_STATUS),
            DeskRange::Every => (sql::DESK_EVERY, sql::DESK_COUNT_EVERY),
        }
    }
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>;
type Scalar<'q> = sqlx::query::QueryScalar<'q, sqlx::Sqlite, i64, sqlx::sqlite::SqliteArguments>;

/// Binds [`DeskParams`] `$p` to `$q`, a page or a count (two query types).
macro_rules! bind_desk {
    ($q:expr, $p:expr, $limit:expr, $offset:expr) => {
        $q.bind($p.status)
            .bind($p.section.clone())
            .bind($p.author.clone())
            .bind($p.owner)
            .bind($p.title.clone())
            .bind(i64::MAX)
            .bind($limit)
            .bind($offset)
            .bind($p.stored_status)
    };
}

/// The parameters of the newsroom's list statements (see `desk_tests!` in
/// `sql.rs`), bound the same way for a page and its count.
struct DeskParams {
    status: Option<&'static str>,
    section: Option<String>,
    author: Option<String>,
    owner: Option<i64>,
    title: Option<String>,
    stored_status: Option<&'static str>,
}

impl DeskParams {
    fn of(q: &DeskQuery) -> DeskParams {
        DeskParams {
            status: q.status.map(Status::as_str),
            section: q.section.clone(),
            author: q.author.clone(),
            owner: q.owner,
            title: q.title.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(like_escape),
            stored_status: q.status.map(stored_status),
        }
    }

    fn bind_page<'q>(&self, query: Query<'q>, limit: i64, offset: i64) -> Query<'q> {
        bind_desk!(query, self, limit, offset)
    }

    fn bind_count<'q>(&self, query: Scalar<'q>) -> Scalar<'q> {
        bind_desk!(query, self, 0_i64, 0_i64)
    }
}

impl SqliteStore {
    /// How many articles a newsroom list holds: a kept count for the whole
    /// list and for a section's or an author's alone, else a pass over the
    /// list's range.
    async fn desk_total(&self, q: &DeskQuery, params: &DeskParams, count: &'static str) -> Result<u64> {
        let only = |x: bool| x && q.status.is_none() && q.owner.is_none() && params.title.is_none();
        let kept = match (&q.section, &q.author) {
            (None, None) if only(true) => Some(("site", String::new())),
            (Some(s), None) if only(true) => Some(("section", s.clone())),
            (None, Some(a)) if only(true) => Some(("author", a.clone())),
            _ => None,
        };
        let n: i64 = match kept {
            Some((kind, key)) => {
                let row = sqlx::query(sql::LIST_COUNTS).bind(kind).bind(key).fetch_optional(&self.pool).await.db()?;
                match row {
                    Some(row) => row.try_get("total").db()?,
                    None => 0,
                }
            }
            None => params.bind_count(sqlx::query_scalar(count)).fetch_one(&self.pool).await.db()?,
        };
        Ok(n.max(0) as u64)
    }
}

#[async_trait]
impl DeskStore for SqliteStore {
    async fn desk_articles(&self, q: &DeskQuery) -> Result<Page<DeskItem>> {
        let per_page = q.per_page.clamp(1, 100);
        let page = q.page.max(1);
        let offset = (page as i64 - 1) * per_page as i64;
        let params = DeskParams::of(q);
        let (list, count) = DeskRange::of(q).statements();
        let total = self.desk_total(q, &params, count).await?;
        let rows = params.bind_page(sqlx::query(list), per_page as i64, offset).fetch_all(&self.pool).await.db()?;
        let items = rows
            .iter()
            .map(|r| {
                let s: String = r.try_get("status").db()?;
                let stored = Status::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("status {s}")))?;
                let submitted: bool = r.try_get("submitted").db()?;
                let authors: String = r.try_get("authors").db()?;
                Ok(DeskItem {
                    slug: r.try_get("slug").db()?,
                    title: r.try_get("title").db()?,
                    status: seen_status(stored, submitted),
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
        Ok(Page { items, total, page: Some(page), per_page, next: None })
    }

    async fn desk_facets(&self) -> Result<DeskFacets> {
        let named = |kind: &'static str| async move {
            let rows = sqlx::query(sql::DESK_FACETS).bind(kind).fetch_all(&self.pool).await.db()?;
            let mut v = rows
                .iter()
                .map(|r| Ok(Named { name: r.try_get("name").db()?, slug: r.try_get("key").db()? }))
                .collect::<Result<Vec<_>>>()?;
            v.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.slug.cmp(&b.slug)));
            Ok::<_, StoreError>(v)
        };
        Ok(DeskFacets { sections: named("section").await?, authors: named("author").await? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ArticleStore, NewUser, Role, UserStore, Visibility};

    /// A submitted article is a draft to readers, and itself to the
    /// newsroom; its owner is kept through updates; the list filters by
    /// status, section, author, owner and title.
    #[tokio::test]
    async fn owners_and_submitted_articles() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        let new_user = |name: &str| NewUser {
            name: name.into(),
            display_name: name.to_uppercase(),
            email: None,
            role: Role::Writer,
            password_hash: "h".into(),
        };
        let wren = s.create_user(&new_user("wren"), 1).await.unwrap();
        let mut a = super::super::articles::tests::sample("a", Status::Submitted, Some(10));
        a.owner = Some(wren.id);
        a.title = "Floods_50% in the North".into();
        let stored = s.create_article(&a).await.unwrap();
        assert_eq!((stored.status, stored.owner), (Status::Submitted, Some(wren.id)));
        assert!(s.article("a", Visibility::PublicAt(1_000)).await.unwrap().is_none(), "never shown to readers");
        let public = crate::ListQuery {
            visibility: Visibility::PublicAt(1_000),
            section: None,
            tag: None,
            author: None,
            page: 1,
            per_page: 10,
            after: None,
        };
        assert_eq!(s.list_articles(&public).await.unwrap().total, 0);
        assert_eq!(s.next_publication_after(0).await.unwrap(), None);
        // Published by an editor: no longer submitted, still Wren's.
        a.status = Status::Published;
        let stored = s.update_article(stored.id, 1, &a).await.unwrap();
        assert_eq!((stored.status, stored.owner), (Status::Published, Some(wren.id)));
        assert_eq!(s.list_articles(&public).await.unwrap().total, 1);
        let mut b = super::super::articles::tests::sample("b", Status::Draft, None);
        b.section = Named { name: "Sport".into(), slug: "sport".into() };
        let b_id = s.create_article(&b).await.unwrap().id;
        let mut c = super::super::articles::tests::sample("c", Status::Submitted, None);
        c.owner = Some(wren.id);
        c.updated_at = 5;
        let c_id = s.create_article(&c).await.unwrap().id;
        let list = |q: DeskQuery| {
            let s = s.clone();
            async move {
                let page = s.desk_articles(&DeskQuery { page: 1, per_page: 10, ..q }).await.unwrap();
                page.items.iter().map(|i| (i.slug.clone(), i.status)).collect::<Vec<_>>()
            }
        };
        let all = s.desk_articles(&DeskQuery { page: 1, per_page: 10, ..Default::default() }).await.unwrap();
        assert_eq!(all.total, 3);
        let first = all.items.iter().find(|i| i.slug == "a").unwrap();
        assert_eq!((first.owner, first.owner_name.as_deref()), (Some(wren.id), Some("WREN")));
        let by = |status| DeskQuery { status: Some(status), ..Default::default() };
        assert_eq!(list(by(Status::Submitted)).await, [("c".to_owned(), Status::Submitted)]);
        assert_eq!(list(by(Status::Draft)).await, [("b".to_owned(), Status::Draft)]);
        assert_eq!(list(by(Status::Published)).await, [("a".to_owned(), Status::Published)]);
        assert!(list(by(Status::Scheduled)).await.is_empty());
        let mine = list(DeskQuery { owner: Some(wren.id), ..Default::default() }).await;
        assert_eq!(mine.len(), 2);
        let sport = list(DeskQuery { section: Some("sport".into()), ..Default::default() }).await;
        assert_eq!(sport, [("b".to_owned(), Status::Draft)]);
        let ann = list(DeskQuery { author: Some("ann".into()), ..Default::default() }).await;
        assert_eq!(ann.len(), 3);
        let found = list(DeskQuery { title: Some("floods_50%".into()), ..Default::default() }).await;
        assert_eq!(found, [("a".to_owned(), Status::Published)]);
        assert!(list(DeskQuery { title: Some("50%_".into()), ..Default::default() }).await.is_empty());
        // Filters together: each list reads one range (owner, author,
        // section, status, in that order) and tests the others on its rows;
        // newest change first (a: 1, b: 1, c: 5; ties by id, newest first).
        let slugs = |v: Vec<(String, Status)>| v.into_iter().map(|(s, _)| s).collect::<Vec<_>>();
        assert_eq!(slugs(list(DeskQuery::default()).await), ["c", "b", "a"]);
        let by_ann = |status| DeskQuery { author: Some("ann".into()), status: Some(status), ..Default::default() };
        assert_eq!(slugs(list(by_ann(Status::Submitted)).await), ["c"]);
        assert_eq!(slugs(list(by_ann(Status::Draft)).await), ["b"]);
        let wren_in =
            |section: &str| DeskQuery { owner: Some(wren.id), section: Some(section.into()), ..Default::default() };
        assert!(list(wren_in("sport")).await.is_empty());
        assert_eq!(slugs(list(wren_in("world")).await), ["c", "a"]);
        let sport_drafts =
            DeskQuery { section: Some("sport".into()), status: Some(Status::Draft), ..Default::default() };
        assert_eq!(slugs(list(sport_drafts).await), ["b"]);
        let titled = DeskQuery { owner: Some(wren.id), title: Some("title".into()), ..Default::default() };
        assert_eq!(slugs(list(titled).await), ["c"]);
        // Pages, and the counts (kept, or counted in the range).
        let second = s.desk_articles(&DeskQuery { page: 2, per_page: 2, ..Default::default() }).await.unwrap();
        assert_eq!((second.total, second.page, second.items.len()), (3, Some(2), 1));
        assert_eq!(second.items[0].slug, "a");
        let ann_drafts = s.desk_articles(&DeskQuery { page: 1, per_page: 10, ..by_ann(Status::Draft) }).await.unwrap();
        assert_eq!(ann_drafts.total, 1);
        let sport = s
            .desk_articles(&DeskQuery { section: Some("sport".into()), page: 1, per_page: 10, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(sport.total, 1);
        let facets = s.desk_facets().await.unwrap();
        assert_eq!(facets.sections.iter().map(|n| n.slug.as_str()).collect::<Vec<_>>(), ["sport", "world"]);
        assert_eq!(facets.authors.iter().map(|n| n.slug.as_str()).collect::<Vec<_>>(), ["ann"]);
        // An article from the API keeps no newsroom row; deleting removes it.
        s.delete_article("c").await.unwrap();
        let desk_row = |id: i64| {
            let s = s.clone();
            async move { sqlx::query(sql::HAS_DESK).bind(id).fetch_optional(&s.pool).await.unwrap().is_some() }
        };
        assert!(!desk_row(b_id).await, "no row for an article with no owner");
        assert!(!desk_row(c_id).await, "gone with its article");
        assert!(desk_row(stored.id).await);
    }
}
