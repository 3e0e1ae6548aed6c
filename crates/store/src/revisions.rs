//! Revisions: what an article was after each write that changed what an
//! editor can edit, who wrote it, when, and which fields changed. A
//! revision is written by [`ArticleStore`](crate::ArticleStore) in the same
//! transaction as the article, when the record carries a
//! [`RevisionNote`] (`NewArticle::revision`): it exists exactly when that
//! write was stored, and goes with the article when it is deleted. Its
//! number is the article's version after the write (the version the
//! newsroom and the API's `ETag` show), so numbers rise but may skip the
//! versions of writes that changed nothing editable (summaries recomputed
//! at start-up, an update time alone) and of writes made before revisions
//! were kept.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::{NewArticle, Result, Status, SummaryMode, SummaryPick};

/// Who wrote: a newsroom user (with their id), or another writer by name
/// ("API token ci", "import", "demo").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenBy {
    /// The newsroom user's id (`None` for other writers); kept as written,
    /// not a reference (the name says who it was).
    pub user: Option<i64>,
    /// How the writer is named: a user's display name at the time of the
    /// write, or "API token NAME", "import", "demo".
    pub name: String,
}

impl WrittenBy {
    /// A newsroom user.
    pub fn user(id: i64, display_name: &str) -> WrittenBy {
        WrittenBy { user: Some(id), name: display_name.to_owned() }
    }

    /// The holder of an API token.
    pub fn token(token_name: &str) -> WrittenBy {
        WrittenBy::named(&format!("API token {token_name}"))
    }

    /// `newsdesk import`.
    pub fn import() -> WrittenBy {
        WrittenBy::named("import")
    }

    /// The demo site's articles.
    pub fn demo() -> WrittenBy {
        WrittenBy::named("demo")
    }

    /// Any other writer (start-up work, a benchmark, a test).
    pub fn named(name: &str) -> WrittenBy {
        WrittenBy { user: None, name: name.to_owned() }
    }
}

impl std::fmt::Display for WrittenBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.user {
            Some(id) => write!(f, "user {} ({id})", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// What an editor can edit of an article, as it was at one revision:
/// everything the article form and the API take, nothing computed from it
/// (rendered HTML, summaries, reading time). Stored as JSON; fields added
/// later read as their defaults from older revisions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Snapshot {
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Standfirst.
    pub standfirst: Option<String>,
    /// The body, Markdown.
    pub body: String,
    /// Section name.
    pub section: String,
    /// Tag names.
    pub tags: Vec<String>,
    /// Author names, in byline order.
    pub authors: Vec<String>,
    /// Language code.
    pub lang: String,
    /// Status.
    pub status: Status,
    /// Publication time.
    pub published_at: Option<i64>,
    /// Lead image URL.
    pub lead_image: Option<String>,
    /// Lead image alt text.
    pub lead_image_alt: Option<String>,
    /// Canonical URL.
    pub canonical_url: Option<String>,
    /// Sources note.
    pub sources: Option<String>,
    /// Which summary readers see.
    pub summary_mode: SummaryMode,
    /// The editors' summary.
    pub summary_custom: Option<String>,
    /// The sentences the editors picked for the summary.
    pub summary_picks: Vec<SummaryPick>,
    /// Long paragraphs broken where the topic shifts.
    pub auto_paragraphs: bool,
}

impl Default for Snapshot {
    fn default() -> Snapshot {
        Snapshot {
            slug: String::new(),
            title: String::new(),
            standfirst: None,
            body: String::new(),
            section: String::new(),
            tags: Vec::new(),
            authors: Vec::new(),
            lang: String::new(),
            status: Status::Draft,
            published_at: None,
            lead_image: None,
            lead_image_alt: None,
            canonical_url: None,
            sources: None,
            summary_mode: SummaryMode::Auto,
            summary_custom: None,
            summary_picks: Vec::new(),
            auto_paragraphs: true,
        }
    }
}

fn names(list: &[crate::Named]) -> Vec<String> {
    list.iter().map(|n| n.name.clone()).collect()
}

impl Snapshot {
    /// The field names, as the API and the article form name them, in the
    /// form's order.
    pub const FIELDS: [&'static str; 18] = [
        "title",
        "slug",
        "standfirst",
        "body",
        "section",
        "tags",
        "authors",
        "lang",
        "status",
        "published",
        "lead_image",
        "lead_image_alt",
        "canonical_url",
        "sources",
        "summary_mode",
        "summary",
        "summary_sentences",
        "auto_paragraphs",
    ];

    /// The editable part of an article record.
    pub fn of(a: &NewArticle) -> Snapshot {
        Snapshot {
            slug: a.slug.clone(),
            title: a.title.clone(),
            standfirst: a.standfirst.clone(),
            body: a.body_md.clone(),
            section: a.section.name.clone(),
            tags: names(&a.tags),
            authors: names(&a.authors),
            lang: a.lang.clone(),
            status: a.status,
            published_at: a.published_at,
            lead_image: a.lead_image.clone(),
            lead_image_alt: a.lead_image_alt.clone(),
            canonical_url: a.canonical_url.clone(),
            sources: a.sources.clone(),
            summary_mode: a.summary_mode,
            summary_custom: a.summary_custom.clone(),
            summary_picks: a.summary_picks.clone(),
            auto_paragraphs: a.auto_paragraphs,
        }
    }

    /// Whether field `name` (one of [`Snapshot::FIELDS`]) differs between
    /// the two.
    pub fn differs(&self, other: &Snapshot, name: &str) -> bool {
        match name {
            "title" => self.title != other.title,
            "slug" => self.slug != other.slug,
            "standfirst" => self.standfirst != other.standfirst,
            "body" => self.body != other.body,
            "section" => self.section != other.section,
            "tags" => self.tags != other.tags,
            "authors" => self.authors != other.authors,
            "lang" => self.lang != other.lang,
            "status" => self.status != other.status,
            "published" => self.published_at != other.published_at,
            "lead_image" => self.lead_image != other.lead_image,
            "lead_image_alt" => self.lead_image_alt != other.lead_image_alt,
            "canonical_url" => self.canonical_url != other.canonical_url,
            "sources" => self.sources != other.sources,
            "summary_mode" => self.summary_mode != other.summary_mode,
            "summary" => self.summary_custom != other.summary_custom,
            "summary_sentences" => self.summary_picks != other.summary_picks,
            "auto_paragraphs" => self.auto_paragraphs != other.auto_paragraphs,
            _ => false,
        }
    }

    /// The fields (of [`Snapshot::FIELDS`], in that order) where `self`
    /// differs from `before`.
    pub fn changes_from(&self, before: &Snapshot) -> Vec<String> {
        Snapshot::FIELDS.iter().filter(|f| self.differs(before, f)).map(|f| (*f).to_owned()).collect()
    }
}

/// What the writer of an article record says about the revision to keep
/// with it; the store adds the number and the snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionNote {
    /// Who wrote.
    pub by: WrittenBy,
    /// When (Unix seconds).
    pub at: i64,
    /// The fields that changed (names of [`Snapshot::FIELDS`]; empty for a
    /// new article).
    pub changed: Vec<String>,
    /// The revision this write brought back, if it was a restore.
    pub restored_from: Option<i64>,
}

/// A revision as listed: everything but the snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionInfo {
    /// The article's version after the write.
    pub number: i64,
    /// When.
    pub at: i64,
    /// Who.
    pub by: WrittenBy,
    /// What changed (empty for the article's creation).
    pub changed: Vec<String>,
    /// The revision it brought back, for a restore.
    pub restored_from: Option<i64>,
}

/// A revision with the article as it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// Number, time, writer, changes.
    pub info: RevisionInfo,
    /// The article's editable fields after the write.
    pub snapshot: Snapshot,
}

/// A revision as both backends store it: JSON text for the list of changed
/// fields and the snapshot.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) struct Stored {
    pub changed: String,
    pub snapshot: String,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl Stored {
    /// The stored form of the revision `a` carries, if any.
    pub fn of(a: &NewArticle) -> Option<(&RevisionNote, Stored)> {
        let note = a.revision.as_ref()?;
        // Serializing plain records to JSON cannot fail.
        let changed = serde_json::to_string(&note.changed).unwrap_or_else(|_| "[]".to_owned());
        let snapshot = serde_json::to_string(&Snapshot::of(a)).unwrap_or_else(|_| "{}".to_owned());
        Some((note, Stored { changed, snapshot }))
    }

    /// The stored form of a revision read back (to copy it as it was).
    pub fn of_revision(note: &RevisionNote, snapshot: &Snapshot) -> Stored {
        // Serializing plain records to JSON cannot fail.
        let changed = serde_json::to_string(&note.changed).unwrap_or_else(|_| "[]".to_owned());
        let snapshot = serde_json::to_string(snapshot).unwrap_or_else(|_| "{}".to_owned());
        Stored { changed, snapshot }
    }
}

/// Binds a revision's columns, in the order of the insert statement:
/// article, number, time, user, name, changes, restored from, snapshot (the
/// SQLite store binds the same, `sqlite::revisions::insert_revision`).
#[cfg(feature = "postgres")]
pub(crate) fn bind_revision<'q, DB: sqlx::Database>(
    query: sqlx::query::Query<'q, DB, DB::Arguments>,
    id: i64,
    number: i64,
    note: &'q RevisionNote,
    stored: Stored,
) -> sqlx::query::Query<'q, DB, DB::Arguments>
where
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(id)
        .bind(number)
        .bind(note.at)
        .bind(note.by.user)
        .bind(note.by.name.as_str())
        .bind(stored.changed)
        .bind(note.restored_from)
        .bind(stored.snapshot)
}

/// A listed revision from its row (columns `number`, `created_at`,
/// `user_id`, `by_name`, `changed`, `restored_from`), on either backend.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn info_from_row<'r, R: sqlx::Row>(row: &'r R) -> Result<RevisionInfo>
where
    &'static str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    use crate::Db as _;
    let number: i64 = row.try_get("number").db()?;
    let changed: String = row.try_get("changed").db()?;
    let changed = serde_json::from_str(&changed)
        .map_err(|e| crate::StoreError::Corrupt(format!("revision {number}: changed: {e}")))?;
    Ok(RevisionInfo {
        number,
        at: row.try_get("created_at").db()?,
        by: WrittenBy { user: row.try_get("user_id").db()?, name: row.try_get("by_name").db()? },
        changed,
        restored_from: row.try_get("restored_from").db()?,
    })
}

/// A snapshot from its stored JSON.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn snapshot_of(number: i64, json: &str) -> Result<Snapshot> {
    serde_json::from_str(json).map_err(|e| crate::StoreError::Corrupt(format!("revision {number}: snapshot: {e}")))
}

/// The first number below every revision's: a first page.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn page_bound(before: Option<i64>, limit: u32) -> (i64, i64) {
    (before.unwrap_or(i64::MAX), i64::from(limit.clamp(1, 500)))
}

/// Reading an article's revisions (they are written with the article).
#[async_trait]
pub trait RevisionStore: Send + Sync {
    /// Article `article_id`'s revisions, newest first: at most `limit`
    /// (taken between 1 and 500), numbered below `before` when given (the
    /// last number of the previous page).
    async fn revisions(&self, article_id: i64, before: Option<i64>, limit: u32) -> Result<Vec<RevisionInfo>>;
    /// How many revisions article `article_id` has.
    async fn count_revisions(&self, article_id: i64) -> Result<u64>;
    /// One revision with its snapshot.
    async fn revision(&self, article_id: i64, number: i64) -> Result<Option<Revision>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field name is told apart, and a snapshot read from JSON that
    /// lacks fields (an older revision) takes their defaults.
    #[test]
    fn fields_and_defaults() {
        let a = Snapshot::default();
        for f in Snapshot::FIELDS {
            assert!(!a.differs(&a, f), "{f}");
        }
        let b = Snapshot {
            title: "T".into(),
            status: Status::Published,
            published_at: Some(1),
            summary_custom: Some("s".into()),
            auto_paragraphs: false,
            ..Snapshot::default()
        };
        assert_eq!(b.changes_from(&a), ["title", "status", "published", "summary", "auto_paragraphs"]);
        assert!(!a.differs(&b, "no such field"));
        let old: Snapshot = serde_json::from_str(r#"{"title":"Old","body":"x"}"#).unwrap();
        assert_eq!((old.title.as_str(), old.auto_paragraphs, old.status), ("Old", true, Status::Draft));
        assert_eq!(WrittenBy::token("ci").to_string(), "API token ci");
        assert_eq!(WrittenBy::user(3, "Ada").to_string(), "user Ada (3)");
    }
}
