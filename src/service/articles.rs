//! Articles in the newsroom: create, read, list, edit, the workflow, trash and
//! restore, and revisions. Every change checks `If-Match` and bumps the version;
//! every content save stores a revision.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;

use super::{Error, events};
use crate::db::articles::{self as article_db, ArticleRow, EditorialFilter, RevisionRow};
use crate::db::audit as audit_db;
use crate::db::authors as author_db;
use crate::db::types::EmbedKind;
use crate::db::{
    self, DbConnection, Json, external_ids, polls as poll_db, sections as section_db, sponsored as sponsored_db,
    users as user_db,
};
use crate::domain::FieldError;
use crate::domain::article::{self, Action, ArticlePatch, Block, Content, NewArticle, Sponsorship, Status};
use crate::domain::audit::{Actor, AuditAction, Changes, Target};
use crate::domain::external::{self, ExternalKind};
use crate::domain::id::{ArticleId, AuthorId, UserId};
use crate::domain::user::{AccountKind, Role};
use crate::domain::version::IfMatch;
use crate::domain::webhook::EventType;
use crate::service::auth::CurrentUser;
use crate::state::AppState;

/// An article as the editorial API shows it.
#[derive(Debug, Clone)]
pub struct Article {
    pub id: ArticleId,
    pub content: Content,
    /// Effective: a scheduled article whose time has come is `published`.
    pub status: Status,
    pub publish_at: Option<DateTime<Utc>>,
    pub first_published_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub trashed_at: Option<DateTime<Utc>>,
    pub version: i64,
    /// The id another system gave it.
    pub external_id: Option<String>,
}

pub fn author_ids(conn: &mut DbConnection, id: &ArticleId) -> Result<Vec<AuthorId>, Error> {
    Ok(article_db::authors_of(conn, std::slice::from_ref(id))?.into_iter().map(|(_, author, _)| author).collect())
}

fn to_article(conn: &mut DbConnection, row: ArticleRow, now: DateTime<Utc>) -> Result<Article, Error> {
    to_articles(conn, vec![row], now)?.pop().ok_or_else(|| Error::not_found("Article"))
}

/// Articles with their bylines and external ids, each loaded in one query for the
/// whole page.
fn to_articles(conn: &mut DbConnection, rows: Vec<ArticleRow>, now: DateTime<Utc>) -> Result<Vec<Article>, Error> {
    let ids: Vec<ArticleId> = rows.iter().map(|r| r.id.clone()).collect();
    let bylines = article_db::authors_of(conn, &ids)?;
    let keys: Vec<&str> = ids.iter().map(|id| id.as_str()).collect();
    let mut external: HashMap<String, String> =
        external_ids::of(conn, ExternalKind::Article, &keys)?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let authors =
                bylines.iter().filter(|(a, _, _)| *a == row.id).map(|(_, author, _)| author.clone()).collect();
            let external_id = external.remove(row.id.as_str());
            article_of(row, authors, external_id, now)
        })
        .collect())
}

fn article_of(row: ArticleRow, authors: Vec<AuthorId>, external_id: Option<String>, now: DateTime<Utc>) -> Article {
    let status = row.effective_status(now);
    let publish_at = row.publish_at.map(db::from_db_time);
    Article {
        id: row.id.clone(),
        status,
        publish_at,
        first_published_at: row.first_published(now),
        published_at: if matches!(status, Status::Published | Status::Archived) { publish_at } else { None },
        created_at: db::from_db_time(row.created_at),
        updated_at: db::from_db_time(row.updated_at),
        trashed_at: row.trashed_at.map(db::from_db_time),
        version: row.version,
        content: row.into_content(authors),
        external_id,
    }
}

fn external_id_taken() -> Error {
    Error::conflict("external_id_taken", "Another article has this external id.")
}

/// What is wrong with `id` as an external id, if anything (a 422).
fn check_external_id(id: Option<&str>) -> Option<FieldError> {
    id.and_then(external::problem).map(|p| FieldError::new("external_id", p))
}

/// Gives article `id` the external id `external_id` (or none); 409 if another has it.
fn set_external_id(conn: &mut DbConnection, id: &ArticleId, external_id: Option<&str>) -> Result<(), Error> {
    if let Some(wanted) = external_id
        && external_ids::find(conn, ExternalKind::Article, wanted)?.is_some_and(|owner| owner != id.as_str())
    {
        return Err(external_id_taken());
    }
    external_ids::set(conn, ExternalKind::Article, id.as_str(), external_id).map_err(|e| match e {
        // A concurrent save took it between the look and the write.
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
            external_id_taken()
        }
        other => other.into(),
    })
}

/// 422 unless the section, the authors and every referenced poll and sponsored block
/// exist; else the byline as author ids (a newsroom user's id becomes their author's).
/// `author_offset`: how many authors the caller did not name (the creator, on create),
/// so that errors point at the caller's own list.
/// `before`: the content being replaced; embeds it already had are not checked again
/// (a poll or block deleted meanwhile must not stop the article from being edited; the
/// public page leaves such an embed out).
fn check_references(
    conn: &mut DbConnection,
    content: &Content,
    author_offset: usize,
    before: Option<&Content>,
    now: DateTime<Utc>,
) -> Result<Vec<AuthorId>, Error> {
    let (old_polls, old_sponsored) = before.map(Content::references).unwrap_or_default();
    let old_assets = before.map(Content::assets).unwrap_or_default();
    let mut errors = Vec::new();
    if section_db::find(conn, &content.section_id)?.is_none() {
        errors.push(FieldError::new("section_id", "is not an existing section"));
    }
    let mut authors: Vec<AuthorId> = Vec::with_capacity(content.author_ids.len());
    for (i, id) in content.author_ids.iter().enumerate() {
        match author_db::resolve(conn, id, db::to_db_time(now))? {
            // A user and their author both named: one byline.
            Some(author) if authors.contains(&author) => {}
            Some(author) => authors.push(author),
            None => {
                let at = i.saturating_sub(author_offset);
                errors.push(FieldError::new(
                    format!("author_ids[{at}]"),
                    "is not an author or a newsroom user (admin, editor or writer)",
                ));
            }
        }
    }
    for (i, block) in content.body.iter().enumerate() {
        match block {
            // Locked (shared) rather than only looked up: a delete of the poll or block
            // waits for this save, and this save for a delete in flight.
            Block::Poll { poll_id } if !old_polls.contains(poll_id) && !poll_db::lock(conn, poll_id, false)? => {
                errors.push(FieldError::new(format!("body[{i}].poll_id"), "is not an existing poll"))
            }
            Block::Sponsored { block_id }
                if !old_sponsored.contains(block_id) && !sponsored_db::lock(conn, block_id, false)? =>
            {
                errors.push(FieldError::new(format!("body[{i}].block_id"), "is not an existing sponsored block"))
            }
            _ => {}
        }
    }
    // Images from the library: locked (shared) as embeds are, against a delete in flight.
    let hero =
        content.hero_image.iter().filter_map(|i| i.asset_id.clone()).map(|id| ("hero_image.asset_id".to_string(), id));
    let blocks = content.body.iter().enumerate().filter_map(|(i, b)| match b {
        Block::Image { asset_id: Some(id), .. } => Some((format!("body[{i}].asset_id"), id.clone())),
        _ => None,
    });
    for (field, id) in hero.chain(blocks) {
        if !old_assets.contains(&id) && !crate::db::media::lock(conn, &id, false)? {
            errors.push(FieldError::new(field, "is not an image in the media library"));
        }
    }
    if errors.is_empty() { Ok(authors) } else { Err(Error::Invalid(errors)) }
}

fn sponsored_forbidden() -> Error {
    Error::forbidden("Only editors and admins place sponsored blocks in articles.")
}

fn sponsorship_forbidden() -> Error {
    Error::forbidden("Only editors and admins mark an article as paid content, change or clear its sponsorship.")
}

fn slug_taken() -> Error {
    Error::conflict("slug_taken", "Another article already has this slug.")
}

/// Stores the save of `row` as its newest revision. Its content is the article's own, so
/// it keeps no snapshot; the revision before it gets one, `before` (the content this
/// save replaced), unless it has one already.
fn save_revision(
    conn: &mut DbConnection,
    row: &ArticleRow,
    before: Option<&Content>,
    by: &UserId,
    note: &str,
) -> Result<(), Error> {
    let number = article_db::next_revision_number(conn, &row.id)?;
    if let Some(before) = before {
        article_db::keep_revision_snapshot(conn, &row.id, number - 1, before)?;
    }
    article_db::insert_revision(
        conn,
        &RevisionRow {
            article_id: row.id.clone(),
            number,
            article_version: row.version,
            created_at: row.updated_at,
            created_by: by.clone(),
            note: note.to_string(),
            snapshot: None,
        },
    )?;
    Ok(())
}

/// Creates a draft; the creator is the first author. A slug made from the headline is
/// made unique with a number; a slug given that is taken is a 409.
pub async fn create(state: &AppState, user: &CurrentUser, new: NewArticle) -> Result<Article, Error> {
    // An editor's API key (an ingest) bylines the article as it says, naming the wire's
    // author rather than itself; it is the author only when it names none. Writers,
    // keys too, keep their own byline.
    let creator_first = !(user.user.kind == AccountKind::ApiKey && user.role() != Role::Writer);
    let shift = usize::from(creator_first && !new.author_ids.is_empty());
    let mut new = new;
    let external_id = new.external_id.take();
    let (content, make_slug) = new.into_content(user.id().clone(), creator_first);
    let now = state.clock.now();
    let by = user.id().clone();
    let role = user.role();
    let actor = user.actor();
    state
        .db
        .run(move |conn| {
            let external_error = check_external_id(external_id.as_deref());
            // Sanitising is CPU work: here, on the blocking pool, not on a server worker.
            let content = content.validate(make_slug).map_err(|mut errors| {
                for e in &mut errors {
                    if let Some(i) = e.field.strip_prefix("author_ids[").and_then(|r| r.strip_suffix(']')) {
                        e.field = format!("author_ids[{}]", i.parse::<usize>().unwrap_or(shift).saturating_sub(shift));
                    }
                }
                errors.extend(external_error.clone());
                Error::Invalid(errors)
            })?;
            if let Some(error) = external_error {
                return Err(Error::Invalid(vec![error]));
            }
            if !article::may_place_sponsored(role) && !content.references().1.is_empty() {
                return Err(sponsored_forbidden());
            }
            if !article::may_place_sponsored(role) && content.sponsorship.is_some() {
                return Err(sponsorship_forbidden());
            }
            db::write_tx(conn, |c| {
                let authors = check_references(c, &content, 1, None, now)?;
                let mut content = content;
                content.author_ids = authors;
                content.tags = crate::db::tags::names_for_article(c, &content.tags, db::to_db_time(now))?;
                if article_db::slug_taken(c, &content.slug, None)? {
                    if !make_slug {
                        return Err(slug_taken());
                    }
                    content.slug = free_slug(c, &content.slug)?;
                }
                let preview = crate::db::paywall::load_settings(c)?.default_preview_blocks;
                let mut row = ArticleRow::draft(ArticleId::generate(), &content, by.clone(), db::to_db_time(now));
                insert_with_free_slug(c, &mut row, make_slug)?;
                article_db::index_text(c, &row.id, &article_db::search_text(&content, preview))?;
                article_db::set_authors(c, &row.id, &content.author_ids)?;
                article_db::set_tags(c, &row.id, &content.tags)?;
                article_db::set_embeds(c, &row.id, EmbedKind::Sponsored, &content.references().1)?;
                article_db::set_embeds(c, &row.id, EmbedKind::Poll, &content.references().0)?;
                crate::db::media::set_article_uses(c, &row.id, &content.assets())?;
                article_db::refresh_feed(c, &row)?;
                save_revision(c, &row, None, &by, "created")?;
                set_external_id(c, &row.id, external_id.as_deref())?;
                audit_sponsorship(c, &actor, &row.id, None, &content, now)?;
                to_article(c, row, now)
            })
        })
        .await
}

/// Inserts the row; when its made-up slug was taken meanwhile by a concurrent create,
/// tries the next free one (each attempt in a savepoint, so the transaction survives).
fn insert_with_free_slug(conn: &mut DbConnection, row: &mut ArticleRow, make_slug: bool) -> Result<(), Error> {
    use diesel::Connection;
    use diesel::result::{DatabaseErrorKind, Error as DieselError};
    let base = row.slug.clone();
    for _ in 0..20 {
        match conn.transaction(|c| article_db::insert(c, row)) {
            Ok(()) => return Ok(()),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) if make_slug => {
                row.slug = free_slug(conn, &base)?;
            }
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => return Err(slug_taken()),
            Err(e) => return Err(e.into()),
        }
    }
    Err(slug_taken())
}

/// `base`, or `base-2`, `base-3`... whichever is free.
fn free_slug(conn: &mut DbConnection, base: &str) -> Result<String, Error> {
    for n in 2..1000 {
        let candidate = format!("{base}-{n}");
        if !article_db::slug_taken(conn, &candidate, None)? {
            return Ok(candidate);
        }
    }
    Err(slug_taken())
}

/// Loads an article the caller may see (404 otherwise) with whether they author it.
pub fn load_visible(
    conn: &mut DbConnection,
    user: &CurrentUser,
    id: &ArticleId,
    now: DateTime<Utc>,
) -> Result<(ArticleRow, bool), Error> {
    let row = article_db::find(conn, id)?.ok_or_else(|| Error::not_found("Article"))?;
    visible(conn, user, row, now)
}

/// `row` if `user` may read it (404 otherwise), and whether they are its author.
fn visible(
    conn: &mut DbConnection,
    user: &CurrentUser,
    row: ArticleRow,
    now: DateTime<Utc>,
) -> Result<(ArticleRow, bool), Error> {
    let not_found = || Error::not_found("Article");
    let is_author = article_db::is_author(conn, &row.id, user.id())?;
    // A trashed article is nobody's published article: writers see it only if theirs.
    let status = if row.trashed_at.is_some() { Status::Draft } else { row.effective_status(now) };
    if !article::can_view(user.role(), is_author, status) {
        return Err(not_found());
    }
    Ok((row, is_author))
}

pub async fn get(state: &AppState, user: &CurrentUser, id: ArticleId) -> Result<Article, Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            let (row, _) = load_visible(conn, &user, &id, now)?;
            to_article(conn, row, now)
        })
        .await
}

/// How `lookup` finds an article.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// By its current slug.
    Slug(String),
    /// By the id another system gave it.
    ExternalId(String),
}

/// The article a slug or an external id names, if the caller may read it.
pub async fn lookup(state: &AppState, user: &CurrentUser, by: Lookup) -> Result<Article, Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            let row = match by {
                Lookup::Slug(slug) => article_db::find_by_slug(conn, &slug)?,
                Lookup::ExternalId(external_id) => {
                    match external_ids::find(conn, ExternalKind::Article, &external_id)? {
                        Some(id) => article_db::find(conn, &ArticleId::from(id))?,
                        None => None,
                    }
                }
            };
            let (row, _) = visible(conn, &user, row.ok_or_else(|| Error::not_found("Article"))?, now)?;
            to_article(conn, row, now)
        })
        .await
}

/// One page of the editorial list (newest first) and the id to continue after.
pub async fn list(
    state: &AppState,
    user: &CurrentUser,
    mut filter: EditorialFilter,
    after: Option<String>,
    limit: i64,
) -> Result<(Vec<Article>, Option<String>), Error> {
    let now = state.clock.now();
    if user.role() == Role::Writer {
        filter.visible_to = Some(user.id().clone());
    }
    state
        .db
        .run(move |conn| {
            if let Some(ids) = &filter.section_ids {
                filter.section_ids = Some(section_db::with_descendants(conn, ids)?);
            }
            if let Some(tag) = &filter.tag {
                filter.tag = Some(crate::db::tags::filter_name(conn, tag)?);
            }
            if let Some(author) = &filter.author {
                filter.author = Some(author_db::filter_id(conn, author)?);
            }
            let rows = article_db::editorial_page(conn, &filter, db::to_db_time(now), after.as_deref(), limit + 1)?;
            let (rows, next) = crate::service::split_page(rows, limit, |r| r.id.to_string());
            let articles = to_articles(conn, rows, now)?;
            Ok((articles, next))
        })
        .await
}

pub fn trashed_conflict() -> Error {
    Error::conflict("article_trashed", "The article is in the trash: restore it first.")
}

/// Stores new content (checked), bumps the version, keeps the old slug answering,
/// and saves a revision. `expected` is the version the caller's If-Match named.
fn save_content(
    conn: &mut DbConnection,
    mut row: ArticleRow,
    content: Content,
    by: &UserId,
    note: &str,
    now: DateTime<Utc>,
) -> Result<ArticleRow, Error> {
    let before = row.content(author_ids(conn, &row.id)?);
    let authors = check_references(conn, &content, 0, Some(&before), now)?;
    let mut content = content;
    content.author_ids = authors;
    content.tags = crate::db::tags::names_for_article(conn, &content.tags, db::to_db_time(now))?;
    if content.slug != row.slug {
        if article_db::slug_taken(conn, &content.slug, Some(&row.id))? {
            return Err(slug_taken());
        }
        article_db::remember_old_slug(conn, &row.id, &row.slug, &content.slug)?;
    }
    let expected = row.version;
    let preview = crate::db::paywall::load_settings(conn)?.default_preview_blocks;
    row.set_content(&content);
    row.updated_at = db::to_db_time(now);
    row.version += 1;
    if !article_db::update_if_version(conn, &row, expected)? {
        return Err(stale(conn, &row.id)?);
    }
    let text = article_db::search_text(&content, preview);
    let same_text = content.headline == before.headline
        && content.standfirst == before.standfirst
        && text == article_db::search_text(&before, preview);
    if !same_text {
        article_db::index_text(conn, &row.id, &text)?;
    }
    article_db::set_authors(conn, &row.id, &content.author_ids)?;
    article_db::set_tags(conn, &row.id, &content.tags)?;
    article_db::set_embeds(conn, &row.id, EmbedKind::Sponsored, &content.references().1)?;
    article_db::set_embeds(conn, &row.id, EmbedKind::Poll, &content.references().0)?;
    crate::db::media::set_article_uses(conn, &row.id, &content.assets())?;
    article_db::refresh_feed(conn, &row)?;
    save_revision(conn, &row, Some(&before), by, note)?;
    Ok(row)
}

fn stale(conn: &mut DbConnection, id: &ArticleId) -> Result<Error, Error> {
    let current = article_db::find(conn, id)?.ok_or_else(|| Error::not_found("Article"))?;
    Ok(Error::Stale { current: current.version })
}

/// Loads an article the caller may change the content of, at the version they name:
/// 404 unseen, 403 not theirs to edit, 412 stale, 409 in the trash.
/// Checks that the caller may read the article's revisions: the people who may edit it
/// now (404 when they may not see it at all, 403 when they may only read it). Revisions
/// keep text removed before publication.
fn load_revisable(
    conn: &mut DbConnection,
    user: &CurrentUser,
    id: &ArticleId,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let (row, is_author) = load_visible(conn, user, id, now)?;
    if !article::can_edit(user.role(), is_author, row.status) {
        return Err(Error::forbidden("Only the people who may edit an article read its revisions."));
    }
    Ok(())
}

fn load_editable(
    conn: &mut DbConnection,
    user: &CurrentUser,
    id: &ArticleId,
    if_match: &IfMatch,
    now: DateTime<Utc>,
) -> Result<ArticleRow, Error> {
    let (row, is_author) = load_visible(conn, user, id, now)?;
    if !article::can_edit(user.role(), is_author, row.status) {
        return Err(Error::forbidden("Writers may edit only their own articles, and only while draft or in review."));
    }
    if_match.check(row.version)?;
    if row.trashed_at.is_some() {
        return Err(trashed_conflict());
    }
    Ok(row)
}

/// Replaces `current` with `content` under the rules of an edit by `user`: the content
/// is checked, writers place no new sponsored block, leave the sponsorship as it is and
/// keep their own byline. Every
/// change of content (an update, a restored revision) goes through here.
fn edit(
    conn: &mut DbConnection,
    user: &CurrentUser,
    row: ArticleRow,
    current: &Content,
    content: Content,
    note: &str,
    now: DateTime<Utc>,
) -> Result<ArticleRow, Error> {
    let content = content.validate(false).map_err(Error::Invalid)?;
    let placed_before = current.references().1;
    if !article::may_place_sponsored(user.role()) && content.references().1.iter().any(|b| !placed_before.contains(b)) {
        return Err(sponsored_forbidden());
    }
    if !article::may_place_sponsored(user.role()) && content.sponsorship != current.sponsorship {
        return Err(sponsorship_forbidden());
    }
    if user.role() == Role::Writer && !author_db::names_user(conn, &content.author_ids, user.id())? {
        return Err(Error::invalid("author_ids", "must include you: writers keep their own bylines"));
    }
    audit_sponsorship(conn, &user.actor(), &row.id, current.sponsorship.as_ref(), &content, now)?;
    save_content(conn, row, content, user.id(), note, now)
}

/// Records marking an article as paid content, changing its mark or clearing it: the
/// line between the newsroom's work and a sponsor's.
fn audit_sponsorship(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &ArticleId,
    before: Option<&Sponsorship>,
    after: &Content,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let mut changes = Changes::default();
    changes.field("sponsorship", &before, &after.sponsorship.as_ref());
    if changes.is_empty() {
        return Ok(());
    }
    changes.note("headline", &after.headline);
    let target = Some(Target::new("article", id.to_string()));
    let action = AuditAction::ArticleSponsorshipChanged;
    Ok(audit_db::record(conn, actor, action, target, changes.into_details(), now)?)
}

pub async fn update(
    state: &AppState,
    user: &CurrentUser,
    id: ArticleId,
    if_match: IfMatch,
    patch: ArticlePatch,
) -> Result<Article, Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                super::webhooks::fire_due(c, now)?;
                let row = load_editable(c, &user, &id, &if_match, now)?;
                let current = row.content(author_ids(c, &row.id)?);
                let mut patch = patch;
                let external_id = patch.external_id.take();
                let content = patch.apply(current.clone());
                let before = row.clone();
                if let Some(error) = external_id.as_ref().and_then(|wanted| check_external_id(wanted.as_deref())) {
                    return Err(Error::Invalid(vec![error]));
                }
                if let Some(wanted) = &external_id
                    && content == current
                {
                    // Only the external id: no new revision, no change readers see, no
                    // webhook; a new version, since the editorial answer changed.
                    let mut row = row;
                    row.version += 1;
                    if !article_db::update_if_version(c, &row, before.version)? {
                        return Err(stale(c, &row.id)?);
                    }
                    set_external_id(c, &row.id, wanted.as_deref())?;
                    return to_article(c, row, now);
                }
                let row = edit(c, &user, row, &current, content, "edited", now)?;
                if let Some(wanted) = &external_id {
                    set_external_id(c, &row.id, wanted.as_deref())?;
                }
                announce_edit(c, &row, &before, now)?;
                to_article(c, row, now)
            })
        })
        .await
}

/// A workflow action (`submit`, `publish`, `unpublish`, `archive`); an action not open
/// from the current status is a 409 naming the ones that are.
pub async fn act(
    state: &AppState,
    user: &CurrentUser,
    id: ArticleId,
    if_match: IfMatch,
    action: Action,
    publish_at: Option<DateTime<Utc>>,
) -> Result<Article, Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                super::webhooks::fire_due(c, now)?;
                let (mut row, is_author) = load_visible(c, &user, &id, now)?;
                if !article::can_act(user.role(), is_author, action) {
                    return Err(Error::forbidden(format!("Only admins and editors may {} articles.", action.as_str())));
                }
                if_match.check(row.version)?;
                if row.trashed_at.is_some() {
                    return Err(trashed_conflict());
                }
                let status = row.effective_status(now);
                let (next, at) = article::transition(status, action, publish_at, now).map_err(|allowed| {
                    let names: Vec<&str> = allowed
                        .iter()
                        .filter(|a| article::can_act(user.role(), is_author, **a))
                        .map(|a| a.as_str())
                        .collect();
                    let names = if names.is_empty() { vec!["none for your role"] } else { names };
                    Error::Conflict {
                        code: "invalid_transition",
                        detail: format!(
                            "Cannot {} an article that is {}; allowed: {}.",
                            action.as_str(),
                            status.as_str(),
                            names.join(", ")
                        ),
                    }
                })?;
                if status == Status::Published {
                    // Leaving the live state: remember when it first went live.
                    row.first_published_at = row.first_published(now).map(db::to_db_time);
                }
                match action {
                    Action::Publish => {
                        row.publish_at = at.map(db::to_db_time);
                        if next == Status::Published {
                            row.first_published_at = row.first_published_at.or(row.publish_at);
                        }
                    }
                    Action::Archive => {}
                    Action::Submit | Action::Unpublish => row.publish_at = None,
                }
                let expected = row.version;
                row.status = next;
                row.updated_at = db::to_db_time(now);
                row.version += 1;
                if !article_db::update_if_version(c, &row, expected)? {
                    return Err(stale(c, &row.id)?);
                }
                article_db::refresh_feed(c, &row)?;
                if let Some(kind) = events::for_transition(status, row.effective_status(now)) {
                    events::article(c, kind, &row, None, now)?;
                }
                let audited = match (action, next) {
                    (Action::Publish, Status::Scheduled) => Some(AuditAction::ArticleScheduled),
                    (Action::Publish, _) => Some(AuditAction::ArticlePublished),
                    (Action::Unpublish, _) => Some(AuditAction::ArticleUnpublished),
                    (Action::Archive, _) => Some(AuditAction::ArticleArchived),
                    (Action::Submit, _) => None,
                };
                if let Some(audited) = audited {
                    let details = json!({
                        "headline": row.headline, "from": status, "to": next,
                        "publish_at": row.publish_at.map(|t| db::from_db_time(t).to_rfc3339_opts(SecondsFormat::AutoSi, true)),
                    });
                    audit_db::record(c, &user.actor(), audited, Some(Target::new("article", row.id.to_string())), details, now)?;
                }
                to_article(c, row, now)
            })
        })
        .await
}

/// Moves an article to the trash (editors: any; writers: their own drafts).
/// Returns the article's new version (for the ETag of the 204).
pub async fn trash(state: &AppState, user: &CurrentUser, id: ArticleId, if_match: IfMatch) -> Result<i64, Error> {
    set_trashed(state, user, id, if_match, true).await.map(|a| a.version)
}

/// Brings an article back from the trash, in the status it had.
pub async fn restore(state: &AppState, user: &CurrentUser, id: ArticleId, if_match: IfMatch) -> Result<Article, Error> {
    set_trashed(state, user, id, if_match, false).await
}

async fn set_trashed(
    state: &AppState,
    user: &CurrentUser,
    id: ArticleId,
    if_match: IfMatch,
    trash: bool,
) -> Result<Article, Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                super::webhooks::fire_due(c, now)?;
                let (mut row, is_author) = load_visible(c, &user, &id, now)?;
                if !article::can_trash(user.role(), is_author, row.status) {
                    return Err(Error::forbidden("Writers may trash and restore only their own drafts."));
                }
                if_match.check(row.version)?;
                match (trash, row.trashed_at.is_some()) {
                    (true, true) => {
                        return Err(Error::conflict("article_trashed", "The article is already in the trash."));
                    }
                    (false, false) => {
                        return Err(Error::conflict("article_not_trashed", "The article is not in the trash."));
                    }
                    _ => {}
                }
                if trash && row.effective_status(now) == Status::Published {
                    row.first_published_at = row.first_published(now).map(db::to_db_time);
                }
                let expected = row.version;
                row.trashed_at = if trash { Some(db::to_db_time(now)) } else { None };
                row.updated_at = db::to_db_time(now);
                row.version += 1;
                if !article_db::update_if_version(c, &row, expected)? {
                    return Err(stale(c, &row.id)?);
                }
                article_db::refresh_feed(c, &row)?;
                let kind = if trash { EventType::ArticleTrashed } else { EventType::ArticleRestored };
                events::article(c, kind, &row, None, now)?;
                let audited = if trash { AuditAction::ArticleTrashed } else { AuditAction::ArticleRestored };
                let (target, details) = (Target::new("article", row.id.to_string()), json!({"headline": row.headline}));
                audit_db::record(c, &user.actor(), audited, Some(target), details, now)?;
                to_article(c, row, now)
            })
        })
        .await
}

/// Announces an edit of a live article (drafts are nobody's business outside).
fn announce_edit(
    conn: &mut DbConnection,
    row: &ArticleRow,
    before: &ArticleRow,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    if row.effective_status(now) == Status::Published {
        events::article(conn, EventType::ArticleUpdated, row, Some(before), now)?;
    }
    Ok(())
}

/// A stored revision.
#[derive(Debug, Clone)]
pub struct Revision {
    pub number: i64,
    pub article_version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: (UserId, String),
    pub note: String,
    pub content: Content,
}

fn to_revision(conn: &mut DbConnection, row: RevisionRow) -> Result<Revision, Error> {
    let by = user_db::find(conn, &row.created_by)?.map(|u| (u.id, u.display_name)).unwrap_or_default();
    let content = revision_content(conn, &row.article_id, row.snapshot)?;
    Ok(Revision {
        number: row.number,
        article_version: row.article_version,
        created_at: db::from_db_time(row.created_at),
        created_by: by,
        note: row.note,
        content,
    })
}

/// A revision's content: its snapshot, or, for the newest (which keeps none), the
/// article's current content.
fn revision_content(
    conn: &mut DbConnection,
    article_id: &ArticleId,
    snapshot: Option<Json<Content>>,
) -> Result<Content, Error> {
    if let Some(snapshot) = snapshot {
        return Ok(snapshot.0);
    }
    let row = article_db::find(conn, article_id)?.ok_or_else(|| Error::not_found("Article"))?;
    let authors = author_ids(conn, article_id)?;
    Ok(row.into_content(authors))
}

/// Revisions newest first, and the number to continue before.
pub async fn revisions(
    state: &AppState,
    user: &CurrentUser,
    id: ArticleId,
    before: Option<i64>,
    limit: i64,
) -> Result<(Vec<Revision>, Option<i64>), Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            load_revisable(conn, &user, &id, now)?;
            let rows = article_db::revisions(conn, &id, before, limit + 1)?;
            let (rows, next) = crate::service::split_page(rows, limit, |r| r.number);
            let out = rows.into_iter().map(|r| to_revision(conn, r)).collect::<Result<Vec<_>, _>>()?;
            Ok((out, next))
        })
        .await
}

pub async fn revision(state: &AppState, user: &CurrentUser, id: ArticleId, number: i64) -> Result<Revision, Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            load_revisable(conn, &user, &id, now)?;
            let row = article_db::find_revision(conn, &id, number)?.ok_or_else(|| Error::not_found("Revision"))?;
            to_revision(conn, row)
        })
        .await
}

/// Puts revision `number`'s content back as a new save (itself a new revision).
pub async fn restore_revision(
    state: &AppState,
    user: &CurrentUser,
    id: ArticleId,
    number: i64,
    if_match: IfMatch,
) -> Result<Article, Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                super::webhooks::fire_due(c, now)?;
                let row = load_editable(c, &user, &id, &if_match, now)?;
                let revision =
                    article_db::find_revision(c, &id, number)?.ok_or_else(|| Error::not_found("Revision"))?;
                let current = row.content(author_ids(c, &row.id)?);
                let content = revision.snapshot.map_or_else(|| current.clone(), |s| s.0);
                let note = format!("restored revision {number}");
                let before = row.clone();
                let row = edit(c, &user, row, &current, content, &note, now)?;
                announce_edit(c, &row, &before, now)?;
                to_article(c, row, now)
            })
        })
        .await
}
