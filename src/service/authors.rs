//! Authors: create, read, list, change and delete the people and agencies bylines
//! name; link them to users; and the public author page.

use chrono::{DateTime, Utc};

use super::public::{self, PublicPage, PublicQuery};
use super::{Error, events};
use crate::db::authors::{self as author_db, AuthorRow};
use crate::db::{self, DbConnection, Json};
use crate::domain::FieldError;
use crate::domain::article::Image;
use crate::domain::author::{AuthorFields, AuthorLink};
use crate::domain::id::{AuthorId, UserId};
use crate::domain::media::{self, ResolvedImage};
use crate::domain::user::Role;
use crate::domain::version::IfMatch;
use crate::domain::webhook::EventType;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct Author {
    pub id: AuthorId,
    pub slug: String,
    pub name: String,
    pub job_title: Option<String>,
    pub bio: Option<String>,
    pub photo: Option<Image>,
    pub links: Vec<AuthorLink>,
    pub user_id: Option<UserId>,
    /// Articles naming them, in any state.
    pub article_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

fn to_authors(conn: &mut DbConnection, rows: Vec<AuthorRow>) -> Result<Vec<Author>, Error> {
    let ids: Vec<AuthorId> = rows.iter().map(|r| r.id.clone()).collect();
    let counts = author_db::article_counts(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| Author {
            article_count: counts.get(&r.id).copied().unwrap_or(0),
            id: r.id,
            slug: r.slug,
            name: r.name,
            job_title: r.job_title,
            bio: r.bio,
            photo: r.photo.map(|Json(p)| p),
            links: r.links.0,
            user_id: r.user_id,
            created_at: db::from_db_time(r.created_at),
            updated_at: db::from_db_time(r.updated_at),
            version: r.version,
        })
        .collect())
}

fn to_author(conn: &mut DbConnection, row: AuthorRow) -> Result<Author, Error> {
    to_authors(conn, vec![row])?.pop().ok_or_else(|| Error::not_found("Author"))
}

fn find(conn: &mut DbConnection, id: &AuthorId) -> Result<AuthorRow, Error> {
    author_db::find(conn, id)?.ok_or_else(|| Error::not_found("Author"))
}

fn stale(conn: &mut DbConnection, id: &AuthorId) -> Result<Error, Error> {
    Ok(Error::Stale { current: find(conn, id)?.version })
}

fn map_unique(e: diesel::result::Error) -> Error {
    match e {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
            Error::conflict("slug_taken", "Another author already has this slug, or the user another author.")
        }
        other => other.into(),
    }
}

/// 409/422 unless `fields` may be stored for author `id` (a new one with `None`): a
/// free slug, a photo in the library, and a newsroom user no other author is linked to.
fn check(conn: &mut DbConnection, id: Option<&AuthorId>, fields: &AuthorFields) -> Result<(), Error> {
    check_slug(conn, id, fields)?;
    check_links(conn, id, fields)
}

/// 409 unless the slug is free (or `id`'s own).
fn check_slug(conn: &mut DbConnection, id: Option<&AuthorId>, fields: &AuthorFields) -> Result<(), Error> {
    if author_db::find_by_slug(conn, &fields.slug)?.is_some_and(|other| Some(&other.id) != id) {
        return Err(Error::conflict("slug_taken", "Another author already has this slug."));
    }
    Ok(())
}

/// 422/409 unless the photo is in the library and the user `fields` names may be linked
/// to author `id` (a newsroom user no other author is linked to).
fn check_links(conn: &mut DbConnection, id: Option<&AuthorId>, fields: &AuthorFields) -> Result<(), Error> {
    if let Some(asset) = fields.photo.as_ref().and_then(|p| p.asset_id.as_ref()) {
        if !db::media::lock(conn, asset, false)? {
            return Err(Error::Invalid(vec![FieldError::new(
                "photo.asset_id",
                "is not an image in the media library",
            )]));
        }
    }
    // An author made for a user (with the user's id) stays theirs: the user's id names
    // it in bylines, so unlinking it would give the user articles that are not theirs.
    if let Some(id) = id {
        let made_for = UserId::from(id.as_str());
        if db::users::find(conn, &made_for)?.is_some() && fields.user_id.as_ref() != Some(&made_for) {
            return Err(Error::invalid("user_id", "must stay the user this author was made for"));
        }
    }
    if let Some(user) = &fields.user_id {
        let ok =
            db::users::find(conn, user)?.is_some_and(|u| matches!(u.role, Role::Admin | Role::Editor | Role::Writer));
        if !ok {
            return Err(Error::invalid("user_id", "is not a newsroom user (admin, editor or writer)"));
        }
        if author_db::find_by_user(conn, user)?.is_some_and(|other| Some(&other.id) != id) {
            return Err(Error::conflict("user_linked", "Another author is already linked to this user."));
        }
        // An author made for the user carries the user's id: it is theirs already.
        if id.is_none_or(|id| id.as_str() != user.as_str())
            && author_db::find(conn, &AuthorId::from(user.as_str()))?.is_some()
        {
            return Err(Error::conflict("user_linked", "Another author is already linked to this user."));
        }
    }
    Ok(())
}

fn row_from(
    id: AuthorId,
    fields: AuthorFields,
    created_at: chrono::NaiveDateTime,
    now: chrono::NaiveDateTime,
    version: i64,
) -> AuthorRow {
    AuthorRow {
        id,
        slug: fields.slug,
        name: fields.name,
        job_title: fields.job_title,
        bio: fields.bio,
        photo: fields.photo.map(Json),
        links: Json(fields.links),
        user_id: fields.user_id,
        created_at,
        updated_at: now,
        version,
    }
}

pub async fn create(state: &AppState, fields: AuthorFields, slug_given: bool) -> Result<Author, Error> {
    let now = db::to_db_time(state.clock.now());
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                let mut fields = fields;
                let made = (!slug_given).then(|| fields.slug.clone());
                if let Some(base) = &made {
                    fields.slug = author_db::free_slug(c, base, 1)?;
                }
                // A made-up slug taken meanwhile is the insert's to handle: it takes the next.
                if made.is_none() {
                    check_slug(c, None, &fields)?;
                }
                check_links(c, None, &fields)?;
                let mut row = row_from(AuthorId::generate(), fields, now, now, 1);
                insert_with_free_slug(c, &mut row, made.as_deref())?;
                events::author(c, EventType::AuthorCreated, &row, None, db::from_db_time(now))?;
                to_author(c, row)
            })
        })
        .await
}

/// Inserts the row; when its slug, made up from `made_from`, was taken meanwhile by a
/// concurrent create, takes the next free one (each attempt in a savepoint, so the
/// transaction survives). A slug the client gave (`None`) stays a 409.
fn insert_with_free_slug(conn: &mut DbConnection, row: &mut AuthorRow, made_from: Option<&str>) -> Result<(), Error> {
    use diesel::Connection;
    use diesel::result::{DatabaseErrorKind, Error as DieselError};
    for _ in 0..20 {
        match conn.transaction(|c| author_db::insert(c, row)) {
            Ok(()) => return Ok(()),
            // The user link is unique too: only a taken slug is retried.
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _))
                if made_from.is_some() && author_db::find_by_slug(conn, &row.slug)?.is_some() =>
            {
                row.slug = author_db::free_slug(conn, made_from.unwrap_or_default(), 2)?;
            }
            Err(e) => return Err(map_unique(e)),
        }
    }
    Err(Error::conflict("slug_taken", "Could not find a free slug for this author; give one."))
}

pub async fn get(state: &AppState, id: AuthorId) -> Result<Author, Error> {
    state
        .db
        .run(move |conn| {
            let row = find(conn, &id)?;
            to_author(conn, row)
        })
        .await
}

/// A page in name order, and the (name, id) to continue after.
pub async fn list(
    state: &AppState,
    q: Option<String>,
    after: Option<(String, String)>,
    limit: i64,
) -> Result<(Vec<Author>, Option<(String, String)>), Error> {
    state
        .db
        .run(move |conn| {
            let q = q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
            let rows = author_db::page(conn, q.as_deref(), after, limit + 1)?;
            let (rows, next) = crate::service::split_page(rows, limit, |r| (r.name.clone(), r.id.to_string()));
            Ok((to_authors(conn, rows)?, next))
        })
        .await
}

/// A partial update: absent fields stay; nullable ones may be set to `null`.
#[derive(Debug, Default, Clone)]
pub struct AuthorPatch {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub job_title: Option<Option<String>>,
    pub bio: Option<Option<String>>,
    pub photo: Option<Option<Image>>,
    pub links: Option<Vec<AuthorLink>>,
    pub user_id: Option<Option<UserId>>,
}

pub async fn update(state: &AppState, id: AuthorId, if_match: IfMatch, patch: AuthorPatch) -> Result<Author, Error> {
    let now = db::to_db_time(state.clock.now());
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                let current = find(c, &id)?;
                if_match.check(current.version)?;
                let fields = AuthorFields {
                    slug: patch.slug.unwrap_or_else(|| current.slug.clone()),
                    name: patch.name.unwrap_or_else(|| current.name.clone()),
                    job_title: patch.job_title.unwrap_or_else(|| current.job_title.clone()),
                    bio: patch.bio.unwrap_or_else(|| current.bio.clone()),
                    photo: patch.photo.unwrap_or_else(|| current.photo.clone().map(|Json(p)| p)),
                    links: patch.links.unwrap_or_else(|| current.links.0.clone()),
                    user_id: patch.user_id.unwrap_or_else(|| current.user_id.clone()),
                }
                .validate(true)
                .map_err(Error::Invalid)?;
                check(c, Some(&current.id), &fields)?;
                let row = row_from(current.id.clone(), fields, current.created_at, now, current.version + 1);
                if !author_db::update_if_version(c, &row, current.version).map_err(map_unique)? {
                    return Err(stale(c, &row.id)?);
                }
                events::author(c, EventType::AuthorUpdated, &row, Some(&current), db::from_db_time(now))?;
                to_author(c, row)
            })
        })
        .await
}

/// Deletes an author no article names (409 `author_has_articles` otherwise: change
/// those bylines first).
pub async fn delete(state: &AppState, id: AuthorId, if_match: IfMatch) -> Result<(), Error> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                let row = find(c, &id)?;
                if_match.check(row.version)?;
                if author_db::on_any_article(c, &id)? {
                    return Err(Error::conflict(
                        "author_has_articles",
                        "Articles (trashed ones too) name this author: change their bylines first.",
                    ));
                }
                if !author_db::delete_if_version(c, &id, row.version)? {
                    return Err(stale(c, &id)?);
                }
                events::author(c, EventType::AuthorDeleted, &row, None, now)?;
                Ok(())
            })
        })
        .await
}

/// An author as their public page shows them.
#[derive(Debug, Clone)]
pub struct PublicAuthor {
    pub id: AuthorId,
    pub slug: String,
    pub name: String,
    pub job_title: Option<String>,
    pub bio: Option<String>,
    pub photo: Option<ResolvedImage>,
    pub links: Vec<AuthorLink>,
}

/// An author's page: the author and a page of their live articles, newest first.
/// Found by slug or id (the same answer). An author no live article names is 404.
pub async fn public_page(
    state: &AppState,
    slug: String,
    after: Option<(DateTime<Utc>, String)>,
    limit: i64,
) -> Result<(PublicAuthor, PublicPage), Error> {
    let now = db::to_db_time(state.clock.now());
    let author = state
        .db
        .run(move |conn| {
            let row = match author_db::find_by_slug(conn, &slug)? {
                Some(row) => row,
                None => {
                    author_db::find(conn, &AuthorId::from(slug.as_str()))?.ok_or_else(|| Error::not_found("Author"))?
                }
            };
            if !author_db::is_live(conn, &row.id, now)? {
                return Err(Error::not_found("Author"));
            }
            let photo = match &row.photo {
                Some(Json(image)) => {
                    let ids: Vec<_> = image.asset_id.iter().cloned().collect();
                    let assets = if ids.is_empty() { Vec::new() } else { super::media::assets(conn, &ids)? };
                    media::resolve(image, &assets)
                }
                None => None,
            };
            Ok(PublicAuthor {
                id: row.id,
                slug: row.slug,
                name: row.name,
                job_title: row.job_title,
                bio: row.bio,
                photo,
                links: row.links.0,
            })
        })
        .await?;
    let query = PublicQuery { author: Some(author.id.to_string()), ..PublicQuery::default() };
    let page = public::list(state, query, after, limit).await?;
    Ok((author, page))
}
