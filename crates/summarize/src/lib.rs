//! Newsdesk's summarizer: faithful, traceable, multilingual extractive
//! summaries of news articles.
//!
//! Every summary sentence is a sentence of the article, word for word, and
//! carries its index in the article and the exact byte range of its text in
//! the input. Nothing is generated, so nothing is invented.
//!
//! The pipeline: [split] the text into sentences, analyse their words
//! (Unicode word boundaries, NFKC, case folding, Snowball stemming, stop words,
//! Chinese segmentation), score each sentence on position, centrality, title
//! overlap, length and form, then pick the best greedily while avoiding
//! redundancy and sentences that cannot stand alone, and return them in
//! article order.
//!
//! The crate is pure: no I/O, no global state, no threads. A [`Summarizer`]
//! holds the read-only language resources; share one (it is `Sync`) rather
//! than building one per call.
//!
//! # Example
//!
//! ```
//! use summarize::{Length, Options, Summarizer};
//!
//! let article = "The city council approved a new budget on Monday after months of debate. \
//!     The plan raises spending on schools and public transport by ten percent. \
//!     Critics said the increase would require higher local taxes next year. \
//!     The mayor called the vote a turning point for the city. \
//!     The budget takes effect in January.";
//! let summarizer = Summarizer::new();
//! let summary = summarizer.summarize(article, &Options { length: Length::Sentences(2), ..Options::default() });
//!
//! assert_eq!(summary.sentences.len(), 2);
//! for s in &summary.sentences {
//!     // Each sentence is an exact slice of the input.
//!     assert_eq!(&article[s.start..s.end], s.text);
//! }
//! println!("{}", summary.text());
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod analyze;
mod features;
mod formcache;
mod keywords;
mod lang;
mod lexicon;
pub mod paragraphs;
pub mod rouge;
mod select;
pub mod split;
mod stopwords;
pub mod terms;
mod text;
mod trained;
mod weights;
mod wordtable;

pub use features::Features;
pub use lang::{Lang, UnknownLang, detect};
pub use split::SentenceSpan;
pub use weights::Weights;

use analyze::Analyzer;

/// The summarizer's version: stored beside cached summaries, so that they are
/// recomputed when the algorithm or its weights change.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+w", "6");

/// Working memory of the summarizer, reusable across articles: a cache of the
/// stems of word forms already seen, and the buffers of the last article's
/// analysis, key phrases and choice of sentences. Reusing one per thread
/// makes batches much faster; its memory is bounded ([`Scratch::MAX_FORMS`]).
#[derive(Default)]
pub struct Scratch {
    /// The analysis's cache of word forms and numbering of stems.
    analysis: analyze::Memory,
    /// The buffers of the last article's analysis, to reuse.
    spare: analyze::Doc,
    /// The last article's sentence spans, to reuse.
    spare_spans: Vec<SentenceSpan>,
    /// Working memory of the key phrases.
    keywords: keywords::Buffers,
    /// Working memory of the choice of sentences.
    select: select::Buffers,
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scratch").field("analysis", &self.analysis).finish_non_exhaustive()
    }
}

impl Scratch {
    /// The cache is emptied when it holds more word forms than this.
    pub const MAX_FORMS: usize = analyze::Memory::MAX_FORMS;
}

/// How long a summary should be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Length {
    /// At most this many sentences.
    Sentences(usize),
    /// As many sentences as fit in this many words; never more words.
    Words(usize),
    /// This share of the article's sentences (0.0 to 1.0), at least one.
    Ratio(f64),
}

impl Default for Length {
    fn default() -> Self {
        Length::Sentences(3)
    }
}

/// What to summarize and how.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    /// How long the summary should be (default: 3 sentences).
    pub length: Length,
    /// The article's title, when known: sentences close to it rank higher.
    pub title: Option<&'a str>,
    /// The article's language; detected from the text when `None`.
    pub lang: Option<Lang>,
    /// How many key phrases to return (default 8; 0 skips them).
    pub keywords: usize,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options { length: Length::default(), title: None, lang: None, keywords: 8 }
    }
}

/// One sentence of a summary, traceable to its place in the article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extract {
    /// Zero-based index of the sentence among the article's sentences.
    pub index: usize,
    /// Byte offset of the sentence's first character in the input.
    pub start: usize,
    /// Byte offset just past its last character.
    pub end: usize,
    /// The sentence: exactly `input[start..end]`.
    pub text: String,
}

/// A summary of an article.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// The language the article was analysed as.
    pub lang: Lang,
    /// The chosen sentences, in article order.
    pub sentences: Vec<Extract>,
    /// How many sentences the article has.
    pub total_sentences: usize,
    /// Key phrases of the article, best first.
    pub keywords: Vec<String>,
    /// Whether the first summary sentence opens with a word that refers back
    /// to something before it ("He", "However") — kept only when nothing better was found.
    pub starts_dependent: bool,
}

impl Summary {
    /// The summary as one paragraph: the sentences joined by single spaces.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.sentences.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&s.text);
        }
        out
    }

    /// The summary as key points: one `- sentence` line each.
    pub fn bullets(&self) -> String {
        self.sentences.iter().map(|s| format!("- {}\n", s.text)).collect()
    }
}

/// The summarizer: language resources plus the ranking weights.
pub struct Summarizer {
    analyzer: Analyzer,
    /// Weights that replace the built-in per-language ones, if set.
    weights: Option<Weights>,
}

impl Default for Summarizer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Summarizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Summarizer").field("weights", &self.weights).finish_non_exhaustive()
    }
}

/// An article after splitting and analysis, with the features of each
/// sentence: what ranking works on. Useful for tuning and inspection.
#[derive(Debug)]
pub struct Analysis {
    /// The language used.
    pub lang: Lang,
    /// The sentences, as byte ranges of the input.
    pub spans: Vec<SentenceSpan>,
    /// The features of each sentence.
    pub features: Vec<Features>,
    doc: analyze::Doc,
}

impl Analysis {
    /// Where a reader would want paragraph breaks that the text does not
    /// have: the indexes (into [`Analysis::spans`]) of the sentences that
    /// should start a new paragraph, in order. Only paragraphs of more than
    /// [`paragraphs::LONGEST`] sentences (a body with no breaks at all, most
    /// often) are cut, into paragraphs of [`paragraphs::SHORTEST`] to
    /// [`paragraphs::LONGEST_NEW`] sentences, where the topic shifts (lexical
    /// cohesion between neighbouring sentences, as in TextTiling) and never
    /// before a sentence that leans on the one before it. The text's own
    /// paragraph starts are not listed; a text whose paragraphs are short
    /// enough gets none.
    pub fn paragraph_breaks(&self) -> Vec<usize> {
        paragraphs::breaks(&self.spans, &self.doc, &self.features)
    }

    /// The top `k` key phrases of `text`, the text this analysis was made
    /// of: what [`Summarizer::keywords`] gives, without analysing it again.
    pub fn keywords(&self, text: &str, k: usize) -> Vec<String> {
        keywords::keywords(text, &self.doc, k, &mut keywords::Buffers::default())
    }
}

impl Summarizer {
    /// A summarizer with the built-in weights (per language).
    pub fn new() -> Self {
        Summarizer { analyzer: Analyzer::new(), weights: None }
    }

    /// A summarizer with other weights, for every language (for tuning).
    pub fn with_weights(weights: Weights) -> Self {
        Summarizer { analyzer: Analyzer::new(), weights: Some(weights) }
    }

    /// The weights used for `lang`.
    pub fn weights(&self, lang: Lang) -> &Weights {
        self.weights.as_ref().unwrap_or_else(|| weights::for_lang(lang))
    }

    /// Summarizes `text`. Never fails and never panics: an empty or
    /// sentence-less text gives an empty summary.
    pub fn summarize(&self, text: &str, options: &Options<'_>) -> Summary {
        self.summarize_with(&mut Scratch::default(), text, options)
    }

    /// Summarizes `text` reusing `scratch`, the working memory of an earlier
    /// call: the same result as [`Summarizer::summarize`], faster in a loop.
    /// Keep one `Scratch` per thread.
    pub fn summarize_with(&self, scratch: &mut Scratch, text: &str, options: &Options<'_>) -> Summary {
        let analysis = self.analyze_with(scratch, text, options.title, options.lang);
        let keywords = keywords::keywords(text, &analysis.doc, options.keywords, &mut scratch.keywords);
        let weights = self.weights(analysis.lang);
        let mut summary = self.select_with(&mut scratch.select, text, &analysis, options.length, weights);
        summary.keywords = keywords;
        // Give the buffers back for the next article.
        scratch.spare = analysis.doc;
        scratch.spare_spans = analysis.spans;
        summary
    }

    /// Splits and analyses `text` and computes sentence features.
    pub fn analyze(&self, text: &str, title: Option<&str>, lang: Option<Lang>) -> Analysis {
        self.analyze_with(&mut Scratch::default(), text, title, lang)
    }

    /// [`Summarizer::analyze`] reusing `scratch`.
    pub fn analyze_with(&self, scratch: &mut Scratch, text: &str, title: Option<&str>, lang: Option<Lang>) -> Analysis {
        let lang = lang.unwrap_or_else(|| detect(text));
        let mut spans = std::mem::take(&mut scratch.spare_spans);
        split::split_into(text, lang, &mut spans);
        let doc = self.analyzer.analyze(text, &spans, lang, &mut scratch.analysis, std::mem::take(&mut scratch.spare));
        let title_stems = match title {
            Some(t) if !t.trim().is_empty() => self.analyzer.content_stems(t, lang, &mut scratch.analysis),
            _ => Vec::new(),
        };
        let features = features::features(text, &spans, &doc, &title_stems);
        Analysis { lang, spans, features, doc }
    }

    /// The number of words of each sentence, as the word budget counts them:
    /// runs of text between spaces that hold a letter or digit (for Chinese,
    /// the segmenter's words).
    pub fn word_counts<'a>(&self, analysis: &'a Analysis) -> &'a [usize] {
        &analysis.doc.word_counts
    }

    /// Chooses the summary sentences of an analysed article with `weights`.
    pub fn select(&self, text: &str, analysis: &Analysis, length: Length, weights: &Weights) -> Summary {
        self.select_with(&mut select::Buffers::default(), text, analysis, length, weights)
    }

    /// [`Summarizer::select`] reusing `buffers`.
    fn select_with(
        &self,
        buffers: &mut select::Buffers,
        text: &str,
        analysis: &Analysis,
        length: Length,
        weights: &Weights,
    ) -> Summary {
        let n = analysis.spans.len();
        let budget = match length {
            Length::Sentences(k) => select::Budget::Sentences(k),
            Length::Words(w) => select::Budget::Words(w),
            Length::Ratio(r) => {
                let r = if r.is_finite() { r.clamp(0.0, 1.0) } else { 0.0 };
                select::Budget::Sentences(((n as f64 * r).ceil() as usize).max(1))
            }
        };
        let mut chosen = select::select(&analysis.doc, &analysis.features, weights, budget, buffers);
        if let select::Budget::Sentences(k) = budget {
            select::fill_up(text, &analysis.spans, &analysis.doc.word_counts, &analysis.features, k, &mut chosen);
        }
        let starts_dependent = chosen.first().is_some_and(|&i| analysis.features[i].dependent > 0.0);
        let sentences = chosen
            .into_iter()
            .map(|i| {
                let s = analysis.spans[i];
                Extract { index: i, start: s.start, end: s.end, text: text[s.start..s.end].to_string() }
            })
            .collect();
        Summary { lang: analysis.lang, sentences, total_sentences: n, keywords: Vec::new(), starts_dependent }
    }

    /// The top `k` key phrases of `text`.
    pub fn keywords(&self, text: &str, lang: Option<Lang>, k: usize) -> Vec<String> {
        let analysis = self.analyze(text, None, lang);
        keywords::keywords(text, &analysis.doc, k, &mut keywords::Buffers::default())
    }

    /// [`Analysis::paragraph_breaks`] of `text`: the indexes of the sentences
    /// of `text` (as [`Summarizer::sentences`] gives them) that should start
    /// a new paragraph besides the text's own (the language is detected when
    /// `None`).
    ///
    /// ```
    /// let summarizer = summarize::Summarizer::new();
    /// let text = "One. Two. Three.";
    /// assert!(summarizer.paragraph_breaks(text, None).is_empty()); // short enough
    /// ```
    pub fn paragraph_breaks(&self, text: &str, lang: Option<Lang>) -> Vec<usize> {
        self.analyze(text, None, lang).paragraph_breaks()
    }

    /// The sentences of `text`, as byte ranges (the language is detected when `None`).
    pub fn sentences(&self, text: &str, lang: Option<Lang>) -> Vec<SentenceSpan> {
        split::split(text, lang.unwrap_or_else(|| detect(text)))
    }
}
