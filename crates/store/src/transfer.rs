//! Moving a whole site from one database to another (`newsdesk migrate`):
//! every stored record read in bulk as it is, and written back as it was
//! (ids, versions, times, password and token hashes, summaries, key
//! phrases, revisions, pictures), through the store on both sides, so a
//! copy goes between backends (SQLite ↔ PostgreSQL) as well as between two
//! databases of one.
//!
//! What is not copied is made again by writing: on SQLite the list counts
//! (`list_counts`, `list_weeks`) and the copies of an article's slug,
//! status and time in its tag, author and key phrase rows are kept by
//! triggers as rows are written; the search terms are written from
//! [`NewArticle::search`](crate::NewArticle::search), which a stored
//! article does not carry (the caller makes them again, or leaves them to
//! be made when `serve` starts).

use async_trait::async_trait;

use crate::{Article, NewMedia, Result, Revision, Session, TokenInfo, User};

/// Every table a site has, by the name both backends count it under with
/// [`TransferStore::table_counts`]. `article_search` is one row per
/// article on both (SQLite's full-text table itself has no row count that
/// means anything; its row table, `article_search_rows`, is counted).
pub const TABLES: [&str; 17] = [
    "users",
    "api_tokens",
    "sessions",
    "sign_in_failures",
    "media",
    "media_files",
    "articles",
    "article_bodies",
    "article_tags",
    "article_authors",
    "article_summaries",
    "article_summary_picks",
    "article_desk",
    "article_revisions",
    "article_phrases",
    "article_phrase_rows",
    "article_search",
];

/// An article as stored with its revisions, oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredArticle {
    /// The article (its id, version and creation time included).
    pub article: Article,
    /// Its revisions, by number.
    pub revisions: Vec<Revision>,
}

/// A picture as stored: its id, and everything it was stored with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMedia {
    /// Row id (articles refer to pictures by their files' hashes, not by
    /// this; it is kept so a copy is the same).
    pub id: i64,
    /// The picture and its files, with their bytes.
    pub media: NewMedia,
}

/// Everything a site holds, as read by [`TransferStore`] (a copy of a
/// small site held at once, for tests).
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// Users.
    pub users: Vec<User>,
    /// API tokens.
    pub tokens: Vec<TokenInfo>,
    /// Sessions.
    pub sessions: Vec<Session>,
    /// Failed sign-ins.
    pub failures: Vec<SignInFailure>,
    /// Pictures.
    pub media: Vec<StoredMedia>,
    /// Articles with their revisions.
    pub articles: Vec<StoredArticle>,
}

/// A failed sign-in (see [`ThrottleStore`](crate::ThrottleStore)).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SignInFailure {
    /// `user:NAME` or `addr:ADDRESS`.
    pub key: String,
    /// When.
    pub at: i64,
}

/// Bulk reads and writes of whole records, for copying a site. The writes
/// keep ids and times as given (they are meant for an empty database: a
/// record whose id or unique key is taken fails the batch, which is written
/// whole or not at all), and leave the database ready for ordinary writes
/// (new ids come after the copied ones).
#[async_trait]
pub trait TransferStore: Send + Sync {
    /// How many rows each of [`TABLES`] holds, in that order.
    async fn table_counts(&self) -> Result<Vec<(&'static str, u64)>>;
    /// Whether the site holds anything at all (a row in any of [`TABLES`]).
    async fn is_empty(&self) -> Result<bool> {
        Ok(self.table_counts().await?.iter().all(|(_, n)| *n == 0))
    }
    /// Deletes everything the site holds (every table of [`TABLES`], and
    /// with them what triggers keep), in one transaction.
    async fn clear_site(&self) -> Result<()>;

    /// Up to `limit` articles whose id is above `after`, by id, each with
    /// its revisions (read in one transaction).
    async fn articles_after(&self, after: i64, limit: u32) -> Result<Vec<StoredArticle>>;
    /// Up to `limit` pictures whose id is above `after`, by id, with their
    /// files' bytes.
    async fn media_after(&self, after: i64, limit: u32) -> Result<Vec<StoredMedia>>;
    /// Every session.
    async fn all_sessions(&self) -> Result<Vec<Session>>;
    /// Every failed sign-in still kept.
    async fn all_sign_in_failures(&self) -> Result<Vec<SignInFailure>>;

    /// Writes users as given (ids, password hashes, times, disabled).
    async fn put_users(&self, users: &[User]) -> Result<()>;
    /// Writes API tokens as given (ids, hashes, revocations).
    async fn put_tokens(&self, tokens: &[TokenInfo]) -> Result<()>;
    /// Writes sessions as given (their users first).
    async fn put_sessions(&self, sessions: &[Session]) -> Result<()>;
    /// Writes failed sign-ins as given.
    async fn put_sign_in_failures(&self, failures: &[SignInFailure]) -> Result<()>;
    /// Writes pictures with their files as given (ids included).
    async fn put_media_as_stored(&self, media: &[StoredMedia]) -> Result<()>;
    /// Writes a consistent copy of the whole database to a new file at
    /// `path` while the site may be serving (SQLite: `VACUUM INTO`, one read
    /// transaction, so the copy is the database at one moment, pictures
    /// included), then checks the copy (`PRAGMA integrity_check`); `path`
    /// must not exist. Other backends answer `Unsupported` with the tool to
    /// use instead (PostgreSQL: `pg_dump`).
    async fn backup_into(&self, path: &std::path::Path) -> Result<()>;
    /// Writes articles as given: id, version, creation and update times,
    /// summaries (not made again), picks, key phrases (with their rule's
    /// version), owner and submitted state, the search terms of
    /// `article.data.search`, and their revisions; in one transaction.
    async fn put_articles(&self, articles: &[StoredArticle]) -> Result<()>;
}

/// What both backends' copies share: records from rows (the same column
/// names on both) and a revision as its insert statement takes it.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) mod rows {
    use crate::revisions::{Stored, info_from_row, snapshot_of};
    use crate::{Db, NewMedia, NewMediaFile, Result, Revision, RevisionNote, Session};

    use super::StoredMedia;

    /// A file of a picture with its bytes (`width`, `height`, `hash`,
    /// `content_type`, `bytes`).
    pub fn media_file<'r, R: sqlx::Row>(r: &'r R) -> Result<NewMediaFile>
    where
        &'static str: sqlx::ColumnIndex<R>,
        i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        Ok(NewMediaFile {
            hash: r.try_get("hash").db()?,
            content_type: r.try_get("content_type").db()?,
            width: r.try_get("width").db()?,
            height: r.try_get("height").db()?,
            bytes: r.try_get("bytes").db()?,
        })
    }

    /// A picture's row (`id`, `source_hash`, `source_format`,
    /// `source_bytes`, `width`, `height`, `created_by`, `created_at`) with
    /// its files.
    pub fn media<'r, R: sqlx::Row>(r: &'r R, files: Vec<NewMediaFile>) -> Result<StoredMedia>
    where
        &'static str: sqlx::ColumnIndex<R>,
        i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        Ok(StoredMedia {
            id: r.try_get("id").db()?,
            media: NewMedia {
                source_hash: r.try_get("source_hash").db()?,
                source_format: r.try_get("source_format").db()?,
                source_bytes: r.try_get("source_bytes").db()?,
                width: r.try_get("width").db()?,
                height: r.try_get("height").db()?,
                files,
                created_by: r.try_get("created_by").db()?,
                created_at: r.try_get("created_at").db()?,
            },
        })
    }

    /// A session's row (`id_hash`, `user_id`, `csrf`, `created_at`, `last_seen`).
    pub fn session<'r, R: sqlx::Row>(r: &'r R) -> Result<Session>
    where
        &'static str: sqlx::ColumnIndex<R>,
        i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        Ok(Session {
            id_hash: r.try_get("id_hash").db()?,
            user_id: r.try_get("user_id").db()?,
            csrf: r.try_get("csrf").db()?,
            created_at: r.try_get("created_at").db()?,
            last_seen: r.try_get("last_seen").db()?,
        })
    }

    /// A revision's row with its `snapshot`.
    pub fn revision<'r, R: sqlx::Row>(r: &'r R) -> Result<Revision>
    where
        &'static str: sqlx::ColumnIndex<R>,
        i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        let info = info_from_row(r)?;
        let snapshot: String = r.try_get("snapshot").db()?;
        Ok(Revision { snapshot: snapshot_of(info.number, &snapshot)?, info })
    }

    /// A revision read back, as `bind_revision` writes it.
    pub fn note_of(r: &Revision) -> (RevisionNote, Stored) {
        let note = RevisionNote {
            by: r.info.by.clone(),
            at: r.info.at,
            changed: r.info.changed.clone(),
            restored_from: r.info.restored_from,
        };
        let stored = Stored::of_revision(&note, &r.snapshot);
        (note, stored)
    }
}
