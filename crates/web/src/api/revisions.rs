//! `GET /api/articles/{slug}/revisions`: an article's revisions, for token
//! holders (drafts' included: a token may write any article), newest
//! first, without their text (the newsroom's history page compares them).

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store::{RevisionInfo, Visibility};

use super::auth::Editor;
use super::dto::rfc3339;
use super::extract::{Params, SlugPath, params};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Revisions a response lists at most.
const PAGE: u32 = 100;

/// One revision of an article.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RevisionJson {
    /// The article's version after this write.
    pub number: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who wrote: a newsroom user's display name, "API token NAME", "import" or "demo".
    pub by: String,
    /// The newsroom user's id, when a newsroom user wrote.
    pub user_id: Option<i64>,
    /// The fields that changed (the API's field names, and `status`); empty when the article was created.
    pub changed: Vec<String>,
    /// The revision this write restored, if it was a restore.
    pub restored_from: Option<i64>,
}

/// An article's revisions, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RevisionsJson {
    pub slug: String,
    /// The article's version now.
    pub version: i64,
    /// How many revisions it has.
    pub total: u64,
    pub revisions: Vec<RevisionJson>,
    /// The next (older) page's address, when there is one.
    pub next: Option<String>,
}

fn revision_json(r: &RevisionInfo) -> RevisionJson {
    RevisionJson {
        number: r.number,
        at: rfc3339(r.at),
        by: r.by.name.clone(),
        user_id: r.by.user,
        changed: r.changed.clone(),
        restored_from: r.restored_from,
    }
}

/// Lists an article's revisions (who changed what, and when), newest first,
/// 100 at a time: `before` (the `next` of the previous page) gives older
/// ones. Needs a token. Never cached.
#[utoipa::path(get, path = "/api/articles/{slug}/revisions", tag = "articles", security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The article's slug"),
        ("before" = Option<i64>, Query, minimum = 1, description = "Only revisions numbered below this one"),
    ),
    responses((status = 200, body = RevisionsJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn list_revisions(
    State(state): State<AppState>,
    _editor: Editor,
    SlugPath(slug): SlugPath,
    q: Params,
) -> Result<Response, ApiError> {
    let p = params(q)?;
    let before = match p.get("before") {
        None => None,
        Some(v) => Some(
            v.parse::<i64>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| ApiError::bad_request("before must be a whole number from 1"))?,
        ),
    };
    let Some(article) = state.store().article(&slug, Visibility::All).await? else {
        return Err(ApiError::not_found(format!("no article {slug}")));
    };
    let store = state.store();
    let (mut revisions, total) =
        tokio::try_join!(store.revisions(article.id, before, PAGE + 1), store.count_revisions(article.id))?;
    let more = revisions.len() > PAGE as usize;
    revisions.truncate(PAGE as usize);
    let next = more
        .then(|| revisions.last().map(|r| format!("/api/articles/{}/revisions?before={}", article.slug, r.number)))
        .flatten();
    let body = RevisionsJson {
        slug: article.slug.clone(),
        version: article.version,
        total,
        revisions: revisions.iter().map(revision_json).collect(),
        next,
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response())
}
