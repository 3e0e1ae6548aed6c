//! Word-level differences between two texts, for the history page: which
//! words a later text removed and which it added, by Unicode words (UAX #29,
//! via `similar`: a Chinese or Japanese character is a word of its own,
//! punctuation and each run of spaces a token), as escaped HTML with
//! `<del>` and `<ins>`, each carrying a word for screen readers, so that
//! nothing is told by colour alone.

use std::time::Duration;

use similar::{ChangeTag, TextDiff};
use unicode_segmentation::UnicodeSegmentation;

/// How long a diff may search for the smallest difference before it
/// settles for a coarser one (still correct, only less tight): a 1 MB body
/// rewritten throughout must not hold a request for long.
const TIMEOUT: Duration = Duration::from_millis(500);

/// What a run of text is in the later text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// In both.
    Same,
    /// Only in the earlier text.
    Removed,
    /// Only in the later text.
    Added,
}

/// A run of text with one kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub kind: Kind,
    pub text: String,
}

/// `old` → `new` as runs of unchanged, removed and added text, in reading
/// order (at a replacement, the removed run before the added one).
pub fn pieces(old: &str, new: &str) -> Vec<Piece> {
    let diff = TextDiff::configure().timeout(TIMEOUT).diff_unicode_words(old, new);
    let mut out: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => Kind::Same,
            ChangeTag::Delete => Kind::Removed,
            ChangeTag::Insert => Kind::Added,
        };
        let text = change.value();
        match out.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(text),
            _ => out.push(Piece { kind, text: text.to_owned() }),
        }
    }
    // Within a replacement the tokens may alternate (a removed word, a
    // shared space, an added word): a lone space between two changes is
    // shown as part of both, so the removed and the added text read whole.
    merge_lone_spaces(out)
}

fn merge_lone_spaces(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    let mut i = 0;
    while i < pieces.len() {
        let p = &pieces[i];
        let between_changes = p.kind == Kind::Same
            && p.text.chars().all(char::is_whitespace)
            && !p.text.contains('\n')
            && i > 0
            && out.last().is_some_and(|l: &Piece| l.kind != Kind::Same)
            && pieces.get(i + 1).is_some_and(|n| n.kind != Kind::Same);
        if between_changes {
            for kind in [Kind::Removed, Kind::Added] {
                push(&mut out, kind, &p.text);
            }
        } else {
            push(&mut out, p.kind, &p.text);
        }
        i += 1;
    }
    // Put each run of changes in order: what was removed, then what was added.
    let mut ordered: Vec<Piece> = Vec::with_capacity(out.len());
    let mut added = String::new();
    let mut removed = String::new();
    for p in out {
        match p.kind {
            Kind::Removed => removed.push_str(&p.text),
            Kind::Added => added.push_str(&p.text),
            Kind::Same => {
                flush(&mut ordered, &mut removed, &mut added);
                ordered.push(p);
            }
        }
    }
    flush(&mut ordered, &mut removed, &mut added);
    ordered
}

fn push(out: &mut Vec<Piece>, kind: Kind, text: &str) {
    match out.last_mut() {
        Some(last) if last.kind == kind => last.text.push_str(text),
        _ => out.push(Piece { kind, text: text.to_owned() }),
    }
}

fn flush(out: &mut Vec<Piece>, removed: &mut String, added: &mut String) {
    if !removed.is_empty() {
        out.push(Piece { kind: Kind::Removed, text: std::mem::take(removed) });
    }
    if !added.is_empty() {
        out.push(Piece { kind: Kind::Added, text: std::mem::take(added) });
    }
}

/// How many words (runs of letters or digits; a CJK character each) a
/// text holds.
pub fn word_count(text: &str) -> usize {
    text.unicode_words().count()
}

/// The pieces as HTML, everything escaped: removed text in `<del>`, added
/// text in `<ins>`, each starting with a visually hidden "removed:" or
/// "added:" for screen readers. With `context`, a run of unchanged text
/// longer than twice that many words keeps only that many words at each
/// end (none before the first change or after the last), the rest shown
/// as how many words were left out.
pub fn html(pieces: &[Piece], context: Option<usize>) -> String {
    let mut out = String::new();
    for (i, p) in pieces.iter().enumerate() {
        match p.kind {
            Kind::Removed => {
                out.push_str("<del><span class=\"visually-hidden\">removed: </span>");
                out.push_str(&crate::briefing::escape(&p.text));
                out.push_str("</del>");
            }
            Kind::Added => {
                out.push_str("<ins><span class=\"visually-hidden\">added: </span>");
                out.push_str(&crate::briefing::escape(&p.text));
                out.push_str("</ins>");
            }
            Kind::Same => match context {
                Some(n) => same_in_context(&mut out, &p.text, n, i > 0, i + 1 < pieces.len()),
                None => out.push_str(&crate::briefing::escape(&p.text)),
            },
        }
    }
    out
}

/// Unchanged text between changes (`before`: a change comes before it;
/// `after`: one follows), shortened to `n` words next to each change.
fn same_in_context(out: &mut String, text: &str, n: usize, before: bool, after: bool) {
    let words: Vec<(usize, &str)> = text.unicode_word_indices().collect();
    let keep_head = if before { n } else { 0 };
    let keep_tail = if after { n } else { 0 };
    if words.len() <= keep_head + keep_tail + 10 {
        out.push_str(&crate::briefing::escape(text));
        return;
    }
    // Cut after the last kept word of the head, and before the first kept
    // word of the tail.
    let head_end = if keep_head == 0 { 0 } else { words[keep_head - 1].0 + words[keep_head - 1].1.len() };
    let tail_start = if keep_tail == 0 { text.len() } else { words[words.len() - keep_tail].0 };
    let left_out = words.len() - keep_head - keep_tail;
    out.push_str(&crate::briefing::escape(&text[..head_end]));
    out.push_str(&format!(
        "<span class=\"diff-gap\">{}[… {left_out} unchanged words …]{}</span>",
        if before { " " } else { "" },
        if after { " " } else { "" }
    ));
    out.push_str(&crate::briefing::escape(&text[tail_start..]));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(p: &[Piece]) -> Vec<(Kind, &str)> {
        p.iter().map(|p| (p.kind, p.text.as_str())).collect()
    }

    /// A changed word is removed then added; the rest is kept as is, and
    /// the pieces put back together give each text.
    #[test]
    fn words_removed_and_added() {
        let p = pieces("The council approved the budget.", "The council rejected the budget.");
        assert_eq!(
            kinds(&p),
            [
                (Kind::Same, "The council "),
                (Kind::Removed, "approved"),
                (Kind::Added, "rejected"),
                (Kind::Same, " the budget.")
            ]
        );
        for (old, new) in [
            ("a b c", "a x y c"),
            ("", "new text"),
            ("old text", ""),
            ("one two three four", "four three two one"),
            ("Line one.\n\nLine two.", "Line one.\n\nLine 2, changed.\n\nLine three."),
        ] {
            let p = pieces(old, new);
            let back = |skip: Kind| p.iter().filter(|x| x.kind != skip).map(|x| x.text.as_str()).collect::<String>();
            assert_eq!(back(Kind::Added), old, "{old:?} -> {new:?}");
            assert_eq!(back(Kind::Removed), new, "{old:?} -> {new:?}");
        }
        assert_eq!(kinds(&pieces("same", "same")), [(Kind::Same, "same")]);
        assert!(pieces("", "").is_empty());
    }

    /// A phrase replaced reads whole on each side, not word by word with
    /// shared spaces in between.
    #[test]
    fn replaced_phrases_read_whole() {
        let p = pieces("It rained on Monday in Paris.", "It snowed all week in Paris.");
        assert_eq!(
            kinds(&p),
            [
                (Kind::Same, "It "),
                (Kind::Removed, "rained on Monday"),
                (Kind::Added, "snowed all week"),
                (Kind::Same, " in Paris.")
            ]
        );
    }

    /// Markup in either text is escaped, never interpreted; the hidden
    /// words say which text is which.
    #[test]
    fn html_is_escaped() {
        let p = pieces("<b>bold</b> & \"quoted\"", "<script>alert('x')</script> & \"quoted\"");
        let h = html(&p, None);
        assert!(!h.contains("<script") && !h.contains("<b>") && !h.contains("'"), "{h}");
        assert!(h.starts_with("&lt;<del>"), "{h}");
        assert!(h.contains("<ins><span class=\"visually-hidden\">added: </span>alert(&#39;x&#39;)</ins>"), "{h}");
        assert!(h.ends_with("&gt; &amp; &quot;quoted&quot;"), "{h}");
        // Whole runs of markup, removed and added.
        let h = html(&pieces("a <i>x</i>", "a <img src=x onerror=alert(1)>"), None);
        assert!(!h.contains("<img") && !h.contains("<i>"), "{h}");
        assert!(h.contains("onerror=alert(1)&gt;</ins>") || h.contains("onerror=alert(1)</ins>&gt;"), "{h}");
    }

    /// Words are Unicode words: accented letters and emoji stay whole, and
    /// in Chinese (no spaces) each character is a word, so one changed
    /// character is one change.
    #[test]
    fn unicode_and_chinese() {
        let p = pieces("Élan café naïve 👍 done", "Élan café naïf 👍 done");
        assert_eq!(
            kinds(&p),
            [(Kind::Same, "Élan café "), (Kind::Removed, "naïve"), (Kind::Added, "naïf"), (Kind::Same, " 👍 done")]
        );
        let p = pieces("市议会周一批准了预算。", "市议会周二批准了预算。");
        assert_eq!(
            kinds(&p),
            [(Kind::Same, "市议会周"), (Kind::Removed, "一"), (Kind::Added, "二"), (Kind::Same, "批准了预算。")]
        );
        assert_eq!(word_count("市议会 approved"), 4);
        let h = html(&pieces("Київ", "Київ і Львів"), None);
        assert_eq!(h, "Київ<ins><span class=\"visually-hidden\">added: </span> і Львів</ins>");
    }

    /// Long unchanged stretches are shortened to a few words on each side
    /// of a change, saying how many words were left out.
    #[test]
    fn long_unchanged_text_is_shortened() {
        let words: Vec<String> = (0..100).map(|i| format!("w{i}")).collect();
        let old = words.join(" ");
        let new = old.replace("w50", "CHANGED");
        let h = html(&pieces(&old, &new), Some(3));
        assert!(h.starts_with("<span class=\"diff-gap\">[… 47 unchanged words …] </span>w47 w48 w49 <del>"), "{h}");
        assert!(h.ends_with("</ins> w51 w52 w53<span class=\"diff-gap\"> [… 46 unchanged words …]</span>"), "{h}");
        // Short stretches are kept whole.
        let h = html(&pieces("a b c d", "a b x d"), Some(3));
        assert!(!h.contains("diff-gap"), "{h}");
    }
}
