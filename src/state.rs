//! What every request handler shares: the database, the token keys, the settings and
//! the clock, and the public response cache. Nothing here is state that another
//! instance would need: the cache only holds what any instance can rebuild.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Database;
use crate::imaging::Workers;
use crate::metrics::Metrics;
use crate::public_cache::PublicCache;
use crate::service::media::RenditionCache;
use crate::storage::MediaStore;

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub jwt: Arc<JwtKeys>,
    pub settings: Arc<Settings>,
    pub clock: Clock,
    pub public_cache: Arc<PublicCache>,
    /// What requests are counted into, when metrics are served (`MASTHEAD_METRICS_BIND`).
    pub metrics: Option<Arc<Metrics>>,
    /// Bytes held by request bodies being read (`http::body`), bounded by the settings.
    pub bodies_in_flight: Arc<std::sync::atomic::AtomicUsize>,
    /// Where uploaded images and their renditions are kept.
    pub media: Arc<MediaStore>,
    /// What bounds image decoding on this instance.
    pub image_workers: Arc<Workers>,
    /// Renditions served lately, kept in memory.
    pub renditions: Arc<RenditionCache>,
}

impl AppState {
    /// The state for `settings`, with a public cache as they size it; an error when the
    /// media store cannot be opened.
    pub fn new(db: Database, jwt: JwtKeys, settings: Settings, clock: Clock) -> Result<AppState, String> {
        let public_cache = Arc::new(PublicCache::new(settings.public_cache_bytes, settings.public_cache_sync_ms));
        let media = Arc::new(MediaStore::open(&settings.media.store)?);
        let image_workers = Arc::new(Workers::new(settings.media.workers, settings.media.queue));
        let renditions = Arc::new(RenditionCache::new(settings.media.cache_bytes));
        Ok(AppState {
            renditions,
            media,
            image_workers,
            db,
            jwt: Arc::new(jwt),
            settings: Arc::new(settings),
            clock,
            public_cache,
            metrics: None,
            bodies_in_flight: Arc::default(),
        })
    }

    /// The same state, counting requests into new metrics over its pool and cache.
    pub fn with_metrics(mut self) -> AppState {
        self.metrics = Some(Arc::new(Metrics::new(self.db.clone(), self.public_cache.clone())));
        self
    }
}
