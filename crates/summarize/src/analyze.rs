//! Word analysis: Unicode word boundaries, NFKC normalization, lower-casing,
//! Snowball stemming, stop words, and Chinese word segmentation.
//!
//! A [`Doc`] holds every word token of an article as a stem id, so that the
//! ranking works on small integers, never on strings. Stemming runs once per
//! distinct word form of an article.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use frostem::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::{IsNormalized, is_nfkc_quick};
use unicode_segmentation::UnicodeSegmentation;

use crate::formcache::{FormCache, ShortKey};
use crate::lang::Lang;
use crate::lexicon::Lexicon;
use crate::split::SentenceSpan;
use crate::stopwords;

/// What the analysis knows of one language.
pub(crate) struct LangModel {
    stemmer: Option<Stemmer>,
    /// Whether `stemmer` is the English one (see [`english_keeps`]).
    english: bool,
    /// Precomputed analysis of common words, built at first use, if the
    /// language has a table.
    lexicon: Option<OnceLock<Lexicon>>,
    /// Stop words and dependent openers of up to 15 bytes, packed, with
    /// their [`STOP`] and [`OPENER`] flags: one integer-keyed look-up per
    /// new word form, with no string hashing.
    short_words: FormCache,
    /// The longer ones, with the same flags.
    long_words: StrMap<u8>,
}

impl LangModel {
    pub(crate) fn new(lang: Lang) -> Self {
        let algorithm = match lang {
            Lang::English => Some(Algorithm::English),
            Lang::French => Some(Algorithm::French),
            Lang::German => Some(Algorithm::German),
            Lang::Spanish => Some(Algorithm::Spanish),
            Lang::Italian => Some(Algorithm::Italian),
            Lang::Portuguese => Some(Algorithm::Portuguese),
            Lang::Dutch => Some(Algorithm::Dutch),
            Lang::Russian => Some(Algorithm::Russian),
            Lang::Ukrainian => Some(Algorithm::Ukrainian),
            Lang::Chinese | Lang::Other => None,
        };
        let mut flags: StrMap<u8> = StrMap::default();
        for word in stopwords::words(lang) {
            *flags.entry(word.into()).or_default() |= STOP;
        }
        for &word in crate::rank::dependent_openers(lang) {
            *flags.entry(word.into()).or_default() |= OPENER;
        }
        let (mut short_words, mut long_words) = (FormCache::default(), StrMap::default());
        for (word, flag) in flags {
            match short_key(word.as_bytes(), 0, word.len()) {
                Some(key) => short_words.insert(key, (0, flag)),
                None => {
                    long_words.insert(word, flag);
                }
            }
        }
        let lexicon = (lang == Lang::English).then(OnceLock::new);
        let english = lang == Lang::English;
        LangModel { stemmer: algorithm.map(Stemmer::new), english, lexicon, short_words, long_words }
    }

    /// The language's table of common words, built at first use.
    #[inline]
    fn lexicon(&self) -> Option<&Lexicon> {
        self.lexicon.as_ref().map(|l| l.get_or_init(|| self.build_lexicon()))
    }

    /// The English lexicon: the words of the list with their listed stems,
    /// and the language's stop words and dependent openers (the most common
    /// words of all, many shorter than the list's), each described as
    /// [`describe`] would.
    fn build_lexicon(&self) -> Lexicon {
        let listed = Lexicon::english_words().map(|(word, stem)| {
            let flags = self.word_flags(word) & (STOP | OPENER);
            let stem = if flags & STOP != 0 { word } else { stem };
            (Cow::Borrowed(word), Cow::Borrowed(stem), flags)
        });
        let stop_words = stopwords::words(Lang::English);
        let lists = stop_words.iter().copied().chain(crate::rank::dependent_openers(Lang::English).iter().copied());
        let function_words = lists.map(|word| {
            let (stem, flags) = describe(self, word);
            (Cow::Borrowed(word), Cow::Owned(stem.into_owned()), flags)
        });
        Lexicon::build(listed.chain(function_words))
    }

    /// The number of stem ids the language's table numbers (its stems'
    /// global ids are below it).
    fn lexicon_stems(&self) -> usize {
        self.lexicon().map_or(0, |l| l.stem_count() as usize)
    }

    /// The [`STOP`] and [`OPENER`] flags of a lower-cased word: whether it is
    /// a stop word, and whether a sentence opening with it leans on the
    /// sentence before.
    fn word_flags(&self, lower: &str) -> u8 {
        match short_key(lower.as_bytes(), 0, lower.len()) {
            Some(key) => self.short_words.get(&key).map_or(0, |(_, flags)| flags),
            None => self.long_words.get(lower).copied().unwrap_or(0),
        }
    }
}

/// Analysis resources for every language, built once and shared read-only.
pub(crate) struct Analyzer {
    models: Vec<(Lang, LangModel)>,
    other: LangModel,
    jieba: OnceLock<jieba_rs::Jieba>,
}

impl Analyzer {
    pub(crate) fn new() -> Self {
        Analyzer {
            models: Lang::ALL.iter().map(|&l| (l, LangModel::new(l))).collect(),
            other: LangModel::new(Lang::Other),
            jieba: OnceLock::new(),
        }
    }

    /// The analysis with no table of common words, to test that the tables
    /// change nothing but speed.
    #[cfg(test)]
    fn without_lexicon() -> Self {
        let mut analyzer = Analyzer::new();
        analyzer.models.iter_mut().for_each(|(_, m)| m.lexicon = None);
        analyzer
    }

    pub(crate) fn model(&self, lang: Lang) -> &LangModel {
        self.models.iter().find(|(l, _)| *l == lang).map_or(&self.other, |(_, m)| m)
    }

    fn jieba(&self) -> &jieba_rs::Jieba {
        self.jieba.get_or_init(jieba_rs::Jieba::new)
    }

    /// Calls `f` with the byte range of every word of `text[range]`.
    pub(crate) fn for_each_word(&self, text: &str, range: Range<usize>, lang: Lang, mut f: impl FnMut(Range<usize>)) {
        let base = range.start;
        let s = &text[range];
        if lang == Lang::Chinese {
            for piece in self.jieba().cut(s, false) {
                if piece.word.chars().any(char::is_alphanumeric) {
                    let start = piece.byte_start;
                    f(base + start..base + start + piece.word.len());
                }
            }
        } else if lang == Lang::Other && !s.is_ascii() {
            // Scripts we have no rules for: Unicode word boundaries (UAX #29).
            for (start, word) in s.unicode_word_indices() {
                f(base + start..base + start + word.len());
            }
        } else {
            alphabetic_words(s, |start, end, _| f(base + start..base + end));
        }
    }

    /// Analyses the sentences of an article, reusing `scratch`'s buffers and
    /// its cache of stems.
    pub(crate) fn analyze(&self, text: &str, spans: &[SentenceSpan], lang: Lang, scratch: &mut Scratch) -> Doc {
        let model = self.model(lang);
        scratch.begin(lang, model);
        // Buffers of an earlier article, if it gave them back.
        let Doc { mut tokens, mut sentences, mut word_counts, .. } = std::mem::take(&mut scratch.spare);
        tokens.clear();
        sentences.clear();
        word_counts.clear();
        tokens.reserve(text.len() / 5);
        // Alphabetic scripts take the fast path; it finds the same words as
        // `for_each_word`.
        let alphabetic = !matches!(lang, Lang::Chinese | Lang::Other);
        for span in spans {
            let first = tokens.len();
            let sentence = &text[span.start..span.end];
            let words = if alphabetic {
                alphabetic_sentence(text, span, &mut tokens)
            } else {
                let mut words = 0usize;
                let mut prev_end = span.start;
                self.for_each_word(text, span.start..span.end, lang, |r| {
                    // A word as a reader counts it: a new run of non-space text.
                    if tokens.len() == first || lang.is_cjk() || has_space(&text[prev_end..r.start]) {
                        words += 1;
                    }
                    prev_end = r.end;
                    let (stem, flags) = scratch.lookup(&text[r.clone()], model);
                    tokens.push(Token::new(stem, flags, r.start, r.end));
                });
                if lang == Lang::Other {
                    // UAX #29 words need not match a reader's count (a lone vowel
                    // sign is no UAX word): count white-space separated chunks.
                    words = sentence.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
                }
                words
            };
            sentences.push(first..tokens.len());
            word_counts.push(words);
        }
        if alphabetic {
            scratch.resolve(text.as_bytes(), &mut tokens, model);
        }
        Doc { tokens, sentences, stems: scratch.local_count(), word_counts }
    }

    /// The ids, in `doc`'s numbering, of the content stems of a short text
    /// such as a title (words that are not in the article are dropped).
    pub(crate) fn content_stems(&self, text: &str, lang: Lang, scratch: &mut Scratch) -> Vec<u32> {
        let model = self.model(lang);
        let mut out = Vec::new();
        self.for_each_word(text, 0..text.len(), lang, |r| {
            if let Some((id, flags)) = scratch.peek(&text[r], model)
                && flags & STOP == 0
                && !out.contains(&id)
            {
                out.push(id);
            }
        });
        out
    }
}

/// One word of the article.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    /// Id of the word's stem within the article.
    pub stem: u32,
    /// Whether the word is a stop word (or too short to mean anything).
    pub stop: bool,
    /// Whether the word is a number (digits, with `.` or `,` inside).
    pub number: bool,
    /// Whether a sentence opening with the word leans on the one before
    /// (`He`, `However`).
    pub opener: bool,
    /// Byte range of the word in the input.
    pub start: u32,
    pub end: u32,
}

impl Token {
    fn new(stem: u32, flags: u8, start: usize, end: usize) -> Token {
        Token {
            stem,
            stop: flags & STOP != 0,
            number: flags & NUMBER != 0,
            opener: flags & OPENER != 0,
            start: start as u32,
            end: end as u32,
        }
    }
}

/// Flags of a word form, cached with its stem: a stop word (or too short to
/// mean anything), a number, a dependent opener.
const STOP: u8 = 1;
const NUMBER: u8 = 2;
const OPENER: u8 = 4;

/// The key of a word too long for a [`ShortKey`]: no word has it (its
/// length byte would say 255), so it is never found.
const NO_KEY: ShortKey = [u64::MAX; 2];

/// A look-up that found nothing (no stem has this id).
const NOT_FOUND: (u32, u8) = (u32::MAX, 0);

/// Letters and digits, the bytes of an ASCII word.
const ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// ASCII white space as `char::is_whitespace` has it (with the vertical tab).
pub(crate) const fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// The analysed article.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    pub tokens: Vec<Token>,
    /// For each sentence, its range of `tokens`.
    pub sentences: Vec<Range<usize>>,
    /// How many distinct stems the article has (ids are `0..stems`).
    pub stems: usize,
    /// For each sentence, its words as a reader counts them.
    pub word_counts: Vec<usize>,
}

impl Doc {
    pub(crate) fn sentence_tokens(&self, i: usize) -> &[Token] {
        &self.tokens[self.sentences[i].clone()]
    }
}

/// A map keyed by strings, with a hasher that is fast on short words.
type StrMap<V> = std::collections::HashMap<Box<str>, V, foldhash::fast::FixedState>;

/// Working memory of the summarizer, reusable across articles: a cache of the
/// stems of word forms already seen, and the numbering of one article's
/// stems. Reusing one per thread makes batches much faster; its memory is
/// bounded ([`Scratch::MAX_FORMS`]).
#[derive(Default)]
pub struct Scratch {
    lang: Option<Lang>,
    /// Word as written, up to 15 bytes packed in an integer → (global stem
    /// id, flags): the fast path, with no string comparison.
    short: FormCache,
    /// Longer words as written → (global stem id, flags).
    raw: StrMap<(u32, u8)>,
    /// Normalized word form → (global stem id, flags).
    forms: StrMap<(u32, u8)>,
    /// Stem text → global stem id.
    stems: StrMap<u32>,
    /// Normalized forms of up to 15 bytes, packed → (global stem id, flags).
    short_forms: FormCache,
    /// Stems of up to 15 bytes, packed → (global stem id, unused).
    short_stems: FormCache,
    /// Global stem id → the current article's stem id, or `u32::MAX`.
    local: Vec<u32>,
    /// Global ids numbered in the current article, to reset `local`.
    /// Its first `touched_len` entries count; the rest is room to write
    /// into before knowing whether an id is new (see [`Scratch::local_id`]).
    touched: Vec<u32>,
    touched_len: usize,
    /// The buffers of the last article's analysis, to reuse.
    pub(crate) spare: Doc,
    /// The last article's sentence spans, to reuse.
    pub(crate) spare_spans: Vec<SentenceSpan>,
    /// Cache look-ups of the article's words.
    found: Vec<(u32, u8)>,
    /// The cache keys of the article's words ([`NO_KEY`] for long words).
    keys: Vec<ShortKey>,
    buf: String,
    /// Working memory of the key phrases.
    pub(crate) keywords: crate::keywords::Buffers,
    /// Working memory of the choice of sentences.
    pub(crate) select: crate::rank::SelectBuffers,
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scratch")
            .field("lang", &self.lang)
            .field("forms", &(self.forms.len() + self.short_forms.len()))
            .finish_non_exhaustive()
    }
}

impl Scratch {
    /// The cache is emptied when it holds more word forms than this.
    pub const MAX_FORMS: usize = 200_000;

    /// Prepares for a new article in `lang`.
    fn begin(&mut self, lang: Lang, model: &LangModel) {
        for &g in &self.touched[..self.touched_len] {
            self.local[g as usize] = u32::MAX;
        }
        self.touched_len = 0;
        let forms = self.forms.len() + self.short_forms.len() + self.raw.len() + self.short.len();
        if self.lang != Some(lang) || forms > Self::MAX_FORMS {
            self.short.clear();
            self.raw.clear();
            self.forms.clear();
            self.stems.clear();
            self.short_forms.clear();
            self.short_stems.clear();
            self.local.clear();
            self.lang = Some(lang);
        }
        // The lexicon's stems have the first global ids.
        let numbered = model.lexicon_stems();
        if self.local.len() < numbered {
            self.local.resize(numbered, u32::MAX);
        }
    }

    fn local_count(&self) -> usize {
        self.touched_len
    }

    /// Gives the words found by [`alphabetic_sentence`] their stem ids and
    /// flags. The cache look-ups of the whole article come first, after a
    /// loop that only reads each word's slot ([`FormCache::touch`]): with
    /// the table larger than the fast caches, a sampling profile (`perf
    /// record`) put a fifth of the time on the first read of a slot, and
    /// that loop has dozens of reads under way at once. The lexicon slots of
    /// the words new to the cache and the words' slots in the article's
    /// numbering are read ahead likewise. Then the words not in the cache,
    /// and local ids, in article order.
    fn resolve(&mut self, text: &[u8], tokens: &mut [Token], model: &LangModel) {
        let (mut found, mut keys) = (std::mem::take(&mut self.found), std::mem::take(&mut self.keys));
        keys.clear();
        keys.extend(tokens.iter().map(|t| short_key(text, t.start as usize, t.end as usize).unwrap_or(NO_KEY)));
        self.short.touch(&keys);
        found.clear();
        found.extend(keys.iter().map(|key| self.short.get(key).unwrap_or(NOT_FOUND)));
        // Likewise the lexicon's slots of the words new to the cache (a
        // few dozen, each else a miss of the fast caches in turn) ...
        if let Some(lexicon) = model.lexicon() {
            let new = keys.iter().zip(&found).filter(|&(_, &hit)| hit == NOT_FOUND);
            lexicon.touch_some(new.map(|(key, _)| key).filter(|key| is_ascii_key(key)));
        }
        // ... and the words' slots in the article's numbering.
        let touched = found.iter().fold(0u32, |sum, &(global, _)| sum ^ self.local.get(global as usize).unwrap_or(&0));
        std::hint::black_box(touched);
        self.keys = keys;
        for (t, &hit) in tokens.iter_mut().zip(&found) {
            let (global, flags) =
                if hit == NOT_FOUND { self.global_at(text, t.start as usize, t.end as usize, model) } else { hit };
            *t = Token::new(self.local_id(global), flags, t.start as usize, t.end as usize);
        }
        self.found = found;
    }

    /// The article-local id of a global stem id, numbering it if new.
    /// Without a branch on whether it is: about half the words of an
    /// article are the first of their stem, in no order a processor could
    /// predict. The global id is written past the numbered ones either way,
    /// and counted only if new.
    #[inline]
    fn local_id(&mut self, global: u32) -> u32 {
        let n = self.touched_len;
        if n >= self.touched.len() {
            self.touched.resize(2 * n + 256, 0);
        }
        let slot = &mut self.local[global as usize];
        let new = *slot == u32::MAX;
        let id = if new { n as u32 } else { *slot };
        *slot = id;
        self.touched[n] = global;
        self.touched_len = n + usize::from(new);
        id
    }

    /// The article-local stem id of a word and its flags, numbering it if new.
    fn lookup(&mut self, word: &str, model: &LangModel) -> (u32, u8) {
        let (global, flags) = self.global(word, model);
        (self.local_id(global), flags)
    }

    /// The article-local stem id of a word and its flags, if the article has it.
    fn peek(&mut self, word: &str, model: &LangModel) -> Option<(u32, u8)> {
        let (global, flags) = self.global(word, model);
        let id = self.local[global as usize];
        (id != u32::MAX).then_some((id, flags))
    }

    #[inline]
    fn global(&mut self, word: &str, model: &LangModel) -> (u32, u8) {
        self.global_at(word.as_bytes(), 0, word.len(), model)
    }

    /// [`Scratch::global`] of the word `bytes[start..end]` (a whole UTF-8
    /// word): the key is read straight from `bytes` when 16 bytes are there.
    #[inline]
    fn global_at(&mut self, bytes: &[u8], start: usize, end: usize, model: &LangModel) -> (u32, u8) {
        let word = &bytes[start..end];
        if let Some(key) = short_key(bytes, start, end) {
            if let Some(hit) = self.short.get(&key) {
                return hit;
            }
            let found = if is_ascii_key(&key) {
                // The key is the normalized form already (lower-cased ASCII):
                // no second table to consult, and a common word is in the
                // lexicon under that key.
                if let Some(hit) = model.lexicon().and_then(|l| l.form(&key)) {
                    self.short.insert(key, hit);
                    return hit;
                }
                self.buf.clear();
                self.buf.push_str(std::str::from_utf8(word).unwrap_or_default());
                self.buf.make_ascii_lowercase();
                self.analyse_form(model)
            } else {
                self.normalized(std::str::from_utf8(word).unwrap_or_default(), model)
            };
            self.short.insert(key, found);
            return found;
        }
        let word = std::str::from_utf8(word).unwrap_or_default();
        if let Some(&hit) = self.raw.get(word) {
            return hit;
        }
        let found = self.normalized(word, model);
        self.raw.insert(word.into(), found);
        found
    }

    /// The stem id and flags of a word as written, through the cache of
    /// normalized forms.
    fn normalized(&mut self, word: &str, model: &LangModel) -> (u32, u8) {
        normalize_into(word, &mut self.buf);
        // Short forms are keyed by packed integers (no allocation), longer
        // ones by strings.
        let form_key = short_key(self.buf.as_bytes(), 0, self.buf.len());
        let hit = match form_key {
            Some(key) => self.short_forms.get(&key),
            None => self.forms.get(self.buf.as_str()).copied(),
        };
        let hit = hit.or_else(|| model.lexicon().and_then(|l| l.form(&form_key?)));
        if let Some(hit) = hit {
            return hit;
        }
        let found = self.analyse_form(model);
        match form_key {
            Some(key) => self.short_forms.insert(key, found),
            None => {
                self.forms.insert(self.buf.as_str().into(), found);
            }
        }
        found
    }

    /// The stem id and flags of the normalized form in `self.buf`, not yet
    /// cached: its stem is computed and numbered if new.
    fn analyse_form(&mut self, model: &LangModel) -> (u32, u8) {
        let (stem, flags) = describe(model, &self.buf);
        // Global stem ids are numbered in order, after the lexicon's;
        // `local` has one slot each.
        let next = self.local.len() as u32;
        let id = match (model.lexicon().and_then(|l| l.stem_id(&stem)), short_key(stem.as_bytes(), 0, stem.len())) {
            (Some(id), _) => id,
            (None, Some(key)) => match self.short_stems.get(&key) {
                Some((id, _)) => id,
                None => {
                    self.short_stems.insert(key, (next, 0));
                    next
                }
            },
            (None, None) => *self.stems.entry(stem.into()).or_insert(next),
        };
        if id == next {
            self.local.push(u32::MAX);
        }
        (id, flags)
    }
}

/// The stem and flags of a normalized (lower-cased) word form.
fn describe<'a>(model: &'a LangModel, lower: &'a str) -> (Cow<'a, str>, u8) {
    let listed = model.word_flags(lower);
    let stop = listed & STOP != 0 || is_trivial(lower);
    let number = lower.chars().all(|c| c.is_numeric() || c == '.' || c == ',');
    // Stop words and numbers are kept as they are: stemming them changes
    // nothing that ranking uses, and it is the costliest step.
    let stem = if stop || lower.starts_with(|c: char| c.is_ascii_digit()) {
        Cow::Borrowed(lower)
    } else {
        stem_of(model, lower)
    };
    (stem, if stop { STOP } else { 0 } | if number { NUMBER } else { 0 } | listed & OPENER)
}

/// The [`ShortKey`] of the word `bytes[start..end]`, or `None` if it is
/// longer than 15 bytes. An ASCII word's key is lower-cased ([`fold_ascii`]),
/// so `The` and `the` share one; other words are keyed as written. Read as
/// two 8-byte loads and masked when the input has 16 bytes from `start`, so
/// no buffer is written and read back.
#[inline]
pub(crate) fn short_key(bytes: &[u8], start: usize, end: usize) -> Option<ShortKey> {
    let len = end - start;
    if len > 15 {
        return None;
    }
    let key = match bytes.get(start..start + 16) {
        Some(chunk) => {
            // The word's bytes, the rest masked off with no branch on the
            // length (a shift by at most 120 bits), and the length on top.
            let word = u128::from_le_bytes(chunk.try_into().unwrap_or_default()) & ((1u128 << (8 * len)) - 1);
            [word as u64, (word >> 64) as u64 | (len as u64) << 56]
        }
        // Near the end of the input: the same key, built in a buffer.
        None => crate::wordtable::pack_fast(&bytes[start..end]).map(|k| [k as u64, (k >> 64) as u64])?,
    };
    Some(fold_ascii(key))
}

/// The high bit of every byte of a word.
pub(crate) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Whether a key's word is ASCII (its length byte is below 16).
#[inline]
pub(crate) fn is_ascii_key(key: &ShortKey) -> bool {
    (key[0] | key[1]) & HIGH_BITS == 0
}

/// A key with its ASCII capitals lower-cased, eight bytes at a time; keys of
/// words with other characters are returned as they are.
#[inline]
fn fold_ascii(key: ShortKey) -> ShortKey {
    if !is_ascii_key(&key) {
        return key;
    }
    // On ASCII bytes, adding 0x3F sets the high bit from `A` up and adding
    // 0x25 from just past `Z` (no carry crosses a byte): their difference
    // marks the capitals, each of which gains 0x20.
    let fold = |x: u64| {
        let capitals = x.wrapping_add(0x3F3F_3F3F_3F3F_3F3F) & !x.wrapping_add(0x2525_2525_2525_2525) & HIGH_BITS;
        x | capitals >> 2
    };
    [fold(key[0]), fold(key[1])]
}

/// The words of a sentence of an alphabetic script ([`alphabetic_words`]):
/// pushes their tokens, not yet resolved (see [`Scratch::resolve`]), and
/// returns how many words a reader counts (runs of non-space text holding a
/// letter or digit).
fn alphabetic_sentence(text: &str, span: &SentenceSpan, tokens: &mut Vec<Token>) -> usize {
    let mut words = 0usize;
    words_in(text, span.start, span.end, |start, end, spaced| {
        words += usize::from(spaced);
        tokens.push(Token::new(0, 0, start, end));
    });
    words
}

/// Calls `f(start, end, spaced)` for each word of `s`: runs of letters,
/// digits and combining marks (so apostrophes split words, as elision in
/// French and Italian wants: `l'économie`). `spaced` tells whether white
/// space stands between the word and the one before (always for the first):
/// a reader counts a new word only then.
///
/// The text is read in blocks of up to 64 bytes, each turned into a bit
/// mask of its word bytes ([`word_mask`]); words are then found with a
/// trailing-zero count per edge, not a test per byte. A gap between words
/// is looked at only to tell whether it holds white space, and the usual
/// gap, one space, costs one comparison.
#[inline]
pub(crate) fn alphabetic_words(s: &str, f: impl FnMut(usize, usize, bool)) {
    words_in(s, 0, s.len(), f);
}

/// [`alphabetic_words`] of `text[start..end]` (a range on character
/// boundaries), with byte offsets in `text`. Blocks are read from `text`, past
/// `end` where it goes on (the bits past `end` are dropped), so that the end
/// of a sentence needs no copy.
#[inline]
fn words_in(text: &str, start: usize, end: usize, mut f: impl FnMut(usize, usize, bool)) {
    let bytes = text.as_bytes();
    // The open word's start, if one is open; where the gap since the last
    // word started (`None` before the first word).
    let (mut word_start, mut in_word, mut spaced) = (0usize, false, true);
    let mut gap_start: Option<usize> = None;
    let mut pos = start;
    while pos < end {
        let (len, mask) = word_mask(text, pos, end);
        // Bits from `i` up to the block's end.
        let from = |i: usize| (u64::MAX << i) & (u64::MAX >> (64 - len));
        let mut i = 0usize;
        while i < len {
            if in_word {
                // The word ends at the first byte from `i` that is in none.
                let rest = !mask & from(i);
                if rest == 0 {
                    break;
                }
                let e = pos + rest.trailing_zeros() as usize;
                f(word_start, e, spaced);
                in_word = false;
                gap_start = Some(e);
                i = e - pos;
            } else {
                let rest = mask & from(i);
                if rest == 0 {
                    break;
                }
                word_start = pos + rest.trailing_zeros() as usize;
                spaced = match gap_start {
                    None => true,
                    // A one-byte gap is an ASCII character.
                    Some(g) if word_start == g + 1 => is_ascii_space(bytes[g]),
                    Some(g) => has_space(&text[g..word_start]),
                };
                in_word = true;
                i = word_start - pos;
            }
        }
        pos += len;
    }
    if in_word {
        f(word_start, end, spaced);
    }
}

/// The bit mask of the word bytes (letters, digits, combining marks) of the
/// block of `text[..end]` from `pos` (bit `k` for byte `pos + k`), and the
/// block's length: 64 bytes, or fewer at `end` or to end on a character
/// boundary. Eight bytes are classified at a time, read from `text` even past
/// `end`; only the eight-byte chunks that hold other than ASCII are then
/// redone byte by byte, decoding each character where it starts.
#[inline]
fn word_mask(text: &str, pos: usize, end: usize) -> (usize, u64) {
    let bytes = text.as_bytes();
    let mut len = (end - pos).min(64);
    let mut copy = [0u8; 64];
    let block = match bytes.get(pos..pos + 64) {
        Some(block) => block,
        None => {
            // Near the end of the text: the same, from a copy.
            copy[..len].copy_from_slice(&bytes[pos..pos + len]);
            &copy
        }
    };
    // The word bytes, right for every chunk that is all ASCII, and the
    // chunks that are not (bit `k` for chunk `k`).
    let (mut mask, mut other) = (0u64, 0u32);
    for k in 0..8 {
        let x = u64::from_le_bytes(block[8 * k..8 * k + 8].try_into().unwrap_or_default());
        other |= u32::from(x & HIGH_BITS != 0) << k;
        mask |= compress(alnum_bytes(x)) << (8 * k);
    }
    // Chunks from `len` on do not matter.
    other &= (1u32 << len.div_ceil(8)) - 1;
    if other != 0 {
        while !text.is_char_boundary(pos + len) {
            len -= 1;
        }
        // Whether the current character is a word character; a chunk that
        // opens with a continuation byte follows one whose character began
        // there, and which was redone too.
        let mut word = false;
        while other != 0 {
            let k = other.trailing_zeros() as usize;
            other &= other - 1;
            let mut bits = 0u64;
            for i in 8 * k..(8 * k + 8).min(len) {
                let b = bytes[pos + i];
                if b < 0x80 {
                    word = ALNUM[b as usize];
                } else if b >= 0xC0 {
                    let c = text[pos + i..].chars().next().unwrap_or(' ');
                    word = c.is_alphanumeric() || is_mark(c);
                }
                bits |= u64::from(word) << (i - 8 * k);
            }
            mask = mask & !(0xFF << (8 * k)) | bits << (8 * k);
        }
    }
    (len, mask & (u64::MAX >> (64 - len)))
}

/// The high bit of each of the eight bytes of `x`, gathered into the low
/// eight bits (bit `k` for byte `k`): a multiplication moves each to its
/// place in the top byte, and no two products overlap or carry.
#[inline]
const fn compress(x: u64) -> u64 {
    ((x & HIGH_BITS) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The byte `b` in each of eight bytes.
const fn splat(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

/// The high bit of each byte of `x` (all ASCII) that lies in `lo..=hi`:
/// adding `0x80 - lo` sets a byte's high bit from `lo` up, adding
/// `0x7F - hi` from just past `hi`, and no carry crosses a byte.
#[inline]
const fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    x.wrapping_add(splat(0x80 - lo)) & !x.wrapping_add(splat(0x7F - hi)) & HIGH_BITS
}

/// The high bit of each letter or digit of an ASCII chunk (as [`ALNUM`]).
#[inline]
const fn alnum_bytes(x: u64) -> u64 {
    // `| 0x20` folds capitals onto small letters, and maps no other byte there.
    in_range(x, b'0', b'9') | in_range(x | splat(0x20), b'a', b'z')
}

/// Whether a gap between two words holds white space (a byte check for the
/// usual ASCII gap).
fn has_space(gap: &str) -> bool {
    // `char::is_whitespace` on each byte: unlike `u8::is_ascii_whitespace` it
    // counts the vertical tab, as `str::split_whitespace` does.
    if gap.is_ascii() { gap.bytes().any(|b| char::from(b).is_whitespace()) } else { gap.contains(char::is_whitespace) }
}

/// A word too short or too plain to carry meaning: one Latin letter, an apostrophe suffix.
fn is_trivial(lower: &str) -> bool {
    let mut chars = lower.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => c.is_ascii(),
        _ => false,
    }
}

/// The stem of a lower-cased word (words of up to three bytes are their
/// own stems).
fn stem_of<'a>(model: &'a LangModel, lower: &'a str) -> Cow<'a, str> {
    match &model.stemmer {
        Some(_) if model.english && english_keeps(lower.as_bytes()) => Cow::Borrowed(lower),
        Some(stemmer) if lower.len() > 3 => stemmer.stem(lower),
        _ => Cow::Borrowed(lower),
    }
}

/// Whether the English Snowball stemmer leaves a lower-case word as it is,
/// told from its last two letters (`false` when that cannot be told so). Every
/// step of the algorithm removes or replaces a suffix, and every suffix it
/// looks for at the end of a word as given (not after an earlier step cut
/// one) ends in `s`, `d`, `g`, `y`, `e`, `i` after `c`, `l`, `g` or `t`
/// (`-enci`, `-li`, `-ogi`, `-iti`), `l` after `a`, `u` or `l` (`-al`, `-ful`,
/// the doubled `l` of step 5), `n` after `o` (`-ion`), `m` after `s`
/// (`-ism`), `r` after `e` or `o` (`-er`, `-ator`), `t` after `n` or `s`
/// (`-ment`, `-ant`, `-ogist`) or `c` after `i` (`-ic`); so does every word
/// the algorithm treats as an exception (`skies`, `news`, `howe`). Words
/// ending otherwise (`Kyiv`, `Obama`, `Putin`, `Qatar`) are their own stems,
/// and are some two in five of the words the stemmer would otherwise see
/// after the lexicon. Checked against the stemmer on every word of the
/// lexicon and on words made up with every two-letter ending.
fn english_keeps(word: &[u8]) -> bool {
    let [.., before, last] = *word else { return true };
    match last {
        b's' | b'd' | b'g' | b'y' | b'e' => false,
        b'i' => !matches!(before, b'c' | b'l' | b'g' | b't'),
        b'l' => !matches!(before, b'a' | b'u' | b'l'),
        b'n' => before != b'o',
        b'm' => before != b's',
        b'r' => !matches!(before, b'e' | b'o'),
        b't' => !matches!(before, b'n' | b's'),
        b'c' => before != b'i',
        b'a'..=b'z' | b'0'..=b'9' => true,
        _ => false,
    }
}

/// Combining marks, which belong to the word they follow.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0E31..=0x0E3A | 0x0E47..=0x0E4E | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// NFKC-normalizes and lower-cases `word` into `buf`.
pub(crate) fn normalize_into(word: &str, buf: &mut String) {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
        return;
    }
    if is_nfkc_quick(word.chars()) == IsNormalized::Yes {
        buf.extend(word.chars().flat_map(char::to_lowercase));
    } else {
        buf.extend(word.nfkc().flat_map(char::to_lowercase));
    }
    // Typographic apostrophes inside words (`aujourd’hui`) as in plain text.
    if buf.contains('’') {
        *buf = buf.replace('’', "'");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::split;

    fn words_of(a: &Analyzer, text: &str, lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        a.for_each_word(text, 0..text.len(), lang, |r| out.push(text[r].to_string()));
        out
    }

    #[test]
    fn words_follow_unicode_boundaries() {
        let a = Analyzer::new();
        assert_eq!(words_of(&a, "It's 3.5% of $10m.", Lang::English), ["It", "s", "3", "5", "of", "10m"]);
        assert_eq!(words_of(&a, "L'économie française", Lang::French), ["L", "économie", "française"]);
        assert_eq!(words_of(&a, "Київ — столиця України.", Lang::Ukrainian), ["Київ", "столиця", "України"]);
        let zh = words_of(&a, "我们中出了一个叛徒", Lang::Chinese);
        assert!(zh.len() >= 4, "{zh:?}");
    }

    #[test]
    fn stems_group_word_forms() {
        let a = Analyzer::new();
        let text = "Connections were connected. The connection holds.";
        let spans = split(text, Lang::English);
        let doc = a.analyze(text, &spans, Lang::English, &mut Scratch::default());
        let content: Vec<u32> = doc.tokens.iter().filter(|t| !t.stop).map(|t| t.stem).collect();
        // connections, connected, connection share a stem; holds has its own.
        assert_eq!(content.len(), 4);
        assert!(content[0] == content[1] && content[1] == content[2] && content[2] != content[3]);
        assert_eq!(doc.word_counts, [3, 3]);
    }

    /// Every word of the English lexicon, as written, capitalized, and with
    /// endings it may not list (so the stemmer makes stems the lexicon has
    /// numbered), every stop word and dependent opener, and numbers: the same tokens, stems and
    /// flags with the lexicon as without, in a fresh working memory and a
    /// used one.
    #[test]
    fn the_lexicon_changes_no_analysis() {
        let list = include_str!("../data/english-stems.txt");
        let mut text = String::from("The the THE about About however However 3.5 1,000 it's I a. ");
        // Every stop word and dependent opener, as written and capitalized.
        for w in stopwords::words(Lang::English)
            .into_iter()
            .chain(crate::rank::dependent_openers(Lang::English).iter().copied())
        {
            text +=
                &format!("{w} {}{} ", w.get(..1).unwrap_or_default().to_uppercase(), w.get(1..).unwrap_or_default());
        }
        text += ". ";
        for (i, w) in list.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split(' ').next()).enumerate() {
            let mut capital = w.to_string();
            capital[..1].make_ascii_uppercase();
            let variant = [capital, format!("{w}s"), format!("{w}ing"), format!("{w}ed"), format!("{w}ly")];
            text += &format!("{w} {} ", variant[i % variant.len()]);
            if i % 12 == 11 {
                text += "of the. ";
            }
        }
        let spans = split(&text, Lang::English);
        let tokens = |doc: &Doc| -> Vec<(u32, bool, bool, bool, u32, u32)> {
            doc.tokens.iter().map(|t| (t.stem, t.stop, t.number, t.opener, t.start, t.end)).collect()
        };
        let (with, without) = (Analyzer::new(), Analyzer::without_lexicon());
        let expected = without.analyze(&text, &spans, Lang::English, &mut Scratch::default());
        assert!(expected.tokens.len() > 75_000);
        let mut scratch = Scratch::default();
        for round in 0..2 {
            let doc = with.analyze(&text, &spans, Lang::English, &mut scratch);
            assert_eq!(doc.stems, expected.stems, "round {round}");
            assert!(tokens(&doc) == tokens(&expected), "round {round}");
            scratch.spare = doc;
        }
    }

    #[test]
    fn ukrainian_is_stemmed_and_stopped() {
        let a = Analyzer::new();
        let text = "Міністр заявив, що переговори тривають. Переговорів не буде.";
        let spans = split(text, Lang::Ukrainian);
        let doc = a.analyze(text, &spans, Lang::Ukrainian, &mut Scratch::default());
        let content: Vec<&str> =
            doc.tokens.iter().filter(|t| !t.stop).map(|t| &text[t.start as usize..t.end as usize]).collect();
        assert_eq!(content, ["Міністр", "переговори", "тривають", "Переговорів"]);
        let stems: Vec<_> = doc.tokens.iter().filter(|t| !t.stop).map(|t| t.stem).collect();
        // "переговори" and "переговорів" share a stem.
        assert_eq!(stems[1], stems[3]);
    }

    #[test]
    fn words_are_counted_across_every_kind_of_space() {
        let a = Analyzer::new();
        let text = "one\u{b}two\u{c}three\tfour\u{a0}five six-seven";
        let spans = split(text, Lang::English);
        let doc = a.analyze(text, &spans, Lang::English, &mut Scratch::default());
        assert_eq!(doc.word_counts.iter().sum::<usize>(), text.split_whitespace().count());
    }

    #[test]
    fn short_keys_do_not_depend_on_what_follows() {
        let padded = "said the minister of state in a long sentence";
        for (start, end) in [(0, 4), (5, 8), (9, 17), (0, 15), (30, 31), (9, 9)] {
            let word = &padded.as_bytes()[start..end];
            let alone = short_key(word, 0, word.len());
            assert_eq!(short_key(padded.as_bytes(), start, end), alone);
            let packed = crate::wordtable::pack(word).map(|k| [k as u64, (k >> 64) as u64]);
            assert_eq!(alone, packed);
        }
        assert_eq!(short_key(padded.as_bytes(), 0, 16), None);
    }

    #[test]
    fn chunk_classes_match_the_byte_tables() {
        for b in 0..128u8 {
            let chunk = u64::from_le_bytes([b'x', b, b' ', b, b'-', b'Q', b, b'\n']);
            let expect = |f: &dyn Fn(u8) -> bool| {
                chunk.to_le_bytes().iter().enumerate().map(|(k, &c)| if f(c) { 0x80u64 << (8 * k) } else { 0 }).sum()
            };
            assert_eq!(alnum_bytes(chunk), expect(&|c| ALNUM[c as usize]), "{b}");
            let bits: u64 =
                chunk.to_le_bytes().iter().enumerate().map(|(k, &c)| u64::from(ALNUM[c as usize]) << k).sum();
            assert_eq!(compress(alnum_bytes(chunk)), bits, "{b}");
        }
    }

    #[test]
    fn words_are_the_same_read_in_chunks_or_bytes() {
        let text = "The U.S.-based firm's CEO, J. K. Rowling — said: «l'économie» \u{b}grew 3.5% in 2024!!\n\
                    Naïve café-owners\t\tdisagreed; Київ столиця.  Sehr   gut…   abcdefghijklmnopqrstuvwxyz0123456789 \
                    Supercalifragilisticexpialidocious-and-then-some-more-letters-to-span-a-block-of-64 \
                    ÀÉÎÕÜàéîõüÀÉÎÕÜàéîõüÀÉÎÕÜàéîõüÀÉÎÕÜ x\u{301}y — z\u{a0}w.";
        for start in 0..text.len() {
            if !text.is_char_boundary(start) {
                continue;
            }
            let s = &text[start..];
            let mut chunked = Vec::new();
            alphabetic_words(s, |a, b, spaced| chunked.push((a, b, spaced)));
            let expected = words_by_chars(s);
            assert_eq!(chunked, expected, "{s:?}");
            // A range of a longer text (a sentence): blocks are read past its
            // end, and only its own words come back, at their offsets in the text.
            for end in (start..=text.len()).step_by(7).filter(|&e| text.is_char_boundary(e)) {
                let mut ranged = Vec::new();
                words_in(text, start, end, |a, b, spaced| ranged.push((a - start, b - start, spaced)));
                let mut alone = Vec::new();
                alphabetic_words(&text[start..end], |a, b, spaced| alone.push((a, b, spaced)));
                assert_eq!(ranged, alone, "{:?}", &text[start..end]);
            }
        }
    }

    /// The words of `s` one character at a time, as the definition says.
    fn words_by_chars(s: &str) -> Vec<(usize, usize, bool)> {
        let mut expected = Vec::new();
        let (mut word, mut spaced) = (None, true);
        for (i, c) in s.char_indices().chain([(s.len(), ' ')]) {
            let in_word = i < s.len() && (c.is_alphanumeric() || is_mark(c));
            match (word, in_word) {
                (None, true) => word = Some(i),
                (Some(a), false) => {
                    expected.push((a, i, spaced));
                    (word, spaced) = (None, false);
                }
                _ => {}
            }
            if !in_word && c.is_whitespace() && i < s.len() {
                spaced = true;
            }
        }
        expected
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]

        /// Any text, and any range of it (a sentence in a longer text):
        /// the block scanner finds the words the definition does.
        #[test]
        fn block_scanner_follows_the_definition(
            text in "(\\PC|[a-z ]{1,70}|[\u{300}-\u{36F}\u{a0}\u{b}éЖ中’]){0,40}",
            cut in 0usize..400,
            from in 0usize..400,
        ) {
            let mut found = Vec::new();
            alphabetic_words(&text, |a, b, spaced| found.push((a, b, spaced)));
            proptest::prop_assert_eq!(&found, &words_by_chars(&text));
            let mut end = cut.min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let mut start = from.min(end);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut ranged = Vec::new();
            words_in(&text, start, end, |a, b, spaced| ranged.push((a - start, b - start, spaced)));
            proptest::prop_assert_eq!(ranged, words_by_chars(&text[start..end]));
        }
    }

    #[test]
    fn ascii_keys_ignore_case_and_others_do_not() {
        let key = |w: &str| short_key(w.as_bytes(), 0, w.len());
        assert_eq!(key("The"), key("the"));
        assert_eq!(key("MINISTER-OF"), key("minister-of"));
        assert_eq!(key("AZaz@[`{09"), key("azaz@[`{09"));
        assert_ne!(key("Été"), key("été"));
        // Every ASCII byte folds as `to_ascii_lowercase` does.
        for b in 0..128u8 {
            let w = [b, b'Q', b];
            let lower = w.to_ascii_lowercase();
            assert_eq!(short_key(&w, 0, 3), short_key(&lower, 0, 3).map(fold_ascii), "{b}");
            assert_eq!(short_key(&w, 0, 3), crate::wordtable::pack_fast(&lower).map(|k| [k as u64, (k >> 64) as u64]));
        }
    }

    /// Words of the lexicon, and made-up words with every two-letter
    /// ending: where [`english_keeps`] says so, the stemmer keeps the word.
    #[test]
    fn english_keeps_only_what_the_stemmer_keeps() {
        let stemmer = Stemmer::new(Algorithm::English);
        let list = include_str!("../data/english-stems.txt");
        let mut words: Vec<String> = list
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split(' ').next())
            .map(str::to_string)
            .collect();
        // Made-up stems of 2 to 9 letters (a fixed pseudo-random sequence),
        // each given every ending of two letters or digits.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let endings = b"abcdefghijklmnopqrstuvwxyz0123456789";
        for &a in endings {
            for &b in endings {
                for _ in 0..40 {
                    let len = 2 + next(8) as usize;
                    let mut w: Vec<u8> =
                        (0..len).map(|_| b"abcdefghijklmnopqrstuvwxyzaeiou"[next(31) as usize]).collect();
                    w.extend([a, b]);
                    words.push(String::from_utf8(w).unwrap_or_default());
                }
            }
        }
        let mut kept = 0;
        for w in &words {
            if english_keeps(w.as_bytes()) {
                assert_eq!(stemmer.stem(w), w.as_str(), "{w}");
                kept += 1;
            }
        }
        assert!(kept > 10_000, "{kept}");
        assert!(!english_keeps(b"ogist") && !english_keeps(b"nation") && !english_keeps(b"skies"));
    }

    #[test]
    fn nfkc_and_case_folding() {
        let mut buf = String::new();
        normalize_into("ＦＵＬＬ", &mut buf);
        assert_eq!(buf, "full");
        normalize_into("ﬁnance", &mut buf);
        assert_eq!(buf, "finance");
        normalize_into("Straße", &mut buf);
        assert_eq!(buf, "straße");
    }
}
