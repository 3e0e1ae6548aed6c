//! Signing in and staying signed in: session cookies, the signed-in user
//! of a request ([`Signed`]), forms that change something ([`Posted`]:
//! checked against cross-site request forgery), and sign-in throttling.
//!
//! - The cookie holds a random 256-bit session id; the database keeps only
//!   its SHA-256 (a copy of the database signs nobody in). It is
//!   `HttpOnly`, `SameSite=Lax`, and `Secure` (with the `__Host-` prefix)
//!   when the public URL is https. A session ends after
//!   [`NewsroomConfig::session_idle`] without use, and
//!   [`NewsroomConfig::session_absolute`] after sign-in in any case.
//! - Every form carries its session's CSRF token, compared in constant
//!   time; a request whose `Origin` (or, without one, `Referer`) is another
//!   site's, or whose `Sec-Fetch-Site` says cross-site, is refused too. The
//!   sign-in form, before any session, carries a token that must match a
//!   cookie of its own (double submit).
//! - Failed sign-ins are counted per account name and per client address
//!   (IPv6: per /64) in the database ([`store::ThrottleStore`]), so that all
//!   instances of the site count together.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use store::{Session, User};
use subtle::ConstantTimeEq;

use super::pages::{internal, message_page, redirect};
use super::permissions::Actor;
use super::{NewsroomConfig, accounts};
use crate::{AppState, now};

/// The session cookie's name: `__Host-` prefixed (Secure, whole site,
/// this host only) when the site is https.
pub fn session_cookie(state: &AppState) -> &'static str {
    if state.site().public_url.is_https() { "__Host-nd_session" } else { "nd_session" }
}

/// The sign-in form's own cookie (double-submit token).
pub fn login_cookie(state: &AppState) -> &'static str {
    if state.site().public_url.is_https() { "__Host-nd_login" } else { "nd_login" }
}

/// A cookie's value in the request's `Cookie` headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then_some(v.trim())
    })
}

/// A `Set-Cookie` value: `value` for `max_age` seconds (0: remove it).
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64, same_site: &str) -> HeaderValue {
    let secure = if state.site().public_url.is_https() { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite={same_site}{secure}");
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("nd_invalid=; Max-Age=0"))
}

/// A signed-in user, with their session.
#[derive(Clone, Debug)]
pub struct Signed {
    /// Who.
    pub user: User,
    /// Their session (its CSRF token goes into every form).
    pub session: Session,
}

impl Signed {
    /// Who asks, for the permission table.
    pub fn actor(&self) -> Actor {
        Actor { id: self.user.id, role: self.user.role }
    }

    /// Who writes, for the article's revision and the log.
    pub fn by(&self) -> content::WrittenBy {
        content::WrittenBy::user(self.user.id, &self.user.display_name)
    }
}

/// What the request's session cookie shows.
pub enum Found {
    /// No session cookie, or one no session has.
    Nobody,
    /// A session that expired (it is removed now).
    Ended,
    /// A live session.
    Signed(Box<Signed>),
}

/// The session of a request, checked for expiry and a disabled user.
pub async fn find_session(state: &AppState, headers: &HeaderMap) -> store::Result<Found> {
    let Some(id) = cookie(headers, session_cookie(state)).filter(|v| !v.is_empty() && v.len() <= 128) else {
        return Ok(Found::Nobody);
    };
    let id_hash = crate::api::token_hash(id);
    let Some((session, user)) = state.store().session_with_user(&id_hash).await? else { return Ok(Found::Nobody) };
    let config = &state.site().newsroom;
    let now = now();
    if user.disabled
        || now - session.last_seen > config.session_idle
        || now - session.created_at > config.session_absolute
    {
        state.store().delete_session(&id_hash).await?;
        return Ok(Found::Ended);
    }
    // Marking it used costs a write: at most once a minute.
    if now - session.last_seen >= 60 {
        state.store().touch_session(&id_hash, now).await?;
    }
    Ok(Found::Signed(Box::new(Signed { user, session })))
}

/// Where someone not signed in is sent: the sign-in page, and back to
/// `back` afterwards.
pub fn to_sign_in(back: &str, ended: bool) -> Response {
    let mut query = vec![("next", back)];
    if ended {
        query.push(("ended", "1"));
    }
    let query = serde_urlencoded::to_string(query).unwrap_or_default();
    redirect(&format!("/admin/login?{query}"))
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Signed, Response> {
        // Back to the page asked for; after a form (POST), to the page it
        // was on when that is a page, else the newsroom's front.
        // (The newsroom's router is nested under /admin: the address as
        // sent is the original one.)
        let uri = parts.extensions.get::<axum::extract::OriginalUri>().map_or(&parts.uri, |o| &o.0);
        let back = if parts.method == axum::http::Method::GET {
            uri.path_and_query().map(|p| p.as_str()).unwrap_or("/admin").to_owned()
        } else {
            "/admin".to_owned()
        };
        match find_session(state, &parts.headers).await {
            Ok(Found::Signed(s)) => Ok(*s),
            Ok(Found::Nobody) => Err(to_sign_in(&back, false)),
            Ok(Found::Ended) => Err(to_sign_in(&back, true)),
            Err(e) => Err(internal(e)),
        }
    }
}

/// The origin (`scheme://host[:port]`, as [`crate::PublicUrl`] writes it)
/// of an `Origin` or `Referer` header's value.
fn origin_of(url: &str) -> Option<(crate::PublicUrl, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some((crate::PublicUrl::parse(&format!("{scheme}://{authority}")).ok()?, authority))
}

/// Whether a state-changing request comes from the site's own pages: its
/// `Origin` (or, without one, its `Referer`) is the public URL's origin
/// (or, with no public URL configured, names the host the request was sent
/// to), and `Sec-Fetch-Site`, when sent, is not cross-site. A request with
/// neither header (not a browser's) relies on its token alone.
pub fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.to_str(), Ok("same-origin" | "none"))
    {
        return false;
    }
    let Some(from) = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)) else { return true };
    let Some((from, authority)) = from.to_str().ok().and_then(origin_of) else { return false };
    let public = &state.site().public_url;
    if public.is_configured() {
        return from.origin() == public.origin();
    }
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| authority.eq_ignore_ascii_case(host.trim()))
}

/// The answer to a forged or stale form: 403, and nothing changed.
pub fn forbidden_form(state: &AppState) -> Response {
    message_page(
        state,
        None,
        StatusCode::FORBIDDEN,
        "This form cannot be accepted",
        "It did not come from this site's newsroom, or it is out of date. Nothing was changed. \
         Go back, reload the page, and try again.",
    )
}

/// Whether two secrets are equal, in constant time.
pub fn secrets_match(a: &str, b: &str) -> bool {
    !a.is_empty() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[derive(serde::Deserialize, Default)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// A form that changes something, from a signed-in user, checked against
/// cross-site request forgery: the session's token in the form, and the
/// site's own origin (403 otherwise, and nothing is changed).
pub struct Posted<T> {
    /// Who sent it.
    pub who: Signed,
    /// The form's fields.
    pub form: T,
}

/// The form's body, as sent (after the checks).
pub async fn form_bytes(req: Request, state: &AppState) -> Result<Bytes, Response> {
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            message_page(
                state,
                None,
                StatusCode::PAYLOAD_TOO_LARGE,
                "Too large",
                "The form is larger than the newsroom accepts (4 MiB). Nothing was changed.",
            )
        } else {
            message_page(state, None, StatusCode::BAD_REQUEST, "Bad request", "The form could not be read.")
        }
    })
}

impl<T: serde::de::DeserializeOwned + Send> FromRequest<AppState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Posted<T>, Response> {
        let (mut parts, body) = req.into_parts();
        let who = Signed::from_request_parts(&mut parts, state).await?;
        if !same_origin(state, &parts.headers) {
            tracing::warn!(user = %who.user.name, path = %parts.uri.path(), "newsroom form from another origin refused");
            return Err(forbidden_form(state));
        }
        let bytes = form_bytes(Request::from_parts(parts, body), state).await?;
        let token: CsrfField = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        if !secrets_match(&token.csrf, &who.session.csrf) {
            tracing::warn!(user = %who.user.name, "newsroom form without its session's token refused");
            return Err(forbidden_form(state));
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            message_page(
                state,
                Some(&who),
                StatusCode::BAD_REQUEST,
                "Bad request",
                &format!("The form could not be read: {e}."),
            )
        })?;
        Ok(Posted { who, form })
    }
}

/// The client's address, as the throttle counts it: the client the rate
/// limits see ([`crate::limits::client_of`]: the address in the configured
/// proxy header, else the peer; an IPv6 address by its /64 network, which
/// one host often holds whole).
pub fn client_key(state: &AppState, parts: &axum::http::request::Parts) -> String {
    format!("addr:{}", crate::limits::client_of(parts, state.inner.limits.client_ip_header.as_ref()))
}

/// The throttle's key for an account name (whether or not it exists).
pub fn account_key(name: &str) -> String {
    let name: String = name.trim().to_lowercase().chars().take(64).collect();
    format!("user:{name}")
}

/// Seconds until another sign-in may be tried, when either key has had
/// its limit of failures within the window.
pub async fn retry_after(state: &AppState, account: &str, address: &str, now: i64) -> store::Result<Option<i64>> {
    let c = &state.site().newsroom;
    let mut wait = None;
    for (key, limit) in [(account, c.account_failures), (address, c.address_failures)] {
        let times = state.store().failures_since(key, now - c.failure_window + 1).await?;
        if limit > 0 && times.len() >= limit {
            // When the oldest failure that still counts leaves the window.
            let until = times[times.len() - limit] + c.failure_window;
            wait = wait.max(Some((until - now).max(1)));
        }
    }
    Ok(wait)
}

/// Counts a failed sign-in against both keys.
pub async fn record_failure(state: &AppState, account: &str, address: &str, now: i64) -> store::Result<()> {
    let window = state.site().newsroom.failure_window;
    state.store().record_failure(&[account, address], now, now - window).await
}

/// Starts a session for `user`: a new id (whatever session the browser had
/// is ended: the id changes at sign-in), and the cookie that carries it.
pub async fn start_session(state: &AppState, headers: &HeaderMap, user: &User) -> store::Result<HeaderValue> {
    let now = now();
    let config: &NewsroomConfig = &state.site().newsroom;
    if let Some(old) = cookie(headers, session_cookie(state)) {
        state.store().delete_session(&crate::api::token_hash(old)).await?;
    }
    let removed =
        state.store().delete_expired_sessions(now - config.session_idle, now - config.session_absolute).await?;
    if removed > 0 {
        tracing::debug!(removed, "expired sessions removed");
    }
    let id = accounts::random_hex(32);
    let session = Session {
        id_hash: crate::api::token_hash(&id),
        user_id: user.id,
        csrf: accounts::random_hex(32),
        created_at: now,
        last_seen: now,
    };
    state.store().create_session(&session).await?;
    Ok(set_cookie(state, session_cookie(state), &id, config.session_absolute, "Lax"))
}

/// Ends the request's session (signing out) and gives the cookie that
/// removes it from the browser.
pub async fn end_session(state: &AppState, headers: &HeaderMap) -> store::Result<HeaderValue> {
    if let Some(id) = cookie(headers, session_cookie(state)) {
        state.store().delete_session(&crate::api::token_hash(id)).await?;
    }
    Ok(set_cookie(state, session_cookie(state), "", 0, "Lax"))
}

/// Adds a `Set-Cookie` header to a response.
pub fn with_cookie(mut res: Response, cookie: HeaderValue) -> Response {
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res
}

/// A local path to go back to after signing in: it starts with one `/`
/// (not `//` or `/\`, which browsers read as another host), and holds no
/// backslash, space or control character; anything else means `/admin`.
pub fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && p.len() <= 2000
                && !p.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control()) =>
        {
            p
        }
        _ => "/admin",
    }
}

/// A 429 with `Retry-After`.
pub fn too_many(mut res: Response, seconds: i64) -> Response {
    *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use axum::extract::ConnectInfo;

    use super::*;

    #[test]
    fn only_local_paths_are_gone_back_to() {
        assert_eq!(local_path(Some("/admin/articles/a?x=1")), "/admin/articles/a?x=1");
        assert_eq!(local_path(Some("/")), "/");
        for bad in ["https://evil.example", "//evil.example", "/\\evil.example", "/a b", "admin", "", "/a\\b", "/\t/x"]
        {
            assert_eq!(local_path(Some(bad)), "/admin", "{bad}");
        }
        assert_eq!(local_path(None), "/admin");
    }

    #[test]
    fn cookies_are_read_by_name() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; nd_session=abc ; b=2"));
        h.append(header::COOKIE, HeaderValue::from_static("c=3"));
        assert_eq!(cookie(&h, "nd_session"), Some("abc"));
        assert_eq!(cookie(&h, "c"), Some("3"));
        assert_eq!(cookie(&h, "session"), None);
    }

    #[tokio::test]
    async fn addresses_are_keyed_by_host_or_network() {
        let state = AppState::new(
            std::sync::Arc::new(store::SqliteStore::open(":memory:").await.unwrap()),
            std::sync::Arc::new(summarize::Summarizer::new()),
            crate::SiteConfig::default(),
        );
        let (mut parts, ()) = axum::http::Request::new(()).into_parts();
        assert_eq!(client_key(&state, &parts), "addr:0.0.0.0", "in-process: one client");
        parts.extensions.insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 7], 5000))));
        assert_eq!(client_key(&state, &parts), "addr:192.0.2.7");
        parts.extensions.insert(ConnectInfo("[2001:db8:1:2:3:4:5:6]:80".parse::<SocketAddr>().unwrap()));
        assert_eq!(client_key(&state, &parts), "addr:2001:db8:1:2::");
        assert_eq!(account_key(" Ann "), "user:ann");
    }
}
