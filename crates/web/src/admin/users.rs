//! Users, for admins: create (a password is made and shown once), list,
//! change role, disable and enable, reset the password.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use store::{Role, StoreError, User};

use super::accounts::{generate_password, hash_password, new_user};
use super::login::Empty;
use super::pages::{Chrome, Done, done, forbidden, internal, local_time, message_page, redirect, render};
use super::permissions::{Action, allowed};
use super::session::{Posted, Signed};
use crate::{AppState, now};

pub struct UserRow {
    pub name: String,
    pub display_name: String,
    pub email: String,
    pub disabled: bool,
    pub created: String,
    pub me: bool,
    /// Every role, with whether it is this user's.
    pub roles: Vec<(&'static str, bool)>,
}

#[derive(Default)]
pub struct NewUserView {
    pub name: String,
    pub display_name: String,
    pub email: String,
    pub role: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    /// Every role, with whether the new-user form has it chosen.
    roles: Vec<(&'static str, bool)>,
    notice: Option<&'static str>,
    error: Option<String>,
    /// A new password, shown this once: (user name, password, what happened).
    shown: Option<(String, String, &'static str)>,
    new: NewUserView,
}

/// The roles, least powerful first, with `chosen` marked.
fn role_choices(chosen: &str) -> Vec<(&'static str, bool)> {
    Role::ALL.iter().rev().map(|r| (r.as_str(), r.as_str() == chosen)).collect()
}

fn refuse(state: &AppState, who: &Signed) -> Option<Response> {
    (!allowed(who.actor(), Action::ManageUsers, None)).then(|| forbidden(state, who, "Only admins manage users."))
}

async fn users_page(
    state: &AppState,
    who: &Signed,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<String>,
    shown: Option<(String, String, &'static str)>,
    new: NewUserView,
) -> Response {
    let users = match state.store().users().await {
        Ok(u) => u,
        Err(e) => return internal(e),
    };
    let tz = state.site().timezone;
    let page = UsersPage {
        chrome: Chrome::new(state, Some(who), "users"),
        users: users
            .into_iter()
            .map(|u| UserRow {
                roles: role_choices(u.role.as_str()),
                me: u.id == who.user.id,
                name: u.name,
                display_name: u.display_name,
                email: u.email.unwrap_or_default(),
                disabled: u.disabled,
                created: local_time(tz, u.created_at),
            })
            .collect(),
        roles: role_choices(if new.role.is_empty() { "writer" } else { new.role.as_str() }),
        notice,
        error,
        shown,
        new,
    };
    render(status, &page)
}

/// `GET /admin/users`.
pub async fn list(State(state): State<AppState>, who: Signed, params: Done) -> Response {
    if let Some(res) = refuse(&state, &who) {
        return res;
    }
    let notice = match done(params).as_deref() {
        Some("role") => Some("The role was changed."),
        Some("disabled") => Some("The user was disabled and signed out everywhere."),
        Some("enabled") => Some("The user can sign in again."),
        _ => None,
    };
    users_page(&state, &who, StatusCode::OK, notice, None, None, NewUserView::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewUserForm {
    name: String,
    display_name: String,
    email: String,
    role: String,
}

/// `POST /admin/users`: creates a user with a new password, shown once.
pub async fn create(State(state): State<AppState>, posted: Posted<NewUserForm>) -> Response {
    let Posted { who, form } = posted;
    if let Some(res) = refuse(&state, &who) {
        return res;
    }
    let view = NewUserView {
        name: form.name.clone(),
        display_name: form.display_name.clone(),
        email: form.email.clone(),
        role: form.role.clone(),
    };
    let Some(role) = Role::parse(&form.role) else {
        let error = Some("Choose a role: writer, editor or admin.".to_owned());
        return users_page(&state, &who, StatusCode::UNPROCESSABLE_ENTITY, None, error, None, view).await;
    };
    let password = generate_password();
    let made = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || new_user(&form.name, &form.display_name, &form.email, role, &password))
            .await
            .unwrap_or_else(|e| Err(e.to_string()))
    };
    let new = match made {
        Ok(new) => new,
        Err(e) => return users_page(&state, &who, StatusCode::UNPROCESSABLE_ENTITY, None, Some(e), None, view).await,
    };
    match state.store().create_user(&new, now()).await {
        Ok(user) => {
            tracing::info!(user = %user.name, role = %user.role, by = %who.user.name, "user created");
            let shown = Some((user.name, password, "created"));
            users_page(&state, &who, StatusCode::OK, None, None, shown, NewUserView::default()).await
        }
        Err(StoreError::Conflict(m)) => {
            users_page(&state, &who, StatusCode::UNPROCESSABLE_ENTITY, None, Some(m), None, view).await
        }
        Err(e) => internal(e),
    }
}

/// The user named in the address, for an admin.
async fn target(state: &AppState, who: &Signed, name: &str) -> Result<User, Response> {
    if let Some(res) = refuse(state, who) {
        return Err(res);
    }
    match state.store().user_by_name(name).await {
        Ok(Some(u)) => Ok(u),
        Ok(None) => Err(message_page(state, Some(who), StatusCode::NOT_FOUND, "Not found", "There is no such user.")),
        Err(e) => Err(internal(e)),
    }
}

/// A refused change, in the users page.
async fn refused(state: &AppState, who: &Signed, message: String) -> Response {
    users_page(state, who, StatusCode::CONFLICT, None, Some(message), None, NewUserView::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoleForm {
    role: String,
}

/// `POST /admin/users/{name}/role`.
pub async fn set_role(State(state): State<AppState>, Path(name): Path<String>, posted: Posted<RoleForm>) -> Response {
    let Posted { who, form } = posted;
    let user = match target(&state, &who, &name).await {
        Ok(u) => u,
        Err(res) => return res,
    };
    let Some(role) = Role::parse(&form.role) else {
        return refused(&state, &who, "Choose a role: writer, editor or admin.".into()).await;
    };
    match state.store().set_role(user.id, role, now()).await {
        Ok(()) => {
            tracing::info!(user = %user.name, %role, by = %who.user.name, "role changed");
            redirect("/admin/users?done=role")
        }
        Err(StoreError::Conflict(m)) => refused(&state, &who, m).await,
        Err(e) => internal(e),
    }
}

async fn set_disabled(state: AppState, name: String, posted: Posted<Empty>, disabled: bool) -> Response {
    let who = posted.who;
    let user = match target(&state, &who, &name).await {
        Ok(u) => u,
        Err(res) => return res,
    };
    if disabled && user.id == who.user.id {
        return refused(&state, &who, "You cannot disable your own account.".into()).await;
    }
    match state.store().set_disabled(user.id, disabled, now()).await {
        Ok(()) => {
            if disabled && let Err(e) = state.store().delete_user_sessions(user.id).await {
                return internal(e);
            }
            tracing::info!(user = %user.name, disabled, by = %who.user.name, "user disabled or enabled");
            redirect(if disabled { "/admin/users?done=disabled" } else { "/admin/users?done=enabled" })
        }
        Err(StoreError::Conflict(m)) => refused(&state, &who, m).await,
        Err(e) => internal(e),
    }
}

/// `POST /admin/users/{name}/disable`: they cannot sign in, and their
/// sessions end.
pub async fn disable(State(state): State<AppState>, Path(name): Path<String>, posted: Posted<Empty>) -> Response {
    set_disabled(state, name, posted, true).await
}

/// `POST /admin/users/{name}/enable`.
pub async fn enable(State(state): State<AppState>, Path(name): Path<String>, posted: Posted<Empty>) -> Response {
    set_disabled(state, name, posted, false).await
}

/// `POST /admin/users/{name}/password`: a new password, shown once; their
/// sessions end.
pub async fn reset_password(
    State(state): State<AppState>,
    Path(name): Path<String>,
    posted: Posted<Empty>,
) -> Response {
    let who = posted.who;
    let user = match target(&state, &who, &name).await {
        Ok(u) => u,
        Err(res) => return res,
    };
    let password = generate_password();
    let hashed = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || hash_password(&password)).await.unwrap_or_else(|e| Err(e.to_string()))
    };
    let hash = match hashed {
        Ok(h) => h,
        Err(e) => return internal(e),
    };
    if let Err(e) = state.store().set_password_hash(user.id, &hash, now()).await {
        return internal(e);
    }
    if let Err(e) = state.store().delete_user_sessions(user.id).await {
        return internal(e);
    }
    tracing::info!(user = %user.name, by = %who.user.name, "password reset");
    let shown = Some((user.name, password, "reset"));
    // Resetting one's own password ends this session too.
    if user.id == who.user.id {
        return message_page(
            &state,
            None,
            StatusCode::OK,
            "Your password was reset",
            &format!(
                "Your new password, shown only this once: {}. Sign in again with it.",
                shown.map(|s| s.1).unwrap_or_default()
            ),
        );
    }
    users_page(&state, &who, StatusCode::OK, None, None, shown, NewUserView::default()).await
}
