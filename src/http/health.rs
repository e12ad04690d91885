//! `/healthz` (the process is up) and `/readyz` (the database answers).

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct HealthResponse {
    /// `ok` or `ready`.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness: answers as long as the process serves requests.
#[utoipa::path(tag = "operations", operation_id = "healthz", responses((status = 200, description = "The process is up.", body = HealthResponse, example = json!({"status": "ok"}))))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(HealthResponse { status: "ok" })
}

/// Readiness: answers 200 when the database answers and can store; 503 otherwise,
/// `storage_unavailable` when it cannot store (disk full, read-only).
#[utoipa::path(tag = "operations", operation_id = "readyz", responses(
    (status = 200, description = "The database is reachable and takes writes.", body = HealthResponse, example = json!({"status": "ready"})),
))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    crate::service::ready(&state).await?;
    Ok(HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(HealthResponse { status: "ready" }))
}
