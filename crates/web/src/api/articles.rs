//! The article routes: reads, and writes through [`content::Articles`].

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use content::ArticleInput;
use store::{Article, Cursor, ListQuery, SummaryMode, Visibility};
use summarize::Lang;

use crate::cache::{Cached, Dep, IfNoneMatch, Miss, Outcome, failed};

use super::auth::{Editor, MaybeEditor};
use super::dto::{
    ArticleJson, ArticleList, RelatedItem, RelatedList, SummaryJson, SummarySentenceJson, article_etag, article_json,
    list_item, rfc3339,
};
use super::extract::{JsonBody, Params, SlugPath, decode_object, number, params, text};
use crate::error::ErrorBody;
use crate::{ApiError, AppState, now};

const JSON: &str = "application/json";

/// A response from the shared cache, as the API answers.
fn api_response(outcome: Outcome, inm: &IfNoneMatch) -> Response {
    match outcome {
        Outcome::Found(item) => item.respond(inm.0.as_ref()),
        Outcome::NotFound(message) => {
            ApiError::not_found(message.as_deref().unwrap_or("not found").to_owned()).into_response()
        }
        // Logged where it failed.
        Outcome::Failed => {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error").into_response()
        }
    }
}

/// Marks a response that depends on the `Authorization` header (a token
/// holder also sees drafts).
fn vary_on_token(mut res: Response) -> Response {
    res.headers_mut().insert(header::VARY, HeaderValue::from_static("authorization"));
    res
}

/// How a summary is written out.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code, reason = "only a schema: the handler reads the parameter as text")]
pub enum SummaryFormat {
    /// One paragraph.
    Text,
    /// A list.
    Bullets,
}

/// Lists published articles, newest first. Page through them by `page`, or
/// by `after`: each page's `next` is where the following page starts, and
/// reading by `after` costs the same however deep the page is (with both,
/// `page` counts the pages from `after`: `page=2` skips one). Cached for
/// everybody alike (the list never shows drafts), with an `ETag`.
#[utoipa::path(get, path = "/api/articles", tag = "articles",
    params(
        ("section" = Option<String>, Query, description = "Only this section (name or slug)"),
        ("tag" = Option<String>, Query, description = "Only this tag (name or slug)"),
        ("author" = Option<String>, Query, description = "Only this author (name or slug)"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1_000_000, description = "Page, from 1 (with `after`: \
            counted from there)"),
        ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100, description = "Items per page, 1 to 100 (default 20)"),
        ("after" = Option<String>, Query, pattern = r"^-?[0-9]{1,18}\.[a-z0-9]+(-[a-z0-9]+)*$",
            description = "The articles after this position: the `next` of the previous page (keyset pagination)"),
    ),
    responses((status = 200, body = ArticleList, headers(("ETag" = String, description = "Send it back in If-None-Match: 304 while the list is the same"))),
        (status = 304), (status = 400, body = ErrorBody)))]
pub async fn list_articles(State(state): State<AppState>, q: Params, inm: IfNoneMatch) -> Result<Response, ApiError> {
    let p = params(q)?;
    let after = p.get("after").map(|text| parse_cursor(text)).transpose()?;
    let page = number(&p, "page", 1, 1_000_000)?;
    let per_page = number(&p, "per_page", 20, 100)?;
    let section = text(&p, "section").map(|s| content::slugify(s));
    let tag = text(&p, "tag").map(|s| content::slugify(s));
    let author = text(&p, "author").map(|s| content::slugify(s));
    let key = format!("api:list:{section:?}:{tag:?}:{author:?}:{page}:{per_page}:{:?}", p.get("after"));
    let deps = || {
        let mut deps: Vec<Dep> = (section.clone().map(Dep::Section).into_iter())
            .chain(tag.clone().map(Dep::Tag))
            .chain(author.clone().map(Dep::Author))
            .collect();
        if deps.is_empty() {
            deps.push(Dep::Listing);
        }
        deps
    };
    let render = || {
        let (st, section, tag, author, after) =
            (state.clone(), section.clone(), tag.clone(), author.clone(), after.clone());
        async move {
            let query =
                ListQuery { visibility: Visibility::PublicAt(now()), section, tag, author, page, per_page, after };
            let result = st.store().list_articles(&query).await.map_err(failed)?;
            let list = ArticleList {
                page: result.page,
                per_page: result.per_page,
                total: result.total,
                pages: result.pages(),
                next: result.next.as_ref().map(cursor_text),
                items: result.items.into_iter().map(list_item).collect(),
            };
            serde_json::to_vec(&list).map(|body| Cached::new(body, JSON)).map_err(failed)
        }
    };
    let outcome = state.cached(&key, deps, render).await;
    Ok(api_response(outcome, &inm))
}

/// A list position as the API writes it: `{published}.{slug}` (publication
/// time in Unix seconds). Clients pass it back as it is.
fn cursor_text(c: &Cursor) -> String {
    format!("{}.{}", c.published_at.map(|t| t.to_string()).unwrap_or_default(), c.slug)
}

/// Reads an `after` parameter written by [`cursor_text`]: any position of
/// that shape (the slug's letters, digits and single hyphens, of any length;
/// the time up to 18 digits), as the OpenAPI document's pattern says.
fn parse_cursor(text: &str) -> Result<Cursor, ApiError> {
    let slug_shaped = |s: &str| {
        s.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
    };
    text.split_once('.')
        .filter(|(at, _)| {
            let digits = at.strip_prefix('-').unwrap_or(at);
            (1..=18).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
        })
        .and_then(|(at, slug)| Some(Cursor { published_at: Some(at.parse().ok()?), slug: slug.to_owned() }))
        .filter(|c| slug_shaped(&c.slug))
        .ok_or_else(|| ApiError::bad_request("after must be the next of a previous page (such as 1767225600.a-slug)"))
}

pub async fn load(state: &AppState, slug: &str, editor: &MaybeEditor) -> Result<Article, ApiError> {
    let visibility = if editor.0.is_some() { Visibility::All } else { Visibility::PublicAt(now()) };
    state.store().article(slug, visibility).await?.ok_or_else(|| ApiError::not_found(format!("no article {slug}")))
}

/// One article (drafts and scheduled articles only with a token). Without
/// a token, from the shared cache; with one, always read afresh (and never
/// kept for the others).
#[utoipa::path(get, path = "/api/articles/{slug}", tag = "articles",
    params(("slug" = String, Path, description = "The article's slug")),
    responses((status = 200, body = ArticleJson, headers(("ETag" = String, description = "The article's version"))),
        (status = 304), (status = 404, body = ErrorBody)))]
pub async fn get_article(
    State(state): State<AppState>,
    editor: MaybeEditor,
    SlugPath(slug): SlugPath,
    inm: IfNoneMatch,
) -> Result<Response, ApiError> {
    if editor.0.is_some() {
        let a = load(&state, &slug, &editor).await?;
        let document = article_document(&a).map_err(ApiError::internal)?;
        return Ok(vary_on_token(document.respond(inm.0.as_ref())));
    }
    let key = format!("api:article:{slug}");
    let render = || {
        let (st, slug) = (state.clone(), slug.clone());
        async move {
            match st.store().article(&slug, Visibility::PublicAt(now())).await.map_err(failed)? {
                Some(a) => article_document(&a).map_err(failed),
                None => Err(Miss::NotFound(Some(format!("no article {slug}")))),
            }
        }
    };
    let outcome = state.cached(&key, || vec![Dep::Article(slug.clone())], render).await;
    Ok(vary_on_token(api_response(outcome, &inm)))
}

/// The article's JSON with its `ETag`, "id-version" (what `If-Match` names).
fn article_document(a: &Article) -> Result<Cached, serde_json::Error> {
    let body = serde_json::to_vec(&article_json(a))?;
    let etag = HeaderValue::from_str(&article_etag(a)).unwrap_or(HeaderValue::from_static("\"0\""));
    Ok(Cached::with_etag(body, JSON, etag))
}

/// The article's JSON, with its `ETag`.
fn with_etag(a: &Article) -> Response {
    let mut res = Json(article_json(a)).into_response();
    if let Ok(tag) = HeaderValue::from_str(&article_etag(a)) {
        res.headers_mut().insert(header::ETAG, tag);
    }
    res
}

/// The version an `If-Match` header asks for: `None` without one (or with
/// `*`, or empty: an empty list of tags is read as no condition). The header must be `*` or a list of entity tags (400 otherwise, as
/// the OpenAPI document's pattern says); a list that names no version of this
/// article (another article's, a weak tag, a tag not ours) is refused as for
/// a changed article (412).
fn if_match(headers: &HeaderMap, id: i64) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let value = value.to_str().unwrap_or_default().trim();
    if value == "*" || value.is_empty() {
        return Ok(None);
    }
    let Some(tags) = entity_tags(value) else {
        return Err(ApiError::bad_request(
            "If-Match must be * or entity tags such as \"12-3\" (the ETag of a GET of the article)",
        ));
    };
    let version = tags
        .into_iter()
        .filter_map(|tag| tag.strip_prefix('"')?.strip_suffix('"')?.split_once('-'))
        .find(|(tag_id, _)| tag_id.parse() == Ok(id))
        .and_then(|(_, v)| v.parse::<i64>().ok());
    match version {
        Some(v) => Ok(Some(v)),
        None => Err(ApiError::precondition_failed(format!(
            "If-Match {value} names no version of this article: GET it again for its ETag"
        ))),
    }
}

/// The entity tags of a list (RFC 9110: `"tag"` or `W/"tag"`, separated by
/// commas and optional spaces; a tag may hold a comma), each with its quotes
/// (and `W/`), or `None` when it is not one.
fn entity_tags(value: &str) -> Option<Vec<&str>> {
    let is_space = |c: char| c == ' ' || c == '\t';
    let tag_char = |c: char| c == '\x21' || ('\x23'..='\x7e').contains(&c);
    let mut tags = Vec::new();
    let mut rest = value.trim_matches(is_space);
    loop {
        let opaque = rest.strip_prefix("W/").unwrap_or(rest);
        let inner = opaque.strip_prefix('"')?;
        let len = inner.find(|c: char| !tag_char(c)).unwrap_or(inner.len());
        inner[len..].strip_prefix('"')?;
        let tag_len = (rest.len() - opaque.len()) + 1 + len + 1;
        tags.push(&rest[..tag_len]);
        rest = rest[tag_len..].trim_start_matches(is_space);
        if rest.is_empty() {
            return Some(tags);
        }
        rest = rest.strip_prefix(',')?.trim_start_matches(is_space);
    }
}

/// An article's summary: the editors' own, or the automatic one. The stored
/// summaries (3 and 5 sentences) are served as they are; other lengths (1 to
/// 20) are computed from the stored article text on request. Without a
/// token, from the shared cache.
#[utoipa::path(get, path = "/api/articles/{slug}/summary", tag = "articles",
    params(
        ("slug" = String, Path, description = "The article's slug"),
        ("sentences" = Option<u32>, Query, minimum = 1, maximum = 20, description = "1 to 20 (default 3; 3 and 5 are stored); a picked summary has the sentences the editors picked, whatever this asks"),
        ("format" = Option<SummaryFormat>, Query, description = "text (default) or bullets"),
    ),
    responses((status = 200, body = SummaryJson, headers(("ETag" = String, description = "Send it back in If-None-Match: 304 while the summary is the same"))),
        (status = 304), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn article_summary(
    State(state): State<AppState>,
    editor: MaybeEditor,
    SlugPath(slug): SlugPath,
    q: Params,
    inm: IfNoneMatch,
) -> Result<Response, ApiError> {
    let p = params(q)?;
    let n = number(&p, "sentences", 3, 20)?;
    let format = match p.get("format").map(String::as_str) {
        None | Some("text") => "text",
        Some("bullets") => "bullets",
        Some(_) => return Err(ApiError::bad_request("format must be text or bullets")),
    };
    if editor.0.is_some() {
        let a = load(&state, &slug, &editor).await?;
        let json = summary_json(&state, &a, n, format).await?;
        let body = serde_json::to_vec(&json).map_err(ApiError::internal)?;
        return Ok(vary_on_token(Cached::new(body, JSON).respond(inm.0.as_ref())));
    }
    let key = format!("api:summary:{slug}:{n}:{format}");
    let render = || {
        let (st, slug) = (state.clone(), slug.clone());
        async move {
            let Some(a) = st.store().article(&slug, Visibility::PublicAt(now())).await.map_err(failed)? else {
                return Err(Miss::NotFound(Some(format!("no article {slug}"))));
            };
            match summary_json(&st, &a, n, format).await {
                Ok(json) => serde_json::to_vec(&json).map(|body| Cached::new(body, JSON)).map_err(failed),
                Err(e) if e.status == StatusCode::NOT_FOUND => Err(Miss::NotFound(Some(e.message))),
                // Logged when it was made.
                Err(_) => Err(Miss::Failed),
            }
        }
    };
    let outcome = state.cached(&key, || vec![Dep::Article(slug.clone())], render).await;
    Ok(vary_on_token(api_response(outcome, &inm)))
}

/// The articles related to one: at most 5 published articles that share key
/// phrases or tags with it, best first (newer first among equals), each with
/// the first sentence of its summary; never the article itself, a draft, or a
/// scheduled article before its time. Found by the key phrases kept with
/// every article (nothing is computed on request). Without a token, from the
/// shared cache; a token holder may ask for a draft's.
#[utoipa::path(get, path = "/api/articles/{slug}/related", tag = "articles",
    params(("slug" = String, Path, description = "The article's slug")),
    responses((status = 200, body = RelatedList, headers(("ETag" = String, description = "Send it back in If-None-Match: 304 while the list is the same"))),
        (status = 304), (status = 404, body = ErrorBody)))]
pub async fn related_articles(
    State(state): State<AppState>,
    editor: MaybeEditor,
    SlugPath(slug): SlugPath,
    inm: IfNoneMatch,
) -> Result<Response, ApiError> {
    if editor.0.is_some() {
        let a = load(&state, &slug, &editor).await?;
        let related = crate::related::of(&state, &a, now()).await?;
        let body = serde_json::to_vec(&related_json(&state, &a, related)).map_err(ApiError::internal)?;
        return Ok(vary_on_token(Cached::new(body, JSON).respond(inm.0.as_ref())));
    }
    let key = format!("api:related:{slug}");
    let render = || {
        let (st, slug) = (state.clone(), slug.clone());
        async move {
            let now = now();
            let Some(a) = st.store().article(&slug, Visibility::PublicAt(now)).await.map_err(failed)? else {
                return Err(Miss::NotFound(Some(format!("no article {slug}"))));
            };
            let related = crate::related::of(&st, &a, now).await.map_err(failed)?;
            let shows = crate::related::shows(&a, &related);
            let body = serde_json::to_vec(&related_json(&st, &a, related)).map_err(failed)?;
            Ok(Cached::new(body, JSON).showing(shows))
        }
    };
    let outcome = state.cached(&key, || vec![Dep::Article(slug.clone())], render).await;
    Ok(vary_on_token(api_response(outcome, &inm)))
}

fn related_json(state: &AppState, a: &Article, related: Vec<store::RelatedArticle>) -> RelatedList {
    RelatedList {
        slug: a.slug.clone(),
        items: related
            .into_iter()
            .map(|r| RelatedItem {
                url: format!("/articles/{}", r.card.slug),
                summary: crate::related::summary_line(state, &r),
                published: r.card.published_at.map(rfc3339),
                score: r.score,
                slug: r.card.slug,
                title: r.card.title,
                lang: r.card.lang,
            })
            .collect(),
    }
}

/// The summary of `a` the API shows: `n` sentences, as `format`.
async fn summary_json(state: &AppState, a: &Article, n: u32, format: &str) -> Result<SummaryJson, ApiError> {
    let slug = a.slug.clone();
    let sentence = |index: usize, text: &str| SummarySentenceJson {
        index,
        text: text.to_owned(),
        href: format!("/articles/{slug}#s-{index}"),
    };
    let formatted = |texts: &[&str]| {
        if format == "bullets" { texts.iter().map(|t| format!("- {t}\n")).collect() } else { texts.join(" ") }
    };
    if let Some(picked) = content::picked_sentences(a) {
        let texts: Vec<&str> = picked.iter().map(|(_, t)| *t).collect();
        return Ok(SummaryJson {
            slug: slug.clone(),
            kind: "picked".into(),
            format: format.into(),
            summary: formatted(&texts),
            sentences: picked.iter().map(|&(i, t)| sentence(i, t)).collect(),
            version: None,
        });
    }
    match a.summary_mode {
        SummaryMode::Off => Err(ApiError::not_found("the summary of this article is switched off")),
        SummaryMode::Custom => {
            let text = a.summary_custom.clone().unwrap_or_default();
            Ok(SummaryJson {
                slug,
                kind: "custom".into(),
                format: "text".into(),
                summary: text,
                sentences: vec![],
                version: None,
            })
        }
        // Picked sentences the body no longer has: the automatic summary.
        SummaryMode::Auto | SummaryMode::Picked => {
            let computed;
            let s = match a.summaries.iter().find(|s| s.length == n) {
                Some(s) => s,
                None => {
                    computed = summarize_stored(state, a, n).await?;
                    &computed
                }
            };
            let texts: Vec<&str> = s.sentences.iter().map(|x| x.text.as_str()).collect();
            Ok(SummaryJson {
                slug: slug.clone(),
                kind: "extractive".into(),
                format: format.into(),
                summary: formatted(&texts),
                sentences: s.sentences.iter().map(|x| sentence(x.index, &x.text)).collect(),
                version: Some(s.version.clone()),
            })
        }
    }
}

/// A summary of `n` sentences of a stored article, computed now from the
/// same plain text as the stored ones (so the sentence indexes match the page's anchors).
pub async fn summarize_stored(state: &AppState, a: &Article, n: u32) -> Result<store::StoredSummary, ApiError> {
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

/// Creates an article (its summaries are computed now). Needs a token.
#[utoipa::path(post, path = "/api/articles", tag = "articles", request_body = ArticleInput,
    security(("bearer" = [])),
    responses((status = 201, body = ArticleJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_article(
    State(state): State<AppState>,
    editor: Editor,
    JsonBody(input): JsonBody<ArticleInput>,
) -> Result<(StatusCode, Json<ArticleJson>), ApiError> {
    let a = state.articles().create(input, &content::WrittenBy::token(&editor.name), now()).await?;
    Ok((StatusCode::CREATED, Json(article_json(&a))))
}

/// Replaces an article (the body's slug may rename it; absent, it keeps its slug). Needs a token.
/// With `If-Match` (the `ETag` of a GET), only if the article has not changed
/// since: 412 otherwise, and nothing is written.
#[utoipa::path(put, path = "/api/articles/{slug}", tag = "articles", request_body = ArticleInput,
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The article's slug"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"[!#-~]*"([ \t]*,[ \t]*(W/)?"[!#-~]*")*)?$"#,
            description = "The ETag of the version this change was made to (`*` or empty: any version)"),
    ),
    responses((status = 200, body = ArticleJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_article(
    State(state): State<AppState>,
    editor: Editor,
    SlugPath(slug): SlugPath,
    headers: HeaderMap,
    JsonBody(mut fields): JsonBody<serde_json::Map<String, serde_json::Value>>,
) -> Result<Response, ApiError> {
    fields.entry("slug").or_insert_with(|| serde_json::Value::String(slug.clone()));
    let bytes = serde_json::to_vec(&fields).map_err(ApiError::internal)?;
    let input: ArticleInput = decode_object(&bytes)?;
    let expected = match headers.get(header::IF_MATCH) {
        None => None,
        Some(_) => {
            let Some(stored) = state.store().article(&slug, Visibility::All).await? else {
                return Err(ApiError::not_found(format!("no article {slug}")));
            };
            if_match(&headers, stored.id)?
        }
    };
    let by = content::WrittenBy::token(&editor.name);
    let written = state.articles().update(&slug, input, expected, &by, now()).await?;
    Ok(with_etag(&written.article))
}

/// Deletes an article. Needs a token.
#[utoipa::path(delete, path = "/api/articles/{slug}", tag = "articles", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_article(
    State(state): State<AppState>,
    editor: Editor,
    SlugPath(slug): SlugPath,
) -> Result<StatusCode, ApiError> {
    state.articles().delete(&slug, &content::WrittenBy::token(&editor.name), now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
