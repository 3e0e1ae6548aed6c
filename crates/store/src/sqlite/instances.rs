//! Several instances: one process serves a SQLite file, so there is nobody
//! to tell and nobody to wait for (see [`crate::InstanceStore`]).

use async_trait::async_trait;

use super::SqliteStore;
use crate::instances::Alone;
use crate::{Exclusive, InstanceStore, MAX_NOTICE_BYTES, NoticeListener, Result, StoreError};

#[async_trait]
impl InstanceStore for SqliteStore {
    async fn notify(&self, notice: &str) -> Result<()> {
        if notice.len() > MAX_NOTICE_BYTES {
            return Err(StoreError::Conflict(format!("a notice of {} bytes is too long", notice.len())));
        }
        Ok(())
    }

    async fn listen(&self) -> Result<Option<Box<dyn NoticeListener>>> {
        Ok(None)
    }

    async fn try_exclusive(&self, _name: &str) -> Result<Option<Box<dyn Exclusive>>> {
        Ok(Some(Box::new(Alone)))
    }
}
