//! `/api/v1/public/articles`: what readers and frontends see. No token; only live
//! articles; cacheable (ETag, If-None-Match, Cache-Control); former slugs redirect.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::config::MediaSettings;
use crate::domain::article::{Access, Block, Seo, Sponsorship};
use crate::error::ApiError;
use crate::http::conditional::{accepts_gzip, render, respond};
use crate::http::corrections::PublicCorrection;
use crate::http::extract::ApiQuery;
use crate::http::media::{PublicImage, PublicImageBlock};
use crate::http::pagination::{self, At, Cursor, Listed, Page};
use crate::http::polls::PublicPollResponse;
use crate::http::sections::SectionRef;
use crate::http::sponsored::PublicSponsored;
use crate::http::structured_data;
use crate::http::{search_text, time};
use crate::public_cache::{Lifetime, Rendered};
use crate::service::public::{self, Lookup, PublicArticle, PublicBlock, PublicQuery, PublicSummary, RelatedLookup};
use crate::state::AppState;

/// An author as readers see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicAuthor {
    pub id: String,
    pub display_name: String,
}

/// What a reader may read of the article.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessInfo {
    pub level: Access,
    /// `true` when the body holds only the preview (metered and premium articles).
    pub preview: bool,
}

/// A live article in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicArticleSummary {
    pub id: String,
    pub slug: String,
    pub headline: String,
    pub standfirst: Option<String>,
    pub dateline: Option<String>,
    pub kicker: Option<String>,
    pub hero_image: Option<PublicImage>,
    pub section: SectionRef,
    pub authors: Vec<PublicAuthor>,
    pub tags: Vec<String>,
    pub access: AccessInfo,
    #[serde(serialize_with = "time::rfc3339")]
    pub published_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// `true` when the article is paid content: frontends show `sponsorship.label` with
    /// the headline and `sponsorship.disclosure` with the article.
    pub sponsored: bool,
    /// Who paid for it and how readers are told (`null`: the newsroom's own).
    pub sponsorship: Option<Sponsorship>,
}

/// A `sponsored` block of the body, resolved: the block itself, labelled.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolvedSponsoredBlock {
    /// Always `sponsored`.
    #[serde(rename = "type")]
    #[schema(example = "sponsored")]
    pub kind: &'static str,
    pub block_id: String,
    pub sponsored: PublicSponsored,
}

/// A `poll` block of the body, resolved: the poll in its current public state.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolvedPollBlock {
    /// Always `poll`.
    #[serde(rename = "type")]
    #[schema(example = "poll")]
    pub kind: &'static str,
    pub poll_id: String,
    pub poll: PublicPollResponse,
}

/// A body block as readers get it: as written, or an embed resolved (embeds that are
/// not live are left out, never sent broken or unlabelled).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PublicBodyBlock {
    Image(PublicImageBlock),
    Content(Block),
    Sponsored(ResolvedSponsoredBlock),
    Poll(ResolvedPollBlock),
}

/// A live article with its body (only the preview for metered and premium ones).
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicArticleResponse {
    #[serde(flatten)]
    pub summary: PublicArticleSummary,
    pub body: Vec<PublicBodyBlock>,
    pub seo: Option<Seo>,
    #[serde(serialize_with = "time::rfc3339")]
    pub first_published_at: DateTime<Utc>,
    /// The public log of corrections, clarifications and updates, oldest first.
    pub corrections: Vec<PublicCorrection>,
    /// schema.org JSON-LD (`NewsArticle`, or `AdvertiserContentArticle` with its
    /// `sponsor` for paid content) to embed as it is in a script element of type
    /// `application/ld+json`: the article's URL on the site (its SEO canonical URL
    /// when it has one), headline,
    /// authors, images with their sizes, dates, section, publisher, and whether it is
    /// free. A metered or premium article has `isAccessibleForFree: false` and a
    /// `hasPart` naming the CSS selector `.paywall`, which the frontend puts on the
    /// element holding the part anonymous readers do not get. When embedding it, write
    /// the less-than sign as `\u003c` so that no text in it can close the script element.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>, example = json!({
        "@context": "https://schema.org", "@type": "NewsArticle",
        "@id": "https://news.example.com/asia/seoul-and-tokyo-resume-shuttle-diplomacy",
        "url": "https://news.example.com/asia/seoul-and-tokyo-resume-shuttle-diplomacy",
        "mainEntityOfPage": {"@type": "WebPage", "@id": "https://news.example.com/asia/seoul-and-tokyo-resume-shuttle-diplomacy"},
        "headline": "Seoul and Tokyo resume shuttle diplomacy",
        "description": "Leaders will meet twice a year",
        "image": [{"@type": "ImageObject", "url": "https://news.example.com/api/v1/public/media/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a70/1200.jpg", "width": 1200, "height": 800}],
        "datePublished": "2026-12-01T09:30:00Z", "dateModified": "2026-12-01T10:00:00Z",
        "author": [{"@type": "Person", "name": "Ann Lee"}],
        "articleSection": "Asia", "keywords": ["korea", "japan"], "inLanguage": "en",
        "publisher": {"@type": "Organization", "name": "Example Media Ltd", "url": "https://news.example.com"},
        "isAccessibleForFree": false,
        "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": false, "cssSelector": ".paywall"}
    }))]
    pub structured_data: serde_json::Value,
}

pub(crate) fn summary(a: &PublicSummary, media: &MediaSettings) -> PublicArticleSummary {
    PublicArticleSummary {
        id: a.id.clone().into(),
        slug: a.slug.clone(),
        headline: a.headline.clone(),
        standfirst: a.standfirst.clone(),
        dateline: a.dateline.clone(),
        kicker: a.kicker.clone(),
        hero_image: a.hero_image.as_ref().map(|i| PublicImage::new(i, media)),
        section: SectionRef {
            id: a.section.id.clone().into(),
            slug: a.section.slug.clone(),
            name: a.section.name.clone(),
        },
        authors: a
            .authors
            .iter()
            .map(|b| PublicAuthor { id: b.id.clone().into(), display_name: b.display_name.clone() })
            .collect(),
        tags: a.tags.clone(),
        access: AccessInfo { level: a.access, preview: a.preview },
        published_at: a.published_at,
        updated_at: a.updated_at,
        sponsored: a.sponsorship.is_some(),
        sponsorship: a.sponsorship.clone(),
    }
}

pub type PublicArticlePage = Page<PublicArticleSummary>;

impl Listed for PublicArticleSummary {
    const PAGE: &'static str = "PublicArticlePage";
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PublicArticlesQuery {
    /// A section slug; includes its sub-sections.
    pub section: Option<String>,
    /// Only articles with this tag.
    pub tag: Option<String>,
    /// Only articles with this author in the byline: an author's id or slug, or a user's id.
    pub author: Option<String>,
    /// Words to find in the headline, standfirst or body.
    pub q: Option<String>,
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Live articles, newest first.
#[utoipa::path(
    tag = "public", operation_id = "listPublicArticles", params(PublicArticlesQuery),
    responses(
        (status = 200, description = "A page of live articles.", body = PublicArticlePage,
            headers(("ETag" = String, description = "Changes when the page changes."),
                    ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
    )
)]
#[get("/public/articles")]
pub async fn list_public_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ApiQuery<PublicArticlesQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode::<(At, String)>).transpose()?.map(|(At(at), id)| (at, id));
    let query = PublicQuery { section: q.section, tag: q.tag, author: q.author, q: search_text(q.q)? };
    let cached = Cached::look_up(&req, &state).await?;
    if let Some((hit, _)) = cached.hit() {
        return Ok(respond(&req, state.settings.public_max_age, None, hit));
    }
    let page = public::list(&state, query, after, limit).await?;
    let media = &state.settings.media;
    let items = page.items.iter().map(|a| summary(a, media)).collect();
    let body = Page::new(items, page.next.map(|(at, id)| (At(at), id)))?;
    let rendered = render(&body)?;
    cached.keep(&state, Lifetime::until(page.until), &rendered);
    Ok(respond(&req, state.settings.public_max_age, None, &rendered))
}

/// One live article by slug (or by id). A former slug answers 301 to the current one.
#[utoipa::path(
    tag = "public", operation_id = "getPublicArticle",
    params(("slug" = String, Path, description = "The article's slug, or its id: both give the same answer.")),
    responses(
        (status = 200, description = "The article.", body = PublicArticleResponse,
            headers(("ETag" = String, description = "Changes when the article changes."),
                    ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 301, description = "The article moved to a new slug.",
            headers(("Location" = String, description = "The article's current URL."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
        (status = 404, description = "No live article has this slug or id."),
    )
)]
#[get("/public/articles/{slug}")]
pub async fn get_public_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let cached = Cached::look_up(&req, &state).await?;
    if let Some((hit, lifetime)) = cached.hit() {
        let expires_in = lifetime.expires_in(state.clock.now());
        return Ok(respond(&req, state.settings.public_max_age, expires_in, hit));
    }
    match public::by_slug(&state, slug.into_inner()).await? {
        Lookup::Moved(current) => Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, format!("{ARTICLES_PATH}/{current}")))
            .insert_header((header::CACHE_CONTROL, format!("public, max-age={}", state.settings.public_max_age)))
            .finish()),
        Lookup::Found(article) => {
            let (body, expires_in) = public_article_response(&article, state.clock.now(), &state.settings.media);
            let rendered = render(&body)?;
            cached.keep_article(&state, &article, &rendered);
            Ok(respond(&req, state.settings.public_max_age, expires_in, &rendered))
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RelatedQuery {
    /// How many, 1..=100 (default 5).
    #[param(example = 5)]
    pub limit: Option<i64>,
}

/// A few related live articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedArticles {
    pub items: Vec<PublicArticleSummary>,
}

/// How many related articles when the client does not say.
const RELATED_DEFAULT: i64 = 5;

/// Live articles related to a live article: those sharing the most tags with it
/// (newest first among equals), then the newest of its section (sub-sections
/// included). Never the article itself.
#[utoipa::path(
    tag = "public", operation_id = "listRelatedArticles",
    params(("slug" = String, Path, description = "The article's slug, or its id."), RelatedQuery),
    responses(
        (status = 200, description = "The related articles, best first.", body = RelatedArticles,
            headers(("ETag" = String, description = "Changes when the answer changes."),
                    ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 301, description = "The article moved to a new slug.",
            headers(("Location" = String, description = "The related articles of its current slug."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
        (status = 404, description = "No live article has this slug or id."),
    )
)]
#[get("/public/articles/{slug}/related")]
pub async fn related_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: ApiQuery<RelatedQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner()?;
    let limit = match q.limit {
        Some(n) => pagination::limit(Some(n))?,
        None => RELATED_DEFAULT,
    };
    let cached = Cached::look_up(&req, &state).await?;
    if let Some((hit, _)) = cached.hit() {
        return Ok(respond(&req, state.settings.public_max_age, None, hit));
    }
    match public::related(&state, slug.into_inner(), limit).await? {
        RelatedLookup::Moved(current) => {
            let query = req.query_string();
            let query = if query.is_empty() { String::new() } else { format!("?{query}") };
            Ok(HttpResponse::MovedPermanently()
                .insert_header((header::LOCATION, format!("{ARTICLES_PATH}/{current}/related{query}")))
                .insert_header((header::CACHE_CONTROL, format!("public, max-age={}", state.settings.public_max_age)))
                .finish())
        }
        RelatedLookup::Found { items, until } => {
            let media = &state.settings.media;
            let body = RelatedArticles { items: items.iter().map(|a| summary(a, media)).collect() };
            let rendered = render(&body)?;
            cached.keep(&state, Lifetime::until(until), &rendered);
            Ok(respond(&req, state.settings.public_max_age, None, &rendered))
        }
    }
}

/// Where public articles are, as requested (the cache's keys are request paths).
const ARTICLES_PATH: &str = "/api/v1/public/articles";

/// A public GET as the response cache knows it: the answer when it holds one, else
/// the generation to file the answer under (read before the database is, so that an
/// answer built from older data never passes for newer).
pub(crate) struct Cached {
    key: String,
    generation: Option<i64>,
    /// Poll responses this instance had counted before the database was read.
    responses: u64,
    hit: Option<(Rendered, Lifetime)>,
}

impl Cached {
    pub(crate) async fn look_up(req: &HttpRequest, state: &AppState) -> Result<Cached, ApiError> {
        let key = req.uri().path_and_query().map_or_else(|| req.path().to_string(), |pq| pq.as_str().to_string());
        let now = state.clock.now();
        let responses = state.public_cache.responses_counted();
        let generation = state.public_cache.generation(&state.db, now).await?;
        let hit = generation.and_then(|g| state.public_cache.get(&key, g, now, accepts_gzip(req)));
        Ok(Cached { key, generation, responses, hit })
    }

    pub(crate) fn hit(&self) -> Option<(&Rendered, Lifetime)> {
        self.hit.as_ref().map(|(rendered, lifetime)| (rendered, *lifetime))
    }

    /// Files a 200 answer for as long as `lifetime` says (or until something changes).
    pub(crate) fn keep(self, state: &AppState, lifetime: Lifetime, rendered: &Rendered) {
        if let Some(generation) = self.generation {
            state.public_cache.put(self.key, generation, lifetime, rendered.clone());
        }
    }

    /// Files one article's answer once for both its addresses: under its id's (the
    /// canonical one), with its slug's pointing there. Not the slug's when the slug is
    /// UUID-shaped, unless that was the address asked: ids are looked up first, so that
    /// address could be another article's.
    fn keep_article(self, state: &AppState, article: &PublicArticle, rendered: &Rendered) {
        let Some(generation) = self.generation else { return };
        let cache = &state.public_cache;
        let by_id = format!("{ARTICLES_PATH}/{}", article.id);
        let by_slug = format!("{ARTICLES_PATH}/{}", article.content.slug);
        if !cache.put(by_id.clone(), generation, lifetime(article, self.responses), rendered.clone()) {
            return;
        }
        if uuid::Uuid::try_parse(&article.content.slug).is_err() && self.key != by_slug {
            cache.same_as(by_slug, generation, by_id.clone());
        }
        // The address asked (the slug's, or another spelling of either); `same_as`
        // ignores a pointer from the id's address to itself.
        cache.same_as(self.key, generation, by_id);
    }
}

/// How long an article's answer holds, built when `responses` had been counted.
fn lifetime(article: &PublicArticle, responses: u64) -> Lifetime {
    Lifetime {
        until: article.until,
        by_itself: article.changes_by_itself(),
        responses: article.shows_results.then_some(responses),
    }
}

/// The public representation of an article, and, when it embeds a poll or a sponsored
/// block, the seconds until it next changes by itself (no cache may keep it longer).
pub fn public_article_response(
    article: &PublicArticle,
    now: DateTime<Utc>,
    media: &MediaSettings,
) -> (PublicArticleResponse, Option<i64>) {
    let expires_in = lifetime(article, 0).expires_in(now);
    let summary = summary(&article.summary(), media);
    let structured_data = structured_data::news_article(article, summary.hero_image.as_ref(), media);
    let body = PublicArticleResponse {
        summary,
        body: article
            .body
            .iter()
            .map(|b| match b {
                PublicBlock::Content(block) => PublicBodyBlock::Content(block.clone()),
                PublicBlock::Image(image) => {
                    PublicBodyBlock::Image(PublicImageBlock { kind: "image", image: PublicImage::new(image, media) })
                }
                PublicBlock::Sponsored(s) => PublicBodyBlock::Sponsored(ResolvedSponsoredBlock {
                    kind: "sponsored",
                    block_id: s.id.clone().into(),
                    sponsored: PublicSponsored::from(s.as_ref()),
                }),
                PublicBlock::Poll(p) => PublicBodyBlock::Poll(ResolvedPollBlock {
                    kind: "poll",
                    poll_id: p.poll.id.clone().into(),
                    poll: PublicPollResponse::from(p.as_ref().clone()),
                }),
            })
            .collect(),
        seo: article.content.seo.clone(),
        first_published_at: article.first_published_at,
        corrections: article.corrections.iter().map(PublicCorrection::from).collect(),
        structured_data,
    };
    (body, expires_in)
}
