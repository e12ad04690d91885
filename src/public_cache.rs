//! The public response cache: rendered bodies of public article responses (one
//! article, a list page), bounded in bytes, kept per instance.
//!
//! What keeps it true:
//! - Every entry carries the database's *public generation* as this instance knew it
//!   before reading what the entry was built from. Triggers move that counter on every
//!   change to what public articles are built from (articles, the live index, bylines,
//!   tags, sections, display names, the paywall's preview length), whichever instance
//!   or command made it. An entry is served only while its generation is the one the
//!   instance knows now.
//! - The instance reads the counter again when its last reading is older than the sync
//!   interval (`MASTHEAD_PUBLIC_CACHE_SYNC_MS`), so a change made elsewhere is served
//!   stale for at most that long; and before serving anything after a write that this
//!   process committed, so its own changes show at once.
//! - A list entry also stops at the next instant a scheduled article goes live; answers
//!   that change by themselves (embedded polls and sponsored blocks) are never cached.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use actix_web::web::Bytes;
use chrono::{DateTime, Utc};

use crate::db::{self, Database};
use crate::error::ApiError;

/// A rendered public response body and its ETag.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub etag: String,
    pub body: Bytes,
}

#[derive(Debug)]
struct Entry {
    generation: i64,
    /// The entry stops being true at this instant (a scheduled article goes live).
    until: Option<DateTime<Utc>>,
    rendered: Rendered,
}

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<String, Arc<Entry>> for ByBytes {
    fn weight(&self, key: &String, entry: &Arc<Entry>) -> u64 {
        // The body, the key, the ETag, and the bookkeeping around them.
        (entry.rendered.body.len() + key.len() + entry.rendered.etag.len() + 128) as u64
    }
}

/// What this instance last read of the database's public generation.
#[derive(Debug, Default)]
struct Reading {
    generation: i64,
    /// When it was read, in microseconds by the application clock; `None`: never.
    at_micros: Option<i64>,
    /// `db::committed_writes()` before that reading.
    writes_seen: u64,
}

pub struct PublicCache {
    entries: Option<quick_cache::sync::Cache<String, Arc<Entry>, ByBytes>>,
    sync_every_micros: i64,
    reading: Mutex<Reading>,
    hits: AtomicU64,
}

impl PublicCache {
    /// A cache of at most `capacity_bytes` (0: no cache) that reads the generation at
    /// least every `sync_every_ms` milliseconds.
    pub fn new(capacity_bytes: u64, sync_every_ms: u64) -> PublicCache {
        let entries = (capacity_bytes > 0).then(|| {
            quick_cache::sync::Cache::with_weighter((capacity_bytes / 4096).max(16) as usize, capacity_bytes, ByBytes)
        });
        PublicCache {
            entries,
            sync_every_micros: i64::try_from(sync_every_ms.saturating_mul(1000)).unwrap_or(i64::MAX),
            reading: Mutex::new(Reading::default()),
            hits: AtomicU64::new(0),
        }
    }

    pub fn enabled(&self) -> bool {
        self.entries.is_some()
    }

    /// Answers served from the cache so far (for tests and diagnostics).
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    fn reading(&self) -> MutexGuard<'_, Reading> {
        self.reading.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The generation that entries must carry to be served at `now`; `None` when the
    /// cache is off. Reads the database when the last reading is too old or this
    /// process has committed a write since.
    pub async fn generation(&self, database: &Database, now: DateTime<Utc>) -> Result<Option<i64>, ApiError> {
        if !self.enabled() {
            return Ok(None);
        }
        let now_micros = now.timestamp_micros();
        let writes = db::committed_writes();
        {
            let r = self.reading();
            let fresh = r.at_micros.is_some_and(|at| at <= now_micros && now_micros - at < self.sync_every_micros);
            if fresh && r.writes_seen == writes {
                return Ok(Some(r.generation));
            }
        }
        let read = database.run(|conn| Ok(db::public_generation::current(conn)?)).await?;
        let mut r = self.reading();
        // Readings may finish out of order: keep the newest of everything.
        r.generation = r.generation.max(read);
        r.writes_seen = r.writes_seen.max(writes);
        r.at_micros = Some(r.at_micros.map_or(now_micros, |at| at.max(now_micros)));
        Ok(Some(r.generation))
    }

    /// The entry for `key`, if it was built at `generation` and is still true at `now`.
    pub fn get(&self, key: &str, generation: i64, now: DateTime<Utc>) -> Option<Rendered> {
        let entry = self.entries.as_ref()?.get(key)?;
        if entry.generation != generation || entry.until.is_some_and(|until| now >= until) {
            return None;
        }
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(entry.rendered.clone())
    }

    /// Keeps `rendered` for `key`, built from what the database held at `generation`.
    pub fn put(&self, key: String, generation: i64, until: Option<DateTime<Utc>>, rendered: Rendered) {
        if let Some(entries) = &self.entries {
            entries.insert(key, Arc::new(Entry { generation, until, rendered }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(text: &str) -> Rendered {
        Rendered { etag: "\"x\"".into(), body: Bytes::from(text.to_string()) }
    }

    #[test]
    fn entries_serve_only_their_generation_and_until_their_end() {
        let cache = PublicCache::new(1 << 20, 1000);
        let now = Utc::now();
        cache.put("/a".into(), 3, None, rendered("a"));
        cache.put("/b".into(), 3, Some(now + chrono::Duration::seconds(1)), rendered("b"));
        assert_eq!(cache.get("/a", 3, now).map(|r| r.body), Some(Bytes::from("a")));
        assert!(cache.get("/a", 4, now).is_none(), "another generation");
        assert!(cache.get("/b", 3, now).is_some());
        assert!(cache.get("/b", 3, now + chrono::Duration::seconds(1)).is_none(), "at its end");
        assert!(cache.get("/c", 3, now).is_none());
        assert_eq!(cache.hits(), 2);
    }

    #[test]
    fn the_size_is_bounded() {
        let cache = PublicCache::new(64 * 1024, 1000);
        let body = "x".repeat(4000);
        for n in 0..100 {
            cache.put(format!("/{n}"), 1, None, rendered(&body));
        }
        let held = (0..100).filter(|n| cache.get(&format!("/{n}"), 1, Utc::now()).is_some()).count();
        assert!(held > 0 && held <= 16, "held {held} entries of 4 kB in 64 kB");
    }

    #[test]
    fn a_zero_capacity_is_no_cache() {
        let cache = PublicCache::new(0, 1000);
        assert!(!cache.enabled());
        cache.put("/a".into(), 1, None, rendered("a"));
        assert!(cache.get("/a", 1, Utc::now()).is_none());
    }
}
