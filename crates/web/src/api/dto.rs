//! What the API sends and takes, as JSON.

use serde::{Deserialize, Serialize};
use store::{Article, ArticleCard};

/// An article, as the API shows it.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArticleJson {
    pub slug: String,
    /// The article's version: 1 when created, one more at every change. Its
    /// `ETag` names it too; send that back in `If-Match` with a `PUT` to
    /// change the article only if nobody else has changed it since.
    pub version: i64,
    pub url: String,
    pub title: String,
    pub standfirst: Option<String>,
    /// The body as written (Markdown).
    pub body: String,
    /// The body rendered and sanitized, with sentence anchors `s-N`.
    pub body_html: String,
    pub authors: Vec<String>,
    pub section: String,
    pub tags: Vec<String>,
    pub lang: String,
    /// draft, scheduled or published.
    pub status: String,
    /// RFC 3339.
    pub published: Option<String>,
    /// RFC 3339.
    pub updated: String,
    pub sources: Option<String>,
    pub canonical_url: Option<String>,
    pub lead_image: Option<String>,
    pub lead_image_alt: Option<String>,
    pub reading_minutes: u32,
    /// auto, picked, custom or off.
    pub summary_mode: String,
    /// The editors' summary, when the mode is custom.
    pub summary: Option<String>,
    /// The sentences the editors picked (mode picked), by index (anchor
    /// `s-N`), in article order; absent when none were ever picked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_sentences: Option<Vec<usize>>,
    /// Picked sentences the body no longer has (it changed since they were
    /// picked, by a write that sent the picks back unchanged): while there
    /// are any, readers get the automatic summary. Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub summary_lost: Vec<String>,
    /// Whether a long paragraph is shown in shorter ones where the topic
    /// shifts (`body_html` marks those breaks `<p class="auto-break">`).
    pub auto_paragraphs: bool,
}

/// An article in a list.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArticleListItem {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub standfirst: Option<String>,
    pub section: String,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub published: Option<String>,
    pub reading_minutes: u32,
}

/// A page of articles, newest first.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArticleList {
    pub items: Vec<ArticleListItem>,
    /// This page's number; null for a page asked `after` a position.
    pub page: Option<u32>,
    pub per_page: u32,
    pub total: u64,
    pub pages: u32,
    /// Where the next page starts: pass it as `after`. Null on the last page.
    pub next: Option<String>,
}

/// An article related to another: sharing key phrases or tags with it.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct RelatedItem {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub lang: String,
    /// RFC 3339.
    pub published: Option<String>,
    /// The first sentence of its summary (the editors' own, or the automatic
    /// one); null when its summary is switched off.
    pub summary: Option<String>,
    /// How related it is (higher is closer): shared key phrases count more
    /// than shared tags, and a phrase or tag few articles share more than a
    /// common one.
    pub score: f64,
}

/// The articles related to one, best first (newer first among equals):
/// at most 5, only published ones, never the article itself.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct RelatedList {
    /// The article they are related to.
    pub slug: String,
    pub items: Vec<RelatedItem>,
}

/// One summary sentence.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SummarySentenceJson {
    /// Index of the sentence in the article (anchor `s-{index}` on the page).
    pub index: usize,
    pub text: String,
    /// Link to the sentence in place.
    pub href: String,
}

/// An article's summary.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SummaryJson {
    pub slug: String,
    /// "extractive" (sentences the summarizer took from the article),
    /// "picked" (sentences of the article the editors picked, whatever
    /// length was asked) or "custom" (written by the editors).
    pub kind: String,
    /// text or bullets.
    pub format: String,
    /// The summary, formatted.
    pub summary: String,
    /// The sentences (empty for a custom summary).
    pub sentences: Vec<SummarySentenceJson>,
    /// The summarizer version (extractive only).
    pub version: Option<String>,
}

/// Text to summarize.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SummarizeRequest {
    /// The text (not only white space).
    #[schema(min_length = 1, pattern = r"\S")]
    pub text: String,
    pub title: Option<String>,
    /// Language code (BCP 47 such as en, pl or pt-BR); detected when absent.
    #[schema(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
    pub lang: Option<String>,
    /// How many sentences (1 to 50, default 3).
    #[serde(default, deserialize_with = "content::whole::option")]
    #[schema(minimum = 1, maximum = 50)]
    pub sentences: Option<usize>,
}

/// A summary of any text.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SummarizeResponse {
    pub lang: String,
    /// The sentences, each with its index and byte range in the text.
    pub sentences: Vec<SummarizedSentence>,
    /// The sentences joined as a paragraph.
    pub summary: String,
    /// "- sentence" lines.
    pub bullets: String,
    pub keywords: Vec<String>,
    pub total_sentences: usize,
    pub version: String,
}

/// One sentence of a summary of any text.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct SummarizedSentence {
    pub index: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

pub fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string()).unwrap_or_default()
}

pub fn article_json(a: &Article) -> ArticleJson {
    ArticleJson {
        slug: a.slug.clone(),
        version: a.version,
        url: format!("/articles/{}", a.slug),
        title: a.title.clone(),
        standfirst: a.standfirst.clone(),
        body: a.body_md.clone(),
        body_html: a.body_html.clone(),
        authors: a.authors.iter().map(|n| n.name.clone()).collect(),
        section: a.section.name.clone(),
        tags: a.tags.iter().map(|n| n.name.clone()).collect(),
        lang: a.lang.clone(),
        status: a.status.as_str().to_owned(),
        published: a.published_at.map(rfc3339),
        updated: rfc3339(a.updated_at),
        sources: a.sources.clone(),
        canonical_url: a.canonical_url.clone(),
        lead_image: a.lead_image.clone(),
        lead_image_alt: a.lead_image_alt.clone(),
        reading_minutes: a.reading_minutes,
        summary_mode: a.summary_mode.as_str().to_owned(),
        summary: a.summary_custom.clone(),
        summary_sentences: (!a.summary_picks.is_empty()).then(|| content::found_picks(&a.summary_picks)),
        summary_lost: a.summary_picks.iter().filter(|p| p.index.is_none()).map(|p| p.text.clone()).collect(),
        auto_paragraphs: a.auto_paragraphs,
    }
}

pub fn list_item(c: ArticleCard) -> ArticleListItem {
    ArticleListItem {
        url: format!("/articles/{}", c.slug),
        slug: c.slug,
        title: c.title,
        standfirst: c.standfirst,
        section: c.section.name,
        authors: c.authors.into_iter().map(|n| n.name).collect(),
        tags: c.tags.into_iter().map(|n| n.name).collect(),
        published: c.published_at.map(rfc3339),
        reading_minutes: c.reading_minutes,
    }
}

/// The `ETag` of an article's JSON: its row and version (a new article at
/// the same slug never takes an old one's tag).
pub fn article_etag(a: &Article) -> String {
    format!("\"{}-{}\"", a.id, a.version)
}
