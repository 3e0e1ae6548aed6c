//! The thread that runs the store's write transactions.
//!
//! A transaction is a series of statements, and each statement is a round
//! trip between the task running the transaction and the connection's own
//! thread (sqlx runs every SQLite connection on a thread of its own). On a
//! server's runtime, busy with page renders and their queries, the task
//! would wait in that runtime's queue after each statement, behind every
//! render ready at that moment, holding SQLite's one write lock all along.
//! Here every write transaction runs on a runtime of its own, on one thread
//! that does nothing else: between two statements it sleeps, and it is woken
//! as soon as the connection answers. The caller waits once, for the whole
//! transaction. (Measured under `wrk -c256` and eight writers on 100,000
//! articles, with this thread: a save's transaction, some 35 statements,
//! took 5.8 ms at the median against 2.6 ms alone, the thread wake-ups on
//! busy cores; this step alone moved the writes' p99 within the noise.)

use std::future::Future;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::{Result, StoreError};

/// The writes' thread and its runtime; the thread ends when this is
/// dropped (with the last clone of its store).
#[derive(Debug)]
pub(super) struct WriterThread {
    handle: Handle,
    _stop: oneshot::Sender<()>,
}

/// The name of the writes' thread (in `top -H`, `perf`, and a test).
pub(super) const THREAD_NAME: &str = "sqlite-writes";

impl WriterThread {
    /// Starts the thread.
    pub(super) fn start() -> Result<WriterThread> {
        let failed = |e: std::io::Error| StoreError::CannotOpen(format!("starting the thread of writes: {e}"));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(failed)?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name(THREAD_NAME.to_owned())
            .spawn(move || {
                // Until the store is gone (the sender dropped); the tasks
                // under way then have no caller left.
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            })
            .map_err(failed)?;
        Ok(WriterThread { handle, _stop: stop })
    }

    /// Starts `work` on the thread, not waiting for it.
    pub(super) fn spawn(&self, work: impl Future<Output = ()> + Send + 'static) {
        drop(self.handle.spawn(work));
    }

    /// Runs `work` (a write transaction, whole) on the thread and waits for
    /// its result. Should the caller stop waiting, the transaction still
    /// ends, committed or rolled back as it would have.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        work: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        match self.handle.spawn(work).await {
            Ok(result) => result,
            Err(e) => Err(StoreError::Database(format!("a write stopped: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The work runs on the thread of writes, whatever runtime asks; its
    /// error comes back as it was.
    #[tokio::test]
    async fn work_runs_on_the_thread_of_writes() {
        let writes = WriterThread::start().unwrap();
        let name = writes.run(async { Ok(std::thread::current().name().map(str::to_owned)) }).await.unwrap();
        assert_eq!(name.as_deref(), Some(THREAD_NAME));
        let err = writes.run(async { Err::<(), _>(StoreError::NotFound) }).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound), "{err:?}");
    }
}
