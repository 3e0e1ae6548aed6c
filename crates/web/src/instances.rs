//! Several instances of one site: each keeps its page cache in step with
//! the writes of the others. A write through any instance (or any process
//! writing to the site, such as `newsdesk import`) is sent as a notice
//! (`content::Articles`); here every instance listens to the notices
//! (`store::InstanceStore::listen`) and makes stale the pages each one
//! touched, as a write of its own would. After a lost connection to the
//! database, notices may have been missed: every cached page is made stale
//! once the listener is back. (On SQLite there is one instance: nothing to
//! listen to.)
//!
//! Scheduled articles need nothing more: every render asks the database
//! when the next scheduled article comes out, and a notice of a newly
//! scheduled article makes the listings stale, so each instance's next
//! render learns the time and its cache goes stale at it.

use std::time::Duration;

use content::{Change, Changes as _};
use store::Heard;
use tokio::task::JoinHandle;

/// How long to wait before trying again to listen, when the database
/// cannot be reached.
const RETRY: Duration = Duration::from_secs(1);

impl crate::AppState {
    /// Starts following the site's other instances (module doc): the task
    /// doing it, or `None` when the backend has no other instances. Fails
    /// when the first listening connection cannot be made.
    pub async fn follow_other_instances(&self) -> store::Result<Option<JoinHandle<()>>> {
        let Some(mut listener) = self.store().listen().await? else { return Ok(None) };
        let cache = self.inner.cache.clone();
        Ok(Some(tokio::spawn(async move {
            let mut failing = false;
            loop {
                match listener.next().await {
                    Ok(Heard::Notice(notice)) => {
                        let change = Change::from_notice(&notice);
                        tracing::debug!(
                            articles = ?change.articles,
                            everything = change.everything,
                            "a write on another instance"
                        );
                        cache.changed(&change);
                    }
                    Ok(Heard::Missed) => {
                        failing = false;
                        cache.changed(&Change::everything());
                        tracing::warn!(
                            "listening to the other instances again after a lost connection: notices may have \
                             been missed, so every cached page was made stale"
                        );
                    }
                    Err(e) => {
                        if !failing {
                            tracing::warn!(
                                error = %e,
                                "lost the connection that hears the other instances' writes: trying again every \
                                 second (their writes show here when cached pages expire meanwhile)"
                            );
                        }
                        failing = true;
                        tokio::time::sleep(RETRY).await;
                    }
                }
            }
        })))
    }
}
