//! API tokens: who may write through the API, and who may read drafts.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{ApiError, AppState};

/// A caller that showed a valid API token.
pub struct Editor {
    /// The token's name.
    pub name: String,
}

/// A new random API token: "nd_" and 64 hex digits (256 bits). Shown once;
/// only its [`token_hash`] is kept.
pub fn new_token() -> String {
    format!("nd_{}", crate::admin::accounts::random_hex(32))
}

/// How a token is stored: SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What the Authorization header shows.
enum Shown {
    /// No Authorization header.
    Nothing,
    /// A token in force.
    Editor(Editor),
    /// Something else: why it does not count.
    Invalid(&'static str),
}

/// The token of an `Authorization: Bearer <token>` value. The scheme's
/// name is case-insensitive (RFC 9110, 11.1): `bearer` and `BEARER` too.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim_start().split_once([' ', '\t'])?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Reads the Authorization header; an error only when the store fails.
async fn check_token(state: &AppState, parts: &Parts) -> Result<Shown, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else { return Ok(Shown::Nothing) };
    let Some(token) = value.to_str().ok().and_then(bearer_token).filter(|t| !t.is_empty()) else {
        return Ok(Shown::Invalid("the Authorization header must be `Bearer <token>`"));
    };
    let presented = token_hash(token);
    let mut found = None;
    for (name, hash) in state.store().active_token_hashes().await? {
        // Compare every hash in constant time, and do not stop at a match.
        if bool::from(hash.as_bytes().ct_eq(presented.as_bytes())) {
            found = Some(name);
        }
    }
    Ok(match found {
        Some(name) => Shown::Editor(Editor { name }),
        None => Shown::Invalid("unknown or revoked API token"),
    })
}

impl FromRequestParts<AppState> for Editor {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Editor, ApiError> {
        match check_token(state, parts).await? {
            Shown::Editor(editor) => Ok(editor),
            Shown::Invalid(why) => Err(ApiError::unauthorized(why)),
            Shown::Nothing => Err(ApiError::unauthorized("this needs an API token (Authorization: Bearer <token>)")),
        }
    }
}

/// On the public reads (one article, its summary): an editor when a valid
/// token is shown, who may then also read drafts and scheduled articles;
/// anybody otherwise. A wrong, stale or revoked token counts as no token, not
/// as an error: these reads need no token, so a client that holds an old one
/// still gets what any reader gets (as the list of articles, which never
/// looks at the header, always did), and a draft stays a 404 to it. Writes
/// still answer 401 to such a token ([`Editor`]).
pub struct MaybeEditor(pub Option<Editor>);

impl FromRequestParts<AppState> for MaybeEditor {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<MaybeEditor, ApiError> {
        Ok(MaybeEditor(match check_token(state, parts).await? {
            Shown::Editor(editor) => Some(editor),
            Shown::Nothing | Shown::Invalid(_) => None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn the_scheme_is_case_insensitive() {
        for v in ["Bearer abc", "bearer abc", "BEARER abc", "bEaReR  abc ", "Bearer\tabc"] {
            assert_eq!(bearer_token(v), Some("abc"), "{v:?}");
        }
        for v in ["Basic abc", "Bearerabc", "Bearer", "Token abc"] {
            assert_ne!(bearer_token(v), Some("abc"), "{v:?}");
        }
    }
}
