//! The daily briefing (`/briefing`, `/briefing/YYYY-MM-DD`): a day's
//! published articles by section, each in the one or two sentences the
//! summarizer picks (linked to their place in the article), articles on the
//! same story (sharing key phrases) under one heading, and how long the
//! briefing takes to read. Days are UTC days.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use store::{Article, ListQuery, Named, SummaryMode, Visibility};
use summarize::{Lang, Length, Options};

use crate::cache::{Dep, IfNoneMatch, Miss, failed};
use crate::pages::{SiteView, UI_LANG, cached, iso, not_found, other_lang, public_list};
use crate::{AppState, now};

/// Summary sentences per article in the briefing.
const SENTENCES: usize = 2;
/// Key phrases compared between articles.
const KEYWORDS: usize = 8;
/// Key phrases two articles must share to be on the same story.
const SHARED: usize = 2;
/// Reading speed for the briefing's reading time.
const WORDS_PER_MINUTE: usize = 230;
/// Articles read for one day, at most (a day of a very busy site is cut).
const MOST: usize = 300;
const DAY: i64 = 86_400;
/// Days in the briefing feed, at most.
const FEED_DAYS: usize = 14;
/// Newest articles read for the briefing feed, at most.
const FEED_ARTICLES: usize = 400;

#[derive(Template)]
#[template(path = "briefing.html")]
struct BriefingPage {
    lang: String,
    site: SiteView,
    nav: Vec<Named>,
    current_section: String,
    /// "Sunday 6 December 2026".
    day: String,
    /// "2026-12-06".
    day_iso: String,
    today: bool,
    minutes: usize,
    count: usize,
    sections: Vec<SectionView>,
    /// The latest day before this one with articles: (path, label).
    earlier: Option<(String, String)>,
}

struct SectionView {
    name: String,
    slug: String,
    stories: Vec<StoryView>,
}

struct StoryView {
    /// Shown over two or more articles on the same story.
    heading: Option<String>,
    items: Vec<ItemView>,
}

struct ItemView {
    slug: String,
    title: String,
    lang: Option<String>,
    rtl: bool,
    datetime: String,
    /// "09:30" (UTC).
    time: String,
    /// The article's section, when not the story's.
    other_section: Option<Named>,
    /// Summary sentences with their anchors (`None` for an editors' summary).
    sentences: Vec<(Option<usize>, String)>,
}

/// One article of the day, read and summarized.
struct Read {
    article: Article,
    sentences: Vec<(Option<usize>, String)>,
    keywords: Vec<String>,
}

pub async fn today(State(state): State<AppState>, inm: IfNoneMatch) -> Response {
    let day = Utc::now().date_naive();
    briefing(state, day, inm).await
}

pub async fn on_day(State(state): State<AppState>, Path(day): Path<String>, inm: IfNoneMatch) -> Response {
    match NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
        Ok(d) if d.format("%Y-%m-%d").to_string() == day => briefing(state, d, inm).await,
        _ => not_found(&state, "A briefing's address ends with its date, as in /briefing/2026-11-27.").await,
    }
}

async fn briefing(state: AppState, day: NaiveDate, inm: IfNoneMatch) -> Response {
    let Some(start) = day.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp()) else {
        return not_found(&state, "There is no briefing for that day.").await;
    };
    let render = || {
        let st = state.clone();
        async move { render(&st, day, start).await }
    };
    cached(&state, format!("briefing:{day}"), || vec![Dep::Listing], &inm, render).await
}

/// The briefing feed's items: one a day, the newest [`FEED_DAYS`] days
/// with articles among the newest [`FEED_ARTICLES`] (a day the walk may have
/// cut short is left out), each listing its articles in their briefing
/// sentences.
pub(crate) async fn feed_items(state: &AppState, now: i64) -> Result<Vec<crate::feeds::Item>, Miss> {
    let mut days: Vec<(NaiveDate, Vec<String>)> = Vec::new();
    let mut query = public_list(now, 100);
    let mut read = 0;
    let cut = loop {
        let page = state.store().list_articles(&query).await.map_err(failed)?;
        for card in &page.items {
            let Some(day) = card.published_at.and_then(|t| DateTime::from_timestamp(t, 0)).map(|d| d.date_naive())
            else {
                continue;
            };
            match days.last_mut() {
                Some((d, slugs)) if *d == day => slugs.push(card.slug.clone()),
                _ => days.push((day, vec![card.slug.clone()])),
            }
            read += 1;
        }
        match page.next {
            Some(next) if read < FEED_ARTICLES && days.len() <= FEED_DAYS => query.after = Some(next),
            Some(_) => break true,
            None => break false,
        }
    };
    if cut && days.len() > 1 {
        days.pop();
    }
    days.truncate(FEED_DAYS);
    let mut items = Vec::with_capacity(days.len());
    for (day, slugs) in days {
        let mut articles = Vec::with_capacity(slugs.len());
        for slug in slugs {
            if let Some(a) = state.store().article(&slug, Visibility::PublicAt(now)).await.map_err(failed)? {
                articles.push(summarized(state, a));
            }
        }
        if let Some(item) = feed_item(state, day, &articles) {
            items.push(item);
        }
    }
    Ok(items)
}

fn feed_item(state: &AppState, day: NaiveDate, articles: &[Read]) -> Option<crate::feeds::Item> {
    let published = articles.iter().filter_map(|r| r.article.published_at).max()?;
    let updated = articles.iter().map(|r| r.article.updated_at).max().unwrap_or(published).max(published);
    let mut categories: Vec<(String, String)> = Vec::new();
    for r in articles {
        let s = &r.article.section;
        if !categories.iter().any(|(slug, _)| *slug == s.slug) {
            categories.push((s.slug.clone(), s.name.clone()));
        }
    }
    let mut content = String::new();
    for r in articles {
        let url = crate::feeds::absolute(state, &format!("/articles/{}", r.article.slug));
        content.push_str(&format!("<h2><a href=\"{}\">{}</a></h2>", escape(&url), escape(&r.article.title)));
        if !r.sentences.is_empty() {
            let text: Vec<&str> = r.sentences.iter().map(|(_, s)| s.as_str()).collect();
            content.push_str(&format!("<p>{}</p>", escape(&text.join(" "))));
        }
    }
    let titles: Vec<&str> = articles.iter().map(|r| r.article.title.as_str()).collect();
    let count = if articles.len() == 1 { "1 article".to_owned() } else { format!("{} articles", articles.len()) };
    Some(crate::feeds::Item {
        url: crate::feeds::absolute(state, &format!("/briefing/{}", day.format("%Y-%m-%d"))),
        title: format!("Briefing: {}", day.format("%A %-d %B %Y")),
        published,
        updated,
        authors: Vec::new(),
        categories,
        summary: Some(format!("{count}: {}", titles.join("; "))),
        content,
        lang: UI_LANG.to_owned(),
        image: None,
    })
}

/// Text as HTML.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

async fn render(state: &AppState, day: NaiveDate, start: i64) -> Result<String, Miss> {
    let now = now();
    let end = start + DAY;
    let cards = day_cards(state, start, end, now).await.map_err(failed)?;
    let mut read = Vec::with_capacity(cards.len());
    for slug in cards {
        let Some(article) = state.store().article(&slug, Visibility::PublicAt(now)).await.map_err(failed)? else {
            continue;
        };
        read.push(summarized(state, article));
    }
    let earlier = earlier_day(state, start, now).await.map_err(failed)?;
    let words: usize = read
        .iter()
        .map(|r| r.article.title.split_whitespace().count() + r.sentences.iter().map(|(_, s)| words(s)).sum::<usize>())
        .sum();
    let mut site = state.site_view();
    site.feeds.extend(crate::feeds::links(
        &state.site().name,
        crate::feeds::Scope::Briefing,
        "",
        Some("daily briefing"),
    ));
    let page = BriefingPage {
        lang: UI_LANG.into(),
        site,
        nav: state.nav(now).await,
        current_section: "/briefing".into(),
        day: day.format("%A %-d %B %Y").to_string(),
        day_iso: day.format("%Y-%m-%d").to_string(),
        today: day == Utc::now().date_naive(),
        minutes: words.div_ceil(WORDS_PER_MINUTE).max(1),
        count: read.len(),
        sections: by_section(read),
        earlier,
    };
    page.render().map_err(failed)
}

/// The slugs of the articles published in `start..end`, newest first,
/// walking the site's list from the end of the day.
async fn day_cards(state: &AppState, start: i64, end: i64, now: i64) -> Result<Vec<String>, store::StoreError> {
    let mut out = Vec::new();
    let mut after = Some(store::Cursor { published_at: Some(end), slug: String::new() });
    while let Some(cursor) = after.take() {
        let query = ListQuery { after: Some(cursor), ..public_list(now, 100) };
        let page = state.store().list_articles(&query).await?;
        for card in &page.items {
            match card.published_at {
                Some(t) if t >= end => {}
                Some(t) if t >= start => out.push(card.slug.clone()),
                _ => return Ok(out),
            }
            if out.len() >= MOST {
                return Ok(out);
            }
        }
        after = page.next;
    }
    Ok(out)
}

/// The latest day before `start` with a published article.
async fn earlier_day(state: &AppState, start: i64, now: i64) -> Result<Option<(String, String)>, store::StoreError> {
    let query = ListQuery {
        after: Some(store::Cursor { published_at: Some(start), slug: String::new() }),
        ..public_list(now, 1)
    };
    let page = state.store().list_articles(&query).await?;
    Ok(page.items.iter().filter_map(|c| c.published_at).find(|&t| t < start).and_then(|t| {
        let d = DateTime::from_timestamp(t, 0)?.date_naive();
        Some((format!("/briefing/{}", d.format("%Y-%m-%d")), d.format("%A %-d %B %Y").to_string()))
    }))
}

/// The article's briefing sentences: the summarizer's best two (with their
/// anchors), the sentences the editors picked (with theirs), the editors'
/// own summary, or none when summaries are off.
fn summarized(state: &AppState, article: Article) -> Read {
    let lang = Lang::from_code(&article.lang);
    let options =
        Options { length: Length::Sentences(SENTENCES), title: Some(&article.title), lang, keywords: KEYWORDS };
    let summary = state.summarizer().summarize(&article.body_text, &options);
    let keywords = summary.keywords.iter().map(|k| k.to_lowercase()).collect();
    let picked = content::picked_sentences(&article)
        .map(|picks| picks.into_iter().map(|(i, text)| (Some(i), text.to_owned())).collect());
    let sentences = match (article.summary_mode, picked) {
        // The editors' sentences, all of them, each with its anchor.
        (_, Some(picked)) => picked,
        // Picked sentences the body no longer has: the automatic ones.
        (SummaryMode::Auto | SummaryMode::Picked, None) => {
            summary.sentences.iter().map(|s| (Some(s.index), s.text.clone())).collect()
        }
        (SummaryMode::Custom, None) => article.summary_custom.iter().map(|s| (None, s.clone())).collect(),
        (SummaryMode::Off, None) => Vec::new(),
    };
    Read { article, sentences, keywords }
}

fn words(s: &str) -> usize {
    // Chinese and Japanese are read by the character.
    let cjk = s.chars().filter(|c| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}')).count();
    s.split_whitespace().count() + cjk / 2
}

/// Stories first (the articles sharing [`SHARED`] key phrases, joined
/// transitively, whatever their sections), each in the section of its
/// newest article; sections in the order of their newest story.
fn by_section(read: Vec<Read>) -> Vec<SectionView> {
    let mut sections: Vec<SectionView> = Vec::new();
    for (section, story) in stories(read) {
        match sections.iter_mut().find(|s| s.slug == section.slug) {
            Some(s) => s.stories.push(story),
            None => sections.push(SectionView { name: section.name, slug: section.slug, stories: vec![story] }),
        }
    }
    sections
}

/// Groups articles on the same story (union-find over shared key phrases),
/// each group at the place of its newest article, with that article's
/// section; a story's other articles say their own section.
fn stories(items: Vec<Read>) -> Vec<(Named, StoryView)> {
    let n = items.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..n {
        for j in i + 1..n {
            let shared = items[i].keywords.iter().filter(|k| items[j].keywords.contains(k)).count();
            if shared >= SHARED {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        let r = root(&mut parent, i);
        members[r].push(i);
    }
    let mut items: Vec<Option<Read>> = items.into_iter().map(Some).collect();
    members
        .into_iter()
        .filter(|m| !m.is_empty())
        .map(|m| {
            let group: Vec<Read> = m.iter().filter_map(|&i| items[i].take()).collect();
            let section = group[0].article.section.clone();
            let heading = (group.len() > 1).then(|| story_heading(&group)).flatten();
            let items = group.into_iter().map(|r| item_view(r, &section.slug)).collect();
            (section, StoryView { heading, items })
        })
        .collect()
}

/// A story's heading: the longest run of words the titles of its two newest
/// articles share ("Tidal Barrier", "Westmarch"), as the newest writes it;
/// else the key phrase most of its articles share.
fn story_heading(group: &[Read]) -> Option<String> {
    if let [a, b, ..] = group
        && let Some(run) = common_run(&a.article.title, &b.article.title)
    {
        return Some(run);
    }
    let mut best: Option<(&str, usize)> = None;
    for k in &group[0].keywords {
        let count = group.iter().filter(|r| r.keywords.contains(k)).count();
        if count > 1 && best.is_none_or(|(_, c)| count > c) {
            best = Some((k, count));
        }
    }
    let (k, _) = best?;
    let mut chars = k.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect())
}

/// The longest run of whole words (compared without case) that `a` and `b`
/// share, with a word of four letters or more in it, as `a` writes it; the
/// earlier in `a` on a tie.
fn common_run(a: &str, b: &str) -> Option<String> {
    let words = |t: &str| -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in t.char_indices().chain(std::iter::once((t.len(), ' '))) {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    out.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        out
    };
    let (wa, wb) = (words(a), words(b));
    let la: Vec<String> = wa.iter().map(|&(s, e)| a[s..e].to_lowercase()).collect();
    let lb: Vec<String> = wb.iter().map(|&(s, e)| b[s..e].to_lowercase()).collect();
    let mut best: Option<(usize, usize)> = None; // (start in a, length)
    for i in 0..la.len() {
        for j in 0..lb.len() {
            let mut n = 0;
            while i + n < la.len() && j + n < lb.len() && la[i + n] == lb[j + n] {
                n += 1;
            }
            let strong = la[i..i + n].iter().any(|w| w.chars().count() >= 4);
            if n > 0 && strong && best.is_none_or(|(_, m)| n > m) {
                best = Some((i, n));
            }
        }
    }
    let (i, n) = best?;
    Some(a[wa[i].0..wa[i + n - 1].1].to_owned())
}

fn item_view(r: Read, story_section: &str) -> ItemView {
    let a = r.article;
    ItemView {
        other_section: (a.section.slug != story_section).then(|| a.section.clone()),
        rtl: content::is_rtl(&a.lang),
        lang: other_lang(&a.lang),
        datetime: a.published_at.map(iso).unwrap_or_default(),
        time: a
            .published_at
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .map(|d| d.format("%H:%M").to_string())
            .unwrap_or_default(),
        slug: a.data.slug,
        title: a.data.title,
        sentences: r.sentences,
    }
}
