//! Builds the actix application (`build_app`) and runs the server (`serve`): the
//! middleware (route guard, problem+json for every error, CORS, access log), the
//! docs UI and the fallback 404.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_cors::Cors;
use actix_service::{IntoServiceFactory, ServiceFactoryExt, fn_service, map_config};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::AppConfig;
use actix_web::dev::{Server, Service, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{ConnectionType, KeepAlive, Method, header};
use actix_web::middleware::{Condition, DefaultHeaders};
use actix_web::{App, web};
use futures_util::future::LocalBoxFuture;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Settings;
use crate::connection::ProblemIo;
use crate::error::ApiError;
use crate::http::{self, routing::RouteTable};
use crate::metrics::Metrics;
use crate::state::AppState;

/// What every worker shares: computed once at start.
#[derive(Clone)]
pub struct Shared {
    pub state: web::Data<AppState>,
    pub routes: Arc<RouteTable>,
    pub drain: Arc<Drain>,
}

/// The requests being answered (counted from when their headers have arrived until
/// their response is handed to the connection), and whether the server is draining
/// for a shutdown: then every response closes its connection.
#[derive(Debug, Default)]
pub struct Drain {
    in_flight: AtomicUsize,
    draining: AtomicBool,
}

impl Drain {
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    fn draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }
}

/// One request in flight, until dropped.
struct InFlight(Arc<Drain>);

impl InFlight {
    fn enter(drain: &Arc<Drain>) -> InFlight {
        drain.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(drain.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The committed OpenAPI document, which tests hold equal to what the code generates
/// (`committed_spec_matches_the_code`). Served as it is, and printed by `masthead
/// openapi`: generating the document at start-up would keep heap memory resident for
/// the life of the process, and the binary would carry the code that generates it
/// (docs/performance.md).
pub const COMMITTED_SPEC: &[u8] = include_bytes!("../openapi/openapi.json");

impl Shared {
    pub fn new(state: AppState) -> Shared {
        let mut routes = http::route_table();
        routes.add("/openapi.json", &[Method::GET]);
        Shared { state: web::Data::new(state), routes: Arc::new(routes), drain: Arc::default() }
    }
}

pub fn build_app(
    shared: Shared,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let settings = &shared.state.settings;
    let routes = shared.routes.clone();
    let drain = shared.drain.clone();
    let access_log = settings.access_log;
    let metrics = shared.state.metrics.clone();
    let cors_enabled = !settings.cors_origins.is_empty();
    let app = http::serve_routes(App::new());
    app.app_data(shared.state.clone())
        .app_data(web::PayloadConfig::new(settings.max_body_bytes))
        .service(SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::from("/openapi.json")))
        .route("/openapi.json", web::get().to(openapi_json))
        .service(web::redirect("/docs", "/docs/"))
        .configure(http::admin::mount)
        .default_service(web::to(|| async { Err::<actix_web::HttpResponse, _>(ApiError::not_found("Resource")) }))
        .wrap_fn(move |req, srv| front_door(req, srv, &routes, &drain, access_log, metrics.clone(), cors_enabled))
        // Outermost, so that every answer (errors included) carries the CORS headers.
        .wrap(Condition::new(!settings.cors_origins.is_empty(), cors(settings)))
        // Browsers must take every answer as the type it says (JSON, problem+json,
        // CSV), never sniff it into HTML.
        .wrap(DefaultHeaders::new().add((header::X_CONTENT_TYPE_OPTIONS, "nosniff")))
}

async fn openapi_json() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().content_type("application/json").body(web::Bytes::from_static(COMMITTED_SPEC))
}

/// The outermost layer: answers 405/400 from the route table before routing, turns
/// every error (ours or actix's) into problem+json with `instance`, logs the request.
/// A CORS preflight is the CORS layer's to answer; with no origins configured, it is
/// answered 204 with no CORS headers (so the browser keeps the cross-origin request
/// from being sent), not 404 as if the resource did not exist.
fn front_door<S, B>(
    mut req: ServiceRequest,
    srv: &S,
    routes: &RouteTable,
    drain: &Arc<Drain>,
    access_log: bool,
    metrics: Option<Arc<Metrics>>,
    cors_enabled: bool,
) -> LocalBoxFuture<'static, Result<ServiceResponse<BoxBody>, actix_web::Error>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    let started = Instant::now();
    let in_flight = InFlight::enter(drain);
    // HEAD is GET without a body (the HTTP layer drops the body for a HEAD request).
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    let method = req.method().clone();
    let path = req.path().to_string();
    // What the router matches: percent-decoded (so /heal%74hz is /healthz here too).
    let decoded = req.match_info().as_str().to_string();
    let preflight = method == Method::OPTIONS && req.headers().contains_key(header::ORIGIN);
    let unanswered_preflight =
        preflight && !cors_enabled && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let checked = if preflight && cors_enabled {
        Ok(())
    } else if decoded.chars().any(char::is_control) {
        Err(ApiError::not_found("Resource"))
    } else if unanswered_preflight {
        Ok(())
    } else {
        routes.check(&method, &decoded, req.query_string())
    };
    let inner = match checked {
        Err(problem) => Err(req.into_response(problem.to_response(Some(&path)))),
        Ok(()) if unanswered_preflight => Err(req.into_response(actix_web::HttpResponse::NoContent().finish())),
        Ok(()) => Ok(srv.call(req)),
    };
    Box::pin(async move {
        let mut res = match inner {
            Err(answered) => answered,
            Ok(fut) => match fut.await {
                Ok(res) => problem_json(res, &path),
                // No request left to attach: the server renders this one (still problem+json).
                Err(err) => return Err(problem_for(&err).into()),
            },
        };
        if let Some(metrics) = metrics {
            metrics.observe(&method, res.request().match_pattern(), res.status(), started.elapsed());
        }
        if access_log {
            tracing::info!(
                method = %method, path = %logged_path(&path), status = res.status().as_u16(),
                micros = started.elapsed().as_micros() as u64, "request"
            );
        }
        if in_flight.0.draining() {
            res.response_mut().head_mut().set_connection_type(ConnectionType::Close);
        }
        drop(in_flight);
        Ok(res)
    })
}

/// The path as the access log writes it. A preview token opens unpublished text to
/// whoever holds it, so the log keeps only where it was asked, never the token.
fn logged_path(path: &str) -> std::borrow::Cow<'_, str> {
    let prefix = http::previews::PUBLIC_PREVIEW_PATH;
    match path.strip_prefix(prefix) {
        Some(rest) if rest.starts_with('/') => format!("{prefix}/{{token}}").into(),
        _ => path.into(),
    }
}

fn problem_for(err: &actix_web::Error) -> ApiError {
    match err.as_error::<ApiError>() {
        Some(api) => clone_error(api),
        None => ApiError::from_status(err.as_response_error().status_code()),
    }
}

/// Re-renders an error response as problem+json carrying `instance` (keeping the
/// headers inner layers set), including plain-text errors from outside our code.
fn problem_json<B: MessageBody + 'static>(mut res: ServiceResponse<B>, path: &str) -> ServiceResponse<BoxBody> {
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json") || ct.starts_with("application/problem+json"));
    let replacement = match res.response().error() {
        Some(err) => Some(problem_for(err)),
        None if (status.is_client_error() || status.is_server_error()) && !is_json => {
            Some(ApiError::from_status(status))
        }
        None => None,
    };
    let Some(problem) = replacement else {
        if res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v == "application/json") {
            res.headers_mut()
                .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json; charset=utf-8"));
        }
        return res.map_into_boxed_body();
    };
    let (req, old) = res.into_parts();
    let mut response = problem.to_response(Some(path));
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH && !response.headers().contains_key(name) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(req, response)
}

/// `ApiError` is not `Clone` (it may carry causes); rendering needs only its response.
fn clone_error(err: &ApiError) -> ApiError {
    match err {
        ApiError::BadRequest { code, detail, errors } => {
            ApiError::BadRequest { code, detail: detail.clone(), errors: errors.clone() }
        }
        ApiError::Unauthorized { code, detail } => ApiError::Unauthorized { code, detail: detail.clone() },
        ApiError::MissingToken => ApiError::MissingToken,
        ApiError::Forbidden { code, detail } => ApiError::Forbidden { code, detail: detail.clone() },
        ApiError::NotFound { detail } => ApiError::NotFound { detail: detail.clone() },
        ApiError::MethodNotAllowed { allow } => ApiError::MethodNotAllowed { allow: allow.clone() },
        ApiError::Conflict { code, detail } => ApiError::Conflict { code, detail: detail.clone() },
        ApiError::PreconditionFailed { current_etag } => {
            ApiError::PreconditionFailed { current_etag: current_etag.clone() }
        }
        ApiError::PreconditionRequired => ApiError::PreconditionRequired,
        ApiError::PayloadTooLarge { limit } => ApiError::PayloadTooLarge { limit: *limit },
        ApiError::RequestTimeout { secs } => ApiError::RequestTimeout { secs: *secs },
        ApiError::Overloaded => ApiError::Overloaded,
        ApiError::UnsupportedMediaType { detail } => ApiError::UnsupportedMediaType { detail: detail.clone() },
        ApiError::Validation(errors) => ApiError::Validation(errors.clone()),
        ApiError::Unprocessable { code, detail } => ApiError::Unprocessable { code, detail: detail.clone() },
        ApiError::Busy { detail } => ApiError::Busy { detail: detail.clone() },
        ApiError::TooManyRequests { detail, retry_after_secs } => {
            ApiError::TooManyRequests { detail: detail.clone(), retry_after_secs: *retry_after_secs }
        }
        // Already logged when first rendered.
        ApiError::Unavailable(_) => ApiError::Unavailable(String::new()),
        ApiError::StorageUnavailable(_) => ApiError::StorageUnavailable(String::new()),
        ApiError::Internal(_) => ApiError::Internal(String::new()),
    }
}

fn cors(settings: &Settings) -> Cors {
    let mut cors = Cors::default()
        .block_on_origin_mismatch(false)
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("x-reader-id"),
        ])
        .expose_headers([header::ETAG, header::LOCATION, header::RETRY_AFTER])
        .max_age(3600);
    for origin in &settings.cors_origins {
        cors = if origin == "*" { cors.allow_any_origin() } else { cors.allowed_origin(origin) };
    }
    cors
}

/// Starts the HTTP server (not awaited here), with no signal handling of its own (`run`
/// adds it). Idle connections stay open for `keep_alive_secs`: actix's default of 5 s
/// is shorter than the idle timeouts of common load balancers, which then send a
/// request on a connection the server is closing.
pub fn serve(shared: Shared, listener: TcpListener) -> std::io::Result<Server> {
    let workers =
        shared.state.settings.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    // Database work runs on each worker's blocking threads, and each of those threads
    // holds a pooled connection while it runs: more threads than connections would only
    // wait for one (each with its own stack and allocator arena).
    let blocking = (shared.state.db.pool_size() as usize).div_ceil(workers).max(1);
    let settings = &shared.state.settings;
    let keep_alive = match settings.keep_alive_secs {
        0 => KeepAlive::Disabled,
        secs => KeepAlive::Timeout(Duration::from_secs(secs)),
    };
    let grace = settings.shutdown_grace_secs;
    let addr = listener.local_addr()?;
    if settings.webhooks.deliver {
        crate::delivery::spawn(shared.state.get_ref().clone());
    }
    // What actix-web's HttpServer does, with each connection's socket wrapped so that
    // the answers actix-http gives before the app are problem+json too.
    let server = actix_server::Server::build()
        .workers(workers)
        .worker_max_blocking_threads(blocking)
        .shutdown_timeout(grace)
        .disable_signals()
        .listen("masthead", listener, move || {
            let host = addr.to_string();
            let app = build_app(shared.clone()).into_factory().map_err(|err| err.error_response());
            let http = actix_http::HttpService::build()
                .keep_alive(keep_alive)
                .client_request_timeout(Duration::from_secs(5))
                .client_disconnect_timeout(Duration::from_secs(1))
                .local_addr(addr)
                .h1(map_config(app, move |_| AppConfig::__priv_test_new(false, host.clone(), addr)));
            fn_service(|io: actix_web::rt::net::TcpStream| async move {
                let peer = io.peer_addr().ok();
                Ok::<_, actix_http::error::DispatchError>((ProblemIo::new(io), peer))
            })
            .and_then(http)
        })?;
    Ok(server.run())
}

/// Serves until a signal. SIGTERM drains: the listening socket is closed at once (new
/// connections are refused, so a load balancer moves on), requests in flight finish
/// for up to `shutdown_grace_secs` and close their connections, then the server stops;
/// idle keep-alive connections are closed then too, rather than holding the shutdown.
/// SIGINT and SIGQUIT stop at once.
///
/// actix's own SIGTERM handling is not used: it stops the accept thread and then the
/// workers, and a worker that sees the accept thread gone before its stop message
/// exits at once, dropping the requests it was answering.
pub async fn run(shared: Shared, listener: TcpListener) -> std::io::Result<()> {
    let drain = shared.drain.clone();
    let grace = Duration::from_secs(shared.state.settings.shutdown_grace_secs);
    let listening = listener.try_clone()?;
    // Listened for before the workers start, so that none is missed meanwhile.
    let signalled = stop_signal()?;
    let server = serve(shared, listener)?;
    let handle = server.handle();
    actix_web::rt::spawn(async move {
        let drain_first = signalled.await;
        if drain_first {
            drain.draining.store(true, Ordering::SeqCst);
            handle.pause().await;
            // The accept thread takes the pause in its own time; closing the socket
            // under it would log an accept error.
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
            if let Err(e) = socket2::SockRef::from(&listening).shutdown(std::net::Shutdown::Both) {
                tracing::warn!(error = %e, "could not close the listening socket");
            }
            tracing::info!(
                in_flight = drain.in_flight(),
                grace_secs = grace.as_secs(),
                "SIGTERM received: refusing new connections, finishing the requests in flight"
            );
            let started = Instant::now();
            while drain.in_flight() > 0 && started.elapsed() < grace {
                actix_web::rt::time::sleep(Duration::from_millis(20)).await;
            }
            if drain.in_flight() > 0 {
                tracing::warn!(in_flight = drain.in_flight(), "grace period over: closing requests still in flight");
            }
        }
        handle.stop(false).await;
    });
    server.await
}

/// Listens for SIGTERM, SIGINT and SIGQUIT; the future says which came first: true
/// for SIGTERM (drain first), false for the others (stop now).
#[cfg(unix)]
fn stop_signal() -> std::io::Result<LocalBoxFuture<'static, bool>> {
    use actix_web::rt::signal::unix::{SignalKind, signal};
    use futures_util::FutureExt;
    let (mut term, mut int, mut quit) =
        (signal(SignalKind::terminate())?, signal(SignalKind::interrupt())?, signal(SignalKind::quit())?);
    Ok(async move {
        let term = async move { term.recv().await.map(|_| true) }.boxed_local();
        let int = async move { int.recv().await.map(|_| false) }.boxed_local();
        let quit = async move { quit.recv().await.map(|_| false) }.boxed_local();
        let (which, ..) = futures_util::future::select_all([term, int, quit]).await;
        if which != Some(true) {
            tracing::info!("SIGINT or SIGQUIT received: stopping now");
        }
        which == Some(true)
    }
    .boxed_local())
}

#[cfg(not(unix))]
fn stop_signal() -> std::io::Result<LocalBoxFuture<'static, bool>> {
    use futures_util::FutureExt;
    Ok(async { actix_web::rt::signal::ctrl_c().await.map(|_| false).unwrap_or(false) }.boxed_local())
}

#[cfg(test)]
mod tests {
    use super::logged_path;

    #[test]
    fn preview_tokens_stay_out_of_the_access_log() {
        assert_eq!(logged_path("/api/v1/public/preview/s3cr3t-token"), "/api/v1/public/preview/{token}");
        assert_eq!(logged_path("/api/v1/public/preview/"), "/api/v1/public/preview/{token}");
        assert_eq!(logged_path("/api/v1/public/articles/a-slug"), "/api/v1/public/articles/a-slug");
        assert_eq!(logged_path("/api/v1/public/previews"), "/api/v1/public/previews");
    }
}
