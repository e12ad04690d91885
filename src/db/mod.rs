//! Database access: one connection type over SQLite and PostgreSQL, the pool, the
//! embedded migrations, and the transaction helper every write goes through.
//! SQL lives in one file per resource beside this one.

pub mod api_keys;
pub mod article_search;
pub mod articles;
pub mod audit;
pub mod authors;
pub mod corrections;
pub mod external_ids;
pub mod media;
pub mod paywall;
pub mod polls;
pub mod previews;
pub mod public_generation;
pub mod rate_limits;
pub mod schema;
pub mod sections;
pub mod sessions;
pub mod settings;
pub mod site;
pub mod sitemaps;
pub mod sponsored;
pub mod tags;
pub mod throttle;
pub mod types;
pub mod users;
pub mod webhooks;

pub use types::Json;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::domain::slug;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// What running database work can fail with, before the work's own errors: the query
/// itself, no connection to be had, or the blocking task lost.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("connection pool: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("blocking task: {0}")]
    Blocking(String),
}

/// A connection to either backend; diesel dispatches each query to the right one.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(diesel::SqliteConnection),
    Postgres(diesel::PgConnection),
}

/// Runs `$body` with `$c` bound to the concrete connection, for the few statements the
/// multi-backend connection cannot express (`ON CONFLICT` upserts).
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgres($c) => $body,
        }
    };
}

/// Where the data lives, parsed from `--database-url`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file path (or `:memory:`).
    Sqlite(String),
    /// A `postgres://` or `postgresql://` URL.
    Postgres(String),
}

impl DatabaseUrl {
    /// `sqlite://PATH`, `sqlite:PATH`, a plain path, or `postgres(ql)://...`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("is empty".into());
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_string()));
        }
        if let Some(path) = raw.strip_prefix("sqlite://").or_else(|| raw.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err("names no SQLite file".into());
            }
            return Ok(Self::Sqlite(path.to_string()));
        }
        if let Some((scheme, _)) = raw.split_once("://") {
            return Err(format!("has unsupported scheme '{scheme}' (use sqlite:// or postgres://)"));
        }
        Ok(Self::Sqlite(raw.to_string()))
    }

    /// The URL with any password replaced, for logs and error messages.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{path}"),
            Self::Postgres(url) => redact_password(url),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, Self::Sqlite(_))
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Opens connections for the pool: picks the backend by URL and sets SQLite's pragmas.
#[derive(Debug)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                // busy_timeout first, so that switching to WAL waits for other openers.
                // A page cache of 512 KiB per connection, not SQLite's 2 MiB: the operating
                // system caches the file anyway (outside the process), and with one cache
                // per pooled connection the default multiplies into memory that buys no
                // speed (the measurements: docs/performance.md).
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -512;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => {
                diesel::PgConnection::establish(url).map(DbConnection::Postgres).map_err(r2d2::Error::ConnectionError)
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;

/// The pool plus the knowledge of which backend it talks to.
#[derive(Clone)]
pub struct Database {
    pool: Pool,
    url: DatabaseUrl,
}

impl Database {
    /// Connects once (so a bad URL or an unreachable server fails at once, with the
    /// driver's message), then builds the pool.
    pub fn connect(url: &DatabaseUrl, pool_size: Option<u32>) -> Result<Self, String> {
        let manager = ConnectionManager { url: url.clone() };
        manager.connect().map_err(|e| one_line(&e.to_string()))?;
        let size = match (pool_size, url) {
            (Some(n), _) => n.max(1),
            (None, DatabaseUrl::Sqlite(path)) if path.contains(":memory:") => 1,
            // One per core (at least 2, so that a reader is never queued behind one
            // writer): SQLite work on more threads than cores only queues, and each
            // connection holds its page cache and its thread's allocator arena. More
            // connections than cores bought neither reads nor writes, and cost memory
            // (the measurements: docs/performance.md).
            (None, DatabaseUrl::Sqlite(_)) => {
                let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
                u32::try_from(cores).unwrap_or(u32::MAX).clamp(2, 16)
            }
            (None, DatabaseUrl::Postgres(_)) => 10,
        };
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            // A checkout test is a query ("SELECT 1") before every request's work. A
            // SQLite file cannot drop a connection; a PostgreSQL server can, so there
            // it stays (broken connections are also discarded after a failed query).
            .test_on_check_out(!url.is_sqlite())
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| one_line(&e.to_string()))?;
        Ok(Self { pool, url: url.clone() })
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The most connections the pool opens.
    pub fn pool_size(&self) -> u32 {
        self.pool.max_size()
    }

    /// The pool's connections now: (open, idle). Open ones that are not idle are in use.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    /// A connection for synchronous work (CLI, start-up).
    pub fn get(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, DbError> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` with a pooled connection on the runtime's blocking thread pool (never on
    /// a thread that serves requests).
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            f(&mut conn)
        })
        .await
        .map_err(|e| DbError::Blocking(e.to_string()))?
    }

    /// Writes a consistent copy of this SQLite database to `target` with `VACUUM INTO`:
    /// one read transaction, so the copy is the database as of one instant (what the
    /// WAL holds included) while other connections go on writing. SQLite refuses a
    /// target that exists. Returns the copy's size in bytes.
    pub fn backup_sqlite_into(&self, target: &str) -> Result<u64, String> {
        let mut conn = self.pool.get().map_err(|e| e.to_string())?;
        let DbConnection::Sqlite(c) = &mut *conn else {
            return Err("not a SQLite database".into());
        };
        diesel::sql_query("VACUUM INTO ?")
            .bind::<diesel::sql_types::Text, _>(target)
            .execute(c)
            .map_err(|e| one_line(&e.to_string()))?;
        std::fs::metadata(target).map(|m| m.len()).map_err(|e| e.to_string())
    }

    /// Applies pending migrations for this backend; returns how many ran.
    pub fn migrate(&self) -> Result<usize, String> {
        let mut conn = self.pool.get().map_err(|e| e.to_string())?;
        run_migrations(&mut conn)
    }
}

/// Applies the embedded migrations of the connection's backend. On PostgreSQL an
/// advisory lock keeps instances starting together from racing each other.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, String> {
    let result = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConnection::Postgres(c) => {
            c.batch_execute("SELECT pg_advisory_lock(7212026)").map_err(|e| e.to_string())?;
            let ran = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len());
            c.batch_execute("SELECT pg_advisory_unlock(7212026)").map_err(|e| e.to_string())?;
            ran
        }
    };
    let ran = result.map_err(|e| one_line(&e.to_string()))?;
    if ran > 0 {
        // Data the SQL of a migration cannot make (slugs need the server's
        // transliteration): tag records for the tags already on articles, and slugs for
        // the authors made from users.
        tags::backfill(conn, to_db_time(chrono::Utc::now())).map_err(|e| one_line(&e.to_string()))?;
        authors::backfill_slugs(conn).map_err(|e| one_line(&e.to_string()))?;
    }
    Ok(ran)
}

/// Runs `f` in a write transaction: `BEGIN IMMEDIATE` on SQLite (so concurrent writers
/// queue on the busy timeout instead of failing with "database is locked"), a plain
/// transaction on PostgreSQL. Commits on `Ok`, rolls back on `Err`.
pub fn write_tx<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let result = tx_with(conn, "BEGIN IMMEDIATE", "BEGIN", f);
    // Counted after the commit (or the rollback): a reader that sees the new count
    // also sees what the transaction wrote.
    let n = COMMITTED_WRITES.fetch_add(1, Ordering::SeqCst) + 1;
    WRITES.send_replace(n);
    result
}

/// Told after every write transaction: the webhook worker looks for new events then
/// (a change may have written some) instead of polling.
static WRITES: std::sync::LazyLock<tokio::sync::watch::Sender<u64>> =
    std::sync::LazyLock::new(|| tokio::sync::watch::channel(0).0);

/// Changes after each write transaction of this process.
pub fn watch_writes() -> tokio::sync::watch::Receiver<u64> {
    WRITES.subscribe()
}

/// A write transaction for what public articles are never built from (meter reads,
/// poll responses, tracking counts, sign-in attempts, sessions): like `write_tx`, but
/// it does not make the public response cache read the generation again, so that
/// readers' own traffic does not slow the cache down. (The generation's triggers do
/// not fire on those tables either.)
pub fn tally_tx<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    tx_with(conn, "BEGIN IMMEDIATE", "BEGIN", f)
}

/// Write transactions this process has finished. The public response cache reads the
/// database's generation again after any of them, so that an instance never serves
/// what it has itself just changed.
static COMMITTED_WRITES: AtomicU64 = AtomicU64::new(0);

pub fn committed_writes() -> u64 {
    COMMITTED_WRITES.load(Ordering::SeqCst)
}

/// Runs `f` on one consistent snapshot, for reads that must agree with each other
/// (a poll's total and its per-option counts): a deferred transaction on SQLite (WAL
/// readers see one snapshot), REPEATABLE READ READ ONLY on PostgreSQL.
pub fn read_tx<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    tx_with(conn, "BEGIN DEFERRED", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", f)
}

fn tx_with<T, E, F>(conn: &mut DbConnection, sqlite_begin: &str, pg_begin: &str, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, sqlite_begin)?,
        DbConnection::Postgres(c) => AnsiTransactionManager::begin_transaction_sql(c, pg_begin)?,
    }
    type Tm = <DbConnection as Connection>::TransactionManager;
    match f(conn) {
        Ok(value) => {
            Tm::commit_transaction(conn)?;
            Ok(value)
        }
        Err(err) => match Tm::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(err),
            Err(rollback) => Err(rollback.into()),
        },
    }
}

/// Takes the named row lock inside a transaction, serialising the writers that take it
/// (SQLite's immediate transactions are serial already; this is for PostgreSQL).
pub fn lock(conn: &mut DbConnection, name: &str) -> QueryResult<()> {
    use schema::locks::dsl;
    diesel::update(dsl::locks.filter(dsl::name.eq(name)))
        .set(dsl::counter.eq(dsl::counter + 1))
        .execute(conn)
        .map(|_| ())
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// A `LIKE` pattern (with `ESCAPE '\\'`) matching text that contains `q`, lower-cased
/// (compare it with `lower(column)`: PostgreSQL's LIKE is case-sensitive), with the
/// pattern's own wildcards in `q` escaped.
pub fn contains_pattern(q: &str) -> String {
    let escaped: String = q
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// The first of `base`, `base-2`, ... (from the `from`th) that `is_free`, looking at a
/// few numbers only: past them (a common base, such as "tag" for names of punctuation)
/// a random suffix, so that a write never walks a long run of taken slugs while it
/// holds the write lock.
pub fn first_free_slug(
    base: &str,
    from: usize,
    mut is_free: impl FnMut(&str) -> QueryResult<bool>,
) -> QueryResult<String> {
    for n in from..from + 10 {
        let candidate = slug::numbered(base, n);
        if is_free(&candidate)? {
            return Ok(candidate);
        }
    }
    loop {
        // The last digits of a UUIDv7 are random.
        let id = uuid::Uuid::now_v7().simple().to_string();
        let candidate = slug::with_suffix(base, &id[id.len() - 8..]);
        if is_free(&candidate)? {
            return Ok(candidate);
        }
    }
}

/// A new opaque id: a UUIDv7, sortable by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Database times are naive UTC with microsecond precision (PostgreSQL's).
pub fn to_db_time(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

pub fn from_db_time(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        assert_eq!(DatabaseUrl::parse("masthead.db"), Ok(DatabaseUrl::Sqlite("masthead.db".into())));
        assert_eq!(DatabaseUrl::parse("sqlite://x/y.db"), Ok(DatabaseUrl::Sqlite("x/y.db".into())));
        assert_eq!(DatabaseUrl::parse("sqlite:///abs.db"), Ok(DatabaseUrl::Sqlite("/abs.db".into())));
        assert!(matches!(DatabaseUrl::parse("postgres://u@h/d"), Ok(DatabaseUrl::Postgres(_))));
        assert!(DatabaseUrl::parse("mysql://h/d").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn redacts_passwords() {
        let url = DatabaseUrl::parse("postgres://me:secret@db:5432/news").unwrap_or(DatabaseUrl::Sqlite(String::new()));
        assert_eq!(url.redacted(), "postgres://me:***@db:5432/news");
        assert!(!format!("{url:?}").contains("secret"));
    }
}
