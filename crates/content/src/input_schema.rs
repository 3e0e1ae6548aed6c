//! What [`validate`](crate::validate()) asks of an [`ArticleInput`](crate::ArticleInput),
//! written into its OpenAPI schema: the patterns, lengths and conditions the
//! derive cannot say (items of lists, fields required by another's value), so
//! that a request the document calls valid is one the server takes (property
//! tests by schemathesis check both ways). Patterns follow the validator rule
//! by rule; where a rule has no exact pattern (a name "containing a letter or
//! digit"), the pattern is the closest that accepts nothing the validator
//! refuses.

use serde_json::{Value, json};

/// Characters a one-line field must not hold (control characters but the
/// tab, and the direction overrides), as a regular-expression class body.
const NOT_ONE_LINE: &str = r"\x00-\x08\x0A-\x1F\x7F-\x9F\u202D\u202E";
/// Rust's white space (`char::is_whitespace`), as a class body: a field
/// that must not be blank needs one character outside it (written out, as
/// `\s` differs between regex engines).
const WHITE_SPACE: &str = r"\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// One line of text, perhaps empty.
pub fn one_line() -> String {
    format!("^[^{NOT_ONE_LINE}]*$")
}

/// One line of text, not blank.
pub fn one_line_not_blank() -> String {
    format!("^[^{NOT_ONE_LINE}]*[^{NOT_ONE_LINE}{WHITE_SPACE}][^{NOT_ONE_LINE}]*$")
}

/// A name (section, tag, author): one line with a letter or digit
/// (`[^\W_]`, as Python's and Rust's regular expressions read it; the
/// Hangul fillers, which names drop, do not count).
pub fn name() -> String {
    format!("^[^{NOT_ONE_LINE}]*[^\\W_\\u115F\\u1160\\u3164\\uFFA0][^{NOT_ONE_LINE}]*$")
}

/// Text of several lines: anything but U+0000.
pub const NO_NUL: &str = r"^[^\x00]*$";

/// Text of several lines that is not blank.
pub fn text_not_blank() -> String {
    format!(r"^[^\x00]*[^\x00{WHITE_SPACE}][^\x00]*$")
}

/// An http(s) URL of printable ASCII without spaces, quotes or angle brackets.
pub const HTTP_URL: &str = r"^[Hh][Tt][Tt][Pp][Ss]?://[!#-;=?-~]*$";
/// An http(s) URL, or a path from the site's root (`/`, not `//`).
pub const URL_OR_PATH: &str = r"^([Hh][Tt][Tt][Pp][Ss]?://[!#-;=?-~]*|/([!#-.0-;=?-~][!#-;=?-~]*)?)$";
/// A language tag (`en`, `pt-BR`).
pub const LANGUAGE_TAG: &str = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$";
/// A time the validator takes: RFC 3339 in the years 1801 to 9998 (the
/// validator's 1800 to 9999 in UTC, whatever the offset), or empty (not given).
pub const TIME: &str = r"^((180[1-9]|18[1-9][0-9]|19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-.*)?$";

/// Writes the validator's rules into the JSON of `ArticleInput`'s schema.
pub fn apply(schema: &mut Value) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else { return };
    let mut set = |field: &str, rules: Value| {
        if let (Some(Value::Object(p)), Value::Object(rules)) = (props.get_mut(field), rules) {
            p.extend(rules);
        }
    };
    set("title", json!({"pattern": one_line_not_blank()}));
    set("section", json!({"pattern": name()}));
    set("standfirst", json!({"maxLength": 1000, "pattern": NO_NUL}));
    set(
        "authors",
        json!({"maxItems": 20, "items": {"type": "string", "minLength": 1, "maxLength": 120, "pattern": name()}}),
    );
    set(
        "tags",
        json!({"maxItems": 50, "items": {"type": "string", "minLength": 1, "maxLength": 60, "pattern": name()}}),
    );
    set("lang", json!({"pattern": LANGUAGE_TAG}));
    set("published", json!({"pattern": TIME}));
    set("updated", json!({"pattern": TIME}));
    set("sources", json!({"maxLength": 4000, "pattern": NO_NUL}));
    set("canonical_url", json!({"maxLength": 2000, "pattern": HTTP_URL}));
    set("lead_image", json!({"maxLength": 2000, "pattern": URL_OR_PATH}));
    set("lead_image_alt", json!({"maxLength": 500, "pattern": one_line()}));
    set("summary", json!({"maxLength": 5000, "pattern": NO_NUL}));
    // The body's limit (1 MB) is the request's (413 beyond it), not the field's.
    set("body", json!({"pattern": text_not_blank()}));
    // Fields another one's value requires.
    let conditions = json!([
        {
            "if": {"required": ["status"], "properties": {"status": {"const": "scheduled"}}},
            "then": {"required": ["published"], "properties": {"published": {"type": "string", "minLength": 1}}}
        },
        {
            "if": {"required": ["summary_mode"], "properties": {"summary_mode": {"const": "custom"}}},
            "then": {"required": ["summary"], "properties": {"summary": {"type": "string", "pattern": text_not_blank()}}}
        },
        {
            "if": {"required": ["summary_mode"], "properties": {"summary_mode": {"const": "picked"}}},
            "then": {"required": ["summary_sentences"], "properties": {"summary_sentences": {"type": "array", "minItems": 1}}}
        }
    ]);
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("allOf".into(), conditions);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::input;
    use crate::validate;

    fn matches(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(text)
    }

    /// Each pattern takes what the validator takes, and refuses what it refuses.
    #[test]
    fn patterns_agree_with_the_validator() {
        let one_line_cases = [
            "World",
            " a ",
            "tab\there",
            "",
            "  ",
            "\u{3000}",
            "two\nlines",
            "bell\u{7}",
            "\u{85}x",
            "a\u{202E}b",
            "\u{feff}",
        ];
        for text in one_line_cases {
            let mut i = input();
            i.title = text.to_owned();
            assert_eq!(matches(&one_line_not_blank(), text), validate(&i).is_ok(), "title {text:?}");
            let mut i = input();
            i.lead_image_alt = Some(text.to_owned());
            assert_eq!(matches(&one_line(), text), validate(&i).is_ok(), "lead_image_alt {text:?}");
        }
        for text in ["World", "Économie", "北京", "1", "--", " ", "\u{3164}", "a\nb", "_", "\u{200b}"] {
            let mut i = input();
            i.section = text.to_owned();
            assert_eq!(matches(&name(), text), validate(&i).is_ok(), "section {text:?}");
        }
        for text in ["text", " x ", "", " \n\t", "nul\0"] {
            let mut i = input();
            i.body = text.to_owned();
            assert_eq!(matches(&text_not_blank(), text), validate(&i).is_ok(), "body {text:?}");
        }
        for (url, ok) in [
            ("https://example.org/a?b=c", true),
            ("HTTP://x", true),
            ("ftp://x", false),
            ("/img.png", true),
            ("/", true),
            ("//evil", false),
            ("http://a b", false),
            ("http://a\"", false),
        ] {
            let mut i = input();
            i.lead_image = Some(url.to_owned());
            assert_eq!((matches(URL_OR_PATH, url), validate(&i).is_ok()), (ok, ok), "lead_image {url:?}");
            let mut i = input();
            i.canonical_url = Some(url.to_owned());
            let http = ok && !url.starts_with('/');
            assert_eq!((matches(HTTP_URL, url), validate(&i).is_ok()), (http, http), "canonical_url {url:?}");
        }
        for (t, ok) in [
            ("2026-01-31T09:00:00Z", true),
            ("1801-01-01T00:00:00+05:00", true),
            ("1799-12-31T00:00:00Z", false),
            ("9998-12-31T23:59:59-12:00", true),
        ] {
            assert_eq!(matches(TIME, t), ok, "{t}");
            let mut i = input();
            i.published = chrono::DateTime::parse_from_rfc3339(t).ok().map(|t| t.to_utc());
            assert_eq!(validate(&i).is_ok(), ok, "{t}");
        }
        assert!(matches(TIME, ""));
    }
}
