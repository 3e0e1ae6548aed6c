//! Signing in and out: `/admin/login`, `/admin/logout`.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::accounts::{normalize_user_name, random_hex, verify_password};
use super::pages::{Chrome, internal, redirect, render};
use super::session::{
    Found, Posted, account_key, client_key, cookie, end_session, find_session, forbidden_form, form_bytes, local_path,
    login_cookie, record_failure, retry_after, same_origin, secrets_match, set_cookie, start_session, too_many,
    with_cookie,
};
use crate::{AppState, now};

/// What a failed sign-in is told, whether the name or the password was wrong
/// (or the account is disabled): nothing that tells which.
pub const WRONG: &str = "The user name or password is not right.";

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    chrome: Chrome,
    next: String,
    token: String,
    user: String,
    error: Option<String>,
    notice: Option<&'static str>,
    no_admin: bool,
}

#[derive(Deserialize, Default)]
pub struct LoginParams {
    next: Option<String>,
    ended: Option<String>,
    out: Option<String>,
}

async fn login_page(
    state: &AppState,
    status: StatusCode,
    next: &str,
    token: &str,
    user: &str,
    error: Option<String>,
    notice: Option<&'static str>,
) -> Response {
    let no_admin = match state.store().count_active_admins().await {
        Ok(n) => n == 0,
        Err(e) => return internal(e),
    };
    let page = LoginPage {
        chrome: Chrome::new(state, None, ""),
        next: local_path(Some(next)).to_owned(),
        token: token.to_owned(),
        user: user.to_owned(),
        error,
        notice,
        no_admin,
    };
    render(status, &page)
}

/// `GET /admin/login`: the form (or, when signed in already, on to `next`).
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<LoginParams>, QueryRejection>,
) -> Response {
    let params = params.map(|q| q.0).unwrap_or_default();
    let next = local_path(params.next.as_deref()).to_owned();
    match find_session(&state, &headers).await {
        Ok(Found::Signed(_)) => return redirect(&next),
        Ok(_) => {}
        Err(e) => return internal(e),
    }
    let notice = if params.ended.is_some() {
        Some("Your session has ended. Sign in again to go on.")
    } else if params.out.is_some() {
        Some("You are signed out.")
    } else {
        None
    };
    // The form's own token, matched against a cookie of its own: a sign-in
    // form posted from another site has neither.
    let token = random_hex(16);
    let res = login_page(&state, StatusCode::OK, &next, &token, "", None, notice).await;
    with_cookie(res, set_cookie(&state, login_cookie(&state), &token, 3600, "Strict"))
}

#[derive(Deserialize, Default)]
struct SignInForm {
    #[serde(default)]
    user: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    token: String,
}

/// `POST /admin/login`: checks the form's origin and token, the throttle,
/// then the password (as long for a user who does not exist); on success a
/// new session, and on to `next` (a local path only).
pub async fn sign_in(State(state): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let headers = parts.headers.clone();
    let address = client_key(&state, &parts);
    if !same_origin(&state, &headers) {
        tracing::warn!(%address, "sign-in form from another origin refused");
        return forbidden_form(&state);
    }
    let bytes = match form_bytes(Request::from_parts(parts, body), &state).await {
        Ok(b) => b,
        Err(res) => return res,
    };
    let form: SignInForm = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    if !secrets_match(&form.token, cookie(&headers, login_cookie(&state)).unwrap_or("")) {
        return forbidden_form(&state);
    }
    let now = now();
    let account = account_key(&form.user);
    match retry_after(&state, &account, &address, now).await {
        Ok(Some(wait)) => {
            tracing::warn!(%address, account = %account, "sign-in throttled");
            let minutes = (wait + 59) / 60;
            let error = format!(
                "Too many failed sign-ins. Try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            );
            let page = login_page(&state, StatusCode::OK, &form.next, &form.token, &form.user, Some(error), None).await;
            return too_many(page, wait);
        }
        Ok(None) => {}
        Err(e) => return internal(e),
    }
    let user = match normalize_user_name(&form.user) {
        Ok(name) => match state.store().user_by_name(&name).await {
            Ok(u) => u,
            Err(e) => return internal(e),
        },
        Err(_) => None,
    };
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let password = form.password.clone();
    let matches =
        tokio::task::spawn_blocking(move || verify_password(&password, hash.as_deref())).await.unwrap_or(false);
    match user {
        Some(user) if matches && !user.disabled => {
            if let Err(e) = state.store().clear_failures(&account).await {
                return internal(e);
            }
            let cookie = match start_session(&state, &headers, &user).await {
                Ok(c) => c,
                Err(e) => return internal(e),
            };
            tracing::info!(user = %user.name, role = %user.role, "signed in");
            let res = with_cookie(redirect(local_path(Some(&form.next))), cookie);
            with_cookie(res, set_cookie(&state, login_cookie(&state), "", 0, "Strict"))
        }
        _ => {
            if let Err(e) = record_failure(&state, &account, &address, now).await {
                return internal(e);
            }
            tracing::warn!(%address, account = %account, "sign-in failed");
            login_page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form.next,
                &form.token,
                &form.user,
                Some(WRONG.to_owned()),
                None,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct Empty {}

/// `POST /admin/logout`: ends the session on the server too.
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap, posted: Posted<Empty>) -> Response {
    match end_session(&state, &headers).await {
        Ok(cookie) => {
            tracing::info!(user = %posted.who.user.name, "signed out");
            with_cookie(redirect("/admin/login?out=1"), cookie)
        }
        Err(e) => internal(e),
    }
}
