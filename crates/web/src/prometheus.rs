//! Prometheus metrics: what the site is doing, for its operator.
//!
//! Off until [`install`] is called (`newsdesk serve --metrics-addr` or
//! `--metrics-token`): then the `metrics` crate's global recorder is the
//! Prometheus exporter's, and [`router`] serves `GET /metrics` in the text
//! format. Families (all prefixed `newsdesk_`):
//!
//! - `http_requests_total{method,route,status}` and
//!   `http_request_duration_seconds{method,route}` (histogram, to the
//!   response's head): by route pattern (`/articles/{slug}`, `unmatched`),
//!   never by address, so a reader cannot make new series.
//! - `page_cache_{hits,stale_hits,misses,renders,invalidated,evicted}_total`,
//!   `page_cache_entries`, `page_cache_bytes`, `page_cache_max_bytes`: the
//!   page cache's own counters ([`crate::CacheStats`]), read at each scrape.
//! - `summaries_computed_total{source}` and `summary_duration_seconds{source}`
//!   (histogram): `save` when an article's summaries are made (a write,
//!   an import, the start-up recomputation; by `content`), `api` for
//!   `POST /api/summarize`.
//! - `db_pool_connections{backend,state="idle"|"in_use"}`,
//!   `db_pool_max_connections{backend}`: the store's pool, at each scrape.
//! - `articles{status}`: articles by status (draft, submitted, scheduled,
//!   published), counted at each scrape (the newsroom list's totals: one
//!   index range each), at most once every 10 seconds.
//! - `scrape_errors_total`: scrapes whose database counts failed (the other
//!   families are still given).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics::{Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use subtle::ConstantTimeEq;

use crate::AppState;

/// Histogram buckets of durations, in seconds: 0.5 ms to 10 s.
const SECONDS_BUCKETS: [f64; 14] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// How long article counts are reused between scrapes.
const COUNTS_FOR: Duration = Duration::from_secs(10);

/// The installed exporter: renders the text a scrape gets.
#[derive(Clone)]
pub struct Metrics {
    handle: PrometheusHandle,
    counted: Arc<Mutex<Option<Instant>>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// Installs the Prometheus recorder as the process's (once: a second call
/// fails) and starts recording requests.
pub fn install() -> Result<Metrics, String> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &SECONDS_BUCKETS)
        .map_err(|e| e.to_string())?
        .install_recorder()
        .map_err(|e| format!("installing the metrics recorder: {e}"))?;
    describe();
    crate::observe::record_metrics();
    Ok(Metrics { handle, counted: Arc::new(Mutex::new(None)) })
}

impl Metrics {
    /// Keeps the histograms' sample buffers small between scrapes (every
    /// 5 seconds); runs until the task is dropped.
    pub async fn upkeep(self) {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            self.handle.run_upkeep();
        }
    }

    /// The text of a scrape, after reading the cache, the pool and the
    /// article counts.
    pub async fn render(&self, state: &AppState) -> String {
        gauges(state);
        let due = {
            let mut counted = self.counted.lock().unwrap_or_else(PoisonError::into_inner);
            let due = counted.is_none_or(|t| t.elapsed() >= COUNTS_FOR);
            if due {
                *counted = Some(Instant::now());
            }
            due
        };
        if due && let Err(e) = article_counts(state).await {
            tracing::warn!(error = %e, "metrics: counting articles failed");
            counter!("newsdesk_scrape_errors_total").increment(1);
        }
        self.handle.run_upkeep();
        self.handle.render()
    }
}

fn describe() {
    describe_counter!("newsdesk_http_requests_total", "HTTP requests answered, by method, route pattern and status.");
    describe_histogram!(
        "newsdesk_http_request_duration_seconds",
        Unit::Seconds,
        "Time to the response's head, by method and route pattern."
    );
    for (name, what) in [
        ("hits", "requests served a fresh cached page"),
        ("stale_hits", "requests served a stale page while it was rendered again"),
        ("misses", "requests that waited for a render"),
        ("renders", "renders started"),
        ("invalidated", "entries made stale by writes and scheduled articles"),
        ("evicted", "entries dropped to stay under the size limit"),
    ] {
        describe_counter!(format!("newsdesk_page_cache_{name}_total"), format!("Page cache: {what}."));
    }
    describe_gauge!("newsdesk_page_cache_entries", "Page cache: entries kept.");
    describe_gauge!("newsdesk_page_cache_bytes", Unit::Bytes, "Page cache: bytes kept.");
    describe_gauge!("newsdesk_page_cache_max_bytes", Unit::Bytes, "Page cache: the size limit.");
    describe_counter!(
        "newsdesk_summaries_computed_total",
        "Summaries computed: source=save (an article's, when saved), source=api (POST /api/summarize)."
    );
    describe_histogram!("newsdesk_summary_duration_seconds", Unit::Seconds, "Time to compute summaries, by source.");
    describe_gauge!("newsdesk_db_pool_connections", "Database connections open, by state (idle, in_use).");
    describe_gauge!("newsdesk_db_pool_max_connections", "The most database connections the pool may open.");
    describe_gauge!("newsdesk_articles", "Articles by status.");
    describe_counter!("newsdesk_scrape_errors_total", "Scrapes whose database counts failed.");
}

/// Counts a request (see [`crate::observe`]).
pub(crate) fn request(method: &Method, route: &str, status: u16, took: Duration) {
    let method = method_label(method);
    counter!("newsdesk_http_requests_total", "method" => method, "route" => route.to_owned(), "status" => status.to_string())
        .increment(1);
    histogram!("newsdesk_http_request_duration_seconds", "method" => method, "route" => route.to_owned())
        .record(took.as_secs_f64());
}

/// A method's label: the standard ones by name, any other as `other` (a
/// client chooses the method, and must not make new series).
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts summaries computed for `POST /api/summarize`.
pub(crate) fn api_summary(took: Duration) {
    if crate::observe::metrics_on() {
        counter!("newsdesk_summaries_computed_total", "source" => "api").increment(1);
        histogram!("newsdesk_summary_duration_seconds", "source" => "api").record(took.as_secs_f64());
    }
}

/// The page cache's counters and the pool's use, now.
fn gauges(state: &AppState) {
    let c = state.cache_stats();
    for (name, value) in [
        ("newsdesk_page_cache_hits_total", c.hits),
        ("newsdesk_page_cache_stale_hits_total", c.stale_hits),
        ("newsdesk_page_cache_misses_total", c.misses),
        ("newsdesk_page_cache_renders_total", c.renders),
        ("newsdesk_page_cache_invalidated_total", c.invalidated),
        ("newsdesk_page_cache_evicted_total", c.evicted),
    ] {
        counter!(name).absolute(value);
    }
    gauge!("newsdesk_page_cache_entries").set(c.entries as f64);
    gauge!("newsdesk_page_cache_bytes").set(c.bytes as f64);
    gauge!("newsdesk_page_cache_max_bytes").set(c.max_bytes as f64);
    let store = state.store();
    let backend = store.kind().name();
    let pool = store.pool_use();
    gauge!("newsdesk_db_pool_connections", "backend" => backend, "state" => "idle").set(f64::from(pool.idle));
    gauge!("newsdesk_db_pool_connections", "backend" => backend, "state" => "in_use")
        .set(f64::from(pool.open.saturating_sub(pool.idle)));
    gauge!("newsdesk_db_pool_max_connections", "backend" => backend).set(f64::from(pool.max));
}

/// Articles by status, from the newsroom list's totals.
async fn article_counts(state: &AppState) -> Result<(), String> {
    use store::Status;
    for status in [Status::Draft, Status::Submitted, Status::Scheduled, Status::Published] {
        let query = store::DeskQuery { status: Some(status), page: 1, per_page: 1, ..Default::default() };
        let page = tokio::time::timeout(Duration::from_secs(5), state.store().desk_articles(&query))
            .await
            .map_err(|_| "the database took more than 5 s".to_owned())?
            .map_err(|e| e.to_string())?;
        gauge!("newsdesk_articles", "status" => status.as_str()).set(page.total as f64);
    }
    Ok(())
}

/// What serves `GET /metrics`: the exporter, and the token a scrape must
/// bring (`Authorization: Bearer TOKEN`), if any.
#[derive(Clone)]
struct Scrape {
    state: AppState,
    metrics: Metrics,
    token: Option<Arc<str>>,
}

/// `GET /metrics` (alone: for its own listener, or merged into the site's
/// router when a token guards it).
pub fn router(state: AppState, metrics: Metrics, token: Option<String>) -> Router {
    let scrape = Scrape { state, metrics, token: token.map(Arc::from) };
    Router::new().route("/metrics", axum::routing::get(scrape_handler)).with_state(scrape)
}

async fn scrape_handler(State(s): State<Scrape>, headers: HeaderMap) -> Response {
    if let Some(token) = &s.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or("");
        if !bool::from(given.as_bytes().ct_eq(token.as_bytes())) {
            let mut res = (
                StatusCode::UNAUTHORIZED,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "metrics need the metrics token: Authorization: Bearer TOKEN\n",
            )
                .into_response();
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return res;
        }
    }
    let text = s.metrics.render(&s.state).await;
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
        text,
    )
        .into_response()
}
