//! Sentence splitting that keeps exact byte ranges into the input.
//!
//! The splitter works in one pass over the text and never copies it: each
//! sentence is a byte range of the original string, trimmed of surrounding
//! white space and, at the start of a paragraph or line, of a leading dateline
//! such as `LONDON (Reuters) -`. Every look-ahead and look-behind is bounded by
//! the neighbouring word or white space, so the time is linear in the text.
//!
//! Rules, in order:
//! - a blank line (paragraph break) always ends a sentence;
//! - a single line break ends one when the line is a heading (a short whole
//!   line without a terminator, not ending in a word like `the` or `de`) or a
//!   list item, or is followed by one;
//! - full-width CJK terminators (`。！？`) end a sentence wherever they stand;
//! - a bracketed headline opening a line (`【标题】正文。`) is a sentence of
//!   its own;
//! - `.`, `!`, `?`, `…` end a sentence only when followed by white space (so
//!   `3.5`, `U.S.-based`, URLs and e-mail addresses stay whole), after any
//!   closing quotes or brackets (also a French ` »`), and only when the next
//!   word does not start with a lower-case letter (so `..." he said` stays
//!   whole, while `eBay` may start a sentence) nor with a dash on the same line
//!   (`?» — сказал он`); they also end one directly before CJK text or a
//!   Spanish `¿`/`¡`, except an ellipsis before CJK text (`我想……也许`);
//! - after a full stop (also one directly before CJK text), a known
//!   abbreviation (`Mr.`, `Dr.`, `z.B.`, `т.е.`, `z. B.`), an initial
//!   (`J. K. Rowling`), a list number at the start of a line (`1. `) or, in
//!   German, an ordinal (`am 3. Oktober`) does not end a sentence, unless an
//!   ambiguous one (`Inc.`, `U.S.`, `Jan.`, `St.`, an initial, a German
//!   ordinal) is followed by a word that typically starts a sentence (`The`,
//!   `He`, `Die`, …) or, for an abbreviation, by a line break; `etc.`, `usw.`,
//!   `т. д.` end one before any capital.
//!
//! `lang` only switches on the German ordinal rule; everything else works the
//! same in every language.

use crate::lang::{Lang, is_cjk_char};
use crate::text::is_ascii_space;
use crate::wordtable::{WordTable, capacity_for, pack_lower};

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

/// Titles before names, abbreviated with a full stop that never ends a
/// sentence — when capitalized (`Me Dupont`, but `Call me.`).
#[rustfmt::skip]
const TITLES: &[&str] = &[
    // English
    "mr", "mrs", "ms", "mx", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "rev",
    "hon", "pres", "supt", "insp", "det", "cpl", "pvt", "maj", "brig", "messrs", "fr", "mt", "ft", "gov", "atty",
    // French
    "m", "mm", "mme", "mmes", "mlle", "mlles", "me", "mgr", "pr",
    // German
    "hr", "hrn", "fr", "dipl", "ing",
    // Spanish, Italian, Portuguese
    "sra", "srta", "sres", "dra", "ud", "uds", "dña", "dª", "lic", "gral", "sto", "sta", "dott", "sig", "sig.ra", "egr",
    "avv", "arq", "exmo", "exma", "prof.ª",
];

/// Abbreviations after which a full stop never ends a sentence: words that
/// are always followed by more of the sentence, in any case.
#[rustfmt::skip]
const NEVER_FINAL: &[&str] = &[
    // English
    "vs", "v", "cf", "e.g", "i.e", "viz", "approx", "figs", "vol", "vols", "ch", "ca", "incl", "max", "min",
    // French
    "av", "bd", "env", "hab", "tél", "chap", "p.ex", "c.-à-d", "c.à.d",
    // German
    "z.b", "d.h", "bzw", "vgl", "ggf", "evtl", "inkl", "zzgl", "abs", "bspw", "sog", "tel", "s.o", "s.u", "z.t", "u.u",
    "v.a", "i.d.r", "z.hd",
    // Spanish, Italian, Portuguese
    "pág", "págs", "aprox", "p.ej", "ej", "avda", "pza",
    // Russian and Ukrainian
    "т.е", "т.к", "т.н", "т.ч", "т.зв", "ул", "просп", "пл", "д", "буд", "напр", "тов", "гр", "вул", "ім", "див", "зв",
    "проф", "акад", "доц", "св", "г-н", "г-жа", "пос", "ср", "п",
];

/// Abbreviations that may end a sentence: they do when the next word is one
/// that typically starts a sentence, never before a number.
#[rustfmt::skip]
const MAYBE_FINAL: &[&str] = &[
    // English (and international company forms)
    "inc", "ltd", "co", "corp", "plc", "llc", "llp", "bros", "jr", "sr", "a.m", "p.m", "u.s", "u.k", "u.n", "e.u",
    "d.c", "u.s.a", "l.a", "n.y", "ave", "blvd", "rd", "st", "dept", "univ", "assn", "ph.d", "m.d", "b.a", "m.a", "b.c",
    "a.d", "art", "sec", "ed", "eds", "est", "op", "al", "fig", "para", "ex", "cie", "gmbh", "ag", "s.a", "cía",
    "ee.uu", "u.a", "d.j", "mio", "mrd", "tsd", "chr", "str", "jh", "std", "gg",
    // Russian and Ukrainian
    "г", "гг", "р", "рр", "им", "пр", "кв", "см", "м", "с", "обл", "р-н", "ст", "в", "вв",
];

/// Abbreviations that may end a sentence, but only capitalized: months and
/// U.S. states (`Jan. 5`, `Boston, Mass. The`), which are also words (`mar`, `ill`).
#[rustfmt::skip]
const CAPITAL_MAYBE_FINAL: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ala", "ariz", "ark", "calif",
    "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo",
    "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "vt", "va", "wash", "wis", "wyo",
];

/// Abbreviations that close a list or a quantity (`etc.`, `и т. д.`, `5 млн.`):
/// they end a sentence before any word that does not start in lower case.
#[rustfmt::skip]
const LIST_FINAL: &[&str] = &[
    "etc", "usw", "usf", "u.ä", "o.ä", "т.д", "т.п", "др", "ін", "тощо", "млн", "млрд", "тыс", "тис", "руб", "грн",
    "коп",
];

/// The longest entry, in characters, of the abbreviation tables above
/// (checked by a unit test).
const MAX_ABBREVIATION_CHARS: usize = 6;

/// Words that typically start a sentence, for ambiguous abbreviations.
#[rustfmt::skip]
const STARTERS: &[&str] = &[
    // English
    "the", "he", "she", "it", "they", "we", "i", "you", "but", "and", "in", "a", "an", "this", "that", "these",
    "those", "there", "his", "her", "their", "its", "our", "my", "as", "at", "on", "for", "after", "before", "when",
    "while", "however", "meanwhile", "if", "so", "yet", "then", "now", "some", "many", "most", "one", "two", "both",
    "according", "officials", "police", "what", "why", "how", "who", "where", "also", "still", "such", "not", "all",
    "each", "every", "last", "earlier", "later", "since", "despite", "although", "though", "because", "during",
    "until", "instead", "here", "mr", "mrs", "ms", "dr",
    // French
    "le", "la", "les", "l", "il", "elle", "ils", "elles", "on", "nous", "vous", "je", "un", "une", "des", "du", "ce",
    "cette", "ces", "mais", "pour", "dans", "selon", "depuis", "après", "avant", "puis", "alors", "ainsi",
    "enfin", "cependant", "pourtant",
    // German
    "der", "die", "das", "den", "dem", "ein", "eine", "er", "sie", "es", "wir", "ich", "man", "auch", "aber", "doch",
    "dann", "im", "am", "zum", "zur", "nach", "bei", "mit", "seit", "laut", "trotz", "wie", "was", "wer", "wenn",
    "als", "dort", "hier", "diese", "dieser", "dieses", "ihr", "ihre", "sein", "seine", "unser", "unsere", "mein",
    "meine", "kein", "keine", "viele", "alle", "heute", "gestern", "morgen", "damals", "danach", "deshalb", "daher",
    "zudem", "außerdem", "jetzt", "nun", "denn",
    // Spanish
    "el", "los", "las", "unos", "unas", "lo", "este", "esta", "estos", "estas", "ese", "esa", "él", "ella", "ellos",
    "ellas", "pero", "y", "en", "según", "sin", "con", "para", "por", "desde", "tras", "durante", "además", "también",
    "no", "se", "su", "sus",
    // Russian
    "я", "ты", "он", "она", "оно", "мы", "вы", "они", "это", "этот", "эта", "эти", "в", "во", "на", "и", "а", "но",
    "по", "с", "со", "к", "о", "об", "у", "из", "за", "от", "до", "для", "при", "как", "так", "что", "когда", "если",
    "однако", "после", "перед", "все", "всё", "его", "её", "их", "там", "тогда", "теперь", "сейчас", "также",
    "потом", "затем", "позже",
    // Ukrainian
    "ти", "він", "вона", "воно", "ми", "ви", "вони", "це", "цей", "ця", "ці", "й", "і", "та", "але", "з", "із", "від",
    "як", "коли", "якщо", "проте", "однак", "після", "всі", "її", "їх", "тоді", "тепер", "зараз", "також",
    "потім", "відтоді", "згодом",
];

/// Words that do not end a heading: a line ending in one runs on.
#[rustfmt::skip]
const RUN_ON: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "from", "with", "and", "or", "but", "as", "that",
    "which", "who", "than", "into", "about", "after", "before", "between", "during", "without", "is", "was", "are",
    "were", "has", "have", "had", "will", "would", "said", "his", "her", "their", "its", "our", "de", "du", "des",
    "la", "le", "les", "et", "à", "au", "aux", "en", "par", "pour", "sur", "dans", "avec", "que", "qui", "der",
    "die", "das", "den", "dem", "und", "oder", "mit", "von", "zu", "im", "am", "auf", "für", "bei", "nach", "aus",
    "el", "los", "las", "del", "y", "o", "con", "por", "para", "al", "в", "во", "на", "и", "с", "по", "к", "о", "у",
    "из", "за", "от", "до", "для", "що", "та", "і", "й", "з", "як", "что",
];

/// Flags of the word tables above, looked up all at once in [`WORDS`].
const TITLE: u8 = 1;
const NEVER: u8 = 2;
const MAYBE: u8 = 4;
const CAPITAL_MAYBE: u8 = 8;
const LIST: u8 = 16;
const STARTER: u8 = 32;
const RUNS_ON: u8 = 64;
/// `No.`, `nos.`, `Nr.`, `núm.`, `p.`, `pp.`: before a number they abbreviate.
const NUMBER_SIGN: u8 = 128;
const NUMBER_SIGNS: &[&str] = &["no", "nos", "nr", "núm", "p", "pp"];

/// Every word of the tables, with its flags (a hash table built at compile time).
static WORDS: WordTable<
    {
        capacity_for(
            TITLES.len()
                + NEVER_FINAL.len()
                + MAYBE_FINAL.len()
                + CAPITAL_MAYBE_FINAL.len()
                + LIST_FINAL.len()
                + STARTERS.len()
                + RUN_ON.len()
                + NUMBER_SIGNS.len(),
        )
    },
> = WordTable::new(&[
    (TITLES, TITLE),
    (NEVER_FINAL, NEVER),
    (MAYBE_FINAL, MAYBE),
    (CAPITAL_MAYBE_FINAL, CAPITAL_MAYBE),
    (LIST_FINAL, LIST),
    (STARTERS, STARTER),
    (RUN_ON, RUNS_ON),
    (NUMBER_SIGNS, NUMBER_SIGN),
]);

/// Closing quotes and brackets. `“` and `‘` close German quotes (`„so“`).
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '“' | '‘' | '»' | '›')
        || matches!(c, ')' | ']' | '}' | '」' | '』' | '）' | '】' | '〕' | '〉' | '》')
}

const fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '«' | '‹' | '(' | '[' | '{' | '「' | '『' | '（' | '【' | '〔' | '„' | '¿' | '¡'
    )
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？' | '‼' | '⁇' | '⁈' | '⁉')
}

/// Bytes the scan must stop at, besides a line break: the ASCII terminators,
/// and the first bytes of the multi-byte terminators (`…‼⁇⁈⁉` start with
/// 0xE2, `。` with 0xE3, `！？` with 0xEF). Everything else is skipped.
const TERMINATOR_BYTES: [u8; 3] = [b'.', b'!', b'?'];
const LEAD_BYTES: [u8; 3] = [0xE2, 0xE3, 0xEF];

/// Finds the next byte the scan must stop at, with one `memchr` search for
/// each kind (terminators, line breaks, lead bytes) that is remembered until
/// the scan passes it: the searches run at SIMD speed, and each covers the
/// text about once, however often the scan stops.
struct Stops {
    /// The next position of each kind (at or after where the scan stood
    /// when it was searched for, before `end`), or `end` if there is none.
    next: [usize; 3],
    end: usize,
}

impl Stops {
    /// The stops from `start`, given the first line break there (or `end`),
    /// which [`paragraphs`] found already.
    fn new(bytes: &[u8], start: usize, end: usize, line_break: usize) -> Stops {
        let next = [Self::find(bytes, start, end, 0), line_break, Self::find(bytes, start, end, 2)];
        Stops { next, end }
    }

    /// The first position from `i` (before `end`) of a stop byte of `kind`.
    fn find(bytes: &[u8], i: usize, end: usize, kind: usize) -> usize {
        let (hay, [t1, t2, t3], [l1, l2, l3]) = (&bytes[i..end], TERMINATOR_BYTES, LEAD_BYTES);
        let found = match kind {
            0 => memchr::memchr3(t1, t2, t3, hay),
            1 => memchr::memchr(b'\n', hay),
            _ => memchr::memchr3(l1, l2, l3, hay),
        };
        found.map_or(end, |off| i + off)
    }

    /// The first position from `i` (before the end) holding a byte to stop
    /// at, or the end: a kind is searched for again only once `i` passed it.
    fn next(&mut self, bytes: &[u8], i: usize) -> usize {
        for kind in 0..3 {
            if self.next[kind] < i {
                self.next[kind] = Self::find(bytes, i, self.end, kind);
            }
        }
        self.next[0].min(self.next[1]).min(self.next[2])
    }
}

fn is_cjk_terminal(c: char) -> bool {
    matches!(c, '。' | '！' | '？')
}

/// Verbs of saying that end a Chinese attribution (`他说。`, `记者问道。`).
const SAYING: [&str; 12] = ["说", "道", "问", "称", "答", "表示", "指出", "强调", "介绍", "坦言", "透露", "回应"];

/// Whether `rest`, the text after a closed quotation, opens with a short
/// attribution: at most 12 Han characters, the last a verb of saying, then a
/// full-width terminator (`民警说。`, `格力电器市场部梅泽亮说。`).
fn is_cjk_attribution(rest: &str) -> bool {
    for (n, (j, c)) in rest.char_indices().enumerate() {
        if is_cjk_terminal(c) {
            return n > 0 && SAYING.iter().any(|verb| rest[..j].ends_with(verb));
        }
        if n >= 12 || !is_cjk_char(c) {
            return false;
        }
    }
    false
}

/// White space inside a line (French puts a narrow no-break space before `»`).
fn is_inline_space(c: char) -> bool {
    c != '\n' && c.is_whitespace()
}

/// `s.trim_start()`: the usual ASCII white space is skipped a byte at a
/// time, and only a non-ASCII character (a no-break space?) is decoded.
fn trim_start(s: &str) -> &str {
    let rest = &s[s.bytes().take_while(|&b| is_ascii_space(b)).count()..];
    if rest.as_bytes().first().is_some_and(|&b| b >= 0x80) { rest.trim_start() } else { rest }
}

/// `s.trim_start_matches(is_inline_space)`, the same way as [`trim_start`].
fn trim_inline_space(s: &str) -> &str {
    let rest = &s[s.bytes().take_while(|&b| b != b'\n' && is_ascii_space(b)).count()..];
    if rest.as_bytes().first().is_some_and(|&b| b >= 0x80) { rest.trim_start_matches(is_inline_space) } else { rest }
}

/// `s.trim_start_matches(is_opener)`, without decoding a first character
/// that is ASCII and no opener (the usual case).
fn trim_openers(s: &str) -> &str {
    match s.as_bytes().first() {
        Some(&b) if b < 0x80 && !is_opener(char::from(b)) => s,
        _ => s.trim_start_matches(is_opener),
    }
}

/// Splits `text` into sentences. `lang` switches on language-specific rules
/// (German ordinals); any language works for any text.
pub fn split(text: &str, lang: Lang) -> Vec<SentenceSpan> {
    let mut out = Vec::with_capacity(text.len() / 100 + 1);
    split_into(text, lang, &mut out);
    out
}

/// [`split`] into `out` (cleared first), reusing its memory.
pub(crate) fn split_into(text: &str, lang: Lang, out: &mut Vec<SentenceSpan>) {
    out.clear();
    for (paragraph, (ps, pe, line_break)) in paragraphs(text).enumerate() {
        Paragraph { text, ps, pe, paragraph, lang }.split(line_break, out);
    }
}

/// Byte ranges of paragraphs: runs of text separated by blank lines, each
/// with the position of its first line break (or its end), so that the
/// splitter need not search the paragraph for it again.
fn paragraphs(text: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        // A byte-order mark opening the text is no part of its first sentence.
        if pos == 0 && bytes.starts_with("\u{FEFF}".as_bytes()) {
            pos = "\u{FEFF}".len();
        }
        // Skip leading white space (including blank lines).
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let mut end = bytes.len();
        let mut line_break = None;
        let mut i = pos;
        while let Some(off) = memchr::memchr(b'\n', &bytes[i..]) {
            let nl = i + off;
            line_break = line_break.or(Some(nl));
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
        // The break that ends the paragraph is not in it.
        Some((start, end, line_break.map_or(end, |nl| nl.min(end))))
    })
}

/// What a run of terminators and closers (`?!`, `."`, `…)`) holds.
struct Run {
    /// A full-width CJK terminator.
    cjk: bool,
    /// Full stops.
    dots: usize,
    /// `!`, `?` and the like.
    stops: usize,
    /// `…`.
    ellipses: usize,
    /// Closing quotes or brackets.
    closers: bool,
}

struct Paragraph<'a> {
    text: &'a str,
    ps: usize,
    pe: usize,
    paragraph: usize,
    lang: Lang,
}

impl Paragraph<'_> {
    /// Splits the paragraph into `out`; `line_break` is the position of its
    /// first line break, or its end.
    fn split(&self, line_break: usize, out: &mut Vec<SentenceSpan>) {
        let (text, pe) = (self.text, self.pe);
        let bytes = text.as_bytes();
        let mut start = self.ps;
        // How far from `start` the text is known to be white space: where the
        // current sentence's first character is, once found.
        let mut blank_to = start;
        let mut line_start = self.ps;
        let mut i = self.ps;
        let mut stops = Stops::new(bytes, i, pe, line_break);
        while i < pe {
            // Skip to the next byte that can matter (always a char boundary:
            // the stop bytes are ASCII or UTF-8 lead bytes).
            i = stops.next(bytes, i);
            if i >= pe {
                break;
            }
            let b = bytes[i];
            if b == b'\n' {
                if blank_to < i {
                    let gap = &text[blank_to..i];
                    blank_to += gap.len() - gap.trim_start().len();
                }
                // Whether the sentence's first character is the line's first.
                let whole_line = blank_to >= line_start && text[line_start..blank_to].trim_start().is_empty();
                if self.line_ends_sentence(line_start, i, whole_line) {
                    self.push(start, i, out);
                    // The next sentence starts with this line break, which
                    // marks it as standing at the start of a line.
                    start = i;
                    blank_to = i;
                }
                i += 1;
                line_start = i;
                continue;
            }
            // The usual end of a sentence, `word. Next`, `word. 2` or
            // `word. ‘Next`: the run is the full stop alone, and only the
            // words decide (as `ends_here` would, after `run`).
            if b == b'.'
                && i + 2 < pe
                && bytes[i + 1] == b' '
                && (plain_start(bytes[i + 2]) || curly_quote(&bytes[i + 2..pe], [0x98, 0x9C]))
            {
                let k = i + 1;
                if self.full_stop_ends(i, &text[i + 2..pe], false, line_start) {
                    self.push(start, k, out);
                    start = k;
                    blank_to = k;
                }
                i = k;
                continue;
            }
            // A quotation or bracket closed after a full stop, `word.' Next`
            // or `word.” Next`: it ends the sentence, whatever the word, as
            // `ends_here` decides for closers before a word that may start one.
            let closer = match bytes.get(i + 1) {
                _ if b != b'.' => 0,
                Some(b'"' | b'\'' | b')' | b']' | b'}') => 1,
                _ if curly_quote(&bytes[i + 1..pe], [0x99, 0x9D]) => 3,
                _ => 0,
            };
            if closer > 0 && i + closer + 2 < pe && bytes[i + closer + 1] == b' ' && plain_start(bytes[i + closer + 2])
            {
                let k = i + closer + 1;
                self.push(start, k, out);
                start = k;
                blank_to = k;
                i = k;
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
            if c == '】' && self.closes_headline(start, i, line_start) {
                let k = i + c.len_utf8();
                self.push(start, k, out);
                start = k;
                blank_to = k;
                i = k;
                continue;
            }
            if !is_terminal(c) {
                i += c.len_utf8();
                continue;
            }
            let (k, run) = self.run(i);
            if self.ends_here(i, k, &run, line_start) {
                self.push(start, k, out);
                start = k;
                blank_to = k;
            }
            i = k.max(i + c.len_utf8());
        }
        self.push(start, pe, out);
    }

    /// The run of terminators and closers starting at the terminator at `i`,
    /// with a French closing guillemet after white space (`Bonjour. »`).
    fn run(&self, i: usize) -> (usize, Run) {
        let (text, pe) = (self.text, self.pe);
        let mut run = Run { cjk: false, dots: 0, stops: 0, ellipses: 0, closers: false };
        let mut k = i;
        while k < pe {
            let Some(d) = text[k..pe].chars().next() else { break };
            if is_terminal(d) {
                run.cjk |= is_cjk_terminal(d);
                match d {
                    '.' => run.dots += 1,
                    '…' => run.ellipses += 1,
                    _ => run.stops += 1,
                }
            } else if is_closer(d) && !(run.cjk && matches!(d, '“' | '‘')) {
                // (After `。`, `“` opens the next sentence's quotation:
                // Chinese writes quotes “…”, never German-style „…“.)
                run.closers = true;
            } else if is_inline_space(d) {
                let after = trim_inline_space(&text[k..pe]);
                match after.chars().next() {
                    Some(g @ ('»' | '›')) => {
                        run.closers = true;
                        k = pe - after.len() + g.len_utf8();
                        continue;
                    }
                    _ => break,
                }
            } else {
                break;
            }
            k += d.len_utf8();
        }
        (k, run)
    }

    /// Decides whether the terminator run `text[i..k]` ends a sentence.
    fn ends_here(&self, i: usize, k: usize, run: &Run, line_start: usize) -> bool {
        let (text, pe) = (self.text, self.pe);
        if run.cjk {
            // `“你来了吗？”他问道。`: a quotation closed after its terminator
            // and followed by its attribution is one sentence with it.
            return !(run.closers && is_cjk_attribution(&text[k..pe]));
        }
        let ellipsis = run.stops == 0 && (run.ellipses > 0 || run.dots > 1);
        let cjk_next = match text[k..pe].chars().next() {
            None => return true,
            Some(n) if n.is_whitespace() => false,
            // Chinese text written with ASCII punctuation: `你好.今天`; but an
            // ellipsis runs on, as it usually does in Chinese (`我想……也许`),
            // and so does an abbreviation (`美国（U.S.）举行`).
            Some(n) if is_cjk_char(n) => {
                if run.stops > 0 {
                    return true;
                }
                if ellipsis {
                    return false;
                }
                true
            }
            // Spanish opening marks start a sentence: `¡Hola!¿Qué tal?`
            Some('¿' | '¡') => return true,
            Some(_) => return false,
        };
        // The next word, after white space.
        let rest = trim_start(&text[k..pe]);
        let Some(first) = rest.chars().next() else {
            return true;
        };
        if matches!(first, '¿' | '¡') {
            return true;
        }
        // A spaced ellipsis (`. . .`): its last dot decides.
        if is_terminal(first) && run.dots == 1 && run.stops == 0 {
            return false;
        }
        // A dash continues the sentence (`?» — сказал он`), unless it opens a
        // new line of dialogue (`ella.\n—No —respondió él`).
        // Whether a line break follows the terminator: a hint that an ambiguous
        // abbreviation ends the sentence (`at 8 p.m.\nDoors open`).
        let line_break = text.as_bytes()[k..pe - rest.len()].contains(&b'\n');
        let dash = matches!(first, '-' | '–' | '—') && !line_break;
        if starts_lower(rest) || dash || matches!(first, ',' | ';' | ':' | '%') {
            return false;
        }
        // `?`, `!` and ellipses before a capital or a digit end a sentence.
        if run.stops > 0 || ellipsis || run.ellipses > 0 || run.closers && !cjk_next {
            return true;
        }
        // A single full stop: look at the word it ends.
        self.full_stop_ends(i, rest, line_break, line_start)
    }

    /// Decides whether the full stop at `i`, alone in its run, ends a
    /// sentence, by the word it ends: `rest` is the text from the next word
    /// on (not starting in lower case, nor with white space, a terminator, a
    /// dash, `,;:%` or `¿¡`), `line_break` whether a line break stands
    /// between them.
    fn full_stop_ends(&self, i: usize, rest: &str, line_break: bool, line_start: usize) -> bool {
        let text = self.text;
        let (word, word_start, shape) = word_before(text, self.ps, i);
        if word.is_empty() {
            return true;
        }
        // The next word is found and looked up only when a rule needs it:
        // most full stops end plain words.
        let starter = || is_starter(first_word(rest).0);
        let digit_next = rest.as_bytes()[0].is_ascii_digit();
        // An initial after an abbreviation: `им. В. И. Ленина`, `U.S. A. Smith`.
        let initial_next = || {
            let (next_word, after_next) = first_word(rest);
            next_word.chars().count() == 1 && after_next.starts_with('.')
        };
        let (letters, capital) = (shape.letters, shape.capital);
        // One letter before another: `z. B.`, `т. е.`, `J. K. Rowling`.
        if letters == 1 && shape.chars == 1 && initial_next() {
            return false;
        }
        // No abbreviation in the tables is longer than this; longer words skip them.
        if shape.chars <= MAX_ABBREVIATION_CHARS {
            // Looked up lower-cased; a one-letter word after another (`z. B`) as `z.b`.
            let spaced = if letters == 1 { spaced_abbreviation(text, self.ps, word_start, word) } else { None };
            let flags = spaced.map_or_else(|| WORDS.flags_of_lower(word), |key| WORDS.flags(key));
            if flags & NUMBER_SIGN != 0 {
                // `No. 10`, but `He said no. Then…`
                return !digit_next && (word.starts_with('n') || starter());
            }
            if capital && flags & TITLE != 0 {
                return false;
            }
            if flags & NEVER != 0 {
                return false;
            }
            if flags & LIST != 0 {
                return true;
            }
            if flags & MAYBE != 0 || capital && flags & CAPITAL_MAYBE != 0 {
                return !digit_next && !initial_next() && (starter() || line_break);
            }
        }
        if shape.digits && word.len() <= 3 {
            // A list number opening a line: `1. First point`.
            if at_line_start(text, line_start, word_start) {
                return false;
            }
            // A German ordinal: `am 3. Oktober`, `im 20. Jahrhundert`.
            if self.lang == Lang::German {
                return starter();
            }
        }
        // An initial (`J.`), or an acronym with inner dots (`U.S`, `e.g`).
        if letters == 1 && capital {
            return starter();
        }
        if shape.dotted && letters <= 5 {
            return starter() || line_break;
        }
        true
    }

    /// Whether the `】` at `i` closes a bracketed headline that opens a line,
    /// as Chinese news posts write them (`【标题】正文。`): the current sentence
    /// starts the line with `【`, the bracket holds a short phrase (at most 40
    /// characters) with no other bracket, and more text follows on the same
    /// line (not a terminator or closer, as in `【注意】。`).
    fn closes_headline(&self, start: usize, i: usize, line_start: usize) -> bool {
        let text = self.text;
        let head = text[start..i].trim_start();
        let s = i - head.len();
        let Some(inner) = head.strip_prefix('【') else { return false };
        if s < line_start || !text[line_start..s].trim().is_empty() || inner.contains(['【', '】']) {
            return false;
        }
        if inner.trim().is_empty() || inner.chars().nth(40).is_some() {
            return false;
        }
        let rest = text[i + '】'.len_utf8()..self.pe].trim_start_matches(is_inline_space);
        rest.chars().next().is_some_and(|c| c != '\n' && !is_terminal(c) && !is_closer(c))
    }

    /// Whether the line `text[line_start..nl]` ends a sentence although it has
    /// no terminator: a heading or list item, or a line followed by a list item.
    /// `whole_line` tells whether the current sentence starts on this line.
    fn line_ends_sentence(&self, line_start: usize, nl: usize, whole_line: bool) -> bool {
        let text = self.text;
        let line = text[line_start..nl].trim();
        if line.is_empty() {
            return false;
        }
        // Only the start of the next line: never further than its end.
        let next = text[nl + 1..self.pe].trim_start_matches(is_inline_space);
        if is_list_item(next) || is_list_item(line) || line.starts_with('#') {
            return true;
        }
        if !whole_line {
            return false;
        }
        let last = line.chars().next_back().unwrap_or(' ');
        if is_terminal(last) || matches!(last, ',' | ';' | '-' | '–' | '—' | '(' | '/' | '&') {
            return false;
        }
        let last_word = line.rsplit(char::is_whitespace).next().unwrap_or("");
        if last_word.chars().all(char::is_lowercase) && WORDS.flags_of(last_word) & RUNS_ON != 0 {
            return false;
        }
        let next_first = next.trim_start_matches(is_opener).chars().next().unwrap_or(' ');
        line.chars().count() < 50 && (next_first.is_uppercase() || next_first.is_ascii_digit())
    }

    /// Pushes `text[start..end]` trimmed of white space and, when it stands at
    /// the start of the paragraph or of a line, of a leading dateline.
    fn push(&self, start: usize, end: usize, out: &mut Vec<SentenceSpan>) {
        let (text, bytes) = (self.text, self.text.as_bytes());
        // ASCII white space is trimmed a byte (a table look-up) at a time,
        // noting on the way whether it holds a line break; as in `trim_start`,
        // only a non-ASCII character next to it (a no-break space?) is decoded.
        let (mut s, mut line_break) = (start, false);
        while s < end && BYTE_CLASS[usize::from(bytes[s])] & SPACE != 0 {
            line_break |= bytes[s] == b'\n';
            s += 1;
        }
        if s < end && bytes[s] >= 0x80 {
            s = end - text[s..end].trim_start().len();
            line_break = bytes[start..s].contains(&b'\n');
        }
        let mut e = end;
        while e > s && BYTE_CLASS[usize::from(bytes[e - 1])] & SPACE != 0 {
            e -= 1;
        }
        if e > s && bytes[e - 1] >= 0x80 {
            e = s + text[s..e].trim_end().len();
        }
        if s >= e {
            return;
        }
        let line_initial = start == self.ps || line_break;
        let s = if line_initial { s + dateline_len(&text[s..e]) } else { s };
        if s < e {
            out.push(SentenceSpan { start: s, end: e, paragraph: self.paragraph });
        }
    }
}

/// Whether `b`, the first byte of the text after a full stop (and closers)
/// and a space, leaves the decision to the words or the closers: it is
/// ASCII, not lower-case, and no white space, terminator, dash or `,;:%`,
/// which [`Paragraph::ends_here`] would weigh first.
fn plain_start(b: u8) -> bool {
    b.is_ascii()
        && !b.is_ascii_lowercase()
        && !is_ascii_space(b)
        && !matches!(b, b'.' | b'!' | b'?' | b'-' | b',' | b';' | b':' | b'%')
}

/// Whether `bytes` starts with one of the curly quotes `‘“’”` (`E2 80 xx`)
/// whose last bytes are given: `[0x98, 0x9C]` the opening ones, `[0x99,
/// 0x9D]` the closing ones.
fn curly_quote(bytes: &[u8], last: [u8; 2]) -> bool {
    matches!(bytes, [0xE2, 0x80, b, ..] if last.contains(b))
}

/// Whether `text` starts with a lower-case word, not counting words in mixed
/// case such as `eBay` or `iPhone`, which may start a sentence.
fn starts_lower(text: &str) -> bool {
    // ASCII first: `char`'s case tests agree with the ASCII ones there.
    match text.as_bytes() {
        [a, ..] if a.is_ascii() && !a.is_ascii_lowercase() => return false,
        [a] if a.is_ascii() => return true,
        [a, b, ..] if a.is_ascii() && b.is_ascii() => return !b.is_ascii_uppercase(),
        _ => {}
    }
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) => a.is_lowercase() && !b.is_uppercase(),
        (Some(a), None) => a.is_lowercase(),
        _ => false,
    }
}

/// Whether only spaces or tabs (a few) stand between `line_start` and `pos`.
fn at_line_start(text: &str, line_start: usize, pos: usize) -> bool {
    pos >= line_start
        && pos - line_start <= 8
        && text.as_bytes()[line_start..pos].iter().all(|&b| b == b' ' || b == b'\t')
}

/// For a one-letter word at `word_start` preceded by another one-letter
/// abbreviation (`z. B`, `т. е`, `и т. д`), the two as one: `z.b`.
fn spaced_abbreviation(text: &str, ps: usize, word_start: usize, word: &str) -> Option<u128> {
    let mut before = text[ps..word_start].chars().rev();
    if !before.next()?.is_whitespace() || before.next()? != '.' {
        return None;
    }
    let letter = before.next()?;
    if !letter.is_alphabetic() || before.next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let mut buf = [0u8; 12];
    let mut joined = letter.encode_utf8(&mut buf).len();
    buf[joined] = b'.';
    joined += 1;
    let word = word.as_bytes();
    buf.get_mut(joined..joined + word.len())?.copy_from_slice(word);
    pack_lower(std::str::from_utf8(&buf[..joined + word.len()]).ok()?)
}

/// What the rules of [`Paragraph::full_stop_ends`] ask of the word before a
/// full stop, found while [`word_before`] looks for its start when it is
/// ASCII (the usual case).
struct Shape {
    /// Alphabetic characters.
    letters: usize,
    /// Characters.
    chars: usize,
    /// Whether the first character is upper-case.
    capital: bool,
    /// Whether every byte is an ASCII digit.
    digits: bool,
    /// Whether the word holds a `.` and nothing but letters and dots (`U.S`).
    dotted: bool,
}

impl Shape {
    /// The shape by `char`'s tests, for a word that is not ASCII.
    fn of_chars(word: &str) -> Shape {
        Shape {
            letters: word.chars().filter(|c| c.is_alphabetic()).count(),
            chars: word.chars().count(),
            capital: word.chars().next().is_some_and(char::is_uppercase),
            digits: word.bytes().all(|b| b.is_ascii_digit()),
            dotted: word.contains('.') && word.chars().all(|c| c.is_alphabetic() || c == '.'),
        }
    }
}

/// Classes of bytes for [`Shape`] and [`word_before`], in [`BYTE_CLASS`].
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
const DOT: u8 = 4;
const LETTER_OR_DOT: u8 = 8;
/// ASCII bytes that end a word looking back from a full stop: white space
/// (as `char::is_whitespace` has it), opening quotes and brackets, and `/`.
const WORD_BREAK: u8 = 16;
const NON_ASCII: u8 = 32;
/// ASCII white space, as [`is_ascii_space`] has it.
const SPACE: u8 = 64;

/// The class bits of every byte.
const BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte >= 0x80 {
            NON_ASCII
        } else if byte.is_ascii_alphabetic() {
            LETTER | LETTER_OR_DOT
        } else if byte.is_ascii_digit() {
            DIGIT
        } else if byte == b'.' {
            DOT | LETTER_OR_DOT
        } else if is_ascii_space(byte) {
            WORD_BREAK | SPACE
        } else if byte == b'/' || is_opener(byte as char) {
            WORD_BREAK
        } else {
            0
        };
        b += 1;
    }
    table
};

/// The word just before byte `i`, its start and its [`Shape`], without
/// opening quotes or brackets.
fn word_before(text: &str, ps: usize, i: usize) -> (&str, usize, Shape) {
    let head = &text[ps..i];
    let breaks = |c: char| c.is_whitespace() || is_opener(c) || c == '/';
    // Back over ASCII a byte (a table look-up) at a time, gathering its
    // classes without branches on them (`char`'s tests agree with the ASCII
    // ones there); decode only from a non-ASCII byte on.
    let bytes = head.as_bytes();
    let mut start = bytes.len();
    let (mut letters, mut all, mut any) = (0, u8::MAX, 0);
    while start > 0 {
        let class = BYTE_CLASS[usize::from(bytes[start - 1])];
        if class & (WORD_BREAK | NON_ASCII) != 0 {
            break;
        }
        letters += usize::from(class & LETTER);
        all &= class;
        any |= class;
        start -= 1;
    }
    if start > 0 && !bytes[start - 1].is_ascii() {
        start = head[..start].char_indices().rev().find(|&(_, c)| breaks(c)).map_or(0, |(j, c)| j + c.len_utf8());
        let word = &head[start..];
        return (word, ps + start, Shape::of_chars(word));
    }
    let word = &head[start..];
    let shape = Shape {
        letters,
        chars: word.len(),
        capital: word.as_bytes().first().is_some_and(u8::is_ascii_uppercase),
        digits: all & DIGIT != 0,
        dotted: any & DOT != 0 && all & LETTER_OR_DOT != 0,
    };
    (word, ps + start, shape)
}

/// The first word of `rest` (at most 16 characters of it), without opening
/// quotes or brackets, and what follows it.
fn first_word(rest: &str) -> (&str, &str) {
    let rest = trim_openers(rest);
    // ASCII letters and digits a byte (a character) at a time; the rest decoded.
    let mut end = rest.bytes().take(16).take_while(u8::is_ascii_alphanumeric).count();
    if end < 16 && rest.as_bytes().get(end).is_some_and(|&b| !b.is_ascii()) {
        let ascii = end;
        for (j, c) in rest[ascii..].char_indices().take(16 - ascii) {
            if !c.is_alphanumeric() {
                break;
            }
            end = ascii + j + c.len_utf8();
        }
    }
    rest.split_at(end)
}

fn is_starter(word: &str) -> bool {
    WORDS.flags_of_lower(word) & STARTER != 0
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

/// Length in bytes of a dateline or byline that opens `s`, such as
/// `LONDON (Reuters) - `, `(CNN) -- `, `(CNN)`, `WASHINGTON — `, or 0. The
/// text after it must start like a sentence (`US — and its allies` is no dateline).
// Out of line: it runs for the first sentence of a paragraph or line only,
// and inlined it would weigh on every other `push` (a larger stack frame).
#[inline(never)]
pub(crate) fn dateline_len(s: &str) -> usize {
    // The first 80 characters: 80 bytes when they are ASCII.
    let head_end = if s.len() >= 80 && s.as_bytes()[..80].is_ascii() { 80 } else { char_start(s, 80) };
    let head = &s[..head_end];
    let starts_sentence = |at: usize| {
        s[at..].trim_start_matches(is_opener).chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    };
    // `PLACE (Agency) -` or `(Agency)`
    if let Some(open) = head.find('(') {
        let place = &head[..open];
        let placeless = place.trim().is_empty();
        if (placeless || is_caps_place(place))
            && let Some(close_rel) = head[open..].find(')')
        {
            let agency = &head[open + 1..open + close_rel];
            let after = open + close_rel + 1;
            let dash = dash_len(&s[after..]);
            let has_dash = s[after..].trim_start().starts_with(['-', '—', '–']);
            if is_agency(agency)
                && (has_dash || KNOWN_AGENCIES.contains(&agency.trim()))
                && starts_sentence(after + dash)
            {
                return after + dash;
            }
        }
    }
    // `PLACE — ` with an upper-case place. Each dash is a space, then a `-`
    // or a 0xE2 byte (`—–`): where each first stands is found in one pass
    // over those bytes, not in four substring searches.
    const DASHES: [&str; 4] = [" -- ", " — ", " – ", " - "];
    let mut first = [None; 4];
    for after_space in memchr::memchr2_iter(b'-', 0xE2, head.as_bytes()) {
        if after_space > 0 && head.as_bytes()[after_space - 1] == b' ' {
            let pos = after_space - 1;
            for (first, dash) in first.iter_mut().zip(DASHES) {
                if first.is_none() && head[pos..].starts_with(dash) {
                    *first = Some(pos);
                }
            }
        }
    }
    for (dash, first) in DASHES.into_iter().zip(first) {
        if let Some(pos) = first {
            let place = &head[..pos];
            if is_caps_place(place) && pos + dash.len() < s.len() && starts_sentence(pos + dash.len()) {
                return pos + dash.len();
            }
        }
    }
    0
}

/// Where the character `n` (from 0) of `s` starts, or `s.len()`: as
/// `s.char_indices().nth(n)`, counting the bytes that start a character
/// rather than decoding them.
fn char_start(s: &str, n: usize) -> usize {
    // Character `n` starts at byte `n` or later (each takes a byte at
    // least): the characters starting in the first `n` bytes are counted all
    // at once (a vectorised count), and only the rest one by one.
    let bytes = s.as_bytes();
    let lead = n.min(bytes.len());
    let mut left = n - bytes[..lead].iter().filter(|&&b| b & 0xC0 != 0x80).count();
    for (j, &b) in bytes.iter().enumerate().skip(lead) {
        // Not a continuation byte (`0b10xx_xxxx`).
        if b & 0xC0 != 0x80 {
            if left == 0 {
                return j;
            }
            left -= 1;
        }
    }
    s.len()
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

/// A place name whose first word is in capitals: `LONDON`, `KYIV, Ukraine`,
/// `LONDON, Jan 5`.
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
        && p.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | ',' | '.' | '\'' | '-'))
        && p.split_whitespace().count() <= 6
}

fn is_agency(agency: &str) -> bool {
    let a = agency.trim();
    if KNOWN_AGENCIES.contains(&a) {
        return true;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_bytes_start_every_terminator() {
        for c in ['.', '!', '?', '…', '。', '！', '？', '‼', '⁇', '⁈', '⁉'] {
            assert!(is_terminal(c));
            let mut buf = [0u8; 4];
            let first = c.encode_utf8(&mut buf).as_bytes()[0];
            assert!(TERMINATOR_BYTES.contains(&first) || LEAD_BYTES.contains(&first), "{c:?}");
        }
    }

    #[test]
    fn word_breaks_agree_with_the_char_tests() {
        for b in 0..128u8 {
            let c = char::from(b);
            let breaks = c.is_whitespace() || is_opener(c) || c == '/';
            assert_eq!(BYTE_CLASS[usize::from(b)] & WORD_BREAK != 0, breaks, "{c:?}");
            assert_eq!(BYTE_CLASS[usize::from(b)] & SPACE != 0, is_ascii_space(b), "{c:?}");
        }
    }

    #[test]
    fn ascii_shapes_agree_with_the_char_tests() {
        for word in
            ["U.S", "e.g", "Mr", "a", "J", "123", "1", "3.5", "x-ray", "A1", "...", "Co", "ph.d", "I.B.M", "1st"]
        {
            let (_, _, shape) = word_before(word, 0, word.len());
            assert_eq!(shape.letters, word.chars().filter(|c| c.is_alphabetic()).count(), "{word}");
            assert_eq!(shape.chars, word.chars().count(), "{word}");
            assert_eq!(shape.capital, word.chars().next().is_some_and(char::is_uppercase), "{word}");
            assert_eq!(shape.digits, word.bytes().all(|b| b.is_ascii_digit()), "{word}");
            let dotted = word.contains('.') && word.chars().all(|c| c.is_alphabetic() || c == '.');
            assert_eq!(shape.dotted, dotted, "{word}");
        }
    }

    #[test]
    fn char_start_agrees_with_char_indices() {
        for s in ["", "abc", "Zürich — 東京, «Ça va»", "été"] {
            for n in 0..40 {
                assert_eq!(char_start(s, n), s.char_indices().nth(n).map_or(s.len(), |(j, _)| j), "{s} {n}");
            }
        }
    }

    #[test]
    fn no_abbreviation_is_longer_than_the_shortcut_allows() {
        for table in [TITLES, NEVER_FINAL, LIST_FINAL, MAYBE_FINAL, CAPITAL_MAYBE_FINAL] {
            for word in table {
                assert!(word.chars().count() <= MAX_ABBREVIATION_CHARS, "{word}");
            }
        }
    }
}
