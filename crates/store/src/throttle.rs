//! Sign-in throttling: failed sign-ins, per account and per client address,
//! kept in the database so that every instance of the site counts the same
//! failures (an attacker who reaches several instances gets no more tries).

use async_trait::async_trait;

use crate::Result;

/// Failed sign-ins by key (`user:NAME`, `addr:ADDRESS`).
#[async_trait]
pub trait ThrottleStore: Send + Sync {
    /// Records one failure at `now` under each key, and forgets failures
    /// of those keys from before `forget_before`.
    async fn record_failure(&self, keys: &[&str], now: i64, forget_before: i64) -> Result<()>;
    /// The times of a key's failures since `since` (inclusive), oldest first.
    async fn failures_since(&self, key: &str, since: i64) -> Result<Vec<i64>>;
    /// Forgets a key's failures (after a successful sign-in).
    async fn clear_failures(&self, key: &str) -> Result<()>;
}
