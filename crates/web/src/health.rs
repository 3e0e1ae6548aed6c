//! Probes for load balancers and orchestrators: `/healthz` (the process
//! answers; touches nothing) and `/readyz` (the database answers: a
//! request that reads it would succeed). Never cached; plain text.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

const HEADERS: [(header::HeaderName, &str); 2] =
    [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")];

pub async fn healthz() -> Response {
    (StatusCode::OK, HEADERS, "ok\n").into_response()
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    // Migrations run before the server listens, so a store that answers has
    // them applied.
    match tokio::time::timeout(std::time::Duration::from_secs(2), state.store().ping()).await {
        Ok(Ok(_)) => (StatusCode::OK, HEADERS, "ready\n").into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, HEADERS, "not ready: the database does not answer\n").into_response()
        }
        Err(_) => {
            tracing::warn!("readiness: the database took more than 2 s to answer");
            (StatusCode::SERVICE_UNAVAILABLE, HEADERS, "not ready: the database is too slow to answer\n")
                .into_response()
        }
    }
}
