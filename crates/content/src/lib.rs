//! Newsdesk content: from what an editor writes to what the store keeps.
//!
//! [`ArticleInput`] is an article as written (API body, import file). [`prepare`]
//! validates it, renders the Markdown body to sanitized HTML with one anchor per
//! sentence, derives the plain text, and computes the automatic summaries (3 and
//! 5 sentences) with the summarizer, giving a [`store::NewArticle`]. [`save`]
//! and [`refresh_stale`] write through any [`store::Store`]. The [`import`]
//! module reads Markdown-with-front-matter, JSON and JSONL files.

#![forbid(unsafe_code)]

pub mod import;
pub mod render;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::{Article, Named, NewArticle, Status, Store, StoreError, StoredSummary, SummaryMode, SummarySentence};
use summarize::{Lang, Length, Options, Summarizer};

/// The summary lengths kept for every article: short and longer.
pub const SUMMARY_LENGTHS: [u32; 2] = [3, 5];

/// An article as an editor writes it (API request body, import file).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ArticleInput {
    /// Unique URL name: lowercase letters, digits and single hyphens.
    #[schema(example = "harbour-city-votes-on-tidal-barrier")]
    pub slug: String,
    /// Title.
    pub title: String,
    /// Optional standfirst: one or two sentences under the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standfirst: Option<String>,
    /// The body, in Markdown (required: validation names it when it is
    /// missing or blank, rather than the JSON decoder).
    #[serde(default)]
    #[schema(required = true)]
    pub body: String,
    /// Authors, in byline order.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Section name, such as "World".
    pub section: String,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Language code ("en", "fr", ...); detected from the body when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// "draft", "scheduled" or "published" (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "published")]
    pub status: Option<Status>,
    /// Publication time: RFC 3339 (`2026-01-31T09:00:00Z`) or a date
    /// (`2026-01-31`, midnight UTC). Defaults to now for published articles;
    /// required for scheduled ones.
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
    /// "auto" (the default: sentences taken from the article), "custom" (the
    /// `summary` text below) or "off" (no summary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "auto")]
    pub summary_mode: Option<SummaryMode>,
    /// The editors' own summary; setting it without `summary_mode` means "custom".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
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

/// Why an article was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// The field at fault.
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

fn invalid(field: &'static str, message: impl Into<String>) -> ValidationError {
    ValidationError { field, message: message.into() }
}

/// Why an article could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The article is not valid.
    #[error("invalid article: {0}")]
    Invalid(#[from] ValidationError),
    /// The store failed or refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Turns a name into a URL slug: lowercase alphanumerics joined by hyphens.
pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Whether `slug` is a valid article slug.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 120
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

fn single_line(field: &'static str, value: &str, max: usize, required: bool) -> Result<(), ValidationError> {
    if required && value.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(invalid(field, format!("must be at most {max} characters")));
    }
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(invalid(field, "must be one line of text"));
    }
    // Right-to-left and left-to-right overrides make text read other than
    // it is stored ("spoofing"); plain right-to-left text never needs them.
    if value.contains(['\u{202D}', '\u{202E}']) {
        return Err(invalid(field, "must not contain text-direction overrides (U+202D, U+202E)"));
    }
    Ok(())
}

fn url_ok(field: &'static str, value: &str, allow_path: bool) -> Result<(), ValidationError> {
    let lower = value.trim().to_ascii_lowercase();
    let ok = (lower.starts_with("https://")
        || lower.starts_with("http://")
        || (allow_path && lower.starts_with('/') && !lower.starts_with("//")))
        && value.len() <= 2000
        && !value.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    if ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            if allow_path { "must be an http(s) URL or a path starting with /" } else { "must be an http(s) URL" },
        ))
    }
}

/// Checks everything that can be checked without rendering.
pub fn validate(input: &ArticleInput) -> Result<(), ValidationError> {
    if !is_valid_slug(&input.slug) {
        return Err(invalid("slug", "must be 1 to 120 lowercase letters, digits and single hyphens"));
    }
    single_line("title", &input.title, 300, true)?;
    if let Some(s) = &input.standfirst {
        if s.chars().count() > 1000 {
            return Err(invalid("standfirst", "must be at most 1000 characters"));
        }
    }
    single_line("section", &input.section, 80, true)?;
    if slugify(&input.section).is_empty() {
        return Err(invalid("section", "must contain a letter or digit"));
    }
    if input.authors.len() > 20 {
        return Err(invalid("authors", "at most 20"));
    }
    for a in &input.authors {
        single_line("authors", a, 120, true)?;
        if slugify(a).is_empty() {
            return Err(invalid("authors", "each must contain a letter or digit"));
        }
    }
    if input.tags.len() > 50 {
        return Err(invalid("tags", "at most 50"));
    }
    for t in &input.tags {
        single_line("tags", t, 60, true)?;
        if slugify(t).is_empty() {
            return Err(invalid("tags", "each must contain a letter or digit"));
        }
    }
    if let Some(code) = &input.lang {
        if Lang::from_code(code).is_none() && !is_language_tag(code) {
            return Err(invalid("lang", format!("must be a language code such as en, pl or pt-BR, got {code:?}")));
        }
    }
    for (field, time) in [("published", input.published), ("updated", input.updated)] {
        if time.is_some_and(|t| !(1800..=9999).contains(&chrono::Datelike::year(&t))) {
            return Err(invalid(field, "must be a time between the years 1800 and 9999"));
        }
    }
    if input.status == Some(Status::Scheduled) && input.published.is_none() {
        return Err(invalid("published", "a scheduled article needs a publication time"));
    }
    if let Some(s) = &input.sources {
        if s.chars().count() > 4000 {
            return Err(invalid("sources", "must be at most 4000 characters"));
        }
    }
    if let Some(u) = &input.canonical_url {
        url_ok("canonical_url", u, false)?;
    }
    if let Some(u) = &input.lead_image {
        url_ok("lead_image", u, true)?;
    }
    if let Some(a) = &input.lead_image_alt {
        single_line("lead_image_alt", a, 500, false)?;
    }
    if input.summary_mode == Some(SummaryMode::Custom) && input.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err(invalid("summary", "a custom summary needs its text"));
    }
    if let Some(s) = &input.summary {
        if s.chars().count() > 5000 {
            return Err(invalid("summary", "must be at most 5000 characters"));
        }
    }
    if input.body.trim().is_empty() {
        return Err(invalid("body", "must not be empty: the article needs its text"));
    }
    if input.body.len() > 1_000_000 {
        return Err(invalid("body", "must be at most 1 MB"));
    }
    Ok(())
}

/// A serde data error in plain words, naming the field: `path` is where in
/// the document it is (`tags[1]`, as serde_path_to_error writes it; `None`
/// or `.` for the whole document), `raw` serde_json's message. The API and
/// the importer word their errors with it ("slug is required", "tags must be
/// a list").
pub fn plain_data_error(path: Option<&str>, raw: &str) -> String {
    // serde_json ends its messages with " at line L column C".
    let msg = match raw.rfind(" at line ") {
        Some(i) if raw[i..].contains(" column ") => &raw[..i],
        _ => raw,
    };
    let field = path.filter(|p| !p.is_empty() && *p != ".");
    let subject = field.unwrap_or("the body");
    let unquote = |s: &str| s.replace('`', "");
    if let Some(name) = msg.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
        return match field {
            Some(f) => format!("{f}.{name} is required"),
            None => format!("{name} is required"),
        };
    }
    if let Some(name) = msg.strip_prefix("duplicate field `").and_then(|m| m.strip_suffix('`')) {
        return format!("{name} is given twice");
    }
    if let Some((_, expected)) = msg.strip_prefix("unknown variant ").and_then(|rest| rest.split_once(", expected ")) {
        let choices = unquote(expected.strip_prefix("one of ").unwrap_or(expected));
        return format!("{subject} must be one of {}", choices.replace(" or ", ", "));
    }
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some((_, expected)) = msg.strip_prefix(prefix).and_then(|rest| rest.rsplit_once(", expected ")) {
            return format!("{subject} must be {}", plain_expected(expected));
        }
    }
    if msg == "expected value" {
        return format!("{subject} has the wrong kind of value");
    }
    // Other messages are the type's own (a date that does not parse, say),
    // which may name the field already.
    match field {
        Some(f) if msg.starts_with(&format!("{f}: ")) => msg.to_owned(),
        Some(f @ ("published" | "updated")) => {
            format!("{f} must be a date and time such as 2026-09-04T08:30:00Z (RFC 3339): {msg}")
        }
        _ => format!("{subject} is not valid: {msg}"),
    }
}

/// What serde says it expected, in plain words.
fn plain_expected(expected: &str) -> String {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "a borrowed string" | "a string" | "a character" => "a string".to_owned(),
        "a map" => "a JSON object".to_owned(),
        e if e.starts_with("struct ") => "a JSON object".to_owned(),
        e if e.starts_with("a sequence") => "a list".to_owned(),
        e if e.contains("RFC 3339") => "a date and time such as 2026-09-04T08:30:00Z (RFC 3339)".to_owned(),
        e => e.replace('`', ""),
    }
}

/// Whether `code` is a well-formed language tag (BCP 47, simplified): a
/// primary subtag of two or three letters, then subtags of one to eight
/// letters or digits, joined by hyphens ("pl", "pt-BR", "zh-Hant"). An
/// article may be in any language; the summarizer knows some of them, and
/// treats the others by their word boundaries.
pub fn is_language_tag(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether text in the language `tag` is written right to left: a script
/// subtag says so when there is one ("az-Arab", "ur-Latn"), else the
/// primary language does (Arabic, Hebrew, Persian, Urdu, Pashto, Sindhi,
/// Uyghur, Yiddish, Dhivehi, Syriac, N'Ko, Sorani Kurdish, ...).
pub fn is_rtl(tag: &str) -> bool {
    const RTL_SCRIPTS: [&str; 9] = ["arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr"];
    const RTL_LANGUAGES: [&str; 22] = [
        "ar", "arc", "azb", "bal", "ckb", "dv", "fa", "he", "iw", "ji", "khw", "ks", "mzn", "nqo", "pnb", "prs", "ps",
        "sd", "syr", "ug", "ur", "yi",
    ];
    let mut parts = tag.trim().split(['-', '_']);
    let primary = parts.next().unwrap_or("").to_ascii_lowercase();
    match parts.find(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_alphabetic())) {
        Some(script) => RTL_SCRIPTS.contains(&script.to_ascii_lowercase().as_str()),
        None => RTL_LANGUAGES.contains(&primary.as_str()),
    }
}

/// A hash of what a summary is made from: title, language and plain text.
pub fn source_hash(title: &str, lang: &str, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(title.as_bytes());
    h.update([0]);
    h.update(lang.as_bytes());
    h.update([0]);
    h.update(text.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn named(name: &str) -> Named {
    Named { name: name.trim().to_owned(), slug: slugify(name) }
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// The automatic summary of `n` sentences of an article's plain text (the
/// text its sentence anchors were made from), as stored.
pub fn summary_of(
    summarizer: &Summarizer,
    text: &str,
    title: &str,
    lang: Lang,
    n: u32,
    source_hash: &str,
) -> StoredSummary {
    let options = Options { length: Length::Sentences(n as usize), title: Some(title), lang: Some(lang), keywords: 0 };
    stored(n, summarizer.summarize(text, &options), source_hash)
}

/// [`summary_of`] for several lengths, from one analysis of the text (the
/// same summaries, for a fraction of the work).
pub fn summaries_of(
    summarizer: &Summarizer,
    text: &str,
    title: &str,
    lang: Lang,
    lengths: &[u32],
    source_hash: &str,
) -> Vec<StoredSummary> {
    let analysis = summarizer.analyze(text, Some(title), Some(lang));
    let weights = summarizer.weights(analysis.lang);
    lengths
        .iter()
        .map(|&n| {
            let sum = summarizer.select(text, &analysis, Length::Sentences(n as usize), weights);
            stored(n, sum, source_hash)
        })
        .collect()
}

fn stored(length: u32, sum: summarize::Summary, source_hash: &str) -> StoredSummary {
    StoredSummary {
        length,
        sentences: sum
            .sentences
            .into_iter()
            .map(|e| SummarySentence { index: e.index, start: e.start, end: e.end, text: e.text })
            .collect(),
        source_hash: source_hash.to_owned(),
        version: summarize::VERSION.to_owned(),
    }
}

/// Whether `c` is read one character at a time, as a word: Chinese
/// characters (Han), and Japanese kana. (Korean Hangul is written with
/// spaces between words, so it is counted by words.)
fn is_cjk_char(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'      // Hiragana, Katakana
        | '\u{31F0}'..='\u{31FF}'    // Katakana phonetic extensions
        | '\u{3400}'..='\u{4DBF}'    // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}'    // CJK Unified Ideographs
        | '\u{F900}'..='\u{FAFF}'    // CJK Compatibility Ideographs
        | '\u{FF66}'..='\u{FF9D}'    // Halfwidth Katakana
        | '\u{20000}'..='\u{3134F}') // CJK Extensions B to G
}

/// Reading speeds, from the International Reading Speed Texts (IReST:
/// Trauzettel-Klosinski and Dietz, "Standardized Assessment of Reading
/// Performance", Investigative Ophthalmology & Visual Science 53(9), 2012):
/// English 228 ± 30 words a minute, Chinese 255 ± 29 and Japanese 357 ± 56
/// characters a minute. Silent reading is a little faster than those
/// (read-aloud) figures, so: 230 words, or 300 Chinese or Japanese
/// characters, a minute.
const WORDS_PER_MINUTE: u64 = 230;
const CJK_CHARS_PER_MINUTE: u64 = 300;

/// Minutes to read `text` (at least 1): its Chinese and Japanese characters
/// at [`CJK_CHARS_PER_MINUTE`], plus its other words (runs between white
/// space and those characters) at [`WORDS_PER_MINUTE`].
pub fn reading_minutes(text: &str) -> u32 {
    let mut cjk = 0u64;
    let mut words = 0u64;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk_char(c) {
            cjk += 1;
            in_word = false;
        } else if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            // Punctuation between CJK characters ("，", "。") is not a word.
            in_word = c.is_alphanumeric();
            words += u64::from(in_word);
        }
    }
    // words / WPM + cjk / CPM, rounded up, in whole numbers.
    let minutes =
        (words * CJK_CHARS_PER_MINUTE + cjk * WORDS_PER_MINUTE).div_ceil(WORDS_PER_MINUTE * CJK_CHARS_PER_MINUTE);
    u32::try_from(minutes).unwrap_or(u32::MAX).max(1)
}

/// Validates, renders and summarizes an article. `now` is Unix seconds.
pub fn prepare(input: &ArticleInput, summarizer: &Summarizer, now: i64) -> Result<NewArticle, ValidationError> {
    validate(input)?;
    // A language the summarizer does not know ("pl") is summarized by word
    // boundaries, and kept as given for the page's `lang` attribute.
    let given_lang = input.lang.as_deref().map(|c| Lang::from_code(c).unwrap_or(Lang::Other));
    let unknown_code = input.lang.as_deref().filter(|c| Lang::from_code(c).is_none()).map(str::trim);
    // The language is detected from the plain text the sentences are found in.
    let mut lang = Lang::English;
    let rendered = render::render(&input.body, |text| {
        lang = given_lang.unwrap_or_else(|| summarize::detect(text));
        summarizer.sentences(text, Some(lang)).into_iter().map(|s| (s.start, s.end)).collect()
    });
    let title = input.title.trim().to_owned();
    let code = unknown_code.unwrap_or(lang.code()).to_owned();
    let hash = source_hash(&title, &code, &rendered.text);
    let summaries = summaries_of(summarizer, &rendered.text, &title, lang, &SUMMARY_LENGTHS, &hash);
    let status = input.status.unwrap_or_default();
    // No time given: the store keeps an existing article's time, and gives a
    // new published one the time it is saved (re-importing or correcting an
    // article does not re-date it).
    let published_at = input.published.map(|t| t.timestamp());
    let minutes = reading_minutes(&rendered.text);
    let summary_custom = non_empty(&input.summary);
    let summary_mode =
        input.summary_mode.unwrap_or(if summary_custom.is_some() { SummaryMode::Custom } else { SummaryMode::Auto });
    let mut tags: Vec<Named> = Vec::new();
    for t in &input.tags {
        let n = named(t);
        if !tags.iter().any(|x| x.slug == n.slug) {
            tags.push(n);
        }
    }
    let mut authors: Vec<Named> = Vec::new();
    for a in &input.authors {
        let n = named(a);
        if !authors.iter().any(|x| x.slug == n.slug) {
            authors.push(n);
        }
    }
    Ok(NewArticle {
        slug: input.slug.clone(),
        title,
        standfirst: non_empty(&input.standfirst),
        body_md: input.body.clone(),
        body_html: rendered.html,
        body_text: rendered.text,
        authors,
        section: named(&input.section),
        tags,
        lang: code,
        status,
        published_at,
        updated_at: input.updated.or(input.published).map(|t| t.timestamp()).unwrap_or(now),
        sources: non_empty(&input.sources),
        canonical_url: non_empty(&input.canonical_url),
        lead_image: non_empty(&input.lead_image),
        lead_image_alt: input.lead_image_alt.as_deref().map(|s| s.trim().to_owned()),
        reading_minutes: minutes,
        summary_mode,
        summary_custom,
        summaries,
    })
}

fn to_time(t: Option<i64>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::from_timestamp(t, 0))
}

/// The input that would produce this stored article (to re-render it).
pub fn input_of(article: &Article) -> ArticleInput {
    ArticleInput {
        slug: article.slug.clone(),
        title: article.title.clone(),
        standfirst: article.standfirst.clone(),
        body: article.body_md.clone(),
        authors: article.authors.iter().map(|n| n.name.clone()).collect(),
        section: article.section.name.clone(),
        tags: article.tags.iter().map(|n| n.name.clone()).collect(),
        lang: Some(article.lang.clone()),
        status: Some(article.status),
        published: to_time(article.published_at),
        updated: to_time(Some(article.updated_at)),
        sources: article.sources.clone(),
        canonical_url: article.canonical_url.clone(),
        lead_image: article.lead_image.clone(),
        lead_image_alt: article.lead_image_alt.clone(),
        summary_mode: Some(article.summary_mode),
        summary: article.summary_custom.clone(),
    }
}

/// Validates, renders, summarizes and writes an article (inserted, or
/// replaced by slug), in one transaction.
pub async fn save(
    store: &dyn Store,
    summarizer: &Summarizer,
    input: &ArticleInput,
    now: i64,
) -> Result<store::Upserted, SaveError> {
    let article = prepare(input, summarizer, now)?;
    Ok(store.upsert_article(&article).await?)
}

/// Recomputes the summaries (and sentence anchors) of every article whose
/// summaries were made by another summarizer version; returns how many. An
/// article that no longer passes validation (saved before a rule was made
/// stricter, such as an empty body) is left as it is.
pub async fn refresh_stale(store: &dyn Store, summarizer: &Summarizer, now: i64) -> Result<usize, SaveError> {
    let slugs = store.stale_summaries(summarize::VERSION).await?;
    let mut n = 0;
    for slug in slugs {
        let Some(article) = store.article(&slug, store::Visibility::All).await? else { continue };
        let Ok(fresh) = prepare(&input_of(&article), summarizer, now) else { continue };
        store.update_article(&slug, &fresh).await?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ArticleInput {
        ArticleInput {
            slug: "a-b".into(),
            title: "Council approves budget".into(),
            body: "The council approved the budget on Monday. It raises spending on schools.\n\n\
                   Critics said taxes would rise. The mayor welcomed the vote. The plan starts in January."
                .into(),
            section: "World News".into(),
            authors: vec!["Ann Lee".into()],
            tags: vec!["Budget".into(), "budget".into()],
            lang: Some("en".into()),
            ..Default::default()
        }
    }

    #[test]
    fn slugs() {
        assert!(is_valid_slug("a-b-1"));
        for bad in ["", "-a", "a-", "a--b", "A", "a b", "a/b", "é"] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
        assert_eq!(slugify("  World News! "), "world-news");
        assert_eq!(slugify("Économie"), "économie");
    }

    #[test]
    fn prepare_renders_and_summarizes() {
        let s = Summarizer::new();
        let a = prepare(&input(), &s, 1000).unwrap();
        assert_eq!(a.section.slug, "world-news");
        assert_eq!(a.tags.len(), 1);
        assert_eq!(a.published_at, None, "no time given: the store keeps or sets it");
        assert_eq!(a.summaries.len(), 2);
        let short = &a.summaries[0];
        assert_eq!(short.sentences.len(), 3);
        for sent in &short.sentences {
            assert_eq!(&a.body_text[sent.start..sent.end], sent.text);
            assert!(a.body_html.contains(&format!("id=\"s-{}\"", sent.index)), "{}", a.body_html);
        }
        assert_eq!(short.version, summarize::VERSION);
    }

    /// One analysis for several lengths gives what one call per length gives.
    #[test]
    fn summaries_from_one_analysis_match_one_call_each() {
        let s = Summarizer::new();
        let text = "The council approved the budget on Monday. It raises spending on schools by a tenth. \
                    Critics said taxes would rise. The mayor welcomed the vote. The plan starts in January. \
                    Schools will hire teachers. Parents groups praised the plan.";
        let together = summaries_of(&s, text, "Council approves budget", Lang::English, &[1, 3, 5, 50], "h");
        for (n, got) in [1, 3, 5, 50].into_iter().zip(&together) {
            let alone = summary_of(&s, text, "Council approves budget", Lang::English, n, "h");
            assert_eq!(got.length, n);
            let indexes = |x: &StoredSummary| x.sentences.iter().map(|e| (e.index, e.start, e.end)).collect::<Vec<_>>();
            assert_eq!(indexes(got), indexes(&alone), "{n} sentences");
        }
        assert_eq!(together[2].sentences.len(), 5);
    }

    #[test]
    fn validation() {
        let s = Summarizer::new();
        let mut i = input();
        i.slug = "Bad Slug".into();
        assert_eq!(prepare(&i, &s, 0).unwrap_err().field, "slug");
        let mut i = input();
        i.canonical_url = Some("javascript:alert(1)".into());
        assert_eq!(prepare(&i, &s, 0).unwrap_err().field, "canonical_url");
        let mut i = input();
        i.status = Some(Status::Scheduled);
        assert_eq!(prepare(&i, &s, 0).unwrap_err().field, "published");
        let mut i = input();
        i.title = "Mayor \u{202E}gnissim\u{202C} found".into();
        assert_eq!(prepare(&i, &s, 0).unwrap_err().field, "title");
        let at = |t: &str| Some(chrono::DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&chrono::Utc));
        // `updated` is the last change, which for a scheduled article comes
        // before its publication.
        let mut i = input();
        (i.published, i.updated) = (at("2026-05-02T09:00:00Z"), at("2026-05-01T09:00:00Z"));
        assert!(prepare(&i, &s, 0).is_ok());
        i.published = at("0001-01-01T00:00:00Z");
        assert_eq!(prepare(&i, &s, 0).unwrap_err().field, "published");
        i.published = None;
        i.updated = at("9999-12-31T23:59:59Z");
        assert!(prepare(&i, &s, 0).is_ok());
        for bad in ["x", "english!", "pl_PL", "12", "pl--x", "toolongprimary"] {
            let mut i = input();
            i.lang = Some(bad.into());
            assert_eq!(prepare(&i, &s, 0).unwrap_err().field, "lang", "{bad}");
        }
        // Any well-formed language tag: known ones are normalized, others
        // kept as given and summarized by word boundaries.
        for (code, stored) in
            [("pl", "pl"), ("pt-BR", "pt"), ("zh-Hant", "zh"), ("ja", "ja"), ("English", "en"), ("en_US", "en")]
        {
            let mut i = input();
            i.lang = Some(code.into());
            let a = prepare(&i, &s, 0).unwrap();
            assert_eq!(a.lang, stored, "{code}");
            assert_eq!(a.summaries[0].sentences.len(), 3, "{code}");
        }
    }

    /// Every summary sentence is word for word in the page as a reader sees
    /// it, and has its anchor there, whatever raw HTML the body holds.
    #[test]
    fn summaries_are_word_for_word_from_the_visible_page() {
        let s = Summarizer::new();
        let bodies = [
            "The council met on Monday night. Second <b>bold</b> one. <script>alert(2)</script> Third sentence about the budget.\n\n\
             <style>p { color: red } .secret { display: none }</style>\n\n\
             The mayor welcomed the vote on Tuesday. <style>.x{}</style>Critics said taxes would rise sharply.",
            "<div>\nThe harbour board approved the tidal barrier plan. Work starts in spring.\n</div>\n\n\
             <div class=\"note\"><p>Engineers expect the barrier to last a century. It will cost two billion.</p></div>\n\n\
             Residents asked for more flood defences last year. The board <script>document.write('Hidden words here.')</script>agreed.\n\n\
             <table><tr><td>Funding comes from the state. The city adds a fifth.</td></tr></table>",
            "<noscript>Enable scripts now.</noscript> Plain words follow the tag. <iframe src=\"x\">Frame text here.</iframe> \
             More plain words come next. <textarea>Typed text.</textarea> The end is near now. A last sentence closes it.",
        ];
        for body in bodies {
            let mut i = input();
            i.body = body.into();
            let a = prepare(&i, &s, 0).unwrap();
            let visible = render::tests::visible_text(&a.body_html);
            for hidden in ["alert", "color", "secret", "Hidden words", "document"] {
                assert!(!a.body_text.contains(hidden), "{hidden} in {:?}", a.body_text);
            }
            for summary in &a.summaries {
                assert!(!summary.sentences.is_empty());
                for sent in &summary.sentences {
                    let words = sent.text.split_whitespace().collect::<Vec<_>>().join(" ");
                    assert!(visible.contains(&words), "{words:?} not in {visible:?}");
                    assert_eq!(a.body_html.matches(&format!("id=\"s-{}\"", sent.index)).count(), 1, "{}", a.body_html);
                }
            }
        }
    }

    /// Sentence anchors written by the author do not survive: no id twice.
    #[test]
    fn author_anchors_do_not_repeat_ids() {
        let s = Summarizer::new();
        let mut i = input();
        i.body = "<span class=\"s\" id=\"s-1\">Dup.</span> The council approved the budget. \
                  <a id=\"s-0\" href=\"#s-0\">It raises spending.</a>\n\n<p id=\"summary-1\" class=\"s\">Critics spoke.</p>"
            .into();
        let a = prepare(&i, &s, 0).unwrap();
        let mut ids: Vec<&str> = a.body_html.split(" id=\"").skip(1).filter_map(|r| r.split('"').next()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "{}", a.body_html);
        assert!(ids.iter().all(|id| id.starts_with("s-")), "{}", a.body_html);
    }

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
        // What is written reads back the same.
        let mut i = input();
        i.published = time::parse("2026-01-31T09:00:00Z");
        let back: ArticleInput = serde_json::from_str(&serde_json::to_string(&i).unwrap()).unwrap();
        assert_eq!(back, i);
    }

    /// Chinese and Japanese characters are read one at a time (about 300 a
    /// minute), not as one long "word" between spaces; other text by words.
    #[test]
    fn reading_time_counts_cjk_characters() {
        let sentence = "市议会周一批准了新的预算方案，计划明年开始实施。"; // 22 characters, 2 marks
        let chinese = sentence.repeat(190); // 4,180 characters
        assert_eq!(reading_minutes(&chinese), 14);
        assert_eq!(reading_minutes(&"今日は市議会が予算を承認した。".repeat(60)), 3); // 840 kana and kanji
        assert_eq!(reading_minutes(&"word ".repeat(460)), 2);
        assert_eq!(reading_minutes(&"word ".repeat(461)), 3);
        // Mixed: 230 words and 300 characters are two minutes.
        assert_eq!(reading_minutes(&format!("{} {}", "word ".repeat(230), "字".repeat(300))), 2);
        assert_eq!(reading_minutes(""), 1);
        assert_eq!(reading_minutes("， 。 —"), 1);

        let s = Summarizer::new();
        let mut i = input();
        i.lang = Some("zh".into());
        i.body = chinese;
        assert_eq!(prepare(&i, &s, 0).unwrap().reading_minutes, 14);
    }

    #[test]
    fn right_to_left_languages() {
        for rtl in ["ar", "he", "fa", "ur", "ps", "yi", "ar-EG", "AR", "az-Arab", "pa-Arab-PK"] {
            assert!(is_rtl(rtl), "{rtl}");
        }
        for ltr in ["en", "fr", "pl", "zh-Hant", "ja", "uk", "az", "az-Latn", "ur-Latn", "", "arab", "a"] {
            assert!(!is_rtl(ltr), "{ltr}");
        }
    }

    /// A body that is missing or blank is refused, naming `body`.
    #[test]
    fn body_is_required() {
        let s = Summarizer::new();
        for body in ["", "  \n\n\t "] {
            let mut i = input();
            i.body = body.into();
            let err = prepare(&i, &s, 0).unwrap_err();
            assert_eq!(err.field, "body");
            assert!(err.to_string().starts_with("body: must not be empty"), "{err}");
        }
        let missing: ArticleInput = serde_json::from_str(r#"{"slug":"a","title":"A","section":"S"}"#).unwrap();
        assert_eq!(validate(&missing).unwrap_err().field, "body");
    }

    /// The bundled demo articles all import, and their summaries are word for
    /// word in their pages.
    #[test]
    fn demo_articles_are_word_for_word() {
        let s = Summarizer::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/articles");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let input = import::parse_markdown(&text).unwrap();
            let a = prepare(&input, &s, 0).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let visible = render::tests::visible_text(&a.body_html);
            for sent in a.summaries.iter().flat_map(|x| &x.sentences) {
                let words = sent.text.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(visible.contains(&words), "{}: {words:?}", path.display());
            }
            n += 1;
        }
        assert!(n >= 10, "{n} demo articles");
    }

    /// Refreshing stale summaries passes over an article saved before a rule
    /// was made stricter (here: an empty body), instead of failing on it.
    #[tokio::test]
    async fn refresh_passes_over_articles_that_no_longer_validate() {
        let store = store::SqliteStore::open(":memory:").await.unwrap();
        let s = Summarizer::new();
        let mut good = prepare(&input(), &s, 0).unwrap();
        good.summaries.iter_mut().for_each(|x| x.version = "old".into());
        let mut empty = good.clone();
        empty.slug = "empty".into();
        empty.body_md = String::new();
        store.upsert_article(&good).await.unwrap();
        store.upsert_article(&empty).await.unwrap();
        assert_eq!(refresh_stale(&store, &s, 0).await.unwrap(), 1);
        assert_eq!(store.stale_summaries(summarize::VERSION).await.unwrap(), ["empty"]);
        store.close().await;
    }
}
