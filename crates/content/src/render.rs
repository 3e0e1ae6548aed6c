//! Markdown to sanitized HTML, with one anchor per sentence.
//!
//! The body is rendered to HTML with pulldown-cmark and sanitized with
//! ammonia first, so everything after works on what a reader will see: the
//! contents of `<script>`, `<style>` and the other elements ammonia drops are
//! gone, and every `id`, `class` and `data-*` attribute the author wrote is
//! stripped (only the sentence anchors added below carry them).
//!
//! The sanitized HTML (html5ever's serialization: tags, and text with `&`,
//! `<`, `>` and no-break spaces escaped) is then read as tags and text runs.
//! The plain text that summaries are made from is the text of those runs,
//! whether they came from Markdown or from raw HTML: each block (paragraph,
//! heading, list item, table cell, `<div>`, ...) a paragraph, paragraphs joined
//! by a blank line, white space collapsed as a browser does, the text of
//! code blocks (`<pre>`) and image descriptions left out. The sentences are
//! found in that plain text with the summarizer's own splitter, so their
//! indexes are the ones summaries carry, and each sentence's text is wrapped in
//! `<span class="s" id="s-{index}">` (pieces after the first, when a sentence
//! crosses inline markup, get `data-s="{index}"` instead of the id).

use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser};

/// A rendered body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// Sanitized HTML with sentence anchors.
    pub html: String,
    /// The plain text summaries index into.
    pub text: String,
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The plain text of a Markdown body, as summaries see it (the text of
/// [`render`]'s result).
pub fn plain_text(md: &str) -> String {
    let html = sanitize(&markdown_html(md));
    let tokens = tokenize(&html);
    first_pass(&tokens).0
}

fn markdown_html(md: &str) -> String {
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(md, options()));
    html
}

/// A piece of sanitized HTML.
#[derive(Debug)]
enum Token<'a> {
    /// A start or end tag, as written; `name` lowercase.
    Tag { raw: &'a str, name: String, end: bool },
    /// A text run, still escaped.
    Text(&'a str),
}

/// Reads html5ever-serialized HTML (what ammonia gives) as tags and text. In
/// that form text never holds a raw `<` and attribute values never hold `<`
/// or `>`; anything unexpected is kept as text.
fn tokenize(html: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            out.push(Token::Text(rest));
            break;
        };
        if lt > 0 {
            out.push(Token::Text(&rest[..lt]));
            rest = &rest[lt..];
            continue;
        }
        let Some(gt) = rest.find('>') else {
            out.push(Token::Text(rest));
            break;
        };
        let raw = &rest[..=gt];
        let inner = &raw[1..raw.len() - 1];
        let (end, inner) = match inner.strip_prefix('/') {
            Some(i) => (true, i),
            None => (false, inner),
        };
        let name: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if name.is_empty() {
            out.push(Token::Text(raw));
        } else {
            out.push(Token::Tag { raw, name, end });
        }
        rest = &rest[gt + 1..];
    }
    out
}

/// Elements that flow inside a line of text; any other element starts a
/// new paragraph of the plain text.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "acronym"
            | "b"
            | "bdi"
            | "bdo"
            | "big"
            | "br"
            | "cite"
            | "code"
            | "data"
            | "del"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "img"
            | "ins"
            | "kbd"
            | "map"
            | "mark"
            | "q"
            | "rp"
            | "rt"
            | "rtc"
            | "ruby"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strike"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "tt"
            | "u"
            | "var"
            | "wbr"
    )
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}')
}

/// Decodes the character references html5ever writes (and the numeric
/// ones); anything else is kept as written.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.bytes().take(12).position(|b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => name.strip_prefix('#').and_then(|n| {
                let code = match n.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse::<u32>().ok(),
                };
                code.and_then(char::from_u32)
            }),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

/// A text run as it goes into the plain text: the white space before it
/// that the plain text leaves out (as written: it starts a block, or follows
/// white space), then its text (decoded, each stretch of white space
/// collapsed to one space, as a browser shows it).
struct Run<'a> {
    lead: &'a str,
    text: String,
}

fn run_of(raw: &str, drop_lead: bool) -> Run<'_> {
    let rest = if drop_lead { raw.trim_start_matches(is_html_space) } else { raw };
    let lead = &raw[..raw.len() - rest.len()];
    let mut text = String::with_capacity(rest.len());
    let mut space = false;
    for c in unescape(rest).chars() {
        if is_html_space(c) {
            space = true;
        } else {
            if space {
                text.push(' ');
                space = false;
            }
            text.push(c);
        }
    }
    if space {
        text.push(' ');
    }
    Run { lead, text }
}

/// Builds the plain text and, per token, the text run it put there (with
/// the run's start in the plain text; a run's last space may have been
/// dropped from the plain text, at the end of a block).
fn first_pass<'a>(tokens: &[Token<'a>]) -> (String, Vec<Option<(Run<'a>, usize)>>) {
    let mut plain = String::new();
    let mut runs: Vec<Option<(Run<'a>, usize)>> = Vec::with_capacity(tokens.len());
    let mut need_sep = false;
    let mut in_block_text = false;
    let mut in_pre = 0usize;
    for token in tokens {
        match token {
            Token::Tag { name, end, .. } => {
                if name == "pre" {
                    in_pre = if *end { in_pre.saturating_sub(1) } else { in_pre + 1 };
                }
                if name == "br" {
                    if in_block_text && !need_sep && in_pre == 0 {
                        if plain.ends_with(' ') {
                            plain.pop();
                        }
                        plain.push('\n');
                    }
                } else if !is_inline(name) {
                    if in_block_text && plain.ends_with(' ') {
                        plain.pop();
                    }
                    need_sep = true;
                    in_block_text = false;
                }
                runs.push(None);
            }
            Token::Text(raw) if in_pre == 0 => {
                let drop_lead = need_sep || !in_block_text || plain.is_empty() || plain.ends_with([' ', '\n']);
                let run = run_of(raw, drop_lead);
                if run.text.is_empty() {
                    runs.push(None);
                    continue;
                }
                if need_sep && !plain.is_empty() {
                    plain.push_str("\n\n");
                }
                need_sep = false;
                in_block_text = true;
                let start = plain.len();
                plain.push_str(&run.text);
                runs.push(Some((run, start)));
            }
            Token::Text(_) => runs.push(None),
        }
    }
    if plain.ends_with(' ') {
        plain.pop();
    }
    (plain, runs)
}

/// Renders `md` to sanitized HTML, wrapping each sentence in an anchor.
/// `sentences` splits the plain text into sentence byte ranges (the
/// summarizer's splitter); the index of a range is the sentence's index.
pub fn render(md: &str, sentences: impl FnOnce(&str) -> Vec<(usize, usize)>) -> Rendered {
    render_with_breaks(md, |text| (sentences(text), Vec::new()))
}

/// The class of a paragraph that Newsdesk started (a break the author did
/// not write), so that a theme can style it.
pub const AUTO_BREAK_CLASS: &str = "auto-break";

/// [`render`], where `layout` gives the sentences and also the indexes of
/// the sentences that should start a paragraph of their own although the
/// author did not break there (the summarizer's paragraph breaks for a wall
/// of text). Such a sentence starts a new `<p class="auto-break">` when it
/// stands at the top level of a `<p>` (not inside a link or emphasis, not in
/// a list item or a table): the page shows shorter paragraphs, while the
/// plain text, the sentence indexes and their anchors stay as they are.
pub fn render_with_breaks(md: &str, layout: impl FnOnce(&str) -> (Vec<(usize, usize)>, Vec<usize>)) -> Rendered {
    let clean = sanitize(&markdown_html(md));
    let tokens = tokenize(&clean);
    let (plain, runs) = first_pass(&tokens);
    let (spans, breaks) = layout(&plain);
    let mut starts_para = vec![false; spans.len()];
    for b in breaks {
        if let Some(x) = starts_para.get_mut(b) {
            *x = true;
        }
    }
    let mut seen = vec![false; spans.len()];
    let mut html = String::with_capacity(clean.len() * 3 / 2);
    // The page's one `<h1>` is the title: a body with level-1 headings has
    // all its headings moved one level down (h6 stays h6). One that starts
    // at level 2 already fits under the title and is left as it is, so that
    // no level is skipped.
    let shift = tokens.iter().any(|t| matches!(t, Token::Tag { name, .. } if name == "h1"));
    // The elements open where the writing is, and whether the innermost
    // `<p>` has text yet (a break before its first sentence would leave an
    // empty paragraph).
    let mut open: Vec<&str> = Vec::new();
    let mut p_has_text = false;
    for (token, run) in tokens.iter().zip(runs) {
        let Some((run, ts)) = run else {
            if let Token::Tag { name, end, .. } = token {
                if *end {
                    if let Some(i) = open.iter().rposition(|n| n == name) {
                        open.truncate(i);
                    }
                } else if !is_void(name) {
                    open.push(name);
                    p_has_text &= name != "p";
                }
            }
            match token {
                Token::Tag { raw, name, end } if shift => push_tag(&mut html, raw, name, *end),
                Token::Tag { raw, .. } | Token::Text(raw) => html.push_str(raw),
            }
            continue;
        };
        html.push_str(run.lead);
        let breaking = if open.last() == Some(&"p") { Some(&starts_para[..]) } else { None };
        wrap_run(&mut html, &run.text, ts, &spans, &mut seen, breaking, &mut p_has_text);
    }
    Rendered { html, text: plain }
}

/// Elements with no end tag.
fn is_void(name: &str) -> bool {
    matches!(name, "br" | "img" | "wbr" | "hr" | "col" | "area" | "embed" | "source" | "track" | "input")
}

/// Writes a tag, a heading (`h1` to `h5`) one level down.
fn push_tag(html: &mut String, raw: &str, name: &str, end: bool) {
    let level = match name.as_bytes() {
        [b'h', d @ b'1'..=b'5'] => d - b'0',
        _ => return html.push_str(raw),
    };
    // The name follows `<` or `</`; html5ever writes it as `name` is.
    let at = if end { 2 } else { 1 };
    match raw.get(at + 2..) {
        Some(rest) => {
            html.push_str(&raw[..at]);
            html.push('h');
            html.push(char::from(b'1' + level));
            html.push_str(rest);
        }
        None => html.push_str(raw),
    }
}

/// Writes the text `t`, which lies at `ts..` in the plain text, escaped,
/// with the parts of it that belong to sentences wrapped in anchors. With
/// `breaking` (the run is at the top level of a `<p>`), a sentence marked
/// there starts a new `<p class="auto-break">`, unless nothing has been
/// written in the paragraph yet (`p_has_text`).
fn wrap_run(
    html: &mut String,
    t: &str,
    ts: usize,
    spans: &[(usize, usize)],
    seen: &mut [bool],
    breaking: Option<&[bool]>,
    p_has_text: &mut bool,
) {
    let te = ts + t.len();
    let first = spans.partition_point(|&(_, end)| end <= ts);
    let mut cursor = ts;
    for (k, &(ss, se)) in spans.iter().enumerate().skip(first) {
        if ss >= te {
            break;
        }
        let a = ss.max(ts).max(cursor);
        let b = se.min(te);
        if a >= b {
            continue;
        }
        let (Some(gap), Some(piece)) = (t.get(cursor - ts..a - ts), t.get(a - ts..b - ts)) else {
            // Not on character boundaries: leave the rest unwrapped.
            break;
        };
        escape_into(html, gap);
        if seen[k] {
            html.push_str(&format!("<span class=\"s\" data-s=\"{k}\">"));
        } else {
            seen[k] = true;
            let starts = a == ss && breaking.is_some_and(|b| b.get(k) == Some(&true));
            if starts && (*p_has_text || a > ts) {
                html.push_str(&format!("</p>\n<p class=\"{AUTO_BREAK_CLASS}\">"));
            }
            html.push_str(&format!("<span class=\"s\" id=\"s-{k}\">"));
        }
        escape_into(html, piece);
        html.push_str("</span>");
        cursor = b;
    }
    escape_into(html, t.get(cursor - ts..).unwrap_or_default());
    *p_has_text |= !t.trim().is_empty();
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    // Ammonia's defaults drop `<script>` and `<style>` with their contents,
    // and allow no `id`, `class` or `data-*` attribute anywhere: the only
    // ones on the page are the sentence anchors added after sanitizing.
    b.add_tags(["figure", "figcaption"]).add_tag_attributes("td", ["align"]).add_tag_attributes("th", ["align"]);
    b
});

/// Sanitizes HTML: no scripts, event handlers, `javascript:` URLs, iframes,
/// styles or forms, and no `id`, `class` or `data-*` attributes.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// The rendered body without the article page's own markup: the sentence
/// anchors (`<span class="s" …>` with their `</span>`) and the class of
/// automatic paragraph breaks. For feeds and anywhere else the body is shown
/// away from its page (where the anchors' ids would clash). Takes what
/// [`render`] made: sanitized HTML, so every `class` in it is ours.
pub fn without_anchors(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    // Whether each open `<span>` is an anchor (dropped with its end tag).
    let mut spans: Vec<bool> = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tag = &rest[lt..lt + tag_len(&rest[lt..])];
        rest = &rest[lt + tag.len()..];
        if tag.starts_with("<span") && tag[5..].starts_with([' ', '>', '/']) {
            let anchor = tag.starts_with("<span class=\"s\" ");
            spans.push(anchor);
            if !anchor {
                out.push_str(tag);
            }
        } else if tag == "</span>" {
            if !spans.pop().unwrap_or(false) {
                out.push_str(tag);
            }
        } else if tag.starts_with("<p ") {
            out.push_str(&tag.replace(&format!(" class=\"{AUTO_BREAK_CLASS}\""), ""));
        } else {
            out.push_str(tag);
        }
    }
    out.push_str(rest);
    out
}

/// The length of the tag `s` starts with, up to its `>` outside quotes
/// (all of `s` when it has none).
fn tag_len(s: &str) -> usize {
    let mut quote = None;
    for (i, b) in s.bytes().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn without_anchors_keeps_the_markup_and_text_only() {
        let r = render(
            "First one. Second *with stress* here.\n\n<span title=\"a>b\">Kept</span> span. Last one.",
            split_on_dots,
        );
        let html = without_anchors(&r.html);
        assert!(!html.contains("class=") && !html.contains("id=") && !html.contains("data-s"), "{html}");
        assert!(html.contains("<p>First one. Second <em>with stress</em> here.</p>"), "{html}");
        assert!(html.contains("<span title=\"a&gt;b\">Kept</span> span. Last one."), "{html}");
        assert_eq!(without_anchors("<p class=\"auto-break\">x</p>"), "<p>x</p>");
        assert_eq!(without_anchors("a &lt; b <b>c</b>"), "a &lt; b <b>c</b>");
    }

    fn split_on_dots(text: &str) -> Vec<(usize, usize)> {
        // A toy splitter: sentences end at ". " or at the end of a paragraph.
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let end_para = bytes[i..].starts_with(b"\n\n");
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
        assert_eq!(plain_text(md), "Head\n\nOne two three. Four.\n\nitem a\n\nitem b\n\nafter.");
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

    /// The title is the page's only `<h1>`: a body with level-1 headings,
    /// Markdown or raw HTML, has every heading moved one level down; one
    /// that starts at level 2 keeps its levels. The text is the same.
    #[test]
    fn body_headings_go_below_the_title() {
        let md = "# One\n\nText here.\n\n## Two\n\n<h1 title=\"t\">Raw one</h1>\n\n<H3>Raw three</H3>\n\n\
                  ##### Five\n\n###### Six";
        let r = render(md, split_on_dots);
        assert!(!r.html.contains("<h1") && !r.html.contains("</h1>"), "{}", r.html);
        for want in [
            "<h2><span class=\"s\" id=\"s-0\">One</span></h2>",
            "<h3><span class=\"s\" id=\"s-2\">Two</span></h3>",
            "<h2 title=\"t\"><span class=\"s\" id=\"s-3\">Raw one</span></h2>",
            "<h4><span class=\"s\" id=\"s-4\">Raw three</span></h4>",
            "<h6><span class=\"s\" id=\"s-5\">Five</span></h6>",
            "<h6><span class=\"s\" id=\"s-6\">Six</span></h6>",
        ] {
            assert!(r.html.contains(want), "{want} not in {}", r.html);
        }
        assert_eq!(r.text, "One\n\nText here.\n\nTwo\n\nRaw one\n\nRaw three\n\nFive\n\nSix");
        assert_eq!(r.text, render(&md.replace('#', "").replace("h1", "p").replace("H3", "p"), |_| vec![]).text);

        let r = render("Intro.\n\n## Two\n\n### Three", split_on_dots);
        assert!(r.html.contains("<h2><span class=\"s\" id=\"s-1\">Two</span></h2>"), "{}", r.html);
        assert!(r.html.contains("<h3><span class=\"s\" id=\"s-2\">Three</span></h3>"), "{}", r.html);
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

    /// The text a reader sees in `html`: tags dropped (a block tag is a line
    /// break), character references decoded, white space collapsed.
    pub(crate) fn visible_text(html: &str) -> String {
        let mut out = String::new();
        let mut rest = html;
        while let Some(lt) = rest.find('<') {
            out.push_str(&rest[..lt]);
            let gt = rest[lt..].find('>').map_or(rest.len(), |g| lt + g + 1);
            let tag = &rest[lt..gt];
            let name: String =
                tag.trim_start_matches(['<', '/']).chars().take_while(char::is_ascii_alphanumeric).collect();
            if !is_inline(&name) {
                out.push('\n');
            }
            rest = &rest[gt..];
        }
        out.push_str(rest);
        let decoded = out.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u{a0}").replace("&amp;", "&");
        decoded.split(is_html_space).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
    }

    fn ids(html: &str) -> Vec<&str> {
        html.match_indices(" id=\"").map(|(i, _)| &html[i + 5..i + 5 + html[i + 5..].find('"').unwrap()]).collect()
    }

    /// The plain text holds only what a reader sees: not the contents of
    /// `<script>`, `<style>` or any other element ammonia drops whole.
    #[test]
    fn stripped_elements_leave_no_text() {
        let md = "First one. Second <b>bold</b> one. <script>alert(2)</script> Third sentence.\n\n\
                  <style>p { color: red }</style>\n\nFourth <style>.x{}</style>here. <SCRIPT>alert(3)</SCRIPT>";
        let r = render(md, split_on_dots);
        for hidden in ["alert", "color", ".x{}"] {
            assert!(!r.text.contains(hidden), "{hidden} in {:?}", r.text);
            assert!(!r.html.contains(hidden), "{hidden} in {}", r.html);
        }
        assert_eq!(r.text, "First one. Second bold one. Third sentence.\n\nFourth here.");
        assert!(
            r.html.contains(
                "<span class=\"s\" id=\"s-1\">Second </span><b><span class=\"s\" data-s=\"1\">bold</span></b>"
            ),
            "{}",
            r.html
        );
        let visible = visible_text(&r.html);
        for (a, b) in split_on_dots(&r.text) {
            assert!(visible.contains(&r.text[a..b]), "{:?} not in {visible:?}", &r.text[a..b]);
        }
    }

    /// Text in raw HTML blocks is shown, so it is in the plain text and its
    /// sentences get anchors like any other.
    #[test]
    fn raw_html_blocks_get_anchors() {
        let md = "Intro here.\n\n<div class=\"box\">\n  Boxed one.   Boxed\n  two &amp; more.\n</div>\n\n\
                  <table><tr><td>Cell <em>text</em>.</td></tr></table>\n\nOutro.";
        let r = render(md, split_on_dots);
        assert_eq!(r.text, "Intro here.\n\nBoxed one. Boxed two & more.\n\nCell text.\n\nOutro.");
        for (k, want) in ["Intro here.", "Boxed one.", "Boxed two &amp; more."].iter().enumerate() {
            assert!(r.html.contains(&format!("<span class=\"s\" id=\"s-{k}\">{want}</span>")), "{k}: {}", r.html);
        }
        assert!(r.html.contains("<td><span class=\"s\" id=\"s-3\">Cell </span><em>"), "{}", r.html);
        assert!(r.html.contains("id=\"s-4\">Outro.</span>"), "{}", r.html);
    }

    /// Entities stay escaped in the HTML and decoded in the plain text; code
    /// blocks and image descriptions stay out of it.
    #[test]
    fn escapes_code_and_images() {
        let md = "A &lt;b&gt; &amp; c\u{a0}d. `x<y`.\n\n    code <not> text.\n\n![An image.](i.png)";
        let r = render(md, split_on_dots);
        assert_eq!(r.text, "A <b> & c\u{a0}d. x<y.");
        assert!(r.html.contains("id=\"s-0\">A &lt;b&gt; &amp; c&nbsp;d.</span>"), "{}", r.html);
        assert!(
            r.html.contains(
                "<code><span class=\"s\" id=\"s-1\">x&lt;y</span></code><span class=\"s\" data-s=\"1\">.</span>"
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("<pre><code>code &lt;not&gt; text.\n</code></pre>"), "{}", r.html);
        assert!(!r.text.contains("image"));
    }

    /// Anchors and classes written by the author are stripped: the only ids
    /// on the page are the sentence anchors, each once.
    #[test]
    fn author_ids_and_classes_are_stripped() {
        let md = "<span class=\"s\" id=\"s-1\">Dup.</span> Real one. <a id=\"s-0\" class=\"s\" data-s=\"3\" href=\"#s-0\">Link.</a>\n\n\
                  <div id=\"summary-1\" class=\"s\">Block.</div>\n\n<p id=\"s-2\">Para.</p>";
        let r = render(md, split_on_dots);
        let found = ids(&r.html);
        let mut unique = found.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(found.len(), unique.len(), "{}", r.html);
        assert_eq!(found, ["s-0", "s-1", "s-2", "s-3", "s-4"], "{}", r.html);
        assert!(!r.html.contains("summary-1") && !r.html.contains("data-s=\"3\""), "{}", r.html);
        assert_eq!(r.html.matches("class=").count(), r.html.matches("<span class=\"s\"").count(), "{}", r.html);
    }

    #[test]
    fn odd_markup_never_panics() {
        for md in ["<", "&", "&#xffffffff;", "a &#0; b", "é&é;", "<b", "x\u{a0}", "<pre>a</pre>b<br>c", "  \n\n  "] {
            let r = render(md, |t| vec![(0, t.len())]);
            assert!(r.html.len() >= r.text.len().min(1) || r.text.is_empty());
        }
    }

    /// The tag reader relies on the sanitizer escaping `<` and `>` inside
    /// attribute values: a `>` left raw there would end the tag early and
    /// spill the rest of the attribute into the page as text.
    #[test]
    fn attribute_values_stay_inside_their_tags() {
        for md in [
            "![x>y<z](https://e.com/i.png) Hello there.",
            "[a](https://e.com \"t>i<t\") Hello there.",
            "<img alt=\"a > b\" src=\"https://e.com/x.png\"> Hello there.",
        ] {
            let r = render(md, |t| vec![(0, t.len())]);
            assert_eq!(r.text.trim_start_matches("a ").trim(), "Hello there.", "{md}");
            for tag in r.html.split('<').skip(1) {
                let inner = tag.split_once('>').map_or(tag, |(t, _)| t);
                assert_eq!(inner.matches('"').count() % 2, 0, "{md}: {}", r.html);
            }
        }
    }

    /// Automatic paragraph breaks split a `<p>` before the marked sentences,
    /// and change nothing else: the plain text, the sentence anchors and the
    /// visible text are those of the page without them.
    #[test]
    fn automatic_breaks_split_paragraphs_and_keep_anchors() {
        let md = "One a. Two b. Three c. Four d. Five e. Six f.\n\nSeven g. Eight h.";
        let plain = render(md, split_on_dots);
        let broken = render_with_breaks(md, |t| (split_on_dots(t), vec![2, 4, 7]));
        assert_eq!(broken.text, plain.text);
        assert_eq!(broken.html.matches("<p class=\"auto-break\">").count(), 3, "{}", broken.html);
        assert!(
            broken.html.contains("</span> </p>\n<p class=\"auto-break\"><span class=\"s\" id=\"s-2\">"),
            "{}",
            broken.html
        );
        assert_eq!(ids(&broken.html), ids(&plain.html));
        assert_eq!(
            visible_text(&broken.html).split_whitespace().collect::<Vec<_>>(),
            visible_text(&plain.html).split_whitespace().collect::<Vec<_>>()
        );
        assert_eq!(broken.html.matches("<p").count(), broken.html.matches("</p>").count());
    }

    /// A break is made only at the top level of a paragraph: not before a
    /// paragraph's first sentence, not inside emphasis or a link, not in a
    /// list item or a table cell.
    #[test]
    fn automatic_breaks_only_at_the_top_of_a_paragraph() {
        let cases = [
            ("One a. Two b.\n\nThree c. Four d.", vec![2]),
            ("One a. *Two b. Three c.* Four d.", vec![2]),
            ("One a. [Two b. Three c.](https://x.example) Four d.", vec![2]),
            ("- One a. Two b. Three c.\n- Four d.", vec![1, 2]),
            ("| x |\n|---|\n| One a. Two b. Three c. |", vec![1]),
        ];
        for (md, breaks) in cases {
            let r = render_with_breaks(md, |t| (split_on_dots(t), breaks.clone()));
            assert!(!r.html.contains(AUTO_BREAK_CLASS), "{md}: {}", r.html);
            assert_eq!(r.html, render(md, split_on_dots).html, "{md}");
        }
        // Out-of-range indexes are ignored.
        let r = render_with_breaks("One a. Two b.", |t| (split_on_dots(t), vec![9]));
        assert!(!r.html.contains(AUTO_BREAK_CLASS));
    }
}
