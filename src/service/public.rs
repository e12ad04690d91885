//! The public delivery API: only live articles (published, `publish_at` reached, not
//! trashed), gated bodies cut to their preview, authors as `{id, display_name}`.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::Error;
use crate::db::articles::{self as article_db, ArticleRow, PublicFilter, SummaryRow};
use crate::db::{self, DbConnection, public_generation, sections as section_db};
use crate::domain::article::{self, Access, Block, Content, Image, Sponsorship};
use crate::domain::id::{ArticleId, AssetId, AuthorId, SectionId};
use crate::domain::media::{self, Asset, ResolvedImage};
use crate::service::corrections::{self, Correction};
use crate::service::polls::{self, PublicPoll};
use crate::service::site::{self, Site};
use crate::service::sponsored::{self, Sponsored};
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct Byline {
    pub id: AuthorId,
    pub display_name: String,
}

#[derive(Debug, Clone)]
pub struct SectionLink {
    pub id: SectionId,
    pub slug: String,
    pub name: String,
}

/// A body block as readers get it: content as written, or an embed resolved.
#[derive(Debug, Clone)]
pub enum PublicBlock {
    Content(Block),
    /// An image, with the library asset it names.
    Image(Box<ResolvedImage>),
    /// A live sponsored block, with its label and disclosure.
    Sponsored(Box<Sponsored>),
    /// A poll in its current public state.
    Poll(Box<PublicPoll>),
}

/// A live article as readers may see it.
#[derive(Debug, Clone)]
pub struct PublicArticle {
    pub id: ArticleId,
    pub content: Content,
    pub section: SectionLink,
    pub authors: Vec<Byline>,
    pub hero_image: Option<ResolvedImage>,
    /// Whether the body was cut to the preview.
    pub preview: bool,
    /// The (previewed) body with embeds resolved; embeds not live now are left out.
    pub body: Vec<PublicBlock>,
    pub published_at: DateTime<Utc>,
    pub first_published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The next instant at which this answer changes with no write, when it embeds
    /// something that does: a sponsored flight starts or ends, a poll opens or closes,
    /// or a poll's results become a second old.
    pub until: Option<DateTime<Utc>>,
    /// It shows a poll's results, which each vote changes.
    pub shows_results: bool,
    /// Its public log of corrections, clarifications and updates, oldest first.
    pub corrections: Vec<Correction>,
    /// The site it is published on (its address and publisher, for structured data).
    pub site: Arc<Site>,
}

/// A live article as lists show it: no body.
#[derive(Debug, Clone)]
pub struct PublicSummary {
    pub id: ArticleId,
    pub slug: String,
    pub headline: String,
    pub standfirst: Option<String>,
    pub dateline: Option<String>,
    pub kicker: Option<String>,
    pub hero_image: Option<ResolvedImage>,
    pub section: SectionLink,
    pub authors: Vec<Byline>,
    pub tags: Vec<String>,
    pub access: Access,
    /// Whether readers get only the preview of its body.
    pub preview: bool,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set when it is paid content.
    pub sponsorship: Option<Sponsorship>,
}

/// How old shown poll results may become: answers that show them are kept no longer.
pub const RESULTS_FRESH_FOR: chrono::Duration = chrono::Duration::seconds(1);

impl PublicArticle {
    /// What a list would show of it.
    pub fn summary(&self) -> PublicSummary {
        let c = &self.content;
        PublicSummary {
            id: self.id.clone(),
            slug: c.slug.clone(),
            headline: c.headline.clone(),
            standfirst: c.standfirst.clone(),
            dateline: c.dateline.clone(),
            kicker: c.kicker.clone(),
            hero_image: self.hero_image.clone(),
            section: self.section.clone(),
            authors: self.authors.clone(),
            tags: c.tags.clone(),
            access: c.access,
            preview: self.preview,
            published_at: self.published_at,
            updated_at: self.updated_at,
            sponsorship: c.sponsorship.clone(),
        }
    }

    /// When what readers get last changed: an edit, or its log of corrections (a
    /// correction is a change readers and search engines are told of).
    pub fn modified_at(&self) -> DateTime<Utc> {
        self.corrections.iter().map(|c| c.updated_at).fold(self.updated_at, DateTime::max)
    }

    /// Whether what readers get changes by itself, without a write to the article:
    /// it embeds a poll (votes, opening, closing) or a sponsored block (its flight).
    pub fn changes_by_itself(&self) -> bool {
        let (polls, sponsored) = self.content.references();
        !polls.is_empty() || !sponsored.is_empty()
    }
}

/// How much of a gated body to send.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    /// The preview: the article's `preview_blocks`, or this site default.
    Preview(i64),
    /// Everything (the meter granted it).
    Full,
}

/// Cuts a gated body to its preview; free articles keep the whole body.
pub fn gate(content: &mut Content, body: Body) -> bool {
    let Body::Preview(default) = body else { return false };
    if content.access == Access::Free {
        return false;
    }
    let keep = usize::try_from(content.preview_blocks.unwrap_or(default)).unwrap_or(0);
    content.body.truncate(keep);
    true
}

/// The preview the site shows by default (the paywall setting).
fn site_preview(conn: &mut DbConnection) -> Result<Body, Error> {
    Ok(Body::Preview(crate::db::paywall::load_settings(conn)?.default_preview_blocks))
}

/// The preview for `rows`: the site's default is read only when one of them follows
/// it (a gated article without a `preview_blocks` of its own); otherwise no article
/// of `rows` looks at the default, and none is read.
pub fn preview_for(conn: &mut DbConnection, rows: &[ArticleRow]) -> Result<Body, Error> {
    if rows.iter().any(|r| r.access != Access::Free && r.preview_blocks.is_none()) {
        site_preview(conn)
    } else {
        Ok(Body::Preview(0))
    }
}

/// What rows of articles link to, loaded once for all of them: bylines, sections and
/// library images.
struct Links {
    bylines: Vec<(ArticleId, AuthorId, String)>,
    sections: Vec<section_db::SectionRow>,
    assets: Vec<Asset>,
}

impl Links {
    fn load<'a>(
        conn: &mut DbConnection,
        ids: &[ArticleId],
        sections: impl IntoIterator<Item = &'a SectionId>,
        asset_ids: &[AssetId],
    ) -> Result<Links, Error> {
        let bylines = article_db::authors_of(conn, ids)?;
        // Every image in one query, none when no row uses one.
        let assets = if asset_ids.is_empty() { Vec::new() } else { crate::service::media::assets(conn, asset_ids)? };
        let mut found: Vec<section_db::SectionRow> = Vec::new();
        for id in sections {
            if !found.iter().any(|s| s.id == *id) {
                found.extend(section_db::find(conn, id)?);
            }
        }
        Ok(Links { bylines, sections: found, assets })
    }

    fn authors(&self, article: &ArticleId) -> Vec<Byline> {
        self.bylines
            .iter()
            .filter(|(a, _, _)| a == article)
            .map(|(_, id, name)| Byline { id: id.clone(), display_name: name.clone() })
            .collect()
    }

    fn section(&self, article: &ArticleId, section: &SectionId) -> Result<SectionLink, Error> {
        self.sections
            .iter()
            .find(|s| s.id == *section)
            .map(|s| SectionLink { id: s.id.clone(), slug: s.slug.clone(), name: s.name.clone() })
            .ok_or_else(|| Error::internal(format!("article {article} has no section")))
    }
}

/// Summaries of live articles, as lists show them (a list always shows gated
/// articles' previews).
fn to_summaries(
    conn: &mut DbConnection,
    rows: Vec<SummaryRow>,
    now: DateTime<Utc>,
) -> Result<Vec<PublicSummary>, Error> {
    let ids: Vec<ArticleId> = rows.iter().map(|r| r.id.clone()).collect();
    let asset_ids: Vec<AssetId> =
        rows.iter().filter_map(|r| r.hero_image.as_ref().and_then(|j| j.0.asset_id.clone())).collect();
    let links = Links::load(conn, &ids, rows.iter().map(|r| &r.section_id), &asset_ids)?;
    rows.into_iter()
        .map(|row| {
            Ok(PublicSummary {
                section: links.section(&row.id, &row.section_id)?,
                authors: links.authors(&row.id),
                hero_image: row.hero_image.as_ref().and_then(|i| media::resolve(&i.0, &links.assets)),
                preview: row.access != Access::Free,
                published_at: row.publish_at.map(db::from_db_time).unwrap_or(now),
                updated_at: db::from_db_time(row.updated_at),
                id: row.id,
                slug: row.slug,
                headline: row.headline,
                standfirst: row.standfirst,
                dateline: row.dateline,
                kicker: row.kicker,
                tags: row.tags.0,
                access: row.access,
                sponsorship: row.sponsorship.map(|j| j.0),
            })
        })
        .collect()
}

pub fn to_public(
    conn: &mut DbConnection,
    rows: Vec<ArticleRow>,
    now: DateTime<Utc>,
    body: Body,
) -> Result<Vec<PublicArticle>, Error> {
    let ids: Vec<ArticleId> = rows.iter().map(|r| r.id.clone()).collect();
    let asset_ids: Vec<AssetId> = rows
        .iter()
        .flat_map(|r| {
            let hero = r.hero_image.as_ref().and_then(|j| j.0.asset_id.clone());
            hero.into_iter().chain(article::block_assets(&r.body.0))
        })
        .collect();
    let links = Links::load(conn, &ids, rows.iter().map(|r| &r.section_id), &asset_ids)?;
    let assets = &links.assets;
    let mut logs = corrections::of_articles(conn, &ids)?;
    let site = Arc::new(site::load(conn)?);
    rows.into_iter()
        .map(|row| {
            let (mine, others) = logs.drain(..).partition(|c| c.article_id == row.id);
            logs = others;
            let authors = links.authors(&row.id);
            let section = links.section(&row.id, &row.section_id)?;
            let published_at = row.publish_at.map(db::from_db_time).unwrap_or(now);
            let first_published_at = row.first_published(now).unwrap_or(published_at);
            let (id, updated_at) = (row.id.clone(), db::from_db_time(row.updated_at));
            let mut content = row.into_content(authors.iter().map(|a| a.id.clone()).collect());
            let preview = gate(&mut content, body);
            let (poll_ids, sponsored_ids) = content.references();
            let sponsored::Embedded { live, next_change: flight_change } =
                sponsored::embedded(conn, &sponsored_ids, now)?;
            let polls = polls::public_many(conn, &poll_ids, now)?;
            let shows_results = polls.values().any(|p| p.results.is_some());
            let until = polls
                .values()
                .flat_map(|p| [p.poll.opens_at, p.poll.closes_at])
                .flatten()
                .filter(|at| *at > now)
                .chain(flight_change)
                .chain(shows_results.then(|| now + RESULTS_FRESH_FOR))
                .min();
            let body = content
                .body
                .iter()
                .filter_map(|block| match block {
                    Block::Sponsored { block_id } => {
                        live.get(block_id).map(|b| PublicBlock::Sponsored(Box::new(b.clone())))
                    }
                    Block::Poll { poll_id } => polls.get(poll_id).map(|p| PublicBlock::Poll(Box::new(p.clone()))),
                    Block::Image { url, asset_id, caption, credit, alt } => {
                        let image = Image {
                            url: url.clone(),
                            asset_id: asset_id.clone(),
                            caption: caption.clone(),
                            credit: credit.clone(),
                            alt: alt.clone(),
                        };
                        media::resolve(&image, assets).map(|r| PublicBlock::Image(Box::new(r)))
                    }
                    other => Some(PublicBlock::Content(other.clone())),
                })
                .collect();
            let hero_image = content.hero_image.as_ref().and_then(|i| media::resolve(i, assets));
            Ok(PublicArticle {
                id,
                section,
                authors,
                hero_image,
                preview,
                body,
                published_at,
                first_published_at,
                updated_at,
                until,
                shows_results,
                corrections: mine,
                site: site.clone(),
                content,
            })
        })
        .collect()
}

/// What the public list may be narrowed by (section by slug, with its sub-sections).
#[derive(Debug, Clone, Default)]
pub struct PublicQuery {
    pub section: Option<String>,
    pub tag: Option<String>,
    pub author: Option<String>,
    pub q: Option<String>,
}

/// A page of live articles, newest first.
#[derive(Debug)]
pub struct PublicPage {
    pub items: Vec<PublicSummary>,
    /// The key to continue after, when there is more.
    pub next: Option<(DateTime<Utc>, String)>,
    /// When the page may change without any write: the next scheduled article going live.
    pub until: Option<DateTime<Utc>>,
}

/// A page of live articles, newest first, and the key to continue after.
pub async fn list(
    state: &AppState,
    query: PublicQuery,
    after: Option<(DateTime<Utc>, String)>,
    limit: i64,
) -> Result<PublicPage, Error> {
    let now = state.clock.now();
    // One snapshot for the page and what it links to; on SQLite also one read lock
    // instead of one per statement.
    state
        .db
        .run(move |conn| {
            db::read_tx(conn, |conn| {
                let feed = match &query.section {
                    Some(slug) => match section_db::find_by_slug(conn, slug)? {
                        Some(section) => section.id.into_string(),
                        None => return Ok(PublicPage { items: Vec::new(), next: None, until: None }),
                    },
                    None => String::new(),
                };
                let filter = PublicFilter {
                    feed,
                    author: query.author.map(|a| crate::db::authors::filter_id(conn, &a)).transpose()?,
                    tag: query.tag.map(|t| crate::db::tags::filter_name(conn, &t)).transpose()?,
                    q: query.q,
                };
                let after = after.map(|(at, id)| (db::to_db_time(at), id));
                let rows = article_db::public_page(conn, &filter, db::to_db_time(now), after, limit + 1)?;
                let (rows, next) = crate::service::split_page(rows, limit, |r| {
                    r.publish_at.map(|at| (db::from_db_time(at), r.id.to_string()))
                });
                let next = next.flatten();
                let until = public_generation::next_go_live(conn, db::to_db_time(now))?.map(db::from_db_time);
                Ok(PublicPage { items: to_summaries(conn, rows, now)?, next, until })
            })
        })
        .await
}

/// What a feed holds: every live article, or those of a section (with its
/// sub-sections), a tag and an author, each narrowing the rest.
#[derive(Debug, Clone, Default)]
pub struct FeedScope {
    pub section: Option<String>,
    pub tag: Option<String>,
    pub author: Option<String>,
}

/// The newest live articles of a feed, with their bodies as anonymous readers get
/// them (gated ones cut to the preview).
#[derive(Debug)]
pub struct FeedPage {
    pub site: Arc<Site>,
    /// The section's, tag's and author's names, for the feed's title.
    pub names: Vec<String>,
    pub items: Vec<PublicArticle>,
    /// When the feed may change without any write (the next scheduled article going
    /// live, an embed's flight).
    pub until: Option<DateTime<Utc>>,
}

/// The feed of `scope`: 404 for a section that does not exist.
pub async fn feed(state: &AppState, scope: FeedScope, limit: i64) -> Result<FeedPage, Error> {
    let now = state.clock.now();
    // Not in one read transaction: embedded polls read their counts in their own.
    state
        .db
        .run(move |conn| {
            let site = Arc::new(site::load(conn)?);
            let mut names = Vec::new();
            let mut filter = PublicFilter::default();
            if let Some(slug) = scope.section {
                let section = section_db::find_by_slug(conn, &slug)?.ok_or_else(|| Error::not_found("Section"))?;
                names.push(section.name.clone());
                filter.feed = section.id.into_string();
            }
            // A tag's or author's name goes in the title only when a live article carries
            // it: a draft's tags and authors are not public, and an unknown value is
            // not echoed.
            let at = db::to_db_time(now);
            if let Some(tag) = scope.tag {
                let tag = crate::db::tags::filter_name(conn, &tag)?;
                if crate::db::tags::is_live(conn, &tag, at)? {
                    names.push(tag.clone());
                }
                filter.tag = Some(tag);
            }
            if let Some(given) = scope.author {
                let id = AuthorId::from(crate::db::authors::filter_id(conn, &given)?);
                if crate::db::authors::is_live(conn, &id, at)? {
                    if let Some(author) = crate::db::authors::find(conn, &id)? {
                        names.push(author.name);
                    }
                }
                filter.author = Some(id.into_string());
            }
            let summaries = article_db::public_page(conn, &filter, db::to_db_time(now), None, limit)?;
            let ids: Vec<ArticleId> = summaries.iter().map(|r| r.id.clone()).collect();
            let mut rows = article_db::find_many(conn, &ids)?;
            rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
            let body = preview_for(conn, &rows)?;
            let items = to_public(conn, rows, now, body)?;
            let go_live = public_generation::next_go_live(conn, db::to_db_time(now))?.map(db::from_db_time);
            let until = items.iter().filter_map(|a| a.until).chain(go_live).min();
            Ok(FeedPage { site, names, items, until })
        })
        .await
}

/// At most this many of an article's tags are looked at for related articles.
const RELATED_TAGS: usize = 10;
/// How many of each tag's newest articles are candidates: enough that one sharing
/// more tags but a little older is still found.
const RELATED_WINDOW: i64 = 50;

/// What the related articles of a slug are.
pub enum RelatedLookup {
    Found {
        items: Vec<PublicSummary>,
        until: Option<DateTime<Utc>>,
    },
    /// A former slug of a live article: redirect to its current one.
    Moved(String),
}

/// A few live articles related to the live article `slug` (or id): those sharing the
/// most tags with it, newest first among equals, then the newest of its section.
pub async fn related(state: &AppState, slug: String, limit: i64) -> Result<RelatedLookup, Error> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            db::read_tx(conn, |conn| {
                let at = db::to_db_time(now);
                let by_id = match uuid::Uuid::try_parse(&slug) {
                    Ok(_) => article_db::find_live(conn, &ArticleId::from(slug.as_str()), at)?,
                    Err(_) => None,
                };
                let article = match by_id {
                    Some(row) => row,
                    None => match article_db::find_live_by_slug(conn, &slug, at)? {
                        Some(row) => row,
                        None => return moved(conn, &slug, at).map(RelatedLookup::Moved),
                    },
                };
                // Each tag's newest, as the public list by tag reads them; then ranked by
                // how many tags each shares.
                let mut candidates: Vec<(usize, SummaryRow)> = Vec::new();
                for tag in article.tags.0.iter().take(RELATED_TAGS) {
                    let filter = PublicFilter { tag: Some(tag.clone()), ..PublicFilter::default() };
                    let window = (limit + 1).max(RELATED_WINDOW);
                    for row in article_db::public_page(conn, &filter, at, None, window)? {
                        if row.id == article.id {
                            continue;
                        }
                        match candidates.iter_mut().find(|(_, r)| r.id == row.id) {
                            Some((shared, _)) => *shared += 1,
                            None => candidates.push((1, row)),
                        }
                    }
                }
                candidates.sort_by(|(a, ra), (b, rb)| b.cmp(a).then(rb.publish_at.cmp(&ra.publish_at)));
                let mut rows: Vec<SummaryRow> = candidates.into_iter().map(|(_, r)| r).collect();
                rows.truncate(usize::try_from(limit).unwrap_or(0));
                if (rows.len() as i64) < limit {
                    let filter = PublicFilter { feed: article.section_id.to_string(), ..PublicFilter::default() };
                    let need = limit - rows.len() as i64;
                    for row in article_db::public_page(conn, &filter, at, None, need + rows.len() as i64 + 1)? {
                        if rows.len() as i64 >= limit {
                            break;
                        }
                        if row.id != article.id && !rows.iter().any(|r| r.id == row.id) {
                            rows.push(row);
                        }
                    }
                }
                let until = public_generation::next_go_live(conn, at)?.map(db::from_db_time);
                Ok(RelatedLookup::Found { items: to_summaries(conn, rows, now)?, until })
            })
        })
        .await
}

/// The current slug of the live article that `slug` once named; 404 otherwise.
fn moved(conn: &mut DbConnection, slug: &str, at: chrono::NaiveDateTime) -> Result<String, Error> {
    let current = match article_db::find_by_old_slug(conn, slug)? {
        Some(id) => match article_db::find(conn, &id)? {
            Some(row) if article_db::find_live_by_slug(conn, &row.slug, at)?.is_some() => Some(row.slug),
            _ => None,
        },
        None => None,
    };
    current.ok_or_else(|| Error::not_found("Article"))
}

/// The public answer for a slug.
pub enum Lookup {
    Found(Box<PublicArticle>),
    /// A former slug of a live article: redirect to its current one.
    Moved(String),
}

/// A live article by its id or its slug (the same answer either way); a former slug
/// of a live article gives its current slug.
pub async fn by_slug(state: &AppState, slug: String) -> Result<Lookup, Error> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            let at = db::to_db_time(now);
            // An id is looked up as an id first (slugs are rarely UUID-shaped).
            let by_id = match uuid::Uuid::try_parse(&slug) {
                Ok(_) => article_db::find_live(conn, &ArticleId::from(slug.as_str()), at)?,
                Err(_) => None,
            };
            let live = match by_id {
                Some(row) => Some(row),
                None => article_db::find_live_by_slug(conn, &slug, at)?,
            };
            if let Some(row) = live {
                let body = preview_for(conn, std::slice::from_ref(&row))?;
                let article =
                    to_public(conn, vec![row], now, body)?.pop().ok_or_else(|| Error::not_found("Article"))?;
                return Ok(Lookup::Found(Box::new(article)));
            }
            moved(conn, &slug, at).map(Lookup::Moved)
        })
        .await
}
