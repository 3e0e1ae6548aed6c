//! Related articles, the analysis side: an article's key phrases, made when
//! it is saved (by [`prepare`](crate::prepare()), from the analysis its
//! summaries are made from) and kept with it, by which the store finds the
//! articles related to it ([`store::RelatedStore`]). Nothing here runs while
//! a reader waits.

use store::{KeyPhrases, NewArticle};
use summarize::{Analysis, Lang, Summarizer};

/// How many key phrases an article keeps.
pub const KEY_PHRASES: usize = 10;

/// The version of the rule that makes key phrases (how many, how written):
/// articles whose phrases another rule made get new ones at start
/// ([`crate::Articles::refresh_key_phrases`]). A new summarizer version
/// (`summarize::VERSION`) makes them again with the summaries.
pub const KEY_PHRASES_VERSION: u32 = 1;

/// The longest phrase kept, in bytes (a phrase is one to three words).
const LONGEST: usize = 200;

/// The key phrases of `text` from its analysis: the summarizer's best
/// [`KEY_PHRASES`], lowercased (so "Tidal Barrier" in a title-cased heading
/// and "tidal barrier" in a sentence are one phrase), each once.
pub fn key_phrases_of(analysis: &Analysis, text: &str) -> KeyPhrases {
    let mut phrases: Vec<String> = Vec::with_capacity(KEY_PHRASES);
    for k in analysis.keywords(text, KEY_PHRASES) {
        let k = k.trim().to_lowercase();
        if !k.is_empty() && k.len() <= LONGEST && !phrases.contains(&k) {
            phrases.push(k);
        }
    }
    KeyPhrases { phrases, version: KEY_PHRASES_VERSION }
}

/// The key phrases of an article (its `key_phrases` field is not read): of
/// its plain text, in its language, as [`prepare`](crate::prepare()) makes them.
pub fn key_phrases(summarizer: &Summarizer, a: &NewArticle) -> KeyPhrases {
    let lang = Lang::from_code(&a.lang).unwrap_or(Lang::Other);
    key_phrases_of(&summarizer.analyze(&a.body_text, Some(&a.title), Some(lang)), &a.body_text)
}

impl crate::Articles {
    /// Makes the key phrases of every article whose phrases another rule
    /// made, or none (an article stored before they were kept); returns how
    /// many. Only the phrases are written: the article itself, its version
    /// and its times stay as they are. An article changed meanwhile is
    /// skipped (its write made fresh phrases). Run at start, before the
    /// server listens (nothing is announced to the page cache).
    pub async fn refresh_key_phrases(&self) -> Result<usize, crate::WriteError> {
        let store = self.store().as_ref();
        let slugs = store.stale_key_phrases(KEY_PHRASES_VERSION).await?;
        let write =
            |id, version, phrases: KeyPhrases| async move { store.write_key_phrases(id, version, &phrases).await };
        self.remake_derived(slugs, "making key phrases for related articles", key_phrases, write).await
    }

    /// Makes the related list of every article whose list another rule
    /// made, or none (an article stored before lists were kept): each
    /// article's own list, from the key phrases and tags stored (run after
    /// [`refresh_key_phrases`](Self::refresh_key_phrases)); returns how
    /// many. Run at start under the start-up lock, before the server
    /// listens. Lists are otherwise made when articles are written (see
    /// [`store::RelatedStore`]).
    pub async fn refresh_related(&self) -> Result<usize, crate::WriteError> {
        let store = self.store().as_ref();
        let slugs = store.stale_related_lists(store::RELATED_VERSION).await?;
        let total = slugs.len();
        let mut n = 0;
        for (i, slug) in slugs.iter().enumerate() {
            if store.make_related_list(slug).await? {
                n += 1;
            }
            if (i + 1) % 1000 == 0 {
                tracing::info!(done = i + 1, of = total, "making related lists");
            }
        }
        Ok(n)
    }
}

/// How many queued lists one call to the store makes: a batch is written
/// in one short transaction (on SQLite, the one writer is held for it).
const QUEUED_BATCH: usize = 16;

/// How many queued lists one call makes when nothing else waits for the
/// writer ([`Articles::make_queued_related`]: an import's lists):
/// fewer, longer transactions.
const UNPACED_BATCH: usize = 256;

/// How often [`Articles::keep_related_lists`] looks at the queue when no
/// write of this process woke it (lists queued by another instance, or left
/// queued by a stop).
const QUEUE_LOOK: std::time::Duration = std::time::Duration::from_secs(5);

/// How long [`Articles::keep_related_lists`] lets writes gather after one
/// woke it: the lists a burst of writes queues are made once, not once per
/// write (writes on one subject queue the same lists).
const GATHER: std::time::Duration = std::time::Duration::from_millis(100);

/// How many times as long as a batch of lists took
/// [`Articles::keep_related_lists`] pauses after it.
const PACE: u32 = 3;

impl crate::Articles {
    /// Makes every queued related list (see [`store::RelatedStore`]: a
    /// write makes its own article's list and queues those it may change),
    /// in batches, and tells the page cache (and the other instances) which
    /// articles list other related articles now. Returns how many lists it
    /// took off the queue. `progress` is told how many after each batch.
    pub async fn make_queued_related(&self, progress: impl Fn(usize)) -> Result<usize, crate::WriteError> {
        self.make_queued_related_paced(progress, 0, UNPACED_BATCH).await
    }

    /// [`Articles::make_queued_related`], pausing `pause` times as long as
    /// each batch took after it (0: no pause).
    async fn make_queued_related_paced(
        &self,
        progress: impl Fn(usize),
        pause: u32,
        batch: usize,
    ) -> Result<usize, crate::WriteError> {
        let mut total = 0;
        loop {
            let start = std::time::Instant::now();
            let done = self.store().make_queued_related_lists(batch).await?;
            if done.taken == 0 {
                return Ok(total);
            }
            total += done.taken;
            progress(total);
            if !done.changed.is_empty() {
                let change = crate::Change { related: done.changed, public: true, ..crate::Change::default() };
                self.tell_related(&change).await;
            }
            if pause > 0 {
                tokio::time::sleep(start.elapsed() * pause).await;
            }
        }
    }

    /// Makes the queued related lists shortly after a write of this
    /// process queued some (letting a burst of writes gather first), and
    /// every few seconds (lists another instance queued);
    /// runs until the process ends (`serve` spawns it). An error is logged
    /// and tried again at the next look.
    ///
    /// It takes at most a quarter of the time (`PACE`): under steady
    /// writes the queue grows faster than lists are made (each write queues
    /// up to ten), and making them without a pause kept two read
    /// connections, and as many cores, busy, so that readers and writers
    /// waited behind it. The lists then follow the writes late, and catch up
    /// when the writes stop.
    pub async fn keep_related_lists(self) {
        loop {
            if let Err(e) = self.make_queued_related_paced(|_| (), PACE, QUEUED_BATCH).await {
                tracing::warn!(error = %e, "making queued related lists: trying again shortly");
            }
            if tokio::time::timeout(QUEUE_LOOK, self.queued_notified()).await.is_ok() {
                tokio::time::sleep(GATHER).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use store::prelude::*;
    use store::{RelatedQuery, Status, Visibility};

    use super::*;
    use crate::testing::input;
    use crate::{ArticleInput, Articles, NoChanges, prepare};

    /// Phrases are lowercased, each once, at most [`KEY_PHRASES`], the
    /// summarizer's best first; made by `prepare` and by [`key_phrases`]
    /// alike.
    #[test]
    fn phrases_are_the_summarizers_lowercased() {
        let s = Summarizer::new();
        let mut i = input();
        i.body = "The Tidal Barrier at Port Ellery will close in storms. Port Ellery council approved the \
                  tidal barrier on Monday. Engineers say the Tidal Barrier gates weigh 400 tonnes. The council \
                  expects the barrier to last a century."
            .into();
        let a = prepare(&i, &s, 0).unwrap();
        let p = &a.key_phrases;
        assert_eq!(p.version, KEY_PHRASES_VERSION);
        assert!(!p.phrases.is_empty() && p.phrases.len() <= KEY_PHRASES, "{p:?}");
        assert!(p.phrases.iter().all(|k| *k == k.to_lowercase()), "{p:?}");
        assert!(p.phrases.iter().any(|k| k.contains("port ellery")), "{p:?}");
        let mut unique = p.phrases.clone();
        unique.dedup();
        assert_eq!(unique.len(), p.phrases.len());
        let best: Vec<String> =
            s.keywords(&a.body_text, Some(Lang::English), 3).iter().map(|k| k.to_lowercase()).collect();
        assert_eq!(p.phrases[..3], best[..], "the summarizer's order");
        assert_eq!(key_phrases(&s, &a), *p);
    }

    /// Articles stored without key phrases get them at start; nothing else
    /// of theirs changes; the related articles are found by them.
    #[tokio::test]
    async fn articles_without_phrases_get_them_at_start() {
        let store = Arc::new(store::SqliteStore::open(":memory:").await.unwrap());
        let w = Articles::new(store.clone(), Arc::new(Summarizer::new()), Arc::new(NoChanges));
        let s = Summarizer::new();
        let body = "The harbour board approved the tidal barrier on Monday. The tidal barrier will close the \
                    harbour mouth during storm tides. Engineers said the tidal barrier gates weigh four hundred \
                    tonnes each.";
        for (slug, t) in [("one", 10), ("two", 20)] {
            let mut a = prepare(&ArticleInput { slug: slug.into(), body: body.into(), tags: vec![], ..input() }, &s, 0)
                .unwrap();
            a.published_at = Some(t);
            a.status = Status::Published;
            a.key_phrases = store::KeyPhrases::default();
            store.create_article(&a).await.unwrap();
        }
        let one = store.article("one", Visibility::All).await.unwrap().unwrap();
        let query = RelatedQuery { id: one.id, now: 100, limit: 5 };
        assert!(store.related_articles(&query).await.unwrap().is_empty());
        assert_eq!(w.refresh_key_phrases().await.unwrap(), 2);
        assert_eq!(w.refresh_key_phrases().await.unwrap(), 0, "nothing left to do");
        let after = store.article("one", Visibility::All).await.unwrap().unwrap();
        assert_eq!((after.version, after.updated_at), (one.version, one.updated_at));
        assert!(after.key_phrases.phrases.iter().any(|p| p == "tidal barrier"), "{:?}", after.key_phrases);
        // "one"'s list was queued when "two" got its phrases (`serve` makes
        // queued lists in the background).
        assert_eq!(w.make_queued_related(|_| ()).await.unwrap(), 1);
        let found = store.related_articles(&query).await.unwrap();
        assert_eq!(found.iter().map(|r| r.card.slug.as_str()).collect::<Vec<_>>(), ["two"]);
        // Every list was made with the phrases; none is left to make at start.
        assert_eq!(w.refresh_related().await.unwrap(), 0);
    }
}
