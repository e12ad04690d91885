//! SQL for sponsored blocks, their targets, revisions and daily counts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{sponsored_blocks, sponsored_revisions, sponsored_stats, sponsored_targets};
use super::types::TargetKind;
use super::{DbConnection, Json, from_db_time};
use crate::domain::article::Block;
use crate::domain::id::{ArticleId, SectionId, SponsoredId};
use crate::domain::sponsored::{Cta, Placement, Sponsored, SponsoredContent, SponsoredStatus};

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = sponsored_blocks, treat_none_as_null = true)]
pub struct SponsoredRow {
    pub id: SponsoredId,
    pub title: String,
    pub sponsor_name: String,
    pub label: String,
    pub disclosure: String,
    pub body: Json<Vec<Block>>,
    pub cta: Option<Json<Cta>>,
    pub logo_url: Option<String>,
    pub placement: Placement,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub status: SponsoredStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = sponsored_revisions)]
pub struct SponsoredRevisionRow {
    pub block_id: SponsoredId,
    pub number: i64,
    pub block_version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub note: String,
    pub snapshot: Json<SponsoredContent>,
}

impl SponsoredRow {
    /// Writes the columns a block's content is stored in (targets live in their own table).
    pub fn set_content(&mut self, c: &SponsoredContent) {
        self.title = c.title.clone();
        self.sponsor_name = c.sponsor_name.clone();
        self.label = c.label.clone();
        self.disclosure = c.disclosure.clone();
        self.body = Json(c.body.clone());
        self.cta = c.cta.clone().map(Json);
        self.logo_url = c.logo_url.clone();
        self.placement = c.placement;
        self.starts_at = c.starts_at.map(super::to_db_time);
        self.ends_at = c.ends_at.map(super::to_db_time);
        self.status = c.status;
    }
}

fn to_sponsored(row: SponsoredRow, targets: &[(SponsoredId, TargetKind, String)]) -> Sponsored {
    let id = &row.id;
    let pick =
        |kind: TargetKind| targets.iter().filter(move |(b, k, _)| b == id && *k == kind).map(|(_, _, t)| t.as_str());
    let (section_ids, article_ids) = (
        pick(TargetKind::Section).map(SectionId::from).collect(),
        pick(TargetKind::Article).map(ArticleId::from).collect(),
    );
    Sponsored {
        content: SponsoredContent {
            title: row.title,
            sponsor_name: row.sponsor_name,
            label: row.label,
            disclosure: row.disclosure,
            body: row.body.0,
            cta: row.cta.map(|j| j.0),
            logo_url: row.logo_url,
            placement: row.placement,
            section_ids,
            article_ids,
            starts_at: row.starts_at.map(from_db_time),
            ends_at: row.ends_at.map(from_db_time),
            status: row.status,
        },
        id: row.id,
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

/// Blocks with their targets, in one query for all of them.
pub fn load(conn: &mut DbConnection, rows: Vec<SponsoredRow>) -> QueryResult<Vec<Sponsored>> {
    let ids: Vec<SponsoredId> = rows.iter().map(|r| r.id.clone()).collect();
    let targets = targets_of(conn, &ids)?;
    Ok(rows.into_iter().map(|r| to_sponsored(r, &targets)).collect())
}

pub fn insert(conn: &mut DbConnection, row: &SponsoredRow) -> QueryResult<()> {
    diesel::insert_into(sponsored_blocks::table).values(row).execute(conn).map(|_| ())
}

pub fn update_if_version(conn: &mut DbConnection, row: &SponsoredRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(sponsored_blocks::table.find(&row.id).filter(sponsored_blocks::version.eq(expected)))
        .set(row)
        .execute(conn)?;
    Ok(n == 1)
}

pub fn delete_if_version(conn: &mut DbConnection, id: &SponsoredId, expected: i64) -> QueryResult<bool> {
    let n = diesel::delete(sponsored_blocks::table.find(id).filter(sponsored_blocks::version.eq(expected)))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut DbConnection, id: &SponsoredId) -> QueryResult<Option<SponsoredRow>> {
    sponsored_blocks::table.find(id).first(conn).optional()
}

/// The blocks of `ids` that exist, whatever their status.
pub fn find_many(conn: &mut DbConnection, ids: &[SponsoredId]) -> QueryResult<Vec<SponsoredRow>> {
    sponsored_blocks::table.filter(sponsored_blocks::id.eq_any(ids)).order(sponsored_blocks::id.asc()).load(conn)
}

/// Locks the block's row inside a transaction: shared for an article save that embeds
/// it, exclusive for a delete, so that the delete's "no article embeds it" and a save's
/// "it exists" exclude each other. SQLite's immediate transactions are serial already.
/// `false` when there is no such block.
pub fn lock(conn: &mut DbConnection, id: &SponsoredId, exclusive: bool) -> QueryResult<bool> {
    let table = sponsored_blocks::table.find(id).select(sponsored_blocks::id);
    let found: Option<String> = match conn {
        DbConnection::Postgres(c) if exclusive => table.for_update().first(c).optional()?,
        DbConnection::Postgres(c) => table.for_share().first(c).optional()?,
        DbConnection::Sqlite(c) => table.first(c).optional()?,
    };
    Ok(found.is_some())
}

/// One page, newest first (by id), optionally narrowed by status and placement.
pub fn page(
    conn: &mut DbConnection,
    status: Option<&str>,
    placement: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<SponsoredRow>> {
    let mut query = sponsored_blocks::table.into_boxed();
    if let Some(status) = status {
        query = query.filter(sponsored_blocks::status.eq(status.to_string()));
    }
    if let Some(placement) = placement {
        query = query.filter(sponsored_blocks::placement.eq(placement));
    }
    if let Some(after) = after {
        query = query.filter(sponsored_blocks::id.lt(after.to_string()));
    }
    query.order(sponsored_blocks::id.desc()).limit(limit).load(conn)
}

/// Active blocks inside their flight at `now`, optionally of one placement.
pub fn live(
    conn: &mut DbConnection,
    placement: Option<Placement>,
    now: NaiveDateTime,
) -> QueryResult<Vec<SponsoredRow>> {
    let mut query = sponsored_blocks::table
        .filter(sponsored_blocks::status.eq(SponsoredStatus::Active))
        .filter(sponsored_blocks::starts_at.is_null().or(sponsored_blocks::starts_at.le(now)))
        .filter(sponsored_blocks::ends_at.is_null().or(sponsored_blocks::ends_at.gt(now)))
        .into_boxed();
    if let Some(placement) = placement {
        query = query.filter(sponsored_blocks::placement.eq(placement));
    }
    query.order(sponsored_blocks::id.asc()).load(conn)
}

/// Replaces the block's targets.
pub fn set_targets(
    conn: &mut DbConnection,
    block_id: &SponsoredId,
    sections: &[SectionId],
    articles: &[ArticleId],
) -> QueryResult<()> {
    diesel::delete(sponsored_targets::table.filter(sponsored_targets::block_id.eq(block_id))).execute(conn)?;
    let sections = sections.iter().map(|id| (TargetKind::Section, id.as_str()));
    let articles = articles.iter().map(|id| (TargetKind::Article, id.as_str()));
    for (kind, id) in sections.chain(articles) {
        {
            diesel::insert_into(sponsored_targets::table)
                .values((
                    sponsored_targets::block_id.eq(block_id),
                    sponsored_targets::kind.eq(kind),
                    sponsored_targets::target_id.eq(id),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Whether any block targets this section.
pub fn targets_section(conn: &mut DbConnection, section_id: &SectionId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        sponsored_targets::table
            .filter(sponsored_targets::kind.eq(TargetKind::Section))
            .filter(sponsored_targets::target_id.eq(section_id)),
    ))
    .get_result(conn)
}

/// (block id, kind, target id) for the given blocks, in insertion order.
pub fn targets_of(
    conn: &mut DbConnection,
    block_ids: &[SponsoredId],
) -> QueryResult<Vec<(SponsoredId, TargetKind, String)>> {
    sponsored_targets::table
        .filter(sponsored_targets::block_id.eq_any(block_ids))
        .select((sponsored_targets::block_id, sponsored_targets::kind, sponsored_targets::target_id))
        .load(conn)
}

pub fn next_revision_number(conn: &mut DbConnection, block_id: &SponsoredId) -> QueryResult<i64> {
    let max: Option<i64> = sponsored_revisions::table
        .filter(sponsored_revisions::block_id.eq(block_id))
        .select(diesel::dsl::max(sponsored_revisions::number))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

pub fn insert_revision(conn: &mut DbConnection, row: &SponsoredRevisionRow) -> QueryResult<()> {
    diesel::insert_into(sponsored_revisions::table).values(row).execute(conn).map(|_| ())
}

pub fn revisions(conn: &mut DbConnection, block_id: &SponsoredId) -> QueryResult<Vec<SponsoredRevisionRow>> {
    sponsored_revisions::table
        .filter(sponsored_revisions::block_id.eq(block_id))
        .order(sponsored_revisions::number.desc())
        .load(conn)
}

/// Adds one impression or click to the block's count for `day` (`YYYY-MM-DD`), atomically.
pub fn count(conn: &mut DbConnection, block_id: &SponsoredId, day: &str, click: bool) -> QueryResult<()> {
    use sponsored_stats::dsl;
    let (impressions, clicks) = if click { (0i64, 1i64) } else { (1, 0) };
    crate::on_backend!(conn, c => {
        diesel::insert_into(dsl::sponsored_stats)
            .values((dsl::block_id.eq(block_id), dsl::day.eq(day), dsl::impressions.eq(impressions), dsl::clicks.eq(clicks)))
            .on_conflict((dsl::block_id, dsl::day))
            .do_update()
            .set((dsl::impressions.eq(dsl::impressions + impressions), dsl::clicks.eq(dsl::clicks + clicks)))
            .execute(c)
    })
    .map(|_| ())
}

/// (day, impressions, clicks), oldest day first.
pub fn stats(conn: &mut DbConnection, block_id: &SponsoredId) -> QueryResult<Vec<(String, i64, i64)>> {
    sponsored_stats::table
        .filter(sponsored_stats::block_id.eq(block_id))
        .order(sponsored_stats::day.asc())
        .select((sponsored_stats::day, sponsored_stats::impressions, sponsored_stats::clicks))
        .load(conn)
}
