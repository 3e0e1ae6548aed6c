//! API tokens, for admins: create (the token is shown once; only its hash
//! is kept), list, revoke.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use store::StoreError;

use super::pages::{Chrome, Done, done, forbidden, internal, local_time, redirect, render};
use super::permissions::{Action, allowed};
use super::session::{Posted, Signed};
use crate::{AppState, now};

pub struct TokenRow {
    pub name: String,
    pub created: String,
    pub revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage {
    chrome: Chrome,
    tokens: Vec<TokenRow>,
    notice: Option<&'static str>,
    error: Option<String>,
    /// A new token, shown this once: (name, token).
    shown: Option<(String, String)>,
    name: String,
}

async fn tokens_page(
    state: &AppState,
    who: &Signed,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<String>,
    shown: Option<(String, String)>,
    name: String,
) -> Response {
    if !allowed(who.actor(), Action::ManageTokens, None) {
        return forbidden(state, who, "Only admins manage API tokens.");
    }
    let tokens = match state.store().tokens().await {
        Ok(t) => t,
        Err(e) => return internal(e),
    };
    let tz = state.site().timezone;
    let page = TokensPage {
        chrome: Chrome::new(state, Some(who), "tokens"),
        tokens: tokens
            .into_iter()
            .rev()
            .map(|t| TokenRow {
                name: t.name,
                created: local_time(tz, t.created_at),
                revoked: t.revoked_at.map(|r| local_time(tz, r)),
            })
            .collect(),
        notice,
        error,
        shown,
        name,
    };
    render(status, &page)
}

/// `GET /admin/tokens`.
pub async fn list(State(state): State<AppState>, who: Signed, params: Done) -> Response {
    let notice = done(params).filter(|d| d == "revoked").map(|_| "The token was revoked: it no longer works.");
    tokens_page(&state, &who, StatusCode::OK, notice, None, None, String::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NameForm {
    name: String,
}

/// `POST /admin/tokens`: a new token, shown once.
pub async fn create(State(state): State<AppState>, posted: Posted<NameForm>) -> Response {
    let Posted { who, form } = posted;
    if !allowed(who.actor(), Action::ManageTokens, None) {
        return forbidden(&state, &who, "Only admins manage API tokens.");
    }
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        let error = Some("A token's name is one line of 1 to 100 characters.".to_owned());
        return tokens_page(&state, &who, StatusCode::UNPROCESSABLE_ENTITY, None, error, None, name).await;
    }
    let token = crate::api::new_token();
    match state.store().create_token(&name, &crate::api::token_hash(&token), now()).await {
        Ok(_) => {
            tracing::info!(token = %name, by = %who.user.name, "API token created");
            tokens_page(&state, &who, StatusCode::OK, None, None, Some((name, token)), String::new()).await
        }
        Err(StoreError::Conflict(m)) => {
            tokens_page(&state, &who, StatusCode::UNPROCESSABLE_ENTITY, None, Some(m), None, name).await
        }
        Err(e) => internal(e),
    }
}

/// `POST /admin/tokens/revoke`.
pub async fn revoke(State(state): State<AppState>, posted: Posted<NameForm>) -> Response {
    let Posted { who, form } = posted;
    if !allowed(who.actor(), Action::ManageTokens, None) {
        return forbidden(&state, &who, "Only admins manage API tokens.");
    }
    match state.store().revoke_token(&form.name, now()).await {
        Ok(()) => {
            tracing::info!(token = %form.name, by = %who.user.name, "API token revoked");
            redirect("/admin/tokens?done=revoked")
        }
        Err(StoreError::NotFound) => {
            let error = Some(format!("There is no active token named “{}”.", form.name));
            tokens_page(&state, &who, StatusCode::NOT_FOUND, None, error, None, String::new()).await
        }
        Err(e) => internal(e),
    }
}
