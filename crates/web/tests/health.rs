//! `/healthz` and `/readyz` through the real router.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use store::SqliteStore;
use summarize::Summarizer;
use tower::ServiceExt;
use web::{AppState, SiteConfig, app};

#[tokio::test]
async fn probes_answer_plain_text_never_cached() {
    let store = SqliteStore::open(":memory:").await.unwrap();
    let state = AppState::new(Arc::new(store), Arc::new(Summarizer::new()), SiteConfig::default());
    for (path, body) in [("/healthz", "ok\n"), ("/readyz", "ready\n")] {
        let res = app(state.clone()).oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store", "{path}");
        assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/plain"), "{path}");
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        assert_eq!(bytes, body.as_bytes(), "{path}");
    }
}

/// Every response carries a request id (the client's when sane, else a new
/// one), and every error response's body carries it too: the API's JSON
/// errors (from a handler, from the router's fallback, from the door's body
/// limit, from a refused body), the reader's HTML error page and the
/// newsroom's.
#[tokio::test]
async fn request_ids_are_echoed_and_in_every_error_body() {
    let store = SqliteStore::open(":memory:").await.unwrap();
    let state = AppState::new(Arc::new(store), Arc::new(Summarizer::new()), SiteConfig::default());
    let send = |req: Request<Body>| {
        let state = state.clone();
        async move {
            let res = app(state).oneshot(req).await.unwrap();
            let status = res.status();
            let id = res.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_owned());
            let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
            (status, id, String::from_utf8(bytes.to_vec()).unwrap())
        }
    };
    // A sane id is kept; an unsafe one (markup) or none gets a new one, different each time.
    let (status, id, _) =
        send(Request::get("/healthz").header("x-request-id", "lb-42.a:b").body(Body::empty()).unwrap()).await;
    assert_eq!((status, id.as_deref()), (StatusCode::OK, Some("lb-42.a:b")));
    let (_, bad, _) =
        send(Request::get("/healthz").header("x-request-id", "<b>x</b>").body(Body::empty()).unwrap()).await;
    let (_, none, _) = send(Request::get("/healthz").body(Body::empty()).unwrap()).await;
    let (bad, none) = (bad.unwrap(), none.unwrap());
    assert!(bad.len() == 16 && bad.bytes().all(|b| b.is_ascii_hexdigit()), "{bad}");
    assert!(none.len() == 16 && none != bad, "{none} {bad}");

    let json_errors = [
        Request::get("/api/articles/no-such").header("x-request-id", "api-1").body(Body::empty()).unwrap(),
        Request::get("/api/no-such-route").header("x-request-id", "api-2").body(Body::empty()).unwrap(),
        Request::post("/api/articles")
            .header("x-request-id", "api-3")
            .header(header::CONTENT_LENGTH, (web::BODY_LIMIT + 1).to_string())
            .body(Body::from(vec![b' '; web::BODY_LIMIT + 1]))
            .unwrap(),
        Request::post("/api/summarize")
            .header("x-request-id", "api-4")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{not json"))
            .unwrap(),
    ];
    for (i, req) in json_errors.into_iter().enumerate() {
        let want = format!("api-{}", i + 1);
        let (status, id, body) = send(req).await;
        assert!(status.is_client_error(), "{want}: {status}");
        assert_eq!(id.as_deref(), Some(want.as_str()));
        let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{want}: {e}: {body}"));
        assert_eq!(v["error"]["request_id"], want.as_str(), "{body}");
        assert!(v["error"]["code"].is_string(), "{body}");
    }
    for (path, id) in [("/articles/no-such", "page-1"), ("/admin/no-such-page", "page-2")] {
        let (status, got, body) =
            send(Request::get(path).header("x-request-id", id).body(Body::empty()).unwrap()).await;
        assert_eq!((status, got.as_deref()), (StatusCode::NOT_FOUND, Some(id)), "{path}");
        let line = format!("<p class=\"request-id\">Request id: <code>{id}</code></p>\n</main>");
        assert!(body.contains(&line), "{path}: {body}");
    }
    // A success is left as it is.
    let (_, _, body) = send(Request::get("/healthz").header("x-request-id", "ok-1").body(Body::empty()).unwrap()).await;
    assert_eq!(body, "ok\n");
}
