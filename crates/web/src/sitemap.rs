//! Sitemaps and robots.txt: `/sitemap.xml` (a sitemap index), its pages
//! `/sitemaps/articles-N.xml` (every public article with its `lastmod`) and
//! `/sitemaps/listings-N.xml` (home, sections, tags, authors), at most
//! [`MAX_URLS`] addresses each, the news sitemap `/sitemaps/news.xml` (the
//! last two days), and `/robots.txt` naming the index.
//!
//! They are written with quick-xml (so every text is escaped), hold absolute
//! addresses on the site's public URL and nothing unpublished, and go
//! through the page cache as whole-site listings ([`Dep::Listing`]): any
//! public write makes them stale. Articles are walked newest first with the
//! store's keyset pages ([`ListQuery::after`](store::ListQuery::after)), never with OFFSET.

use std::collections::BTreeMap;
use std::io;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use store::ArticleCard;

use crate::cache::{Cached, Dep, IfNoneMatch, Miss, Outcome, failed};
use crate::feeds::absolute;
use crate::{AppState, now};

/// The most addresses in one sitemap (the protocol's limit).
pub const MAX_URLS: usize = 50_000;
/// How far back the news sitemap goes, in seconds (two days).
pub const NEWS_WINDOW: i64 = 2 * 24 * 3600;
/// The most articles in the news sitemap (the limit news search engines set).
pub const NEWS_MAX: usize = 1000;

const XML: &str = "application/xml; charset=utf-8";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
/// Articles read per store query while walking the site.
const WALK_PAGE: u32 = 100;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(index))
        .route("/sitemaps/{file}", get(part))
}

async fn robots(State(state): State<AppState>) -> Response {
    let url = &state.site().public_url;
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /search\nDisallow: /admin\n\nSitemap: {}\n",
        url.absolute("/sitemap.xml")
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// Which sitemap a request names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Index,
    Articles(usize),
    Listings(usize),
    News,
}

impl Part {
    fn parse(file: &str) -> Option<Part> {
        if file == "news.xml" {
            return Some(Part::News);
        }
        let numbered = |prefix: &str| {
            let n = file.strip_prefix(prefix)?.strip_suffix(".xml")?;
            // No sign, no leading zero: one address per page.
            (!n.starts_with(['0', '+'])).then(|| n.parse::<usize>().ok()).flatten().filter(|&n| n >= 1)
        };
        numbered("articles-").map(Part::Articles).or_else(|| numbered("listings-").map(Part::Listings))
    }

    fn key(self) -> String {
        match self {
            Part::Index => "sitemap:index".to_owned(),
            Part::Articles(n) => format!("sitemap:articles:{n}"),
            Part::Listings(n) => format!("sitemap:listings:{n}"),
            Part::News => "sitemap:news".to_owned(),
        }
    }
}

async fn index(State(state): State<AppState>, inm: IfNoneMatch) -> Response {
    serve(state, Part::Index, inm).await
}

type FilePath = Result<Path<String>, axum::extract::rejection::PathRejection>;

async fn part(State(state): State<AppState>, file: FilePath, inm: IfNoneMatch) -> Response {
    match file.ok().and_then(|Path(f)| Part::parse(&f)) {
        Some(part) => serve(state, part, inm).await,
        None => crate::pages::not_found(&state, "There is no sitemap at this address.").await,
    }
}

async fn serve(state: AppState, part: Part, inm: IfNoneMatch) -> Response {
    let render = || {
        let st = state.clone();
        async move {
            let body = match part {
                Part::News => news(&st).await?,
                _ => {
                    let site = walk(&st).await?;
                    match part {
                        Part::Articles(n) => articles_page(&st, &site, n).ok_or(Miss::NotFound(None))?,
                        Part::Listings(n) => listings_page(&st, &site, n).ok_or(Miss::NotFound(None))?,
                        _ => sitemap_index(&st, &site),
                    }
                    .map_err(failed)?
                }
            };
            Ok(Cached::new(body, XML))
        }
    };
    match state.cached(&part.key(), || vec![Dep::Listing], render).await {
        Outcome::Found(item) => item.respond(inm.0.as_ref()),
        Outcome::NotFound(_) => crate::pages::not_found(&state, "There is no sitemap at this address.").await,
        Outcome::Failed => crate::pages::internal("a sitemap failed"),
    }
}

/// What the sitemaps list: every public article, newest first, with its
/// last change; and each section, tag and author with the last change
/// among its articles.
#[derive(Default)]
struct SiteWalk {
    articles: Vec<(String, i64)>,
    sections: BTreeMap<String, i64>,
    tags: BTreeMap<String, i64>,
    authors: BTreeMap<String, i64>,
}

impl SiteWalk {
    /// The listing pages: home, then the sections, tags and authors.
    fn listings(&self) -> Vec<(String, i64)> {
        let newest = self.articles.iter().map(|a| a.1).max().unwrap_or(0);
        let mut out = vec![("/".to_owned(), newest)];
        for (path, map) in [("sections", &self.sections), ("tags", &self.tags), ("authors", &self.authors)] {
            out.extend(map.iter().map(|(slug, t)| (format!("/{path}/{slug}"), *t)));
        }
        out
    }
}

/// Calls `each` on every public article's card, newest first, read with
/// keyset pages (never OFFSET), until it says to stop (`false`).
async fn each_public(state: &AppState, mut each: impl FnMut(&ArticleCard) -> bool) -> Result<(), Miss> {
    let mut query = crate::pages::public_list(now(), WALK_PAGE);
    loop {
        let page = state.store().list_articles(&query).await.map_err(failed)?;
        for card in &page.items {
            if !each(card) {
                return Ok(());
            }
        }
        match page.next {
            Some(next) if !page.items.is_empty() => query.after = Some(next),
            _ => return Ok(()),
        }
    }
}

/// Every public article, and the sections, tags and authors they make.
async fn walk(state: &AppState) -> Result<SiteWalk, Miss> {
    let mut site = SiteWalk::default();
    each_public(state, |card| {
        let changed = card.updated_at.max(card.published_at.unwrap_or(0));
        let note = |map: &mut BTreeMap<String, i64>, slug: &str| {
            let t = map.entry(slug.to_owned()).or_insert(changed);
            *t = (*t).max(changed);
        };
        note(&mut site.sections, &card.section.slug);
        for t in &card.tags {
            note(&mut site.tags, &t.slug);
        }
        for a in &card.authors {
            note(&mut site.authors, &a.slug);
        }
        site.articles.push((card.slug.clone(), changed));
        true
    })
    .await?;
    Ok(site)
}

/// How many sitemaps `count` addresses need (at least one).
fn pages_for(count: usize) -> usize {
    count.div_ceil(MAX_URLS).max(1)
}

/// The addresses of page `n` (1-based) of a list, if it exists; page 1
/// always does (empty when the list is).
fn page_of<T>(all: &[T], n: usize) -> Option<&[T]> {
    let start = (n - 1).checked_mul(MAX_URLS)?;
    if n > 1 && start >= all.len() {
        return None;
    }
    Some(&all[start.min(all.len())..(start + MAX_URLS).min(all.len())])
}

fn w3c(t: i64) -> String {
    crate::pages::iso(t)
}

fn start(decl_root: &str, w: &mut Writer<Vec<u8>>, news: bool) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut root = quick_xml::events::BytesStart::new(decl_root);
    root.push_attribute(("xmlns", SITEMAP_NS));
    if news {
        root.push_attribute(("xmlns:news", NEWS_NS));
    }
    w.write_event(Event::Start(root))
}

fn finish(root: &str, mut w: Writer<Vec<u8>>) -> io::Result<Vec<u8>> {
    w.write_event(Event::End(quick_xml::events::BytesEnd::new(root)))?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

fn sitemap_index(state: &AppState, site: &SiteWalk) -> io::Result<Vec<u8>> {
    let url = &state.site().public_url;
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    start("sitemapindex", &mut w, false)?;
    let entry = |w: &mut Writer<Vec<u8>>, loc: String, lastmod: Option<i64>| -> io::Result<()> {
        w.create_element("sitemap")
            .write_inner_content(|w| {
                w.create_element("loc").write_text_content(BytesText::new(&loc))?;
                if let Some(t) = lastmod.filter(|&t| t > 0) {
                    w.create_element("lastmod").write_text_content(BytesText::new(&w3c(t)))?;
                }
                Ok(())
            })
            .map(|_| ())
    };
    for n in 1..=pages_for(site.articles.len()) {
        let newest = page_of(&site.articles, n).and_then(|p| p.iter().map(|a| a.1).max());
        entry(&mut w, url.absolute(&format!("/sitemaps/articles-{n}.xml")), newest)?;
    }
    let listings = site.listings();
    for n in 1..=pages_for(listings.len()) {
        let newest = page_of(&listings, n).and_then(|p| p.iter().map(|a| a.1).max());
        entry(&mut w, url.absolute(&format!("/sitemaps/listings-{n}.xml")), newest)?;
    }
    entry(&mut w, url.absolute("/sitemaps/news.xml"), None)?;
    finish("sitemapindex", w)
}

fn urlset(state: &AppState, urls: &[(String, i64)]) -> io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    start("urlset", &mut w, false)?;
    for (path, lastmod) in urls {
        w.create_element("url").write_inner_content(|w| {
            w.create_element("loc").write_text_content(BytesText::new(&absolute(state, path)))?;
            if *lastmod > 0 {
                w.create_element("lastmod").write_text_content(BytesText::new(&w3c(*lastmod)))?;
            }
            Ok(())
        })?;
    }
    finish("urlset", w)
}

fn articles_page(state: &AppState, site: &SiteWalk, n: usize) -> Option<io::Result<Vec<u8>>> {
    let page = page_of(&site.articles, n)?;
    let urls: Vec<(String, i64)> = page.iter().map(|(slug, t)| (format!("/articles/{slug}"), *t)).collect();
    Some(urlset(state, &urls))
}

fn listings_page(state: &AppState, site: &SiteWalk, n: usize) -> Option<io::Result<Vec<u8>>> {
    let listings = site.listings();
    Some(urlset(state, page_of(&listings, n)?))
}

/// The language as news sitemaps name it: the ISO 639 code, but `zh-cn`
/// or `zh-tw` for Chinese.
fn news_language(lang: &str) -> String {
    let lower = lang.trim().to_ascii_lowercase().replace('_', "-");
    let primary = lower.split('-').next().unwrap_or("").to_owned();
    if primary != "zh" {
        return primary;
    }
    let traditional = ["-hant", "-tw", "-hk", "-mo"].iter().any(|t| lower.contains(t));
    if traditional { "zh-tw".to_owned() } else { "zh-cn".to_owned() }
}

/// The news sitemap: the articles published in the last two days, newest
/// first (at most [`NEWS_MAX`]).
async fn news(state: &AppState) -> Result<Vec<u8>, Miss> {
    let now = now();
    let since = now - NEWS_WINDOW;
    let mut items = Vec::new();
    each_public(state, |card| match card.published_at {
        Some(t) if t >= since && items.len() < NEWS_MAX => {
            items.push((card.slug.clone(), t, card.title.clone(), card.lang.clone()));
            true
        }
        _ => false,
    })
    .await?;
    let site = state.site();
    let write = || -> io::Result<Vec<u8>> {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
        start("urlset", &mut w, true)?;
        for (slug, published, title, lang) in &items {
            w.create_element("url").write_inner_content(|w| {
                let loc = absolute(state, &format!("/articles/{slug}"));
                w.create_element("loc").write_text_content(BytesText::new(&loc))?;
                w.create_element("news:news").write_inner_content(|w| {
                    w.create_element("news:publication").write_inner_content(|w| {
                        w.create_element("news:name").write_text_content(BytesText::new(&site.name))?;
                        w.create_element("news:language").write_text_content(BytesText::new(&news_language(lang)))?;
                        Ok(())
                    })?;
                    w.create_element("news:publication_date").write_text_content(BytesText::new(&w3c(*published)))?;
                    w.create_element("news:title").write_text_content(BytesText::new(title))?;
                    Ok(())
                })?;
                Ok(())
            })?;
        }
        finish("urlset", w)
    };
    write().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_names() {
        assert_eq!(Part::parse("articles-1.xml"), Some(Part::Articles(1)));
        assert_eq!(Part::parse("listings-12.xml"), Some(Part::Listings(12)));
        assert_eq!(Part::parse("news.xml"), Some(Part::News));
        for bad in ["articles-0.xml", "articles-01.xml", "articles-+1.xml", "articles-.xml", "articles-1", "x.xml"] {
            assert_eq!(Part::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_hold_at_most_the_limit() {
        assert_eq!(pages_for(0), 1);
        assert_eq!(pages_for(MAX_URLS), 1);
        assert_eq!(pages_for(MAX_URLS + 1), 2);
        let all: Vec<usize> = (0..MAX_URLS * 2 + 3).collect();
        assert_eq!(page_of(&all, 1).unwrap().len(), MAX_URLS);
        assert_eq!(page_of(&all, 2).unwrap()[0], MAX_URLS);
        assert_eq!(page_of(&all, 3).unwrap(), &[2 * MAX_URLS, 2 * MAX_URLS + 1, 2 * MAX_URLS + 2]);
        assert_eq!(page_of(&all, 4), None);
        assert_eq!(page_of::<usize>(&[], 1).unwrap().len(), 0);
        assert_eq!(page_of::<usize>(&[], 2), None);
        assert_eq!(page_of(&all, usize::MAX), None);
    }

    #[test]
    fn news_languages() {
        assert_eq!(news_language("en-GB"), "en");
        assert_eq!(news_language("zh"), "zh-cn");
        assert_eq!(news_language("zh-Hant-TW"), "zh-tw");
        assert_eq!(news_language("uk"), "uk");
    }
}
