//! The newsroom: where writers, editors and admins sign in, write, edit,
//! schedule and publish articles, and admins manage users and API tokens.
//! Server-rendered pages under `/admin` that work without JavaScript.
//!
//! - [`accounts`]: user names, passwords (Argon2id), random secrets;
//! - [`session`]: session cookies, the signed-in user, CSRF and origin
//!   checks, sign-in throttling;
//! - [`permissions`]: who may do what, in one table;
//! - `login`, `articles` (the list and the editor, with `form`), `history`
//!   (revisions: list, compare with `diff`, restore), `pictures` (a picture
//!   uploaded from the editor), `users`, `tokens`, `account`: the handlers;
//! - `pages`: the layout every newsroom page shares.
//!
//! Every newsroom response is `Cache-Control: no-store` and never enters
//! the reader pages' cache; every article write goes through
//! [`content::Articles`], the one write path.

mod account;
pub mod accounts;
mod articles;
mod diff;
mod form;
mod history;
mod login;
mod pages;
pub mod permissions;
mod pictures;
pub mod session;
mod tokens;
mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;
pub use pictures::{UPLOAD_LIMIT, is_upload_path};

/// The largest newsroom form accepted: an article body of up to 1 MB, as
/// the API takes, may grow threefold when a browser form-encodes it.
pub const FORM_LIMIT: usize = 4 * 1024 * 1024;

/// Sessions and sign-in throttling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewsroomConfig {
    /// Seconds a session may go unused before it ends (8 hours: a working day).
    pub session_idle: i64,
    /// Seconds a session lasts at most after sign-in (7 days).
    pub session_absolute: i64,
    /// Failed sign-ins for one account name within the window before
    /// further tries are refused (429) until the oldest leaves the window.
    pub account_failures: usize,
    /// Failed sign-ins from one client address (IPv6: one /64) within the
    /// window, any accounts, before further tries are refused.
    pub address_failures: usize,
    /// The window, in seconds (15 minutes).
    pub failure_window: i64,
}

impl Default for NewsroomConfig {
    fn default() -> Self {
        NewsroomConfig {
            session_idle: 8 * 3600,
            session_absolute: 7 * 24 * 3600,
            account_failures: 10,
            address_failures: 50,
            failure_window: 15 * 60,
        }
    }
}

/// The newsroom's routes: everything under `/admin` (an unknown address
/// there gets the newsroom's own 404), and its stylesheet.
pub fn routes() -> Router<AppState> {
    let admin = Router::new()
        .route("/", get(articles::list))
        .route("/login", get(login::form).post(login::sign_in))
        .route("/logout", post(login::sign_out))
        .route("/articles/new", get(articles::new_form).post(articles::create))
        .route("/articles/{slug}", get(articles::edit_form).post(articles::save))
        .route("/articles/new/picture", post(pictures::upload_new).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
        .route("/articles/{slug}/picture", post(pictures::upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
        .route("/articles/{slug}/delete", get(articles::confirm_delete).post(articles::delete))
        .route("/articles/new/preview", post(articles::preview_new))
        .route("/articles/{slug}/preview", get(articles::preview_saved).post(articles::preview_changes))
        .route("/articles/{slug}/history", get(history::list))
        .route("/articles/{slug}/history/{number}", get(history::show))
        .route("/articles/{slug}/history/{number}/restore", post(history::restore))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{name}/role", post(users::set_role))
        .route("/users/{name}/disable", post(users::disable))
        .route("/users/{name}/enable", post(users::enable))
        .route("/users/{name}/password", post(users::reset_password))
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route("/tokens/revoke", post(tokens::revoke))
        .route("/account", get(account::page).post(account::change_password))
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        // Nothing of the newsroom is kept by a browser or a proxy, or indexed.
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static("noindex, nofollow"),
        ));
    Router::new()
        .nest("/admin", admin)
        .route("/admin/", get(|| async { pages::redirect("/admin") }))
        .route("/static/admin.css", get(pages::stylesheet))
}
