//! Single article writes that arrive together are written together.
//!
//! Every write takes the one writer connection in turn. Under load (eight
//! writers during `wrk -c256` on two cores) each transaction held it for
//! about 6 ms, mostly waiting for a core, and each writer waited for the
//! others' transactions: the writer was busy nine tenths of the time. A
//! transaction has fixed costs (taking the connection, the commit's log
//! frames: the pages several writes share, such as the search index's
//! structure and the list counts, are written once for all of them).
//!
//! So [`SqliteStore::create_article`] and [`SqliteStore::update_article`]
//! queue their write here. When none is being written, the thread of writes
//! takes every queued write and writes them in one transaction, each in a
//! savepoint of its own: a write that fails (a version conflict, a taken
//! slug) is rolled back alone and its caller gets its error, as if it had
//! been written alone; the others are kept. Writes that arrive meanwhile
//! wait for the next transaction. A lone write is a transaction of one, as
//! before.

use std::sync::Mutex;

use tokio::sync::oneshot;

use super::articles::{create_in, load_direct, run, update_in};
use super::direct::{Tx, Undo};
use super::related::{Relating, relate_read};
use super::{SqliteStore, sql};
use crate::{Article, NewArticle, Result, StoreError};

/// One queued write of an article.
pub(super) struct Queued {
    /// `None`: create it; `Some((id, version))`: update article `id` at `version`.
    pub update: Option<(i64, i64)>,
    pub article: NewArticle,
    /// Read before it was queued (see [`Relating`]).
    pub relating: Relating,
    /// The stored article, or why not.
    pub reply: oneshot::Sender<Result<Article>>,
}

/// The queue, and whether the thread of writes is writing from it.
#[derive(Default)]
pub(super) struct Combiner {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    queued: Vec<Queued>,
    writing: bool,
    /// The most writes one transaction held.
    #[cfg(test)]
    largest: usize,
}

impl std::fmt::Debug for Combiner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Combiner").finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Queues `write` and waits for its result.
    pub(super) async fn write_combined(&self, update: Option<(i64, i64)>, article: &NewArticle) -> Result<Article> {
        let relating = self.relating(update.map(|u| u.0), article).await?;
        let (reply, answer) = oneshot::channel();
        let queued = Queued { update, article: article.clone(), relating, reply };
        let start = {
            let mut state = self.combiner.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            state.queued.push(queued);
            !std::mem::replace(&mut state.writing, true)
        };
        if start {
            let store = self.clone();
            self.writes.spawn(async move { store.write_queued().await });
        }
        answer.await.map_err(|_| StoreError::Database("a write stopped before it was answered".into()))?
    }

    /// Writes what is queued, transaction after transaction, until the
    /// queue is empty (on the thread of writes).
    async fn write_queued(&self) {
        // Should this stop on a panic, the next write starts anew; the
        // writes it held are answered with an error (their senders
        // dropped). (On a normal end, `writing` was cleared with the queue
        // seen empty, under the lock: a write queued since has started
        // another, and this must not clear its flag.)
        struct Writing<'a>(&'a Combiner);
        impl Drop for Writing<'_> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    self.0.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).writing = false;
                }
            }
        }
        let _writing = Writing(&self.combiner);
        loop {
            let batch = {
                let mut state = self.combiner.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if state.queued.is_empty() {
                    state.writing = false;
                    return;
                }
                #[cfg(test)]
                {
                    state.largest = state.largest.max(state.queued.len());
                }
                std::mem::take(&mut state.queued)
            };
            self.write_batch(batch).await;
        }
    }

    /// Writes `batch` in one transaction, a savepoint each, and answers each.
    async fn write_batch(&self, batch: Vec<Queued>) {
        let outcomes = self
            .writer
            .transaction_with(Undo::Memory, |tx| batch.iter().map(|q| write_one(tx, q)).collect::<Result<Vec<_>>>())
            .await;
        match outcomes {
            Ok(outcomes) => {
                for (q, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = q.reply.send(outcome);
                }
            }
            Err(e) => answer_all(batch, e),
        }
    }
}

/// Writes `q` inside a savepoint of `tx`, and reads back the stored article
/// (in the transaction: no other write comes in between, and no thread):
/// kept when both succeed, rolled back alone when either fails. The outer
/// error is the transaction's own (the savepoint could not be set or
/// ended): the whole batch fails.
fn write_one(tx: &Tx<'_>, q: &Queued) -> Result<Result<Article>> {
    run(tx, sql::SAVEPOINT_WRITE, [])?;
    let written = match q.update {
        None => create_in(tx, &q.article).and_then(|id| relate_read(tx, id, &q.relating)),
        Some((id, version)) => update_in(tx, id, version, &q.article).and_then(|()| relate_read(tx, id, &q.relating)),
    };
    let stored = written.and_then(|()| load_direct(tx, &q.article.slug)?.ok_or(StoreError::NotFound));
    if stored.is_err() {
        run(tx, sql::ROLLBACK_TO_WRITE, [])?;
    }
    run(tx, sql::RELEASE_WRITE, [])?;
    Ok(stored)
}

/// Answers every write of `batch` with `e` (a lone write gets it as it
/// is; several, each a copy of its words).
fn answer_all(mut batch: Vec<Queued>, e: StoreError) {
    if batch.len() == 1 {
        let q = batch.remove(0);
        let _ = q.reply.send(Err(e));
        return;
    }
    for q in batch {
        let _ = q.reply.send(Err(StoreError::Database(e.to_string())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::articles::tests::sample;
    use crate::sqlite::tests::TempDb;
    use crate::{
        ArticleStore as _, Backend as _, KeyPhrases, RelatedStore as _, Status, SummaryMode, SummaryPick, Visibility,
    };

    /// Writes queued while the writer is busy go in one transaction; one
    /// that fails there (a slug taken by another of the same transaction)
    /// fails alone, with its own error, and the others are kept.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_that_arrive_together_are_written_together_and_fail_alone() {
        let db = TempDb::new("combined");
        let s = SqliteStore::open(&db.path()).await.unwrap();
        // The writer is busy until the writes are queued.
        let busy = s.writer.pool().acquire().await.unwrap();
        let tasks: Vec<_> = (0..24)
            .map(|i| {
                let s = s.clone();
                tokio::spawn(async move {
                    let slug = format!("a{}", i % 12);
                    let mut a = sample(&slug, Status::Published, Some(10 + i));
                    a.title = format!("Writer {i}");
                    (slug, s.create_article(&a).await)
                })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        drop(busy);
        let mut created = std::collections::BTreeMap::new();
        let mut refused = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                (slug, Ok(a)) => {
                    assert_eq!(a.slug, slug);
                    assert!(created.insert(slug, a.title.clone()).is_none(), "two writes made one slug");
                }
                (slug, Err(StoreError::Conflict(m))) => {
                    assert_eq!(m, format!("slug {slug} is taken"));
                    refused.push(slug);
                }
                (slug, Err(e)) => panic!("{slug}: {e}"),
            }
        }
        assert_eq!((created.len(), refused.len()), (12, 12));
        for (slug, title) in &created {
            let stored = s.article(slug, Visibility::All).await.unwrap().unwrap();
            assert_eq!(&stored.title, title, "the kept write is the one answered");
        }
        assert_eq!(s.count_articles().await.unwrap(), 12);
        let largest = s.combiner.state.lock().unwrap().largest;
        assert!(largest > 1, "the queued writes were written one by one");
        s.close().await;
    }

    /// What the writer reads back and answers is the article as a reader
    /// then reads it (the same row, decoded by the same code through
    /// rusqlite instead of sqlx), with every part: summaries, key phrases,
    /// picked sentences, tags and authors.
    #[tokio::test]
    async fn the_answered_article_is_the_stored_one() {
        let db = TempDb::new("combined-answer");
        let s = SqliteStore::open(&db.path()).await.unwrap();
        let mut a = sample("answered", Status::Published, Some(10));
        a.standfirst = Some("Standing first.".into());
        a.lead_image = Some("/media/1.jpg".into());
        a.key_phrases = KeyPhrases { phrases: vec!["harbour wall".into(), "council".into()], version: 3 };
        a.summary_mode = SummaryMode::Picked;
        a.summary_picks = vec![SummaryPick { index: Some(0), text: "Body.".into() }];
        let created = s.create_article(&a).await.unwrap();
        assert_eq!(Some(&created), s.article("answered", Visibility::All).await.unwrap().as_ref());
        assert_eq!(created.key_phrases.phrases, a.key_phrases.phrases);
        assert_eq!(created.summary_picks.len(), 1);
        a.title = "Changed".into();
        let updated = s.update_article(created.id, created.version, &a).await.unwrap();
        assert_eq!(updated.version, created.version + 1);
        assert_eq!(Some(&updated), s.article("answered", Visibility::All).await.unwrap().as_ref());
        s.close().await;
    }

    /// The writes' transactions keep what they may undo in memory, and set
    /// the connection back to SQLite's default after them (also after a
    /// write that failed), for its transactions that may be large.
    #[tokio::test]
    async fn the_undo_setting_is_set_back() {
        let db = TempDb::new("combined-undo");
        let s = SqliteStore::open(&db.path()).await.unwrap();
        let a = sample("undo", Status::Published, Some(10));
        s.create_article(&a).await.unwrap();
        assert!(s.create_article(&a).await.is_err(), "a taken slug");
        let setting =
            || -> i64 { s.writer.with_connection(|c| c.query_row(sql::TEMP_STORE, [], |r| r.get(0))).unwrap() };
        assert_eq!(setting(), 0, "temp_store is DEFAULT");
        // An import's batch, and the queued related lists, keep theirs in
        // memory too, and set it back.
        let b = sample("undo-batch", Status::Published, Some(20));
        s.write_articles(&[crate::ArticleWrite::Create(&b)]).await.unwrap();
        assert!(s.write_articles(&[crate::ArticleWrite::Create(&b)]).await.is_err(), "a taken slug");
        assert_eq!(setting(), 0, "temp_store is DEFAULT after a batch");
        s.make_queued_related_lists(16).await.unwrap();
        assert_eq!(setting(), 0, "temp_store is DEFAULT after the related lists");
        s.close().await;
    }
}
