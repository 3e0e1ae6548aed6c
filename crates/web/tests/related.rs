//! HTTP tests of related articles (the end of an article page, and
//! `/api/articles/{slug}/related`), through the real router, on SQLite or on
//! PostgreSQL (`NEWSDESK_TEST_BACKEND=postgres`).

use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use store::testing::{SqliteIn, TestDatabase};
use summarize::Summarizer;
use tower::ServiceExt;
use web::{AppState, SiteConfig, app};

const TOKEN: &str = "nd_test_token_0123456789";

static SUMMARIZER: LazyLock<Arc<Summarizer>> = LazyLock::new(|| Arc::new(Summarizer::new()));

struct Site {
    state: AppState,
    _db: TestDatabase,
}

async fn site(name: &str) -> Site {
    let db = TestDatabase::chosen(name, SqliteIn::Memory).await;
    let store = db.open().await;
    store.create_token("tests", &web::api::token_hash(TOKEN), 0).await.unwrap();
    Site { state: AppState::new(store, SUMMARIZER.clone(), SiteConfig::default()), _db: db }
}

async fn send(s: &Site, req: Request<Body>) -> (StatusCode, String) {
    // The related lists earlier writes queued, made as `serve` makes them
    // in the background right after each write.
    s.state.articles().make_queued_related(|_| ()).await.unwrap();
    let res = app(s.state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn get(s: &Site, uri: &str) -> (StatusCode, String) {
    send(s, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn write(s: &Site, method: &str, uri: &str, article: &Value) -> StatusCode {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from(article.to_string()))
        .unwrap();
    send(s, req).await.0
}

fn article(slug: &str, title: &str, published: &str, body: &str, tags: &[&str]) -> Value {
    json!({"slug": slug, "title": title, "section": "World", "published": published, "body": body,
           "tags": tags, "lang": "en"})
}

const BARRIER: &str = "The council of Port Ellery voted on the tidal barrier across the Sallow estuary. \
    Residents asked the council to protect the estuary from storm tides. The barrier would close the estuary \
    mouth during the highest tides. Engineers told the council the barrier gates would weigh four hundred tonnes. \
    Fishing crews said the barrier must let the estuary's fish pass.";

const POEMS: &str = "Poems by local writers now hang in forty bus shelters. Commuters have started reading them \
    aloud. The library chose the poems with a public vote. Each poem stays up for a season.";

/// The slugs an article page lists under "Related articles", in order.
fn related_on_page(page: &str) -> Vec<String> {
    let Some(section) = page.split("<section class=\"related\"").nth(1) else { return Vec::new() };
    let section = section.split("</section>").next().unwrap();
    section.split("<li><a href=\"/articles/").skip(1).map(|s| s.split('"').next().unwrap().to_owned()).collect()
}

/// The slugs the API lists as related to `slug`, in order.
async fn related_in_api(s: &Site, slug: &str) -> Vec<String> {
    let (status, body) = get(s, &format!("/api/articles/{slug}/related")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["slug"], slug);
    v["items"].as_array().unwrap().iter().map(|i| i["slug"].as_str().unwrap().to_owned()).collect()
}

/// An article page ends with its related articles (title linked, date, the
/// first sentence of its summary, in a labelled list), the API gives the
/// same; never the article itself, a draft or a scheduled article; and the
/// cached page and document follow writes: a draft published, a related
/// article unpublished.
#[tokio::test]
async fn article_pages_and_the_api_show_related_articles() {
    let s = site("related_http").await;
    for (slug, title, at, extra, tags) in [
        (
            "barrier-vote",
            "Port Ellery Votes on a Tidal Barrier",
            "2026-09-04T08:30:00Z",
            "The vote came on Monday.",
            &["climate"][..],
        ),
        (
            "barrier-court",
            "Barrier Opponents Take Port Ellery to Court",
            "2026-11-26T08:10:00Z",
            "Opponents went to court on Wednesday.",
            &["courts"][..],
        ),
        (
            "barrier-bids",
            "Three Bids for Port Ellery's Tidal Barrier",
            "2026-11-26T12:40:00Z",
            "Three consortia placed bids on Thursday.",
            &["construction"][..],
        ),
    ] {
        let body = format!("{extra} {BARRIER}");
        assert_eq!(
            write(&s, "POST", "/api/articles", &article(slug, title, at, &body, tags)).await,
            StatusCode::CREATED
        );
    }
    let poems = article("poems", "Poems on the Bus Shelters", "2026-11-20T08:05:00Z", POEMS, &["poetry"]);
    assert_eq!(write(&s, "POST", "/api/articles", &poems).await, StatusCode::CREATED);
    let mut draft =
        article("barrier-draft", "A Barrier Draft", "2026-11-27T09:00:00Z", &format!("A draft. {BARRIER}"), &[]);
    draft["status"] = json!("draft");
    assert_eq!(write(&s, "POST", "/api/articles", &draft).await, StatusCode::CREATED);
    let mut later =
        article("barrier-later", "A Barrier Story to Come", "2999-01-01T00:00:00Z", &format!("Later. {BARRIER}"), &[]);
    later["status"] = json!("scheduled");
    assert_eq!(write(&s, "POST", "/api/articles", &later).await, StatusCode::CREATED);

    let (status, page) = get(&s, "/articles/barrier-vote").await;
    assert_eq!(status, StatusCode::OK);
    // The other two articles on the story.
    let mut shown = related_on_page(&page);
    shown.sort();
    assert_eq!(shown, ["barrier-bids", "barrier-court"], "{page}");
    let section = page.split("<section class=\"related\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(
        section
            .contains(" aria-labelledby=\"related-heading\">\n<h2 id=\"related-heading\">Related articles</h2>\n<ul>"),
        "{section}"
    );
    assert!(
        section.contains("<a href=\"/articles/barrier-bids\">Three Bids for Port Ellery&#39;s Tidal Barrier</a>")
            || section
                .contains("<a href=\"/articles/barrier-bids\">Three Bids for Port Ellery&#x27;s Tidal Barrier</a>"),
        "{section}"
    );
    assert!(section.contains("<time datetime=\"2026-11-26T12:40:00Z\">26 November 2026</time>"), "{section}");
    // The first sentence of its summary, one sentence only, word for word from the article.
    let bids: Value = serde_json::from_str(&get(&s, "/api/articles/barrier-bids/summary").await.1).unwrap();
    let first = bids["sentences"][0]["text"].as_str().unwrap();
    assert!(
        section.contains(&format!("<p>{}</p>", first.replace('\'', "&#39;")))
            || section.contains(&format!("<p>{}</p>", first.replace('\'', "&#x27;"))),
        "{first}: {section}"
    );
    // The page after the article, before Previous/Next.
    let (at_related, at_nav) = (page.find("class=\"related\"").unwrap(), page.find("class=\"prevnext\"").unwrap());
    assert!(page.find("</article>").unwrap() < at_related && at_related < at_nav);
    // Never itself, the draft or the article still to come; not the unrelated poems.
    for slug in ["barrier-vote", "barrier-draft", "barrier-later", "poems"] {
        assert!(!section.contains(&format!("/articles/{slug}\"")), "{slug}: {section}");
    }
    // The API, the same list with the first summary sentence.
    let order = related_on_page(&page);
    assert_eq!(related_in_api(&s, "barrier-vote").await, order);
    let v: Value = serde_json::from_str(&get(&s, "/api/articles/barrier-vote/related").await.1).unwrap();
    let item = &v["items"][order.iter().position(|x| x == "barrier-bids").unwrap()];
    assert_eq!((item["url"].as_str(), item["summary"].as_str()), (Some("/articles/barrier-bids"), Some(first)));
    assert_eq!(item["published"], "2026-11-26T12:40:00Z");
    assert!(item["score"].as_f64().unwrap() > 0.0);
    assert_eq!(
        get(&s, "/api/articles/barrier-draft/related").await.0,
        StatusCode::NOT_FOUND,
        "a draft's, without a token"
    );
    assert_eq!(get(&s, "/api/articles/nope/related").await.0, StatusCode::NOT_FOUND);
    // An article related to nothing has no section.
    let (_, page) = get(&s, "/articles/poems").await;
    assert!(!page.contains("class=\"related\""), "{page}");
    assert!(related_in_api(&s, "poems").await.is_empty());

    // The draft is published: the cached page and document show it at once.
    draft["status"] = json!("published");
    assert_eq!(write(&s, "PUT", "/api/articles/barrier-draft", &draft).await, StatusCode::OK);
    let (_, page) = get(&s, "/articles/barrier-vote").await;
    let now_shown = related_on_page(&page);
    assert!(now_shown.contains(&"barrier-draft".to_owned()) && now_shown.len() == 3, "{page}");
    assert_eq!(related_in_api(&s, "barrier-vote").await, now_shown);
    // A related article is unpublished: gone from the cached page and document.
    let mut bids = article(
        "barrier-bids",
        "Three Bids for Port Ellery's Tidal Barrier",
        "2026-11-26T12:40:00Z",
        &format!("Three consortia placed bids on Thursday. {BARRIER}"),
        &["construction"],
    );
    bids["status"] = json!("draft");
    assert_eq!(write(&s, "PUT", "/api/articles/barrier-bids", &bids).await, StatusCode::OK);
    let (_, page) = get(&s, "/articles/barrier-vote").await;
    let left: Vec<String> = now_shown.into_iter().filter(|x| x != "barrier-bids").collect();
    assert_eq!(related_on_page(&page), left, "{page}");
    assert_eq!(related_in_api(&s, "barrier-vote").await, left);
    // A related article's title changes: the page shows the new one.
    let court = article(
        "barrier-court",
        "Opponents Sue Port Ellery Over the Barrier",
        "2026-11-26T08:10:00Z",
        &format!("Opponents went to court on Wednesday. {BARRIER}"),
        &["courts"],
    );
    let mut court = court;
    court["summary"] = json!("The suit was filed on Wednesday. A hearing follows in March.");
    assert_eq!(write(&s, "PUT", "/api/articles/barrier-court", &court).await, StatusCode::OK);
    let (_, page) = get(&s, "/articles/barrier-vote").await;
    assert!(page.contains("Opponents Sue Port Ellery Over the Barrier"), "{page}");
    // The editors' summary, its first sentence.
    assert!(page.contains("<p>The suit was filed on Wednesday.</p>") && !page.contains("A hearing follows"), "{page}");
    // Deleted: gone.
    let req = Request::delete("/api/articles/barrier-draft")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&s, req).await.0, StatusCode::NO_CONTENT);
    assert_eq!(related_on_page(&get(&s, "/articles/barrier-vote").await.1), ["barrier-court"]);

    // In the OpenAPI document.
    let (_, doc) = get(&s, "/api/openapi.json").await;
    let doc: Value = serde_json::from_str(&doc).unwrap();
    assert!(doc["paths"]["/api/articles/{slug}/related"]["get"].is_object(), "{doc}");
    assert!(doc["components"]["schemas"]["RelatedList"].is_object());
}

/// Every demo article on a story shared by several articles (the tidal
/// barrier, the hospital outage) lists the other articles on its story
/// first among its related articles.
#[tokio::test]
async fn demo_articles_on_a_shared_story_show_each_other() {
    let s = site("related_demo").await;
    let articles = s.state.articles();
    let mut slugs = Vec::new();
    for (name, text) in demo::files() {
        for parsed in content::import::parse(name, content::import::Format::Markdown, text) {
            let input = parsed.result.unwrap();
            slugs.push(input.slug.clone());
            articles.upsert(input, &content::WrittenBy::named("test"), 1_800_000_000).await.unwrap();
        }
    }
    let stories: [&[&str]; 2] = [
        &[
            "harbour-city-votes-on-tidal-barrier",
            "tidal-barrier-opponents-file-legal-challenge",
            "tidal-barrier-contract-draws-three-bidders",
            "estuary-birds-and-the-tidal-barrier",
        ],
        &[
            "hospital-software-outage-review",
            "regulator-opens-inquiry-into-hospital-outage",
            "nurses-recall-paper-rounds-during-outage",
            "hospitals-check-their-test-systems",
        ],
    ];
    for story in stories {
        for slug in story {
            let (status, page) = get(&s, &format!("/articles/{slug}")).await;
            assert_eq!(status, StatusCode::OK, "{slug}");
            let related = related_on_page(&page);
            for other in story.iter().filter(|o| *o != slug) {
                assert!(related.contains(&other.to_string()), "{slug} does not list {other}: {related:?}");
            }
            // The story first: its other articles above any other.
            assert!(related[..story.len() - 1].iter().all(|r| story.contains(&r.as_str())), "{slug}: {related:?}");
        }
    }
    // Elsewhere, at most five, and most demo articles share something (a
    // tag, a key phrase) with another: an article sharing nothing (the
    // silent film) shows no section.
    assert_eq!(slugs.len(), demo::files().len());
    let mut showing = 0;
    for slug in &slugs {
        let related = related_on_page(&get(&s, &format!("/articles/{slug}")).await.1);
        assert!(related.len() <= 5 && !related.contains(slug), "{slug}: {related:?}");
        showing += usize::from(!related.is_empty());
    }
    assert!(showing * 4 >= slugs.len() * 3, "{showing} of {} demo pages show related articles", slugs.len());
}
