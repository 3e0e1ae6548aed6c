//! The write rules: the one home for creating, changing and deleting
//! articles. The JSON API, the importer, the newsroom and start-up
//! recomputation all write through [`Articles`]; a store only keeps what it
//! is given.
//!
//! The rules:
//! - An article is validated, rendered and summarized by [`prepare()`] (on a
//!   blocking thread: summarizing is CPU work).
//! - Publication time: as given. Without one, an existing article keeps its
//!   stored time (a correction does not re-date it); a new published or
//!   scheduled article gets the time it is saved; a draft (or a draft
//!   submitted for review) may have none.
//! - Owner: the newsroom user who created the article ([`Articles::create_owned`]),
//!   kept by every later write; articles from the API and imports have none.
//! - Update time: as given, when the writer gives one other than the stored
//!   one (a client that reads an article and sends it back echoes the stored
//!   time, which is no news). Otherwise a new article's is its publication
//!   time (or now), and a changed article's is now.
//! - Unchanged: a write that would change nothing but the update time writes
//!   nothing, and the article is not marked as updated.
//! - Optimistic concurrency: every write names the version it read. A
//!   writer that asked for a version ([`Articles::update`] with `expected`,
//!   the newsroom's form, the API's `If-Match`) is told when the article
//!   changed since ([`WriteError::Changed`]); the others read again and
//!   re-apply their write, so concurrent writers never fail each other.
//! - Every write is announced once, after it is stored, to [`Changes`]
//!   (the page cache), with what it touched; a write readers may see is
//!   also sent to the site's other instances as a notice
//!   (`store::InstanceStore::notify`, before the writer is answered).
//! - Revisions: every write names its writer ([`WrittenBy`]). A new
//!   article, and every update that changes an editable field (those of
//!   [`store::Snapshot`]), is stored with a revision: who, when, the fields
//!   that changed, the editable fields after it (the store writes it in
//!   the article's transaction, numbered with the new version). Writes that
//!   change only what is computed (summaries recomputed at start-up, an
//!   update time alone) keep none, and an unchanged write writes nothing.
//!   [`Articles::restore`] writes a revision's fields back as a new write.

use std::collections::HashMap;
use std::sync::Arc;

use store::prelude::*;
use store::{Article, NameKind, Named, NewArticle, RevisionNote, Snapshot, StoreError, Visibility, WrittenBy};
use summarize::Summarizer;

use crate::{ArticleInput, SeenPicks, ValidationError, found_picks, input_of, input_of_snapshot, prepare, to_time};

/// How many times a write is re-applied when other writes to the same
/// article keep coming first.
const ATTEMPTS: usize = 64;

/// Who hears about writes: the page cache, and (with several instances)
/// the others.
pub trait Changes: Send + Sync {
    /// Called once after every stored write.
    fn changed(&self, change: &Change);
}

/// Tells nobody: a command-line import has no page cache to keep fresh.
pub struct NoChanges;

impl Changes for NoChanges {
    fn changed(&self, _: &Change) {}
}

/// What a write touched: enough to know which pages show it. Sent to the
/// site's other instances as a notice (`crate::notice`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Change {
    /// The slugs of the articles written (old and new slug when renamed).
    pub articles: Vec<String>,
    /// Articles whose Previous/Next links may have changed: the written
    /// article's neighbours before the write and after it.
    pub neighbours: Vec<String>,
    /// Section slugs, before and after.
    pub sections: Vec<String>,
    /// Tag slugs, before and after.
    pub tags: Vec<String>,
    /// Author slugs, before and after.
    pub authors: Vec<String>,
    /// Articles whose stored related list changed (their pages list other
    /// related articles now): made off the writer's path, after the write
    /// that queued them ([`Articles::make_queued_related`]).
    pub related: Vec<String>,
    /// Whether readers see (or will see, when scheduled) the article before
    /// or after the write; a draft that stays a draft changes no public page.
    pub public: bool,
    /// The neighbours could not be found out: treat every page as changed.
    pub everything: bool,
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_owned());
    }
}

impl Change {
    fn touch(&mut self, a: &Article) {
        push_unique(&mut self.articles, &a.slug);
        push_unique(&mut self.sections, &a.section.slug);
        for t in &a.tags {
            push_unique(&mut self.tags, &t.slug);
        }
        for au in &a.authors {
            push_unique(&mut self.authors, &au.slug);
        }
        self.public |= a.status.is_public();
    }
}

/// What a write did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new article.
    Created,
    /// An existing article was changed.
    Updated,
    /// The article was already so: nothing was written.
    Unchanged,
}

/// A write's outcome, with the article as it is stored now.
#[derive(Clone, Debug)]
pub struct Written {
    /// What happened.
    pub outcome: Outcome,
    /// The article now.
    pub article: Article,
}

/// Why a write did not happen. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The article is not valid.
    #[error("invalid article: {0}")]
    Invalid(#[from] ValidationError),
    /// No article has this slug.
    #[error("no article {0}")]
    NotFound(String),
    /// The writer asked for a version, and the article has changed since.
    #[error("this article changed since it was opened (it is at version {})", .current.version)]
    Changed {
        /// The article as it is now.
        current: Box<Article>,
    },
    /// The article has no revision of this number.
    #[error("article {slug} has no revision {number}")]
    NoRevision {
        /// The article.
        slug: String,
        /// The revision asked for.
        number: i64,
    },
    /// The store failed or refused (a slug taken is `StoreError::Conflict`).
    #[error(transparent)]
    Store(StoreError),
    /// Rendering or summarizing failed unexpectedly.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for WriteError {
    fn from(e: StoreError) -> WriteError {
        WriteError::Store(e)
    }
}

/// The times a writer gave, Unix seconds.
#[derive(Clone, Copy, Debug)]
struct Given {
    published: Option<i64>,
    updated: Option<i64>,
}

impl Given {
    fn of(input: &ArticleInput) -> Given {
        Given { published: input.published.map(|t| t.timestamp()), updated: input.updated.map(|t| t.timestamp()) }
    }

    /// Whether the writer gave an update time other than the stored one.
    fn updated_news(self, stored: Option<&Article>) -> Option<i64> {
        self.updated.filter(|&t| stored.is_none_or(|s| s.updated_at != t))
    }
}

/// The names decided for one write or one batch of writes, by kind and
/// slug (see [`Articles::join_names`]).
#[derive(Default)]
struct NameBook {
    decided: HashMap<(NameKind, String), String>,
    /// For a batch: a name each of its slugs is stored with, by any article
    /// (its own articles included), found in one look-up for them all.
    in_use: Option<HashMap<(NameKind, String), String>>,
}

impl NameBook {
    /// A book for the writes of `records`, with the names in use for all
    /// their slugs (one look-up).
    async fn for_batch<'a>(
        store: &dyn Store,
        records: impl Iterator<Item = &'a NewArticle>,
    ) -> Result<NameBook, StoreError> {
        let mut slugs: Vec<(NameKind, String)> =
            records.flat_map(names_of).map(|(kind, n)| (kind, n.slug.clone())).collect();
        slugs.sort_unstable();
        slugs.dedup();
        let in_use = store.names_in_use(&slugs, None).await?;
        let in_use = in_use.into_iter().map(|(kind, n)| ((kind, n.slug), n.name)).collect();
        Ok(NameBook { decided: HashMap::new(), in_use: Some(in_use) })
    }
}

/// An article's section, tags and authors, each with its kind.
fn names_of(record: &NewArticle) -> impl Iterator<Item = (NameKind, &Named)> {
    let tags = record.tags.iter().map(|n| (NameKind::Tag, n));
    let authors = record.authors.iter().map(|n| (NameKind::Author, n));
    std::iter::once((NameKind::Section, &record.section)).chain(tags).chain(authors)
}

/// Sets the record's publication and update times by the rules (module doc).
fn apply_times(record: &mut NewArticle, given: Given, stored: Option<&Article>, now: i64) {
    record.published_at =
        given.published.or(stored.and_then(|s| s.published_at)).or(record.status.is_public().then_some(now));
    record.owner = stored.and_then(|s| s.owner).or(record.owner);
    record.updated_at = match (given.updated_news(stored), stored) {
        (Some(t), _) => t,
        (None, None) => given.published.unwrap_or(now),
        (None, Some(_)) => now,
    };
}

/// Whether writing `record` over `stored` would change nothing but the
/// update time (and the writer gave no update time of its own).
fn unchanged(record: &NewArticle, stored: &Article, given: Given) -> bool {
    if given.updated_news(Some(stored)).is_some() {
        return false;
    }
    let mut same = record.clone();
    same.updated_at = stored.updated_at;
    // The search terms and key phrases are made from the other fields (the
    // terms are not read back; an article from before key phrases has none
    // until the start-up refresh makes them).
    same.search = stored.search.clone();
    same.key_phrases = stored.key_phrases.clone();
    same == stored.data
}

/// What a write over `stored` takes from it: the stored publication time
/// when none is given (which stands in for validation too: a scheduled
/// article needs one; `apply_times` keeps it), and the stored summary picks
/// when the writer sent them back as they were (an API client returning the
/// document it read, a re-import): then each follows its sentence's text
/// if the body changed, and one the body no longer has leaves readers the
/// automatic summary ([`crate::Lost::FallBack`]).
fn follow_stored(input: &mut ArticleInput, stored: &Article) {
    if input.published.is_none() {
        input.published = to_time(stored.published_at);
    }
    let resent = |given: &Vec<usize>| {
        let mut given = given.clone();
        given.sort_unstable();
        given.dedup();
        given == found_picks(&stored.summary_picks)
    };
    if input.summary_seen.is_none()
        && !stored.summary_picks.is_empty()
        && input.summary_sentences.as_ref().is_some_and(resent)
    {
        input.summary_seen = SeenPicks::stored(stored);
    }
}

/// Writing articles by the rules: the one write path (module doc).
#[derive(Clone)]
pub struct Articles {
    store: Arc<dyn Store>,
    summarizer: Arc<Summarizer>,
    changes: Arc<dyn Changes>,
    /// Woken after every write: related lists may be queued
    /// ([`Articles::keep_related_lists`]).
    queued: Arc<tokio::sync::Notify>,
}

impl Articles {
    /// Writes to `store`, summarizing with `summarizer`, telling `changes`.
    pub fn new(store: Arc<dyn Store>, summarizer: Arc<Summarizer>, changes: Arc<dyn Changes>) -> Articles {
        Articles { store, summarizer, changes, queued: Arc::new(tokio::sync::Notify::new()) }
    }

    /// The store written to.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The summarizer.
    pub fn summarizer(&self) -> &Arc<Summarizer> {
        &self.summarizer
    }

    /// [`prepare()`] on a blocking thread.
    pub async fn prepare(&self, input: ArticleInput, now: i64) -> Result<NewArticle, WriteError> {
        let summarizer = self.summarizer.clone();
        tokio::task::spawn_blocking(move || prepare(&input, &summarizer, now))
            .await
            .map_err(|e| WriteError::Internal(e.to_string()))?
            .map_err(WriteError::Invalid)
    }

    /// Gives `record`'s section, tags and authors the names other articles
    /// are stored with, slug for slug, so that one section, tag or author
    /// shows one name everywhere: a name written with other capitals or
    /// forms (`world` where the site has `World`) joins the one in use.
    /// The article's own rows (`except`) do not count, so an article alone
    /// in its section may rename it. `book` keeps the names decided for the
    /// writes of one batch (the first one written wins among new names) and
    /// may hold the names in use found for the whole batch at once
    /// ([`NameBook::in_use`]): a name already the same as those needs no
    /// look-up of its own.
    async fn join_names(
        &self,
        record: &mut NewArticle,
        except: Option<i64>,
        book: &mut NameBook,
    ) -> Result<(), WriteError> {
        let mut missing: Vec<(NameKind, String)> = Vec::new();
        for (kind, n) in names_of(record) {
            let key = (kind, n.slug.clone());
            if book.decided.contains_key(&key) || missing.contains(&key) {
                continue;
            }
            match book.in_use.as_ref().map(|found| found.get(&key)) {
                // Nobody else has it, or has it as written: as written.
                Some(None) => {}
                Some(Some(name)) if *name == n.name => {}
                _ => missing.push(key),
            }
        }
        if !missing.is_empty() {
            for (kind, found) in self.store.names_in_use(&missing, except).await? {
                book.decided.insert((kind, found.slug), found.name);
            }
        }
        let mut names: Vec<(NameKind, &mut Named)> = vec![(NameKind::Section, &mut record.section)];
        names.extend(record.tags.iter_mut().map(|n| (NameKind::Tag, n)));
        names.extend(record.authors.iter_mut().map(|n| (NameKind::Author, n)));
        for (kind, n) in names {
            let name = book.decided.entry((kind, n.slug.clone())).or_insert_with(|| n.name.clone());
            n.name.clone_from(name);
        }
        Ok(())
    }

    async fn load(&self, slug: &str) -> Result<Article, WriteError> {
        self.store.article(slug, Visibility::All).await?.ok_or_else(|| WriteError::NotFound(slug.to_owned()))
    }

    /// Creates an article; a slug already taken is `StoreError::Conflict`.
    /// `by` names the writer in its first revision and the log.
    pub async fn create(&self, input: ArticleInput, by: &WrittenBy, now: i64) -> Result<Article, WriteError> {
        self.create_owned(input, None, by, now).await
    }

    /// Creates an article owned by newsroom user `owner` (see [`Articles::create`]).
    pub async fn create_owned(
        &self,
        input: ArticleInput,
        owner: Option<i64>,
        by: &WrittenBy,
        now: i64,
    ) -> Result<Article, WriteError> {
        let given = Given::of(&input);
        let mut record = self.prepare(input, now).await?;
        self.join_names(&mut record, None, &mut NameBook::default()).await?;
        record.owner = owner;
        apply_times(&mut record, given, None, now);
        record.revision = Some(RevisionNote { by: by.clone(), at: now, changed: Vec::new(), restored_from: None });
        let article = self.store.create_article(&record).await?;
        self.announce(None, Some(&article), Ok(Vec::new()), now).await;
        tracing::info!(slug = %article.slug, %by, "article created");
        Ok(article)
    }

    /// Changes the article at `slug` to `input` (whose slug may rename it).
    /// With `expected`, only if the article is still at that version
    /// ([`WriteError::Changed`] otherwise); without, the write is re-applied
    /// over any write that comes first.
    pub async fn update(
        &self,
        slug: &str,
        input: ArticleInput,
        expected: Option<i64>,
        by: &WrittenBy,
        now: i64,
    ) -> Result<Written, WriteError> {
        let stored = self.load(slug).await?;
        self.update_from(stored, input, expected, by, None, now).await
    }

    /// Writes revision `number` of the article at `slug` back, as a new
    /// write (with a revision of its own that names the one restored), if
    /// the article is still at version `expected` ([`WriteError::Changed`]
    /// otherwise): the revision's text and settings, with the article's
    /// current slug, status and publication time (restoring never moves,
    /// publishes or unpublishes an article: the editor's buttons do). A
    /// revision the same as the article now writes nothing (`Unchanged`).
    pub async fn restore(
        &self,
        slug: &str,
        number: i64,
        expected: i64,
        by: &WrittenBy,
        now: i64,
    ) -> Result<Written, WriteError> {
        let stored = self.load(slug).await?;
        if stored.version != expected {
            return Err(WriteError::Changed { current: Box::new(stored) });
        }
        let Some(revision) = self.store.revision(stored.id, number).await? else {
            return Err(WriteError::NoRevision { slug: slug.to_owned(), number });
        };
        let input = ArticleInput {
            slug: stored.slug.clone(),
            status: Some(stored.status),
            published: to_time(stored.published_at),
            ..input_of_snapshot(&revision.snapshot)
        };
        self.update_from(stored, input, Some(expected), by, Some(number), now).await
    }

    /// [`Articles::update`] of `stored`, as read; `restored_from` names the
    /// revision a restore brings back.
    async fn update_from(
        &self,
        mut stored: Article,
        mut input: ArticleInput,
        expected: Option<i64>,
        by: &WrittenBy,
        restored_from: Option<i64>,
        now: i64,
    ) -> Result<Written, WriteError> {
        let slug = stored.slug.clone();
        let slug = slug.as_str();
        let given = Given::of(&input);
        if expected.is_some_and(|v| v != stored.version) {
            return Err(WriteError::Changed { current: Box::new(stored) });
        }
        follow_stored(&mut input, &stored);
        let mut prepared = self.prepare(input, now).await?;
        self.join_names(&mut prepared, Some(stored.id), &mut NameBook::default()).await?;
        for _ in 0..ATTEMPTS {
            let mut record = prepared.clone();
            apply_times(&mut record, given, Some(&stored), now);
            if unchanged(&record, &stored, given) {
                return Ok(Written { outcome: Outcome::Unchanged, article: stored });
            }
            let changed = Snapshot::of(&record).changes_from(&Snapshot::of(&stored.data));
            record.revision =
                (!changed.is_empty()).then(|| RevisionNote { by: by.clone(), at: now, changed, restored_from });
            let before = self.neighbour_slugs(&stored.slug, now).await;
            match self.store.update_article(stored.id, stored.version, &record).await {
                Ok(article) => {
                    self.announce(Some(&stored), Some(&article), before, now).await;
                    tracing::info!(slug = %article.slug, version = article.version, %by, "article updated");
                    return Ok(Written { outcome: Outcome::Updated, article });
                }
                Err(StoreError::VersionConflict { .. }) => {
                    stored = self.load(slug).await?;
                    if expected.is_some() {
                        return Err(WriteError::Changed { current: Box::new(stored) });
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Conflict(format!("{slug} is being changed by many writers at once: try again")).into())
    }

    /// The article as `input` would store it, over `stored` (`None`: a new
    /// article), by the same rules as [`Articles::create`] and
    /// [`Articles::update`] (validation, rendering, summaries, times), without
    /// writing anything: the newsroom's preview. A new article gets id 0,
    /// version 0 and `now` as its creation time.
    pub async fn preview(
        &self,
        stored: Option<&Article>,
        mut input: ArticleInput,
        now: i64,
    ) -> Result<Article, WriteError> {
        let given = Given::of(&input);
        if let Some(stored) = stored {
            follow_stored(&mut input, stored);
        }
        let mut record = self.prepare(input, now).await?;
        self.join_names(&mut record, stored.map(|s| s.id), &mut NameBook::default()).await?;
        apply_times(&mut record, given, stored, now);
        Ok(Article {
            id: stored.map_or(0, |s| s.id),
            version: stored.map_or(0, |s| s.version),
            created_at: stored.map_or(now, |s| s.created_at),
            data: record,
        })
    }

    /// Creates the article, or updates the one with its slug (an import:
    /// importing a file again changes its article in place).
    pub async fn upsert(&self, input: ArticleInput, by: &WrittenBy, now: i64) -> Result<Written, WriteError> {
        for _ in 0..ATTEMPTS {
            if let Some(stored) = self.store.article(&input.slug, Visibility::All).await? {
                // The article just read is the one updated (not read again).
                match self.update_from(stored, input.clone(), None, by, None, now).await {
                    // Deleted in between: create it.
                    Err(WriteError::NotFound(_) | WriteError::Store(StoreError::NotFound)) => continue,
                    other => return other,
                }
            }
            match self.create(input.clone(), by, now).await {
                Ok(article) => return Ok(Written { outcome: Outcome::Created, article }),
                // Created in between: update it.
                Err(WriteError::Store(StoreError::Conflict(_))) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict(format!("{} is being changed by many writers at once: try again", input.slug)).into())
    }

    /// Deletes the article at `slug`.
    pub async fn delete(&self, slug: &str, by: &WrittenBy, now: i64) -> Result<(), WriteError> {
        let stored = self.load(slug).await?;
        let before = self.neighbour_slugs(slug, now).await;
        match self.store.delete_article(slug).await {
            Err(StoreError::NotFound) => return Err(WriteError::NotFound(slug.to_owned())),
            other => other?,
        }
        self.announce(Some(&stored), None, before, now).await;
        tracing::info!(%slug, %by, "article deleted");
        Ok(())
    }

    /// Recomputes the summaries (and sentence anchors) of every article whose
    /// summaries were made by another summarizer version, keeping its times;
    /// returns how many. An article that no longer passes validation (saved
    /// before a rule was made stricter, such as an empty body) is left as it
    /// is, and so is one that another writer changes meanwhile (that write
    /// made fresh summaries).
    pub async fn refresh_stale(&self, now: i64) -> Result<usize, WriteError> {
        let slugs = self.store.stale_summaries(summarize::VERSION).await?;
        let mut n = 0;
        for slug in slugs {
            let Some(stored) = self.store.article(&slug, Visibility::All).await? else { continue };
            let mut record = match self.prepare(input_of(&stored), now).await {
                Ok(record) => record,
                Err(e) => {
                    tracing::warn!(%slug, error = %e, "summaries not recomputed");
                    continue;
                }
            };
            record.published_at = stored.published_at;
            record.updated_at = stored.updated_at;
            match self.store.update_article(stored.id, stored.version, &record).await {
                Ok(article) => {
                    self.announce(Some(&stored), Some(&article), Ok(Vec::new()), now).await;
                    n += 1;
                }
                Err(StoreError::VersionConflict { .. } | StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(n)
    }

    /// The slugs of the visible articles before and after `slug`.
    async fn neighbour_slugs(&self, slug: &str, now: i64) -> Result<Vec<String>, StoreError> {
        let (prev, next) = self.store.neighbours(slug, now).await?;
        Ok(prev.into_iter().chain(next).map(|l| l.slug).collect())
    }

    /// Tells [`Changes`] what a stored write touched: `before` is the
    /// article's neighbours before it.
    async fn announce(
        &self,
        old: Option<&Article>,
        new: Option<&Article>,
        before: Result<Vec<String>, StoreError>,
        now: i64,
    ) {
        let mut change = Change::default();
        for a in old.into_iter().chain(new) {
            change.touch(a);
        }
        let after = match new {
            Some(a) => self.neighbour_slugs(&a.slug, now).await,
            None => Ok(Vec::new()),
        };
        match (before, after) {
            (Ok(before), Ok(after)) => {
                for slug in before.iter().chain(&after) {
                    push_unique(&mut change.neighbours, slug);
                }
            }
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "finding an article's neighbours: every cached page is dropped");
                change.everything = true;
            }
        }
        self.tell(&change).await;
    }

    /// Tells [`Changes`], and the other instances when readers may see it.
    /// Waits until a write of this process was told (see
    /// [`Articles::keep_related_lists`]).
    pub(crate) async fn queued_notified(&self) {
        self.queued.notified().await;
    }

    /// Tells [`Changes`] (and the other instances) that stored related
    /// lists changed; wakes nobody (no write of an article came).
    pub(crate) async fn tell_related(&self, change: &Change) {
        self.changes.changed(change);
        if let Err(e) = self.store.notify(&change.to_notice(store::MAX_NOTICE_BYTES)).await {
            tracing::warn!(error = %e, "the other instances could not be told of new related lists");
        }
    }

    pub(crate) async fn tell(&self, change: &Change) {
        self.changes.changed(change);
        self.queued.notify_one();
        if change.public || change.everything {
            // The other instances (PostgreSQL; nobody on SQLite), right
            // after the write committed and before the writer is answered.
            if let Err(e) = self.store.notify(&change.to_notice(store::MAX_NOTICE_BYTES)).await {
                tracing::warn!(
                    error = %e,
                    articles = ?change.articles,
                    "the other instances could not be told of a write: they show it when their cached pages expire"
                );
            }
        }
    }
}

/// The most articles [`Articles::write_batch`] announces one by one, with
/// their exact neighbours; a larger batch is announced as one change that
/// every page may show (finding each article's neighbours before and after
/// would cost four reads an article).
const EXACT_BATCH: usize = 1;

/// One article of a batch, prepared ([`Articles::prepare_batch`]).
struct Item {
    /// As given (a batch that cannot be written whole is written article by
    /// article from these).
    input: ArticleInput,
    given: Given,
    /// The stored article of that slug, when there is one.
    stored: Option<Article>,
    /// The record to store, or why the article is not valid.
    record: Result<NewArticle, ValidationError>,
}

/// Articles validated, rendered and summarized for [`Articles::write_batch`],
/// with the stored articles they replace.
pub struct Prepared {
    items: Vec<Item>,
}

impl Prepared {
    /// How many articles.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Articles {
    /// The first half of a batch of upserts (an import): finds which of the
    /// articles are stored (one query for the batch, then a read of each
    /// stored one), and prepares every article ([`prepare()`]) across the
    /// machine's cores, off the async runtime. Nothing is written; see
    /// [`Articles::write_batch`]. Preparing the next batch while the last
    /// one is written keeps both the cores and the database busy.
    pub async fn prepare_batch(&self, inputs: Vec<ArticleInput>, now: i64) -> Result<Prepared, WriteError> {
        let slugs: Vec<String> = inputs.iter().map(|i| i.slug.clone()).collect();
        let existing: std::collections::HashSet<String> =
            self.store.existing_slugs(&slugs).await?.into_iter().collect();
        let mut items = Vec::with_capacity(inputs.len());
        for mut input in inputs {
            let given = Given::of(&input);
            let stored = match existing.contains(&input.slug) {
                true => self.store.article(&input.slug, Visibility::All).await?,
                false => None,
            };
            if let Some(stored) = &stored {
                follow_stored(&mut input, stored);
            }
            items.push((input, given, stored));
        }
        let summarizer = self.summarizer.clone();
        let items = tokio::task::spawn_blocking(move || {
            use rayon::prelude::*;
            items
                .into_par_iter()
                .map(|(input, given, stored)| {
                    let record = prepare(&input, &summarizer, now);
                    Item { input, given, stored, record }
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| WriteError::Internal(e.to_string()))?;
        Ok(Prepared { items })
    }

    /// The second half of a batch of upserts: each article created, or
    /// updated over the stored one, by the rules of [`Articles::upsert`]
    /// (times, unchanged detection, revisions), all in one transaction
    /// (`store::ArticleStore::write_articles`), then announced. Returns each
    /// article's outcome, in order. When the batch cannot be written whole
    /// (another writer changed one of its articles since it was prepared, a
    /// slug taken meanwhile, an error), nothing of it is kept and each of its
    /// articles is written alone by [`Articles::upsert`], which reads again.
    pub async fn write_batch(&self, batch: Prepared, by: &WrittenBy, now: i64) -> Vec<Result<Outcome, WriteError>> {
        let mut results: Vec<Option<Result<Outcome, WriteError>>> = Vec::with_capacity(batch.items.len());
        // (index in the batch, record) of each article to write.
        let mut records = Vec::new();
        let valid = batch.items.iter().filter_map(|item| item.record.as_ref().ok());
        let mut book = match NameBook::for_batch(self.store.as_ref(), valid).await {
            Ok(book) => book,
            Err(e) => {
                tracing::warn!(error = %e, "names in use not read for a batch: each article looks its own up");
                NameBook::default()
            }
        };
        for (i, item) in batch.items.iter().enumerate() {
            let mut record = match &item.record {
                Ok(record) => record.clone(),
                Err(invalid) => {
                    results.push(Some(Err(WriteError::Invalid(invalid.clone()))));
                    continue;
                }
            };
            if let Err(e) = self.join_names(&mut record, item.stored.as_ref().map(|s| s.id), &mut book).await {
                results.push(Some(Err(e)));
                continue;
            }
            apply_times(&mut record, item.given, item.stored.as_ref(), now);
            match &item.stored {
                None => {
                    record.revision =
                        Some(RevisionNote { by: by.clone(), at: now, changed: Vec::new(), restored_from: None });
                }
                Some(stored) if unchanged(&record, stored, item.given) => {
                    results.push(Some(Ok(Outcome::Unchanged)));
                    continue;
                }
                Some(stored) => {
                    let changed = Snapshot::of(&record).changes_from(&Snapshot::of(&stored.data));
                    record.revision = (!changed.is_empty()).then(|| RevisionNote {
                        by: by.clone(),
                        at: now,
                        changed,
                        restored_from: None,
                    });
                }
            }
            results.push(None);
            records.push((i, record));
        }
        if records.len() <= EXACT_BATCH {
            // Alone, an article is written and announced as `upsert` does.
            for (i, _) in records.drain(..) {
                let item = &batch.items[i];
                results[i] = Some(self.upsert(item.input.clone(), by, now).await.map(|w| w.outcome));
            }
        } else {
            let writes: Vec<store::ArticleWrite<'_>> = records
                .iter()
                .map(|(i, record)| match &batch.items[*i].stored {
                    None => store::ArticleWrite::Create(record),
                    Some(s) => store::ArticleWrite::Update { id: s.id, version: s.version, article: record },
                })
                .collect();
            match self.store.write_articles(&writes).await {
                Ok(_) => {
                    // Every page is taken as changed: the sections, tags and
                    // neighbours of each article are not gathered.
                    let mut change = Change { everything: true, ..Change::default() };
                    for (i, record) in &records {
                        let stored = batch.items[*i].stored.as_ref();
                        change.public |= record.status.is_public() || stored.is_some_and(|s| s.status.is_public());
                        change.articles.push(record.slug.clone());
                        results[*i] = Some(Ok(if stored.is_some() { Outcome::Updated } else { Outcome::Created }));
                    }
                    tracing::info!(articles = writes.len(), %by, "articles written in one transaction");
                    self.tell(&change).await;
                }
                Err(e) => {
                    tracing::info!(error = %e, "a batch could not be written whole: writing its articles one by one");
                    for (i, _) in records {
                        let item = &batch.items[i];
                        results[i] = Some(self.upsert(item.input.clone(), by, now).await.map(|w| w.outcome));
                    }
                }
            }
        }
        results.into_iter().map(|r| r.unwrap_or_else(|| Err(WriteError::Internal("not written".to_owned())))).collect()
    }
}

impl Articles {
    /// Remakes something derived from each of the articles `slugs` names
    /// (search terms, key phrases) at start: `make` computes it off the
    /// async runtime, `write` stores it if the article is still at the
    /// version it was made from. Returns how many were written; logs
    /// progress as `doing` every 1,000 articles.
    pub(crate) async fn remake_derived<T, Fut>(
        &self,
        slugs: Vec<String>,
        doing: &'static str,
        make: fn(&Summarizer, &NewArticle) -> T,
        write: impl Fn(i64, i64, T) -> Fut,
    ) -> Result<usize, WriteError>
    where
        T: Send + 'static,
        Fut: std::future::Future<Output = Result<bool, StoreError>>,
    {
        let total = slugs.len();
        let mut n = 0;
        for (i, slug) in slugs.into_iter().enumerate() {
            let Some(stored) = self.store().article(&slug, Visibility::All).await? else { continue };
            let summarizer = self.summarizer().clone();
            let (id, version) = (stored.id, stored.version);
            let made = tokio::task::spawn_blocking(move || make(&summarizer, &stored))
                .await
                .map_err(|e| WriteError::Internal(e.to_string()))?;
            if write(id, version, made).await? {
                n += 1;
            }
            if (i + 1) % 1000 == 0 {
                tracing::info!(done = i + 1, of = total, "{doing}");
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use store::Status;

    use super::*;
    use crate::testing::input;

    fn by(name: &str) -> WrittenBy {
        WrittenBy::named(name)
    }

    /// Remembers every change it hears of.
    #[derive(Default)]
    struct Heard(Mutex<Vec<Change>>);

    impl Changes for Heard {
        fn changed(&self, change: &Change) {
            self.0.lock().unwrap().push(change.clone());
        }
    }

    async fn articles() -> (Articles, Arc<Heard>) {
        let store = store::SqliteStore::open(":memory:").await.unwrap();
        let heard = Arc::new(Heard::default());
        (Articles::new(Arc::new(store), Arc::new(Summarizer::new()), heard.clone()), heard)
    }

    fn at(t: i64) -> Option<chrono::DateTime<chrono::Utc>> {
        to_time(Some(t))
    }

    fn dated(slug: &str, published: Option<i64>) -> ArticleInput {
        ArticleInput { slug: slug.into(), published: published.and_then(|t| to_time(Some(t))), ..input() }
    }

    /// A section, tag or author name written with other capitals or forms
    /// joins the name other articles have (on every write path: create,
    /// update, a batch, a preview), and an article alone with a name may
    /// rename it.
    #[tokio::test]
    async fn lookalike_names_join_the_name_in_use() {
        let (articles, _) = articles().await;
        let named = |slug: &str, section: &str, tags: &[&str], authors: &[&str]| ArticleInput {
            slug: slug.into(),
            section: section.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            authors: authors.iter().map(|a| a.to_string()).collect(),
            ..input()
        };
        let names = |a: &Article| {
            let list = |v: &[Named]| v.iter().map(|n| n.name.clone()).collect::<Vec<_>>();
            (a.section.name.clone(), list(&a.tags), list(&a.authors))
        };
        let shown = |section: &str, tags: &[&str], authors: &[&str]| {
            let list = |v: &[&str]| v.iter().map(|n| n.to_string()).collect::<Vec<_>>();
            (section.to_owned(), list(tags), list(authors))
        };
        let first = articles.create(named("a", "World", &["Climate"], &["Ann Lee"]), &by("t"), 0).await.unwrap();
        assert_eq!(names(&first), shown("World", &["Climate"], &["Ann Lee"]));
        let b = named("b", "world", &["CLIMATE", "Oceans"], &["ann lee", "\u{FF22}ob"]);
        let preview = articles.preview(None, b.clone(), 0).await.unwrap();
        assert_eq!(names(&preview), shown("World", &["Climate", "Oceans"], &["Ann Lee", "\u{FF22}ob"]));
        let second = articles.create(b, &by("t"), 0).await.unwrap();
        assert_eq!(names(&second), shown("World", &["Climate", "Oceans"], &["Ann Lee", "\u{FF22}ob"]));
        // "a" shares its section, tag and author with "b": an edit of it
        // joins them too; "b" alone has "Oceans", and may rename it.
        let a = articles.update("a", named("a", "WORLD", &["climate"], &["ANN LEE"]), None, &by("t"), 1).await.unwrap();
        assert_eq!(names(&a.article), shown("World", &["Climate"], &["Ann Lee"]));
        let b = named("b", "World", &["Climate", "OCEANS"], &["Ann Lee", "Bob"]);
        let b = articles.update("b", b, None, &by("t"), 2).await.unwrap();
        assert_eq!(names(&b.article), shown("World", &["Climate", "OCEANS"], &["Ann Lee", "Bob"]));
        // A batch (an import): names in use join, and among new ones the
        // first written wins.
        let batch = vec![
            named("c", "world", &["sport"], &["bob"]),
            named("d", "Sport", &["SPORT"], &["BOB"]),
            named("e", "SPORT", &["Sport"], &["Cy"]),
        ];
        let prepared = articles.prepare_batch(batch, 3).await.unwrap();
        for outcome in articles.write_batch(prepared, &by("t"), 3).await {
            assert_eq!(outcome.unwrap(), Outcome::Created);
        }
        for (slug, want) in [
            ("c", shown("World", &["sport"], &["Bob"])),
            ("d", shown("Sport", &["sport"], &["Bob"])),
            ("e", shown("Sport", &["sport"], &["Cy"])),
        ] {
            let stored = articles.store().article(slug, Visibility::All).await.unwrap().unwrap();
            assert_eq!(names(&stored), want, "{slug}");
        }
    }

    /// A write without a publication time keeps the stored one; a new
    /// published article without one gets the time it is saved; a draft
    /// without one has none, until it is published.
    #[tokio::test]
    async fn a_missing_publication_time_keeps_the_stored_one() {
        let (w, _) = articles().await;
        let a = w.create(dated("a", Some(10)), &by("test"), 20).await.unwrap();
        assert_eq!((a.published_at, a.updated_at), (Some(10), 10), "a new article's update time is its date");
        // Corrected title, no publication time given.
        let fix = ArticleInput { title: "Corrected".into(), ..dated("a", None) };
        let got = w.update("a", fix.clone(), None, &by("test"), 50).await.unwrap();
        assert_eq!(got.outcome, Outcome::Updated);
        assert_eq!((got.article.published_at, got.article.updated_at, got.article.version), (Some(10), 50, 2));
        // The same again, later, without a time: unchanged, nothing written.
        let again = w.upsert(fix.clone(), &by("test"), 60).await.unwrap();
        assert_eq!((again.outcome, again.article.updated_at, again.article.version), (Outcome::Unchanged, 50, 2));
        // A real change without a time: updated, the date kept.
        let fix2 = ArticleInput { title: "Corrected again".into(), ..fix.clone() };
        let got = w.upsert(fix2.clone(), &by("test"), 60).await.unwrap();
        assert_eq!((got.outcome, got.article.published_at, got.article.updated_at), (Outcome::Updated, Some(10), 60));
        // A time given is used.
        let moved = ArticleInput { published: at(5), ..fix2.clone() };
        assert_eq!(w.upsert(moved, &by("test"), 70).await.unwrap().article.published_at, Some(5));
        assert_eq!(w.update("a", fix2.clone(), None, &by("test"), 71).await.unwrap().article.published_at, Some(5));
        // Unpublished and published again without a time: still the same date.
        let draft = ArticleInput { status: Some(Status::Draft), ..fix2.clone() };
        assert_eq!(w.update("a", draft, None, &by("test"), 72).await.unwrap().article.published_at, Some(5));
        assert_eq!(w.update("a", fix2, None, &by("test"), 73).await.unwrap().article.published_at, Some(5));
        // New articles without a time.
        assert_eq!(w.create(dated("b", None), &by("test"), 80).await.unwrap().published_at, Some(80));
        let c = w.upsert(dated("c", None), &by("test"), 90).await.unwrap();
        assert_eq!((c.outcome, c.article.published_at), (Outcome::Created, Some(90)));
        let d = ArticleInput { status: Some(Status::Draft), ..dated("d", None) };
        assert_eq!(w.create(d.clone(), &by("test"), 95).await.unwrap().published_at, None);
        // A draft that never had a time gets one when it is published.
        let out = ArticleInput { status: Some(Status::Published), ..d };
        assert_eq!(w.update("d", out, None, &by("test"), 99).await.unwrap().article.published_at, Some(99));
    }

    /// The update time: now on a change, as given when the writer gives
    /// another one, and echoing the stored one is no change.
    #[tokio::test]
    async fn update_times_follow_the_writer() {
        let (w, _) = articles().await;
        let a = w.create(ArticleInput { updated: at(15), ..dated("a", Some(10)) }, &by("test"), 20).await.unwrap();
        assert_eq!(a.updated_at, 15);
        // The stored article sent back as it is, its update time included.
        let back = input_of(&a);
        let got = w.update("a", back.clone(), None, &by("test"), 30).await.unwrap();
        assert_eq!((got.outcome, got.article.updated_at), (Outcome::Unchanged, 15));
        // Another update time alone is a change.
        let later = ArticleInput { updated: at(25), ..back.clone() };
        let got = w.update("a", later, None, &by("test"), 30).await.unwrap();
        assert_eq!((got.outcome, got.article.updated_at), (Outcome::Updated, 25));
        // An edit that echoes the stored update time is dated now.
        let edit = ArticleInput { title: "Edited".into(), updated: at(25), ..back };
        assert_eq!(w.update("a", edit, None, &by("test"), 40).await.unwrap().article.updated_at, 40);
    }

    /// A writer that names the version it read is refused when the article
    /// changed since, and nothing is written; one that does not is applied.
    #[tokio::test]
    async fn versions_keep_editors_from_overwriting_each_other() {
        let (w, _) = articles().await;
        let a = w.create(dated("a", Some(10)), &by("test"), 20).await.unwrap();
        let first = ArticleInput { title: "First editor".into(), ..input_of(&a) };
        let second = ArticleInput { title: "Second editor".into(), ..input_of(&a) };
        let got = w.update("a", first, Some(a.version), &by("one"), 30).await.unwrap();
        assert_eq!(got.article.version, a.version + 1);
        match w.update("a", second.clone(), Some(a.version), &by("two"), 31).await {
            Err(WriteError::Changed { current }) => assert_eq!(current.title, "First editor"),
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(w.store().article("a", Visibility::All).await.unwrap().unwrap().title, "First editor");
        let got = w.update("a", second, None, &by("two"), 32).await.unwrap();
        assert_eq!((got.article.title.as_str(), got.article.version), ("Second editor", a.version + 2));
        assert!(matches!(w.update("nope", input(), None, &by("x"), 1).await, Err(WriteError::NotFound(_))));
        assert!(matches!(w.delete("nope", &by("x"), 1).await, Err(WriteError::NotFound(_))));
        let taken = w.create(dated("a", None), &by("test"), 40).await;
        assert!(matches!(taken, Err(WriteError::Store(StoreError::Conflict(_)))), "{taken:?}");
    }

    /// Each write is announced once, with the pages it touches: the
    /// article, its old and new neighbours, its sections, tags and authors
    /// before and after. A draft touches nothing public.
    #[tokio::test]
    async fn writes_announce_what_they_touch() {
        let (w, heard) = articles().await;
        for (slug, t) in [("a", 10), ("b", 20), ("c", 30)] {
            w.create(dated(slug, Some(t)), &by("test"), 100).await.unwrap();
        }
        heard.0.lock().unwrap().clear();
        // "c" moves between "a" and "b", into another section.
        let moved = ArticleInput { section: "Sport".into(), tags: vec!["Derby".into()], ..dated("c", Some(15)) };
        w.update("c", moved, None, &by("test"), 100).await.unwrap();
        let change = heard.0.lock().unwrap().pop().unwrap();
        assert_eq!(change.articles, ["c"]);
        let mut neighbours = change.neighbours.clone();
        neighbours.sort();
        assert_eq!(neighbours, ["a", "b"], "before: b; after: a and b");
        assert_eq!(change.sections, ["world-news", "sport"]);
        assert_eq!(change.tags, ["budget", "derby"]);
        assert!(change.related.is_empty(), "lists made again are announced when made, not by the write");
        assert!(change.public && !change.everything);
        // A rename touches both slugs.
        w.update("c", ArticleInput { slug: "c2".into(), ..dated("c", None) }, None, &by("test"), 100).await.unwrap();
        assert_eq!(heard.0.lock().unwrap().pop().unwrap().articles, ["c", "c2"]);
        // A draft stays a draft: nothing public.
        let draft = ArticleInput { status: Some(Status::Draft), ..dated("d", None) };
        w.create(draft, &by("test"), 100).await.unwrap();
        assert!(!heard.0.lock().unwrap().pop().unwrap().public);
        w.delete("a", &by("test"), 100).await.unwrap();
        let change = heard.0.lock().unwrap().pop().unwrap();
        assert_eq!(
            (change.articles.as_slice(), change.neighbours.as_slice()),
            (&["a".to_owned()][..], &["c2".to_owned()][..])
        );
        // Nothing written, nothing announced.
        let n = heard.0.lock().unwrap().len();
        w.upsert(dated("b", None), &by("test"), 100).await.unwrap();
        assert_eq!(heard.0.lock().unwrap().len(), n);
    }

    /// The owner given at creation is kept by every later write (the API's
    /// included, which names none); a submitted draft touches nothing
    /// public and gets no publication time until it is published.
    #[tokio::test]
    async fn owners_are_kept_and_submitted_articles_stay_private() {
        let (w, heard) = articles().await;
        let wren = store::NewUser {
            name: "wren".into(),
            display_name: "Wren".into(),
            email: None,
            role: store::Role::Writer,
            password_hash: "h".into(),
        };
        let wren = w.store().create_user(&wren, 1).await.unwrap();
        let submitted = ArticleInput { status: Some(Status::Submitted), ..dated("s", None) };
        let a = w.create_owned(submitted.clone(), Some(wren.id), &by("wren"), 10).await.unwrap();
        assert_eq!((a.status, a.owner, a.published_at), (Status::Submitted, Some(wren.id), None));
        assert!(!heard.0.lock().unwrap().pop().unwrap().public);
        let edit = ArticleInput { title: "Edited".into(), ..submitted };
        let got = w.update("s", edit.clone(), None, &by("token ci"), 20).await.unwrap();
        assert_eq!((got.article.owner, got.article.status), (Some(wren.id), Status::Submitted));
        assert!(!heard.0.lock().unwrap().pop().unwrap().public);
        let out = ArticleInput { status: Some(Status::Published), ..edit };
        let got = w.update("s", out, Some(got.article.version), &by("editor"), 30).await.unwrap();
        assert_eq!((got.article.owner, got.article.published_at), (Some(wren.id), Some(30)));
        assert!(heard.0.lock().unwrap().pop().unwrap().public);
        assert_eq!(w.create(dated("t", None), &by("token ci"), 40).await.unwrap().owner, None);
    }

    /// Every write that changes an editable field keeps a revision (who,
    /// when, what changed, the fields after it); an unchanged write, a
    /// refused one, an update time alone and recomputed summaries keep
    /// none. Restoring writes an old revision's text back as a new one that
    /// names it, keeping the article's slug, status and time; a restore over
    /// a newer version is refused like an editor's save.
    #[tokio::test]
    async fn revisions_follow_the_writes_that_change_something() {
        let (w, _) = articles().await;
        let ann = WrittenBy::user(7, "Ann Lee");
        let a = w.create(dated("a", Some(10)), &ann, 20).await.unwrap();
        let store = w.store().clone();
        let numbers = || {
            let store = store.clone();
            async move { store.revisions(a.id, None, 50).await.unwrap().into_iter().map(|r| r.number).collect::<Vec<_>>() }
        };
        let r1 = store.revision(a.id, 1).await.unwrap().unwrap();
        assert_eq!((r1.info.by.clone(), r1.info.at, r1.info.changed.len()), (ann.clone(), 20, 0));
        assert_eq!(r1.snapshot.title, "Council approves budget");
        // A change: what changed, by whom.
        let fix = ArticleInput {
            title: "Council approves the budget".into(),
            tags: vec!["Budget".into(), "Schools".into()],
            ..dated("a", None)
        };
        let got = w.update("a", fix.clone(), Some(1), &WrittenBy::token("ci"), 30).await.unwrap();
        assert_eq!(got.article.version, 2);
        let r2 = store.revision(a.id, 2).await.unwrap().unwrap();
        assert_eq!(r2.info.changed, ["title", "tags"]);
        assert_eq!(r2.info.by.name, "API token ci");
        // Unchanged: nothing. A stale version: refused, nothing.
        assert_eq!(w.update("a", fix.clone(), None, &ann, 40).await.unwrap().outcome, Outcome::Unchanged);
        let late = ArticleInput { title: "Late".into(), ..fix.clone() };
        assert!(matches!(w.update("a", late, Some(1), &ann, 41).await, Err(WriteError::Changed { .. })));
        // An update time alone: a new version, no revision.
        let dated_only = ArticleInput { updated: at(99), ..fix.clone() };
        let got = w.update("a", dated_only, None, &WrittenBy::import(), 42).await.unwrap();
        assert_eq!((got.outcome, got.article.version), (Outcome::Updated, 3));
        assert_eq!(numbers().await, [2, 1]);
        // Published, then restored to revision 1: the text comes back, the
        // status, time and slug stay.
        let moved = ArticleInput { body: "A new body. Entirely rewritten.".into(), ..fix.clone() };
        let got = w.update("a", moved, Some(3), &ann, 50).await.unwrap();
        assert_eq!(got.article.version, 4);
        assert!(matches!(w.restore("a", 1, 3, &ann, 60).await, Err(WriteError::Changed { .. })));
        assert!(matches!(w.restore("a", 3, 4, &ann, 60).await, Err(WriteError::NoRevision { number: 3, .. })));
        let back = w.restore("a", 1, 4, &ann, 60).await.unwrap();
        assert_eq!((back.outcome, back.article.version), (Outcome::Updated, 5));
        assert_eq!(
            (back.article.title.as_str(), back.article.body_md.as_str()),
            (r1.snapshot.title.as_str(), r1.snapshot.body.as_str())
        );
        assert_eq!(
            (back.article.slug.as_str(), back.article.status, back.article.published_at),
            ("a", got.article.status, got.article.published_at)
        );
        let r5 = store.revision(a.id, 5).await.unwrap().unwrap();
        assert_eq!(
            (r5.info.restored_from, r5.info.changed.clone()),
            (Some(1), vec!["title".to_owned(), "body".into(), "tags".into()])
        );
        assert_eq!(numbers().await, [5, 4, 2, 1]);
        // The same restore again changes nothing.
        assert_eq!(w.restore("a", 1, 5, &ann, 70).await.unwrap().outcome, Outcome::Unchanged);
        assert_eq!(numbers().await, [5, 4, 2, 1]);
    }

    /// Many writers of the same article at once, none naming a version:
    /// every write is applied (re-applied over the ones that came first).
    /// A batch (an import) follows the rules of `upsert` article by article
    /// (created, updated with a revision, unchanged, an invalid one refused
    /// alone): the same articles, versions and revisions as upserts one by
    /// one, written in one transaction and announced once. When another
    /// writer changes one of its articles between preparing and writing,
    /// the batch is written article by article instead, and nothing is lost.
    #[tokio::test]
    async fn batches_follow_the_upsert_rules() {
        let (batched, heard) = articles().await;
        let (alone, _) = articles().await;
        let inputs = || {
            vec![
                dated("new", Some(30)),
                ArticleInput { title: "Changed".into(), ..dated("old", None) },
                dated("same", None),
                ArticleInput { title: String::new(), ..dated("bad", None) },
                ArticleInput { status: Some(Status::Draft), ..dated("draft", None) },
            ]
        };
        for w in [&batched, &alone] {
            w.create(dated("old", Some(10)), &by("test"), 20).await.unwrap();
            w.create(dated("same", Some(10)), &by("test"), 20).await.unwrap();
        }
        let heard_before = heard.0.lock().unwrap().len();
        let prepared = batched.prepare_batch(inputs(), 40).await.unwrap();
        assert_eq!(prepared.len(), 5);
        let got: Vec<_> = batched.write_batch(prepared, &by("import"), 40).await;
        let shown: Vec<String> = got.iter().map(|r| format!("{r:?}")).collect();
        assert_eq!(&shown[..3], ["Ok(Created)", "Ok(Updated)", "Ok(Unchanged)"]);
        assert!(matches!(got[3], Err(WriteError::Invalid(_))), "{:?}", got[3]);
        assert!(matches!(got[4], Ok(Outcome::Created)), "{:?}", got[4]);
        for input in inputs() {
            let _ = alone.upsert(input, &by("import"), 40).await;
        }
        for slug in ["new", "old", "same", "draft"] {
            let one = batched.store().article(slug, Visibility::All).await.unwrap().unwrap();
            let other = alone.store().article(slug, Visibility::All).await.unwrap().unwrap();
            assert_eq!(
                (&one.data, one.version, one.created_at),
                (&other.data, other.version, other.created_at),
                "{slug}"
            );
            let (mine, theirs) = (
                batched.store().revisions(one.id, None, 100).await.unwrap(),
                alone.store().revisions(other.id, None, 100).await.unwrap(),
            );
            let shown = |r: Vec<store::RevisionInfo>| {
                r.into_iter().map(|r| (r.number, r.changed, r.by.name)).collect::<Vec<_>>()
            };
            assert_eq!(shown(mine), shown(theirs), "{slug}");
        }
        assert!(batched.store().article("bad", Visibility::All).await.unwrap().is_none());
        let heard_now = heard.0.lock().unwrap()[heard_before..].to_vec();
        assert_eq!(heard_now.len(), 1, "one announcement for the batch: {heard_now:?}");
        assert!(heard_now[0].everything && heard_now[0].public);
        assert_eq!(heard_now[0].articles, ["new", "old", "draft"]);

        // Another write between preparing and writing: article by article.
        let prepared = batched
            .prepare_batch(
                vec![ArticleInput { title: "Batch".into(), ..dated("old", None) }, dated("newer", Some(50))],
                60,
            )
            .await
            .unwrap();
        let meanwhile = ArticleInput { title: "Meanwhile".into(), ..dated("old", None) };
        batched.update("old", meanwhile, None, &by("editor"), 61).await.unwrap();
        let got = batched.write_batch(prepared, &by("import"), 62).await;
        assert!(matches!(got[..], [Ok(Outcome::Updated), Ok(Outcome::Created)]), "{got:?}");
        let old = batched.store().article("old", Visibility::All).await.unwrap().unwrap();
        assert_eq!((old.title.as_str(), old.version), ("Batch", 4));
        assert!(batched.store().article("newer", Visibility::All).await.unwrap().is_some());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_writers_all_succeed() {
        let dir = std::env::temp_dir().join(format!("newsdesk-content-concurrent-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = store::SqliteStore::open(&dir.join("site.db").display().to_string()).await.unwrap();
        let w = Articles::new(Arc::new(store.clone()), Arc::new(Summarizer::new()), Arc::new(NoChanges));
        w.create(dated("a", Some(10)), &by("test"), 20).await.unwrap();
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let w = w.clone();
                tokio::spawn(async move {
                    let edit = ArticleInput { title: format!("Edit {i}"), ..dated("a", None) };
                    w.update("a", edit, None, &by("test"), 30 + i).await.map(|x| x.outcome)
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), Outcome::Updated);
        }
        assert_eq!(w.store().article("a", Visibility::All).await.unwrap().unwrap().version, 17);
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Refreshing stale summaries keeps the article's times, and passes
    /// over an article saved before a rule was made stricter (here: an
    /// empty body), instead of failing on it.
    #[tokio::test]
    async fn refresh_keeps_times_and_passes_over_articles_that_no_longer_validate() {
        let (w, heard) = articles().await;
        let s = Summarizer::new();
        let mut good = prepare(&input(), &s, 0).unwrap();
        good.summaries.iter_mut().for_each(|x| x.version = "old".into());
        (good.published_at, good.updated_at) = (Some(10), 11);
        let mut empty = good.clone();
        empty.slug = "empty".into();
        empty.body_md = String::new();
        w.store().create_article(&good).await.unwrap();
        w.store().create_article(&empty).await.unwrap();
        assert_eq!(w.refresh_stale(500).await.unwrap(), 1);
        assert_eq!(w.store().stale_summaries(summarize::VERSION).await.unwrap(), ["empty"]);
        let a = w.store().article("a-b", Visibility::All).await.unwrap().unwrap();
        assert_eq!((a.published_at, a.updated_at), (Some(10), 11));
        assert_eq!(a.summaries[0].version, summarize::VERSION);
        assert_eq!(heard.0.lock().unwrap().len(), 1);
    }

    /// Picks given by index are the body's sentences, and the mode is
    /// picked; sent back as they were with a changed body, each follows its
    /// text, and one the body no longer has leaves readers the automatic
    /// summary (kept without an index, so the newsroom can say so).
    #[tokio::test]
    async fn picks_follow_their_sentences_through_updates() {
        let (w, _) = articles().await;
        let picked = ArticleInput { summary_sentences: Some(vec![3, 0]), ..input() };
        let a = w.create(picked, &by("test"), 10).await.unwrap();
        assert_eq!(a.summary_mode, store::SummaryMode::Picked);
        let texts: Vec<(Option<usize>, &str)> = a.summary_picks.iter().map(|p| (p.index, p.text.as_str())).collect();
        assert_eq!(
            texts,
            [(Some(0), "The council approved the budget on Monday."), (Some(3), "The mayor welcomed the vote.")]
        );
        // A sentence added at the start, the document sent back as read.
        let mut sent = input_of(&a);
        sent.summary_seen = None;
        sent.body = format!("A new first sentence. {}", sent.body);
        let moved = w.update("a-b", sent, None, &by("test"), 20).await.unwrap().article;
        assert_eq!(crate::found_picks(&moved.summary_picks), [1, 4]);
        assert_eq!(crate::picked_sentences(&moved).unwrap()[1], (4, "The mayor welcomed the vote."));
        // The mayor's sentence rewritten: readers get the automatic summary.
        let mut sent = input_of(&moved);
        sent.summary_seen = None;
        sent.body = sent.body.replace("The mayor welcomed the vote.", "The mayor did not comment.");
        let lost = w.update("a-b", sent, None, &by("test"), 30).await.unwrap().article;
        assert_eq!(lost.summary_mode, store::SummaryMode::Picked);
        assert_eq!(lost.summary_picks.iter().map(|p| p.index).collect::<Vec<_>>(), [Some(1), None]);
        assert_eq!(crate::picked_sentences(&lost), None);
        // New indexes (not the stored ones) are taken as given.
        let fresh = ArticleInput { summary_sentences: Some(vec![2]), ..input_of(&lost) };
        let fresh = ArticleInput { summary_seen: None, ..fresh };
        let again = w.update("a-b", fresh, None, &by("test"), 40).await.unwrap().article;
        assert_eq!(crate::found_picks(&again.summary_picks), [2]);
        assert_eq!(again.summary_picks.len(), 1);
        // Out of range, too many, none: refused, nothing written.
        for (picks, says) in
            [(vec![99], "there is no sentence 99"), (vec![0, 1, 2, 3, 4, 5], "at most 5"), (vec![], "at least one")]
        {
            let bad = ArticleInput {
                summary_sentences: Some(picks),
                summary_mode: Some(store::SummaryMode::Picked),
                ..input()
            };
            let err = w.update("a-b", bad, None, &by("test"), 50).await.unwrap_err();
            assert!(
                matches!(&err, WriteError::Invalid(v) if v.field == "summary_sentences" && v.message.contains(says)),
                "{err}"
            );
        }
        assert_eq!(w.store().article("a-b", Visibility::All).await.unwrap().unwrap().version, again.version);
    }

    /// A preview is what a save would store, and stores nothing.
    #[tokio::test]
    async fn previews_store_nothing() {
        let (w, heard) = articles().await;
        let new = w.preview(None, ArticleInput { status: Some(Status::Draft), ..input() }, 10).await.unwrap();
        assert_eq!((new.id, new.version, new.title.as_str()), (0, 0, "Council approves budget"));
        assert!(w.store().article("a-b", Visibility::All).await.unwrap().is_none());
        let a = w.create(dated("a-b", Some(5)), &by("test"), 10).await.unwrap();
        let changed = ArticleInput { title: "Changed".into(), ..dated("a-b", None) };
        let p = w.preview(Some(&a), changed, 20).await.unwrap();
        assert_eq!((p.id, p.version, p.published_at, p.updated_at), (a.id, a.version, Some(5), 20));
        assert_eq!(p.title, "Changed");
        let bad = ArticleInput { title: String::new(), ..dated("a-b", None) };
        assert!(matches!(w.preview(Some(&a), bad, 20).await, Err(WriteError::Invalid(v)) if v.field == "title"));
        assert_eq!(w.store().article("a-b", Visibility::All).await.unwrap().unwrap(), a);
        assert_eq!(heard.0.lock().unwrap().len(), 1, "only the create was announced");
    }
}
