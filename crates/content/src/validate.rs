//! The rules an article must follow before it is stored, and errors in
//! plain words that name the field at fault (the API, the importer and the
//! newsroom say the same thing).

use store::{Status, SummaryMode};
use summarize::Lang;

use crate::{ArticleInput, is_language_tag};

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

/// Characters that show nothing (zero-width spaces and joiners, the soft
/// hyphen, the byte-order mark, bidirectional marks, embeddings and
/// isolates): a name keeps none of them, so that `Wor\u{200B}ld` is `World`.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}')
}

/// A section's, tag's or author's name as stored and shown: Unicode NFC
/// (`café` typed either way is one name), invisible characters removed,
/// runs of spaces made one, trimmed.
pub fn clean_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let visible: String = name.chars().filter(|&c| !is_invisible(c)).nfc().collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Turns a name into a URL slug: lowercase alphanumerics joined by hyphens.
/// Invisible characters are dropped and compatibility forms folded first
/// (NFKC: fullwidth `Ａlice` is `alice`, like `Alice`), so lookalike names
/// share a slug, and the articles that use them one section, tag or author.
pub fn slugify(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars().filter(|&c| !is_invisible(c)).nfkc() {
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

/// A slug made from any text (a title, an address from another engine):
/// written in ASCII (`café` → `cafe`, `北京` → `bei-jing`), lower case,
/// hyphens between words, at most 120 characters; `None` when nothing valid
/// is left.
pub fn ascii_slug(text: &str) -> Option<String> {
    let mut slug = slugify(&deunicode::deunicode(text));
    if slug.len() > 120 {
        let cut = slug[..120].rfind('-').unwrap_or(120);
        slug.truncate(cut);
    }
    is_valid_slug(&slug).then_some(slug)
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

/// Text of several lines may hold any character but U+0000, which no
/// article needs and PostgreSQL cannot store (the same rule on every backend).
fn no_nul(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.contains('\0') {
        return Err(invalid(field, "must not contain the NUL character (U+0000)"));
    }
    Ok(())
}

/// Checks everything that can be checked without rendering.
pub fn validate(input: &ArticleInput) -> Result<(), ValidationError> {
    if !is_valid_slug(&input.slug) {
        return Err(invalid("slug", "must be 1 to 120 lowercase letters, digits and single hyphens"));
    }
    single_line("title", &input.title, 300, true)?;
    if let Some(s) = &input.standfirst
        && s.chars().count() > 1000
    {
        return Err(invalid("standfirst", "must be at most 1000 characters"));
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
    if let Some(code) = &input.lang
        && Lang::from_code(code).is_none()
        && !is_language_tag(code)
    {
        return Err(invalid("lang", format!("must be a language code such as en, pl or pt-BR, got {code:?}")));
    }
    for (field, time) in [("published", input.published), ("updated", input.updated)] {
        if time.is_some_and(|t| !(1800..=9999).contains(&chrono::Datelike::year(&t))) {
            return Err(invalid(field, "must be a time between the years 1800 and 9999"));
        }
    }
    if input.status == Some(Status::Scheduled) && input.published.is_none() {
        return Err(invalid("published", "a scheduled article needs a publication time"));
    }
    if let Some(s) = &input.sources
        && s.chars().count() > 4000
    {
        return Err(invalid("sources", "must be at most 4000 characters"));
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
    let picks = match (&input.summary_seen, &input.summary_sentences) {
        (Some(seen), _) => seen.picks.len(),
        (None, Some(indexes)) => indexes.iter().collect::<std::collections::BTreeSet<_>>().len(),
        (None, None) => 0,
    };
    if picks > crate::MAX_PICKS {
        return Err(invalid(
            "summary_sentences",
            format!("pick at most {} sentences ({picks} are picked)", crate::MAX_PICKS),
        ));
    }
    if input.summary_mode == Some(SummaryMode::Picked) && picks == 0 {
        return Err(invalid("summary_sentences", "a picked summary needs at least one sentence of the article"));
    }
    if let Some(s) = &input.summary
        && s.chars().count() > 5000
    {
        return Err(invalid("summary", "must be at most 5000 characters"));
    }
    for (field, value) in [
        ("standfirst", input.standfirst.as_deref()),
        ("sources", input.sources.as_deref()),
        ("summary", input.summary.as_deref()),
        ("body", Some(input.body.as_str())),
    ] {
        no_nul(field, value.unwrap_or_default())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Lookalike names share a slug; the name shown is NFC with nothing
    /// invisible in it.
    #[test]
    fn lookalike_names_are_one_name() {
        for (a, b) in [
            ("World", "Wor\u{200B}ld"),
            ("World", "\u{FEFF}World\u{2060}"),
            ("caf\u{E9}", "cafe\u{301}"),
            ("Alice", "\u{FF21}lice"),
            ("Alice Smith", "Alice\u{00A0}\u{00A0}Smith"),
            ("North\u{2011}East", "North-East"),
            ("\u{645}\u{635}\u{631}", "\u{200F}\u{645}\u{635}\u{631}\u{200E}"),
        ] {
            assert_eq!(slugify(a), slugify(b), "{a:?} {b:?}");
        }
        assert_eq!(clean_name("Wor\u{200B}ld"), "World");
        assert_eq!(clean_name("cafe\u{301}"), "caf\u{E9}");
        assert_eq!(clean_name("  Alice \u{2066}Smith\u{2069} "), "Alice Smith");
        // Compatibility forms are folded for the slug only: the name is kept.
        assert_eq!(clean_name("\u{FF21}lice"), "\u{FF21}lice");
        assert_ne!(slugify("World"), slugify("Wor ld"));
        assert_eq!(slugify("\u{200B}\u{200D}"), "", "nothing visible: refused as having no letter");
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

    /// U+0000 is refused in every field (single-line fields refuse every
    /// control character), so no backend is asked to store it.
    #[test]
    fn nul_characters_are_refused_everywhere() {
        let good = crate::testing::input();
        assert!(validate(&good).is_ok());
        let mut cases: Vec<(&str, ArticleInput)> = Vec::new();
        for field in ["title", "standfirst", "sources", "summary", "body", "section", "tags", "authors"] {
            let mut bad = good.clone();
            match field {
                "title" => bad.title.push('\0'),
                "standfirst" => bad.standfirst = Some("a\0b".into()),
                "sources" => bad.sources = Some("a\0b".into()),
                "summary" => bad.summary = Some("a\0b".into()),
                "body" => bad.body.push_str("\0 more."),
                "section" => bad.section.push('\0'),
                "tags" => bad.tags = vec!["a\0b".into()],
                _ => bad.authors = vec!["a\0b".into()],
            }
            cases.push((field, bad));
        }
        for (field, bad) in cases {
            let err = validate(&bad).expect_err(field).to_string();
            assert!(err.contains(field), "{field}: {err}");
        }
    }
}
