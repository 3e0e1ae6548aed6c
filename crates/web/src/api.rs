//! The JSON API, and its OpenAPI document (generated from these handlers).

use std::collections::HashMap;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
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

/// A JSON request body, with our error shape for every way it can be wrong.
pub struct JsonBody<T>(pub T);

impl<T: serde::de::DeserializeOwned> JsonBody<T> {
    fn parse(body: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
        let bytes = body.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::too_large()
            } else {
                ApiError::bad_request(e.body_text())
            }
        })?;
        if bytes.len() > crate::BODY_LIMIT {
            return Err(ApiError::too_large());
        }
        serde_json::from_slice(&bytes).map_err(|e| match e.classify() {
            serde_json::error::Category::Data => ApiError::invalid(format!("invalid field: {e}")),
            _ => ApiError::bad_request(format!("the body is not valid JSON: {e}")),
        })
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

async fn check_token(state: &AppState, parts: &Parts) -> Result<Option<Editor>, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unauthorized("the Authorization header must be `Bearer <token>`"))?;
    let presented = token_hash(token);
    let mut found = None;
    for (name, hash) in state.store().active_token_hashes().await? {
        // Compare every hash in constant time, and do not stop at a match.
        if bool::from(hash.as_bytes().ct_eq(presented.as_bytes())) {
            found = Some(name);
        }
    }
    match found {
        Some(name) => Ok(Some(Editor { name })),
        None => Err(ApiError::unauthorized("unknown or revoked API token")),
    }
}

impl FromRequestParts<AppState> for Editor {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Editor, ApiError> {
        check_token(state, parts)
            .await?
            .ok_or_else(|| ApiError::unauthorized("this needs an API token (Authorization: Bearer <token>)"))
    }
}

/// An editor when a token is shown, nobody otherwise (a wrong token is still 401).
pub struct MaybeEditor(pub Option<Editor>);

impl FromRequestParts<AppState> for MaybeEditor {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<MaybeEditor, ApiError> {
        Ok(MaybeEditor(check_token(state, parts).await?))
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
    responses((status = 200, body = ArticleJson), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_article(
    State(state): State<AppState>,
    editor: MaybeEditor,
    Path(slug): Path<String>,
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
    Path(slug): Path<String>,
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
        // Articles are stored with a valid code; fall back to detection otherwise.
        let lang = Lang::from_code(&lang).unwrap_or_else(|| summarize::detect(&text));
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
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_article(
    State(state): State<AppState>,
    editor: Editor,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ArticleJson>), ApiError> {
    let input: ArticleInput = JsonBody::parse(body)?;
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
        (status = 422, body = ErrorBody)))]
async fn update_article(
    State(state): State<AppState>,
    editor: Editor,
    Path(slug): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ArticleJson>, ApiError> {
    let mut value: serde_json::Value = JsonBody::parse(body)?;
    let Some(obj) = value.as_object_mut() else { return Err(ApiError::invalid("the body must be a JSON object")) };
    obj.entry("slug").or_insert_with(|| serde_json::Value::String(slug.clone()));
    let mut input: ArticleInput =
        serde_json::from_value(value).map_err(|e| ApiError::invalid(format!("invalid field: {e}")))?;
    if input.updated.is_none() {
        input.updated = Some(chrono::Utc::now());
    }
    if state.store().article(&slug, Visibility::All).await?.is_none() {
        return Err(ApiError::not_found(format!("no article {slug}")));
    }
    let prepared = save(&state, input).await?;
    let a = state.store().update_article(&slug, &prepared).await?;
    state.invalidate();
    tracing::info!(slug = %a.slug, by = %editor.name, "article updated");
    Ok(Json(article_json(&a)))
}

/// Deletes an article. Needs a token.
#[utoipa::path(delete, path = "/api/articles/{slug}", tag = "articles", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_article(
    State(state): State<AppState>,
    editor: Editor,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.store().delete_article(&slug).await?;
    state.invalidate();
    tracing::info!(%slug, by = %editor.name, "article deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Summarizes any text (at most 1 MiB of JSON).
#[utoipa::path(post, path = "/api/summarize", tag = "summarizer", request_body = SummarizeRequest,
    responses((status = 200, body = SummarizeResponse), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn summarize_text(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<SummarizeResponse>, ApiError> {
    let req: SummarizeRequest = JsonBody::parse(body)?;
    let n = req.sentences.unwrap_or(3);
    if !(1..=50).contains(&n) {
        return Err(ApiError::invalid("sentences must be from 1 to 50"));
    }
    let lang = match req.lang.as_deref() {
        None => None,
        Some(code) => {
            Some(Lang::from_code(code).ok_or_else(|| ApiError::invalid(format!("unknown language code {code:?}")))?)
        }
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
