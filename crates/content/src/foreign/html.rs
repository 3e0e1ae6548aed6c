//! Bodies from other engines: their HTML, sanitized, then written as
//! Markdown (the form Newsdesk keeps and the newsroom edits). What cannot
//! come across is listed: embedded media that would need downloading (kept
//! as links to where it is now, or left out when it cannot be shown), and
//! WordPress shortcodes.

use std::sync::LazyLock;

use regex::Regex;

/// A body, converted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Body {
    /// The body as Markdown (HTML that Markdown cannot say stays HTML, and is
    /// sanitized again when the article is rendered).
    pub markdown: String,
    /// Images shown from where they are now (not downloaded).
    pub linked_media: Vec<String>,
    /// Embeds (video and audio players, frames) that cannot be shown and
    /// were left out, by address.
    pub dropped_embeds: Vec<String>,
    /// WordPress shortcodes (`[gallery]`) that were left out, by name.
    pub shortcodes: Vec<String>,
}

static MEDIA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<(img|iframe|video|audio|source|embed|object)\b[^>]*?\s(?:src|data)\s*=\s*["']([^"']*)["']"#)
        .expect("a valid pattern")
});

/// Shortcodes WordPress expands into media or layout; the names are read
/// after `[`, and the closing `[/name]` (if any) is dropped with them,
/// keeping what they wrap (a caption's image and text).
static SHORTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[/?(caption|wp_caption|gallery|embed|video|audio|playlist|contact-form-7|contact-form)\b[^\]]*\]")
        .expect("a valid pattern")
});

/// Block-level tags: text that starts with one is already HTML paragraphs.
static BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*<(p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|section|article|aside|dl|!--)\b")
        .expect("a valid pattern")
});

/// WordPress keeps posts with blank lines between paragraphs and adds the
/// `<p>` tags when it shows them; so does this, for text that is not
/// already in blocks.
fn paragraphs(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len() + 64);
    for chunk in text.split("\n\n").map(str::trim).filter(|c| !c.is_empty()) {
        if BLOCK.is_match(chunk) {
            out.push_str(chunk);
        } else {
            out.push_str("<p>");
            out.push_str(&chunk.replace('\n', "<br>"));
            out.push_str("</p>");
        }
        out.push_str("\n\n");
    }
    out
}

/// Converts a foreign body. `autop`: the HTML is WordPress's (blank lines
/// between paragraphs, shortcodes).
pub fn convert(html: &str, autop: bool) -> Body {
    let mut body = Body::default();
    let mut html = if autop { paragraphs(html) } else { html.to_owned() };
    if autop {
        for m in SHORTCODE.captures_iter(&html) {
            let name = m[1].to_owned();
            if !m[0].starts_with("[/") && !matches!(name.as_str(), "caption" | "wp_caption") {
                push_unique(&mut body.shortcodes, name);
            }
        }
        html = SHORTCODE.replace_all(&html, "").into_owned();
    }
    for m in MEDIA.captures_iter(&html) {
        let (tag, src) = (m[1].to_ascii_lowercase(), m[2].trim().to_owned());
        if src.is_empty() {
            continue;
        }
        if tag == "img" {
            push_unique(&mut body.linked_media, src);
        } else {
            push_unique(&mut body.dropped_embeds, src);
        }
    }
    // ammonia's defaults drop scripts, styles, frames, forms, event
    // handlers and javascript: links, and keep text, links and images.
    let clean = ammonia::clean(&html);
    body.markdown = match htmd::convert(&clean) {
        Ok(md) => md.trim().to_owned(),
        // The converter reads any string; if it ever fails, the sanitized
        // HTML is itself a valid body.
        Err(_) => clean,
    };
    body
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The text of a snippet of HTML (an excerpt, a title), on one line.
pub fn plain(html: &str) -> String {
    let clean = ammonia::Builder::empty().clean(html).to_string();
    let text = clean.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"");
    let text = text.replace("&#39;", "'").replace("&nbsp;", " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordpress_paragraphs_become_markdown() {
        let b = convert("First line of the post.\nStill the first paragraph.\n\nSecond <em>one</em>.", true);
        assert_eq!(b.markdown, "First line of the post.  \nStill the first paragraph.\n\nSecond *one*.");
    }

    #[test]
    fn scripts_and_handlers_go_and_media_is_listed() {
        let b = convert(
            "<p>Hello <script>alert(1)</script><b onclick=\"x()\">world</b>.</p>\
             <img src=\"https://old.example/a.jpg\" alt=\"A\"><iframe src=\"https://video.example/e/1\"></iframe>\
             <style>p{}</style>",
            false,
        );
        assert!(!b.markdown.contains("alert") && !b.markdown.contains("onclick") && !b.markdown.contains("p{}"));
        assert!(b.markdown.contains("**world**"), "{}", b.markdown);
        assert!(b.markdown.contains("![A](https://old.example/a.jpg)"), "{}", b.markdown);
        assert_eq!(b.linked_media, ["https://old.example/a.jpg"]);
        assert_eq!(b.dropped_embeds, ["https://video.example/e/1"]);
    }

    #[test]
    fn shortcodes_are_named_and_captions_keep_their_content() {
        let b = convert(
            "[caption id=\"a\" width=\"300\"]<img src=\"https://x.example/i.png\"> The pier[/caption]\n\n[gallery ids=\"1,2\"]\n\nText [1] stays.",
            true,
        );
        assert_eq!(b.shortcodes, ["gallery"]);
        assert!(b.markdown.contains("The pier") && b.markdown.contains("Text \\[1\\] stays"), "{}", b.markdown);
        assert!(!b.markdown.contains("caption"), "{}", b.markdown);
    }

    #[test]
    fn plain_text_of_html() {
        assert_eq!(plain("<p>Fish &amp; <b>chips</b></p>\n<p>and more</p>"), "Fish & chips and more");
    }
}
