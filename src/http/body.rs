//! Reading a request body: bounded in size (413), in time (408: a client that sends a
//! byte now and then must not hold a connection and its buffer for ever), and in the
//! memory that all bodies being read on this instance may hold together (503 past it,
//! so that many slow or large uploads cannot exhaust memory).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::HttpRequest;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use futures_util::StreamExt;

use crate::error::ApiError;
use crate::state::AppState;

/// What a body being read holds of the instance's bytes in flight (`AppState`),
/// given back when it is dropped.
struct Held {
    in_flight: Arc<AtomicUsize>,
    bytes: usize,
}

impl Held {
    /// Takes `n` more bytes of the budget; `false` when that goes past it.
    fn take(&mut self, n: usize, budget: usize) -> bool {
        self.bytes += n;
        self.in_flight.fetch_add(n, Ordering::SeqCst) + n <= budget
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.in_flight.fetch_sub(self.bytes, Ordering::SeqCst);
    }
}

/// The limits, from the settings.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_bytes: usize,
    pub timeout: Duration,
    pub budget: usize,
    in_flight: Arc<AtomicUsize>,
}

impl Limits {
    pub fn of(req: &HttpRequest) -> Limits {
        match req.app_data::<actix_web::web::Data<AppState>>() {
            Some(state) => Limits {
                max_bytes: state.settings.max_body_bytes,
                timeout: Duration::from_secs(state.settings.body_timeout_secs),
                budget: state.settings.body_memory_bytes,
                in_flight: state.bodies_in_flight.clone(),
            },
            None => Limits { max_bytes: 0, timeout: Duration::from_secs(1), budget: 0, in_flight: Arc::default() },
        }
    }
}

/// Reads the whole body within `limits`.
pub async fn read(declared: Option<usize>, mut payload: Payload, limits: Limits) -> Result<Bytes, ApiError> {
    let too_large = ApiError::PayloadTooLarge { limit: limits.max_bytes };
    if declared.is_some_and(|n| n > limits.max_bytes) {
        return Err(too_large);
    }
    let reading = async {
        let mut held = Held { in_flight: limits.in_flight.clone(), bytes: 0 };
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk =
                chunk.map_err(|_| ApiError::bad_request("unreadable_body", "The request body could not be read."))?;
            if body.len() + chunk.len() > limits.max_bytes {
                return Err(ApiError::PayloadTooLarge { limit: limits.max_bytes });
            }
            if !held.take(chunk.len(), limits.budget) {
                return Err(ApiError::Overloaded);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    };
    tokio::time::timeout(limits.timeout, reading)
        .await
        .map_err(|_| ApiError::RequestTimeout { secs: limits.timeout.as_secs() })?
}

/// The body's declared length, when the client sent one.
pub fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers().get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}
