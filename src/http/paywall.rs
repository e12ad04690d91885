//! `/api/v1/paywall` (admins configure the meter), `/api/v1/offers` (admins and
//! commercial users), `/api/v1/public/articles/{slug}/access` (the meter's decision)
//! and `/api/v1/public/offers`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::paywall::{Eligibility, Messages, OfferSpec, OfferStatus, PaywallSettings, Period};
use crate::error::ApiError;
use crate::http::caller::{AdminOnly, Authenticated, Commercial};
use crate::http::conditional::{RequireIfMatch, public_json_until};
use crate::http::extract::{ApiJson, ApiQuery, client_ip, reader_id};
use crate::http::pagination::{self, Cursor, Listed, Page};
use crate::http::public::{PublicArticleResponse, public_article_response};
use crate::http::{non_null, nullable, time, versioned, with_location};
use crate::service::paywall::{self, Decision, Offer, OfferPatch};
use crate::state::AppState;

/// The meter's configuration.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "quota": 5, "period": "month", "counted_section_ids": null, "default_preview_blocks": 3,
    "messages": {"remaining_other": "You have {n} free articles left this month", "remaining_one": "You have {n} free article left this month",
        "last": "This is your last free article this month", "limit_reached": "You have reached your limit of {quota} free articles this month",
        "premium": "This article is for subscribers"}
}))]
pub struct PaywallBody {
    /// Free metered articles per period (0..=1000).
    pub quota: i64,
    /// Always `month`: a calendar month, UTC.
    pub period: Period,
    /// Sections whose articles count (with sub-sections); `null`: all.
    #[serde(default)]
    pub counted_section_ids: Option<Vec<String>>,
    /// Blocks shown publicly of gated articles that name no number.
    pub default_preview_blocks: i64,
    /// Omitted: the defaults.
    #[serde(default)]
    pub messages: Option<Messages>,
}

impl From<PaywallSettings> for PaywallBody {
    fn from(s: PaywallSettings) -> Self {
        PaywallBody {
            quota: s.quota,
            period: s.period,
            counted_section_ids: s.counted_section_ids.map(|v| v.into_iter().map(Into::into).collect()),
            default_preview_blocks: s.default_preview_blocks,
            messages: Some(s.messages),
        }
    }
}

/// Reads the meter's configuration (admins).
#[utoipa::path(
    tag = "paywall", operation_id = "getPaywall", security(("bearerAuth" = [])),
    responses((status = 200, description = "The configuration.", body = PaywallBody), (status = 403, description = "Admins only."))
)]
#[get("/paywall")]
pub async fn get_paywall(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
) -> Result<web::Json<PaywallBody>, ApiError> {
    Ok(web::Json(paywall::settings(&state).await?.into()))
}

/// Replaces the meter's configuration (admins).
#[utoipa::path(
    tag = "paywall", operation_id = "putPaywall", request_body = PaywallBody, security(("bearerAuth" = [])),
    responses((status = 200, description = "The new configuration.", body = PaywallBody), (status = 403, description = "Admins only."))
)]
#[put("/paywall")]
pub async fn put_paywall(
    admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    body: ApiJson<PaywallBody>,
) -> Result<web::Json<PaywallBody>, ApiError> {
    let b = body.into_inner()?;
    let settings = PaywallSettings {
        quota: b.quota,
        period: b.period,
        counted_section_ids: b.counted_section_ids.map(|v| v.into_iter().map(Into::into).collect()),
        default_preview_blocks: b.default_preview_blocks,
        messages: b.messages.unwrap_or_default(),
    };
    Ok(web::Json(paywall::put_settings(&state, &admin, settings).await?.into()))
}

/// An offer.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "name": "Autumn trial", "display_text": "Try 3 months for $9 - offer ends October 31",
    "price_minor": 900, "currency": "USD", "duration_months": 3, "trial": true, "starts_at": null, "ends_at": "2026-11-01T00:00:00Z",
    "eligibility": ["anonymous", "metered_out"], "status": "active", "created_at": "2026-09-01T00:00:00Z",
    "updated_at": "2026-09-01T00:00:00Z", "version": 1
}))]
pub struct OfferResponse {
    pub id: String,
    pub name: String,
    pub display_text: String,
    /// In the currency's minor unit (cents).
    pub price_minor: i64,
    /// ISO 4217.
    pub currency: String,
    pub duration_months: i64,
    pub trial: bool,
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub starts_at: Option<DateTime<Utc>>,
    /// Exclusive: past it the offer never shows.
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<DateTime<Utc>>,
    pub eligibility: Vec<Eligibility>,
    pub status: OfferStatus,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<Offer> for OfferResponse {
    fn from(o: Offer) -> Self {
        let s = o.spec;
        OfferResponse {
            id: o.id.into(),
            name: s.name,
            display_text: s.display_text,
            price_minor: s.price_minor,
            currency: s.currency,
            duration_months: s.duration_months,
            trial: s.trial,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            eligibility: s.eligibility,
            status: s.status,
            created_at: o.created_at,
            updated_at: o.updated_at,
            version: o.version,
        }
    }
}

fn offer_response(status: StatusCode, offer: Offer) -> HttpResponse {
    versioned(status, offer.version, &OfferResponse::from(offer))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Autumn trial", "display_text": "Try 3 months for $9 - offer ends October 31", "price_minor": 900,
    "currency": "USD", "duration_months": 3, "trial": true, "ends_at": "2026-11-01T00:00:00Z", "eligibility": ["anonymous", "metered_out"], "status": "active"}))]
pub struct CreateOfferRequest {
    pub name: String,
    pub display_text: String,
    pub price_minor: i64,
    pub currency: String,
    pub duration_months: i64,
    #[serde(default)]
    pub trial: bool,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub starts_at: Option<time::ClientTime>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<time::ClientTime>,
    /// At least one situation.
    pub eligibility: Vec<Eligibility>,
    /// Default `draft`.
    pub status: Option<OfferStatus>,
}

/// Fields to change; absent fields stay; the dates accept `null`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "paused"}))]
pub struct UpdateOfferRequest {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub display_text: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = i64)]
    pub price_minor: Option<i64>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = i64)]
    pub duration_months: Option<i64>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = bool)]
    pub trial: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub starts_at: Option<Option<time::ClientTime>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<Option<time::ClientTime>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<Eligibility>)]
    pub eligibility: Option<Vec<Eligibility>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = OfferStatus)]
    pub status: Option<OfferStatus>,
}

pub type OfferPage = Page<OfferResponse>;

impl Listed for OfferResponse {
    const PAGE: &'static str = "OfferPage";
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OfferPageQuery {
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists offers, newest first (admins and commercial users).
#[utoipa::path(
    tag = "offers", operation_id = "listOffers", params(OfferPageQuery), security(("bearerAuth" = [])),
    responses((status = 200, description = "A page of offers.", body = OfferPage), (status = 403, description = "Admins and commercial users only."))
)]
#[get("/offers")]
pub async fn list_offers(
    _user: Authenticated<Commercial>,
    state: web::Data<AppState>,
    query: ApiQuery<OfferPageQuery>,
) -> Result<web::Json<OfferPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let (items, next) = paywall::list_offers(&state, after, limit).await?;
    Ok(web::Json(Page::new(items.into_iter().map(OfferResponse::from).collect(), next)?))
}

/// Creates an offer.
#[utoipa::path(
    tag = "offers", operation_id = "createOffer", request_body = CreateOfferRequest, security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created.", body = OfferResponse, headers(
            ("Location" = String, description = "The new offer's URL."), ("ETag" = String, description = "The version, `\"1\"`."))),
        (status = 403, description = "Admins and commercial users only."),
    )
)]
#[post("/offers")]
pub async fn create_offer(
    user: Authenticated<Commercial>,
    state: web::Data<AppState>,
    body: ApiJson<CreateOfferRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner()?;
    let mut times = time::ClientTimes::default();
    let spec = OfferSpec {
        name: b.name,
        display_text: b.display_text,
        price_minor: b.price_minor,
        currency: b.currency,
        duration_months: b.duration_months,
        trial: b.trial,
        starts_at: times.take("starts_at", b.starts_at),
        ends_at: times.take("ends_at", b.ends_at),
        eligibility: b.eligibility,
        status: b.status.unwrap_or(OfferStatus::Draft),
    };
    times.check()?;
    let offer = paywall::create_offer(&state, &user, spec).await?;
    let location = format!("/api/v1/offers/{}", offer.id);
    with_location(offer_response(StatusCode::CREATED, offer), location)
}

/// Reads an offer.
#[utoipa::path(
    tag = "offers", operation_id = "getOffer", params(("id" = String, Path, description = "The offer's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The offer.", body = OfferResponse, headers(("ETag" = String, description = "The version."))),
        (status = 403, description = "Admins and commercial users only."),
        (status = 404, description = "No such offer."),
    )
)]
#[get("/offers/{id}")]
pub async fn get_offer(
    _user: Authenticated<Commercial>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(offer_response(StatusCode::OK, paywall::get_offer(&state, id.into_inner().into()).await?))
}

/// Changes an offer. Needs `If-Match`.
#[utoipa::path(
    tag = "offers", operation_id = "updateOffer",
    params(("id" = String, Path, description = "The offer's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    request_body = UpdateOfferRequest, security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The changed offer.", body = OfferResponse, headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Admins and commercial users only."),
        (status = 404, description = "No such offer."),
        (status = 412, description = "The offer changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[patch("/offers/{id}")]
pub async fn update_offer(
    user: Authenticated<Commercial>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: ApiJson<UpdateOfferRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    let b = body.into_inner()?;
    let mut times = time::ClientTimes::default();
    let patch = OfferPatch {
        name: b.name,
        display_text: b.display_text,
        price_minor: b.price_minor,
        currency: b.currency,
        duration_months: b.duration_months,
        trial: b.trial,
        starts_at: times.take_patch("starts_at", b.starts_at),
        ends_at: times.take_patch("ends_at", b.ends_at),
        eligibility: b.eligibility,
        status: b.status,
    };
    times.check()?;
    Ok(offer_response(
        StatusCode::OK,
        paywall::update_offer(&state, &user, id.into_inner().into(), if_match, patch).await?,
    ))
}

/// Deletes an offer. Needs `If-Match`.
#[utoipa::path(
    tag = "offers", operation_id = "deleteOffer",
    params(("id" = String, Path, description = "The offer's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Admins and commercial users only."),
        (status = 404, description = "No such offer."),
        (status = 412, description = "The offer changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[delete("/offers/{id}")]
pub async fn delete_offer(
    user: Authenticated<Commercial>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
) -> Result<HttpResponse, ApiError> {
    paywall::delete_offer(&state, &user, id.into_inner().into(), if_match.into_inner()?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An offer as readers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicOffer {
    pub id: String,
    pub display_text: String,
    pub price_minor: i64,
    pub currency: String,
    pub duration_months: i64,
    pub trial: bool,
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<DateTime<Utc>>,
}

impl From<&Offer> for PublicOffer {
    fn from(o: &Offer) -> Self {
        PublicOffer {
            id: o.id.to_string(),
            display_text: o.spec.display_text.clone(),
            price_minor: o.spec.price_minor,
            currency: o.spec.currency.clone(),
            duration_months: o.spec.duration_months,
            trial: o.spec.trial,
            ends_at: o.spec.ends_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicOfferList {
    pub items: Vec<PublicOffer>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PublicOffersQuery {
    /// Only offers for this situation (`anonymous`, `metered_out`, `trial_expired`,
    /// `lapsed`); empty or absent: all.
    pub context: Option<String>,
}

/// Offers live now, cheapest first.
#[utoipa::path(
    tag = "public", operation_id = "listPublicOffers", params(PublicOffersQuery),
    responses(
        (status = 200, description = "Live offers.", body = PublicOfferList,
            headers(("ETag" = String, description = "Changes with the answer."), ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
    )
)]
#[get("/public/offers")]
pub async fn public_offers(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ApiQuery<PublicOffersQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner()?;
    let context = match q.context.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            serde_json::from_value::<Eligibility>(serde_json::Value::String(raw.to_string()))
                .map_err(|_| ApiError::invalid("context", "must be anonymous, metered_out, trial_expired or lapsed"))?,
        ),
    };
    let now = state.clock.now();
    let offers = paywall::public_offers(&state, context).await?;
    // No cache may show an offer past its end.
    let expires_in = offers.iter().filter_map(|o| o.spec.ends_at).min().map(|end| (end - now).num_seconds());
    let body = PublicOfferList { items: offers.iter().map(PublicOffer::from).collect() };
    public_json_until(&req, state.settings.public_max_age, Some(expires_in.unwrap_or(i64::MAX)), &body)
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessDecision {
    /// Free to read (free article, subscriber, or a section the meter ignores).
    Granted,
    /// Read on the meter (counted once per article and month).
    Metered,
    /// Not readable now: no body.
    Denied,
}

/// The meter's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessResponse {
    pub decision: AccessDecision,
    /// Free metered articles left this period.
    pub articles_left: i64,
    pub quota: i64,
    #[serde(serialize_with = "time::rfc3339")]
    pub period_ends_at: DateTime<Utc>,
    /// The paywall copy for this situation, or `null`.
    pub message: Option<String>,
    /// The whole article, only when the reader may read it.
    pub body: Option<PublicArticleResponse>,
    /// The best live offer for the reader's situation, or `null`.
    pub offer: Option<PublicOffer>,
}

/// Asks the meter whether this reader may read the article, and shows what they may.
/// New metered reads also count per client address and day: past the allowance the
/// answer is `denied`, whatever reader id is sent.
#[utoipa::path(
    tag = "public", operation_id = "requestArticleAccess",
    params(
        ("slug" = String, Path, description = "The article's slug."),
        ("X-Reader-Id" = String, Header, format = "uuid", description = "The reader's UUID, kept by the frontend."),
        ("Authorization" = Option<String>, Header, description = "Optional `Bearer <reader token>` from the publisher's subscription system."),
    ),
    responses(
        (status = 200, description = "The decision.", body = AccessResponse),
        (status = 404, description = "No live article has this slug."),
        (status = 422, description = "X-Reader-Id is missing or not a UUID."),
    )
)]
#[post("/public/articles/{slug}/access")]
pub async fn request_access(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let reader = reader_id(&req)?.ok_or_else(|| ApiError::invalid("X-Reader-Id", "is required: the reader's UUID"))?;
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string());
    let address = client_ip(&req, &state.settings.trusted_proxies);
    let outcome = paywall::access(&state, slug.into_inner(), reader, token, address).await?;
    let body = AccessResponse {
        decision: match outcome.decision {
            Decision::Granted => AccessDecision::Granted,
            Decision::Metered => AccessDecision::Metered,
            Decision::Denied => AccessDecision::Denied,
        },
        articles_left: outcome.articles_left,
        quota: outcome.quota,
        period_ends_at: outcome.period_ends_at,
        message: outcome.message,
        body: outcome.article.map(|a| public_article_response(&a, state.clock.now(), &state.settings.media).0),
        offer: outcome.offer.as_ref().map(PublicOffer::from),
    };
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "private, no-store")).json(body))
}
