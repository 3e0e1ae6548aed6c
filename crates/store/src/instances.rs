//! Several instances of one site: change notices between them, and work
//! that one instance does for all.
//!
//! - **Notices.** After a write, an instance tells the others what it
//!   touched ([`InstanceStore::notify`]; the payload is the `content`
//!   crate's business, text of at most [`MAX_NOTICE_BYTES`]), and each
//!   instance listens ([`InstanceStore::listen`]) to keep its page cache
//!   fresh. PostgreSQL: `NOTIFY`/`LISTEN` on a channel of the site's schema,
//!   sent right after the write commits; a listener never hears its own
//!   store's notices; after a lost connection it reconnects and says
//!   [`Heard::Missed`] (notices may have been sent meanwhile). SQLite: one
//!   process serves a database file, so nobody listens and a notice goes
//!   nowhere.
//! - **Exclusive work.** [`InstanceStore::try_exclusive`] takes a named
//!   lock of the site if nobody holds it (PostgreSQL: a session advisory
//!   lock on a connection of its own, released when the [`Exclusive`] is
//!   released or dropped, or when that connection dies); SQLite: always
//!   granted.

use async_trait::async_trait;

use crate::Result;

/// The longest notice payload, in bytes (PostgreSQL's limit is 8,000 less
/// one; a little is kept for the sender's mark).
pub const MAX_NOTICE_BYTES: usize = 7_900;

/// What a listener heard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heard {
    /// A notice from another instance (or another process writing to the site).
    Notice(String),
    /// The connection was lost and made again: notices sent meanwhile were
    /// missed, so whatever they would have refreshed must be refreshed.
    Missed,
}

/// Listens to the notices of the site's other instances.
#[async_trait]
pub trait NoticeListener: Send {
    /// The next notice, waiting for it. An error says the connection cannot
    /// be made again now (the caller waits and asks again; the next success
    /// is [`Heard::Missed`]).
    async fn next(&mut self) -> Result<Heard>;
}

/// A named lock of the site, held while this lives (released when dropped
/// too).
#[async_trait]
pub trait Exclusive: Send {
    /// Releases the lock now.
    async fn release(self: Box<Self>);
}

/// Several instances of one site (module doc).
#[async_trait]
pub trait InstanceStore: Send + Sync {
    /// Tells the site's other instances `notice` (at most
    /// [`MAX_NOTICE_BYTES`]; a longer one is refused with `Conflict`).
    async fn notify(&self, notice: &str) -> Result<()>;
    /// Starts listening to the other instances' notices: `None` when the
    /// backend has no other instances (SQLite).
    async fn listen(&self) -> Result<Option<Box<dyn NoticeListener>>>;
    /// The lock named `name` if no instance of the site holds it now, or
    /// `None` (never waits).
    async fn try_exclusive(&self, name: &str) -> Result<Option<Box<dyn Exclusive>>>;
}

/// The lock of a backend with one process: nothing to release.
#[cfg(feature = "sqlite")]
pub(crate) struct Alone;

#[cfg(feature = "sqlite")]
#[async_trait]
impl Exclusive for Alone {
    async fn release(self: Box<Self>) {}
}
