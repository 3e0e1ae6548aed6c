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

use crate::formcache::{FormCache, ShortKey, is_ascii_key, short_key};
use crate::lang::Lang;
use crate::lexicon::Lexicon;
use crate::split::SentenceSpan;
use crate::stopwords;
use crate::text::{alphabetic_words, has_space, words_in};

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
        for &word in stopwords::dependent_openers(lang) {
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
        let lists = stop_words.iter().copied().chain(stopwords::dependent_openers(Lang::English).iter().copied());
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

    /// Analyses the sentences of an article, reusing `spare`, the buffers
    /// of an earlier article's analysis, and `scratch`'s cache of stems.
    pub(crate) fn analyze(
        &self,
        text: &str,
        spans: &[SentenceSpan],
        lang: Lang,
        scratch: &mut Memory,
        spare: Doc,
    ) -> Doc {
        let model = self.model(lang);
        scratch.begin(lang, model);
        let Doc { mut tokens, mut sentences, mut word_counts, .. } = spare;
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
    pub(crate) fn content_stems(&self, text: &str, lang: Lang, scratch: &mut Memory) -> Vec<u32> {
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

/// The analysis's part of the working memory ([`Scratch`](crate::Scratch)),
/// reusable across articles: a cache of the stems of word forms already
/// seen, and the numbering of one article's stems. Its memory is bounded
/// ([`Memory::MAX_FORMS`]).
#[derive(Default)]
pub(crate) struct Memory {
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
    /// into before knowing whether an id is new (see [`Memory::local_id`]).
    touched: Vec<u32>,
    touched_len: usize,
    /// Cache look-ups of the article's words.
    found: Vec<(u32, u8)>,
    /// The cache keys of the article's words ([`NO_KEY`] for long words).
    keys: Vec<ShortKey>,
    buf: String,
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memory")
            .field("lang", &self.lang)
            .field("forms", &(self.forms.len() + self.short_forms.len()))
            .finish_non_exhaustive()
    }
}

impl Memory {
    /// The cache is emptied when it holds more word forms than this.
    pub(crate) const MAX_FORMS: usize = 200_000;

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

    /// [`Memory::global`] of the word `bytes[start..end]` (a whole UTF-8
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

/// The words of a sentence of an alphabetic script ([`alphabetic_words`]):
/// pushes their tokens, not yet resolved (see [`Memory::resolve`]), and
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
        let doc = a.analyze(text, &spans, Lang::English, &mut Memory::default(), Doc::default());
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
            .chain(stopwords::dependent_openers(Lang::English).iter().copied())
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
        let expected = without.analyze(&text, &spans, Lang::English, &mut Memory::default(), Doc::default());
        assert!(expected.tokens.len() > 75_000);
        let (mut scratch, mut spare) = (Memory::default(), Doc::default());
        for round in 0..2 {
            let doc = with.analyze(&text, &spans, Lang::English, &mut scratch, spare);
            assert_eq!(doc.stems, expected.stems, "round {round}");
            assert!(tokens(&doc) == tokens(&expected), "round {round}");
            spare = doc;
        }
    }

    #[test]
    fn ukrainian_is_stemmed_and_stopped() {
        let a = Analyzer::new();
        let text = "Міністр заявив, що переговори тривають. Переговорів не буде.";
        let spans = split(text, Lang::Ukrainian);
        let doc = a.analyze(text, &spans, Lang::Ukrainian, &mut Memory::default(), Doc::default());
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
        let doc = a.analyze(text, &spans, Lang::English, &mut Memory::default(), Doc::default());
        assert_eq!(doc.word_counts.iter().sum::<usize>(), text.split_whitespace().count());
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
