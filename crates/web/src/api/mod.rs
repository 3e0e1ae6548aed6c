//! The JSON API, and its OpenAPI document (generated from these handlers).
//!
//! - [`extract`]: request bodies, paths and query parameters, with our
//!   error shape for every way they can be wrong;
//! - [`auth`]: API tokens;
//! - [`dto`]: what the API sends and takes, as JSON;
//! - [`articles`]: the article routes (reads, and writes through
//!   [`content::Articles`], the one write path);
//! - [`revisions`]: an article's revisions (token holders);
//! - [`search`]: the site's search;
//! - [`summarize`]: summarizing any text.

// Doc comments on the API types are their descriptions in the OpenAPI
// document (utoipa): describing the remaining fields is a change to that
// document, left to the work on it.
#![allow(missing_docs, reason = "API types' doc comments are OpenAPI descriptions; not all fields have one yet")]

pub mod articles;
pub mod auth;
pub mod dto;
pub mod extract;
pub mod revisions;
pub mod search;
pub mod summarize;

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use content::ArticleInput;
use utoipa::OpenApi;

pub use auth::{Editor, MaybeEditor, new_token, token_hash};
pub use extract::{JsonBody, SlugPath};

use crate::error::{ErrorBody, ErrorDetail};
use crate::{ApiError, AppState};
use dto::{
    ArticleJson, ArticleList, ArticleListItem, SummarizeRequest, SummarizeResponse, SummaryJson, SummarySentenceJson,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/articles", get(articles::list_articles).post(articles::create_article))
        .route(
            "/articles/{slug}",
            get(articles::get_article).put(articles::update_article).delete(articles::delete_article),
        )
        .route("/articles/{slug}/summary", get(articles::article_summary))
        .route("/articles/{slug}/revisions", get(revisions::list_revisions))
        .route("/articles/{slug}/related", get(articles::related_articles))
        .route("/search", get(search::search))
        .route("/summarize", post(summarize::summarize_text))
        .route("/openapi.json", get(openapi))
        // A method a route does not have: 405 with our JSON error (axum adds `Allow`).
        .method_not_allowed_fallback(method_not_allowed)
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}
/// The OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Newsdesk API", description = "Articles, their summaries, search, and a summarizer for any text."),
    paths(
        articles::list_articles,
        articles::get_article,
        articles::article_summary,
        articles::related_articles,
        articles::create_article,
        articles::update_article,
        articles::delete_article,
        revisions::list_revisions,
        search::search,
        summarize::summarize_text
    ),
    components(schemas(
        ArticleInput, ArticleJson, ArticleListItem, ArticleList, SummaryJson, SummarySentenceJson, SummarizeRequest,
        SummarizeResponse, dto::RelatedList, dto::RelatedItem, search::SearchResults, search::SearchResult,
        search::SnippetPart, ErrorBody, ErrorDetail, revisions::RevisionsJson, revisions::RevisionJson, articles::SummaryFormat,
        content::StatusName, content::SummaryModeName
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document as served: [`ApiDoc`], with the validator's rules
/// the derive cannot state written into the `ArticleInput` schema
/// ([`content::input_schema`]: patterns of list items, conditions between
/// fields; JSON Schema keywords utoipa's types do not hold).
pub fn document() -> Result<serde_json::Value, serde_json::Error> {
    let mut json = serde_json::to_value(ApiDoc::openapi())?;
    if let Some(schema) = json.pointer_mut("/components/schemas/ArticleInput") {
        content::input_schema::apply(schema);
    }
    Ok(json)
}

pub async fn openapi() -> Response {
    match document().and_then(|d| serde_json::to_vec(&d)) {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}
