//! The article list (`/admin`) and the editor: one form for new and
//! existing articles, its buttons by role and status, optimistic
//! concurrency (a save over a newer version shows both versions and
//! overwrites nothing), and deletion with a confirmation page.

use askama::Template;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use content::WriteError;
use serde::Deserialize;
use store::{Article, DeskQuery, Named, Status, StoreError, Visibility};

use super::form::{ArticleForm, FIELDS, FieldError};
use super::pages::{Chrome, Done, done, forbidden, internal, iso, local_time, message_page, redirect, render};
use super::permissions::{Action, Subject, allowed};
use super::session::{Posted, Signed};
use crate::pages::{ArticleOptions, PreviewBanner};
use crate::{AppState, now};

const PER_PAGE: u32 = 25;

/// How a status is shown.
pub(super) fn status_label(s: Status) -> &'static str {
    match s {
        Status::Draft => "Draft",
        Status::Submitted => "Submitted for review",
        Status::Scheduled => "Scheduled",
        Status::Published => "Published",
    }
}

/// What a finished action says on the page it leads to (`?done=`); only
/// these fixed texts, so nothing from the address is echoed.
fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "created" => "Created.",
        "saved" => "Saved.",
        "draft" => "Saved as a draft.",
        "submitted" => "Submitted for review: an editor can now schedule or publish it.",
        "scheduled" => "Scheduled: readers will see it from its publication time.",
        "published" => "Published: readers can see it now.",
        "unpublished" => "Unpublished: readers no longer see it.",
        "unchanged" => "Nothing had changed, so nothing was saved.",
        "deleted" => "The article was deleted.",
        _ => return None,
    })
}

fn done_code(action: Action) -> &'static str {
    match action {
        Action::SaveDraft => "draft",
        Action::Submit => "submitted",
        Action::Schedule => "scheduled",
        Action::Publish => "published",
        Action::Unpublish => "unpublished",
        _ => "saved",
    }
}

/// The button that was pressed.
fn parse_action(value: &str) -> Option<Action> {
    Some(match value {
        "save" => Action::Edit,
        "draft" => Action::SaveDraft,
        "submit" => Action::Submit,
        "schedule" => Action::Schedule,
        "publish" => Action::Publish,
        "unpublish" => Action::Unpublish,
        _ => return None,
    })
}

/// Why an action on an article is refused, in plain words.
pub(super) fn refusal(who: &Signed, article: Option<&Article>, action: Action) -> String {
    match article {
        Some(a) if who.user.role == store::Role::Writer && a.owner != Some(who.user.id) => {
            "Writers can change only the articles they created.".into()
        }
        Some(a) if who.user.role == store::Role::Writer && a.status.is_public() => {
            "This article is scheduled or published: only editors can change it now.".into()
        }
        _ if who.user.role == store::Role::Writer
            && matches!(action, Action::Publish | Action::Schedule | Action::Unpublish) =>
        {
            "Writers cannot publish, schedule or unpublish: submit the article for review, and an editor will.".into()
        }
        _ => format!("Your role ({}) does not allow this.", who.user.role),
    }
}

// ---------------------------------------------------------------- list

pub struct OptionView {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct RowView {
    pub title: String,
    pub edit_url: Option<String>,
    pub view_url: Option<String>,
    pub status: &'static str,
    pub status_class: &'static str,
    pub section: String,
    pub authors: String,
    pub owner: String,
    pub updated: String,
    pub updated_iso: String,
    pub published: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "admin/list.html")]
struct ListPage {
    chrome: Chrome,
    heading: &'static str,
    notice: Option<&'static str>,
    no_admin: bool,
    statuses: Vec<OptionView>,
    sections: Vec<OptionView>,
    authors: Vec<OptionView>,
    q: String,
    rows: Vec<RowView>,
    total: u64,
    page: u32,
    pages: u32,
    prev_url: Option<String>,
    next_url: Option<String>,
    tz: String,
    filtered: bool,
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    status: Option<String>,
    section: Option<String>,
    author: Option<String>,
    q: Option<String>,
    page: Option<String>,
    done: Option<String>,
}

fn options(all: &[Named], chosen: Option<&str>, any: &str) -> Vec<OptionView> {
    std::iter::once(OptionView { value: String::new(), label: any.to_owned(), selected: chosen.is_none() })
        .chain(all.iter().map(|n| OptionView {
            value: n.slug.clone(),
            label: n.name.clone(),
            selected: chosen == Some(n.slug.as_str()),
        }))
        .collect()
}

/// `GET /admin`: the articles, newest change first; writers see their own.
pub async fn list(
    State(state): State<AppState>,
    who: Signed,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Response {
    let p = params.map(|q| q.0).unwrap_or_default();
    let nonempty = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let status = nonempty(&p.status).and_then(|s| Status::parse(&s));
    let section = nonempty(&p.section);
    let author = nonempty(&p.author);
    let q = nonempty(&p.q).map(|q| q.chars().take(200).collect::<String>());
    let page = p.page.as_deref().and_then(|n| n.parse::<u32>().ok()).filter(|n| (1..=100_000).contains(n)).unwrap_or(1);
    let writer = who.user.role == store::Role::Writer;
    let query = DeskQuery {
        status,
        section: section.clone(),
        author: author.clone(),
        owner: writer.then_some(who.user.id),
        title: q.clone(),
        page,
        per_page: PER_PAGE,
    };
    let store = state.store();
    let (result, facets, admins) =
        match tokio::try_join!(store.desk_articles(&query), store.desk_facets(), store.count_active_admins()) {
            Ok(x) => x,
            Err(e) => return internal(e),
        };
    let tz = state.site().timezone;
    let now = now();
    let actor = who.actor();
    let rows = result
        .items
        .iter()
        .map(|item| {
            let subject = Subject { status: item.status, owner: item.owner };
            let public = item.status.is_public() && item.published_at.is_some_and(|t| t <= now);
            RowView {
                title: item.title.clone(),
                edit_url: allowed(actor, Action::Edit, Some(subject)).then(|| format!("/admin/articles/{}", item.slug)),
                view_url: public.then(|| format!("/articles/{}", item.slug)),
                status: status_label(item.status),
                status_class: item.status.as_str(),
                section: item.section.name.clone(),
                authors: item.authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", "),
                owner: item.owner_name.clone().unwrap_or_else(|| "—".into()),
                updated: local_time(tz, item.updated_at),
                updated_iso: iso(item.updated_at),
                published: item.published_at.map(|t| (local_time(tz, t), iso(t))),
            }
        })
        .collect();
    let pages = result.pages();
    let page = result.page.unwrap_or(page);
    let link = |n: u32| {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(s) = status {
            pairs.push(("status", s.as_str().to_owned()));
        }
        for (k, v) in [("section", &section), ("author", &author), ("q", &q)] {
            if let Some(v) = v {
                pairs.push((k, v.clone()));
            }
        }
        if n > 1 {
            pairs.push(("page", n.to_string()));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        if query.is_empty() { "/admin".to_owned() } else { format!("/admin?{query}") }
    };
    let statuses =
        std::iter::once(OptionView { value: String::new(), label: "Any status".into(), selected: status.is_none() })
            .chain([Status::Draft, Status::Submitted, Status::Scheduled, Status::Published].into_iter().map(|s| {
                OptionView { value: s.as_str().into(), label: status_label(s).into(), selected: status == Some(s) }
            }))
            .collect();
    let view = ListPage {
        chrome: Chrome::new(&state, Some(&who), "articles"),
        heading: if writer { "Your articles" } else { "Articles" },
        notice: p.done.as_deref().and_then(done_message),
        no_admin: admins == 0,
        statuses,
        sections: options(&facets.sections, section.as_deref(), "Any section"),
        authors: options(&facets.authors, author.as_deref(), "Any author"),
        q: q.clone().unwrap_or_default(),
        rows,
        total: result.total,
        page,
        pages,
        prev_url: (page > 1).then(|| link(page - 1)),
        next_url: (page < pages).then(|| link(page + 1)),
        tz: tz.to_string(),
        filtered: status.is_some() || section.is_some() || author.is_some() || q.is_some(),
    };
    render(StatusCode::OK, &view)
}

// ---------------------------------------------------------------- editor

pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    /// `text`, `url`, `datetime`, `textarea`, `body`.
    pub kind: &'static str,
    pub value: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub required: bool,
    pub rows: u32,
    /// A `<datalist>` id, for suggestions.
    pub list: Option<&'static str>,
    /// The ids of the hint and error, for `aria-describedby`.
    pub described: String,
}

pub struct ButtonView {
    pub action: &'static str,
    pub label: &'static str,
}

pub struct DiffView {
    pub label: &'static str,
    pub yours: String,
    pub current: String,
}

pub struct ConflictView {
    pub version: i64,
    pub updated: String,
    pub diffs: Vec<DiffView>,
    pub can_save: bool,
    /// The history's comparison of the version the form was opened at
    /// with the current one (what the other save changed), when kept.
    pub since_url: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/edit.html")]
struct EditPage {
    chrome: Chrome,
    heading: String,
    action_url: String,
    version: String,
    fields: Vec<FieldView>,
    summary_mode: String,
    summary_error: Option<String>,
    buttons: Vec<ButtonView>,
    delete_url: Option<String>,
    status: Option<&'static str>,
    owner: Option<String>,
    view_url: Option<String>,
    history_url: Option<String>,
    notice: Option<&'static str>,
    errors: Vec<(&'static str, String)>,
    conflict: Option<ConflictView>,
    sections: Vec<String>,
    languages: Vec<(&'static str, &'static str)>,
    summary: String,
    auto_paragraphs: bool,
    auto_paragraphs_error: Option<String>,
    picker: Picker,
    preview_url: String,
    saved_preview_url: Option<String>,
    /// The errors came from a preview, not a save.
    previewing: bool,
}

/// One sentence of the body, in the editor's list.
pub struct SentenceView {
    pub index: usize,
    pub text: String,
    /// In the automatic short (3) and longer (5) summaries.
    pub short: bool,
    pub long: bool,
    /// Ticked: picked for the summary.
    pub picked: bool,
}

/// The editor's list of the body's sentences, to see the automatic
/// summaries and pick the summary's sentences.
pub struct Picker {
    pub sentences: Vec<SentenceView>,
    /// What the list is of, when not the text in the form (it could not
    /// be read: the saved text's sentences).
    pub note: Option<&'static str>,
    pub error: Option<String>,
    /// Picked sentences the body no longer has (readers get the automatic
    /// summary meanwhile).
    pub lost: Vec<String>,
    pub max: usize,
}

/// The languages the summarizer knows, as suggestions for the language field.
const LANGUAGES: [(&str, &str); 10] = [
    ("en", "English"),
    ("fr", "French"),
    ("de", "German"),
    ("es", "Spanish"),
    ("it", "Italian"),
    ("pt", "Portuguese"),
    ("nl", "Dutch"),
    ("ru", "Russian"),
    ("uk", "Ukrainian"),
    ("zh", "Chinese"),
];

fn field_kind(name: &str) -> (&'static str, u32, Option<String>, bool, Option<&'static str>) {
    // (kind, rows, hint, required, datalist)
    match name {
        "title" => ("text", 0, None, true, None),
        "slug" => (
            "text",
            0,
            Some("The article's address: /articles/slug. Lowercase letters, digits and hyphens; leave it empty to make one from the title.".into()),
            false,
            None,
        ),
        "standfirst" => ("textarea", 3, Some("One or two sentences under the title.".into()), false, None),
        "body" => ("body", 24, Some("Markdown: a blank line between paragraphs, ## for a subheading, **bold**, *italic*, [a link](https://…).".into()), true, None),
        "section" => ("text", 0, Some("Such as World, Business or Science.".into()), true, Some("sections")),
        "tags" => ("text", 0, Some("Separate tags with commas.".into()), false, None),
        "authors" => ("text", 0, Some("The byline: separate names with commas.".into()), false, None),
        "lang" => (
            "text",
            0,
            Some("A language code such as en, fr or pt-BR; leave it empty to detect it from the body.".into()),
            false,
            Some("languages"),
        ),
        "published" => ("datetime", 0, None, false, None),
        "lead_image" => ("text", 0, Some("An http(s) address, or a path on this site starting with /.".into()), false, None),
        "lead_image_alt" => ("text", 0, Some("What the picture shows, for readers who cannot see it.".into()), false, None),
        "canonical_url" => ("url", 0, Some("Only when the article first appeared at another address.".into()), false, None),
        "sources" => ("textarea", 3, Some("Sources or references, shown under the article.".into()), false, None),
        _ => ("text", 0, None, false, None),
    }
}

/// Everything the editor shows.
pub(super) struct Editor<'a> {
    pub(super) who: &'a Signed,
    pub(super) stored: Option<&'a Article>,
    pub(super) form: ArticleForm,
    pub(super) error: Option<FieldError>,
    pub(super) notice: Option<&'static str>,
    pub(super) conflict: Option<ConflictView>,
    /// The errors came from a preview.
    pub(super) previewing: bool,
}

/// The editor's sentence list: of the text in the form when it reads (the
/// stored article when the form holds its body, else the form prepared as
/// a save would), else of the stored text; the automatic summaries' sentences
/// marked, the form's picks ticked (by their text).
async fn picker(state: &AppState, stored: Option<&Article>, form: &ArticleForm) -> Picker {
    let mut note = None;
    let prepared;
    let shown = match stored {
        Some(a) if a.body_md == form.body && a.title == form.title.trim() => Some(a),
        _ => {
            let tz = state.site().timezone;
            let action = if stored.is_some() { Action::Edit } else { Action::SaveDraft };
            // The list needs the sentences only: the picks are not checked.
            let mut input = form.to_input(tz, stored, action, now()).ok();
            if let Some(i) = input.as_mut() {
                i.summary_seen = None;
                i.summary_mode = Some(store::SummaryMode::Auto);
            }
            prepared = match input {
                Some(input) => state.articles().preview(stored, input, now()).await.ok(),
                None => None,
            };
            if prepared.is_none() && stored.is_some() && !form.body.trim().is_empty() {
                note = Some("The text in the form has errors: these are the sentences of the saved text.");
            }
            prepared.as_ref().or(stored)
        }
    };
    let picks = form.picks();
    let sentences = match shown {
        Some(a) => {
            let in_summary = |length: u32, i: usize| {
                a.summaries.iter().any(|s| s.length == length && s.sentences.iter().any(|x| x.index == i))
            };
            let texts = content::sentences_of(state.summarizer(), a);
            let mut ticked = vec![false; texts.len()];
            for p in &picks {
                let at = p.index.filter(|&i| texts.get(i) == Some(&p.text.as_str()) && !ticked[i]);
                if let Some(i) = at.or_else(|| (0..texts.len()).find(|&j| !ticked[j] && texts[j] == p.text)) {
                    ticked[i] = true;
                }
            }
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| SentenceView {
                    index: i,
                    text: (*t).to_owned(),
                    short: in_summary(3, i),
                    long: in_summary(5, i),
                    picked: ticked[i],
                })
                .collect()
        }
        None => Vec::new(),
    };
    let lost = stored
        .filter(|a| a.summary_mode == store::SummaryMode::Picked)
        .map(|a| a.summary_picks.iter().filter(|p| p.index.is_none()).map(|p| p.text.clone()).collect())
        .unwrap_or_default();
    Picker { sentences, note, error: None, lost, max: content::MAX_PICKS }
}

impl Editor<'_> {
    pub(super) async fn render(self, state: &AppState, status: StatusCode) -> Response {
        let tz = state.site().timezone;
        let actor = self.who.actor();
        let subject = self.stored.map(Subject::from);
        let error_for = |name: &str| self.error.as_ref().filter(|e| e.field == name).map(|e| e.message.clone());
        let fields = FIELDS
            .iter()
            .filter(|(name, _)| !matches!(*name, "summary_mode" | "summary" | "auto_paragraphs"))
            .map(|&(name, label)| {
                let (kind, rows, mut hint, required, list) = field_kind(name);
                if name == "published" {
                    hint = Some(format!(
                        "In the site's time zone, {tz}. Leave it empty to date the article when it is published."
                    ));
                }
                let error = error_for(name);
                let described = [
                    hint.as_ref().map(|_| format!("f-{name}-hint")),
                    error.as_ref().map(|_| format!("f-{name}-error")),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
                FieldView {
                    name,
                    label,
                    kind,
                    value: self.form.get(name).to_owned(),
                    hint,
                    error,
                    required,
                    rows,
                    list,
                    described,
                }
            })
            .collect();
        let candidates: &[(Action, &'static str, &'static str)] = match subject {
            None => &[
                (Action::SaveDraft, "draft", "Save draft"),
                (Action::Submit, "submit", "Submit for review"),
                (Action::Schedule, "schedule", "Schedule"),
                (Action::Publish, "publish", "Publish now"),
            ],
            Some(s) if s.status.is_public() => &[
                (Action::Edit, "save", "Save changes"),
                (Action::Schedule, "schedule", "Schedule"),
                (Action::Publish, "publish", "Publish now"),
                (Action::Unpublish, "unpublish", "Unpublish"),
            ],
            Some(_) => &[
                (Action::SaveDraft, "draft", "Save draft"),
                (Action::Submit, "submit", "Submit for review"),
                (Action::Schedule, "schedule", "Schedule"),
                (Action::Publish, "publish", "Publish now"),
            ],
        };
        let may_edit = subject.is_none() || allowed(actor, Action::Edit, subject);
        let buttons: Vec<ButtonView> = candidates
            .iter()
            .filter(|(a, _, _)| may_edit && allowed(actor, *a, subject))
            .map(|&(_, action, label)| ButtonView { action, label })
            .collect();
        let now = now();
        let sections = match state.store().desk_facets().await {
            Ok(f) => f.sections.into_iter().map(|n| n.name).collect(),
            Err(e) => return internal(e),
        };
        let owner = match self.stored.and_then(|a| a.owner) {
            Some(id) => match state.store().user_by_id(id).await {
                Ok(u) => u.map(|u| u.display_name),
                Err(e) => return internal(e),
            },
            None => None,
        };
        let mut errors: Vec<(&'static str, String)> = Vec::new();
        if let Some(e) = &self.error {
            // Linked to its field when the form has one.
            let target =
                if FIELDS.iter().any(|(n, _)| *n == e.field) || e.field == "summary_sentences" { e.field } else { "" };
            errors.push((target, e.message.clone()));
        }
        let mut picker = picker(state, self.stored, &self.form).await;
        picker.error = error_for("summary_sentences");
        let page = EditPage {
            chrome: Chrome::new(state, Some(self.who), if self.stored.is_none() { "new" } else { "" }),
            heading: match self.stored {
                Some(a) => format!("Edit “{}”", a.title),
                None => "New article".into(),
            },
            action_url: match self.stored {
                Some(a) => format!("/admin/articles/{}", a.slug),
                None => "/admin/articles/new".into(),
            },
            version: self.form.version.clone(),
            summary_mode: match self.form.summary_mode.as_str() {
                "picked" | "custom" | "off" => self.form.summary_mode.clone(),
                _ => "auto".into(),
            },
            summary_error: error_for("summary").or_else(|| error_for("summary_mode")),
            fields,
            buttons,
            delete_url: self
                .stored
                .filter(|a| allowed(actor, Action::Delete, Some(Subject::from(*a))))
                .map(|a| format!("/admin/articles/{}/delete", a.slug)),
            status: self.stored.map(|a| status_label(a.status)),
            owner,
            view_url: self
                .stored
                .filter(|a| a.status.is_public() && a.published_at.is_some_and(|t| t <= now))
                .map(|a| format!("/articles/{}", a.slug)),
            history_url: self.stored.map(|a| format!("/admin/articles/{}/history", a.slug)),
            notice: self.notice,
            errors,
            conflict: self.conflict,
            sections,
            languages: LANGUAGES.to_vec(),
            summary: self.form.summary.clone(),
            auto_paragraphs: self.form.get("auto_paragraphs") == "on",
            auto_paragraphs_error: error_for("auto_paragraphs"),
            picker,
            preview_url: match self.stored {
                Some(a) => format!("/admin/articles/{}/preview", a.slug),
                None => "/admin/articles/new/preview".into(),
            },
            saved_preview_url: self.stored.map(|a| format!("/admin/articles/{}/preview", a.slug)),
            previewing: self.previewing,
        };
        render(status, &page)
    }
}

/// An article's slug from the address (`None`: not UTF-8, no such article).
pub(super) type SlugPath = Result<Path<String>, PathRejection>;

/// The article at the address, or the page that says why there is none
/// (404; 500 when the store fails).
pub(super) async fn load(state: &AppState, who: &Signed, slug: SlugPath) -> Result<Article, Response> {
    let found = match slug {
        Ok(Path(slug)) if content::is_valid_slug(&slug) => {
            state.store().article(&slug, Visibility::All).await.map_err(internal)?
        }
        _ => None,
    };
    found.ok_or_else(|| no_article(state, who))
}

pub(super) fn no_article(state: &AppState, who: &Signed) -> Response {
    message_page(
        state,
        Some(who),
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no article at this address (it may have been deleted).",
    )
}

/// `GET /admin/articles/new`.
pub async fn new_form(State(state): State<AppState>, who: Signed) -> Response {
    if !allowed(who.actor(), Action::Create, None) {
        return forbidden(&state, &who, &refusal(&who, None, Action::Create));
    }
    let form = ArticleForm::blank(&who.user.display_name);
    Editor { who: &who, stored: None, form, error: None, notice: None, conflict: None, previewing: false }
        .render(&state, StatusCode::OK)
        .await
}

/// `POST /admin/articles/new`: creates the article, owned by its writer.
pub async fn create(State(state): State<AppState>, posted: Posted<ArticleForm>) -> Response {
    let Posted { who, form } = posted;
    let form = form.normalized();
    if form.action == "preview" {
        // A browser that ignored the Preview button's `formaction`.
        return preview_form(&state, &who, None, form).await;
    }
    let actor = who.actor();
    let Some(action) = parse_action(&form.action).filter(|a| *a != Action::Edit && *a != Action::Unpublish) else {
        return message_page(&state, Some(&who), StatusCode::BAD_REQUEST, "Bad request", "The form names no action.");
    };
    if !allowed(actor, Action::Create, None) || !allowed(actor, action, None) {
        return forbidden(&state, &who, &refusal(&who, None, action));
    }
    let now = now();
    let failed = |form: ArticleForm, error: FieldError| {
        let who = &who;
        let state = &state;
        async move {
            Editor { who, stored: None, form, error: Some(error), notice: None, conflict: None, previewing: false }
                .render(state, StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
    };
    let input = match form.to_input(state.site().timezone, None, action, now) {
        Ok(input) => input,
        Err(e) => return failed(form, e).await,
    };
    match state.articles().create_owned(input, Some(who.user.id), &who.by(), now).await {
        Ok(a) => redirect(&format!("/admin/articles/{}?done={}", a.slug, done_code(action))),
        Err(WriteError::Invalid(v)) => failed(form, v.into()).await,
        Err(WriteError::Store(StoreError::Conflict(m))) => {
            failed(form, FieldError { field: "slug", message: format!("slug: {m}") }).await
        }
        Err(e) => internal(e),
    }
}

/// `GET /admin/articles/{slug}`: the editor.
pub async fn edit_form(State(state): State<AppState>, who: Signed, slug: SlugPath, params: Done) -> Response {
    let article = match load(&state, &who, slug).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    if !allowed(who.actor(), Action::Edit, Some(Subject::from(&article))) {
        return forbidden(&state, &who, &refusal(&who, Some(&article), Action::Edit));
    }
    let notice = done(params).as_deref().and_then(done_message);
    let form = ArticleForm::of(&article, state.site().timezone);
    Editor { who: &who, stored: Some(&article), form, error: None, notice, conflict: None, previewing: false }
        .render(&state, StatusCode::OK)
        .await
}

/// The editor again after a save over a newer version: the form keeps what
/// was sent, takes the current version (saving again replaces the current
/// text with it, knowingly), and both versions of every field that differs
/// are shown. Only to someone who may see the current article.
async fn conflict(state: &AppState, who: &Signed, mine: ArticleForm, current: &Article) -> Response {
    let subject = Subject::from(current);
    let actor = who.actor();
    if !allowed(actor, Action::Edit, Some(subject)) && current.owner != Some(who.user.id) {
        return forbidden(state, who, &refusal(who, Some(current), Action::Edit));
    }
    let tz = state.site().timezone;
    let theirs = ArticleForm::of(current, tz);
    let mut diffs: Vec<DiffView> = mine
        .differences(&theirs)
        .into_iter()
        .map(|(_, label, yours, current)| DiffView { label, yours: yours.to_owned(), current: current.to_owned() })
        .collect();
    let (yours, now_picked) = (mine.picks_text(), theirs.picks_text());
    if yours != now_picked {
        diffs.push(DiffView { label: "Summary sentences", yours, current: now_picked });
    }
    // The revision the form was opened at, if one was kept (its number is
    // that version): the history shows what the other save changed.
    let since_url = match mine.version() {
        Some(opened) if opened < current.version => match state.store().revision(current.id, opened).await {
            Ok(found) => found.map(|_| format!("/admin/articles/{}/history/{opened}", current.slug)),
            Err(e) => return internal(e),
        },
        _ => None,
    };
    let view = ConflictView {
        version: current.version,
        updated: local_time(tz, current.updated_at),
        diffs,
        can_save: allowed(actor, Action::Edit, Some(subject)),
        since_url,
    };
    let form = ArticleForm { version: current.version.to_string(), ..mine };
    Editor { who, stored: Some(current), form, error: None, notice: None, conflict: Some(view), previewing: false }
        .render(state, StatusCode::CONFLICT)
        .await
}

/// `POST /admin/articles/{slug}`: saves by the button pressed, only over
/// the version the form was opened at.
pub async fn save(State(state): State<AppState>, slug: SlugPath, posted: Posted<ArticleForm>) -> Response {
    let Posted { who, form } = posted;
    let form = form.normalized();
    let current = match load(&state, &who, slug).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    if form.action == "preview" {
        return preview_form(&state, &who, Some(&current), form).await;
    }
    let Some(action) = parse_action(&form.action) else {
        return message_page(&state, Some(&who), StatusCode::BAD_REQUEST, "Bad request", "The form names no action.");
    };
    if form.version() != Some(current.version) {
        return conflict(&state, &who, form, &current).await;
    }
    let actor = who.actor();
    let subject = Some(Subject::from(&current));
    if !allowed(actor, Action::Edit, subject) || !allowed(actor, action, subject) {
        return forbidden(&state, &who, &refusal(&who, Some(&current), action));
    }
    let now = now();
    let input = match form.to_input(state.site().timezone, Some(&current), action, now) {
        Ok(input) => input,
        Err(e) => {
            return Editor {
                who: &who,
                stored: Some(&current),
                form,
                error: Some(e),
                notice: None,
                conflict: None,
                previewing: false,
            }
            .render(&state, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        }
    };
    let error = match state.articles().update(&current.slug, input, Some(current.version), &who.by(), now).await {
        Ok(w) => {
            let code = if w.outcome == content::Outcome::Unchanged { "unchanged" } else { done_code(action) };
            return redirect(&format!("/admin/articles/{}?done={code}", w.article.slug));
        }
        Err(WriteError::Changed { current }) => return conflict(&state, &who, form, &current).await,
        Err(WriteError::NotFound(_)) => return no_article(&state, &who),
        Err(WriteError::Invalid(v)) => FieldError::from(v),
        Err(WriteError::Store(StoreError::Conflict(m))) => FieldError { field: "slug", message: format!("slug: {m}") },
        Err(e) => return internal(e),
    };
    Editor {
        who: &who,
        stored: Some(&current),
        form,
        error: Some(error),
        notice: None,
        conflict: None,
        previewing: false,
    }
    .render(&state, StatusCode::UNPROCESSABLE_ENTITY)
    .await
}

// ---------------------------------------------------------------- preview

/// May `who` preview this article (`None`: a new one)? Those who may edit
/// it (or create one).
fn may_preview(who: &Signed, stored: Option<&Article>) -> bool {
    match stored {
        Some(a) => allowed(who.actor(), Action::Edit, Some(Subject::from(a))),
        None => allowed(who.actor(), Action::Create, None),
    }
}

/// The article page as readers will get it, with the preview's banner
/// (and `noindex`); `no-store` and `X-Robots-Tag` come with every newsroom
/// response. Previous/Next are the article's own when readers see it now
/// (a draft has none yet).
async fn preview_page(state: &AppState, a: &Article, banner: PreviewBanner, summary: Option<&str>) -> Response {
    let now = now();
    let public = a.status.is_public() && a.published_at.is_some_and(|t| t <= now) && a.id != 0;
    let links = if public {
        match state.store().neighbours(&a.slug, now).await {
            Ok(links) => links,
            Err(e) => return internal(e),
        }
    } else {
        (None, None)
    };
    let (length, format, open) = crate::pages::summary_choice(summary);
    // The control's links reload the page: only a saved version's can.
    let options = ArticleOptions {
        length,
        format,
        open,
        summary_links: summary.is_some(),
        preview: Some(banner),
        related: Vec::new(),
    };
    match crate::pages::article_html(state, a, links, options, now).await {
        Ok(body) => (StatusCode::OK, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response(),
        Err(e) => internal(e),
    }
}

/// A preview of the form as sent: validated by the same rules as a save
/// (errors in the editor, 422), rendered as readers will see it, stored
/// nowhere.
async fn preview_form(state: &AppState, who: &Signed, stored: Option<&Article>, form: ArticleForm) -> Response {
    if !may_preview(who, stored) {
        return forbidden(state, who, &refusal(who, stored, Action::Edit));
    }
    let now = now();
    let failed = |form: ArticleForm, error: FieldError| async move {
        Editor { who, stored, form, error: Some(error), notice: None, conflict: None, previewing: true }
            .render(state, StatusCode::UNPROCESSABLE_ENTITY)
            .await
    };
    // The status stays (a new article: a draft).
    let action = if stored.is_some() { Action::Edit } else { Action::SaveDraft };
    let input = match form.to_input(state.site().timezone, stored, action, now) {
        Ok(input) => input,
        Err(e) => return failed(form, e).await,
    };
    match state.articles().preview(stored, input, now).await {
        Ok(a) => {
            let banner = PreviewBanner {
                text: "This is how readers will see the article with the changes in your form, which are not saved. \
                       Close this tab to go back to the editor."
                    .into(),
                back: None,
            };
            preview_page(state, &a, banner, None).await
        }
        Err(WriteError::Invalid(v)) => failed(form, v.into()).await,
        Err(e) => internal(e),
    }
}

/// `POST /admin/articles/new/preview`: a new article's form, previewed.
pub async fn preview_new(State(state): State<AppState>, posted: Posted<ArticleForm>) -> Response {
    let Posted { who, form } = posted;
    preview_form(&state, &who, None, form.normalized()).await
}

/// `POST /admin/articles/{slug}/preview`: an article's form, previewed.
pub async fn preview_changes(State(state): State<AppState>, slug: SlugPath, posted: Posted<ArticleForm>) -> Response {
    let Posted { who, form } = posted;
    let current = match load(&state, &who, slug).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    preview_form(&state, &who, Some(&current), form.normalized()).await
}

/// `GET /admin/articles/{slug}/preview`: the saved version, as readers will
/// see it (`?summary=` and `?format=` as on the article's page).
pub async fn preview_saved(
    State(state): State<AppState>,
    who: Signed,
    slug: SlugPath,
    RawQuery(query): RawQuery,
) -> Response {
    let article = match load(&state, &who, slug).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    if !may_preview(&who, Some(&article)) {
        return forbidden(&state, &who, &refusal(&who, Some(&article), Action::Edit));
    }
    let now = now();
    let shown = if article.status.is_public() && article.published_at.is_some_and(|t| t <= now) {
        "Readers see this version now."
    } else {
        "Readers do not see it yet."
    };
    let banner = PreviewBanner {
        text: format!(
            "The saved version ({}, version {}): this is how readers will see it. {shown}",
            status_label(article.status).to_lowercase(),
            article.version
        ),
        back: Some(format!("/admin/articles/{}", article.slug)),
    };
    preview_page(&state, &article, banner, Some(query.as_deref().unwrap_or(""))).await
}

#[derive(Template)]
#[template(path = "admin/delete.html")]
struct DeletePage {
    chrome: Chrome,
    title: String,
    slug: String,
    status: &'static str,
    version: i64,
}

/// `GET /admin/articles/{slug}/delete`: asks first (a page: no script needed).
pub async fn confirm_delete(State(state): State<AppState>, who: Signed, slug: SlugPath) -> Response {
    let article = match load(&state, &who, slug).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    if !allowed(who.actor(), Action::Delete, Some(Subject::from(&article))) {
        return forbidden(&state, &who, &refusal(&who, Some(&article), Action::Delete));
    }
    let page = DeletePage {
        chrome: Chrome::new(&state, Some(&who), ""),
        title: article.title.clone(),
        slug: article.slug.clone(),
        status: status_label(article.status),
        version: article.version,
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    version: String,
}

/// `POST /admin/articles/{slug}/delete`: deletes it, if it is still the
/// version that was confirmed.
pub async fn delete(State(state): State<AppState>, slug: SlugPath, posted: Posted<DeleteForm>) -> Response {
    let Posted { who, form } = posted;
    let article = match load(&state, &who, slug).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    if !allowed(who.actor(), Action::Delete, Some(Subject::from(&article))) {
        return forbidden(&state, &who, &refusal(&who, Some(&article), Action::Delete));
    }
    if form.version.trim().parse::<i64>().ok() != Some(article.version) {
        return message_page(
            &state,
            Some(&who),
            StatusCode::CONFLICT,
            "The article changed",
            "Someone changed this article after you asked to delete it, so it was not deleted. Open it, check the changes, and delete it again if you still want to.",
        );
    }
    match state.articles().delete(&article.slug, &who.by(), now()).await {
        Ok(()) | Err(WriteError::NotFound(_)) => redirect("/admin?done=deleted"),
        Err(e) => internal(e),
    }
}
