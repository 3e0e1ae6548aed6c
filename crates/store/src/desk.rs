//! The newsroom's view of articles: every article, drafts and submitted
//! ones included, with who created it, filtered and searched for the
//! article list. (Who created an article and whether it was submitted are
//! written with the article itself, by [`ArticleStore`](crate::ArticleStore).)

use async_trait::async_trait;

use crate::{Named, Page, Result, Status};

/// Which articles the newsroom lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeskQuery {
    /// Only this status (`Scheduled`: scheduled articles, whatever their time).
    pub status: Option<Status>,
    /// Only this section (slug).
    pub section: Option<String>,
    /// Only this byline author (slug).
    pub author: Option<String>,
    /// Only articles this user created.
    pub owner: Option<i64>,
    /// Only titles containing this text (case-insensitive for ASCII letters).
    pub title: Option<String>,
    /// 1-based page.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
}

/// An article as the newsroom lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeskItem {
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Status (`Submitted` for a submitted draft).
    pub status: Status,
    /// Section.
    pub section: Named,
    /// Byline authors.
    pub authors: Vec<Named>,
    /// The user who created it, if a newsroom user did.
    pub owner: Option<i64>,
    /// That user's display name.
    pub owner_name: Option<String>,
    /// Publication time.
    pub published_at: Option<i64>,
    /// Last update.
    pub updated_at: i64,
    /// Creation time.
    pub created_at: i64,
    /// Version (optimistic concurrency).
    pub version: i64,
}

/// What the newsroom's filters offer: every section and byline author,
/// drafts included.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeskFacets {
    /// Sections, by name.
    pub sections: Vec<Named>,
    /// Authors, by name.
    pub authors: Vec<Named>,
}

/// The newsroom's article list.
#[async_trait]
pub trait DeskStore: Send + Sync {
    /// A page of articles, most recently changed first.
    async fn desk_articles(&self, query: &DeskQuery) -> Result<Page<DeskItem>>;
    /// The sections and authors to filter by.
    async fn desk_facets(&self) -> Result<DeskFacets>;
}

/// How a status is kept in `articles.status` (every backend): a submitted
/// article is a draft there (with `article_desk.submitted` set), so that no
/// reader query can show it.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn stored_status(status: Status) -> &'static str {
    match status {
        Status::Submitted => Status::Draft.as_str(),
        other => other.as_str(),
    }
}

/// The status the rest of Newsdesk sees: a stored draft marked submitted
/// is `Submitted`.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn seen_status(stored: Status, submitted: bool) -> Status {
    if submitted && stored == Status::Draft { Status::Submitted } else { stored }
}

/// `text` for a LIKE pattern: `%`, `_` and `\` match themselves.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(all(test, any(feature = "sqlite", feature = "postgres")))]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_match_text_literally() {
        assert_eq!(like_escape("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn submitted_is_kept_as_a_draft() {
        assert_eq!(stored_status(Status::Submitted), "draft");
        assert_eq!(seen_status(Status::Draft, true), Status::Submitted);
        assert_eq!(seen_status(Status::Published, true), Status::Published);
        assert_eq!(seen_status(Status::Draft, false), Status::Draft);
    }
}
