//! Sentence splitting that keeps exact byte ranges into the input.
//!
//! The splitter works in one pass over the text and never copies it: each
//! sentence is a byte range of the original string, trimmed of surrounding
//! white space and of a leading dateline such as `LONDON (Reuters) -`.
//!
//! Rules, in order:
//! - a blank line (paragraph break) always ends a sentence;
//! - a single line break ends one when the line is a heading or list item;
//! - full-width CJK terminators (`。！？`) end a sentence wherever they stand;
//! - `.`, `!`, `?`, `…` end a sentence only when followed by white space (so
//!   `3.5`, `U.S.-based`, URLs and e-mail addresses stay whole), after any
//!   closing quotes or brackets, and only when the next word does not start
//!   with a lower-case letter (so `..." he said` stays whole);
//! - after a full stop, a known abbreviation (`Mr.`, `Dr.`, `z.B.`, `т.е.`) or
//!   an initial (`J. K. Rowling`) does not end a sentence, unless an
//!   ambiguous one (`Inc.`, `U.S.`, `Jan.`) is followed by a word that
//!   typically starts a sentence (`The`, `He`, …).

use crate::lang::{Lang, is_cjk_char};

/// A sentence found in the text: its byte range and paragraph number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SentenceSpan {
    /// Byte offset of the first character of the sentence.
    pub start: usize,
    /// Byte offset just past the last character of the sentence.
    pub end: usize,
    /// Zero-based number of the paragraph the sentence stands in.
    pub paragraph: usize,
}

impl SentenceSpan {
    /// The sentence's text within `source` (the string it was split from).
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }
}

/// Abbreviations after which a full stop never ends a sentence: titles before
/// names and words that are always followed by more of the sentence.
const NEVER_FINAL: &[&str] = &[
    // English titles and references
    "mr",
    "mrs",
    "ms",
    "mx",
    "dr",
    "prof",
    "sen",
    "rep",
    "gov",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "cmdr",
    "adm",
    "rev",
    "hon",
    "pres",
    "supt",
    "insp",
    "det",
    "cpl",
    "pvt",
    "maj",
    "brig",
    "messrs",
    "fr",
    "st",
    "ste",
    "mt",
    "ft",
    "vs",
    "v",
    "cf",
    "e.g",
    "i.e",
    "approx",
    "fig",
    "figs",
    "no",
    "nos",
    "vol",
    "vols",
    "pp",
    "p",
    "para",
    "art",
    "ch",
    "sec",
    "ed",
    "eds",
    "est",
    "op",
    "ca",
    "al",
    "viz", // French
    "m",
    "mm",
    "mme",
    "mmes",
    "mlle",
    "mlles",
    "me",
    "mgr",
    "pr",
    "av",
    "bd",
    "ex",
    "env",
    "hab",
    "tél",
    "chap", // German
    "z.b",
    "d.h",
    "u.a",
    "bzw",
    "usw",
    "vgl",
    "nr",
    "hr",
    "hrn",
    "dipl",
    "ing",
    "sog",
    "ggf",
    "evtl",
    "inkl",
    "zzgl",
    "abs",
    "bspw", // Spanish, Italian, Portuguese
    "sr",
    "sra",
    "srta",
    "sres",
    "ud",
    "uds",
    "dña",
    "dª",
    "pág",
    "núm",
    "sig",
    "sto",
    "sta",
    "dott",
    "sig.ra",
    "egr",
    "avv",
    "ing",
    "arq",
    "exmo",
    "exma",
    "prof.ª",
    // Russian and Ukrainian
    "т.е",
    "т.к",
    "т.н",
    "т.д",
    "т.п",
    "им",
    "ул",
    "пр",
    "просп",
    "д",
    "кв",
    "см",
    "напр",
    "тов",
    "гр",
    "вул",
    "див",
    "зв",
    "ін",
    "т.зв",
    "проф",
    "акад",
    "св",
    "г-н",
    "г-жа",
];

/// Abbreviations that may end a sentence: they do when the next word is one
/// that typically starts a sentence.
const MAYBE_FINAL: &[&str] = &[
    "inc", "ltd", "co", "corp", "plc", "llc", "llp", "bros", "jr", "sr", "etc", "a.m", "p.m", "u.s", "u.k", "u.n",
    "e.u", "d.c", "u.s.a", "l.a", "n.y", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "ave", "blvd", "rd", "dept", "univ", "assn", "ph.d", "m.d", "b.a", "m.a", "b.c", "a.d", "cie", "gmbh", "ag",
    "s.a", "gg", "г", "гг", "р", "рр", "тис", "млн", "млрд", "руб", "грн", "коп", "тыс",
];

/// Words that typically start a sentence, for ambiguous abbreviations.
const STARTERS: &[&str] = &[
    "the",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "but",
    "and",
    "in",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "there",
    "his",
    "her",
    "their",
    "its",
    "our",
    "as",
    "at",
    "on",
    "for",
    "after",
    "when",
    "while",
    "however",
    "meanwhile",
    "if",
    "so",
    "yet",
    "then",
    "now",
    "some",
    "many",
    "most",
    "one",
    "two",
    "both",
    "according",
    "officials",
    "police",
    "mr",
    "mrs",
    "ms",
    "dr",
    "le",
    "la",
    "les",
    "il",
    "elle",
    "ils",
    "elles",
    "un",
    "une",
    "der",
    "die",
    "das",
    "er",
    "sie",
    "es",
    "el",
    "los",
    "las",
    "ella",
    "я",
    "он",
    "она",
    "они",
    "в",
    "на",
    "це",
    "у",
];

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '}' | '」' | '』' | '）' | '】' | '〕' | '〉' | '》')
}

fn is_opener(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '‘' | '«' | '‹' | '(' | '[' | '{' | '「' | '『' | '（' | '【' | '〔' | '„')
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？' | '‼' | '⁇' | '⁈' | '⁉')
}

fn is_cjk_terminal(c: char) -> bool {
    matches!(c, '。' | '！' | '？')
}

/// Splits `text` into sentences. `lang` tunes nothing but the handling of text
/// without spaces; it is accepted so callers need not special-case Chinese.
pub fn split(text: &str, lang: Lang) -> Vec<SentenceSpan> {
    let _ = lang;
    let mut out = Vec::with_capacity(text.len() / 100 + 1);
    for (paragraph, (ps, pe)) in paragraphs(text).enumerate() {
        split_paragraph(text, ps, pe, paragraph, &mut out);
    }
    out
}

/// Byte ranges of paragraphs: runs of text separated by blank lines.
fn paragraphs(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        // Skip leading white space (including blank lines).
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let mut end = bytes.len();
        let mut i = pos;
        while let Some(off) = bytes[i..].iter().position(|&b| b == b'\n') {
            let nl = i + off;
            // Is the next line blank?
            let mut j = nl + 1;
            while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\r') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'\n' {
                end = nl;
                break;
            }
            i = nl + 1;
        }
        pos = end;
        Some((start, end))
    })
}

fn split_paragraph(text: &str, ps: usize, pe: usize, paragraph: usize, out: &mut Vec<SentenceSpan>) {
    let bytes = text.as_bytes();
    let mut start = ps;
    let mut line_start = ps;
    let mut i = ps;
    while i < pe {
        let b = bytes[i];
        if b == b'\n' {
            if line_ends_sentence(text, line_start, i, pe) {
                push(text, start, i, paragraph, out);
                start = i + 1;
            }
            i += 1;
            line_start = i;
            continue;
        }
        let c = if b < 0x80 {
            if !matches!(b, b'.' | b'!' | b'?') {
                i += 1;
                continue;
            }
            b as char
        } else {
            match text[i..].chars().next() {
                Some(c) => c,
                None => break,
            }
        };
        if !is_terminal(c) {
            i += c.len_utf8();
            continue;
        }
        // Absorb the run of terminators and closers: `?!`, `."`, `.)"`.
        let mut k = i;
        let mut cjk = false;
        let mut dots = 0usize;
        let mut others = 0usize;
        while k < pe {
            let Some(d) = text[k..].chars().next() else { break };
            if is_terminal(d) {
                cjk |= is_cjk_terminal(d);
                if d == '.' {
                    dots += 1;
                } else {
                    others += 1;
                }
            } else if !is_closer(d) {
                break;
            }
            k += d.len_utf8();
        }
        let closers_absorbed = text[i..k].chars().any(is_closer);
        if ends_here(text, ps, pe, i, k, c, cjk, dots, others, closers_absorbed) {
            push(text, start, k, paragraph, out);
            start = k;
        }
        i = k.max(i + c.len_utf8());
    }
    push(text, start, pe, paragraph, out);
}

/// Decides whether the terminator run `text[i..k]` (first char `c`) ends a sentence.
#[allow(clippy::too_many_arguments)]
fn ends_here(
    text: &str,
    ps: usize,
    pe: usize,
    i: usize,
    k: usize,
    c: char,
    cjk: bool,
    dots: usize,
    others: usize,
    closers: bool,
) -> bool {
    let next = text[k..pe].chars().next();
    if cjk {
        return true;
    }
    match next {
        None => return true,
        Some(n) if n.is_whitespace() => {}
        // Chinese text written with ASCII punctuation: `你好.今天`.
        Some(n) if is_cjk_char(n) => return true,
        Some(_) => return false,
    }
    // The next word, after white space.
    let rest = text[k..pe].trim_start();
    let Some(first) = rest.chars().next() else {
        return true;
    };
    if first.is_lowercase() || matches!(first, ',' | ';' | ':' | '-' | '–' | '—' | '%') {
        return false;
    }
    // `?`, `!` and ellipses before a capital or a digit end a sentence.
    if others > 0 || dots != 1 || closers {
        return true;
    }
    debug_assert_eq!(c, '.');
    // A single full stop: look at the word it ends.
    let word = word_before(text, ps, i);
    if word.is_empty() {
        return true;
    }
    let next_word = first_word(rest);
    let starter = is_starter(next_word);
    let lower: String = word.chars().flat_map(char::to_lowercase).collect();
    if lower == "no" || lower == "nos" || lower == "nr" || lower == "p" || lower == "pp" {
        // `No. 10`, but `He said no. Then…`
        return !first.is_ascii_digit() && (word.starts_with('n') || starter);
    }
    if NEVER_FINAL.contains(&lower.as_str()) {
        // `M.` and `St.` can end a sentence in rare cases; titles followed by
        // a sentence starter (`... in St. The`) do end it.
        return false;
    }
    if MAYBE_FINAL.contains(&lower.as_str()) {
        if first.is_ascii_digit() {
            return false;
        }
        return starter;
    }
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    // An initial (`J.`), or an acronym with inner dots (`U.S`, `e.g`).
    if letters == 1 && word.chars().next().is_some_and(char::is_uppercase) {
        return starter;
    }
    if word.contains('.') && letters <= 5 && word.chars().all(|c| c.is_alphabetic() || c == '.') {
        return starter;
    }
    true
}

/// The word just before byte `i`, without opening quotes or brackets.
fn word_before(text: &str, ps: usize, i: usize) -> &str {
    let head = &text[ps..i];
    let start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || is_opener(c) || c == '/')
        .map_or(0, |(j, c)| j + c.len_utf8());
    &head[start..]
}

fn first_word(rest: &str) -> &str {
    let rest = rest.trim_start_matches(is_opener);
    let end = rest.char_indices().find(|&(_, c)| !c.is_alphanumeric()).map_or(rest.len(), |(j, _)| j);
    &rest[..end]
}

fn is_starter(word: &str) -> bool {
    if word.len() > 12 {
        return false;
    }
    let lower: String = word.chars().flat_map(char::to_lowercase).collect();
    STARTERS.contains(&lower.as_str())
}

/// Whether the line `text[line_start..nl]` ends a sentence although it has no
/// terminator: a heading, or a line followed by a list item.
fn line_ends_sentence(text: &str, line_start: usize, nl: usize, pe: usize) -> bool {
    let line = text[line_start..nl].trim();
    let next = text[nl + 1..pe].trim_start();
    if line.is_empty() {
        return false;
    }
    if is_list_item(next) || is_list_item(line) || line.starts_with('#') {
        return true;
    }
    let last = line.chars().next_back().unwrap_or(' ');
    if matches!(last, ',' | ';' | '-' | '–' | '(' | '/') || last.is_lowercase() && line.len() > 60 {
        return false;
    }
    let next_first = next.chars().next().unwrap_or(' ');
    line.chars().count() < 50 && !is_terminal(last) && (next_first.is_uppercase() || next_first.is_ascii_digit())
}

fn is_list_item(line: &str) -> bool {
    let mut chars = line.chars();
    match chars.next() {
        Some('-' | '*' | '•' | '–' | '—' | '+') => chars.next().is_some_and(char::is_whitespace),
        Some(c) if c.is_ascii_digit() => {
            let rest = line.trim_start_matches(|c: char| c.is_ascii_digit());
            (rest.starts_with(". ") || rest.starts_with(") ")) && line.len() - rest.len() <= 3
        }
        _ => false,
    }
}

/// Pushes `text[start..end]` trimmed of white space and a leading dateline.
fn push(text: &str, start: usize, end: usize, paragraph: usize, out: &mut Vec<SentenceSpan>) {
    let raw = &text[start..end];
    let trimmed_start = raw.len() - raw.trim_start().len();
    let s = start + trimmed_start;
    let e = start + raw.trim_end().len();
    if s >= e {
        return;
    }
    let s = s + dateline_len(&text[s..e]);
    if s < e {
        out.push(SentenceSpan { start: s, end: e, paragraph });
    }
}

/// Length in bytes of a dateline or byline that opens `s`, such as
/// `LONDON (Reuters) - `, `(CNN) -- `, `(CNN)`, `WASHINGTON — `, or 0.
pub(crate) fn dateline_len(s: &str) -> usize {
    let head_end = s.char_indices().nth(80).map_or(s.len(), |(j, _)| j);
    let head = &s[..head_end];
    // `PLACE (Agency) -` or `(Agency)`
    if let Some(open) = head.find('(') {
        let place = &head[..open];
        let placeless = place.trim().is_empty();
        if placeless || is_caps_place(place) {
            if let Some(close_rel) = head[open..].find(')') {
                let agency = &head[open + 1..open + close_rel];
                let after = open + close_rel + 1;
                let dash = dash_len(&s[after..]);
                let has_dash = s[after..].trim_start().starts_with(['-', '—', '–']);
                if is_agency(agency) && (has_dash || KNOWN_AGENCIES.contains(&agency.trim())) {
                    return after + dash;
                }
            }
        }
    }
    // `PLACE — ` with an upper-case place.
    for dash in [" -- ", " — ", " – ", " - "] {
        if let Some(pos) = head.find(dash) {
            let place = &head[..pos];
            if is_caps_place(place) && pos + dash.len() < s.len() {
                return pos + dash.len();
            }
        }
    }
    0
}

/// News agencies whose name alone, in brackets, opens a story: `(CNN)The …`.
const KNOWN_AGENCIES: &[&str] = &[
    "CNN",
    "AP",
    "Reuters",
    "AFP",
    "UPI",
    "BBC",
    "dpa",
    "DPA",
    "EFE",
    "ANSA",
    "Xinhua",
    "Bloomberg",
    "PA",
    "TASS",
    "Interfax",
    "Ukrinform",
    "UNIAN",
    "RIA Novosti",
    "Kyodo",
    "Yonhap",
    "CNN Student News",
    "EW.com",
    "Mashable",
    "CNNMoney",
    "The Conversation",
];

/// A place name whose first word is in capitals: `LONDON`, `KYIV, Ukraine`.
fn is_caps_place(place: &str) -> bool {
    let first_word = place.split(|c: char| c.is_whitespace() || c == ',').find(|w| !w.is_empty()).unwrap_or("");
    let letters = first_word.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2 && first_word.chars().all(|c| !c.is_lowercase()) && is_place(place)
}

fn is_place(place: &str) -> bool {
    let p = place.trim();
    !p.is_empty()
        && p.len() <= 60
        && p.chars().next().is_some_and(char::is_uppercase)
        && p.chars().all(|c| c.is_alphabetic() || matches!(c, ' ' | ',' | '.' | '\'' | '-'))
        && p.split_whitespace().count() <= 6
}

fn is_agency(agency: &str) -> bool {
    let a = agency.trim();
    !a.is_empty()
        && a.len() <= 30
        && a.chars().next().is_some_and(char::is_uppercase)
        && a.split_whitespace().count() <= 4
        && a.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '&' | '\'' | '-' | '/'))
        && !a.chars().any(|c| c.is_ascii_digit())
}

fn dash_len(s: &str) -> usize {
    let t = s.trim_start();
    let mut used = s.len() - t.len();
    for dash in ["--", "—", "–", "-", ":"] {
        if let Some(rest) = t.strip_prefix(dash) {
            used += dash.len();
            used += rest.len() - rest.trim_start().len();
            return used;
        }
    }
    used
}
