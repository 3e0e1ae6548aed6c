//! HTTP tests of the daily briefing (`/briefing/YYYY-MM-DD`), through the
//! real router on an in-memory database.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use store::SqliteStore;
use store::prelude::*;
use summarize::Summarizer;
use tower::ServiceExt;
use web::{AppState, SiteConfig, app};

const TOKEN: &str = "nd_test_token_0123456789";

async fn site() -> AppState {
    let store = SqliteStore::open(":memory:").await.unwrap();
    store.create_token("tests", &web::api::token_hash(TOKEN), 0).await.unwrap();
    AppState::new(Arc::new(store), Arc::new(Summarizer::new()), SiteConfig::default())
}

async fn get(state: &AppState, uri: &str) -> (StatusCode, String) {
    let res = app(state.clone()).oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn create(state: &AppState, article: serde_json::Value) {
    let req = Request::post("/api/articles")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from(article.to_string()))
        .unwrap();
    let res = app(state.clone()).oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

fn article(slug: &str, title: &str, section: &str, published: &str, body: &str) -> serde_json::Value {
    json!({"slug": slug, "title": title, "section": section, "published": published, "body": body, "lang": "en"})
}

const BARRIER: &str = "The council of Port Ellery voted on the tidal barrier across the Sallow estuary. \
    Residents asked the council to protect the estuary from storm tides. The barrier would close the estuary \
    mouth during the highest tides. Engineers told the council the barrier gates would weigh four hundred tonnes. \
    Fishing crews said the barrier must let the estuary's fish pass.";

#[tokio::test]
async fn a_day_by_section_with_stories_together() {
    let s = site().await;
    create(
        &s,
        article(
            "barrier-court",
            "Tidal Barrier Opponents Take Port Ellery Council to Court",
            "World",
            "2026-11-26T08:10:00Z",
            &format!("Opponents went to court on Wednesday. {BARRIER}"),
        ),
    )
    .await;
    create(
        &s,
        article(
            "barrier-bids",
            "Three Consortia Bid to Build Port Ellery's Tidal Barrier",
            "Business",
            "2026-11-26T12:40:00Z",
            &format!("Three consortia placed bids on Thursday. {BARRIER}"),
        ),
    )
    .await;
    create(
        &s,
        article(
            "poems",
            "Poems Appear on the City's Bus Shelters",
            "Culture",
            "2026-11-26T09:00:00Z",
            "Poems by local writers now hang in forty bus shelters. Commuters have started reading them aloud. \
         The library chose the poems with a public vote. Each poem stays up for a season.",
        ),
    )
    .await;
    create(
        &s,
        article(
            "day-before",
            "A Story From the Day Before",
            "World",
            "2026-11-25T23:59:59Z",
            "This happened late on Tuesday evening. It is in Tuesday's briefing, not Wednesday's.",
        ),
    )
    .await;
    let mut draft = article(
        "draft",
        "An Unpublished Draft",
        "World",
        "2026-11-26T10:00:00Z",
        "Nobody may read this draft yet. It stays out of every briefing.",
    );
    draft["status"] = json!("draft");
    create(&s, draft).await;

    let (status, page) = get(&s, "/briefing/2026-11-26").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Thursday 26 November 2026") || page.contains("26 November 2026"), "{page}");
    for slug in ["barrier-court", "barrier-bids", "poems"] {
        assert!(page.contains(&format!("href=\"/articles/{slug}\"")), "{slug} missing: {page}");
    }
    for slug in ["day-before", "draft"] {
        assert!(!page.contains(&format!("/articles/{slug}")), "{slug} shown: {page}");
    }
    // Summary sentences link to their place in the article, word for word.
    assert!(page.contains("href=\"/articles/barrier-bids#s-"), "{page}");
    let (_, bids) = get(&s, "/articles/barrier-bids").await;
    let anchor = page.split("href=\"/articles/barrier-bids#s-").nth(1).unwrap();
    let index: String = anchor.chars().take_while(char::is_ascii_digit).collect();
    assert!(bids.contains(&format!("id=\"s-{index}\"")), "no sentence s-{index} in the article");
    // The two barrier articles are one story, under the newest one's section
    // (Business), the other saying its own (World).
    let story = page.split("<section class=\"story\">").nth(1).expect("a story heading");
    let story = story.split("</section>").next().unwrap();
    assert!(story.contains("<h3>Port Ellery</h3>") || story.contains("<h3>Tidal Barrier</h3>"), "{story}");
    assert!(story.contains("/articles/barrier-bids") && story.contains("/articles/barrier-court"), "{story}");
    assert!(story.contains("<a href=\"/sections/world\">World</a>"), "{story}");
    assert!(!story.contains("/articles/poems"), "{story}");
    assert_eq!(page.matches("<section class=\"story\">").count(), 1, "{page}");
    assert!(page.contains("in 1 minute") || page.contains("minutes:"), "a reading time: {page}");
    assert!(page.contains("href=\"/briefing/2026-11-25\""), "the day before: {page}");

    // The briefing feed: an item a day, newest first, in all three formats.
    assert!(page.contains("href=\"/briefing/atom.xml\""), "the page names its feed: {page}");
    for path in ["/briefing/atom.xml", "/briefing/rss.xml", "/briefing/feed.json"] {
        let (status, body) = get(&s, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        let feed = feed_rs::parser::parse(body.as_bytes()).unwrap_or_else(|e| panic!("{path}: {e}"));
        let titles: Vec<String> =
            feed.entries.iter().filter_map(|e| e.title.as_ref().map(|t| t.content.clone())).collect();
        assert_eq!(titles, ["Briefing: Thursday 26 November 2026", "Briefing: Wednesday 25 November 2026"], "{path}");
        let first = &feed.entries[0];
        assert!(first.links.iter().any(|l| l.href.ends_with("/briefing/2026-11-26")), "{path}: {:?}", first.links);
        let content = first.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default();
        assert!(content.contains("/articles/barrier-bids") && content.contains("/articles/poems"), "{path}: {content}");
        assert!(!content.contains("draft"), "{path}: a draft in the feed: {content}");
    }

    let (status, empty) = get(&s, "/briefing/2026-11-27").await;
    assert_eq!(status, StatusCode::OK);
    assert!(empty.contains("No articles were published on this day."), "{empty}");
    assert!(empty.contains("href=\"/briefing/2026-11-26\""), "{empty}");

    for bad in ["/briefing/2026-13-01", "/briefing/26-11-2026", "/briefing/2026-11-26x", "/briefing/2026-2-3"] {
        let (status, _) = get(&s, bad).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }
    let (status, today) = get(&s, "/briefing").await;
    assert_eq!(status, StatusCode::OK);
    assert!(today.contains("Today’s briefing"), "{today}");
    assert!(
        today.contains("<a href=\"/briefing\" aria-current=\"page\">Briefing</a>"),
        "linked from the header: {today}"
    );
}
