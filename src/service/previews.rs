//! Preview links: made, listed and revoked by whoever may edit the article now; read
//! with the token alone, as the public article answer built from the article's current
//! content, whatever its status. A token opens that one answer and nothing else.

use chrono::{DateTime, Utc};

use super::Error;
use crate::auth::tokens;
use crate::db::articles::{self as article_db, ArticleRow};
use crate::db::previews::{self as preview_db, PreviewRow};
use crate::db::{self, DbConnection};
use crate::domain::id::{ArticleId, PreviewId, UserId};
use crate::domain::preview;
use crate::service::articles;
use crate::service::auth::CurrentUser;
use crate::service::public::{self, PublicArticle};
use crate::state::AppState;

/// A working preview link, without its token (which is never stored).
#[derive(Debug, Clone)]
pub struct Preview {
    pub id: PreviewId,
    pub article_id: ArticleId,
    /// Who made it, with their display name.
    pub created_by: (UserId, String),
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A link just made, with the token that opens it: shown this once.
#[derive(Debug, Clone)]
pub struct NewPreview {
    pub preview: Preview,
    pub token: String,
}

fn to_preview(row: PreviewRow, display_name: String) -> Preview {
    Preview {
        id: row.id,
        article_id: row.article_id,
        created_by: (row.created_by, display_name),
        created_at: db::from_db_time(row.created_at),
        expires_at: db::from_db_time(row.expires_at),
    }
}

fn link_not_found() -> Error {
    Error::not_found("Preview link")
}

/// Loads an article whose links the caller may manage: 404 when they may not see it,
/// 403 when they may see but not edit it.
fn load_shareable(
    conn: &mut DbConnection,
    user: &CurrentUser,
    id: &ArticleId,
    now: DateTime<Utc>,
) -> Result<ArticleRow, Error> {
    let (row, is_author) = articles::load_visible(conn, user, id, now)?;
    if !preview::may_share(user.role(), is_author, row.status) {
        return Err(Error::forbidden("Only the people who may edit an article share previews of it."));
    }
    Ok(row)
}

/// Makes a link to the article that lasts `expires_in_secs` (or the default). The
/// article's links that no longer work are cleared out on the way.
pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    article_id: ArticleId,
    expires_in_secs: Option<i64>,
) -> Result<NewPreview, Error> {
    let token = tokens::random_token(preview::TOKEN_BYTES).map_err(Error::internal)?;
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            // Preview links are no public source: no need to make the public cache look
            // at the generation again.
            db::tally_tx(conn, |c| {
                let row = load_shareable(c, &user, &article_id, now)?;
                if row.trashed_at.is_some() {
                    return Err(articles::trashed_conflict());
                }
                let lifetime = preview::lifetime(expires_in_secs).map_err(|e| Error::Invalid(vec![e]))?;
                preview_db::prune(c, &row.id, db::to_db_time(now))?;
                let link = PreviewRow {
                    id: PreviewId::generate(),
                    article_id: row.id,
                    token_digest: tokens::digest(&token),
                    created_by: user.id().clone(),
                    created_at: db::to_db_time(now),
                    expires_at: db::to_db_time(now + lifetime),
                    revoked_at: None,
                };
                preview_db::insert(c, &link)?;
                Ok(NewPreview { preview: to_preview(link, user.user.display_name.clone()), token })
            })
        })
        .await
}

/// The article's working links, newest first, and the id to continue after.
pub async fn list(
    state: &AppState,
    user: &CurrentUser,
    article_id: ArticleId,
    before: Option<PreviewId>,
    limit: i64,
) -> Result<(Vec<Preview>, Option<PreviewId>), Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            load_shareable(conn, &user, &article_id, now)?;
            let rows = preview_db::active_for(conn, &article_id, db::to_db_time(now), before.as_ref(), limit + 1)?;
            let (rows, next) = crate::service::split_page(rows, limit, |(r, _)| r.id.clone());
            Ok((rows.into_iter().map(|(r, name)| to_preview(r, name)).collect(), next))
        })
        .await
}

/// One working link of the article (404 once it has expired or was revoked).
pub async fn get(state: &AppState, user: &CurrentUser, article_id: ArticleId, id: PreviewId) -> Result<Preview, Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            load_shareable(conn, &user, &article_id, now)?;
            let (row, name) =
                preview_db::find_active(conn, &article_id, &id, db::to_db_time(now))?.ok_or_else(link_not_found)?;
            Ok(to_preview(row, name))
        })
        .await
}

/// Revokes a working link: the next request with its token is a 404.
pub async fn revoke(state: &AppState, user: &CurrentUser, article_id: ArticleId, id: PreviewId) -> Result<(), Error> {
    let now = state.clock.now();
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            db::tally_tx(conn, |c| {
                load_shareable(c, &user, &article_id, now)?;
                if !preview_db::revoke(c, &article_id, &id, db::to_db_time(now))? {
                    return Err(link_not_found());
                }
                Ok(())
            })
        })
        .await
}

/// What a token shows: its article as the public article answer would be if it were
/// live now (embeds resolved, gated bodies cut to their preview), from the content
/// stored now. An unknown, expired or revoked token and an article in the trash are
/// the same 404, so that the answer tells nothing about which it was.
pub async fn open(state: &AppState, token: String) -> Result<PublicArticle, Error> {
    let now = state.clock.now();
    let digest = tokens::digest(&token);
    state
        .db
        .run(move |conn| {
            let not_found = || Error::not_found("Preview");
            let link = preview_db::find_by_digest(conn, &digest, db::to_db_time(now))?.ok_or_else(not_found)?;
            let row =
                article_db::find(conn, &link.article_id)?.filter(|r| r.trashed_at.is_none()).ok_or_else(not_found)?;
            let body = public::preview_for(conn, std::slice::from_ref(&row))?;
            public::to_public(conn, vec![row], now, body)?.pop().ok_or_else(not_found)
        })
        .await
}
