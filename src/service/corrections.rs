//! Corrections: editors and admins keep an article's public log of corrections,
//! clarifications and updates; whoever may see the article reads it; readers see the
//! log of live articles, in each article and site-wide.

use chrono::{DateTime, Utc};

use super::{Error, events};
use crate::db::articles::ArticleRow;
use crate::db::corrections::{self as correction_db, CorrectionRow};
use crate::db::{self, DbConnection};
use crate::domain::correction::{CorrectionFields, CorrectionKind};
use crate::domain::id::{ArticleId, CorrectionId, UserId};
use crate::domain::user::Role;
use crate::domain::version::IfMatch;
use crate::domain::webhook::EventType;
use crate::service::articles;
use crate::service::auth::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct Correction {
    pub id: CorrectionId,
    pub article_id: ArticleId,
    pub kind: CorrectionKind,
    pub text: String,
    pub corrected_at: DateTime<Utc>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<CorrectionRow> for Correction {
    fn from(r: CorrectionRow) -> Self {
        Correction {
            id: r.id,
            article_id: r.article_id,
            kind: r.kind,
            text: r.text,
            corrected_at: db::from_db_time(r.corrected_at),
            created_by: r.created_by,
            created_at: db::from_db_time(r.created_at),
            updated_at: db::from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// A correction in the site-wide log, with its article's slug and headline.
#[derive(Debug, Clone)]
pub struct Logged {
    pub correction: Correction,
    pub slug: String,
    pub headline: String,
}

/// What a change asks for: new fields, when the time was left out, take `now`.
#[derive(Debug, Clone)]
pub struct CorrectionInput {
    pub kind: CorrectionKind,
    pub text: String,
    pub corrected_at: Option<DateTime<Utc>>,
}

/// Fields to change; absent ones stay.
#[derive(Debug, Clone, Default)]
pub struct CorrectionPatch {
    pub kind: Option<CorrectionKind>,
    pub text: Option<String>,
    pub corrected_at: Option<DateTime<Utc>>,
}

fn not_found() -> Error {
    Error::not_found("Correction")
}

/// The article, for a caller who may change its log: 404 when they may not see it,
/// 403 when they may see it but are not an editor or admin, 409 when it is in the trash.
fn load_correctable(
    conn: &mut DbConnection,
    user: &CurrentUser,
    id: &ArticleId,
    now: DateTime<Utc>,
) -> Result<ArticleRow, Error> {
    let (row, _) = articles::load_visible(conn, user, id, now)?;
    if !matches!(user.role(), Role::Admin | Role::Editor) {
        return Err(Error::forbidden("Only editors and admins correct articles."));
    }
    if row.trashed_at.is_some() {
        return Err(articles::trashed_conflict());
    }
    Ok(row)
}

/// A page of the article's log, oldest first, and the key to continue after.
pub async fn list(
    state: &AppState,
    user: &CurrentUser,
    article_id: ArticleId,
    after: Option<(DateTime<Utc>, CorrectionId)>,
    limit: i64,
) -> Result<(Vec<Correction>, Option<(DateTime<Utc>, CorrectionId)>), Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            db::read_tx(conn, |c| {
                articles::load_visible(c, &user, &article_id, now)?;
                let after = after.map(|(at, id)| (db::to_db_time(at), id));
                let rows = correction_db::page_of(c, &article_id, after, limit + 1)?;
                let (rows, next) = super::split_page(rows, limit, |r| (db::from_db_time(r.corrected_at), r.id.clone()));
                Ok((rows.into_iter().map(Correction::from).collect(), next))
            })
        })
        .await
}

pub async fn get(
    state: &AppState,
    user: &CurrentUser,
    article_id: ArticleId,
    id: CorrectionId,
) -> Result<Correction, Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            db::read_tx(conn, |c| {
                articles::load_visible(c, &user, &article_id, now)?;
                correction_db::find(c, &article_id, &id)?.map(Correction::from).ok_or_else(not_found)
            })
        })
        .await
}

pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    article_id: ArticleId,
    input: CorrectionInput,
) -> Result<Correction, Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                let article = load_correctable(c, &user, &article_id, now)?;
                let fields = CorrectionFields {
                    kind: input.kind,
                    text: input.text,
                    corrected_at: input.corrected_at.unwrap_or(now),
                }
                .validate(now)
                .map_err(Error::Invalid)?;
                let row = CorrectionRow {
                    id: CorrectionId::generate(),
                    article_id: article.id.clone(),
                    kind: fields.kind,
                    text: fields.text,
                    corrected_at: db::to_db_time(fields.corrected_at),
                    created_by: user.id().clone(),
                    created_at: db::to_db_time(now),
                    updated_at: db::to_db_time(now),
                    version: 1,
                };
                correction_db::insert(c, &row)?;
                events::correction(c, EventType::CorrectionCreated, &article, &row, now)?;
                Ok(Correction::from(row))
            })
        })
        .await
}

pub async fn update(
    state: &AppState,
    user: &CurrentUser,
    article_id: ArticleId,
    id: CorrectionId,
    if_match: IfMatch,
    patch: CorrectionPatch,
) -> Result<Correction, Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                let article = load_correctable(c, &user, &article_id, now)?;
                let mut row = correction_db::find(c, &article_id, &id)?.ok_or_else(not_found)?;
                if_match.check(row.version)?;
                let fields = CorrectionFields {
                    kind: patch.kind.unwrap_or(row.kind),
                    text: patch.text.unwrap_or_else(|| row.text.clone()),
                    corrected_at: patch.corrected_at.unwrap_or_else(|| db::from_db_time(row.corrected_at)),
                }
                .validate(now)
                .map_err(Error::Invalid)?;
                row.kind = fields.kind;
                row.text = fields.text;
                row.corrected_at = db::to_db_time(fields.corrected_at);
                row.updated_at = db::to_db_time(now);
                row.version += 1;
                correction_db::update(c, &row)?;
                events::correction(c, EventType::CorrectionUpdated, &article, &row, now)?;
                Ok(Correction::from(row))
            })
        })
        .await
}

pub async fn delete(
    state: &AppState,
    user: &CurrentUser,
    article_id: ArticleId,
    id: CorrectionId,
    if_match: IfMatch,
) -> Result<(), Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                let article = load_correctable(c, &user, &article_id, now)?;
                let row = correction_db::find(c, &article_id, &id)?.ok_or_else(not_found)?;
                if_match.check(row.version)?;
                correction_db::delete(c, &row.id)?;
                events::correction(c, EventType::CorrectionDeleted, &article, &row, now)?;
                Ok(())
            })
        })
        .await
}

/// A page of the corrections of live articles, newest first, and the key to continue
/// before.
pub async fn public_log(
    state: &AppState,
    before: Option<(DateTime<Utc>, CorrectionId)>,
    limit: i64,
) -> Result<(Vec<Logged>, Option<(DateTime<Utc>, CorrectionId)>), Error> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            let before = before.map(|(at, id)| (db::to_db_time(at), id));
            let rows = correction_db::live_page(conn, db::to_db_time(now), before, limit + 1)?;
            let (rows, next) = super::split_page(rows, limit, |r| {
                (db::from_db_time(r.correction.corrected_at), r.correction.id.clone())
            });
            let items = rows
                .into_iter()
                .map(|r| Logged { correction: Correction::from(r.correction), slug: r.slug, headline: r.headline })
                .collect();
            Ok((items, next))
        })
        .await
}

/// The logs of `ids`, oldest first, for public article answers.
pub fn of_articles(conn: &mut DbConnection, ids: &[ArticleId]) -> Result<Vec<Correction>, Error> {
    Ok(correction_db::of_articles(conn, ids)?.into_iter().map(Correction::from).collect())
}
