//! Feeds: RSS 2.0, Atom 1.0 and JSON Feed, read with `feed-rs`. Each entry
//! becomes an article: its title, the last part of its link as the slug,
//! its content (or, when the feed carries only a summary, the summary) as
//! the body, the summary as the standfirst when there is content too,
//! authors, categories (the first is the section; without one, the feed's
//! title), times, and the entry's link as the canonical URL (the original
//! stays where it is). Media attached to entries is linked, not
//! downloaded, and counted.

use store::Status;

use super::{Export, Kind, LeftOut, article, count_media, html, name, slug_from, standfirst, text};
use crate::import::Parsed;

/// A title as the feed gives it: HTML (Atom's `type="html"`) or plain text.
fn title_of(t: &feed_rs::model::Text, max: usize) -> String {
    if t.content_type.to_string().contains("html") { name(&t.content, max) } else { text(&t.content, max) }
}

/// Reads a feed.
pub fn parse(origin: &str, source: &str) -> Export {
    let feed = match feed_rs::parser::parse(source.as_bytes()) {
        Ok(feed) => feed,
        Err(e) => return Export::failed(Kind::Feed, origin, format!("not a readable feed: {e}")),
    };
    let feed_title = feed.title.as_ref().map(|t| title_of(t, 80)).filter(|t| !t.is_empty());
    let mut left_out = LeftOut::default();
    let mut articles = Vec::new();
    for (n, entry) in feed.entries.iter().enumerate() {
        let title = entry.title.as_ref().map(|t| title_of(t, 300)).unwrap_or_default();
        let origin =
            format!("{origin}: entry {} ({})", n + 1, if title.is_empty() { entry.id.as_str() } else { &title });
        let result = (|| {
            let link = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .map(|l| l.href.trim().to_owned())
                .filter(|l| l.starts_with("http://") || l.starts_with("https://"));
            let content = entry.content.as_ref().and_then(|c| c.body.as_deref()).filter(|b| !b.trim().is_empty());
            let summary = entry.summary.as_ref().map(|s| s.content.as_str()).filter(|s| !s.trim().is_empty());
            let (body_html, summary_only) = match (content, summary) {
                (Some(c), _) => (c, false),
                (None, Some(s)) => (s, true),
                (None, None) => return Err("the entry has no content or summary to make a body from".to_owned()),
            };
            if summary_only {
                left_out.add("entries with only a summary (the full text stays on the original site)", 1, link.clone());
            }
            let body = html::convert(body_html, false);
            count_media(&mut left_out, &body);
            let last_part = link.as_deref().map(|l| {
                l.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .split(['?', '#'])
                    .next()
                    .unwrap_or("")
                    .to_owned()
            });
            let last_part =
                last_part.map(|p| p.strip_suffix(".html").or(p.strip_suffix(".htm")).unwrap_or(&p).to_owned());
            let slug = slug_from(&[last_part.as_deref().unwrap_or(""), &title, &entry.id])
                .ok_or("the entry has no link, title or id to make an address from")?;
            let mut cats: Vec<String> = entry
                .categories
                .iter()
                .map(|c| text(c.label.as_deref().unwrap_or(&c.term), 60))
                .filter(|c| !c.is_empty())
                .collect();
            cats.dedup();
            let section = cats.first().cloned().or_else(|| feed_title.clone()).unwrap_or_else(|| "News".to_owned());
            let mut a = article(slug, title.clone(), section, body.markdown);
            a.standfirst = if summary_only { None } else { summary.and_then(standfirst) };
            a.authors = entry
                .authors
                .iter()
                .filter_map(|p| p.name.as_deref())
                .map(|n| text(n, 120))
                .filter(|n| !n.is_empty())
                .collect();
            a.tags = cats;
            a.status = Some(Status::Published);
            a.published = entry.published.or(entry.updated);
            a.updated = entry.updated.filter(|u| a.published.is_none_or(|p| *u >= p));
            a.lang = entry.language.clone().or_else(|| feed.language.clone()).filter(|l| crate::is_language_tag(l));
            a.canonical_url = link;
            // Media attached to the entry (media:content, enclosures): an
            // image becomes the lead image, shown from where it is.
            let media: Vec<String> = entry
                .media
                .iter()
                .flat_map(|m| &m.content)
                .filter_map(|c| Some((c.url.as_ref()?.to_string(), c.content_type.as_ref().map(|t| t.to_string()))))
                .filter_map(|(url, kind)| {
                    let image = kind.as_deref().is_some_and(|k| k.starts_with("image/"))
                        || [".jpg", ".jpeg", ".png", ".webp", ".gif"]
                            .iter()
                            .any(|e| url.to_ascii_lowercase().ends_with(e));
                    image.then_some(url)
                })
                .collect();
            if let Some(first) = media.first() {
                a.lead_image = Some(first.clone());
                a.lead_image_alt = entry.media.first().and_then(|m| m.title.as_ref()).map(|t| title_of(t, 500));
            }
            left_out.add(
                "images not downloaded (shown from their old address)",
                media.len(),
                media.iter().map(|u| super::host(u)),
            );
            let other_media = entry.media.iter().flat_map(|m| &m.content).count() - media.len();
            left_out.add("audio and video files not downloaded", other_media, []);
            Ok(a)
        })();
        articles.push(Parsed { origin, result, ignored: Vec::new() });
    }
    Export { kind: Kind::Feed, articles, left_out }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn rss() -> String {
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Harbour Gazette</title><link>https://gazette.example</link><language>en</language>
<item>
  <title>Pier &amp; Promenade Reopen</title>
  <link>https://gazette.example/news/pier-reopens.html</link>
  <guid>https://gazette.example/?p=7</guid>
  <pubDate>Tue, 04 Mar 2025 08:00:00 GMT</pubDate>
  <category>Local</category><category>Transport</category>
  <description>The pier is open again.</description>
  <content:encoded><![CDATA[<p>The pier reopened on Tuesday after repairs.</p><p>Crowds came <script>evil()</script>early.</p>]]></content:encoded>
  <media:content url="https://cdn.example/pier.jpg" type="image/jpeg"><media:title>The pier</media:title></media:content>
</item>
<item>
  <title>Short Note</title>
  <link>https://gazette.example/notes/short-note/</link>
  <description>&lt;p&gt;Only a summary here. Read more on the site.&lt;/p&gt;</description>
</item>
</channel></rss>"#
            .to_owned()
    }

    #[test]
    fn rss_entries_become_articles() {
        let export = parse("feed.xml", &rss());
        assert_eq!(export.articles.len(), 2);
        let a = export.articles[0].result.as_ref().unwrap();
        assert_eq!((a.slug.as_str(), a.title.as_str()), ("pier-reopens", "Pier & Promenade Reopen"));
        assert_eq!((a.section.as_str(), a.tags.len()), ("Local", 2));
        assert_eq!(a.standfirst.as_deref(), Some("The pier is open again."));
        assert!(a.body.contains("The pier reopened") && !a.body.contains("evil"), "{}", a.body);
        assert_eq!(a.canonical_url.as_deref(), Some("https://gazette.example/news/pier-reopens.html"));
        assert_eq!(a.lead_image.as_deref(), Some("https://cdn.example/pier.jpg"));
        assert_eq!(a.published.unwrap().to_rfc3339(), "2025-03-04T08:00:00+00:00");
        assert_eq!(a.lang.as_deref(), Some("en"));
        let b = export.articles[1].result.as_ref().unwrap();
        assert_eq!(
            (b.slug.as_str(), b.section.as_str(), b.standfirst.clone()),
            ("short-note", "Harbour Gazette", None)
        );
        assert!(b.body.contains("Only a summary here."), "{}", b.body);
        assert_eq!(export.left_out.count("entries with only a summary (the full text stays on the original site)"), 1);
    }

    #[test]
    fn atom_and_json_feeds() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
            <title>Atom Site</title><id>urn:x</id><updated>2025-01-02T00:00:00Z</updated>
            <entry><title type="html">Tide &lt;b&gt;tables&lt;/b&gt;</title><id>urn:e1</id>
              <link rel="alternate" href="https://atom.example/tide-tables"/><updated>2025-01-02T00:00:00Z</updated>
              <published>2025-01-01T00:00:00Z</published><author><name>Ann Lee</name></author>
              <content type="html">&lt;p&gt;High water at noon. Low water at six.&lt;/p&gt;</content></entry></feed>"#;
        let a = parse("atom.xml", atom).articles.remove(0).result.unwrap();
        assert_eq!(
            (a.slug.as_str(), a.title.as_str(), a.authors.clone()),
            ("tide-tables", "Tide tables", vec!["Ann Lee".to_owned()])
        );
        assert_eq!(a.section, "Atom Site");
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
            {"id": "1", "url": "https://j.example/first-post", "title": "First", "content_html": "<p>Hello there. Bye.</p>",
             "date_published": "2025-02-01T10:00:00Z", "tags": ["misc"]}]}"#;
        let a = parse("feed.json", json).articles.remove(0).result.unwrap();
        assert_eq!((a.slug.as_str(), a.section.as_str()), ("first-post", "misc"));
    }

    #[test]
    fn broken_feeds_say_so() {
        let export = parse("x.xml", "<rss><channel><item><title>x</title></chan");
        assert!(export.articles[0].result.as_ref().unwrap_err().contains("not a readable feed"));
    }
}
