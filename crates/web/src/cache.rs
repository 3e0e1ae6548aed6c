//! A cache of rendered pages, so the hot path is a map lookup.
//!
//! Every write clears it. Pages also expire when the next scheduled article
//! comes out (the site changes by itself then), and in any case after a
//! minute. A generation counter keeps a page rendered before a write from
//! being stored after it.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use axum::body::Bytes;
use axum::http::HeaderValue;
use sha2::{Digest, Sha256};

/// Beyond this many pages the cache starts over.
const MAX_ENTRIES: usize = 4096;
/// The longest a page is kept, in seconds.
const MAX_AGE: i64 = 60;

/// A rendered page.
#[derive(Clone)]
pub struct Page {
    pub body: Bytes,
    pub etag: HeaderValue,
}

impl Page {
    pub fn new(body: String) -> Page {
        let digest = Sha256::digest(body.as_bytes());
        let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        let etag = HeaderValue::from_str(&format!("\"{hex}\"")).unwrap_or(HeaderValue::from_static("\"0\""));
        Page { body: Bytes::from(body), etag }
    }
}

#[derive(Default)]
pub struct PageCache {
    map: RwLock<HashMap<String, Page>>,
    generation: AtomicU64,
    /// Unix time at which everything cached expires (0: nothing cached yet).
    valid_until: AtomicI64,
}

impl PageCache {
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn get(&self, key: &str, now: i64) -> Option<Page> {
        if now >= self.valid_until.load(Ordering::Acquire) {
            return None;
        }
        self.map.read().ok()?.get(key).cloned()
    }

    /// Stores a page rendered at `generation`, valid until `until` at the latest.
    pub fn put(&self, key: String, page: Page, generation: u64, now: i64, until: Option<i64>) {
        let Ok(mut map) = self.map.write() else { return };
        if self.generation() != generation {
            return;
        }
        let until = until.unwrap_or(i64::MAX).min(now + MAX_AGE);
        let current = self.valid_until.load(Ordering::Acquire);
        if now >= current || map.len() >= MAX_ENTRIES {
            map.clear();
            self.valid_until.store(until, Ordering::Release);
        } else if until < current {
            self.valid_until.store(until, Ordering::Release);
        }
        map.insert(key, page);
    }

    pub fn clear(&self) {
        if let Ok(mut map) = self.map.write() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            map.clear();
            self.valid_until.store(0, Ordering::Release);
        }
    }
}

/// Every write that readers may see drops the cached pages.
impl content::Changes for PageCache {
    fn changed(&self, change: &content::Change) {
        if change.public || change.everything {
            self.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_get_clear_and_expiry() {
        let c = PageCache::default();
        assert!(c.get("a", 100).is_none());
        let g = c.generation();
        c.put("a".into(), Page::new("hello".into()), g, 100, Some(130));
        assert_eq!(c.get("a", 101).unwrap().body, "hello");
        assert!(c.get("a", 130).is_none(), "expires when the next article comes out");
        c.put("a".into(), Page::new("x".into()), g, 200, None);
        assert!(c.get("a", 200 + MAX_AGE).is_none(), "and after MAX_AGE anyway");
        c.put("a".into(), Page::new("x".into()), g, 300, None);
        c.clear();
        assert!(c.get("a", 301).is_none());
        // A page rendered before a write is not kept after it.
        c.put("b".into(), Page::new("stale".into()), g, 302, None);
        assert!(c.get("b", 303).is_none());
    }

    #[test]
    fn etags_follow_the_bytes() {
        assert_eq!(Page::new("a".into()).etag, Page::new("a".into()).etag);
        assert_ne!(Page::new("a".into()).etag, Page::new("b".into()).etag);
    }
}
