//! Newsdesk over HTTP: server-rendered pages and the JSON API.
//!
//! [`app`] builds the whole router around an [`AppState`]: a [`Store`] (any
//! backend), one shared [`Summarizer`], and a cache of rendered pages. Pages
//! are askama templates rendered on the server; the article page carries the
//! summaries computed when the article was saved, so a reader's request never
//! runs the summarizer. The API is described by an OpenAPI document generated
//! from the handlers ([`api::ApiDoc`]) and served at `/api/openapi.json`.
//! The newsroom ([`admin`], under `/admin`) is where users sign in to write,
//! edit and publish.

#![forbid(unsafe_code)]

pub mod admin;
pub mod api;
mod background;
mod briefing;
mod cache;
mod error;
mod feeds;
mod health;
mod instances;
pub mod limits;
mod observe;
mod pages;
pub mod pictures;
mod preview;
pub mod prometheus;
mod public_url;
mod related;
mod search;
pub mod server;
mod sitemap;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use content::Articles;
use store::Store;
use summarize::Summarizer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use admin::NewsroomConfig;
pub use cache::{CacheConfig, CacheStats, Dep};
pub use error::ApiError;
pub use limits::Limits;
pub use observe::{REQUEST_ID, RequestId};
pub use prometheus::Metrics;
pub use public_url::PublicUrl;

/// The largest request body accepted (1 MiB); larger ones get 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The Content-Security-Policy of every response. Images may come from any
/// `http:` or `https:` address, as article lead images and body images may
/// (browsers upgrade `http:` images on an `https:` page themselves).
pub const CSP: &str = "default-src 'self'; img-src 'self' https: http: data:; style-src 'self'; script-src 'self'; \
                       object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Site settings.
#[derive(Clone, Debug)]
pub struct SiteConfig {
    /// The site's name, shown in the header and titles.
    pub name: String,
    /// The site's public address: the base of absolute links.
    pub public_url: PublicUrl,
    /// The time zone newsroom times are shown and entered in (stored in UTC).
    pub timezone: chrono_tz::Tz,
    /// Sessions and sign-in throttling.
    pub newsroom: NewsroomConfig,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            name: "Newsdesk".to_owned(),
            public_url: PublicUrl::default(),
            timezone: chrono_tz::UTC,
            newsroom: NewsroomConfig::default(),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    articles: Articles,
    site: SiteConfig,
    cache: Arc<cache::PageCache>,
    nav: pages::NavCache,
    limits: Limits,
    background: Option<tokio::runtime::Handle>,
    expensive: limits::Expensive,
    searches: limits::Expensive,
}

/// How the server keeps and limits things (defaults: [`Options::default`]).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The site's settings.
    pub site: SiteConfig,
    /// The shared cache of pages and public API reads.
    pub cache: CacheConfig,
    /// Request limits.
    pub limits: Limits,
    /// A runtime for the work that waits on the database step after step
    /// (cache renders, and every request but `GET` and `HEAD`: the writes),
    /// off the runtimes that serve connections (`newsdesk serve` gives its
    /// main, multi-threaded one). `None`: that work runs where its request
    /// does.
    pub background: Option<tokio::runtime::Handle>,
}

impl AppState {
    /// State around a store and a summarizer, with the default options.
    /// Every article write goes through [`AppState::articles`], which tells
    /// the page cache.
    pub fn new(store: Arc<dyn Store>, summarizer: Arc<Summarizer>, site: SiteConfig) -> AppState {
        AppState::with_options(store, summarizer, Options { site, ..Options::default() })
    }

    /// State around a store and a summarizer, with these options.
    pub fn with_options(store: Arc<dyn Store>, summarizer: Arc<Summarizer>, options: Options) -> AppState {
        let cache = Arc::new(cache::PageCache::new(options.cache, options.background.clone()));
        let articles = Articles::new(store, summarizer, cache.clone());
        let expensive = limits::Expensive::new(&options.limits);
        let searches = limits::Expensive::search(&options.limits);
        AppState {
            inner: Arc::new(Inner {
                articles,
                site: options.site,
                cache,
                nav: Default::default(),
                limits: options.limits,
                background: options.background,
                expensive,
                searches,
            }),
        }
    }

    /// The store (for reads; writes go through [`AppState::articles`]).
    pub fn store(&self) -> &dyn Store {
        self.inner.articles.store().as_ref()
    }

    /// The summarizer.
    pub fn summarizer(&self) -> &Arc<Summarizer> {
        self.inner.articles.summarizer()
    }

    /// The one write path for articles (the rules are `content`'s).
    pub fn articles(&self) -> &Articles {
        &self.inner.articles
    }

    /// The rate limit and slots of the expensive anonymous endpoints.
    pub fn expensive(&self) -> &limits::Expensive {
        &self.inner.expensive
    }

    /// The rate limit and slots of search (`/search`, `GET /api/search`).
    pub fn searches(&self) -> &limits::Expensive {
        &self.inner.searches
    }

    /// The site's settings.
    pub fn site(&self) -> &SiteConfig {
        &self.inner.site
    }
}

/// The current time, Unix seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The whole application: pages, static files, API, security headers, the
/// request limits (`limits`): body size (announced bodies over the limit
/// are refused before they are read) and body time, and what the operator
/// sees of each request (`observe`: its id, its log line, its metrics).
/// Writes run on the background runtime, when there is one ([`Options::background`]).
pub fn app(state: AppState) -> Router {
    app_with(state, None)
}

/// [`app`] with more routes beside the site's, behind the same layers
/// (`GET /metrics` behind a token: [`prometheus::router`]).
pub fn app_with(state: AppState, extra: Option<Router>) -> Router {
    let body_timeout = state.inner.limits.body_timeout;
    let background = background::Background(state.inner.background.clone());
    let routes = Router::new()
        .merge(pages::routes())
        .route("/healthz", axum::routing::get(health::healthz))
        .route("/readyz", axum::routing::get(health::readyz))
        .merge(feeds::routes())
        .merge(sitemap::routes())
        .route("/media/{file}", axum::routing::get(pictures::serve))
        .nest("/api", api::routes())
        .merge(admin::routes())
        .fallback(pages::not_found_fallback)
        .with_state(state);
    let routes = match extra {
        Some(extra) => routes.merge(extra),
        None => routes,
    };
    // The one layer on every route (and the fallback): it hands the route
    // pattern matched to the log line and the metrics outside the router.
    let routes = routes.layer(observe::RouteLayer);
    // The layers wrap the whole router once. (`Router::layer` wraps every
    // route, and axum clones a route's whole stack of layers, a box each,
    // on every request.)
    let layered = tower::ServiceBuilder::new()
        .layer(observe::Observe)
        .layer(observe::trace_layer())
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(background)
        .layer(limits::Door { body_timeout })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .service(routes);
    Router::new().fallback_service(layered)
}
