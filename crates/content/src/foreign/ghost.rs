//! Ghost exports (Settings → Labs → Export: JSON). Posts come across with
//! their slug, title, HTML body, custom excerpt (as the standfirst),
//! authors, tags (the primary tag is the section; internal `#tags` are left
//! out), times, status, feature image (linked) with its alt text, and
//! canonical URL. Pages, members-only visibility, code injection and social
//! card texts are counted in the report.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use store::Status;

use super::{Export, Kind, LeftOut, article, count_media, html, slug_from, standfirst, text as name, utc};
use crate::import::Parsed;

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

fn time(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    str_of(v, key).and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map(utc)
}

/// Reads a Ghost export.
pub fn parse(origin: &str, text: &str) -> Export {
    let doc: Value = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) => return Export::failed(Kind::Ghost, origin, format!("invalid JSON: {e}")),
    };
    let Some(data) = doc.get("db").and_then(|db| db.get(0)).and_then(|db| db.get("data")) else {
        return Export::failed(Kind::Ghost, origin, "not a Ghost export: no db[0].data".to_owned());
    };
    let list = |key: &str| data.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
    let by_id = |items: &[Value]| -> HashMap<String, Value> {
        items.iter().filter_map(|v| Some((str_of(v, "id")?.to_owned(), v.clone()))).collect()
    };
    let tags = by_id(&list("tags"));
    let users = by_id(&list("users"));
    let metas: HashMap<String, Value> =
        list("posts_meta").into_iter().filter_map(|m| Some((str_of(&m, "post_id")?.to_owned(), m))).collect();
    // Joins, in their sort order.
    let joined = |key: &str, other: &str| -> HashMap<String, Vec<String>> {
        let mut rows = list(key);
        rows.sort_by_key(|r| r.get("sort_order").and_then(Value::as_i64).unwrap_or(0));
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for r in rows {
            if let (Some(p), Some(o)) = (str_of(&r, "post_id"), str_of(&r, other)) {
                out.entry(p.to_owned()).or_default().push(o.to_owned());
            }
        }
        out
    };
    let post_tags = joined("posts_tags", "tag_id");
    let post_authors = joined("posts_authors", "author_id");
    let lang = list("settings")
        .iter()
        .find(|s| matches!(str_of(s, "key"), Some("locale" | "lang")))
        .and_then(|s| str_of(s, "value"))
        .map(str::to_owned);
    let mut left_out = LeftOut::default();
    let mut articles = Vec::new();
    for (n, post) in list("posts").iter().enumerate() {
        let id = str_of(post, "id").unwrap_or("?").to_owned();
        let title = name(str_of(post, "title").unwrap_or(""), 300);
        let origin =
            format!("{origin}: post {} ({})", n + 1, if title.is_empty() { id.as_str() } else { title.as_str() });
        if str_of(post, "type") == Some("page") {
            left_out.add("pages (not articles)", 1, [title.clone()]);
            continue;
        }
        let status = match str_of(post, "status").unwrap_or("draft") {
            "published" => Status::Published,
            "scheduled" => Status::Scheduled,
            "draft" => Status::Draft,
            other => {
                left_out.add("posts with another status imported as drafts", 1, [other.to_owned()]);
                Status::Draft
            }
        };
        if let Some(v) = str_of(post, "visibility").filter(|v| *v != "public") {
            left_out.add("members-only posts now public", 1, [format!("{title} ({v})")]);
        }
        for key in ["codeinjection_head", "codeinjection_foot"] {
            left_out.add("code injections", usize::from(str_of(post, key).is_some()), [title.clone()]);
        }
        let meta = metas.get(&id);
        let social =
            ["og_title", "og_description", "twitter_title", "twitter_description", "meta_title", "meta_description"];
        let cards = social.iter().filter(|k| meta.and_then(|m| str_of(m, k)).or(str_of(post, k)).is_some()).count();
        left_out.add("social card and meta texts", cards, []);
        let result = (|| {
            let html_body = str_of(post, "html").ok_or_else(|| {
                "the post has no HTML in the export (only Ghost's editor format): export it again from a Ghost \
                 version that includes HTML, or copy it by hand"
                    .to_owned()
            })?;
            let body = html::convert(html_body, false);
            count_media(&mut left_out, &body);
            let mut names: Vec<String> = post_tags
                .get(&id)
                .into_iter()
                .flatten()
                .filter_map(|t| tags.get(t))
                .filter(|t| str_of(t, "visibility") != Some("internal"))
                .filter_map(|t| str_of(t, "name"))
                .map(|t| name(t, 60))
                .filter(|t| !t.starts_with('#') && !t.is_empty())
                .collect();
            let section = if names.is_empty() { "News".to_owned() } else { names[0].clone() };
            names.dedup();
            let mut authors: Vec<String> = post_authors
                .get(&id)
                .into_iter()
                .flatten()
                .filter_map(|u| users.get(u))
                .filter_map(|u| str_of(u, "name"))
                .map(|n| name(n, 120))
                .collect();
            if authors.is_empty() {
                // Older exports name one author on the post.
                authors.extend(
                    str_of(post, "author_id")
                        .and_then(|u| users.get(u))
                        .and_then(|u| str_of(u, "name"))
                        .map(|n| name(n, 120)),
                );
            }
            let slug = slug_from(&[str_of(post, "slug").unwrap_or(""), &title, &format!("post-{id}")])
                .ok_or_else(|| "the post has no slug, title or id to make an address from".to_owned())?;
            let image = str_of(post, "feature_image");
            let lead_image = image.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
            match (image, lead_image) {
                (Some(u), Some(_)) => {
                    left_out.add("images not downloaded (shown from their old address)", 1, [super::host(u)])
                }
                (Some(u), None) => left_out.add("feature images with a relative address left out", 1, [u.to_owned()]),
                _ => {}
            }
            let mut a = article(slug, title.clone(), section, body.markdown);
            a.standfirst = str_of(post, "custom_excerpt").and_then(standfirst);
            a.authors = authors;
            a.tags = names;
            a.status = Some(status);
            a.published = time(post, "published_at");
            a.updated = time(post, "updated_at").filter(|u| a.published.is_none_or(|p| *u >= p));
            a.lang = lang.clone();
            a.lead_image = lead_image.map(str::to_owned);
            a.lead_image_alt = lead_image
                .and(meta.and_then(|m| str_of(m, "feature_image_alt")).or(str_of(post, "feature_image_alt")))
                .map(|alt| name(alt, 500));
            a.canonical_url = str_of(post, "canonical_url").filter(|u| u.starts_with("http")).map(str::to_owned);
            Ok::<_, String>(a)
        })();
        articles.push(Parsed { origin, result, ignored: Vec::new() });
    }
    Export { kind: Kind::Ghost, articles, left_out }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> String {
        serde_json::json!({"db": [{"meta": {"version": "5.80.0"}, "data": {
            "posts": [
                {"id": "p1", "type": "post", "status": "published", "visibility": "public", "title": "Ferry <Returns> & More",
                 "slug": "ferry-returns", "html": "<p>The ferry is back on Monday.</p><p>It carries 200 people.</p><script>x()</script>",
                 "custom_excerpt": "Back after a year.", "feature_image": "https://old.example/content/images/ferry.jpg",
                 "canonical_url": "https://old.example/ferry", "published_at": "2025-03-01T08:00:00.000Z",
                 "updated_at": "2025-03-02T09:00:00.000Z", "codeinjection_head": "<script>track()</script>"},
                {"id": "p2", "type": "post", "status": "draft", "visibility": "paid", "title": "Members news",
                 "slug": "members-news", "html": "<p>Only for members. Second sentence.</p>", "published_at": null,
                 "updated_at": "2025-03-05T09:00:00.000Z"},
                {"id": "p3", "type": "page", "status": "published", "title": "About", "slug": "about", "html": "<p>Us.</p>"},
                {"id": "p4", "type": "post", "status": "published", "title": "Lexical only", "slug": "lexical-only",
                 "lexical": "{}", "html": null}
            ],
            "posts_meta": [{"post_id": "p1", "feature_image_alt": "The ferry at the pier", "og_title": "Ferry!"}],
            "tags": [{"id": "t1", "name": "Transport"}, {"id": "t2", "name": "Harbour"}, {"id": "t3", "name": "#internal", "visibility": "internal"}],
            "posts_tags": [{"post_id": "p1", "tag_id": "t2", "sort_order": 1}, {"post_id": "p1", "tag_id": "t1", "sort_order": 0},
                           {"post_id": "p1", "tag_id": "t3", "sort_order": 2}],
            "users": [{"id": "u1", "name": "Bo Chen"}],
            "posts_authors": [{"post_id": "p1", "author_id": "u1", "sort_order": 0}],
            "settings": [{"key": "locale", "value": "en"}]
        }}]})
        .to_string()
    }

    #[test]
    fn posts_come_across_and_the_rest_is_counted() {
        let export = parse("ghost.json", &sample());
        assert_eq!(export.articles.len(), 3, "the page is left out");
        let a = export.articles[0].result.as_ref().unwrap();
        assert_eq!((a.slug.as_str(), a.title.as_str()), ("ferry-returns", "Ferry <Returns> & More"));
        assert_eq!(
            (a.section.as_str(), a.tags.clone()),
            ("Transport", vec!["Transport".to_owned(), "Harbour".to_owned()])
        );
        assert_eq!(a.authors, ["Bo Chen"]);
        assert_eq!(a.standfirst.as_deref(), Some("Back after a year."));
        assert_eq!(a.lead_image_alt.as_deref(), Some("The ferry at the pier"));
        assert_eq!(a.canonical_url.as_deref(), Some("https://old.example/ferry"));
        assert_eq!(a.published.unwrap().to_rfc3339(), "2025-03-01T08:00:00+00:00");
        assert!(a.body.contains("The ferry is back") && !a.body.contains("x()"), "{}", a.body);
        let draft = export.articles[1].result.as_ref().unwrap();
        assert_eq!((draft.status, draft.section.as_str()), (Some(Status::Draft), "News"));
        let lexical = export.articles[2].result.as_ref().unwrap_err();
        assert!(lexical.contains("no HTML"), "{lexical}");
        let l = &export.left_out;
        assert_eq!(l.count("pages (not articles)"), 1);
        assert_eq!(l.count("members-only posts now public"), 1);
        assert_eq!(l.count("code injections"), 1);
        assert_eq!(l.count("social card and meta texts"), 1);
    }

    #[test]
    fn not_a_ghost_export() {
        for bad in ["{", r#"{"db": []}"#, "[]"] {
            assert!(parse("x.json", bad).articles[0].result.is_err(), "{bad}");
        }
    }
}
