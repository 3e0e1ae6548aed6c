//! Newsroom sessions, kept in the database so that several instances of
//! the site share them. The cookie's session id is never stored: only its
//! SHA-256 hash, so a copy of the database signs nobody in.

use async_trait::async_trait;

use crate::{Result, User};

/// A signed-in session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the session id in the cookie, hex.
    pub id_hash: String,
    /// Who is signed in.
    pub user_id: i64,
    /// The token every newsroom form of this session carries (cross-site
    /// request forgery protection).
    pub csrf: String,
    /// When it was created (sign-in): the absolute expiry counts from here.
    pub created_at: i64,
    /// When it was last used: the idle expiry counts from here.
    pub last_seen: i64,
}

/// Sessions.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new session.
    async fn create_session(&self, session: &Session) -> Result<()>;
    /// A session and its user, by the hash of its id.
    async fn session_with_user(&self, id_hash: &str) -> Result<Option<(Session, User)>>;
    /// Marks a session as used at `now`.
    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()>;
    /// Ends a session (signing out); ending one that is gone is no error.
    async fn delete_session(&self, id_hash: &str) -> Result<()>;
    /// Ends every session of a user (disabled, new password); how many.
    async fn delete_user_sessions(&self, user_id: i64) -> Result<u64>;
    /// Removes sessions idle since before `idle_before` or created before
    /// `created_before`; how many.
    async fn delete_expired_sessions(&self, idle_before: i64, created_before: i64) -> Result<u64>;
}
