//! Uploading a picture from the editor. The editor's "Upload picture"
//! button sends the whole article form, with the chosen file, as
//! `multipart/form-data` to `…/picture` (`formaction`): the picture is
//! converted and stored (`crate::pictures::upload`), and the editor comes
//! back with everything as typed and the new picture as the lead image,
//! to be saved with the article. A refused file gets its reason next to
//! the lead image field, and nothing is stored. The same session checks
//! as every newsroom form ([`super::session::Posted`]): the site's
//! origin, and the session's CSRF token among the fields.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use store::Article;

use super::articles::{Editor, SlugPath, load, refusal};
use super::form::{ArticleForm, FieldError};
use super::pages::{forbidden, internal, message_page};
use super::permissions::{Action, Subject, allowed};
use super::session::{Signed, forbidden_form, same_origin, secrets_match};
use crate::pictures::UploadError;
use crate::{AppState, now};

/// The largest upload body: a picture at the `media` crate's limit, and
/// the article form beside it (not percent-encoded in a multipart body).
pub const UPLOAD_LIMIT: usize = media_limit() + super::FORM_LIMIT;

const fn media_limit() -> usize {
    // `media::Limits::default().max_bytes`, which is not `const`.
    20 * 1000 * 1000
}

/// Whether a path is an upload route (the door lets it bring more).
pub fn is_upload_path(path: &str) -> bool {
    path.strip_prefix("/admin/articles/")
        .and_then(|rest| rest.strip_suffix("/picture"))
        .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'))
}

/// The name of the file field.
const FILE_FIELD: &str = "picture";

/// A multipart form with a file: its text fields as `T` (read as the
/// urlencoded form would be), and the file, if one was chosen.
pub struct Upload<T> {
    /// Who sent it.
    pub who: Signed,
    /// The text fields.
    pub form: T,
    /// The chosen file and its name as sent (`None`: no file chosen).
    pub file: Option<(Bytes, Option<String>)>,
}

fn too_large(state: &AppState, who: &Signed) -> Response {
    message_page(
        state,
        Some(who),
        StatusCode::PAYLOAD_TOO_LARGE,
        "Too large",
        &format!(
            "The picture is larger than the newsroom accepts ({} MB). Nothing was stored: go back, choose a smaller file, and upload it again.",
            media_limit() / 1_000_000
        ),
    )
}

impl<T: serde::de::DeserializeOwned + Send> FromRequest<AppState> for Upload<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Upload<T>, Response> {
        let (mut parts, body) = req.into_parts();
        let who = Signed::from_request_parts(&mut parts, state).await?;
        if !same_origin(state, &parts.headers) {
            tracing::warn!(user = %who.user.name, path = %parts.uri.path(), "newsroom upload from another origin refused");
            return Err(forbidden_form(state));
        }
        let unreadable = |state: &AppState, who: &Signed| {
            message_page(
                state,
                Some(who),
                StatusCode::BAD_REQUEST,
                "Bad request",
                "The form could not be read (a picture is sent as multipart/form-data).",
            )
        };
        let Ok(mut multipart) = Multipart::from_request(Request::from_parts(parts, body), state).await else {
            return Err(unreadable(state, &who));
        };
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut file = None;
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(state, &who)),
                Err(_) => return Err(unreadable(state, &who)),
            };
            let name = field.name().unwrap_or_default().to_owned();
            if name == FILE_FIELD {
                let file_name = field.file_name().map(str::to_owned).filter(|n| !n.is_empty());
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(state, &who)),
                    Err(_) => return Err(unreadable(state, &who)),
                };
                // A file input left empty sends an empty part without a name.
                if !bytes.is_empty() || file_name.is_some() {
                    file = Some((bytes, file_name));
                }
            } else {
                match field.text().await {
                    Ok(text) => fields.push((name, text)),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(state, &who)),
                    Err(_) => return Err(unreadable(state, &who)),
                }
            }
        }
        let token = fields.iter().find(|(k, _)| k == "csrf").map_or("", |(_, v)| v.as_str());
        if !secrets_match(token, &who.session.csrf) {
            tracing::warn!(user = %who.user.name, "newsroom upload without its session's token refused");
            return Err(forbidden_form(state));
        }
        // The same reading of the fields as the urlencoded form's.
        let form = serde_urlencoded::to_string(&fields)
            .ok()
            .and_then(|encoded| serde_urlencoded::from_str(&encoded).ok())
            .ok_or_else(|| unreadable(state, &who))?;
        Ok(Upload { who, form, file })
    }
}

/// `POST /admin/articles/new/picture`: a picture for an article not saved yet.
pub async fn upload_new(State(state): State<AppState>, upload: Upload<ArticleForm>) -> Response {
    if !allowed(upload.who.actor(), Action::Create, None) {
        return forbidden(&state, &upload.who, &refusal(&upload.who, None, Action::Create));
    }
    attach(&state, upload, None).await
}

/// `POST /admin/articles/{slug}/picture`: a picture for an article.
pub async fn upload(State(state): State<AppState>, slug: SlugPath, upload: Upload<ArticleForm>) -> Response {
    let current = match load(&state, &upload.who, slug).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    if !allowed(upload.who.actor(), Action::Edit, Some(Subject::from(&current))) {
        return forbidden(&state, &upload.who, &refusal(&upload.who, Some(&current), Action::Edit));
    }
    attach(&state, upload, Some(&current)).await
}

/// Stores the picture and shows the editor again with it as the lead image
/// (the article itself is saved by the editor's own buttons).
async fn attach(state: &AppState, upload: Upload<ArticleForm>, stored: Option<&Article>) -> Response {
    let Upload { who, form, file } = upload;
    let mut form = form.normalized();
    let refused = |form: ArticleForm, message: String| {
        let who = &who;
        async move {
            let error = FieldError { field: "lead_image", message };
            Editor { who, stored, form, error: Some(error), notice: None, conflict: None, previewing: false }
                .render(state, StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
    };
    let Some((bytes, name)) = file else {
        return refused(form, "Choose a picture to upload first (JPEG, PNG, WebP or GIF).".into()).await;
    };
    let size = bytes.len();
    match crate::pictures::upload(state, bytes, name.clone(), Some(who.user.id), now()).await {
        Ok(media) => {
            let Some(top) = media.files.last() else { return internal("a stored picture without files") };
            tracing::info!(
                user = %who.user.name,
                bytes = size,
                width = media.width,
                height = media.height,
                files = media.files.len(),
                "picture uploaded"
            );
            form.lead_image = crate::pictures::file_url(&top.hash, &top.content_type);
            let notice = if form.lead_image_alt.trim().is_empty() {
                "Picture uploaded: it is the lead image now. Describe it in the alt text, then save the article."
            } else {
                "Picture uploaded: it is the lead image now. Save the article to keep it."
            };
            Editor { who: &who, stored, form, error: None, notice: Some(notice), conflict: None, previewing: false }
                .render(state, StatusCode::OK)
                .await
        }
        Err(UploadError::Media(e)) => {
            tracing::info!(user = %who.user.name, bytes = size, name = ?name, error = %e, "picture refused");
            refused(form, e.to_string()).await
        }
        Err(UploadError::Internal(e)) => internal(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_paths() {
        assert!(is_upload_path("/admin/articles/new/picture"));
        assert!(is_upload_path("/admin/articles/a-b/picture"));
        assert!(!is_upload_path("/admin/articles/picture"));
        assert!(!is_upload_path("/admin/articles//picture"));
        assert!(!is_upload_path("/admin/articles/a/b/picture"));
        assert!(!is_upload_path("/admin/articles/a"));
        assert!(!is_upload_path("/api/articles/a/picture"));
        assert_eq!(media_limit(), media::Limits::default().max_bytes);
    }
}
