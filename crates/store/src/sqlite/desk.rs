//! The newsroom's part of an article (who created it, whether it was
//! submitted for review: table `article_desk`), written and read with the
//! article, and the newsroom's article list.

use async_trait::async_trait;
use sqlx::Row;

use super::SqliteStore;
use crate::{DeskFacets, DeskItem, DeskQuery, DeskStore, Named, NewArticle, Page, Result, Status, StoreError};

/// How a status is kept in `articles.status`: a submitted article is a
/// draft there (with `article_desk.submitted` set), so that no reader query
/// can show it.
pub(super) fn stored_status(status: Status) -> &'static str {
    match status {
        Status::Submitted => Status::Draft.as_str(),
        other => other.as_str(),
    }
}

/// Writes the newsroom's part of article `id`, inside the caller's
/// transaction (no row for an article with no owner that is not submitted).
pub(super) async fn write_desk(tx: &mut sqlx::SqliteConnection, id: i64, a: &NewArticle) -> Result<()> {
    let submitted = a.status == Status::Submitted;
    if a.owner.is_none() && !submitted {
        sqlx::query("DELETE FROM article_desk WHERE article_id = ?1").bind(id).execute(&mut *tx).await?;
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO article_desk (article_id, owner_id, submitted) VALUES (?1, ?2, ?3) \
         ON CONFLICT (article_id) DO UPDATE SET owner_id = excluded.owner_id, submitted = excluded.submitted",
    )
    .bind(id)
    .bind(a.owner)
    .bind(i64::from(submitted))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The owner of article `id`, and its status as the newsroom sees it
/// (`stored`, or `Submitted` for a submitted draft).
pub(super) async fn read_desk(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    stored: Status,
) -> Result<(Option<i64>, Status)> {
    let row = sqlx::query("SELECT owner_id, submitted FROM article_desk WHERE article_id = ?1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok((None, stored)) };
    Ok((row.try_get("owner_id")?, seen_status(stored, row.try_get("submitted")?)))
}

/// The status the rest of Newsdesk sees: a stored draft marked submitted
/// is `Submitted`.
fn seen_status(stored: Status, submitted: i64) -> Status {
    if submitted != 0 && stored == Status::Draft { Status::Submitted } else { stored }
}

/// `text` for a LIKE pattern: `%`, `_` and `\` match themselves.
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

macro_rules! filter {
    () => {
        "FROM articles a LEFT JOIN article_desk d ON d.article_id = a.id \
     LEFT JOIN users u ON u.id = d.owner_id WHERE \
     (?1 IS NULL OR (?1 = 'submitted' AND a.status = 'draft' AND COALESCE(d.submitted, 0) = 1) \
       OR (?1 = 'draft' AND a.status = 'draft' AND COALESCE(d.submitted, 0) = 0) \
       OR (?1 IN ('scheduled', 'published') AND a.status = ?1)) \
     AND (?2 IS NULL OR a.section_slug = ?2) \
     AND (?3 IS NULL OR a.id IN (SELECT article_id FROM article_authors WHERE author_slug = ?3)) \
     AND (?4 IS NULL OR d.owner_id = ?4) \
     AND (?5 IS NULL OR a.title LIKE ?5 ESCAPE '\\')"
    };
}

#[async_trait]
impl DeskStore for SqliteStore {
    async fn desk_articles(&self, q: &DeskQuery) -> Result<Page<DeskItem>> {
        let per_page = q.per_page.clamp(1, 100);
        let page = q.page.max(1);
        let offset = (page as i64 - 1) * per_page as i64;
        let title = q.title.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(like_escape);
        let status = q.status.map(Status::as_str);
        let total: i64 = sqlx::query_scalar(concat!("SELECT COUNT(*) ", filter!()))
            .bind(status)
            .bind(&q.section)
            .bind(&q.author)
            .bind(q.owner)
            .bind(&title)
            .fetch_one(&self.pool)
            .await?;
        let rows = sqlx::query(concat!(
            "SELECT a.slug, a.title, a.status, COALESCE(d.submitted, 0) AS submitted, a.section, a.section_slug, \
             a.authors, d.owner_id, u.display_name AS owner_name, a.published_at, a.updated_at, a.created_at, \
             a.version ",
            filter!(),
            " ORDER BY a.updated_at DESC, a.id DESC LIMIT ?6 OFFSET ?7"
        ))
        .bind(status)
        .bind(&q.section)
        .bind(&q.author)
        .bind(q.owner)
        .bind(&title)
        .bind(per_page as i64)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                let s: String = r.try_get("status")?;
                let stored = Status::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("status {s}")))?;
                let submitted: i64 = r.try_get("submitted")?;
                let authors: String = r.try_get("authors")?;
                Ok(DeskItem {
                    slug: r.try_get("slug")?,
                    title: r.try_get("title")?,
                    status: seen_status(stored, submitted),
                    section: Named { name: r.try_get("section")?, slug: r.try_get("section_slug")? },
                    authors: serde_json::from_str(&authors)
                        .map_err(|e| StoreError::Corrupt(format!("authors: {e}")))?,
                    owner: r.try_get("owner_id")?,
                    owner_name: r.try_get("owner_name")?,
                    published_at: r.try_get("published_at")?,
                    updated_at: r.try_get("updated_at")?,
                    created_at: r.try_get("created_at")?,
                    version: r.try_get("version")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Page { items, total: total.max(0) as u64, page, per_page })
    }

    async fn desk_facets(&self) -> Result<DeskFacets> {
        let named = |rows: Vec<sqlx::sqlite::SqliteRow>| -> Result<Vec<Named>> {
            rows.iter().map(|r| Ok(Named { name: r.try_get("name")?, slug: r.try_get("slug")? })).collect()
        };
        let sections = sqlx::query(
            "SELECT section_slug AS slug, MIN(section) AS name FROM articles GROUP BY section_slug ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        let authors = sqlx::query(
            "SELECT author_slug AS slug, MIN(name) AS name FROM article_authors GROUP BY author_slug ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(DeskFacets { sections: named(sections)?, authors: named(authors)? })
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
        s.create_article(&b).await.unwrap();
        let mut c = super::super::articles::tests::sample("c", Status::Submitted, None);
        c.owner = Some(wren.id);
        c.updated_at = 5;
        s.create_article(&c).await.unwrap();
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
        let facets = s.desk_facets().await.unwrap();
        assert_eq!(facets.sections.iter().map(|n| n.slug.as_str()).collect::<Vec<_>>(), ["sport", "world"]);
        assert_eq!(facets.authors.iter().map(|n| n.slug.as_str()).collect::<Vec<_>>(), ["ann"]);
        // An article from the API keeps no newsroom row; deleting removes it.
        s.delete_article("c").await.unwrap();
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM article_desk").fetch_one(&s.pool).await.unwrap();
        assert_eq!(rows, 1);
    }

    #[test]
    fn like_patterns_match_text_literally() {
        assert_eq!(like_escape("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
