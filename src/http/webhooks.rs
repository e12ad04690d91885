//! `/api/v1/webhooks` (admins): endpoints that hear Masthead's events, their delivery
//! log, redelivery and test events.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::id::{DeliveryId, WebhookId};
use crate::domain::webhook::{DeliveryState, EndpointFields, EventType};
use crate::error::ApiError;
use crate::http::caller::{AdminOnly, Authenticated};
use crate::http::conditional::RequireIfMatch;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{self, Cursor, Listed, Page};
use crate::http::{non_null, nullable, time, versioned, with_location};
use crate::service::webhooks::{self, Delivery, Endpoint, EndpointPatch};
use crate::state::AppState;

/// A webhook endpoint.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "url": "https://frontend.example.com/api/revalidate",
    "description": "Purge the CDN and re-render", "events": ["article.published", "article.updated", "article.unpublished"],
    "enabled": true, "created_at": "2026-12-04T09:30:00Z", "updated_at": "2026-12-04T09:30:00Z", "version": 1
}))]
pub struct WebhookResponse {
    pub id: String,
    /// Where events are posted.
    pub url: String,
    pub description: Option<String>,
    /// The event types sent to it.
    pub events: Vec<EventType>,
    /// Disabled endpoints are sent nothing; their pending deliveries wait.
    pub enabled: bool,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// Increases on every change; the ETag is `"<version>"`.
    pub version: i64,
}

impl From<Endpoint> for WebhookResponse {
    fn from(e: Endpoint) -> Self {
        WebhookResponse {
            id: e.id.into(),
            url: e.url,
            description: e.description,
            events: e.events,
            enabled: e.enabled,
            created_at: e.created_at,
            updated_at: e.updated_at,
            version: e.version,
        }
    }
}

/// A new endpoint, with its signing secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "url": "https://frontend.example.com/api/revalidate",
    "description": null, "events": ["article.published"], "enabled": true,
    "created_at": "2026-12-04T09:30:00Z", "updated_at": "2026-12-04T09:30:00Z", "version": 1,
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo="
}))]
pub struct CreatedWebhookResponse {
    #[serde(flatten)]
    pub webhook: WebhookResponse,
    /// The signing secret (Standard Webhooks: `whsec_` and base64 of the key). Keep it:
    /// it is never shown again.
    pub secret: String,
}

pub type WebhookPage = Page<WebhookResponse>;

impl Listed for WebhookResponse {
    const PAGE: &'static str = "WebhookPage";
}

/// One event's delivery to one endpoint.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60", "event_id": "msg_0193a1b2c3d47e5f8a9b0c1d2e3f4a61",
    "event_type": "article.published", "state": "delivered", "attempts": 1, "next_attempt_at": null,
    "last_attempt_at": "2026-12-04T09:30:01Z", "last_status": 200, "last_duration_ms": 84, "last_error": null,
    "created_at": "2026-12-04T09:30:00Z"
}))]
pub struct DeliveryResponse {
    pub id: String,
    /// The event's id: the `webhook-id` header of every attempt (receivers deduplicate by it).
    pub event_id: String,
    pub event_type: EventType,
    pub state: DeliveryState,
    /// Attempts made so far.
    pub attempts: i64,
    /// When the next attempt is due, while `pending`.
    #[serde(serialize_with = "time::rfc3339_opt")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "time::rfc3339_opt")]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The HTTP status the endpoint answered the last attempt with, if it answered.
    pub last_status: Option<i64>,
    /// How long the last attempt took.
    pub last_duration_ms: Option<i64>,
    /// Why the last attempt failed (a status, a timeout, a refused address).
    pub last_error: Option<String>,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
}

impl From<Delivery> for DeliveryResponse {
    fn from(d: Delivery) -> Self {
        DeliveryResponse {
            id: d.id.into(),
            event_id: d.event_id.into(),
            event_type: d.event_type,
            state: d.state,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_attempt_at: d.last_attempt_at,
            last_status: d.last_status,
            last_duration_ms: d.last_duration_ms,
            last_error: d.last_error,
            created_at: d.created_at,
        }
    }
}

pub type DeliveryPage = Page<DeliveryResponse>;

impl Listed for DeliveryResponse {
    const PAGE: &'static str = "DeliveryPage";
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://frontend.example.com/api/revalidate", "events": ["article.published", "article.updated", "article.unpublished"], "description": "Purge the CDN"}))]
pub struct CreateWebhookRequest {
    /// An absolute http(s) URL. Loopback, private, link-local and metadata addresses
    /// are refused unless the server allows them (`MASTHEAD_WEBHOOK_ALLOW_PRIVATE`).
    pub url: String,
    /// The event types to send (at least one).
    pub events: Vec<EventType>,
    pub description: Option<String>,
    /// Default `true`.
    pub enabled: Option<bool>,
}

/// Fields to change; absent fields stay. `description` accepts `null`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enabled": false}))]
pub struct UpdateWebhookRequest {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<EventType>)]
    pub events: Option<Vec<EventType>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = bool)]
    pub enabled: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListWebhooksQuery {
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListDeliveriesQuery {
    /// Only deliveries in this state.
    pub state: Option<DeliveryState>,
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn webhook_response(status: StatusCode, e: Endpoint) -> HttpResponse {
    versioned(status, e.version, &WebhookResponse::from(e))
}

/// Lists webhook endpoints, oldest first.
#[utoipa::path(
    tag = "webhooks", operation_id = "listWebhooks", params(ListWebhooksQuery), security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of endpoints.", body = WebhookPage),
        (status = 403, description = "Only admins manage webhooks."),
    )
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    query: ApiQuery<ListWebhooksQuery>,
) -> Result<web::Json<WebhookPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let (items, next) = webhooks::list(&state, after, limit).await?;
    Ok(web::Json(Page::new(items.into_iter().map(WebhookResponse::from).collect(), next)?))
}

/// Registers an endpoint. The answer holds its signing secret, shown this once.
#[utoipa::path(
    tag = "webhooks", operation_id = "createWebhook", request_body = CreateWebhookRequest, security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Registered.", body = CreatedWebhookResponse, headers(
            ("Location" = String, description = "The new endpoint's URL."),
            ("ETag" = String, description = "The endpoint's version, `\"1\"`."))),
        (status = 403, description = "Only admins manage webhooks."),
        (status = 409, description = "As many endpoints as the server keeps (`too_many_webhooks`)."),
    )
)]
#[post("/webhooks")]
pub async fn create_webhook(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    body: ApiJson<CreateWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner()?;
    let fields =
        EndpointFields { url: b.url, description: b.description, events: b.events, enabled: b.enabled.unwrap_or(true) };
    let (endpoint, secret) = webhooks::create(&state, fields).await?;
    let location = format!("/api/v1/webhooks/{}", endpoint.id);
    let version = endpoint.version;
    let body = CreatedWebhookResponse { webhook: endpoint.into(), secret };
    with_location(versioned(StatusCode::CREATED, version, &body), location)
}

/// Reads an endpoint (never its secret).
#[utoipa::path(
    tag = "webhooks", operation_id = "getWebhook", params(("id" = String, Path, description = "The endpoint's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The endpoint.", body = WebhookResponse, headers(("ETag" = String, description = "The version."))),
        (status = 403, description = "Only admins manage webhooks."),
        (status = 404, description = "No such endpoint."),
    )
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(webhook_response(StatusCode::OK, webhooks::get(&state, WebhookId::from(id.into_inner())).await?))
}

/// Changes an endpoint (its URL, events, description, or whether it is enabled).
/// Needs `If-Match`.
#[utoipa::path(
    tag = "webhooks", operation_id = "updateWebhook",
    params(("id" = String, Path, description = "The endpoint's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    request_body = UpdateWebhookRequest, security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The changed endpoint.", body = WebhookResponse, headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Only admins manage webhooks."),
        (status = 404, description = "No such endpoint."),
        (status = 412, description = "The endpoint changed since that ETag; the response carries the current one."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: ApiJson<UpdateWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    let b = body.into_inner()?;
    let patch = EndpointPatch { url: b.url, description: b.description, events: b.events, enabled: b.enabled };
    let endpoint = webhooks::update(&state, WebhookId::from(id.into_inner()), if_match, patch).await?;
    Ok(webhook_response(StatusCode::OK, endpoint))
}

/// Deletes an endpoint with its delivery log; what was pending for it is dropped.
/// Needs `If-Match`.
#[utoipa::path(
    tag = "webhooks", operation_id = "deleteWebhook",
    params(("id" = String, Path, description = "The endpoint's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Only admins manage webhooks."),
        (status = 404, description = "No such endpoint."),
        (status = 412, description = "The endpoint changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
) -> Result<HttpResponse, ApiError> {
    webhooks::delete(&state, WebhookId::from(id.into_inner()), if_match.into_inner()?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sends a `webhook.test` event to this endpoint (even a disabled one), as every
/// event is sent: signed, retried. The answer is its delivery, to follow in the log.
#[utoipa::path(
    tag = "webhooks", operation_id = "testWebhook", params(("id" = String, Path, description = "The endpoint's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 202, description = "Queued for delivery.", body = DeliveryResponse),
        (status = 403, description = "Only admins manage webhooks."),
        (status = 404, description = "No such endpoint."),
    )
)]
#[post("/webhooks/{id}/test")]
pub async fn test_webhook(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let delivery = webhooks::send_test(&state, WebhookId::from(id.into_inner())).await?;
    Ok(HttpResponse::Accepted().json(DeliveryResponse::from(delivery)))
}

/// An endpoint's delivery log, newest first.
#[utoipa::path(
    tag = "webhooks", operation_id = "listWebhookDeliveries",
    params(("id" = String, Path, description = "The endpoint's id."), ListDeliveriesQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of deliveries.", body = DeliveryPage),
        (status = 403, description = "Only admins manage webhooks."),
        (status = 404, description = "No such endpoint."),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: ApiQuery<ListDeliveriesQuery>,
) -> Result<web::Json<DeliveryPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let before = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let (items, next) = webhooks::deliveries(&state, WebhookId::from(id.into_inner()), before, q.state, limit).await?;
    Ok(web::Json(Page::new(items.into_iter().map(DeliveryResponse::from).collect(), next)?))
}

/// One delivery.
#[utoipa::path(
    tag = "webhooks", operation_id = "getWebhookDelivery",
    params(("id" = String, Path, description = "The endpoint's id."), ("delivery_id" = String, Path, description = "The delivery's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The delivery.", body = DeliveryResponse),
        (status = 403, description = "Only admins manage webhooks."),
        (status = 404, description = "No such endpoint or delivery."),
    )
)]
#[get("/webhooks/{id}/deliveries/{delivery_id}")]
pub async fn get_delivery(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<DeliveryResponse>, ApiError> {
    let (id, delivery) = path.into_inner();
    let d = webhooks::delivery(&state, WebhookId::from(id), DeliveryId::from(delivery)).await?;
    Ok(web::Json(d.into()))
}

/// Sends a delivered or failed event again, as a new delivery of the same event (the
/// same `webhook-id`).
#[utoipa::path(
    tag = "webhooks", operation_id = "redeliverWebhookDelivery",
    params(("id" = String, Path, description = "The endpoint's id."), ("delivery_id" = String, Path, description = "The delivery to send again.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 202, description = "Queued: the new delivery.", body = DeliveryResponse),
        (status = 403, description = "Only admins manage webhooks."),
        (status = 404, description = "No such endpoint or delivery."),
        (status = 409, description = "The delivery is still pending (`delivery_pending`)."),
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery) = path.into_inner();
    let d = webhooks::redeliver(&state, WebhookId::from(id), DeliveryId::from(delivery)).await?;
    Ok(HttpResponse::Accepted().json(DeliveryResponse::from(d)))
}
