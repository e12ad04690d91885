//! Prometheus metrics, served at `/metrics` on a listener of their own
//! (`MASTHEAD_METRICS_BIND`), never on the API's port. Off unless that is set, and then
//! nothing is counted either.
//!
//! - `masthead_http_requests_total{method, route, status}`: requests answered, by the
//!   route *pattern* that matched (`/api/v1/public/articles/{slug}`), never the raw
//!   path, so that the number of series stays bounded whatever clients ask for.
//!   Requests that matched no route (404, and 405/400 answered before routing) share
//!   the route `unmatched`.
//! - `masthead_http_request_duration_seconds{method, route}`: a latency histogram.
//! - `masthead_db_pool_connections`, `..._idle_connections`, `..._max_connections`:
//!   the database pool as r2d2 reports it at the scrape.
//! - `masthead_public_cache_hits_total`, `..._misses_total`, `..._bytes`,
//!   `..._capacity_bytes`, `..._entries`: the public response cache.
//!
//! Built on `prometheus-client` (the Prometheus project's own crate): two small crates
//! added to the build, where `metrics` with its Prometheus exporter brings several more
//! and an HTTP server of its own. The text is the Prometheus format 0.0.4, which every
//! scraper reads.

use std::fmt;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::http::{Method, StatusCode};
use actix_web::{App, HttpResponse, HttpServer, web};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::db::Database;
use crate::public_cache::PublicCache;

/// The route of requests that matched none.
const UNMATCHED: &str = "unmatched";

/// Latency buckets, seconds: from a cached read (well under a millisecond) to a slow
/// write or a sign-in (Argon2 takes tens of milliseconds).
const LATENCY_BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// What one instance counts, and the registry that renders it.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    /// Metrics over this database's pool and this public cache.
    pub fn new(db: Database, cache: Arc<PublicCache>) -> Metrics {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        registry.register(
            "masthead_http_requests",
            "HTTP requests answered, by method, route pattern and status",
            requests.clone(),
        );
        registry.register(
            "masthead_http_request_duration_seconds",
            "Time from a request's arrival to its answer, by method and route pattern",
            latency.clone(),
        );
        registry.register_collector(Box::new(AtScrape { db, cache }));
        Metrics { registry, requests, latency }
    }

    /// Counts one answered request. `route` is the pattern that matched, if any.
    pub fn observe(&self, method: &Method, route: Option<String>, status: StatusCode, elapsed: Duration) {
        let method = method_label(method);
        let route = route.unwrap_or_else(|| UNMATCHED.to_string());
        self.latency.get_or_create(&RouteLabels { method, route: route.clone() }).observe(elapsed.as_secs_f64());
        self.requests.get_or_create(&RequestLabels { method, route, status: status.as_u16() }).inc();
    }

    /// The exposition text.
    pub fn render(&self) -> Result<String, fmt::Error> {
        let mut text = String::with_capacity(16 * 1024);
        prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// A label from a fixed set, so that made-up methods cannot add series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::HEAD => "HEAD",
        _ => "other",
    }
}

/// What is read when scraped rather than counted as it happens.
struct AtScrape {
    db: Database,
    cache: Arc<PublicCache>,
}

impl fmt::Debug for AtScrape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AtScrape")
    }
}

fn gauge(encoder: &mut DescriptorEncoder, name: &str, help: &str, value: i64) -> Result<(), fmt::Error> {
    let metric = ConstGauge::new(value);
    metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)
}

fn counter(encoder: &mut DescriptorEncoder, name: &str, help: &str, value: u64) -> Result<(), fmt::Error> {
    let metric = ConstCounter::new(value);
    metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)
}

fn int(value: impl TryInto<i64>) -> i64 {
    value.try_into().unwrap_or(i64::MAX)
}

impl Collector for AtScrape {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        let (open, idle) = self.db.pool_state();
        let e = &mut encoder;
        gauge(e, "masthead_db_pool_connections", "Database connections open (idle or in use)", i64::from(open))?;
        gauge(e, "masthead_db_pool_idle_connections", "Database connections open and idle", i64::from(idle))?;
        gauge(
            e,
            "masthead_db_pool_max_connections",
            "The most connections the pool opens",
            i64::from(self.db.pool_size()),
        )?;
        let cache = &self.cache;
        counter(e, "masthead_public_cache_hits", "Public answers served from the response cache", cache.hits())?;
        counter(e, "masthead_public_cache_misses", "Public answers the response cache did not hold", cache.misses())?;
        gauge(
            e,
            "masthead_public_cache_bytes",
            "What the response cache holds, in bytes (compressed)",
            int(cache.stored_bytes()),
        )?;
        gauge(
            e,
            "masthead_public_cache_capacity_bytes",
            "The most the response cache holds, in bytes",
            int(cache.capacity_bytes()),
        )?;
        gauge(e, "masthead_public_cache_entries", "Answers the response cache holds", int(cache.entries()))?;
        Ok(())
    }
}

async fn scrape(metrics: web::Data<Metrics>) -> HttpResponse {
    match metrics.render() {
        Ok(text) => {
            HttpResponse::Ok().content_type(prometheus_client::encoding::prometheus_text::CONTENT_TYPE).body(text)
        }
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

/// Serves `GET /metrics` on `listener` with one worker (anything else is 404). Not
/// awaited here: the caller runs it beside the API's server.
pub fn serve(metrics: Arc<Metrics>, listener: TcpListener) -> std::io::Result<Server> {
    let metrics = web::Data::from(metrics);
    let server = HttpServer::new(move || App::new().app_data(metrics.clone()).route("/metrics", web::get().to(scrape)))
        .workers(1)
        .listen(listener)?;
    Ok(server.run())
}
