//! Full-text search: what the index keeps of an article, an analysed query,
//! and the [`SearchStore`] part of a store.
//!
//! A store analyses nothing: the `content` crate turns an article into
//! [`SearchText`] (space-separated terms per field, by the summarizer's
//! analysis) and a reader's query into a [`SearchQuery`] of the same terms;
//! the store keeps the first in its full-text index, in the same
//! transaction as the article, and matches the second against it.

use async_trait::async_trait;

use crate::{ArticleCard, Page, Result, Visibility};

/// An article's search terms, field by field: each a list of terms separated
/// by single spaces, in text order (terms hold no white space). Derived from
/// the article's other fields by `content`, so it is written with the
/// article but not read back (a stored [`Article`](crate::Article) has it
/// empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchText {
    /// The title's terms.
    pub title: String,
    /// The standfirst's.
    pub standfirst: String,
    /// The body's (its plain text).
    pub body: String,
    /// The section's, tags' and authors' names.
    pub names: String,
    /// The sources note's.
    pub sources: String,
    /// The version of the analysis that made the terms (0: none made).
    pub version: u32,
}

/// A phrase: terms that must stand in this order, next to each other (stop
/// words, which are not indexed, may stand between them). One term is a
/// phrase of one.
pub type Phrase = Vec<String>;

/// A reading of a query: every phrase must be in the article (in any field).
/// A query is read once per language its words may be in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reading {
    /// The phrases, all required.
    pub phrases: Vec<Phrase>,
}

/// The tokens of a field's terms, as SQLite FTS5's `ascii` tokenizer makes
/// them: runs of ASCII letters and digits and of non-ASCII characters; every
/// other ASCII character separates; ASCII upper case is folded. (Terms hold
/// no ASCII punctuation, so each is one token; this is what both backends
/// count on.)
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn fts_tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| c.is_ascii() && !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_ascii_lowercase)
}

/// An analysed query, with its filters and page.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchQuery {
    /// An article matches when it matches any reading ...
    pub readings: Vec<Reading>,
    /// ... and holds none of these phrases.
    pub exclude: Vec<Phrase>,
    /// Who is looking (readers: published and due articles only).
    pub visibility: Visibility,
    /// Only this section (slug).
    pub section: Option<String>,
    /// Only this tag (slug).
    pub tag: Option<String>,
    /// 1-based page.
    pub page: u32,
    /// Items per page (1 to 100).
    pub per_page: u32,
}

/// The largest number of phrases a store is asked to match, over every
/// reading and exclusion: more are dropped (the longest queries are cut
/// before analysis, so only a hostile query comes near it).
pub const MAX_QUERY_PHRASES: usize = 64;

/// One article found.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    /// What a list shows of it.
    pub card: ArticleCard,
    /// Its body as plain text, for the snippet.
    pub body_text: String,
    /// Its relevance (higher is better): full-text rank, raised a little
    /// for recent articles.
    pub score: f64,
}

/// Full-text search over articles, ranked by relevance.
#[async_trait]
pub trait SearchStore: Send + Sync {
    /// A page of the visible articles that match, best first: BM25 over the
    /// fields (title above standfirst above body), raised a little for
    /// recent articles. A query without readings finds nothing.
    async fn search(&self, query: &SearchQuery) -> Result<Page<SearchHit>>;
    /// The language codes of the indexed articles (each once).
    async fn search_languages(&self) -> Result<Vec<String>>;
    /// The slugs of the articles whose search terms were not made by
    /// analysis `version` (or are missing): to analyse again.
    async fn stale_search_text(&self, version: u32) -> Result<Vec<String>>;
    /// Replaces the search terms of article `id`, if it is still at
    /// `version` (`false`, writing nothing, when it changed or is gone:
    /// the write that changed it wrote its terms).
    async fn write_search_text(&self, id: i64, version: i64, text: &SearchText) -> Result<bool>;
    /// Tidies the index after many articles' terms were written again
    /// ([`write_search_text`](SearchStore::write_search_text) at start; a
    /// write transaction that may take seconds on a large site): on
    /// SQLite, FTS5's `optimize` (each rewrite leaves the old postings
    /// behind as deletions, which every search then reads: on 100,000
    /// articles written again, counting a common word's matches took 13 ms
    /// instead of 1.5). Nothing to do by default.
    async fn tidy_search_index(&self) -> Result<()> {
        Ok(())
    }
}
