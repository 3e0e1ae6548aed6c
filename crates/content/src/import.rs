//! Import formats: Markdown with front matter (TOML between `+++` lines or
//! YAML between `---` lines), JSON (one article or an array) and JSONL (one
//! article per line). Field names are those of [`ArticleInput`], with the
//! Markdown body after the front matter (or in `body`).

use std::path::Path;

use crate::ArticleInput;

/// One article read from a file, or why it could not be read.
#[derive(Debug)]
pub struct Parsed {
    /// Where it came from: the path, with `:line` for JSONL.
    pub origin: String,
    /// The article, or the reason it was refused.
    pub result: Result<ArticleInput, String>,
}

/// The kind of file, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.md`, `.markdown`: front matter then body.
    Markdown,
    /// `.json`: an object or an array of objects.
    Json,
    /// `.jsonl`, `.ndjson`: one object per line.
    JsonLines,
}

impl Format {
    /// The format of a path, if it is one we import.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }
}

/// Reads every article of a file's text.
pub fn parse(origin: &str, format: Format, text: &str) -> Vec<Parsed> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Markdown => vec![Parsed { origin: origin.to_owned(), result: parse_markdown(text) }],
        Format::Json => match serde_json::from_str::<serde_json::Value>(text) {
            Err(e) => vec![Parsed { origin: origin.to_owned(), result: Err(format!("invalid JSON: {e}")) }],
            Ok(serde_json::Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| Parsed { origin: format!("{origin}[{i}]"), result: from_value(v) })
                .collect(),
            Ok(v) => vec![Parsed { origin: origin.to_owned(), result: from_value(v) }],
        },
        Format::JsonLines => text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, line)| Parsed {
                origin: format!("{origin}:{}", i + 1),
                result: serde_json::from_str::<serde_json::Value>(line)
                    .map_err(|e| format!("invalid JSON: {e}"))
                    .and_then(from_value),
            })
            .collect(),
    }
}

fn from_value(v: serde_json::Value) -> Result<ArticleInput, String> {
    if !v.is_object() {
        return Err("expected an object with the article's fields".to_owned());
    }
    serde_json::from_value(v).map_err(|e| format!("invalid article: {e}"))
}

/// Splits `+++ toml +++ body` or `--- yaml --- body` and reads the article.
pub fn parse_markdown(text: &str) -> Result<ArticleInput, String> {
    let (fence, kind) = if text.starts_with("+++") {
        ("+++", "TOML")
    } else if text.starts_with("---") {
        ("---", "YAML")
    } else {
        return Err("no front matter: the file must start with +++ (TOML) or --- (YAML)".to_owned());
    };
    let after_open = match text[3..].find('\n') {
        Some(i) if text[3..3 + i].trim().is_empty() => 3 + i + 1,
        _ => return Err(format!("the opening {fence} must be on a line of its own")),
    };
    let mut pos = after_open;
    let mut close = None;
    for line in text[after_open..].split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare.trim_end() == fence || (kind == "YAML" && bare.trim_end() == "...") {
            close = Some((pos, pos + line.len()));
            break;
        }
        pos += line.len();
    }
    let Some((fm_end, body_start)) = close else {
        return Err(format!("the {kind} front matter is not closed by a {fence} line"));
    };
    let front = &text[after_open..fm_end];
    let body = text[body_start..].trim_start_matches(['\n', '\r']).trim_end();
    let mut value: serde_json::Value = if kind == "TOML" {
        let table: toml::Table = toml::from_str(front).map_err(|e| format!("invalid TOML front matter: {e}"))?;
        toml_to_json(toml::Value::Table(table))
    } else {
        serde_yaml::from_str(front).map_err(|e| format!("invalid YAML front matter: {e}"))?
    };
    let Some(obj) = value.as_object_mut() else {
        return Err(format!("the {kind} front matter must be a table of fields"));
    };
    if !body.is_empty() || !obj.contains_key("body") {
        obj.insert("body".to_owned(), serde_json::Value::String(body.to_owned()));
    }
    from_value(value)
}

fn toml_to_json(v: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(b),
        // TOML datetimes (unquoted) become RFC 3339 strings.
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_front_matter() {
        let a = parse_markdown(
            "+++\nslug = \"x\"\ntitle = \"T\"\nsection = \"World\"\ntags = [\"a\"]\npublished = 2026-01-02T03:04:05Z\n+++\n\nBody *here*.\n",
        )
        .unwrap();
        assert_eq!(a.slug, "x");
        assert_eq!(a.body, "Body *here*.");
        assert_eq!(a.published.unwrap().to_rfc3339(), "2026-01-02T03:04:05+00:00");
    }

    #[test]
    fn yaml_front_matter() {
        let a = parse_markdown(
            "---\nslug: y\ntitle: T\nsection: Tech\nauthors: [A B]\npublished: \"2026-01-02T03:04:05Z\"\n---\nHello.\n",
        )
        .unwrap();
        assert_eq!((a.slug.as_str(), a.authors.len(), a.body.as_str()), ("y", 1, "Hello."));
    }

    #[test]
    fn errors_are_explained() {
        assert!(parse_markdown("no front").unwrap_err().contains("no front matter"));
        assert!(parse_markdown("+++\ntitle = \"x\"\n").unwrap_err().contains("not closed"));
        assert!(parse_markdown("+++\ntitle = \n+++\n").unwrap_err().contains("invalid TOML"));
        assert!(parse_markdown("+++\ntitle = \"x\"\n+++\nbody").unwrap_err().contains("missing field"));
    }

    #[test]
    fn json_and_jsonl() {
        let one = r#"{"slug":"a","title":"A","section":"S","body":"x"}"#;
        let got = parse("f.json", Format::Json, &format!("[{one},{one}]"));
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|p| p.result.is_ok()));
        let got = parse("f.jsonl", Format::JsonLines, &format!("{one}\n\nnot json\n[1]\n"));
        assert_eq!(got.len(), 3);
        assert!(got[0].result.is_ok());
        assert_eq!(got[1].origin, "f.jsonl:3");
        assert!(got[1].result.is_err() && got[2].result.is_err());
        assert_eq!(Format::of(Path::new("a/b.MD")), Some(Format::Markdown));
    }
}
