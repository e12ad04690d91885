//! SQL for articles, their authors, tags, former slugs and revisions.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::article_search::{self, Search};
use super::types::EmbedKind;
use super::{DbConnection, Json, from_db_time};
use crate::domain::article::{self, Access, Content, Status};
use crate::domain::id::{ArticleId, AuthorId, SectionId, UserId};
use diesel::sql_types::Text;

use super::schema::{
    article_authors, article_embeds, article_feed, article_revisions, article_slugs, article_tags, articles, authors,
};

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = articles, treat_none_as_null = true)]
pub struct ArticleRow {
    pub id: ArticleId,
    pub slug: String,
    pub headline: String,
    pub standfirst: Option<String>,
    pub dateline: Option<String>,
    pub kicker: Option<String>,
    pub hero_image: Option<Json<article::Image>>,
    pub body: Json<Vec<article::Block>>,
    pub section_id: SectionId,
    pub created_by: UserId,
    pub tags: Json<Vec<String>>,
    pub access: Access,
    pub preview_blocks: Option<i64>,
    pub seo: Option<Json<article::Seo>>,
    pub status: Status,
    pub publish_at: Option<NaiveDateTime>,
    pub first_published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub trashed_at: Option<NaiveDateTime>,
    pub trashed_status: Option<Status>,
    pub version: i64,
    pub sponsorship: Option<Json<article::Sponsorship>>,
}

/// What a list of live articles shows of each: no body (nor anything else it takes
/// the body to work out), so that a list never reads or parses one.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct SummaryRow {
    pub id: ArticleId,
    pub slug: String,
    pub headline: String,
    pub standfirst: Option<String>,
    pub dateline: Option<String>,
    pub kicker: Option<String>,
    pub hero_image: Option<Json<article::Image>>,
    pub section_id: SectionId,
    pub tags: Json<Vec<String>>,
    pub access: Access,
    pub publish_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub sponsorship: Option<Json<article::Sponsorship>>,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = article_revisions)]
pub struct RevisionRow {
    pub article_id: ArticleId,
    pub number: i64,
    pub article_version: i64,
    pub created_at: NaiveDateTime,
    pub created_by: UserId,
    pub note: String,
    /// `None` for the newest revision, whose content is the article's own (stored once);
    /// a save gives the revision before it its snapshot.
    pub snapshot: Option<Json<Content>>,
}

impl ArticleRow {
    /// A new draft holding `content`, at version 1.
    pub fn draft(id: ArticleId, content: &Content, created_by: UserId, at: NaiveDateTime) -> Self {
        let mut row = ArticleRow {
            id,
            slug: String::new(),
            headline: String::new(),
            standfirst: None,
            dateline: None,
            kicker: None,
            hero_image: None,
            body: Json(Vec::new()),
            section_id: SectionId::default(),
            created_by,
            tags: Json(Vec::new()),
            access: Access::Free,
            preview_blocks: None,
            seo: None,
            status: Status::Draft,
            publish_at: None,
            first_published_at: None,
            created_at: at,
            updated_at: at,
            trashed_at: None,
            trashed_status: None,
            version: 1,
            sponsorship: None,
        };
        row.set_content(content);
        row
    }

    /// The stored content, with the byline the caller loaded.
    pub fn into_content(self, author_ids: Vec<AuthorId>) -> Content {
        Content {
            slug: self.slug,
            headline: self.headline,
            standfirst: self.standfirst,
            dateline: self.dateline,
            kicker: self.kicker,
            hero_image: self.hero_image.map(|j| j.0),
            body: self.body.0,
            section_id: self.section_id,
            author_ids,
            tags: self.tags.0,
            access: self.access,
            preview_blocks: self.preview_blocks,
            seo: self.seo.map(|j| j.0),
            sponsorship: self.sponsorship.map(|j| j.0),
        }
    }

    /// The stored content of a row still needed afterwards (writes).
    pub fn content(&self, author_ids: Vec<AuthorId>) -> Content {
        self.clone().into_content(author_ids)
    }

    /// Writes the content columns.
    pub fn set_content(&mut self, content: &Content) {
        self.slug = content.slug.clone();
        self.headline = content.headline.clone();
        self.standfirst = content.standfirst.clone();
        self.dateline = content.dateline.clone();
        self.kicker = content.kicker.clone();
        self.hero_image = content.hero_image.clone().map(Json);
        self.body = Json(content.body.clone());
        self.section_id = content.section_id.clone();
        self.tags = Json(content.tags.clone());
        self.access = content.access;
        self.preview_blocks = content.preview_blocks;
        self.seo = content.seo.clone().map(Json);
        self.sponsorship = content.sponsorship.clone().map(Json);
    }

    /// The status readers see: a scheduled article whose time has come is published.
    pub fn effective_status(&self, now: DateTime<Utc>) -> Status {
        self.status.effective(self.publish_at.map(from_db_time), now)
    }

    /// The first time the article went live, if it has (a scheduled one counts from its time).
    pub fn first_published(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let live = self.effective_status(now) == Status::Published;
        self.first_published_at.map(from_db_time).or(if live { self.publish_at.map(from_db_time) } else { None })
    }
}

pub fn insert(conn: &mut DbConnection, row: &ArticleRow) -> QueryResult<()> {
    diesel::insert_into(articles::table).values(row).execute(conn).map(|_| ())
}

/// Writes `row` if the stored version is still `expected`; `false` when it was not.
pub fn update_if_version(conn: &mut DbConnection, row: &ArticleRow, expected: i64) -> QueryResult<bool> {
    let n =
        diesel::update(articles::table.find(&row.id).filter(articles::version.eq(expected))).set(row).execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut DbConnection, id: &ArticleId) -> QueryResult<Option<ArticleRow>> {
    articles::table.find(id).first(conn).optional()
}

/// The articles with these ids, in no particular order.
pub fn find_many(conn: &mut DbConnection, ids: &[ArticleId]) -> QueryResult<Vec<ArticleRow>> {
    articles::table.filter(articles::id.eq_any(ids)).load(conn)
}

pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<ArticleRow>> {
    articles::table.filter(articles::slug.eq(slug)).first(conn).optional()
}

/// Whether `slug` belongs to an article other than `except`: as its slug, or as a
/// former slug that redirects to it (a redirect is its article's for good).
pub fn slug_taken(conn: &mut DbConnection, slug: &str, except: Option<&ArticleId>) -> QueryResult<bool> {
    let none = ArticleId::default();
    let except = except.unwrap_or(&none);
    let current = diesel::select(diesel::dsl::exists(
        articles::table.filter(articles::slug.eq(slug)).filter(articles::id.ne(except)),
    ))
    .get_result(conn)?;
    if current {
        return Ok(true);
    }
    diesel::select(diesel::dsl::exists(
        article_slugs::table.filter(article_slugs::slug.eq(slug)).filter(article_slugs::article_id.ne(except)),
    ))
    .get_result(conn)
}

pub fn any_in_section(conn: &mut DbConnection, section_id: &SectionId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(articles::table.filter(articles::section_id.eq(section_id)))).get_result(conn)
}

/// The article a former slug now belongs to.
pub fn find_by_old_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<ArticleId>> {
    article_slugs::table.find(slug).select(article_slugs::article_id).first(conn).optional()
}

/// The former slugs of an article (each answers with a redirect to it).
pub fn old_slugs(conn: &mut DbConnection, article_id: &ArticleId) -> QueryResult<Vec<String>> {
    article_slugs::table
        .filter(article_slugs::article_id.eq(article_id))
        .select(article_slugs::slug)
        .order(article_slugs::slug.asc())
        .load(conn)
}

/// Remembers `old` as a former slug of `article_id`, and forgets `current` as one of
/// its former slugs (it is current again). The caller has checked that `current` is
/// no other article's (`slug_taken`).
pub fn remember_old_slug(conn: &mut DbConnection, article_id: &ArticleId, old: &str, current: &str) -> QueryResult<()> {
    diesel::delete(
        article_slugs::table.filter(article_slugs::slug.eq(current)).filter(article_slugs::article_id.eq(article_id)),
    )
    .execute(conn)?;
    diesel::delete(article_slugs::table.filter(article_slugs::slug.eq(old))).execute(conn)?;
    diesel::insert_into(article_slugs::table)
        .values((article_slugs::slug.eq(old), article_slugs::article_id.eq(article_id)))
        .execute(conn)
        .map(|_| ())
}

pub fn set_authors(conn: &mut DbConnection, article_id: &ArticleId, author_ids: &[AuthorId]) -> QueryResult<()> {
    diesel::delete(article_authors::table.filter(article_authors::article_id.eq(article_id))).execute(conn)?;
    for (i, author_id) in author_ids.iter().enumerate() {
        diesel::insert_into(article_authors::table)
            .values((
                article_authors::article_id.eq(article_id),
                article_authors::author_id.eq(author_id),
                article_authors::position.eq(i as i64),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// (article id, author id, name) for the given articles, in byline order.
pub fn authors_of(
    conn: &mut DbConnection,
    article_ids: &[ArticleId],
) -> QueryResult<Vec<(ArticleId, AuthorId, String)>> {
    if let [one] = article_ids {
        // One article (every public read of an article): a statement without an `IN`
        // list, prepared once per connection and cached.
        return article_authors::table
            .inner_join(authors::table)
            .filter(article_authors::article_id.eq(one))
            .order(article_authors::position)
            .select((article_authors::article_id, authors::id, authors::name))
            .load(conn);
    }
    article_authors::table
        .inner_join(authors::table)
        .filter(article_authors::article_id.eq_any(article_ids))
        .order((article_authors::article_id, article_authors::position))
        .select((article_authors::article_id, authors::id, authors::name))
        .load(conn)
}

/// Whether the article's byline names an author linked to `user_id`.
pub fn is_author(conn: &mut DbConnection, article_id: &ArticleId, user_id: &UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        article_authors::table
            .inner_join(authors::table)
            .filter(article_authors::article_id.eq(article_id))
            .filter(authors::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

pub fn set_tags(conn: &mut DbConnection, article_id: &ArticleId, tags: &[String]) -> QueryResult<()> {
    diesel::delete(article_tags::table.filter(article_tags::article_id.eq(article_id))).execute(conn)?;
    for tag in tags {
        diesel::insert_into(article_tags::table)
            .values((article_tags::article_id.eq(article_id), article_tags::tag.eq(tag)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn next_revision_number(conn: &mut DbConnection, article_id: &ArticleId) -> QueryResult<i64> {
    let max: Option<i64> = article_revisions::table
        .filter(article_revisions::article_id.eq(article_id))
        .select(diesel::dsl::max(article_revisions::number))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

pub fn insert_revision(conn: &mut DbConnection, row: &RevisionRow) -> QueryResult<()> {
    diesel::insert_into(article_revisions::table).values(row).execute(conn).map(|_| ())
}

pub fn find_revision(conn: &mut DbConnection, article_id: &ArticleId, number: i64) -> QueryResult<Option<RevisionRow>> {
    article_revisions::table.find((article_id, number)).first(conn).optional()
}

/// Revisions newest first, before `before` (a revision number).
pub fn revisions(
    conn: &mut DbConnection,
    article_id: &ArticleId,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<RevisionRow>> {
    let mut query = article_revisions::table.filter(article_revisions::article_id.eq(article_id)).into_boxed();
    if let Some(before) = before {
        query = query.filter(article_revisions::number.lt(before));
    }
    query.order(article_revisions::number.desc()).limit(limit).load(conn)
}

/// What the editorial list may be narrowed by.
#[derive(Debug, Clone, Default)]
pub struct EditorialFilter {
    /// Effective status (a scheduled article whose time has come counts as published).
    pub status: Option<Status>,
    pub section_ids: Option<Vec<SectionId>>,
    /// An author id.
    pub author: Option<String>,
    pub tag: Option<String>,
    pub q: Option<String>,
    /// Writers: only their own work and what is live.
    pub visible_to: Option<UserId>,
    pub trashed: bool,
}

/// The editorial list, newest first (by id, i.e. creation), after `after`.
pub fn editorial_page(
    conn: &mut DbConnection,
    filter: &EditorialFilter,
    now: NaiveDateTime,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ArticleRow>> {
    let search = filter.q.as_deref().map(|q| Search::new(conn, q)).transpose()?;
    editorial_page_searching(conn, filter, search, now, after, limit)
}

/// `editorial_page` with its search (for `filter.q`) chosen.
pub(crate) fn editorial_page_searching(
    conn: &mut DbConnection,
    filter: &EditorialFilter,
    search: Option<Search>,
    now: NaiveDateTime,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ArticleRow>> {
    let few = match &search {
        Some(Search::Few(m)) => Some(article_search::matching_ids(conn, m)?),
        Some(Search::Ids(ids)) => Some(ids.clone()),
        _ => None,
    };
    let mut query = articles::table.into_boxed();
    query = if filter.trashed {
        query.filter(articles::trashed_at.is_not_null())
    } else {
        query.filter(articles::trashed_at.is_null())
    };
    match filter.status {
        Some(Status::Published) => {
            query = query.filter(
                articles::status
                    .eq(Status::Published)
                    .or(articles::status.eq(Status::Scheduled).and(articles::publish_at.assume_not_null().le(now))),
            )
        }
        Some(Status::Scheduled) => {
            query = query
                .filter(articles::status.eq(Status::Scheduled))
                .filter(articles::publish_at.assume_not_null().gt(now))
        }
        Some(status) => query = query.filter(articles::status.eq(status)),
        None => {}
    }
    if let Some(ids) = &filter.section_ids {
        query = query.filter(articles::section_id.eq_any(ids.clone()));
    }
    if let Some(author) = &filter.author {
        query = query.filter(
            articles::id.eq_any(
                article_authors::table
                    .filter(article_authors::author_id.eq(author.clone()))
                    .select(article_authors::article_id),
            ),
        );
    }
    if let Some(tag) = &filter.tag {
        query = query
            .filter(articles::id.eq_any(
                article_tags::table.filter(article_tags::tag.eq(tag.clone())).select(article_tags::article_id),
            ));
    }
    match (&few, &search) {
        // Few matches: the primary key meets them, in its order.
        (Some(ids), _) => query = query.filter(articles::id.eq_any(ids.clone())),
        (None, Some(search)) => query = query.filter(search.condition()),
        (None, None) => {}
    }
    if let Some(user) = &filter.visible_to {
        let own = articles::id.eq_any(
            article_authors::table
                .inner_join(authors::table)
                .filter(authors::user_id.eq(user.clone()))
                .select(article_authors::article_id),
        );
        let is_live = articles::trashed_at.is_null().and(
            articles::status
                .eq(Status::Published)
                .or(articles::status.eq(Status::Scheduled).and(articles::publish_at.assume_not_null().le(now))),
        );
        query = query.filter(own.or(is_live));
    }
    if let Some(after) = after {
        query = query.filter(articles::id.lt(after.to_string()));
    }
    query.order(articles::id.desc()).limit(limit).load(conn)
}

/// What the public list may be narrowed by.
#[derive(Debug, Clone, Default)]
pub struct PublicFilter {
    /// `''` for every live article, or a section id (which includes its sub-sections).
    pub feed: String,
    pub author: Option<String>,
    pub tag: Option<String>,
    pub q: Option<String>,
}

/// Live articles of a feed, newest first by `publish_at` (then id), after the
/// (publish_at, id) given: one ordered range of the `article_feed` index.
pub fn public_page(
    conn: &mut DbConnection,
    filter: &PublicFilter,
    now: NaiveDateTime,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<SummaryRow>> {
    let search = filter.q.as_deref().map(|q| Search::new(conn, q)).transpose()?;
    public_page_searching(conn, filter, search, now, after, limit)
}

/// `public_page` with its search (for `filter.q`) chosen.
pub(crate) fn public_page_searching(
    conn: &mut DbConnection,
    filter: &PublicFilter,
    search: Option<Search>,
    now: NaiveDateTime,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<SummaryRow>> {
    if let Some(Search::Few(m)) = &search {
        return article_search::few_public_page(conn, m, filter, now, after, limit);
    }
    let mut query = article_feed::table
        .inner_join(articles::table)
        .filter(article_feed::feed.eq(filter.feed.clone()))
        .filter(article_feed::publish_at.le(now))
        .select(SummaryRow::as_select())
        .into_boxed();
    if let Some(author) = &filter.author {
        query = query.filter(
            articles::id.eq_any(
                article_authors::table
                    .filter(article_authors::author_id.eq(author.clone()))
                    .select(article_authors::article_id),
            ),
        );
    }
    if let Some(tag) = &filter.tag {
        query = query
            .filter(articles::id.eq_any(
                article_tags::table.filter(article_tags::tag.eq(tag.clone())).select(article_tags::article_id),
            ));
    }
    match &search {
        // Few matches (PostgreSQL): the planner meets them by the primary key.
        Some(Search::Ids(ids)) => query = query.filter(articles::id.eq_any(ids.clone())),
        Some(search) => query = query.filter(search.condition()),
        None => {}
    }
    if let Some((at, id)) = after {
        query = query.filter(
            article_feed::publish_at.lt(at).or(article_feed::publish_at.eq(at).and(article_feed::article_id.lt(id))),
        );
    }
    query.order((article_feed::publish_at.desc(), article_feed::article_id.desc())).limit(limit).load(conn)
}

/// Rewrites an article's rows in the live index from its current state: present in
/// '' and in its section and every ancestor while published or scheduled and not
/// trashed. Called by every write that can change those.
pub fn refresh_feed(conn: &mut DbConnection, row: &ArticleRow) -> QueryResult<()> {
    diesel::delete(article_feed::table.filter(article_feed::article_id.eq(&row.id))).execute(conn)?;
    let listed = row.trashed_at.is_none() && matches!(row.status, Status::Published | Status::Scheduled);
    let Some(at) = row.publish_at.filter(|_| listed) else { return Ok(()) };
    // '' is the whole site's feed; the others are sections' fronts.
    let mut feeds = vec![String::new(), row.section_id.to_string()];
    feeds.extend(super::sections::ancestors(conn, &row.section_id)?.into_iter().map(String::from));
    for feed in feeds {
        diesel::insert_into(article_feed::table)
            .values((
                article_feed::feed.eq(feed),
                article_feed::publish_at.eq(at),
                article_feed::article_id.eq(&row.id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Records what the article's body embeds (kind `poll` or `sponsored`).
pub fn set_embeds(
    conn: &mut DbConnection,
    article_id: &ArticleId,
    kind: EmbedKind,
    target_ids: &[impl AsRef<str>],
) -> QueryResult<()> {
    diesel::delete(
        article_embeds::table.filter(article_embeds::article_id.eq(article_id)).filter(article_embeds::kind.eq(kind)),
    )
    .execute(conn)?;
    let mut seen = std::collections::HashSet::new();
    for id in target_ids.iter().map(AsRef::as_ref).filter(|id| seen.insert(*id)) {
        diesel::insert_into(article_embeds::table)
            .values((
                article_embeds::article_id.eq(article_id),
                article_embeds::kind.eq(kind),
                article_embeds::target_id.eq(id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The slugs of the articles outside the trash that embed this poll or sponsored block.
pub fn slugs_embedding(conn: &mut DbConnection, kind: EmbedKind, target_id: &str) -> QueryResult<Vec<String>> {
    article_embeds::table
        .inner_join(articles::table)
        .filter(article_embeds::kind.eq(kind))
        .filter(article_embeds::target_id.eq(target_id))
        .filter(articles::trashed_at.is_null())
        .select(articles::slug)
        .order(articles::slug.asc())
        .load(conn)
}

/// Whether any article outside the trash embeds this poll or sponsored block.
pub fn embedded_in(conn: &mut DbConnection, kind: EmbedKind, target_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        article_embeds::table
            .inner_join(articles::table)
            .filter(article_embeds::kind.eq(kind))
            .filter(article_embeds::target_id.eq(target_id))
            .filter(articles::trashed_at.is_null()),
    ))
    .get_result(conn)
}

/// Whether what `target_id` names is part of unpublished work only: articles embed it,
/// and none of them is live at `now`. (Embedded nowhere, it stands on its own.)
pub fn only_in_unpublished(
    conn: &mut DbConnection,
    kind: EmbedKind,
    target_id: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    if !embedded_in(conn, kind, target_id)? {
        return Ok(false);
    }
    let live = article_feed::table
        .filter(article_feed::feed.eq(""))
        .filter(article_feed::publish_at.le(now))
        .select(article_feed::article_id);
    let in_live: bool = diesel::select(diesel::dsl::exists(
        article_embeds::table
            .filter(article_embeds::kind.eq(kind))
            .filter(article_embeds::target_id.eq(target_id))
            .filter(article_embeds::article_id.eq_any(live)),
    ))
    .get_result(conn)?;
    Ok(!in_live)
}

/// Gated articles that follow the site's preview length (no `preview_blocks` of their own).
pub fn following_site_preview(conn: &mut DbConnection) -> QueryResult<Vec<ArticleRow>> {
    articles::table.filter(articles::access.ne(Access::Free)).filter(articles::preview_blocks.is_null()).load(conn)
}

/// The plain text search covers for `content`: what readers may read, so a gated
/// article's body is its preview at the site default `default_preview`.
pub fn search_text(content: &Content, default_preview: i64) -> String {
    article::body_text(content.public_body(default_preview))
}

/// Writes the article's entry in the search index from its stored headline and
/// standfirst and `body_text` (`search_text`). The index keeps no copy of the text:
/// on SQLite a contentless FTS5 table whose row is replaced by rowid, on PostgreSQL
/// the tsvector column.
pub fn index_text(conn: &mut DbConnection, id: &ArticleId, body_text: &str) -> QueryResult<()> {
    match conn {
        DbConnection::Sqlite(c) => {
            diesel::sql_query("DELETE FROM articles_fts WHERE rowid = (SELECT search_id FROM articles WHERE id = ?)")
                .bind::<Text, _>(id.to_string())
                .execute(c)?;
            diesel::sql_query(
                "INSERT INTO articles_fts (rowid, headline, standfirst, body_text) \
                 SELECT search_id, headline, coalesce(standfirst, ''), ? FROM articles WHERE id = ?",
            )
            .bind::<Text, _>(body_text)
            .bind::<Text, _>(id.to_string())
            .execute(c)?;
        }
        DbConnection::Postgres(c) => {
            diesel::sql_query(
                "UPDATE articles SET search_vector = \
                 to_tsvector('english', headline || ' ' || coalesce(standfirst, '') || ' ' || $1) WHERE id = $2",
            )
            .bind::<Text, _>(body_text)
            .bind::<Text, _>(id.to_string())
            .execute(c)?;
        }
    }
    Ok(())
}

/// Gives revision `number` its own copy of `content` if it has none (it was the
/// newest, whose content was the article's, which is about to change).
pub fn keep_revision_snapshot(
    conn: &mut DbConnection,
    article_id: &ArticleId,
    number: i64,
    content: &Content,
) -> QueryResult<()> {
    diesel::update(article_revisions::table.find((article_id, number)).filter(article_revisions::snapshot.is_null()))
        .set(article_revisions::snapshot.eq(Some(Json(content.clone()))))
        .execute(conn)
        .map(|_| ())
}

/// Every article in the given sections (for re-indexing after a section moves).
pub fn in_sections(conn: &mut DbConnection, section_ids: &[SectionId]) -> QueryResult<Vec<ArticleRow>> {
    articles::table.filter(articles::section_id.eq_any(section_ids)).load(conn)
}

/// A live article by its current slug. (Not boxed, and no `IN` list: the statement is
/// prepared once per connection and cached, as on every public read it is.)
pub fn find_live_by_slug(conn: &mut DbConnection, slug: &str, now: NaiveDateTime) -> QueryResult<Option<ArticleRow>> {
    articles::table
        .filter(articles::slug.eq(slug))
        .filter(articles::status.eq(Status::Published).or(articles::status.eq(Status::Scheduled)))
        .filter(articles::publish_at.le(now))
        .filter(articles::trashed_at.is_null())
        .first(conn)
        .optional()
}

/// A live article by its id (a cached statement, as above).
pub fn find_live(conn: &mut DbConnection, id: &ArticleId, now: NaiveDateTime) -> QueryResult<Option<ArticleRow>> {
    articles::table
        .filter(articles::id.eq(id))
        .filter(articles::status.eq(Status::Published).or(articles::status.eq(Status::Scheduled)))
        .filter(articles::publish_at.le(now))
        .filter(articles::trashed_at.is_null())
        .first(conn)
        .optional()
}
