//! Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the whole site and of
//! each section, tag and author (`/rss.xml`, `/atom.xml`, `/feed.json`,
//! and `/sections/{slug}/rss.xml` and so on), written with the `rss` and
//! `atom_syndication` crates and serde.
//!
//! Each holds the newest [`ITEMS`] public articles: title, absolute link,
//! publication and update times, authors, categories (the section, then the
//! tags), the short summary as plain text (the editors' own where there is
//! one, nothing where summaries are off) and the sanitized body as content.
//! Feeds go through the page cache with what they list as their [`Dep`]s,
//! so a write refreshes exactly the feeds that show it; they carry an
//! `ETag` and a `Last-Modified` (the newest change among their items), and
//! a conditional GET gets 304.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use store::{Article, Visibility};

use crate::cache::{Cached, Conditional, Dep, Miss, Outcome, failed};
use crate::{AppState, now};

/// How many articles a feed holds.
pub const ITEMS: u32 = 50;

/// A feed's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    pub(crate) const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    /// The feed's file name, after the listing's address.
    pub(crate) fn file(self) -> &'static str {
        match self {
            Format::Rss => "rss.xml",
            Format::Atom => "atom.xml",
            Format::Json => "feed.json",
        }
    }

    fn from_file(file: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.file() == file)
    }

    /// The media type it is served as (and named by in `<link rel="alternate">`).
    pub(crate) fn mime(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
            Format::Json => "application/feed+json",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Format::Rss => "RSS",
            Format::Atom => "Atom",
            Format::Json => "JSON Feed",
        }
    }
}

/// What a feed lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    Site,
    Section,
    Tag,
    Author,
    /// The daily briefing: an item a day.
    Briefing,
}

impl Scope {
    /// The listing's address (`/sections/world`), which its feeds follow.
    pub(crate) fn base(self, slug: &str) -> String {
        match self {
            Scope::Site => String::new(),
            Scope::Section => format!("/sections/{slug}"),
            Scope::Tag => format!("/tags/{slug}"),
            Scope::Author => format!("/authors/{slug}"),
            Scope::Briefing => "/briefing".to_owned(),
        }
    }

    fn dep(self, slug: &str) -> Dep {
        match self {
            Scope::Site | Scope::Briefing => Dep::Listing,
            Scope::Section => Dep::Section(slug.to_owned()),
            Scope::Tag => Dep::Tag(slug.to_owned()),
            Scope::Author => Dep::Author(slug.to_owned()),
        }
    }

    fn key(self) -> &'static str {
        match self {
            Scope::Site => "site",
            Scope::Section => "section",
            Scope::Tag => "tag",
            Scope::Author => "author",
            Scope::Briefing => "briefing",
        }
    }
}

/// A `<link rel="alternate">` of a page's head.
pub struct FeedLink {
    pub title: String,
    pub href: String,
    pub mime: &'static str,
}

/// The three feeds of a listing, for its page's head. `name` is what the
/// feed's title says after the site's name ("World", "Tagged “Budget”").
pub(crate) fn links(site: &str, scope: Scope, slug: &str, name: Option<&str>) -> Vec<FeedLink> {
    let base = scope.base(slug);
    Format::ALL
        .into_iter()
        .map(|f| FeedLink {
            title: match name {
                Some(n) => format!("{site}: {n} ({})", f.label()),
                None => format!("{site} ({})", f.label()),
            },
            href: format!("{base}/{}", f.file()),
            mime: f.mime(),
        })
        .collect()
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rss.xml", get(|st, c| site_feed(st, Format::Rss, c)))
        .route("/atom.xml", get(|st, c| site_feed(st, Format::Atom, c)))
        .route("/feed.json", get(|st, c| site_feed(st, Format::Json, c)))
        .route("/briefing/rss.xml", get(|st, c| briefing_feed(st, Format::Rss, c)))
        .route("/briefing/atom.xml", get(|st, c| briefing_feed(st, Format::Atom, c)))
        .route("/briefing/feed.json", get(|st, c| briefing_feed(st, Format::Json, c)))
        .route("/sections/{section}/{file}", get(|st, p, c| listing_feed(st, Scope::Section, p, c)))
        .route("/tags/{tag}/{file}", get(|st, p, c| listing_feed(st, Scope::Tag, p, c)))
        .route("/authors/{author}/{file}", get(|st, p, c| listing_feed(st, Scope::Author, p, c)))
}

async fn site_feed(State(state): State<AppState>, format: Format, c: Conditional) -> Response {
    feed(state, Scope::Site, String::new(), format, c).await
}

async fn briefing_feed(State(state): State<AppState>, format: Format, c: Conditional) -> Response {
    feed(state, Scope::Briefing, String::new(), format, c).await
}

type FeedPath = Result<Path<(String, String)>, axum::extract::rejection::PathRejection>;

async fn listing_feed(State(state): State<AppState>, scope: Scope, path: FeedPath, c: Conditional) -> Response {
    let Ok(Path((slug, file))) = path else {
        return crate::pages::not_found(&state, "There is nothing at this address.").await;
    };
    match Format::from_file(&file) {
        Some(format) if slug.len() <= 200 => feed(state, scope, slug, format, c).await,
        _ => crate::pages::not_found(&state, "There is nothing at this address.").await,
    }
}

async fn feed(state: AppState, scope: Scope, slug: String, format: Format, c: Conditional) -> Response {
    let key = format!("feed:{}:{slug}:{}", scope.key(), format.file());
    let deps = || vec![scope.dep(&slug)];
    let render = || {
        let (st, slug) = (state.clone(), slug.clone());
        async move { render(&st, scope, &slug, format).await }
    };
    match state.cached(&key, deps, render).await {
        Outcome::Found(item) => item.respond_to(&c),
        Outcome::NotFound(_) => crate::pages::not_found(&state, "There is no feed at this address.").await,
        Outcome::Failed => crate::pages::internal("a feed failed"),
    }
}

/// What every format writes: the feed's own data.
struct Meta {
    title: String,
    description: String,
    /// The listing's page (absolute).
    home: String,
    /// This feed (absolute).
    url: String,
    /// The newest change among the items (Unix seconds).
    updated: i64,
}

/// One item, as every format writes it.
pub(crate) struct Item {
    pub(crate) url: String,
    pub(crate) title: String,
    pub(crate) published: i64,
    pub(crate) updated: i64,
    /// Name and absolute address of each author.
    pub(crate) authors: Vec<(String, String)>,
    /// The section, then the tags: (slug, name).
    pub(crate) categories: Vec<(String, String)>,
    pub(crate) summary: Option<String>,
    pub(crate) content: String,
    pub(crate) lang: String,
    pub(crate) image: Option<String>,
}

async fn render(state: &AppState, scope: Scope, slug: &str, format: Format) -> Result<Cached, Miss> {
    let now = now();
    let store = state.store();
    let site = &state.site().name;
    if scope == Scope::Briefing {
        let items = crate::briefing::feed_items(state, now).await?;
        let (title, description) = (format!("{site}: daily briefing"), format!("Each day's articles from {site}."));
        return write(state, scope, slug, format, title, description, items);
    }
    let (title, description) = match scope {
        Scope::Site => (site.clone(), format!("The latest articles from {site}.")),
        _ => {
            let name = match scope {
                Scope::Section => store.section_name(slug, now).await,
                Scope::Tag => store.tag_name(slug, now).await,
                _ => store.author_name(slug, now).await,
            }
            .map_err(failed)?;
            let Some(name) = name else { return Err(Miss::NotFound(None)) };
            match scope {
                Scope::Section => (format!("{site}: {name}"), format!("The latest articles in {name}, from {site}.")),
                Scope::Tag => {
                    (format!("{site}: tagged “{name}”"), format!("The latest articles tagged “{name}”, from {site}."))
                }
                _ => (format!("{site}: {name}"), format!("The latest articles by {name}, from {site}.")),
            }
        }
    };
    let mut query = crate::pages::public_list(now, ITEMS);
    match scope {
        Scope::Site | Scope::Briefing => {}
        Scope::Section => query.section = Some(slug.to_owned()),
        Scope::Tag => query.tag = Some(slug.to_owned()),
        Scope::Author => query.author = Some(slug.to_owned()),
    }
    let cards = store.list_articles(&query).await.map_err(failed)?.items;
    let mut items = Vec::with_capacity(cards.len());
    for card in cards {
        // Read under the same rule as the list: one unpublished or deleted
        // meanwhile is left out.
        if let Some(a) = store.article(&card.slug, Visibility::PublicAt(now)).await.map_err(failed)? {
            items.push(item(state, &a));
        }
    }
    write(state, scope, slug, format, title, description, items)
}

/// The feed of `items` in `format`, with its `Last-Modified`.
fn write(
    state: &AppState,
    scope: Scope,
    slug: &str,
    format: Format,
    title: String,
    description: String,
    items: Vec<Item>,
) -> Result<Cached, Miss> {
    let base = scope.base(slug);
    let meta = Meta {
        title,
        description,
        home: absolute(state, if base.is_empty() { "/" } else { &base }),
        url: absolute(state, &format!("{base}/{}", format.file())),
        updated: items.iter().map(|i| i.updated).max().unwrap_or(0),
    };
    let body = match format {
        Format::Rss => rss(&meta, &items).map_err(failed)?,
        Format::Atom => atom(&meta, &items).map_err(failed)?,
        Format::Json => json(&meta, &items).map_err(failed)?,
    };
    let cached = Cached::new(body, format.content_type());
    Ok(if meta.updated > 0 { cached.modified_at(meta.updated) } else { cached })
}

fn item(state: &AppState, a: &Article) -> Item {
    let published = a.published_at.unwrap_or(a.updated_at);
    let mut categories = vec![(a.section.slug.clone(), a.section.name.clone())];
    categories.extend(a.tags.iter().map(|t| (t.slug.clone(), t.name.clone())));
    Item {
        url: absolute(state, &format!("/articles/{}", a.slug)),
        title: a.title.clone(),
        published,
        updated: a.updated_at.max(published),
        authors: a.authors.iter().map(|p| (p.name.clone(), absolute(state, &format!("/authors/{}", p.slug)))).collect(),
        categories,
        summary: crate::pages::short_summary(a),
        content: content::render::without_anchors(&a.body_html),
        lang: a.lang.clone(),
        image: a.lead_image.as_deref().map(|i| absolute_or_as_is(state, i)),
    }
}

/// The absolute address of a path on the site, with every byte a URL
/// cannot hold as is (non-ASCII letters of a tag's or author's slug,
/// spaces, `%`) percent-encoded.
pub(crate) fn absolute(state: &AppState, path: &str) -> String {
    state.site().public_url.absolute(&encode_path(path))
}

fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A link as written in an article (`/media/x.jpg` or `https://…`), made
/// absolute on the site's public URL when it is a path.
pub(crate) fn absolute_or_as_is(state: &AppState, link: &str) -> String {
    if link.starts_with('/') && !link.starts_with("//") {
        state.site().public_url.absolute(link)
    } else {
        link.to_owned()
    }
}

fn utc(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

fn fixed(t: i64) -> DateTime<FixedOffset> {
    utc(t).fixed_offset()
}

/// Plain text where RSS readers expect HTML (an item's description): its
/// `<` and `&` are written as references, so it reads back as the same text.
fn html_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

fn rss(meta: &Meta, items: &[Item]) -> Result<Vec<u8>, rss::Error> {
    use rss::extension::dublincore::DublinCoreExtension;
    // The feed's own address, as RSS readers and validators look for it:
    // `<atom:link rel="self">` (written by hand: the `rss` crate's Atom
    // support would bring in builders the rest of it does not need).
    let self_link = rss::extension::Extension {
        name: "atom:link".to_owned(),
        attrs: [("href", meta.url.as_str()), ("rel", "self"), ("type", Format::Rss.mime())]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        ..Default::default()
    };
    let channel = rss::Channel {
        namespaces: [("atom".to_owned(), "http://www.w3.org/2005/Atom".to_owned())].into(),
        extensions: [("atom".to_owned(), [("link".to_owned(), vec![self_link])].into())].into(),
        title: meta.title.clone(),
        link: meta.home.clone(),
        description: meta.description.clone(),
        last_build_date: Some(utc(meta.updated).to_rfc2822()),
        generator: Some("Newsdesk".to_owned()),
        items: items
            .iter()
            .map(|i| rss::Item {
                title: Some(i.title.clone()),
                link: Some(i.url.clone()),
                description: i.summary.as_deref().map(html_text),
                categories: i
                    .categories
                    .iter()
                    .map(|(_, name)| rss::Category { name: name.clone(), domain: None })
                    .collect(),
                guid: Some(rss::Guid { value: i.url.clone(), permalink: true }),
                pub_date: Some(utc(i.published).to_rfc2822()),
                content: Some(i.content.clone()),
                dublin_core_ext: Some(DublinCoreExtension {
                    creators: i.authors.iter().map(|(name, _)| name.clone()).collect(),
                    languages: vec![i.lang.clone()],
                    ..Default::default()
                }),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    // (`write_to` writes the XML declaration itself.)
    channel.write_to(Vec::new())
}

fn atom(meta: &Meta, items: &[Item]) -> Result<Vec<u8>, atom_syndication::Error> {
    use atom_syndication::{Category, Content, Entry, Feed, Generator, Link, Person, Text};
    let link = |href: &str, rel: &str, mime: Option<&str>| Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: mime.map(str::to_owned),
        ..Default::default()
    };
    let feed = Feed {
        title: Text::plain(meta.title.clone()),
        id: meta.url.clone(),
        updated: fixed(meta.updated),
        subtitle: Some(Text::plain(meta.description.clone())),
        generator: Some(Generator { value: "Newsdesk".to_owned(), ..Default::default() }),
        links: vec![
            link(&meta.url, "self", Some(Format::Atom.mime())),
            link(&meta.home, "alternate", Some("text/html")),
        ],
        entries: items
            .iter()
            .map(|i| Entry {
                title: Text { lang: Some(i.lang.clone()), ..Text::plain(i.title.clone()) },
                id: i.url.clone(),
                updated: fixed(i.updated),
                published: Some(fixed(i.published)),
                authors: i
                    .authors
                    .iter()
                    .map(|(name, uri)| Person { name: name.clone(), uri: Some(uri.clone()), ..Default::default() })
                    .collect(),
                categories: i
                    .categories
                    .iter()
                    .map(|(slug, name)| Category { term: slug.clone(), label: Some(name.clone()), scheme: None })
                    .collect(),
                links: vec![link(&i.url, "alternate", Some("text/html"))],
                summary: i.summary.clone().map(|s| Text { lang: Some(i.lang.clone()), ..Text::plain(s) }),
                content: Some(Content {
                    value: Some(i.content.clone()),
                    content_type: Some("html".to_owned()),
                    lang: Some(i.lang.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    // (`write_to` writes the XML declaration itself.)
    feed.write_to(Vec::new())
}

/// JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>).
#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    description: &'a str,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    date_published: String,
    date_modified: String,
    authors: Vec<JsonAuthor<'a>>,
    tags: Vec<&'a str>,
    language: &'a str,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
    url: &'a str,
}

fn json(meta: &Meta, items: &[Item]) -> Result<Vec<u8>, serde_json::Error> {
    let rfc3339 = |t: i64| utc(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    serde_json::to_vec(&JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &meta.title,
        home_page_url: &meta.home,
        feed_url: &meta.url,
        description: &meta.description,
        items: items
            .iter()
            .map(|i| JsonItem {
                id: &i.url,
                url: &i.url,
                title: &i.title,
                content_html: &i.content,
                summary: i.summary.as_deref(),
                image: i.image.as_deref(),
                date_published: rfc3339(i.published),
                date_modified: rfc3339(i.updated),
                authors: i.authors.iter().map(|(name, url)| JsonAuthor { name, url }).collect(),
                tags: i.categories.iter().map(|(_, name)| name.as_str()).collect(),
                language: &i.lang,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_types() {
        for f in Format::ALL {
            assert_eq!(Format::from_file(f.file()), Some(f));
            assert!(f.content_type().starts_with(f.mime()));
        }
        assert_eq!(Format::from_file("feed.xml"), None);
        assert_eq!(html_text("a < b & \"c\""), "a &lt; b &amp; \"c\"");
        let l = links("Site", Scope::Tag, "budget", Some("Tagged “Budget”"));
        assert_eq!(l[0].href, "/tags/budget/rss.xml");
        assert_eq!(l[2].title, "Site: Tagged “Budget” (JSON Feed)");
        assert_eq!(links("Site", Scope::Site, "", None)[1].href, "/atom.xml");
        assert_eq!(encode_path("/authors/zoë o%b"), "/authors/zo%C3%AB%20o%25b");
        assert_eq!(encode_path("/tags/q-a_test.~"), "/tags/q-a_test.~");
    }
}
