//! Limits at the door, for requests (the connections' own limits are
//! [`crate::server`]'s):
//!
//! - [`Door`] (a layer on every route): a request that announces a body
//!   larger than [`BODY_LIMIT`](crate::BODY_LIMIT) gets 413 before any of
//!   it is read, and the connection is closed; a request body must arrive
//!   whole within the body timeout (408 otherwise), so a client cannot hold
//!   a handler by sending its body a byte at a time. A request without a
//!   body costs it nothing (no allocation: it is on every page view).
//! - [`Expensive`]: the expensive endpoints anybody may call (`POST
//!   /api/summarize`; search later) take a token from the client's bucket
//!   (429 with `Retry-After` when it is empty; a valid API token passes) and,
//!   while they compute, one of a few slots (503 with `Retry-After` when all
//!   are taken), so that anonymous traffic cannot starve readers.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body::{Body as _, Frame, SizeHint};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{ApiError, AppState};

/// How many clients' buckets are remembered before the full ones are forgotten.
const MAX_CLIENTS: usize = 100_000;

/// Request limits (defaults: [`Limits::default`]).
#[derive(Clone, Debug)]
pub struct Limits {
    /// The longest a request body may take to arrive, whole.
    pub body_timeout: Duration,
    /// Expensive anonymous requests per client and minute, on average (0: no limit).
    pub expensive_per_minute: u32,
    /// How many of them a client may make at once after a quiet while.
    pub expensive_burst: u32,
    /// How many run at once, all clients together (0: no limit).
    pub expensive_concurrency: usize,
    /// Searches per client and minute, on average (0: no limit).
    pub search_per_minute: u32,
    /// How many searches a client may make at once after a quiet while.
    pub search_burst: u32,
    /// How many searches run at once, all clients together (0: no limit).
    pub search_concurrency: usize,
    /// A header that a reverse proxy in front sets to the client's address
    /// (`X-Forwarded-For`, `X-Real-IP`): its last address names the client.
    /// Without one, the client is the connection's peer.
    pub client_ip_header: Option<HeaderName>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_timeout: Duration::from_secs(30),
            expensive_per_minute: 30,
            expensive_burst: 10,
            expensive_concurrency: cores(),
            // A reader types a query every few seconds at most; a search
            // costs milliseconds, not a summary's tens of them.
            search_per_minute: 60,
            search_burst: 20,
            search_concurrency: 4 * cores(),
            client_ip_header: None,
        }
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// The limits every request meets (module doc), as a layer.
#[derive(Clone, Copy, Debug)]
pub struct Door {
    /// The longest a request body may take to arrive, whole.
    pub body_timeout: Duration,
}

impl<S> tower::Layer<S> for Door {
    type Service = DoorService<S>;
    fn layer(&self, inner: S) -> DoorService<S> {
        DoorService { inner, body_timeout: self.body_timeout }
    }
}

/// [`Door`] around a service.
#[derive(Clone, Debug)]
pub struct DoorService<S> {
    inner: S,
    body_timeout: Duration,
}

impl<S> tower::Service<Request> for DoorService<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = DoorFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let announced = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if announced.is_some_and(|n| n > body_limit(req.uri().path()) as u64) {
            return DoorFuture::Refused { response: Some(too_large(&req)) };
        }
        let req = if req.body().is_end_stream() {
            req
        } else {
            // A picture upload may bring 20 MB: four times the time.
            let timeout =
                if crate::admin::is_upload_path(req.uri().path()) { self.body_timeout * 4 } else { self.body_timeout };
            req.map(|body| Body::new(Deadline { inner: body, timeout, sleep: Box::pin(tokio::time::sleep(timeout)) }))
        };
        DoorFuture::Inner { future: self.inner.call(req) }
    }
}

pin_project_lite::pin_project! {
    /// The response of [`DoorService`].
    #[project = DoorFutureProj]
    #[allow(missing_docs, reason = "the fields say what they are; pin_project_lite takes no field docs")]
    pub enum DoorFuture<F> {
        /// Refused at the door (413).
        Refused { response: Option<Response> },
        /// Let in: the service's own response.
        Inner { #[pin] future: F },
    }
}

impl<F: Future<Output = Result<Response, Infallible>>> Future for DoorFuture<F> {
    type Output = Result<Response, Infallible>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            DoorFutureProj::Refused { response } => {
                Poll::Ready(Ok(response.take().unwrap_or_else(|| StatusCode::PAYLOAD_TOO_LARGE.into_response())))
            }
            DoorFutureProj::Inner { future } => future.poll(cx),
        }
    }
}

/// The largest body a path takes: [`BODY_LIMIT`](crate::BODY_LIMIT), or
/// for the newsroom's forms [`FORM_LIMIT`](crate::admin::FORM_LIMIT) (an
/// article body the API takes, form-encoded, is larger), and for the
/// editor's picture uploads [`UPLOAD_LIMIT`](crate::admin::UPLOAD_LIMIT).
fn body_limit(path: &str) -> usize {
    if crate::admin::is_upload_path(path) {
        crate::admin::UPLOAD_LIMIT
    } else if path.starts_with("/admin/") {
        crate::admin::FORM_LIMIT
    } else {
        crate::BODY_LIMIT
    }
}

/// 413 for a request that announces a body over the limit, before reading it.
fn too_large(req: &Request) -> Response {
    let mut res = if req.uri().path().starts_with("/api/") {
        ApiError::too_large().into_response()
    } else if crate::admin::is_upload_path(req.uri().path()) {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!doctype html><html lang=\"en\"><title>Too large</title><h1>The picture is too large</h1>\
             <p>Pictures may be at most 20 MB. Nothing was stored: go back, choose a smaller file, and upload it again.</p>",
        )
            .into_response()
    } else {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!doctype html><title>Too large</title><h1>The request is too large</h1>",
        )
            .into_response()
    };
    // The body is never read: the connection cannot carry another request.
    res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

/// The request body did not arrive whole in time.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive within {} s", .0.as_secs_f64())]
pub struct BodyTimeout(pub Duration);

impl BodyTimeout {
    /// Whether `err`, or what caused it, is a body timeout.
    pub fn caused<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a BodyTimeout> {
        let mut cur = Some(err);
        while let Some(e) = cur {
            if let Some(t) = e.downcast_ref::<BodyTimeout>() {
                return Some(t);
            }
            cur = e.source();
        }
        None
    }
}

/// A request body with a deadline for the whole of it.
struct Deadline {
    inner: Body,
    timeout: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl http_body::Body for Deadline {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match this.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(BodyTimeout(this.timeout).into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The per-client buckets and the shared slots of one kind of expensive
/// endpoint (summarizing; searching).
pub struct Expensive {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    slots: Option<Arc<Semaphore>>,
}

impl Expensive {
    /// The buckets and slots `limits` ask for `POST /api/summarize`.
    pub fn new(limits: &Limits) -> Expensive {
        Expensive::with(limits.expensive_per_minute, limits.expensive_burst, limits.expensive_concurrency)
    }

    /// The buckets and slots `limits` ask for search.
    pub fn search(limits: &Limits) -> Expensive {
        Expensive::with(limits.search_per_minute, limits.search_burst, limits.search_concurrency)
    }

    /// `per_minute` requests per client on average (0: no limit), `burst`
    /// at once after a quiet while, `concurrency` at once in all (0: no limit).
    pub fn with(per_minute: u32, burst: u32, concurrency: usize) -> Expensive {
        Expensive {
            per_second: f64::from(per_minute) / 60.0,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::default(),
            slots: (concurrency > 0).then(|| Arc::new(Semaphore::new(concurrency))),
        }
    }

    /// Takes a token from `client`'s bucket; when it is empty, how long
    /// until it holds one again.
    pub fn take(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.per_second <= 0.0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() >= MAX_CLIENTS && !buckets.contains_key(&client) {
            // Forget the clients whose buckets have filled up again (they
            // would start full anyway); if that is not enough, all of them.
            let (per_second, burst) = (self.per_second, self.burst);
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * per_second < burst);
            if buckets.len() >= MAX_CLIENTS {
                tracing::warn!(clients = buckets.len(), "rate limit: too many clients to remember; starting over");
                buckets.clear();
            }
        }
        let bucket = buckets.entry(client).or_insert(Bucket { tokens: self.burst, at: now });
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * self.per_second).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / self.per_second))
        }
    }

    /// One of the slots, if one is free (held while the work runs).
    pub fn slot(&self) -> Result<Option<OwnedSemaphorePermit>, ApiError> {
        match &self.slots {
            None => Ok(None),
            Some(slots) => slots.clone().try_acquire_owned().map(Some).map_err(|_| {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "the server is busy with other requests like this one: try again in a moment",
                )
                .retry_after(1)
            }),
        }
    }
}

/// Who a request comes from, for the rate limit: the last address in the
/// configured proxy header, else the connection's peer; an IPv6 client by
/// its /64 (one machine usually holds the whole of it).
pub fn client_of(parts: &Parts, header: Option<&HeaderName>) -> IpAddr {
    let from_header = header.and_then(|h| {
        parts
            .headers
            .get_all(h)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .next_back()
    });
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    match from_header.or(peer) {
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !((1u128 << 64) - 1))),
        },
        Some(v4) => v4,
        // Without a peer (requests made in-process, in tests): one client.
        None => IpAddr::from([0, 0, 0, 0]),
    }
}

/// Why an expensive request was refused: the client's bucket is empty
/// (429), or every slot is taken (503); both with `Retry-After`.
#[derive(Debug)]
pub struct Refused {
    /// 429 or 503.
    pub status: StatusCode,
    /// Seconds to wait.
    pub retry_after: u64,
}

impl Refused {
    /// What the client is told.
    pub fn message(&self) -> String {
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            format!("too many requests like this one from your address: try again in {} s", self.retry_after)
        } else {
            "the server is busy with other requests like this one: try again in a moment".to_owned()
        }
    }

    /// As the API says it (JSON).
    pub fn api(&self) -> ApiError {
        let code = if self.status == StatusCode::TOO_MANY_REQUESTS { "too_many_requests" } else { "busy" };
        ApiError::new(self.status, code, self.message()).retry_after(self.retry_after)
    }
}

impl From<Refused> for ApiError {
    fn from(r: Refused) -> ApiError {
        r.api()
    }
}

/// Takes a token from the bucket of the request's client in `limiter`; a
/// valid API token passes when the bucket is empty.
async fn admit(parts: &mut Parts, state: &AppState, limiter: &Expensive) -> Result<(), Refused> {
    let client = client_of(parts, state.inner.limits.client_ip_header.as_ref());
    let Err(wait) = limiter.take(client, Instant::now()) else { return Ok(()) };
    // Editors are not rate limited (a bad token is refused as the rate limit would be).
    if parts.headers.contains_key(header::AUTHORIZATION)
        && matches!(
            crate::api::MaybeEditor::from_request_parts(parts, state).await,
            Ok(crate::api::MaybeEditor(Some(_)))
        )
    {
        return Ok(());
    }
    let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
    tracing::debug!(%client, seconds, "rate limit: refused");
    Err(Refused { status: StatusCode::TOO_MANY_REQUESTS, retry_after: seconds })
}

/// An expensive request that the client's rate limit lets through. Put it
/// before the body in the handler's arguments: the body is not read when
/// the limit refuses.
pub struct ExpensiveAllowed;

impl FromRequestParts<AppState> for ExpensiveAllowed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        admit(parts, state, &state.inner.expensive).await?;
        Ok(ExpensiveAllowed)
    }
}

/// A search that the client's rate limit lets through, holding one of the
/// search slots while it runs. The handler says a refusal its own way
/// (JSON for the API, a page for readers).
pub struct SearchAllowed(pub Result<Option<OwnedSemaphorePermit>, Refused>);

impl FromRequestParts<AppState> for SearchAllowed {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        // The search page without a query is only the form: free.
        let asks = parts.uri.query().unwrap_or("").split('&').any(|p| p.starts_with("q=") && p.len() > 2);
        if !asks {
            return Ok(SearchAllowed(Ok(None)));
        }
        let searches = &state.inner.searches;
        let admitted = match admit(parts, state, searches).await {
            Ok(()) => searches.slot().map_err(|_| Refused { status: StatusCode::SERVICE_UNAVAILABLE, retry_after: 1 }),
            Err(refused) => Err(refused),
        };
        Ok(SearchAllowed(admitted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_minute: u32, burst: u32) -> Limits {
        Limits { expensive_per_minute: per_minute, expensive_burst: burst, ..Limits::default() }
    }

    #[test]
    fn buckets_refill_at_the_rate_up_to_the_burst() {
        let e = Expensive::new(&limits(60, 3));
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        let t = Instant::now();
        for _ in 0..3 {
            assert!(e.take(a, t).is_ok());
        }
        let wait = e.take(a, t).unwrap_err();
        assert!(wait > Duration::from_millis(900) && wait <= Duration::from_secs(1), "{wait:?}");
        assert!(e.take(b, t).is_ok(), "another client has its own bucket");
        assert!(e.take(a, t + Duration::from_millis(1000)).is_ok(), "one a second");
        assert!(e.take(a, t + Duration::from_millis(1100)).is_err());
        // A long quiet while fills the bucket up to the burst, no more.
        let later = t + Duration::from_secs(3600);
        for _ in 0..3 {
            assert!(e.take(a, later).is_ok());
        }
        assert!(e.take(a, later).is_err());
        assert!(Expensive::new(&limits(0, 1)).take(a, t).is_ok(), "0: no limit");
    }

    #[test]
    fn slots_are_shared_and_given_back() {
        let e = Expensive::new(&Limits { expensive_concurrency: 1, ..Limits::default() });
        let held = e.slot().unwrap();
        let busy = e.slot().unwrap_err();
        assert_eq!((busy.status, busy.retry_after), (StatusCode::SERVICE_UNAVAILABLE, Some(1)));
        drop(held);
        assert!(e.slot().is_ok());
    }

    #[test]
    fn clients_are_known_by_proxy_header_or_peer_and_ipv6_by_its_64() {
        let parts = |headers: &[(&str, &str)], peer: Option<&str>| {
            let mut b = Request::builder();
            for (k, v) in headers {
                b = b.header(*k, *v);
            }
            if let Some(p) = peer {
                b = b.extension(ConnectInfo(p.parse::<SocketAddr>().unwrap()));
            }
            b.body(()).unwrap().into_parts().0
        };
        let xff = HeaderName::from_static("x-forwarded-for");
        let p = parts(&[("x-forwarded-for", "1.1.1.1, 2.2.2.2")], Some("127.0.0.1:5"));
        assert_eq!(client_of(&p, Some(&xff)), IpAddr::from([2, 2, 2, 2]), "the proxy's own entry is last");
        assert_eq!(client_of(&p, None), IpAddr::from([127, 0, 0, 1]), "the header counts only when configured");
        let p = parts(&[], Some("[2001:db8:1:2:3:4:5:6]:80"));
        assert_eq!(client_of(&p, None), "2001:db8:1:2::".parse::<IpAddr>().unwrap());
        let p = parts(&[], Some("[::ffff:10.1.2.3]:80"));
        assert_eq!(client_of(&p, None), IpAddr::from([10, 1, 2, 3]));
        assert_eq!(client_of(&parts(&[], None), None), IpAddr::from([0, 0, 0, 0]));
    }
}
