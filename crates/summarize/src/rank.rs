//! Ranking and selection: sentence features, a linear score, and greedy
//! selection that avoids redundancy and sentences that cannot stand alone.
//!
//! Every feature is computed in time linear in the article's length: the
//! centrality of a sentence is its similarity to the whole article (a
//! centroid), not to every other sentence, so a 1 MB article costs no more per
//! byte than a short one. Redundancy is checked only against the few
//! sentences already chosen.

use crate::analyze::{Doc, Token};
use crate::lang::Lang;
use crate::split::SentenceSpan;

/// The features of one sentence; each is a plain number the score weighs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Features {
    /// 1 for the article's first sentence.
    pub first: f64,
    /// 1 for the second sentence.
    pub second: f64,
    /// 1 for the third sentence.
    pub third: f64,
    /// `1 / (1 + index)`: how near the top the sentence stands.
    pub near_top: f64,
    /// `index / count`: where in the article the sentence stands, 0 to 1.
    pub relative: f64,
    /// 1 for the first sentence of a paragraph (when the text has paragraphs).
    pub para_first: f64,
    /// Cosine similarity of the sentence to the rest of the article.
    pub centrality: f64,
    /// Share of the title's content words that the sentence contains.
    pub title: f64,
    /// `ln(words)`, the sentence's length.
    pub log_len: f64,
    /// 1 for a sentence of fewer than 8 words.
    pub short: f64,
    /// Words beyond 45, over 45 (0 for shorter sentences).
    pub long: f64,
    /// 1 for a sentence that opens with a pronoun or connective.
    pub dependent: f64,
    /// 1 for a sentence that is mostly a quotation.
    pub quote: f64,
    /// 1 for a question or exclamation.
    pub question: f64,
    /// 1 for page furniture: "Scroll down for video", "Read more", a photo credit.
    pub furniture: f64,
    /// 1 for a heading: in a text of several paragraphs, a paragraph of one
    /// sentence that does not end as a sentence does (`.`, `?`, `!`, `…`,
    /// `。`, perhaps followed by a closing quote or bracket): "What residents
    /// said", "Next steps", a list item. Never chosen, whatever the weights.
    pub heading: f64,
}

/// Feature weights of the sentence score, and the redundancy penalty.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weights {
    /// Weight of [`Features::first`].
    pub first: f64,
    /// Weight of [`Features::second`].
    pub second: f64,
    /// Weight of [`Features::third`].
    pub third: f64,
    /// Weight of [`Features::near_top`].
    pub near_top: f64,
    /// Weight of [`Features::relative`].
    pub relative: f64,
    /// Weight of [`Features::para_first`].
    pub para_first: f64,
    /// Weight of [`Features::centrality`].
    pub centrality: f64,
    /// Weight of [`Features::title`].
    pub title: f64,
    /// Weight of [`Features::log_len`].
    pub log_len: f64,
    /// Weight of [`Features::short`].
    pub short: f64,
    /// Weight of [`Features::long`].
    pub long: f64,
    /// Weight of [`Features::dependent`], applied only when the sentence
    /// before it is not also chosen.
    pub dependent: f64,
    /// Weight of [`Features::quote`].
    pub quote: f64,
    /// Weight of [`Features::question`].
    pub question: f64,
    /// Weight of [`Features::furniture`].
    pub furniture: f64,
    /// Penalty per unit of similarity to a sentence already chosen.
    pub redundancy: f64,
}

impl Weights {
    /// The weights as a vector, in field order (for tuning).
    pub fn to_vec(&self) -> Vec<f64> {
        vec![
            self.first,
            self.second,
            self.third,
            self.near_top,
            self.relative,
            self.para_first,
            self.centrality,
            self.title,
            self.log_len,
            self.short,
            self.long,
            self.dependent,
            self.quote,
            self.question,
            self.furniture,
            self.redundancy,
        ]
    }

    /// Weights from a vector in field order; `None` if its length is wrong.
    pub fn from_slice(v: &[f64]) -> Option<Weights> {
        let &[
            first,
            second,
            third,
            near_top,
            relative,
            para_first,
            centrality,
            title,
            log_len,
            short,
            long,
            dependent,
            quote,
            question,
            furniture,
            redundancy,
        ] = v
        else {
            return None;
        };
        Some(Weights {
            first,
            second,
            third,
            near_top,
            relative,
            para_first,
            centrality,
            title,
            log_len,
            short,
            long,
            dependent,
            quote,
            question,
            furniture,
            redundancy,
        })
    }

    /// The hand-set weights that `newsdesk tune` starts from when it
    /// measures held-out scores, so that no fold starts from weights tuned
    /// on its own test articles.
    pub fn hand_set() -> Weights {
        crate::weights::HAND_SET
    }

    /// The names of the weights, in field order.
    pub const NAMES: [&'static str; 16] = [
        "first",
        "second",
        "third",
        "near_top",
        "relative",
        "para_first",
        "centrality",
        "title",
        "log_len",
        "short",
        "long",
        "dependent",
        "quote",
        "question",
        "furniture",
        "redundancy",
    ];

    /// The score of a sentence with features `f`, leaving out the dependency
    /// penalty (which depends on what else is chosen).
    pub fn base_score(&self, f: &Features) -> f64 {
        self.first * f.first
            + self.second * f.second
            + self.third * f.third
            + self.near_top * f.near_top
            + self.relative * f.relative
            + self.para_first * f.para_first
            + self.centrality * f.centrality
            + self.title * f.title
            + self.log_len * f.log_len
            + self.short * f.short
            + self.long * f.long
            + self.quote * f.quote
            + self.question * f.question
            + self.furniture * f.furniture
    }
}

/// Words that make a sentence lean on the one before it, per language.
pub(crate) fn dependent_openers(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::English => &[
            "he",
            "she",
            "it",
            "they",
            "them",
            "his",
            "her",
            "its",
            "their",
            "this",
            "these",
            "those",
            "that",
            "but",
            "however",
            "also",
            "and",
            "or",
            "so",
            "yet",
            "still",
            "meanwhile",
            "instead",
            "moreover",
            "furthermore",
            "although",
            "though",
            "then",
            "thus",
            "therefore",
            "hence",
            "such",
            "both",
            "another",
            "others",
            "later",
            "afterwards",
            "finally",
            "here",
            "there",
            "nevertheless",
            "nonetheless",
            "besides",
            "otherwise",
            "similarly",
            "likewise",
            "additionally",
            "indeed",
            "because",
        ],
        Lang::French => &[
            "il",
            "elle",
            "ils",
            "elles",
            "ce",
            "cette",
            "ces",
            "cela",
            "ça",
            "mais",
            "cependant",
            "pourtant",
            "toutefois",
            "ainsi",
            "donc",
            "alors",
            "lui",
            "leur",
            "celui",
            "celle",
            "puis",
            "ensuite",
            "car",
            "aussi",
            "néanmoins",
            "or",
            "et",
        ],
        Lang::German => &[
            "er", "sie", "es", "dies", "diese", "dieser", "dieses", "aber", "jedoch", "doch", "auch", "dabei", "damit",
            "deshalb", "dort", "daher", "trotzdem", "und", "dann",
        ],
        Lang::Spanish => &[
            "él", "ella", "ellos", "ellas", "esto", "este", "esta", "estos", "estas", "pero", "además", "también",
            "así", "entonces", "sin", "aunque", "y",
        ],
        Lang::Italian => &["lui", "lei", "loro", "questo", "questa", "ma", "però", "inoltre", "quindi", "anche", "e"],
        Lang::Portuguese => {
            &["ele", "ela", "eles", "elas", "isso", "isto", "este", "esta", "mas", "porém", "também", "e"]
        }
        Lang::Dutch => &["hij", "zij", "ze", "het", "dit", "dat", "deze", "maar", "echter", "ook", "dus", "en"],
        Lang::Russian => &[
            "он",
            "она",
            "они",
            "оно",
            "это",
            "этот",
            "эта",
            "эти",
            "но",
            "однако",
            "также",
            "поэтому",
            "тогда",
            "его",
            "ее",
            "её",
            "их",
            "при",
            "и",
            "а",
            "ведь",
        ],
        Lang::Ukrainian => &[
            "він",
            "вона",
            "вони",
            "воно",
            "це",
            "цей",
            "ця",
            "ці",
            "але",
            "однак",
            "проте",
            "також",
            "тому",
            "водночас",
            "втім",
            "його",
            "її",
            "їх",
            "і",
            "а",
            "та",
            "адже",
        ],
        Lang::Chinese => &[
            "他", "她", "它", "他们", "她们", "这", "这个", "这些", "此", "但", "但是", "然而", "因此", "所以", "而且",
            "同时", "此外", "不过", "并且", "另外", "其",
        ],
        Lang::Other => &[],
    }
}

/// Phrases of page furniture that are never part of a summary, by their
/// first letter.
const FURNITURE: &[(char, &[&str])] = &[
    ('s', &["scroll down for video", "scroll down for more", "sign up", "share this", "subscribe"]),
    ('c', &["click here"]),
    ('r', &["read more", "related:"]),
    ('f', &["follow us"]),
    ('p', &["photo:", "published:"]),
    ('i', &["image:"]),
    ('v', &["video:"]),
    ('w', &["watch:"]),
    ('a', &["advertisement", "all rights reserved"]),
    ('u', &["updated:"]),
    ('l', &["lire aussi"]),
    ('à', &["à lire aussi"]),
    ('ч', &["читайте также", "читайте також"]),
];

/// For each ASCII byte, one more than the index in [`FURNITURE`] of the
/// phrases that start with it in either case (0 for none): one look-up rules
/// out most sentences.
const FURNITURE_ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut g = 0;
    while g < FURNITURE.len() {
        let c = FURNITURE[g].0;
        if c.is_ascii() {
            t[c as usize] = g as u8 + 1;
            t[c.to_ascii_uppercase() as usize] = g as u8 + 1;
        }
        g += 1;
    }
    t
};

/// The phrases of [`FURNITURE`] that start with the ASCII byte `b`, in
/// either case.
fn furniture_from(b: u8) -> &'static [&'static str] {
    match FURNITURE_ASCII.get(usize::from(b)) {
        Some(&g) if g > 0 => FURNITURE[usize::from(g) - 1].1,
        _ => &[],
    }
}

/// Computes the features of every sentence.
pub(crate) fn features(text: &str, spans: &[SentenceSpan], doc: &Doc, title: &[u32]) -> Vec<Features> {
    let n = spans.len();
    // Per stem: its count in the whole article and in the current sentence
    // (content words only), side by side. Counts are integers, so the sums
    // below are exact and the same as in floating point. A stop word adds
    // zero rather than being skipped: no branch on a flag that is set about
    // every other word.
    let mut tf = vec![[0u32; 2]; doc.stems];
    for t in &doc.tokens {
        tf[t.stem as usize][0] += u32::from(!t.stop);
    }
    let doc_norm2: u64 = tf.iter().map(|&[d, _]| u64::from(d) * u64::from(d)).sum();
    let has_paragraphs = spans.last().is_some_and(|s| s.paragraph > 0);
    let mut out = Vec::with_capacity(n);
    let mut lower = String::new();
    for (i, span) in spans.iter().enumerate() {
        let toks = doc.sentence_tokens(i);
        let s = &text[span.start..span.end];
        // Centrality: cosine of the sentence with the article minus the
        // sentence. With `c` a stem's count in the sentence and `d` in the
        // article, the sums over stems are gathered word by word, in one
        // pass and without a list of the stems seen: `Σ c·d` adds `d` per
        // word, and `Σ c·(c+1)/2` adds the stem's count so far, so
        // `Σ c² = 2·Σ c·(c+1)/2 − Σ c`. Then `Σ c·(d − c) = Σ c·d − Σ c²`.
        let (mut cross, mut triangle, mut content) = (0u64, 0u64, 0u64);
        for t in toks {
            let is_content = u32::from(!t.stop);
            let [d, c] = &mut tf[t.stem as usize];
            *c += is_content;
            cross += u64::from(is_content * *d);
            triangle += u64::from(is_content * *c);
            content += u64::from(is_content);
        }
        let s2 = 2 * triangle - content;
        let dot = cross - s2;
        let (dot, s2) = (dot as f64, s2 as f64);
        let rest2 = (doc_norm2 as f64 - 2.0 * cross as f64 + s2).max(0.0);
        let centrality = if s2 > 0.0 && rest2 > 0.0 { dot / (s2.sqrt() * rest2.sqrt()) } else { 0.0 };
        let title_share = if title.is_empty() {
            0.0
        } else {
            let shared: usize = title.iter().map(|&t| usize::from(tf[t as usize][1] > 0)).sum();
            shared as f64 / title.len() as f64
        };
        // The sentence's counts back to zero for the next one.
        for t in toks {
            tf[t.stem as usize][1] = 0;
        }
        let words = toks.len().max(1) as f64;
        let para_first = has_paragraphs && (i == 0 || spans[i - 1].paragraph != span.paragraph);
        out.push(Features {
            first: f64::from(u8::from(i == 0)),
            second: f64::from(u8::from(i == 1)),
            third: f64::from(u8::from(i == 2)),
            near_top: 1.0 / (1.0 + i as f64),
            relative: if n > 1 { i as f64 / (n - 1) as f64 } else { 0.0 },
            para_first: f64::from(u8::from(para_first)),
            centrality,
            title: title_share,
            log_len: words.ln(),
            short: f64::from(u8::from(words < 8.0)),
            long: ((words - 45.0) / 45.0).max(0.0),
            dependent: f64::from(u8::from(is_dependent(text, s, toks))),
            quote: f64::from(u8::from(is_quote(s))),
            question: f64::from(u8::from(is_question(s))),
            furniture: f64::from(u8::from(is_furniture(s, words, &mut lower))),
            heading: f64::from(u8::from(
                has_paragraphs
                    && (i == 0 || spans[i - 1].paragraph != span.paragraph)
                    && spans.get(i + 1).is_none_or(|next| next.paragraph != span.paragraph)
                    && !ends_as_a_sentence(s),
            )),
        });
    }
    out
}

/// Whether the sentence opens with a word that refers back, or in lower case.
/// An opener followed by a word that makes a fixed phrase referring to
/// nothing before it ([`NOT_DEPENDENT`]: "There are", "This year", "Il y a",
/// "Alors que") does not count. An article's first sentence is judged the
/// same way: "This is the moment…" leans on a picture, "He joined the show…"
/// on the title.
fn is_dependent(text: &str, s: &str, toks: &[Token]) -> bool {
    if opens_in_lower_case(s) {
        return true;
    }
    match toks {
        [first, second, ..] if first.opener => !is_fixed_phrase(text, first, second),
        [first, ..] => first.opener,
        [] => false,
    }
}

/// Openers that, with the word after them, make a phrase that does not
/// refer back: existential "there is", time phrases ("this year", "ces
/// derniers jours"), impersonal French "il y a" and "il faut", and French
/// "alors que" ("while"). Each entry: the opener, then the words that may
/// follow it, all in lower case.
const NOT_DEPENDENT: &[(&str, &[&str])] = &[
    (
        "there",
        &[
            "is", "are", "was", "were", "has", "have", "had", "will", "would", "could", "may", "might", "must",
            "should", "seems", "seem", "appears", "remain", "remains",
        ],
    ),
    (
        "this",
        &[
            "year",
            "week",
            "month",
            "morning",
            "afternoon",
            "evening",
            "weekend",
            "summer",
            "winter",
            "spring",
            "autumn",
            "season",
        ],
    ),
    ("these", &["days"]),
    ("so", &["far"]),
    ("il", &["y", "faut"]),
    ("alors", &["que", "qu"]),
    ("ces", &["derniers", "dernières"]),
    ("cette", &["année", "semaine", "saison", "nuit"]),
    ("ce", &["matin", "soir", "week", "mois", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]),
    ("es", &["gibt"]),
];

/// Whether the first two words of a sentence, with nothing but spaces
/// between them, make a phrase of [`NOT_DEPENDENT`].
fn is_fixed_phrase(text: &str, first: &Token, second: &Token) -> bool {
    let word = |t: &Token| text.get(t.start as usize..t.end as usize).unwrap_or("");
    let gap = text.get(first.end as usize..second.start as usize).unwrap_or(",");
    if !gap.chars().all(char::is_whitespace) {
        return false;
    }
    let (a, b) = (word(first), word(second));
    // `b` is the listed word, or it with an elided word after it (`qu'il`).
    let is = |n: &str| {
        b.get(..n.len()).is_some_and(|head| head.eq_ignore_ascii_case(n))
            && matches!(b[n.len()..].chars().next(), None | Some('\'' | '’'))
    };
    NOT_DEPENDENT
        .iter()
        .find(|(opener, _)| a.eq_ignore_ascii_case(opener))
        .is_some_and(|(_, next)| next.iter().any(|n| is(n)))
}

/// Whether the first letter or digit of `s` is a lower-case letter. Read a
/// byte at a time while the text is ASCII (most sentences open with a capital
/// letter, some with a quote mark first); characters are decoded only from
/// the first non-ASCII byte on.
fn opens_in_lower_case(s: &str) -> bool {
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b.is_ascii_alphanumeric() {
            return b.is_ascii_lowercase();
        }
        if !b.is_ascii() {
            return s[i..].chars().find(|c| c.is_alphanumeric()).is_some_and(char::is_lowercase);
        }
    }
    false
}

/// Whether the sentence is mostly a quotation: it opens with a quote mark.
fn is_quote(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b'"' | b'\'') => true,
        Some(b) if b.is_ascii() => false,
        _ => s.starts_with(['“', '«', '„', '‘', '「', '『']),
    }
}

/// Whether the sentence is a question or an exclamation: it ends with `?`,
/// `!` or `？` (whose last UTF-8 byte is 0x9F).
fn is_question(s: &str) -> bool {
    match s.as_bytes().last() {
        Some(b'?' | b'!') => true,
        Some(0x9F) => s.ends_with('？'),
        _ => false,
    }
}

/// Whether `s` ends as a sentence does: with `.`, `?`, `!`, `…` or their
/// full-width forms, perhaps followed by closing quotes and brackets.
fn ends_as_a_sentence(s: &str) -> bool {
    let trimmed = s.trim_end().trim_end_matches(|c: char| is_closing_mark(c));
    trimmed.ends_with(['.', '?', '!', '…', '。', '？', '！', '．'])
}

/// Quotes and brackets that may follow a sentence's last stop.
fn is_closing_mark(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '）' | '」' | '』' | '】' | '“')
}

/// Whether the sentence is page furniture: a line of one or two words, or
/// one that opens with a phrase of [`FURNITURE`] (or, fewer than 8 words,
/// holds one near its start).
fn is_furniture(s: &str, words: f64, lower: &mut String) -> bool {
    if words < 3.0 {
        return true;
    }
    // Furniture opens its sentence ("Scroll down for video", "Photo: …"), or is
    // a short line of its own ("Advertisement"): only the head, the first 32
    // characters in lower case, is looked at. Most sentences open with an
    // ASCII letter and go on in ASCII: those are decided on their bytes in
    // place (ASCII lower case is all of lower case there), and only against
    // the phrases that start with the letter at hand.
    let bytes = s.as_bytes();
    let head = &bytes[..bytes.len().min(32)];
    match bytes.first() {
        Some(&b) if words >= 8.0 && b.is_ascii() => furniture_from(b)
            .iter()
            .any(|p| opens_with_ascii(bytes, p).unwrap_or_else(|| lower_head(s, lower).starts_with(p))),
        _ if words < 8.0 && head.is_ascii() => (0..head.len())
            .any(|j| furniture_from(head[j]).iter().any(|p| opens_with_ascii(&head[j..], p) == Some(true))),
        _ => {
            // Only a phrase that starts with the first letter can open the sentence.
            let first = s.chars().next().map_or(' ', |c| c.to_lowercase().next().unwrap_or(c));
            let opening = FURNITURE.iter().find(|&&(c, _)| c == first).map_or(&[][..], |&(_, phrases)| phrases);
            if words >= 8.0 {
                !opening.is_empty() && {
                    let lower = lower_head(s, lower);
                    opening.iter().any(|p| lower.starts_with(p))
                }
            } else {
                // A phrase anywhere in the head: where a character starts one.
                let lower = lower_head(s, lower);
                lower.char_indices().any(|(j, c)| {
                    FURNITURE
                        .iter()
                        .any(|&(first, phrases)| first == c && phrases.iter().any(|p| lower[j..].starts_with(p)))
                })
            }
        }
    }
}

/// Whether `bytes` in lower case open with the ASCII `phrase`, decided on
/// the bytes while they are ASCII (their own lower case); `None` when they
/// match up to a byte that is not (whose character may lower-case to ASCII,
/// as the Kelvin sign does to `k`).
fn opens_with_ascii(bytes: &[u8], phrase: &str) -> Option<bool> {
    for (j, &c) in phrase.as_bytes().iter().enumerate() {
        match bytes.get(j) {
            None => return Some(false),
            Some(b) if !b.is_ascii() => return None,
            Some(b) if b.to_ascii_lowercase() != c => return Some(false),
            Some(_) => {}
        }
    }
    Some(true)
}

/// The head of `s`, its first 32 characters, in lower case, written in
/// `lower`.
fn lower_head<'a>(s: &str, lower: &'a mut String) -> &'a str {
    lower.clear();
    for c in s.chars().take(32) {
        if c.is_ascii() {
            lower.push(c.to_ascii_lowercase());
        } else {
            lower.extend(c.to_lowercase());
        }
    }
    lower
}

/// Binary cosine similarity of two sentences' content stems, each set
/// without repeats: `b`'s stems are those whose `mark` is `tag`.
fn similarity(a: &[u32], b: &[u32], mark: &[u32], tag: u32) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common: usize = a.iter().map(|&stem| usize::from(mark[stem as usize] == tag)).sum();
    common as f64 / ((a.len() * b.len()) as f64).sqrt()
}

/// How much summary the caller wants.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Budget {
    Sentences(usize),
    Words(usize),
}

/// Working memory of [`select`], kept in the [`Scratch`](crate::Scratch)
/// between articles.
#[derive(Default)]
pub(crate) struct SelectBuffers {
    base: Vec<f64>,
    order: Vec<usize>,
    /// The candidates' content stems, one after the other.
    flat: Vec<u32>,
    bounds: Vec<(usize, usize)>,
    taken: Vec<bool>,
    /// Each candidate's greatest similarity to the sentences taken.
    max_sim: Vec<f64>,
    /// By stem: the last candidate whose stems were gathered, plus one; then
    /// the tag of the last sentence taken, for the stems it has.
    mark: Vec<u32>,
}

/// When fewer than `k` sentences were chosen (a short text: the others
/// were too short to count, or near repeats of those chosen), adds the
/// article's other sentences, in article order, up to `k` in all: a short
/// text gets back what it has rather than less than asked, or nothing.
/// Never added: headings, page furniture ("Advertisement"; a sentence of one
/// or two words is looked at as if it were longer, so that only the
/// furniture phrases keep it out), and a sentence with the same text as one
/// already chosen.
pub(crate) fn fill_up(
    text: &str,
    spans: &[SentenceSpan],
    word_counts: &[usize],
    feats: &[Features],
    k: usize,
    chosen: &mut Vec<usize>,
) {
    if chosen.len() >= k {
        return;
    }
    let mut lower = String::new();
    for (i, span) in spans.iter().enumerate() {
        if chosen.len() >= k {
            break;
        }
        let s = &text[span.start..span.end];
        let words = word_counts[i];
        let eligible = words > 0
            && feats[i].heading == 0.0
            && !is_furniture(s, words.max(3) as f64, &mut lower)
            && !chosen.iter().any(|&j| j == i || &text[spans[j].start..spans[j].end] == s);
        if eligible {
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
}

/// Chooses sentences greedily by score, with penalties for redundancy and for
/// dependent sentences whose antecedent is not chosen. Returns indices in
/// article order.
pub(crate) fn select(
    doc: &Doc,
    feats: &[Features],
    w: &Weights,
    budget: Budget,
    buffers: &mut SelectBuffers,
) -> Vec<usize> {
    let SelectBuffers { base, order, flat, bounds, taken, max_sim, mark } = buffers;
    let word_counts = &doc.word_counts;
    let n = feats.len();
    base.clear();
    base.extend(
        feats.iter().map(|f| if f.furniture > 0.0 || f.heading > 0.0 { f64::NEG_INFINITY } else { w.base_score(f) }),
    );
    let mut chosen: Vec<usize> = Vec::new();
    let (max_sentences, max_words) = match budget {
        Budget::Sentences(k) => (k, usize::MAX),
        Budget::Words(wd) => (usize::MAX, wd),
    };
    if max_sentences == 0 || max_words == 0 || n == 0 {
        return chosen;
    }
    // Candidates: scan only the best few hundred by base score, so that very
    // long articles stay linear.
    order.clear();
    order.extend((0..n).filter(|&i| base[i].is_finite()));
    let limit = match budget {
        Budget::Sentences(k) => (2 * k + 8).min(256),
        Budget::Words(_) => 64,
    }
    .min(order.len());
    if order.len() > limit {
        order.select_nth_unstable_by(limit - 1, |&a, &b| base[b].total_cmp(&base[a]));
        order.truncate(limit);
    }
    // Each candidate's content stems, deduplicated, in one buffer: a stem
    // already marked with the candidate's tag is a repeat. Every word's stem
    // is written at the end of those kept, and kept by moving on only for a
    // new content word: no branch on the stop flag, set about every other
    // word. (Tags are at most 256: no overflow.)
    let room: usize = order.iter().map(|&i| doc.sentences[i].len()).sum();
    flat.clear();
    flat.resize(room, 0);
    bounds.clear();
    mark.clear();
    mark.resize(doc.stems, 0);
    // (Slices held in locals: their lengths and addresses stay in registers
    // while the stores go on.)
    let (flat_at, mark_at) = (&mut flat[..], &mut mark[..]);
    let mut end = 0;
    for (k, &i) in order.iter().enumerate() {
        let tag = k as u32 + 1;
        let from = end;
        for t in doc.sentence_tokens(i) {
            let slot = &mut mark_at[t.stem as usize];
            let new = !t.stop && *slot != tag;
            *slot = if t.stop { *slot } else { tag };
            flat_at[end] = t.stem;
            end += usize::from(new);
        }
        bounds.push((from, end));
    }
    let stems = |k: usize| &flat[bounds[k].0..bounds[k].1];
    let words = |i: usize| word_counts[i];
    let mut used_words = 0usize;
    taken.clear();
    taken.resize(order.len(), false);
    // A candidate's similarity to the sentences taken does not change when
    // more are taken, except through the new ones. A candidate looked at in
    // one round was looked at in the round before (taking a sentence only
    // adds words), so only its similarity to the sentence taken last is new
    // in each round. (The maximum of the same similarities in another order
    // is the same number.) That sentence's stems are marked with a tag that
    // no candidate has: a candidate's stems in common with it are counted
    // with one look-up each, without sorting either.
    max_sim.clear();
    max_sim.resize(order.len(), 0.0);
    let mut last: Option<(usize, u32)> = None;
    while chosen.len() < max_sentences {
        let mut best: Option<(usize, f64)> = None;
        for (k, &i) in order.iter().enumerate() {
            if taken[k] || used_words + words(i) > max_words {
                continue;
            }
            let mut score = base[i];
            if feats[i].dependent > 0.0 && !(i > 0 && chosen.contains(&(i - 1))) {
                score += w.dependent;
            }
            if let Some((k2, tag)) = last {
                max_sim[k] = max_sim[k].max(similarity(stems(k), stems(k2), mark, tag));
            }
            score -= w.redundancy * max_sim[k];
            if max_sim[k] > 0.8 {
                continue;
            }
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((k, score));
            }
        }
        let Some((k, _)) = best else { break };
        taken[k] = true;
        used_words += words(order[k]);
        chosen.push(order[k]);
        // Tags above the candidates' (at most 256), one per sentence taken.
        let tag = (order.len() + chosen.len()) as u32;
        for &stem in stems(k) {
            mark[stem as usize] = tag;
        }
        last = Some((k, tag));
    }
    chosen.sort_unstable();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_phrases_are_filed_under_their_first_letter() {
        for &(first, phrases) in FURNITURE {
            for phrase in phrases {
                assert_eq!(phrase.chars().next(), Some(first), "{phrase}");
            }
            assert_eq!(FURNITURE.iter().filter(|&&(c, _)| c == first).count(), 1, "{first}");
        }
        for b in 0..=255u8 {
            let expected: Vec<&str> = FURNITURE
                .iter()
                .filter(|&&(c, _)| c == char::from(b.to_ascii_lowercase()) && b.is_ascii())
                .flat_map(|&(_, p)| p.iter().copied())
                .collect();
            assert_eq!(furniture_from(b), expected.as_slice(), "{b}");
        }
    }

    #[test]
    fn headings_are_never_chosen() {
        let summarizer = crate::Summarizer::new();
        let article = "The council approved the new bridge on Monday after a long debate.\n\n\
                       What residents said\n\n\
                       Residents welcomed the decision, saying the old crossing was unsafe.\n\n\
                       Next steps:\n\n\
                       Construction begins in January and should take two years.\n\n\
                       \u{201c}A bridge for everyone\u{201d}\n\n\
                       The mayor said the cost would be shared with the region.";
        let analysis = summarizer.analyze(article, None, None);
        let headings: Vec<usize> =
            (0..analysis.features.len()).filter(|&i| analysis.features[i].heading > 0.0).collect();
        assert_eq!(headings, [1, 3, 5]);
        for k in [3, 4, 7] {
            let options = crate::Options { length: crate::Length::Sentences(k), ..Default::default() };
            let chosen: Vec<usize> =
                summarizer.summarize(article, &options).sentences.iter().map(|e| e.index).collect();
            assert!(chosen.iter().all(|i| !headings.contains(i)), "{k}: {chosen:?}");
            assert_eq!(chosen.len(), k.min(4), "{k}");
        }
        // Without paragraphs, a last sentence without its full stop is no heading.
        let one = summarizer.analyze("The council met. The vote was close", None, None);
        assert!(one.features.iter().all(|f| f.heading == 0.0));
        // Nor is a paragraph of one sentence that ends as sentences do.
        let quoted =
            summarizer.analyze("First paragraph here.\n\n\u{201c}We will build it.\u{201d}\n\nThird one.", None, None);
        assert!(quoted.features.iter().all(|f| f.heading == 0.0));
    }

    #[test]
    fn a_short_text_gives_back_its_short_sentences() {
        let summarizer = crate::Summarizer::new();
        let picks = |text: &str, k: usize| -> Vec<String> {
            let options = crate::Options { length: crate::Length::Sentences(k), ..Default::default() };
            summarizer.summarize(text, &options).sentences.into_iter().map(|e| e.text).collect()
        };
        assert_eq!(picks("Hello world.", 3), ["Hello world."]);
        assert_eq!(picks("The cat sat. The dog ran. It rained.", 3), ["The cat sat.", "The dog ran.", "It rained."]);
        assert_eq!(picks("The cat sat. The dog ran. It rained.", 2).len(), 2);
        assert_eq!(picks("It rained. It rained.", 3), ["It rained."]);
        // Near repeats are kept out while there is better, not in place of nothing.
        let twins = "A good body sentence here. Another good sentence there.";
        assert_eq!(picks(twins, 2), ["A good body sentence here.", "Another good sentence there."]);
        // Page furniture stays out, however short the text.
        assert_eq!(picks("Advertisement. The cat sat on the mat.", 3), ["The cat sat on the mat."]);
        // A long enough article is not padded with fragments.
        let article = "The council approved the budget for next year on Monday evening. \
                       Yes. The mayor said the plan would cut waiting times at clinics. \
                       Residents had asked for more buses on the river route.";
        assert!(!picks(article, 3).contains(&"Yes.".to_owned()));
    }

    #[test]
    fn openers_lean_back_unless_they_start_a_fixed_phrase() {
        let cases: &[(Lang, &str, bool)] = &[
            (Lang::English, "He said the talks would go on.", true),
            (Lang::English, "There, the two sides met again.", true),
            (Lang::English, "There the two sides met again.", true),
            (Lang::English, "There are more than 16,300 nuclear weapons in the world.", false),
            (Lang::English, "There were no injuries.", false),
            (Lang::English, "This is the moment the bridge fell.", true),
            (Lang::English, "This year, the festival moves to May.", false),
            (Lang::English, "This week the council votes on the budget.", false),
            (Lang::English, "So far 20 people have died.", false),
            (Lang::English, "So the council voted against it.", true),
            (Lang::English, "But the mayor disagreed.", true),
            (Lang::English, "the mayor disagreed.", true),
            (Lang::English, "The mayor disagreed.", false),
            (Lang::French, "Il y a eu une forte hausse des prix.", false),
            (Lang::French, "Il faut agir vite, selon le ministre.", false),
            (Lang::French, "Il a quitté Matignon en juillet.", true),
            (Lang::French, "Alors que la mobilisation bat son plein, le ministre parle.", false),
            (Lang::French, "Alors qu'il parlait, la salle s'est vidée.", false),
            (Lang::French, "Alors qu’il parlait, la salle s’est vidée.", false),
            (Lang::French, "Alors, le ministre a parlé.", true),
            (Lang::French, "Ces dernières semaines, le mouvement semblait s'essouffler.", false),
            (Lang::French, "Ces mesures ont été annoncées mardi.", true),
            (Lang::French, "Cette année, le festival change de date.", false),
            (Lang::French, "Cette fois, c'est à Mayenne.", true),
            (Lang::French, "Ce week-end, la neige est attendue.", false),
            (Lang::German, "Es gibt keine Verletzten.", false),
            (Lang::German, "Es war ein langer Tag.", true),
        ];
        let summarizer = crate::Summarizer::new();
        for &(lang, sentence, dependent) in cases {
            let text = format!("The first sentence stands alone here.\n\n{sentence}");
            let analysis = summarizer.analyze(&text, None, Some(lang));
            assert_eq!(analysis.spans.len(), 2, "{sentence}");
            assert_eq!(analysis.features[1].dependent > 0.0, dependent, "{sentence}");
            // The same as an article's first sentence.
            let first = summarizer.analyze(sentence, None, Some(lang));
            assert_eq!(first.features[0].dependent > 0.0, dependent, "{sentence}");
        }
    }

    /// Made-up English articles: words drawn from a small vocabulary of stop
    /// and content words (so stems repeat within sentences), some sentences
    /// repeated whole (redundant), openers that lean back, furniture,
    /// paragraphs.
    fn made_up_articles() -> Vec<String> {
        const WORDS: &[&str] = &[
            "the", "and", "of", "he", "she", "it", "said", "says", "saying", "council", "councils", "vote", "voted",
            "voting", "river", "rivers", "bridge", "police", "mayor", "budget", "school", "schools", "water", "city",
            "cities", "will", "Will", "being", "be", "plan", "plans", "planned", "storm", "flood", "floods", "road",
            "people", "year", "years", "new", "old", "report", "reports", "minister", "court", "judge", "trial",
        ];
        let mut seed = 0x9E37_79B9_u64;
        let mut next = |m: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % m
        };
        let mut articles = Vec::new();
        for _ in 0..40 {
            let mut text = String::new();
            let mut sentences: Vec<String> = Vec::new();
            for _ in 0..1 + next(60) {
                let sentence = if !sentences.is_empty() && next(6) == 0 {
                    sentences[next(sentences.len())].clone()
                } else {
                    let mut s = String::from(["The", "He", "But", "Police", "A", "Scroll down for video and"][next(6)]);
                    for _ in 0..next(40) {
                        s.push(' ');
                        s.push_str(WORDS[next(WORDS.len())]);
                    }
                    s.push(['.', '?', '!'][next(3)]);
                    s
                };
                text.push_str(&sentence);
                text.push_str(if next(5) == 0 { "\n\n" } else { " " });
                sentences.push(sentence);
            }
            articles.push(text);
        }
        articles
    }

    /// Centrality and title share as they were computed before the
    /// word-by-word sums, to compare with.
    fn centrality_and_title_by_stems(doc: &Doc, title: &[u32]) -> Vec<(f64, f64)> {
        let mut tf = vec![[0u32; 2]; doc.stems];
        for t in doc.tokens.iter().filter(|t| !t.stop) {
            tf[t.stem as usize][0] += 1;
        }
        let doc_norm2: u64 = tf.iter().map(|&[d, _]| u64::from(d) * u64::from(d)).sum();
        let mut out = Vec::new();
        for i in 0..doc.sentences.len() {
            for t in doc.sentence_tokens(i).iter().filter(|t| !t.stop) {
                tf[t.stem as usize][1] += 1;
            }
            let (mut dot, mut s2, mut cross) = (0u64, 0u64, 0u64);
            for &[d, c] in &tf {
                let [d, c] = [u64::from(d), u64::from(c)];
                dot += c * (d - c);
                s2 += c * c;
                cross += c * d;
            }
            let (dot, s2) = (dot as f64, s2 as f64);
            let rest2 = (doc_norm2 as f64 - 2.0 * cross as f64 + s2).max(0.0);
            let centrality = if s2 > 0.0 && rest2 > 0.0 { dot / (s2.sqrt() * rest2.sqrt()) } else { 0.0 };
            let share = if title.is_empty() {
                0.0
            } else {
                title.iter().filter(|&&t| tf[t as usize][1] > 0).count() as f64 / title.len() as f64
            };
            out.push((centrality, share));
            tf.iter_mut().for_each(|e| e[1] = 0);
        }
        out
    }

    #[test]
    fn word_by_word_sums_give_the_same_bits() {
        let summarizer = crate::Summarizer::new();
        for text in made_up_articles() {
            let analysis = summarizer.analyze(&text, None, Some(Lang::English));
            let doc = &analysis.doc;
            for title in [vec![], (0..doc.stems as u32).step_by(3).collect::<Vec<_>>()] {
                let got = features(&text, &analysis.spans, doc, &title);
                let expected = centrality_and_title_by_stems(doc, &title);
                assert_eq!(got.len(), expected.len());
                for (f, (centrality, share)) in got.iter().zip(expected) {
                    assert_eq!(f.centrality.to_bits(), centrality.to_bits());
                    assert_eq!(f.title.to_bits(), share.to_bits());
                }
            }
        }
    }

    /// The choice as it was made before the marked stems: sorted stems,
    /// merged, against every sentence taken in every round.
    fn select_by_merging(doc: &Doc, feats: &[Features], w: &Weights, budget: Budget) -> Vec<usize> {
        fn merged(a: &[u32], b: &[u32]) -> f64 {
            if a.is_empty() || b.is_empty() {
                return 0.0;
            }
            let common = a.iter().filter(|s| b.binary_search(s).is_ok()).count();
            common as f64 / ((a.len() * b.len()) as f64).sqrt()
        }
        let n = feats.len();
        let base: Vec<f64> =
            feats.iter().map(|f| if f.furniture > 0.0 { f64::NEG_INFINITY } else { w.base_score(f) }).collect();
        let (max_sentences, max_words) = match budget {
            Budget::Sentences(k) => (k, usize::MAX),
            Budget::Words(wd) => (usize::MAX, wd),
        };
        let mut chosen: Vec<usize> = Vec::new();
        if max_sentences == 0 || max_words == 0 || n == 0 {
            return chosen;
        }
        let mut order: Vec<usize> = (0..n).filter(|&i| base[i].is_finite()).collect();
        let limit = match budget {
            Budget::Sentences(k) => (2 * k + 8).min(256),
            Budget::Words(_) => 64,
        }
        .min(order.len());
        if order.len() > limit {
            order.select_nth_unstable_by(limit - 1, |&a, &b| base[b].total_cmp(&base[a]));
            order.truncate(limit);
        }
        let stems: Vec<Vec<u32>> = order
            .iter()
            .map(|&i| {
                let mut v: Vec<u32> = doc.sentence_tokens(i).iter().filter(|t| !t.stop).map(|t| t.stem).collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        let mut taken = vec![false; order.len()];
        let mut picks: Vec<usize> = Vec::new();
        let mut used_words = 0;
        while chosen.len() < max_sentences {
            let mut best: Option<(usize, f64)> = None;
            for (k, &i) in order.iter().enumerate() {
                if taken[k] || used_words + doc.word_counts[i] > max_words {
                    continue;
                }
                let mut score = base[i];
                if feats[i].dependent > 0.0 && !(i > 0 && chosen.contains(&(i - 1))) {
                    score += w.dependent;
                }
                let sim = picks.iter().map(|&k2| merged(&stems[k], &stems[k2])).fold(0.0, f64::max);
                score -= w.redundancy * sim;
                if sim > 0.8 {
                    continue;
                }
                if best.is_none_or(|(_, b)| score > b) {
                    best = Some((k, score));
                }
            }
            let Some((k, _)) = best else { break };
            taken[k] = true;
            picks.push(k);
            used_words += doc.word_counts[order[k]];
            chosen.push(order[k]);
        }
        chosen.sort_unstable();
        chosen
    }

    #[test]
    fn marked_stems_choose_the_same_sentences() {
        let summarizer = crate::Summarizer::new();
        let mut buffers = SelectBuffers::default();
        let weights = *summarizer.weights(Lang::English);
        let heavy = Weights { redundancy: 3.0, dependent: -2.0, ..weights };
        for text in made_up_articles() {
            let analysis = summarizer.analyze(&text, None, Some(Lang::English));
            for w in [&weights, &heavy] {
                for budget in [0, 1, 2, 3, 5, 8, 40, 300]
                    .map(Budget::Sentences)
                    .into_iter()
                    .chain([0, 10, 30, 60, 150, 5000].map(Budget::Words))
                {
                    let got = select(&analysis.doc, &analysis.features, w, budget, &mut buffers);
                    assert_eq!(got, select_by_merging(&analysis.doc, &analysis.features, w, budget), "{budget:?}");
                }
            }
        }
    }

    /// The furniture test as it was before the byte-wise paths, to compare with.
    fn is_furniture_by_chars(s: &str, words: f64) -> bool {
        if words < 3.0 {
            return true;
        }
        let first = s.chars().next().map_or(' ', |c| c.to_lowercase().next().unwrap_or(c));
        if words >= 8.0 && !FURNITURE.iter().any(|&(c, _)| c == first) {
            return false;
        }
        let head = &s[..s.char_indices().nth(32).map_or(s.len(), |(i, _)| i)];
        let lower: String = head.chars().flat_map(char::to_lowercase).collect();
        let mut phrases = FURNITURE.iter().flat_map(|&(_, p)| p.iter());
        if words < 8.0 { phrases.any(|p| lower.contains(p)) } else { phrases.any(|p| lower.starts_with(p)) }
    }

    #[test]
    fn byte_wise_tests_agree_with_the_character_ones() {
        let heads = [
            "",
            "Scroll down for video",
            "SCROLL DOWN FOR MORE pictures",
            "Scroll down f\u{e9}r video",
            "Scroll\u{2019}s down for video",
            "Scroll",
            "Sign up",
            "Sign u\u{2019}",
            "Clic\u{212a} here for the rest of the story",
            "\u{130}mage: Reuters and others",
            "Image: Reuters",
            "Cameron\u{2019}s photo: Reuters",
            "The photo: Reuters",
            "A very long opening of more than thirty-two bytes, then read more",
            "A short one, then advertisement",
            "An opening that is long enough (\u{2019}) to read more",
            "Advertisement",
            "All rights reserved \u{a9} 2015",
            "\u{c0} lire aussi: le d\u{e9}bat",
            "\u{e0} lire aussi",
            "Lire aussi : le d\u{e9}bat",
            "Voir aussi \u{e0} lire aussi",
            "\u{427}\u{418}\u{422}\u{410}\u{419}\u{422}\u{415} \u{422}\u{410}\u{41a}\u{416}\u{415}",
            "\u{447}\u{438}\u{442}\u{430}\u{439}\u{442}\u{435} \u{442}\u{430}\u{43a}\u{436}\u{435} \u{43d}\u{43e}\u{432}\u{43e}\u{441}\u{442}\u{438}",
            "\u{201c}Scroll down for video\u{201d}",
            "\u{4ed6}\u{8bf4}\u{ff0c}\u{70b9}\u{51fb} click here",
            "subscribe",
            "Photo",
            "Updated: 12:00 GMT",
            "Watch: the video",
            "Follow us on Twitter",
            "Share this article",
            "Related: the other story",
            "Published: 10:00",
            "Video: the match",
            "Read More",
            "'s hidden read more",
        ];
        let mut lower = String::new();
        for s in heads {
            for words in [1.0, 3.0, 5.0, 7.0, 8.0, 12.0, 50.0] {
                assert_eq!(is_furniture(s, words, &mut lower), is_furniture_by_chars(s, words), "{s:?} {words}");
            }
            let first = s.chars().find(|c| c.is_alphanumeric());
            assert_eq!(opens_in_lower_case(s), first.is_some_and(char::is_lowercase), "{s:?}");
            assert_eq!(
                is_quote(s),
                s.starts_with(['"', '\u{201c}', '\u{ab}', '\u{201e}', '\'', '\u{2018}', '\u{300c}', '\u{300e}']),
                "{s:?}"
            );
            for end in ["", "?", "!", "\u{ff1f}", "\u{ff01}", ".", "\u{201d}"] {
                let t = format!("{s}{end}");
                assert_eq!(is_question(&t), t.ends_with('?') || t.ends_with('!') || t.ends_with('\u{ff1f}'), "{t:?}");
            }
        }
        for s in [
            "he said",
            "\"he said",
            "\u{201c}he said",
            "\u{201c}He said",
            "\u{c9}t\u{e9}",
            "\u{e9}t\u{e9}",
            "42 men",
            "...",
            "\u{2018}\u{201c}\u{e9}",
        ] {
            let first = s.chars().find(|c| c.is_alphanumeric());
            assert_eq!(opens_in_lower_case(s), first.is_some_and(char::is_lowercase), "{s:?}");
            assert_eq!(
                is_quote(s),
                s.starts_with(['"', '\u{201c}', '\u{ab}', '\u{201e}', '\'', '\u{2018}', '\u{300c}', '\u{300e}']),
                "{s:?}"
            );
        }
    }

    #[test]
    fn furniture_is_found_at_the_head_or_in_short_lines() {
        let mut lower = String::new();
        assert!(is_furniture("Scroll down for video and more pictures of the event", 10.0, &mut lower));
        assert!(is_furniture("Advertisement", 1.0, &mut lower));
        assert!(is_furniture("Photo: Getty Images for the news", 6.0, &mut lower));
        assert!(!is_furniture("The council will read more reports on Monday before the vote", 11.0, &mut lower));
    }
}
