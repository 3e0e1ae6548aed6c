//! Summarizing any text.

use axum::Json;
use axum::extract::State;
use summarize::{Lang, Length, Options};

use super::dto::{SummarizeRequest, SummarizeResponse, SummarizedSentence};
use super::extract::JsonBody;
use crate::error::ErrorBody;
use crate::limits::ExpensiveAllowed;
use crate::{ApiError, AppState};

/// Summarizes any text (at most 1 MiB of JSON). Rate limited per client
/// (429 with `Retry-After`; a valid API token is not limited), and a few
/// run at once (503 with `Retry-After` when all are busy).
#[utoipa::path(post, path = "/api/summarize", tag = "summarizer", request_body = SummarizeRequest,
    responses((status = 200, body = SummarizeResponse), (status = 400, body = ErrorBody), (status = 408, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds until the client may try again"))),
        (status = 503, body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn summarize_text(
    State(state): State<AppState>,
    _allowed: ExpensiveAllowed,
    JsonBody(req): JsonBody<SummarizeRequest>,
) -> Result<Json<SummarizeResponse>, ApiError> {
    let n = req.sentences.unwrap_or(3);
    if !(1..=50).contains(&n) {
        return Err(ApiError::invalid("sentences must be from 1 to 50"));
    }
    let lang = match req.lang.as_deref() {
        None => None,
        Some(code) => match Lang::from_code(code) {
            Some(lang) => Some(lang),
            // Any language: those the summarizer does not know by word boundaries.
            None if content::is_language_tag(code) => Some(Lang::Other),
            None => {
                return Err(ApiError::invalid(format!(
                    "lang must be a language code such as en, pl or pt-BR, got {code:?}"
                )));
            }
        },
    };
    if req.text.trim().is_empty() {
        return Err(ApiError::invalid("text must not be empty"));
    }
    let slot = state.expensive().slot()?;
    let summarizer = state.summarizer().clone();
    let res = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let started = std::time::Instant::now();
        let s = summarizer.summarize(
            &req.text,
            &Options { length: Length::Sentences(n), title: req.title.as_deref(), lang, keywords: 8 },
        );
        crate::prometheus::api_summary(started.elapsed());
        SummarizeResponse {
            lang: s.lang.code().to_owned(),
            summary: s.text(),
            bullets: s.bullets(),
            total_sentences: s.total_sentences,
            keywords: s.keywords,
            version: summarize::VERSION.to_owned(),
            sentences: s
                .sentences
                .into_iter()
                .map(|e| SummarizedSentence { index: e.index, start: e.start, end: e.end, text: e.text })
                .collect(),
        }
    })
    .await
    .map_err(ApiError::internal)?;
    Ok(Json(res))
}
