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
//! - An entry also stops at the next instant its answer changes with no write: a list
//!   when a scheduled article goes live; an article that embeds a sponsored block or a
//!   poll when a flight starts or ends, when the poll opens or closes, and a second
//!   after it was built when it shows the poll's results. Those entries also end when
//!   this process counts a vote, so that a reader sees their own vote at once.
//!
//! Bodies are kept compressed (`crate::packed`), primed with a dictionary sampled from
//! the first bodies kept: a hit inflates a few kB, which is cheap next to rendering
//! the answer again, and the same memory holds several times as many answers. A body
//! is packed by the request that missed, at a cost well under that of the miss itself
//! (when the archive is larger than the cache, most requests miss); once the cache is
//! full, only answers asked for again are packed and kept (see `PublicCache::seen`).
//! Answers rendered gzipped (feeds) are also kept as they are, and sent so on a hit
//! to a client that takes gzip.

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use std::io::{Read, Write};

use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use crate::db::{self, Database, DbError};
use crate::packed::{self, DICTIONARY_BYTES, Dictionary, Packed};

/// The form a rendered body is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// As it reads; the answer has no other form.
    Plain,
    /// Gzipped (`Rendered::gzip`): sent so to clients that take gzip, inflated for the
    /// others.
    Gzipped,
    /// As it reads, taken from the cache for a client that does not take gzip; the
    /// answer has a gzipped form too (so it varies with Accept-Encoding).
    Inflated,
}

/// A rendered public response body and its ETag.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The ETag of the body as it reads, not gzipped.
    pub etag: String,
    pub body: Bytes,
    /// The form `body` holds the answer in.
    pub form: Form,
    /// `application/json` but for feeds and sitemaps.
    pub content_type: &'static str,
    /// Sent as `Last-Modified` (feeds, whose readers poll with `If-Modified-Since`).
    pub last_modified: Option<DateTime<Utc>>,
}

impl Rendered {
    pub const JSON: &'static str = "application/json";

    /// A JSON body with its ETag.
    pub fn json(etag: String, body: Bytes) -> Rendered {
        Rendered { etag, body, form: Form::Plain, content_type: Rendered::JSON, last_modified: None }
    }

    /// The same answer held gzipped, for answers whose clients nearly all take gzip
    /// (feed readers): a hit is then sent as it is kept, with no work per request.
    /// Unchanged when gzip fails or would not make it smaller.
    pub fn gzip(self) -> Rendered {
        if self.form != Form::Plain {
            return self;
        }
        let mut encoder = GzEncoder::new(Vec::with_capacity(self.body.len() / 4), Compression::default());
        match encoder.write_all(&self.body).and_then(|()| encoder.finish()) {
            Ok(zipped) if zipped.len() < self.body.len() => {
                Rendered { body: Bytes::from(zipped), form: Form::Gzipped, ..self }
            }
            _ => self,
        }
    }

    /// The body as it reads (inflated when it is held gzipped).
    pub fn plain_body(&self) -> std::io::Result<Bytes> {
        if self.form != Form::Gzipped {
            return Ok(self.body.clone());
        }
        let mut out = Vec::with_capacity(self.body.len() * 4);
        GzDecoder::new(&self.body[..]).read_to_end(&mut out)?;
        Ok(Bytes::from(out))
    }
}

/// How long an answer stays true with no write to what it is built from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lifetime {
    /// It stops being true at this instant (a scheduled article goes live, a flight
    /// starts or ends, a poll opens or closes, shown results age).
    pub until: Option<DateTime<Utc>>,
    /// It changes by itself (it embeds a poll or a sponsored block): HTTP caches must
    /// not keep it past `until`, nor serve it stale.
    pub by_itself: bool,
    /// It shows poll results, built when `PublicCache::responses_counted` was this:
    /// served only while that has not moved.
    pub responses: Option<u64>,
}

impl Lifetime {
    /// For lists, which change by themselves only when a scheduled article goes live.
    pub fn until(until: Option<DateTime<Utc>>) -> Lifetime {
        Lifetime { until, ..Lifetime::default() }
    }

    /// The seconds HTTP caches may keep the answer at `now`, when that is bounded.
    pub fn expires_in(&self, now: DateTime<Utc>) -> Option<i64> {
        self.by_itself.then(|| self.until.map_or(i64::MAX, |until| (until - now).num_seconds().max(0)))
    }

    fn holds(&self, now: DateTime<Utc>, responses: u64) -> bool {
        self.until.is_none_or(|until| now < until) && self.responses.is_none_or(|r| r == responses)
    }
}

#[derive(Debug)]
struct Entry {
    generation: i64,
    held: Held,
}

impl Entry {
    fn new(generation: i64, held: Held) -> Arc<Entry> {
        Arc::new(Entry { generation, held })
    }
}

#[derive(Debug)]
enum Held {
    Answer {
        lifetime: Lifetime,
        etag: String,
        body: Stored,
        content_type: &'static str,
        last_modified: Option<DateTime<Utc>>,
    },
    /// The same answer as the entry under this key (an article by slug and by id).
    SameAs(String),
}

#[derive(Debug)]
enum Stored {
    Packed {
        body: Packed,
        /// Packed with the cache's dictionary (else with none).
        primed: bool,
    },
    /// Kept as rendered (`Rendered::gzip`), for clients that take gzip, and packed for
    /// those that do not (inflating gzip on every hit would cost more than LZ4).
    Gzipped { gzip: Bytes, plain: Packed, primed: bool },
}

impl Stored {
    fn len(&self) -> usize {
        match self {
            Stored::Packed { body, .. } => body.stored_len(),
            Stored::Gzipped { gzip, plain, .. } => gzip.len() + plain.stored_len(),
        }
    }
}

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<String, Arc<Entry>> for ByBytes {
    fn weight(&self, key: &String, entry: &Arc<Entry>) -> u64 {
        // What the entry holds, its key, and the bookkeeping around them.
        let held = match &entry.held {
            Held::Answer { etag, body, .. } => body.len() + etag.len() + 64,
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

type Entries = quick_cache::sync::Cache<String, Arc<Entry>, ByBytes>;

pub struct PublicCache {
    /// `None`: no cache.
    entries: Option<Entries>,
    /// The preset dictionary, once enough bodies were seen to make one.
    dictionary: OnceLock<Dictionary>,
    sync_every_micros: i64,
    reading: Mutex<Reading>,
    hits: AtomicU64,
    /// Lookups that found nothing to serve (while the cache is on).
    misses: AtomicU64,
    /// Poll responses this instance has counted (see `response_counted`).
    responses: AtomicU64,
    /// Keys of answers not kept because the cache was full, by fingerprint, one in each
    /// slot: while it is full, an answer is packed and kept only when its key misses
    /// again while still remembered here. Answers asked for once, which most of a long
    /// tail is, then cost no packing and push out nothing that is read again.
    seen: OnceLock<Box<[AtomicU64]>>,
    /// Its slots, made when the cache first fills: as many as the answers it holds.
    remember: usize,
    /// The dictionary's makings until there is one: the start of each of the first
    /// bodies kept.
    sample: Mutex<Vec<u8>>,
}

/// How much of one body goes into the dictionary: it is made of several.
const SAMPLE_PER_BODY: usize = DICTIONARY_BYTES / 16;

impl PublicCache {
    /// A cache of at most `capacity_bytes` (0: no cache) that reads the generation at
    /// least every `sync_every_ms` milliseconds.
    pub fn new(capacity_bytes: u64, sync_every_ms: u64) -> PublicCache {
        // About as many answers as the cache holds.
        let items = (capacity_bytes / 2048).max(16) as usize;
        let entries =
            (capacity_bytes > 0).then(|| quick_cache::sync::Cache::with_weighter(items, capacity_bytes, ByBytes));
        PublicCache {
            entries,
            dictionary: OnceLock::new(),
            sync_every_micros: i64::try_from(sync_every_ms.saturating_mul(1000)).unwrap_or(i64::MAX),
            reading: Mutex::new(Reading::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            responses: AtomicU64::new(0),
            seen: OnceLock::new(),
            remember: items,
            sample: Mutex::new(Vec::new()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.entries.is_some()
    }

    fn map(&self) -> Option<&Entries> {
        self.entries.as_ref()
    }

    fn dictionary(&self) -> Option<&Dictionary> {
        self.dictionary.get()
    }

    /// Answers served from the cache so far (for tests and diagnostics).
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Lookups that found no answer to serve, while the cache was on.
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }

    /// Poll responses counted through this instance so far: read before the database
    /// is, for answers that show results.
    pub fn responses_counted(&self) -> u64 {
        self.responses.load(Ordering::SeqCst)
    }

    /// A poll response was committed through this instance: answers that show results
    /// and were built before it are not served again, so that readers see their own
    /// vote at once (votes counted by other instances show within a second, as such
    /// answers are kept no longer).
    pub fn response_counted(&self) {
        self.responses.fetch_add(1, Ordering::SeqCst);
    }

    /// What the entries weigh now, in bytes (the weight that `MASTHEAD_PUBLIC_CACHE_MB`
    /// bounds: compressed bodies, keys and bookkeeping).
    pub fn stored_bytes(&self) -> u64 {
        self.map().map_or(0, |e| e.weight())
    }

    /// The most the entries may weigh, in bytes (0: no cache).
    pub fn capacity_bytes(&self) -> u64 {
        self.map().map_or(0, |e| e.capacity())
    }

    /// Answers held now.
    pub fn entries(&self) -> usize {
        self.map().map_or(0, |e| e.len())
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

    /// The answer for `key` and how long it holds, if it was built at `generation` and
    /// is still true at `now`.
    /// `gzip`: the client takes gzip (an answer kept gzipped is then given so).
    pub fn get(&self, key: &str, generation: i64, now: DateTime<Utc>, gzip: bool) -> Option<(Rendered, Lifetime)> {
        let entries = self.map()?;
        let found = self.lookup(entries, key, generation, now, gzip);
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    fn lookup(
        &self,
        entries: &Entries,
        key: &str,
        generation: i64,
        now: DateTime<Utc>,
        gzip: bool,
    ) -> Option<(Rendered, Lifetime)> {
        let found = entries.get(key)?;
        let entry = match &found.held {
            // One step only: what `same_as` points at is kept by `put`.
            Held::SameAs(other) if found.generation == generation => entries.get(other.as_str())?,
            Held::SameAs(_) => return None,
            Held::Answer { .. } => found,
        };
        let Held::Answer { lifetime, etag, body, content_type, last_modified } = &entry.held else {
            return None;
        };
        if entry.generation != generation || !lifetime.holds(now, self.responses_counted()) {
            return None;
        }
        let unpack = |body: &Packed, primed: bool| -> Option<Bytes> {
            let dictionary = if primed { Some(self.dictionary()?) } else { None };
            Some(packed::unpack(body, dictionary)?.into())
        };
        let (body, form) = match body {
            Stored::Packed { body, primed } => (unpack(body, *primed)?, Form::Plain),
            Stored::Gzipped { gzip: zipped, .. } if gzip => (zipped.clone(), Form::Gzipped),
            Stored::Gzipped { plain, primed, .. } => (unpack(plain, *primed)?, Form::Inflated),
        };
        let rendered = Rendered { etag: etag.clone(), body, form, content_type, last_modified: *last_modified };
        Some((rendered, *lifetime))
    }

    /// Keeps `rendered` for `key`, built from what the database held at `generation`,
    /// unless the cache is full and the key has not missed before (see `seen`). Says
    /// whether it was kept.
    pub fn put(&self, key: String, generation: i64, lifetime: Lifetime, rendered: Rendered) -> bool {
        let Some(entries) = self.map() else { return false };
        // Paid once, by the request that missed.
        let Ok(plain) = rendered.plain_body() else { return false };
        let gzip_len = if rendered.form == Form::Gzipped { rendered.body.len() } else { 0 };
        if !self.admits(entries, &key, plain.len() + gzip_len) {
            return false;
        }
        let dictionary = self.dictionary_after(&plain);
        let Some(packed) = packed::pack(&plain, dictionary) else { return false };
        let primed = dictionary.is_some();
        let body = match rendered.form {
            Form::Gzipped => Stored::Gzipped { gzip: rendered.body, plain: packed, primed },
            Form::Plain | Form::Inflated => Stored::Packed { body: packed, primed },
        };
        let held = Held::Answer {
            lifetime,
            etag: rendered.etag,
            body,
            content_type: rendered.content_type,
            last_modified: rendered.last_modified,
        };
        entries.insert(key, Entry::new(generation, held));
        true
    }

    /// Whether an answer of `len` bytes for `key` is to be kept: always while there is
    /// room for it; once the cache is full, only on the key's second miss.
    fn admits(&self, entries: &Entries, key: &str, len: usize) -> bool {
        if entries.weight().saturating_add(len as u64) <= entries.capacity() {
            return true;
        }
        let seen = self.seen.get_or_init(|| (0..self.remember.max(1)).map(|_| AtomicU64::new(0)).collect());
        let mut hasher = std::hash::DefaultHasher::new();
        key.hash(&mut hasher);
        // Never 0, which marks an empty slot.
        let print = hasher.finish() | 1;
        let slot = &seen[(print % seen.len() as u64) as usize];
        if slot.load(Ordering::Relaxed) == print {
            slot.store(0, Ordering::Relaxed);
            true
        } else {
            slot.store(print, Ordering::Relaxed);
            false
        }
    }

    /// Keeps under `key` a pointer to the answer kept under `answer_key` (by `put`), so
    /// that two addresses of one answer share it. Both must be of `generation`.
    pub fn same_as(&self, key: String, generation: i64, answer_key: String) {
        if let Some(entries) = self.map().filter(|_| key != answer_key) {
            entries.insert(key, Entry::new(generation, Held::SameAs(answer_key)));
        }
    }

    /// The dictionary to pack with, once there is one; until then `body` adds to its
    /// sample (which becomes the dictionary when full, and never changes after).
    fn dictionary_after(&self, body: &[u8]) -> Option<&Dictionary> {
        self.map()?;
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
        Rendered::json("\"x\"".into(), Bytes::from(text.to_string()))
    }

    #[test]
    fn entries_serve_only_their_generation_and_until_their_end() {
        let cache = PublicCache::new(1 << 20, 1000);
        let now = Utc::now();
        cache.put("/a".into(), 3, Lifetime::default(), rendered("a"));
        cache.put("/b".into(), 3, Lifetime::until(Some(now + chrono::Duration::seconds(1))), rendered("b"));
        assert_eq!(cache.get("/a", 3, now, false).map(|(r, _)| r.body), Some(Bytes::from("a")));
        assert!(cache.get("/a", 4, now, false).is_none(), "another generation");
        assert!(cache.get("/b", 3, now, false).is_some());
        assert!(cache.get("/b", 3, now + chrono::Duration::seconds(1), false).is_none(), "at its end");
        assert!(cache.get("/c", 3, now, false).is_none());
        assert_eq!(cache.hits(), 2);
        assert_eq!(cache.misses(), 3);
        assert!(cache.stored_bytes() > 0 && cache.stored_bytes() <= cache.capacity_bytes());
        assert_eq!(cache.entries(), 2);
    }

    #[test]
    fn gzipped_answers_go_gzipped_to_clients_that_take_it_and_plain_to_others() {
        let cache = PublicCache::new(1 << 20, 1000);
        let now = Utc::now();
        let text = "<rss>".to_string() + &"<item>a feed item</item>".repeat(200) + "</rss>";
        let rendered = Rendered { content_type: "application/rss+xml", ..rendered(&text) }.gzip();
        assert_eq!(rendered.form, Form::Gzipped);
        assert!(rendered.body.len() < text.len() / 4);
        cache.put("/feed".into(), 1, Lifetime::default(), rendered.clone());
        let (zipped, _) = cache.get("/feed", 1, now, true).expect("kept");
        assert_eq!((zipped.form, zipped.body), (Form::Gzipped, rendered.body.clone()), "sent as kept");
        let (plain, _) = cache.get("/feed", 1, now, false).expect("kept");
        assert_eq!((plain.form, plain.body), (Form::Inflated, Bytes::from(text.clone())));
        assert_eq!(rendered.plain_body().expect("inflates"), Bytes::from(text));
        // A JSON answer is kept and given plain whatever the client takes.
        cache.put("/a".into(), 1, Lifetime::default(), super::tests::rendered("a"));
        assert_eq!(cache.get("/a", 1, now, true).map(|(r, _)| r.form), Some(Form::Plain));
    }

    #[test]
    fn answers_with_results_end_when_a_vote_is_counted_here() {
        let cache = PublicCache::new(1 << 20, 1000);
        let now = Utc::now();
        let until = Some(now + chrono::Duration::seconds(1));
        cache.response_counted();
        let counted = Lifetime { until, by_itself: true, responses: Some(cache.responses_counted()) };
        cache.put("/poll".into(), 1, counted, rendered("p"));
        cache.put("/plain".into(), 1, Lifetime::default(), rendered("a"));
        assert_eq!(cache.get("/poll", 1, now, false).map(|(_, l)| l), Some(counted));
        cache.response_counted();
        assert!(cache.get("/poll", 1, now, false).is_none(), "a vote was counted since");
        assert!(cache.get("/plain", 1, now, false).is_some(), "answers without results stay");
        assert_eq!(counted.expires_in(now), Some(1));
        assert_eq!(counted.expires_in(now + chrono::Duration::seconds(5)), Some(0), "never negative");
        let endless = Lifetime { until: None, by_itself: true, responses: None };
        assert_eq!(endless.expires_in(now), Some(i64::MAX), "bounded by the configured max-age alone");
        assert_eq!(Lifetime::until(until).expires_in(now), None, "lists keep the usual headers");
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
            cache.put(format!("/{n}"), 1, Lifetime::default(), rendered(&noise(n)));
        }
        let held = (0..100).filter(|n| cache.get(&format!("/{n}"), 1, Utc::now(), false).is_some()).count();
        // 26 letters pack to about 60% of 4 kB: some 27 of them fit in 64 kB, not all.
        assert!(held > 0 && held <= 32, "held {held} entries of 4 kB in 64 kB");
    }

    #[test]
    fn once_full_an_answer_is_kept_only_when_its_key_misses_again() {
        let cache = PublicCache::new(64 * 1024, 1000);
        let now = Utc::now();
        let mut n = 0;
        while cache.put(format!("/{n}"), 1, Lifetime::default(), rendered(&noise(n))) {
            n += 1;
            assert!(n < 100, "a 64 kB cache took 100 answers of 4 kB");
        }
        assert!(n > 4, "kept while there was room: {n}");
        assert!(cache.get(&format!("/{n}"), 1, now, false).is_none(), "not kept on its first miss");
        let held = cache.stored_bytes();
        let other = n + 1;
        assert!(!cache.put(format!("/{other}"), 1, Lifetime::default(), rendered(&noise(other))));
        assert_eq!(cache.stored_bytes(), held, "nothing was pushed out for it");
        assert!(cache.put(format!("/{n}"), 1, Lifetime::default(), rendered(&noise(n))), "kept on its second");
        assert!(cache.get(&format!("/{n}"), 1, now, false).is_some());
    }

    #[test]
    fn bodies_come_back_exactly_before_and_after_the_dictionary() {
        let cache = PublicCache::new(8 << 20, 1000);
        let now = Utc::now();
        let body = |n: u32| format!(r#"{{"slug":"article-{n}","headline":"Headline {n}","text":"{}"}}"#, noise(n));
        // More bodies than the dictionary's sample takes, so that both kinds are held.
        let count = u32::try_from(DICTIONARY_BYTES / SAMPLE_PER_BODY).unwrap_or(8) * 2 + 4;
        for n in 0..count {
            cache.put(format!("/{n}"), 1, Lifetime::default(), Rendered::json(format!("\"{n}\""), body(n).into()));
        }
        assert!(cache.dictionary().is_some(), "the sample made a dictionary");
        for n in 0..count {
            let (hit, _) = cache.get(&format!("/{n}"), 1, now, false).expect("held");
            assert_eq!(hit.body, Bytes::from(body(n)), "body {n}");
            assert_eq!(hit.etag, format!("\"{n}\""));
        }
    }

    #[test]
    fn two_addresses_share_one_answer_of_their_generation() {
        let cache = PublicCache::new(1 << 20, 1000);
        let now = Utc::now();
        cache.put("article 1".into(), 5, Lifetime::default(), rendered("one"));
        cache.same_as("/by-slug".into(), 5, "article 1".into());
        cache.same_as("/by-old-slug".into(), 4, "article 1".into());
        cache.same_as("/dangling".into(), 5, "article 2".into());
        assert_eq!(cache.get("/by-slug", 5, now, false).map(|(r, _)| r.body), Some(Bytes::from("one")));
        assert!(cache.get("/by-slug", 6, now, false).is_none(), "another generation");
        assert!(cache.get("/by-old-slug", 5, now, false).is_none(), "a pointer from an older generation");
        assert!(cache.get("/dangling", 5, now, false).is_none(), "nothing kept where it points");
        cache.put("article 1".into(), 6, Lifetime::default(), rendered("one, later"));
        assert!(cache.get("/by-slug", 5, now, false).is_none(), "points at an answer of another generation");
    }

    #[test]
    fn a_zero_capacity_is_no_cache() {
        let cache = PublicCache::new(0, 1000);
        assert!(!cache.enabled());
        cache.put("/a".into(), 1, Lifetime::default(), rendered("a"));
        assert!(cache.get("/a", 1, Utc::now(), false).is_none());
        assert_eq!((cache.misses(), cache.stored_bytes(), cache.capacity_bytes()), (0, 0, 0), "no cache, no misses");
    }
}
