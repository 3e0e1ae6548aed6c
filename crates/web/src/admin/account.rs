//! Your account: change your own password (every other session ends).

use askama::Template;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::accounts::{check_password, hash_password, verify_password};
use super::pages::{Chrome, internal, render};
use super::session::{
    Posted, Signed, account_key, client_key, record_failure, retry_after, start_session, too_many, with_cookie,
};
use crate::{AppState, now};

pub struct PasswordField {
    pub name: &'static str,
    pub label: &'static str,
    pub autocomplete: &'static str,
    pub hint: Option<&'static str>,
    pub error: Option<String>,
    pub described: String,
}

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountPage {
    chrome: Chrome,
    name: String,
    role: &'static str,
    notice: Option<&'static str>,
    fields: Vec<PasswordField>,
}

fn account_page(
    state: &AppState,
    who: &Signed,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<(&'static str, String)>,
) -> Response {
    let fields = [
        ("current", "Current password", "current-password", None),
        ("new", "New password", "new-password", Some("At least 12 characters. A few unrelated words make a good one.")),
        ("repeat", "New password again", "new-password", None),
    ]
    .into_iter()
    .map(|(name, label, autocomplete, hint)| {
        let error = error.as_ref().filter(|(f, _)| *f == name).map(|(_, m)| m.clone());
        let described = [hint.map(|_| format!("p-{name}-hint")), error.as_ref().map(|_| format!("p-{name}-error"))]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        PasswordField { name, label, autocomplete, hint, error, described }
    })
    .collect();
    let page = AccountPage {
        chrome: Chrome::new(state, Some(who), "account"),
        name: who.user.name.clone(),
        role: who.user.role.as_str(),
        notice,
        fields,
    };
    render(status, &page)
}

/// `GET /admin/account`.
pub async fn page(State(state): State<AppState>, who: Signed) -> Response {
    account_page(&state, &who, StatusCode::OK, None, None)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
}

/// `POST /admin/account`: checks the current password (throttled as a
/// sign-in is), then sets the new one and ends every session of the user,
/// this one replaced by a new one.
pub async fn change_password(State(state): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let address = client_key(&state, &parts);
    let headers = parts.headers.clone();
    let posted = <Posted<PasswordForm> as axum::extract::FromRequest<AppState>>::from_request(
        Request::from_parts(parts, body),
        &state,
    )
    .await;
    let Posted { who, form } = match posted {
        Ok(p) => p,
        Err(res) => return res,
    };
    let now = now();
    let account = account_key(&who.user.name);
    match retry_after(&state, &account, &address, now).await {
        Ok(Some(wait)) => {
            let error = ("current", "Too many wrong passwords. Try again later.".to_owned());
            return too_many(account_page(&state, &who, StatusCode::OK, None, Some(error)), wait);
        }
        Ok(None) => {}
        Err(e) => return internal(e),
    }
    let hash = who.user.password_hash.clone();
    let current = form.current.clone();
    let right = tokio::task::spawn_blocking(move || verify_password(&current, Some(&hash))).await.unwrap_or(false);
    if !right {
        if let Err(e) = record_failure(&state, &account, &address, now).await {
            return internal(e);
        }
        let error = ("current", "Your current password is not right.".to_owned());
        return account_page(&state, &who, StatusCode::UNPROCESSABLE_ENTITY, None, Some(error));
    }
    if form.new != form.repeat {
        let error = ("repeat", "The two new passwords are not the same.".to_owned());
        return account_page(&state, &who, StatusCode::UNPROCESSABLE_ENTITY, None, Some(error));
    }
    if let Err(e) = check_password(&form.new) {
        return account_page(&state, &who, StatusCode::UNPROCESSABLE_ENTITY, None, Some(("new", e)));
    }
    let new = form.new.clone();
    let hash = match tokio::task::spawn_blocking(move || hash_password(&new)).await {
        Ok(Ok(h)) => h,
        Ok(Err(e)) => return internal(e),
        Err(e) => return internal(e),
    };
    let store = state.store();
    if let Err(e) = store.set_password_hash(who.user.id, &hash, now).await {
        return internal(e);
    }
    if let Err(e) = store.delete_user_sessions(who.user.id).await {
        return internal(e);
    }
    let cookie = match start_session(&state, &headers, &who.user).await {
        Ok(c) => c,
        Err(e) => return internal(e),
    };
    tracing::info!(user = %who.user.name, "password changed");
    // The page is drawn with the new session's token.
    let renewed = match find_renewed(&state, &cookie).await {
        Some(s) => s,
        None => who,
    };
    let notice = Some("Your password was changed. You were signed out everywhere else.");
    with_cookie(account_page(&state, &renewed, StatusCode::OK, notice, None), cookie)
}

/// The session a `Set-Cookie` value starts (to draw the page with its token).
async fn find_renewed(state: &AppState, cookie: &axum::http::HeaderValue) -> Option<Signed> {
    let value = cookie.to_str().ok()?.split(';').next()?.to_owned();
    let mut headers = axum::http::HeaderMap::new();
    headers.insert(axum::http::header::COOKIE, axum::http::HeaderValue::from_str(&value).ok()?);
    match super::session::find_session(state, &headers).await.ok()? {
        super::session::Found::Signed(s) => Some(*s),
        _ => None,
    }
}
