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

use crate::{ArticleCard, Result, SummaryMode};

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

/// Whose related articles to read: an article's id (never found itself), for
/// readers at `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelatedQuery {
    /// The article's id.
    pub id: i64,
    /// Readers at this time: only articles they see are shown.
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
    /// Which summary `summary` is.
    pub summary_mode: SummaryMode,
    /// How related it is (higher is closer): see [`rank`].
    pub score: f64,
}

/// Related articles, kept as a list per article, and the key phrases they
/// are found by.
///
/// Each article's list is made when it is written (in its transaction: the
/// newest [`WINDOW`] articles readers see or will see that share each of its
/// first [`MAX_KEYS`] phrases and tags, ranked by [`rank`]). The lists the
/// write may change, those of the articles it is most related to and of
/// those whose list held it ([`REFRESHED`] of each at most; a deletion: those
/// that held it), are queued in the same transaction and made right after,
/// off the writer's path, by [`make_queued_related_lists`]
/// (`serve` runs it in the background after every write); a batch of writes
/// (an import) queues its articles' own lists too. A reader's request only
/// reads a stored list, leaving out what readers do not see at that time (a
/// draft, a scheduled article before its time).
///
/// [`make_queued_related_lists`]: RelatedStore::make_queued_related_lists
#[async_trait]
pub trait RelatedStore: Send + Sync {
    /// Up to `limit` articles readers see at `now` from the article's stored
    /// list, best first ([`shown`]); never the article itself, a draft, or a
    /// scheduled article before its time.
    async fn related_articles(&self, query: &RelatedQuery) -> Result<Vec<RelatedArticle>>;
    /// The slugs of the articles whose key phrases were not made by rule
    /// `version` (or never made): to make again.
    async fn stale_key_phrases(&self, version: u32) -> Result<Vec<String>>;
    /// Replaces the key phrases of article `id`, if it is still at
    /// `version` (`false`, writing nothing, when it changed or is gone:
    /// the write that changed it wrote its phrases), and makes its related
    /// list and those it changes again.
    async fn write_key_phrases(&self, id: i64, version: i64, phrases: &KeyPhrases) -> Result<bool>;
    /// The slugs of the articles whose related list was not made by rule
    /// `version` ([`RELATED_VERSION`]; 0: never, as for an article stored
    /// before lists were kept): to make at start.
    async fn stale_related_lists(&self, version: u32) -> Result<Vec<String>>;
    /// Makes the related list of article `slug` (its own only: the lists
    /// of others are made when they are written, or by this at start).
    /// `false` when there is no such article.
    async fn make_related_list(&self, slug: &str) -> Result<bool>;
    /// Makes up to `limit` of the queued lists, oldest first, each from a
    /// read snapshot (so the writer is held only to store it), and takes
    /// them off the queue: [`QueuedLists`] says how many it took and whose
    /// stored list changed (whose pages now show other related articles).
    /// A list the article's own write made after the snapshot is left as
    /// that write made it; a list queued again meanwhile stays queued. It
    /// takes none only when none is queued.
    async fn make_queued_related_lists(&self, limit: usize) -> Result<QueuedLists>;
    /// How many lists are queued.
    async fn queued_related_lists(&self) -> Result<u64>;
}

/// What [`RelatedStore::make_queued_related_lists`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueuedLists {
    /// How many queued lists it took off the queue (made, or found
    /// already made by a later write, or of an article gone).
    pub taken: usize,
    /// The slugs of the articles whose stored list changed.
    pub changed: Vec<String>,
}

/// The version of the stored lists' rule (the ranking and what is kept): a
/// list made by another is made again at start.
pub const RELATED_VERSION: u32 = 1;

/// How many closely related articles a stored list keeps (articles sharing
/// one key only: [`FILL_TO`] more at most). More than a page shows
/// ([`RelatedQuery::limit`], 5 on the site), so that a list still has enough
/// when some of it is not shown (a scheduled article before its time, one
/// unpublished since).
pub const STORED: usize = 10;

/// How many other articles' lists a write makes again, at most, of each
/// kind: the articles the written one is most related to (where it now
/// belongs), and those whose list held it (where it may no longer belong).
pub const REFRESHED: usize = 5;

/// An article in a stored related list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Listed {
    /// The related article's id.
    pub id: i64,
    /// How related it is ([`rank`]).
    pub score: f64,
    /// Closely related (two keys or more, or a phrase of several words).
    pub close: bool,
}

/// The list to store from an article's windows: every candidate ranked as
/// [`rank`] ranks them, the closely related first (at most [`STORED`]),
/// then the best [`FILL_TO`] of those sharing one key only.
pub fn stored_list(windows: &[Window]) -> Vec<Listed> {
    let all = ranked(windows);
    let close = all.iter().filter(|l| l.close).take(STORED);
    let single = all.iter().filter(|l| !l.close).take(FILL_TO);
    close.chain(single).copied().collect()
}

/// Whether two lists hold the same articles in the same order, with the
/// same scores (to a rounding) and closeness: a list made again the same is
/// not written again.
pub fn same_list(a: &[Listed], b: &[Listed]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| x.id == y.id && x.close == y.close && (x.score - y.score).abs() < 1e-9)
}

/// The list to write over a stored one: `new`, unless it is the same as
/// `old` (the stored rows, in order) and the list was written before
/// (`made`, how many times; `None`: never).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn changed_list(new: Vec<Listed>, old: &[Listed], made: Option<i64>) -> Option<Vec<Listed>> {
    (made.is_none() || !same_list(&new, old)).then_some(new)
}

/// What readers see of a stored list (in its order, the entries they do
/// not see left out): the closely related, then those sharing one key only
/// to fill the list up to [`FILL_TO`]; `limit` at most. The same as
/// [`rank`] applied to the visible candidates.
pub fn shown(visible: &[Listed], limit: usize) -> Vec<Listed> {
    let close = visible.iter().filter(|l| l.close).count();
    let take = limit.min(close.max(FILL_TO));
    visible.iter().filter(|l| l.close).chain(visible.iter().filter(|l| !l.close)).take(take).copied().collect()
}

/// What kind of key found an article.
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

/// A key of the article (a phrase or a tag) and the articles its index
/// range gave: the newest [`WINDOW`] that share it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    /// Phrase or tag.
    pub key: Key,
    /// A phrase of several words ("port ellery", "tidal barrier"): sharing
    /// it alone makes an article closely related; sharing one word alone
    /// ("council") or a tag alone does not.
    pub several_words: bool,
    /// What was found by it.
    pub found: Vec<Candidate>,
}

impl Window {
    /// The window of key `text` (a phrase or a tag slug).
    pub fn new(key: Key, text: &str, found: Vec<Candidate>) -> Window {
        Window { key, several_words: key == Key::Phrase && text.split_whitespace().nth(1).is_some(), found }
    }
}

/// How many articles a list holds at least when there are that many to
/// show: articles that share one key only (a single word, or a tag) come
/// after the closely related ones, and only to fill the list up to this.
pub const FILL_TO: usize = 3;

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

/// Ranks the candidates found by each key: an article's score is the sum,
/// over the keys it shares, of the key's weight ([`PHRASE_WEIGHT`] or
/// [`TAG_WEIGHT`]) times its [`specificity`]. The closely related come
/// first: those sharing two keys or more, or a phrase of several words;
/// then, only to fill the list up to `FILL_TO` (3), those sharing one word or
/// one tag. Each group best first; among equal scores, newer first (by
/// publication time, then slug, both descending, as lists are ordered).
/// Returns at most `limit` (id, score) pairs.
pub fn rank(windows: &[Window], limit: usize) -> Vec<(i64, f64)> {
    shown(&ranked(windows), limit).into_iter().map(|l| (l.id, l.score)).collect()
}

/// Every candidate of the windows, scored and in [`rank`]'s order (close
/// first, best first, newer first among equals).
fn ranked(windows: &[Window]) -> Vec<Listed> {
    struct Scored<'a> {
        score: f64,
        shared: usize,
        close: bool,
        c: &'a Candidate,
    }
    let mut scored: Vec<Scored<'_>> = Vec::new();
    let mut at: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for w in windows {
        if w.found.is_empty() {
            continue;
        }
        let weight = match w.key {
            Key::Phrase => PHRASE_WEIGHT,
            Key::Tag => TAG_WEIGHT,
        } * specificity(w.found.len());
        for c in &w.found {
            let i = *at.entry(c.id).or_insert_with(|| {
                scored.push(Scored { score: 0.0, shared: 0, close: false, c });
                scored.len() - 1
            });
            let s = &mut scored[i];
            s.score += weight;
            s.shared += 1;
            s.close |= w.several_words || s.shared >= 2;
        }
    }
    scored.sort_by(|a, b| {
        b.close
            .cmp(&a.close)
            .then_with(|| b.score.total_cmp(&a.score))
            .then_with(|| b.c.published_at.cmp(&a.c.published_at))
            .then_with(|| b.c.slug.cmp(&a.c.slug))
    });
    scored.into_iter().map(|s| Listed { id: s.c.id, score: s.score, close: s.close }).collect()
}

/// The ids of the articles whose lists a write of an article makes again
/// besides its own: the first [`REFRESHED`] of its own ranking (where it now
/// belongs) and the `holders` (whose list held it), each once.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn to_refresh(windows: &[Window], holders: &[i64], own: i64) -> Vec<i64> {
    let mut out: Vec<i64> = ranked(windows).into_iter().take(REFRESHED).map(|l| l.id).collect();
    for &h in holders.iter().take(REFRESHED) {
        if !out.contains(&h) {
            out.push(h);
        }
    }
    out.retain(|&id| id != own);
    out
}

/// The phrases (or tags), each the first time it comes.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn distinct(keys: &[String]) -> impl Iterator<Item = &str> {
    keys.iter().enumerate().filter(|(i, k)| !keys[..*i].contains(k)).map(|(_, k)| k.as_str())
}

/// What readers see of a stored list as a backend read it (`rows`, the
/// visible entries in the list's order): [`shown`] picks them by `entry`
/// (score and close flag of a row), and `article` makes each picked row
/// into a related article with its score.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn from_stored_list<R>(
    rows: &[R],
    limit: usize,
    entry: impl Fn(&R) -> Result<(f64, bool)>,
    article: impl Fn(&R, f64) -> Result<RelatedArticle>,
) -> Result<Vec<RelatedArticle>> {
    let mut visible = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let (score, close) = entry(r)?;
        visible.push(Listed { id: i as i64, score, close });
    }
    shown(&visible, limit).into_iter().map(|l| article(&rows[l.id as usize], l.score)).collect()
}

/// A related article from what a backend read: its card, summary mode and
/// editors' summary as stored, and the JSON of its shortest automatic
/// summary's sentences.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn related_article(
    card: ArticleCard,
    mode: String,
    custom: Option<String>,
    first: Option<String>,
    score: f64,
) -> Result<RelatedArticle> {
    let summary_mode =
        SummaryMode::parse(&mode).ok_or_else(|| crate::StoreError::Corrupt(format!("summary_mode {mode}")))?;
    let summary = summary_line(summary_mode, custom, first.as_deref())
        .map_err(|e| crate::StoreError::Corrupt(format!("summary: {e}")))?;
    Ok(RelatedArticle { card, summary, summary_mode, score })
}

/// The first sentence a related article shows from its stored summary
/// (`sentences`, the JSON of the shortest one) or the editors' summary:
/// see [`RelatedArticle::summary`].
#[cfg(any(feature = "sqlite", feature = "postgres", test))]
pub(crate) fn summary_line(
    mode: SummaryMode,
    custom: Option<String>,
    sentences: Option<&str>,
) -> std::result::Result<Option<String>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct Sentence {
        text: String,
    }
    Ok(match mode {
        SummaryMode::Custom => custom.filter(|t| !t.trim().is_empty()),
        SummaryMode::Off => None,
        // A picked summary is stored beside the automatic one, which a
        // related article shows (its row says `auto`).
        SummaryMode::Auto | SummaryMode::Picked => match sentences {
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

    fn word(found: Vec<Candidate>) -> Window {
        Window::new(Key::Phrase, "council", found)
    }

    fn phrase(found: Vec<Candidate>) -> Window {
        Window::new(Key::Phrase, "tidal barrier", found)
    }

    fn tag(found: Vec<Candidate>) -> Window {
        Window::new(Key::Tag, "climate-change", found)
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
        assert!(phrase(vec![]).several_words && !word(vec![]).several_words && !tag(vec![]).several_words);
    }

    /// Any shared phrase outweighs any shared tag; two keys outweigh one;
    /// phrases and tags add up.
    #[test]
    fn phrases_outweigh_tags() {
        // Article 1 shares a common phrase (a full window) and a common tag;
        // 2 shares a rare tag and a rare word.
        let crowd = |first: Candidate| -> Vec<Candidate> {
            std::iter::once(first).chain((2..=WINDOW as i64).map(|i| c(i * 100, 5))).collect()
        };
        let r = rank(&[word(crowd(c(1, 10))), tag(crowd(c(1, 10))), tag(vec![c(2, 20)]), word(vec![c(2, 20)])], 2);
        assert_eq!(ids(&r), [2, 1], "{r:?}");
        assert!(r[0].1 > r[1].1);
        // One word alone beats a tag alone, rare as the tag is.
        let r = rank(&[word(crowd(c(1, 10))), tag(vec![c(2, 20)])], 100);
        assert_eq!(r.iter().position(|(id, _)| *id == 1), Some(0), "{r:?}");
        assert!(!ids(&r).contains(&2), "a tag alone does not fill a list of three single words: {r:?}");
        let r = rank(&[word(vec![c(1, 10)]), tag(vec![c(2, 20)])], 100);
        assert_eq!(ids(&r), [1, 2]);
        assert!(r[0].1 > r[1].1);
    }

    /// The closely related (two keys, or a phrase of several words) come
    /// first, whatever the scores; articles that share one word or tag only
    /// fill the list up to three.
    #[test]
    fn single_keys_only_fill_the_list() {
        let r = rank(
            &[
                word(vec![c(1, 10), c(2, 10), c(3, 10), c(4, 10), c(5, 10)]),
                tag(vec![c(1, 10)]),
                phrase(vec![c(6, 1), c(7, 1), c(8, 1), c(9, 1), c(10, 1), c(11, 1), c(12, 1), c(13, 1)]),
                word(vec![c(14, 50)]),
            ],
            5,
        );
        // 1 (a word and a tag) and the phrase's eight are close; 14's rare
        // word alone scores 2, more than a crowded phrase, but comes after.
        assert_eq!(r[0].0, 1);
        assert!(r.iter().all(|(id, _)| (6..=13).contains(id) || *id == 1), "{r:?}");
        assert_eq!(r.len(), 5);
        // Few close ones: filled up to three with the best of the others.
        let r = rank(&[phrase(vec![c(1, 10)]), word(vec![c(2, 10), c(3, 30), c(4, 20)]), tag(vec![c(5, 99)])], 5);
        assert_eq!(ids(&r), [1, 3, 4], "the close one, then the newest of the equal words");
        let r = rank(&[word(vec![c(2, 10)]), tag(vec![c(5, 99)])], 5);
        assert_eq!(ids(&r), [2, 5], "all there is, up to three");
    }

    /// Equal scores: newer first, then by slug descending; the limit keeps
    /// the best.
    #[test]
    fn newer_first_among_equals() {
        let r = rank(&[phrase(vec![c(1, 10), c(2, 30), c(3, 20), c(4, 30)])], 10);
        assert_eq!(ids(&r), [4, 2, 3, 1], "30 (a4 before a2), 20, 10");
        assert!(r.windows(2).all(|w| w[0].1.to_bits() == w[1].1.to_bits()), "exactly equal");
        let r = rank(&[phrase(vec![c(1, 10), c(2, 30), c(3, 20)]), tag(vec![c(1, 10)])], 2);
        assert_eq!(ids(&r), [1, 2], "the phrase and the tag first, then the newest of the rest");
        assert!(rank(&[phrase(vec![c(1, 10)])], 0).is_empty());
        assert!(rank(&[phrase(vec![]), tag(vec![])], 5).is_empty());
    }

    #[test]
    fn summary_lines() {
        let json = r#"[{"index":2,"start":0,"end":5,"text":"First."},{"index":4,"start":6,"end":12,"text":"Second."}]"#;
        let (auto, custom, off) = (SummaryMode::Auto, SummaryMode::Custom, SummaryMode::Off);
        assert_eq!(summary_line(auto, None, Some(json)).unwrap().as_deref(), Some("First."));
        assert_eq!(summary_line(auto, None, None).unwrap(), None);
        assert_eq!(summary_line(auto, None, Some("[]")).unwrap(), None);
        assert_eq!(summary_line(custom, Some("Ours. Two.".into()), Some(json)).unwrap().as_deref(), Some("Ours. Two."));
        assert_eq!(summary_line(custom, Some("  ".into()), Some(json)).unwrap(), None);
        assert_eq!(summary_line(off, None, Some(json)).unwrap(), None);
        assert!(summary_line(auto, None, Some("not json")).is_err());
    }
}
