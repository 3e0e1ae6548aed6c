//! Newsdesk persistence.
//!
//! The rest of Newsdesk talks to storage only through the [`Store`] trait,
//! and gets one from [`open`], which chooses the backend from the location:
//! the embedded SQLite ([`SqliteStore`], Cargo feature `sqlite`) for a path,
//! `sqlite:` URL or `:memory:`, PostgreSQL ([`PostgresStore`], feature
//! `postgres`) for a `postgres://` or `postgresql://` URL. Both are built by
//! default. The types here are plain records: validation, rendering and
//! summarizing happen before a record gets here (crate `content`), so a
//! store only keeps and finds things. Every backend passes the same
//! conformance suite (`store::testing`, feature `testing`).
//!
//! Times are Unix seconds, UTC. Text never contains U+0000 (the `content`
//! crate refuses it; PostgreSQL cannot store it).

#![forbid(unsafe_code)]

mod desk;
mod instances;
mod location;
mod media;
#[cfg(feature = "postgres")]
mod postgres;
mod related;
mod revisions;
mod search;
mod sessions;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
mod throttle;
pub mod transfer;
mod users;

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use desk::{DeskFacets, DeskItem, DeskQuery, DeskStore};
pub use instances::{Exclusive, Heard, InstanceStore, MAX_NOTICE_BYTES, NoticeListener};
pub use location::{Kind, redact, sqlite_file};
pub use media::{MAX_MEDIA_LOOKUP, Media, MediaFile, MediaFileInfo, MediaStore, NewMedia, NewMediaFile};
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
pub use related::{
    Candidate, FILL_TO, Key, KeyPhrases, Listed, MAX_KEYS, PHRASE_WEIGHT, QueuedLists, REFRESHED, RELATED_VERSION,
    RelatedArticle, RelatedQuery, RelatedStore, STORED, TAG_WEIGHT, WINDOW, rank, same_list, shown, specificity,
    stored_list,
};
pub use revisions::{Revision, RevisionInfo, RevisionNote, RevisionStore, Snapshot, WrittenBy};
pub use search::{MAX_QUERY_PHRASES, Phrase, Reading, SearchHit, SearchQuery, SearchStore, SearchText};
pub use sessions::{Session, SessionStore};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use throttle::ThrottleStore;
pub use transfer::TransferStore;
pub use users::{NewUser, Role, User, UserStore};

/// What can go wrong in a store. The backend's own errors are carried as
/// text, so no database library shows in this interface.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No such article or token.
    #[error("not found")]
    NotFound,
    /// The slug (or token name) is already taken.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The article changed since it was read: its version is no longer the
    /// one the write expected (optimistic concurrency).
    #[error("the article changed since it was read (now at version {current})")]
    VersionConflict {
        /// The version stored now.
        current: i64,
    },
    /// The database failed (the backend's message).
    #[error("database error: {0}")]
    Database(String),
    /// The database could not be migrated (the backend's message).
    #[error("migration error: {0}")]
    Migrate(String),
    /// A stored value could not be read back.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// The database cannot be opened or created there; the reason, in plain
    /// words ("the folder /x does not exist", "connection refused").
    #[error("{0}")]
    CannotOpen(String),
    /// The location names a backend this build does not have.
    #[error("unsupported database: {0}")]
    Unsupported(String),
}

/// How to open a store, besides its location.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The most connections the pool opens (`None`: the backend's default,
    /// [`SQLITE_POOL`] or [`POSTGRES_POOL`]).
    pub max_connections: Option<u32>,
}

impl Options {
    /// These options with at most `n` connections (`None`: the default).
    pub fn max_connections(mut self, n: Option<u32>) -> Options {
        self.max_connections = n.filter(|n| *n > 0);
        self
    }
}

/// The default pool size of the readers of a SQLite database file (in
/// parallel; the writes have a connection of their own, one at a time).
pub const SQLITE_POOL: u32 = 8;
/// The default pool size for PostgreSQL: enough for the readers and writers
/// of one instance, small enough that several instances stay well under the
/// server's `max_connections` (100 by default).
pub const POSTGRES_POOL: u32 = 10;

/// Opens the store at `location`, creating and migrating it as needed: a
/// path, `sqlite:` URL or `:memory:` is SQLite, a `postgres://` or
/// `postgresql://` URL is PostgreSQL (TLS as its `sslmode` says).
pub async fn open(location: &str) -> Result<Arc<dyn Store>> {
    open_with(location, &Options::default()).await
}

/// [`open`] with options (the pool's size).
pub async fn open_with(location: &str, options: &Options) -> Result<Arc<dyn Store>> {
    #[cfg(not(any(feature = "sqlite", feature = "postgres")))]
    let _ = options;
    match Kind::of(location)? {
        #[cfg(feature = "sqlite")]
        Kind::Sqlite => Ok(Arc::new(SqliteStore::open_with(location, options).await?)),
        #[cfg(feature = "postgres")]
        Kind::Postgres => Ok(Arc::new(PostgresStore::open_with(location, options).await?)),
        #[allow(unreachable_patterns, reason = "with both backends built, every kind is matched above")]
        kind => Err(StoreError::Unsupported(format!(
            "this build of Newsdesk has no {} support (built without the Cargo feature {:?})",
            kind.name(),
            kind.feature()
        ))),
    }
}

/// A store result.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A backend's error as a [`StoreError`]: crate-private, so that no database
/// library shows in the public interface (a `From` impl would).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn db_error(e: sqlx::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

/// A token's create refused because an active token has `name`: both
/// backends' words for it.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn token_name_taken(name: &str) -> StoreError {
    StoreError::Conflict(format!("an active token named {name} exists (revoke it first to reuse the name)"))
}

/// `.db()?` turns a backend's result into a store result.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) trait Db<T> {
    fn db(self) -> Result<T>;
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl<T> Db<T> for std::result::Result<T, sqlx::Error> {
    fn db(self) -> Result<T> {
        self.map_err(db_error)
    }
}

/// An article's publication status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Never shown to readers.
    Draft,
    /// A draft a writer submitted for review: never shown to readers (a
    /// store keeps it as a draft, so no reader query can show it).
    Submitted,
    /// Shown from its publication time on.
    Scheduled,
    /// Shown (from its publication time on).
    #[default]
    Published,
}

impl Status {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Scheduled => "scheduled",
            Status::Published => "published",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "submitted" => Some(Status::Submitted),
            "scheduled" => Some(Status::Scheduled),
            "published" => Some(Status::Published),
            _ => None,
        }
    }

    /// Whether readers see the article (from its publication time on):
    /// scheduled and published articles; never drafts or submitted ones.
    pub fn is_public(self) -> bool {
        matches!(self, Status::Scheduled | Status::Published)
    }
}

/// What summary an article shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SummaryMode {
    /// The automatic, extractive summary.
    #[default]
    Auto,
    /// Sentences of the article the editors picked
    /// ([`NewArticle::summary_picks`]), word for word. Stored as `auto` with
    /// the picks beside it (the automatic summaries are kept too: readers get
    /// them when a picked sentence is no longer in the body).
    Picked,
    /// The editors' own text.
    Custom,
    /// No summary at all.
    Off,
}

impl SummaryMode {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SummaryMode::Auto => "auto",
            SummaryMode::Custom => "custom",
            SummaryMode::Off => "off",
            SummaryMode::Picked => "picked",
        }
    }

    /// The name written in the `summary_mode` column, whose values a
    /// constraint of the first schema fixes (`auto`, `custom`, `off`): a
    /// picked summary is stored as `auto`, with its picks in a table of their
    /// own (migration 0012), and read back as [`SummaryMode::Picked`].
    pub fn stored(self) -> &'static str {
        match self {
            SummaryMode::Picked => "auto",
            other => other.as_str(),
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<SummaryMode> {
        match s {
            "auto" => Some(SummaryMode::Auto),
            "custom" => Some(SummaryMode::Custom),
            "off" => Some(SummaryMode::Off),
            "picked" => Some(SummaryMode::Picked),
            _ => None,
        }
    }
}

/// A name with its URL slug (an author, a section, a tag).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    /// As written.
    pub name: String,
    /// As in URLs.
    pub slug: String,
}

/// What a [`Named`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameKind {
    /// An article's section.
    Section,
    /// One of its tags.
    Tag,
    /// One of its authors.
    Author,
}

/// Whether an article's stored tag (or author) rows, `(slug, name)` in any
/// order, are those `names` would write: the first name of each slug, as
/// both backends keep it. An update that would write them the same leaves
/// them as they are.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn same_names(mut stored: Vec<(String, String)>, names: &[Named]) -> bool {
    let mut new: Vec<(&str, &str)> = Vec::with_capacity(names.len());
    for n in names {
        if !new.iter().any(|(slug, _)| *slug == n.slug) {
            new.push((&n.slug, &n.name));
        }
    }
    stored.sort_unstable();
    new.sort_unstable();
    stored.iter().map(|(slug, name)| (slug.as_str(), name.as_str())).eq(new)
}

/// One sentence of a stored automatic summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummarySentence {
    /// The sentence's index in the article's plain text (anchor `s-{index}`).
    pub index: usize,
    /// Byte offset in the article's plain text.
    pub start: usize,
    /// Byte offset just past the sentence.
    pub end: usize,
    /// The sentence, word for word.
    pub text: String,
}

/// A sentence the editors picked for an article's summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryPick {
    /// Its index in the article's plain text (anchor `s-{index}`); `None`
    /// when the body, changed since it was picked, no longer has it (readers
    /// then get the automatic summary, and the newsroom says why).
    pub index: Option<usize>,
    /// The sentence, word for word, as it was when picked.
    pub text: String,
}

/// A stored automatic summary of one length.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSummary {
    /// The number of sentences asked for (3 or 5).
    pub length: u32,
    /// The sentences, in article order.
    pub sentences: Vec<SummarySentence>,
    /// Hash of the text the summary was made from.
    pub source_hash: String,
    /// The summarizer version that made it.
    pub version: String,
}

/// One write of [`ArticleStore::write_articles`].
#[derive(Clone, Copy, Debug)]
pub enum ArticleWrite<'a> {
    /// A new article (see [`ArticleStore::create_article`]).
    Create(&'a NewArticle),
    /// Article `id` replaced if it is still at `version` (see
    /// [`ArticleStore::update_article`]).
    Update {
        /// The article.
        id: i64,
        /// The version the writer read.
        version: i64,
        /// The new record.
        article: &'a NewArticle,
    },
}

impl ArticleWrite<'_> {
    /// The record written.
    pub fn article(&self) -> &NewArticle {
        match self {
            ArticleWrite::Create(a) | ArticleWrite::Update { article: a, .. } => a,
        }
    }
}

/// An article ready to be stored: validated, rendered and summarized.
#[derive(Clone, Debug, PartialEq)]
pub struct NewArticle {
    /// Unique, validated slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Optional standfirst (dek).
    pub standfirst: Option<String>,
    /// The body as written (Markdown).
    pub body_md: String,
    /// The body rendered and sanitized, with sentence anchors.
    pub body_html: String,
    /// The body as plain text: what summaries index into.
    pub body_text: String,
    /// Authors, in byline order.
    pub authors: Vec<Named>,
    /// Section.
    pub section: Named,
    /// Tags.
    pub tags: Vec<Named>,
    /// Language code ("en").
    pub lang: String,
    /// Status.
    pub status: Status,
    /// Publication time (a draft may have none). Written as given: the
    /// rules that decide it (a correction keeps the stored time) are the
    /// `content` crate's.
    pub published_at: Option<i64>,
    /// Last update time.
    pub updated_at: i64,
    /// Sources or references note.
    pub sources: Option<String>,
    /// Canonical URL.
    pub canonical_url: Option<String>,
    /// Lead image URL.
    pub lead_image: Option<String>,
    /// Lead image alt text.
    pub lead_image_alt: Option<String>,
    /// Estimated reading time.
    pub reading_minutes: u32,
    /// Which summary readers see.
    pub summary_mode: SummaryMode,
    /// The editors' summary (mode `Custom`).
    pub summary_custom: Option<String>,
    /// The sentences the editors picked (mode `Picked`), in article order;
    /// kept in the other modes too, so switching back finds them.
    pub summary_picks: Vec<SummaryPick>,
    /// Whether a wall of text is shown in paragraphs where the topic shifts
    /// (`body_html` holds them); editors can switch it off per article.
    pub auto_paragraphs: bool,
    /// The automatic summaries (3 and 5 sentences).
    pub summaries: Vec<StoredSummary>,
    /// The search terms, written to the search index with the article (not
    /// read back: empty in a stored article).
    pub search: SearchText,
    /// Its key phrases, by which related articles are found (written with
    /// the article, in its transaction, and read back).
    pub key_phrases: KeyPhrases,
    /// The newsroom user who created it (`None` for articles from the API,
    /// an import, or the demo): a writer may change only their own.
    pub owner: Option<i64>,
    /// The revision to keep with this write (`None`: none is kept). Written
    /// in the write's transaction, numbered with the article's new version
    /// (not read back: `None` in a stored article).
    pub revision: Option<RevisionNote>,
}

/// A stored article.
#[derive(Clone, Debug, PartialEq)]
pub struct Article {
    /// Row id.
    pub id: i64,
    /// Starts at 1; every update adds one (optimistic concurrency).
    pub version: i64,
    /// Creation time.
    pub created_at: i64,
    /// Everything else.
    pub data: NewArticle,
}

impl std::ops::Deref for Article {
    type Target = NewArticle;
    fn deref(&self) -> &NewArticle {
        &self.data
    }
}

/// An article as listed: enough for a teaser.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleCard {
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Standfirst.
    pub standfirst: Option<String>,
    /// Section.
    pub section: Named,
    /// Authors.
    pub authors: Vec<Named>,
    /// Tags.
    pub tags: Vec<Named>,
    /// Status.
    pub status: Status,
    /// Publication time.
    pub published_at: Option<i64>,
    /// Update time.
    pub updated_at: i64,
    /// Reading time.
    pub reading_minutes: u32,
    /// Lead image.
    pub lead_image: Option<String>,
    /// Lead image alt text.
    pub lead_image_alt: Option<String>,
    /// Language code ("en"), for the title's `lang` attribute.
    pub lang: String,
}

/// A link to a neighbouring article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleLink {
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Language code ("en"), for the title's `lang` attribute.
    pub lang: String,
}

/// Who may see what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Readers at this time: published or scheduled articles whose time has come.
    PublicAt(i64),
    /// Editors: everything, drafts included.
    All,
}

impl Visibility {
    /// Whether an article with this status and publication time is shown:
    /// the rule every backend's queries follow (and the conformance suite
    /// checks them against). Readers never see a draft; they see a
    /// scheduled or published article once its time has come (at that
    /// second, not before), and never one without a time.
    pub fn shows(self, status: Status, published_at: Option<i64>) -> bool {
        match self {
            Visibility::All => true,
            Visibility::PublicAt(now) => status != Status::Draft && published_at.is_some_and(|t| t <= now),
        }
    }
}

/// A position in a list, which is ordered newest first: by publication
/// time, then slug, both descending; articles without a time (drafts) come
/// last, by slug. A page asked for `after` a cursor holds the articles that
/// come after that position (keyset pagination), however deep it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cursor {
    /// The publication time of the article at this position.
    pub published_at: Option<i64>,
    /// Its slug.
    pub slug: String,
}

impl Cursor {
    /// The position of this card.
    pub fn of(card: &ArticleCard) -> Cursor {
        Cursor { published_at: card.published_at, slug: card.slug.clone() }
    }
}

/// Which articles to list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery {
    /// Who is looking.
    pub visibility: Visibility,
    /// Only this section (slug).
    pub section: Option<String>,
    /// Only this tag (slug).
    pub tag: Option<String>,
    /// Only this author (slug).
    pub author: Option<String>,
    /// 1-based page (counted from `after` when it is given).
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
    /// The articles after this position instead of a page number: the
    /// previous page's [`Page::next`].
    pub after: Option<Cursor>,
}

/// A page of results.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// How many match in all.
    pub total: u64,
    /// This page (1-based); `None` for a page asked `after` a cursor.
    pub page: Option<u32>,
    /// Items per page.
    pub per_page: u32,
    /// Where the next page starts (for [`ListQuery::after`]), when more
    /// items follow this page.
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// How many pages there are (at least 1).
    pub fn pages(&self) -> u32 {
        (self.total.div_ceil(self.per_page.max(1) as u64)).max(1) as u32
    }
}

/// An API token as listed (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    /// Row id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// SHA-256 of the token, hex.
    pub hash: String,
    /// Creation time.
    pub created_at: i64,
    /// Revocation time.
    pub revoked_at: Option<i64>,
}

/// Articles: kept, found and listed. The rules for writing them (what a
/// correction keeps, when an article counts as updated) live in the
/// `content` crate; a store writes what it is given, whole or not at all.
#[async_trait]
pub trait ArticleStore: Send + Sync {
    /// Inserts a new article (its `published_at` and `updated_at` as given);
    /// `Conflict` when the slug is taken. The stored article has version 1.
    async fn create_article(&self, article: &NewArticle) -> Result<Article>;
    /// Replaces article `id` (the new record may carry a new slug) if it is
    /// still at `version`, and moves it to the next version: `NotFound` when
    /// absent, `VersionConflict` when another write came first, `Conflict`
    /// when the new slug is taken.
    async fn update_article(&self, id: i64, version: i64, article: &NewArticle) -> Result<Article>;
    /// Writes several articles in one transaction, all or none: each as
    /// [`ArticleStore::create_article`] or [`ArticleStore::update_article`]
    /// would (its revision, search terms and key phrases in the same
    /// transaction), without reading them back. Returns each article's id,
    /// in order (an update's new version is the one it names plus one, a new
    /// article's is 1). The first write that fails (a slug taken, a version
    /// moved on) fails the batch and nothing of it is kept. An import writes
    /// through this: one commit for many articles.
    async fn write_articles(&self, writes: &[ArticleWrite<'_>]) -> Result<Vec<i64>>;
    /// Which of `slugs` name an article (drafts included), in no order.
    async fn existing_slugs(&self, slugs: &[String]) -> Result<Vec<String>>;
    /// For each of `slugs` (of sections, tags or authors, as each says)
    /// that an article other than `except` uses (drafts included), a name
    /// it is stored with, in no order (one look-up for them all): a name
    /// written with other capitals or forms joins the one in use.
    async fn names_in_use(&self, slugs: &[(NameKind, String)], except: Option<i64>) -> Result<Vec<(NameKind, Named)>>;
    /// Deletes an article with its summaries and revisions; `NotFound` when absent.
    async fn delete_article(&self, slug: &str) -> Result<()>;
    /// One article, if it exists and is visible.
    async fn article(&self, slug: &str, visibility: Visibility) -> Result<Option<Article>>;
    /// A page of articles, newest first (see [`Cursor`] for the order), by
    /// page number or after a cursor; `per_page` is taken between 1 and 100.
    async fn list_articles(&self, query: &ListQuery) -> Result<Page<ArticleCard>>;
    /// The visible articles just before and just after this one, by
    /// publication time then slug, across the site.
    async fn neighbours(&self, slug: &str, now: i64) -> Result<(Option<ArticleLink>, Option<ArticleLink>)>;
    /// The sections with visible articles, with their counts, most used first.
    async fn sections(&self, now: i64) -> Result<Vec<(Named, u64)>>;
    /// The name of a section, tag or author given its slug, if anything visible uses it.
    async fn section_name(&self, slug: &str, now: i64) -> Result<Option<String>>;
    /// The name of a tag given its slug.
    async fn tag_name(&self, slug: &str, now: i64) -> Result<Option<String>>;
    /// The name of an author given their slug.
    async fn author_name(&self, slug: &str, now: i64) -> Result<Option<String>>;
    /// How many articles there are, drafts included.
    async fn count_articles(&self) -> Result<u64>;
    /// Slugs of articles whose stored summaries were made by another version
    /// (or are missing while the mode is automatic).
    async fn stale_summaries(&self, version: &str) -> Result<Vec<String>>;
    /// The earliest publication time after `now` of a scheduled or published
    /// article (when the public site next changes by itself).
    async fn next_publication_after(&self, now: i64) -> Result<Option<i64>>;
}

/// API tokens, kept as hashes.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Stores a new token hash under a unique name.
    async fn create_token(&self, name: &str, hash: &str, now: i64) -> Result<TokenInfo>;
    /// All tokens, revoked ones included.
    async fn tokens(&self) -> Result<Vec<TokenInfo>>;
    /// Revokes a token by name; `NotFound` when absent or already revoked.
    async fn revoke_token(&self, name: &str, now: i64) -> Result<()>;
    /// The hashes of the tokens in force, with their names.
    async fn active_token_hashes(&self) -> Result<Vec<(String, String)>>;
}

/// The backend itself: which it is, whether it answers, and closing it.
#[async_trait]
pub trait Backend: Send + Sync {
    /// Which backend this is.
    fn kind(&self) -> Kind;
    /// Asks the database a trivial question: `Ok` when it answers.
    async fn ping(&self) -> Result<()>;
    /// Closes the pool: waits for the connections in use to come back, then
    /// closes them all (SQLite checkpoints its write-ahead log). Every call
    /// after this one fails.
    async fn close(&self);
    /// How many connections the pool holds now, how many of them are idle,
    /// and the most it may hold (for the operator's metrics).
    fn pool_use(&self) -> PoolUse;
}

/// A connection pool's use at one moment ([`Backend::pool_use`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolUse {
    /// Connections open (in use or idle).
    pub open: u32,
    /// Of those, idle.
    pub idle: u32,
    /// The most the pool may open.
    pub max: u32,
}

/// Writes the list of the store's parts once: the `Store` trait over all of
/// them, and its blanket implementation for any type that has them all.
macro_rules! store_of_parts {
    ($($part:ident),+ $(,)?) => {
        /// The storage interface of Newsdesk: every part of it, one backend. Each
        /// part is a trait of its own (in scope with `use store::prelude::*`), so a
        /// new part (users, search, media) is a trait and a module beside the others.
        pub trait Store: $($part +)+ 'static {}

        impl<T: $($part +)+ 'static> Store for T {}
    };
}

store_of_parts!(
    Backend,
    ArticleStore,
    TokenStore,
    SearchStore,
    UserStore,
    SessionStore,
    ThrottleStore,
    DeskStore,
    MediaStore,
    InstanceStore,
    RevisionStore,
    RelatedStore,
    TransferStore,
);

/// The store traits, to call their methods on a `dyn Store`.
pub mod prelude {
    pub use crate::{
        ArticleStore, Backend, DeskStore, InstanceStore, MediaStore, RelatedStore, RevisionStore, SearchStore,
        SessionStore, Store, ThrottleStore, TokenStore, TransferStore, UserStore,
    };
}

#[cfg(test)]
mod tests {
    /// Opening a store can be spawned on a multi-threaded runtime.
    #[test]
    fn opening_is_send() {
        fn send<T: Send>(_: T) {}
        send(super::open(":memory:"));
        send(super::open_with("postgres://db/site", &super::Options::default()));
    }

    /// No crate of the workspace has `unsafe` code: each one's root forbids
    /// it (a later `allow` cannot lift that).
    #[test]
    fn every_crate_forbids_unsafe_code() {
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut roots = 0;
        for entry in std::fs::read_dir(&crates).unwrap() {
            let src = entry.unwrap().path().join("src");
            for root in ["lib.rs", "main.rs"].map(|name| src.join(name)).into_iter().filter(|p| p.exists()) {
                let text = std::fs::read_to_string(&root).unwrap();
                assert!(text.contains("#![forbid(unsafe_code)]"), "{} does not forbid unsafe code", root.display());
                roots += 1;
            }
        }
        assert!(roots >= 7, "found {roots} crate roots");
    }

    /// Stored names are the same as those to write when they are the first
    /// name of each slug, in any order; a renamed, added or dropped one
    /// makes them differ.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    #[test]
    fn same_names_are_the_first_of_each_slug_in_any_order() {
        let named = |slug: &str, name: &str| super::Named { slug: slug.into(), name: name.into() };
        let stored = || vec![("wind".to_owned(), "Wind".to_owned()), ("rain".to_owned(), "Rain".to_owned())];
        let same = |names: &[super::Named]| super::same_names(stored(), names);
        assert!(same(&[named("rain", "Rain"), named("wind", "Wind")]));
        assert!(same(&[named("rain", "Rain"), named("wind", "Wind"), named("rain", "RAIN")]));
        assert!(!same(&[named("rain", "RAIN"), named("wind", "Wind")]));
        assert!(!same(&[named("rain", "Rain")]));
        assert!(!same(&[named("rain", "Rain"), named("wind", "Wind"), named("sun", "Sun")]));
        assert!(super::same_names(Vec::new(), &[]));
    }
}
