//! How readers and machines find and follow the site, over HTTP through the
//! real router on an in-memory database: feeds (parsed back with feed-rs),
//! sitemaps and robots.txt, and link previews on article pages.

use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use store::SqliteStore;
use store::prelude::*;
use summarize::Summarizer;
use tower::ServiceExt;
use web::{AppState, PublicUrl, SiteConfig, app};

static SUMMARIZER: LazyLock<Arc<Summarizer>> = LazyLock::new(|| Arc::new(Summarizer::new()));
const TOKEN: &str = "nd_test_token_0123456789";
const ORIGIN: &str = "https://news.example.org";

/// A title and body that try every escaping: markup characters, quotes,
/// an emoji, Chinese and right-to-left (Hebrew and Arabic) text.
const HOSTILE_TITLE: &str = "Tom & Jerry <b>\"quoted\"</b> 'single' </script> 😀 中文标题 עברית عربي";
const HOSTILE_BODY: &str = "Tom & Jerry wrote <i>this</i> with \"double\" and 'single' quotes and a 😀 today. \
    The council voted 5 < 7 & agreed. 中文句子在这里。 שלום עולם. مرحبا بالعالم.\n\n\
    A second paragraph says more about the vote, the budget and the city.";

struct Site {
    state: AppState,
}

struct Res {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn site() -> Site {
    let store = SqliteStore::open(":memory:").await.unwrap();
    store.create_token("tests", &web::api::token_hash(TOKEN), 0).await.unwrap();
    // (Every field: when SiteConfig gains more, `..SiteConfig::default()`.)
    let config = SiteConfig {
        name: "Daily & \"Co\"".to_owned(),
        public_url: PublicUrl::parse(ORIGIN).unwrap(),
        ..SiteConfig::default()
    };
    Site { state: AppState::new(Arc::new(store), SUMMARIZER.clone(), config) }
}

impl Site {
    async fn send(&self, req: Request<Body>) -> Res {
        let res = app(self.state.clone()).oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        Res { status, headers, body: String::from_utf8(bytes.to_vec()).expect("UTF-8") }
    }
    async fn get(&self, uri: &str) -> Res {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }
    async fn write(&self, method: &str, uri: &str, article: &serde_json::Value) -> Res {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::from(article.to_string()))
            .unwrap();
        let r = self.send(req).await;
        assert!(r.status.is_success(), "{method} {uri}: {} {}", r.status, r.body);
        r
    }
    async fn create(&self, article: serde_json::Value) {
        self.write("POST", "/api/articles", &article).await;
    }
}

fn body(topic: &str) -> String {
    format!(
        "The {topic} committee met on Monday to approve a new plan for the city. \
         Members said the plan would change how the city spends its money on {topic}.\n\n\
         The plan doubles the budget for {topic} over five years. Critics said the increase was too fast. \
         Supporters answered that the city had waited far too long already.\n\n\
         The mayor called the vote a turning point. Residents will be able to comment until March."
    )
}

fn article(slug: &str, title: &str, section: &str, published: &str) -> serde_json::Value {
    serde_json::json!({
        "slug": slug,
        "title": title,
        "standfirst": format!("Standfirst of {title}."),
        "body": body(slug),
        "authors": ["Ann Lee", "Bo Chen"],
        "section": section,
        "tags": ["Budget", "City Hall"],
        "lang": "en",
        "published": published,
    })
}

/// Three published articles (World, Business, World), a draft and a
/// scheduled one, one with the editors' summary, one with summaries off,
/// and the hostile one (World, its own tag and author).
async fn seeded() -> Site {
    let s = site().await;
    s.create(article("first", "The First Story", "World", "2026-01-01T10:00:00Z")).await;
    let mut second = article("second", "The Second Story", "Business", "2026-01-02T10:00:00Z");
    second["summary_mode"] = "custom".into();
    second["summary"] = "The editors' own summary: short & to the point.".into();
    s.create(second).await;
    let mut third = article("third", "The Third Story", "World", "2026-01-03T10:00:00Z");
    third["summary_mode"] = "off".into();
    s.create(third).await;
    let mut draft = article("secret-draft", "Secret Draft", "World", "2026-01-02T12:00:00Z");
    draft["status"] = "draft".into();
    s.create(draft).await;
    let mut later = article("future-news", "Future News", "World", "2999-01-01T00:00:00Z");
    later["status"] = "scheduled".into();
    s.create(later).await;
    s.create(serde_json::json!({
        "slug": "hostile",
        "title": HOSTILE_TITLE,
        "standfirst": "A standfirst with <tags> & \"quotes\" 😀 中文 עברית.",
        "body": HOSTILE_BODY,
        "authors": ["Zoë <Z> O'Brien"],
        "section": "World",
        "tags": ["Q&A <test>"],
        "lang": "en",
        "published": "2026-01-04T10:00:00Z",
        "updated": "2026-01-05T08:30:00Z",
        "lead_image": "https://img.example.org/lead.jpg",
        "lead_image_alt": "A lead image",
    }))
    .await;
    s
}

fn parse(r: &Res) -> feed_rs::model::Feed {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    if !r.body.starts_with('{') {
        // Well-formed XML, whatever feed-rs would forgive.
        assert_eq!(r.body.matches("<?xml").count(), 1, "one XML declaration: {}", r.body);
        assert!(r.body.starts_with("<?xml"), "{}", r.body);
        xml_elements(&r.body);
    }
    feed_rs::parser::parse(r.body.as_bytes()).unwrap_or_else(|e| panic!("feed-rs cannot read it ({e}):\n{}", r.body))
}

fn text(t: &Option<feed_rs::model::Text>) -> String {
    t.as_ref().map(|t| t.content.clone()).unwrap_or_default()
}

/// What `<` and `&` as written in an RSS description (HTML) read as.
fn unescape_html(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

const FEEDS: [(&str, &str); 3] = [
    ("rss.xml", "application/rss+xml; charset=utf-8"),
    ("atom.xml", "application/atom+xml; charset=utf-8"),
    ("feed.json", "application/feed+json; charset=utf-8"),
];

#[tokio::test]
async fn every_feed_parses_back_with_its_items_newest_first_and_nothing_unpublished() {
    let s = seeded().await;
    for (base, expected) in [
        ("", vec!["hostile", "third", "second", "first"]),
        ("/sections/world", vec!["hostile", "third", "first"]),
        ("/sections/business", vec!["second"]),
        ("/tags/budget", vec!["third", "second", "first"]),
        ("/tags/q-a-test", vec!["hostile"]),
        ("/authors/ann-lee", vec!["third", "second", "first"]),
    ] {
        for (file, content_type) in FEEDS {
            let url = format!("{base}/{file}");
            let r = s.get(&url).await;
            assert_eq!(r.headers[header::CONTENT_TYPE], content_type, "{url}");
            let feed = parse(&r);
            let links: Vec<String> =
                feed.entries.iter().map(|e| e.links.first().map(|l| l.href.clone()).unwrap_or_default()).collect();
            let wanted: Vec<String> = expected.iter().map(|slug| format!("{ORIGIN}/articles/{slug}")).collect();
            assert_eq!(links, wanted, "{url}");
            assert!(!r.body.contains("Secret Draft") && !r.body.contains("Future News"), "{url}");
            assert!(text(&feed.title).starts_with("Daily & \"Co\""), "{url}: {:?}", feed.title);
        }
    }
    assert!(text(&parse(&s.get("/tags/budget/atom.xml").await).title).contains("tagged “Budget”"));
}

#[tokio::test]
async fn items_carry_every_field_in_every_format() {
    let s = seeded().await;
    for (file, _) in FEEDS {
        let feed = parse(&s.get(&format!("/sections/business/{file}")).await);
        let e = &feed.entries[0];
        assert_eq!(text(&e.title), "The Second Story", "{file}");
        assert_eq!(e.links[0].href, format!("{ORIGIN}/articles/second"), "{file}");
        assert_eq!(e.published.unwrap().to_rfc3339(), "2026-01-02T10:00:00+00:00", "{file}");
        if file != "rss.xml" {
            // RSS 2.0 has no update time of its own.
            assert!(e.updated.unwrap() >= e.published.unwrap(), "{file}");
        }
        let authors: Vec<String> = e.authors.iter().map(|p| p.name.clone().unwrap_or_default()).collect();
        assert_eq!(authors, ["Ann Lee", "Bo Chen"], "{file}");
        if file == "atom.xml" {
            assert_eq!(e.authors[0].uri.as_deref(), Some("https://news.example.org/authors/ann-lee"));
        }
        let categories: Vec<String> =
            e.categories.iter().map(|c| c.label.clone().unwrap_or_else(|| c.term.clone())).collect();
        assert_eq!(categories, ["Business", "Budget", "City Hall"], "{file}");
        // The editors' own summary, as plain text.
        let summary = text(&e.summary);
        let summary = if file == "rss.xml" { unescape_html(&summary) } else { summary };
        assert_eq!(summary, "The editors' own summary: short & to the point.", "{file}");
        let content = e.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default();
        assert!(content.contains("The second committee met on Monday"), "{file}: {content}");
        assert!(content.contains("<p>"), "the body is HTML: {content}");
        assert!(!content.contains("class=\"s\"") && !content.contains("id=\"s-"), "no sentence anchors: {content}");
    }
    // The automatic summary where there is no custom one, nothing where it is off.
    for (file, _) in FEEDS {
        let feed = parse(&s.get(&format!("/sections/world/{file}")).await);
        let by = |slug: &str| {
            feed.entries.iter().find(|e| e.links[0].href.ends_with(&format!("/{slug}"))).unwrap().summary.clone()
        };
        let auto = text(&by("first"));
        assert!(auto.starts_with("The first committee met on Monday"), "{file}: {auto}");
        assert!(!auto.contains('<'), "plain text: {auto}");
        assert!(by("third").is_none(), "{file}: summaries switched off");
    }
}

#[tokio::test]
async fn hostile_text_comes_back_exactly_in_every_format() {
    let s = seeded().await;
    for (file, _) in FEEDS {
        let r = s.get(&format!("/tags/q-a-test/{file}")).await;
        assert!(!r.body.contains("<b>\"quoted\"</b>") || file == "feed.json", "{file}: raw markup in XML");
        let feed = parse(&r);
        let e = &feed.entries[0];
        assert_eq!(text(&e.title), HOSTILE_TITLE, "{file}");
        assert_eq!(e.authors[0].name.as_deref(), Some("Zoë <Z> O'Brien"), "{file}");
        let content = e.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default();
        // The body is sanitized HTML: the author's <i> stays as markup, the
        // comparison sign and ampersand as references, the rest as is.
        for piece in ["<i>this</i>", "5 &lt; 7 &amp; agreed", "😀", "中文句子在这里", "שלום עולם", "مرحبا بالعالم"]
        {
            assert!(content.contains(piece), "{file}: {piece} in {content}");
        }
        let summary = text(&e.summary);
        let summary = if file == "rss.xml" { unescape_html(&summary) } else { summary };
        assert!(summary.contains("Tom & Jerry wrote this with \"double\""), "{file}: {summary}");
        let tags: Vec<String> =
            e.categories.iter().map(|c| c.label.clone().unwrap_or_else(|| c.term.clone())).collect();
        assert_eq!(tags, ["World", "Q&A <test>"], "{file}");
    }
    let rss = s.get("/tags/q-a-test/rss.xml").await.body;
    assert!(
        rss.contains("<atom:link href=\"https://news.example.org/tags/q-a-test/rss.xml\" rel=\"self\" type=\"application/rss+xml\""),
        "{rss}"
    );
    let json: serde_json::Value = serde_json::from_str(&s.get("/feed.json").await.body).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["feed_url"], format!("{ORIGIN}/feed.json"));
    assert_eq!(json["items"][0]["image"], "https://img.example.org/lead.jpg");
    assert_eq!(json["items"][0]["date_modified"], "2026-01-05T08:30:00Z");
    assert_eq!(json["items"][0]["language"], "en");
}

#[tokio::test]
async fn conditional_gets_get_304_by_etag_or_by_date() {
    let s = seeded().await;
    for (file, _) in FEEDS {
        let url = format!("/{file}");
        let r = s.get(&url).await;
        let etag = r.headers[header::ETAG].to_str().unwrap().to_owned();
        let modified = r.headers[header::LAST_MODIFIED].to_str().unwrap().to_owned();
        // The newest change among the items: the hostile article's update.
        assert_eq!(modified, "Mon, 05 Jan 2026 08:30:00 GMT");
        let with = |name: header::HeaderName, value: &str| {
            Request::get(url.as_str()).header(name, value).body(Body::empty()).unwrap()
        };
        let again = s.send(with(header::IF_NONE_MATCH, &etag)).await;
        assert_eq!((again.status, again.body.as_str()), (StatusCode::NOT_MODIFIED, ""), "{url}");
        assert_eq!(s.send(with(header::IF_MODIFIED_SINCE, &modified)).await.status, StatusCode::NOT_MODIFIED);
        let earlier = s.send(with(header::IF_MODIFIED_SINCE, "Sun, 04 Jan 2026 08:30:00 GMT")).await;
        assert_eq!(earlier.status, StatusCode::OK);
        assert_eq!(s.send(with(header::IF_NONE_MATCH, "\"other\"")).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_write_refreshes_the_feeds_that_show_it_and_no_other() {
    let s = seeded().await;
    let business = s.get("/sections/business/atom.xml").await.body;
    let world = s.get("/sections/world/atom.xml").await.body;
    let site = s.get("/atom.xml").await.body;
    let renders = s.state.cache_stats().renders;
    // Unchanged: served from the cache.
    assert_eq!(s.get("/sections/business/atom.xml").await.body, business);
    assert_eq!(s.state.cache_stats().renders, renders);
    // A World article is edited: the World and site feeds change, Business is kept.
    let mut first = article("first", "The First Story, Corrected", "World", "2026-01-01T10:00:00Z");
    first["updated"] = "2026-01-06T10:00:00Z".into();
    s.write("PUT", "/api/articles/first", &first).await;
    let renders = s.state.cache_stats().renders;
    assert_eq!(s.get("/sections/business/atom.xml").await.body, business);
    assert_eq!(s.state.cache_stats().renders, renders, "the Business feed was not touched");
    let world2 = s.get("/sections/world/atom.xml").await.body;
    assert_ne!(world2, world);
    assert!(world2.contains("The First Story, Corrected"));
    assert!(s.get("/atom.xml").await.body.contains("The First Story, Corrected"));
    assert_ne!(s.get("/atom.xml").await.body, site);
    assert!(s.get("/tags/budget/rss.xml").await.body.contains("The First Story, Corrected"));
    assert!(s.get("/authors/bo-chen/feed.json").await.body.contains("The First Story, Corrected"));
    // Unpublished: gone from its feeds.
    let mut back = first.clone();
    back["status"] = "draft".into();
    s.write("PUT", "/api/articles/first", &back).await;
    for url in ["/sections/world/atom.xml", "/rss.xml", "/tags/budget/feed.json", "/authors/ann-lee/rss.xml"] {
        assert!(!s.get(url).await.body.contains("The First Story"), "{url}");
    }
}

#[tokio::test]
async fn an_empty_site_has_empty_feeds_without_a_date() {
    let s = site().await;
    for (file, _) in FEEDS {
        let r = s.get(&format!("/{file}")).await;
        assert!(parse(&r).entries.is_empty(), "{file}");
        assert!(r.headers.get(header::LAST_MODIFIED).is_none(), "{file}");
    }
}

#[tokio::test]
async fn a_feed_holds_the_newest_fifty() {
    let s = site().await;
    for i in 0..55 {
        let mut a = article(&format!("story-{i:02}"), &format!("Story {i}"), "World", "2026-01-01T10:00:00Z");
        a["published"] = format!("2026-01-01T10:{i:02}:00Z").into();
        a["body"] = format!("Story number {i} is short. It has two sentences.").into();
        s.create(a).await;
    }
    for (file, _) in FEEDS {
        let feed = parse(&s.get(&format!("/sections/world/{file}")).await);
        assert_eq!(feed.entries.len(), 50, "{file}");
        assert_eq!(text(&feed.entries[0].title), "Story 54");
        assert_eq!(text(&feed.entries[49].title), "Story 5");
    }
}

#[tokio::test]
async fn pages_name_their_feeds_and_unknown_feeds_are_404() {
    let s = seeded().await;
    for url in ["/", "/articles/first", "/search?q=budget"] {
        let b = s.get(url).await.body;
        for (file, _) in FEEDS {
            assert!(b.contains("rel=\"alternate\" type=\""), "{url}");
            assert!(b.contains(&format!("href=\"/{file}\"")), "{url}: {file}");
        }
        assert!(
            b.contains("title=\"Daily &#38; &#34;Co&#34; (RSS)\"")
                || b.contains("title=\"Daily &amp; &quot;Co&quot; (RSS)\""),
            "{url}: escaped title"
        );
    }
    let b = s.get("/sections/world").await.body;
    assert!(b.contains("type=\"application/atom+xml\"") && b.contains("href=\"/sections/world/atom.xml\""));
    assert!(s.get("/tags/budget").await.body.contains("href=\"/tags/budget/feed.json\""));
    assert!(s.get("/authors/ann-lee").await.body.contains("href=\"/authors/ann-lee/rss.xml\""));
    for url in
        ["/sections/nowhere/rss.xml", "/sections/world/feed.xml", "/tags/secret/atom.xml", "/authors/x/feed.json"]
    {
        assert_eq!(s.get(url).await.status, StatusCode::NOT_FOUND, "{url}");
    }
}

// ---- Sitemaps and robots.txt ----

/// Reads a whole XML document (failing on anything malformed: unclosed or
/// mismatched tags, bad references) and gives each element's name with its
/// text, unescaped, in document order.
fn xml_elements(xml: &str) -> Vec<(String, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("malformed XML ({e}):\n{xml}")) {
            Event::Start(e) => stack.push((e.name().into_inner().to_owned(), String::new())),
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.1.push_str(&t[..]);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    top.1.push_str(&format!("&{};", &r[..]));
                }
            }
            Event::End(_) => {
                let (name, raw) = stack.pop().expect("an end tag closes an open one");
                out.push((name, quick_xml::escape::unescape(raw.trim()).unwrap().into_owned()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    out
}

fn texts(elements: &[(String, String)], name: &str) -> Vec<String> {
    elements.iter().filter(|(n, _)| n == name).map(|(_, t)| t.clone()).collect()
}

#[tokio::test]
async fn robots_names_the_sitemap_index_and_the_index_its_pages() {
    let s = seeded().await;
    let r = s.get("/robots.txt").await;
    assert_eq!(r.headers[header::CONTENT_TYPE], "text/plain; charset=utf-8");
    assert!(r.body.contains("\nSitemap: https://news.example.org/sitemap.xml\n"), "{}", r.body);
    assert!(r.body.starts_with("User-agent: *\n") && r.body.contains("Disallow: /api/"), "{}", r.body);
    let r = s.get("/sitemap.xml").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/xml; charset=utf-8");
    assert!(r.body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(r.body.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    let e = xml_elements(&r.body);
    assert_eq!(
        texts(&e, "loc"),
        [
            "https://news.example.org/sitemaps/articles-1.xml",
            "https://news.example.org/sitemaps/listings-1.xml",
            "https://news.example.org/sitemaps/news.xml"
        ]
    );
    // The newest change among the articles of the page.
    assert_eq!(texts(&e, "lastmod")[0], "2026-01-05T08:30:00Z");
    // Conditional GET through the cache.
    let etag = r.headers[header::ETAG].to_str().unwrap();
    let again = s.send(Request::get("/sitemap.xml").header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap());
    assert_eq!(again.await.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn sitemap_pages_list_every_public_address_and_nothing_else() {
    let s = seeded().await;
    let r = s.get("/sitemaps/articles-1.xml").await;
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/xml; charset=utf-8");
    let e = xml_elements(&r.body);
    let locs = texts(&e, "loc");
    assert_eq!(
        locs,
        ["hostile", "third", "second", "first"].map(|slug| format!("https://news.example.org/articles/{slug}"))
    );
    assert_eq!(
        texts(&e, "lastmod"),
        ["2026-01-05T08:30:00Z", "2026-01-03T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-01T10:00:00Z"]
    );
    let e = xml_elements(&s.get("/sitemaps/listings-1.xml").await.body);
    let mut locs = texts(&e, "loc");
    locs.sort();
    let mut want: Vec<String> = [
        "/",
        "/sections/world",
        "/sections/business",
        "/tags/budget",
        "/tags/city-hall",
        "/tags/q-a-test",
        "/authors/ann-lee",
        "/authors/bo-chen",
        "/authors/zo%C3%AB-z-o-brien",
    ]
    .iter()
    .map(|p| format!("https://news.example.org{p}"))
    .collect();
    want.sort();
    assert_eq!(locs, want);
    for page in ["/sitemaps/articles-2.xml", "/sitemaps/listings-2.xml", "/sitemaps/articles-0.xml", "/sitemaps/x.xml"]
    {
        assert_eq!(s.get(page).await.status, StatusCode::NOT_FOUND, "{page}");
    }
    // Every listed address answers.
    for loc in texts(&xml_elements(&s.get("/sitemaps/articles-1.xml").await.body), "loc")
        .into_iter()
        .chain(texts(&xml_elements(&s.get("/sitemaps/listings-1.xml").await.body), "loc"))
    {
        let path = loc.strip_prefix(ORIGIN).unwrap();
        assert!(path.is_ascii(), "{path}");
        assert_eq!(s.get(path).await.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn the_news_sitemap_holds_the_last_two_days() {
    let s = seeded().await;
    let now = web::now();
    let at = |hours_ago: i64| {
        chrono::DateTime::from_timestamp(now - hours_ago * 3600, 0)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let mut recent = article("recent", HOSTILE_TITLE, "World", &at(1));
    recent["lang"] = "zh".into();
    s.create(recent).await;
    let yesterday = at(30);
    s.create(article("yesterday", "Yesterday's news", "Business", &yesterday)).await;
    s.create(article("older", "Older news", "Business", &at(50))).await;
    let mut draft = article("recent-draft", "Recent draft", "World", &at(2));
    draft["status"] = "draft".into();
    s.create(draft).await;
    let mut soon = article("soon", "Coming soon", "World", &at(-2));
    soon["status"] = "scheduled".into();
    s.create(soon).await;
    let r = s.get("/sitemaps/news.xml").await;
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/xml; charset=utf-8");
    assert!(r.body.contains("xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\""));
    let e = xml_elements(&r.body);
    assert_eq!(
        texts(&e, "loc"),
        ["https://news.example.org/articles/recent", "https://news.example.org/articles/yesterday"]
    );
    assert_eq!(texts(&e, "news:title"), [HOSTILE_TITLE, "Yesterday's news"]);
    assert_eq!(texts(&e, "news:name"), ["Daily & \"Co\"", "Daily & \"Co\""]);
    assert_eq!(texts(&e, "news:language"), ["zh-cn", "en"]);
    assert_eq!(texts(&e, "news:publication_date")[1], yesterday);
    // They are in the other sitemaps too, the draft and the scheduled one nowhere.
    let all = s.get("/sitemaps/articles-1.xml").await.body;
    assert!(all.contains("/articles/recent<") && all.contains("/articles/older<"));
    for body in [all, r.body] {
        assert!(!body.contains("recent-draft") && !body.contains("/soon"));
    }
}

// ---- Link previews ----

/// Text as askama escapes it, read back.
fn unescape_attr(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').map(|e| i + e).expect("a reference ends with ;");
        let name = &rest[i + 1..end];
        out.push(match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            n if n.starts_with("#x") => char::from_u32(u32::from_str_radix(&n[2..], 16).unwrap()).unwrap(),
            n if n.starts_with('#') => char::from_u32(n[1..].parse().unwrap()).unwrap(),
            n => panic!("unknown reference &{n};"),
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The `content` of every `<meta property|name="{key}">` in the head, unescaped.
fn metas(html: &str, key: &str) -> Vec<String> {
    let head = &html[..html.find("</head>").expect("a head")];
    let mut out = Vec::new();
    for attr in ["property", "name"] {
        let open = format!("<meta {attr}=\"{key}\" content=\"");
        let mut rest = head;
        while let Some(i) = rest.find(&open) {
            let value = &rest[i + open.len()..];
            let end = value.find('"').expect("a closing quote");
            out.push(unescape_attr(&value[..end]));
            rest = &value[end..];
        }
    }
    out
}

/// The JSON-LD blocks of a page, each checked to hold no `<` (so nothing in
/// it can end its element early) and parsed.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    let open = "<script type=\"application/ld+json\">";
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        let inside = &rest[i + open.len()..];
        let end = inside.find("</script>").expect("closed");
        let text = &inside[..end];
        assert!(!text.contains('<') && !text.contains('>'), "raw markup in JSON-LD: {text}");
        out.push(serde_json::from_str(text).unwrap_or_else(|e| panic!("JSON-LD does not parse ({e}): {text}")));
        rest = &inside[end..];
    }
    out
}

#[tokio::test]
async fn an_article_page_previews_itself_with_everything_escaped() {
    let s = seeded().await;
    let r = s.get("/articles/hostile").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = &r.body;
    // A hostile title cannot end the title, a meta tag or a script early.
    assert!(!html.contains("</script> 😀"), "the title's </script> is escaped everywhere");
    assert_eq!(html.matches("<script").count(), html.matches("</script>").count());
    let url = "https://news.example.org/articles/hostile";
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")));
    let one = |key: &str| {
        let v = metas(html, key);
        assert_eq!(v.len(), 1, "{key}: {v:?}");
        v[0].clone()
    };
    assert_eq!(one("og:type"), "article");
    assert_eq!(one("og:title"), HOSTILE_TITLE);
    assert_eq!(one("twitter:title"), HOSTILE_TITLE);
    assert_eq!(one("og:site_name"), "Daily & \"Co\"");
    assert_eq!(one("og:url"), url);
    assert_eq!(one("og:image"), "https://img.example.org/lead.jpg");
    assert_eq!(one("og:image:alt"), "A lead image");
    assert_eq!(one("twitter:card"), "summary_large_image");
    assert_eq!(one("twitter:image"), "https://img.example.org/lead.jpg");
    assert_eq!(one("article:published_time"), "2026-01-04T10:00:00Z");
    assert_eq!(one("article:modified_time"), "2026-01-05T08:30:00Z");
    assert_eq!(one("article:section"), "World");
    assert_eq!(metas(html, "article:tag"), ["Q&A <test>"]);
    assert_eq!(metas(html, "article:author"), ["https://news.example.org/authors/zo%C3%AB-z-o-brien"]);
    let description = one("og:description");
    assert!(description.starts_with("Tom & Jerry wrote this with \"double\""), "the short summary: {description}");
    assert_eq!(one("twitter:description"), description);

    let ld = json_ld(html);
    assert_eq!(ld.len(), 2);
    let (article, crumbs) = (&ld[0], &ld[1]);
    assert_eq!(article["@context"], "https://schema.org");
    assert_eq!(article["@type"], "NewsArticle");
    assert_eq!(article["headline"], HOSTILE_TITLE);
    assert_eq!(article["description"], description.as_str());
    assert_eq!(article["datePublished"], "2026-01-04T10:00:00Z");
    assert_eq!(article["dateModified"], "2026-01-05T08:30:00Z");
    assert_eq!(article["author"][0]["@type"], "Person");
    assert_eq!(article["author"][0]["name"], "Zoë <Z> O'Brien");
    assert_eq!(article["author"][0]["url"], "https://news.example.org/authors/zo%C3%AB-z-o-brien");
    assert_eq!(article["publisher"]["name"], "Daily & \"Co\"");
    assert_eq!(article["publisher"]["url"], "https://news.example.org/");
    assert_eq!(article["image"][0], "https://img.example.org/lead.jpg");
    assert_eq!(article["inLanguage"], "en");
    assert_eq!(article["articleSection"], "World");
    assert_eq!(article["keywords"][0], "Q&A <test>");
    assert_eq!(article["mainEntityOfPage"]["@id"], url);
    assert_eq!(crumbs["@type"], "BreadcrumbList");
    let items = crumbs["itemListElement"].as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Daily & \"Co\"", "World", HOSTILE_TITLE]);
    assert_eq!(items[1]["item"], "https://news.example.org/sections/world");
    assert_eq!(items[2]["item"], url);
    assert_eq!(items[2]["position"], 3);
}

#[tokio::test]
async fn previews_follow_the_article_summary_image_and_canonical_url() {
    let s = seeded().await;
    // The editors' summary; no image: a small card, no image tags.
    let html = s.get("/articles/second").await.body;
    assert_eq!(metas(&html, "og:description"), ["The editors' own summary: short & to the point."]);
    assert_eq!(metas(&html, "twitter:card"), ["summary"]);
    assert!(metas(&html, "og:image").is_empty() && json_ld(&html)[0].get("image").is_none());
    assert_eq!(metas(&html, "article:tag"), ["Budget", "City Hall"]);
    assert_eq!(metas(&html, "article:author").len(), 2);
    // Summaries off: the standfirst.
    let html = s.get("/articles/third").await.body;
    assert_eq!(metas(&html, "og:description"), ["Standfirst of The Third Story."]);
    assert_eq!(json_ld(&html)[0]["description"], "Standfirst of The Third Story.");
    // An article's own canonical URL wins; a lead image given as a path is made absolute.
    let mut own = article("syndicated", "Syndicated", "World", "2026-01-05T10:00:00Z");
    own["canonical_url"] = "https://origin.example.com/story?id=1&x=2".into();
    own["lead_image"] = "/media/lead.jpg".into();
    s.create(own).await;
    let html = s.get("/articles/syndicated").await.body;
    assert!(
        html.contains("<link rel=\"canonical\" href=\"https://origin.example.com/story?id=1&#38;x=2\">")
            || html.contains("<link rel=\"canonical\" href=\"https://origin.example.com/story?id=1&amp;x=2\">"),
        "{html}"
    );
    assert_eq!(metas(&html, "og:url"), ["https://origin.example.com/story?id=1&x=2"]);
    assert_eq!(json_ld(&html)[0]["mainEntityOfPage"]["@id"], "https://origin.example.com/story?id=1&x=2");
    assert_eq!(metas(&html, "og:image"), ["https://news.example.org/media/lead.jpg"]);
}
