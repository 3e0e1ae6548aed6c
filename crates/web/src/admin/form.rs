//! The article form: every field the API takes, as the browser sends them
//! (text, in the site's time zone), to an [`ArticleInput`] and back.

use std::collections::BTreeMap;

use chrono::DateTime;
use content::{ArticleInput, Lost, SeenPicks};
use serde::Deserialize;
use store::{Article, Snapshot, Status, SummaryMode, SummaryPick};

use super::pages::{input_time, parse_input_time};
use super::permissions::Action;

/// The form's fields, in the order the editor shows them: (name, label).
/// The names are the API's, so a validation error names its field.
pub const FIELDS: [(&str, &str); 16] = [
    ("title", "Title"),
    ("slug", "Slug"),
    ("standfirst", "Standfirst"),
    ("body", "Body"),
    ("section", "Section"),
    ("tags", "Tags"),
    ("authors", "Authors"),
    ("lang", "Language"),
    ("published", "Publication time"),
    ("lead_image", "Lead image URL"),
    ("lead_image_alt", "Lead image alt text"),
    ("canonical_url", "Canonical URL"),
    ("sources", "Sources"),
    ("summary_mode", "Summary"),
    ("summary", "Editors' summary"),
    ("auto_paragraphs", "Paragraphs"),
];

/// The article form as sent (every field text; absent ones empty).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ArticleForm {
    /// The version the form was opened at (absent for a new article).
    pub version: String,
    /// Which button was pressed.
    pub action: String,
    pub title: String,
    pub slug: String,
    pub standfirst: String,
    pub body: String,
    pub section: String,
    /// Comma-separated.
    pub tags: String,
    /// Comma-separated.
    pub authors: String,
    pub lang: String,
    /// `datetime-local`, in the site's time zone.
    pub published: String,
    pub lead_image: String,
    pub lead_image_alt: String,
    pub canonical_url: String,
    pub sources: String,
    /// `auto`, `custom` or `off`.
    pub summary_mode: String,
    pub summary: String,
    /// `on` (or absent): long paragraphs are broken where the topic
    /// shifts; `off`: shown as written.
    pub auto_paragraphs: String,
    /// The other fields: among them the summary sentences ticked in the
    /// editor's list, `pick_{index}` = the sentence's text as the list
    /// showed it (so a pick follows its sentence if the body was edited in
    /// the same form; see [`content::SeenPicks`]).
    #[serde(flatten)]
    pub extra: BTreeMap<String, String>,
}

/// The name of a sentence's checkbox in the editor's list.
pub fn pick_field(index: usize) -> String {
    format!("pick_{index}")
}

/// A form error: the field, and the message in the API's words (`title:
/// must not be empty`), or in the newsroom's for what only the form has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl From<content::ValidationError> for FieldError {
    fn from(e: content::ValidationError) -> FieldError {
        FieldError { field: e.field, message: e.to_string() }
    }
}

fn split(list: &str) -> Vec<String> {
    list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn optional(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A slug made from a title (see [`content::ascii_slug`]); empty when the
/// title has nothing to make one from.
pub fn slug_from_title(title: &str) -> String {
    content::ascii_slug(title).unwrap_or_default()
}

impl ArticleForm {
    /// A new article's form: the writer in the byline, the automatic summary.
    pub fn blank(display_name: &str) -> ArticleForm {
        ArticleForm { authors: display_name.to_owned(), summary_mode: "auto".into(), ..ArticleForm::default() }
    }

    /// The form of a stored article.
    pub fn of(a: &Article, tz: chrono_tz::Tz) -> ArticleForm {
        ArticleForm { version: a.version.to_string(), ..ArticleForm::of_snapshot(&Snapshot::of(&a.data), tz) }
    }

    /// The form of an article's editable fields (a revision's), with no version.
    pub fn of_snapshot(s: &Snapshot, tz: chrono_tz::Tz) -> ArticleForm {
        ArticleForm {
            version: String::new(),
            action: String::new(),
            title: s.title.clone(),
            slug: s.slug.clone(),
            standfirst: s.standfirst.clone().unwrap_or_default(),
            body: s.body.clone(),
            section: s.section.clone(),
            tags: s.tags.join(", "),
            authors: s.authors.join(", "),
            lang: s.lang.clone(),
            published: s.published_at.map(|t| input_time(tz, t)).unwrap_or_default(),
            lead_image: s.lead_image.clone().unwrap_or_default(),
            lead_image_alt: s.lead_image_alt.clone().unwrap_or_default(),
            canonical_url: s.canonical_url.clone().unwrap_or_default(),
            sources: s.sources.clone().unwrap_or_default(),
            summary_mode: s.summary_mode.as_str().to_owned(),
            summary: s.summary_custom.clone().unwrap_or_default(),
            auto_paragraphs: if s.auto_paragraphs { "on" } else { "off" }.to_owned(),
            extra: s.summary_picks.iter().filter_map(|p| Some((pick_field(p.index?), p.text.clone()))).collect(),
        }
    }

    /// The sentences ticked in the editor's list: (index, text as shown), by index.
    pub fn picks(&self) -> Vec<SummaryPick> {
        self.extra
            .iter()
            .filter_map(|(k, v)| {
                let index = k.strip_prefix("pick_")?.parse::<usize>().ok()?;
                Some((index, SummaryPick { index: Some(index), text: v.clone() }))
            })
            .collect::<BTreeMap<_, _>>()
            .into_values()
            .collect()
    }

    /// Browsers send text areas with CRLF line ends: stored text has LF.
    pub fn normalized(mut self) -> ArticleForm {
        for field in [&mut self.body, &mut self.standfirst, &mut self.sources, &mut self.summary] {
            if field.contains('\r') {
                *field = field.replace("\r\n", "\n").replace('\r', "\n");
            }
        }
        self
    }

    /// The ticked summary sentences, one a line ("3. The sentence."), to
    /// show two versions side by side.
    pub fn picks_text(&self) -> String {
        let lines: Vec<String> =
            self.picks().iter().map(|p| format!("{}. {}", p.index.unwrap_or(0) + 1, p.text)).collect();
        lines.join("\n")
    }

    /// A field's value by name.
    pub fn get(&self, field: &str) -> &str {
        match field {
            "title" => &self.title,
            "slug" => &self.slug,
            "standfirst" => &self.standfirst,
            "body" => &self.body,
            "section" => &self.section,
            "tags" => &self.tags,
            "authors" => &self.authors,
            "lang" => &self.lang,
            "published" => &self.published,
            "lead_image" => &self.lead_image,
            "lead_image_alt" => &self.lead_image_alt,
            "canonical_url" => &self.canonical_url,
            "sources" => &self.sources,
            "summary_mode" => &self.summary_mode,
            "summary" => &self.summary,
            // Absent means on, as in the API.
            "auto_paragraphs" => {
                if self.auto_paragraphs.trim() == "off" {
                    "off"
                } else {
                    "on"
                }
            }
            _ => "",
        }
    }

    /// The version the form was opened at.
    pub fn version(&self) -> Option<i64> {
        self.version.trim().parse().ok()
    }

    /// The article as the API would take it, for `action` at `now` over
    /// `stored` (`None` for a new article). The status is the action's (or
    /// the stored one, for a plain save). The publication time is read in
    /// the site's time zone; a time that shows the stored one to the minute
    /// is the stored one (the form shows no seconds). Publishing takes the
    /// time given when it is past, else now; scheduling needs a time to come.
    pub fn to_input(
        &self,
        tz: chrono_tz::Tz,
        stored: Option<&Article>,
        action: Action,
        now: i64,
    ) -> Result<ArticleInput, FieldError> {
        let status = action.target().or(stored.map(|a| a.status)).unwrap_or(Status::Draft);
        let slug = match self.slug.trim() {
            // With no title either, validation names the title (which a
            // stand-in slug lets it reach: it is never stored, as an
            // article without a title is refused).
            "" if self.title.trim().is_empty() => "untitled".to_owned(),
            "" => slug_from_title(&self.title),
            given => given.to_owned(),
        };
        if slug.is_empty() && !self.title.trim().is_empty() {
            return Err(FieldError {
                field: "slug",
                message: "slug: give the article a slug (letters a-z, digits and hyphens): \
                          the title has none to make one from"
                    .into(),
            });
        }
        let mut published = match self.published.trim() {
            "" => None,
            text => {
                let t = parse_input_time(tz, text)
                    .map_err(|e| FieldError { field: "published", message: format!("published: {e}") })?;
                match stored.and_then(|a| a.published_at) {
                    Some(s) if s.div_euclid(60) == t.div_euclid(60) => Some(s),
                    _ => Some(t),
                }
            }
        };
        match action {
            Action::Publish => published = Some(published.filter(|&t| t <= now).unwrap_or(now)),
            Action::Schedule if published.is_none_or(|t| t <= now) => {
                return Err(FieldError {
                    field: "published",
                    message: format!(
                        "published: to schedule the article, give a publication time to come (in {tz}), \
                         or publish it now"
                    ),
                });
            }
            _ => {}
        }
        let summary_mode = match self.summary_mode.trim() {
            "" | "auto" => SummaryMode::Auto,
            "picked" => SummaryMode::Picked,
            "custom" => SummaryMode::Custom,
            "off" => SummaryMode::Off,
            other => {
                return Err(FieldError {
                    field: "summary_mode",
                    message: format!("summary_mode: must be one of auto, picked, custom, off, not {other:?}"),
                });
            }
        };
        // The ticked sentences, as the list showed them. A picked summary
        // needs every one of them still in the body (otherwise the editor
        // picks again); in another mode they are only kept.
        let picks = self.picks();
        let summary_seen = (!picks.is_empty() || summary_mode == SummaryMode::Picked).then(|| SeenPicks {
            picks,
            lost: if summary_mode == SummaryMode::Picked { Lost::Refuse } else { Lost::FallBack },
        });
        let auto_paragraphs = match self.auto_paragraphs.trim() {
            "" | "on" => true,
            "off" => false,
            other => {
                return Err(FieldError {
                    field: "auto_paragraphs",
                    message: format!("auto_paragraphs: must be on or off, not {other:?}"),
                });
            }
        };
        Ok(ArticleInput {
            slug,
            title: self.title.clone(),
            standfirst: optional(&self.standfirst),
            body: self.body.clone(),
            authors: split(&self.authors),
            section: self.section.clone(),
            tags: split(&self.tags),
            lang: optional(&self.lang),
            status: Some(status),
            published: published.and_then(|t| DateTime::from_timestamp(t, 0)),
            updated: None,
            sources: optional(&self.sources),
            canonical_url: optional(&self.canonical_url),
            lead_image: optional(&self.lead_image),
            lead_image_alt: optional(&self.lead_image_alt),
            summary_mode: Some(summary_mode),
            summary: optional(&self.summary),
            summary_sentences: None,
            summary_seen,
            auto_paragraphs: Some(auto_paragraphs),
        })
    }

    /// The fields where this form and `other` differ: (name, label, this, other).
    pub fn differences<'a>(&'a self, other: &'a ArticleForm) -> Vec<(&'static str, &'static str, &'a str, &'a str)> {
        FIELDS
            .iter()
            .filter(|(name, _)| self.get(name).trim() != other.get(name).trim())
            .map(|&(name, label)| (name, label, self.get(name), other.get(name)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_titles() {
        assert_eq!(slug_from_title("Économie : la Fed relève ses taux"), "economie-la-fed-releve-ses-taux");
        assert_eq!(slug_from_title("北京"), "bei-jing");
        assert_eq!(slug_from_title("!!!"), "");
    }

    #[test]
    fn forms_become_api_input() {
        let utc = chrono_tz::UTC;
        let form = ArticleForm {
            title: "Harbour City Votes".into(),
            body: "One.\r\nTwo.".into(),
            section: "World".into(),
            tags: "climate, , infrastructure ".into(),
            authors: "Ann Lee,Bo Chen".into(),
            published: "2026-09-04T08:30".into(),
            ..ArticleForm::blank("Ann")
        }
        .normalized();
        let input = form.to_input(utc, None, Action::SaveDraft, 0).unwrap();
        assert_eq!(input.slug, "harbour-city-votes");
        assert_eq!(input.body, "One.\nTwo.");
        assert_eq!(input.tags, ["climate", "infrastructure"]);
        assert_eq!(input.authors, ["Ann Lee", "Bo Chen"]);
        assert_eq!(input.status, Some(Status::Draft));
        assert_eq!(input.published.unwrap().to_rfc3339(), "2026-09-04T08:30:00+00:00");
        assert_eq!((input.standfirst, input.lang), (None, None));
        // Publishing "now" with a time to come publishes now; a past time is kept.
        let t = 1_788_510_600; // 2026-09-04T08:30:00Z
        let now_input = form.to_input(utc, None, Action::Publish, t - 10).unwrap();
        assert_eq!(now_input.published.unwrap().timestamp(), t - 10);
        assert_eq!(form.to_input(utc, None, Action::Publish, t + 10).unwrap().published.unwrap().timestamp(), t);
        // Scheduling needs a time to come.
        assert!(form.to_input(utc, None, Action::Schedule, t - 10).is_ok());
        let err = form.to_input(utc, None, Action::Schedule, t).unwrap_err();
        assert_eq!(err.field, "published");
        let bad = ArticleForm { published: "soon".into(), ..form.clone() };
        assert_eq!(bad.to_input(utc, None, Action::SaveDraft, 0).unwrap_err().field, "published");
        assert_eq!(input.auto_paragraphs, Some(true), "on unless switched off");
        let off = ArticleForm { auto_paragraphs: "off".into(), ..form.clone() };
        assert_eq!(off.to_input(utc, None, Action::SaveDraft, 0).unwrap().auto_paragraphs, Some(false));
        let odd = ArticleForm { auto_paragraphs: "maybe".into(), ..form.clone() };
        assert_eq!(odd.to_input(utc, None, Action::SaveDraft, 0).unwrap_err().field, "auto_paragraphs");
        let untitled = ArticleForm { title: "!!!".into(), ..form.clone() };
        assert_eq!(untitled.to_input(utc, None, Action::SaveDraft, 0).unwrap_err().field, "slug");
    }
}
