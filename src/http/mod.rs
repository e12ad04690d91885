//! The HTTP surface: one file of handlers and DTOs per resource, the extractors, the
//! route table and the OpenAPI document. `routes` is the only place routes are mounted.

pub mod admin;
pub mod api_keys;
pub mod articles;
pub mod audit;
pub mod auth;
pub mod authors;
pub mod body;
pub mod caller;
pub mod conditional;
pub mod corrections;
pub mod extract;
pub mod feeds;
pub mod health;
pub mod media;
pub mod openapi;
pub mod openapi_rules;
pub mod pagination;
pub mod paywall;
pub mod polls;
pub mod previews;
pub mod public;
pub mod routing;
pub mod sections;
pub mod site;
pub mod sitemaps;
pub mod sponsored;
pub mod strict;
pub mod structured_data;
pub mod tags;
pub mod unique_keys;
pub mod users;
pub mod webhooks;

use actix_web::dev::{ServiceFactory, ServiceRequest};
use utoipa_actix_web::{UtoipaApp, scope};

/// Every documented route, listed once for all of its uses: `routes` (the app whose
/// spec is collected), `serve_routes` (the workers' app, which never builds one) and
/// `route_table` (what the front door checks methods and query parameters against).
/// Readers' routes come first: theirs is most of all traffic, and actix tries each
/// resource in turn (each with a path parameter by a regex match).
macro_rules! all_routes {
    ($app:expr, $scope:path) => {
        $app.service(health::healthz).service(health::readyz).service(
            $scope("/api/v1")
                .service(public::list_public_articles)
                .service(public::get_public_article)
                .service(public::related_articles)
                .service(previews::public_preview)
                .service(sections::public_sections)
                .service(sections::public_section)
                .service(site::public_site)
                .service(corrections::public_corrections)
                .service(tags::public_tag)
                .service(authors::public_author)
                .service(feeds::rss_feed)
                .service(feeds::atom_feed)
                .service(feeds::json_feed)
                .service(sitemaps::sitemap_index)
                .service(sitemaps::sitemap_page)
                .service(sitemaps::news_sitemap)
                .service(sponsored::public_sponsored)
                .service(sponsored::count_impression)
                .service(sponsored::count_click)
                .service(polls::public_poll)
                .service(polls::respond)
                .service(paywall::public_offers)
                .service(paywall::request_access)
                .service(media::media_rendition)
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(auth::create_session)
                .service(auth::refresh_session)
                .service(auth::delete_session)
                .service(auth::me)
                .service(auth::change_password)
                .service(users::list_users)
                .service(users::list_people)
                .service(users::create_user)
                .service(users::get_user)
                .service(users::update_user)
                .service(users::delete_user)
                .service(users::unlock_user)
                .service(sections::list_sections)
                .service(sections::create_section)
                .service(sections::get_section)
                .service(sections::update_section)
                .service(sections::delete_section)
                .service(articles::list_articles)
                .service(articles::create_article)
                .service(articles::lookup_article)
                .service(articles::get_article)
                .service(articles::update_article)
                .service(articles::delete_article)
                .service(articles::restore_article)
                .service(articles::submit_article)
                .service(articles::publish_article)
                .service(articles::unpublish_article)
                .service(articles::archive_article)
                .service(articles::list_revisions)
                .service(articles::get_revision)
                .service(articles::restore_revision)
                .service(authors::list_authors)
                .service(authors::create_author)
                .service(authors::get_author)
                .service(authors::update_author)
                .service(authors::delete_author)
                .service(tags::list_tags)
                .service(tags::create_tag)
                .service(tags::get_tag)
                .service(tags::update_tag)
                .service(tags::delete_tag)
                .service(tags::merge_tag)
                .service(corrections::list_corrections)
                .service(corrections::create_correction)
                .service(corrections::get_correction)
                .service(corrections::update_correction)
                .service(corrections::delete_correction)
                .service(previews::list_previews)
                .service(previews::create_preview)
                .service(previews::get_preview)
                .service(previews::revoke_preview)
                .service(sponsored::list_sponsored)
                .service(sponsored::create_sponsored)
                .service(sponsored::get_sponsored)
                .service(sponsored::update_sponsored)
                .service(sponsored::delete_sponsored)
                .service(sponsored::sponsored_revisions)
                .service(sponsored::sponsored_stats)
                .service(polls::list_polls)
                .service(polls::create_poll)
                .service(polls::get_poll)
                .service(polls::update_poll)
                .service(polls::delete_poll)
                .service(polls::poll_results)
                .service(polls::poll_responses)
                .service(paywall::get_paywall)
                .service(paywall::put_paywall)
                .service(site::get_site)
                .service(site::put_site)
                .service(paywall::list_offers)
                .service(paywall::create_offer)
                .service(paywall::get_offer)
                .service(paywall::update_offer)
                .service(paywall::delete_offer)
                .service(media::list_media)
                .service(media::upload_media)
                .service(media::get_media)
                .service(media::update_media)
                .service(media::delete_media)
                .service(webhooks::list_webhooks)
                .service(webhooks::create_webhook)
                .service(webhooks::get_webhook)
                .service(webhooks::update_webhook)
                .service(webhooks::delete_webhook)
                .service(webhooks::test_webhook)
                .service(webhooks::list_deliveries)
                .service(webhooks::get_delivery)
                .service(webhooks::redeliver)
                .service(api_keys::list_api_keys)
                .service(api_keys::create_api_key)
                .service(api_keys::get_api_key)
                .service(api_keys::revoke_api_key)
                .service(audit::list_audit_log)
                .service(audit::export_audit_log),
        )
    };
}

/// Mounts every documented route on an app that collects the OpenAPI document.
pub fn routes<T>(app: UtoipaApp<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    all_routes!(app, scope)
}

/// Mounts the same routes on a plain actix app: what each worker serves. Collecting the
/// document there too made each worker's allocator keep memory it never gave back (idle
/// memory).
pub fn serve_routes<T>(app: actix_web::App<T>) -> actix_web::App<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    all_routes!(app, actix_web::web::scope)
}

/// The route table of the mounted handlers, from their `#[utoipa::path]` metadata: a
/// handler added to `all_routes!` is routed at once, with no file to regenerate.
pub fn route_table() -> routing::RouteTable {
    all_routes!(routing::Collector::default(), routing::scope).into_table()
}

/// The OpenAPI document as the code generates it. The server and `masthead openapi` use
/// the committed `openapi/openapi.json`, which tests hold equal to this (`committed_spec`;
/// `UPDATE_OPENAPI=1` rewrites it).
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    use utoipa_actix_web::AppExt;
    let app = actix_web::App::new().into_utoipa_app().openapi(openapi::ApiDoc::openapi());
    let (_, mut api) = routes(app).split_for_parts();
    openapi::finish(&mut api);
    openapi_rules::apply(&mut api);
    api
}

/// The document as committed: pretty JSON with a final newline.
pub fn openapi_json() -> String {
    let mut json = serde_json::to_string_pretty(&openapi_document()).unwrap_or_default();
    json.push('\n');
    json
}

pub use crate::domain::patch::{non_null, nullable};

/// RFC 3339 UTC with `Z`, with fractional seconds only when there are any; and the
/// date-times clients send.
pub mod time {
    use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::domain::FieldError;
    use crate::error::ApiError;

    /// What a client's date-time must be: the message for every bad one.
    pub const EXPECTED: &str = "must be an RFC 3339 date-time, e.g. 2026-12-01T06:00:00Z";

    /// A date-time field of a request body as sent: RFC 3339 (what chrono's serde
    /// takes), or something else. Reading one never fails, so that `ClientTimes` names
    /// every bad field of a request rather than the first one serde stops at, and says
    /// what is expected rather than the parser's words ("premature end of input").
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct ClientTime(Option<DateTime<Utc>>);

    impl<'de> Deserialize<'de> for ClientTime {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let value = serde_json::Value::deserialize(deserializer)?;
            let parsed = value.as_str().and_then(|s| s.parse::<DateTime<FixedOffset>>().ok());
            Ok(ClientTime(parsed.map(|t| t.with_timezone(&Utc))))
        }
    }

    /// The date-times of one request: `take` each, then `check` (422 naming every field
    /// that was not a date-time) before using any.
    #[derive(Debug, Default)]
    pub struct ClientTimes(Vec<FieldError>);

    impl ClientTimes {
        pub fn take(&mut self, field: &str, time: Option<ClientTime>) -> Option<DateTime<Utc>> {
            let ClientTime(parsed) = time?;
            if parsed.is_none() {
                self.0.push(FieldError::new(field, EXPECTED));
            }
            parsed
        }

        /// A PATCH field: absent, `null` (clear it) or a date-time.
        pub fn take_patch(&mut self, field: &str, time: Option<Option<ClientTime>>) -> Option<Option<DateTime<Utc>>> {
            time.map(|time| self.take(field, time))
        }

        pub fn check(self) -> Result<(), ApiError> {
            if self.0.is_empty() { Ok(()) } else { Err(ApiError::Validation(self.0)) }
        }
    }

    pub fn rfc3339<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }

    pub fn rfc3339_opt<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => rfc3339(t, s),
            None => s.serialize_none(),
        }
    }
}

/// The longest `q` accepted by the article lists.
pub const MAX_QUERY_CHARS: usize = 200;

/// A search text: blank is no search, longer than `MAX_QUERY_CHARS` is a 422.
pub fn search_text(q: Option<String>) -> Result<Option<String>, crate::error::ApiError> {
    match q {
        Some(q) if q.chars().count() > MAX_QUERY_CHARS => {
            Err(crate::error::ApiError::invalid("q", format!("must be at most {MAX_QUERY_CHARS} characters")))
        }
        Some(q) if !q.trim().is_empty() => Ok(Some(q)),
        _ => Ok(None),
    }
}

/// Adds `Location` to a 201 (ids are ours, so the header is always valid).
pub fn with_location(
    mut res: actix_web::HttpResponse,
    location: String,
) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
    let value = actix_web::http::header::HeaderValue::from_str(&location).map_err(crate::error::ApiError::internal)?;
    res.headers_mut().insert(actix_web::http::header::LOCATION, value);
    Ok(res)
}

/// A JSON response with the resource's version as its ETag.
pub fn versioned<T: serde::Serialize>(
    status: actix_web::http::StatusCode,
    version: i64,
    body: &T,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::build(status)
        .insert_header((actix_web::http::header::ETAG, conditional::etag(version)))
        .json(body)
}
