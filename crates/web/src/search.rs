//! Search: the `/search?q=` page, and the search itself, which the API's
//! `GET /api/search` shares. The query is read into terms by
//! `content::search` (in each language of the site's articles), matched by
//! the store's full-text index, and each hit gets a snippet of its text
//! with the matched words marked. Pages are rendered per request (not
//! kept in the page cache: each query is its own page, and the index
//! follows every write at once).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use content::search::{ParsedQuery, QueryProblem, Segment, parse_query, query_langs, snippet_with};
use store::{ArticleCard, Named, SearchQuery, StoreError, Visibility};

use crate::limits::SearchAllowed;
use crate::pages::{
    Params, SiteView, UI_LANG, human, internal, iso, message_page, not_found, other_lang, page_number, param,
};
use crate::{AppState, now};

/// Results per page on the search page.
const PER_PAGE: u32 = 10;

/// The longest snippet, in characters.
pub(crate) const SNIPPET_CHARS: usize = 220;

/// What a search asks for.
pub(crate) struct Ask<'a> {
    pub q: &'a str,
    pub section: Option<String>,
    pub tag: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

/// One article found, with its snippet.
pub(crate) struct Found {
    pub card: ArticleCard,
    pub snippet: Vec<Segment>,
    pub score: f64,
}

/// A page of results, or why the query finds nothing.
pub(crate) struct Results {
    pub items: Vec<Found>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    /// Why nothing was looked up, if so.
    pub problem: Option<QueryProblem>,
    /// Whether only the beginning of a long query was used.
    pub cut: bool,
}

impl Results {
    pub fn pages(&self) -> u32 {
        (self.total.div_ceil(u64::from(self.per_page.max(1)))).max(1).try_into().unwrap_or(u32::MAX)
    }
}

/// Runs a search as readers see the site now.
pub(crate) async fn run(state: &AppState, ask: Ask<'_>) -> Result<Results, StoreError> {
    let empty = |problem| Results {
        items: Vec::new(),
        total: 0,
        page: ask.page,
        per_page: ask.per_page,
        problem: Some(problem),
        cut: false,
    };
    let ask_page = ask.page;
    let langs = query_langs(&state.store().search_languages().await?);
    if langs.is_empty() {
        // No article at all: nothing to read the query for.
        return Ok(Results { problem: None, ..empty(QueryProblem::Empty) });
    }
    let summarizer = state.summarizer().clone();
    let q = ask.q.to_owned();
    // Reading a query is quick, but its first Chinese word loads jieba's
    // dictionary: off the request threads.
    let parsed = tokio::task::spawn_blocking(move || parse_query(&summarizer, &q, &langs))
        .await
        .map_err(|e| StoreError::Corrupt(format!("reading the query: {e}")))?;
    let parsed: ParsedQuery = match parsed {
        Ok(p) => p,
        Err(problem) => return Ok(empty(problem)),
    };
    let query = SearchQuery {
        readings: parsed.readings,
        exclude: parsed.exclude,
        visibility: Visibility::PublicAt(now()),
        section: ask.section,
        tag: ask.tag,
        page: ask.page,
        per_page: ask.per_page,
    };
    let page = state.store().search(&query).await?;
    let summarizer = state.summarizer().clone();
    let terms = parsed.terms;
    let hits = page.items;
    let items = tokio::task::spawn_blocking(move || {
        // The page's snippets share the terms of the word forms they meet.
        let mut memo = summarize::terms::TermMemo::default();
        hits.into_iter()
            .map(|h| Found {
                snippet: snippet_with(&summarizer, &h.body_text, &h.card.lang, &terms, SNIPPET_CHARS, &mut memo),
                card: h.card,
                score: h.score,
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| StoreError::Corrupt(format!("making snippets: {e}")))?;
    Ok(Results {
        items,
        total: page.total,
        page: page.page.unwrap_or(ask_page),
        per_page: page.per_page,
        problem: None,
        cut: parsed.cut,
    })
}

/// A result as the page shows it.
pub struct ResultView {
    pub slug: String,
    pub title: String,
    pub section: String,
    pub section_slug: String,
    pub datetime: String,
    pub date: String,
    pub lang: Option<String>,
    pub rtl: bool,
    pub snippet: Vec<Segment>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    lang: String,
    site: SiteView,
    nav: Vec<Named>,
    current_section: String,
    /// The query as typed (shortened for the heading).
    query: String,
    shown_query: String,
    /// The filters kept in the page links.
    section: Option<String>,
    tag: Option<String>,
    results: Vec<ResultView>,
    total: u64,
    page: u32,
    pages: u32,
    /// Why nothing was looked up, in plain words.
    problem: Option<&'static str>,
    cut: bool,
}

impl SearchPage {
    /// The address of page `n` of these results.
    fn link(&self, n: u32) -> String {
        let mut url = format!("/search?q={}", encode(&self.query));
        if let Some(s) = &self.section {
            url.push_str(&format!("&section={}", encode(s)));
        }
        if let Some(t) = &self.tag {
            url.push_str(&format!("&tag={}", encode(t)));
        }
        if n > 1 {
            url.push_str(&format!("&page={n}"));
        }
        url
    }

    fn prev_page(&self) -> Option<String> {
        (self.page > 1 && self.page <= self.pages).then(|| self.link(self.page - 1))
    }

    fn next_page(&self) -> Option<String> {
        (self.page < self.pages).then(|| self.link(self.page + 1))
    }

    fn first_page(&self) -> String {
        self.link(1)
    }
}

/// Percent-encodes a query parameter's value.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `s` cut to `max` characters, with `…` when cut.
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// `GET /search?q=&page=` (and `section=`, `tag=`): the results page,
/// rendered on the server; a page that works without JavaScript.
pub async fn page(State(state): State<AppState>, allowed: SearchAllowed, q: Params) -> Response {
    // Held while the search runs.
    let _slot = match allowed.0 {
        Ok(slot) => slot,
        Err(refused) => {
            let heading = if refused.status == StatusCode::TOO_MANY_REQUESTS { "Too many searches" } else { "Busy" };
            let mut res = message_page(&state, refused.status, heading, &refused.message()).await;
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(refused.retry_after));
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return res;
        }
    };
    let Some(page) = page_number(&q) else { return not_found(&state, "There is no such page.").await };
    // Control characters are never shown back, nor searched for.
    let query: String = param(&q, "q").unwrap_or_default().chars().filter(|c| !c.is_control()).collect();
    let query = query.trim().to_owned();
    let section = param(&q, "section").filter(|s| !s.is_empty()).map(|s| content::slugify(&s));
    let tag = param(&q, "tag").filter(|s| !s.is_empty()).map(|s| content::slugify(&s));
    let now = now();
    let (results, problem, cut, total, pages) = if query.is_empty() {
        (Vec::new(), None, false, 0, 1)
    } else {
        let ask = Ask { q: &query, section: section.clone(), tag: tag.clone(), page, per_page: PER_PAGE };
        let found = match run(&state, ask).await {
            Ok(found) => found,
            Err(e) => return internal(e),
        };
        let pages = found.pages();
        let views = found.items.into_iter().map(result_view).collect();
        (views, found.problem.map(QueryProblem::message), found.cut, found.total, pages)
    };
    let mut site = state.site_view();
    site.query = query.clone();
    let view = SearchPage {
        lang: UI_LANG.into(),
        site,
        nav: state.nav(now).await,
        current_section: String::new(),
        shown_query: shorten(&query, 80),
        query,
        section,
        tag,
        results,
        total,
        page,
        pages,
        problem,
        cut,
    };
    match view.render() {
        Ok(body) => {
            let mut res = (StatusCode::OK, body).into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            // Each query is a page of its own, and the index changes with
            // every write: no copy kept anywhere.
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => internal(e),
    }
}

fn result_view(f: Found) -> ResultView {
    let c = f.card;
    let t = c.published_at.unwrap_or(c.updated_at);
    ResultView {
        rtl: content::is_rtl(&c.lang),
        lang: other_lang(&c.lang),
        slug: c.slug,
        title: c.title,
        section: c.section.name,
        section_slug: c.section.slug,
        datetime: iso(t),
        date: human(t),
        snippet: f.snippet,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_encoded() {
        assert_eq!(encode("a b&c=d/é\"<"), "a+b%26c%3Dd%2F%C3%A9%22%3C");
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
