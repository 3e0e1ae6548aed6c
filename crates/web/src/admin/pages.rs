//! What every newsroom page shares: the layout (site name, navigation by
//! role, who is signed in, the sign-out form), responses, times in the
//! site's time zone, and the newsroom's stylesheet.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeZone as _};

use super::session::{Found, Signed, find_session};
use crate::AppState;

const STYLE: &str = include_str!("../../static/admin.css");

fn admin_css_version() -> &'static str {
    static V: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        use sha2::Digest;
        let d = sha2::Sha256::digest(STYLE);
        d[..6].iter().map(|b| format!("{b:02x}")).collect()
    });
    V.as_str()
}

/// The signed-in user, as the layout shows them.
pub struct UserChip {
    pub display_name: String,
    pub role: &'static str,
    pub admin: bool,
}

/// What the newsroom layout needs.
pub struct Chrome {
    pub site_name: String,
    pub asset_version: &'static str,
    pub admin_version: &'static str,
    pub user: Option<UserChip>,
    /// The session's CSRF token, for the sign-out form.
    pub csrf: String,
    /// Which navigation entry is the current page.
    pub current: &'static str,
}

impl Chrome {
    pub fn new(state: &AppState, who: Option<&Signed>, current: &'static str) -> Chrome {
        Chrome {
            site_name: state.site().name.clone(),
            asset_version: crate::pages::asset_version(),
            admin_version: admin_css_version(),
            user: who.map(|w| UserChip {
                display_name: w.user.display_name.clone(),
                role: w.user.role.as_str(),
                admin: w.user.role == store::Role::Admin,
            }),
            csrf: who.map(|w| w.session.csrf.clone()).unwrap_or_default(),
            current,
        }
    }
}

/// A rendered page with its status.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(body) => (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response(),
        Err(e) => internal(e),
    }
}

/// 303 See Other to a local path.
pub fn redirect(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// 500: the details go to the log.
pub fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "newsroom page failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!doctype html><html lang=\"en\"><title>Error</title><h1>Something went wrong</h1>\
         <p>The error was logged. <a href=\"/admin\">Back to the newsroom</a></p></html>",
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "admin/message.html")]
struct MessagePage<'a> {
    chrome: Chrome,
    title: &'a str,
    text: &'a str,
    alert: bool,
}

/// A page that says one thing (an error, a refusal), with the layout.
pub fn message_page(state: &AppState, who: Option<&Signed>, status: StatusCode, title: &str, text: &str) -> Response {
    let page = MessagePage { chrome: Chrome::new(state, who, ""), title, text, alert: !status.is_success() };
    render(status, &page)
}

/// 403: a signed-in user asked for something their role does not allow.
pub fn forbidden(state: &AppState, who: &Signed, why: &str) -> Response {
    message_page(state, Some(who), StatusCode::FORBIDDEN, "Not allowed", why)
}

/// The newsroom's 404.
pub async fn not_found(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let who = match find_session(&state, &headers).await {
        Ok(Found::Signed(s)) => Some(*s),
        _ => None,
    };
    message_page(&state, who.as_ref(), StatusCode::NOT_FOUND, "Not found", "There is no newsroom page at this address.")
}

/// `/static/admin.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        STYLE,
    )
        .into_response()
}

/// The `?done=` of a page reached after a form: which fixed message it shows.
#[derive(serde::Deserialize, Default)]
pub struct DoneParams {
    done: Option<String>,
}

/// A page's `?done=` (nothing when the query does not read).
pub type Done = Result<axum::extract::Query<DoneParams>, axum::extract::rejection::QueryRejection>;

/// What `?done=` says, if anything.
pub fn done(params: Done) -> Option<String> {
    params.ok().and_then(|q| q.0.done)
}

/// A time in the site's time zone, for people: `2026-01-31 09:00`.
pub fn local_time(tz: chrono_tz::Tz, t: i64) -> String {
    DateTime::from_timestamp(t, 0)
        .map(|d| d.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// A time for `<time datetime>`: UTC, RFC 3339.
pub fn iso(t: i64) -> String {
    DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string()).unwrap_or_default()
}

/// A time as a `datetime-local` field's value, in the site's time zone.
pub fn input_time(tz: chrono_tz::Tz, t: i64) -> String {
    DateTime::from_timestamp(t, 0)
        .map(|d| d.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// Reads a `datetime-local` value (or `YYYY-MM-DD HH:MM`) in the site's
/// time zone; in a repeated hour (clocks going back) the earlier is meant.
pub fn parse_input_time(tz: chrono_tz::Tz, text: &str) -> Result<i64, String> {
    let text = text.trim();
    let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(text, f).ok())
        .ok_or_else(|| format!("{text:?} is not a date and time such as 2026-09-04 08:30"))?;
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => Ok(t.timestamp()),
        chrono::LocalResult::Ambiguous(earlier, _) => Ok(earlier.timestamp()),
        chrono::LocalResult::None => Err(format!("{text} does not exist in {tz}: the clocks change then")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_the_site_time_zone() {
        let paris: chrono_tz::Tz = "Europe/Paris".parse().unwrap();
        // 2026-07-01 08:30 UTC is 10:30 in Paris (summer time).
        let t = 1_782_894_600;
        assert_eq!(local_time(paris, t), "2026-07-01 10:30");
        assert_eq!(input_time(paris, t), "2026-07-01T10:30");
        assert_eq!(parse_input_time(paris, "2026-07-01T10:30"), Ok(t));
        assert_eq!(parse_input_time(paris, "2026-07-01 10:30"), Ok(t));
        assert_eq!(parse_input_time(chrono_tz::UTC, "2026-07-01T08:30:00"), Ok(t));
        // 02:30 on the last Sunday of March does not exist in Paris.
        assert!(parse_input_time(paris, "2026-03-29T02:30").unwrap_err().contains("does not exist"));
        // 02:30 on the last Sunday of October happens twice: the first.
        let twice = parse_input_time(paris, "2026-10-25T02:30").unwrap();
        assert_eq!(local_time(chrono_tz::UTC, twice), "2026-10-25 00:30");
        assert!(parse_input_time(paris, "tomorrow").is_err());
    }
}
