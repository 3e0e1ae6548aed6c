//! Word analysis: Unicode word boundaries, NFKC normalization, lower-casing,
//! Snowball stemming, stop words, and Chinese word segmentation.
//!
//! A [`Doc`] holds every word token of an article as a stem id, so that the
//! ranking works on small integers, never on strings. Stemming runs once per
//! distinct word form of an article.

use std::ops::Range;
use std::sync::OnceLock;

use frostem::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::{IsNormalized, is_nfkc_quick};
use unicode_segmentation::UnicodeSegmentation;

use crate::lang::Lang;
use crate::split::SentenceSpan;
use crate::stopwords;

/// What the analysis knows of one language.
pub(crate) struct LangModel {
    stemmer: Option<Stemmer>,
    stop: FxHashSet<&'static str>,
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
        LangModel { stemmer: algorithm.map(Stemmer::new), stop: stopwords::words(lang).into_iter().collect() }
    }

    pub(crate) fn is_stop(&self, lower: &str) -> bool {
        self.stop.contains(lower)
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
        } else if s.is_ascii() {
            let bytes = s.as_bytes();
            let mut i = 0usize;
            while i < bytes.len() {
                while i < bytes.len() && !bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                if i > start {
                    f(base + start..base + i);
                }
            }
        } else {
            for (start, word) in s.unicode_word_indices() {
                f(base + start..base + start + word.len());
            }
        }
    }

    /// Analyses the sentences of an article.
    pub(crate) fn analyze(&self, text: &str, spans: &[SentenceSpan], lang: Lang) -> Doc {
        let model = self.model(lang);
        let mut vocab = Vocab::default();
        let mut tokens = Vec::with_capacity(text.len() / 5);
        let mut sentences = Vec::with_capacity(spans.len());
        for span in spans {
            let first = tokens.len();
            self.for_each_word(text, span.start..span.end, lang, |r| {
                let word = &text[r.clone()];
                let (stem, stop) = vocab.lookup(word, model);
                tokens.push(Token { stem, stop, start: r.start as u32, end: r.end as u32 });
            });
            sentences.push(first..tokens.len());
        }
        let stems = vocab.stems.len();
        Doc { tokens, sentences, stems, stem_text: vocab.stem_text }
    }

    /// Analyses a short text such as a title into a list of content stem ids
    /// of `doc`'s vocabulary (words that are not in the article are dropped).
    pub(crate) fn content_stems(&self, doc_text: &str, doc: &Doc, text: &str, lang: Lang) -> Vec<u32> {
        let _ = doc_text;
        let model = self.model(lang);
        let mut out = Vec::new();
        let mut buf = String::new();
        let index: FxHashMap<&str, u32> =
            doc.stem_text.iter().enumerate().map(|(i, s)| (s.as_str(), i as u32)).collect();
        self.for_each_word(text, 0..text.len(), lang, |r| {
            normalize_into(&text[r], &mut buf);
            if model.is_stop(&buf) || is_trivial(&buf) {
                return;
            }
            let stem = stem_of(model, &buf);
            if let Some(&id) = index.get(stem.as_str()) {
                if !out.contains(&id) {
                    out.push(id);
                }
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
    /// Byte range of the word in the input.
    pub start: u32,
    pub end: u32,
}

/// The analysed article.
#[derive(Debug)]
pub(crate) struct Doc {
    pub tokens: Vec<Token>,
    /// For each sentence, its range of `tokens`.
    pub sentences: Vec<Range<usize>>,
    /// How many distinct stems the article has.
    pub stems: usize,
    /// The text of each stem.
    pub stem_text: Vec<String>,
}

impl Doc {
    pub(crate) fn sentence_tokens(&self, i: usize) -> &[Token] {
        &self.tokens[self.sentences[i].clone()]
    }
}

#[derive(Default)]
struct Vocab {
    /// Normalized word form → (stem id, stop word).
    forms: FxHashMap<Box<str>, (u32, bool)>,
    /// Stem → stem id.
    stems: FxHashMap<Box<str>, u32>,
    stem_text: Vec<String>,
    buf: String,
}

impl Vocab {
    fn lookup(&mut self, word: &str, model: &LangModel) -> (u32, bool) {
        normalize_into(word, &mut self.buf);
        if let Some(&hit) = self.forms.get(self.buf.as_str()) {
            return hit;
        }
        let stop = model.is_stop(&self.buf) || is_trivial(&self.buf);
        let stem = stem_of(model, &self.buf);
        let next = self.stems.len() as u32;
        let id = *self.stems.entry(stem.as_str().into()).or_insert_with(|| {
            self.stem_text.push(stem.clone());
            next
        });
        self.forms.insert(self.buf.as_str().into(), (id, stop));
        (id, stop)
    }
}

/// A word too short or too plain to carry meaning: one Latin letter, an apostrophe suffix.
fn is_trivial(lower: &str) -> bool {
    let mut chars = lower.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => c.is_ascii(),
        _ => false,
    }
}

fn stem_of(model: &LangModel, lower: &str) -> String {
    match &model.stemmer {
        Some(stemmer) if lower.len() > 3 => stemmer.stem(lower).into_owned(),
        _ => lower.to_string(),
    }
}

/// NFKC-normalizes and lower-cases `word` into `buf`.
pub(crate) fn normalize_into(word: &str, buf: &mut String) {
    buf.clear();
    if word.is_ascii() {
        buf.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char));
    } else if is_nfkc_quick(word.chars()) == IsNormalized::Yes {
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
        assert_eq!(words_of(&a, "L'économie française", Lang::French), ["L'économie", "française"]);
        assert_eq!(words_of(&a, "Київ — столиця України.", Lang::Ukrainian), ["Київ", "столиця", "України"]);
        let zh = words_of(&a, "我们中出了一个叛徒", Lang::Chinese);
        assert!(zh.len() >= 4, "{zh:?}");
    }

    #[test]
    fn stems_group_word_forms() {
        let a = Analyzer::new();
        let text = "Connections were connected. The connection holds.";
        let spans = split(text, Lang::English);
        let doc = a.analyze(text, &spans, Lang::English);
        let content: Vec<&str> =
            doc.tokens.iter().filter(|t| !t.stop).map(|t| doc.stem_text[t.stem as usize].as_str()).collect();
        assert_eq!(content, ["connect", "connect", "connect", "hold"]);
    }

    #[test]
    fn ukrainian_is_stemmed_and_stopped() {
        let a = Analyzer::new();
        let text = "Міністр заявив, що переговори тривають. Переговорів не буде.";
        let spans = split(text, Lang::Ukrainian);
        let doc = a.analyze(text, &spans, Lang::Ukrainian);
        let content: Vec<&str> =
            doc.tokens.iter().filter(|t| !t.stop).map(|t| doc.stem_text[t.stem as usize].as_str()).collect();
        assert!(!content.contains(&"що") && !content.contains(&"не"));
        let stems: Vec<_> = doc.tokens.iter().filter(|t| !t.stop).map(|t| t.stem).collect();
        // "переговори" and "переговорів" share a stem.
        assert!(stems.len() >= 3);
        assert_eq!(doc.stem_text[stems[1] as usize], doc.stem_text[stems[3] as usize]);
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
