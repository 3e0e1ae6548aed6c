//! An article's history (`/admin/articles/{slug}/history`): its revisions,
//! newest first (number, who, when, what changed); one revision compared
//! with the current text (a word-level diff of every field that differs);
//! and restoring one, which writes it back through `content::Articles` as a
//! new revision, over the version the page showed (a newer one gets the
//! editor's "changed since you opened it" treatment). Whoever may edit the
//! article (the permission table's `Edit`) may see its history and restore
//! it; nobody else learns that it has one.

use askama::Template;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use content::WriteError;
use serde::Deserialize;
use store::{Article, RevisionInfo, Snapshot};

use super::articles::{SlugPath, load, no_article, refusal, status_label};
use super::diff;
use super::form::{ArticleForm, FIELDS};
use super::pages::{Chrome, Done, done, internal, iso, local_time, message_page, redirect, render};
use super::permissions::{Action, Subject, allowed};
use super::session::{Posted, Signed};
use crate::{AppState, now};

/// Revisions a page lists.
const PER_PAGE: u32 = 50;

/// Words of unchanged body text shown on each side of a change.
const CONTEXT_WORDS: usize = 12;

/// A field's label, by its name in a revision's list of changes.
fn label(field: &str) -> &'static str {
    match field {
        "status" => return "Status",
        "summary_sentences" => return "Summary sentences",
        _ => {}
    }
    FIELDS.iter().find(|(name, _)| *name == field).map_or("Other", |(_, label)| *label)
}

fn changed_labels(info: &RevisionInfo) -> String {
    if info.changed.is_empty() {
        return "Created".into();
    }
    info.changed.iter().map(|f| label(f)).collect::<Vec<_>>().join(", ")
}

/// The article, if `who` may see its history (the page that says why not
/// otherwise).
async fn editable(state: &AppState, who: &Signed, slug: SlugPath) -> Result<Article, Response> {
    let article = load(state, who, slug).await?;
    if !allowed(who.actor(), Action::Edit, Some(Subject::from(&article))) {
        return Err(super::pages::forbidden(state, who, &refusal(who, Some(&article), Action::Edit)));
    }
    Ok(article)
}

// ---------------------------------------------------------------- list

pub struct RevisionRow {
    pub number: i64,
    pub at: String,
    pub at_iso: String,
    pub by: String,
    pub changed: String,
    pub restored_from: Option<i64>,
    pub current: bool,
    pub compare_url: String,
}

#[derive(Template)]
#[template(path = "admin/history.html")]
struct HistoryPage {
    chrome: Chrome,
    title: String,
    slug: String,
    version: i64,
    status: &'static str,
    notice: Option<String>,
    rows: Vec<RevisionRow>,
    total: u64,
    older_url: Option<String>,
    newest_url: Option<String>,
    tz: String,
}

#[derive(Deserialize, Default)]
pub struct HistoryParams {
    before: Option<String>,
}

/// `GET /admin/articles/{slug}/history`: the revisions, newest first, a
/// page of 50 (`?before=N`: those numbered below N).
pub async fn list(
    State(state): State<AppState>,
    who: Signed,
    slug: SlugPath,
    params: Result<Query<HistoryParams>, QueryRejection>,
    notice: Done,
) -> Response {
    let article = match editable(&state, &who, slug).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    let before = params.ok().and_then(|q| q.0.before).and_then(|b| b.trim().parse::<i64>().ok()).filter(|b| *b > 0);
    let store = state.store();
    let (revisions, total) =
        match tokio::try_join!(store.revisions(article.id, before, PER_PAGE + 1), store.count_revisions(article.id)) {
            Ok(x) => x,
            Err(e) => return internal(e),
        };
    let more = revisions.len() > PER_PAGE as usize;
    let tz = state.site().timezone;
    let base = format!("/admin/articles/{}/history", article.slug);
    let rows: Vec<RevisionRow> = revisions
        .iter()
        .take(PER_PAGE as usize)
        .map(|r| RevisionRow {
            number: r.number,
            at: local_time(tz, r.at),
            at_iso: iso(r.at),
            by: r.by.name.clone(),
            changed: changed_labels(r),
            restored_from: r.restored_from,
            current: r.number == article.version,
            compare_url: format!("{base}/{}", r.number),
        })
        .collect();
    let page = HistoryPage {
        chrome: Chrome::new(&state, Some(&who), ""),
        title: article.title.clone(),
        slug: article.slug.clone(),
        version: article.version,
        status: status_label(article.status),
        notice: done(notice)
            .filter(|d| d == "restored")
            .map(|_| "Restored: the revision's text was saved as a new revision (the first below).".to_owned()),
        older_url: more.then(|| rows.last().map(|r| format!("{base}?before={}", r.number))).flatten(),
        newest_url: before.is_some().then(|| base.clone()),
        rows,
        total,
        tz: tz.to_string(),
    };
    render(StatusCode::OK, &page)
}

// ---------------------------------------------------------------- compare

pub struct FieldDiff {
    pub label: &'static str,
    /// Escaped HTML (`diff::html`).
    pub html: String,
}

#[derive(Template)]
#[template(path = "admin/revision.html")]
struct RevisionPage {
    chrome: Chrome,
    title: String,
    slug: String,
    number: i64,
    version: i64,
    at: String,
    at_iso: String,
    by: String,
    changed: String,
    restored_from: Option<i64>,
    same: bool,
    fields: Vec<FieldDiff>,
    body: Option<FieldDiff>,
    body_removed: usize,
    body_added: usize,
    can_restore: bool,
    status: &'static str,
    conflict: Option<String>,
}

/// A field as the form shows it, and the status, of a snapshot.
fn shown(s: &Snapshot, tz: chrono_tz::Tz) -> (ArticleForm, &'static str) {
    (ArticleForm::of_snapshot(s, tz), status_label(s.status))
}

/// The compare page of revision `number` (`conflict`: why a restore did not
/// happen).
async fn compare(
    state: &AppState,
    who: &Signed,
    article: &Article,
    number: Option<i64>,
    conflict: Option<String>,
) -> Response {
    let revision = match number {
        Some(n) => match state.store().revision(article.id, n).await {
            Ok(r) => r,
            Err(e) => return internal(e),
        },
        None => None,
    };
    let Some(revision) = revision else {
        return message_page(
            state,
            Some(who),
            StatusCode::NOT_FOUND,
            "Not found",
            "This article has no revision of that number.",
        );
    };
    let tz = state.site().timezone;
    let (old, old_status) = shown(&revision.snapshot, tz);
    let (new, new_status) = shown(&Snapshot::of(&article.data), tz);
    let mut fields: Vec<FieldDiff> = Vec::new();
    if old_status != new_status {
        fields.push(FieldDiff { label: "Status", html: diff::html(&diff::pieces(old_status, new_status), None) });
    }
    let (old_picks, new_picks) = (old.picks_text(), new.picks_text());
    if old_picks != new_picks {
        fields.push(FieldDiff {
            label: "Summary sentences",
            html: diff::html(&diff::pieces(&old_picks, &new_picks), None),
        });
    }
    let mut body = None;
    let (mut body_removed, mut body_added) = (0, 0);
    for (name, label, before, after) in old.differences(&new) {
        let pieces = diff::pieces(before, after);
        if name == "body" {
            for p in &pieces {
                match p.kind {
                    diff::Kind::Removed => body_removed += diff::word_count(&p.text),
                    diff::Kind::Added => body_added += diff::word_count(&p.text),
                    diff::Kind::Same => {}
                }
            }
            body = Some(FieldDiff { label, html: diff::html(&pieces, Some(CONTEXT_WORDS)) });
        } else {
            fields.push(FieldDiff { label, html: diff::html(&pieces, None) });
        }
    }
    let info = &revision.info;
    let page = RevisionPage {
        chrome: Chrome::new(state, Some(who), ""),
        title: article.title.clone(),
        slug: article.slug.clone(),
        number: info.number,
        version: article.version,
        at: local_time(tz, info.at),
        at_iso: iso(info.at),
        by: info.by.name.clone(),
        changed: changed_labels(info),
        restored_from: info.restored_from,
        same: fields.is_empty() && body.is_none(),
        fields,
        body,
        body_removed,
        body_added,
        can_restore: allowed(who.actor(), Action::Edit, Some(Subject::from(article))),
        status: status_label(article.status),
        conflict: conflict.clone(),
    };
    render(if conflict.is_some() { StatusCode::CONFLICT } else { StatusCode::OK }, &page)
}

/// The slug and the revision number of the address.
type RevisionPath = Result<Path<(String, String)>, PathRejection>;

fn split(path: RevisionPath) -> (SlugPath, Option<i64>) {
    match path {
        Ok(Path((slug, n))) => (Ok(Path(slug)), n.parse::<i64>().ok().filter(|n| *n > 0)),
        Err(e) => (Err(e), None),
    }
}

/// `GET /admin/articles/{slug}/history/{number}`: revision `number`
/// compared with the current text.
pub async fn show(State(state): State<AppState>, who: Signed, path: RevisionPath) -> Response {
    let (slug, number) = split(path);
    let article = match editable(&state, &who, slug).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    compare(&state, &who, &article, number, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RestoreForm {
    /// The article's version the page showed.
    version: String,
}

/// `POST /admin/articles/{slug}/history/{number}/restore`: writes the
/// revision back as a new one, if the article is still at the version the
/// page showed.
pub async fn restore(State(state): State<AppState>, path: RevisionPath, posted: Posted<RestoreForm>) -> Response {
    let Posted { who, form } = posted;
    let (slug, number) = split(path);
    let article = match editable(&state, &who, slug).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    let Some(number) = number else { return compare(&state, &who, &article, None, None).await };
    let changed = |current: &Article| {
        format!(
            "This article changed since you opened this page: it is at version {} now (saved at {}), so nothing \
             was restored. Below, revision {number} compared with the article as it is now: restore again if you \
             still want to.",
            current.version,
            local_time(state.site().timezone, current.updated_at)
        )
    };
    let expected = form.version.trim().parse::<i64>().ok();
    if expected != Some(article.version) {
        return compare(&state, &who, &article, Some(number), Some(changed(&article))).await;
    }
    match state.articles().restore(&article.slug, number, article.version, &who.by(), now()).await {
        Ok(w) => redirect(&format!("/admin/articles/{}/history?done=restored", w.article.slug)),
        Err(WriteError::Changed { current }) => {
            if !allowed(who.actor(), Action::Edit, Some(Subject::from(&*current))) {
                return super::pages::forbidden(&state, &who, &refusal(&who, Some(&current), Action::Edit));
            }
            compare(&state, &who, &current, Some(number), Some(changed(&current))).await
        }
        Err(WriteError::NotFound(_)) => no_article(&state, &who),
        Err(WriteError::NoRevision { .. }) => compare(&state, &who, &article, None, None).await,
        Err(WriteError::Invalid(e)) => message_page(
            &state,
            Some(&who),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not restored",
            &format!(
                "Revision {number} no longer passes today's checks ({e}), so it was not restored. Open it, copy \
                 what you need into the editor, and save."
            ),
        ),
        Err(e) => internal(e),
    }
}
