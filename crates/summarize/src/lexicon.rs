//! Precomputed Snowball stems of common word forms, so that the analysis
//! runs the stemmer (some 2,500 instructions a word in English, the costliest
//! step of analysing a word not seen before) only on the rarer ones.
//!
//! English only for now: the stems of the 39,534 lower-case words of SCOWL
//! size 35, a general-purpose English word list (`data/english-stems.txt`,
//! made by `examples/english_lexicon.rs`; nothing in it comes from the
//! development sets). The table is exactly what the stemmer gives: a test
//! checks every entry against it, so a summary is the same with or without
//! the table, only faster to compute when a word form is new to the working
//! memory, which is every form of a one-off call.

use crate::analyze::short_key;
use crate::formcache::FormCache;

/// Lower-case word → its stem, for words of 4 to 15 bytes.
pub(crate) struct Lexicon {
    /// Word → (offset of its stem in `stems`, stem length); length 0 when
    /// the stem is the word itself.
    table: FormCache,
    stems: String,
}

impl Lexicon {
    /// The English table, built from the embedded list (about a millisecond).
    pub(crate) fn english() -> Lexicon {
        Lexicon::parse(include_str!("../data/english-stems.txt"))
    }

    /// Reads `word` or `word stem` lines; `#` lines are comments.
    fn parse(list: &str) -> Lexicon {
        let mut table = FormCache::with_capacity(list.lines().count());
        let mut stems = String::new();
        for line in list.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.split(' ');
            let (Some(word), stem) = (parts.next(), parts.next()) else { continue };
            let Some(key) = short_key(word.as_bytes(), 0, word.len()) else { continue };
            let value = match stem {
                Some(stem) if stem.len() <= usize::from(u8::MAX) => {
                    let at = stems.len() as u32;
                    stems.push_str(stem);
                    (at, stem.len() as u8)
                }
                _ => (0, 0),
            };
            table.insert(key, value);
        }
        Lexicon { table, stems }
    }

    /// The stem of `lower` (a lower-cased word), if the table has it.
    pub(crate) fn stem<'a>(&'a self, lower: &'a str) -> Option<&'a str> {
        if lower.len() < 4 {
            return None;
        }
        let key = short_key(lower.as_bytes(), 0, lower.len())?;
        let (at, len) = self.table.get(&key)?;
        if len == 0 {
            return Some(lower);
        }
        self.stems.get(at as usize..at as usize + usize::from(len))
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.table.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use frostem::{Algorithm, Stemmer};

    #[test]
    fn every_entry_is_what_the_stemmer_gives() {
        let list = include_str!("../data/english-stems.txt");
        let lexicon = Lexicon::english();
        let stemmer = Stemmer::new(Algorithm::English);
        let mut words = 0;
        for line in list.lines().filter(|l| !l.starts_with('#')) {
            let word = line.split(' ').next().unwrap_or_default();
            assert!((4..=15).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_lowercase()), "{line}");
            assert_eq!(lexicon.stem(word), Some(stemmer.stem(word).as_ref()), "{line}");
            words += 1;
        }
        assert_eq!(lexicon.len(), words, "no word twice");
        assert!(words > 30_000);
    }

    #[test]
    fn unknown_and_odd_words_are_not_found() {
        let lexicon = Lexicon::english();
        assert_eq!(lexicon.stem("connections"), Some("connect"));
        assert_eq!(lexicon.stem("zzzzquux"), None);
        assert_eq!(lexicon.stem("a-much-longer-word-than-fifteen"), None);
        assert_eq!(lexicon.stem(""), None);
    }
}
