//! HTTP-level tests of every page and API route, through the real router
//! (`app().oneshot()`), on an in-memory SQLite database, or on PostgreSQL
//! with `NEWSDESK_TEST_BACKEND=postgres` (a schema per test on the server
//! `NEWSDESK_TEST_PG` names; see `store::testing`).

use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use store::testing::{SqliteIn, TestDatabase};
use summarize::Summarizer;
use tower::ServiceExt;
use web::{AppState, app};

static SUMMARIZER: LazyLock<Arc<Summarizer>> = LazyLock::new(|| Arc::new(Summarizer::new()));
const TOKEN: &str = "nd_test_token_0123456789";

struct Site {
    state: AppState,
    /// Removed when the site is dropped.
    _db: TestDatabase,
}

async fn site() -> Site {
    site_in(SqliteIn::Memory).await
}

/// A site on a fresh database (SQLite `place`, or PostgreSQL when chosen)
/// with the test token.
async fn site_in(place: SqliteIn) -> Site {
    let db = TestDatabase::chosen("http", place).await;
    site_on(db, web::Options::default()).await
}

/// A site on `db` with the test token.
async fn site_on(db: TestDatabase, options: web::Options) -> Site {
    let store = db.open().await;
    store.create_token("tests", &web::api::token_hash(TOKEN), 0).await.unwrap();
    Site { state: AppState::with_options(store, SUMMARIZER.clone(), options), _db: db }
}

struct Res {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Res {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    fn error_code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or_default().to_owned()
    }
}

async fn collect(res: Response) -> Res {
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    Res { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

impl Site {
    async fn send(&self, req: Request<Body>) -> Res {
        // The related lists earlier writes queued, made as `serve` makes
        // them in the background right after each write.
        self.state.articles().make_queued_related(|_| ()).await.unwrap();
        collect(app(self.state.clone()).oneshot(req).await.unwrap()).await
    }
    async fn get(&self, uri: &str) -> Res {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }
    async fn json(&self, method: &str, uri: &str, token: Option<&str>, body: impl Into<Body>) -> Res {
        let mut b = Request::builder().method(method).uri(uri).header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(body.into()).unwrap()).await
    }
    async fn create(&self, article: serde_json::Value) -> Res {
        self.json("POST", "/api/articles", Some(TOKEN), article.to_string()).await
    }
}

fn long_body(topic: &str) -> String {
    format!(
        "The {topic} committee met on Monday to approve a new plan for the city. \
         Members said the plan would change how the city spends its money on {topic}.\n\n\
         ## What changes\n\n\
         The plan doubles the budget for {topic} over five years. Critics said the increase was too fast. \
         Supporters answered that the city had waited *far too long* already.\n\n\
         - The first phase starts in January.\n- A review follows after two years.\n\n\
         The mayor called the vote a turning point. Residents will be able to comment until March."
    )
}

fn article(slug: &str, title: &str, section: &str, published: &str) -> serde_json::Value {
    serde_json::json!({
        "slug": slug,
        "title": title,
        "standfirst": format!("Standfirst of {title}."),
        "body": long_body(slug),
        "authors": ["Ann Lee", "Bo Chen"],
        "section": section,
        "tags": ["Budget", "City Hall"],
        "lang": "en",
        "published": published,
        "sources": "Council minutes.",
    })
}

async fn seeded() -> Site {
    let s = site().await;
    for (slug, title, section, at) in [
        ("first", "The First Story", "World", "2026-01-01T10:00:00Z"),
        ("second", "The Second Story", "Business", "2026-01-02T10:00:00Z"),
        ("third", "The Third Story", "World", "2026-01-03T10:00:00Z"),
    ] {
        let r = s.create(article(slug, title, section, at)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let mut draft = article("secret-draft", "Secret Draft", "World", "2026-01-02T12:00:00Z");
    draft["status"] = "draft".into();
    assert_eq!(s.create(draft).await.status, StatusCode::CREATED);
    let mut later = article("future-news", "Future News", "World", "2999-01-01T00:00:00Z");
    later["status"] = "scheduled".into();
    assert_eq!(s.create(later).await.status, StatusCode::CREATED);
    s
}

#[tokio::test]
async fn home_lists_published_articles_newest_first() {
    let s = seeded().await;
    let r = s.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let links: Vec<&str> =
        r.body.match_indices("data-article-link href=\"").map(|(i, m)| &r.body[i + m.len()..]).collect();
    let slugs: Vec<&str> = links.iter().map(|l| l.split('"').next().unwrap()).collect();
    assert_eq!(slugs, ["/articles/third", "/articles/second", "/articles/first"]);
    assert!(r.body.contains("Standfirst of The Third Story."));
    assert!(r.body.contains("<time datetime=\"2026-01-03T10:00:00Z\">"));
    assert!(r.body.contains("href=\"/sections/world\""), "section navigation");
    assert!(!r.body.contains("Secret Draft") && !r.body.contains("Future News"));
}

#[tokio::test]
async fn article_page_has_the_contract_markup() {
    let s = seeded().await;
    let r = s.get("/articles/second").await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    for needle in [
        "<main",
        "<article",
        "<h1>The Second Story</h1>",
        "<time datetime=\"2026-01-02T10:00:00Z\">",
        "data-article-body",
        "<span class=\"s\" id=\"s-0\">",
        "<details class=\"summary\" id=\"summary-top\" data-summary-control=\"top\"",
        "data-summary-control=\"bottom\"",
        "<summary>No time to read? Get a summary</summary>",
        "sentences taken word for word from the article",
        "<button type=\"button\" data-summary-length=\"3\" aria-pressed=\"true\">Short</button>",
        "<button type=\"button\" data-summary-length=\"5\" aria-pressed=\"false\">Longer</button>",
        "<button type=\"button\" data-summary-format=\"text\" aria-pressed=\"true\">Paragraph</button>",
        "<button type=\"button\" data-summary-format=\"bullets\" aria-pressed=\"false\">Key points</button>",
        "href=\"?summary=5&amp;format=bullets#summary-top\"",
        "<div data-summary-output data-length=\"3\" data-format=\"text\">",
        "<div data-summary-output data-length=\"5\" data-format=\"bullets\" hidden>",
        "Sources:</strong> Council minutes.",
        "href=\"/tags/city-hall\"",
        "href=\"/authors/ann-lee\"",
        "min read",
        "<nav class=\"prevnext\" aria-label=\"Article navigation\">",
    ] {
        assert!(b.contains(needle), "missing {needle}");
    }
    assert_eq!(b.matches("data-summary-output").count(), 8, "four variants in each of two controls");
    assert_eq!(b.matches(" hidden>").count(), 6, "one visible variant per control");
    assert!(!b.contains("<details class=\"summary\" id=\"summary-top\" data-summary-control=\"top\" data-length=\"3\" data-format=\"text\" open"));
    // Every summary sentence links to an anchor that exists in the body.
    for (i, m) in b.match_indices("data-summary-sentence href=\"#") {
        let id = b[i + m.len()..].split('"').next().unwrap();
        assert!(b.contains(&format!("id=\"{id}\"")), "anchor {id}");
    }
    assert!(r.body.len() < 60_000);
}

#[tokio::test]
async fn summary_variant_links_work_without_javascript() {
    let s = seeded().await;
    let r = s.get("/articles/second?summary=5&format=bullets").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("data-length=\"5\" data-format=\"bullets\" open>"), "the details is open");
    assert!(r.body.contains(
        "<div data-summary-output data-length=\"5\" data-format=\"bullets\">\n<ul><li><a data-summary-sentence"
    ));
    assert!(r.body.contains("<div data-summary-output data-length=\"3\" data-format=\"text\" hidden>"));
    assert!(r.body.contains("data-summary-length=\"5\" aria-pressed=\"true\""));
    // Nonsense choices fall back to the default.
    let r = s.get("/articles/second?summary=9&format=x").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<div data-summary-output data-length=\"3\" data-format=\"text\">"));
}

fn prev_next(body: &str) -> (Option<String>, Option<String>) {
    let nav = body.split("aria-label=\"Article navigation\">").nth(1).unwrap().split("</nav>").next().unwrap();
    let find = |rel: &str| {
        nav.split(&format!("<a rel=\"{rel}\" href=\"/articles/"))
            .nth(1)
            .map(|s| s.split('"').next().unwrap().to_owned())
    };
    (find("prev"), find("next"))
}

#[tokio::test]
async fn previous_and_next_follow_publication_time_across_the_site() {
    let s = seeded().await;
    let first = s.get("/articles/first").await.body;
    assert_eq!(prev_next(&first), (None, Some("second".into())));
    let second = s.get("/articles/second").await.body;
    assert_eq!(prev_next(&second), (Some("first".into()), Some("third".into())));
    assert!(
        second.contains("<span class=\"label\">Previous Article</span> <span class=\"title\">The First Story</span>")
    );
    assert!(second.contains("<span class=\"label\">Next Article</span> <span class=\"title\">The Third Story</span>"));
    let third = s.get("/articles/third").await.body;
    assert_eq!(prev_next(&third), (Some("second".into()), None), "the draft and the scheduled article are skipped");
    // Same time: the slug breaks the tie.
    s.create(article("second-b", "Also Second", "World", "2026-01-02T10:00:00Z")).await;
    assert_eq!(prev_next(&s.get("/articles/second").await.body), (Some("first".into()), Some("second-b".into())));
}

#[tokio::test]
async fn drafts_and_scheduled_articles_stay_hidden() {
    let s = seeded().await;
    for uri in ["/articles/secret-draft", "/articles/future-news"] {
        let r = s.get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
    }
    for uri in ["/", "/sections/world", "/tags/budget", "/authors/ann-lee", "/articles/first", "/articles/third"] {
        let b = s.get(uri).await.body;
        assert!(!b.contains("Secret Draft") && !b.contains("Future News"), "{uri}");
    }
    assert_eq!(s.get("/api/articles/secret-draft").await.status, StatusCode::NOT_FOUND);
    assert_eq!(s.get("/api/articles/secret-draft/summary").await.status, StatusCode::NOT_FOUND);
    let list = s.get("/api/articles").await.json();
    assert_eq!(list["total"], 3);
    // An editor sees drafts through the API.
    let r = s
        .send(
            Request::get("/api/articles/secret-draft")
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "draft");
}

#[tokio::test]
async fn section_tag_and_author_pages_paginate() {
    let s = site().await;
    for i in 0..12 {
        let at = format!("2026-02-{:02}T08:00:00Z", i + 1);
        s.create(article(&format!("story-{i:02}"), &format!("Story {i:02}"), "Science", &at)).await;
    }
    for base in ["/sections/science", "/tags/budget", "/authors/bo-chen"] {
        let p1 = s.get(base).await;
        assert_eq!(p1.status, StatusCode::OK, "{base}");
        assert_eq!(p1.body.matches("data-article-link").count(), 10, "{base}");
        assert!(p1.body.contains("Story 11") && !p1.body.contains("Story 01<"), "{base}");
        assert!(p1.body.contains(&format!("rel=\"next\" href=\"{base}?page=2\"")), "{base}");
        let p2 = s.get(&format!("{base}?page=2")).await;
        assert_eq!(p2.status, StatusCode::OK);
        assert_eq!(p2.body.matches("data-article-link").count(), 2);
        assert!(p2.body.contains(&format!("rel=\"prev\" href=\"{base}\"")));
        assert_eq!(s.get(&format!("{base}?page=3")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(s.get(&format!("{base}?page=zero")).await.status, StatusCode::NOT_FOUND);
    }
    assert!(s.get("/sections/science").await.body.contains("<h1>Science</h1>"));
    // Pages after the first say which they are, in the title and the heading.
    let p2 = s.get("/sections/science?page=2").await.body;
    assert!(p2.contains("<title>Science — page 2 · ") && p2.contains("<h1>Science — page 2</h1>"), "{p2}");
    let p2 = s.get("/tags/budget?page=2").await.body;
    assert!(p2.contains("<h1>Tagged “Budget” — page 2</h1>"), "{p2}");
    assert!(s.get("/authors/bo-chen?page=2").await.body.contains("<h1>Bo Chen — page 2</h1>"));
    for i in 12..22 {
        let at = format!("2026-03-{:02}T08:00:00Z", i + 1);
        s.create(article(&format!("story-{i:02}"), &format!("Story {i:02}"), "Science", &at)).await;
    }
    let home2 = s.get("/?page=2").await.body;
    assert!(
        home2.contains("<title>Latest news — page 2 · ") && home2.contains("<h1>Latest news — page 2</h1>"),
        "{home2}"
    );
    assert!(s.get("/").await.body.contains("<h1>Latest news</h1>"));
    for uri in ["/sections/nope", "/tags/nope", "/authors/nobody"] {
        assert_eq!(s.get(uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
}

#[tokio::test]
async fn unknown_pages_get_a_real_404_page() {
    let s = seeded().await;
    for uri in [
        "/articles/no-such-article",
        "/articles/Bad%20Slug",
        "/articles/%ff",
        "/sections/%ff",
        "/tags/%ff",
        "/authors/%ff",
        "/no/such/page",
        "/static/nope.css",
    ] {
        let r = s.get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(r.body.to_lowercase().contains("<h1>page not found</h1>"), "{uri}");
        assert!(r.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    }
    let r = s.get("/api/no-such-route").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "not_found");
}

#[tokio::test]
async fn etags_give_304_and_security_headers_are_set() {
    let s = seeded().await;
    let r = s.get("/articles/first").await;
    let etag = r.headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("script-src 'self'"));
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(r.headers.contains_key(header::REFERRER_POLICY));
    let again =
        s.send(Request::get("/articles/first").header(header::IF_NONE_MATCH, &etag).body(Body::empty()).unwrap()).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    let other = s
        .send(Request::get("/articles/first").header(header::IF_NONE_MATCH, "\"x\"").body(Body::empty()).unwrap())
        .await;
    assert_eq!(other.status, StatusCode::OK);
    // An edit changes the page and so its ETag.
    let mut edited = article("first", "The First Story, Revised", "World", "2026-01-01T10:00:00Z");
    edited["body"] = "A wholly new body. It has other sentences.".into();
    assert_eq!(s.json("PUT", "/api/articles/first", Some(TOKEN), edited.to_string()).await.status, StatusCode::OK);
    let after =
        s.send(Request::get("/articles/first").header(header::IF_NONE_MATCH, &etag).body(Body::empty()).unwrap()).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.body.contains("Revised"));
}

#[tokio::test]
async fn static_files_are_served_and_cacheable() {
    let s = site().await;
    let css = s.get("/static/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/css"));
    assert!(css.body.contains("prefers-color-scheme:dark"));
    assert!(css.headers[header::CACHE_CONTROL].to_str().unwrap().contains("max-age"));
    let js = s.get("/static/site.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.body.contains("is-highlighted"));
}

#[tokio::test]
async fn api_lists_and_filters_articles() {
    let s = seeded().await;
    let all = s.get("/api/articles").await.json();
    let slugs: Vec<&str> = all["items"].as_array().unwrap().iter().map(|a| a["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["third", "second", "first"]);
    let world = s.get("/api/articles?section=World").await.json();
    assert_eq!(world["total"], 2);
    let tag = s.get("/api/articles?tag=city-hall&per_page=1&page=2").await.json();
    assert_eq!(
        (tag["total"].as_u64(), tag["pages"].as_u64(), tag["items"][0]["slug"].as_str()),
        (Some(3), Some(3), Some("second"))
    );
    for bad in ["/api/articles?page=0", "/api/articles?per_page=1000", "/api/articles?page=x"] {
        let r = s.get(bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(r.error_code(), "bad_request");
    }
    let one = s.get("/api/articles/first").await;
    assert_eq!(one.status, StatusCode::OK);
    let one = one.json();
    assert_eq!(one["title"], "The First Story");
    assert_eq!(one["authors"], serde_json::json!(["Ann Lee", "Bo Chen"]));
    assert!(one["body_html"].as_str().unwrap().contains("id=\"s-0\""));
    let missing = s.get("/api/articles/nope").await;
    assert_eq!((missing.status, missing.error_code().as_str()), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn api_summary_of_an_article() {
    let s = seeded().await;
    let r = s.get("/api/articles/first/summary").await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert_eq!((j["kind"].as_str(), j["format"].as_str()), (Some("extractive"), Some("text")));
    assert_eq!(j["sentences"].as_array().unwrap().len(), 3);
    assert!(j["sentences"][0]["href"].as_str().unwrap().starts_with("/articles/first#s-"));
    let five = s.get("/api/articles/first/summary?sentences=5&format=bullets").await.json();
    assert_eq!(five["sentences"].as_array().unwrap().len(), 5);
    assert!(five["summary"].as_str().unwrap().starts_with("- "));
    // Lengths that are not stored are computed on request, with the same anchors.
    let one = s.get("/api/articles/first/summary?sentences=1").await.json();
    let sentences = one["sentences"].as_array().unwrap();
    assert_eq!(sentences.len(), 1);
    let stored: Vec<&serde_json::Value> = five["sentences"].as_array().unwrap().iter().collect();
    assert!(stored.iter().any(|x| x["href"] == sentences[0]["href"] && x["text"] == sentences[0]["text"]));
    for bad in ["sentences=0", "sentences=21", "sentences=x", "format=xml", "sentences=", "format="] {
        let r = s.get(&format!("/api/articles/first/summary?{bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(s.get("/api/articles/nope/summary").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn writes_need_a_valid_token() {
    let s = seeded().await;
    let body = article("new-one", "New", "World", "2026-01-05T00:00:00Z").to_string();
    for token in [None, Some("wrong"), Some("")] {
        let r = s.json("POST", "/api/articles", token, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(r.error_code(), "unauthorized");
        assert_eq!(r.headers[header::WWW_AUTHENTICATE], "Bearer");
    }
    assert_eq!(s.json("PUT", "/api/articles/first", None, body.clone()).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(s.json("DELETE", "/api/articles/first", Some("wrong"), "").await.status, StatusCode::UNAUTHORIZED);
    // A revoked token no longer works.
    s.state.store().create_token("old", &web::api::token_hash("old-token"), 0).await.unwrap();
    assert_eq!(s.json("POST", "/api/articles", Some("old-token"), body.clone()).await.status, StatusCode::CREATED);
    s.state.store().revoke_token("old", 1).await.unwrap();
    assert_eq!(s.json("DELETE", "/api/articles/new-one", Some("old-token"), "").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn create_errors_have_the_right_status() {
    let s = seeded().await;
    let post = |b: String| s.json("POST", "/api/articles", Some(TOKEN), b);
    let r = post("{not json".into()).await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::BAD_REQUEST, "bad_request"));
    let r = post(r#"{"slug": "x"}"#.into()).await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"));
    let mut bad_slug = article("Bad Slug", "T", "World", "2026-01-01T00:00:00Z");
    assert_eq!(post(bad_slug.to_string()).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad_slug["slug"] = "ok-slug".into();
    bad_slug["status"] = "pending".into();
    assert_eq!(post(bad_slug.to_string()).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(article("first", "Dup", "World", "2026-01-01T00:00:00Z").to_string()).await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::CONFLICT, "conflict"));
    let mut huge = article("huge", "Huge", "World", "2026-01-01T00:00:00Z");
    huge["body"] = "word ".repeat(220_000).into();
    let r = post(huge.to_string()).await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
    assert_eq!(s.get("/api/articles/huge").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn summary_is_recomputed_after_an_edit() {
    let s = seeded().await;
    let before = s.get("/api/articles/first/summary").await.json();
    let mut edited = article("first", "Harbour barrier approved", "World", "2026-01-01T10:00:00Z");
    edited["body"] = "The harbour council approved a tidal barrier on Thursday. The vote was eight to seven. \
        Engineers say the barrier protects 23,000 homes. Opponents want sea walls instead. \
        The barrier will cost 412 million dollars. Work starts next spring."
        .into();
    let r = s.json("PUT", "/api/articles/first", Some(TOKEN), edited.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after = s.get("/api/articles/first/summary").await.json();
    assert_ne!(before["summary"], after["summary"]);
    assert!(after["summary"].as_str().unwrap().contains("barrier"));
    let page = s.get("/articles/first").await.body;
    let first_sentence = after["sentences"][0]["text"].as_str().unwrap();
    assert!(page.contains(&format!(">{first_sentence}</a>")), "the page shows the new summary");
    // Renaming through PUT, and the errors of PUT and DELETE.
    let mut renamed = edited.clone();
    renamed["slug"] = "first-renamed".into();
    assert_eq!(s.json("PUT", "/api/articles/first", Some(TOKEN), renamed.to_string()).await.status, StatusCode::OK);
    assert_eq!(s.get("/articles/first").await.status, StatusCode::NOT_FOUND);
    assert_eq!(s.get("/articles/first-renamed").await.status, StatusCode::OK);
    let mut clash = edited.clone();
    clash["slug"] = "second".into();
    assert_eq!(
        s.json("PUT", "/api/articles/first-renamed", Some(TOKEN), clash.to_string()).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        s.json("PUT", "/api/articles/nope", Some(TOKEN), edited.to_string()).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.json("PUT", "/api/articles/second", Some(TOKEN), "[1]").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(s.json("PUT", "/api/articles/second", Some(TOKEN), "{").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(s.json("DELETE", "/api/articles/first-renamed", Some(TOKEN), "").await.status, StatusCode::NO_CONTENT);
    assert_eq!(s.json("DELETE", "/api/articles/first-renamed", Some(TOKEN), "").await.status, StatusCode::NOT_FOUND);
    assert_eq!(s.get("/articles/first-renamed").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn editors_can_replace_or_switch_off_the_summary() {
    let s = seeded().await;
    let mut custom = article("second", "The Second Story", "Business", "2026-01-02T10:00:00Z");
    custom["summary"] = "Our own short account of the story.".into();
    assert_eq!(s.json("PUT", "/api/articles/second", Some(TOKEN), custom.to_string()).await.status, StatusCode::OK);
    let page = s.get("/articles/second").await.body;
    assert!(
        page.contains("Summary written by the editors, in their own words (not sentences taken from the article).")
    );
    assert!(page.contains("<p>Our own short account of the story.</p>"));
    assert!(!page.contains("data-summary-length"));
    let api = s.get("/api/articles/second/summary").await.json();
    assert_eq!(
        (api["kind"].as_str(), api["summary"].as_str()),
        (Some("custom"), Some("Our own short account of the story."))
    );
    custom["summary_mode"] = "off".into();
    assert_eq!(s.json("PUT", "/api/articles/second", Some(TOKEN), custom.to_string()).await.status, StatusCode::OK);
    let page = s.get("/articles/second").await.body;
    assert!(!page.contains("Get a summary"));
    assert_eq!(s.get("/api/articles/second/summary").await.status, StatusCode::NOT_FOUND);
    custom["summary_mode"] = "custom".into();
    custom["summary"] = serde_json::Value::Null;
    assert_eq!(
        s.json("PUT", "/api/articles/second", Some(TOKEN), custom.to_string()).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

/// A whole number written with a point is a whole number (JSON Schema's
/// integer, as the OpenAPI document says `sentences` is); others are not.
#[tokio::test]
async fn summarize_takes_whole_numbers_with_a_point() {
    let s = site().await;
    for bad in [serde_json::json!({"text": "x", "sentences": 2.5}), serde_json::json!({"text": "x", "sentences": -1})] {
        let r = s.json("POST", "/api/summarize", None, bad.to_string()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let r = s.json("POST", "/api/summarize", None, r#"{"text": "One. Two. Three.", "sentences": 2.0}"#).await;
    assert_eq!((r.status, r.json()["sentences"].as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "{}", r.body);
}

#[tokio::test]
async fn summarize_any_text() {
    let s = site().await;
    let text = long_body("transport");
    let r = s
        .json(
            "POST",
            "/api/summarize",
            None,
            serde_json::json!({"text": text, "sentences": 2, "lang": "en"}).to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = r.json();
    assert_eq!(j["sentences"].as_array().unwrap().len(), 2);
    for sent in j["sentences"].as_array().unwrap() {
        let (a, b) = (sent["start"].as_u64().unwrap() as usize, sent["end"].as_u64().unwrap() as usize);
        assert_eq!(&text[a..b], sent["text"].as_str().unwrap());
    }
    assert_eq!(j["lang"], "en");
    let r = s.json("POST", "/api/summarize", None, "nope").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    for bad in [
        serde_json::json!({"text": ""}),
        serde_json::json!({"text": "x", "sentences": 0}),
        serde_json::json!({"text": "x", "lang": "zz!"}),
        serde_json::json!({"text": "x", "lang": "polish language"}),
        serde_json::json!({"title": "no text"}),
    ] {
        let r = s.json("POST", "/api/summarize", None, bad.to_string()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    // A language the summarizer does not know is summarized by word boundaries.
    let polish = serde_json::json!({"text": "Rada miasta przyjęła budżet. Burmistrz był zadowolony.", "lang": "pl"});
    let r = s.json("POST", "/api/summarize", None, polish.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["lang"], "und");
    let big = serde_json::json!({"text": "a".repeat(1024 * 1024 + 1)}).to_string();
    let r = s.json("POST", "/api/summarize", None, big).await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
}

/// The API pages by cursor: each page's `next` is where the following page
/// starts (`after`), and reading by cursor gives what reading by page
/// number gives; with both, `page` counts from `after`. A cursor that is not
/// one, or a number or cursor given empty, is refused (as the OpenAPI document
/// says); an empty free-text parameter is not given.
#[tokio::test]
async fn api_pages_by_cursor() {
    let s = seeded().await;
    let first = s.get("/api/articles?per_page=1").await.json();
    assert_eq!((first["page"].as_u64(), first["items"][0]["slug"].as_str()), (Some(1), Some("third")));
    let mut slugs = vec![first["items"][0]["slug"].as_str().unwrap().to_owned()];
    let mut next = first["next"].as_str().map(str::to_owned);
    while let Some(cursor) = next {
        let page = s.get(&format!("/api/articles?per_page=1&after={cursor}")).await;
        assert_eq!(page.status, StatusCode::OK, "{cursor}");
        let page = page.json();
        assert!(page["page"].is_null());
        assert_eq!(page["total"], 3);
        slugs.extend(page["items"].as_array().unwrap().iter().map(|a| a["slug"].as_str().unwrap().to_owned()));
        next = page["next"].as_str().map(str::to_owned);
        assert!(slugs.len() <= 3, "the cursors go round: {slugs:?}");
    }
    assert_eq!(slugs, ["third", "second", "first"]);
    let by_page = s.get("/api/articles?per_page=1&page=3").await.json();
    assert!(by_page["next"].is_null());
    // A filter keeps its cursor's order.
    let tag = s.get("/api/articles?tag=city-hall&per_page=2").await.json();
    let cursor = tag["next"].as_str().unwrap().to_owned();
    let rest = s.get(&format!("/api/articles?tag=city-hall&per_page=2&after={cursor}")).await.json();
    assert_eq!(rest["items"][0]["slug"], "first");
    // Page 2 after the first page: the third article.
    let cursor = first["next"].as_str().unwrap();
    let two_on = s.get(&format!("/api/articles?per_page=1&page=2&after={cursor}")).await.json();
    assert_eq!((two_on["items"][0]["slug"].as_str(), two_on["page"].as_u64()), (Some("first"), None));
    for bad in [
        "/api/articles?after=x",
        "/api/articles?after=1.Not%20a%20slug",
        "/api/articles?after=1.a--b",
        "/api/articles?after=",
        "/api/articles?page=",
        "/api/articles?per_page=&page=1",
    ] {
        let r = s.get(bad).await;
        assert_eq!((r.status, r.error_code().as_str()), (StatusCode::BAD_REQUEST, "bad_request"), "{bad}");
    }
    // A free-text parameter given empty (a form's blank field) is not given.
    let blank = s.get("/api/articles?section=&tag=&author=&page=1&per_page=1").await;
    assert_eq!(blank.status, StatusCode::OK, "{}", blank.body);
    let first = s.get("/api/articles?per_page=1").await.json();
    assert_eq!(blank.json()["items"][0]["slug"], first["items"][0]["slug"]);
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let s = site().await;
    let r = s.get("/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    for path in ["/api/articles", "/api/articles/{slug}", "/api/articles/{slug}/summary", "/api/summarize"] {
        assert!(j["paths"][path].is_object(), "{path}");
    }
    assert!(j["paths"]["/api/articles"]["post"].is_object());
    assert!(j["components"]["securitySchemes"]["bearer"].is_object());
    assert!(j["components"]["schemas"]["ArticleInput"].is_object());
    let required = j["components"]["schemas"]["ArticleInput"]["required"].as_array().cloned().unwrap_or_default();
    for field in ["slug", "title", "section", "body"] {
        assert!(required.contains(&field.into()), "{field} in {required:?}");
    }
    let params = j["paths"]["/api/articles"]["get"]["parameters"].as_array().cloned().unwrap_or_default();
    assert!(params.iter().any(|p| p["name"] == "after"), "the cursor is documented");
    assert!(j["components"]["schemas"]["ArticleList"]["properties"]["next"].is_object());
    // The bounds the server holds to are declared (schemathesis reads them).
    let page = params.iter().find(|p| p["name"] == "page").unwrap();
    assert_eq!((page["schema"]["minimum"].as_u64(), page["schema"]["maximum"].as_u64()), (Some(1), Some(1_000_000)));
    assert_eq!(j["components"]["schemas"]["SummaryFormat"]["enum"], serde_json::json!(["text", "bullets"]));
    // The validator's rules on an article (content::input_schema), and the names it takes.
    let input = &j["components"]["schemas"]["ArticleInput"];
    assert!(input["properties"]["title"]["pattern"].is_string());
    assert_eq!(input["properties"]["tags"]["maxItems"], 50);
    assert!(input["properties"]["tags"]["items"]["pattern"].is_string());
    assert!(input["allOf"].as_array().is_some_and(|c| c.len() == 3), "{input}");
    assert_eq!(
        j["components"]["schemas"]["StatusName"]["enum"],
        serde_json::json!(["draft", "submitted", "scheduled", "published"])
    );
    assert_eq!(
        j["components"]["schemas"]["SummaryModeName"]["enum"],
        serde_json::json!(["auto", "picked", "custom", "off"])
    );
    let summarize = &j["components"]["schemas"]["SummarizeRequest"]["properties"];
    assert_eq!(
        (summarize["sentences"]["minimum"].as_u64(), summarize["sentences"]["maximum"].as_u64()),
        (Some(1), Some(50))
    );
}

/// Known XSS payloads (OWASP filter-evasion cheat sheet and the like).
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert('XSS')>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"  JaVaScRiPt:alert(1)\">click</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "![img](javascript:alert(1))",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<span id=\"s-1\" class=\"s\" onclick=\"alert(1)\">x</span>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
];

/// Checks every tag of a page: no tag that runs code, no event handler, no
/// script URL. Text is escaped, so any raw `<` starts a real tag.
fn assert_safe(html: &str, context: &str) {
    let ours = "<script src=\"/static/site.js";
    let mut owned = html.to_owned();
    if let Some(i) = owned.find(ours) {
        let close = owned[i..].find("</script>").expect("our script tag is closed") + i + "</script>".len();
        owned.replace_range(i..close, "");
    }
    // The article page's JSON-LD (ours): data, not code, and nothing in it
    // may end its element early, so no `<` or `>` inside.
    let ld = "<script type=\"application/ld+json\">";
    while let Some(i) = owned.find(ld) {
        let close = owned[i..].find("</script>").expect("the JSON-LD is closed") + i;
        let inside = &owned[i + ld.len()..close];
        assert!(!inside.contains('<') && !inside.contains('>'), "{context}: raw markup in JSON-LD: {inside}");
        owned.replace_range(i..close + "</script>".len(), "");
    }
    // The header's search form (ours, on every page).
    let form = "<form class=\"search\" role=\"search\" action=\"/search\" method=\"get\">";
    if let Some(i) = owned.find(form) {
        let close = owned[i..].find("</form>").expect("our form is closed") + i + "</form>".len();
        owned.replace_range(i..close, "");
    }
    let mut rest = owned.as_str();
    while let Some(i) = rest.find('<') {
        let after = &rest[i..];
        let end = after.find('>').map(|e| e + 1).unwrap_or(after.len());
        let tag = &after[..end];
        let lower = tag.to_ascii_lowercase();
        let name: String =
            lower[1..].trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        assert!(
            ![
                "script", "iframe", "object", "embed", "form", "input", "svg", "math", "style", "base", "frame",
                "video", "source", "marquee"
            ]
            .contains(&name.as_str()),
            "{context}: forbidden tag {tag}"
        );
        if name == "link" {
            assert!(
                lower.contains("href=\"/static/")
                    || lower.contains("rel=\"canonical\"")
                    || (lower.contains("rel=\"alternate\"") && lower.contains(" href=\"/")),
                "{context}: {tag}"
            );
        }
        // Attributes: split on spaces outside quotes.
        let mut in_quote = false;
        let mut attr_starts = Vec::new();
        let bytes = lower.as_bytes();
        for (k, &b) in bytes.iter().enumerate() {
            if b == b'"' {
                in_quote = !in_quote;
            } else if !in_quote && (b == b' ' || b == b'\n' || b == b'\t' || b == b'/') && k + 1 < bytes.len() {
                attr_starts.push(k + 1);
            }
        }
        for s in attr_starts {
            let attr = &lower[s..];
            assert!(!attr.starts_with("on"), "{context}: event handler in {tag}");
            assert!(!attr.starts_with("style="), "{context}: style attribute in {tag}");
            assert!(!attr.starts_with("http-equiv"), "{context}: http-equiv in {tag}");
            for url_attr in ["href=\"", "src=\"", "action=\"", "data=\"", "srcdoc"] {
                if let Some(v) = attr.strip_prefix(url_attr) {
                    let v = v.split('"').next().unwrap_or_default().trim_start();
                    assert!(
                        !v.starts_with("javascript")
                            && !v.starts_with("data:text")
                            && !v.starts_with("vbscript")
                            && !v.contains("&#"),
                        "{context}: script URL in {tag}"
                    );
                }
            }
        }
        rest = &after[end.min(after.len())..];
        if end == 0 {
            break;
        }
    }
}

#[tokio::test]
async fn xss_payloads_in_every_field_are_neutralised() {
    assert!(PAYLOADS.len() >= 30);
    let s = site().await;
    for (i, p) in PAYLOADS.iter().enumerate() {
        let slug = format!("xss-{i}");
        // Names have length limits: use the payload's start there.
        let short: String = p.chars().take(50).collect();
        let body = serde_json::json!({
            "slug": slug,
            "title": format!("Title {p}"),
            "standfirst": format!("Standfirst {p}"),
            "body": format!("Intro sentence here. {p}\n\nMore text {p} ends here.\n\n- item {p}\n\n> quote {p}\n\n## Heading {p}\n\n{p}"),
            "authors": [format!("Author {short}")],
            "section": format!("Section {short}"),
            "tags": [format!("tag {short}")],
            "sources": format!("Sources {p}"),
            "lead_image": "https://img.example/x.jpg",
            "lead_image_alt": format!("Alt {p}"),
            "published": "2026-03-01T00:00:00Z",
        });
        let r = s.create(body.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{p}: {}", r.body);
        let j = r.json();
        assert_safe(j["body_html"].as_str().unwrap(), p);
        let page = s.get(&format!("/articles/{slug}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_safe(&page.body, p);
        let section = content::slugify(&format!("Section {short}"));
        let author = content::slugify(&format!("Author {short}"));
        let tag = content::slugify(&format!("tag {short}"));
        for uri in [format!("/sections/{section}"), format!("/authors/{author}"), format!("/tags/{tag}")] {
            let r = s.get(&uri).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}");
            assert_safe(&r.body, &format!("{uri} {p}"));
        }
        // Custom summaries are text too.
        let mut custom = body.clone();
        custom["summary"] = format!("Summary {p}").into();
        assert_eq!(
            s.json("PUT", &format!("/api/articles/{slug}"), Some(TOKEN), custom.to_string()).await.status,
            StatusCode::OK
        );
        assert_safe(&s.get(&format!("/articles/{slug}")).await.body, p);
    }
    assert_safe(&s.get("/").await.body, "home");
    assert_safe(&s.get("/?page=2").await.body, "home page 2");
    // URL fields refuse script URLs outright.
    for (field, value) in [
        ("canonical_url", "javascript:alert(1)"),
        ("lead_image", "javascript:alert(1)"),
        ("lead_image", "data:text/html,<script>alert(1)</script>"),
        ("lead_image", "//evil.example/x.js"),
        ("canonical_url", "https://ok.example/\"><script>"),
    ] {
        let mut a = article("url-test", "T", "World", "2026-01-01T00:00:00Z");
        a[field] = value.into();
        let r = s.create(a).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field} {value}");
    }
}

#[tokio::test]
async fn correcting_an_article_keeps_its_publication_time() {
    let s = seeded().await;
    // GET, change the title, PUT it back without `published` (and without `updated`).
    let mut got = s.get("/api/articles/first").await.json();
    assert_eq!(got["published"], "2026-01-01T10:00:00Z");
    let before_updated = got["updated"].clone();
    let obj = got.as_object_mut().unwrap();
    obj.remove("published");
    obj.remove("updated");
    obj.insert("title".into(), "The First Story, Corrected".into());
    let r = s.json("PUT", "/api/articles/first", Some(TOKEN), got.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let put = r.json();
    assert_eq!(put["published"], "2026-01-01T10:00:00Z", "the publication time is kept");
    assert_ne!(put["updated"], before_updated, "the update time is now");
    assert!(put["updated"].as_str().unwrap() > "2026-01-02", "{}", put["updated"]);
    assert_eq!(s.get("/api/articles/first").await.json()["published"], "2026-01-01T10:00:00Z");
    // It stays in its place on the home page.
    let list = s.get("/api/articles").await.json();
    let slugs: Vec<&str> = list["items"].as_array().unwrap().iter().map(|a| a["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["third", "second", "first"]);
    // The whole GET document sent back, `updated` included: the update time
    // echoed is not taken as given.
    let mut again = s.get("/api/articles/second").await.json();
    let old_updated = again["updated"].clone();
    again.as_object_mut().unwrap().remove("published");
    again["title"] = "The Second Story, Corrected".into();
    let r = s.json("PUT", "/api/articles/second", Some(TOKEN), again.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let put = r.json();
    assert_eq!(
        (put["published"].as_str(), put["title"].as_str()),
        (Some("2026-01-02T10:00:00Z"), Some("The Second Story, Corrected"))
    );
    assert!(put["updated"].as_str().unwrap() > old_updated.as_str().unwrap(), "{}", put["updated"]);
    // A time given is used.
    let mut moved = article("first", "The First Story", "World", "2026-01-04T10:00:00Z");
    let r = s.json("PUT", "/api/articles/first", Some(TOKEN), moved.to_string()).await;
    assert_eq!(r.json()["published"], "2026-01-04T10:00:00Z");
    // A scheduled article keeps its time too (no "needs a publication time").
    let mut later = article("future-news", "Future News, Corrected", "World", "2999-01-01T00:00:00Z");
    later["status"] = "scheduled".into();
    later.as_object_mut().unwrap().remove("published");
    let r = s.json("PUT", "/api/articles/future-news", Some(TOKEN), later.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["published"], "2999-01-01T00:00:00Z");
    // A draft that never had a time is dated when it is published.
    moved["slug"] = "never-dated".into();
    moved["status"] = "draft".into();
    moved.as_object_mut().unwrap().remove("published");
    assert_eq!(s.create(moved.clone()).await.json()["published"], serde_json::Value::Null);
    moved["status"] = "published".into();
    let r = s.json("PUT", "/api/articles/never-dated", Some(TOKEN), moved.to_string()).await;
    assert!(r.json()["published"].as_str().unwrap() > "2026-01-05", "{}", r.body);
}

/// Concurrent PUTs on a file database (a pool of connections, as `serve`
/// runs): none fails with "database is locked", and each article ends as one
/// of the versions sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_updates_all_succeed() {
    let s = Arc::new(site_in(SqliteIn::File).await);
    for slug in ["same", "other-a", "other-b"] {
        assert_eq!(s.create(article(slug, "Start", "World", "2026-01-01T10:00:00Z")).await.status, StatusCode::CREATED);
    }
    let mut tasks = Vec::new();
    for i in 0..30 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let slug = if i % 2 == 0 {
                "same"
            } else if i % 4 == 1 {
                "other-a"
            } else {
                "other-b"
            };
            let body = article(slug, &format!("Version {i}"), "World", "2026-01-01T10:00:00Z");
            let r = s.json("PUT", &format!("/api/articles/{slug}"), Some(TOKEN), body.to_string()).await;
            (i, r.status, r.body)
        }));
    }
    let mut failed = Vec::new();
    for t in tasks {
        let (i, status, body) = t.await.unwrap();
        if status != StatusCode::OK {
            failed.push(format!("PUT {i}: {status} {body}"));
        }
    }
    assert!(failed.is_empty(), "{} of 30 failed: {failed:?}", failed.len());
    for slug in ["same", "other-a", "other-b"] {
        let title = s.get(&format!("/api/articles/{slug}")).await.json()["title"].as_str().unwrap().to_owned();
        assert!(title.starts_with("Version "), "{slug}: {title}");
    }
}

#[tokio::test]
async fn every_api_error_is_json() {
    let s = seeded().await;
    // A method the route does not have: 405, JSON, with Allow.
    let r = s.json("PATCH", "/api/articles/first", Some(TOKEN), "{}").await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
    let allow = r.headers[header::ALLOW].to_str().unwrap().to_owned();
    for m in ["GET", "PUT", "DELETE"] {
        assert!(allow.contains(m), "{allow}");
    }
    let r = s.json("DELETE", "/api/articles", Some(TOKEN), "").await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
    // A slug that is not UTF-8 names no article.
    for (method, uri) in [
        ("GET", "/api/articles/%ff"),
        ("GET", "/api/articles/%ff/summary"),
        ("PUT", "/api/articles/%ff"),
        ("DELETE", "/api/articles/%ff"),
    ] {
        let body = article("x", "X", "World", "2026-01-01T00:00:00Z").to_string();
        let r = s.json(method, uri, Some(TOKEN), body).await;
        assert_eq!((r.status, r.error_code().as_str()), (StatusCode::NOT_FOUND, "not_found"), "{method} {uri}");
    }
}

#[tokio::test]
async fn json_errors_are_400_for_syntax_and_422_in_plain_words_for_data() {
    let s = seeded().await;
    for (uri, method) in [("/api/articles", "POST"), ("/api/articles/first", "PUT"), ("/api/summarize", "POST")] {
        for bad in ["[[[[", "{not json", "", "{\"text\": \"x\"} trailing"] {
            let r = s.json(method, uri, Some(TOKEN), bad).await;
            assert_eq!((r.status, r.error_code().as_str()), (StatusCode::BAD_REQUEST, "bad_request"), "{uri} {bad}");
        }
        for bad in ["null", "[1]", "\"text\"", "3"] {
            let r = s.json(method, uri, Some(TOKEN), bad).await;
            assert_eq!((r.status, r.error_code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"), "{bad}");
            assert_eq!(r.json()["error"]["message"], "the body must be a JSON object", "{uri} {bad}");
        }
    }
    let message = |r: &Res| r.json()["error"]["message"].as_str().unwrap_or_default().to_owned();
    let r = s.json("POST", "/api/summarize", None, r#"{"text": "A text.", "sentences": -1}"#).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(message(&r), "sentences must be a whole number, 0 or more");
    let r = s.json("POST", "/api/summarize", None, r#"{"text": 5}"#).await;
    assert_eq!(message(&r), "text must be a string");
    let r = s.json("POST", "/api/articles", Some(TOKEN), r#"{"slug": "x", "section": "World"}"#).await;
    assert_eq!((r.status, message(&r).as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "title is required"));
    let mut a = article("typed", "T", "World", "2026-01-01T00:00:00Z");
    for (field, value, expected) in [
        ("tags", serde_json::json!("one"), "tags must be a list"),
        ("tags", serde_json::json!(["ok", 2]), "tags[1] must be a string"),
        ("status", serde_json::json!("pending"), "status must be one of draft, submitted, scheduled, published"),
        ("status", serde_json::json!(5), "status has the wrong kind of value"),
        ("authors", serde_json::json!([["Ann"]]), "authors[0] must be a string"),
        ("summary_mode", serde_json::json!("x"), "summary_mode must be one of auto, picked, custom, off"),
        ("standfirst", serde_json::json!({"a": 1}), "standfirst must be a string"),
    ] {
        let saved = a[field].clone();
        a[field] = value;
        let r = s.create(a.clone()).await;
        assert_eq!((r.status, message(&r).as_str()), (StatusCode::UNPROCESSABLE_ENTITY, expected), "{field}");
        a[field] = saved;
    }
    a["published"] = "yesterday".into();
    let r = s.create(a.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let m = message(&r);
    assert!(m.starts_with("published") && m.contains("RFC 3339") && !m.contains("line 1"), "{m}");
    // A plain date is a time at midnight UTC.
    a["published"] = "2026-01-31".into();
    let r = s.create(a.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["published"], "2026-01-31T00:00:00Z");
    // A body is required.
    let mut empty = article("no-body", "No body", "World", "2026-01-01T00:00:00Z");
    for body in [serde_json::Value::Null, "  ".into()] {
        empty["body"] = body;
        let r = s.create(empty.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(message(&r).starts_with("body"), "{}", message(&r));
    }
    // No Rust or serde words in any of them.
    for bad in [r#"{"text": "x", "sentences": -1}"#, "null", r#"{"text": null}"#, r#"{"text": "x", "lang": 1}"#] {
        let m = message(&s.json("POST", "/api/summarize", None, bad).await);
        for word in ["usize", "struct", "SummarizeRequest", "Option", "line 1", "sequence", "map"] {
            assert!(!m.contains(word), "{bad}: {m}");
        }
    }
}

#[tokio::test]
async fn public_reads_ignore_a_bad_token() {
    let s = seeded().await;
    s.state.store().create_token("old", &web::api::token_hash("old-token"), 0).await.unwrap();
    s.state.store().revoke_token("old", 1).await.unwrap();
    let get = |uri: &'static str, auth: &'static str| {
        s.send(Request::get(uri).header(header::AUTHORIZATION, auth).body(Body::empty()).unwrap())
    };
    for auth in ["Bearer wrong", "Bearer old-token", "Basic abc", "Bearer "] {
        for uri in ["/api/articles", "/api/articles/first", "/api/articles/first/summary"] {
            assert_eq!(get(uri, auth).await.status, StatusCode::OK, "{uri} with {auth}");
        }
        // ... and show what anybody sees: no drafts.
        assert_eq!(get("/api/articles/secret-draft", auth).await.status, StatusCode::NOT_FOUND, "{auth}");
    }
    let editor = format!("Bearer {TOKEN}");
    let r = s
        .send(
            Request::get("/api/articles/secret-draft")
                .header(header::AUTHORIZATION, editor)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "a valid token still shows drafts");
}

#[tokio::test]
async fn bodies_must_be_sent_as_json() {
    let s = seeded().await;
    let body = article("typed-body", "Typed", "World", "2026-01-05T00:00:00Z").to_string();
    for (method, uri) in [("POST", "/api/articles"), ("PUT", "/api/articles/first"), ("POST", "/api/summarize")] {
        for content_type in [Some("text/plain"), None, Some("application/x-www-form-urlencoded"), Some("json")] {
            let mut b =
                Request::builder().method(method).uri(uri).header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
            if let Some(t) = content_type {
                b = b.header(header::CONTENT_TYPE, t);
            }
            let r = s.send(b.body(Body::from(body.clone())).unwrap()).await;
            assert_eq!(
                (r.status, r.error_code().as_str()),
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
                "{method} {uri} {content_type:?}"
            );
        }
    }
    assert_eq!(s.get("/api/articles/typed-body").await.status, StatusCode::NOT_FOUND);
    for content_type in ["application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"] {
        let b = Request::post("/api/summarize").header(header::CONTENT_TYPE, content_type);
        let r = s.send(b.body(Body::from(r#"{"text": "One sentence. Two sentences."}"#)).unwrap()).await;
        assert_eq!(r.status, StatusCode::OK, "{content_type}: {}", r.body);
    }
    // Without a token it is still 401 first.
    let r = s.send(Request::post("/api/articles").body(Body::from(body)).unwrap()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// The page's own words are English, so `<html lang="en">` on every page;
/// an article in another language says so on its `<article>` element (with
/// `dir="rtl"` for a right-to-left one) and on its title where it is listed.
#[tokio::test]
async fn article_language_is_on_the_article_not_the_page() {
    let s = seeded().await;
    let mut fr = article("librairie", "La librairie sauvée", "World", "2026-01-04T10:00:00Z");
    fr["lang"] = "fr".into();
    fr["body"] = "La librairie du quartier a été sauvée par ses lecteurs. Ils ont réuni la somme en un mois.".into();
    assert_eq!(s.create(fr).await.status, StatusCode::CREATED);
    let mut ar = article("arabic", "عنوان المقال", "World", "2026-01-05T10:00:00Z");
    ar["lang"] = "ar".into();
    ar["body"] = "وافق مجلس المدينة على الميزانية يوم الاثنين. وقال رئيس البلدية إن الخطة ستبدأ في يناير.".into();
    assert_eq!(s.create(ar).await.status, StatusCode::CREATED);

    let page = s.get("/articles/librairie").await.body;
    assert!(page.contains("<html lang=\"en\">"), "{page}");
    assert!(page.contains("<article lang=\"fr\">"), "{page}");
    assert!(page.contains("<p class=\"meta\" lang=\"en\">By "), "the byline is the site's words: {page}");
    // Previous: the Arabic article is newer, so it is Next; the English one is Previous.
    assert!(page.contains("<span class=\"title\" lang=\"ar\" dir=\"rtl\">عنوان المقال</span>"), "{page}");
    assert!(page.contains("<span class=\"title\">The Third Story</span>"), "{page}");

    let page = s.get("/articles/arabic").await.body;
    assert!(page.contains("<html lang=\"en\">"), "{page}");
    assert!(page.contains("<article lang=\"ar\" dir=\"rtl\">"), "{page}");
    assert!(page.contains("<p class=\"meta\" lang=\"en\" dir=\"ltr\">By "), "{page}");
    assert!(
        page.contains("data-summary-control=\"top\" data-length=\"3\" data-format=\"text\" lang=\"en\" dir=\"ltr\">"),
        "{page}"
    );
    assert!(page.contains("data-format=\"text\" lang=\"ar\" dir=\"rtl\">"), "summary sentences: {page}");

    let page = s.get("/articles/third").await.body;
    assert!(page.contains("<html lang=\"en\">") && page.contains("<article lang=\"en\">"), "{page}");
    // Right to left only where the Arabic title is listed (its related articles).
    assert_eq!(page.matches(" dir=").count(), 2, "{page}");
    assert!(page.contains("<a href=\"/articles/arabic\" lang=\"ar\" dir=\"rtl\">عنوان المقال</a>"), "{page}");
    assert!(page.contains("<p lang=\"ar\" dir=\"rtl\">"), "{page}");

    let home = s.get("/").await.body;
    assert!(home.contains("<html lang=\"en\">"), "{home}");
    assert!(home.contains("<h2 lang=\"ar\" dir=\"rtl\"><a data-article-link href=\"/articles/arabic\">"), "{home}");
    assert!(home.contains("<h2 lang=\"fr\"><a data-article-link href=\"/articles/librairie\">"), "{home}");
    assert!(home.contains("<p lang=\"fr\">Standfirst of La librairie sauvée.</p>"), "{home}");
    assert!(home.contains("<h2><a data-article-link href=\"/articles/third\">"), "{home}");
}

#[tokio::test]
async fn chinese_summary_sentences_are_joined_without_spaces() {
    let s = seeded().await;
    let mut zh = article("zh-bridge", "大桥获批", "World", "2026-01-04T10:00:00Z");
    zh["lang"] = "zh".into();
    zh["body"] =
        "市议会周一批准了新大桥的建设计划。居民普遍表示欢迎。工程将于明年一月开工。市长说费用将由地区分担。".into();
    assert_eq!(s.create(zh).await.status, StatusCode::CREATED);
    let page = s.get("/articles/zh-bridge").await.body;
    assert!(page.contains("。</a><a data-summary-sentence"), "{page}");
    assert!(!page.contains("。</a> <a data-summary-sentence"), "{page}");
    // Other languages keep the space.
    let page = s.get("/articles/third").await.body;
    assert!(page.contains("</a> <a data-summary-sentence"), "{page}");
}

/// A GET→PUT round trip of the same JSON changes nothing, so the article is
/// not marked as updated; an edit is.
#[tokio::test]
async fn putting_back_an_unchanged_article_does_not_mark_it_updated() {
    let s = seeded().await;
    let got = s.get("/api/articles/first").await.json();
    assert_eq!(got["updated"], "2026-01-01T10:00:00Z");
    let r = s.json("PUT", "/api/articles/first", Some(TOKEN), got.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["updated"], "2026-01-01T10:00:00Z", "{}", r.body);
    assert_eq!(s.get("/api/articles/first").await.json(), got);
    let page = s.get("/articles/first").await.body;
    assert!(!page.contains("Updated"), "{page}");
    // Without `updated` and `published`, the same: nothing to change.
    let mut bare = got.clone();
    bare.as_object_mut().unwrap().retain(|k, _| !matches!(k.as_str(), "updated" | "published" | "body_html"));
    let r = s.json("PUT", "/api/articles/first", Some(TOKEN), bare.to_string()).await;
    assert_eq!(r.json()["updated"], "2026-01-01T10:00:00Z", "{}", r.body);

    let mut edited = got.clone();
    edited["title"] = "The First Story, Edited".into();
    let r = s.json("PUT", "/api/articles/first", Some(TOKEN), edited.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["updated"].as_str().unwrap() > "2026-01-02", "{}", r.body);
    assert!(s.get("/articles/first").await.body.contains("Updated <time"));
}

/// Two clients change the same article: the one that names the version it
/// read (`If-Match`, the ETag of its GET) is refused with 412 when the other
/// came first, and nothing is overwritten.
#[tokio::test]
async fn if_match_keeps_clients_from_overwriting_each_other() {
    let s = seeded().await;
    let got = s.get("/api/articles/first").await;
    let etag = got.headers[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(got.json()["version"], 1);
    let put = |title: &str, if_match: Option<&str>| {
        let mut doc = got.json();
        doc["title"] = title.into();
        let mut b = Request::put("/api/articles/first")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
        if let Some(tag) = if_match {
            b = b.header(header::IF_MATCH, tag);
        }
        b.body(Body::from(doc.to_string())).unwrap()
    };
    let first = s.send(put("First client", Some(&etag))).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.json()["version"], 2);
    assert_ne!(first.headers[header::ETAG], etag.as_str());
    let second = s.send(put("Second client", Some(&etag))).await;
    assert_eq!((second.status, second.error_code().as_str()), (StatusCode::PRECONDITION_FAILED, "precondition_failed"));
    for bogus in ["\"nonsense\"", "\"999-1\"", "W/\"x\"", "\"1-1\", \"2-1\"", "\",a\"\t, \"b,\""] {
        assert_eq!(s.send(put("Second client", Some(bogus))).await.status, StatusCode::PRECONDITION_FAILED, "{bogus}");
    }
    // Not a list of entity tags: 400, as the document's pattern says.
    for malformed in ["nonsense", "null", "\"1-2", "\"a\" \"b\"", "=", "*, \"1-2\""] {
        let r = s.send(put("Second client", Some(malformed))).await;
        assert_eq!((r.status, r.error_code().as_str()), (StatusCode::BAD_REQUEST, "bad_request"), "{malformed}");
    }
    assert_eq!(s.get("/api/articles/first").await.json()["title"], "First client");
    // Without If-Match (or with `*`, or an empty one), the last write wins, as before.
    assert_eq!(s.send(put("Empty condition", Some(""))).await.status, StatusCode::OK);
    assert_eq!(s.send(put("Second client", Some("*"))).await.status, StatusCode::OK);
    assert_eq!(s.get("/api/articles/first").await.json()["title"], "Second client");
}

// The shared cache, and the limits at the door.

impl Site {
    /// How many renders one GET of `uri` caused (0: served from the cache).
    async fn renders_of(&self, uri: &str) -> u64 {
        let before = self.state.cache_stats().renders;
        let r = self.get(uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
        self.state.cache_stats().renders - before
    }
    async fn get_with(&self, uri: &str, headers: &[(header::HeaderName, &str)]) -> Res {
        let mut b = Request::get(uri);
        for (k, v) in headers {
            b = b.header(k, *v);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }
}

async fn site_with(options: web::Options) -> Site {
    site_on(TestDatabase::chosen("http", SqliteIn::Memory).await, options).await
}

/// `seeded()`, and two articles later in another section, with other tags,
/// authors and words (no key phrase in common, so neither lists "first"
/// among its related articles): nothing "first" shows.
async fn seeded_wider() -> Site {
    let s = seeded().await;
    for (slug, at) in [("fourth", "2026-01-04T10:00:00Z"), ("fifth", "2026-01-05T10:00:00Z")] {
        let mut a = article(slug, &format!("The {slug} story"), "Sport", at);
        a["tags"] = serde_json::json!(["Derby"]);
        a["authors"] = serde_json::json!(["Cy Dee"]);
        a["body"] = format!(
            "Rovers won the {slug} derby two goals to nil on Saturday. The striker scored twice before half \
             time. Fans sang until the final whistle. The manager praised the defence."
        )
        .into();
        assert_eq!(s.create(a).await.status, StatusCode::CREATED);
    }
    s
}

/// An edit renders again what shows the article (its page, its
/// neighbour's Previous/Next, home, its section, tag and author pages, the
/// API lists that hold it, its API document) and nothing else, counted by
/// the cache's own statistics.
#[tokio::test]
async fn an_edit_renders_again_only_what_shows_it() {
    let s = seeded_wider().await;
    let shows = [
        "/articles/first",
        "/articles/second",
        // Lists "first" among its related articles (the same tags).
        "/articles/third",
        "/",
        "/sections/world",
        "/tags/budget",
        "/authors/ann-lee",
        "/api/articles",
        "/api/articles?section=world",
        "/api/articles/first",
        "/api/articles/first/summary",
    ];
    let does_not = [
        "/articles/fifth",
        "/sections/sport",
        "/tags/derby",
        "/authors/cy-dee",
        "/api/articles?section=sport",
        "/api/articles/second",
        "/api/articles/fifth",
    ];
    for uri in shows.iter().chain(&does_not) {
        assert_eq!(s.renders_of(uri).await, 1, "{uri}: rendered on first sight");
        assert_eq!(s.renders_of(uri).await, 0, "{uri}: then cached");
    }
    let mut edited = article("first", "The First Story, Revised", "World", "2026-01-01T10:00:00Z");
    edited["tags"] = serde_json::json!(["Budget", "City Hall"]);
    assert_eq!(s.json("PUT", "/api/articles/first", Some(TOKEN), edited.to_string()).await.status, StatusCode::OK);
    for uri in shows {
        assert_eq!(s.renders_of(uri).await, 1, "{uri} shows the edit");
    }
    for uri in does_not {
        assert_eq!(s.renders_of(uri).await, 0, "{uri} does not show the edit");
    }
    assert!(s.get("/articles/second").await.body.contains("The First Story, Revised"), "Previous link");
    let third = s.get("/articles/third").await.body;
    let related = third.split("<section class=\"related\"").nth(1).expect("related articles");
    assert!(related.contains(">The First Story, Revised</a>"), "{related}");
    assert!(s.get("/tags/budget").await.body.contains("The First Story, Revised"));
    assert_eq!(s.get("/api/articles/first").await.json()["title"], "The First Story, Revised");
    let stats = s.state.cache_stats();
    assert!(stats.entries > 0 && stats.bytes > 0 && stats.bytes <= stats.max_bytes, "{stats:?}");
}

/// A page that the write does not touch still shows the navigation: a new
/// section reaches it, and every other cached page, at once.
#[tokio::test]
async fn a_new_section_reaches_the_navigation_of_every_cached_page() {
    let s = seeded_wider().await;
    assert!(!s.get("/articles/fifth").await.body.contains("href=\"/sections/science\""));
    assert_eq!(s.renders_of("/articles/fifth").await, 0);
    // Nothing in common with "fifth" (no tag, no key phrase), so only the
    // navigation could put it on that page.
    let science = |title: &str| {
        let mut a = article("sixth", title, "Science", "2025-06-01T10:00:00Z");
        a["tags"] = serde_json::json!(["Glaciers"]);
        a["body"] = "Researchers measured the retreat of the northern glacier with drones. The ice lost forty \
            metres of thickness in a decade. Meltwater now feeds two new lakes below the snout."
            .into();
        a
    };
    assert_eq!(s.create(science("A Science Story")).await.status, StatusCode::CREATED);
    assert!(s.get("/articles/fifth").await.body.contains("href=\"/sections/science\""));
    // An edit that leaves the sections as they were leaves it cached.
    let mut edited = science("A Science Story, Revised");
    edited["standfirst"] = "Another standfirst.".into();
    assert_eq!(s.json("PUT", "/api/articles/sixth", Some(TOKEN), edited.to_string()).await.status, StatusCode::OK);
    assert_eq!(s.renders_of("/articles/fifth").await, 0);
}

/// A write that moves an article to another section, so that the sections
/// change places by size, does not make every cached page stale (every
/// page shows the navigation): the navigation keeps its order for the
/// cache's maximum age, on the pages kept and on those rendered again.
#[tokio::test]
async fn sections_changing_places_leave_the_other_pages_cached() {
    let s = seeded_wider().await;
    let nav = |body: &str| -> Vec<String> {
        let nav = body.split("aria-label=\"Sections\"").nth(1).unwrap().split("</nav>").next().unwrap().to_owned();
        nav.split("href=\"/sections/").skip(1).map(|l| l.split('"').next().unwrap().to_owned()).collect()
    };
    // Sport 2, World 2, Business 1.
    assert_eq!(nav(&s.get("/articles/fifth").await.body), ["sport", "world", "business"]);
    assert_eq!(s.renders_of("/articles/fifth").await, 0);
    assert_eq!(s.renders_of("/sections/business").await, 1);
    let moved = article("first", "The First Story", "Business", "2026-01-01T10:00:00Z");
    assert_eq!(s.json("PUT", "/api/articles/first", Some(TOKEN), moved.to_string()).await.status, StatusCode::OK);
    // Business 2, Sport 2, World 1: the order stays.
    assert_eq!(s.renders_of("/articles/fifth").await, 0, "a page that does not show the write stays cached");
    assert_eq!(s.renders_of("/sections/business").await, 1, "the section it came to shows it");
    assert_eq!(nav(&s.get("/sections/business").await.body), ["sport", "world", "business"]);
    assert!(s.get("/sections/business").await.body.contains("The First Story"));
}

/// Many readers arriving at once on a page nobody has opened yet: it is
/// rendered once, and all of them get it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_for_a_cold_page_render_it_once() {
    let s = seeded().await;
    for uri in ["/articles/second", "/api/articles/second", "/api/articles?per_page=7"] {
        let before = s.state.cache_stats();
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let app = app(s.state.clone());
                tokio::spawn(async move { app.oneshot(Request::get(uri).body(Body::empty()).unwrap()).await })
            })
            .collect();
        for t in tasks {
            let res = collect(t.await.unwrap().unwrap()).await;
            assert_eq!(res.status, StatusCode::OK);
            assert!(res.body.contains("second"), "{uri}");
        }
        let after = s.state.cache_stats();
        assert_eq!(after.renders - before.renders, 1, "{uri}");
        assert_eq!(
            (after.hits + after.misses + after.stale_hits) - (before.hits + before.misses + before.stale_hits),
            64
        );
    }
}

/// The API's reads carry ETags and answer 304; the article keeps its
/// "id-version" ETag (what If-Match names). A token holder's view (drafts)
/// never reaches readers, nor a reader's view a token holder.
#[tokio::test]
async fn api_reads_answer_304_and_keep_token_holders_apart() {
    let s = seeded().await;
    let token = format!("Bearer {TOKEN}");
    for uri in [
        "/api/articles",
        "/api/articles?tag=budget&page=1",
        "/api/articles/first",
        "/api/articles/first/summary?sentences=2",
    ] {
        let r = s.get(uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        let etag = r.headers[header::ETAG].to_str().unwrap().to_owned();
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-cache");
        let again = s.get_with(uri, &[(header::IF_NONE_MATCH, &etag)]).await;
        assert_eq!((again.status, again.body.as_str()), (StatusCode::NOT_MODIFIED, ""), "{uri}");
        assert_eq!(again.headers[header::ETAG], etag.as_str());
        // A token holder revalidates the same way.
        let theirs = s.get_with(uri, &[(header::IF_NONE_MATCH, &etag), (header::AUTHORIZATION, &token)]).await;
        assert_eq!(theirs.status, StatusCode::NOT_MODIFIED, "{uri}");
    }
    let doc = s.get("/api/articles/first").await;
    let etag = doc.headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(etag.ends_with("-1\""), "{etag}");
    assert_eq!(doc.headers[header::VARY], "authorization");
    let list_etag = s.get("/api/articles").await.headers[header::ETAG].to_str().unwrap().to_owned();
    let mut edited = doc.json();
    edited["title"] = "Edited".into();
    let put = s
        .send(
            Request::put("/api/articles/first")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, &token)
                .header(header::IF_MATCH, &etag)
                .body(Body::from(edited.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    let after = s.get_with("/api/articles/first", &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.headers[header::ETAG], put.headers[header::ETAG]);
    assert!(after.headers[header::ETAG].to_str().unwrap().ends_with("-2\""));
    assert_eq!(s.get_with("/api/articles", &[(header::IF_NONE_MATCH, &list_etag)]).await.status, StatusCode::OK);

    // The draft: the token holder's alone, before and after readers ask.
    for _ in 0..2 {
        assert_eq!(s.get("/api/articles/secret-draft").await.status, StatusCode::NOT_FOUND);
        let theirs = s.get_with("/api/articles/secret-draft", &[(header::AUTHORIZATION, &token)]).await;
        assert_eq!(theirs.status, StatusCode::OK);
        assert_eq!(theirs.headers[header::VARY], "authorization");
        let summary = s.get_with("/api/articles/secret-draft/summary", &[(header::AUTHORIZATION, &token)]).await;
        assert_eq!(summary.status, StatusCode::OK);
        assert_eq!(s.get("/api/articles/secret-draft/summary").await.status, StatusCode::NOT_FOUND);
    }
    // A wrong token reads as anybody.
    let wrong = s.get_with("/api/articles/secret-draft", &[(header::AUTHORIZATION, "Bearer nope")]).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);

    // A published article taken back to draft: gone for readers at once,
    // though they had it cached.
    for uri in ["/api/articles/third", "/api/articles/third/summary", "/articles/third"] {
        assert_eq!(s.get(uri).await.status, StatusCode::OK, "{uri}");
    }
    let mut draft = s.get("/api/articles/third").await.json();
    draft["status"] = "draft".into();
    assert_eq!(s.json("PUT", "/api/articles/third", Some(TOKEN), draft.to_string()).await.status, StatusCode::OK);
    for uri in ["/api/articles/third", "/api/articles/third/summary", "/articles/third"] {
        assert_eq!(s.get(uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
    assert!(!s.get("/api/articles").await.body.contains("\"third\""));
    assert_eq!(s.get_with("/api/articles/third", &[(header::AUTHORIZATION, &token)]).await.json()["status"], "draft");
}

/// A request body that notes whether anybody read it, and never ends.
struct Unread(Arc<std::sync::atomic::AtomicBool>);

impl http_body::Body for Unread {
    type Data = axum::body::Bytes;
    type Error = std::convert::Infallible;
    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        std::task::Poll::Pending
    }
}

fn unread_body() -> (Body, Arc<std::sync::atomic::AtomicBool>) {
    let read = Arc::new(std::sync::atomic::AtomicBool::new(false));
    (Body::new(Unread(read.clone())), read)
}

fn summarize_from(ip: [u8; 4], body: Body) -> Request<Body> {
    Request::post("/api/summarize")
        .header(header::CONTENT_TYPE, "application/json")
        .extension(axum::extract::ConnectInfo(std::net::SocketAddr::from((ip, 4000))))
        .body(body)
        .unwrap()
}

/// A request that announces a body over the limit gets 413 at once, and
/// its body is never read (the connection is closed after it).
#[tokio::test]
async fn a_body_announced_over_the_limit_is_refused_unread() {
    let s = site().await;
    for uri in ["/api/summarize", "/api/articles", "/api/articles/x", "/"] {
        let (body, read) = unread_body();
        let req = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_LENGTH, "10000000000")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(body)
            .unwrap();
        let r = s.send(req).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{uri}");
        assert_eq!(r.headers[header::CONNECTION], "close", "{uri}");
        assert!(!read.load(std::sync::atomic::Ordering::SeqCst), "{uri}: the body was read");
        if uri.starts_with("/api/") {
            assert_eq!(r.error_code(), "payload_too_large");
        }
    }
}

/// A body that does not arrive in time gets 408.
#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_gets_408() {
    let limits = web::Limits { body_timeout: std::time::Duration::from_millis(200), ..Default::default() };
    let s = site_with(web::Options { limits, ..Default::default() }).await;
    let (body, read) = unread_body();
    let r = s.send(summarize_from([10, 0, 0, 1], body)).await;
    assert_eq!((r.status, r.error_code().as_str()), (StatusCode::REQUEST_TIMEOUT, "request_timeout"));
    assert!(read.load(std::sync::atomic::Ordering::SeqCst));
}

/// POST /api/summarize: a bucket per client (429 with Retry-After, the body
/// left unread), none for a token holder, and a few slots for everybody
/// (503 with Retry-After when all are taken).
#[tokio::test]
async fn summarize_is_rate_limited_per_client_and_in_slots() {
    let limits =
        web::Limits { expensive_per_minute: 1, expensive_burst: 2, expensive_concurrency: 1, ..Default::default() };
    let s = site_with(web::Options { limits, ..Default::default() }).await;
    let text = || Body::from(r#"{"text":"The council met on Monday. It approved the budget. Critics objected."}"#);
    for _ in 0..2 {
        assert_eq!(s.send(summarize_from([10, 0, 0, 1], text())).await.status, StatusCode::OK);
    }
    let (body, read) = unread_body();
    let refused = s.send(summarize_from([10, 0, 0, 1], body)).await;
    assert_eq!((refused.status, refused.error_code().as_str()), (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"));
    let wait: u64 = refused.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(!read.load(std::sync::atomic::Ordering::SeqCst), "a refused request's body is not read");
    assert_eq!(s.send(summarize_from([10, 0, 0, 2], text())).await.status, StatusCode::OK, "another client");
    let mut editor = summarize_from([10, 0, 0, 1], text());
    editor.headers_mut().insert(header::AUTHORIZATION, format!("Bearer {TOKEN}").parse().unwrap());
    assert_eq!(s.send(editor).await.status, StatusCode::OK, "a token holder is not rate limited");
    // Every slot taken: 503, until one is given back.
    let held = s.state.expensive().slot().unwrap();
    let busy = s.send(summarize_from([10, 0, 0, 3], text())).await;
    assert_eq!((busy.status, busy.error_code().as_str()), (StatusCode::SERVICE_UNAVAILABLE, "busy"));
    assert_eq!(busy.headers[header::RETRY_AFTER], "1");
    drop(held);
    assert_eq!(s.send(summarize_from([10, 0, 0, 4], text())).await.status, StatusCode::OK);
}
