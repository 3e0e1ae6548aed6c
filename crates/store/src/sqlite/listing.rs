//! Lists of articles: pages of the site, a section, a tag, an author (or of
//! the API's combinations of them), their counts, the sections, the names of
//! sections, tags and authors, and an article's neighbours.
//!
//! Every page is one range of one index, newest first. Readers' pages are
//! bounded by [`Bound`] (the visibility rule's time test, or a cursor); a
//! page asked by number skips rows with OFFSET, and from [`SEEK_FROM`] rows
//! on it first finds the week it starts in (`list_weeks`), so that page 500
//! reads little more than page 1. Counts are kept in `list_counts`, less the
//! articles still to come (a short range).

use sqlx::Row;
use sqlx::sqlite::{SqliteArguments, SqliteRow};

use super::SqliteStore;
use super::articles::{json, status};
use super::sql::{self, Driver, ListStatement, Shape};
use crate::{ArticleCard, ArticleLink, Cursor, Db, ListQuery, Named, Page, Result, Visibility};

/// A week in seconds: the unit of `list_weeks` (weeks since 1970-01-01,
/// rounded down, as the migration computes them).
const WEEK: i64 = 7 * 24 * 3600;

/// From this many rows to skip on, a page by number starts at its week.
/// Below it, OFFSET steps over at most this many index entries (tens of
/// microseconds).
const SEEK_FROM: u64 = 200;

/// A slug that sorts after every slug (the highest code point).
const AFTER_EVERY_SLUG: &str = "\u{10FFFF}";

/// The upper bound of a list's range, `(published_at, slug) < (at, slug)`:
/// the `?1, ?2` of `visible!` and `scheduled!`. Ordered as SQLite compares
/// the pair (an integer, then text byte by byte).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Bound {
    pub at: i64,
    pub slug: String,
}

impl Bound {
    /// Below every dated article.
    const NOTHING_DATED: Bound = Bound { at: i64::MIN, slug: String::new() };
    /// Above every article.
    const EVERYTHING: Bound = Bound { at: i64::MAX, slug: String::new() };

    /// Readers at `now`: articles published at `now` or before (every slug
    /// sorts after "").
    pub fn now(now: i64) -> Bound {
        Bound { at: now.saturating_add(1), slug: String::new() }
    }
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, SqliteArguments>;

/// Binds the parameters every list statement shares (see
/// [`ListStatement`]): bound, limit, offset, section, tag, author, and the
/// bound of undated articles.
fn bind_list<'q>(
    query: Query<'q>,
    bound: &Bound,
    limit: u64,
    offset: u64,
    q: &'q ListQuery,
    undated: &str,
) -> Query<'q> {
    query
        .bind(bound.at)
        .bind(bound.slug.clone())
        .bind(limit.min(i64::MAX as u64) as i64)
        .bind(offset.min(i64::MAX as u64) as i64)
        .bind(q.section.as_deref())
        .bind(q.tag.as_deref())
        .bind(q.author.as_deref())
        .bind(undated.to_owned())
}

pub(super) fn card_from_row(row: &SqliteRow) -> Result<ArticleCard> {
    let minutes: i64 = row.try_get("reading_minutes").db()?;
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
        reading_minutes: minutes.clamp(0, u32::MAX as i64) as u32,
        lead_image: row.try_get("lead_image").db()?,
        lead_image_alt: row.try_get("lead_image_alt").db()?,
        lang: row.try_get("lang").db()?,
    })
}

fn link_from_row(row: Option<SqliteRow>) -> Result<Option<ArticleLink>> {
    Ok(match row {
        Some(r) => Some(ArticleLink {
            slug: r.try_get("slug").db()?,
            title: r.try_get("title").db()?,
            lang: r.try_get("lang").db()?,
        }),
        None => None,
    })
}

/// The list of a single-list shape: its `list_counts` kind and key, and the
/// statement counting its articles still to come. (A shape of two filters
/// is counted by a statement of its own and never asks.)
fn counted_list(driver: Driver, q: &ListQuery) -> (&'static str, &str, &'static str) {
    match driver {
        Driver::Site => ("site", "", sql::SCHEDULED_SITE),
        Driver::Section => ("section", q.section.as_deref().unwrap_or_default(), sql::SCHEDULED_SECTION),
        Driver::Tag | Driver::TagInSection => ("tag", q.tag.as_deref().unwrap_or_default(), sql::SCHEDULED_TAG),
        Driver::Author | Driver::AuthorInSection => {
            ("author", q.author.as_deref().unwrap_or_default(), sql::SCHEDULED_AUTHOR)
        }
    }
}

/// Where a page starts: the bound of its range, the rows to skip in it, and
/// the bound of the undated articles (editors' lists); `None` when the page
/// is past the end.
type Start = Option<(Bound, u64, String)>;

/// Who a seek is for: readers at a time, with how many of the list's
/// articles are still to come; or editors.
#[derive(Clone, Copy)]
enum Reader {
    Public { now: i64, coming: u64 },
    Editors,
}

impl SqliteStore {
    /// A page of articles (the `ArticleStore::list_articles` of this store).
    pub(super) async fn list(&self, q: &ListQuery) -> Result<Page<ArticleCard>> {
        let per_page = q.per_page.clamp(1, 100);
        let page = q.after.is_none().then(|| q.page.max(1));
        // With `after`, the page counts from there.
        let skip = (q.page.max(1) as u64 - 1) * per_page as u64;
        let shape = Shape::of(q.section.is_some(), q.tag.is_some(), q.author.is_some());
        let all_slugs = || AFTER_EVERY_SLUG.to_owned();
        let (statement, total, start) = match q.visibility {
            Visibility::PublicAt(now) => {
                let (total, coming) = self.public_total(shape, q, now).await?;
                let start = match &q.after {
                    Some(Cursor { published_at: Some(at), slug }) => {
                        Some((Bound { at: *at, slug: slug.clone() }.min(Bound::now(now)), skip, all_slugs()))
                    }
                    // Readers see no undated article, so none comes after one.
                    Some(Cursor { published_at: None, .. }) => None,
                    None if skip >= total => None,
                    None if skip >= SEEK_FROM && shape.combined().is_none() => {
                        self.seek(shape.driver(), q, Reader::Public { now, coming }, skip).await?
                    }
                    None => Some((Bound::now(now), skip, all_slugs())),
                };
                (ListStatement::PublicPage(shape), total, start)
            }
            Visibility::All => {
                let total = match shape.combined() {
                    Some(c) => self.count(ListStatement::EditorsCount(c), q).await?,
                    None => self.counts(shape.driver(), q).await?.1,
                };
                let start = match &q.after {
                    Some(Cursor { published_at: Some(at), slug }) => {
                        Some((Bound { at: *at, slug: slug.clone() }, skip, all_slugs()))
                    }
                    // After an undated article: no dated one, the undated below it.
                    Some(Cursor { published_at: None, slug }) => Some((Bound::NOTHING_DATED, skip, slug.clone())),
                    None if skip >= total => None,
                    None if skip >= SEEK_FROM && shape.combined().is_none() => {
                        self.seek(shape.driver(), q, Reader::Editors, skip).await?
                    }
                    None => Some((Bound::EVERYTHING, skip, all_slugs())),
                };
                (ListStatement::EditorsPage(shape), total, start)
            }
        };
        let mut items = match start {
            None => Vec::new(),
            Some((bound, offset, undated)) => {
                let rows = bind_list(sqlx::query(statement.sql()), &bound, per_page as u64 + 1, offset, q, &undated)
                    .fetch_all(&self.pool)
                    .await
                    .db()?;
                rows.iter().map(card_from_row).collect::<Result<Vec<_>>>()?
            }
        };
        let next = if items.len() > per_page as usize {
            items.truncate(per_page as usize);
            items.last().map(Cursor::of)
        } else {
            None
        };
        Ok(Page { items, total, page, per_page, next })
    }

    /// How many articles of a shape readers see at `now`, and how many of
    /// the list's articles are still to come (for a single list).
    async fn public_total(&self, shape: Shape, q: &ListQuery, now: i64) -> Result<(u64, u64)> {
        if let Some(c) = shape.combined() {
            return Ok((self.count(ListStatement::PublicCount(c), q).await?, 0));
        }
        let (listed, _) = self.counts(shape.driver(), q).await?;
        let coming = self.count_by(counted_list(shape.driver(), q).2, &Bound::now(now), q).await?;
        Ok((listed.saturating_sub(coming), coming))
    }

    /// A count by a statement of its own (combined shapes).
    async fn count(&self, statement: ListStatement, q: &ListQuery) -> Result<u64> {
        let bound = match q.visibility {
            Visibility::PublicAt(now) => Bound::now(now),
            Visibility::All => Bound::EVERYTHING,
        };
        self.count_by(statement.sql(), &bound, q).await
    }

    /// The count a list statement gives.
    async fn count_by(&self, statement: &'static str, bound: &Bound, q: &ListQuery) -> Result<u64> {
        let row =
            bind_list(sqlx::query(statement), bound, 0, 0, q, AFTER_EVERY_SLUG).fetch_one(&self.pool).await.db()?;
        Ok(row.try_get::<i64, _>(0).db()?.max(0) as u64)
    }

    /// The kept counts of a single list: listed articles, and all of them.
    async fn counts(&self, driver: Driver, q: &ListQuery) -> Result<(u64, u64)> {
        let (kind, key, _) = counted_list(driver, q);
        let row = sqlx::query(sql::LIST_COUNTS).bind(kind).bind(key).fetch_optional(&self.pool).await.db()?;
        Ok(match row {
            Some(r) => {
                (r.try_get::<i64, _>("listed").db()?.max(0) as u64, r.try_get::<i64, _>("total").db()?.max(0) as u64)
            }
            None => (0, 0),
        })
    }

    /// Where a page of a single list that skips `skip` articles starts: the
    /// end of the week its first article is in, and how many to skip from
    /// there (the weeks newest first, counted in `list_weeks`). Readers do
    /// not see the articles still to come, which are the newest: every one
    /// in a week after the current one, and the rest of `coming` in the
    /// current week. Editors' lists end with the undated articles.
    async fn seek(&self, driver: Driver, q: &ListQuery, reader: Reader, skip: u64) -> Result<Start> {
        let (kind, key, _) = counted_list(driver, q);
        let rows = sqlx::query(sql::LIST_WEEKS).bind(kind).bind(key).fetch_all(&self.pool).await.db()?;
        let mut passed = 0u64;
        let mut coming_in_later_weeks = 0u64;
        for row in rows {
            let week: i64 = row.try_get("week").db()?;
            let (seen, cap) = match reader {
                Reader::Public { now, coming } => {
                    let listed = row.try_get::<i64, _>("listed").db()?.max(0) as u64;
                    let this_week = now.div_euclid(WEEK);
                    let seen = if week > this_week {
                        coming_in_later_weeks += listed;
                        0
                    } else if week == this_week {
                        listed.saturating_sub(coming.saturating_sub(coming_in_later_weeks))
                    } else {
                        listed
                    };
                    (seen, Bound::now(now))
                }
                Reader::Editors => (row.try_get::<i64, _>("dated").db()?.max(0) as u64, Bound::EVERYTHING),
            };
            if passed + seen > skip {
                let end = Bound { at: week.saturating_add(1).saturating_mul(WEEK), slug: String::new() };
                return Ok(Some((end.min(cap), skip - passed, AFTER_EVERY_SLUG.to_owned())));
            }
            passed += seen;
        }
        Ok(match reader {
            Reader::Public { .. } => None,
            // Past every dated article: into the undated ones.
            Reader::Editors => Some((Bound::NOTHING_DATED, skip - passed, AFTER_EVERY_SLUG.to_owned())),
        })
    }

    /// The visible articles just before and after `slug`.
    pub(super) async fn neighbours_of(
        &self,
        slug: &str,
        now: i64,
    ) -> Result<(Option<ArticleLink>, Option<ArticleLink>)> {
        let at: Option<Option<i64>> =
            sqlx::query_scalar(sql::PUBLISHED_AT_OF).bind(slug).fetch_optional(&self.pool).await.db()?;
        let Some(Some(at)) = at else { return Ok((None, None)) };
        let before = Bound { at, slug: slug.to_owned() }.min(Bound::now(now));
        let prev =
            sqlx::query(sql::PREVIOUS).bind(before.at).bind(before.slug).fetch_optional(&self.pool).await.db()?;
        let readers = Bound::now(now);
        let next = sqlx::query(sql::NEXT)
            .bind(readers.at)
            .bind(readers.slug)
            .bind(at)
            .bind(slug)
            .fetch_optional(&self.pool)
            .await
            .db()?;
        Ok((link_from_row(prev)?, link_from_row(next)?))
    }

    /// The sections readers see articles of, most articles first.
    pub(super) async fn visible_sections(&self, now: i64) -> Result<Vec<(Named, u64)>> {
        let readers = Bound::now(now);
        let rows =
            sqlx::query(sql::SECTION_COUNTS).bind(readers.at).bind(readers.slug).fetch_all(&self.pool).await.db()?;
        let mut sections = Vec::with_capacity(rows.len());
        for row in rows {
            let seen: i64 = row.try_get("seen").db()?;
            if seen > 0 {
                sections.push((Named { name: row.try_get("name").db()?, slug: row.try_get("key").db()? }, seen as u64));
            }
        }
        sections.sort_by(|(a, n), (b, m)| m.cmp(n).then_with(|| a.slug.cmp(&b.slug)));
        Ok(sections)
    }

    /// The name of a section, tag or author (by `SECTION_NAME`, `TAG_NAME`
    /// or `AUTHOR_NAME`), if readers see any of its articles.
    pub(super) async fn name_of(&self, statement: &'static str, slug: &str, now: i64) -> Result<Option<String>> {
        let readers = Bound::now(now);
        let row = sqlx::query(statement)
            .bind(readers.at)
            .bind(readers.slug)
            .bind(slug)
            .fetch_optional(&self.pool)
            .await
            .db()?;
        Ok(match row {
            Some(r) => Some(r.try_get(0).db()?),
            None => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::articles::tests::sample;
    use super::*;
    use crate::{ArticleStore as _, NewArticle, Status, StoredSummary};

    /// An article as the test's model knows it.
    #[derive(Clone, Debug)]
    struct Model {
        slug: String,
        status: Status,
        published_at: Option<i64>,
        section: String,
        tags: Vec<String>,
        authors: Vec<String>,
    }

    impl Model {
        fn visible(&self, now: i64) -> bool {
            self.status != Status::Draft && self.published_at.is_some_and(|t| t <= now)
        }

        fn record(&self) -> NewArticle {
            let named = |s: &String| Named { name: s.to_uppercase(), slug: s.clone() };
            let summary =
                |length| StoredSummary { length, sentences: vec![], source_hash: "h".into(), version: "v1".into() };
            NewArticle {
                title: format!("Title {}", self.slug),
                authors: self.authors.iter().map(named).collect(),
                section: named(&self.section),
                tags: self.tags.iter().map(named).collect(),
                summaries: vec![summary(3), summary(5)],
                ..sample(&self.slug, self.status, self.published_at)
            }
        }
    }

    /// A small deterministic generator (64-bit LCG).
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    const NOW: i64 = 40 * WEEK;

    /// 700 articles over 45 weeks (some to come after `NOW`), many sharing a
    /// time, some before 1970, drafts with and without a time, three
    /// sections, tags and authors.
    fn archive() -> Vec<Model> {
        let mut r = Lcg(7);
        let mut v = Vec::new();
        for i in 0..700 {
            let status = match r.below(100) {
                0..8 => Status::Draft,
                8..14 => Status::Scheduled,
                _ => Status::Published,
            };
            let published_at = match r.below(100) {
                0..4 => None,
                4..9 => Some(-(r.below(3 * WEEK as u64) as i64)),
                _ => Some((r.below(45 * 7 * 24) as i64) * 3600),
            };
            let pick = |r: &mut Lcg, names: &[&str]| -> Vec<String> {
                names.iter().filter(|_| r.below(2) == 0).map(|s| s.to_string()).collect()
            };
            let mut authors = pick(&mut r, &["ann", "bob", "cy"]);
            if authors.is_empty() {
                authors.push("ann".into());
            }
            v.push(Model {
                slug: format!("a{:04}", (i * 37) % 1000),
                status,
                published_at,
                section: ["world", "science", "arts"][r.below(3) as usize].into(),
                tags: pick(&mut r, &["x", "y", "z"]),
                authors,
            });
        }
        // The edges of weeks before and after 1970.
        for (i, t) in [-WEEK - 1, -WEEK, -WEEK + 1, -1, 0, 1, WEEK - 1, WEEK, NOW, NOW + 1].into_iter().enumerate() {
            v.push(Model {
                slug: format!("edge-{i}"),
                status: Status::Published,
                published_at: Some(t),
                section: "world".into(),
                tags: vec!["x".into()],
                authors: vec!["ann".into()],
            });
        }
        v
    }

    fn expected(models: &[Model], q: &ListQuery) -> Vec<String> {
        let mut v: Vec<&Model> = models
            .iter()
            .filter(|m| match q.visibility {
                Visibility::PublicAt(now) => m.visible(now),
                Visibility::All => true,
            })
            .filter(|m| q.section.as_ref().is_none_or(|s| &m.section == s))
            .filter(|m| q.tag.as_ref().is_none_or(|t| m.tags.contains(t)))
            .filter(|m| q.author.as_ref().is_none_or(|a| m.authors.contains(a)))
            .collect();
        // Newest first; undated last (Option orders None lowest).
        v.sort_by(|a, b| (b.published_at, &b.slug).cmp(&(a.published_at, &a.slug)));
        v.into_iter().map(|m| m.slug.clone()).collect()
    }

    /// Every list the store can be asked for, read page by page and by
    /// cursor by readers at `now` and by editors, matches the model.
    async fn check_lists(store: &SqliteStore, models: &[Model], now: i64) {
        for visibility in [Visibility::PublicAt(now), Visibility::All] {
            for bits in 0..8u32 {
                let pick = |bit: u32, value: &str| (bits & (1 << bit) != 0).then(|| value.to_owned());
                let query = ListQuery {
                    visibility,
                    section: pick(0, "world"),
                    tag: pick(1, "x"),
                    author: pick(2, "ann"),
                    page: 1,
                    per_page: 7,
                    after: None,
                };
                let want = expected(models, &query);
                let per_pages: &[u32] = if bits.count_ones() > 1 { &[50] } else { &[7, 40] };
                for &per_page in per_pages {
                    let what = format!(
                        "{visibility:?} {:?}/{:?}/{:?} per page {per_page}",
                        query.section, query.tag, query.author
                    );
                    // By page number, one past the end too.
                    let last = want.len().div_ceil(per_page as usize).max(1) as u32;
                    for page in 1..=last + 1 {
                        let got = store.list_articles(&ListQuery { page, per_page, ..query.clone() }).await.unwrap();
                        let from = ((page - 1) * per_page) as usize;
                        let slice: Vec<&String> = want.iter().skip(from).take(per_page as usize).collect();
                        let slugs: Vec<&String> = got.items.iter().map(|c| &c.slug).collect();
                        assert_eq!(slugs, slice, "{what} page {page}");
                        assert_eq!(got.total, want.len() as u64, "{what} page {page} total");
                        assert_eq!(got.page, Some(page));
                        assert_eq!(
                            got.next.is_some(),
                            from + (per_page as usize) < want.len(),
                            "{what} page {page} next"
                        );
                    }
                    // By cursor.
                    let mut seen = Vec::new();
                    let mut after = None;
                    loop {
                        let q = ListQuery { per_page, after: after.clone(), ..query.clone() };
                        let got = store.list_articles(&q).await.unwrap();
                        assert_eq!(got.page.is_none(), after.is_some());
                        seen.extend(got.items.iter().map(|c| c.slug.clone()));
                        match got.next {
                            Some(next) => {
                                assert_eq!(Some(&next), got.items.last().map(Cursor::of).as_ref());
                                after = Some(next);
                            }
                            None => break,
                        }
                        assert!(seen.len() <= want.len(), "{what}: cursors go round");
                    }
                    assert_eq!(seen, want, "{what} by cursor");
                }
            }
        }
        // The sections, the names, the neighbours, the next publication.
        let mut sections: Vec<(String, u64)> = Vec::new();
        for name in ["arts", "science", "world"] {
            let n = models.iter().filter(|m| m.section == name && m.visible(now)).count() as u64;
            if n > 0 {
                sections.push((name.to_owned(), n));
            }
        }
        sections.sort_by(|(a, n), (b, m)| m.cmp(n).then(a.cmp(b)));
        let got: Vec<(String, u64)> =
            store.sections(now).await.unwrap().into_iter().map(|(n, c)| (n.slug, c)).collect();
        assert_eq!(got, sections);
        assert_eq!(store.section_name("world", now).await.unwrap().as_deref(), Some("WORLD"));
        assert_eq!(store.tag_name("x", now).await.unwrap().as_deref(), Some("X"));
        assert_eq!(store.author_name("ann", now).await.unwrap().as_deref(), Some("ANN"));
        assert_eq!(store.tag_name("nope", now).await.unwrap(), None);
        let site = expected(
            models,
            &ListQuery {
                visibility: Visibility::PublicAt(now),
                section: None,
                tag: None,
                author: None,
                page: 1,
                per_page: 1,
                after: None,
            },
        );
        for m in models.iter().step_by(23) {
            let (prev, next) = store.neighbours(&m.slug, now).await.unwrap();
            let (prev, next) = (prev.map(|l| l.slug), next.map(|l| l.slug));
            let Some(at) = m.published_at else {
                assert_eq!((prev, next), (None, None));
                continue;
            };
            // Older is further down the list, newer further up.
            let key = |s: &String| {
                let o = models.iter().find(|o| &o.slug == s).unwrap();
                (o.published_at.unwrap(), o.slug.clone())
            };
            let older = site.iter().find(|s| key(s) < (at, m.slug.clone())).cloned();
            let newer = site.iter().rev().find(|s| key(s) > (at, m.slug.clone())).cloned();
            assert_eq!((prev, next), (older, newer), "neighbours of {}", m.slug);
        }
        let coming = models
            .iter()
            .filter(|m| m.status != Status::Draft)
            .filter_map(|m| m.published_at)
            .filter(|&t| t > now)
            .min();
        assert_eq!(store.next_publication_after(now).await.unwrap(), coming);
        assert_eq!(store.count_articles().await.unwrap(), models.len() as u64);
    }

    #[tokio::test]
    async fn every_list_matches_a_model_before_and_after_edits() {
        let store = SqliteStore::open(":memory:").await.unwrap();
        let mut models = archive();
        // Slugs repeat in the generator: keep the first of each.
        let mut seen = std::collections::HashSet::new();
        models.retain(|m| seen.insert(m.slug.clone()));
        for m in &models {
            store.create_article(&m.record()).await.unwrap();
        }
        check_lists(&store, &models, NOW).await;

        // Edits: drafts published, articles moved in time, across sections,
        // tags and authors changed, some deleted.
        let mut r = Lcg(11);
        for i in (0..models.len()).step_by(5) {
            let m = &mut models[i];
            match r.below(5) {
                0 => m.status = if m.status == Status::Draft { Status::Published } else { Status::Draft },
                1 => m.published_at = Some((r.below(45 * 7 * 24) as i64) * 3600 - 2 * WEEK),
                2 => m.section = "science".into(),
                3 => m.tags = vec!["x".into(), "z".into()],
                _ => m.authors = vec!["cy".into()],
            }
            let stored = store.article(&m.slug, Visibility::All).await.unwrap().unwrap();
            store.update_article(stored.id, stored.version, &m.record()).await.unwrap();
        }
        for m in models.iter().skip(3).step_by(17) {
            store.delete_article(&m.slug).await.unwrap();
        }
        let models: Vec<Model> =
            models.into_iter().enumerate().filter(|(i, _)| *i < 3 || (i - 3) % 17 != 0).map(|(_, m)| m).collect();
        // Readers in the middle of a week, with articles to come later in it.
        check_lists(&store, &models, NOW - 2 * WEEK - 3 * 24 * 3600 - 7).await;
    }

    /// The articles whose summaries are not all of a version are found
    /// through the index on that version (missing summaries count as stale).
    #[tokio::test]
    async fn stale_summaries_are_found_by_version() {
        let store = SqliteStore::open(":memory:").await.unwrap();
        let mut models = archive();
        models.truncate(30);
        let mut seen = std::collections::HashSet::new();
        models.retain(|m| seen.insert(m.slug.clone()));
        for m in &models {
            store.create_article(&m.record()).await.unwrap();
        }
        assert!(store.stale_summaries("v1").await.unwrap().is_empty());
        let mut all: Vec<String> = models.iter().map(|m| m.slug.clone()).collect();
        all.sort();
        assert_eq!(store.stale_summaries("v2").await.unwrap(), all);
        assert_eq!(store.stale_summaries("v0").await.unwrap(), all);
        // One article's summaries from v2, another's only one summary.
        let mut two = models[0].record();
        for s in &mut two.summaries {
            s.version = "v2".into();
        }
        let stored = store.article(&two.slug, Visibility::All).await.unwrap().unwrap();
        store.update_article(stored.id, stored.version, &two).await.unwrap();
        let mut one = models[1].record();
        one.summaries.truncate(1);
        let stored = store.article(&one.slug, Visibility::All).await.unwrap().unwrap();
        store.update_article(stored.id, stored.version, &one).await.unwrap();
        let mut stale = vec![models[0].slug.clone(), models[1].slug.clone()];
        stale.sort();
        assert_eq!(store.stale_summaries("v1").await.unwrap(), stale);
        let v2: Vec<String> = all.iter().filter(|s| **s != models[0].slug).cloned().collect();
        assert_eq!(store.stale_summaries("v2").await.unwrap(), v2);
    }
}
