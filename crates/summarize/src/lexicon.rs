//! Precomputed analysis of common word forms, so that the analysis runs
//! neither the stemmer (some 2,500 instructions a word in English) nor its
//! look-ups of stop words and stems on them: a word form new to the working
//! memory costs one look-up here when it is common.
//!
//! English only for now: the 39,534 lower-case words of SCOWL size 35, a
//! general-purpose English word list (`data/english-stems.txt`, made by
//! `examples/english_lexicon.rs`; nothing in it comes from the development
//! sets), with their Snowball stems, and the stop words and dependent
//! openers of the analysis (`the`, `of`, `however`: the commonest words of
//! all, many too short for the list). At first use each word gets its flags
//! (stop word, dependent opener) and the id of its stem, numbered here:
//! stem ids below [`Lexicon::stem_count`] are the lexicon's, shared by every
//! working memory, and a stem the stemmer makes of a rarer word is looked up
//! here before it is numbered anew. So a word has the same stem id, and an
//! article the same analysis, with or without the table; tests check every
//! entry against the stemmer and against the analysis without the table.

use std::borrow::Cow;

use crate::formcache::{FormCache, ShortKey, short_key};

/// Lower-case words of up to 15 bytes → their stem ids and flags.
pub(crate) struct Lexicon {
    /// Word → (stem id, flags).
    forms: FormCache,
    /// Stem → (stem id, unused).
    stems: FormCache,
    /// Stem ids are `0..stem_count`.
    stem_count: u32,
}

impl Lexicon {
    /// The (word, stem) pairs of the embedded English list.
    pub(crate) fn english_words() -> impl Iterator<Item = (&'static str, &'static str)> {
        include_str!("../data/english-stems.txt").lines().filter(|l| !l.starts_with('#')).filter_map(|line| {
            let mut parts = line.split(' ');
            let word = parts.next()?;
            Some((word, parts.next().unwrap_or(word)))
        })
    }

    /// A table of (lower-case word, its stem, its flags): the first entry
    /// of a word counts, and words or stems longer than 15 bytes are left
    /// out. The tables are filled densely ([`FormCache::dense`]): read for
    /// every word, they are better small.
    pub(crate) fn build<'a>(entries: impl Iterator<Item = (Cow<'a, str>, Cow<'a, str>, u8)>) -> Lexicon {
        let entries: Vec<(ShortKey, u8, ShortKey)> = entries
            .filter_map(|(word, stem, flags)| {
                Some((short_key(word.as_bytes(), 0, word.len())?, flags, short_key(stem.as_bytes(), 0, stem.len())?))
            })
            .filter(|(word, _, stem)| *word != [0, 0] && *stem != [0, 0])
            .collect();
        let mut stems: Vec<ShortKey> = entries.iter().map(|&(_, _, stem)| stem).collect();
        stems.sort_unstable();
        stems.dedup();
        let mut lexicon =
            Lexicon { forms: FormCache::dense(entries.len()), stems: FormCache::dense(stems.len()), stem_count: 0 };
        for (key, flags, stem_key) in entries {
            if lexicon.forms.get(&key).is_some() {
                continue;
            }
            let id = match lexicon.stems.get(&stem_key) {
                Some((id, _)) => id,
                None => {
                    let id = lexicon.stem_count;
                    lexicon.stems.insert(stem_key, (id, 0));
                    lexicon.stem_count += 1;
                    id
                }
            };
            lexicon.forms.insert(key, (id, flags));
        }
        lexicon
    }

    /// The stem id and flags of a word form, keyed as [`short_key`] keys
    /// lower-cased ASCII words, if the table has it.
    #[inline]
    pub(crate) fn form(&self, key: &ShortKey) -> Option<(u32, u8)> {
        self.forms.get(key)
    }

    /// Reads the slots of these words ahead of their look-ups
    /// ([`FormCache::touch`]).
    pub(crate) fn touch_some<'a>(&self, keys: impl Iterator<Item = &'a ShortKey>) {
        self.forms.touch_some(keys);
    }

    /// The id of a stem, if it is the stem of a word of the table.
    pub(crate) fn stem_id(&self, stem: &str) -> Option<u32> {
        if stem.is_empty() {
            // The empty word's key marks a free slot.
            return None;
        }
        let key = short_key(stem.as_bytes(), 0, stem.len())?;
        self.stems.get(&key).map(|(id, _)| id)
    }

    /// The number of stem ids the table uses.
    pub(crate) fn stem_count(&self) -> u32 {
        self.stem_count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use frostem::{Algorithm, Stemmer};

    const STOP: u8 = 1;

    fn lexicon() -> Lexicon {
        Lexicon::build(Lexicon::english_words().map(|(word, stem)| {
            let flags = u8::from(word == "about" || word == "which") * STOP;
            (Cow::Borrowed(word), Cow::Borrowed(if flags != 0 { word } else { stem }), flags)
        }))
    }

    fn key(word: &str) -> ShortKey {
        short_key(word.as_bytes(), 0, word.len()).unwrap_or_default()
    }

    #[test]
    fn every_entry_is_what_the_stemmer_gives() {
        let list = include_str!("../data/english-stems.txt");
        let stemmer = Stemmer::new(Algorithm::English);
        let mut words = 0;
        for line in list.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.split(' ');
            let word = parts.next().unwrap_or_default();
            assert!((4..=15).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_lowercase()), "{line}");
            assert_eq!(parts.next().unwrap_or(word), stemmer.stem(word).as_ref(), "{line}");
            assert_eq!(parts.next(), None, "{line}");
            words += 1;
        }
        assert!(words > 30_000);
    }

    #[test]
    fn words_share_an_id_exactly_when_they_share_a_stem() {
        let list = include_str!("../data/english-stems.txt");
        let lexicon = lexicon();
        let mut by_id = std::collections::HashMap::new();
        let mut words = 0;
        for line in list.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.split(' ');
            let word = parts.next().unwrap_or_default();
            let stem = if word == "about" || word == "which" { word } else { parts.next().unwrap_or(word) };
            let (id, flags) = lexicon.form(&key(word)).unwrap_or((u32::MAX, 0));
            assert!(id < lexicon.stem_count(), "{line}");
            assert_eq!(lexicon.stem_id(stem), Some(id), "{line}");
            assert_eq!(flags, u8::from(word == "about" || word == "which"), "{line}");
            assert_eq!(*by_id.entry(id).or_insert(stem), stem, "{line}: one id, two stems");
            words += 1;
        }
        assert_eq!(lexicon.forms.len(), words, "no word twice");
        assert_eq!(by_id.len(), lexicon.stem_count() as usize);
    }

    #[test]
    fn unknown_and_odd_words_are_not_found() {
        let lexicon = lexicon();
        let connect = lexicon.stem_id("connect");
        assert!(connect.is_some());
        assert_eq!(lexicon.form(&key("connections")).map(|(id, _)| id), connect);
        assert_eq!(lexicon.form(&key("zzzzquux")), None);
        assert_eq!(lexicon.stem_id("zzzzquux"), None);
        assert_eq!(lexicon.stem_id("a-much-longer-word-than-fifteen"), None);
        assert_eq!(lexicon.stem_id(""), None);
    }
}
