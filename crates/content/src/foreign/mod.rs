//! Archives from other engines: a WordPress export (WXR), a Ghost export
//! (JSON), and RSS 2.0, Atom or JSON feeds. Each becomes the same articles an
//! import file gives ([`crate::import::Parsed`]), and a list of what could
//! not come across ([`LeftOut`]: comments, custom fields, media that would
//! need downloading, pages...), so nothing is dropped silently.
//!
//! Bodies are sanitized, then kept as Markdown (`html`); slugs are made
//! ASCII (`café-crème` → `cafe-creme`).

pub mod feed;
pub mod ghost;
mod html;
pub mod wordpress;
mod xml;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::import::Parsed;
use crate::{ArticleInput, ascii_slug};

/// Which engine an export comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A WordPress export (Tools → Export: WXR, RSS with `wp:` elements).
    WordPress,
    /// A Ghost export (Settings → Labs → Export: JSON).
    Ghost,
    /// An RSS 2.0, Atom or JSON feed.
    Feed,
}

impl Kind {
    /// How the report names it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::WordPress => "WordPress export",
            Kind::Ghost => "Ghost export",
            Kind::Feed => "feed",
        }
    }
}

/// Which engine's export `text` is, if it is one.
pub fn sniff(text: &str) -> Option<Kind> {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    if head.starts_with('<') {
        if head.contains("<wp:wxr_version") || head.contains("wordpress.org/export/") {
            return Some(Kind::WordPress);
        }
        if head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:RDF") {
            return Some(Kind::Feed);
        }
    } else if head.starts_with('{') {
        if head.contains("jsonfeed.org/version") {
            return Some(Kind::Feed);
        }
        if head.contains("\"db\"") {
            return Some(Kind::Ghost);
        }
    }
    None
}

/// The articles of an export, and what was left out.
#[derive(Debug)]
pub struct Export {
    /// The engine.
    pub kind: Kind,
    /// One entry per post (or the reason it could not be read).
    pub articles: Vec<Parsed>,
    /// What could not come across.
    pub left_out: LeftOut,
}

/// Reads an export of `kind`. A file that cannot be read at all gives one
/// failed entry saying why.
pub fn parse(origin: &str, kind: Kind, text: &str) -> Export {
    let text = text.trim_start_matches('\u{feff}');
    match kind {
        Kind::WordPress => wordpress::parse(origin, text),
        Kind::Ghost => ghost::parse(origin, text),
        Kind::Feed => feed::parse(origin, text),
    }
}

impl Export {
    fn failed(kind: Kind, origin: &str, reason: String) -> Export {
        let articles = vec![Parsed { origin: origin.to_owned(), result: Err(reason), ignored: Vec::new() }];
        Export { kind, articles, left_out: LeftOut::default() }
    }
}

/// What an export had that did not come across: counts by kind, with names
/// or addresses where they help ("3 custom fields (rating, views)").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeftOut {
    items: BTreeMap<String, (usize, Vec<String>)>,
}

/// Names listed per kind, at most (the count says how many there are).
const NAMES_SHOWN: usize = 5;

impl LeftOut {
    /// Counts `n` more of `what`, naming them.
    pub fn add(&mut self, what: &str, n: usize, names: impl IntoIterator<Item = String>) {
        if n == 0 {
            return;
        }
        let entry = self.items.entry(what.to_owned()).or_default();
        entry.0 += n;
        for name in names {
            if !entry.1.contains(&name) {
                entry.1.push(name);
            }
        }
    }

    /// Whether nothing was left out.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds another's counts to these.
    pub fn merge(&mut self, other: &LeftOut) {
        for (what, (n, names)) in &other.items {
            self.add(what, *n, names.iter().cloned());
        }
    }

    /// How many of `what` were counted.
    pub fn count(&self, what: &str) -> usize {
        self.items.get(what).map_or(0, |e| e.0)
    }
}

impl std::fmt::Display for LeftOut {
    /// "comments: 40, custom fields: 3 (rating, views), pages: 2".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (what, (n, names))) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{what}: {n}")?;
            if !names.is_empty() {
                let mut shown = names.iter().take(NAMES_SHOWN).cloned().collect::<Vec<_>>().join(", ");
                if names.len() > NAMES_SHOWN {
                    shown.push_str(&format!(", and {} more", names.len() - NAMES_SHOWN));
                }
                write!(f, " ({shown})")?;
            }
        }
        Ok(())
    }
}

/// The first of `candidates` that makes a valid slug: percent-decoded,
/// written in ASCII (`café` → `cafe`, `北京` → `bei-jing`), lower case,
/// hyphens between words, at most 120 characters.
fn slug_from(candidates: &[&str]) -> Option<String> {
    candidates.iter().find_map(|c| ascii_slug(&percent_decode(c)))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A standfirst from an excerpt: plain text, at most 1,000 characters (cut
/// at a word, with an ellipsis), or none.
fn standfirst(excerpt: &str) -> Option<String> {
    let text = html::plain(excerpt);
    if text.is_empty() {
        return None;
    }
    if text.chars().count() <= 1000 {
        return Some(text);
    }
    let cut: String = text.chars().take(999).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    Some(format!("{cut}…"))
}

/// An article with what every engine gives; the rest is filled in by each.
fn article(slug: String, title: String, section: String, body: String) -> ArticleInput {
    ArticleInput { slug, title, section, body, ..ArticleInput::default() }
}

/// A name or title given as HTML (WordPress titles may hold tags and
/// entities): its text, on one line, at most `max` characters.
fn name(s: &str, max: usize) -> String {
    text(&html::plain(s), max)
}

/// A name or title given as plain text: on one line, at most `max`
/// characters.
fn text(s: &str, max: usize) -> String {
    let line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    line.chars().take(max).collect::<String>().trim().to_owned()
}

fn utc(t: DateTime<chrono::FixedOffset>) -> DateTime<Utc> {
    t.with_timezone(&Utc)
}

/// The host of a URL, for naming where media stays.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest).to_owned()
}

/// Counts a converted body's media and shortcodes in `left_out`.
fn count_media(left_out: &mut LeftOut, body: &html::Body) {
    left_out.add(
        "images not downloaded (shown from their old address)",
        body.linked_media.len(),
        body.linked_media.iter().map(|u| host(u)),
    );
    left_out.add(
        "embedded players and frames left out",
        body.dropped_embeds.len(),
        body.dropped_embeds.iter().cloned(),
    );
    left_out.add("shortcodes left out", body.shortcodes.len(), body.shortcodes.iter().cloned());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug_from(&["caf%C3%A9-cr%C3%A8me"]).as_deref(), Some("cafe-creme"));
        assert_eq!(slug_from(&["", "Hello, World!"]).as_deref(), Some("hello-world"));
        assert_eq!(slug_from(&["北京"]).as_deref(), Some("bei-jing"));
        assert_eq!(slug_from(&["%%", "!!"]), None);
        let long = "word-".repeat(40);
        let s = slug_from(&[&long]).unwrap();
        assert!(s.len() <= 120 && crate::is_valid_slug(&s), "{s}");
    }

    #[test]
    fn sniffing() {
        assert_eq!(
            sniff("<?xml version=\"1.0\"?><rss xmlns:wp=\"http://wordpress.org/export/1.2/\">"),
            Some(Kind::WordPress)
        );
        assert_eq!(sniff("\u{feff}<?xml version=\"1.0\"?>\n<rss version=\"2.0\">"), Some(Kind::Feed));
        assert_eq!(sniff("<feed xmlns=\"http://www.w3.org/2005/Atom\">"), Some(Kind::Feed));
        assert_eq!(sniff(r#"{"version": "https://jsonfeed.org/version/1.1", "items": []}"#), Some(Kind::Feed));
        assert_eq!(sniff(r#"{"db": [{"data": {"posts": []}}]}"#), Some(Kind::Ghost));
        assert_eq!(sniff(r#"{"slug": "a"}"#), None);
        assert_eq!(sniff("+++\nslug = 'a'"), None);
    }

    #[test]
    fn left_out_reads_as_a_list() {
        let mut l = LeftOut::default();
        l.add("comments", 40, []);
        l.add("custom fields", 2, ["views".to_owned(), "rating".to_owned()]);
        l.add("custom fields", 1, ["views".to_owned()]);
        l.add("pages", 0, []);
        assert_eq!(l.to_string(), "comments: 40, custom fields: 3 (views, rating)");
        assert_eq!(l.count("comments"), 40);
    }

    #[test]
    fn long_excerpts_are_cut_at_a_word() {
        let s = standfirst(&"word ".repeat(400)).unwrap();
        assert!(s.chars().count() <= 1000 && s.ends_with("word…"), "{s}");
        assert_eq!(standfirst("<p> </p>"), None);
    }
}
