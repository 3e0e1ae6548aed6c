//! Work that is not a cache hit, off the loops that serve connections.
//!
//! The server runs one single-threaded loop per core for its connections
//! (`newsdesk serve`): a page from the cache is answered there without a
//! thread hop. What waits on the database many times over (a write's
//! transaction, a render's queries) would wait there too, behind every
//! connection the loop serves, for each of its steps: under a few hundred
//! readers, a write held SQLite's one write lock for tens of milliseconds
//! more, and a render kept its waiting reader as long. Given a background
//! runtime ([`crate::Options::background`]), renders run there (the page
//! cache spawns them), and so does every request but `GET` and `HEAD` (the
//! writes: API, newsroom forms), whole, through [`Background`].

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::runtime::Handle;
use tower::ServiceExt as _;

/// Runs the requests that are not `GET` or `HEAD` on a background runtime,
/// when given one; otherwise a no-op.
#[derive(Clone, Debug, Default)]
pub struct Background(pub Option<Handle>);

impl<S> tower::Layer<S> for Background {
    type Service = BackgroundService<S>;
    fn layer(&self, inner: S) -> BackgroundService<S> {
        BackgroundService { inner, runtime: self.0.clone() }
    }
}

/// [`Background`] around a service.
#[derive(Clone, Debug)]
pub struct BackgroundService<S> {
    inner: S,
    runtime: Option<Handle>,
}

type Answer = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl<S> tower::Service<Request> for BackgroundService<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Answer;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Answer {
        match &self.runtime {
            Some(runtime) if !matches!(*req.method(), Method::GET | Method::HEAD) => {
                // The clone is not the service polled ready: `oneshot` waits for it.
                let inner = self.inner.clone();
                let task = runtime.spawn(inner.oneshot(req));
                Box::pin(async move {
                    match task.await {
                        Ok(answer) => answer,
                        Err(e) => {
                            tracing::error!(error = %e, "a request's task failed");
                            Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response())
                        }
                    }
                })
            }
            _ => Box::pin(self.inner.call(req)),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::routing::get;

    use super::*;

    /// On a runtime of one thread, with a background runtime of its own: a
    /// write is answered from a background thread, a read from the caller's.
    #[test]
    fn writes_run_on_the_background_runtime_and_reads_stay() {
        let background = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("background-test")
            .enable_all()
            .build()
            .unwrap();
        let thread = || std::thread::current().name().unwrap_or_default().to_owned();
        let app =
            axum::Router::new().route("/", get(move || async move { thread() }).post(move || async move { thread() }));
        let app = tower::ServiceBuilder::new().layer(Background(Some(background.handle().clone()))).service(app);
        let front = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (read, write) = std::thread::Builder::new()
            .name("front-test".into())
            .spawn(move || {
                front.block_on(async move {
                    let body = |r: Response| async move {
                        String::from_utf8(axum::body::to_bytes(r.into_body(), 100).await.unwrap().to_vec()).unwrap()
                    };
                    let read = app.clone().oneshot(Request::get("/").body(Body::empty()).unwrap()).await.unwrap();
                    let write = app.oneshot(Request::post("/").body(Body::empty()).unwrap()).await.unwrap();
                    (body(read).await, body(write).await)
                })
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!((read.as_str(), write.as_str()), ("front-test", "background-test"));
    }
}
