//! SQL for what the public response cache checks: the counter that the triggers move
//! on every change to what public articles are built from, and the next instant a
//! scheduled article goes live (when a cached list stops being true by itself).
//!
//! Which tables those are is declared here, once, and so is every other table with
//! the reason it is not one: tests hold the live schema of both backends to these
//! lists (each source has its triggers; no table is left undeclared).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{article_feed, public_generation};

/// A table public article answers are built from.
#[derive(Debug, Clone, Copy)]
pub struct PublicSource {
    pub table: &'static str,
    /// Why answers depend on it.
    pub why: &'static str,
    /// The one column whose change matters, when the others never reach an answer:
    /// an UPDATE moves the generation only when it changes this column.
    pub only_column: Option<&'static str>,
}

const fn source(table: &'static str, why: &'static str) -> PublicSource {
    PublicSource { table, why, only_column: None }
}

/// What cached public answers (an article, a list page) are built from. Each table has
/// triggers that move the generation on INSERT, UPDATE and DELETE, whichever code or
/// program writes. Readers' poll answers and counts are not here: answers that show
/// them are kept for a second at most.
pub const PUBLIC_SOURCE_TABLES: &[PublicSource] = &[
    source("articles", "the articles themselves: content, status, publication times"),
    source("article_feed", "the live index that public lists are read from"),
    source("article_authors", "which authors an article's byline names, in order"),
    source("authors", "bylines carry authors' names; author pages show the rest"),
    source("article_tags", "the tags that filter public lists"),
    source("tags", "tag pages show the tag's name and description"),
    source("article_corrections", "public articles show their corrections; the site-wide log lists them"),
    source("sections", "the section link of each article and the section fronts"),
    PublicSource {
        table: "users",
        why: "authors made for users follow their display names; sign-ins and password changes do not matter",
        only_column: Some("display_name"),
    },
    source("paywall_settings", "the site's preview length cuts gated bodies"),
    source("site_settings", "feeds, sitemaps and structured data carry the site's name, address and publisher"),
    source("media_assets", "images in articles carry the asset's size, alt text, caption and credit"),
    source("polls", "articles embed polls: title, intro, dates, results visibility"),
    source("poll_questions", "an embedded poll's questions"),
    source("poll_options", "an embedded poll's options"),
    source("sponsored_blocks", "articles embed sponsored blocks: content, label, disclosure, status, flight"),
];

/// Every other table, with the reason public answers are never built from it.
pub const NEVER_PUBLIC_TABLES: &[(&str, &str)] = &[
    ("public_generation", "the counter itself"),
    ("__diesel_schema_migrations", "which migrations ran"),
    ("settings", "the server's own values (the token signing secret)"),
    ("locks", "rows locked to serialise rare writes"),
    ("sessions", "sign-in sessions"),
    ("refresh_tokens", "sign-in sessions"),
    ("api_keys", "integrations' credentials and their last use"),
    ("audit_log", "who did what, for admins"),
    ("external_ids", "other systems' ids for records: only the editorial API and imports read them"),
    ("login_failures", "sign-in throttling"),
    ("rate_limits", "request throttling"),
    ("article_slugs", "former slugs: only redirects read them, and those are not cached"),
    ("tag_slugs", "former tag slugs: only redirects read them, and those are not cached"),
    ("article_revisions", "editorial history"),
    ("article_embeds", "editorial bookkeeping of embeds; answers read them from the article's body"),
    ("articles_fts", "SQLite's search index, written with each article's text"),
    ("sponsored_targets", "where a block runs: only `/public/sponsored` reads it, uncached; embeds ignore it"),
    ("sponsored_revisions", "editorial history"),
    ("sponsored_stats", "impression and click counts"),
    ("poll_responses", "readers' answers"),
    ("poll_answers", "readers' answers"),
    ("poll_tallies", "running counts of readers' answers: answers that show them are kept a second at most"),
    ("meter_reads", "the paywall meter, per reader"),
    ("offers", "subscription offers, served uncached"),
    ("article_media", "editorial bookkeeping of which articles use an asset"),
    ("sponsored_media", "commercial bookkeeping of which sponsored blocks use an asset"),
    ("webhook_endpoints", "where events are sent"),
    ("webhook_events", "the outbox of events"),
    ("webhook_deliveries", "the delivery log"),
    ("event_clock", "how far scheduled changes have been announced"),
    ("article_previews", "preview links: the preview answer is built afresh for each request, never cached"),
];

/// The counter as committed now.
pub fn current(conn: &mut DbConnection) -> QueryResult<i64> {
    public_generation::table.find(1_i64).select(public_generation::generation).first(conn)
}

/// The first instant after `after` at which an article goes live by itself (a
/// scheduled publication), if any: one seek in the live index's '' feed.
pub fn next_go_live(conn: &mut DbConnection, after: NaiveDateTime) -> QueryResult<Option<NaiveDateTime>> {
    article_feed::table
        .filter(article_feed::feed.eq(""))
        .filter(article_feed::publish_at.gt(after))
        .select(article_feed::publish_at)
        .order(article_feed::publish_at.asc())
        .first(conn)
        .optional()
}
