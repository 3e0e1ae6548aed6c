//! Related articles: each article's key phrases, kept in an index with the
//! article (written in its transaction, like its tags), and the
//! [`RelatedStore`] part of a store, which finds the articles that share
//! key phrases or tags with one and ranks them ([`rank`], the same for
//! every backend).
//!
//! Nothing here reads a body or runs the summarizer: the phrases were made
//! when the article was saved (`content::prepare`). A look-up reads, for
//! each of the article's phrases and tags (at most [`MAX_KEYS`] of each),
//! one range of an index: the newest [`WINDOW`] articles readers see that
//! share it. Those candidates are scored here, and the cards of the best few
//! read by id.

use async_trait::async_trait;

use crate::{ArticleCard, Result};

/// An article's key phrases: the summarizer's key phrases of its text,
/// lowercased, best first. Made from the article's other fields by
/// `content`, written with the article and read back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyPhrases {
    /// The phrases, best first, each once.
    pub phrases: Vec<String>,
    /// The version of the rule that made them (0: none made yet, as for an
    /// article stored before key phrases were kept).
    pub version: u32,
}

/// The most phrases, and the most tags, a look-up uses (the first ones).
pub const MAX_KEYS: usize = 10;

/// How many candidates a look-up takes per phrase or tag at most: the
/// newest visible articles that share it. This bounds the look-up (at most
/// `2 × MAX_KEYS × WINDOW` index entries), and how full a key's window is
/// tells how common the key is ([`specificity`]).
pub const WINDOW: usize = 40;

/// The weight of a shared key phrase, before [`specificity`]: any shared
/// phrase (1 to 2) outweighs any shared tag ([`TAG_WEIGHT`] times 1 to 2).
pub const PHRASE_WEIGHT: f64 = 1.0;

/// The weight of a shared tag, before [`specificity`].
pub const TAG_WEIGHT: f64 = 0.45;

/// What to find related articles for: an article's id (never found itself),
/// its key phrases and tag slugs, for readers at `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelatedQuery {
    /// The article's id.
    pub id: i64,
    /// Its key phrases (the first [`MAX_KEYS`] are used).
    pub phrases: Vec<String>,
    /// Its tag slugs (the first [`MAX_KEYS`] are used).
    pub tags: Vec<String>,
    /// Readers at this time: only articles they see are found.
    pub now: i64,
    /// How many to return at most.
    pub limit: usize,
}

/// A related article, as an article page lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct RelatedArticle {
    /// What a list shows of it.
    pub card: ArticleCard,
    /// The first sentence of its shortest automatic summary; the editors'
    /// summary, whole, when they wrote one (the caller takes its first
    /// sentence); `None` when summaries are off for it (or it has none).
    pub summary: Option<String>,
    /// How related it is (higher is closer): see [`rank`].
    pub score: f64,
}

/// Finding related articles, and keeping the key phrases they are found by.
#[async_trait]
pub trait RelatedStore: Send + Sync {
    /// Up to `limit` articles readers see at `now` that share key phrases or
    /// tags with the article, best first ([`rank`]); never the article
    /// itself, a draft, or a scheduled article before its time.
    async fn related_articles(&self, query: &RelatedQuery) -> Result<Vec<RelatedArticle>>;
    /// The slugs of the articles whose key phrases were not made by rule
    /// `version` (or never made): to make again.
    async fn stale_key_phrases(&self, version: u32) -> Result<Vec<String>>;
    /// Replaces the key phrases of article `id`, if it is still at
    /// `version` (`false`, writing nothing, when it changed or is gone: the
    /// write that changed it wrote its phrases).
    async fn write_key_phrases(&self, id: i64, version: i64, phrases: &KeyPhrases) -> Result<bool>;
}

/// A phrase or a tag of the article, and what was found by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// One of its key phrases.
    Phrase,
    /// One of its tags.
    Tag,
}

/// An article found by a key: its id and place in the order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The article's id.
    pub id: i64,
    /// Its publication time.
    pub published_at: i64,
    /// Its slug (the order's tie-break).
    pub slug: String,
}

/// How telling a shared key is, from how many articles share it (`n`, the
/// candidates its window holds, 1 to [`WINDOW`]): 2 for a key one other
/// article shares, falling with the log of `n` to 1 for a key that fills the
/// window (a common phrase such as "city council", a broad tag). A window
/// holds the newest sharers only, so this is an inverse document frequency
/// capped at [`WINDOW`], not the site-wide one.
pub fn specificity(n: usize) -> f64 {
    let n = n.clamp(1, WINDOW) as f64;
    1.0 + (WINDOW as f64 / n).ln() / (WINDOW as f64).ln()
}

/// Ranks the candidates found by each key (`windows`: a key's kind and the
/// articles its range gave): an article's score is the sum, over the keys it
/// shares, of the key's weight ([`PHRASE_WEIGHT`] or [`TAG_WEIGHT`]) times
/// its [`specificity`]. Best first; among equal scores, newer first (by
/// publication time, then slug, both descending, as lists are ordered).
/// Returns at most `limit` (id, score) pairs; an article never found is not
/// there, whatever the limit.
pub fn rank(windows: &[(Key, Vec<Candidate>)], limit: usize) -> Vec<(i64, f64)> {
    let mut scored: Vec<(f64, &Candidate)> = Vec::new();
    let mut at: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for (key, found) in windows {
        if found.is_empty() {
            continue;
        }
        let weight = match key {
            Key::Phrase => PHRASE_WEIGHT,
            Key::Tag => TAG_WEIGHT,
        } * specificity(found.len());
        for c in found {
            match at.get(&c.id) {
                Some(&i) => scored[i].0 += weight,
                None => {
                    at.insert(c.id, scored.len());
                    scored.push((weight, c));
                }
            }
        }
    }
    scored.sort_by(|(sa, a), (sb, b)| {
        sb.total_cmp(sa).then_with(|| b.published_at.cmp(&a.published_at)).then_with(|| b.slug.cmp(&a.slug))
    });
    scored.into_iter().take(limit).map(|(score, c)| (c.id, score)).collect()
}

/// The phrases (or tags), each the first time it comes.
pub(crate) fn distinct(keys: &[String]) -> impl Iterator<Item = &str> {
    keys.iter().enumerate().filter(|(i, k)| !keys[..*i].contains(k)).map(|(_, k)| k.as_str())
}

/// The first sentence a related article shows from its stored summary
/// (`sentences`, the JSON of the shortest one) or the editors' summary:
/// see [`RelatedArticle::summary`].
pub(crate) fn summary_line(
    mode: &str,
    custom: Option<String>,
    sentences: Option<&str>,
) -> std::result::Result<Option<String>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct Sentence {
        text: String,
    }
    Ok(match mode {
        "custom" => custom.filter(|t| !t.trim().is_empty()),
        "off" => None,
        _ => match sentences {
            Some(json) => serde_json::from_str::<Vec<Sentence>>(json)?.into_iter().next().map(|s| s.text),
            None => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, at: i64) -> Candidate {
        Candidate { id, published_at: at, slug: format!("a{id}") }
    }

    fn ids(r: &[(i64, f64)]) -> Vec<i64> {
        r.iter().map(|(id, _)| *id).collect()
    }

    /// A key shared by one other article counts twice as much as one that
    /// fills the window, and less the more articles share it.
    #[test]
    fn rarer_keys_weigh_more() {
        assert!((specificity(1) - 2.0).abs() < 1e-12);
        assert!((specificity(WINDOW) - 1.0).abs() < 1e-12);
        assert!((specificity(WINDOW * 10) - 1.0).abs() < 1e-12, "capped at the window");
        assert!((specificity(0) - 2.0).abs() < 1e-12);
        for n in 1..WINDOW {
            assert!(specificity(n) > specificity(n + 1), "{n}");
        }
    }

    /// Any shared phrase outweighs any shared tag; two phrases outweigh one;
    /// phrases and tags add up.
    #[test]
    fn phrases_outweigh_tags() {
        // Article 1 shares a common phrase (a full window); 2 shares a rare tag.
        let crowd: Vec<Candidate> = (1..=WINDOW as i64).map(|i| c(i * 100, 5)).collect();
        let mut common = crowd.clone();
        common[0] = c(1, 10);
        let r = rank(&[(Key::Phrase, common), (Key::Tag, vec![c(2, 20)])], 100);
        assert_eq!(r.len(), WINDOW + 1);
        assert_eq!(r[0].0, 1, "the newest of the phrase's articles");
        assert_eq!(r[WINDOW].0, 2, "the rare tag after every article sharing the common phrase, newer as it is");
        assert!(r[WINDOW - 1].1 > r[WINDOW].1);
        // Two phrases beat one phrase and a tag, which beats one phrase.
        let r = rank(
            &[
                (Key::Phrase, vec![c(1, 10), c(2, 10), c(3, 10)]),
                (Key::Phrase, vec![c(1, 10)]),
                (Key::Tag, vec![c(2, 10), c(4, 99)]),
            ],
            10,
        );
        assert_eq!(ids(&r), [1, 2, 3, 4]);
    }

    /// Equal scores: newer first, then by slug descending; the limit keeps
    /// the best.
    #[test]
    fn newer_first_among_equals() {
        let r = rank(&[(Key::Phrase, vec![c(1, 10), c(2, 30), c(3, 20), c(4, 30)])], 10);
        assert_eq!(ids(&r), [4, 2, 3, 1], "30 (a4 before a2), 20, 10");
        assert!(r.windows(2).all(|w| w[0].1 == w[1].1));
        let r = rank(&[(Key::Phrase, vec![c(1, 10), c(2, 30), c(3, 20)]), (Key::Tag, vec![c(1, 10)])], 2);
        assert_eq!(ids(&r), [1, 2], "the phrase and the tag first, then the newest of the rest");
        assert!(rank(&[(Key::Phrase, vec![c(1, 10)])], 0).is_empty());
        assert!(rank(&[(Key::Phrase, vec![]), (Key::Tag, vec![])], 5).is_empty());
    }

    #[test]
    fn summary_lines() {
        let json = r#"[{"index":2,"start":0,"end":5,"text":"First."},{"index":4,"start":6,"end":12,"text":"Second."}]"#;
        assert_eq!(summary_line("auto", None, Some(json)).unwrap().as_deref(), Some("First."));
        assert_eq!(summary_line("auto", None, None).unwrap(), None);
        assert_eq!(summary_line("auto", None, Some("[]")).unwrap(), None);
        assert_eq!(
            summary_line("custom", Some("Ours. Two.".into()), Some(json)).unwrap().as_deref(),
            Some("Ours. Two.")
        );
        assert_eq!(summary_line("custom", Some("  ".into()), Some(json)).unwrap(), None);
        assert_eq!(summary_line("off", None, Some(json)).unwrap(), None);
        assert!(summary_line("auto", None, Some("not json")).is_err());
    }
}
