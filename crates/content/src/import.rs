//! Import formats: Markdown with front matter (TOML between `+++` lines or
//! YAML between `---` lines), JSON (one article or an array) and JSONL (one
//! article per line). Field names are those of [`ArticleInput`], with the
//! Markdown body after the front matter (or in `body`); times are RFC 3339
//! or a date alone, quoted or (TOML, YAML) written bare. Errors in front
//! matter give the line of the file; a slug used twice is refused the second
//! time, naming the first place.

use std::path::Path;

use crate::{ArticleInput, foreign};

/// One article read from a file, or why it could not be read.
#[derive(Debug)]
pub struct Parsed {
    /// Where it came from: the path, with `:line` for JSONL and `: item N`
    /// (counted from 1) for a JSON array.
    pub origin: String,
    /// The article, or the reason it was refused.
    pub result: Result<ArticleInput, String>,
    /// Fields of the article that no article has, and so were not read: most
    /// likely misspelt (`publishd`), or from another system's front matter.
    pub ignored: Vec<String>,
}

impl Parsed {
    fn new(origin: String, read: Result<(ArticleInput, Vec<String>), String>) -> Parsed {
        match read {
            Ok((input, ignored)) => Parsed { origin, result: Ok(input), ignored },
            Err(reason) => Parsed { origin, result: Err(reason), ignored: Vec::new() },
        }
    }
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
    /// `.xml`, `.rss`, `.atom`: a WordPress export or a feed (by content).
    Xml,
}

impl Format {
    /// The format of a path, if it is one we import.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "xml" | "rss" | "atom" => Some(Format::Xml),
            _ => None,
        }
    }
}

/// Reads every article of a file's text. A slug used twice in the file is
/// refused the second time (see [`Slugs`]).
pub fn parse(origin: &str, format: Format, text: &str) -> Vec<Parsed> {
    read(origin, Some(format), text).articles
}

/// What one file (or URL) held.
#[derive(Debug)]
pub struct Batch {
    /// Its articles, or why each could not be read.
    pub articles: Vec<Parsed>,
    /// The engine whose export or feed it is, if it is one.
    pub engine: Option<foreign::Kind>,
    /// What such an export had that did not come across.
    pub left_out: foreign::LeftOut,
}

/// Reads a file's text: our formats by `format`, and other engines'
/// exports and feeds by their content (a `.json` file may be a Ghost
/// export or a JSON feed; `None`, a download, may be any of them). A slug
/// used twice is refused the second time (see [`Slugs`]).
pub fn read(origin: &str, format: Option<Format>, text: &str) -> Batch {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let engine = match format {
        Some(Format::Markdown | Format::JsonLines) => None,
        Some(Format::Json | Format::Xml) | None => foreign::sniff(text),
    };
    let (mut articles, left_out) = match (engine, format) {
        (Some(kind), _) => {
            let export = foreign::parse(origin, kind, text);
            (export.articles, export.left_out)
        }
        (None, Some(format @ (Format::Markdown | Format::Json | Format::JsonLines))) => {
            (parse_all(origin, format, text), foreign::LeftOut::default())
        }
        (None, Some(Format::Xml) | None) => {
            let reason = "neither a WordPress export nor an RSS, Atom or JSON feed".to_owned();
            (vec![Parsed { origin: origin.to_owned(), result: Err(reason), ignored: Vec::new() }], Default::default())
        }
    };
    let mut slugs = Slugs::default();
    for p in &mut articles {
        slugs.check(p);
    }
    Batch { articles, engine, left_out }
}

/// The slugs seen so far in one import, and where: an article whose slug was
/// already seen would silently replace the earlier one, so it is refused.
/// Only valid articles take their slug: one that is refused anyway does not
/// keep a later, valid one with the same slug out.
#[derive(Debug, Default)]
pub struct Slugs {
    seen: std::collections::HashMap<String, String>,
}

impl Slugs {
    /// Validates a parsed article (turning it into an error, in the words
    /// [`crate::prepare()`] would use, if it is not valid), then notes its slug,
    /// or turns it into an error naming both places if a valid article seen
    /// before has the same slug.
    pub fn check(&mut self, parsed: &mut Parsed) {
        let Ok(input) = &parsed.result else { return };
        if let Err(invalid) = crate::validate(input) {
            parsed.result = Err(format!("invalid article: {invalid}"));
            return;
        }
        match self.seen.get(&input.slug) {
            Some(first) => {
                parsed.result = Err(format!(
                    "slug {:?} is already used by {first} in this import; this article was not imported",
                    input.slug
                ));
            }
            None => {
                self.seen.insert(input.slug.clone(), parsed.origin.clone());
            }
        }
    }
}

fn parse_all(origin: &str, format: Format, text: &str) -> Vec<Parsed> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Markdown => vec![Parsed::new(origin.to_owned(), read_markdown(text))],
        Format::Json => match serde_json::from_str::<serde_json::Value>(text) {
            Err(e) => vec![Parsed::new(origin.to_owned(), Err(format!("invalid JSON: {e}")))],
            Ok(serde_json::Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| Parsed::new(format!("{origin}: item {}", i + 1), from_value(v)))
                .collect(),
            Ok(v) => vec![Parsed::new(origin.to_owned(), from_value(v))],
        },
        Format::Xml => vec![Parsed::new(origin.to_owned(), Err("not an article file".to_owned()))],
        Format::JsonLines => text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, line)| json_line(origin, i + 1, line))
            .collect(),
    }
}

/// Line `n` (counted from 1) of a JSONL file, not blank.
fn json_line(origin: &str, n: usize, line: &str) -> Parsed {
    let read =
        serde_json::from_str::<serde_json::Value>(line).map_err(|e| format!("invalid JSON: {e}")).and_then(from_value);
    Parsed::new(format!("{origin}:{n}"), read)
}

/// The articles of a JSONL stream, read a line at a time (the file is never
/// held whole: memory is one line), each with its origin `path:line`. A
/// line that is not UTF-8 is refused on its own; blank lines are passed
/// over. Iterating yields `Err` (and then stops) when reading fails. Slugs
/// used twice are not checked here: put each article through [`Slugs`].
pub struct JsonLines<R> {
    origin: String,
    reader: R,
    line: usize,
    buf: Vec<u8>,
    read: u64,
    failed: bool,
}

impl<R: std::io::BufRead> JsonLines<R> {
    /// Reads `reader`, naming its articles after `origin`.
    pub fn new(origin: &str, reader: R) -> JsonLines<R> {
        JsonLines { origin: origin.to_owned(), reader, line: 0, buf: Vec::new(), read: 0, failed: false }
    }

    /// How many bytes have been read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }
}

impl<R: std::io::BufRead> Iterator for JsonLines<R> {
    type Item = std::io::Result<Parsed>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.failed {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(n) => {
                    self.read += n as u64;
                    self.line += 1;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
            let bytes = match (self.line, self.buf.strip_prefix("\u{feff}".as_bytes())) {
                (1, Some(rest)) => rest,
                _ => &self.buf[..],
            };
            let Ok(line) = std::str::from_utf8(bytes) else {
                let reason = "not UTF-8 text".to_owned();
                return Some(Ok(Parsed::new(format!("{}:{}", self.origin, self.line), Err(reason))));
            };
            let line = line.trim_end_matches(['\n', '\r']);
            if !line.trim().is_empty() {
                return Some(Ok(json_line(&self.origin, self.line, line)));
            }
        }
        None
    }
}

fn from_value(v: serde_json::Value) -> Result<(ArticleInput, Vec<String>), String> {
    decode(v).map_err(|(_, message)| message)
}

/// Reads an article from its fields; an error names the field at fault in
/// plain words, as the API does ("slug is required", "tags must be a
/// list"), with the top-level field when there is one.
/// Fields no article has come back beside it, by name.
fn decode(v: serde_json::Value) -> Result<(ArticleInput, Vec<String>), (Option<String>, String)> {
    if !v.is_object() {
        return Err((None, "expected an object with the article's fields".to_owned()));
    }
    let mut ignored = Vec::new();
    let mut note = |path: serde_ignored::Path<'_>| ignored.push(path.to_string());
    let fields = serde_ignored::Deserializer::new(v, &mut note);
    let input = serde_path_to_error::deserialize(fields).map_err(|e| {
        let path = e.path().to_string();
        let message = crate::plain_data_error(Some(&path), &e.inner().to_string());
        // The field a reader can find in the file: `tags` of `tags[1]`.
        let field = path.split(['[', '.']).next().filter(|f| !f.is_empty()).map(str::to_owned);
        let field =
            field.or_else(|| message.strip_suffix(" is required").filter(|f| !f.contains(' ')).map(str::to_owned));
        (field, format!("invalid article: {message}"))
    })?;
    Ok((input, ignored))
}

/// The 1-based line of `front` (front matter, TOML or YAML) where the
/// top-level field `field` is written, if it is found.
fn field_line(front: &str, field: &str, toml: bool) -> Option<usize> {
    front
        .lines()
        .position(|line| {
            let Some(rest) = line.strip_prefix(field) else { return false };
            let rest = rest.trim_start_matches([' ', '\t']);
            if toml { rest.starts_with('=') } else { rest.starts_with(':') }
        })
        .map(|i| i + 1)
}

/// Splits `+++ toml +++ body` or `--- yaml --- body` and reads the article.
pub fn parse_markdown(text: &str) -> Result<ArticleInput, String> {
    read_markdown(text).map(|(input, _)| input)
}

/// [`parse_markdown`], with the front matter's fields that no article has.
fn read_markdown(text: &str) -> Result<(ArticleInput, Vec<String>), String> {
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
    // Error positions are given in lines of the file, not of the front matter.
    let lines_before = text[..after_open].matches('\n').count();
    let mut value: serde_json::Value = if kind == "TOML" {
        let table: toml::Table = toml::from_str(front).map_err(|e| {
            let message = e.message().trim().replace('\n', "; ");
            match e.span() {
                Some(span) => {
                    let (line, column) = line_column(front, span.start);
                    format!("invalid TOML front matter at line {}, column {column}: {message}", line + lines_before)
                }
                None => format!("invalid TOML front matter: {message}"),
            }
        })?;
        toml_to_json(toml::Value::Table(table))
    } else {
        yaml_serde::from_str(front)
            .map_err(|e| format!("invalid YAML front matter: {}", shift_lines(&e.to_string(), lines_before)))?
    };
    let Some(obj) = value.as_object_mut() else {
        return Err(format!("the {kind} front matter must be a table of fields"));
    };
    if !body.is_empty() || !obj.contains_key("body") {
        obj.insert("body".to_owned(), serde_json::Value::String(body.to_owned()));
    }
    decode(value).map_err(|(field, message)| match field.and_then(|f| field_line(front, &f, kind == "TOML")) {
        Some(line) => format!("{message} (line {})", line + lines_before),
        None => message,
    })
}

/// The 1-based line and column (in characters) of byte `at` of `text`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// Adds `by` to every "line N" of an error message.
fn shift_lines(message: &str, by: usize) -> String {
    let mut out = String::with_capacity(message.len() + 4);
    let mut rest = message;
    while let Some(i) = rest.find("line ") {
        out.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + by).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
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
        assert_eq!(parse_markdown("+++\ntitle = \"x\"\n+++\nbody").unwrap_err(), "invalid article: slug is required");
    }

    #[test]
    fn json_and_jsonl() {
        let one = r#"{"slug":"a","title":"A","section":"S","body":"x"}"#;
        let two = one.replace("\"a\"", "\"b\"");
        let got = parse("f.json", Format::Json, &format!("[{one},{two}]"));
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|p| p.result.is_ok()));
        let got = parse("f.jsonl", Format::JsonLines, &format!("{one}\n\nnot json\n[1]\n"));
        assert_eq!(got.len(), 3);
        assert!(got[0].result.is_ok());
        assert_eq!(got[1].origin, "f.jsonl:3");
        assert!(got[1].result.is_err() && got[2].result.is_err());
        assert_eq!(Format::of(Path::new("a/b.MD")), Some(Format::Markdown));
    }

    /// Fields no article has are read past, and named, so that the import
    /// can warn of a misspelt one.
    #[test]
    fn unknown_fields_are_named() {
        let md = "+++\nslug = \"a\"\ntitle = \"A\"\nsection = \"World\"\npublishd = \"2020-01-01\"\n+++\nOne. Two.\n";
        let got = parse("a.md", Format::Markdown, md);
        assert!(got[0].result.is_ok(), "{:?}", got[0].result);
        assert_eq!(got[0].ignored, ["publishd"]);
        let yaml = "---\nslug: b\ntitle: B\nsection: World\nweight: 3\n---\nOne. Two.\n";
        assert_eq!(parse("b.md", Format::Markdown, yaml)[0].ignored, ["weight"]);
        let jsonl = "{\"slug\":\"c\",\"title\":\"C\",\"section\":\"W\",\"body\":\"x.\",\"bogus\":1}\n\
                     {\"slug\":\"d\",\"title\":\"D\",\"section\":\"W\",\"body\":\"x.\"}";
        let got = parse("c.jsonl", Format::JsonLines, jsonl);
        assert_eq!(got[0].ignored, ["bogus"]);
        assert!(got[1].ignored.is_empty());
    }

    /// A JSONL stream read a line at a time gives what the whole text
    /// gives, line numbers included; a line that is not UTF-8 is refused
    /// alone.
    #[test]
    fn json_lines_stream_like_the_whole_text() {
        let one = r#"{"slug":"a","title":"A","section":"S","body":"x"}"#;
        let text = format!("\u{feff}{one}\r\n\n  \nnot json\n{}\n[1]", one.replace("\"a\"", "\"b\""));
        let whole = parse("f.jsonl", Format::JsonLines, &text);
        let streamed: Vec<Parsed> =
            JsonLines::new("f.jsonl", std::io::Cursor::new(text.as_bytes())).map(Result::unwrap).collect();
        let show = |v: &[Parsed]| v.iter().map(|p| format!("{} {:?}", p.origin, p.result)).collect::<Vec<_>>();
        assert_eq!(show(&streamed), show(&whole));
        assert_eq!(streamed.len(), 4);
        assert_eq!(streamed[2].origin, "f.jsonl:5");
        let mut bad = one.as_bytes().to_vec();
        bad.extend_from_slice(b"\n\xff\xfe\n");
        bad.extend_from_slice(one.as_bytes());
        let mut lines = JsonLines::new("g.jsonl", std::io::Cursor::new(bad));
        let got: Vec<Parsed> = lines.by_ref().map(Result::unwrap).collect();
        assert_eq!(got.len(), 3);
        assert!(got[0].result.is_ok() && got[2].result.is_ok());
        assert_eq!(
            (got[1].origin.as_str(), got[1].result.as_ref().unwrap_err().as_str()),
            ("g.jsonl:2", "not UTF-8 text")
        );
        assert_eq!(lines.bytes_read(), 2 * one.len() as u64 + 4);
    }

    /// Items of a JSON array are counted from 1, as JSONL lines are.
    #[test]
    fn json_array_items_count_from_one() {
        let ok = r#"{"slug":"a","title":"A","section":"S","body":"x"}"#;
        let got = parse("arr.json", Format::Json, &format!("[{ok}, 5, {{\"slug\":\"c\"}}]"));
        let origins: Vec<&str> = got.iter().map(|p| p.origin.as_str()).collect();
        assert_eq!(origins, ["arr.json: item 1", "arr.json: item 2", "arr.json: item 3"]);
        assert!(got[0].result.is_ok() && got[1].result.is_err() && got[2].result.is_err());
    }

    /// The same slug twice in a file: the second is refused, naming the first.
    #[test]
    fn duplicate_slugs_are_refused() {
        let a = r#"{"slug":"a","title":"A","section":"S","body":"x"}"#;
        let b = r#"{"slug":"b","title":"B","section":"S","body":"y"}"#;
        let got = parse("f.jsonl", Format::JsonLines, &format!("{a}\n{b}\n{a}\n"));
        assert!(got[0].result.is_ok() && got[1].result.is_ok());
        let err = got[2].result.as_ref().unwrap_err();
        assert_eq!(got[2].origin, "f.jsonl:3");
        assert!(err.contains("\"a\"") && err.contains("f.jsonl:1"), "{err}");
        let got = parse("arr.json", Format::Json, &format!("[{a},{a}]"));
        assert!(got[1].result.as_ref().unwrap_err().contains("arr.json: item 1"));
        // Across files, through one Slugs.
        let mut slugs = Slugs::default();
        let mut first =
            parse("one.md", Format::Markdown, "+++\nslug = \"a\"\ntitle = \"A\"\nsection = \"S\"\n+++\nBody.");
        let mut second = parse("two.json", Format::Json, a);
        slugs.check(&mut first[0]);
        slugs.check(&mut second[0]);
        assert!(first[0].result.is_ok());
        assert!(second[0].result.as_ref().unwrap_err().contains("one.md"));
    }

    /// A field of the wrong kind, or missing, is named in plain words, as the
    /// API names it, with the line of the file for front matter.
    #[test]
    fn field_errors_name_the_field() {
        let toml = "+++\nslug = \"x\"\ntitle = \"T\"\nsection = \"S\"\ntags = \"a\"\n+++\nBody.";
        assert_eq!(parse_markdown(toml).unwrap_err(), "invalid article: tags must be a list (line 5)");
        let yaml = "---\nslug: x\ntitle: T\nsection: S\nauthors:\n  - [1]\n---\nBody.";
        assert_eq!(parse_markdown(yaml).unwrap_err(), "invalid article: authors[0] must be a string (line 5)");
        let yaml = "---\ntitle: T\nsection: S\n---\nBody.";
        assert_eq!(parse_markdown(yaml).unwrap_err(), "invalid article: slug is required");
        let got = parse("a.jsonl", Format::JsonLines, "{\"slug\":\"a\",\"title\":\"A\",\"body\":\"x\"}\n{\"slug\":1}");
        assert_eq!(got[0].result.as_ref().unwrap_err(), "invalid article: section is required");
        assert_eq!(got[1].result.as_ref().unwrap_err(), "invalid article: slug must be a string");
        let got = parse("a.json", Format::Json, r#"{"slug":"a","title":"A","section":"S","status":"gone"}"#);
        let err = got[0].result.as_ref().unwrap_err();
        assert!(
            err.starts_with("invalid article: status must be one of draft, submitted, scheduled, published"),
            "{err}"
        );
    }

    /// An article that is not valid does not take its slug: a later valid
    /// one with the same slug is imported.
    #[test]
    fn invalid_articles_do_not_take_their_slug() {
        let bad = r#"{"slug":"a","title":"","section":"S","body":"x"}"#;
        let good = r#"{"slug":"a","title":"A","section":"S","body":"x"}"#;
        let got = parse("arr.json", Format::Json, &format!("[{bad},{good},{good}]"));
        assert_eq!(got[0].result.as_ref().unwrap_err(), "invalid article: title: must not be empty");
        assert!(got[1].result.is_ok(), "{:?}", got[1].result);
        assert!(got[2].result.as_ref().unwrap_err().contains("already used by arr.json: item 2"), "{:?}", got[2]);
    }

    /// Front matter errors give the line of the file, not of the front matter.
    #[test]
    fn front_matter_errors_give_file_lines() {
        let toml = parse_markdown("+++\nslug = \"x\"\ntitle = \n+++\nBody.").unwrap_err();
        assert!(toml.starts_with("invalid TOML front matter at line 3, column 9: "), "{toml}");
        let yaml = parse_markdown("---\nslug: x\ntitle: [unclosed\nsection: S\n---\nBody.").unwrap_err();
        assert!(yaml.starts_with("invalid YAML front matter: "), "{yaml}");
        assert!(yaml.contains("line 3 column"), "{yaml}");
        assert!(!yaml.contains("line 2 "), "{yaml}");
        let yaml = parse_markdown("---\nslug: x\ntitle: T\n  bad: indent\n---\nBody.").unwrap_err();
        assert!(yaml.contains("at line 4 column"), "{yaml}");
        assert_eq!(
            shift_lines("a at line 2 column 3, b at line 10 column 1", 1),
            "a at line 3 column 3, b at line 11 column 1"
        );
        assert_eq!(line_column("ab\ncé\nd", 6), (2, 3));
    }

    /// Dates: RFC 3339, or a date alone as midnight UTC, quoted or native, in
    /// every format; a bad one names the field and the expected form.
    #[test]
    fn dates_in_every_format() {
        let want = |s: &str| s.to_owned();
        let md = |fm: &str| parse_markdown(fm).map(|a| a.published.map(|t| t.to_rfc3339()));
        let cases = [
            (
                "+++\nslug = \"x\"\ntitle = \"T\"\nsection = \"S\"\npublished = 2026-01-01T09:00:00Z\n+++\nB.",
                "2026-01-01T09:00:00+00:00",
            ),
            (
                "+++\nslug = \"x\"\ntitle = \"T\"\nsection = \"S\"\npublished = 2026-01-01T09:00:00+02:00\n+++\nB.",
                "2026-01-01T07:00:00+00:00",
            ),
            (
                "+++\nslug = \"x\"\ntitle = \"T\"\nsection = \"S\"\npublished = 2026-01-01\n+++\nB.",
                "2026-01-01T00:00:00+00:00",
            ),
            (
                "+++\nslug = \"x\"\ntitle = \"T\"\nsection = \"S\"\npublished = \"2026-01-01\"\n+++\nB.",
                "2026-01-01T00:00:00+00:00",
            ),
            ("---\nslug: x\ntitle: T\nsection: S\npublished: 2026-01-01\n---\nB.", "2026-01-01T00:00:00+00:00"),
            (
                "---\nslug: x\ntitle: T\nsection: S\npublished: 2026-01-01T09:00:00Z\n---\nB.",
                "2026-01-01T09:00:00+00:00",
            ),
            (
                "---\nslug: x\ntitle: T\nsection: S\npublished: '2026-01-01T09:00:00.5-01:00'\n---\nB.",
                "2026-01-01T10:00:00.500+00:00",
            ),
        ];
        for (text, t) in cases {
            assert_eq!(md(text), Ok(Some(want(t))), "{text}");
        }
        let a =
            parse_markdown("---\nslug: x\ntitle: T\nsection: S\nupdated: 2026-02-03\npublished: ~\n---\nB.").unwrap();
        assert_eq!((a.published, a.updated.map(|t| t.to_rfc3339())), (None, Some(want("2026-02-03T00:00:00+00:00"))));
        for (text, field) in [
            ("+++\nslug = \"x\"\ntitle = \"T\"\nsection = \"S\"\npublished = \"yesterday\"\n+++\nB.", "published"),
            ("+++\nslug = \"x\"\ntitle = \"T\"\nsection = \"S\"\nupdated = 2026-01-01T09:00:00\n+++\nB.", "updated"),
            ("---\nslug: x\ntitle: T\nsection: S\npublished: 2026-13-01\n---\nB.", "published"),
            ("---\nslug: x\ntitle: T\nsection: S\npublished: 20260101\n---\nB.", "published"),
        ] {
            let err = parse_markdown(text).unwrap_err();
            assert!(
                err.contains(&format!("{field}: "))
                    && err.contains("2026-01-31T09:00:00Z")
                    && err.contains("2026-01-31"),
                "{err}"
            );
        }
    }
}
