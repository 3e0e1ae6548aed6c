//! Search: an FTS5 index of each article's terms (migration 0020), written
//! in the article's own transaction, and queries built from analysed terms
//! only, so no reader's text is ever FTS5 syntax.

use async_trait::async_trait;
use sqlx::Row;

use super::listing::{Bound, card_from_row};
use super::{SqliteStore, begin_write, sql};
use crate::{Db, MAX_QUERY_PHRASES, Page, Phrase, Result, SearchHit, SearchQuery, SearchStore, SearchText, Visibility};

/// Writes the search terms of article `id` (in `lang`), replacing any, inside
/// the caller's transaction.
pub(super) async fn write_terms(tx: &mut sqlx::SqliteConnection, id: i64, lang: &str, text: &SearchText) -> Result<()> {
    sqlx::query(sql::DELETE_TERMS).bind(id).execute(&mut *tx).await.db()?;
    sqlx::query(sql::INSERT_TERMS)
        .bind(id)
        .bind(&text.title)
        .bind(&text.standfirst)
        .bind(&text.body)
        .bind(&text.names)
        .bind(&text.sources)
        .execute(&mut *tx)
        .await
        .db()?;
    sqlx::query(sql::UPSERT_SEARCH_ROW)
        .bind(id)
        .bind(i64::from(text.version))
        .bind(lang)
        .execute(&mut *tx)
        .await
        .db()?;
    Ok(())
}

/// A phrase as an FTS5 string: its terms in double quotes (a quote inside
/// doubled, though terms hold none).
fn fts_phrase(phrase: &Phrase) -> Option<String> {
    let terms: Vec<&str> = phrase.iter().map(String::as_str).filter(|t| !t.is_empty()).collect();
    (!terms.is_empty()).then(|| format!("\"{}\"", terms.join(" ").replace('"', "\"\"")))
}

/// The FTS5 MATCH expression of a query: `((p AND q) OR (r)) NOT (x OR y)`,
/// built from its terms alone (each in quotes), or `None` when it has no
/// phrase to find.
pub(super) fn match_expression(query: &SearchQuery) -> Option<String> {
    let mut budget = MAX_QUERY_PHRASES;
    let mut readings = Vec::new();
    for reading in &query.readings {
        let phrases: Vec<String> = reading.phrases.iter().filter_map(fts_phrase).take(budget).collect();
        if phrases.is_empty() {
            continue;
        }
        budget -= phrases.len();
        readings.push(format!("({})", phrases.join(" AND ")));
        if budget == 0 {
            break;
        }
    }
    if readings.is_empty() {
        return None;
    }
    let found = format!("({})", readings.join(" OR "));
    let excluded: Vec<String> = query.exclude.iter().filter_map(fts_phrase).take(budget.max(1)).collect();
    Some(if excluded.is_empty() { found } else { format!("{found} NOT ({})", excluded.join(" OR ")) })
}

#[async_trait]
impl SearchStore for SqliteStore {
    async fn search(&self, query: &SearchQuery) -> Result<Page<SearchHit>> {
        let per_page = query.per_page.clamp(1, 100);
        let page = query.page.max(1);
        let empty = Page { items: Vec::new(), total: 0, page: Some(page), per_page, next: None };
        let Some(expression) = match_expression(query) else { return Ok(empty) };
        let (bound, now, statements) = match query.visibility {
            Visibility::PublicAt(now) => (Bound::now(now), now, (sql::SEARCH_PUBLIC, sql::SEARCH_PUBLIC_COUNT)),
            Visibility::All => (Bound::now(i64::MAX - 1), i64::MAX, (sql::SEARCH_ALL, sql::SEARCH_ALL_COUNT)),
        };
        let offset = i64::from(page - 1) * i64::from(per_page);
        let bind = |statement| {
            sqlx::query(statement)
                .bind(bound.at)
                .bind(bound.slug.clone())
                .bind(expression.clone())
                .bind(now)
                .bind(query.section.clone())
                .bind(query.tag.clone())
        };
        let mut conn = self.pool.acquire().await.db()?;
        let rows = bind(statements.0).bind(i64::from(per_page)).bind(offset).fetch_all(&mut *conn).await.db()?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(SearchHit {
                    card: card_from_row(r)?,
                    body_text: r.try_get("body_text").db()?,
                    score: r.try_get("score").db()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // The count: each row carries it; a page past the last has no row,
        // and counts them again.
        let total: i64 = match rows.first() {
            Some(r) => r.try_get("total").db()?,
            None if page == 1 => 0,
            None => bind(statements.1).fetch_one(&mut *conn).await.db()?.try_get(0).db()?,
        };
        let total = total.max(0) as u64;
        Ok(Page { items, total, page: Some(page), per_page, next: None })
    }

    async fn search_languages(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(sql::SEARCH_LANGUAGES).fetch_all(&self.pool).await.db()?)
    }

    async fn stale_search_text(&self, version: u32) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(sql::STALE_SEARCH).bind(i64::from(version)).fetch_all(&self.pool).await.db()?)
    }

    async fn write_search_text(&self, id: i64, version: i64, text: &SearchText) -> Result<bool> {
        let mut tx = begin_write(&self.writer).await?;
        let lang: Option<String> =
            sqlx::query_scalar(sql::LANG_AT_VERSION).bind(id).bind(version).fetch_optional(&mut *tx).await.db()?;
        let Some(lang) = lang else { return Ok(false) };
        write_terms(&mut tx, id, &lang, text).await?;
        tx.commit().await.db()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ArticleStore as _, Backend as _, Named, NewArticle, Reading, Status, SummaryMode, Visibility};

    fn named(s: &str) -> Named {
        Named { name: s.to_owned(), slug: s.to_lowercase() }
    }

    /// An article whose fields are already terms (the store analyses
    /// nothing): `body` is both its text and its body terms.
    fn article(slug: &str, title: &str, body: &str, at: Option<i64>, status: Status) -> NewArticle {
        NewArticle {
            slug: slug.to_owned(),
            title: title.to_owned(),
            standfirst: None,
            body_md: body.to_owned(),
            body_html: format!("<p>{body}</p>"),
            body_text: body.to_owned(),
            authors: vec![named("Ann")],
            section: named(if slug.starts_with('b') { "Business" } else { "World" }),
            tags: vec![named(if slug.ends_with('x') { "tagx" } else { "other" })],
            lang: if slug.starts_with('u') { "uk".into() } else { "en".into() },
            status,
            published_at: at,
            updated_at: at.unwrap_or(1),
            sources: None,
            canonical_url: None,
            lead_image: None,
            lead_image_alt: None,
            reading_minutes: 1,
            summary_mode: SummaryMode::Auto,
            summary_custom: None,
            summary_picks: Vec::new(),
            auto_paragraphs: true,
            summaries: Vec::new(),
            key_phrases: Default::default(),
            owner: None,
            revision: None,
            search: SearchText {
                title: title.to_lowercase(),
                body: body.to_owned(),
                names: "ann".into(),
                version: 1,
                ..SearchText::default()
            },
        }
    }

    fn query(words: &[&str]) -> SearchQuery {
        SearchQuery {
            readings: vec![Reading {
                phrases: words.iter().map(|w| w.split(' ').map(str::to_owned).collect()).collect(),
            }],
            exclude: Vec::new(),
            visibility: Visibility::PublicAt(1000),
            section: None,
            tag: None,
            page: 1,
            per_page: 10,
        }
    }

    async fn slugs(s: &SqliteStore, q: &SearchQuery) -> Vec<String> {
        s.search(q).await.unwrap().items.into_iter().map(|h| h.card.slug).collect()
    }

    async fn store() -> SqliteStore {
        let s = SqliteStore::open(":memory:").await.unwrap();
        for a in [
            article("old", "harbour barrier", "vote barrier harbour council", Some(100), Status::Published),
            article("new", "council news", "barrier mention once", Some(900), Status::Published),
            article("bx", "market report", "barrier cost market", Some(500), Status::Published),
            article("draft", "barrier draft", "barrier barrier", None, Status::Draft),
            article("later", "barrier later", "barrier barrier", Some(5000), Status::Scheduled),
            article("uk", "київ", "переговор київ barrier", Some(50), Status::Published),
        ] {
            s.create_article(&a).await.unwrap();
        }
        s
    }

    /// Matches are ranked by BM25 (the title above the body), only visible
    /// articles are found, and filters, phrases and exclusions apply.
    #[tokio::test]
    async fn ranked_visible_matches() {
        let s = store().await;
        let all = slugs(&s, &query(&["barrier"])).await;
        assert_eq!(all.len(), 4, "{all:?}: drafts and articles still to come are never found");
        assert_eq!(all[0], "old", "a title match ranks first: {all:?}");
        assert!(!all.contains(&"draft".to_owned()) && !all.contains(&"later".to_owned()));
        let mut editors = query(&["barrier"]);
        editors.visibility = Visibility::All;
        assert_eq!(slugs(&s, &editors).await.len(), 6);
        // Every phrase is required; a phrase is its words in order.
        assert_eq!(slugs(&s, &query(&["barrier", "market"])).await, ["bx"]);
        assert_eq!(slugs(&s, &query(&["vote barrier"])).await, ["old"]);
        assert!(slugs(&s, &query(&["barrier vote"])).await.is_empty());
        // Any reading may match.
        let mut q = query(&["market"]);
        q.readings.push(Reading { phrases: vec![vec!["київ".into()]] });
        assert_eq!(slugs(&s, &q).await, ["uk", "bx"], "a title match first");
        // Exclusions.
        let mut q = query(&["barrier"]);
        q.exclude = vec![vec!["market".into()], vec!["vote".into(), "barrier".into()]];
        let mut left = slugs(&s, &q).await;
        left.sort();
        assert_eq!(left, ["new", "uk"]);
        // Filters.
        let mut q = query(&["barrier"]);
        q.section = Some("business".into());
        assert_eq!(slugs(&s, &q).await, ["bx"]);
        let mut q = query(&["barrier"]);
        q.tag = Some("tagx".into());
        assert_eq!(slugs(&s, &q).await, ["bx"]);
        // Nothing to find.
        assert!(slugs(&s, &query(&[])).await.is_empty());
        assert!(slugs(&s, &query(&[""])).await.is_empty());
        let hit = &s.search(&query(&["market"])).await.unwrap().items[0];
        assert_eq!((hit.body_text.as_str(), hit.card.section.slug.as_str()), ("barrier cost market", "business"));
        assert!(hit.score > 0.0);
    }

    /// Pages hold `per_page` hits with the total of all; a page past the end is empty.
    #[tokio::test]
    async fn pages_and_totals() {
        let s = store().await;
        let mut q = query(&["barrier"]);
        q.per_page = 3;
        let first = s.search(&q).await.unwrap();
        assert_eq!((first.items.len(), first.total, first.pages()), (3, 4, 2));
        q.page = 2;
        let second = s.search(&q).await.unwrap();
        assert_eq!((second.items.len(), second.total), (1, 4));
        assert!(first.items.iter().all(|h| h.card.slug != second.items[0].card.slug));
        q.page = 3;
        let past = s.search(&q).await.unwrap();
        assert_eq!((past.items.len(), past.total), (0, 4));
    }

    /// A recent article ranks above an older one that matches as well.
    #[tokio::test]
    async fn recent_articles_rank_a_little_higher() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        let day = 86_400;
        for (slug, at) in [("a-old", 1_000 * day), ("a-new", 1_299 * day), ("a-mid", 1_200 * day)] {
            s.create_article(&article(slug, "same title", "same words here", Some(at), Status::Published))
                .await
                .unwrap();
        }
        let mut q = query(&["words"]);
        q.visibility = Visibility::PublicAt(1_300 * day);
        assert_eq!(slugs(&s, &q).await, ["a-new", "a-mid", "a-old"]);
    }

    /// Pages of any size are parts of one ranking: the same as one page
    /// holding every match, with the recency factor reordering close BM25
    /// scores and drafts left out, and every page has the same total.
    #[tokio::test]
    async fn pages_are_parts_of_one_ranking() {
        let s = SqliteStore::open(":memory:").await.unwrap();
        let day = 86_400;
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        for i in 0..80 {
            let hits = 1 + next(4);
            let filler = next(30);
            let body = format!("{} {}", "word ".repeat(hits as usize), "other ".repeat(filler as usize));
            let at = 1_000 * day + (next(400) as i64) * day;
            let status = if i % 10 == 9 { Status::Draft } else { Status::Published };
            s.create_article(&article(&format!("a{i:02}"), "title", body.trim(), Some(at), status)).await.unwrap();
        }
        let mut all = query(&["word"]);
        all.visibility = Visibility::PublicAt(1_400 * day);
        all.per_page = 100;
        let whole = s.search(&all).await.unwrap();
        assert_eq!((whole.items.len(), whole.total), (72, 72));
        let scores: Vec<f64> = whole.items.iter().map(|h| h.score).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
        let whole: Vec<String> = whole.items.into_iter().map(|h| h.card.slug).collect();
        for per_page in [1, 3, 10] {
            let mut paged = Vec::new();
            for page in 1.. {
                let mut q = all.clone();
                (q.per_page, q.page) = (per_page, page);
                let p = s.search(&q).await.unwrap();
                assert_eq!(p.total, 72, "page {page} of {per_page}");
                if p.items.is_empty() {
                    break;
                }
                paged.extend(p.items.into_iter().map(|h| h.card.slug));
            }
            assert_eq!(paged, whole, "pages of {per_page}");
        }
    }

    /// The index follows every write: an update replaces the terms, a
    /// deletion removes them, in the article's own transaction.
    #[tokio::test]
    async fn writes_keep_the_index_in_step() {
        let s = store().await;
        let old = s.article("old", Visibility::All).await.unwrap().unwrap();
        assert!(old.search == SearchText::default(), "terms are not read back");
        let mut edit = article("old", "harbour wall", "vote wall harbour", Some(100), Status::Published);
        let updated = s.update_article(old.id, old.version, &edit).await.unwrap();
        assert!(!slugs(&s, &query(&["barrier"])).await.contains(&"old".to_owned()));
        assert_eq!(slugs(&s, &query(&["wall"])).await, ["old"]);
        // Back to a draft: no longer found.
        edit.status = Status::Draft;
        s.update_article(updated.id, updated.version, &edit).await.unwrap();
        assert!(slugs(&s, &query(&["wall"])).await.is_empty());
        s.delete_article("old").await.unwrap();
        let mut editors = query(&["wall"]);
        editors.visibility = Visibility::All;
        assert!(slugs(&s, &editors).await.is_empty());
        // A version conflict writes nothing, to the index either.
        let bx = s.article("bx", Visibility::All).await.unwrap().unwrap();
        let other = article("bx", "market report", "entirely different", Some(500), Status::Published);
        assert!(s.update_article(bx.id, bx.version + 1, &other).await.is_err());
        assert_eq!(slugs(&s, &query(&["market"])).await, ["bx"]);
    }

    #[tokio::test]
    async fn languages_and_stale_terms() {
        let s = store().await;
        assert_eq!(s.search_languages().await.unwrap(), ["en", "uk"]);
        assert!(s.stale_search_text(1).await.unwrap().is_empty());
        assert_eq!(s.stale_search_text(2).await.unwrap().len(), 6);
        // Terms written again for the version read; not over a newer write.
        let bx = s.article("bx", Visibility::All).await.unwrap().unwrap();
        let text = SearchText { body: "renewed".into(), version: 2, ..SearchText::default() };
        assert!(s.write_search_text(bx.id, bx.version, &text).await.unwrap());
        assert!(!s.write_search_text(bx.id, bx.version + 1, &text).await.unwrap());
        assert_eq!(slugs(&s, &query(&["renewed"])).await, ["bx"]);
        assert!(slugs(&s, &query(&["market"])).await.is_empty());
        assert_eq!(s.stale_search_text(2).await.unwrap().len(), 5);
    }

    /// A database made before search (migration 0020) has its articles
    /// listed as stale, to be indexed at start.
    #[tokio::test]
    async fn articles_from_before_search_are_stale() {
        let db = super::super::tests::TempDb::new("search-upgrade");
        let s = SqliteStore::open(&db.path()).await.unwrap();
        s.create_article(&article("kept", "kept", "kept words", Some(10), Status::Published)).await.unwrap();
        // Back to the schema before 0020, with the article in it.
        for undo in sql::BEFORE_0020 {
            sqlx::query(*undo).execute(&s.pool).await.unwrap();
        }
        s.close().await;
        let s = SqliteStore::open(&db.path()).await.unwrap();
        assert_eq!(s.stale_search_text(1).await.unwrap(), ["kept"]);
        assert!(slugs(&s, &query(&["kept"])).await.is_empty(), "not indexed yet");
        s.close().await;
    }

    /// Whatever the terms, the expression is FTS5 text of quoted strings and
    /// operators only: no term is read as syntax.
    #[test]
    fn expressions_quote_every_term() {
        let mut q = query(&["a\"b", "NEAR(", "*", "x y"]);
        q.exclude = vec![vec!["OR".into()], vec![]];
        assert_eq!(match_expression(&q).unwrap(), r#"(("a""b" AND "NEAR(" AND "*" AND "x y")) NOT ("OR")"#);
        assert_eq!(match_expression(&query(&[])), None);
    }
}
