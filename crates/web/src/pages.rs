//! Server-rendered pages: home, article, section, tag, author, 404, and the
//! static files. Every page works without JavaScript.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::DateTime;
use store::{Article, ArticleCard, ArticleLink, ListQuery, Named, StoredSummary, SummaryMode, Visibility};

use crate::cache::{Cached, Dep, IfNoneMatch, Miss, Outcome, failed};
use crate::feeds::{self, FeedLink};
use crate::pictures::{CARD_SIZES, LEAD_SIZES, PictureView, Pictures, pictures};
use crate::{AppState, now};

const STYLE: &str = include_str!("../static/style.css");
const SCRIPT: &str = include_str!("../static/site.js");
const PER_PAGE: u32 = 10;
const HOME_COUNT: u32 = 20;

/// The language of the site's own words (labels, navigation, messages): the
/// `<html lang>` of every page. An article in another language carries its
/// own `lang` (and `dir`) on its `<article>` element and on its title
/// wherever it is listed.
pub(crate) const UI_LANG: &str = "en";
const HTML: &str = "text/html; charset=utf-8";

/// The `lang` of an article's title where it is listed among others: `None`
/// when it is in the site's language ("en", "en-GB"), which the page says.
pub(crate) fn other_lang(lang: &str) -> Option<String> {
    let primary = lang.split(['-', '_']).next().unwrap_or("");
    (!primary.eq_ignore_ascii_case(UI_LANG) && !lang.trim().is_empty()).then(|| lang.to_owned())
}

/// A link to a neighbouring article, its title in its own language.
pub struct LinkView {
    pub slug: String,
    pub title: String,
    pub lang: Option<String>,
    pub rtl: bool,
}

fn link_view(l: ArticleLink) -> LinkView {
    LinkView { rtl: content::is_rtl(&l.lang), lang: other_lang(&l.lang), slug: l.slug, title: l.title }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/articles/{slug}", get(article))
        .route("/sections/{section}", get(section))
        .route("/tags/{tag}", get(tag))
        .route("/authors/{author}", get(author))
        .route("/search", get(crate::search::page))
        .route("/briefing", get(crate::briefing::today))
        .route("/briefing/{day}", get(crate::briefing::on_day))
        .route("/static/style.css", get(style))
        .route("/static/site.js", get(script))
}

/// What every page's layout needs.
pub struct SiteView {
    pub name: String,
    pub asset_version: &'static str,
    /// What the header's search field holds (the query, on the search page).
    pub query: String,
    /// The feeds named in the head (`<link rel="alternate">`): the site's,
    /// and on a section, tag or author page that listing's too.
    pub feeds: Vec<FeedLink>,
}

pub(crate) fn asset_version() -> &'static str {
    static V: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        use sha2::Digest;
        let d = sha2::Sha256::new().chain_update(STYLE).chain_update(SCRIPT).finalize();
        d[..6].iter().map(|b| format!("{b:02x}")).collect()
    });
    V.as_str()
}

pub struct CardView {
    pub slug: String,
    pub title: String,
    pub standfirst: Option<String>,
    pub section: String,
    pub section_slug: String,
    pub datetime: String,
    pub date: String,
    /// The article's language, when not the site's; `rtl` when written right to left.
    pub lang: Option<String>,
    pub rtl: bool,
    /// The lead picture (the link around it is hidden from screen readers
    /// and the keyboard: the title's link goes to the same place).
    pub picture: Option<PictureView>,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    lang: String,
    site: SiteView,
    nav: Vec<Named>,
    current_section: String,
    heading: String,
    intro: Option<String>,
    cards: Vec<CardView>,
    prev_page: Option<String>,
    next_page: Option<String>,
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    lang: String,
    site: SiteView,
    nav: Vec<Named>,
    current_section: String,
    heading: String,
    message: String,
}

pub struct Variant {
    pub length: u32,
    pub format: &'static str,
    pub sentences: Vec<(usize, String)>,
    pub active: bool,
}

pub enum SummaryView {
    Off,
    Custom(String),
    Auto {
        variants: Vec<Variant>,
        length: u32,
        format: &'static str,
    },
    /// The sentences the editors picked: one length, as a paragraph or as
    /// key points (`variants` holds both, `data-length="picked"`).
    Picked {
        variants: Vec<Variant>,
        format: &'static str,
    },
}

/// The newsroom's preview of an article: the banner above it (and
/// `noindex`). The page is otherwise the one readers get.
pub struct PreviewBanner {
    /// What the preview shows ("your changes, not saved", "the saved version").
    pub text: String,
    /// Back to the editor, when the preview opened in the same tab.
    pub back: Option<String>,
}

/// How an article page is shown: the summary control's choice (`?summary=`
/// and `?format=`), and for the newsroom's preview its banner.
pub(crate) struct ArticleOptions {
    pub length: u32,
    pub format: &'static str,
    /// Whether the summary control starts open.
    pub open: bool,
    /// The newsroom's preview: the banner, `noindex`; and whether the
    /// summary control's links (which reload the page with another
    /// length or form) can work (not for a preview of a form sent by POST).
    pub preview: Option<PreviewBanner>,
    pub summary_links: bool,
    /// The related articles shown at its end (none in a preview).
    pub related: Vec<crate::related::RelatedView>,
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage<'a> {
    lang: String,
    site: SiteView,
    nav: Vec<Named>,
    current_section: String,
    a: &'a Article,
    /// The lead picture (above the fold: not lazy).
    lead: Option<PictureView>,
    /// The article's language and direction, on its `<article>` element.
    article_lang: String,
    rtl: bool,
    /// What joins summary sentences in a paragraph: nothing in Chinese and
    /// Japanese, which put no space after a full stop, else a space.
    joiner: &'static str,
    /// Attributes that keep the site's own words inside the article (byline,
    /// summary control) in the site's language and direction: empty when the
    /// article is in that language; otherwise the summary sentences inside
    /// the control get the article's language back.
    ui_attrs: &'static str,
    datetime: String,
    date: String,
    updated: Option<(String, String)>,
    /// The article's canonical URL: its own when it has one, else its
    /// address under the site's public URL.
    canonical: String,
    /// What a shared link shows (Open Graph, Twitter card, JSON-LD).
    preview: crate::preview::Preview,
    summary: SummaryView,
    open: bool,
    /// The newsroom's preview banner (and `noindex`), if this is one.
    draft_preview: Option<PreviewBanner>,
    summary_links: bool,
    prev: Option<LinkView>,
    next: Option<LinkView>,
    /// The related articles, best first (none: no section).
    related: Vec<crate::related::RelatedView>,
}

pub(crate) fn iso(t: i64) -> String {
    DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string()).unwrap_or_default()
}

pub(crate) fn human(t: i64) -> String {
    DateTime::from_timestamp(t, 0).map(|d| d.format("%-d %B %Y").to_string()).unwrap_or_default()
}

/// A card; `pictures` holds the uploaded lead pictures of its page, and
/// `index` is its place on the page (the first cards' pictures are in
/// view at once; the others load lazily).
fn card(c: ArticleCard, pictures: &Pictures, index: usize) -> CardView {
    let t = c.published_at.unwrap_or(c.updated_at);
    let picture =
        c.lead_image.as_deref().map(|url| pictures.view(url, c.lead_image_alt.as_deref(), CARD_SIZES, index >= 2));
    CardView {
        picture,
        slug: c.slug,
        title: c.title,
        standfirst: c.standfirst,
        section: c.section.name,
        section_slug: c.section.slug,
        datetime: iso(t),
        date: human(t),
        rtl: content::is_rtl(&c.lang),
        lang: other_lang(&c.lang),
    }
}

impl AppState {
    pub(crate) fn site_view(&self) -> SiteView {
        let name = &self.inner.site.name;
        SiteView {
            name: name.clone(),
            asset_version: asset_version(),
            query: String::new(),
            feeds: feeds::links(name, feeds::Scope::Site, "", None),
        }
    }

    /// The section navigation of every page: the sections readers see, most
    /// articles first. Computed again after a public write (and a scheduled
    /// publication, and after the cache's maximum age); when a section came
    /// or went (or was renamed), every cached page is stale (they all show
    /// it). The order by size follows the counts only once per maximum age:
    /// in between, a write that moves one section past another keeps the
    /// order (otherwise, with sections of about the same size, nearly every
    /// write would make every cached page stale at once). One request
    /// computes it at a time; the others use the one before meanwhile.
    pub(crate) async fn nav(&self, now: i64) -> Vec<Named> {
        let (nav, cache) = (&self.inner.nav, &self.inner.cache);
        let current = nav.current(cache.version(), now);
        let old = match current {
            Ok(sections) => return sections,
            Err(old) => old,
        };
        let _refreshing = match (nav.refreshing.try_lock(), old) {
            (Ok(guard), _) => guard,
            (Err(_), Some(old)) => return old,
            (Err(_), None) => nav.refreshing.lock().await,
        };
        let version = cache.version();
        let old = match nav.current(version, now) {
            Ok(sections) => return sections,
            Err(old) => old,
        };
        match self.store().sections(now).await {
            Ok(s) => {
                let by_size: Vec<Named> = s.into_iter().map(|(n, _)| n).collect();
                let until = now.saturating_add(cache.config().max_age).min(cache.valid_until());
                let before = old.map(|sections| (sections, nav.sorted_at().unwrap_or(i64::MIN)));
                let next = nav_order(before, by_size, now, cache.config().max_age);
                nav.set(NavSnapshot { version, until, sorted_at: next.sorted_at, sections: next.sections.clone() });
                if next.changed {
                    let n = cache.invalidate(&[Dep::Nav], now);
                    tracing::debug!(stale = n, "page cache: the section navigation changed");
                }
                next.sections
            }
            Err(e) => {
                tracing::error!(error = %e, "listing sections");
                old.unwrap_or_default()
            }
        }
    }
}

/// The navigation to show next (see [`AppState::nav`]).
struct NavOrder {
    sections: Vec<Named>,
    /// When its order was taken from the counts.
    sorted_at: i64,
    /// Whether it differs from the one shown before.
    changed: bool,
}

/// The navigation after a recount: `before` is the one shown (and when its
/// order was taken from the counts), `by_size` the sections now, most
/// articles first. The same sections keep their order for `max_age`
/// seconds after it was taken; a section that came, went or was renamed,
/// or an order older than that, gives the order by size.
fn nav_order(before: Option<(Vec<Named>, i64)>, by_size: Vec<Named>, now: i64, max_age: i64) -> NavOrder {
    match before {
        Some((old, at))
            if now < at.saturating_add(max_age)
                && old.len() == by_size.len()
                && old.iter().all(|s| by_size.contains(s)) =>
        {
            NavOrder { sections: old, sorted_at: at, changed: false }
        }
        before => {
            let changed = before.is_some_and(|(old, _)| old != by_size);
            NavOrder { sections: by_size, sorted_at: now, changed }
        }
    }
}

/// The section navigation, as last computed (see `AppState::nav`).
#[derive(Default)]
pub(crate) struct NavCache {
    current: RwLock<Option<NavSnapshot>>,
    refreshing: tokio::sync::Mutex<()>,
}

struct NavSnapshot {
    /// The cache's version it was computed at.
    version: u64,
    /// Computed again from then on.
    until: i64,
    /// When its order was last taken from the counts.
    sorted_at: i64,
    sections: Vec<Named>,
}

impl NavCache {
    /// The navigation if it is up to date; else the last one, if any.
    fn current(&self, version: u64, now: i64) -> Result<Vec<Named>, Option<Vec<Named>>> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        match current.as_ref() {
            Some(s) if s.version == version && now < s.until => Ok(s.sections.clone()),
            Some(s) => Err(Some(s.sections.clone())),
            None => Err(None),
        }
    }

    /// Whether it is up to date (cheaper than `current`: nothing is copied).
    fn is_current(&self, version: u64, now: i64) -> bool {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current.as_ref().is_some_and(|s| s.version == version && now < s.until)
    }

    /// When the order was last taken from the counts, if ever.
    fn sorted_at(&self) -> Option<i64> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).as_ref().map(|s| s.sorted_at)
    }

    fn set(&self, snapshot: NavSnapshot) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(snapshot);
    }
}

pub(crate) fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "page failed");
    error_page()
}

fn error_page() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!doctype html><title>Error</title><h1>Something went wrong</h1>",
    )
        .into_response()
}

/// A page through the shared page cache (`crate::cache`): `render` runs
/// on a miss, once for all the requests that want the page; `deps` gives
/// what the page shows (every page shows the navigation too). Both run only
/// on a miss: a hit allocates nothing for them. Only for pages
/// every reader sees alike: never for anything behind a login.
pub(crate) async fn cached<F, Fut>(
    state: &AppState,
    key: String,
    deps: impl FnOnce() -> Vec<Dep>,
    inm: &IfNoneMatch,
    render: F,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<String, Miss>> + Send + 'static,
{
    let render = move || {
        let rendering = render();
        async move { rendering.await.map(|page| (page, Vec::new())) }
    };
    cached_showing(state, key, deps, inm, render).await
}

/// [`cached`] for a page whose render finds more that it shows (see
/// [`Cached::shows`]): `render` gives the page and those.
pub(crate) async fn cached_showing<F, Fut>(
    state: &AppState,
    key: String,
    deps: impl FnOnce() -> Vec<Dep>,
    inm: &IfNoneMatch,
    render: F,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(String, Vec<Dep>), Miss>> + Send + 'static,
{
    // A write may have changed the navigation that every page shows.
    let now = now();
    if !state.inner.nav.is_current(state.inner.cache.version(), now) {
        state.nav(now).await;
    }
    let deps = move || {
        let mut deps = deps();
        deps.push(Dep::Nav);
        deps
    };
    let rendering = move || {
        let rendering = render();
        async move { rendering.await.map(|(body, shows)| Cached::new(body, HTML).showing(shows)) }
    };
    match state.cached(&key, deps, rendering).await {
        Outcome::Found(page) => page.respond(inm.0.as_ref()),
        Outcome::NotFound(message) => {
            not_found(state, message.as_deref().unwrap_or("There is no page at this address.")).await
        }
        Outcome::Failed => error_page(),
    }
}

pub async fn not_found(state: &AppState, message: &str) -> Response {
    message_page(state, StatusCode::NOT_FOUND, "Page not found", message).await
}

/// A page that says why the reader did not get what they asked for.
pub(crate) async fn message_page(state: &AppState, status: StatusCode, heading: &str, message: &str) -> Response {
    let page = NotFoundPage {
        lang: UI_LANG.into(),
        site: state.site_view(),
        nav: state.nav(now()).await,
        current_section: String::new(),
        heading: heading.to_owned(),
        message: message.to_owned(),
    };
    match page.render() {
        Ok(body) => (status, [(header::CONTENT_TYPE, HTML)], body).into_response(),
        Err(e) => internal(e),
    }
}

pub async fn not_found_fallback(State(state): State<AppState>, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        return crate::ApiError::not_found(format!("no API route {}", uri.path())).into_response();
    }
    not_found(&state, "There is no page at this address.").await
}

pub(crate) type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

/// One query parameter, read straight from the raw query string (values used
/// here are plain tokens, so no percent-decoding is needed).
fn raw_param<'q>(query: Option<&'q str>, name: &str) -> Option<&'q str> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then_some(v)
    })
}

pub(crate) fn param(q: &Params, name: &str) -> Option<String> {
    q.as_ref().ok().and_then(|q| q.0.get(name).cloned())
}

/// The requested page number: 1 when absent; `None` when not a positive number.
pub(crate) fn page_number(q: &Params) -> Option<u32> {
    match param(q, "page") {
        None => Some(1),
        Some(p) => p.parse::<u32>().ok().filter(|&n| (1..=100_000).contains(&n)),
    }
}

async fn style() -> Response {
    static_file("text/css; charset=utf-8", STYLE)
}

async fn script() -> Response {
    static_file("text/javascript; charset=utf-8", SCRIPT)
}

fn static_file(mime: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], body)
        .into_response()
}

/// The first page of the public articles at `now`, across the site.
pub(crate) fn public_list(now: i64, per_page: u32) -> ListQuery {
    ListQuery {
        visibility: Visibility::PublicAt(now),
        section: None,
        tag: None,
        author: None,
        page: 1,
        per_page,
        after: None,
    }
}

struct Listing {
    /// The listing's own feeds, besides the site's.
    feeds: Vec<FeedLink>,
    heading: String,
    intro: Option<String>,
    current_section: String,
    base: String,
}

async fn list_page(state: &AppState, query: ListQuery, listing: Listing, per_page: u32) -> Result<String, Miss> {
    let now = now();
    let number = query.page.max(1);
    let page = state.store().list_articles(&ListQuery { per_page, ..query }).await.map_err(failed)?;
    if page.items.is_empty() && number > 1 {
        return Err(Miss::NotFound(None));
    }
    let pictures = pictures(state, page.items.iter().filter_map(|c| c.lead_image.as_deref())).await.map_err(failed)?;
    let link = |n: u32| if n == 1 { listing.base.clone() } else { format!("{}?page={n}", listing.base) };
    let mut site = state.site_view();
    site.feeds.extend(listing.feeds);
    let view = ListPage {
        lang: UI_LANG.into(),
        site,
        nav: state.nav(now).await,
        current_section: listing.current_section,
        // Each page of a listing has a title of its own.
        heading: if number > 1 { format!("{} — page {}", listing.heading, number) } else { listing.heading },
        intro: listing.intro,
        prev_page: (number > 1).then(|| link(number - 1)),
        next_page: page.next.is_some().then(|| link(number + 1)),
        cards: page.items.into_iter().enumerate().map(|(i, c)| card(c, &pictures, i)).collect(),
    };
    view.render().map_err(failed)
}

async fn home(State(state): State<AppState>, q: Params, inm: IfNoneMatch) -> Response {
    let Some(page) = page_number(&q) else { return not_found(&state, "There is no such page.").await };
    let render = || {
        let st = state.clone();
        async move {
            let query = ListQuery { page, ..public_list(now(), HOME_COUNT) };
            let listing = Listing {
                feeds: Vec::new(),
                heading: "Latest news".into(),
                intro: None,
                current_section: String::new(),
                base: "/".into(),
            };
            list_page(&st, query, listing, HOME_COUNT).await
        }
    };
    cached(&state, format!("home:{page}"), || vec![Dep::Listing], &inm, render).await
}

#[derive(Clone, Copy)]
enum Kind {
    Section,
    Tag,
    Author,
}

async fn filtered(state: AppState, kind: Kind, slug: String, q: Params, inm: IfNoneMatch) -> Response {
    let Some(page) = page_number(&q) else { return not_found(&state, "There is no such page.").await };
    if slug.len() > 200 {
        return not_found(&state, "There is no page at this address.").await;
    }
    let (prefix, path) = match kind {
        Kind::Section => ("section", "sections"),
        Kind::Tag => ("tag", "tags"),
        Kind::Author => ("author", "authors"),
    };
    let deps = || {
        vec![match kind {
            Kind::Section => Dep::Section(slug.clone()),
            Kind::Tag => Dep::Tag(slug.clone()),
            Kind::Author => Dep::Author(slug.clone()),
        }]
    };
    let render = || {
        let (st, slug) = (state.clone(), slug.clone());
        async move {
            let now = now();
            let name = match kind {
                Kind::Section => st.store().section_name(&slug, now).await,
                Kind::Tag => st.store().tag_name(&slug, now).await,
                Kind::Author => st.store().author_name(&slug, now).await,
            }
            .map_err(failed)?;
            let Some(name) = name else { return Err(Miss::NotFound(None)) };
            let mut query = ListQuery { page, ..public_list(now, PER_PAGE) };
            let site_name = &st.site().name;
            let scope = match kind {
                Kind::Section => feeds::Scope::Section,
                Kind::Tag => feeds::Scope::Tag,
                Kind::Author => feeds::Scope::Author,
            };
            let feeds = match kind {
                Kind::Tag => feeds::links(site_name, scope, &slug, Some(&format!("tagged “{name}”"))),
                _ => feeds::links(site_name, scope, &slug, Some(&name)),
            };
            let (heading, intro, current) = match kind {
                Kind::Section => {
                    query.section = Some(slug.clone());
                    (name, None, slug.clone())
                }
                Kind::Tag => {
                    query.tag = Some(slug.clone());
                    (
                        format!("Tagged “{name}”"),
                        Some("Articles with this tag, newest first.".to_owned()),
                        String::new(),
                    )
                }
                Kind::Author => {
                    query.author = Some(slug.clone());
                    (name, Some("Articles by this author, newest first.".to_owned()), String::new())
                }
            };
            let listing = Listing { feeds, heading, intro, current_section: current, base: format!("/{path}/{slug}") };
            list_page(&st, query, listing, PER_PAGE).await
        }
    };
    cached(&state, format!("{prefix}:{slug}:{page}"), deps, &inm, render).await
}

async fn section(State(state): State<AppState>, slug: PageSlug, q: Params, inm: IfNoneMatch) -> Response {
    match slug {
        Ok(Path(slug)) => filtered(state, Kind::Section, slug, q, inm).await,
        Err(_) => not_found(&state, "There is nothing at this address.").await,
    }
}

async fn tag(State(state): State<AppState>, slug: PageSlug, q: Params, inm: IfNoneMatch) -> Response {
    match slug {
        Ok(Path(slug)) => filtered(state, Kind::Tag, slug, q, inm).await,
        Err(_) => not_found(&state, "There is nothing at this address.").await,
    }
}

async fn author(State(state): State<AppState>, slug: PageSlug, q: Params, inm: IfNoneMatch) -> Response {
    match slug {
        Ok(Path(slug)) => filtered(state, Kind::Author, slug, q, inm).await,
        Err(_) => not_found(&state, "There is nothing at this address.").await,
    }
}

/// The summary variants of an article, with the chosen one active.
pub fn summary_view(a: &Article, length: u32, format: &'static str) -> SummaryView {
    if let Some(picked) = content::picked_sentences(a) {
        let sentences: Vec<(usize, String)> = picked.into_iter().map(|(i, t)| (i, t.to_owned())).collect();
        let variants = ["text", "bullets"]
            .into_iter()
            .map(|f| Variant { length: 0, format: f, sentences: sentences.clone(), active: f == format })
            .collect();
        return SummaryView::Picked { variants, format };
    }
    match a.summary_mode {
        SummaryMode::Off => SummaryView::Off,
        SummaryMode::Custom => match &a.summary_custom {
            Some(t) => SummaryView::Custom(t.clone()),
            None => SummaryView::Off,
        },
        // Picked sentences the body no longer has: the automatic summary.
        SummaryMode::Auto | SummaryMode::Picked => {
            let mut variants = Vec::new();
            for s in &a.summaries {
                for f in ["text", "bullets"] {
                    variants.push(Variant {
                        length: s.length,
                        format: f,
                        sentences: sentences(s),
                        active: s.length == length && f == format,
                    });
                }
            }
            if variants.iter().all(|v| v.sentences.is_empty()) {
                return SummaryView::Off;
            }
            SummaryView::Auto { variants, length, format }
        }
    }
}

/// What joins sentences in a paragraph: nothing in Chinese and Japanese,
/// which put no space after a full stop, else a space.
pub(crate) fn joiner(lang: &str) -> &'static str {
    if summarize::Lang::from_code(lang).is_some_and(summarize::Lang::is_cjk)
        || lang.split('-').next().is_some_and(|l| l.eq_ignore_ascii_case("ja"))
    {
        ""
    } else {
        " "
    }
}

/// The article's short summary as plain text: the editors' own when they
/// wrote one, the sentences they picked, else the shortest automatic one;
/// `None` when summaries are switched off for it (or it has none).
pub(crate) fn short_summary(a: &Article) -> Option<String> {
    if let Some(picked) = content::picked_sentences(a) {
        return Some(picked.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(joiner(&a.lang)));
    }
    match a.summary_mode {
        SummaryMode::Off => None,
        SummaryMode::Custom => a.summary_custom.clone().filter(|t| !t.trim().is_empty()),
        SummaryMode::Auto | SummaryMode::Picked => {
            let shortest = a.summaries.iter().filter(|s| !s.sentences.is_empty()).min_by_key(|s| s.length)?;
            let texts: Vec<&str> = shortest.sentences.iter().map(|x| x.text.as_str()).collect();
            Some(texts.join(joiner(&a.lang)))
        }
    }
}

fn sentences(s: &StoredSummary) -> Vec<(usize, String)> {
    s.sentences.iter().map(|x| (x.index, x.text.clone())).collect()
}

/// The `{slug}` of a page's address, or why it could not be read (it does
/// not decode to UTF-8): such an address gets the 404 page, not axum's
/// plain-text 400.
type PageSlug = Result<Path<String>, axum::extract::rejection::PathRejection>;

async fn article(
    State(state): State<AppState>,
    slug: PageSlug,
    RawQuery(query): RawQuery,
    inm: IfNoneMatch,
) -> Response {
    let Ok(Path(slug)) = slug else {
        return not_found(&state, "There is no article at this address.").await;
    };
    if !content::is_valid_slug(&slug) {
        return not_found(&state, "There is no article at this address.").await;
    }
    let (length, format, open) = summary_choice(query.as_deref());
    let key = format!("article:{slug}:{}:{length}:{format}", u8::from(open));
    let deps = || vec![Dep::Article(slug.clone()), Dep::Links(slug.clone())];
    let render = || {
        let (st, slug) = (state.clone(), slug.clone());
        async move {
            let now = now();
            let Some(a) = st.store().article(&slug, Visibility::PublicAt(now)).await.map_err(failed)? else {
                return Err(Miss::NotFound(None));
            };
            let (prev, next) = st.store().neighbours(&slug, now).await.map_err(failed)?;
            let related = crate::related::of(&st, &a, now).await.map_err(failed)?;
            let shows = crate::related::shows(&a, &related);
            let related = related.into_iter().map(|r| crate::related::view(&st, r)).collect();
            let options = ArticleOptions { length, format, open, preview: None, summary_links: true, related };
            Ok((article_html(&st, &a, (prev, next), options, now).await.map_err(failed)?, shows))
        }
    };
    cached_showing(&state, key, deps, &inm, render).await
}

/// The summary control's choice in an article page's address
/// (`?summary=3|5&format=text|bullets`): (length, format, open).
pub(crate) fn summary_choice(query: Option<&str>) -> (u32, &'static str, bool) {
    let chosen_len = raw_param(query, "summary").and_then(|s| s.parse::<u32>().ok()).filter(|n| *n == 3 || *n == 5);
    let chosen_fmt = raw_param(query, "format").and_then(|f| match f {
        "text" => Some("text"),
        "bullets" => Some("bullets"),
        _ => None,
    });
    (chosen_len.unwrap_or(3), chosen_fmt.unwrap_or("text"), chosen_len.is_some() || chosen_fmt.is_some())
}

/// An article's page, as readers get it (and the newsroom's preview, with
/// its banner): `links` are its Previous and Next articles.
pub(crate) async fn article_html(
    st: &AppState,
    a: &Article,
    links: (Option<ArticleLink>, Option<ArticleLink>),
    options: ArticleOptions,
    now: i64,
) -> Result<String, askama::Error> {
    // The lead picture's stored widths (one read; none for an outside address).
    let pictures = pictures(st, a.lead_image.as_deref()).await.map_err(|e| askama::Error::Custom(Box::new(e)))?;
    let lead = a.lead_image.as_deref().map(|url| pictures.view(url, a.lead_image_alt.as_deref(), LEAD_SIZES, false));
    let published = a.published_at.unwrap_or(a.updated_at);
    let rtl = content::is_rtl(&a.lang);
    let ui_attrs = match (other_lang(&a.lang).is_some(), rtl) {
        (false, _) => "",
        (true, false) => " lang=\"en\"",
        (true, true) => " lang=\"en\" dir=\"ltr\"",
    };
    let page = ArticlePage {
        lang: UI_LANG.into(),
        article_lang: a.lang.clone(),
        rtl,
        joiner: joiner(&a.lang),
        ui_attrs,
        site: st.site_view(),
        nav: st.nav(now).await,
        current_section: a.section.slug.clone(),
        datetime: iso(published),
        date: human(published),
        updated: (a.updated_at > published + 3600).then(|| (iso(a.updated_at), human(a.updated_at))),
        canonical: a
            .canonical_url
            .clone()
            .unwrap_or_else(|| st.site().public_url.absolute(&format!("/articles/{}", a.slug))),
        preview: crate::preview::Preview::of(st, a, &pictures),
        lead,
        summary: summary_view(a, options.length, options.format),
        open: options.open,
        draft_preview: options.preview,
        summary_links: options.summary_links,
        prev: links.0.map(link_view),
        next: links.1.map(link_view),
        related: options.related,
        a,
    };
    page.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_params() {
        assert_eq!(raw_param(Some("summary=5&format=bullets"), "format"), Some("bullets"));
        assert_eq!(raw_param(Some("summary"), "summary"), Some(""));
        assert_eq!(raw_param(Some("x=1"), "summary"), None);
        assert_eq!(raw_param(None, "summary"), None);
    }

    /// The navigation keeps its order while its sections stay the same,
    /// for the maximum age; a section that comes or goes, or a rename,
    /// changes it at once.
    #[test]
    fn the_navigation_order_follows_the_counts_once_per_maximum_age() {
        let named = |s: &str| Named { name: s.to_uppercase(), slug: s.to_owned() };
        let list = |s: &[&str]| s.iter().map(|s| named(s)).collect::<Vec<_>>();
        let slugs = |o: &NavOrder| o.sections.iter().map(|s| s.slug.clone()).collect::<Vec<_>>();
        let first = nav_order(None, list(&["a", "b"]), 100, 60);
        assert_eq!((slugs(&first), first.sorted_at, first.changed), (vec!["a".into(), "b".into()], 100, false));
        // "b" overtook "a": kept as it was for now.
        let kept = nav_order(Some((list(&["a", "b"]), 100)), list(&["b", "a"]), 159, 60);
        assert_eq!((slugs(&kept), kept.sorted_at, kept.changed), (vec!["a".into(), "b".into()], 100, false));
        // A minute after its order was taken: the counts' order.
        let resorted = nav_order(Some((list(&["a", "b"]), 100)), list(&["b", "a"]), 160, 60);
        assert_eq!((slugs(&resorted), resorted.sorted_at, resorted.changed), (vec!["b".into(), "a".into()], 160, true));
        let same = nav_order(Some((list(&["a", "b"]), 100)), list(&["a", "b"]), 160, 60);
        assert!(!same.changed);
        // A new section, one gone, one renamed: at once.
        for now in
            [list(&["a", "b", "c"]), list(&["b"]), vec![named("a"), Named { name: "Bee".into(), slug: "b".into() }]]
        {
            let next = nav_order(Some((list(&["a", "b"]), 100)), now.clone(), 101, 60);
            assert_eq!((next.sections, next.sorted_at, next.changed), (now, 101, true));
        }
    }

    #[test]
    fn dates() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(human(1_788_510_600), "4 September 2026");
    }
}
