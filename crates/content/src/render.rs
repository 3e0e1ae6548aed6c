//! Markdown to sanitized HTML, with one anchor per sentence.
//!
//! The body is rendered in two passes over pulldown-cmark's events. The first
//! builds the plain text that summaries are made from (each block, heading or
//! list item a paragraph; paragraphs joined by a blank line) and notes where
//! each text run of the Markdown lies in it. The sentences are then found in
//! that plain text with the summarizer's own splitter, so their indexes are
//! the ones summaries carry. The second pass wraps each sentence's text in
//! `<span class="s" id="s-{index}">` (pieces after the first, when a sentence
//! crosses inline markup, get `data-s="{index}"` instead of the id). The HTML
//! is sanitized last, with only those span attributes allowed through.

use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// A rendered body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// Sanitized HTML with sentence anchors.
    pub html: String,
    /// The plain text summaries index into.
    pub text: String,
}

fn is_block_start(tag: &Tag<'_>) -> bool {
    !matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

fn is_block_end(tag: &TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// The plain text of a Markdown body, as summaries see it.
pub fn plain_text(md: &str) -> String {
    let events: Vec<Event<'_>> = Parser::new_ext(md, options()).collect();
    first_pass(&events).0
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Builds the plain text and, per event, the range of its text in it.
fn first_pass(events: &[Event<'_>]) -> (String, Vec<Option<(usize, usize)>>) {
    let mut plain = String::new();
    let mut ranges = vec![None; events.len()];
    let mut need_sep = false;
    let mut in_code = 0usize;
    let mut in_image = 0usize;
    let mut in_block_text = false;
    for (i, ev) in events.iter().enumerate() {
        match ev {
            Event::Start(tag) => {
                match tag {
                    Tag::CodeBlock(_) => in_code += 1,
                    Tag::Image { .. } => in_image += 1,
                    _ => {}
                }
                if is_block_start(tag) {
                    need_sep = true;
                    in_block_text = false;
                }
            }
            Event::End(tag) => {
                match tag {
                    TagEnd::CodeBlock => in_code = in_code.saturating_sub(1),
                    TagEnd::Image => in_image = in_image.saturating_sub(1),
                    _ => {}
                }
                if is_block_end(tag) {
                    need_sep = true;
                    in_block_text = false;
                }
            }
            Event::Text(t) | Event::Code(t) if in_code == 0 && in_image == 0 => {
                if t.is_empty() {
                    continue;
                }
                if need_sep && !plain.is_empty() {
                    plain.push_str("\n\n");
                }
                need_sep = false;
                in_block_text = true;
                let start = plain.len();
                plain.push_str(t);
                if matches!(ev, Event::Text(_)) {
                    ranges[i] = Some((start, plain.len()));
                }
            }
            Event::SoftBreak if in_block_text && !need_sep => plain.push(' '),
            Event::HardBreak if in_block_text && !need_sep => plain.push('\n'),
            _ => {}
        }
    }
    (plain, ranges)
}

/// Renders `md` to sanitized HTML, wrapping each sentence in an anchor.
/// `sentences` splits the plain text into sentence byte ranges (the
/// summarizer's splitter); the index of a range is the sentence's index.
pub fn render(md: &str, sentences: impl FnOnce(&str) -> Vec<(usize, usize)>) -> Rendered {
    let events: Vec<Event<'_>> = Parser::new_ext(md, options()).collect();
    let (plain, ranges) = first_pass(&events);
    let spans = sentences(&plain);
    let mut seen = vec![false; spans.len()];
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len() * 2);
    for (ev, range) in events.into_iter().zip(ranges) {
        let (Some((ts, te)), Event::Text(t)) = (range, &ev) else {
            out.push(ev);
            continue;
        };
        let t: &str = t;
        let first = spans.partition_point(|&(_, end)| end <= ts);
        let mut cursor = ts;
        let mut pieces: Vec<Event<'static>> = Vec::new();
        let mut ok = true;
        for (k, &(ss, se)) in spans.iter().enumerate().skip(first) {
            if ss >= te {
                break;
            }
            let a = ss.max(ts);
            let b = se.min(te);
            if a >= b {
                continue;
            }
            let (Some(gap), Some(piece)) = (t.get(cursor - ts..a - ts), t.get(a - ts..b - ts)) else {
                ok = false;
                break;
            };
            if !gap.is_empty() {
                pieces.push(Event::Text(CowStr::from(gap.to_owned())));
            }
            let open = if seen[k] {
                format!("<span class=\"s\" data-s=\"{k}\">")
            } else {
                seen[k] = true;
                format!("<span class=\"s\" id=\"s-{k}\">")
            };
            pieces.push(Event::InlineHtml(CowStr::from(open)));
            pieces.push(Event::Text(CowStr::from(piece.to_owned())));
            pieces.push(Event::InlineHtml(CowStr::from("</span>")));
            cursor = b;
        }
        match (ok, t.get(cursor - ts..)) {
            (true, Some(rest)) => {
                if !rest.is_empty() {
                    pieces.push(Event::Text(CowStr::from(rest.to_owned())));
                }
                out.extend(pieces);
            }
            _ => out.push(ev),
        }
    }
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    Rendered { html: sanitize(&html), text: plain }
}

fn is_sentence_id(v: &str) -> bool {
    v.strip_prefix("s-").is_some_and(|n| !n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit()))
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["figure", "figcaption"])
        .add_tag_attributes("span", ["class", "id", "data-s"])
        .add_tag_attributes("td", ["align"])
        .add_tag_attributes("th", ["align"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("span", "class") => (value == "s").then(|| value.into()),
            ("span", "id") => is_sentence_id(value).then(|| value.into()),
            ("span", "data-s") => (!value.is_empty() && value.len() <= 9 && value.bytes().all(|b| b.is_ascii_digit()))
                .then(|| value.into()),
            _ => Some(value.into()),
        });
    b
});

/// Sanitizes HTML: no scripts, event handlers, `javascript:` URLs, iframes,
/// styles or forms; only the sentence-anchor attributes on spans.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_on_dots(text: &str) -> Vec<(usize, usize)> {
        // A toy splitter: sentences end at ". " or at the end of a paragraph.
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let end_para = text[i..].starts_with("\n\n");
            if bytes[i] == b'.' || end_para {
                let end = if end_para { i } else { i + 1 };
                if end > start {
                    out.push((start, end));
                }
                i = end;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                start = i;
                continue;
            }
            i += 1;
        }
        if start < bytes.len() {
            out.push((start, bytes.len()));
        }
        out
    }

    #[test]
    fn plain_text_blocks() {
        let md = "# Head\n\nOne *two* three.\nFour.\n\n- item a\n- item b\n\n```\ncode\n```\n\n![alt](x.png) after.";
        assert_eq!(plain_text(md), "Head\n\nOne two three. Four.\n\nitem a\n\nitem b\n\n after.");
    }

    #[test]
    fn sentences_are_wrapped() {
        let r = render("First one. Second *with stress* here.\n\n## Next\n\nThird.", split_on_dots);
        assert!(r.html.contains("<span class=\"s\" id=\"s-0\">First one.</span>"), "{}", r.html);
        assert!(
            r.html.contains(
                "<span class=\"s\" id=\"s-1\">Second </span><em><span class=\"s\" data-s=\"1\">with stress</span></em>"
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h2><span class=\"s\" id=\"s-2\">Next</span></h2>"), "{}", r.html);
        assert!(r.html.contains("id=\"s-3\">Third.</span>"), "{}", r.html);
    }

    #[test]
    fn sanitizes_raw_html() {
        let r = render(
            "Hi <script>alert(1)</script> <span id=\"evil\" class=\"x\" onclick=\"a()\">t</span> [x](javascript:alert(1))\n\n<iframe src=\"//e\"></iframe>",
            |_| vec![],
        );
        assert!(!r.html.contains("script"), "{}", r.html);
        assert!(!r.html.contains("evil") && !r.html.contains("onclick") && !r.html.contains("iframe"), "{}", r.html);
        assert!(!r.html.contains("javascript"), "{}", r.html);
    }
}
