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
