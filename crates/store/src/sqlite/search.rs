//! Search: an FTS5 index of each article's terms (migration 0020), written
//! in the article's own transaction, and queries built from analysed terms
//! only, so no reader's text is ever FTS5 syntax.
//!
//! # The first pass
//!
//! Ranking scores every match with `bm25()`, about 0.6 µs each, which a
//! query on common words (tens of thousands of matches) pays in full. A
//! query that may match many articles is therefore ranked in two steps,
//! with the same result:
//!
//! 1. Only the matches that may rank high are scored: those among the
//!    article's *strong terms* (`article_search_tier`, migration 0023: the
//!    terms whose BM25 weight in the article, at a reference average
//!    length, reaches [`TIER_WEIGHT`]: its title's words, the words it says
//!    often for its length), those dated in the last [`TIER_RECENT`]
//!    seconds, and those holding a phrase of the query that at most
//!    [`TIER_RARE`] articles hold.
//! 2. Any other match scores less than a bound: each phrase's weight in it
//!    is below [`TIER_WEIGHT`] (scaled up when the index's average length
//!    is above the reference), its recency factor is that of an article
//!    [`TIER_RECENT`] old at most, and its rare phrases are absent; the
//!    bound is BM25's own sum with these, and each phrase's IDF computed
//!    from the same counts FTS5 uses. When the page's last hit of the first
//!    pass scores at least that, no other match can enter the page, and the
//!    page is exact (the same hits in the same order as a full ranking);
//!    otherwise (too few strong matches, a page far down) the query is
//!    ranked in full. Tests compare both on generated archives.
//!
//! The total is counted apart, without scoring. Every statement of a
//! search reads one snapshot (a read transaction).

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use rusqlite::params;

use super::articles::{lang_at_version, run};
use super::direct::Tx;
use super::listing::{Bound, card_from_row};
use super::{SqliteStore, begin_write, sql};
use crate::search::fts_tokens;
use crate::{Db, MAX_QUERY_PHRASES, Page, Phrase, Result, SearchHit, SearchQuery, SearchStore, SearchText, Visibility};

/// BM25's constants as FTS5's `bm25()` uses them.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// The field weights the ranking gives `bm25()` (`search_score!` in
/// sql.rs), in the index's column order: title, standfirst, body, names,
/// sources.
const WEIGHTS: [f64; 5] = [8.0, 4.0, 1.0, 4.0, 1.0];
/// The recency factor of `search_score!`: 1 + LIFT · HALF / (HALF + age).
const RECENCY_LIFT: f64 = 0.25;
const RECENCY_HALF: f64 = 2_592_000.0;

/// The rule that chooses an article's strong terms, kept in its search
/// row: a change of [`TIER_LENGTH`] or [`TIER_WEIGHT`] must raise it, so
/// that `serve` chooses them again (and no first pass runs until then).
pub(super) const TIER_VERSION: i64 = 1;
/// The average length (in terms) strong terms are chosen at. BM25 weighs a
/// term by the index's current average; when that is longer, the bound is
/// raised in proportion (a looser bound, never a wrong page).
pub(super) const TIER_LENGTH: f64 = 400.0;
/// The weight (BM25's term-frequency part, below k1 + 1 = 2.2) from which a
/// term is strong: a title word, or a word said about six times in an
/// article of average length.
pub(super) const TIER_WEIGHT: f64 = 1.8;
/// Matches dated this recently (seconds) are scored in the first pass.
pub(super) const TIER_RECENT: i64 = 90 * 86_400;
/// A phrase at most this many articles hold has all its matches scored.
pub(super) const TIER_RARE: i64 = 1_000;
/// A query that matches fewer articles than this is ranked in full at once.
pub(super) const TIER_MIN_MATCHES: i64 = 4_000;

/// When a search tries the first pass (tests lower the thresholds).
#[derive(Clone, Copy, Debug)]
pub(super) struct Tiering {
    /// Whether to try it at all.
    pub on: bool,
    /// [`TIER_MIN_MATCHES`].
    pub min_matches: i64,
    /// [`TIER_RARE`].
    pub rare: i64,
}

impl Tiering {
    pub const DEFAULT: Tiering = Tiering { on: true, min_matches: TIER_MIN_MATCHES, rare: TIER_RARE };
    #[cfg(test)]
    pub const OFF: Tiering = Tiering { on: false, ..Tiering::DEFAULT };
}

/// BM25's weight of a term (its term-frequency part) in a document of
/// `length` terms where its field-weighted frequency is `frequency`.
fn term_weight(frequency: f64, length: f64, average: f64) -> f64 {
    frequency * (K1 + 1.0) / (frequency + K1 * (1.0 - B + B * length / average))
}

/// The strong terms of an article: each distinct token of its terms whose
/// weight at the reference average length reaches [`TIER_WEIGHT`], in
/// order, separated by spaces.
pub(super) fn strong_terms(text: &SearchText) -> String {
    let fields = [&text.title, &text.standfirst, &text.body, &text.names, &text.sources];
    let mut frequency: HashMap<String, f64> = HashMap::new();
    let mut length = 0u64;
    for (field, weight) in fields.into_iter().zip(WEIGHTS) {
        for token in fts_tokens(field) {
            length += 1;
            *frequency.entry(token).or_default() += weight;
        }
    }
    let strong: BTreeSet<String> = frequency
        .into_iter()
        .filter(|(_, f)| term_weight(*f, length as f64, TIER_LENGTH) >= TIER_WEIGHT)
        .map(|(t, _)| t)
        .collect();
    strong.into_iter().collect::<Vec<_>>().join(" ")
}

/// Writes the search terms of article `id` (in `lang`), replacing any, inside
/// the caller's transaction.
pub(super) fn write_terms(tx: &Tx<'_>, id: i64, lang: &str, text: &SearchText) -> Result<()> {
    run(tx, sql::DELETE_TERMS, params![id])?;
    run(tx, sql::INSERT_TERMS, params![id, text.title, text.standfirst, text.body, text.names, text.sources])?;
    run(tx, sql::DELETE_TIER, params![id])?;
    run(tx, sql::INSERT_TIER, params![id, strong_terms(text)])?;
    run(tx, sql::UPSERT_SEARCH_ROW, params![id, i64::from(text.version), lang, TIER_VERSION])?;
    Ok(())
}

/// A phrase as an FTS5 string: its terms in double quotes (a quote inside
/// doubled, though terms hold none).
fn fts_phrase(phrase: &Phrase) -> Option<String> {
    let terms: Vec<&str> = phrase.iter().map(String::as_str).filter(|t| !t.is_empty()).collect();
    (!terms.is_empty()).then(|| format!("\"{}\"", terms.join(" ").replace('"', "\"\"")))
}

/// The phrases a query's MATCH expression holds: those to find, reading by
/// reading (each with its terms), and those to leave out.
struct Parts<'q> {
    readings: Vec<Vec<(&'q Phrase, String)>>,
    excluded: Vec<String>,
}

impl<'q> Parts<'q> {
    /// At most [`MAX_QUERY_PHRASES`] phrases; `None` when none is to be found.
    fn of(query: &'q SearchQuery) -> Option<Parts<'q>> {
        let mut budget = MAX_QUERY_PHRASES;
        let mut readings = Vec::new();
        for reading in &query.readings {
            let phrases: Vec<(&Phrase, String)> =
                reading.phrases.iter().filter_map(|p| Some((p, fts_phrase(p)?))).take(budget).collect();
            if phrases.is_empty() {
                continue;
            }
            budget -= phrases.len();
            readings.push(phrases);
            if budget == 0 {
                break;
            }
        }
        if readings.is_empty() {
            return None;
        }
        let excluded = query.exclude.iter().filter_map(fts_phrase).take(budget.max(1)).collect();
        Some(Parts { readings, excluded })
    }

    /// The FTS5 MATCH expression: `((p AND q) OR (r)) NOT (x OR y)`.
    fn expression(&self) -> String {
        let readings: Vec<String> = self
            .readings
            .iter()
            .map(|r| format!("({})", r.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join(" AND ")))
            .collect();
        let found = format!("({})", readings.join(" OR "));
        if self.excluded.is_empty() { found } else { format!("{found} NOT ({})", self.excluded.join(" OR ")) }
    }
}

/// The FTS5 MATCH expression of a query: `((p AND q) OR (r)) NOT (x OR y)`,
/// built from its terms alone (each in quotes), or `None` when it has no
/// phrase to find.
#[cfg(test)]
fn match_expression(query: &SearchQuery) -> Option<String> {
    Parts::of(query).map(|p| p.expression())
}

/// An SQLite varint at the start of `bytes`, and its length.
fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for i in 0..9 {
        let byte = *bytes.get(i)?;
        if i == 8 {
            return Some(((value << 8) | u64::from(byte), 9));
        }
        value = (value << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// FTS5's averages record: its row count and the total of tokens of every
/// column, or `None` if it cannot be read as that.
fn averages(block: &[u8]) -> Option<(u64, u64)> {
    let (rows, mut at) = varint(block)?;
    let mut tokens = 0u64;
    for _ in WEIGHTS {
        let (n, len) = varint(block.get(at..)?)?;
        tokens = tokens.checked_add(n)?;
        at += len;
    }
    Some((rows, tokens))
}

/// A phrase's IDF as FTS5's `bm25()` computes it, from the row count and
/// the number of rows holding it.
fn idf(rows: u64, holding: u64) -> f64 {
    let (n, h) = (rows as f64, holding as f64);
    let idf = ((n - h + 0.5) / (h + 0.5)).ln();
    if idf <= 0.0 { 1e-6 } else { idf }
}

/// The largest recency factor of an article dated [`TIER_RECENT`] ago or
/// earlier.
fn recency_bound() -> f64 {
    1.0 + RECENCY_LIFT * RECENCY_HALF / (RECENCY_HALF + TIER_RECENT as f64)
}

/// What the first pass scores, and the sum of IDFs its bound is made of.
#[derive(Debug, PartialEq)]
struct Plan {
    /// The strong terms to look up (an FTS5 expression): every term of
    /// every phrase many articles hold.
    strong: String,
    /// The other articles to score (an FTS5 expression, or none): those
    /// holding a phrase few articles hold, or holding phrases of the query
    /// that no one reading holds together.
    others: Option<String>,
    /// The most BM25's IDFs can add up to in an article of neither kind.
    idf: f64,
}

impl Plan {
    /// The plan for a query whose phrases are held by `holding` articles
    /// each, of `rows` indexed; phrases held by at most `rare` are rare.
    /// `None` when every phrase is rare.
    ///
    /// BM25 adds, for each phrase of the expression (a phrase in two
    /// readings twice), its IDF times its weight in the article, if the
    /// article holds it. An article outside the first pass holds no rare
    /// phrase, and each phrase it holds weighs less than the strong-term
    /// threshold in it. It may hold phrases of several readings, though:
    /// its sum of IDFs is at most that of the phrases of one reading (`idf`,
    /// the largest such sum over the readings) only when the common phrases
    /// it holds are all phrases of one reading; an article that holds, for
    /// every reading, a common phrase that reading lacks is scored in the
    /// first pass instead (`others`).
    fn of(parts: &Parts<'_>, holding: &HashMap<&str, i64>, rows: u64, rare: i64) -> Option<Plan> {
        let common = |fts: &str| holding.get(fts).is_some_and(|n| *n > rare);
        let mut strong = BTreeSet::new();
        let mut rare_phrases = BTreeSet::new();
        for (phrase, fts) in parts.readings.iter().flatten() {
            if common(fts) {
                strong.extend(phrase.iter().flat_map(|t| fts_tokens(t)));
            } else {
                rare_phrases.insert(fts.as_str());
            }
        }
        if strong.is_empty() {
            return None;
        }
        let all: BTreeSet<&str> =
            parts.readings.iter().flatten().map(|(_, f)| f.as_str()).filter(|f| common(f)).collect();
        let owns: Vec<BTreeSet<&str>> =
            parts.readings.iter().map(|r| r.iter().map(|(_, f)| f.as_str()).filter(|f| common(f)).collect()).collect();
        // The readings an article outside the first pass may match: those
        // of common phrases only (one with a rare phrase is matched by
        // holders of that phrase, all scored).
        let matchable: Vec<&BTreeSet<&str>> =
            parts.readings.iter().zip(&owns).filter(|(r, own)| r.len() == own.len()).map(|(_, own)| own).collect();
        let mut idf_sum: f64 = 0.0;
        let mut outside_each = Vec::new();
        for own in &owns {
            outside_each.push(all.difference(own).copied().collect::<Vec<_>>());
            // The common phrases such an article holds are all of `own`'s;
            // it matches a reading, whose phrases are then all in `own`.
            if !matchable.iter().any(|m| m.is_subset(own)) {
                continue;
            }
            let sum: f64 = parts
                .readings
                .iter()
                .flatten()
                .filter(|(_, f)| own.contains(f.as_str()))
                .map(|(_, f)| idf(rows, holding[f.as_str()].max(0) as u64))
                .sum();
            idf_sum = idf_sum.max(sum);
        }
        let mut others: Vec<String> = rare_phrases.into_iter().map(str::to_owned).collect();
        if outside_each.iter().all(|o| !o.is_empty()) {
            let each: Vec<String> = outside_each.iter().map(|o| format!("({})", o.join(" OR "))).collect();
            others.push(format!("({})", each.join(" AND ")));
        }
        let strong = strong.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(" OR ");
        Some(Plan { strong, others: (!others.is_empty()).then(|| others.join(" OR ")), idf: idf_sum })
    }
}

/// What one search binds: the statements' shared parameters.
struct Binds<'a> {
    bound: Bound,
    now: i64,
    expression: String,
    query: &'a SearchQuery,
}

impl Binds<'_> {
    fn bind(
        &self,
        statement: &'static str,
    ) -> sqlx::query::Query<'static, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
        sqlx::query(statement)
            .bind(self.bound.at)
            .bind(self.bound.slug.clone())
            .bind(self.expression.clone())
            .bind(self.now)
            .bind(self.query.section.clone())
            .bind(self.query.tag.clone())
    }
}

impl SqliteStore {
    /// A page of search results, trying the first pass as `tiering` says;
    /// also whether the first pass gave the page.
    pub(super) async fn search_with(&self, query: &SearchQuery, tiering: Tiering) -> Result<(Page<SearchHit>, bool)> {
        let per_page = query.per_page.clamp(1, 100);
        let page = query.page.max(1);
        let empty = Page { items: Vec::new(), total: 0, page: Some(page), per_page, next: None };
        let Some(parts) = Parts::of(query) else { return Ok((empty, false)) };
        let (bound, now, statements) = match query.visibility {
            Visibility::PublicAt(now) => {
                (Bound::now(now), now, (sql::SEARCH_PUBLIC, sql::SEARCH_PUBLIC_COUNT, sql::SEARCH_PUBLIC_FIRST))
            }
            Visibility::All => {
                (Bound::now(i64::MAX - 1), i64::MAX, (sql::SEARCH_ALL, sql::SEARCH_ALL_COUNT, sql::SEARCH_ALL_FIRST))
            }
        };
        let binds = Binds { bound, now, expression: parts.expression(), query };
        let offset = i64::from(page - 1) * i64::from(per_page);
        // One snapshot: the first pass's bound is made of counts read apart.
        let mut tx = self.pool.begin().await.db()?;
        let first = if tiering.on {
            self.first_pass(&mut tx, &parts, &binds, statements.2, (per_page, offset), tiering).await?
        } else {
            None
        };
        let first_pass = first.is_some();
        let (rows, matching) = match first {
            Some((rows, matching)) => (rows, Some(matching)),
            None => {
                (binds.bind(statements.0).bind(i64::from(per_page)).bind(offset).fetch_all(&mut *tx).await.db()?, None)
            }
        };
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
        // The count: each row of a full ranking carries it; the first pass's
        // rows carry the count of its own matches, and a page past the last
        // has no row: both count them all apart. Without a filter, the
        // first pass's total is the matches counted for it, less those
        // readers do not see: no search row is read but theirs.
        let unfiltered = query.section.is_none() && query.tag.is_none();
        let total: i64 = match (rows.first(), matching) {
            (Some(r), None) => r.try_get("total").db()?,
            (None, None) if page == 1 => 0,
            (_, Some(matching)) if unfiltered => match query.visibility {
                Visibility::All => matching,
                Visibility::PublicAt(_) => {
                    let hidden: i64 = sqlx::query_scalar(sql::SEARCH_HIDDEN_COUNT)
                        .bind(binds.bound.at)
                        .bind(binds.bound.slug.clone())
                        .bind(binds.expression.clone())
                        .fetch_one(&mut *tx)
                        .await
                        .db()?;
                    matching - hidden
                }
            },
            _ => binds.bind(statements.1).fetch_one(&mut *tx).await.db()?.try_get(0).db()?,
        };
        tx.commit().await.db()?;
        let total = total.max(0) as u64;
        Ok((Page { items, total, page: Some(page), per_page, next: None }, first_pass))
    }

    /// The page by the first pass (see the module's documentation) and the
    /// number of articles that match (whatever their status), or `None`
    /// when it cannot prove the page exact (or is not worth trying).
    async fn first_pass(
        &self,
        tx: &mut sqlx::SqliteConnection,
        parts: &Parts<'_>,
        binds: &Binds<'_>,
        statement: &'static str,
        (per_page, offset): (u32, i64),
        tiering: Tiering,
    ) -> Result<Option<(Vec<SqliteRow>, i64)>> {
        let stale: bool =
            sqlx::query_scalar(sql::SEARCH_TIER_STALE).bind(TIER_VERSION).fetch_one(&mut *tx).await.db()?;
        if stale {
            return Ok(None);
        }
        // How many articles match, whatever their status: not worth a first
        // pass below the threshold.
        let matching: i64 =
            sqlx::query_scalar(sql::SEARCH_PHRASE_COUNT).bind(&binds.expression).fetch_one(&mut *tx).await.db()?;
        if matching < tiering.min_matches {
            return Ok(None);
        }
        // How many articles hold each phrase (BM25's document frequency).
        let mut holding: HashMap<&str, i64> = HashMap::new();
        for (_, fts) in parts.readings.iter().flatten() {
            if !holding.contains_key(fts.as_str()) {
                let n: i64 = sqlx::query_scalar(sql::SEARCH_PHRASE_COUNT).bind(fts).fetch_one(&mut *tx).await.db()?;
                holding.insert(fts, n);
            }
        }
        let block: Option<Vec<u8>> = sqlx::query_scalar(sql::SEARCH_AVERAGES).fetch_optional(&mut *tx).await.db()?;
        let Some((rows, tokens)) = block.as_deref().and_then(averages).filter(|(rows, _)| *rows > 0) else {
            return Ok(None);
        };
        let average = tokens as f64 / rows as f64;
        let Some(plan) = Plan::of(parts, &holding, rows, tiering.rare) else { return Ok(None) };
        // No match outside the first pass scores this much (with a margin
        // for rounding).
        let bound = recency_bound() * TIER_WEIGHT * (average / TIER_LENGTH).max(1.0) * plan.idf * (1.0 + 1e-9);
        let rows = binds
            .bind(statement)
            .bind(i64::from(per_page))
            .bind(offset)
            .bind(plan.strong)
            .bind(binds.now.saturating_sub(TIER_RECENT))
            .bind(plan.others)
            .fetch_all(&mut *tx)
            .await
            .db()?;
        let full = rows.len() == per_page as usize;
        let last: Option<f64> = rows.last().map(|r| r.try_get("score")).transpose().db()?;
        Ok((full && last.is_some_and(|s| s >= bound)).then_some((rows, matching)))
    }
}

#[async_trait]
impl SearchStore for SqliteStore {
    async fn search(&self, query: &SearchQuery) -> Result<Page<SearchHit>> {
        Ok(self.search_with(query, Tiering::DEFAULT).await?.0)
    }

    async fn search_languages(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(sql::SEARCH_LANGUAGES).fetch_all(&self.pool).await.db()?)
    }

    async fn stale_search_text(&self, version: u32) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(sql::STALE_SEARCH)
            .bind(i64::from(version))
            .bind(TIER_VERSION)
            .fetch_all(&self.pool)
            .await
            .db()?)
    }

    async fn write_search_text(&self, id: i64, version: i64, text: &SearchText) -> Result<bool> {
        let (writer, text) = (self.writer.clone(), text.clone());
        self.writes
            .run(async move {
                writer
                    .transaction(|tx| {
                        let Some(lang) = lang_at_version(tx, id, version)? else { return Ok(false) };
                        write_terms(tx, id, &lang, &text)?;
                        Ok(true)
                    })
                    .await
            })
            .await
    }

    async fn tidy_search_index(&self) -> Result<()> {
        let mut tx = begin_write(self.writer.pool()).await?;
        sqlx::query(sql::OPTIMIZE_SEARCH).execute(&mut *tx).await.db()?;
        sqlx::query(sql::OPTIMIZE_TIER).execute(&mut *tx).await.db()?;
        tx.commit().await.db()?;
        Ok(())
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
        // Tidying the index changes no result.
        s.tidy_search_index().await.unwrap();
        assert_eq!(slugs(&s, &query(&["renewed"])).await, ["bx"]);
        assert_eq!(slugs(&s, &query(&["barrier"])).await.len(), 3);
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

    /// A deterministic generator for the archives below.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 33) % n.max(1)
        }
    }

    /// An archive where common words are said from never to often, in
    /// titles, standfirsts, names and bodies of every length, over three
    /// years (a few in the last weeks), with drafts and articles still to
    /// come; and the search texts it was made of.
    async fn archive(n: usize, seed: u64) -> (SqliteStore, Vec<SearchText>) {
        let s = SqliteStore::open(":memory:").await.unwrap();
        let mut r = Lcg(seed);
        let day = 86_400;
        let mut texts = Vec::new();
        for i in 0..n {
            let mut body: Vec<String> = (0..100 + r.below(500)).map(|_| format!("f{}", r.below(300))).collect();
            for (word, most) in [("alpha", 9), ("beta", 6), ("gamma", 4), ("delta", 2)] {
                // Often absent, sometimes said many times.
                let times = match r.below(8) {
                    0..5 => 0,
                    5..7 => 1 + r.below(2),
                    _ => 2 + r.below(most),
                };
                for _ in 0..times {
                    let at = r.below(body.len() as u64) as usize;
                    body.insert(at, word.to_owned());
                }
            }
            if r.below(10) == 0 {
                let at = r.below(body.len() as u64) as usize;
                body.insert(at, "alpha beta".to_owned());
            }
            body.push(format!("r{}", r.below(40)));
            let title: Vec<&str> = ["alpha", "beta", "gamma", "news", "report"]
                .into_iter()
                .filter(|_| r.below(10) == 0)
                .chain(["title"])
                .collect();
            let status = match r.below(20) {
                0 => Status::Draft,
                1 => Status::Scheduled,
                _ => Status::Published,
            };
            let at = match status {
                Status::Scheduled => 3_000 * day + r.below(30) as i64 * day,
                // A twentieth in the last month.
                _ if r.below(20) == 0 => 3_000 * day - r.below(30 * day as u64) as i64,
                _ => 2_000 * day + r.below(1_000 * day as u64) as i64,
            };
            let prefix = if r.below(3) == 0 { "b" } else { "a" };
            let suffix = if r.below(4) == 0 { "x" } else { "" };
            let mut a =
                article(&format!("{prefix}{i:04}{suffix}"), &title.join(" "), &body.join(" "), Some(at), status);
            a.search.standfirst = if r.below(4) == 0 { "gamma beta".into() } else { String::new() };
            if r.below(10) == 0 {
                a.search.names.push_str(" alpha");
            }
            texts.push(a.search.clone());
            s.create_article(&a).await.unwrap();
        }
        (s, texts)
    }

    /// The first pass gives the same pages (the same hits, scores and
    /// order) and totals as ranking every match, for common and rare words,
    /// several words, phrases, exclusions, several readings, filters,
    /// pages down the list and editors' searches; and it is used for most
    /// of them, while scoring only some of the matches.
    #[tokio::test]
    async fn the_first_pass_gives_the_full_ranking() {
        let (s, texts) = archive(700, 11).await;
        // The strong terms leave out most articles that say a common word.
        let holding = texts.iter().filter(|t| t.body.split(' ').any(|w| w == "alpha")).count();
        let strong = texts.iter().filter(|t| strong_terms(t).split(' ').any(|w| w == "alpha")).count();
        assert!(strong * 2 < holding, "alpha: {strong} strong of {holding}");
        let day = 86_400;
        let reading = |words: &[&str]| Reading {
            phrases: words.iter().map(|w| w.split(' ').map(str::to_owned).collect()).collect(),
        };
        let mut queries = Vec::new();
        for words in [
            &["alpha"][..],
            &["beta"],
            &["gamma"],
            &["delta"],
            &["alpha", "beta"],
            &["alpha beta"],
            &["beta", "title"],
            &["alpha", "r7"],
            &["r3"],
        ] {
            let mut q = query(words);
            q.visibility = Visibility::PublicAt(3_000 * day);
            queries.push(q);
        }
        let base = queries[0].clone();
        let mut q = base.clone();
        q.exclude = vec![vec!["gamma".into()]];
        queries.push(q);
        let mut q = base.clone();
        q.readings.push(reading(&["beta"]));
        queries.push(q);
        let mut q = base.clone();
        q.readings = vec![reading(&["alpha", "gamma"]), reading(&["beta"]), reading(&["r5", "alpha"])];
        queries.push(q);
        let mut q = base.clone();
        q.section = Some("business".into());
        queries.push(q);
        let mut q = base.clone();
        q.tag = Some("tagx".into());
        queries.push(q);
        let mut q = base.clone();
        q.visibility = Visibility::All;
        queries.push(q);
        let tiering = Tiering { on: true, min_matches: 1, rare: 15 };
        let (mut used, mut cases) = (0, 0);
        for q in &queries {
            for (per_page, pages) in [(10, 2), (3, 4), (25, 1)] {
                for page in 1..=pages {
                    let mut q = q.clone();
                    (q.per_page, q.page) = (per_page, page);
                    let (full, first) = s.search_with(&q, Tiering::OFF).await.unwrap();
                    assert!(!first);
                    let (fast, first) = s.search_with(&q, tiering).await.unwrap();
                    let hits = |p: &Page<SearchHit>| {
                        p.items.iter().map(|h| (h.card.slug.clone(), h.score)).collect::<Vec<_>>()
                    };
                    assert_eq!(hits(&fast), hits(&full), "{q:?}");
                    assert_eq!(fast.total, full.total, "{q:?}");
                    cases += 1;
                    used += usize::from(first);
                }
            }
        }
        assert!(used * 2 > cases, "the first pass gave {used} pages of {cases}");
        // With the site's thresholds, an archive this small is ranked in full.
        let (_, first) = s.search_with(&base, Tiering::DEFAULT).await.unwrap();
        assert!(!first);
    }

    /// An article's strong terms: those whose BM25 weight reaches the
    /// threshold: a title word, a word said often, not one said once in a
    /// long body.
    #[test]
    fn strong_terms_are_heavy_ones() {
        let long = |extra: &str| SearchText {
            title: "harbour".into(),
            body: format!("{} {extra}", "filler ".repeat(300)),
            ..SearchText::default()
        };
        assert_eq!(strong_terms(&long("barrier")), "filler harbour");
        assert_eq!(strong_terms(&long(&"barrier ".repeat(8))), "barrier filler harbour");
        // ASCII punctuation splits, as FTS5's tokenizer does.
        assert_eq!(strong_terms(&SearchText { title: "x-ray".into(), ..SearchText::default() }), "ray x");
        assert_eq!(strong_terms(&SearchText::default()), "");
    }

    /// FTS5's averages record is read as FTS5 keeps it: the row count and
    /// the tokens of every column; IDFs as `bm25()` makes them.
    #[tokio::test]
    async fn averages_are_read_as_fts5_keeps_them() {
        assert_eq!(varint(&[0x86, 0x8d, 0x20]), Some((100_000, 3)));
        assert_eq!(varint(&[0x05]), Some((5, 1)));
        assert_eq!(varint(&[0x80]), None);
        let s = store().await;
        let block: Vec<u8> = sqlx::query_scalar(sql::SEARCH_AVERAGES).fetch_one(&s.pool).await.unwrap();
        // Six articles; every title, body and the author "ann" (see `store`).
        let tokens = [2, 2, 2, 2, 2, 1] // titles
            .iter()
            .sum::<u64>()
            + [4, 3, 3, 2, 2, 3].iter().sum::<u64>()
            + 6;
        assert_eq!(averages(&block), Some((6, tokens)));
        assert!((idf(100, 10) - (90.5f64 / 10.5).ln()).abs() < 1e-12);
        assert!((idf(100, 60) - 1e-6).abs() < 1e-18, "never below zero");
    }

    /// The bound adds the IDFs of one reading's phrases (the reading whose
    /// common phrases weigh most); articles holding phrases no reading
    /// holds together, and those holding a rare phrase, are scored first.
    #[test]
    fn plans_bound_by_one_reading() {
        let terms = |w: &str| -> Phrase { w.split(' ').map(str::to_owned).collect() };
        let (presid, president, pr, sident) = (terms("presid"), terms("president"), terms("pr"), terms("sident"));
        let parts = Parts {
            readings: vec![
                vec![(&presid, "\"presid\"".into())],
                vec![(&president, "\"president\"".into())],
                vec![(&pr, "\"pr\"".into()), (&sident, "\"sident\"".into())],
            ],
            excluded: Vec::new(),
        };
        let holding =
            HashMap::from([("\"presid\"", 20_000), ("\"president\"", 9_000), ("\"pr\"", 2_000), ("\"sident\"", 5)]);
        let plan = Plan::of(&parts, &holding, 100_000, 100).unwrap();
        assert_eq!(plan.strong, r#""pr" OR "presid" OR "president""#);
        assert_eq!(
            plan.others.as_deref(),
            Some(r#""sident" OR (("pr" OR "president") AND ("pr" OR "presid") AND ("presid" OR "president"))"#)
        );
        // "pr" alone matches no reading (the third needs "sident").
        assert!((plan.idf - idf(100_000, 9_000)).abs() < 1e-12, "{plan:?}");
        // Every phrase rare: no first pass.
        assert_eq!(Plan::of(&parts, &holding, 100_000, 50_000), None);
    }
}
