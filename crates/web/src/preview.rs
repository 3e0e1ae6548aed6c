//! What a shared link to an article shows, and what search engines read
//! from its page: Open Graph and Twitter card `<meta>` tags, and JSON-LD
//! (`NewsArticle` and `BreadcrumbList`). The tags are escaped by the
//! template; the JSON-LD is escaped here ([`script_json`]) so that nothing
//! in it can close its `<script>` element.

use serde_json::{Value, json};
use store::Article;

use crate::AppState;
use crate::feeds::{absolute, absolute_or_as_is};
use crate::pages::{iso, short_summary};
use crate::pictures::Pictures;

/// The article page's link preview.
pub struct Preview {
    /// The short summary (the editors' own, or the automatic one), else the standfirst.
    pub description: Option<String>,
    /// The lead image, absolute: for an uploaded picture its 1,200 px wide
    /// file (or its largest, when narrower), with that file's size.
    pub image: Option<String>,
    /// The size of `image`, when known (`og:image:width`, `og:image:height`).
    pub image_size: Option<(i64, i64)>,
    /// The last update time (ISO 8601).
    pub modified: String,
    /// The authors' pages (absolute).
    pub author_urls: Vec<String>,
    /// `summary_large_image` with a lead image, else `summary`.
    pub twitter_card: &'static str,
    /// The `NewsArticle` JSON-LD, escaped for a `<script>` element.
    pub article_ld: String,
    /// The `BreadcrumbList` JSON-LD, escaped likewise.
    pub breadcrumbs_ld: String,
}

impl Preview {
    pub(crate) fn of(state: &AppState, a: &Article, pictures: &Pictures) -> Preview {
        let site = state.site();
        let published = a.published_at.unwrap_or(a.updated_at);
        let modified = a.updated_at.max(published);
        let canonical = a.canonical_url.clone().unwrap_or_else(|| absolute(state, &format!("/articles/{}", a.slug)));
        let description = short_summary(a).or_else(|| a.standfirst.clone());
        let uploaded = a.lead_image.as_deref().and_then(|i| pictures.preview(i));
        let image_size = uploaded.as_ref().map(|(_, w, h)| (*w, *h));
        let image = match uploaded {
            Some((url, _, _)) => Some(absolute(state, &url)),
            None => a.lead_image.as_deref().map(|i| absolute_or_as_is(state, i)),
        };
        let author_urls: Vec<String> =
            a.authors.iter().map(|p| absolute(state, &format!("/authors/{}", p.slug))).collect();
        let home = absolute(state, "/");
        let section_url = absolute(state, &format!("/sections/{}", a.section.slug));
        let mut article = json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a.title,
            "description": description,
            "datePublished": iso(published),
            "dateModified": iso(modified),
            "author": a.authors.iter().zip(&author_urls).map(|(p, url)| json!({
                "@type": "Person",
                "name": p.name,
                "url": url,
            })).collect::<Vec<Value>>(),
            "publisher": { "@type": "Organization", "name": site.name, "url": home },
            "image": image.iter().collect::<Vec<_>>(),
            "inLanguage": a.lang,
            "articleSection": a.section.name,
            "keywords": a.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            "mainEntityOfPage": { "@type": "WebPage", "@id": canonical },
            "url": canonical,
        });
        if let Some(fields) = article.as_object_mut() {
            fields.retain(|_, v| !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)));
        }
        let breadcrumbs = json!({
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                { "@type": "ListItem", "position": 1, "name": site.name, "item": home },
                { "@type": "ListItem", "position": 2, "name": a.section.name, "item": section_url },
                { "@type": "ListItem", "position": 3, "name": a.title, "item": canonical },
            ],
        });
        Preview {
            description,
            twitter_card: if image.is_some() { "summary_large_image" } else { "summary" },
            image,
            image_size,
            modified: iso(modified),
            author_urls,
            article_ld: script_json(&article),
            breadcrumbs_ld: script_json(&breadcrumbs),
        }
    }
}

/// JSON to put inside a `<script>` element as is: `<`, `>` and `&` are
/// written as `\u003c`, `\u003e` and `\u0026` (so neither `</script>` nor
/// `<!--` can appear), and the line separators U+2028 and U+2029 as escapes
/// too. Still the same JSON to a JSON reader.
pub fn script_json(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_element_and_reads_back_the_same() {
        let v = json!({ "headline": "</script><script>alert(1)</script> <!-- & \u{2028} \"q\" 中文" });
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&') && !s.contains('\u{2028}'), "{s}");
        assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v);
    }
}
