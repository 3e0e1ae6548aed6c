//! Testing every backend alike (Cargo feature `testing`): fresh databases for
//! tests ([`TestDatabase`]), and the conformance suite ([`conformance`]) that
//! every backend must pass, one test per check with [`conformance_tests!`]:
//!
//! ```text
//! async fn database(name: &str) -> Option<store::testing::TestDatabase> {
//!     store::testing::TestDatabase::postgres(name).await
//! }
//! store::conformance_tests!(database);
//! ```
//!
//! PostgreSQL tests need a server: `NEWSDESK_TEST_PG` is the URL of a
//! database where the tests may create schemas (each test works in a schema
//! of its own, dropped at its end), such as the throwaway server
//! `scripts/with-postgres.sh` starts. Without it they print that they are
//! skipped and pass, unless the environment variable `CI` is set: then a
//! missing server is a failure. `NEWSDESK_TEST_BACKEND=postgres` runs the
//! tests that use [`TestDatabase::chosen`] (the web and CLI tests) on
//! PostgreSQL instead of SQLite.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::prelude::*;
use crate::{Kind, NewArticle};

/// The environment variable naming the test server's URL.
pub const PG_ENV: &str = "NEWSDESK_TEST_PG";
/// The environment variable choosing the backend of [`TestDatabase::chosen`]
/// (`sqlite`, the default, or `postgres`).
pub const BACKEND_ENV: &str = "NEWSDESK_TEST_BACKEND";

/// A SQLite test database in memory or in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqliteIn {
    /// `:memory:`: one connection, gone with the store.
    Memory,
    /// A file in a temporary folder of its own (a pool of connections).
    File,
}

/// A fresh, empty database for one test, removed when dropped: a SQLite
/// file in a temporary folder, a SQLite database in memory, or a schema of
/// its own on the PostgreSQL test server.
#[derive(Debug)]
pub struct TestDatabase {
    location: String,
    kind: Kind,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Nothing,
    Folder(PathBuf),
    Schema { admin: String, schema: String },
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A name made of `name`'s letters and digits, unique in this process and
/// across processes.
fn unique(name: &str, max: usize) -> String {
    let clean: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    let suffix = format!("_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let keep = max.saturating_sub(suffix.len()).min(clean.len());
    format!("{}{suffix}", &clean[..keep])
}

fn ci_is_set() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

impl TestDatabase {
    /// A SQLite database (in memory, or a file of its own).
    pub fn sqlite(name: &str, place: SqliteIn) -> TestDatabase {
        match place {
            SqliteIn::Memory => {
                TestDatabase { location: ":memory:".to_owned(), kind: Kind::Sqlite, cleanup: Cleanup::Nothing }
            }
            SqliteIn::File => {
                let dir = std::env::temp_dir().join(format!("newsdesk-test-{}", unique(name, 80)));
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
                TestDatabase {
                    location: dir.join("site.db").to_string_lossy().into_owned(),
                    kind: Kind::Sqlite,
                    cleanup: Cleanup::Folder(dir),
                }
            }
        }
    }

    /// A schema of its own on the PostgreSQL test server (`NEWSDESK_TEST_PG`),
    /// or `None` when no server is configured (the test should then pass
    /// without doing anything; this says it is skipped, once per process).
    /// Panics when no server is configured and `CI` is set, or when the
    /// server cannot be reached.
    pub async fn postgres(name: &str) -> Option<TestDatabase> {
        let Some(admin) = std::env::var(PG_ENV).ok().filter(|s| !s.is_empty()) else {
            if ci_is_set() {
                panic!(
                    "PostgreSQL tests cannot run: {PG_ENV} is not set (the environment variable CI is set, so a \
                     missing server is a failure, not a skip); run the tests with scripts/with-postgres.sh"
                );
            }
            static SAID: AtomicBool = AtomicBool::new(false);
            if !SAID.swap(true, Ordering::Relaxed) {
                // Straight to stderr, past the test harness's capture, so a plain `cargo test` shows it.
                let _ = writeln!(
                    std::io::stderr(),
                    "\nSKIPPED PostgreSQL tests: {PG_ENV} is not set (run them with: bash scripts/with-postgres.sh \
                     cargo test)\n"
                );
            }
            return None;
        };
        let schema = unique(&format!("nd_{name}"), 63);
        run_admin(&admin, &format!("CREATE SCHEMA {schema}")).await.unwrap_or_else(|e| {
            panic!("PostgreSQL tests: cannot create a schema on {} ({PG_ENV}): {e}", crate::redact(&admin))
        });
        let sep = if admin.contains('?') { '&' } else { '?' };
        Some(TestDatabase {
            location: format!("{admin}{sep}options[search_path]={schema}"),
            kind: Kind::Postgres,
            cleanup: Cleanup::Schema { admin, schema },
        })
    }

    /// A database for a test that runs on either backend: PostgreSQL when
    /// `NEWSDESK_TEST_BACKEND=postgres` (a failure if no server is
    /// configured, since it was asked for), else SQLite `place`.
    pub async fn chosen(name: &str, place: SqliteIn) -> TestDatabase {
        match std::env::var(BACKEND_ENV).unwrap_or_default().to_ascii_lowercase().as_str() {
            "" | "sqlite" => TestDatabase::sqlite(name, place),
            "postgres" | "postgresql" => match TestDatabase::postgres(name).await {
                Some(db) => db,
                None => panic!("{BACKEND_ENV}=postgres needs {PG_ENV}, the URL of a test server"),
            },
            other => panic!("{BACKEND_ENV}={other}: give sqlite or postgres"),
        }
    }

    /// Where it is: a path, `:memory:` or a `postgres://` URL (for `--db`).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Which backend it is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Opens it (migrating it), or panics.
    pub async fn open(&self) -> Arc<dyn Store> {
        crate::open(&self.location).await.unwrap_or_else(|e| panic!("opening {}: {e}", crate::redact(&self.location)))
    }
}

/// Runs one statement on the test server, on a connection of its own.
async fn run_admin(admin: &str, sql: &str) -> Result<(), String> {
    #[cfg(feature = "postgres")]
    {
        use sqlx::{ConnectOptions, Connection};
        let options: sqlx::postgres::PgConnectOptions = admin.parse().map_err(|e: sqlx::Error| e.to_string())?;
        let mut conn = options.connect().await.map_err(|e| e.to_string())?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut conn).await.map_err(|e| e.to_string())?;
        let _ = conn.close().await;
        Ok(())
    }
    #[cfg(not(feature = "postgres"))]
    {
        let _ = (admin, sql);
        Err("this build has no PostgreSQL support (the store crate's feature postgres)".to_owned())
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Nothing => {}
            Cleanup::Folder(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Schema { admin, schema } => {
                // Dropped on a thread of its own: this may run inside an async runtime.
                let (admin, sql) = (admin.clone(), format!("SET lock_timeout = '10s'; DROP SCHEMA {schema} CASCADE"));
                let done = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                    rt.block_on(run_admin(&admin, &sql)).err()
                })
                .join();
                if let Ok(Some(e)) = done {
                    let _ = writeln!(std::io::stderr(), "warning: test schema {schema} was not dropped: {e}");
                }
            }
        }
    }
}

/// A plain article for tests: published or not at `at`, in section World,
/// by Ann, tagged x, with one summary.
pub fn sample(slug: &str, status: crate::Status, at: Option<i64>) -> NewArticle {
    conformance::article(slug, status, at, "World", &["x"], &["Ann"])
}

/// Everything a site holds, read in bulk ([`crate::TransferStore`]): users,
/// tokens, sessions, failed sign-ins, pictures (with their bytes), articles
/// (with their revisions), read in pages of `page`, to compare two sites.
pub async fn whole_site(s: &Arc<dyn Store>, page: u32) -> crate::transfer::Site {
    let mut site = crate::transfer::Site {
        users: s.users().await.unwrap(),
        tokens: s.tokens().await.unwrap(),
        sessions: s.all_sessions().await.unwrap(),
        failures: s.all_sign_in_failures().await.unwrap(),
        media: Vec::new(),
        articles: Vec::new(),
    };
    loop {
        let after = site.media.last().map_or(0, |m| m.id);
        let batch = s.media_after(after, page).await.unwrap();
        assert!(batch.len() <= page as usize);
        if batch.is_empty() {
            break;
        }
        site.media.extend(batch);
    }
    loop {
        let after = site.articles.last().map_or(0, |a| a.article.id);
        let batch = s.articles_after(after, page).await.unwrap();
        assert!(batch.len() <= page as usize);
        if batch.is_empty() {
            break;
        }
        site.articles.extend(batch);
    }
    site
}

/// One test per check of [`conformance`], each on a fresh database from
/// `$database`: an `async fn(&str) -> Option<TestDatabase>` given the
/// check's name (`None`: skip). Needs `tokio` (macros, multi-threaded
/// runtime) in the calling crate.
#[macro_export]
macro_rules! conformance_tests {
    ($database:path) => {
        $crate::conformance_tests!(@each $database;
            round_trips_every_field,
            slugs_are_unique,
            updates_are_versioned,
            batches_are_written_whole_or_not_at_all,
            deletes_take_everything_with_them,
            visibility_follows_the_rule,
            neighbours_follow_time_then_slug,
            lists_filter_order_and_paginate,
            sections_names_and_counts,
            names_in_use_are_those_of_other_articles,
            edits_that_keep_names_follow_the_article,
            stale_summaries_and_next_publication,
            tokens_are_kept_as_hashes,
            unicode_is_kept_exactly,
            large_bodies_are_kept_whole,
            parallel_writes_to_one_article,
            parallel_writes_to_different_articles,
            parallel_creates_of_one_slug,
            search_finds_ranks_and_follows_writes,
            users_roles_and_the_last_admin,
            sessions_live_and_end,
            failures_are_counted_per_key_and_forgotten,
            owners_and_submitted_articles,
            picked_summaries,
            media_files_are_kept_and_found,
            parallel_uploads_of_one_picture,
            revisions_are_kept_with_their_writes,
            related_articles_share_keys_and_follow_visibility,
            queued_related_lists_are_made_after_writes,
            key_phrases_are_kept_and_refreshed,
            sites_are_copied_whole,
            ping_and_close,
        );
    };
    (@each $database:path; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $check() {
                if let Some(db) = $database(stringify!($check)).await {
                    let store = db.open().await;
                    $crate::testing::conformance::$check(store.clone()).await;
                    $crate::Backend::close(&*store).await;
                }
            }
        )*
    };
}

pub mod conformance {
    //! The checks every backend passes, each given a fresh, empty store.
    //! Where a rule is not obvious, the expected results come from a model
    //! written in Rust here ([`Visibility::shows`], sorting), not from what
    //! one backend happens to return.

    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::Arc;

    use crate::{
        ArticleCard, Cursor, DeskQuery, ListQuery, NameKind, Named, NewArticle, NewUser, Reading, RevisionNote, Role,
        SearchQuery, SearchText, Session, Snapshot, Status, Store, StoreError, StoredSummary, SummaryMode, SummaryPick,
        SummarySentence, Visibility, WrittenBy,
    };

    fn named(name: &str) -> Named {
        Named { name: name.to_owned(), slug: name.to_lowercase().replace(' ', "-") }
    }

    /// An article with the given place in the site, one summary and small
    /// bodies; every other field empty.
    pub fn article(
        slug: &str,
        status: Status,
        at: Option<i64>,
        section: &str,
        tags: &[&str],
        authors: &[&str],
    ) -> NewArticle {
        NewArticle {
            slug: slug.to_owned(),
            title: format!("Title {slug}"),
            standfirst: None,
            body_md: format!("Body of {slug}."),
            body_html: format!("<p>Body of {slug}.</p>"),
            body_text: format!("Body of {slug}."),
            authors: authors.iter().map(|a| named(a)).collect(),
            section: named(section),
            tags: tags.iter().map(|t| named(t)).collect(),
            lang: "en".into(),
            status,
            published_at: at,
            updated_at: at.unwrap_or(1),
            sources: None,
            canonical_url: None,
            lead_image: None,
            lead_image_alt: None,
            reading_minutes: 1,
            summary_mode: SummaryMode::Auto,
            summary_custom: None,
            summary_picks: Vec::new(),
            summaries: vec![summary(3, "v1", &format!("Body of {slug}."))],
            auto_paragraphs: true,
            search: SearchText::default(),
            key_phrases: Default::default(),
            owner: None,
            revision: None,
        }
    }

    fn summary(length: u32, version: &str, text: &str) -> StoredSummary {
        StoredSummary {
            length,
            sentences: vec![SummarySentence { index: 0, start: 0, end: text.len(), text: text.to_owned() }],
            source_hash: format!("hash-{length}"),
            version: version.to_owned(),
        }
    }

    /// Every field set, odd values included.
    fn full(slug: &str) -> NewArticle {
        NewArticle {
            slug: slug.to_owned(),
            title: "A title: with \"quotes\", 'apostrophes' & <angle brackets>".into(),
            standfirst: Some("One line under the title.\nAnd a second.".into()),
            body_md: "# Heading\n\nFirst *sentence*. Second one; with a `code` span.\n\n- a\n- b\n".into(),
            body_html: "<h2>Heading</h2><p><span class=\"s\" id=\"s-0\">First <em>sentence</em>.</span></p>".into(),
            body_text: "Heading\n\nFirst sentence. Second one; with a code span.\n\na\nb".into(),
            authors: vec![named("Zoë Writer"), named("Ann"), named("Bob")],
            section: Named { name: "Science & Tech".into(), slug: "science-tech".into() },
            tags: vec![named("zebra"), named("apple"), named("mango")],
            lang: "pt-BR".into(),
            status: Status::Scheduled,
            published_at: Some(-86_400),
            updated_at: 253_402_300_799,
            sources: Some("Minutes of the meeting.\nA second source.".into()),
            canonical_url: Some("https://example.org/a?b=c&d=e".into()),
            lead_image: Some("/media/lead.jpg".into()),
            lead_image_alt: Some("A harbour at dawn".into()),
            reading_minutes: 4_000_000_000,
            summary_mode: SummaryMode::Custom,
            summary_custom: Some("The editors' own summary.".into()),
            // Picks are kept whatever the mode (switching back finds them).
            summary_picks: vec![
                SummaryPick { index: Some(0), text: "First sentence.".into() },
                SummaryPick { index: None, text: "A sentence \"no longer\" there.".into() },
            ],
            summaries: vec![summary(5, "v2", "Five."), summary(3, "v2", "Three.")],
            // Not the default.
            auto_paragraphs: false,
            // Terms with what a term never holds (quotes, backslashes,
            // query syntax): written all the same.
            search: SearchText {
                title: "titl quot apostroph angl bracket".into(),
                standfirst: "o'neil back\\slash \"quote\" x:* !a & b | c <-> d".into(),
                body: "head first sentenc second code span".into(),
                names: "zoë writer ann bob scienc tech zebra appl mango".into(),
                sources: "minut meet second sourc".into(),
                version: 3,
            },
            // Read back in their order, whatever it is, each once.
            key_phrases: crate::KeyPhrases {
                phrases: vec!["zebra crossing".into(), "apple".into(), "o'neil \"quoted\"".into(), "харків".into()],
                version: 7,
            },
            // An owner is a user's id: `owners_and_submitted_articles` checks it.
            owner: None,
            revision: None,
        }
    }

    /// What the stored article should be: as given, with summaries by
    /// length, and without its search terms (written, not read back).
    fn expected(a: &NewArticle) -> NewArticle {
        let mut a = a.clone();
        a.summaries.sort_by_key(|s| s.length);
        a.search = SearchText::default();
        a.revision = None;
        a
    }

    /// Create, read back whole (by `article` and as `create_article` returned
    /// it), version 1, creation time the given update time, distinct ids.
    pub async fn round_trips_every_field(s: Arc<dyn Store>) {
        let a = full("every-field");
        let created = s.create_article(&a).await.unwrap();
        assert_eq!(created.data, expected(&a));
        assert_eq!((created.version, created.created_at), (1, a.updated_at));
        let read = s.article("every-field", Visibility::All).await.unwrap().expect("stored");
        assert_eq!(read, created);
        let mut bare = article("bare", Status::Draft, None, "World", &[], &[]);
        bare.summaries.clear();
        let b = s.create_article(&bare).await.unwrap();
        assert_eq!(b.data, bare);
        assert_ne!(b.id, created.id);
        assert_eq!(s.article("bare", Visibility::All).await.unwrap().unwrap(), b);
        assert!(s.article("missing", Visibility::All).await.unwrap().is_none());
        assert_eq!(s.count_articles().await.unwrap(), 2);
        // The card shows the same values.
        let page = s.list_articles(&query(Visibility::All, None, None, None, 1, 10)).await.unwrap();
        let card = page.items.iter().find(|c| c.slug == "every-field").expect("listed");
        let want = ArticleCard {
            slug: a.slug.clone(),
            title: a.title.clone(),
            standfirst: a.standfirst.clone(),
            section: a.section.clone(),
            authors: a.authors.clone(),
            tags: a.tags.clone(),
            status: a.status,
            published_at: a.published_at,
            updated_at: a.updated_at,
            reading_minutes: a.reading_minutes,
            lead_image: a.lead_image.clone(),
            lead_image_alt: a.lead_image_alt.clone(),
            lang: a.lang.clone(),
        };
        assert_eq!(card, &want);
    }

    /// A picked summary (mode `Picked`, stored as `auto` with its picks
    /// beside it) reads back as picked, for editors and readers; its picks
    /// follow every update (replaced, kept in another mode, removed), and go
    /// with the article. A custom or automatic article is never read as
    /// picked, whatever picks it keeps.
    pub async fn picked_summaries(s: Arc<dyn Store>) {
        let pick = |i: Option<usize>, t: &str| SummaryPick { index: i, text: t.to_owned() };
        let mut a = article("picked", Status::Published, Some(10), "World", &[], &[]);
        a.summary_mode = SummaryMode::Picked;
        a.summary_picks = vec![pick(Some(0), "One."), pick(Some(3), "Four é “quoted”."), pick(None, "Gone.")];
        let created = s.create_article(&a).await.unwrap();
        assert_eq!(created.data, expected(&a));
        for v in [Visibility::All, Visibility::PublicAt(10)] {
            let read = s.article("picked", v).await.unwrap().expect("visible");
            assert_eq!((read.summary_mode, &read.summary_picks), (SummaryMode::Picked, &a.summary_picks), "{v:?}");
        }
        // Another mode keeps the picks, and is read as that mode.
        for mode in [SummaryMode::Auto, SummaryMode::Off, SummaryMode::Custom] {
            let current = s.article("picked", Visibility::All).await.unwrap().unwrap();
            let mut b = a.clone();
            b.summary_mode = mode;
            b.summary_custom = Some("Own words.".into());
            let updated = s.update_article(current.id, current.version, &b).await.unwrap();
            assert_eq!(updated.data, expected(&b), "{mode:?}");
        }
        // New picks replace the old; none at all, in automatic mode, leave none.
        let current = s.article("picked", Visibility::All).await.unwrap().unwrap();
        let mut c = a.clone();
        c.summary_picks = vec![pick(Some(1), "Two.")];
        let updated = s.update_article(current.id, current.version, &c).await.unwrap();
        assert_eq!((updated.summary_mode, &updated.summary_picks), (SummaryMode::Picked, &c.summary_picks));
        let mut d = a.clone();
        (d.summary_mode, d.summary_picks) = (SummaryMode::Auto, Vec::new());
        let updated = s.update_article(updated.id, updated.version, &d).await.unwrap();
        assert_eq!(updated.data, expected(&d));
        // Picked with no picks (the content crate refuses it, a store keeps it).
        let mut e = d.clone();
        e.summary_mode = SummaryMode::Picked;
        let updated = s.update_article(updated.id, updated.version, &e).await.unwrap();
        assert_eq!(updated.data, expected(&e));
        // Deleted with the article: a new one at the slug has none.
        s.delete_article("picked").await.unwrap();
        let fresh = s.create_article(&article("picked", Status::Draft, None, "World", &[], &[])).await.unwrap();
        assert_eq!((fresh.summary_mode, fresh.summary_picks.len()), (SummaryMode::Auto, 0));
    }

    /// A slug is one article's: a second create, or a rename onto it, is a
    /// `Conflict` that changes nothing; a rename to a free slug moves the
    /// article, its tags and authors with it; a deleted article's slug is free.
    pub async fn slugs_are_unique(s: Arc<dyn Store>) {
        let a = s.create_article(&article("a", Status::Published, Some(10), "World", &["t"], &["Ann"])).await.unwrap();
        let b = s.create_article(&article("b", Status::Published, Some(20), "World", &[], &[])).await.unwrap();
        let mut again = article("a", Status::Draft, None, "Other", &[], &[]);
        again.title = "Impostor".into();
        assert!(matches!(s.create_article(&again).await, Err(StoreError::Conflict(_))));
        assert_eq!(s.article("a", Visibility::All).await.unwrap().unwrap(), a);
        assert_eq!(s.count_articles().await.unwrap(), 2);
        let mut onto = article("a", Status::Published, Some(20), "World", &[], &[]);
        onto.title = "Renamed onto a".into();
        assert!(matches!(s.update_article(b.id, 1, &onto).await, Err(StoreError::Conflict(_))));
        assert_eq!(s.article("b", Visibility::All).await.unwrap().unwrap(), b, "a refused rename changes nothing");
        // A rename to a free slug.
        let moved = article("a-moved", Status::Published, Some(10), "World", &["t"], &["Ann"]);
        let got = s.update_article(a.id, 1, &moved).await.unwrap();
        assert_eq!((got.id, got.version, got.slug.as_str()), (a.id, 2, "a-moved"));
        assert!(s.article("a", Visibility::All).await.unwrap().is_none());
        let by_tag = s.list_articles(&query(Visibility::PublicAt(100), None, Some("t"), None, 1, 10)).await.unwrap();
        assert_eq!(slugs(&by_tag.items), ["a-moved"]);
        let by_author =
            s.list_articles(&query(Visibility::PublicAt(100), None, None, Some("ann"), 1, 10)).await.unwrap();
        assert_eq!(slugs(&by_author.items), ["a-moved"]);
        let (prev, _) = s.neighbours("b", 100).await.unwrap();
        assert_eq!(prev.map(|l| l.slug), Some("a-moved".to_owned()));
        // The old slug is free again, and so is a deleted one.
        s.create_article(&article("a", Status::Draft, None, "World", &[], &[])).await.unwrap();
        s.delete_article("b").await.unwrap();
        let b2 = s.create_article(&article("b", Status::Draft, None, "World", &[], &[])).await.unwrap();
        assert_eq!(b2.version, 1);
        assert_ne!(b2.id, b.id);
    }

    /// An update names the version it read: it replaces the whole record
    /// (tags, authors, summaries, bodies) and moves to the next version, and
    /// fails without writing when another write came first; `NotFound` for
    /// an article that is not there. The creation time stays.
    pub async fn updates_are_versioned(s: Arc<dyn Store>) {
        let a = s.create_article(&full("a")).await.unwrap();
        let mut edit = article("a", Status::Published, Some(50), "Other", &["y", "z"], &["Bob"]);
        edit.updated_at = 60;
        edit.body_md = "New body.".into();
        let got = s.update_article(a.id, 1, &edit).await.unwrap();
        assert_eq!(got.data, expected(&edit));
        assert_eq!((got.id, got.version, got.created_at), (a.id, 2, a.created_at));
        assert_eq!(s.article("a", Visibility::All).await.unwrap().unwrap(), got);
        let mut late = edit.clone();
        late.title = "Late".into();
        match s.update_article(a.id, 1, &late).await {
            Err(StoreError::VersionConflict { current }) => assert_eq!(current, 2),
            other => panic!("a stale version must be refused, got {other:?}"),
        }
        assert_eq!(s.article("a", Visibility::All).await.unwrap().unwrap(), got, "nothing written");
        assert!(matches!(s.update_article(a.id, 3, &late).await, Err(StoreError::VersionConflict { current: 2 })));
        assert!(matches!(s.update_article(a.id + 1000, 1, &late).await, Err(StoreError::NotFound)));
        // Old tags and authors are gone from the lists.
        let now = Visibility::PublicAt(100);
        for (tag, author, want) in [(Some("zebra"), None, 0), (None, Some("ann"), 0), (Some("y"), Some("bob"), 1)] {
            let page = s.list_articles(&query(now, None, tag, author, 1, 10)).await.unwrap();
            assert_eq!(page.total, want, "{tag:?} {author:?}");
        }
        let third = s.update_article(a.id, 2, &late).await.unwrap();
        assert_eq!((third.version, third.title.as_str()), (3, "Late"));
    }

    /// A batch ([`crate::ArticleStore::write_articles`]) writes each article
    /// as `create_article` and `update_article` would (the same record read
    /// back, versions, revisions, search terms), in one transaction: when one
    /// of its writes fails (a stale version, a slug taken), nothing of the
    /// batch is kept. `existing_slugs` names the stored ones.
    pub async fn batches_are_written_whole_or_not_at_all(s: Arc<dyn Store>) {
        use crate::ArticleWrite;
        let note =
            || Some(RevisionNote { by: WrittenBy::named("import"), at: 5, changed: Vec::new(), restored_from: None });
        let a = s.create_article(&full("a")).await.unwrap();
        let mut b = searchable("b", "Harbour budget", "harbour budget vote", Some(10), Status::Published);
        b.revision = note();
        let mut c = article("c", Status::Draft, None, "World", &["x"], &["Ann"]);
        c.revision = note();
        let mut a2 = full("a");
        a2.title = "Second title".into();
        a2.revision = Some(RevisionNote { changed: vec!["title".into()], ..note().unwrap() });
        let writes = [
            ArticleWrite::Create(&b),
            ArticleWrite::Update { id: a.id, version: 1, article: &a2 },
            ArticleWrite::Create(&c),
        ];
        let ids = s.write_articles(&writes).await.unwrap();
        assert_eq!((ids.len(), ids[1]), (3, a.id));
        for (slug, want, version) in [("b", &b, 1), ("a", &a2, 2), ("c", &c, 1)] {
            let got = s.article(slug, Visibility::All).await.unwrap().unwrap();
            assert_eq!((&got.data, got.version), (&expected(want), version), "{slug}");
            // `a` was created without a note: one revision each.
            assert_eq!(s.count_revisions(got.id).await.unwrap(), 1, "{slug}");
        }
        assert_eq!(s.article("b", Visibility::All).await.unwrap().unwrap().id, ids[0]);
        assert_eq!(found(&s, &search_query(&["harbour"])).await, ["b"]);
        let mut known = s.existing_slugs(&["c".into(), "nope".into(), "a".into()]).await.unwrap();
        known.sort();
        assert_eq!(known, ["a", "c"]);
        assert!(s.existing_slugs(&[]).await.unwrap().is_empty());

        // A stale version, or a slug taken, fails the whole batch.
        let mut d = searchable("d", "Storm warning", "storm warning", Some(20), Status::Published);
        d.revision = note();
        let mut a3 = a2.clone();
        a3.title = "Third title".into();
        for writes in [
            [ArticleWrite::Create(&d), ArticleWrite::Update { id: a.id, version: 1, article: &a3 }],
            [ArticleWrite::Update { id: a.id, version: 2, article: &a3 }, ArticleWrite::Create(&b)],
        ] {
            let err = s.write_articles(&writes).await.unwrap_err();
            assert!(matches!(err, StoreError::VersionConflict { current: 2 } | StoreError::Conflict(_)), "{err:?}");
            assert!(s.article("d", Visibility::All).await.unwrap().is_none(), "nothing of the batch is kept");
            let a_now = s.article("a", Visibility::All).await.unwrap().unwrap();
            assert_eq!((a_now.title.as_str(), a_now.version), ("Second title", 2));
            assert!(found(&s, &search_query(&["storm"])).await.is_empty());
        }
        assert_eq!(s.count_articles().await.unwrap(), 3);
        assert!(s.write_articles(&[]).await.unwrap().is_empty());
    }

    /// Deleting removes the article with its body, summaries, tags and
    /// authors; a second delete is `NotFound`.
    pub async fn deletes_take_everything_with_them(s: Arc<dyn Store>) {
        s.create_article(&article("gone", Status::Published, Some(10), "Lost", &["lonely"], &["Solo"])).await.unwrap();
        s.create_article(&article("kept", Status::Published, Some(20), "World", &["x"], &["Ann"])).await.unwrap();
        s.delete_article("gone").await.unwrap();
        assert!(matches!(s.delete_article("gone").await, Err(StoreError::NotFound)));
        assert!(matches!(s.delete_article("never").await, Err(StoreError::NotFound)));
        assert!(s.article("gone", Visibility::All).await.unwrap().is_none());
        assert_eq!(s.count_articles().await.unwrap(), 1);
        assert_eq!(s.tag_name("lonely", 100).await.unwrap(), None);
        assert_eq!(s.author_name("solo", 100).await.unwrap(), None);
        assert_eq!(s.section_name("lost", 100).await.unwrap(), None);
        assert_eq!(s.stale_summaries("v2").await.unwrap(), ["kept"]);
        let all = s.list_articles(&query(Visibility::All, None, Some("lonely"), None, 1, 10)).await.unwrap();
        assert_eq!(all.total, 0);
        assert_eq!(s.neighbours("kept", 100).await.unwrap(), (None, None));
    }

    /// Every status at every kind of time, seen by readers at several times
    /// and by editors, through every method that filters by visibility:
    /// what each shows is what [`Visibility::shows`] says.
    pub async fn visibility_follows_the_rule(s: Arc<dyn Store>) {
        let mut all = Vec::new();
        for (i, status) in [Status::Draft, Status::Scheduled, Status::Published].into_iter().enumerate() {
            for (j, at) in [None, Some(100), Some(200), Some(300)].into_iter().enumerate() {
                let slug = format!("{}-{j}", status.as_str());
                let tag = format!("tag-{i}{j}");
                let author = format!("author-{i}{j}");
                let section = format!("section-{i}{j}");
                all.push(article(&slug, status, at, &section, &[&tag, "shared"], &[&author, "Everyone"]));
            }
        }
        for a in &all {
            s.create_article(a).await.unwrap();
        }
        check_model(&s, &all, &[99, 100, 199, 200, 201, 300, 1000]).await;
    }

    /// Previous and Next go by publication time, then slug, across the
    /// site, skipping what readers cannot see; an article without a time,
    /// or unknown, has none.
    pub async fn neighbours_follow_time_then_slug(s: Arc<dyn Store>) {
        let all = vec![
            article("m", Status::Published, Some(100), "A", &[], &[]),
            article("b", Status::Published, Some(100), "B", &[], &[]),
            article("z", Status::Published, Some(100), "A", &[], &[]),
            article("early", Status::Published, Some(-50), "A", &[], &[]),
            article("draft-between", Status::Draft, Some(150), "A", &[], &[]),
            article("late", Status::Scheduled, Some(200), "A", &[], &[]),
            article("future", Status::Published, Some(500), "A", &[], &[]),
            article("undated", Status::Draft, None, "A", &[], &[]),
            // Byte order, not a language's: "a-b" < "a_b" < "ab" < "b".
            article("ab", Status::Published, Some(300), "A", &[], &[]),
            article("a-b", Status::Published, Some(300), "A", &[], &[]),
            article("a_b", Status::Published, Some(300), "A", &[], &[]),
        ];
        for a in &all {
            s.create_article(a).await.unwrap();
        }
        let walk = |prev: Option<&str>, next: Option<&str>| (prev.map(str::to_owned), next.map(str::to_owned));
        let got =
            |r: (Option<crate::ArticleLink>, Option<crate::ArticleLink>)| (r.0.map(|l| l.slug), r.1.map(|l| l.slug));
        assert_eq!(got(s.neighbours("b", 400).await.unwrap()), walk(Some("early"), Some("m")));
        assert_eq!(got(s.neighbours("m", 400).await.unwrap()), walk(Some("b"), Some("z")));
        assert_eq!(got(s.neighbours("z", 400).await.unwrap()), walk(Some("m"), Some("late")));
        assert_eq!(got(s.neighbours("z", 199).await.unwrap()), walk(Some("m"), None));
        assert_eq!(got(s.neighbours("draft-between", 400).await.unwrap()), walk(Some("z"), Some("late")));
        assert_eq!(got(s.neighbours("late", 400).await.unwrap()), walk(Some("z"), Some("a-b")));
        assert_eq!(got(s.neighbours("a-b", 400).await.unwrap()), walk(Some("late"), Some("a_b")));
        assert_eq!(got(s.neighbours("a_b", 400).await.unwrap()), walk(Some("a-b"), Some("ab")));
        assert_eq!(got(s.neighbours("ab", 400).await.unwrap()), walk(Some("a_b"), None));
        assert_eq!(got(s.neighbours("ab", 500).await.unwrap()), walk(Some("a_b"), Some("future")));
        assert_eq!(got(s.neighbours("undated", 400).await.unwrap()), walk(None, None));
        assert_eq!(got(s.neighbours("nothing", 400).await.unwrap()), walk(None, None));
        let (prev, _) = s.neighbours("m", 400).await.unwrap();
        assert_eq!(prev.map(|l| (l.title, l.lang)), Some(("Title b".to_owned(), "en".to_owned())));
        check_model(&s, &all, &[0, 100, 199, 200, 300, 400, 500]).await;
    }

    /// Lists by section, tag and author, alone and together, for readers and
    /// editors: the right articles, newest first then by slug (undated last
    /// for editors), the right totals, pages of every size.
    pub async fn lists_filter_order_and_paginate(s: Arc<dyn Store>) {
        let mut all = Vec::new();
        let sections = ["World", "Science", "Sport"];
        let tags = ["a", "b", "c", "d"];
        let authors = ["Ann", "Bob", "Cy"];
        for i in 0..23usize {
            let status = match i % 7 {
                0 => Status::Draft,
                3 => Status::Scheduled,
                _ => Status::Published,
            };
            // Repeated times, so slugs break ties.
            let at = if i % 11 == 5 { None } else { Some(1000 + (i as i64 % 6) * 10 + (i as i64 % 3)) };
            let my_tags: Vec<&str> =
                tags.iter().enumerate().filter(|(k, _)| (i + k) % 3 == 0).map(|(_, t)| *t).collect();
            let my_authors: Vec<&str> = if i % 4 == 0 { vec![authors[0], authors[2]] } else { vec![authors[i % 3]] };
            all.push(article(&format!("art-{i:02}"), status, at, sections[i % 3], &my_tags, &my_authors));
        }
        // A tag given twice on one article counts once.
        all[1].tags.push(named("a"));
        for a in &all {
            s.create_article(a).await.unwrap();
        }
        check_model(&s, &all, &[1000, 1025, 1100]).await;
        // Pages: out of range is empty, sizes are kept within 1..=100, page 0 is page 1.
        let q = |page, per_page| query(Visibility::All, None, None, None, page, per_page);
        let p = s.list_articles(&q(0, 0)).await.unwrap();
        assert_eq!((p.page, p.per_page, p.items.len(), p.total), (Some(1), 1, 1, 23));
        let p = s.list_articles(&q(1, 1000)).await.unwrap();
        assert_eq!((p.per_page, p.items.len(), p.pages()), (100, 23, 1));
        let p = s.list_articles(&q(99, 5)).await.unwrap();
        assert_eq!((p.items.len(), p.total, p.pages()), (0, 23, 5));
    }

    /// Sections with their counts (most used first, then by slug), and the
    /// names of sections, tags and authors, only for what readers can see.
    pub async fn sections_names_and_counts(s: Arc<dyn Store>) {
        let all = vec![
            article("w1", Status::Published, Some(10), "World", &["Climate"], &["Ann Lee"]),
            article("w2", Status::Published, Some(20), "World", &["Climate"], &["Ann Lee"]),
            article("s1", Status::Published, Some(30), "Science", &[], &["Bob"]),
            article("a1", Status::Published, Some(30), "Arts", &[], &[]),
            article("d1", Status::Draft, Some(5), "Drafts", &["Secret"], &["Ghost"]),
            article("f1", Status::Scheduled, Some(100), "Future", &["Soon"], &["Later"]),
        ];
        for a in &all {
            s.create_article(a).await.unwrap();
        }
        let sections = s.sections(50).await.unwrap();
        let got: Vec<(&str, &str, u64)> =
            sections.iter().map(|(n, c)| (n.slug.as_str(), n.name.as_str(), *c)).collect();
        assert_eq!(got, [("world", "World", 2), ("arts", "Arts", 1), ("science", "Science", 1)]);
        assert_eq!(s.section_name("world", 50).await.unwrap().as_deref(), Some("World"));
        assert_eq!(s.tag_name("climate", 50).await.unwrap().as_deref(), Some("Climate"));
        assert_eq!(s.author_name("ann-lee", 50).await.unwrap().as_deref(), Some("Ann Lee"));
        for (slug, now) in [("drafts", 50), ("future", 50), ("nowhere", 50)] {
            assert_eq!(s.section_name(slug, now).await.unwrap(), None, "{slug}");
        }
        assert_eq!(s.tag_name("secret", 50).await.unwrap(), None);
        assert_eq!(s.author_name("ghost", 50).await.unwrap(), None);
        assert_eq!(s.tag_name("soon", 50).await.unwrap(), None);
        assert_eq!(s.tag_name("soon", 100).await.unwrap().as_deref(), Some("Soon"));
        assert_eq!(s.author_name("later", 100).await.unwrap().as_deref(), Some("Later"));
        assert_eq!(s.section_name("future", 100).await.unwrap().as_deref(), Some("Future"));
        check_model(&s, &all, &[0, 50, 100]).await;
    }

    /// The names other articles are stored with, by slug (drafts count;
    /// the article asked for does not), for each kind of name.
    pub async fn names_in_use_are_those_of_other_articles(s: Arc<dyn Store>) {
        let w1 = s
            .create_article(&article("w1", Status::Published, Some(10), "World", &["Climate"], &["Ann Lee"]))
            .await
            .unwrap()
            .id;
        let d1 =
            s.create_article(&article("d1", Status::Draft, None, "Science", &["Oceans"], &["Bob"])).await.unwrap().id;
        let names = async |kind, list: &[&str], except| {
            let slugs: Vec<(NameKind, String)> = list.iter().map(|s| (kind, s.to_string())).collect();
            let mut found = s.names_in_use(&slugs, except).await.unwrap();
            assert!(found.iter().all(|(k, _)| *k == kind), "{found:?}");
            found.sort_by(|a, b| a.1.slug.cmp(&b.1.slug));
            found.into_iter().map(|(_, n)| (n.slug, n.name)).collect::<Vec<_>>()
        };
        let pair = |slug: &str, name: &str| (slug.to_owned(), name.to_owned());
        assert_eq!(
            names(NameKind::Section, &["world", "science", "arts"], None).await,
            [pair("science", "Science"), pair("world", "World")]
        );
        assert_eq!(
            names(NameKind::Tag, &["oceans", "climate", "x"], None).await,
            [pair("climate", "Climate"), pair("oceans", "Oceans")]
        );
        assert_eq!(
            names(NameKind::Author, &["ann-lee", "bob"], None).await,
            [pair("ann-lee", "Ann Lee"), pair("bob", "Bob")]
        );
        // An article's own names are not "in use" for it: it may rename them.
        assert_eq!(names(NameKind::Section, &["world"], Some(w1)).await, []);
        assert_eq!(names(NameKind::Tag, &["oceans"], Some(d1)).await, []);
        assert_eq!(names(NameKind::Author, &["ann-lee"], Some(d1)).await, [pair("ann-lee", "Ann Lee")]);
        assert_eq!(names(NameKind::Tag, &[], None).await, []);
        // Several kinds in one look-up, each slug looked up as its kind.
        let mixed = [
            (NameKind::Section, "world".to_owned()),
            (NameKind::Tag, "world".to_owned()),
            (NameKind::Tag, "climate".to_owned()),
            (NameKind::Author, "bob".to_owned()),
            (NameKind::Author, "climate".to_owned()),
        ];
        let mut found = s.names_in_use(&mixed, None).await.unwrap();
        found.sort_by(|a, b| (a.1.slug.as_str(), a.1.name.as_str()).cmp(&(b.1.slug.as_str(), b.1.name.as_str())));
        assert_eq!(
            found,
            [
                (NameKind::Author, Named { slug: "bob".into(), name: "Bob".into() }),
                (NameKind::Tag, Named { slug: "climate".into(), name: "Climate".into() }),
                (NameKind::Section, Named { slug: "world".into(), name: "World".into() }),
            ]
        );
    }

    /// An update that keeps an article's tags, authors or key phrases (a
    /// typo fixed: backends may leave those rows as they were) still moves
    /// it in every list, count and name, as one that rewrote them: a new
    /// section, status, time or slug; a tag renamed (same slug), tags
    /// reordered or given twice.
    pub async fn edits_that_keep_names_follow_the_article(s: Arc<dyn Store>) {
        let mut all = vec![
            article("w1", Status::Published, Some(10), "World", &["Climate", "Oceans"], &["Ann Lee"]),
            article("w2", Status::Published, Some(20), "World", &["Climate"], &["Ann Lee", "Bob"]),
            article("s1", Status::Draft, Some(30), "Science", &["Oceans"], &["Bob"]),
            article("f1", Status::Scheduled, Some(100), "Future", &["Soon"], &["Later"]),
        ];
        for a in &mut all {
            a.key_phrases.phrases = vec!["sea level".into(), "storm".into()];
        }
        let mut ids = Vec::new();
        for a in &all {
            ids.push(s.create_article(a).await.unwrap().id);
        }
        check_model(&s, &all, &[0, 50, 100]).await;
        // Same tags, authors and phrases; the rest moves.
        all[0].section = named("Science");
        all[0].body_md = "Fixed a typo.".into();
        all[1].status = Status::Draft;
        all[2].status = Status::Published;
        all[2].published_at = Some(5);
        all[3].published_at = Some(40);
        all[3].slug = "f1-moved".into();
        for (i, a) in all.iter_mut().enumerate() {
            a.updated_at = 60 + i as i64;
            let got = s.update_article(ids[i], 1, a).await.unwrap();
            assert_eq!(got.data, expected(a), "{}", a.slug);
        }
        check_model(&s, &all, &[0, 50, 100]).await;
        // A tag renamed (on every article that has it), tags reordered, a
        // tag given twice, an author dropped.
        all[0].tags = vec![named("Oceans"), named("CLIMATE")];
        all[1].tags = vec![named("CLIMATE")];
        all[2].tags = vec![named("Oceans"), named("Oceans")];
        all[1].authors = vec![named("Bob")];
        all[1].status = Status::Published;
        for (i, a) in all.iter_mut().enumerate() {
            a.updated_at = 70 + i as i64;
            let got = s.update_article(ids[i], 2, a).await.unwrap();
            assert_eq!(got.data, expected(a), "{}", a.slug);
        }
        check_model(&s, &all, &[0, 50, 100]).await;
        assert_eq!(s.tag_name("climate", 100).await.unwrap().as_deref(), Some("CLIMATE"));
        let by_ann = s.list_articles(&query(Visibility::All, None, None, Some("ann-lee"), 1, 10)).await.unwrap();
        assert_eq!(slugs(&by_ann.items), ["w1"]);
    }

    /// Stale summaries: every article with fewer than two summaries of the
    /// given version, in slug order; the next publication time after now.
    pub async fn stale_summaries_and_next_publication(s: Arc<dyn Store>) {
        let mut fresh = article("fresh", Status::Published, Some(10), "World", &[], &[]);
        fresh.summaries = vec![summary(3, "v2", "a"), summary(5, "v2", "b")];
        let mut half = article("half", Status::Draft, None, "World", &[], &[]);
        half.summaries = vec![summary(3, "v2", "a"), summary(5, "v1", "b")];
        let mut none = article("b-none", Status::Scheduled, Some(500), "World", &[], &[]);
        none.summaries.clear();
        let old = article("a-old", Status::Published, Some(300), "World", &[], &[]);
        let draft = article("draft", Status::Draft, Some(200), "World", &[], &[]);
        for a in [&fresh, &half, &none, &old, &draft] {
            s.create_article(a).await.unwrap();
        }
        assert_eq!(s.stale_summaries("v2").await.unwrap(), ["a-old", "b-none", "draft", "half"]);
        assert_eq!(s.stale_summaries("v1").await.unwrap(), ["a-old", "b-none", "draft", "fresh", "half"]);
        let mut renewed = old.clone();
        renewed.summaries = vec![summary(3, "v2", "a"), summary(5, "v2", "b")];
        let stored = s.article("a-old", Visibility::All).await.unwrap().unwrap();
        s.update_article(stored.id, stored.version, &renewed).await.unwrap();
        assert_eq!(s.stale_summaries("v2").await.unwrap(), ["b-none", "draft", "half"]);
        // Drafts never come out by themselves; published articles dated later do.
        assert_eq!(s.next_publication_after(0).await.unwrap(), Some(10));
        assert_eq!(s.next_publication_after(10).await.unwrap(), Some(300));
        assert_eq!(s.next_publication_after(300).await.unwrap(), Some(500));
        assert_eq!(s.next_publication_after(500).await.unwrap(), None);
    }

    /// Tokens: unique names among tokens in force, revoking, rotating a key
    /// under a revoked name, listing in creation order.
    pub async fn tokens_are_kept_as_hashes(s: Arc<dyn Store>) {
        assert!(s.tokens().await.unwrap().is_empty());
        let ci = s.create_token("ci", "abc", 1).await.unwrap();
        assert_eq!((ci.name.as_str(), ci.hash.as_str(), ci.created_at, ci.revoked_at), ("ci", "abc", 1, None));
        assert!(matches!(s.create_token("ci", "def", 1).await, Err(StoreError::Conflict(_))));
        assert!(matches!(s.create_token("other", "abc", 1).await, Err(StoreError::Conflict(_))), "hashes are unique");
        s.create_token("éditeur ✍", "e1", 2).await.unwrap();
        let mut active = s.active_token_hashes().await.unwrap();
        active.sort();
        assert_eq!(active, [("ci".to_owned(), "abc".to_owned()), ("éditeur ✍".to_owned(), "e1".to_owned())]);
        s.revoke_token("ci", 3).await.unwrap();
        assert!(matches!(s.revoke_token("ci", 4).await, Err(StoreError::NotFound)));
        assert!(matches!(s.revoke_token("nobody", 4).await, Err(StoreError::NotFound)));
        assert_eq!(s.active_token_hashes().await.unwrap(), [("éditeur ✍".to_owned(), "e1".to_owned())]);
        // A revoked name may be used again: the key is rotated.
        let rotated = s.create_token("ci", "ghi", 5).await.unwrap();
        assert_ne!(rotated.id, ci.id);
        assert!(matches!(s.create_token("ci", "jkl", 6).await, Err(StoreError::Conflict(_))));
        let listed = s.tokens().await.unwrap();
        let got: Vec<(&str, &str, i64, Option<i64>)> =
            listed.iter().map(|t| (t.name.as_str(), t.hash.as_str(), t.created_at, t.revoked_at)).collect();
        assert_eq!(got, [("ci", "abc", 1, Some(3)), ("éditeur ✍", "e1", 2, None), ("ci", "ghi", 5, None)]);
        assert_eq!(listed[0].id, ci.id);
    }

    /// Emoji, Chinese, right-to-left text, decomposed (NFD) accents and
    /// mixed scripts are kept byte for byte, in every field and in slugs of
    /// sections, tags and authors, and found by them; NFC and NFD spellings
    /// stay apart.
    pub async fn unicode_is_kept_exactly(s: Arc<dyn Store>) {
        let nfd = "Cafe\u{301} de\u{301}ja\u{300}"; // "Café déjà", decomposed
        let nfc = "Caf\u{e9} d\u{e9}j\u{e0}";
        let texts = [
            "Emoji 🎉🇺🇦👩🏽‍💻 and a lone 𝕏",
            "中文标题：北京欢迎你。这是第二句。",
            "مرحبا بالعالم. هذه جملة ثانية.",
            "שלום עולם",
            nfd,
            "Mixed: Ελληνικά, русский, ქართული, हिन्दी, 日本語",
            "Zero\u{200B}width\u{200D}joiners and \u{FEFF}BOM",
        ];
        for (i, text) in texts.iter().enumerate() {
            let mut a = article(&format!("u{i}"), Status::Published, Some(10 + i as i64), "World", &[], &[]);
            a.title = text.to_string();
            a.standfirst = Some(format!("{text}\n{text}"));
            a.body_md = text.repeat(50);
            a.body_html = format!("<p>{text}</p>");
            a.body_text = text.repeat(3);
            a.section = Named { name: text.to_string(), slug: text.to_lowercase() };
            a.tags = vec![Named { name: text.to_string(), slug: format!("tag-{}", text.to_lowercase()) }];
            a.authors = vec![Named { name: text.to_string(), slug: format!("by-{}", text.to_lowercase()) }];
            a.summary_custom = Some(text.to_string());
            a.summaries = vec![summary(3, "v", text)];
            a.lang = "und".into();
            let created = s.create_article(&a).await.unwrap();
            assert_eq!(created.data, a, "{text}");
            assert_eq!(s.article(&a.slug, Visibility::PublicAt(100)).await.unwrap().unwrap().data, a, "{text}");
            let lower = text.to_lowercase();
            assert_eq!(s.section_name(&lower, 100).await.unwrap().as_deref(), Some(*text));
            assert_eq!(s.tag_name(&format!("tag-{lower}"), 100).await.unwrap().as_deref(), Some(*text));
            assert_eq!(s.author_name(&format!("by-{lower}"), 100).await.unwrap().as_deref(), Some(*text));
            let by_tag = s
                .list_articles(&query(Visibility::PublicAt(100), None, Some(&format!("tag-{lower}")), None, 1, 10))
                .await
                .unwrap();
            assert_eq!(slugs(&by_tag.items), [a.slug.as_str()]);
            assert_eq!(by_tag.items[0].title, *text);
        }
        // The precomposed spelling is another name.
        assert_eq!(s.section_name(&nfc.to_lowercase(), 100).await.unwrap(), None);
        let mut c = article("nfc", Status::Published, Some(5), "x", &[], &[]);
        c.section = Named { name: nfc.into(), slug: nfc.to_lowercase() };
        s.create_article(&c).await.unwrap();
        assert_eq!(s.section_name(&nfc.to_lowercase(), 100).await.unwrap().as_deref(), Some(nfc));
        assert_eq!(s.section_name(&nfd.to_lowercase(), 100).await.unwrap().as_deref(), Some(nfd));
        let sections = s.sections(100).await.unwrap();
        assert_eq!(sections.len(), texts.len() + 1);
        assert!(sections.iter().all(|(_, n)| *n == 1));
    }

    /// A 1 MB body (Markdown, HTML and plain text, multi-byte characters
    /// included) is kept whole, and updated whole.
    pub async fn large_bodies_are_kept_whole(s: Arc<dyn Store>) {
        let sentence = "Ein Satz mit Umlauten: äöü, ein Emoji 📰, und 中文。 ";
        let body = sentence.repeat(1_000_000 / sentence.len() + 1);
        assert!(body.len() > 1_000_000);
        let mut a = article("big", Status::Published, Some(10), "World", &[], &[]);
        a.body_md = body.clone();
        a.body_html = format!("<p>{body}</p>");
        a.body_text = body.clone();
        a.summaries = vec![StoredSummary {
            length: 5,
            sentences: (0..200)
                .map(|i| SummarySentence {
                    index: i,
                    start: i * sentence.len(),
                    end: (i + 1) * sentence.len(),
                    text: sentence.trim().to_owned(),
                })
                .collect(),
            source_hash: "h".into(),
            version: "v".into(),
        }];
        let created = s.create_article(&a).await.unwrap();
        assert!(created.data == a, "the body came back changed");
        let read = s.article("big", Visibility::PublicAt(10)).await.unwrap().unwrap();
        assert_eq!(read.body_md.len(), a.body_md.len());
        assert!(read.data == a, "the body came back changed");
        let mut edit = a.clone();
        edit.body_md = body.replace('ä', "ae");
        let updated = s.update_article(created.id, 1, &edit).await.unwrap();
        assert!(updated.data == edit, "the updated body came back changed");
        let page = s.list_articles(&query(Visibility::PublicAt(10), None, None, None, 1, 10)).await.unwrap();
        assert_eq!(slugs(&page.items), ["big"]);
    }

    /// Many writers at once on one article, each reading it and writing
    /// the next version (again when another came first), while readers read
    /// it: no write fails for another reason, every write makes exactly one
    /// version, and every read sees one whole write (title, tag, summary and
    /// body of the same writer), never a mixture.
    pub async fn parallel_writes_to_one_article(s: Arc<dyn Store>) {
        s.create_article(&written("one", 0)).await.unwrap();
        let writers = 24;
        let mut tasks = Vec::new();
        for i in 1..=writers {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                let a = written("one", i);
                loop {
                    let stored = s.article("one", Visibility::All).await?.ok_or(StoreError::NotFound)?;
                    match s.update_article(stored.id, stored.version, &a).await {
                        Err(StoreError::VersionConflict { .. }) => continue,
                        other => return other.map(|_| ()),
                    }
                }
            }));
        }
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let s = s.clone();
                tokio::spawn(async move {
                    for _ in 0..30 {
                        let a = s.article("one", Visibility::PublicAt(100)).await.unwrap().unwrap();
                        assert_whole(&a);
                        let page = s.list_articles(&query(Visibility::PublicAt(100), None, None, None, 1, 10)).await;
                        assert_eq!(page.unwrap().total, 1);
                    }
                })
            })
            .collect();
        let mut failures = Vec::new();
        for t in tasks {
            if let Err(e) = t.await.expect("a writer panicked") {
                failures.push(e.to_string());
            }
        }
        for r in readers {
            r.await.expect("a reader saw a mixture");
        }
        assert!(failures.is_empty(), "{} of {writers} writes failed: {failures:?}", failures.len());
        let a = s.article("one", Visibility::All).await.unwrap().unwrap();
        assert_whole(&a);
        assert_eq!(a.version, writers as i64 + 1, "every write made exactly one version");
    }

    /// Writers on different articles at once (creating, updating several
    /// times, deleting some): none waits for another's version, none fails.
    pub async fn parallel_writes_to_different_articles(s: Arc<dyn Store>) {
        let writers = 16;
        let tasks: Vec<_> = (0..writers)
            .map(|i| {
                let s = s.clone();
                tokio::spawn(async move {
                    let slug = format!("own-{i}");
                    let mut stored = s.create_article(&written(&slug, 0)).await?;
                    for round in 1..=3 {
                        stored = s.update_article(stored.id, stored.version, &written(&slug, round)).await?;
                    }
                    if i % 4 == 0 {
                        s.delete_article(&slug).await?;
                    }
                    Ok::<_, StoreError>(stored)
                })
            })
            .collect();
        let mut failures = Vec::new();
        for t in tasks {
            match t.await.expect("a writer panicked") {
                Ok(a) => assert_eq!(a.version, 4),
                Err(e) => failures.push(e.to_string()),
            }
        }
        assert!(failures.is_empty(), "{} of {writers} writers failed: {failures:?}", failures.len());
        assert_eq!(s.count_articles().await.unwrap(), writers - writers / 4);
        for i in 0..writers {
            let a = s.article(&format!("own-{i}"), Visibility::All).await.unwrap();
            match a {
                Some(a) => {
                    assert_whole(&a);
                    assert_eq!((a.version, a.title.as_str()), (4, "Version 3"));
                }
                None => assert_eq!(i % 4, 0, "own-{i} is missing"),
            }
        }
    }

    /// Many writers creating the same slug at once: exactly one succeeds,
    /// the others get `Conflict`, and the article is the winner's, whole.
    pub async fn parallel_creates_of_one_slug(s: Arc<dyn Store>) {
        let writers = 12;
        let tasks: Vec<_> = (0..writers)
            .map(|i| {
                let s = s.clone();
                tokio::spawn(async move { s.create_article(&written("contested", i)).await })
            })
            .collect();
        let (mut won, mut conflicts, mut other) = (Vec::new(), 0, Vec::new());
        for t in tasks {
            match t.await.expect("a writer panicked") {
                Ok(a) => won.push(a),
                Err(StoreError::Conflict(_)) => conflicts += 1,
                Err(e) => other.push(e.to_string()),
            }
        }
        assert!(other.is_empty(), "failures other than Conflict: {other:?}");
        assert_eq!((won.len(), conflicts), (1, writers - 1));
        let stored = s.article("contested", Visibility::All).await.unwrap().unwrap();
        assert_whole(&stored);
        assert_eq!(stored, won[0]);
        assert_eq!(s.count_articles().await.unwrap(), 1);
    }

    /// An article with these key phrases and tags (see [`article`]).
    fn phrased(slug: &str, status: Status, at: Option<i64>, phrases: &[&str], tags: &[&str]) -> NewArticle {
        let mut a = article(slug, status, at, "World", tags, &["Ann"]);
        a.key_phrases = crate::KeyPhrases { phrases: phrases.iter().map(|p| p.to_string()).collect(), version: 1 };
        a
    }

    /// Makes every queued related list, as `serve` does after each write.
    async fn make_queued(s: &Arc<dyn Store>) -> Vec<String> {
        let mut changed = Vec::new();
        loop {
            let done = s.make_queued_related_lists(3).await.unwrap();
            if done.taken == 0 {
                assert_eq!(s.queued_related_lists().await.unwrap(), 0);
                return changed;
            }
            changed.extend(done.changed);
        }
    }

    /// The slugs of the articles related to `slug` for readers at `now`,
    /// once the queued lists are made.
    async fn related(s: &Arc<dyn Store>, slug: &str, now: i64, limit: usize) -> Vec<String> {
        make_queued(s).await;
        let a = s.article(slug, Visibility::All).await.unwrap().expect("stored");
        let q = crate::RelatedQuery { id: a.id, now, limit };
        s.related_articles(&q).await.unwrap().into_iter().map(|r| r.card.slug).collect()
    }

    /// Related articles share key phrases or tags with the article: the
    /// closely related first (two keys or more, or a phrase of several
    /// words), more shared and rarer keys first, a phrase above a tag, newer
    /// first among equals; articles sharing one word or tag only fill the
    /// list up to three; never the article itself, a draft, or a scheduled
    /// article before its time (from its time on, it is found); the look-up
    /// follows every write (a new phrase, a rename, an unpublished or
    /// deleted article); each shows its card and the first sentence of its
    /// summary (the editors' own, or none when summaries are off).
    pub async fn related_articles_share_keys_and_follow_visibility(s: Arc<dyn Store>) {
        let barrier = ["tidal barrier", "harbour", "council"];
        for a in [
            phrased("me", Status::Published, Some(100), &barrier, &["climate"]),
            phrased("two-phrases", Status::Published, Some(50), &["tidal barrier", "harbour"], &[]),
            phrased("tagged", Status::Published, Some(90), &["council", "weather"], &["climate"]),
            phrased("eq-old", Status::Published, Some(40), &["harbour"], &[]),
            phrased("eq-new", Status::Published, Some(60), &["harbour"], &[]),
            phrased("draft", Status::Draft, Some(80), &barrier, &["climate"]),
            phrased("later", Status::Scheduled, Some(500), &barrier, &["climate"]),
            phrased("nothing", Status::Published, Some(70), &["football"], &["sport"]),
        ] {
            s.create_article(&a).await.unwrap();
        }
        // Close: two-phrases (a phrase of two words, and a word), tagged (a
        // word and the tag); then the newer of the two that share a word only.
        assert_eq!(related(&s, "me", 200, 10).await, ["two-phrases", "tagged", "eq-new"]);
        assert_eq!(related(&s, "me", 200, 2).await, ["two-phrases", "tagged"], "the limit keeps the best");
        assert!(related(&s, "me", 200, 0).await.is_empty());
        // Its time come, the scheduled article (three phrases and the tag) is first.
        assert_eq!(related(&s, "me", 500, 10).await, ["later", "two-phrases", "tagged"]);
        assert_eq!(related(&s, "me", 499, 10).await[0], "two-phrases", "not a second before");
        // From another article: never itself; the draft never.
        assert_eq!(related(&s, "two-phrases", 200, 10).await, ["me", "eq-new", "eq-old"]);
        assert!(related(&s, "nothing", 200, 10).await.is_empty());
        // What each shows: the card, the first sentence of the shortest
        // summary, the editors' own, or none.
        let me = s.article("me", Visibility::All).await.unwrap().unwrap();
        let mut tagged = s.article("tagged", Visibility::All).await.unwrap().unwrap();
        tagged.data.summary_mode = SummaryMode::Custom;
        tagged.data.summary_custom = Some("The editors' words. Two sentences.".into());
        s.update_article(tagged.id, tagged.version, &tagged.data).await.unwrap();
        let mut eq_new = s.article("eq-new", Visibility::All).await.unwrap().unwrap();
        eq_new.data.summary_mode = SummaryMode::Off;
        s.update_article(eq_new.id, eq_new.version, &eq_new.data).await.unwrap();
        let mut two = s.article("two-phrases", Visibility::All).await.unwrap().unwrap();
        two.data.summaries = vec![summary(5, "v1", "Longer."), summary(3, "v1", "Shorter.")];
        s.update_article(two.id, two.version, &two.data).await.unwrap();
        let q = crate::RelatedQuery { id: me.id, now: 200, limit: 10 };
        let found = s.related_articles(&q).await.unwrap();
        let shown: Vec<(&str, Option<&str>)> =
            found.iter().map(|r| (r.card.slug.as_str(), r.summary.as_deref())).collect();
        assert_eq!(
            shown,
            [
                ("two-phrases", Some("Shorter.")),
                ("tagged", Some("The editors' words. Two sentences.")),
                ("eq-new", None),
            ]
        );
        assert!(found.windows(2).all(|w| w[0].score >= w[1].score) && found[2].score > 0.0);
        assert_eq!(found[0].card.title, "Title two-phrases");
        assert_eq!(found[0].card.published_at, Some(50));
        // Writes: a new phrase, a rename, unpublishing, deleting.
        let mut nothing = s.article("nothing", Visibility::All).await.unwrap().unwrap();
        nothing.data.key_phrases.phrases.push("tidal barrier".into());
        nothing.data.slug = "renamed".into();
        s.update_article(nothing.id, nothing.version, &nothing.data).await.unwrap();
        assert_eq!(related(&s, "me", 200, 10).await, ["two-phrases", "tagged", "renamed"]);
        let mut two = s.article("two-phrases", Visibility::All).await.unwrap().unwrap();
        two.data.status = Status::Draft;
        s.update_article(two.id, two.version, &two.data).await.unwrap();
        assert_eq!(related(&s, "me", 200, 10).await, ["tagged", "renamed", "eq-new"]);
        s.delete_article("renamed").await.unwrap();
        s.delete_article("eq-new").await.unwrap();
        assert_eq!(related(&s, "me", 200, 10).await, ["tagged", "eq-old"]);
        // A phrase given twice counts once: "dup-b" shares one word with
        // one other article, the best score a single word has.
        s.create_article(&phrased("dup-a", Status::Published, Some(10), &["solo", "solo"], &[])).await.unwrap();
        s.create_article(&phrased("dup-b", Status::Published, Some(11), &["solo"], &[])).await.unwrap();
        let dup_b = s.article("dup-b", Visibility::All).await.unwrap().unwrap();
        let q = crate::RelatedQuery { id: dup_b.id, now: 200, limit: 10 };
        let scores: Vec<f64> = s.related_articles(&q).await.unwrap().iter().map(|r| r.score).collect();
        assert_eq!(scores, [crate::PHRASE_WEIGHT * crate::specificity(1)]);
        // Lists are made when articles are written: the older "dup-a" got
        // "dup-b" in its list when "dup-b" was written.
        assert_eq!(related(&s, "dup-a", 200, 10).await, ["dup-b"]);
        assert!(s.stale_related_lists(crate::RELATED_VERSION).await.unwrap().is_empty());
        assert!(s.make_related_list("dup-a").await.unwrap());
        assert!(!s.make_related_list("no-such-article").await.unwrap());
        assert_eq!(related(&s, "dup-a", 200, 10).await, ["dup-b"], "made again, the same");
    }

    /// A write makes its own list and queues the lists it may change; the
    /// queue is made from read snapshots: a list made again the same is not
    /// reported, a list its own article's write made meanwhile is kept, a
    /// deleted article's queued list is dropped, and a batch of writes
    /// (an import) queues its articles' own lists.
    pub async fn queued_related_lists_are_made_after_writes(s: Arc<dyn Store>) {
        let old = s.create_article(&phrased("old", Status::Published, Some(10), &["harbour"], &[])).await.unwrap();
        assert_eq!(s.queued_related_lists().await.unwrap(), 0, "nothing related yet: nothing queued");
        s.create_article(&phrased("new", Status::Published, Some(20), &["harbour"], &[])).await.unwrap();
        // "new"'s own list is made with it; "old"'s is queued.
        let q = |id| crate::RelatedQuery { id, now: 100, limit: 5 };
        let new = s.article("new", Visibility::All).await.unwrap().unwrap();
        let slugs = |v: Vec<crate::RelatedArticle>| v.into_iter().map(|r| r.card.slug).collect::<Vec<_>>();
        assert_eq!(slugs(s.related_articles(&q(new.id)).await.unwrap()), ["old"]);
        assert!(s.related_articles(&q(old.id)).await.unwrap().is_empty(), "not made yet");
        assert_eq!(s.queued_related_lists().await.unwrap(), 1);
        assert_eq!(make_queued(&s).await, ["old"]);
        assert_eq!(slugs(s.related_articles(&q(old.id)).await.unwrap()), ["new"]);
        // Queued again with nothing new: made, the same, not reported.
        let mut again = s.article("new", Visibility::All).await.unwrap().unwrap();
        again.data.title = "Retitled".into();
        s.update_article(again.id, again.version, &again.data).await.unwrap();
        assert_eq!(s.queued_related_lists().await.unwrap(), 1);
        assert!(make_queued(&s).await.is_empty(), "the same list");
        // A list its own article's write made after the queue's was read is
        // kept: "old" is queued by a write of "new", then written itself
        // with other phrases; making the queue leaves its fresh list.
        let mut again = s.article("new", Visibility::All).await.unwrap().unwrap();
        again.data.title = "Retitled again".into();
        s.update_article(again.id, again.version, &again.data).await.unwrap();
        let mut o = s.article("old", Visibility::All).await.unwrap().unwrap();
        o.data.key_phrases.phrases = vec!["football".into()];
        s.update_article(o.id, o.version, &o.data).await.unwrap();
        make_queued(&s).await;
        assert!(s.related_articles(&q(old.id)).await.unwrap().is_empty(), "nothing shares football");
        // A deleted article's queued list is dropped.
        let mut o = s.article("old", Visibility::All).await.unwrap().unwrap();
        o.data.key_phrases.phrases = vec!["harbour".into()];
        s.update_article(o.id, o.version, &o.data).await.unwrap();
        assert_eq!(s.queued_related_lists().await.unwrap(), 1, "new's list, which old now belongs in");
        s.delete_article("new").await.unwrap();
        // The list that held it lost it with it: made again, the same.
        assert!(make_queued(&s).await.is_empty());
        assert!(s.related_articles(&q(old.id)).await.unwrap().is_empty());
        // A batch queues its articles' own lists.
        let (a, b) = (
            phrased("batch-a", Status::Published, Some(30), &["harbour"], &[]),
            phrased("batch-b", Status::Published, Some(31), &["harbour"], &[]),
        );
        s.write_articles(&[crate::ArticleWrite::Create(&a), crate::ArticleWrite::Create(&b)]).await.unwrap();
        assert_eq!(s.queued_related_lists().await.unwrap(), 2);
        let mut made = make_queued(&s).await;
        made.sort();
        assert_eq!(made, ["batch-a", "batch-b"]);
        assert_eq!(related(&s, "batch-a", 100, 5).await, ["batch-b", "old"]);
    }

    /// Key phrases are read back in order, each once; an article written
    /// before they were kept (version 0) is stale until its phrases are
    /// written, which happens only at the version read.
    pub async fn key_phrases_are_kept_and_refreshed(s: Arc<dyn Store>) {
        let mut a = phrased("a", Status::Published, Some(10), &["b", "a", "b", "c"], &[]);
        a.key_phrases.version = 0;
        let stored = s.create_article(&a).await.unwrap();
        assert_eq!(
            stored.key_phrases,
            crate::KeyPhrases { phrases: vec!["b".into(), "a".into(), "c".into()], version: 0 }
        );
        s.create_article(&phrased("z", Status::Draft, None, &[], &[])).await.unwrap();
        assert_eq!(s.stale_key_phrases(1).await.unwrap(), ["a"]);
        assert_eq!(s.stale_key_phrases(2).await.unwrap(), ["a", "z"]);
        let new = crate::KeyPhrases { phrases: vec!["fresh".into()], version: 1 };
        assert!(!s.write_key_phrases(stored.id, stored.version + 1, &new).await.unwrap(), "not over a newer write");
        assert!(!s.write_key_phrases(stored.id + 1000, 1, &new).await.unwrap());
        assert!(s.write_key_phrases(stored.id, stored.version, &new).await.unwrap());
        assert!(s.stale_key_phrases(1).await.unwrap().is_empty());
        let read = s.article("a", Visibility::All).await.unwrap().unwrap();
        assert_eq!((read.key_phrases.clone(), read.version), (new, stored.version), "the article's version stays");
        // Found by the new phrase only.
        let other = s.create_article(&phrased("o", Status::Published, Some(5), &["fresh", "b"], &[])).await.unwrap();
        let q = crate::RelatedQuery { id: other.id, now: 100, limit: 5 };
        let found: Vec<String> = s.related_articles(&q).await.unwrap().into_iter().map(|r| r.card.slug).collect();
        assert_eq!(found, ["a"]);
        // And "a"'s list, queued when "o" was written and made, holds "o".
        assert_eq!(make_queued(&s).await, ["a"]);
        let q = crate::RelatedQuery { id: stored.id, now: 100, limit: 5 };
        let found: Vec<String> = s.related_articles(&q).await.unwrap().into_iter().map(|r| r.card.slug).collect();
        assert_eq!(found, ["o"]);
    }

    /// The backend answers `ping` and tells its pool's use, and after
    /// `close` every call fails (with an error, not a panic).
    pub async fn ping_and_close(s: Arc<dyn Store>) {
        s.ping().await.unwrap();
        let pool = s.pool_use();
        assert!(pool.max >= 1 && pool.open >= 1 && pool.open <= pool.max && pool.idle <= pool.open, "{pool:?}");
        s.create_article(&article("a", Status::Published, Some(1), "World", &[], &[])).await.unwrap();
        s.close().await;
        assert!(s.ping().await.is_err());
        assert!(s.article("a", Visibility::All).await.is_err());
        assert!(s.create_article(&article("b", Status::Draft, None, "World", &[], &[])).await.is_err());
    }

    /// An article for search whose terms are given (the store analyses
    /// nothing): the title's and the body's, and the author's name.
    fn searchable(slug: &str, title: &str, body: &str, at: Option<i64>, status: Status) -> NewArticle {
        let section = if slug.starts_with('b') { "Business" } else { "World" };
        let tag = if slug.ends_with('x') { "tagx" } else { "other" };
        let mut a = article(slug, status, at, section, &[tag], &["Ann"]);
        a.title = title.to_owned();
        a.body_text = body.to_owned();
        a.lang = if slug.starts_with('u') { "uk".into() } else { "en".into() };
        a.search = SearchText {
            title: title.to_lowercase(),
            body: body.to_owned(),
            names: "ann".into(),
            version: 1,
            ..SearchText::default()
        };
        a
    }

    fn search_query(phrases: &[&str]) -> SearchQuery {
        SearchQuery {
            readings: vec![Reading {
                phrases: phrases.iter().map(|p| p.split(' ').map(str::to_owned).collect()).collect(),
            }],
            exclude: Vec::new(),
            visibility: Visibility::PublicAt(1000),
            section: None,
            tag: None,
            page: 1,
            per_page: 10,
        }
    }

    async fn found(s: &Arc<dyn Store>, q: &SearchQuery) -> Vec<String> {
        s.search(q).await.unwrap().items.into_iter().map(|h| h.card.slug).collect()
    }

    /// Search: only visible articles are found, ranked (a title match
    /// above body matches, a recent article above an older one that matches
    /// as well); every phrase of a reading is required, a phrase is its
    /// terms in order, any reading may match, exclusions and filters apply;
    /// pages and totals; the index follows updates and deletions in the
    /// article's own transaction; languages and stale terms.
    pub async fn search_finds_ranks_and_follows_writes(s: Arc<dyn Store>) {
        for a in [
            searchable("old", "harbour barrier", "vote barrier harbour council", Some(100), Status::Published),
            searchable("new", "council news", "barrier mention once", Some(900), Status::Published),
            searchable("bx", "market report", "barrier cost market", Some(500), Status::Published),
            searchable("draft", "barrier draft", "barrier barrier", None, Status::Draft),
            searchable("later", "barrier later", "barrier barrier", Some(5000), Status::Scheduled),
            searchable("uk", "київ", "переговор київ barrier", Some(50), Status::Published),
        ] {
            s.create_article(&a).await.unwrap();
        }
        let all = found(&s, &search_query(&["barrier"])).await;
        assert_eq!(all.len(), 4, "{all:?}: drafts and articles still to come are never found");
        assert_eq!(all[0], "old", "a title match ranks first: {all:?}");
        let mut editors = search_query(&["barrier"]);
        editors.visibility = Visibility::All;
        assert_eq!(found(&s, &editors).await.len(), 6);
        assert_eq!(found(&s, &search_query(&["barrier", "market"])).await, ["bx"]);
        assert_eq!(found(&s, &search_query(&["vote barrier"])).await, ["old"]);
        assert!(found(&s, &search_query(&["barrier vote"])).await.is_empty());
        // A phrase never spans two fields (the title's last term, the body's first).
        assert!(found(&s, &search_query(&["barrier vote"])).await.is_empty());
        assert!(found(&s, &search_query(&["report barrier"])).await.is_empty());
        let mut q = search_query(&["market"]);
        q.readings.push(Reading { phrases: vec![vec!["київ".into()]] });
        assert_eq!(found(&s, &q).await, ["uk", "bx"], "a title match first");
        let mut q = search_query(&["barrier"]);
        q.exclude = vec![vec!["market".into()], vec!["vote".into(), "barrier".into()]];
        let mut left = found(&s, &q).await;
        left.sort();
        assert_eq!(left, ["new", "uk"]);
        let mut q = search_query(&["barrier"]);
        q.section = Some("business".into());
        assert_eq!(found(&s, &q).await, ["bx"]);
        let mut q = search_query(&["barrier"]);
        q.tag = Some("tagx".into());
        assert_eq!(found(&s, &q).await, ["bx"]);
        assert!(found(&s, &search_query(&[])).await.is_empty());
        assert!(found(&s, &search_query(&[""])).await.is_empty());
        let hit = &s.search(&search_query(&["market"])).await.unwrap().items[0];
        assert_eq!((hit.body_text.as_str(), hit.card.section.slug.as_str()), ("barrier cost market", "business"));
        assert!(hit.score > 0.0);
        // Pages and totals.
        let mut q = search_query(&["barrier"]);
        q.per_page = 3;
        let first = s.search(&q).await.unwrap();
        assert_eq!((first.items.len(), first.total, first.pages()), (3, 4, 2));
        q.page = 2;
        let second = s.search(&q).await.unwrap();
        assert_eq!((second.items.len(), second.total), (1, 4));
        assert!(first.items.iter().all(|h| h.card.slug != second.items[0].card.slug));
        q.page = 3;
        assert_eq!(s.search(&q).await.unwrap().items.len(), 0);
        // Recent first among equal matches.
        let day = 86_400;
        for (slug, at) in [("r-old", 1_000 * day), ("r-new", 1_299 * day), ("r-mid", 1_200 * day)] {
            s.create_article(&searchable(slug, "same title", "same recency words", Some(at), Status::Published))
                .await
                .unwrap();
        }
        let mut q = search_query(&["recency"]);
        q.visibility = Visibility::PublicAt(1_300 * day);
        assert_eq!(found(&s, &q).await, ["r-new", "r-mid", "r-old"]);
        // Languages, stale terms, terms written again for the version read.
        assert_eq!(s.search_languages().await.unwrap(), ["en", "uk"]);
        assert!(s.stale_search_text(1).await.unwrap().is_empty());
        assert_eq!(s.stale_search_text(2).await.unwrap().len(), 9);
        let bx = s.article("bx", Visibility::All).await.unwrap().unwrap();
        let text = SearchText { body: "renewed".into(), version: 2, ..SearchText::default() };
        assert!(s.write_search_text(bx.id, bx.version, &text).await.unwrap());
        assert!(!s.write_search_text(bx.id, bx.version + 1, &text).await.unwrap());
        assert_eq!(found(&s, &search_query(&["renewed"])).await, ["bx"]);
        assert!(found(&s, &search_query(&["market"])).await.is_empty());
        assert_eq!(s.stale_search_text(2).await.unwrap().len(), 8);
        // Updates replace the terms; a draft is no longer found; a deleted
        // article is gone from the index; a refused update writes nothing.
        let old = s.article("old", Visibility::All).await.unwrap().unwrap();
        assert!(old.search == SearchText::default(), "terms are not read back");
        let mut edit = searchable("old", "harbour wall", "vote wall harbour", Some(100), Status::Published);
        let updated = s.update_article(old.id, old.version, &edit).await.unwrap();
        assert!(!found(&s, &search_query(&["barrier"])).await.contains(&"old".to_owned()));
        assert_eq!(found(&s, &search_query(&["wall"])).await, ["old"]);
        edit.status = Status::Draft;
        s.update_article(updated.id, updated.version, &edit).await.unwrap();
        assert!(found(&s, &search_query(&["wall"])).await.is_empty());
        s.delete_article("old").await.unwrap();
        let mut editors = search_query(&["wall"]);
        editors.visibility = Visibility::All;
        assert!(found(&s, &editors).await.is_empty());
        let new = s.article("new", Visibility::All).await.unwrap().unwrap();
        let other = searchable("new", "council news", "entirely different", Some(900), Status::Published);
        assert!(s.update_article(new.id, new.version + 1, &other).await.is_err());
        assert_eq!(found(&s, &search_query(&["mention"])).await, ["new"]);
    }

    /// Writer `i`'s whole version of `slug`: every part says `i`.
    fn written(slug: &str, i: u32) -> NewArticle {
        let mut a = article(slug, Status::Published, Some(10), "World", &[&format!("t{i}")], &[&format!("Author {i}")]);
        a.title = format!("Version {i}");
        a.updated_at = 100 + i as i64;
        a.body_md = format!("Body {i}. ").repeat(1000);
        a.body_text = a.body_md.clone();
        a.summaries = vec![summary(3, &format!("v{i}"), "x"), summary(5, &format!("v{i}"), "y")];
        a
    }

    /// Every part of a [`written`] article is the same writer's.
    fn assert_whole(a: &crate::Article) {
        let i: u32 = a.title.strip_prefix("Version ").and_then(|n| n.parse().ok()).expect("a written version");
        if a.data != written(&a.slug, i) {
            // Which writer each part came from, not the whole (long) bodies.
            let parts = format!(
                "title {:?}, tags {:?}, authors {:?}, body {:?}, summaries {:?}, updated {}",
                a.title,
                a.tags.iter().map(|t| &t.name).collect::<Vec<_>>(),
                a.authors.iter().map(|t| &t.name).collect::<Vec<_>>(),
                a.body_md.get(..8),
                a.summaries.iter().map(|s| (s.length, &s.version)).collect::<Vec<_>>(),
                a.updated_at
            );
            panic!("{} is a mixture of writes: {parts}", a.slug);
        }
    }

    fn query(
        visibility: Visibility,
        section: Option<&str>,
        tag: Option<&str>,
        author: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> ListQuery {
        ListQuery {
            visibility,
            section: section.map(str::to_owned),
            tag: tag.map(str::to_owned),
            author: author.map(str::to_owned),
            page,
            per_page,
            after: None,
        }
    }

    fn slugs(cards: &[ArticleCard]) -> Vec<&str> {
        cards.iter().map(|c| c.slug.as_str()).collect()
    }

    /// Checks what the store shows of `all` (every article it holds) against
    /// the model, for readers at each of `nows` and for editors: single
    /// articles, lists with every filter (alone and together) and several
    /// page sizes, neighbours, sections, names, the next publication time.
    async fn check_model(s: &Arc<dyn Store>, all: &[NewArticle], nows: &[i64]) {
        let mut visibilities: Vec<Visibility> = nows.iter().map(|n| Visibility::PublicAt(*n)).collect();
        visibilities.push(Visibility::All);
        let sections: BTreeSet<&str> = all.iter().map(|a| a.section.slug.as_str()).collect();
        let tags: BTreeSet<&str> = all.iter().flat_map(|a| a.tags.iter().map(|t| t.slug.as_str())).collect();
        let authors: BTreeSet<&str> = all.iter().flat_map(|a| a.authors.iter().map(|t| t.slug.as_str())).collect();
        let pick = |set: &BTreeSet<&str>| -> Vec<Option<String>> {
            let mut v: Vec<Option<String>> = vec![None, Some("no-such-thing".to_owned())];
            v.extend(set.iter().map(|x| Some(x.to_string())));
            v
        };
        for v in &visibilities {
            let v = *v;
            // Single articles.
            for a in all {
                let got = s.article(&a.slug, v).await.unwrap();
                assert_eq!(got.is_some(), v.shows(a.status, a.published_at), "{} to {v:?}", a.slug);
            }
            // Lists: every filter alone, and each pair with the first values.
            let mut queries = Vec::new();
            for section in pick(&sections) {
                queries.push((section, None, None));
            }
            for tag in pick(&tags) {
                queries.push((None, tag.clone(), None));
                queries.push((
                    sections.first().map(|x| x.to_string()),
                    tag.clone(),
                    authors.first().map(|x| x.to_string()),
                ));
            }
            for author in pick(&authors) {
                queries.push((None, None, author.clone()));
                queries.push((None, tags.first().map(|x| x.to_string()), author));
            }
            for (section, tag, author) in queries {
                let want: Vec<&NewArticle> = {
                    let mut w: Vec<&NewArticle> = all
                        .iter()
                        .filter(|a| v.shows(a.status, a.published_at))
                        .filter(|a| section.as_deref().is_none_or(|x| a.section.slug == x))
                        .filter(|a| tag.as_deref().is_none_or(|x| a.tags.iter().any(|t| t.slug == x)))
                        .filter(|a| author.as_deref().is_none_or(|x| a.authors.iter().any(|t| t.slug == x)))
                        .collect();
                    // Newest first, then by slug (bytes), undated last.
                    w.sort_by(|a, b| {
                        (b.published_at.is_some(), b.published_at, b.slug.as_bytes()).cmp(&(
                            a.published_at.is_some(),
                            a.published_at,
                            a.slug.as_bytes(),
                        ))
                    });
                    w
                };
                let want: Vec<&str> = want.iter().map(|a| a.slug.as_str()).collect();
                for per_page in [2u32, 5, 100] {
                    let mut seen = Vec::new();
                    let pages = (want.len() as u32).div_ceil(per_page).max(1);
                    for page in 1..=pages {
                        let q = ListQuery {
                            visibility: v,
                            section: section.clone(),
                            tag: tag.clone(),
                            author: author.clone(),
                            page,
                            per_page,
                            after: None,
                        };
                        let got = s.list_articles(&q).await.unwrap();
                        assert_eq!(got.total, want.len() as u64, "total of {q:?}");
                        assert_eq!((got.page, got.per_page), (Some(page), per_page));
                        // `next` is the last item's place, when more follow.
                        let more = (page * per_page) < want.len() as u32;
                        assert_eq!(got.next, got.items.last().filter(|_| more).map(Cursor::of), "next of {q:?}");
                        seen.extend(got.items.iter().map(|c| c.slug.clone()));
                    }
                    assert_eq!(
                        seen, want,
                        "{v:?} section {section:?} tag {tag:?} author {author:?} per page {per_page}"
                    );
                    // Keyset pages: page 1, then each page `after` the one
                    // before's `next`, to the end. Such a page has no number,
                    // the same total, and a `next` exactly when more follow.
                    let q = ListQuery {
                        visibility: v,
                        section: section.clone(),
                        tag: tag.clone(),
                        author: author.clone(),
                        page: 1,
                        per_page,
                        after: None,
                    };
                    let first = s.list_articles(&q).await.unwrap();
                    let mut seen: Vec<String> = first.items.iter().map(|c| c.slug.clone()).collect();
                    let mut after = first.next.clone();
                    let mut pages = vec![seen.clone()];
                    while let Some(cursor) = after {
                        let q = ListQuery { page: 1, after: Some(cursor), ..q.clone() };
                        let got = s.list_articles(&q).await.unwrap();
                        pages.push(got.items.iter().map(|c| c.slug.clone()).collect());
                        assert_eq!((got.total, got.page), (want.len() as u64, None), "{q:?}");
                        assert!(!got.items.is_empty() && got.items.len() <= per_page as usize, "{q:?}");
                        seen.extend(got.items.iter().map(|c| c.slug.clone()));
                        let more = seen.len() < want.len();
                        assert_eq!(got.next, got.items.last().filter(|_| more).map(Cursor::of), "next of {q:?}");
                        assert!(seen.len() <= want.len(), "{q:?}: the pages go round");
                        after = got.next;
                    }
                    assert_eq!(
                        seen, want,
                        "{v:?} section {section:?} tag {tag:?} author {author:?} per page {per_page} by cursor"
                    );
                    // A page number with a cursor counts from there: page 2
                    // after the first page's `next` is the third page.
                    if let Some(cursor) = first.next {
                        let q = ListQuery { page: 2, after: Some(cursor), ..q.clone() };
                        let got = s.list_articles(&q).await.unwrap();
                        let slugs: Vec<String> = got.items.iter().map(|c| c.slug.clone()).collect();
                        assert_eq!(slugs, pages.get(2).cloned().unwrap_or_default(), "{q:?}");
                        assert_eq!(got.page, None, "{q:?}");
                    }
                }
            }
        }
        for now in nows {
            let v = Visibility::PublicAt(*now);
            let shown: Vec<&NewArticle> = all.iter().filter(|a| v.shows(a.status, a.published_at)).collect();
            // Sections: counts, most first, then by slug.
            let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
            for a in &shown {
                *counts.entry(a.section.slug.as_str()).or_default() += 1;
            }
            let mut want: Vec<(&str, u64)> = counts.into_iter().collect();
            want.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_bytes().cmp(b.0.as_bytes())));
            let got = s.sections(*now).await.unwrap();
            let got: Vec<(&str, u64)> = got.iter().map(|(n, c)| (n.slug.as_str(), *c)).collect();
            assert_eq!(got, want, "sections at {now}");
            // Names: known exactly when something shown has them.
            for slug in &sections {
                let want = shown.iter().find(|a| a.section.slug == *slug).map(|a| a.section.name.clone());
                assert_eq!(s.section_name(slug, *now).await.unwrap(), want, "section {slug} at {now}");
            }
            for slug in &tags {
                let want = shown.iter().flat_map(|a| a.tags.iter()).find(|t| t.slug == *slug).map(|t| t.name.clone());
                assert_eq!(s.tag_name(slug, *now).await.unwrap(), want, "tag {slug} at {now}");
            }
            for slug in &authors {
                let want =
                    shown.iter().flat_map(|a| a.authors.iter()).find(|t| t.slug == *slug).map(|t| t.name.clone());
                assert_eq!(s.author_name(slug, *now).await.unwrap(), want, "author {slug} at {now}");
            }
            // Neighbours: the shown articles in time then slug order.
            let mut order: Vec<(i64, &str)> =
                shown.iter().filter_map(|a| a.published_at.map(|t| (t, a.slug.as_str()))).collect();
            order.sort_by(|a, b| (a.0, a.1.as_bytes()).cmp(&(b.0, b.1.as_bytes())));
            for a in all {
                let (prev, next) = s.neighbours(&a.slug, *now).await.unwrap();
                let (want_prev, want_next) = match a.published_at {
                    None => (None, None),
                    Some(t) => {
                        let me = (t, a.slug.as_bytes());
                        (
                            order.iter().rev().find(|(u, x)| (*u, x.as_bytes()) < me).map(|(_, x)| x.to_string()),
                            order.iter().find(|(u, x)| (*u, x.as_bytes()) > me).map(|(_, x)| x.to_string()),
                        )
                    }
                };
                assert_eq!(
                    (prev.map(|l| l.slug), next.map(|l| l.slug)),
                    (want_prev, want_next),
                    "neighbours of {} at {now}",
                    a.slug
                );
            }
            // The next time the public site changes by itself.
            let want = all
                .iter()
                .filter(|a| a.status != Status::Draft)
                .filter_map(|a| a.published_at)
                .filter(|t| t > now)
                .min();
            assert_eq!(s.next_publication_after(*now).await.unwrap(), want, "next publication after {now}");
        }
        assert_eq!(s.count_articles().await.unwrap(), all.len() as u64);
    }

    fn new_user(name: &str, role: Role) -> NewUser {
        NewUser {
            name: name.to_owned(),
            display_name: name.to_uppercase(),
            email: Some(format!("{name}@example.org")),
            role,
            password_hash: "$argon2id$x".into(),
        }
    }

    /// Users: names are unique, ordered by name; the last active admin can
    /// be neither demoted nor disabled; a disabled admin is no active admin.
    pub async fn users_roles_and_the_last_admin(s: Arc<dyn Store>) {
        assert_eq!(s.count_active_admins().await.unwrap(), 0);
        let ada = s.create_user(&new_user("ada", Role::Admin), 10).await.unwrap();
        assert_eq!((ada.name.as_str(), ada.role, ada.disabled, ada.created_at), ("ada", Role::Admin, false, 10));
        assert_eq!((ada.display_name.as_str(), ada.email.as_deref()), ("ADA", Some("ada@example.org")));
        assert!(matches!(s.create_user(&new_user("ada", Role::Writer), 11).await, Err(StoreError::Conflict(_))));
        let bo = s.create_user(&new_user("bo", Role::Writer), 12).await.unwrap();
        assert_eq!(s.users().await.unwrap().iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["ada", "bo"]);
        assert_eq!(s.user_by_name("bo").await.unwrap().unwrap().id, bo.id);
        assert!(s.user_by_name("nobody").await.unwrap().is_none());
        assert!(matches!(s.set_role(ada.id, Role::Editor, 13).await, Err(StoreError::Conflict(_))));
        assert!(matches!(s.set_disabled(ada.id, true, 13).await, Err(StoreError::Conflict(_))));
        assert_eq!(s.user_by_id(ada.id).await.unwrap().unwrap().role, Role::Admin);
        s.set_role(bo.id, Role::Admin, 14).await.unwrap();
        assert_eq!(s.count_active_admins().await.unwrap(), 2);
        s.set_disabled(ada.id, true, 15).await.unwrap();
        assert_eq!(s.count_active_admins().await.unwrap(), 1);
        assert!(matches!(s.set_role(bo.id, Role::Writer, 16).await, Err(StoreError::Conflict(_))));
        s.set_role(ada.id, Role::Editor, 17).await.unwrap();
        s.set_disabled(ada.id, false, 18).await.unwrap();
        let ada = s.user_by_id(ada.id).await.unwrap().unwrap();
        assert_eq!((ada.role, ada.disabled, ada.updated_at), (Role::Editor, false, 18));
        s.set_password_hash(ada.id, "$argon2id$y", 19).await.unwrap();
        assert_eq!(s.user_by_id(ada.id).await.unwrap().unwrap().password_hash, "$argon2id$y");
        assert!(matches!(s.set_password_hash(999, "h", 1).await, Err(StoreError::NotFound)));
        assert!(matches!(s.set_role(999, Role::Writer, 1).await, Err(StoreError::NotFound)));
    }

    /// Sessions: found with their user, touched forward only, expired by
    /// idleness or age, ended one by one or all of a user's.
    pub async fn sessions_live_and_end(s: Arc<dyn Store>) {
        let ann = s.create_user(&new_user("ann", Role::Writer), 1).await.unwrap();
        let session = |id: &str, t: i64| Session {
            id_hash: id.to_owned(),
            user_id: ann.id,
            csrf: format!("csrf-{id}"),
            created_at: t,
            last_seen: t,
        };
        s.create_session(&session("a", 100)).await.unwrap();
        s.create_session(&session("b", 200)).await.unwrap();
        let (got, user) = s.session_with_user("a").await.unwrap().unwrap();
        assert_eq!((got, user), (session("a", 100), ann.clone()));
        assert!(s.session_with_user("zzz").await.unwrap().is_none());
        s.touch_session("a", 150).await.unwrap();
        s.touch_session("a", 120).await.unwrap();
        assert_eq!(s.session_with_user("a").await.unwrap().unwrap().0.last_seen, 150, "never moves back");
        assert_eq!(s.delete_expired_sessions(160, 0).await.unwrap(), 1);
        assert!(s.session_with_user("a").await.unwrap().is_none());
        s.create_session(&session("c", 300)).await.unwrap();
        assert_eq!(s.delete_expired_sessions(0, 250).await.unwrap(), 1);
        assert!(s.session_with_user("b").await.unwrap().is_none());
        s.delete_session("c").await.unwrap();
        s.delete_session("c").await.unwrap();
        s.create_session(&session("d", 400)).await.unwrap();
        s.create_session(&session("e", 400)).await.unwrap();
        assert_eq!(s.delete_user_sessions(ann.id).await.unwrap(), 2);
    }

    /// Failed sign-ins: counted per key, in time order, forgotten by age
    /// for every key, cleared per key.
    pub async fn failures_are_counted_per_key_and_forgotten(s: Arc<dyn Store>) {
        s.record_failure(&["user:ann", "addr:1.2.3.4"], 100, 0).await.unwrap();
        s.record_failure(&["user:ann", "addr:5.6.7.8"], 110, 0).await.unwrap();
        assert_eq!(s.failures_since("user:ann", 0).await.unwrap(), [100, 110]);
        assert_eq!(s.failures_since("user:ann", 105).await.unwrap(), [110]);
        assert_eq!(s.failures_since("addr:1.2.3.4", 0).await.unwrap(), [100]);
        s.record_failure(&["user:bo"], 120, 105).await.unwrap();
        assert!(s.failures_since("addr:1.2.3.4", 0).await.unwrap().is_empty());
        assert_eq!(s.failures_since("user:ann", 0).await.unwrap(), [110]);
        s.clear_failures("user:ann").await.unwrap();
        assert!(s.failures_since("user:ann", 0).await.unwrap().is_empty());
        assert_eq!(s.failures_since("user:bo", 0).await.unwrap(), [120]);
    }

    /// The newsroom's part of articles: a submitted article is a draft to
    /// readers and itself to the newsroom; its owner is kept through
    /// updates; the newsroom list filters by status, section, author, owner
    /// and title (literally: `%` and `_` match themselves), newest change
    /// first, with totals; the facets list sections and authors.
    pub async fn owners_and_submitted_articles(s: Arc<dyn Store>) {
        let wren = s.create_user(&new_user("wren", Role::Writer), 1).await.unwrap();
        let sample = |slug: &str, status, at| NewArticle {
            updated_at: 1,
            ..article(slug, status, at, "World", &["x"], &["Ann"])
        };
        let mut a = sample("a", Status::Submitted, Some(10));
        a.owner = Some(wren.id);
        a.title = "Floods_50% in the North".into();
        let stored = s.create_article(&a).await.unwrap();
        assert_eq!((stored.status, stored.owner), (Status::Submitted, Some(wren.id)));
        assert!(s.article("a", Visibility::PublicAt(1_000)).await.unwrap().is_none(), "never shown to readers");
        let public = ListQuery {
            visibility: Visibility::PublicAt(1_000),
            section: None,
            tag: None,
            author: None,
            page: 1,
            per_page: 10,
            after: None,
        };
        assert_eq!(s.list_articles(&public).await.unwrap().total, 0);
        assert_eq!(s.next_publication_after(0).await.unwrap(), None);
        a.status = Status::Published;
        let stored = s.update_article(stored.id, 1, &a).await.unwrap();
        assert_eq!((stored.status, stored.owner), (Status::Published, Some(wren.id)));
        assert_eq!(s.list_articles(&public).await.unwrap().total, 1);
        let mut b = sample("b", Status::Draft, None);
        b.section = Named { name: "Sport".into(), slug: "sport".into() };
        s.create_article(&b).await.unwrap();
        let mut c = sample("c", Status::Submitted, None);
        c.owner = Some(wren.id);
        c.updated_at = 5;
        s.create_article(&c).await.unwrap();
        assert_eq!(s.article("c", Visibility::All).await.unwrap().unwrap().status, Status::Submitted);
        let list = |q: DeskQuery| {
            let s = s.clone();
            async move {
                let page = s.desk_articles(&DeskQuery { page: 1, per_page: 10, ..q }).await.unwrap();
                page.items.iter().map(|i| (i.slug.clone(), i.status)).collect::<Vec<_>>()
            }
        };
        let all = s.desk_articles(&DeskQuery { page: 1, per_page: 10, ..Default::default() }).await.unwrap();
        assert_eq!(all.total, 3);
        let first = all.items.iter().find(|i| i.slug == "a").unwrap();
        assert_eq!((first.owner, first.owner_name.as_deref()), (Some(wren.id), Some("WREN")));
        assert_eq!(first.authors, [named("Ann")]);
        let by = |status| DeskQuery { status: Some(status), ..Default::default() };
        assert_eq!(list(by(Status::Submitted)).await, [("c".to_owned(), Status::Submitted)]);
        assert_eq!(list(by(Status::Draft)).await, [("b".to_owned(), Status::Draft)]);
        assert_eq!(list(by(Status::Published)).await, [("a".to_owned(), Status::Published)]);
        assert!(list(by(Status::Scheduled)).await.is_empty());
        assert_eq!(list(DeskQuery { owner: Some(wren.id), ..Default::default() }).await.len(), 2);
        let sport = list(DeskQuery { section: Some("sport".into()), ..Default::default() }).await;
        assert_eq!(sport, [("b".to_owned(), Status::Draft)]);
        assert_eq!(list(DeskQuery { author: Some("ann".into()), ..Default::default() }).await.len(), 3);
        let found = list(DeskQuery { title: Some("floods_50%".into()), ..Default::default() }).await;
        assert_eq!(found, [("a".to_owned(), Status::Published)]);
        assert!(list(DeskQuery { title: Some("50%_".into()), ..Default::default() }).await.is_empty());
        let slugs = |v: Vec<(String, Status)>| v.into_iter().map(|(s, _)| s).collect::<Vec<_>>();
        assert_eq!(slugs(list(DeskQuery::default()).await), ["c", "b", "a"]);
        let by_ann = |status| DeskQuery { author: Some("ann".into()), status: Some(status), ..Default::default() };
        assert_eq!(slugs(list(by_ann(Status::Submitted)).await), ["c"]);
        assert_eq!(slugs(list(by_ann(Status::Draft)).await), ["b"]);
        let wren_in =
            |section: &str| DeskQuery { owner: Some(wren.id), section: Some(section.into()), ..Default::default() };
        assert!(list(wren_in("sport")).await.is_empty());
        assert_eq!(slugs(list(wren_in("world")).await), ["c", "a"]);
        let sport_drafts =
            DeskQuery { section: Some("sport".into()), status: Some(Status::Draft), ..Default::default() };
        assert_eq!(slugs(list(sport_drafts).await), ["b"]);
        let titled = DeskQuery { owner: Some(wren.id), title: Some("title".into()), ..Default::default() };
        assert_eq!(slugs(list(titled).await), ["c"]);
        let second = s.desk_articles(&DeskQuery { page: 2, per_page: 2, ..Default::default() }).await.unwrap();
        assert_eq!((second.total, second.page, second.items.len()), (3, Some(2), 1));
        assert_eq!(second.items[0].slug, "a");
        let ann_drafts = s.desk_articles(&DeskQuery { page: 1, per_page: 10, ..by_ann(Status::Draft) }).await.unwrap();
        assert_eq!(ann_drafts.total, 1);
        let sport = s
            .desk_articles(&DeskQuery { section: Some("sport".into()), page: 1, per_page: 10, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(sport.total, 1);
        let facets = s.desk_facets().await.unwrap();
        assert_eq!(facets.sections.iter().map(|n| n.slug.as_str()).collect::<Vec<_>>(), ["sport", "world"]);
        assert_eq!(facets.authors.iter().map(|n| n.slug.as_str()).collect::<Vec<_>>(), ["ann"]);
        // Deleting an article takes its newsroom part with it; the owner's
        // list shrinks.
        s.delete_article("c").await.unwrap();
        assert_eq!(slugs(list(DeskQuery { owner: Some(wren.id), ..Default::default() }).await), ["a"]);
    }

    fn picture(source: &str, widths: &[i64]) -> crate::NewMedia {
        crate::NewMedia {
            source_hash: format!("{source:0>64}"),
            source_format: "JPEG".into(),
            source_bytes: 12_345,
            width: widths.last().copied().unwrap_or(1),
            height: 77,
            files: widths
                .iter()
                .map(|&w| crate::NewMediaFile {
                    hash: format!("{source}{w:0>60}"),
                    content_type: "image/jpeg".into(),
                    width: w,
                    height: w / 2,
                    // Every byte value, and a NUL, kept exactly; sizes differ.
                    bytes: (0..w * 3).map(|i| (i % 256) as u8).collect(),
                })
                .collect(),
            created_by: None,
            created_at: 1_000,
        }
    }

    /// A whole site read in bulk, emptied, and written back as read: the
    /// same records (ids, versions, times, hashes, bytes, revisions, key
    /// phrases, summaries, owners, submitted state), the same count in
    /// every table, search terms as given, and ordinary writes after it get
    /// new ids. A batch with a taken slug is written not at all.
    pub async fn sites_are_copied_whole(s: Arc<dyn Store>) {
        use crate::transfer::{SignInFailure, TABLES};
        assert!(s.is_empty().await.unwrap());
        let ada = s.create_user(&new_user("ada", Role::Admin), 10).await.unwrap();
        let wren = s.create_user(&new_user("wren", Role::Writer), 11).await.unwrap();
        s.set_disabled(wren.id, true, 12).await.unwrap();
        s.create_token("ci", "hash-ci", 20).await.unwrap();
        s.revoke_token("ci", 21).await.unwrap();
        s.create_token("ci", "hash-ci-2", 22).await.unwrap();
        let session =
            Session { id_hash: "h".repeat(64), user_id: ada.id, csrf: "csrf".into(), created_at: 30, last_seen: 31 };
        s.create_session(&session).await.unwrap();
        s.record_failure(&["user:ada", "addr:::1"], 40, 0).await.unwrap();
        let mut p = picture("a", &[480, 960]);
        p.created_by = Some(wren.id);
        s.put_media(&p).await.unwrap();
        s.put_media(&picture("b", &[1200])).await.unwrap();
        let note = |at: i64| RevisionNote {
            by: WrittenBy::user(ada.id, "Ada “A” 王"),
            at,
            changed: vec![],
            restored_from: None,
        };
        let mut a = full("a");
        a.revision = Some(note(50));
        let stored_a = s.create_article(&a).await.unwrap();
        a.title = "שלום <script>alert(1)</script>".into();
        a.revision = Some(RevisionNote { changed: vec!["title".into()], ..note(51) });
        s.update_article(stored_a.id, 1, &a).await.unwrap();
        let mut b = article("b", Status::Submitted, None, "World", &["t"], &["Ann"]);
        b.owner = Some(wren.id);
        b.summary_mode = SummaryMode::Picked;
        b.summary_picks = vec![SummaryPick { index: Some(0), text: "Body of b.".into() }];
        s.create_article(&b).await.unwrap();
        let c = s.create_article(&article("c", Status::Published, Some(5), "World", &["t"], &[])).await.unwrap();
        s.create_article(&article("gone", Status::Draft, None, "World", &[], &[])).await.unwrap();
        s.delete_article("gone").await.unwrap();
        let d = s.create_article(&article("d", Status::Draft, None, "World", &[], &[])).await.unwrap();
        assert!(!s.is_empty().await.unwrap());

        let counts = s.table_counts().await.unwrap();
        assert_eq!(counts.iter().map(|(t, _)| *t).collect::<Vec<_>>(), TABLES);
        let before = crate::testing::whole_site(&s, 2).await;
        assert_eq!(before.articles.iter().map(|a| a.article.slug.as_str()).collect::<Vec<_>>(), ["a", "b", "c", "d"]);
        assert_eq!(before.articles[0].revisions.len(), 2);
        assert_eq!(before.articles[0].revisions[1].snapshot.title, "שלום <script>alert(1)</script>");
        assert_eq!(before.articles[1].article.status, Status::Submitted);
        assert_eq!(before.articles[1].article.owner, Some(wren.id));
        assert_eq!(before.media.len(), 2);
        assert_eq!(before.media[0].media, p);
        assert_eq!(before.failures.len(), 2);
        assert_eq!(before.tokens.len(), 2);
        // Pages of one are the same as a page of all.
        assert_eq!(crate::testing::whole_site(&s, 1).await, before);

        s.clear_site().await.unwrap();
        assert!(s.is_empty().await.unwrap(), "{:?}", s.table_counts().await.unwrap());
        assert!(s.article("a", Visibility::All).await.unwrap().is_none());
        assert_eq!(s.list_articles(&query(Visibility::All, None, None, None, 1, 10)).await.unwrap().total, 0);

        // Written back: users before what refers to them.
        s.put_users(&before.users).await.unwrap();
        s.put_tokens(&before.tokens).await.unwrap();
        s.put_sign_in_failures(&before.failures).await.unwrap();
        s.put_sessions(&before.sessions).await.unwrap();
        s.put_media_as_stored(&before.media).await.unwrap();
        let mut with_terms = before.articles.clone();
        for a in &mut with_terms {
            a.article.data.search =
                SearchText { title: format!("copi{}", a.article.slug), version: 9, ..SearchText::default() };
        }
        s.put_articles(&with_terms[..2]).await.unwrap();
        s.put_articles(&with_terms[2..]).await.unwrap();
        let after = crate::testing::whole_site(&s, 3).await;
        assert_eq!(after, before);
        assert_eq!(s.table_counts().await.unwrap(), counts);
        // The copy works as the original did.
        assert_eq!(s.session_with_user(&session.id_hash).await.unwrap().unwrap().1.name, "ada");
        assert_eq!(s.failures_since("user:ada", 0).await.unwrap(), [40]);
        assert_eq!(s.media_file(&p.files[1].hash).await.unwrap().unwrap().bytes, p.files[1].bytes);
        assert!(s.stale_search_text(9).await.unwrap().is_empty());
        let reading = Reading { phrases: vec![vec!["copic".to_owned()]] };
        let found = s
            .search(&SearchQuery {
                readings: vec![reading],
                exclude: vec![],
                visibility: Visibility::All,
                section: None,
                tag: None,
                page: 1,
                per_page: 10,
            })
            .await
            .unwrap();
        assert_eq!(found.items.iter().map(|h| h.card.slug.as_str()).collect::<Vec<_>>(), ["c"]);
        let page = s.list_articles(&query(Visibility::PublicAt(1_000), None, Some("t"), None, 1, 10)).await.unwrap();
        assert_eq!(page.items.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>(), ["c"]);
        assert_eq!(s.article("c", Visibility::All).await.unwrap().unwrap(), c);
        // Ordinary writes after the copy get ids past the copied ones.
        let e = s.create_article(&article("e", Status::Draft, None, "World", &[], &[])).await.unwrap();
        assert!(e.id > d.id, "{} after {}", e.id, d.id);
        let u = s.create_user(&new_user("zed", Role::Writer), 60).await.unwrap();
        assert!(u.id > wren.id.max(ada.id));
        let t = s.create_token("new", "hash-new", 61).await.unwrap();
        assert!(before.tokens.iter().all(|old| t.id > old.id));
        let m = s.put_media(&picture("z", &[480])).await.unwrap();
        assert!(before.media.iter().all(|old| m.id > old.id));
        // A batch with a slug taken is refused whole.
        let mut taken = with_terms[2].clone();
        taken.article.id = e.id + 100;
        let mut fresh = with_terms[3].clone();
        fresh.article.id = e.id + 101;
        fresh.article.data.slug = "fresh".into();
        assert!(matches!(s.put_articles(&[fresh, taken]).await, Err(StoreError::Conflict(_))));
        assert!(s.article("fresh", Visibility::All).await.unwrap().is_none());
        assert_eq!(
            s.all_sign_in_failures().await.unwrap().first(),
            Some(&SignInFailure { key: "addr:::1".into(), at: 40 })
        );
    }

    /// Pictures: a picture's files kept byte for byte and found by hash; a
    /// picture found by any of its files, narrowest first; the same upload
    /// again is the same picture (nothing written twice); unknown hashes
    /// find nothing; a 3 MB file comes back whole.
    pub async fn media_files_are_kept_and_found(s: Arc<dyn Store>) {
        let ann = s.create_user(&new_user("ann", Role::Writer), 1).await.unwrap();
        assert_eq!(s.count_media().await.unwrap(), (0, 0));
        let mut a = picture("a", &[960, 480, 1200]);
        a.created_by = Some(ann.id);
        let stored = s.put_media(&a).await.unwrap();
        assert_eq!((stored.source_hash.as_str(), stored.width, stored.height), (a.source_hash.as_str(), 1200, 77));
        let widths: Vec<i64> = stored.files.iter().map(|f| f.width).collect();
        assert_eq!(widths, [480, 960, 1200], "narrowest first");
        for f in &a.files {
            let got = s.media_file(&f.hash).await.unwrap().expect("stored");
            assert_eq!((got.content_type.as_str(), &got.bytes), (f.content_type.as_str(), &f.bytes));
            let info = stored.files.iter().find(|i| i.hash == f.hash).unwrap();
            assert_eq!((info.width, info.height, info.size), (f.width, f.height, f.bytes.len() as i64));
        }
        assert!(s.media_file(&"f".repeat(64)).await.unwrap().is_none());
        // The same upload again: the stored picture, its files as they were.
        let mut again = picture("a", &[300]);
        again.created_at = 2_000;
        assert_eq!(s.put_media(&again).await.unwrap(), stored);
        assert!(s.media_file(&again.files[0].hash).await.unwrap().is_none(), "nothing written twice");
        assert_eq!(s.count_media().await.unwrap(), (1, 3));

        let b = s.put_media(&picture("b", &[480])).await.unwrap();
        let big = picture("c", &[1_000_000]);
        let c = s.put_media(&big).await.unwrap();
        assert_eq!(s.media_file(&big.files[0].hash).await.unwrap().unwrap().bytes, big.files[0].bytes);
        assert_ne!(stored.id, b.id);
        let mut found = s
            .media_by_files(&[
                a.files[1].hash.clone(),
                a.files[2].hash.clone(),
                "nothing".into(),
                big.files[0].hash.clone(),
            ])
            .await
            .unwrap();
        found.sort_by_key(|m| m.id);
        assert_eq!(found, [stored.clone(), c], "each picture once, with all its files");
        assert!(s.media_by_files(&[]).await.unwrap().is_empty());
        assert!(s.media_by_files(&["x".into()]).await.unwrap().is_empty());
        // Many hashes at once (a page of cards, and more).
        let many: Vec<String> =
            std::iter::once(b.files[0].hash.clone()).chain((0..600).map(|i| format!("{i:064}"))).collect();
        assert_eq!(s.media_by_files(&many).await.unwrap(), std::slice::from_ref(&b));
        // The uploader's account going does not take the picture.
        s.set_disabled(ann.id, true, 3).await.unwrap();
        assert!(s.media_file(&a.files[0].hash).await.unwrap().is_some());
    }

    /// The same picture uploaded by eight requests at once: one picture,
    /// which every request gets.
    pub async fn parallel_uploads_of_one_picture(s: Arc<dyn Store>) {
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let s = s.clone();
                tokio::spawn(async move { s.put_media(&picture("p", &[480, 960])).await })
            })
            .collect();
        let mut got = Vec::new();
        for t in tasks {
            got.push(t.await.unwrap().expect("every upload succeeds"));
        }
        assert!(got.iter().all(|m| *m == got[0]), "{got:?}");
        assert_eq!(s.count_media().await.unwrap(), (1, 2));
        assert_eq!(got[0].files.len(), 2);
    }

    /// A write that carries a revision note keeps a revision in its own
    /// transaction, numbered with the article's new version: who, when,
    /// what changed, and the editable fields exactly as written (odd text
    /// included). A write without a note keeps none; a write refused (a
    /// stale version, a slug taken) keeps none; revisions list newest first
    /// in pages; deleting the article deletes its revisions.
    pub async fn revisions_are_kept_with_their_writes(s: Arc<dyn Store>) {
        let wren = s.create_user(&new_user("wren", Role::Writer), 1).await.unwrap();
        let note = |by: WrittenBy, at: i64, changed: &[&str]| RevisionNote {
            by,
            at,
            changed: changed.iter().map(|c| (*c).to_owned()).collect(),
            restored_from: None,
        };
        let mut first = full("a");
        first.revision = Some(note(WrittenBy::user(wren.id, "Wren “W” 王"), 10, &[]));
        let a = s.create_article(&first).await.unwrap();
        assert_eq!(a.data, expected(&first), "the note is not read back");
        assert_eq!(s.count_revisions(a.id).await.unwrap(), 1);
        let r1 = s.revision(a.id, 1).await.unwrap().unwrap();
        assert_eq!(r1.snapshot, Snapshot::of(&first));
        assert_eq!(r1.snapshot.title, first.title);
        assert_eq!(r1.snapshot.body, first.body_md);
        assert_eq!(r1.snapshot.authors, ["Zoë Writer", "Ann", "Bob"]);
        assert_eq!((r1.snapshot.status, r1.snapshot.published_at), (Status::Scheduled, Some(-86_400)));
        assert_eq!(r1.info.number, 1);
        assert_eq!((r1.info.at, r1.info.by.user, r1.info.by.name.as_str()), (10, Some(wren.id), "Wren “W” 王"));
        assert!(r1.info.changed.is_empty());
        assert_eq!(r1.info.restored_from, None);

        // An update with a note: revision 2, by an API token.
        let mut second = first.clone();
        second.title = "Second title".into();
        second.body_md = "Ein zweiter Text. 第二个版本。".into();
        second.revision = Some(note(WrittenBy::token("ci"), 20, &["title", "body"]));
        let v2 = s.update_article(a.id, 1, &second).await.unwrap();
        assert_eq!(v2.version, 2);
        let r2 = s.revision(a.id, 2).await.unwrap().unwrap();
        assert_eq!((r2.info.by.user, r2.info.by.name.as_str()), (None, "API token ci"));
        assert_eq!(r2.info.changed, ["title", "body"]);
        assert_eq!(r2.snapshot.body, "Ein zweiter Text. 第二个版本。");
        // The first revision is as it was.
        assert_eq!(s.revision(a.id, 1).await.unwrap().unwrap(), r1);

        // Without a note: a new version, no revision.
        let mut quiet = second.clone();
        quiet.revision = None;
        quiet.updated_at = 30;
        let v3 = s.update_article(a.id, 2, &quiet).await.unwrap();
        assert_eq!(v3.version, 3);
        assert!(s.revision(a.id, 3).await.unwrap().is_none());
        assert_eq!(s.count_revisions(a.id).await.unwrap(), 2);

        // Refused writes keep no revision: a stale version, a slug taken
        // (by an update, and by a create).
        let mut stale = second.clone();
        stale.title = "Stale".into();
        stale.revision = Some(note(WrittenBy::import(), 40, &["title"]));
        assert!(matches!(s.update_article(a.id, 2, &stale).await, Err(StoreError::VersionConflict { current: 3 })));
        let mut b = article("b", Status::Draft, None, "World", &[], &[]);
        b.revision = Some(note(WrittenBy::demo(), 41, &[]));
        let b = s.create_article(&b).await.unwrap();
        let mut taken = stale.clone();
        taken.slug = "b".into();
        assert!(matches!(s.update_article(a.id, 3, &taken).await, Err(StoreError::Conflict(_))));
        let mut twice = article("b", Status::Draft, None, "World", &[], &[]);
        twice.revision = Some(note(WrittenBy::demo(), 42, &[]));
        assert!(matches!(s.create_article(&twice).await, Err(StoreError::Conflict(_))));
        assert_eq!(s.count_revisions(a.id).await.unwrap(), 2);
        assert_eq!(s.count_revisions(b.id).await.unwrap(), 1);
        assert_eq!(s.revision(b.id, 1).await.unwrap().unwrap().info.by.name, "demo");
        assert_eq!(s.article("a", Visibility::All).await.unwrap().unwrap().version, 3, "nothing written");

        // A restore names the revision it brought back.
        let mut back = first.clone();
        back.revision = Some(RevisionNote {
            restored_from: Some(1),
            ..note(WrittenBy::user(wren.id, "Wren"), 50, &["title", "body"])
        });
        assert_eq!(s.update_article(a.id, 3, &back).await.unwrap().version, 4);
        let r4 = s.revision(a.id, 4).await.unwrap().unwrap();
        assert_eq!((r4.info.restored_from, r4.snapshot), (Some(1), r1.snapshot.clone()));

        // Newest first, in pages.
        let numbers = |v: Vec<crate::RevisionInfo>| v.into_iter().map(|r| r.number).collect::<Vec<_>>();
        assert_eq!(numbers(s.revisions(a.id, None, 10).await.unwrap()), [4, 2, 1]);
        assert_eq!(numbers(s.revisions(a.id, None, 2).await.unwrap()), [4, 2]);
        assert_eq!(numbers(s.revisions(a.id, Some(2), 2).await.unwrap()), [1]);
        assert!(s.revisions(a.id, Some(1), 2).await.unwrap().is_empty());
        assert_eq!(s.revisions(a.id, None, 10).await.unwrap()[1], r2.info);
        assert!(s.revisions(a.id + b.id + 1000, None, 10).await.unwrap().is_empty());
        assert!(s.revision(a.id, 99).await.unwrap().is_none());

        // Deleting the article deletes its revisions; a new article (which
        // may reuse the id on SQLite) starts with none of them.
        s.delete_article("a").await.unwrap();
        assert_eq!(s.count_revisions(a.id).await.unwrap(), 0);
        assert!(s.revision(a.id, 1).await.unwrap().is_none());
        let c = s.create_article(&article("c", Status::Draft, None, "World", &[], &[])).await.unwrap();
        assert_eq!(s.count_revisions(c.id).await.unwrap(), 0);
        assert_eq!(s.count_revisions(b.id).await.unwrap(), 1);
    }
}
