//! SQL for media assets and for who uses them (articles, sponsored blocks).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{article_media, articles, media_assets, sponsored_blocks, sponsored_media};
use super::{DbConnection, contains_pattern, from_db_time, lower};
use crate::domain::id::{ArticleId, AssetId, SponsoredId, UserId};
use crate::domain::media::{Asset, AssetMeta, FocalPoint, MediaType};

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = media_assets, treat_none_as_null = true)]
pub struct AssetRow {
    pub id: AssetId,
    pub sha256: String,
    pub file_name: String,
    pub media_type: MediaType,
    pub bytes: i64,
    pub width: i64,
    pub height: i64,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub focal_x: i64,
    pub focal_y: i64,
    pub uploaded_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl AssetRow {
    pub fn set_meta(&mut self, m: &AssetMeta) {
        self.file_name = m.file_name.clone();
        self.alt = m.alt.clone();
        self.caption = m.caption.clone();
        self.credit = m.credit.clone();
        self.focal_x = i64::from(m.focal_point.x);
        self.focal_y = i64::from(m.focal_point.y);
    }
}

impl From<AssetRow> for Asset {
    fn from(r: AssetRow) -> Asset {
        let px = |v: i64| u32::try_from(v).unwrap_or(0);
        Asset {
            id: r.id,
            sha256: r.sha256,
            media_type: r.media_type,
            bytes: r.bytes,
            width: px(r.width),
            height: px(r.height),
            meta: AssetMeta {
                file_name: r.file_name,
                alt: r.alt,
                caption: r.caption,
                credit: r.credit,
                focal_point: FocalPoint { x: px(r.focal_x), y: px(r.focal_y) },
            },
            uploaded_by: r.uploaded_by,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

pub fn insert(conn: &mut DbConnection, row: &AssetRow) -> QueryResult<()> {
    diesel::insert_into(media_assets::table).values(row).execute(conn).map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: &AssetId) -> QueryResult<Option<AssetRow>> {
    media_assets::table.find(id).first(conn).optional()
}

pub fn find_by_hash(conn: &mut DbConnection, sha256: &str) -> QueryResult<Option<AssetRow>> {
    media_assets::table.filter(media_assets::sha256.eq(sha256)).first(conn).optional()
}

/// The assets among `ids` that exist.
pub fn find_many(conn: &mut DbConnection, ids: &[AssetId]) -> QueryResult<Vec<AssetRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    media_assets::table.filter(media_assets::id.eq_any(ids)).load(conn)
}

pub fn update_if_version(conn: &mut DbConnection, row: &AssetRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(media_assets::table.find(&row.id).filter(media_assets::version.eq(expected)))
        .set(row)
        .execute(conn)?;
    Ok(n == 1)
}

pub fn delete_if_version(conn: &mut DbConnection, id: &AssetId, expected: i64) -> QueryResult<bool> {
    let n = diesel::delete(media_assets::table.find(id).filter(media_assets::version.eq(expected))).execute(conn)?;
    Ok(n == 1)
}

/// Locks the asset's row inside a transaction: shared for a save that starts using
/// it, exclusive for a delete, so that "nobody uses it" and "it exists" exclude each
/// other. SQLite's immediate transactions are serial already. `false` when there is
/// no such asset.
pub fn lock(conn: &mut DbConnection, id: &AssetId, exclusive: bool) -> QueryResult<bool> {
    let row = media_assets::table.find(id).select(media_assets::id);
    let found: Option<String> = match conn {
        DbConnection::Postgres(c) if exclusive => row.for_update().first(c).optional()?,
        DbConnection::Postgres(c) => row.for_share().first(c).optional()?,
        DbConnection::Sqlite(c) => row.first(c).optional()?,
    };
    Ok(found.is_some())
}

/// A page, newest first (by id), optionally narrowed by a search over the file name,
/// alt text, caption and credit, and by uploader.
pub fn page(
    conn: &mut DbConnection,
    q: Option<&str>,
    uploaded_by: Option<&UserId>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<AssetRow>> {
    let mut query = media_assets::table.into_boxed();
    if let Some(q) = q {
        let pattern = contains_pattern(q);
        query = query.filter(
            lower(media_assets::file_name)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(media_assets::alt.assume_not_null()).like(pattern.clone()).escape('\\'))
                .or(lower(media_assets::caption.assume_not_null()).like(pattern.clone()).escape('\\'))
                .or(lower(media_assets::credit.assume_not_null()).like(pattern).escape('\\')),
        );
    }
    if let Some(user) = uploaded_by {
        query = query.filter(media_assets::uploaded_by.eq(user));
    }
    if let Some(after) = after {
        query = query.filter(media_assets::id.lt(after.to_string()));
    }
    query.order(media_assets::id.desc()).limit(limit).load(conn)
}

/// Records which assets an article uses.
pub fn set_article_uses(conn: &mut DbConnection, article_id: &ArticleId, assets: &[AssetId]) -> QueryResult<()> {
    diesel::delete(article_media::table.filter(article_media::article_id.eq(article_id))).execute(conn)?;
    let mut seen = std::collections::HashSet::new();
    for id in assets.iter().filter(|id| seen.insert(id.as_str())) {
        diesel::insert_into(article_media::table)
            .values((article_media::article_id.eq(article_id), article_media::asset_id.eq(id)))
            .execute(conn)?;
    }
    Ok(())
}

/// Records which assets a sponsored block uses.
pub fn set_sponsored_uses(conn: &mut DbConnection, block_id: &SponsoredId, assets: &[AssetId]) -> QueryResult<()> {
    diesel::delete(sponsored_media::table.filter(sponsored_media::block_id.eq(block_id))).execute(conn)?;
    let mut seen = std::collections::HashSet::new();
    for id in assets.iter().filter(|id| seen.insert(id.as_str())) {
        diesel::insert_into(sponsored_media::table)
            .values((sponsored_media::block_id.eq(block_id), sponsored_media::asset_id.eq(id)))
            .execute(conn)?;
    }
    Ok(())
}

/// Who uses the asset: articles outside the trash (id, slug) and sponsored blocks
/// (id, title), a few of each.
pub type Users = (Vec<(String, String)>, Vec<(String, String)>);

pub fn users_of(conn: &mut DbConnection, id: &AssetId, max: i64) -> QueryResult<Users> {
    let articles = article_media::table
        .inner_join(articles::table)
        .filter(article_media::asset_id.eq(id))
        .filter(articles::trashed_at.is_null())
        .select((articles::id, articles::slug))
        .order(articles::id.asc())
        .limit(max)
        .load(conn)?;
    let blocks = sponsored_media::table
        .inner_join(sponsored_blocks::table)
        .filter(sponsored_media::asset_id.eq(id))
        .select((sponsored_blocks::id, sponsored_blocks::title))
        .order(sponsored_blocks::id.asc())
        .limit(max)
        .load(conn)?;
    Ok((articles, blocks))
}

/// The slugs of the articles outside the trash that show this asset.
pub fn article_slugs_using(conn: &mut DbConnection, id: &AssetId) -> QueryResult<Vec<String>> {
    article_media::table
        .inner_join(articles::table)
        .filter(article_media::asset_id.eq(id))
        .filter(articles::trashed_at.is_null())
        .select(articles::slug)
        .order(articles::slug.asc())
        .load(conn)
}
