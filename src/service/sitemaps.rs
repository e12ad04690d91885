//! Sitemaps: an index of pages of at most 50,000 live articles each (oldest first, so
//! that a page keeps its articles as new ones are published), each page read from the
//! database a chunk at a time as it is sent, and a Google News sitemap of the last two
//! days.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::Error;
use crate::db::sitemaps::{self as sitemap_db, SitemapRow};
use crate::db::{self, public_generation, sections as section_db};
use crate::domain::id::{ArticleId, SectionId};
use crate::domain::site::{ArticlePlace, SiteSettings};
use crate::service::site;
use crate::state::AppState;

/// URLs per sitemap page: the protocol's limit.
pub const PAGE_URLS: i64 = 50_000;
/// Articles read from the database at a time while a page is sent.
pub const CHUNK: i64 = 1_000;
/// How far back the news sitemap reaches, and at most how many it lists (Google News'
/// limits).
pub const NEWS_WINDOW: Duration = Duration::days(2);
pub const NEWS_MAX: i64 = 1_000;

/// A live article as a sitemap lists it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub url: String,
    pub headline: String,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What sitemap URLs are made from: the site's address and path, and section slugs.
#[derive(Debug, Clone)]
pub struct Places {
    pub site: SiteSettings,
    sections: HashMap<SectionId, String>,
}

impl Places {
    fn load(conn: &mut db::DbConnection) -> Result<Places, Error> {
        let site = site::load(conn)?.settings;
        let sections = section_db::all(conn)?.into_iter().map(|s| (s.id, s.slug)).collect();
        Ok(Places { site, sections })
    }

    fn entry(&self, row: SitemapRow) -> Entry {
        let published_at = db::from_db_time(row.publish_at);
        let section_slug = self.sections.get(&row.section_id).map_or("", String::as_str);
        let url =
            self.site.article_url(&ArticlePlace { id: row.id.as_str(), slug: &row.slug, section_slug, published_at });
        Entry { url, headline: row.headline, published_at, updated_at: db::from_db_time(row.updated_at) }
    }
}

/// The index: how many pages, and when it changes without a write.
#[derive(Debug)]
pub struct Index {
    pub site: SiteSettings,
    pub pages: i64,
    pub until: Option<DateTime<Utc>>,
}

pub async fn index(state: &AppState) -> Result<Index, Error> {
    let now = state.clock.now();
    let per_page = state.settings.sitemap_page_urls.max(1);
    state
        .db
        .run(move |conn| {
            db::read_tx(conn, |conn| {
                let at = db::to_db_time(now);
                let count = sitemap_db::live_count(conn, at)?;
                let until = public_generation::next_go_live(conn, at)?.map(db::from_db_time);
                let pages = ((count + per_page - 1) / per_page).max(1);
                Ok(Index { site: site::load(conn)?.settings, pages, until })
            })
        })
        .await
}

/// Where page `n` (from 1) starts, and what its URLs are made from; 404 past the last
/// page. `version` names what the database holds (for the page's ETag): it moves on
/// every write and when a scheduled article goes live.
#[derive(Debug)]
pub struct PageStart {
    pub places: Places,
    pub after: Option<(chrono::NaiveDateTime, ArticleId)>,
    pub version: String,
    /// The time the page is read at: the same for every chunk.
    pub at: DateTime<Utc>,
    /// How many URLs the page holds at most.
    pub urls: i64,
}

pub async fn page(state: &AppState, n: i64) -> Result<PageStart, Error> {
    let now = state.clock.now();
    let per_page = state.settings.sitemap_page_urls.max(1);
    state
        .db
        .run(move |conn| {
            db::read_tx(conn, |conn| {
                let at = db::to_db_time(now);
                let count = sitemap_db::live_count(conn, at)?;
                let pages = ((count + per_page - 1) / per_page).max(1);
                if n < 1 || n > pages {
                    return Err(Error::not_found("Sitemap page"));
                }
                let after = if n == 1 { None } else { sitemap_db::key_at(conn, at, (n - 1) * per_page - 1)? };
                let generation = public_generation::current(conn)?;
                let version = format!("{generation}.{count}");
                Ok(PageStart { places: Places::load(conn)?, after, version, at: now, urls: per_page })
            })
        })
        .await
}

/// The next `limit` entries of a page after `after`, and the key to go on from.
pub async fn chunk(
    state: &AppState,
    places: Places,
    at: DateTime<Utc>,
    after: Option<(chrono::NaiveDateTime, ArticleId)>,
    limit: i64,
) -> Result<(Vec<Entry>, Option<(chrono::NaiveDateTime, ArticleId)>, Places), Error> {
    state
        .db
        .run(move |conn| {
            let rows = sitemap_db::chunk(conn, db::to_db_time(at), after, limit)?;
            let next = rows.last().map(|r| (r.publish_at, r.id.clone()));
            let entries = rows.into_iter().map(|r| places.entry(r)).collect();
            Ok((entries, next, places))
        })
        .await
}

/// The news sitemap: articles published in the last two days, newest first.
#[derive(Debug)]
pub struct News {
    pub site: SiteSettings,
    pub entries: Vec<Entry>,
    /// When it changes without a write: an article ages out, or one goes live.
    pub until: Option<DateTime<Utc>>,
}

pub async fn news(state: &AppState) -> Result<News, Error> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            db::read_tx(conn, |conn| {
                let at = db::to_db_time(now);
                let rows = sitemap_db::since(conn, at, db::to_db_time(now - NEWS_WINDOW), NEWS_MAX)?;
                let places = Places::load(conn)?;
                let entries: Vec<Entry> = rows.into_iter().map(|r| places.entry(r)).collect();
                let ages_out = entries.last().map(|e| e.published_at + NEWS_WINDOW);
                let go_live = public_generation::next_go_live(conn, at)?.map(db::from_db_time);
                Ok(News { site: places.site, entries, until: ages_out.into_iter().chain(go_live).min() })
            })
        })
        .await
}
