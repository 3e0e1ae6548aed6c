//! Search on PostgreSQL (migration 0020): a `tsvector` per article built
//! here from the article's own analysed terms, and a `tsquery` built from a
//! query's terms; both are bound as text parameters and cast, so no text
//! search configuration, dictionary or stemmer touches them, and no reader's
//! text is ever query syntax.
//!
//! The terms are split as SQLite's FTS5 `ascii` tokenizer splits them (runs
//! of ASCII letters and digits and of any non-ASCII character, ASCII folded
//! to lower case), so both backends index and look for the same tokens.
//! Fields are kept apart by a gap of one position, so a phrase never spans
//! two of them (as in FTS5, where each field is a column); each position is
//! weighted by its field for the rank.
//!
//! PostgreSQL's limits on a `tsvector`: positions stop at 16,383 (a term
//! further in a long body is still found, but a phrase there is not), at
//! most 256 positions are kept per term, a term longer than 2,047 bytes is
//! not indexed, and the terms of one article take at most about 1 MB.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use async_trait::async_trait;
use sqlx::{AssertSqlSafe, PgConnection, Row};

use super::articles::{CARD_COLUMNS, card_from_row};
use super::{PostgresStore, visible};
use crate::search::fts_tokens as tokens;
use crate::{Db, MAX_QUERY_PHRASES, Page, Phrase, Result, SearchHit, SearchQuery, SearchStore, SearchText, Visibility};

/// The last position a `tsvector` keeps (later ones are set to it).
const MAX_POSITION: u32 = 16_383;
/// The longest term a `tsvector` or `tsquery` takes, in bytes.
const MAX_TERM: usize = 2_047;
/// The most positions a `tsvector` keeps per term.
const MAX_POSITIONS: usize = 256;
/// The most bytes of terms one article's vector holds (PostgreSQL refuses
/// more than 1 MiB).
const MAX_TERM_BYTES: usize = 1_000_000;

/// A term as a quoted lexeme of a `tsvector` or `tsquery` literal.
fn quoted(out: &mut String, term: &str) {
    out.push('\'');
    for c in term.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('\'');
}

/// The `tsvector` literal of an article's terms: every token with its
/// positions, each weighted by its field (A title, B standfirst, C names,
/// D body and sources).
fn vector_literal(text: &SearchText) -> String {
    let fields =
        [(&text.title, 'A'), (&text.standfirst, 'B'), (&text.names, 'C'), (&text.body, 'D'), (&text.sources, 'D')];
    let mut terms: BTreeMap<String, Vec<(u32, char)>> = BTreeMap::new();
    let mut bytes = 0usize;
    let mut position = 0u32;
    for (field, weight) in fields {
        for token in tokens(field) {
            position = (position + 1).min(MAX_POSITION);
            if token.len() > MAX_TERM {
                continue;
            }
            if !terms.contains_key(&token) {
                if bytes + token.len() > MAX_TERM_BYTES {
                    continue;
                }
                bytes += token.len();
            }
            let at = terms.entry(token).or_default();
            if at.len() < MAX_POSITIONS {
                at.push((position, weight));
            }
        }
        // A position between fields: no phrase spans two.
        position = (position + 1).min(MAX_POSITION);
    }
    let mut out = String::with_capacity(bytes + terms.len() * 8);
    for (term, at) in &terms {
        if !out.is_empty() {
            out.push(' ');
        }
        quoted(&mut out, term);
        for (i, (p, w)) in at.iter().enumerate() {
            let _ = write!(out, "{}{p}{w}", if i == 0 { ':' } else { ',' });
        }
    }
    out
}

/// A phrase as a `tsquery`: its tokens, each next to the one before
/// (`'a' <-> 'b'`). `None` when it has no token; `Some(None)` when it can
/// never be found (a token too long to be indexed).
fn phrase_query(phrase: &Phrase) -> Option<Option<String>> {
    let tokens: Vec<String> = phrase.iter().flat_map(|t| tokens(t)).collect();
    if tokens.is_empty() {
        return None;
    }
    if tokens.iter().any(|t| t.len() > MAX_TERM) {
        return Some(None);
    }
    let mut out = String::from("(");
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            out.push_str(" <-> ");
        }
        quoted(&mut out, t);
    }
    out.push(')');
    Some(Some(out))
}

/// The `tsquery` literal of a query: `((p & q) | (r)) & !(x | y)`, the
/// same reading of the query as SQLite's FTS5 expression (the same phrases
/// kept within [`MAX_QUERY_PHRASES`]), or `None` when it has nothing to find.
pub(super) fn query_literal(query: &SearchQuery) -> Option<String> {
    let mut budget = MAX_QUERY_PHRASES;
    let mut readings = Vec::new();
    for reading in &query.readings {
        let phrases: Vec<Option<String>> = reading.phrases.iter().filter_map(phrase_query).take(budget).collect();
        if phrases.is_empty() {
            continue;
        }
        budget -= phrases.len();
        // A reading with a phrase that cannot be found finds nothing.
        if let Some(phrases) = phrases.into_iter().collect::<Option<Vec<String>>>() {
            readings.push(format!("({})", phrases.join(" & ")));
        }
        if budget == 0 {
            break;
        }
    }
    if readings.is_empty() {
        return None;
    }
    let found = format!("({})", readings.join(" | "));
    let excluded: Vec<String> = query.exclude.iter().filter_map(phrase_query).take(budget.max(1)).flatten().collect();
    Some(if excluded.is_empty() { found } else { format!("{found} & !({})", excluded.join(" | ")) })
}

/// Writes the search terms of article `id` (in `lang`), replacing any, inside
/// the caller's transaction.
pub(super) async fn write_terms(tx: &mut PgConnection, id: i64, lang: &str, text: &SearchText) -> Result<()> {
    sqlx::query(
        "INSERT INTO article_search (article_id, version, lang, terms) VALUES ($1, $2, $3, $4::TSVECTOR) \
         ON CONFLICT (article_id) DO UPDATE SET version = EXCLUDED.version, lang = EXCLUDED.lang, \
         terms = EXCLUDED.terms",
    )
    .bind(id)
    .bind(i64::from(text.version))
    .bind(lang)
    .bind(vector_literal(text))
    .execute(&mut *tx)
    .await
    .db()?;
    Ok(())
}

/// The articles that match: `$3` the `tsquery`, `$1` the time of the
/// visibility test, `$5` the section, `$6` the tag (NULL when not asked).
fn search_matches(v: Visibility) -> String {
    format!(
        " FROM article_search s JOIN articles a ON a.id = s.article_id WHERE s.terms @@ $3::TSQUERY AND {} \
         AND ($5::TEXT IS NULL OR a.section_slug = $5) AND ($6::TEXT IS NULL OR EXISTS \
         (SELECT 1 FROM article_tags t WHERE t.tag_slug = $6 AND t.article_id = a.id))",
        visible(v, "a")
    )
}

/// A page of matches, best first (`$7` how many, `$8` how many to skip).
/// The rank is `ts_rank_cd` (cover density) with the fields weighted as
/// SQLite's BM25 weighs its columns (title 8, standfirst and names 4, body
/// and sources 1, here scaled to 1, 0.5 and 0.125), over 1 + log of the
/// article's length, times the same recency factor as SQLite's: 1 + 0.25 ·
/// H / (H + age), H 30 days, `$4` now. The ranks differ from BM25's; of
/// `ts_rank` and `ts_rank_cd` with each length normalization (none, 1 + log,
/// length), this one most often ordered the demo's results as SQLite does
/// (see the newsdesk test `search_on_the_demo_finds_the_same_articles_on_both_backends`).
fn search_page(v: Visibility) -> String {
    format!(
        "WITH hits AS (SELECT a.id, (ts_rank_cd('{{0.125, 0.5, 0.5, 1.0}}', s.terms, $3::TSQUERY, 1)::FLOAT8 \
         * (1.0 + 0.25 * 2592000.0 / (2592000.0 + GREATEST(0.0, $4::FLOAT8 - COALESCE(a.published_at, a.updated_at)))))\
         AS score, a.published_at, a.slug{} \
         ORDER BY score DESC, a.published_at DESC NULLS LAST, a.slug DESC LIMIT $7 OFFSET $8) \
         SELECT hits.score, {CARD_COLUMNS}, b.body_text FROM hits JOIN articles a ON a.id = hits.id \
         JOIN article_bodies b ON b.article_id = a.id \
         ORDER BY hits.score DESC, hits.published_at DESC NULLS LAST, hits.slug DESC",
        search_matches(v)
    )
}

#[async_trait]
impl SearchStore for PostgresStore {
    async fn search(&self, query: &SearchQuery) -> Result<Page<SearchHit>> {
        let per_page = query.per_page.clamp(1, 100);
        let page = query.page.max(1);
        let empty = Page { items: Vec::new(), total: 0, page: Some(page), per_page, next: None };
        let Some(tsquery) = query_literal(query) else { return Ok(empty) };
        let now = match query.visibility {
            Visibility::PublicAt(now) => now,
            Visibility::All => i64::MAX,
        };
        let offset = i64::from(page - 1) * i64::from(per_page);
        let bind = |sql: String| {
            sqlx::query(AssertSqlSafe(sql))
                .bind(now)
                .bind(0i64)
                .bind(tsquery.clone())
                .bind(now)
                .bind(query.section.clone())
                .bind(query.tag.clone())
        };
        let mut conn = self.pool.acquire().await.db()?;
        let rows = bind(search_page(query.visibility))
            .bind(i64::from(per_page))
            .bind(offset)
            .fetch_all(&mut *conn)
            .await
            .db()?;
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
        // The count: from the page when it is the last one, else counted.
        let total = if (items.len() as u32) < per_page && (page == 1 || !items.is_empty()) {
            offset as u64 + items.len() as u64
        } else {
            let sql = format!("SELECT COUNT(*){}", search_matches(query.visibility));
            let n: i64 = bind(sql).fetch_one(&mut *conn).await.db()?.try_get(0).db()?;
            n.max(0) as u64
        };
        Ok(Page { items, total, page: Some(page), per_page, next: None })
    }

    async fn search_languages(&self) -> Result<Vec<String>> {
        sqlx::query_scalar("SELECT DISTINCT lang FROM article_search ORDER BY lang").fetch_all(&self.pool).await.db()
    }

    async fn stale_search_text(&self, version: u32) -> Result<Vec<String>> {
        sqlx::query_scalar(
            "SELECT a.slug FROM article_search s JOIN articles a ON a.id = s.article_id WHERE s.version <> $1",
        )
        .bind(i64::from(version))
        .fetch_all(&self.pool)
        .await
        .db()
    }

    async fn write_search_text(&self, id: i64, version: i64, text: &SearchText) -> Result<bool> {
        let mut tx = self.pool.begin().await.db()?;
        // The article's row is locked until the terms are written: an update
        // of it waits, and then writes its own terms over these.
        let lang: Option<String> =
            sqlx::query_scalar("SELECT lang FROM articles WHERE id = $1 AND version = $2 FOR UPDATE")
                .bind(id)
                .bind(version)
                .fetch_optional(&mut *tx)
                .await
                .db()?;
        let Some(lang) = lang else { return Ok(false) };
        write_terms(&mut tx, id, &lang, text).await?;
        tx.commit().await.db()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Reading;

    fn query(phrases: &[&[&str]], exclude: &[&[&str]]) -> SearchQuery {
        let phrase = |p: &&[&str]| p.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        SearchQuery {
            readings: vec![Reading { phrases: phrases.iter().map(phrase).collect() }],
            exclude: exclude.iter().map(phrase).collect(),
            visibility: Visibility::All,
            section: None,
            tag: None,
            page: 1,
            per_page: 10,
        }
    }

    /// Terms split as FTS5's `ascii` tokenizer splits them.
    #[test]
    fn tokens_are_split_as_sqlite_splits_them() {
        let got: Vec<String> = tokens("Don't x-ray  київ 经济,GDP2 é").collect();
        assert_eq!(got, ["don", "t", "x", "ray", "київ", "经济", "gdp2", "é"]);
    }

    /// Every term is a quoted lexeme, whatever it holds: no term is read as
    /// `tsquery` syntax (operators, prefixes, weights, quotes).
    #[test]
    fn queries_quote_every_term() {
        let q = query(&[&["it's"], &["a", "b"], &["x:*"], &["!"]], &[&["or"], &[]]);
        assert_eq!(query_literal(&q).unwrap(), "((('it' <-> 's') & ('a' <-> 'b') & ('x'))) & !(('or'))");
        let q = query(&[&["tidal barrier"]], &[]);
        assert_eq!(query_literal(&q).unwrap(), "((('tidal' <-> 'barrier')))");
        assert_eq!(query_literal(&query(&[], &[])), None);
        assert_eq!(query_literal(&query(&[&["--"]], &[])), None);
        let long = "x".repeat(MAX_TERM + 1);
        assert_eq!(query_literal(&query(&[&[long.as_str()]], &[])), None, "never found");
    }

    /// Positions run on through the fields with a gap between them, and
    /// carry their field's weight.
    #[test]
    fn vectors_weigh_positions_by_field() {
        let text = SearchText {
            title: "harbour barrier".into(),
            standfirst: "o'neil".into(),
            body: "barrier vote".into(),
            names: "ann".into(),
            sources: String::new(),
            version: 1,
        };
        assert_eq!(vector_literal(&text), "'ann':7C 'barrier':2A,9D 'harbour':1A 'neil':5B 'o':4B 'vote':10D");
        let quote = SearchText { body: "a\\b".into(), ..SearchText::default() };
        assert_eq!(vector_literal(&quote), "'a':4D 'b':5D");
    }
}
