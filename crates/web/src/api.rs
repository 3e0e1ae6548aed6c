//! The JSON API, and its OpenAPI document (generated from these handlers).

use std::collections::HashMap;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use content::ArticleInput;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::{Article, ArticleCard, ListQuery, SummaryMode, Visibility};
use subtle::ConstantTimeEq;
use summarize::{Lang, Length, Options};
use utoipa::OpenApi;

use crate::error::{ErrorBody, ErrorDetail};
use crate::{ApiError, AppState, now};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/articles", get(list_articles).post(create_article))
        .route("/articles/{slug}", get(get_article).put(update_article).delete(delete_article))
        .route("/articles/{slug}/summary", get(article_summary))
        .route("/summarize", post(summarize_text))
        .route("/openapi.json", get(openapi))
        // A method a route does not have: 405 with our JSON error (axum adds `Allow`).
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

/// The OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Newsdesk API", description = "Articles, their summaries, and a summarizer for any text."),
    paths(list_articles, get_article, article_summary, create_article, update_article, delete_article, summarize_text),
    components(schemas(
        ArticleInput, ArticleJson, ArticleListItem, ArticleList, SummaryJson, SummarySentenceJson, SummarizeRequest,
        SummarizeResponse, ErrorBody, ErrorDetail
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

async fn openapi() -> Response {
    match ApiDoc::openapi().to_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

/// A JSON object as request body, with our error shape for every way it can
/// be wrong: not sent as JSON (415), too large (413), not JSON (400), not an
/// object or not the right fields (422, in plain words naming the field).
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<JsonBody<T>, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::unsupported_media_type());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::too_large()
            } else {
                ApiError::bad_request(e.body_text())
            }
        })?;
        if bytes.len() > crate::BODY_LIMIT {
            return Err(ApiError::too_large());
        }
        decode_object(&bytes).map(JsonBody)
    }
}

/// `application/json`, with any parameters, or a `+json` type.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.split_once('/') {
        Some(("application", sub)) => sub == "json" || sub.ends_with("+json"),
        _ => false,
    }
}

/// Decodes a JSON object: syntax errors are 400; anything else but an object,
/// or fields of the wrong kind, are 422.
fn decode_object<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Check the syntax on its own first: decoding into `T` straight away
    // reports a wrong first value (`[[[[`) before the broken syntax.
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(ApiError::bad_request(if bytes.trim_ascii().is_empty() {
            "the body is empty: send a JSON object".to_owned()
        } else {
            format!("the body is not valid JSON ({e})")
        }));
    }
    if !bytes.trim_ascii_start().starts_with(b"{") {
        return Err(ApiError::invalid("the body must be a JSON object"));
    }
    // axum's decoder tracks where in the document a value went wrong. The
    // syntax is known to be good here, so whatever it reports is about the
    // values (serde_json calls a number where an enum's name should be "expected
    // value", a syntax error).
    let tracked = match Json::<T>::from_bytes(bytes) {
        Ok(Json(value)) => return Ok(value),
        Err(JsonRejection::JsonDataError(e)) => std::error::Error::source(&e).map(|s| s.to_string()),
        Err(JsonRejection::JsonSyntaxError(e)) => std::error::Error::source(&e).map(|s| s.to_string()),
        Err(e) => return Err(ApiError::invalid(e.body_text())),
    };
    // `tracked` reads "path: message" (no path at the top level); the message
    // alone is serde_json's own.
    let tracked = tracked.unwrap_or_default();
    let raw = serde_json::from_slice::<T>(bytes).err().map(|e| e.to_string()).unwrap_or_default();
    let path = tracked.strip_suffix(raw.as_str()).and_then(|p| p.strip_suffix(": "));
    Err(ApiError::invalid(content::plain_data_error(path, &raw)))
}

/// The `{slug}` of an API address. One that does not decode to UTF-8 names no
/// article: a JSON 404 rather than axum's plain-text 400.
pub struct SlugPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for SlugPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<SlugPath, ApiError> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(slug)) => Ok(SlugPath(slug)),
            Err(PathRejection::FailedToDeserializePathParams(e))
                if matches!(e.kind(), ErrorKind::InvalidUtf8InPathParam { .. }) =>
            {
                Err(ApiError::not_found("no such article: the slug in the address is not valid UTF-8"))
            }
            Err(e) => Err(ApiError::not_found(format!("no such article: {}", e.body_text()))),
        }
    }
}

/// A caller that showed a valid API token.
pub struct Editor {
    /// The token's name.
    pub name: String,
}

/// How a token is stored: SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What the Authorization header shows.
enum Shown {
    /// No Authorization header.
    Nothing,
    /// A token in force.
    Editor(Editor),
    /// Something else: why it does not count.
    Invalid(&'static str),
}

/// Reads the Authorization header; an error only when the store fails.
async fn check_token(state: &AppState, parts: &Parts) -> Result<Shown, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else { return Ok(Shown::Nothing) };
    let Some(token) = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        return Ok(Shown::Invalid("the Authorization header must be `Bearer <token>`"));
    };
    let presented = token_hash(token);
    let mut found = None;
    for (name, hash) in state.store().active_token_hashes().await? {
        // Compare every hash in constant time, and do not stop at a match.
        if bool::from(hash.as_bytes().ct_eq(presented.as_bytes())) {
            found = Some(name);
        }
    }
    Ok(match found {
        Some(name) => Shown::Editor(Editor { name }),
        None => Shown::Invalid("unknown or revoked API token"),
    })
}

impl FromRequestParts<AppState> for Editor {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Editor, ApiError> {
        match check_token(state, parts).await? {
            Shown::Editor(editor) => Ok(editor),
            Shown::Invalid(why) => Err(ApiError::unauthorized(why)),
            Shown::Nothing => Err(ApiError::unauthorized("this needs an API token (Authorization: Bearer <token>)")),
        }
    }
}

/// On the public reads (one article, its summary): an editor when a valid
/// token is shown, who may then also read drafts and scheduled articles;
/// anybody otherwise. A wrong, stale or revoked token counts as no token, not
/// as an error: these reads need no token, so a client that holds an old one
/// still gets what any reader gets (as the list of articles, which never
/// looks at the header, always did), and a draft stays a 404 to it. Writes
/// still answer 401 to such a token ([`Editor`]).
pub struct MaybeEditor(pub Option<Editor>);

impl FromRequestParts<AppState> for MaybeEditor {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<MaybeEditor, ApiError> {
        Ok(MaybeEditor(match check_token(state, parts).await? {
            Shown::Editor(editor) => Some(editor),
            Shown::Nothing | Shown::Invalid(_) => None,
        }))
    }
}

/// An article, as the API shows it.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArticleJson {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub standfirst: Option<String>,
    /// The body as written (Markdown).
    pub body: String,
    /// The body rendered and sanitized, with sentence anchors `s-N`.
    pub body_html: String,
    pub authors: Vec<String>,
    pub section: String,
    pub tags: Vec<String>,
    pub lang: String,
    /// draft, scheduled or published.
    pub status: String,
    /// RFC 3339.
    pub published: Option<String>,
    /// RFC 3339.
    pub updated: String,
    pub sources: Option<String>,
    pub canonical_url: Option<String>,
    pub lead_image: Option<String>,
    pub lead_image_alt: Option<String>,
    pub reading_minutes: u32,
    /// auto, custom or off.
    pub summary_mode: String,
    /// The editors' summary, when the mode is custom.
    pub summary: Option<String>,
}

/// An article in a list.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArticleListItem {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub standfirst: Option<String>,
    pub section: String,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub published: Option<String>,
    pub reading_minutes: u32,
}

/// A page of articles, newest first.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArticleList {
    pub items: Vec<ArticleListItem>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    pub pages: u32,
}

/// One summary sentence.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SummarySentenceJson {
    /// Index of the sentence in the article (anchor `s-{index}` on the page).
    pub index: usize,
    pub text: String,
    /// Link to the sentence in place.
    pub href: String,
}

/// An article's summary.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SummaryJson {
    pub slug: String,
    /// "extractive" (sentences taken from the article) or "custom" (written by the editors).
    pub kind: String,
    /// text or bullets.
    pub format: String,
    /// The summary, formatted.
    pub summary: String,
    /// The sentences (empty for a custom summary).
    pub sentences: Vec<SummarySentenceJson>,
    /// The summarizer version (extractive only).
    pub version: Option<String>,
}

/// Text to summarize.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SummarizeRequest {
    pub text: String,
    pub title: Option<String>,
    /// Language code; detected when absent.
    pub lang: Option<String>,
    /// How many sentences (1 to 50, default 3).
    pub sentences: Option<usize>,
}

/// A summary of any text.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SummarizeResponse {
    pub lang: String,
    /// The sentences, each with its index and byte range in the text.
    pub sentences: Vec<SummarizedSentence>,
    /// The sentences joined as a paragraph.
    pub summary: String,
    /// "- sentence" lines.
    pub bullets: String,
    pub keywords: Vec<String>,
    pub total_sentences: usize,
    pub version: String,
}

/// One sentence of a summary of any text.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SummarizedSentence {
    pub index: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string()).unwrap_or_default()
}

fn article_json(a: &Article) -> ArticleJson {
    ArticleJson {
        slug: a.slug.clone(),
        url: format!("/articles/{}", a.slug),
        title: a.title.clone(),
        standfirst: a.standfirst.clone(),
        body: a.body_md.clone(),
        body_html: a.body_html.clone(),
        authors: a.authors.iter().map(|n| n.name.clone()).collect(),
        section: a.section.name.clone(),
        tags: a.tags.iter().map(|n| n.name.clone()).collect(),
        lang: a.lang.clone(),
        status: a.status.as_str().to_owned(),
        published: a.published_at.map(rfc3339),
        updated: rfc3339(a.updated_at),
        sources: a.sources.clone(),
        canonical_url: a.canonical_url.clone(),
        lead_image: a.lead_image.clone(),
        lead_image_alt: a.lead_image_alt.clone(),
        reading_minutes: a.reading_minutes,
        summary_mode: a.summary_mode.as_str().to_owned(),
        summary: a.summary_custom.clone(),
    }
}

fn list_item(c: ArticleCard) -> ArticleListItem {
    ArticleListItem {
        url: format!("/articles/{}", c.slug),
        slug: c.slug,
        title: c.title,
        standfirst: c.standfirst,
        section: c.section.name,
        authors: c.authors.into_iter().map(|n| n.name).collect(),
        tags: c.tags.into_iter().map(|n| n.name).collect(),
        published: c.published_at.map(rfc3339),
        reading_minutes: c.reading_minutes,
    }
}

type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

fn params(q: Params) -> Result<HashMap<String, String>, ApiError> {
    q.map(|q| q.0).map_err(|e| ApiError::bad_request(e.body_text()))
}

fn number(p: &HashMap<String, String>, name: &str, default: u32, max: u32) -> Result<u32, ApiError> {
    match p.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| ApiError::bad_request(format!("{name} must be a whole number from 1 to {max}"))),
    }
}

/// Lists published articles, newest first.
#[utoipa::path(get, path = "/api/articles", tag = "articles",
    params(
        ("section" = Option<String>, Query, description = "Only this section (name or slug)"),
        ("tag" = Option<String>, Query, description = "Only this tag (name or slug)"),
        ("page" = Option<u32>, Query, description = "Page, from 1"),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 100 (default 20)"),
    ),
    responses((status = 200, body = ArticleList), (status = 400, body = ErrorBody)))]
async fn list_articles(State(state): State<AppState>, q: Params) -> Result<Json<ArticleList>, ApiError> {
    let p = params(q)?;
    let page = number(&p, "page", 1, 1_000_000)?;
    let per_page = number(&p, "per_page", 20, 100)?;
    let query = ListQuery {
        visibility: Visibility::PublicAt(now()),
        section: p.get("section").map(|s| content::slugify(s)),
        tag: p.get("tag").map(|s| content::slugify(s)),
        author: p.get("author").map(|s| content::slugify(s)),
        page,
        per_page,
    };
    let result = state.store().list_articles(&query).await?;
    let pages = result.pages();
    Ok(Json(ArticleList {
        page: result.page,
        per_page: result.per_page,
        total: result.total,
        pages,
        items: result.items.into_iter().map(list_item).collect(),
    }))
}

async fn load(state: &AppState, slug: &str, editor: &MaybeEditor) -> Result<Article, ApiError> {
    let visibility = if editor.0.is_some() { Visibility::All } else { Visibility::PublicAt(now()) };
    state.store().article(slug, visibility).await?.ok_or_else(|| ApiError::not_found(format!("no article {slug}")))
}

/// One article (drafts and scheduled articles only with a token).
#[utoipa::path(get, path = "/api/articles/{slug}", tag = "articles",
    params(("slug" = String, Path, description = "The article's slug")),
    responses((status = 200, body = ArticleJson), (status = 404, body = ErrorBody)))]
async fn get_article(
    State(state): State<AppState>,
    editor: MaybeEditor,
    SlugPath(slug): SlugPath,
) -> Result<Json<ArticleJson>, ApiError> {
    Ok(Json(article_json(&load(&state, &slug, &editor).await?)))
}

/// An article's summary: the editors' own, or the automatic one. The stored
/// summaries (3 and 5 sentences) are served as they are; other lengths (1 to
/// 20) are computed from the stored article text on request.
#[utoipa::path(get, path = "/api/articles/{slug}/summary", tag = "articles",
    params(
        ("slug" = String, Path, description = "The article's slug"),
        ("sentences" = Option<u32>, Query, description = "1 to 20 (default 3; 3 and 5 are stored)"),
        ("format" = Option<String>, Query, description = "text (default) or bullets"),
    ),
    responses((status = 200, body = SummaryJson), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn article_summary(
    State(state): State<AppState>,
    editor: MaybeEditor,
    SlugPath(slug): SlugPath,
    q: Params,
) -> Result<Json<SummaryJson>, ApiError> {
    let p = params(q)?;
    let n = number(&p, "sentences", 3, 20)?;
    let format = match p.get("format").map(String::as_str) {
        None | Some("text") => "text",
        Some("bullets") => "bullets",
        Some(_) => return Err(ApiError::bad_request("format must be text or bullets")),
    };
    let a = load(&state, &slug, &editor).await?;
    match a.summary_mode {
        SummaryMode::Off => Err(ApiError::not_found("the summary of this article is switched off")),
        SummaryMode::Custom => {
            let text = a.summary_custom.clone().unwrap_or_default();
            Ok(Json(SummaryJson {
                slug,
                kind: "custom".into(),
                format: "text".into(),
                summary: text,
                sentences: vec![],
                version: None,
            }))
        }
        SummaryMode::Auto => {
            let computed;
            let s = match a.summaries.iter().find(|s| s.length == n) {
                Some(s) => s,
                None => {
                    computed = summarize_stored(&state, &a, n).await?;
                    &computed
                }
            };
            let summary = if format == "bullets" {
                s.sentences.iter().map(|x| format!("- {}\n", x.text)).collect()
            } else {
                s.sentences.iter().map(|x| x.text.as_str()).collect::<Vec<_>>().join(" ")
            };
            Ok(Json(SummaryJson {
                slug: slug.clone(),
                kind: "extractive".into(),
                format: format.into(),
                summary,
                sentences: s
                    .sentences
                    .iter()
                    .map(|x| SummarySentenceJson {
                        index: x.index,
                        text: x.text.clone(),
                        href: format!("/articles/{slug}#s-{}", x.index),
                    })
                    .collect(),
                version: Some(s.version.clone()),
            }))
        }
    }
}

/// A summary of `n` sentences of a stored article, computed now from the
/// same plain text as the stored ones (so the sentence indexes match the page's anchors).
async fn summarize_stored(state: &AppState, a: &Article, n: u32) -> Result<store::StoredSummary, ApiError> {
    let summarizer = state.summarizer().clone();
    let (text, title, lang) = (a.body_text.clone(), a.title.clone(), a.lang.clone());
    tokio::task::spawn_blocking(move || {
        // A code the summarizer does not know ("pl") was summarized by word
        // boundaries when the article was saved: the same here.
        let lang = Lang::from_code(&lang).unwrap_or(Lang::Other);
        content::summary_of(&summarizer, &text, &title, lang, n, "")
    })
    .await
    .map_err(ApiError::internal)
}

async fn save(state: &AppState, input: ArticleInput) -> Result<store::NewArticle, ApiError> {
    let summarizer = state.summarizer().clone();
    let t = now();
    tokio::task::spawn_blocking(move || content::prepare(&input, &summarizer, t))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::invalid(e.to_string()))
}

/// Creates an article (its summaries are computed now). Needs a token.
#[utoipa::path(post, path = "/api/articles", tag = "articles", request_body = ArticleInput,
    security(("bearer" = [])),
    responses((status = 201, body = ArticleJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn create_article(
    State(state): State<AppState>,
    editor: Editor,
    JsonBody(input): JsonBody<ArticleInput>,
) -> Result<(StatusCode, Json<ArticleJson>), ApiError> {
    let prepared = save(&state, input).await?;
    let a = state.store().create_article(&prepared).await?;
    state.invalidate();
    tracing::info!(slug = %a.slug, by = %editor.name, "article created");
    Ok((StatusCode::CREATED, Json(article_json(&a))))
}

/// Replaces an article (the body's slug may rename it; absent, it keeps its slug). Needs a token.
#[utoipa::path(put, path = "/api/articles/{slug}", tag = "articles", request_body = ArticleInput,
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug")),
    responses((status = 200, body = ArticleJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_article(
    State(state): State<AppState>,
    editor: Editor,
    SlugPath(slug): SlugPath,
    JsonBody(mut fields): JsonBody<serde_json::Map<String, serde_json::Value>>,
) -> Result<Json<ArticleJson>, ApiError> {
    fields.entry("slug").or_insert_with(|| serde_json::Value::String(slug.clone()));
    let bytes = serde_json::to_vec(&fields).map_err(ApiError::internal)?;
    let mut input: ArticleInput = decode_object(&bytes)?;
    let Some(stored) = state.store().article(&slug, Visibility::All).await? else {
        return Err(ApiError::not_found(format!("no article {slug}")));
    };
    // The update time is now, unless the request gives another one than the
    // stored one (a client that GETs an article and PUTs it back echoes it).
    let updated_given = input.updated.is_some_and(|t| t.timestamp() != stored.updated_at);
    if !updated_given {
        input.updated = Some(chrono::Utc::now());
    }
    // Correcting an article does not re-date it: without `published` it
    // keeps its publication time. The stored time stands in for validation
    // (a scheduled article needs one); the record then goes to the store
    // without one, and the store keeps the time it holds in the same
    // transaction as the write.
    let keep_published = input.published.is_none();
    if keep_published {
        input.published = stored.published_at.and_then(|t| chrono::DateTime::from_timestamp(t, 0));
    }
    let mut prepared = save(&state, input).await?;
    if keep_published {
        prepared.published_at = None;
    }
    // Nothing changed (the article as it was GET, sent back): nothing is
    // written, and the article is not marked as updated.
    if !updated_given && same_content(&prepared, &stored) {
        return Ok(Json(article_json(&stored)));
    }
    let a = state.store().update_article(&slug, &prepared).await?;
    state.invalidate();
    tracing::info!(slug = %a.slug, by = %editor.name, "article updated");
    Ok(Json(article_json(&a)))
}

/// Whether writing `new` over `stored` would change nothing but the update
/// time (a publication time of `None` keeps the stored one).
fn same_content(new: &store::NewArticle, stored: &store::Article) -> bool {
    let mut same = new.clone();
    same.updated_at = stored.updated_at;
    same.published_at = same.published_at.or(stored.published_at);
    same == stored.data
}

/// Deletes an article. Needs a token.
#[utoipa::path(delete, path = "/api/articles/{slug}", tag = "articles", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_article(
    State(state): State<AppState>,
    editor: Editor,
    SlugPath(slug): SlugPath,
) -> Result<StatusCode, ApiError> {
    state.store().delete_article(&slug).await?;
    state.invalidate();
    tracing::info!(%slug, by = %editor.name, "article deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Summarizes any text (at most 1 MiB of JSON).
#[utoipa::path(post, path = "/api/summarize", tag = "summarizer", request_body = SummarizeRequest,
    responses((status = 200, body = SummarizeResponse), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn summarize_text(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<SummarizeRequest>,
) -> Result<Json<SummarizeResponse>, ApiError> {
    let n = req.sentences.unwrap_or(3);
    if !(1..=50).contains(&n) {
        return Err(ApiError::invalid("sentences must be from 1 to 50"));
    }
    let lang = match req.lang.as_deref() {
        None => None,
        Some(code) => match Lang::from_code(code) {
            Some(lang) => Some(lang),
            // Any language: those the summarizer does not know by word boundaries.
            None if content::is_language_tag(code) => Some(Lang::Other),
            None => {
                return Err(ApiError::invalid(format!(
                    "lang must be a language code such as en, pl or pt-BR, got {code:?}"
                )));
            }
        },
    };
    if req.text.trim().is_empty() {
        return Err(ApiError::invalid("text must not be empty"));
    }
    let summarizer = state.summarizer().clone();
    let res = tokio::task::spawn_blocking(move || {
        let s = summarizer.summarize(
            &req.text,
            &Options { length: Length::Sentences(n), title: req.title.as_deref(), lang, keywords: 8 },
        );
        SummarizeResponse {
            lang: s.lang.code().to_owned(),
            summary: s.text(),
            bullets: s.bullets(),
            total_sentences: s.total_sentences,
            keywords: s.keywords,
            version: summarize::VERSION.to_owned(),
            sentences: s
                .sentences
                .into_iter()
                .map(|e| SummarizedSentence { index: e.index, start: e.start, end: e.end, text: e.text })
                .collect(),
        }
    })
    .await
    .map_err(ApiError::internal)?;
    Ok(Json(res))
}
