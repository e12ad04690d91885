//! Settings from flags and `MASTHEAD_*` environment variables (flags win), validated
//! at start. A bad setting is one clear line naming it; secrets never reach a log.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::str::FromStr;

use clap::{Args, Parser, Subcommand};

use crate::db::DatabaseUrl;
use crate::domain::media::{Aspect, RenditionRules};
use crate::imaging::DecodeLimits;
use crate::storage::StoreLocation;
use crate::telemetry::LogFormat;

/// Masthead: a headless CMS for newsrooms.
#[derive(Debug, Parser)]
#[command(name = "masthead", version, about, disable_help_subcommand = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub options: Options,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run pending migrations, then serve the API (the default).
    Serve,
    /// Run pending migrations and exit.
    Migrate,
    /// Create a user; the password comes from MASTHEAD_PASSWORD or a terminal prompt.
    CreateUser(CreateUserArgs),
    /// Print the OpenAPI document.
    Openapi,
    /// Load a small demo newsroom (sections, journalists, a dozen articles).
    SeedDemo,
    /// Forget a user's failed sign-ins, so that a locked-out user may sign in at once.
    Unlock(UnlockArgs),
    /// Write a consistent copy of the SQLite database to PATH, also while it is served.
    Backup(BackupArgs),
    /// Set a new password for a user (MASTHEAD_PASSWORD, a terminal prompt, or one line
    /// of standard input), end their sessions and clear their sign-in lock.
    ResetPassword(ResetPasswordArgs),
}

#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// The user's email address.
    pub email: String,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy; an existing file is never overwritten.
    pub path: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct ResetPasswordArgs {
    /// The user's email address.
    pub email: String,
}

#[derive(Debug, Args)]
pub struct CreateUserArgs {
    /// The new user's email address.
    #[arg(long)]
    pub email: String,
    /// admin, editor, writer or commercial.
    #[arg(long)]
    pub role: String,
    /// The name shown on bylines (defaults to the email's local part).
    #[arg(long)]
    pub display_name: Option<String>,
}

/// Every option also reads an environment variable.
#[derive(Debug, Args)]
pub struct Options {
    /// Address to listen on.
    #[arg(long, env = "MASTHEAD_BIND", default_value = "127.0.0.1:8080", global = true)]
    pub bind: String,
    /// sqlite://PATH (or a plain path) or postgres://USER:PASS@HOST/DB.
    #[arg(
        long,
        env = "MASTHEAD_DATABASE_URL",
        default_value = "sqlite://masthead.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,
    /// HS256 secret for access tokens (at least 32 characters); generated and kept in
    /// the database when unset.
    #[arg(long, env = "MASTHEAD_JWT_SECRET", global = true, hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// HS256 key of the reader tokens the publisher's subscription system issues;
    /// without one, every reader is anonymous to the meter.
    #[arg(long, env = "MASTHEAD_READER_TOKEN_SECRET", global = true, hide_env_values = true)]
    pub reader_token_secret: Option<String>,
    /// Access-token lifetime in seconds.
    #[arg(long, env = "MASTHEAD_ACCESS_TOKEN_TTL", default_value_t = 900, global = true)]
    pub access_token_ttl: u32,
    /// Refresh-token lifetime in seconds.
    #[arg(long, env = "MASTHEAD_REFRESH_TOKEN_TTL", default_value_t = 30 * 24 * 3600, global = true)]
    pub refresh_token_ttl: u32,
    /// Failed sign-ins allowed per account and client address within the window.
    #[arg(long, env = "MASTHEAD_LOGIN_MAX_FAILURES", default_value_t = 10, global = true)]
    pub login_max_failures: u32,
    /// Failed sign-ins allowed per client address within the window.
    #[arg(long, env = "MASTHEAD_LOGIN_MAX_FAILURES_PER_ADDRESS", default_value_t = 50, global = true)]
    pub login_max_failures_per_address: u32,
    /// The sign-in throttling window in seconds.
    #[arg(long, env = "MASTHEAD_LOGIN_WINDOW", default_value_t = 900, global = true)]
    pub login_window: u32,
    /// Comma-separated proxy addresses whose X-Forwarded-For is believed.
    #[arg(long, env = "MASTHEAD_TRUSTED_PROXIES", default_value = "", global = true)]
    pub trusted_proxies: String,
    /// Comma-separated origins allowed by CORS (`*` for any); none when empty.
    #[arg(long, env = "MASTHEAD_CORS_ORIGINS", default_value = "", global = true)]
    pub cors_origins: String,
    /// Largest accepted request body in bytes.
    #[arg(long, env = "MASTHEAD_MAX_BODY_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub max_body_bytes: u32,
    /// max-age (seconds) of public responses' Cache-Control.
    #[arg(long, env = "MASTHEAD_PUBLIC_MAX_AGE", default_value_t = 60, global = true)]
    pub public_max_age: u32,
    /// Memory for rendered public article responses, in MiB (0 turns the cache off).
    /// They are kept compressed: 32 MiB holds about 13,000 articles of 5 kB.
    #[arg(long, env = "MASTHEAD_PUBLIC_CACHE_MB", default_value_t = 32, global = true)]
    pub public_cache_mb: u32,
    /// How often (milliseconds) the public cache checks the database for changes made
    /// by other instances: the longest such a change is served stale here.
    #[arg(long, env = "MASTHEAD_PUBLIC_CACHE_SYNC_MS", default_value_t = 1000, global = true)]
    pub public_cache_sync_ms: u32,
    /// Log lines as text (coloured only on a terminal) or as one JSON object a line.
    #[arg(long, env = "MASTHEAD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// Address of a second listener that serves Prometheus metrics at /metrics (such as
    /// 127.0.0.1:9100); no metrics when unset.
    #[arg(long, env = "MASTHEAD_METRICS_BIND", global = true)]
    pub metrics_bind: Option<String>,
    /// Sponsored impressions and clicks counted per client address and block per minute.
    #[arg(long, env = "MASTHEAD_TRACKING_LIMIT", default_value_t = 300, global = true)]
    pub tracking_limit: u32,
    /// Seconds a request body may take to arrive (408 after).
    #[arg(long, env = "MASTHEAD_BODY_TIMEOUT", default_value_t = 15, global = true)]
    pub body_timeout: u32,
    /// MiB that all request bodies being read may hold together (503 past it).
    #[arg(long, env = "MASTHEAD_BODY_MEMORY_MB", default_value_t = 64, global = true)]
    pub body_memory_mb: u32,
    /// Poll responses accepted per client address per minute.
    #[arg(long, env = "MASTHEAD_VOTE_LIMIT", default_value_t = 600, global = true)]
    pub vote_limit: u32,
    /// Metered articles opened per client address per day (UTC), whatever reader ids
    /// it sends; past it, the meter denies new reads from that address.
    #[arg(long, env = "MASTHEAD_METER_ADDRESS_LIMIT", default_value_t = 100, global = true)]
    pub meter_address_limit: u32,
    /// Database connections in the pool (default one per core, at least 2, on SQLite;
    /// 10 on PostgreSQL).
    #[arg(long, env = "MASTHEAD_DB_POOL_SIZE", global = true)]
    pub db_pool_size: Option<u32>,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "MASTHEAD_WORKERS", global = true)]
    pub workers: Option<usize>,
    /// Directory for uploaded images and their renditions (default: next to the SQLite
    /// file, `<file>.media`; `masthead-media` in the working directory for PostgreSQL).
    #[arg(long, env = "MASTHEAD_MEDIA_DIR", global = true)]
    pub media_dir: Option<std::path::PathBuf>,
    /// s3://BUCKET[/PREFIX]: keep media in S3-compatible storage instead of a directory
    /// (credentials, region and endpoint from the standard AWS_* variables).
    #[arg(long, env = "MASTHEAD_MEDIA_STORE", global = true)]
    pub media_store: Option<String>,
    /// Largest image upload in bytes (413 past it).
    #[arg(long, env = "MASTHEAD_MEDIA_MAX_BYTES", default_value_t = 25 * 1024 * 1024, global = true)]
    pub media_max_bytes: u32,
    /// Widest or tallest image accepted, in pixels (422 past it, before decoding).
    #[arg(long, env = "MASTHEAD_MEDIA_MAX_SIDE", default_value_t = 16_384, global = true)]
    pub media_max_side: u32,
    /// Most pixels an image may have (422 past it, before decoding).
    #[arg(long, env = "MASTHEAD_MEDIA_MAX_PIXELS", default_value_t = 80_000_000, global = true)]
    pub media_max_pixels: u64,
    /// Comma-separated rendition widths in pixels.
    #[arg(long, env = "MASTHEAD_MEDIA_WIDTHS", default_value = "320,640,960,1280,1920,2560", global = true)]
    pub media_widths: String,
    /// Comma-separated aspect ratios renditions may be cropped to.
    #[arg(long, env = "MASTHEAD_MEDIA_ASPECTS", default_value = "16:9,3:2,4:3,1:1", global = true)]
    pub media_aspects: String,
    /// Images decoded at once, uploads and renditions together (default: one per core).
    #[arg(long, env = "MASTHEAD_MEDIA_WORKERS", global = true)]
    pub media_workers: Option<usize>,
    /// Image jobs that may wait for a worker (a waiting upload is on disk, not in
    /// memory); past that the answer is 503.
    #[arg(long, env = "MASTHEAD_MEDIA_QUEUE", default_value_t = 32, global = true)]
    pub media_queue: usize,
    /// Keep uploads' EXIF, XMP and IPTC metadata (camera, GPS position) instead of
    /// stripping it.
    #[arg(long, env = "MASTHEAD_MEDIA_KEEP_METADATA", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub media_keep_metadata: bool,
    /// Memory for image renditions served lately, in MiB (0 turns it off; they are
    /// read from the media store then). Needs the public cache on.
    #[arg(long, env = "MASTHEAD_MEDIA_CACHE_MB", default_value_t = 16, global = true)]
    pub media_cache_mb: u32,
    /// Origin (or CDN URL) put before image rendition paths in answers, such as
    /// https://cms.example.com; root-relative paths when empty.
    #[arg(long, env = "MASTHEAD_MEDIA_BASE_URL", default_value = "", global = true)]
    pub media_base_url: String,
    /// Let webhooks deliver to loopback, private, link-local and metadata addresses
    /// (refused by default, so that an endpoint cannot reach inside the network).
    #[arg(long, env = "MASTHEAD_WEBHOOK_ALLOW_PRIVATE", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub webhook_allow_private: bool,
    /// How long one webhook attempt may take, connecting included, in seconds.
    #[arg(long, env = "MASTHEAD_WEBHOOK_TIMEOUT_SECS", default_value_t = 10, global = true)]
    pub webhook_timeout_secs: u32,
    /// Send webhooks from this instance (off: it only writes events, which other
    /// instances deliver).
    #[arg(long, env = "MASTHEAD_WEBHOOK_DELIVERY", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub webhook_delivery: bool,
    /// Log one line per request.
    #[arg(long, env = "MASTHEAD_ACCESS_LOG", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub access_log: bool,
    /// How long an idle connection is kept open for the client's next request, in
    /// seconds (0: one request per connection).
    #[arg(long, env = "MASTHEAD_KEEP_ALIVE_SECS", default_value_t = 75, global = true)]
    pub keep_alive_secs: u32,
    /// On SIGTERM, how long requests in flight may take to finish before their
    /// connections are closed, in seconds.
    #[arg(long, env = "MASTHEAD_SHUTDOWN_GRACE_SECS", default_value_t = 30, global = true)]
    pub shutdown_grace_secs: u32,
}

/// A secret that prints as `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub database_url: DatabaseUrl,
    pub jwt_secret: Option<Secret>,
    pub reader_token_secret: Option<Secret>,
    pub access_token_ttl_secs: i64,
    pub refresh_token_ttl_secs: i64,
    pub login_max_failures: i64,
    pub login_max_failures_per_address: i64,
    pub login_window_secs: i64,
    pub trusted_proxies: Vec<ProxyRange>,
    pub cors_origins: Vec<String>,
    pub max_body_bytes: usize,
    pub public_max_age: u32,
    pub public_cache_bytes: u64,
    pub public_cache_sync_ms: u64,
    pub metrics_bind: Option<SocketAddr>,
    pub tracking_limit_per_minute: i64,
    pub vote_limit_per_minute: i64,
    pub meter_reads_per_address_per_day: i64,
    pub body_timeout_secs: u64,
    pub body_memory_bytes: usize,
    pub db_pool_size: Option<u32>,
    pub workers: Option<usize>,
    pub access_log: bool,
    /// 0 turns keep-alive off.
    pub keep_alive_secs: u64,
    pub shutdown_grace_secs: u64,
    /// Articles per sitemap page: the protocol's 50,000 (tests make pages smaller).
    pub sitemap_page_urls: i64,
    pub media: MediaSettings,
    pub webhooks: WebhookSettings,
}

/// How webhooks are delivered.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub allow_private: bool,
    /// One attempt's limit, connecting included.
    pub timeout: std::time::Duration,
    /// Whether this instance runs the delivery worker and the event timer.
    pub deliver: bool,
}

/// The media library's settings.
#[derive(Debug, Clone)]
pub struct MediaSettings {
    pub store: StoreLocation,
    pub max_bytes: usize,
    pub limits: DecodeLimits,
    pub renditions: RenditionRules,
    pub workers: usize,
    pub queue: usize,
    pub keep_metadata: bool,
    /// Memory for renditions served lately, in bytes.
    pub cache_bytes: u64,
    /// Put before rendition paths in answers (a CDN or the API's public origin);
    /// empty for root-relative URLs.
    pub base_url: String,
}

impl MediaSettings {
    fn from_options(o: &Options, database_url: &DatabaseUrl) -> Result<MediaSettings, String> {
        let store = match (o.media_store.as_deref().map(str::trim), &o.media_dir) {
            (Some(url), _) if !url.is_empty() => {
                StoreLocation::parse_s3(url).map_err(|e| format!("invalid MASTHEAD_MEDIA_STORE '{url}': {e}"))?
            }
            (_, Some(dir)) => StoreLocation::Directory(dir.clone()),
            (_, None) => StoreLocation::Directory(default_media_dir(database_url)),
        };
        let mut widths = split_list(&o.media_widths)
            .map(|w| match w.parse::<u32>() {
                Ok(n) if (16..=8192).contains(&n) => Ok(n),
                _ => Err(format!("invalid MASTHEAD_MEDIA_WIDTHS: '{w}' is not a width from 16 to 8192")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        widths.sort_unstable();
        widths.dedup();
        if widths.is_empty() {
            return Err("invalid MASTHEAD_MEDIA_WIDTHS: names no width".into());
        }
        let mut aspects = Vec::new();
        for a in split_list(&o.media_aspects) {
            let aspect = Aspect::parse(a, ':')
                .ok_or_else(|| format!("invalid MASTHEAD_MEDIA_ASPECTS: '{a}' is not a ratio such as 16:9"))?;
            if !aspects.contains(&aspect) {
                aspects.push(aspect);
            }
        }
        if o.media_max_side == 0 || o.media_max_pixels == 0 || o.media_max_bytes == 0 {
            return Err("invalid MASTHEAD_MEDIA_MAX_*: must be greater than 0".into());
        }
        if o.media_workers == Some(0) {
            return Err("invalid MASTHEAD_MEDIA_WORKERS: must be greater than 0".into());
        }
        let base_url = o.media_base_url.trim().trim_end_matches('/').to_string();
        if !base_url.is_empty() && !crate::domain::rules::is_http_url(&base_url) {
            return Err(format!("invalid MASTHEAD_MEDIA_BASE_URL '{base_url}': must be an http(s) URL"));
        }
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Ok(MediaSettings {
            store,
            max_bytes: usize::try_from(o.media_max_bytes).unwrap_or(usize::MAX),
            limits: DecodeLimits { max_side: o.media_max_side, max_pixels: o.media_max_pixels },
            renditions: RenditionRules { widths, aspects },
            workers: o.media_workers.unwrap_or(cores),
            queue: o.media_queue,
            keep_metadata: o.media_keep_metadata,
            cache_bytes: u64::from(o.media_cache_mb) * 1024 * 1024,
            base_url,
        })
    }
}

/// Next to the SQLite file; in the working directory for PostgreSQL or a database in memory.
fn default_media_dir(database_url: &DatabaseUrl) -> std::path::PathBuf {
    match database_url {
        DatabaseUrl::Sqlite(path) => {
            let file = path.split('?').next().unwrap_or(path);
            if file.is_empty() || file.contains(":memory:") || file.starts_with("file:") {
                "masthead-media".into()
            } else {
                format!("{file}.media").into()
            }
        }
        DatabaseUrl::Postgres(_) => "masthead-media".into(),
    }
}

pub const MIN_JWT_SECRET_CHARS: usize = 32;

/// A trusted proxy: one address (a /32 or /128) or a CIDR range such as `10.0.0.0/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyRange(ipnet::IpNet);

impl ProxyRange {
    /// Whether `ip` is in the range. Peers on a dual-stack socket arrive as IPv4-mapped
    /// IPv6 and are compared in their IPv4 form, so an IPv4 address is also looked up
    /// in its mapped form: an entry written either way matches the same clients.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.contains(&ip)
            || match ip {
                IpAddr::V4(v4) => self.0.contains(&IpAddr::V6(v4.to_ipv6_mapped())),
                IpAddr::V6(_) => false,
            }
    }
}

impl FromStr for ProxyRange {
    type Err = ipnet::AddrParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.parse::<IpAddr>() {
            Ok(ip) => Ok(ProxyRange(ipnet::IpNet::from(ip))),
            Err(_) => s.parse::<ipnet::IpNet>().map(|net| ProxyRange(net.trunc())),
        }
    }
}

impl Settings {
    /// Validates options; the error names the setting.
    pub fn from_options(o: &Options) -> Result<Settings, String> {
        let bind = parse_bind(&o.bind).map_err(|e| format!("invalid --bind / MASTHEAD_BIND '{}': {e}", o.bind))?;
        let database_url = DatabaseUrl::parse(&o.database_url)
            .map_err(|e| format!("invalid --database-url / MASTHEAD_DATABASE_URL: {e}"))?;
        let jwt_secret = match o.jwt_secret.as_deref() {
            None | Some("") => None,
            Some(s) if s.chars().count() < MIN_JWT_SECRET_CHARS => {
                return Err(format!("invalid MASTHEAD_JWT_SECRET: must be at least {MIN_JWT_SECRET_CHARS} characters"));
            }
            Some(s) => Some(Secret(s.to_string())),
        };
        let positive = |name: &str, v: u32| {
            if v == 0 { Err(format!("invalid {name}: must be greater than 0")) } else { Ok(i64::from(v)) }
        };
        let trusted_proxies = split_list(&o.trusted_proxies)
            .map(|p| {
                p.parse::<ProxyRange>()
                    .map_err(|_| format!("invalid MASTHEAD_TRUSTED_PROXIES: '{p}' is not an IP address or CIDR range"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let cors_origins = split_list(&o.cors_origins).map(str::to_string).collect::<Vec<_>>();
        if let Some(bad) =
            cors_origins.iter().find(|o| *o != "*" && !(o.starts_with("http://") || o.starts_with("https://")))
        {
            return Err(format!("invalid MASTHEAD_CORS_ORIGINS: '{bad}' is not an http(s) origin"));
        }
        let metrics_bind = match o.metrics_bind.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(
                parse_bind(raw).map_err(|e| format!("invalid --metrics-bind / MASTHEAD_METRICS_BIND '{raw}': {e}"))?,
            ),
        };
        if o.workers == Some(0) {
            return Err("invalid MASTHEAD_WORKERS: must be greater than 0".into());
        }
        if o.db_pool_size == Some(0) {
            return Err("invalid MASTHEAD_DB_POOL_SIZE: must be greater than 0".into());
        }
        let reader_token_secret = match o.reader_token_secret.as_deref() {
            None | Some("") => None,
            Some(s) if s.chars().count() < MIN_JWT_SECRET_CHARS => {
                return Err(format!(
                    "invalid MASTHEAD_READER_TOKEN_SECRET: must be at least {MIN_JWT_SECRET_CHARS} characters"
                ));
            }
            Some(s) => Some(Secret(s.to_string())),
        };
        if reader_token_secret.is_some() && reader_token_secret == jwt_secret {
            return Err("invalid MASTHEAD_READER_TOKEN_SECRET: must differ from MASTHEAD_JWT_SECRET".into());
        }
        let media = MediaSettings::from_options(o, &database_url)?;
        if o.webhook_timeout_secs == 0 {
            return Err("invalid MASTHEAD_WEBHOOK_TIMEOUT_SECS: must be at least 1".into());
        }
        let webhooks = WebhookSettings {
            allow_private: o.webhook_allow_private,
            timeout: std::time::Duration::from_secs(u64::from(o.webhook_timeout_secs)),
            deliver: o.webhook_delivery,
        };
        Ok(Settings {
            media,
            webhooks,
            bind,
            database_url,
            jwt_secret,
            reader_token_secret,
            access_token_ttl_secs: positive("MASTHEAD_ACCESS_TOKEN_TTL", o.access_token_ttl)?,
            refresh_token_ttl_secs: positive("MASTHEAD_REFRESH_TOKEN_TTL", o.refresh_token_ttl)?,
            login_max_failures: positive("MASTHEAD_LOGIN_MAX_FAILURES", o.login_max_failures)?,
            login_max_failures_per_address: positive(
                "MASTHEAD_LOGIN_MAX_FAILURES_PER_ADDRESS",
                o.login_max_failures_per_address,
            )?,
            login_window_secs: positive("MASTHEAD_LOGIN_WINDOW", o.login_window)?,
            trusted_proxies,
            cors_origins,
            max_body_bytes: usize::try_from(positive("MASTHEAD_MAX_BODY_BYTES", o.max_body_bytes)?)
                .unwrap_or(usize::MAX),
            public_max_age: o.public_max_age,
            public_cache_bytes: u64::from(o.public_cache_mb) * 1024 * 1024,
            public_cache_sync_ms: u64::from(o.public_cache_sync_ms),
            metrics_bind,
            tracking_limit_per_minute: positive("MASTHEAD_TRACKING_LIMIT", o.tracking_limit)?,
            vote_limit_per_minute: positive("MASTHEAD_VOTE_LIMIT", o.vote_limit)?,
            meter_reads_per_address_per_day: positive("MASTHEAD_METER_ADDRESS_LIMIT", o.meter_address_limit)?,
            body_timeout_secs: u64::from(o.body_timeout.max(1)),
            body_memory_bytes: usize::try_from(o.body_memory_mb.max(1)).unwrap_or(64) * 1024 * 1024,
            db_pool_size: o.db_pool_size,
            workers: o.workers,
            access_log: o.access_log,
            keep_alive_secs: u64::from(o.keep_alive_secs),
            shutdown_grace_secs: u64::from(o.shutdown_grace_secs),
            sitemap_page_urls: crate::service::sitemaps::PAGE_URLS,
        })
    }

    /// Defaults for `database_url`, as used by tests and tools.
    pub fn for_database(database_url: DatabaseUrl) -> Settings {
        let options = Options::parse_from_defaults();
        let mut settings = Settings::from_options(&options).unwrap_or_else(|_| unreachable!("defaults are valid"));
        settings.media.store = StoreLocation::Directory(default_media_dir(&database_url));
        settings.database_url = database_url;
        settings
    }
}

impl Options {
    /// The defaults, ignoring the environment.
    fn parse_from_defaults() -> Options {
        Options {
            bind: "127.0.0.1:8080".into(),
            database_url: "sqlite://masthead.db".into(),
            jwt_secret: None,
            reader_token_secret: None,
            access_token_ttl: 900,
            refresh_token_ttl: 30 * 24 * 3600,
            login_max_failures: 10,
            login_max_failures_per_address: 50,
            login_window: 900,
            trusted_proxies: String::new(),
            cors_origins: String::new(),
            max_body_bytes: 1024 * 1024,
            public_max_age: 60,
            public_cache_mb: 32,
            public_cache_sync_ms: 1000,
            log_format: LogFormat::Text,
            metrics_bind: None,
            tracking_limit: 300,
            vote_limit: 600,
            meter_address_limit: 100,
            body_timeout: 15,
            body_memory_mb: 64,
            db_pool_size: None,
            workers: None,
            media_dir: None,
            media_store: None,
            media_max_bytes: 25 * 1024 * 1024,
            media_max_side: 16_384,
            media_max_pixels: 80_000_000,
            media_widths: "320,640,960,1280,1920,2560".into(),
            media_aspects: "16:9,3:2,4:3,1:1".into(),
            media_workers: None,
            media_queue: 32,
            media_keep_metadata: false,
            media_base_url: String::new(),
            media_cache_mb: 16,
            webhook_allow_private: false,
            webhook_timeout_secs: 10,
            webhook_delivery: true,
            access_log: true,
            keep_alive_secs: 75,
            shutdown_grace_secs: 30,
        }
    }
}

fn parse_bind(raw: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = raw.parse::<SocketAddr>() {
        return Ok(addr);
    }
    // Host names such as localhost:8080 resolve; anything else is an error.
    if raw.rsplit_once(':').is_some_and(|(_, port)| port.parse::<u16>().is_ok()) {
        if let Some(addr) = raw.to_socket_addrs().ok().and_then(|mut a| a.next()) {
            return Ok(addr);
        }
    }
    Err("expected HOST:PORT, such as 127.0.0.1:8080".into())
}

fn split_list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_addresses() {
        assert!(parse_bind("127.0.0.1:8080").is_ok());
        assert!(parse_bind("[::1]:8080").is_ok());
        assert!(parse_bind("localhost:8080").is_ok());
        assert!(parse_bind("nonsense").is_err());
        assert!(parse_bind("127.0.0.1:99999").is_err());
    }

    #[test]
    fn trusted_proxies_are_addresses_or_cidr_ranges() {
        let range = |s: &str| s.parse::<ProxyRange>().expect(s);
        let ip = |s: &str| s.parse::<IpAddr>().expect(s);
        assert!(range("10.0.0.0/8").contains(ip("10.200.3.4")));
        assert!(!range("10.0.0.0/8").contains(ip("11.0.0.1")));
        assert!(range("10.1.2.3/8").contains(ip("10.9.9.9")), "host bits are ignored");
        assert!(range("2001:db8::/32").contains(ip("2001:db8:ffff::1")));
        assert!(!range("2001:db8::/32").contains(ip("2001:db9::1")));
        // A single address is a /32 or /128 and matches only itself.
        assert!(range("192.0.2.7").contains(ip("192.0.2.7")));
        assert!(!range("192.0.2.7").contains(ip("192.0.2.8")));
        assert!(range("2001:db8::7").contains(ip("2001:db8::7")));
        assert!(!range("2001:db8::7").contains(ip("2001:db8::8")));
        // IPv4 peers on a dual-stack socket, whichever way either side is written.
        assert!(range("127.0.0.1").contains(ip("::ffff:127.0.0.1")));
        assert!(range("::ffff:127.0.0.1").contains(ip("127.0.0.1")));
        assert!(range("::ffff:10.0.0.0/104").contains(ip("10.1.1.1")));
        assert!(range("10.0.0.0/8").contains(ip("::ffff:10.1.1.1")));
        for bad in ["proxy.local", "10.0.0.0/33", "10.0.0.0/", "/8", "2001:db8::/129", ""] {
            assert!(bad.parse::<ProxyRange>().is_err(), "{bad}");
        }
        let mut options = Options::parse_from_defaults();
        options.trusted_proxies = "127.0.0.1, 10.0.0.0/8,fd00::/8".into();
        assert_eq!(Settings::from_options(&options).expect("valid").trusted_proxies.len(), 3);
        options.trusted_proxies = "10.0.0.0/8, proxy.local".into();
        let err = Settings::from_options(&options).expect_err("a host name is not an address");
        assert!(err.contains("MASTHEAD_TRUSTED_PROXIES") && err.contains("proxy.local"), "{err}");
    }

    #[test]
    fn secrets_are_redacted() {
        let mut options = Options::parse_from_defaults();
        options.jwt_secret = Some("x".repeat(40));
        let settings = Settings::from_options(&options).expect("valid");
        assert!(!format!("{settings:?}").contains("xxxx"));
        options.jwt_secret = Some("short".into());
        assert!(Settings::from_options(&options).is_err());
    }
}
