//! An article as written: the fields an editor sends (API body, import
//! file, newsroom form), and the times they take.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use store::{Article, Snapshot, Status, SummaryMode, SummaryPick};

/// An article as an editor writes it (API request body, import file).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArticleInput {
    /// Unique URL name: lowercase letters, digits and single hyphens.
    #[schema(example = "harbour-city-votes-on-tidal-barrier", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub slug: String,
    /// Title: one line of text.
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    /// Optional standfirst: one or two sentences under the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standfirst: Option<String>,
    /// The body, in Markdown (required: validation names it when it is
    /// missing or blank, rather than the JSON decoder).
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub body: String,
    /// Authors, in byline order.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Section name, such as "World".
    #[schema(min_length = 1, max_length = 80)]
    pub section: String,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Language code ("en", "fr", ...); detected from the body when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// "draft", "submitted" (a draft submitted for review), "scheduled" or
    /// "published" (the default). Drafts and submitted articles are never
    /// shown to readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<StatusName>, example = "published")]
    pub status: Option<Status>,
    /// Publication time: RFC 3339 (`2026-01-31T09:00:00Z`) or a date
    /// (`2026-01-31`, midnight UTC); empty is as not given. Defaults to now
    /// for published articles; required for scheduled ones.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "time::published")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published: Option<DateTime<Utc>>,
    /// Last update time, RFC 3339 or a date as for `published` (defaults to now).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "time::updated")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub updated: Option<DateTime<Utc>>,
    /// Sources or references note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<String>,
    /// Canonical URL (http or https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_url: Option<String>,
    /// Lead image URL (http, https, or a path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_image: Option<String>,
    /// Lead image alternative text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_image_alt: Option<String>,
    /// "auto" (the default: sentences the summarizer takes from the
    /// article), "picked" (the sentences of `summary_sentences`), "custom"
    /// (the `summary` text below) or "off" (no summary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<SummaryModeName>, example = "auto")]
    pub summary_mode: Option<SummaryMode>,
    /// The editors' own summary; setting it without `summary_mode` means "custom".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The sentences of a picked summary (`summary_mode` "picked"), by their
    /// index in the article: 0 is the first sentence, as in the page's
    /// anchors `#s-N` and the summary sentences' `index`; 1 to 5 of them,
    /// shown in article order. Setting it without `summary_mode` (and
    /// without `summary`) means "picked". Kept in the other modes too.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::whole::option_list")]
    #[schema(example = json!([0, 3]), max_items = 5)]
    pub summary_sentences: Option<Vec<usize>>,
    /// Not JSON: the picked sentences as the writer saw them (index and
    /// text), which take the place of `summary_sentences`: each follows its
    /// text when the body changed (see [`SeenPicks`]).
    #[serde(skip)]
    pub summary_seen: Option<SeenPicks>,
    /// Whether a paragraph of more than eight sentences (a body with no
    /// breaks at all, most often) is shown in paragraphs of two to five
    /// sentences, broken where the topic shifts. On unless set to `false`;
    /// the stored text is unchanged either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = true)]
    pub auto_paragraphs: Option<bool>,
}

/// The statuses an article may have, as the API takes them (the
/// OpenAPI document's names for [`Status`]).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code, reason = "only a schema: the field is a store::Status")]
pub enum StatusName {
    /// Never shown to readers.
    Draft,
    /// A draft submitted for review.
    Submitted,
    /// Shown from its publication time on.
    Scheduled,
    /// Shown.
    Published,
}

/// The summary modes, as the API takes them (the OpenAPI document's names
/// for [`SummaryMode`]).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code, reason = "only a schema: the field is a store::SummaryMode")]
pub enum SummaryModeName {
    /// The automatic summary.
    Auto,
    /// The sentences of `summary_sentences`.
    Picked,
    /// The `summary` text.
    Custom,
    /// No summary.
    Off,
}

/// Picked sentences as the writer saw them: an index and the sentence's
/// text there. A pick whose text is still at its index stays; one whose
/// text moved (sentences were added or removed before it) follows it; one
/// whose text is no longer in the body at all is refused or kept apart, as
/// `lost` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenPicks {
    /// The sentences.
    pub picks: Vec<SummaryPick>,
    /// What happens to a sentence no longer in the body.
    pub lost: Lost,
}

/// What happens to a picked sentence that is no longer in the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lost {
    /// The write is refused (the newsroom's form: the editor picks again).
    Refuse,
    /// The pick is kept without an index: readers get the automatic summary
    /// until the editors pick again, and the newsroom says so (a body
    /// changed by a write that re-sent the stored picks: an API client, an
    /// import, a re-render).
    FallBack,
}

impl SeenPicks {
    /// The picks of a stored article, as its writer last saw them.
    pub fn stored(article: &Article) -> Option<SeenPicks> {
        (!article.summary_picks.is_empty())
            .then(|| SeenPicks { picks: article.summary_picks.clone(), lost: Lost::FallBack })
    }
}

/// The indexes of the picked sentences still in the body, in order.
pub fn found_picks(picks: &[SummaryPick]) -> Vec<usize> {
    picks.iter().filter_map(|p| p.index).collect()
}

/// Reading the `published` and `updated` times: an RFC 3339 time, or a date
/// alone (midnight UTC), with errors that name the field and the format.
mod time {
    use chrono::{DateTime, NaiveDate, Utc};
    use serde::de;
    use serde::{Deserialize, Deserializer};

    /// What a time field accepts, for error messages.
    pub const EXPECTED: &str = "an RFC 3339 time such as 2026-01-31T09:00:00Z, or a date such as 2026-01-31";

    /// Parses an RFC 3339 time or a date (`YYYY-MM-DD`, as midnight UTC).
    pub fn parse(s: &str) -> Option<DateTime<Utc>> {
        let s = s.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(t.with_timezone(&Utc));
        }
        let shaped = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        if !shaped {
            return None;
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
    }

    fn time<'de, D: Deserializer<'de>>(field: &'static str, d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<serde_json::Value>::deserialize(d)? {
            None | Some(serde_json::Value::Null) => Ok(None),
            // Blank, as for the other optional fields (a form's field left empty).
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(serde_json::Value::String(s)) => parse(&s)
                .map(Some)
                .ok_or_else(|| de::Error::custom(format_args!("{field}: expected {EXPECTED}, got {s:?}"))),
            Some(other) => Err(de::Error::custom(format_args!("{field}: expected {EXPECTED}, got {other}"))),
        }
    }

    pub fn published<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        time("published", d)
    }

    pub fn updated<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        time("updated", d)
    }
}

pub(crate) fn to_time(t: Option<i64>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::from_timestamp(t, 0))
}

/// The input that would produce this stored article (to re-render it).
pub fn input_of(article: &Article) -> ArticleInput {
    ArticleInput { updated: to_time(Some(article.updated_at)), ..input_of_snapshot(&Snapshot::of(&article.data)) }
}

/// The input that would write these editable fields (a revision's) back,
/// with no update time of its own.
pub fn input_of_snapshot(s: &Snapshot) -> ArticleInput {
    ArticleInput {
        slug: s.slug.clone(),
        title: s.title.clone(),
        standfirst: s.standfirst.clone(),
        body: s.body.clone(),
        authors: s.authors.clone(),
        section: s.section.clone(),
        tags: s.tags.clone(),
        lang: Some(s.lang.clone()),
        status: Some(s.status),
        published: to_time(s.published_at),
        updated: None,
        sources: s.sources.clone(),
        canonical_url: s.canonical_url.clone(),
        lead_image: s.lead_image.clone(),
        lead_image_alt: s.lead_image_alt.clone(),
        summary_mode: Some(s.summary_mode),
        summary: s.summary_custom.clone(),
        summary_sentences: (!s.summary_picks.is_empty()).then(|| found_picks(&s.summary_picks)),
        summary_seen: (!s.summary_picks.is_empty())
            .then(|| SeenPicks { picks: s.summary_picks.clone(), lost: Lost::FallBack }),
        auto_paragraphs: Some(s.auto_paragraphs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::input;

    /// JSON times: RFC 3339 or a date; anything else names the field and the
    /// forms it takes.
    #[test]
    fn json_dates() {
        let parse = |v: &str| {
            serde_json::from_str::<ArticleInput>(&format!(
                r#"{{"slug":"a","title":"A","section":"S","body":"x","published":{v}}}"#
            ))
        };
        let at = |v: &str| parse(v).unwrap().published.map(|t| t.to_rfc3339());
        assert_eq!(at(r#""2026-01-31T09:00:00Z""#).as_deref(), Some("2026-01-31T09:00:00+00:00"));
        assert_eq!(at(r#""2026-01-01""#).as_deref(), Some("2026-01-01T00:00:00+00:00"));
        assert_eq!(at("null"), None);
        for bad in [
            r#""yesterday""#,
            r#""2026-1-1""#,
            r#""02026-1-01""#,
            r#""2026-02-30""#,
            r#""2026-01-01T09:00:00""#,
            "20260101",
            "{}",
        ] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(
                err.starts_with("published: ") && err.contains("2026-01-31T09:00:00Z") && err.contains("2026-01-31"),
                "{bad}: {err}"
            );
        }
        let err = serde_json::from_str::<ArticleInput>(r#"{"slug":"a","title":"A","section":"S","updated":"soon"}"#)
            .unwrap_err();
        assert!(err.to_string().starts_with("updated: expected"), "{err}");
        // Blank is as not given, as for the other optional fields.
        assert_eq!(at(r#""""#), None);
        assert_eq!(at(r#"" ""#), None);
        // Picked sentences: whole numbers, with or without a point.
        let picks = serde_json::from_str::<ArticleInput>(
            r#"{"slug":"a","title":"A","section":"S","summary_sentences":[0,2.0]}"#,
        );
        assert_eq!(picks.unwrap().summary_sentences, Some(vec![0, 2]));
        // What is written reads back the same.
        let mut i = input();
        i.published = time::parse("2026-01-31T09:00:00Z");
        let back: ArticleInput = serde_json::from_str(&serde_json::to_string(&i).unwrap()).unwrap();
        assert_eq!(back, i);
    }
}
