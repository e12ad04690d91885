//! The public response cache: rendered bodies of public article responses (one
//! article, a list page), bounded in bytes, kept per instance.
//!
//! What keeps it true:
//! - Every entry carries the database's *public generation* as this instance knew it
//!   before reading what the entry was built from. Triggers move that counter on every
//!   change to what public articles are built from (the tables listed once in
//!   `db::public_generation::PUBLIC_SOURCE_TABLES`), whichever instance or command
//!   made it. An entry is served only while its generation is the one the instance
//!   knows now.
//! - The instance reads the counter again when its last reading is older than the sync
//!   interval (`MASTHEAD_PUBLIC_CACHE_SYNC_MS`), so a change made elsewhere is served
//!   stale for at most that long; and before serving anything after a write that this
//!   process committed, so its own changes show at once.
//! - A list entry also stops at the next instant a scheduled article goes live; answers
//!   that change by themselves (embedded polls and sponsored blocks) are never cached.
//!
//! Bodies are kept compressed (`crate::packed`), primed with a dictionary sampled from
//! the first bodies kept: a hit inflates a few kB, which is cheap next to rendering
//! the answer again, and the same memory holds several times as many answers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use actix_web::web::Bytes;
use chrono::{DateTime, Utc};

use crate::db::{self, Database, DbError};
use crate::packed::{self, DICTIONARY_BYTES, Dictionary, Packed};

/// A rendered public response body and its ETag.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub etag: String,
    pub body: Bytes,
}

#[derive(Debug)]
struct Entry {
    generation: i64,
    held: Held,
}

#[derive(Debug)]
enum Held {
    Answer {
        /// The answer stops being true at this instant (a scheduled article goes live).
        until: Option<DateTime<Utc>>,
        etag: String,
        body: Packed,
        /// Packed with the cache's dictionary (else with none).
        primed: bool,
    },
    /// The same answer as the entry under this key (an article by slug and by id).
    SameAs(String),
}

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<String, Arc<Entry>> for ByBytes {
    fn weight(&self, key: &String, entry: &Arc<Entry>) -> u64 {
        // What the entry holds, its key, and the bookkeeping around them.
        let held = match &entry.held {
            Held::Answer { etag, body, .. } => body.stored_len() + etag.len() + 64,
            Held::SameAs(other) => other.len(),
        };
        (held + key.len() + 96) as u64
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
    /// Lookups that found nothing to serve (while the cache is on).
    misses: AtomicU64,
    /// The preset dictionary, once enough bodies were seen to make one.
    dictionary: OnceLock<Dictionary>,
    /// Its makings until then: the start of each of the first bodies kept.
    sample: Mutex<Vec<u8>>,
}

/// How much of one body goes into the dictionary: it is made of several.
const SAMPLE_PER_BODY: usize = DICTIONARY_BYTES / 16;

impl PublicCache {
    /// A cache of at most `capacity_bytes` (0: no cache) that reads the generation at
    /// least every `sync_every_ms` milliseconds.
    pub fn new(capacity_bytes: u64, sync_every_ms: u64) -> PublicCache {
        let entries = (capacity_bytes > 0).then(|| {
            quick_cache::sync::Cache::with_weighter((capacity_bytes / 2048).max(16) as usize, capacity_bytes, ByBytes)
        });
        PublicCache {
            entries,
            sync_every_micros: i64::try_from(sync_every_ms.saturating_mul(1000)).unwrap_or(i64::MAX),
            reading: Mutex::new(Reading::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            dictionary: OnceLock::new(),
            sample: Mutex::new(Vec::new()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.entries.is_some()
    }

    /// Answers served from the cache so far (for tests and diagnostics).
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Lookups that found no answer to serve, while the cache was on.
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }

    /// What the entries weigh now, in bytes (the weight that `MASTHEAD_PUBLIC_CACHE_MB`
    /// bounds: compressed bodies, keys and bookkeeping).
    pub fn stored_bytes(&self) -> u64 {
        self.entries.as_ref().map_or(0, |e| e.weight())
    }

    /// The most the entries may weigh, in bytes (0: no cache).
    pub fn capacity_bytes(&self) -> u64 {
        self.entries.as_ref().map_or(0, |e| e.capacity())
    }

    /// Answers held now.
    pub fn entries(&self) -> usize {
        self.entries.as_ref().map_or(0, |e| e.len())
    }

    fn reading(&self) -> MutexGuard<'_, Reading> {
        self.reading.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The generation that entries must carry to be served at `now`; `None` when the
    /// cache is off. Reads the database when the last reading is too old or this
    /// process has committed a write since.
    pub async fn generation(&self, database: &Database, now: DateTime<Utc>) -> Result<Option<i64>, DbError> {
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
        let read = database.run(|conn| db::public_generation::current(conn).map_err(DbError::from)).await?;
        let mut r = self.reading();
        // Readings may finish out of order: keep the newest of everything.
        r.generation = r.generation.max(read);
        r.writes_seen = r.writes_seen.max(writes);
        r.at_micros = Some(r.at_micros.map_or(now_micros, |at| at.max(now_micros)));
        Ok(Some(r.generation))
    }

    /// The answer for `key`, if it was built at `generation` and is still true at `now`.
    pub fn get(&self, key: &str, generation: i64, now: DateTime<Utc>) -> Option<Rendered> {
        let entries = self.entries.as_ref()?;
        let found = self.lookup(entries, key, generation, now);
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    fn lookup(
        &self,
        entries: &quick_cache::sync::Cache<String, Arc<Entry>, ByBytes>,
        key: &str,
        generation: i64,
        now: DateTime<Utc>,
    ) -> Option<Rendered> {
        let mut entry = entries.get(key)?;
        if let Held::SameAs(other) = &entry.held {
            if entry.generation != generation {
                return None;
            }
            // One step only: what `same_as` points at is kept by `put`.
            entry = entries.get(other.as_str())?;
        }
        let Held::Answer { until, etag, body, primed } = &entry.held else { return None };
        if entry.generation != generation || until.is_some_and(|until| now >= until) {
            return None;
        }
        let dictionary = if *primed { Some(self.dictionary.get()?) } else { None };
        let body = packed::unpack(body, dictionary)?;
        Some(Rendered { etag: etag.clone(), body: body.into() })
    }

    /// Keeps `rendered` for `key`, built from what the database held at `generation`.
    pub fn put(&self, key: String, generation: i64, until: Option<DateTime<Utc>>, rendered: Rendered) {
        let Some(entries) = &self.entries else { return };
        let dictionary = self.dictionary_after(&rendered.body);
        if let Some(body) = packed::pack(&rendered.body, dictionary) {
            let primed = dictionary.is_some();
            let held = Held::Answer { until, etag: rendered.etag, body, primed };
            entries.insert(key, Arc::new(Entry { generation, held }));
        }
    }

    /// Keeps under `key` a pointer to the answer kept under `answer_key` (by `put`), so
    /// that two addresses of one answer share it. Both must be of `generation`.
    pub fn same_as(&self, key: String, generation: i64, answer_key: String) {
        if let Some(entries) = self.entries.as_ref().filter(|_| key != answer_key) {
            entries.insert(key, Arc::new(Entry { generation, held: Held::SameAs(answer_key) }));
        }
    }

    /// The dictionary to pack with, once there is one; until then `body` adds to its
    /// sample (which becomes the dictionary when full, and never changes after).
    fn dictionary_after(&self, body: &[u8]) -> Option<&Dictionary> {
        if let Some(dictionary) = self.dictionary.get() {
            return Some(dictionary);
        }
        let mut sample = self.sample.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Another body may have completed the sample while this one waited.
        if let Some(dictionary) = self.dictionary.get() {
            return Some(dictionary);
        }
        let room = DICTIONARY_BYTES.saturating_sub(sample.len());
        sample.extend_from_slice(&body[..body.len().min(SAMPLE_PER_BODY).min(room)]);
        if sample.len() >= DICTIONARY_BYTES {
            // The body that completed the sample is packed without it, like those before.
            if let Some(made) = Dictionary::new(&std::mem::take(&mut *sample)) {
                let _ = self.dictionary.set(made);
            }
        }
        None
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
        assert_eq!(cache.misses(), 3);
        assert!(cache.stored_bytes() > 0 && cache.stored_bytes() <= cache.capacity_bytes());
        assert_eq!(cache.entries(), 2);
    }

    /// 4,000 bytes that do not compress, different for each `seed`.
    fn noise(seed: u32) -> String {
        let mut x = u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..4000)
            .map(|_| {
                // xorshift64
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'a' + (x % 26) as u8)
            })
            .collect()
    }

    #[test]
    fn the_size_is_bounded_by_what_is_stored() {
        let cache = PublicCache::new(64 * 1024, 1000);
        for n in 0..100 {
            cache.put(format!("/{n}"), 1, None, rendered(&noise(n)));
        }
        let held = (0..100).filter(|n| cache.get(&format!("/{n}"), 1, Utc::now()).is_some()).count();
        // 26 letters pack to about 60% of 4 kB: some 27 of them fit in 64 kB, not all.
        assert!(held > 0 && held <= 32, "held {held} entries of 4 kB in 64 kB");
    }

    #[test]
    fn bodies_come_back_exactly_before_and_after_the_dictionary() {
        let cache = PublicCache::new(8 << 20, 1000);
        let now = Utc::now();
        let body = |n: u32| format!(r#"{{"slug":"article-{n}","headline":"Headline {n}","text":"{}"}}"#, noise(n));
        // More bodies than the dictionary's sample takes, so that both kinds are held.
        let count = u32::try_from(DICTIONARY_BYTES / SAMPLE_PER_BODY).unwrap_or(8) * 2 + 4;
        for n in 0..count {
            cache.put(format!("/{n}"), 1, None, Rendered { etag: format!("\"{n}\""), body: body(n).into() });
        }
        assert!(cache.dictionary.get().is_some(), "the sample made a dictionary");
        for n in 0..count {
            let hit = cache.get(&format!("/{n}"), 1, now).expect("held");
            assert_eq!(hit.body, Bytes::from(body(n)), "body {n}");
            assert_eq!(hit.etag, format!("\"{n}\""));
        }
    }

    #[test]
    fn two_addresses_share_one_answer_of_their_generation() {
        let cache = PublicCache::new(1 << 20, 1000);
        let now = Utc::now();
        cache.put("article 1".into(), 5, None, rendered("one"));
        cache.same_as("/by-slug".into(), 5, "article 1".into());
        cache.same_as("/by-old-slug".into(), 4, "article 1".into());
        cache.same_as("/dangling".into(), 5, "article 2".into());
        assert_eq!(cache.get("/by-slug", 5, now).map(|r| r.body), Some(Bytes::from("one")));
        assert!(cache.get("/by-slug", 6, now).is_none(), "another generation");
        assert!(cache.get("/by-old-slug", 5, now).is_none(), "a pointer from an older generation");
        assert!(cache.get("/dangling", 5, now).is_none(), "nothing kept where it points");
        cache.put("article 1".into(), 6, None, rendered("one, later"));
        assert!(cache.get("/by-slug", 5, now).is_none(), "points at an answer of another generation");
    }

    #[test]
    fn a_zero_capacity_is_no_cache() {
        let cache = PublicCache::new(0, 1000);
        assert!(!cache.enabled());
        cache.put("/a".into(), 1, None, rendered("a"));
        assert!(cache.get("/a", 1, Utc::now()).is_none());
        assert_eq!((cache.misses(), cache.stored_bytes(), cache.capacity_bytes()), (0, 0, 0), "no cache, no misses");
    }
}
