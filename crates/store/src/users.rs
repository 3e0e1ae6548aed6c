//! Newsroom accounts: who may sign in, and with which role. Passwords are
//! kept only as Argon2id hashes (made and checked by the web crate).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Result;

/// What a newsroom user may do (the rules themselves are the web crate's,
/// in one table: `web::admin::permissions`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including users and API tokens.
    Admin,
    /// Every article: edit, schedule, publish, unpublish, delete.
    Editor,
    /// Their own drafts: write them and submit them for review.
    Writer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Editor, Role::Writer];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Writer => "writer",
        }
    }

    /// Parses a stored name (or one typed on the command line, any case).
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Some(Role::Admin),
            "editor" => Some(Role::Editor),
            "writer" => Some(Role::Writer),
            _ => None,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    /// How they sign in: unique, lower case.
    pub name: String,
    /// How they are shown.
    pub display_name: String,
    /// Optional e-mail address.
    pub email: Option<String>,
    /// Their role.
    pub role: Role,
    /// The Argon2id hash of their password (PHC string).
    pub password_hash: String,
}

/// A stored user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// How they sign in.
    pub name: String,
    /// How they are shown.
    pub display_name: String,
    /// Optional e-mail address.
    pub email: Option<String>,
    /// Their role.
    pub role: Role,
    /// The Argon2id hash of their password.
    pub password_hash: String,
    /// A disabled user cannot sign in.
    pub disabled: bool,
    /// Creation time.
    pub created_at: i64,
    /// Last change (role, password, disabled).
    pub updated_at: i64,
}

/// Newsroom users.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates a user; `Conflict` when the name is taken.
    async fn create_user(&self, user: &NewUser, now: i64) -> Result<User>;
    /// A user by name (as stored: lower case).
    async fn user_by_name(&self, name: &str) -> Result<Option<User>>;
    /// A user by id.
    async fn user_by_id(&self, id: i64) -> Result<Option<User>>;
    /// Every user, by name.
    async fn users(&self) -> Result<Vec<User>>;
    /// Changes a user's role; `NotFound` when absent, `Conflict` when it
    /// would leave the site with no active admin.
    async fn set_role(&self, id: i64, role: Role, now: i64) -> Result<()>;
    /// Replaces a user's password hash; `NotFound` when absent.
    async fn set_password_hash(&self, id: i64, hash: &str, now: i64) -> Result<()>;
    /// Disables or enables a user; `NotFound` when absent, `Conflict` when
    /// disabling would leave the site with no active admin.
    async fn set_disabled(&self, id: i64, disabled: bool, now: i64) -> Result<()>;
    /// How many admins can sign in.
    async fn count_active_admins(&self) -> Result<u64>;
}
