//! WordPress exports (WXR: Tools → Export). Posts come across with their
//! slug, title, body, excerpt (as the standfirst), author, categories (the
//! first is the section, the others tags, with the post's tags), times,
//! status (published, scheduled, draft, pending review as submitted;
//! private posts as drafts), featured
//! image (linked) and canonical URL (Yoast's, where set). Pages,
//! attachments, comments, custom fields and other item types are counted
//! in the report.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use store::Status;

use super::xml::{self, Element};
use super::{Export, Kind, LeftOut, article, count_media, html, name, slug_from, standfirst, utc};
use crate::import::Parsed;

/// Reads a WXR document.
pub fn parse(origin: &str, text: &str) -> Export {
    let root = match xml::parse(text) {
        Ok(root) => root,
        Err(e) => return Export::failed(Kind::WordPress, origin, e),
    };
    let Some(channel) = root.child("channel") else {
        return Export::failed(Kind::WordPress, origin, "no <channel> in the export".to_owned());
    };
    let mut left_out = LeftOut::default();
    let authors: HashMap<&str, &str> = channel
        .all("wp:author")
        .filter_map(|a| Some((a.text_of("wp:author_login")?, a.text_of("wp:author_display_name")?)))
        .collect();
    let lang = channel.text_of("language").map(str::to_owned);
    // Attachments by id: featured images point at them.
    let attachments: HashMap<&str, &Element> = channel
        .all("item")
        .filter(|i| i.text_of("wp:post_type") == Some("attachment"))
        .filter_map(|i| Some((i.text_of("wp:post_id")?, i)))
        .collect();
    let mut articles = Vec::new();
    for (n, item) in channel.all("item").enumerate() {
        let kind = item.text_of("wp:post_type").unwrap_or("post");
        let id = item.text_of("wp:post_id").unwrap_or("?");
        let origin = format!("{origin}: item {} (post {id})", n + 1);
        match kind {
            "post" => {}
            "page" => {
                left_out.add("pages (not articles)", 1, item.text_of("title").map(str::to_owned));
                continue;
            }
            "attachment" => {
                left_out.add(
                    "media library files not downloaded",
                    1,
                    item.text_of("wp:attachment_url").map(super::host),
                );
                continue;
            }
            other => {
                left_out.add("other items", 1, [other.to_owned()]);
                continue;
            }
        }
        let status = match item.text_of("wp:status").unwrap_or("publish") {
            "publish" => Status::Published,
            "future" => Status::Scheduled,
            "draft" => Status::Draft,
            // "Pending review": a draft submitted for an editor to publish.
            "pending" => Status::Submitted,
            "private" => {
                left_out.add("private posts imported as drafts", 1, item.text_of("title").map(str::to_owned));
                Status::Draft
            }
            "trash" => {
                left_out.add("trashed posts", 1, item.text_of("title").map(str::to_owned));
                continue;
            }
            "auto-draft" => {
                left_out.add("automatic drafts", 1, []);
                continue;
            }
            other => {
                left_out.add("posts with an unknown status imported as drafts", 1, [other.to_owned()]);
                Status::Draft
            }
        };
        let comments = item.all("wp:comment").count();
        left_out.add("comments", comments, []);
        let mut meta = HashMap::new();
        for m in item.all("wp:postmeta") {
            if let (Some(k), Some(v)) = (m.text_of("wp:meta_key"), m.child("wp:meta_value")) {
                meta.insert(k, v.text.trim());
            }
        }
        let custom: Vec<String> = meta.keys().filter(|k| !k.starts_with('_')).map(|k| (*k).to_owned()).collect();
        left_out.add("custom fields", custom.len(), custom);
        let result = post(item, status, &meta, &authors, &attachments, lang.as_deref(), &mut left_out);
        articles.push(Parsed { origin, result, ignored: Vec::new() });
    }
    Export { kind: Kind::WordPress, articles, left_out }
}

/// `2026-01-31 09:00:00` (WordPress's GMT times), not the zero date of an
/// unpublished draft.
fn gmt(s: Option<&str>) -> Option<DateTime<Utc>> {
    let s = s?;
    if s.starts_with("0000") {
        return None;
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok().map(|t| t.and_utc())
}

fn post(
    item: &Element,
    status: Status,
    meta: &HashMap<&str, &str>,
    authors: &HashMap<&str, &str>,
    attachments: &HashMap<&str, &Element>,
    lang: Option<&str>,
    left_out: &mut LeftOut,
) -> Result<crate::ArticleInput, String> {
    let raw_title = item.text_of("title").unwrap_or("");
    let mut title = name(raw_title, 300);
    if title.is_empty() && status == Status::Draft {
        title = "Untitled draft".to_owned();
    }
    let id = item.text_of("wp:post_id").map(|id| format!("post-{id}")).unwrap_or_default();
    let slug = slug_from(&[item.text_of("wp:post_name").unwrap_or(""), raw_title, &id])
        .ok_or("the post has no slug, title or id to make an address from")?;
    let body = html::convert(item.text_of("content:encoded").unwrap_or(""), true);
    count_media(left_out, &body);
    let mut categories = Vec::new();
    let mut tags = Vec::new();
    for c in item.all("category") {
        let n = name(&c.text, 60);
        if n.is_empty() {
            continue;
        }
        match c.attribute("domain") {
            Some("category") => categories.push(n),
            Some("post_tag") => tags.push(n),
            _ => {}
        }
    }
    let section = if categories.is_empty() { "Uncategorized".to_owned() } else { categories.remove(0) };
    let mut all_tags = categories;
    for t in tags {
        if !all_tags.contains(&t) {
            all_tags.push(t);
        }
    }
    let published = gmt(item.text_of("wp:post_date_gmt"))
        .or_else(|| item.text_of("pubDate").and_then(|d| DateTime::parse_from_rfc2822(d).ok()).map(utc));
    let updated = gmt(item.text_of("wp:post_modified_gmt"));
    let lead = meta.get("_thumbnail_id").and_then(|id| attachments.get(id));
    let lead_image = lead.and_then(|a| a.text_of("wp:attachment_url")).filter(|u| u.starts_with("http"));
    if let Some(url) = lead_image {
        left_out.add("images not downloaded (shown from their old address)", 1, [super::host(url)]);
    }
    let lead_image_alt = lead.and_then(|a| {
        a.all("wp:postmeta")
            .find(|m| m.text_of("wp:meta_key") == Some("_wp_attachment_image_alt"))
            .and_then(|m| m.text_of("wp:meta_value"))
            .map(|alt| name(alt, 500))
    });
    let author = item.text_of("dc:creator").map(|login| authors.get(login).copied().unwrap_or(login));
    let mut a = article(slug, title, section, body.markdown);
    a.standfirst = standfirst(item.text_of("excerpt:encoded").unwrap_or(""));
    a.authors = author.map(|n| name(n, 120)).filter(|n| !n.is_empty()).into_iter().collect();
    a.tags = all_tags;
    a.status = Some(status);
    a.published = published;
    a.updated = updated.filter(|u| published.is_none_or(|p| *u >= p));
    a.lang = lang.map(str::to_owned);
    a.lead_image = lead_image.map(str::to_owned);
    a.lead_image_alt = lead_image_alt.filter(|alt| !alt.is_empty());
    a.canonical_url = meta.get("_yoast_wpseo_canonical").filter(|u| u.starts_with("http")).map(|u| (*u).to_owned());
    Ok(a)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small export with what real ones hold: a published post with
    /// entities, CDATA, a script, a featured image, comments and custom
    /// fields; a draft; a scheduled post; a page; an attachment.
    pub(crate) fn sample() -> String {
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Old Blog</title><link>https://old.example</link><language>en-GB</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_login><![CDATA[ann]]></wp:author_login><wp:author_display_name><![CDATA[Ann Lee]]></wp:author_display_name></wp:author>
  <item>
    <title>Fish &amp;amp; Chips &lt;em&gt;Special&lt;/em&gt;</title>
    <link>https://old.example/2020/01/fish/</link>
    <pubDate>Thu, 02 Jan 2020 10:00:00 +0000</pubDate>
    <dc:creator><![CDATA[ann]]></dc:creator>
    <content:encoded><![CDATA[The harbour café opened on Monday. It sells fish & chips.

<script>alert('x')</script>Owners said <strong>trade</strong> was brisk.

[gallery ids="4,5"]]]></content:encoded>
    <excerpt:encoded><![CDATA[A new <em>café</em> by the harbour.]]></excerpt:encoded>
    <wp:post_id>10</wp:post_id>
    <wp:post_date_gmt><![CDATA[2020-01-02 10:00:00]]></wp:post_date_gmt>
    <wp:post_modified_gmt><![CDATA[2020-01-03 11:00:00]]></wp:post_modified_gmt>
    <wp:post_name><![CDATA[fish-%26-chips]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <category domain="category" nicename="food"><![CDATA[Food]]></category>
    <category domain="category" nicename="local"><![CDATA[Local]]></category>
    <category domain="post_tag" nicename="harbour"><![CDATA[harbour]]></category>
    <wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[4]]></wp:meta_value></wp:postmeta>
    <wp:postmeta><wp:meta_key><![CDATA[views]]></wp:meta_key><wp:meta_value><![CDATA[120]]></wp:meta_value></wp:postmeta>
    <wp:postmeta><wp:meta_key><![CDATA[_yoast_wpseo_canonical]]></wp:meta_key><wp:meta_value><![CDATA[https://old.example/fish]]></wp:meta_value></wp:postmeta>
    <wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content><![CDATA[Great!]]></wp:comment_content></wp:comment>
    <wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_content><![CDATA[Yum.]]></wp:comment_content></wp:comment>
  </item>
  <item>
    <title></title>
    <dc:creator><![CDATA[bob]]></dc:creator>
    <content:encoded><![CDATA[Notes for later. More notes.]]></content:encoded>
    <wp:post_id>11</wp:post_id>
    <wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[]]></wp:post_name>
    <wp:status><![CDATA[draft]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
  </item>
  <item>
    <title>Coming Soon</title>
    <content:encoded><![CDATA[<p>Next week the pier reopens.</p><p>It was closed for a year.</p>]]></content:encoded>
    <wp:post_id>12</wp:post_id>
    <wp:post_date_gmt><![CDATA[2031-05-01 09:00:00]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[coming-soon]]></wp:post_name>
    <wp:status><![CDATA[future]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
  </item>
  <item>
    <title>About us</title><wp:post_id>2</wp:post_id>
    <wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[page]]></wp:post_type>
  </item>
  <item>
    <title>pier.jpg</title><wp:post_id>4</wp:post_id>
    <wp:post_type><![CDATA[attachment]]></wp:post_type>
    <wp:attachment_url><![CDATA[https://old.example/uploads/pier.jpg]]></wp:attachment_url>
    <wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key><wp:meta_value><![CDATA[The pier at dusk]]></wp:meta_value></wp:postmeta>
  </item>
</channel>
</rss>"#
            .to_owned()
    }

    #[test]
    fn posts_come_across_and_the_rest_is_counted() {
        let export = parse("wp.xml", &sample());
        assert_eq!(export.kind, Kind::WordPress);
        assert_eq!(export.articles.len(), 3);
        let a = export.articles[0].result.as_ref().unwrap();
        assert_eq!(a.slug, "fish-chips");
        assert_eq!(a.title, "Fish & Chips Special", "WordPress titles are HTML");
        assert_eq!((a.section.as_str(), a.tags.clone()), ("Food", vec!["Local".to_owned(), "harbour".to_owned()]));
        assert_eq!(a.authors, ["Ann Lee"]);
        assert_eq!(a.standfirst.as_deref(), Some("A new café by the harbour."));
        assert_eq!(a.published.unwrap().to_rfc3339(), "2020-01-02T10:00:00+00:00");
        assert_eq!(a.updated.unwrap().to_rfc3339(), "2020-01-03T11:00:00+00:00");
        assert_eq!(a.status, Some(Status::Published));
        assert_eq!(a.lang.as_deref(), Some("en-GB"));
        assert_eq!(a.lead_image.as_deref(), Some("https://old.example/uploads/pier.jpg"));
        assert_eq!(a.lead_image_alt.as_deref(), Some("The pier at dusk"));
        assert_eq!(a.canonical_url.as_deref(), Some("https://old.example/fish"));
        assert!(a.body.contains("fish & chips") && a.body.contains("**trade**"), "{}", a.body);
        assert!(!a.body.contains("alert") && !a.body.contains("gallery"), "{}", a.body);
        let draft = export.articles[1].result.as_ref().unwrap();
        assert_eq!(
            (draft.title.as_str(), draft.slug.as_str(), draft.status),
            ("Untitled draft", "post-11", Some(Status::Draft))
        );
        assert_eq!(draft.published, None);
        let later = export.articles[2].result.as_ref().unwrap();
        assert_eq!(
            (later.status, later.published.unwrap().to_rfc3339().as_str()),
            (Some(Status::Scheduled), "2031-05-01T09:00:00+00:00")
        );
        let l = &export.left_out;
        assert_eq!(l.count("comments"), 2);
        assert_eq!(l.count("custom fields"), 1);
        assert_eq!(l.count("pages (not articles)"), 1);
        assert_eq!(l.count("media library files not downloaded"), 1);
        assert_eq!(l.count("shortcodes left out"), 1);
        assert!(l.to_string().contains("custom fields: 1 (views)"), "{l}");
    }

    #[test]
    fn posts_pending_review_are_submitted() {
        let export = parse("wp.xml", &sample().replace("[CDATA[future]]", "[CDATA[pending]]"));
        assert_eq!(export.articles[2].result.as_ref().unwrap().status, Some(Status::Submitted));
    }

    #[test]
    fn hostile_exports_are_refused_whole() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>
            <rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
            <item><title>&b;</title></item></channel></rss>"#;
        let export = parse("bomb.xml", bomb);
        assert_eq!(export.articles.len(), 1);
        let err = export.articles[0].result.as_ref().unwrap_err();
        assert!(err.contains("not expanded"), "{err}");
        let cut = &sample()[..2000];
        assert!(parse("cut.xml", cut).articles[0].result.is_err());
    }
}
