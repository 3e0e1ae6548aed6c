//! The shared cache of rendered responses: the pages, and the API's public
//! reads. The hot path is a read lock and a map lookup.
//!
//! - **What a write touches, and nothing else.** Every entry is kept with
//!   what it shows ([`Dep`]): its article, the article whose Previous/Next
//!   links it shows, a section, tag or author listing, the listings of the
//!   whole site, the section navigation. A write ([`content::Change`]) makes
//!   stale only the entries that show something it changed.
//! - **Single flight.** A miss is rendered once, on a task of its own (a
//!   client that hangs up does not cancel it), while the other requests for
//!   the same key wait for that render. The task runs on the background
//!   runtime when there is one ([`crate::Options::background`]), off the
//!   loops that serve connections.
//! - **Stale while revalidate, bounded.** A stale entry (something it shows
//!   changed, or it is older than the maximum age) is served, for at most
//!   [`STALE_FOR`] seconds after it went stale, to the requests that come
//!   while it is being rendered again; the request that starts the render
//!   waits for it, so an editor who reloads after a write sees the write.
//!   A render that fails leaves the stale entry to be served meanwhile; one
//!   that finds nothing there (the article was deleted or unpublished)
//!   removes it.
//! - **Time.** Entries expire when the next scheduled article comes out
//!   (the site changes by itself then), and after the maximum age anyway: a
//!   write by another process (`newsdesk import` into the live database)
//!   is not announced here.
//! - **Size.** Entries are counted in bytes; past the limit, the least
//!   recently used go first (those too old to be served stale before them).
//! - **Races.** A render that a write overtook (something its key shows was
//!   changed while it ran) is given to the requests that waited for it, but
//!   not kept. A write ends the flights whose known deps it touches; what
//!   only the render found it shows (an article's related articles) is
//!   checked, as it ends, against what each write since it started touched
//!   (the last [`RECENT`] writes are remembered; past them, any write
//!   counts).
//!
//! Only responses that are the same for every reader belong here: nothing
//! that depends on a cookie, a token or a session (a token holder's API
//! reads and the newsroom are never cached here).
//!
//! Feeds, search results and any other response that lists articles register
//! the same way: [`AppState::cached`](crate::AppState::cached) with the
//! [`Dep`]s they show ([`Dep::Listing`] for a list across the whole site).

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

/// How long after it went stale an entry may still be served, in seconds,
/// while it is rendered again.
pub const STALE_FOR: i64 = 10;

/// How many versions back [`PageCache`] remembers what each touched.
const RECENT: usize = 1024;

/// A version, and what it touched (`None`: everything).
type Touched = (u64, Option<Arc<[Dep]>>);

/// An entry larger than this share of the limit is served but not kept.
const LARGEST_SHARE: usize = 8;

/// What a cached response shows, so that a write makes stale exactly the
/// responses that show what it changed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Dep {
    /// Shows this article: its page, its API document, its summary.
    Article(String),
    /// Shows this article's Previous/Next links (its page).
    Links(String),
    /// Lists the articles of this section (section slug).
    Section(String),
    /// Lists the articles with this tag (tag slug).
    Tag(String),
    /// Lists the articles of this author (author slug).
    Author(String),
    /// Lists articles across the whole site: home, the unfiltered API list;
    /// feeds and search results later.
    Listing,
    /// Shows this article's stored related list (its page, and its
    /// related list in the API): made again after writes of other articles.
    Related(String),
    /// Shows the section navigation (every page).
    Nav,
}

impl Dep {
    /// What a write touched, as the entries that show it.
    pub fn of_change(change: &content::Change) -> Vec<Dep> {
        let mut deps = change.related.iter().map(|s| Dep::Related(s.clone())).collect::<Vec<_>>();
        // Related lists made again (after a write, off its path) change no
        // listing.
        if change.articles.is_empty() && !change.related.is_empty() {
            return deps;
        }
        deps.push(Dep::Listing);
        deps.extend(change.articles.iter().map(|s| Dep::Article(s.clone())));
        // The written article's page shows its own links; its neighbours'
        // pages show it in theirs.
        deps.extend(change.articles.iter().chain(&change.neighbours).map(|s| Dep::Links(s.clone())));
        deps.extend(change.sections.iter().map(|s| Dep::Section(s.clone())));
        deps.extend(change.tags.iter().map(|s| Dep::Tag(s.clone())));
        deps.extend(change.authors.iter().map(|s| Dep::Author(s.clone())));
        deps
    }
}

/// A response as kept: its bytes, validator and type.
#[derive(Debug)]
pub struct Cached {
    pub body: Bytes,
    pub etag: HeaderValue,
    pub content_type: &'static str,
    /// When what it shows last changed (Unix seconds), for `Last-Modified`
    /// and `If-Modified-Since` (feeds): `None` for most responses.
    pub last_modified: Option<i64>,
    /// What the render found the response shows, besides what was known
    /// before it ran (the related articles of an article, found by its key
    /// phrases and tags, which only reading it tells): kept with the entry.
    /// A response that shows more is not kept when a public write came
    /// while it was rendered (that write may have touched what it shows).
    pub shows: Vec<Dep>,
}

impl Cached {
    /// A response whose `ETag` is a hash of its bytes.
    pub fn new(body: impl Into<Bytes>, content_type: &'static str) -> Cached {
        let body = body.into();
        let digest = Sha256::digest(&body);
        let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        let etag = HeaderValue::from_str(&format!("\"{hex}\"")).unwrap_or(HeaderValue::from_static("\"0\""));
        Cached { body, etag, content_type, last_modified: None, shows: Vec::new() }
    }

    /// A response with an `ETag` of its own (the API's article document
    /// keeps "id-version", which `If-Match` names).
    pub fn with_etag(body: impl Into<Bytes>, content_type: &'static str, etag: HeaderValue) -> Cached {
        Cached { body: body.into(), etag, content_type, last_modified: None, shows: Vec::new() }
    }

    /// The same, sent with `Last-Modified: t` (Unix seconds).
    pub fn modified_at(self, t: i64) -> Cached {
        Cached { last_modified: Some(t), ..self }
    }

    /// The same, showing `deps` too (see [`Cached::shows`]).
    pub fn showing(self, deps: Vec<Dep>) -> Cached {
        Cached { shows: deps, ..self }
    }

    /// The response: 304 when `If-None-Match` names this one.
    pub fn respond(&self, if_none_match: Option<&HeaderValue>) -> Response {
        self.respond_to(&Conditional { if_none_match: if_none_match.cloned(), if_modified_since: None })
    }

    /// The response to a conditional GET: 304 when `If-None-Match` names
    /// this one, or, without `If-None-Match`, when `If-Modified-Since` is
    /// not before its `last_modified` (RFC 9110, 13.2.2).
    pub fn respond_to(&self, c: &Conditional) -> Response {
        let not_modified = match (&c.if_none_match, c.if_modified_since, self.last_modified) {
            (Some(inm), _, _) => etag_matches(Some(inm), &self.etag),
            (None, Some(since), Some(modified)) => modified <= since,
            _ => false,
        };
        let mut res = if not_modified {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut r = self.body.clone().into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
            r
        };
        res.headers_mut().insert(header::ETAG, self.etag.clone());
        if let Some(v) = self.last_modified.and_then(http_date).and_then(|d| HeaderValue::from_str(&d).ok()) {
            res.headers_mut().insert(header::LAST_MODIFIED, v);
        }
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        res
    }
}

/// A time as an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date(t: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
}

/// Reads an HTTP date (the preferred form, which is RFC 2822's with `GMT`).
pub fn parse_http_date(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc2822(s.trim()).ok().map(|d| d.timestamp())
}

/// The request's validators: `If-None-Match` and `If-Modified-Since`.
pub struct Conditional {
    pub if_none_match: Option<HeaderValue>,
    /// Unix seconds; `None` when absent or not a date (then ignored, as
    /// RFC 9110 says).
    pub if_modified_since: Option<i64>,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Conditional {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Conditional {
            if_none_match: parts.headers.get(header::IF_NONE_MATCH).cloned(),
            if_modified_since: parts
                .headers
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_http_date),
        })
    }
}

/// Whether an `If-None-Match` value names `etag` (weak comparison, or `*`).
pub fn etag_matches(if_none_match: Option<&HeaderValue>, etag: &HeaderValue) -> bool {
    let (Some(inm), Ok(etag)) = (if_none_match.and_then(|v| v.to_str().ok()), etag.to_str()) else {
        return false;
    };
    inm.split(',').any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == etag.trim_start_matches("W/"))
}

/// The request's `If-None-Match`, without copying the other headers.
pub struct IfNoneMatch(pub Option<HeaderValue>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IfNoneMatch {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(IfNoneMatch(parts.headers.get(header::IF_NONE_MATCH).cloned()))
    }
}

/// What a render made.
pub enum Rendered {
    /// A response to keep, fresh until `until` at the latest (the next
    /// scheduled publication).
    Found { item: Cached, until: Option<i64> },
    /// Nothing there (a 404), with what to say, if not the usual.
    NotFound(Option<String>),
    /// The render failed (it logged why).
    Failed,
}

/// What a request gets from the cache.
#[derive(Clone, Debug)]
pub enum Outcome {
    Found(Arc<Cached>),
    NotFound(Option<Arc<str>>),
    Failed,
}

/// Cache settings.
#[derive(Clone, Debug)]
pub struct CacheConfig {
    /// The most bytes kept (bodies, keys and bookkeeping).
    pub max_bytes: usize,
    /// The longest an entry stays fresh, in seconds.
    pub max_age: i64,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig { max_bytes: 16 * 1024 * 1024, max_age: 60 }
    }
}

/// What the cache did so far, and what it holds (for logs and metrics).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Requests served a fresh entry.
    pub hits: u64,
    /// Requests served a stale entry while it was being rendered again.
    pub stale_hits: u64,
    /// Requests that waited for a render (their own or another's).
    pub misses: u64,
    /// Renders started.
    pub renders: u64,
    /// Entries made stale by writes (and by scheduled articles coming out).
    pub invalidated: u64,
    /// Entries dropped to stay under the size limit.
    pub evicted: u64,
    /// Entries kept now.
    pub entries: u64,
    /// Bytes kept now.
    pub bytes: u64,
    /// The size limit.
    pub max_bytes: u64,
}

struct Entry {
    item: Arc<Cached>,
    deps: Arc<[Dep]>,
    size: usize,
    fresh_until: i64,
    /// When a write made it stale (`i64::MAX`: none did).
    stale_since: AtomicI64,
    last_used: AtomicI64,
}

impl Entry {
    fn is_fresh(&self, now: i64) -> bool {
        now < self.fresh_until && self.stale_since.load(Ordering::Acquire) == i64::MAX
    }

    /// Whether it may still be served stale while it is rendered again.
    fn servable(&self, now: i64) -> bool {
        now < self.stale_since.load(Ordering::Acquire).min(self.fresh_until).saturating_add(STALE_FOR)
    }

    /// Marks it stale; whether it was fresh until now.
    fn make_stale(&self, now: i64) -> bool {
        self.stale_since.fetch_min(now, Ordering::AcqRel) == i64::MAX
    }

    fn touch(&self, now: i64) {
        // One store a second at most: hot entries are read from every core.
        if self.last_used.load(Ordering::Relaxed) != now {
            self.last_used.store(now, Ordering::Relaxed);
        }
    }
}

#[derive(Default)]
struct Map {
    entries: HashMap<Arc<str>, Arc<Entry>>,
    /// Which keys show each dependency.
    index: HashMap<Dep, HashSet<Arc<str>>>,
    bytes: usize,
}

impl Map {
    fn remove(&mut self, key: &str) -> Option<Arc<Entry>> {
        let (key, old) = self.entries.remove_entry(key)?;
        for dep in old.deps.iter() {
            if let Some(keys) = self.index.get_mut(dep) {
                keys.remove(&key);
                if keys.is_empty() {
                    self.index.remove(dep);
                }
            }
        }
        self.bytes -= old.size;
        Some(old)
    }
}

/// A render's place: its flight, and the cache's version when it started.
#[derive(Clone, Copy)]
struct Started {
    id: u64,
    version: u64,
}

/// A render under way, that requests for its key wait for.
struct Flight {
    id: u64,
    deps: Arc<[Dep]>,
    done: watch::Receiver<Option<Outcome>>,
}

#[derive(Default)]
struct Counters {
    hits: AtomicU64,
    stale_hits: AtomicU64,
    misses: AtomicU64,
    renders: AtomicU64,
    invalidated: AtomicU64,
    evicted: AtomicU64,
}

/// The cache (module doc).
pub struct PageCache {
    config: CacheConfig,
    /// Where renders run (`None`: the runtime of the request that starts them).
    renders: Option<tokio::runtime::Handle>,
    map: RwLock<Map>,
    /// Lock order: `flights`, then `map`.
    flights: Mutex<HashMap<Arc<str>, Flight>>,
    next_flight: AtomicU64,
    /// The next scheduled publication the renders found (`i64::MAX`: none):
    /// everything goes stale then.
    valid_until: AtomicI64,
    /// One more at every public write and every scheduled publication: what
    /// is derived from the whole site (the navigation) is computed again.
    version: AtomicU64,
    /// What the last [`RECENT`] versions touched (`None`: everything), by
    /// version, oldest first: whether a write came since a render started
    /// that touched what only the render found it shows. (Without it, any
    /// write at all was taken to: under steady writes, no article page
    /// whose related articles it shows was ever kept.) Its lock is taken
    /// alone.
    recent: Mutex<VecDeque<Touched>>,
    counters: Counters,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache::new(CacheConfig::default(), None)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Removes a render from the flights if it ends without finishing (its task
/// panicked), so that the next request for its key renders again.
struct FlightGuard {
    cache: Arc<PageCache>,
    key: Arc<str>,
    id: u64,
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        let mut flights = lock(&self.cache.flights);
        if flights.get(&self.key).is_some_and(|f| f.id == self.id) {
            flights.remove(&self.key);
        }
    }
}

impl PageCache {
    /// A cache whose renders run on `renders` (see [`crate::Options::background`]).
    pub fn new(config: CacheConfig, renders: Option<tokio::runtime::Handle>) -> PageCache {
        PageCache {
            config,
            renders,
            map: RwLock::default(),
            flights: Mutex::default(),
            recent: Mutex::default(),
            next_flight: AtomicU64::new(0),
            valid_until: AtomicI64::new(i64::MAX),
            version: AtomicU64::new(0),
            counters: Counters::default(),
        }
    }

    pub fn config(&self) -> &CacheConfig {
        &self.config
    }

    /// Counts every public write and scheduled publication.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// When the next scheduled article comes out, as far as the renders know.
    pub fn valid_until(&self) -> i64 {
        self.valid_until.load(Ordering::Acquire)
    }

    pub fn stats(&self) -> CacheStats {
        let (entries, bytes) = {
            let map = self.map.read().unwrap_or_else(PoisonError::into_inner);
            (map.entries.len() as u64, map.bytes as u64)
        };
        let c = &self.counters;
        CacheStats {
            hits: c.hits.load(Ordering::Relaxed),
            stale_hits: c.stale_hits.load(Ordering::Relaxed),
            misses: c.misses.load(Ordering::Relaxed),
            renders: c.renders.load(Ordering::Relaxed),
            invalidated: c.invalidated.load(Ordering::Relaxed),
            evicted: c.evicted.load(Ordering::Relaxed),
            entries,
            bytes,
            max_bytes: self.config.max_bytes as u64,
        }
    }

    fn lookup(&self, key: &str) -> Option<Arc<Entry>> {
        self.map.read().unwrap_or_else(PoisonError::into_inner).entries.get(key).cloned()
    }

    /// One version more, which touched `deps` (`None`: everything).
    fn advance(&self, deps: Option<Arc<[Dep]>>) {
        let mut recent = lock(&self.recent);
        let version = self.version.fetch_add(1, Ordering::AcqRel) + 1;
        recent.push_back((version, deps));
        if recent.len() > RECENT {
            recent.pop_front();
        }
    }

    /// Whether a version after `since` touched one of `shows` (also when
    /// they are too many to tell).
    fn touched_since(&self, since: u64, shows: &[Dep]) -> bool {
        let recent = lock(&self.recent);
        if self.version() == since {
            return false;
        }
        match recent.front() {
            Some(&(oldest, _)) if oldest <= since + 1 => recent
                .iter()
                .filter(|(v, _)| *v > since)
                .any(|(_, deps)| deps.as_ref().is_none_or(|deps| deps.iter().any(|d| shows.contains(d)))),
            _ => true,
        }
    }

    /// Once the next scheduled article is out, everything is stale.
    fn check_schedule(&self, now: i64) {
        let until = self.valid_until.load(Ordering::Acquire);
        if now >= until
            && self.valid_until.compare_exchange(until, i64::MAX, Ordering::AcqRel, Ordering::Acquire).is_ok()
        {
            self.advance(None);
            let n = self.invalidate_all(now);
            tracing::debug!(stale = n, stats = ?self.stats(), "page cache: a scheduled article came out");
        }
    }

    /// The response for `key`: kept, or rendered by `render` (once, however
    /// many requests wait for it). `deps` gives what the response shows
    /// (called only when a render starts).
    pub async fn get_or_render<F, Fut>(
        self: &Arc<Self>,
        key: &str,
        deps: impl FnOnce() -> Vec<Dep>,
        now: i64,
        render: F,
    ) -> Outcome
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Rendered> + Send + 'static,
    {
        self.check_schedule(now);
        let mut stale = None;
        if let Some(entry) = self.lookup(key) {
            entry.touch(now);
            if entry.is_fresh(now) {
                self.counters.hits.fetch_add(1, Ordering::Relaxed);
                return Outcome::Found(entry.item.clone());
            }
            if entry.servable(now) {
                stale = Some(entry.item.clone());
            }
        }
        let (mut done, start) = {
            let mut flights = lock(&self.flights);
            match flights.get(key) {
                Some(flight) => (flight.done.clone(), None),
                None => {
                    // A render may have been kept since the lookup above.
                    if let Some(entry) = self.lookup(key).filter(|e| e.is_fresh(now)) {
                        self.counters.hits.fetch_add(1, Ordering::Relaxed);
                        return Outcome::Found(entry.item.clone());
                    }
                    let (tx, rx) = watch::channel(None);
                    let id = self.next_flight.fetch_add(1, Ordering::Relaxed);
                    let key: Arc<str> = key.into();
                    let deps: Arc<[Dep]> = deps().into();
                    flights.insert(key.clone(), Flight { id, deps: deps.clone(), done: rx.clone() });
                    // The public writes so far: one more by the end, and
                    // what the render finds it shows may have changed.
                    let version = self.version();
                    (rx, Some((tx, Started { id, version }, key, deps)))
                }
            }
        };
        match start {
            Some((tx, started, key, deps)) => {
                self.counters.renders.fetch_add(1, Ordering::Relaxed);
                let cache = self.clone();
                let rendering = render();
                let task = async move {
                    let guard = FlightGuard { cache, key, id: started.id };
                    let rendered = rendering.await;
                    let outcome = guard.cache.finish(&guard.key, started, deps, rendered, now);
                    let _ = tx.send(Some(outcome));
                };
                match &self.renders {
                    Some(runtime) => drop(runtime.spawn(task)),
                    None => drop(tokio::spawn(task)),
                }
            }
            None => {
                if let Some(item) = stale {
                    self.counters.stale_hits.fetch_add(1, Ordering::Relaxed);
                    return Outcome::Found(item);
                }
            }
        }
        self.counters.misses.fetch_add(1, Ordering::Relaxed);
        let outcome = match done.wait_for(Option::is_some).await {
            Ok(outcome) => outcome.clone().unwrap_or(Outcome::Failed),
            // The render's task ended without an answer (it panicked).
            Err(_) => Outcome::Failed,
        };
        match (outcome, stale) {
            (Outcome::Failed, Some(item)) => Outcome::Found(item),
            (outcome, _) => outcome,
        }
    }

    /// Keeps what a render made, unless a write overtook it; what the
    /// waiting requests get.
    fn finish(&self, key: &Arc<str>, started: Started, deps: Arc<[Dep]>, rendered: Rendered, now: i64) -> Outcome {
        let mut flights = lock(&self.flights);
        let current = flights.get(key).is_some_and(|f| f.id == started.id);
        if current {
            flights.remove(key);
        }
        match rendered {
            Rendered::Found { mut item, until } => {
                let shows = std::mem::take(&mut item.shows);
                // What only the render found it shows: no write since it
                // started may have touched it (a write removes the flight of
                // a render whose known deps it touches, but not these).
                let overtaken = !shows.is_empty() && self.touched_since(started.version, &shows);
                let deps: Arc<[Dep]> =
                    if shows.is_empty() { deps } else { deps.iter().cloned().chain(shows).collect() };
                let item = Arc::new(item);
                if current && !overtaken {
                    self.keep(key.clone(), item.clone(), deps, now, until);
                }
                Outcome::Found(item)
            }
            Rendered::NotFound(message) => {
                // Nothing there any more: its stale copy must not be served.
                // (A render a write overtook leaves it to the next one.)
                if current {
                    self.map.write().unwrap_or_else(PoisonError::into_inner).remove(key);
                }
                Outcome::NotFound(message.map(Into::into))
            }
            Rendered::Failed => Outcome::Failed,
        }
    }

    fn keep(&self, key: Arc<str>, item: Arc<Cached>, deps: Arc<[Dep]>, now: i64, until: Option<i64>) {
        let size = item.body.len() + key.len() * (1 + deps.len()) + deps.len() * 48 + 256;
        if size > self.config.max_bytes / LARGEST_SHARE {
            return;
        }
        if let Some(until) = until {
            self.valid_until.fetch_min(until, Ordering::AcqRel);
        }
        let max_age_end = now.saturating_add(self.config.max_age);
        let entry = Arc::new(Entry {
            item,
            deps: deps.clone(),
            size,
            fresh_until: until.map_or(max_age_end, |u| u.min(max_age_end)),
            stale_since: AtomicI64::new(i64::MAX),
            last_used: AtomicI64::new(now),
        });
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        map.remove(&key);
        for dep in deps.iter() {
            map.index.entry(dep.clone()).or_default().insert(key.clone());
        }
        map.entries.insert(key, entry);
        map.bytes += size;
        if map.bytes > self.config.max_bytes {
            self.evict(&mut map, now);
        }
    }

    /// Drops entries until a tenth of the limit is free: first those too
    /// old to be served stale, then the least recently used.
    fn evict(&self, map: &mut Map, now: i64) {
        let target = self.config.max_bytes / 10 * 9;
        let mut order: Vec<(bool, i64, Arc<str>)> = map
            .entries
            .iter()
            .map(|(k, e)| (e.servable(now), e.last_used.load(Ordering::Relaxed), k.clone()))
            .collect();
        order.sort_unstable_by_key(|(servable, used, _)| (*servable, *used));
        let mut n = 0;
        for (_, _, key) in order {
            if map.bytes <= target {
                break;
            }
            map.remove(&key);
            n += 1;
        }
        self.counters.evicted.fetch_add(n, Ordering::Relaxed);
        tracing::debug!(evicted = n, bytes = map.bytes, entries = map.entries.len(), "page cache: size limit reached");
    }

    /// Makes stale every entry that shows one of `deps`, and keeps renders
    /// under way for them from being kept; how many entries went stale.
    pub fn invalidate(&self, deps: &[Dep], now: i64) -> usize {
        let deps: HashSet<&Dep> = deps.iter().collect();
        let mut flights = lock(&self.flights);
        flights.retain(|_, f| !f.deps.iter().any(|d| deps.contains(d)));
        let map = self.map.read().unwrap_or_else(PoisonError::into_inner);
        let mut n = 0;
        for dep in deps {
            for key in map.index.get(dep).into_iter().flatten() {
                if map.entries.get(key).is_some_and(|e| e.make_stale(now)) {
                    n += 1;
                }
            }
        }
        drop(map);
        drop(flights);
        self.counters.invalidated.fetch_add(n as u64, Ordering::Relaxed);
        n
    }

    /// Makes every entry stale.
    pub fn invalidate_all(&self, now: i64) -> usize {
        let mut flights = lock(&self.flights);
        flights.clear();
        let map = self.map.read().unwrap_or_else(PoisonError::into_inner);
        let n = map.entries.values().filter(|e| e.make_stale(now)).count();
        drop(map);
        drop(flights);
        self.counters.invalidated.fetch_add(n as u64, Ordering::Relaxed);
        n
    }
}

/// Why a render made no response to keep.
pub enum Miss {
    /// Nothing there (a 404), with what to say, if not the usual.
    NotFound(Option<String>),
    /// The render failed (it logged why).
    Failed,
}

/// A render failed: logs why.
pub fn failed(e: impl std::fmt::Display) -> Miss {
    tracing::error!(error = %e, "rendering failed");
    Miss::Failed
}

impl crate::AppState {
    /// The response for `key` through the shared cache (module doc): kept,
    /// or made by `render` once for all the requests that want it, and kept
    /// until something in `deps()` changes (`render` and `deps` run only on
    /// a miss), the next scheduled article comes
    /// out, or it is older than the maximum age. Only for what every reader
    /// sees alike.
    pub(crate) async fn cached<F, Fut>(&self, key: &str, deps: impl FnOnce() -> Vec<Dep>, render: F) -> Outcome
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Cached, Miss>> + Send + 'static,
    {
        let now = crate::now();
        self.inner
            .cache
            .get_or_render(key, deps, now, move || {
                let store = self.inner.articles.store().clone();
                let rendering = render();
                async move {
                    match rendering.await {
                        Ok(item) => {
                            Rendered::Found { item, until: store.next_publication_after(now).await.ok().flatten() }
                        }
                        Err(Miss::NotFound(message)) => Rendered::NotFound(message),
                        Err(Miss::Failed) => Rendered::Failed,
                    }
                }
            })
            .await
    }

    /// What the cache did so far, and what it holds.
    pub fn cache_stats(&self) -> CacheStats {
        self.inner.cache.stats()
    }
}

/// A write that readers may see makes stale the responses that show it.
impl content::Changes for PageCache {
    fn changed(&self, change: &content::Change) {
        if !(change.public || change.everything) {
            return;
        }
        let now = crate::now();
        let n = if change.everything {
            self.advance(None);
            self.invalidate_all(now)
        } else {
            let deps = Dep::of_change(change);
            self.advance(Some(deps.as_slice().into()));
            self.invalidate(&deps, now)
        };
        tracing::debug!(articles = ?change.articles, stale = n, stats = ?self.stats(), "page cache: a write");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use tokio::sync::Notify;

    use super::*;

    fn found(body: &str) -> Rendered {
        Rendered::Found { item: Cached::new(body.to_owned(), "text/plain"), until: None }
    }

    fn body(o: &Outcome) -> String {
        match o {
            Outcome::Found(c) => String::from_utf8_lossy(&c.body).into_owned(),
            other => format!("{other:?}"),
        }
    }

    async fn get(c: &Arc<PageCache>, key: &str, deps: Vec<Dep>, now: i64, text: &str) -> String {
        let text = text.to_owned();
        body(&c.get_or_render(key, || deps, now, move || async move { found(&text) }).await)
    }

    fn art(s: &str) -> Dep {
        Dep::Article(s.into())
    }

    /// A request for `key` whose render waits for `release`: its task, which
    /// gives the body the request got.
    fn held(
        c: &Arc<PageCache>,
        key: &'static str,
        now: i64,
        text: &'static str,
        release: &Arc<Notify>,
    ) -> tokio::task::JoinHandle<String> {
        let (c, release) = (c.clone(), release.clone());
        tokio::spawn(async move {
            let out = c
                .get_or_render(
                    key,
                    || vec![art(key)],
                    now,
                    move || async move {
                        release.notified().await;
                        found(text)
                    },
                )
                .await;
            body(&out)
        })
    }

    /// Waits (in real time, for the spawned render) until `cond` holds.
    async fn until(cond: impl Fn() -> bool) {
        for _ in 0..2000 {
            if cond() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("timed out waiting");
    }

    #[tokio::test]
    async fn kept_until_a_dep_changes_or_it_expires() {
        let c = Arc::new(PageCache::default());
        assert_eq!(get(&c, "a", vec![art("a")], 100, "one").await, "one");
        assert_eq!(get(&c, "a", vec![art("a")], 101, "two").await, "one", "kept");
        assert_eq!(get(&c, "b", vec![art("b")], 101, "b1").await, "b1");
        assert_eq!(c.invalidate(&[art("a")], 102), 1);
        // Stale: the request that renders again waits for the new one.
        assert_eq!(get(&c, "a", vec![art("a")], 102, "three").await, "three");
        assert_eq!(get(&c, "b", vec![art("b")], 102, "b2").await, "b1", "another dep is untouched");
        // After the maximum age, rendered again.
        assert_eq!(get(&c, "b", vec![art("b")], 101 + 60, "b3").await, "b3");
        let s = c.stats();
        assert_eq!((s.renders, s.hits, s.invalidated, s.entries), (4, 2, 1, 2));
    }

    #[tokio::test]
    async fn a_scheduled_publication_makes_everything_stale() {
        let c = Arc::new(PageCache::default());
        let r = c
            .get_or_render("a", Vec::new, 100, || async {
                Rendered::Found { item: Cached::new("old", "text/plain"), until: Some(130) }
            })
            .await;
        assert_eq!(body(&r), "old");
        assert_eq!(get(&c, "b", vec![], 101, "b").await, "b", "kept till 161 by itself");
        assert_eq!(c.valid_until(), 130);
        let v = c.version();
        assert_eq!(get(&c, "b", vec![], 130, "b2").await, "b2", "stale at the publication time");
        assert_eq!(get(&c, "a", vec![], 130, "new").await, "new");
        assert_eq!((c.valid_until(), c.version()), (i64::MAX, v + 1));
    }

    /// Many requests for a key nobody has asked for yet: one render, all
    /// get its result. The render is held until every request waits.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_miss_is_rendered_once_for_everybody_waiting() {
        let c = Arc::new(PageCache::default());
        let release = Arc::new(Notify::new());
        let calls = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let (c, release, calls) = (c.clone(), release.clone(), calls.clone());
                tokio::spawn(async move {
                    let out = c
                        .get_or_render(
                            "k",
                            || vec![art("k")],
                            100,
                            move || {
                                calls.fetch_add(1, Ordering::SeqCst);
                                async move {
                                    release.notified().await;
                                    found("page")
                                }
                            },
                        )
                        .await;
                    body(&out)
                })
            })
            .collect();
        until(|| c.stats().misses == 32).await;
        release.notify_one();
        for t in tasks {
            assert_eq!(t.await.unwrap(), "page");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!((c.stats().renders, c.stats().misses), (1, 32));
    }

    /// While a stale entry is rendered again, the other requests get the
    /// stale one at once; the render's own request gets the new one.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stale_entries_are_served_while_rendered_again() {
        let c = Arc::new(PageCache::default());
        assert_eq!(get(&c, "a", vec![art("a")], 100, "old").await, "old");
        c.invalidate(&[art("a")], 101);
        let release = Arc::new(Notify::new());
        let leader = held(&c, "a", 101, "new", &release);
        // The first request was a miss too.
        until(|| c.stats().misses == 2).await;
        assert_eq!(get(&c, "a", vec![art("a")], 102, "never").await, "old");
        // Too long after it went stale: waits for the render instead.
        let late = {
            let c = c.clone();
            tokio::spawn(async move { get(&c, "a", vec![art("a")], 101 + STALE_FOR, "never").await })
        };
        until(|| c.stats().misses == 3).await;
        release.notify_one();
        assert_eq!(leader.await.unwrap(), "new");
        assert_eq!(late.await.unwrap(), "new");
        assert_eq!(c.stats().stale_hits, 1);
        assert_eq!(get(&c, "a", vec![art("a")], 103, "never").await, "new");
    }

    /// A render that a write overtakes goes to its waiters but is not kept;
    /// the next request renders again.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_render_overtaken_by_a_write_is_not_kept() {
        let c = Arc::new(PageCache::default());
        let release = Arc::new(Notify::new());
        let first = held(&c, "a", 100, "before the write", &release);
        until(|| c.stats().misses == 1).await;
        c.invalidate(&[art("a")], 100);
        // A request after the write does not wait for the overtaken render.
        assert_eq!(get(&c, "a", vec![art("a")], 100, "after").await, "after");
        release.notify_one();
        assert_eq!(first.await.unwrap(), "before the write");
        assert_eq!(get(&c, "a", vec![art("a")], 101, "never").await, "after");
    }

    /// What a render finds it shows (`Cached::shows`) is kept with the
    /// entry: a write touching it makes the entry stale. A render that
    /// shows more is not kept when a public write that touched any of it
    /// came while it ran; other writes meanwhile do not matter.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn what_a_render_finds_it_shows_makes_it_stale_too() {
        let c = Arc::new(PageCache::default());
        let phrase = || Dep::Related("harbour".into());
        let render = |text: &'static str| {
            move || async move {
                Rendered::Found {
                    item: Cached::new(text, "text/plain").showing(vec![Dep::Related("harbour".into())]),
                    until: None,
                }
            }
        };
        assert_eq!(body(&c.get_or_render("a", || vec![art("a")], 100, render("one")).await), "one");
        assert_eq!(body(&c.get_or_render("a", || vec![art("a")], 100, render("two")).await), "one", "kept");
        assert_eq!(c.invalidate(&[phrase()], 101), 1);
        assert_eq!(body(&c.get_or_render("a", || vec![art("a")], 101, render("three")).await), "three");
        // A render held until `release`, after `phrase` went stale at `now`.
        let held = |now: i64, text: &'static str, release: Arc<Notify>| {
            let c = c.clone();
            tokio::spawn(async move {
                c.invalidate(&[phrase()], now);
                let out = c
                    .get_or_render(
                        "a",
                        || vec![art("a")],
                        now,
                        move || async move {
                            release.notified().await;
                            Rendered::Found {
                                item: Cached::new(text, "text/plain").showing(vec![phrase()]),
                                until: None,
                            }
                        },
                    )
                    .await;
                body(&out)
            })
        };
        let write =
            |change: content::Change| content::Changes::changed(&*c, &content::Change { public: true, ..change });
        // A public write while it renders, touching nothing it shows: kept.
        let release = Arc::new(Notify::new());
        let task = held(102, "four", release.clone());
        until(|| c.stats().misses == 3).await;
        write(content::Change { tags: vec!["other".into()], ..Default::default() });
        release.notify_one();
        assert_eq!(task.await.unwrap(), "four");
        assert_eq!(body(&c.get_or_render("a", || vec![art("a")], 103, render("never")).await), "four", "kept");
        // One touching what only the render found it shows: given to its
        // request, not kept.
        let release = Arc::new(Notify::new());
        let task = held(104, "five", release.clone());
        until(|| c.stats().misses == 4).await;
        write(content::Change { related: vec!["harbour".into()], ..Default::default() });
        release.notify_one();
        assert_eq!(task.await.unwrap(), "five", "given to its request");
        assert_eq!(body(&c.get_or_render("a", || vec![art("a")], 105, render("six")).await), "six", "not kept");
        assert_eq!(body(&c.get_or_render("a", || vec![art("a")], 105, render("seven")).await), "six");
    }

    /// Past what it remembers of recent writes, any write since a render
    /// started counts as touching what it shows.
    #[test]
    fn too_many_writes_since_a_render_count_as_touching_it() {
        let c = PageCache::default();
        let shows = [Dep::Related("harbour".into())];
        let since = c.version();
        assert!(!c.touched_since(since, &shows), "no write since");
        c.advance(Some(vec![Dep::Tag("other".into())].into()));
        assert!(!c.touched_since(since, &shows));
        for _ in 0..RECENT {
            c.advance(Some(vec![Dep::Tag("other".into())].into()));
        }
        assert!(c.touched_since(since, &shows), "forgotten");
        let since = c.version();
        c.advance(None);
        assert!(c.touched_since(since, &shows), "everything");
    }

    #[tokio::test]
    async fn not_found_drops_the_stale_copy_and_failures_keep_it() {
        let c = Arc::new(PageCache::default());
        assert_eq!(get(&c, "a", vec![art("a")], 100, "page").await, "page");
        c.invalidate(&[art("a")], 101);
        let failed = c.get_or_render("a", || vec![art("a")], 101, || async { Rendered::Failed }).await;
        assert_eq!(body(&failed), "page", "the stale copy, rather than an error");
        let gone = c.get_or_render("a", || vec![art("a")], 101, || async { Rendered::NotFound(None) }).await;
        assert!(matches!(gone, Outcome::NotFound(None)));
        assert_eq!(c.stats().entries, 0);
        let failed = c.get_or_render("a", || vec![art("a")], 101, || async { Rendered::Failed }).await;
        assert!(matches!(failed, Outcome::Failed));
    }

    #[tokio::test]
    async fn a_panicking_render_does_not_wedge_its_key() {
        let c = Arc::new(PageCache::default());
        let out = c
            .get_or_render("a", Vec::new, 100, || async {
                if true {
                    panic!("render bug (expected in this test)");
                }
                Rendered::Failed
            })
            .await;
        assert!(matches!(out, Outcome::Failed));
        assert_eq!(get(&c, "a", vec![], 100, "fine").await, "fine");
    }

    #[tokio::test]
    async fn the_size_limit_drops_the_least_recently_used() {
        let c = Arc::new(PageCache::new(CacheConfig { max_bytes: 20_000, max_age: 60 }, None));
        let big = "x".repeat(2000);
        for (i, key) in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"].iter().enumerate() {
            get(&c, key, vec![art(key)], 100 + i as i64, &big).await;
            // "a" stays in use.
            get(&c, "a", vec![art("a")], 100 + i as i64, &big).await;
        }
        let s = c.stats();
        assert!(s.bytes <= 20_000 && s.evicted > 0, "{s:?}");
        assert_eq!(get(&c, "a", vec![art("a")], 111, "new").await.len(), 2000, "still kept");
        assert_eq!(get(&c, "b", vec![art("b")], 111, "new").await, "new", "dropped");
        // Too large for the cache: served, not kept.
        assert_eq!(get(&c, "huge", vec![], 111, &"y".repeat(5000)).await.len(), 5000);
        assert_eq!(get(&c, "huge", vec![], 111, "again").await, "again");
    }

    #[test]
    fn last_modified_answers_if_modified_since_unless_if_none_match_is_given() {
        let c = Cached::new("a", "text/plain").modified_at(1_000_000);
        let status = |inm: Option<&str>, ims: Option<i64>| {
            c.respond_to(&Conditional {
                if_none_match: inm.map(|v| HeaderValue::from_str(v).unwrap()),
                if_modified_since: ims,
            })
            .status()
        };
        assert_eq!(status(None, None), StatusCode::OK);
        assert_eq!(status(None, Some(1_000_000)), StatusCode::NOT_MODIFIED);
        assert_eq!(status(None, Some(1_000_001)), StatusCode::NOT_MODIFIED);
        assert_eq!(status(None, Some(999_999)), StatusCode::OK);
        // If-None-Match decides alone when present.
        assert_eq!(status(Some("\"other\""), Some(2_000_000)), StatusCode::OK);
        assert_eq!(status(Some(c.etag.to_str().unwrap()), Some(0)), StatusCode::NOT_MODIFIED);
        let res = c.respond(None);
        assert_eq!(res.headers()[header::LAST_MODIFIED], "Mon, 12 Jan 1970 13:46:40 GMT");
        assert_eq!(parse_http_date("Mon, 12 Jan 1970 13:46:40 GMT"), Some(1_000_000));
        assert_eq!(parse_http_date("yesterday"), None);
        assert!(Cached::new("a", "text/plain").respond(None).headers().get(header::LAST_MODIFIED).is_none());
    }

    #[test]
    fn etags_follow_the_bytes_and_match_weakly() {
        assert_eq!(Cached::new("a", "text/plain").etag, Cached::new("a", "text/plain").etag);
        assert_ne!(Cached::new("a", "text/plain").etag, Cached::new("b", "text/plain").etag);
        let tag = HeaderValue::from_static("\"7-2\"");
        for (inm, hit) in
            [("\"7-2\"", true), ("W/\"7-2\"", true), ("\"1\", \"7-2\"", true), ("*", true), ("\"7-1\"", false)]
        {
            assert_eq!(etag_matches(Some(&HeaderValue::from_static(inm)), &tag), hit, "{inm}");
        }
        assert!(!etag_matches(None, &tag));
    }

    #[test]
    fn a_change_touches_its_articles_links_and_listings() {
        let change = content::Change {
            articles: vec!["a".into()],
            neighbours: vec!["b".into()],
            sections: vec!["world".into()],
            tags: vec!["t".into()],
            authors: vec!["ann".into()],
            related: vec!["c".into()],
            public: true,
            everything: false,
        };
        let deps = Dep::of_change(&change);
        for d in [
            Dep::Listing,
            art("a"),
            Dep::Links("a".into()),
            Dep::Links("b".into()),
            Dep::Section("world".into()),
            Dep::Tag("t".into()),
            Dep::Author("ann".into()),
            Dep::Related("c".into()),
        ] {
            assert!(deps.contains(&d), "{d:?}");
        }
        assert!(!deps.contains(&art("b")), "a neighbour's own document is untouched");
        // Related lists made again, alone: those articles' lists only.
        let lists = content::Change { related: vec!["c".into()], public: true, ..content::Change::default() };
        assert_eq!(Dep::of_change(&lists), [Dep::Related("c".into())]);
    }
}
