//! `GET /api/search`: the site's search, as JSON.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::dto::rfc3339;
use super::extract::{Params, number, params, text};
use crate::error::ErrorBody;
use crate::limits::SearchAllowed;
use crate::search::{Ask, Found, run};
use crate::{ApiError, AppState};

/// A piece of a snippet.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SnippetPart {
    /// Plain text, as in the article (not HTML).
    pub text: String,
    /// Whether this is a word searched for (to highlight).
    #[serde(rename = "match")]
    pub matched: bool,
}

/// An article found.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchResult {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub standfirst: Option<String>,
    pub section: String,
    pub section_slug: String,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    /// RFC 3339.
    pub published: Option<String>,
    pub lang: String,
    /// Relevance, higher first: BM25 over title, standfirst, body, names and
    /// sources, raised a little for recent articles.
    pub score: f64,
    /// A passage of the text around the matched words, as plain text.
    pub snippet: String,
    /// The same passage in parts, the matched words marked.
    pub snippet_parts: Vec<SnippetPart>,
}

/// A page of search results, best first.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchResults {
    /// The query, as received.
    pub query: String,
    pub items: Vec<SearchResult>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    pub pages: u32,
    /// Why nothing was looked up, when the query has no word to find (only
    /// common words, only exclusions, or no word at all).
    pub message: Option<String>,
    /// Whether only the beginning of a long query was used.
    pub cut: bool,
}

fn result(f: Found) -> SearchResult {
    let c = f.card;
    SearchResult {
        url: format!("/articles/{}", c.slug),
        slug: c.slug,
        title: c.title,
        standfirst: c.standfirst,
        section: c.section.name,
        section_slug: c.section.slug,
        authors: c.authors.into_iter().map(|n| n.name).collect(),
        tags: c.tags.into_iter().map(|n| n.name).collect(),
        published: c.published_at.map(rfc3339),
        lang: c.lang,
        score: f.score,
        snippet: f.snippet.iter().map(|s| s.text.as_str()).collect(),
        snippet_parts: f.snippet.into_iter().map(|s| SnippetPart { text: s.text, matched: s.matched }).collect(),
    }
}

/// Searches the published articles: words are matched by stem in each
/// article's language (accents and case do not matter), `"quoted phrases"`
/// in order, `-word` left out; every word must be found. Rate limited per
/// client (429 with `Retry-After`; a valid API token is not limited), and a
/// few run at once (503 with `Retry-After` when all are busy).
#[utoipa::path(get, path = "/api/search", tag = "search",
    params(
        ("q" = String, Query, min_length = 1, description = "The words to find: \"a phrase\", -excluded"),
        ("section" = Option<String>, Query, description = "Only this section (name or slug)"),
        ("tag" = Option<String>, Query, description = "Only this tag (name or slug)"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1_000_000, description = "Page, from 1"),
        ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100, description = "Items per page, 1 to 100 (default 10)"),
    ),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody),
        (status = 429, body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds until the client may try again"))),
        (status = 503, body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn search(State(state): State<AppState>, allowed: SearchAllowed, q: Params) -> Result<Response, ApiError> {
    // Held while the search runs.
    let _slot = allowed.0?;
    let p = params(q)?;
    let page = number(&p, "page", 1, 1_000_000)?;
    let per_page = number(&p, "per_page", 10, 100)?;
    let Some(query) = text(&p, "q") else {
        return Err(ApiError::bad_request("q is required: the words to search for"));
    };
    let ask = Ask {
        q: query,
        section: text(&p, "section").map(|s| content::slugify(s)),
        tag: text(&p, "tag").map(|s| content::slugify(s)),
        page,
        per_page,
    };
    let found = run(&state, ask).await?;
    let pages = found.pages();
    let body = SearchResults {
        query: query.clone(),
        page: found.page,
        per_page: found.per_page,
        total: found.total,
        pages,
        message: found.problem.map(|p| p.message().to_owned()),
        cut: found.cut,
        items: found.items.into_iter().map(result).collect(),
    };
    let mut res = Json(body).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
