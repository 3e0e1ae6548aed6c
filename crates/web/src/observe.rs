//! What the operator sees of each request: its id, its log line, its metrics.
//!
//! - [`Observe`] (the outermost layer): gives every request an id (the
//!   client's `x-request-id` when it is sane: 1 to 128 of `A-Z a-z 0-9 - _ .
//!   : + / =`; else 16 random hex digits), kept in the request's extensions
//!   ([`RequestId`]) and header, echoed in the response's `x-request-id`,
//!   and written into every error response's body (status 400 and up): the
//!   API's JSON errors get `"request_id"` beside `code` and `message`, HTML
//!   error pages a line before the end of their `<main>`, plain text a last
//!   line. It also counts the request for the metrics ([`crate::prometheus`]),
//!   by route pattern, method and status, with its latency.
//! - [`trace_layer`]: tower-http's trace layer, one log line per request
//!   (target `newsdesk::request`, level INFO): method, path (never the query
//!   string), request id, route pattern, status, latency. Handlers' own log
//!   lines carry the request's span, so its id, too.
//! - [`RouteLayer`] (on the router's routes): the route pattern a request
//!   matched (axum's `MatchedPath`, `/articles/{slug}`, never the address
//!   itself, which readers choose) is copied into the response's extensions
//!   for the two above, which wrap the router and see no `MatchedPath`.
//!   Requests no route matched are labelled `unmatched`.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::Response;
use http_body::Body as _;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{MakeSpan, OnResponse, TraceLayer};

/// The request id header.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The route label of requests that matched no route.
pub const UNMATCHED: &str = "unmatched";

/// The largest error body that gets the request id written in (error
/// bodies are small pages and JSON objects; a larger one is left alone).
const MAX_ERROR_BODY: usize = 256 * 1024;

/// A request's id, in its extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub Arc<str>);

impl RequestId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a client's request id may be kept: 1 to 128 characters, each a
/// letter, digit or one of `- _ . : + / =` (ids of proxies and tracing
/// systems; nothing that needs escaping in HTML, JSON or a log line).
pub fn sane_request_id(id: &[u8]) -> bool {
    (1..=128).contains(&id.len())
        && id.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'+' | b'/' | b'='))
}

/// The client's id when sane, else a new random one.
fn request_id_of(req: &Request) -> RequestId {
    if let Some(given) = req.headers().get(&REQUEST_ID)
        && sane_request_id(given.as_bytes())
        && let Ok(s) = given.to_str()
    {
        return RequestId(Arc::from(s));
    }
    RequestId(Arc::from(format!("{:016x}", rand::random::<u64>()).as_str()))
}

/// The route pattern a request matched, copied into its response's
/// extensions by [`RouteLayer`].
#[derive(Clone, Debug)]
pub struct Route(pub MatchedPath);

/// The route label of a response.
pub fn route_of(res: &Response) -> &str {
    res.extensions().get::<Route>().map_or(UNMATCHED, |r| r.0.as_str())
}

/// Whether metrics are recorded (a recorder is installed): when not, a
/// request costs nothing for them.
static METRICS_ON: AtomicBool = AtomicBool::new(false);

/// Records metrics from now on (see [`crate::prometheus::install`]).
pub(crate) fn record_metrics() {
    METRICS_ON.store(true, Ordering::Relaxed);
}

/// Whether metrics are recorded.
pub(crate) fn metrics_on() -> bool {
    METRICS_ON.load(Ordering::Relaxed)
}

/// Copies a request's `MatchedPath` into its response (see the module).
#[derive(Clone, Copy, Debug, Default)]
pub struct RouteLayer;

impl<S> tower::Layer<S> for RouteLayer {
    type Service = RouteService<S>;
    fn layer(&self, inner: S) -> RouteService<S> {
        RouteService { inner }
    }
}

/// [`RouteLayer`] around a service.
#[derive(Clone, Debug)]
pub struct RouteService<S> {
    inner: S,
}

impl<S> tower::Service<Request> for RouteService<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = RouteFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let route = req.extensions().get::<MatchedPath>().cloned();
        RouteFuture { inner: self.inner.call(req), route }
    }
}

pin_project_lite::pin_project! {
    /// The response of a [`RouteService`].
    pub struct RouteFuture<F> {
        #[pin]
        inner: F,
        route: Option<MatchedPath>,
    }
}

impl<F: Future<Output = Result<Response, Infallible>>> Future for RouteFuture<F> {
    type Output = Result<Response, Infallible>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Ok(mut res) = ready!(this.inner.poll(cx));
        if let Some(route) = this.route.take() {
            res.extensions_mut().insert(Route(route));
        }
        Poll::Ready(Ok(res))
    }
}

/// The outermost layer: request ids, error bodies, request metrics (see the module).
#[derive(Clone, Copy, Debug, Default)]
pub struct Observe;

impl<S> tower::Layer<S> for Observe {
    type Service = ObserveService<S>;
    fn layer(&self, inner: S) -> ObserveService<S> {
        ObserveService { inner }
    }
}

/// [`Observe`] around a service.
#[derive(Clone, Debug)]
pub struct ObserveService<S> {
    inner: S,
}

impl<S, B> tower::Service<Request> for ObserveService<S>
where
    S: tower::Service<Request, Response = Response<B>, Error = Infallible>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = ObserveFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        let id = request_id_of(&req);
        if let Ok(v) = HeaderValue::from_str(id.as_str()) {
            req.headers_mut().insert(REQUEST_ID, v);
        }
        req.extensions_mut().insert(id.clone());
        let method = metrics_on().then(|| req.method().clone());
        ObserveFuture::Waiting { inner: self.inner.call(req), id: Some(id), method, start: Instant::now() }
    }
}

type Rewrite = Pin<Box<dyn Future<Output = Response> + Send>>;

pin_project_lite::pin_project! {
    /// The response of an [`ObserveService`].
    #[project = ObserveProj]
    pub enum ObserveFuture<F> {
        /// The service answers.
        Waiting {
            #[pin]
            inner: F,
            id: Option<RequestId>,
            method: Option<Method>,
            start: Instant,
        },
        /// An error response's body gets the id.
        Rewriting { rewrite: Rewrite },
    }
}

impl<F, B> Future for ObserveFuture<F>
where
    F: Future<Output = Result<Response<B>, Infallible>>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Output = Result<Response, Infallible>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            let rewrite = match self.as_mut().project() {
                ObserveProj::Waiting { inner, id, method, start } => {
                    let Ok(res) = ready!(inner.poll(cx));
                    // One box for the body, as the router would make.
                    let mut res = res.map(Body::new);
                    if let Some(method) = method.take() {
                        crate::prometheus::request(&method, route_of(&res), res.status().as_u16(), start.elapsed());
                    }
                    let Some(id) = id.take() else { return Poll::Ready(Ok(res)) };
                    if let Ok(v) = HeaderValue::from_str(id.as_str()) {
                        res.headers_mut().insert(REQUEST_ID, v);
                    }
                    let Some(kind) = error_body_kind(&res) else { return Poll::Ready(Ok(res)) };
                    Box::pin(with_request_id(res, kind, id)) as Rewrite
                }
                ObserveProj::Rewriting { rewrite } => return rewrite.as_mut().poll(cx).map(Ok),
            };
            self.set(ObserveFuture::Rewriting { rewrite });
        }
    }
}

/// The kinds of error bodies the id is written into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Json,
    Html,
    Text,
}

/// Whether a response is an error whose body gets the request id, and of what kind.
fn error_body_kind(res: &Response) -> Option<Kind> {
    if res.status().as_u16() < 400 || res.body().is_end_stream() {
        return None;
    }
    if res.body().size_hint().upper().is_none_or(|n| n > MAX_ERROR_BODY as u64) {
        return None;
    }
    let ct = res.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = ct.split(';').next().unwrap_or("").trim();
    match essence {
        "application/json" | "application/problem+json" => Some(Kind::Json),
        "text/html" => Some(Kind::Html),
        "text/plain" => Some(Kind::Text),
        _ => None,
    }
}

/// The response with the request id written into its body.
async fn with_request_id(res: Response, kind: Kind, id: RequestId) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        // The body failed half way: what is left of it is not worth more.
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    };
    let body = add_request_id(&bytes, kind, id.as_str()).unwrap_or(bytes);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// The body with the id written in, or `None` when it cannot be (not the
/// JSON or HTML it says it is).
fn add_request_id(body: &[u8], kind: Kind, id: &str) -> Option<Bytes> {
    match kind {
        Kind::Json => {
            let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
            let object = value.as_object_mut()?;
            // The API's `{"error": {...}}`: beside code and message.
            let target = match object.get_mut("error").and_then(|e| e.as_object_mut()) {
                Some(error) => error,
                None => object,
            };
            target.insert("request_id".to_owned(), serde_json::Value::String(id.to_owned()));
            serde_json::to_vec(&value).ok().map(Bytes::from)
        }
        Kind::Html => {
            let text = std::str::from_utf8(body).ok()?;
            // The id is sane (no markup characters) or our own hex digits.
            let line = format!("<p class=\"request-id\">Request id: <code>{id}</code></p>\n");
            let at = text.rfind("</main>").or_else(|| text.rfind("</body>")).unwrap_or(text.len());
            Some(Bytes::from([&text[..at], line.as_str(), &text[at..]].concat()))
        }
        Kind::Text => {
            let mut out = body.to_vec();
            if !out.ends_with(b"\n") {
                out.push(b'\n');
            }
            out.extend_from_slice(format!("request id: {id}\n").as_bytes());
            Some(Bytes::from(out))
        }
    }
}

/// tower-http's trace layer as Newsdesk uses it: one INFO line per
/// response, nothing at the start of a request, no second line for a 5xx
/// (the handler logged the cause).
pub fn trace_layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RequestSpan, (), LogLine, (), (), ()> {
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_request(())
        .on_response(LogLine)
        .on_body_chunk(())
        .on_eos(())
        .on_failure(())
}

/// A request's span: its method, path (no query string: it may hold what a
/// reader searched for) and id.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, req: &axum::http::Request<B>) -> tracing::Span {
        let id = req.extensions().get::<RequestId>().map_or("", RequestId::as_str);
        tracing::info_span!(target: "newsdesk::request", "request", method = %req.method(), path = req.uri().path(), request_id = id)
    }
}

/// The log line of a response: status, route pattern, latency in milliseconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct LogLine;

impl<B> OnResponse<B> for LogLine {
    fn on_response(self, res: &axum::http::Response<B>, latency: Duration, _span: &tracing::Span) {
        let route = res.extensions().get::<Route>().map_or(UNMATCHED, |r| r.0.as_str());
        tracing::info!(
            target: "newsdesk::request",
            status = res.status().as_u16(),
            route,
            latency_ms = latency.as_micros() as f64 / 1000.0,
            "request"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sane_ids_are_kept_others_replaced() {
        for good in ["abc", "0f3a-11ee-9c1b", "Root=1-5759e988-bd862e3fe1be46a994272793", "a.b:c/d+e_f"] {
            assert!(sane_request_id(good.as_bytes()), "{good}");
        }
        let long = "a".repeat(129);
        for bad in ["", "a b", "<script>", "a\"b", "ид", "a;b", long.as_str()] {
            assert!(!sane_request_id(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn ids_go_into_json_html_and_text() {
        let json = add_request_id(br#"{"error":{"code":"not_found","message":"no"}}"#, Kind::Json, "r1").unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["error"]["request_id"], "r1");
        assert_eq!(v["error"]["code"], "not_found");
        let html = add_request_id(b"<html><main><h1>Gone</h1></main></html>", Kind::Html, "r2").unwrap();
        assert_eq!(
            std::str::from_utf8(&html).unwrap(),
            "<html><main><h1>Gone</h1><p class=\"request-id\">Request id: <code>r2</code></p>\n</main></html>"
        );
        assert_eq!(&add_request_id(b"not ready", Kind::Text, "r3").unwrap()[..], b"not ready\nrequest id: r3\n");
        assert!(add_request_id(b"{not json", Kind::Json, "r4").is_none());
    }
}
