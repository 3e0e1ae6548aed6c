//! Related articles, as the article page and the API show them: up to
//! [`MOST`] articles that share key phrases or tags with the article, best
//! first (the list the store made when the articles were written,
//! [`store::RelatedStore`], read and filtered by what readers see now: no
//! ranking, no body read, no summarizer run), each with its title, date and the
//! first sentence of its summary. What they show goes with the response in
//! the page cache ([`shows`]), so a change of the list (a related article
//! changed, unpublished or deleted; the list made again because a new article
//! belongs in it) makes the response stale.

use store::{Article, RelatedArticle, RelatedQuery, StoreError};
use summarize::Lang;

use crate::AppState;
use crate::cache::Dep;
use crate::pages::{human, iso, other_lang};

/// The most related articles shown.
pub const MOST: usize = 5;

/// A related article as shown.
pub struct RelatedView {
    pub slug: String,
    pub title: String,
    /// Its language, when not the site's; `rtl` when written right to left.
    pub lang: Option<String>,
    pub rtl: bool,
    pub datetime: String,
    /// "4 September 2026".
    pub date: String,
    /// The first sentence of its summary (`None` when summaries are off).
    pub summary: Option<String>,
}

/// The articles related to `a` that readers see at `now`, best first.
pub async fn of(state: &AppState, a: &Article, now: i64) -> Result<Vec<RelatedArticle>, StoreError> {
    let query = RelatedQuery { id: a.id, now, limit: MOST };
    state.store().related_articles(&query).await
}

/// What a response showing `a`'s related articles depends on, besides `a`
/// itself: its stored list (made again when an article written later
/// belongs in it) and each article shown.
pub fn shows(a: &Article, related: &[RelatedArticle]) -> Vec<Dep> {
    let shown = related.iter().map(|r| Dep::Article(r.card.slug.clone()));
    std::iter::once(Dep::Related(a.slug.clone())).chain(shown).collect()
}

/// The line a related article shows: the first sentence of its automatic
/// summary as stored, or the first sentence of the editors' summary (cut by
/// the summarizer's sentence splitter: a few hundred bytes at most, no
/// summarizing).
pub fn summary_line(state: &AppState, r: &RelatedArticle) -> Option<String> {
    let text = r.summary.as_deref()?;
    let line = match r.summary_mode {
        store::SummaryMode::Custom => first_sentence(state, text, &r.card.lang),
        _ => text.trim().to_owned(),
    };
    (!line.is_empty()).then_some(line)
}

/// The first sentence of `text`, in language `lang`.
fn first_sentence(state: &AppState, text: &str, lang: &str) -> String {
    let spans = state.summarizer().sentences(text, Some(Lang::from_code(lang).unwrap_or(Lang::Other)));
    match spans.first() {
        Some(s) => text[s.start..s.end].trim().to_owned(),
        None => text.trim().to_owned(),
    }
}

/// How the page shows a related article.
pub fn view(state: &AppState, r: RelatedArticle) -> RelatedView {
    let summary = summary_line(state, &r);
    let c = r.card;
    let t = c.published_at.unwrap_or(c.updated_at);
    RelatedView {
        summary,
        rtl: content::is_rtl(&c.lang),
        lang: other_lang(&c.lang),
        datetime: iso(t),
        date: human(t),
        slug: c.slug,
        title: c.title,
    }
}
