//! HTTP tests of search (`/search` and `GET /api/search`), through the real
//! router (`app().oneshot()`), on an in-memory database (or on PostgreSQL
//! with `NEWSDESK_TEST_BACKEND=postgres`: see `store::testing`).

use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
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

struct Res {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Res {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl Site {
    /// A site without the search rate limit (these tests search hundreds
    /// of times from one in-process client).
    async fn new() -> Site {
        Site::with_limits(web::Limits { search_per_minute: 0, search_concurrency: 0, ..Default::default() }).await
    }

    async fn with_limits(limits: web::Limits) -> Site {
        let db = TestDatabase::chosen("search", SqliteIn::Memory).await;
        let store = db.open().await;
        store.create_token("tests", &web::api::token_hash(TOKEN), 0).await.unwrap();
        let options = web::Options { limits, ..Default::default() };
        Site { state: AppState::with_options(store, SUMMARIZER.clone(), options), _db: db }
    }

    async fn send(&self, req: Request<Body>) -> Res {
        let res = app(self.state.clone()).oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        Res { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&self, uri: &str) -> Res {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    async fn write(&self, method: &str, uri: &str, body: serde_json::Value) -> Res {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    async fn create(&self, article: serde_json::Value) {
        let r = self.write("POST", "/api/articles", article).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }

    /// The slugs the search page lists for `q`, in order.
    async fn found(&self, q: &str) -> Vec<String> {
        let r = self.get(&format!("/search?q={}", encode(q))).await;
        assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
        slugs(&r.body)
    }

    /// The slugs the API finds for `q`.
    async fn api_found(&self, q: &str) -> Vec<String> {
        let r = self.get(&format!("/api/search?q={}", encode(q))).await;
        assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
        r.json()["items"].as_array().unwrap().iter().map(|i| i["slug"].as_str().unwrap().to_owned()).collect()
    }
}

fn slugs(body: &str) -> Vec<String> {
    body.match_indices("data-article-link href=\"/articles/")
        .map(|(i, m)| body[i + m.len()..].split('"').next().unwrap().to_owned())
        .collect()
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn article(slug: &str, title: &str, body: &str, lang: &str, published: &str) -> serde_json::Value {
    serde_json::json!({
        "slug": slug,
        "title": title,
        "standfirst": format!("About {title}."),
        "body": body,
        "authors": ["Maya Okafor"],
        "section": "World",
        "tags": ["Coast"],
        "lang": lang,
        "published": published,
        "sources": "Harbour authority minutes.",
    })
}

/// A small site: English articles, a French, a Ukrainian and a Chinese one,
/// a draft and a scheduled article.
async fn seeded() -> Site {
    let s = Site::new().await;
    for (slug, title, body, lang, at) in [
        (
            "tidal-barrier",
            "Harbour City Votes to Build a Tidal Barrier",
            "The councillors approved the tidal barrier on Monday after a long debate. Engineers said the \
             barrier would protect the old docks from storm surges.\n\nThe estuary's birds were the main worry \
             of the opponents.",
            "en",
            "2026-03-01T09:00:00Z",
        ),
        (
            "barrier-costs",
            "What the Barrier Will Cost",
            "Costs rose again. The tidal estimates doubled since spring, and every barrier option is dearer now. \
             A councillor asked for an audit.",
            "en",
            "2026-03-02T09:00:00Z",
        ),
        (
            "hospital-outage",
            "Hospital Systems Back After Outage",
            "Nurses went back to paper rounds while the systems were down. The regulator opened an inquiry.",
            "en",
            "2026-03-03T09:00:00Z",
        ),
        (
            "economie-du-port",
            "L'économie du port en hausse",
            "L'économie portuaire progresse fortement. Les élections municipales approchent et les députés \
             débattent des réformes.",
            "fr",
            "2026-03-04T09:00:00Z",
        ),
        (
            "kyiv-talks",
            "Переговори у Києві тривають",
            "Міністри провели переговори у Києві. Наступний раунд переговорів відбудеться в березні.",
            "uk",
            "2026-03-05T09:00:00Z",
        ),
        (
            "china-economy",
            "中国经济发展迅速",
            "中国经济今年发展迅速。政府表示，新的预算将支持港口建设。",
            "zh",
            "2026-03-06T09:00:00Z",
        ),
    ] {
        s.create(article(slug, title, body, lang, at)).await;
    }
    let mut draft = article(
        "secret-draft",
        "Secret Barrier Draft",
        "A draft about the tidal barrier.",
        "en",
        "2026-03-02T12:00:00Z",
    );
    draft["status"] = "draft".into();
    s.create(draft).await;
    let mut later =
        article("future-barrier", "Future Barrier News", "Scheduled barrier news.", "en", "2999-01-01T00:00:00Z");
    later["status"] = "scheduled".into();
    s.create(later).await;
    s
}

#[tokio::test]
async fn finds_by_a_body_word_with_a_marked_snippet() {
    let s = seeded().await;
    let r = s.get("/search?q=surges").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(slugs(&r.body), ["tidal-barrier"]);
    let b = &r.body;
    assert!(b.contains("<h1>Results for “surges”</h1>"), "{b}");
    assert!(b.contains("<mark>surges</mark>"), "the matched word is marked");
    assert!(b.contains("<time datetime=\"2026-03-01T09:00:00Z\">1 March 2026</time>"));
    assert!(b.contains("href=\"/sections/world\">World</a>"));
    assert!(b.contains("1 article found"));
    assert!(b.contains("<meta name=\"robots\" content=\"noindex\">"));
    // The header's field holds the query.
    assert!(b.contains("id=\"site-search\" type=\"search\" name=\"q\" value=\"surges\""), "{b}");
}

#[tokio::test]
async fn stems_accents_and_case_do_not_matter() {
    let s = seeded().await;
    // "councillors approved" found by other forms of the same words.
    assert_eq!(s.found("Councillor APPROVES").await, ["tidal-barrier"]);
    // French, without accents.
    assert_eq!(s.found("economie").await, ["economie-du-port"]);
    assert_eq!(s.found("elections deputes reforme").await, ["economie-du-port"]);
    assert_eq!(s.found("ÉCONOMIES").await, ["economie-du-port"]);
    // Ukrainian: another case of the same nouns.
    assert_eq!(s.found("переговорів Київ").await, ["kyiv-talks"]);
    // Chinese, by words.
    assert_eq!(s.found("经济").await, ["china-economy"]);
    assert_eq!(s.found("预算").await, ["china-economy"]);
    // Tags, authors and sources are searched too.
    assert_eq!(s.found("okafor").await.len(), 6);
    assert_eq!(s.found("coast").await.len(), 6);
    assert_eq!(s.found("harbour authority minutes outage").await, ["hospital-outage"]);
}

#[tokio::test]
async fn ranking_puts_the_title_first() {
    let s = seeded().await;
    // "barrier" is in the first article's title and body, in the second's
    // title and body: both; a word of one title ranks that one first.
    let both = s.found("barrier").await;
    assert_eq!(both.len(), 2);
    assert_eq!(s.found("barrier cost").await, ["barrier-costs"]);
    assert_eq!(s.found("tidal").await, ["tidal-barrier", "barrier-costs"], "title before body");
}

#[tokio::test]
async fn phrases_and_exclusions() {
    let s = seeded().await;
    // "tidal barrier" stands as a phrase in one article; the other has both words apart.
    assert_eq!(s.found("\"tidal barrier\"").await, ["tidal-barrier"]);
    assert_eq!(s.found("\"barrier tidal\"").await, Vec::<String>::new());
    let mut both = s.found("tidal barrier").await;
    both.sort();
    assert_eq!(both, ["barrier-costs", "tidal-barrier"]);
    assert_eq!(s.found("barrier -estuary").await, ["barrier-costs"]);
    assert_eq!(s.found("barrier -\"storm surges\"").await, ["barrier-costs"]);
    assert_eq!(s.found("barrier -audit -birds").await, Vec::<String>::new());
}

#[tokio::test]
async fn drafts_and_scheduled_articles_are_never_found() {
    let s = seeded().await;
    for q in ["secret", "draft", "scheduled", "future barrier"] {
        assert!(s.found(q).await.is_empty(), "{q}");
        assert!(s.api_found(q).await.is_empty(), "{q}");
    }
    // Published, then back to a draft: gone from the results at once.
    let r = s.get("/api/articles/barrier-costs").await;
    let mut a = r.json();
    a["status"] = "draft".into();
    assert_eq!(s.write("PUT", "/api/articles/barrier-costs", a).await.status, StatusCode::OK);
    assert_eq!(s.found("barrier").await, ["tidal-barrier"]);
}

#[tokio::test]
async fn the_index_follows_edits_and_deletions() {
    let s = seeded().await;
    let r = s.get("/api/articles/hospital-outage").await;
    let mut a = r.json();
    a["body"] = "The generators failed at midnight. Engineers restored power by dawn.".into();
    assert_eq!(s.write("PUT", "/api/articles/hospital-outage", a).await.status, StatusCode::OK);
    assert!(s.found("nurses").await.is_empty());
    assert_eq!(s.found("generator").await, ["hospital-outage"]);
    let del = Request::delete("/api/articles/hospital-outage")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(s.send(del).await.status, StatusCode::NO_CONTENT);
    assert!(s.found("generator").await.is_empty());
}

/// The hostile strings of the issue, and thousands of random ones: every
/// one gets a page (results or a clear "no results"), never a 500.
#[tokio::test]
async fn any_query_string_is_safe() {
    let s = seeded().await;
    let long = "barrier ".repeat(1_300);
    let hostile = [
        "\"unbalanced barrier",
        "barrier\"",
        "NEAR(barrier tidal",
        "NEAR(",
        "*",
        "barrier*",
        ":",
        "title:barrier",
        "-",
        "- -- ---",
        "-barrier",
        "the of and",
        "AND OR NOT",
        "barrier AND",
        "(",
        ")",
        "^barrier",
        "{title}: barrier",
        "barrier\u{0}\u{1}\u{7f}\u{1b}[31m",
        "Київ barrier 经济 ☃ \u{202e}",
        "'; DROP TABLE articles; --",
        "%",
        "\\",
        "\"\"",
        "\"",
        "-\"",
        "\"\" -\"\"",
        "NEAR(barrier tidal, 2)",
        "barrier OR tidal",
        "barrier NOT tidal",
        "\u{200b}\u{feff}\u{2060}",
        "«barrier» „tidal“",
        "tidal\tbarrier\r\nestuary",
        long.as_str(),
    ];
    for q in hostile {
        let r = s.get(&format!("/search?q={}", encode(q))).await;
        assert_eq!(r.status, StatusCode::OK, "{q:.40}: {}", r.body);
        assert!(
            !slugs(&r.body).is_empty() || r.body.contains("class=\"notice\""),
            "{q:.40}: results or a clear message"
        );
        let r = s.get(&format!("/api/search?q={}", encode(q))).await;
        assert_eq!(r.status, StatusCode::OK, "{q:.40}: {}", r.body);
        let j = r.json();
        assert!(j["items"].is_array() && j["total"].is_u64(), "{q:.40}");
    }
    assert_eq!(s.found("\"unbalanced barrier").await, Vec::<String>::new(), "a phrase to the end");
    assert_eq!(s.found("NEAR(barrier tidal").await.len(), 0, "NEAR is a word to find");
    // "the of and" are words in French (this site has a French article);
    // on an English site they are too common to look for, and the page says so.
    let english = Site::new().await;
    english.create(article("only-english", "An English Article", "Plain words.", "en", "2026-01-01T00:00:00Z")).await;
    let r = english.get("/search?q=the+of+and").await;
    assert!(r.body.contains("only very common words"), "{}", r.body);
    let r = s.get(&format!("/search?q={}", encode(&long))).await;
    assert!(r.body.contains("only the beginning of your search was used"));
    // Random strings of query syntax, words and other scripts.
    let alphabet: Vec<char> = "\"'()*:^-+ NEARORANDNOTbarrieridal経济Київ\u{0}\u{1f}é%&;#<>{}[]\\|~".chars().collect();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..300 {
        let len = 1 + (xorshift(&mut state) % 24) as usize;
        let q: String = (0..len).map(|_| alphabet[(xorshift(&mut state) % alphabet.len() as u64) as usize]).collect();
        let r = s.get(&format!("/api/search?q={}", encode(&q))).await;
        assert_eq!(r.status, StatusCode::OK, "{q:?}: {}", r.body);
        assert!(r.json()["items"].is_array(), "{q:?}");
        let r = s.get(&format!("/search?q={}", encode(&q))).await;
        assert_eq!(r.status, StatusCode::OK, "{q:?}: {}", r.body);
        assert!(!r.body.contains("fts5") && !r.body.contains("syntax error"), "{q:?}: {}", r.body);
    }
    // Bytes that are not UTF-8, and broken escapes: refused clearly (400) or
    // read, never a 500.
    for raw in ["%FF%FE", "barrier%C3", "%", "%zz", "%00barrier"] {
        for path in ["/search", "/api/search"] {
            let r = s.get(&format!("{path}?q={raw}")).await;
            assert!(
                r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST,
                "{path}?q={raw}: {} {}",
                r.status,
                r.body
            );
        }
    }
}

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[tokio::test]
async fn no_results_and_empty_search_pages() {
    let s = seeded().await;
    let r = s.get("/search?q=zeppelin").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("No articles match “zeppelin”."), "{}", r.body);
    assert!(slugs(&r.body).is_empty());
    let r = s.get("/search").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<h1>Search</h1>") && r.body.contains("<label for=\"search-page-q\">"));
    let r = s.get("/search?q=").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = s.get("/search?q=barrier&page=0").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A site with no article at all.
    let empty = Site::new().await;
    let r = empty.get("/search?q=anything").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("No articles match"), "{}", r.body);
}

#[tokio::test]
async fn every_page_has_a_labelled_search_box() {
    let s = seeded().await;
    for path in ["/", "/articles/tidal-barrier", "/sections/world", "/tags/coast", "/search?q=barrier", "/nowhere"] {
        let b = s.get(path).await.body;
        assert!(
            b.contains("<form class=\"search\" role=\"search\" action=\"/search\" method=\"get\">")
                && b.contains("<label class=\"visually-hidden\" for=\"site-search\">Search articles</label>")
                && b.contains("<input id=\"site-search\" type=\"search\" name=\"q\""),
            "{path}"
        );
    }
}

#[tokio::test]
async fn results_are_paginated() {
    let s = Site::new().await;
    for i in 0..23 {
        let body = format!("Lighthouse report number {i}. The keeper wrote it down.");
        s.create(article(
            &format!("light-{i:02}"),
            &format!("Report {i}"),
            &body,
            "en",
            &format!("2026-01-{:02}T08:00:00Z", i + 1),
        ))
        .await;
    }
    let first = s.get("/search?q=lighthouse").await;
    assert_eq!(slugs(&first.body).len(), 10);
    assert!(first.body.contains("23 articles found · page 1 of 3"), "{}", first.body);
    assert!(first.body.contains("<a rel=\"next\" href=\"/search?q=lighthouse&#38;page=2\">"), "{}", first.body);
    let third = s.get("/search?q=lighthouse&page=3").await;
    assert_eq!(slugs(&third.body).len(), 3);
    assert!(third.body.contains("rel=\"prev\" href=\"/search?q=lighthouse&#38;page=2\""));
    let mut all: Vec<String> = Vec::new();
    for p in 1..=3 {
        all.extend(slugs(&s.get(&format!("/search?q=lighthouse&page={p}")).await.body));
    }
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 23, "every article once");
    let past = s.get("/search?q=lighthouse&page=9").await;
    assert!(past.body.contains("There are no more results."), "{}", past.body);
    // The API pages too.
    let r = s.get("/api/search?q=lighthouse&per_page=20&page=2").await.json();
    assert_eq!(
        (r["total"].as_u64(), r["pages"].as_u64(), r["items"].as_array().map(Vec::len)),
        (Some(23), Some(2), Some(3))
    );
}

#[tokio::test]
async fn api_search_json() {
    let s = seeded().await;
    let r = s.get("/api/search?q=surges").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/json");
    let j = r.json();
    assert_eq!(
        (j["query"].as_str(), j["total"].as_u64(), j["page"].as_u64(), j["pages"].as_u64()),
        (Some("surges"), Some(1), Some(1), Some(1))
    );
    let item = &j["items"][0];
    assert_eq!(item["slug"], "tidal-barrier");
    assert_eq!(item["url"], "/articles/tidal-barrier");
    assert_eq!(item["section"], "World");
    assert_eq!(item["published"], "2026-03-01T09:00:00Z");
    assert_eq!(item["lang"], "en");
    assert!(item["score"].as_f64().unwrap() > 0.0);
    let parts = item["snippet_parts"].as_array().unwrap();
    let marked: Vec<&str> = parts.iter().filter(|p| p["match"] == true).map(|p| p["text"].as_str().unwrap()).collect();
    assert_eq!(marked, ["surges"]);
    let joined: String = parts.iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert_eq!(item["snippet"].as_str().unwrap(), joined);
    // Filters.
    assert_eq!(s.api_found("barrier").await.len(), 2);
    assert_eq!(s.get("/api/search?q=barrier&section=World").await.json()["total"], 2);
    assert_eq!(s.get("/api/search?q=barrier&section=business").await.json()["total"], 0);
    assert_eq!(s.get("/api/search?q=barrier&tag=coast").await.json()["total"], 2);
    // A query with nothing to find says why.
    let j = s.get("/api/search?q=-barrier").await.json();
    assert_eq!(j["total"], 0);
    assert!(j["message"].as_str().unwrap().contains("which words to leave out"), "{j}");
    let j = s.get("/api/search?q=%2A%3A").await.json();
    assert!(j["message"].as_str().unwrap().contains("Type one or more words"), "{j}");
    // Errors are JSON.
    for (uri, status) in [("/api/search", 400), ("/api/search?q=x&per_page=0", 400), ("/api/search?q=x&page=x", 400)] {
        let r = s.get(uri).await;
        assert_eq!(r.status.as_u16(), status, "{uri}");
        assert_eq!(r.json()["error"]["code"], "bad_request", "{uri}");
    }
    // In the OpenAPI document.
    let doc = s.get("/api/openapi.json").await.json();
    let op = &doc["paths"]["/api/search"]["get"];
    let names: Vec<&str> = op["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["q", "section", "tag", "page", "per_page"]);
    assert!(doc["components"]["schemas"]["SearchResults"].is_object());
}

/// Text of an article that looks like markup is shown as text in the
/// snippet and the title: escaped, never markup.
#[tokio::test]
async fn snippets_are_escaped() {
    let s = Site::new().await;
    s.create(article(
        "markup",
        "Escaping <img src=x onerror=alert(1)> titles",
        "Editors wrote &lt;script&gt;alert(1)&lt;/script&gt; and \"quotes\" & ampersands beside the keyword zebra.",
        "en",
        "2026-02-01T00:00:00Z",
    ))
    .await;
    let r = s.get("/search?q=zebra+script").await;
    assert_eq!(slugs(&r.body), ["markup"]);
    assert!(!r.body.contains("<script>alert") && !r.body.contains("<img src=x"), "{}", r.body);
    assert!(r.body.contains("&#60;<mark>script</mark>&#62;alert(1)&#60;/<mark>script</mark>&#62;"), "{}", r.body);
    assert!(r.body.contains("<mark>zebra</mark>"));
    // The query shown back is escaped too.
    let r = s.get(&format!("/search?q={}", encode("\"><script>alert(1)</script>"))).await;
    assert!(!r.body.contains("<script>alert(1)"), "{}", r.body);
    assert!(r.body.contains("&#34;&#62;&#60;script&#62;"), "{}", r.body);
}

/// Articles stored before search (their terms never made) are indexed by
/// the refresh `serve` runs at start.
#[tokio::test]
async fn refresh_indexes_articles_without_terms() {
    let s = seeded().await;
    let store = s.state.store();
    let a = store.article("hospital-outage", store::Visibility::All).await.unwrap().unwrap();
    // As if made by no analysis: empty terms.
    assert!(store.write_search_text(a.id, a.version, &store::SearchText::default()).await.unwrap());
    assert!(s.found("nurses").await.is_empty());
    assert_eq!(s.state.articles().refresh_search().await.unwrap(), 1);
    assert_eq!(s.found("nurses").await, ["hospital-outage"]);
    assert_eq!(s.state.articles().refresh_search().await.unwrap(), 0, "nothing left to do");
    let after = store.article("hospital-outage", store::Visibility::All).await.unwrap().unwrap();
    assert_eq!((after.version, after.updated_at), (a.version, a.updated_at), "the article itself is not written");
}

/// Search is rate limited per client (the page says so in HTML, the API in
/// JSON, both with `Retry-After`), not for a token holder, not for the
/// empty search form; and a few searches run at once (503 beyond them).
#[tokio::test]
async fn search_is_rate_limited_per_client_and_in_slots() {
    let limits = web::Limits { search_per_minute: 1, search_burst: 2, search_concurrency: 1, ..Default::default() };
    let s = Site::with_limits(limits).await;
    s.create(serde_json::json!({"slug": "harbour-works", "title": "Harbour works", "section": "Local", "status": "published", "body": "The harbour reopened on Monday after repairs."}))
        .await;
    assert_eq!(s.found("harbour").await.len(), 1);
    assert_eq!(s.api_found("harbour").await.len(), 1);
    for _ in 0..3 {
        assert_eq!(s.get("/search").await.status, StatusCode::OK, "the empty form costs nothing");
    }
    let page = s.get("/search?q=harbour").await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(page.body.contains("<h1>Too many searches</h1>") && page.body.contains("try again in"), "{}", page.body);
    let wait: u64 = page.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let api = s.get("/api/search?q=harbour").await;
    assert_eq!(
        (api.status, api.json()["error"]["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_requests"))
    );
    assert!(api.headers.contains_key(header::RETRY_AFTER));
    let with_token = || {
        Request::get("/api/search?q=harbour")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(s.send(with_token()).await.status, StatusCode::OK, "a token holder is not rate limited");
    // Every slot taken: 503 for everybody, until it is given back.
    let held = s.state.searches().slot().unwrap();
    let busy = s.send(with_token()).await;
    assert_eq!((busy.status, busy.json()["error"]["code"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("busy")));
    assert_eq!(busy.headers[header::RETRY_AFTER], "1");
    drop(held);
    assert_eq!(s.send(with_token()).await.status, StatusCode::OK);
}
