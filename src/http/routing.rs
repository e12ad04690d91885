//! The route table: answers 405 with `Allow` for a known path with another method,
//! and 400 for query parameters the operation does not declare. It is built from the
//! handlers mounted (`Collector`), so it cannot disagree with what is served.

use std::sync::OnceLock;

use actix_web::http::Method;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::{HttpMethod, ParameterIn};

use crate::error::{ApiError, FieldError};

#[derive(Debug, Clone, PartialEq)]
struct Route {
    /// `None` stands for a `{parameter}` segment.
    segments: Vec<Option<String>>,
    /// Each method with the query parameters it accepts.
    methods: Vec<(Method, Query)>,
}

impl Route {
    /// The route of an OpenAPI path (`/articles/{id}`) with its methods.
    fn new(path: &str, methods: Vec<(Method, Query)>) -> Route {
        let segments = split(path)
            .into_iter()
            .map(|s| if s.starts_with('{') && s.ends_with('}') { None } else { Some(s.to_string()) })
            .collect();
        Route { segments, methods }
    }

    fn matches(&self, segments: &[&str]) -> bool {
        self.segments.len() == segments.len()
            && self.segments.iter().zip(segments).all(|(want, got)| match want {
                Some(literal) => literal == got,
                None => !got.is_empty(),
            })
    }

    fn literal_count(&self) -> usize {
        self.segments.iter().filter(|s| s.is_some()).count()
    }
}

/// The query parameters one operation declares. Read from its `#[utoipa::path]` when
/// a request first needs them: reading every operation's at start-up would page in the
/// code that describes them all, and keep it resident while the server idles.
#[derive(Debug, Clone)]
struct Query {
    declared: fn() -> Vec<String>,
    names: OnceLock<Vec<String>>,
}

impl Query {
    fn of<T: utoipa::Path>() -> Query {
        Query { declared: query_parameters::<T>, names: OnceLock::new() }
    }

    fn known(names: Vec<String>) -> Query {
        Query { declared: Vec::new, names: OnceLock::from(names) }
    }

    fn names(&self) -> &[String] {
        self.names.get_or_init(self.declared)
    }
}

impl PartialEq for Query {
    fn eq(&self, other: &Query) -> bool {
        self.names() == other.names()
    }
}

fn query_parameters<T: utoipa::Path>() -> Vec<String> {
    let parameters = T::operation().parameters.unwrap_or_default();
    parameters
        .into_iter()
        .filter_map(|p| match p {
            RefOr::T(p) if p.parameter_in == ParameterIn::Query => Some(p.name),
            _ => None,
        })
        .collect()
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RouteTable {
    routes: Vec<Route>,
}

/// Collects the route table from the same list of handlers that the app mounts
/// (`all_routes!` in `http`): each handler's `#[utoipa::path]` gives its path, its
/// methods and the query parameters it declares (the one allow-list), the latter when
/// first needed. Only those are read: the document (its components, examples and
/// rules) is never built.
#[derive(Debug, Default)]
pub struct Collector {
    prefix: String,
    /// (path, method, query parameters), in mounting order.
    operations: Vec<(String, Method, Query)>,
}

/// The collecting counterpart of `actix_web::web::scope`.
pub fn scope(prefix: &str) -> Collector {
    Collector { prefix: prefix.to_string(), operations: Vec::new() }
}

/// What `Collector::service` takes: a handler, or a scope of them.
pub trait Mounted {
    fn collect_into(self, into: &mut Collector);
}

impl<T: utoipa::Path> Mounted for T {
    fn collect_into(self, into: &mut Collector) {
        let query = Query::of::<T>();
        let path = format!("{}{}", into.prefix, T::path());
        for method in T::methods() {
            into.operations.push((path.clone(), http_method(&method), query.clone()));
        }
    }
}

impl Mounted for Collector {
    fn collect_into(self, into: &mut Collector) {
        for (path, method, query) in self.operations {
            into.operations.push((format!("{}{path}", into.prefix), method, query));
        }
    }
}

impl Collector {
    pub fn service(mut self, mounted: impl Mounted) -> Collector {
        mounted.collect_into(&mut self);
        self
    }

    /// The table, one route per path with each of its methods.
    pub fn into_table(self) -> RouteTable {
        let mut table = RouteTable::default();
        let mut paths: Vec<String> = Vec::new();
        for (path, method, query) in self.operations {
            match paths.iter().position(|p| *p == path) {
                Some(at) => table.routes[at].methods.push((method, query)),
                None => {
                    table.routes.push(Route::new(&path, vec![(method, query)]));
                    paths.push(path);
                }
            }
        }
        table
    }
}

fn http_method(method: &HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

impl RouteTable {
    /// Adds a route served outside the spec (the spec document itself).
    pub fn add(&mut self, path: &str, methods: &[Method]) {
        self.routes.push(Route {
            segments: split(path).into_iter().map(|s| Some(s.to_string())).collect(),
            methods: methods.iter().map(|m| (m.clone(), Query::known(Vec::new()))).collect(),
        });
    }

    /// `Ok` when the request may proceed (including paths the spec does not know,
    /// which the router answers itself); otherwise the problem to answer with.
    pub fn check(&self, method: &Method, path: &str, query: &str) -> Result<(), ApiError> {
        let segments = split(path);
        let mut matching: Vec<&Route> = self.routes.iter().filter(|r| r.matches(&segments)).collect();
        if matching.is_empty() {
            return Ok(());
        }
        // A literal segment wins over a parameter (`/articles/lookup` over
        // `/articles/{id}`): only the most specific routes decide. (The router itself
        // tries routes in the order they are registered, so the literal one comes first.)
        let most = matching.iter().map(|r| r.literal_count()).max().unwrap_or(0);
        matching.retain(|r| r.literal_count() == most);
        let Some(allowed) = matching.iter().find_map(|r| r.methods.iter().find(|(m, _)| m == method)) else {
            let mut allow: Vec<String> =
                matching.iter().flat_map(|r| r.methods.iter().map(|(m, _)| m.to_string())).collect();
            allow.sort();
            allow.dedup();
            return Err(ApiError::MethodNotAllowed { allow });
        };
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        if let Some((k, _)) =
            pairs.iter().find(|(k, v)| allowed.1.names().contains(k) && v.chars().any(char::is_control))
        {
            return Err(ApiError::invalid(k.clone(), "must not contain control characters"));
        }
        let unknown: Vec<String> =
            pairs.into_iter().map(|(k, _)| k).filter(|k| !allowed.1.names().contains(k)).collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let detail = format!("Unknown query parameter(s): {}.", unknown.join(", "));
        Err(ApiError::BadRequest {
            code: "unknown_query_parameter",
            detail,
            errors: unknown.into_iter().map(|k| FieldError::new(k, "is not a known query parameter")).collect(),
        })
    }
}

fn split(path: &str) -> Vec<&str> {
    path.trim_start_matches('/').split('/').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The routes of a serialised OpenAPI document, each with its methods and their
    /// query parameters (the document as a plain JSON value is the oracle), in order.
    fn routes_of(json: &str) -> Vec<Route> {
        let document: serde_json::Value = serde_json::from_str(json).expect("JSON");
        let paths = document["paths"].as_object().expect("paths");
        let routes = paths
            .iter()
            .map(|(path, item)| {
                let methods = item.as_object().expect("a path item").iter().filter_map(|(key, op)| {
                    let verbs = ["get", "post", "put", "patch", "delete", "head", "options"];
                    let method =
                        verbs.contains(&key.as_str()).then(|| Method::from_bytes(key.to_uppercase().as_bytes()));
                    let method = method?.ok()?;
                    let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
                    let query = parameters.iter().filter(|p| p["in"] == "query");
                    Some((method, Query::known(query.filter_map(|p| p["name"].as_str().map(String::from)).collect())))
                });
                Route::new(path, methods.collect())
            })
            .collect();
        sorted(routes)
    }

    fn sorted(mut routes: Vec<Route>) -> Vec<Route> {
        for route in routes.iter_mut() {
            route.methods.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        }
        routes.sort_by_key(|r| format!("{:?}", r.segments));
        routes
    }

    /// The table built from the mounted handlers holds every path and operation of the
    /// generated document, each with the query parameters it declares, and nothing else.
    #[test]
    fn the_table_from_the_code_holds_every_operation_of_the_generated_document() {
        let got = sorted(crate::http::route_table().routes);
        assert!(got.len() > 40, "{} routes", got.len());
        assert!(got.iter().any(|r| r.methods.iter().any(|(_, query)| query.names().contains(&"cursor".to_string()))));
        assert_eq!(got, routes_of(&crate::http::openapi_json()));
    }

    /// And so the committed document's (held equal to the generated one by
    /// `committed_spec_matches_the_code`).
    #[test]
    fn the_table_from_the_code_is_the_committed_documents() {
        let committed = std::str::from_utf8(crate::startup::COMMITTED_SPEC).expect("UTF-8");
        assert_eq!(sorted(crate::http::route_table().routes), routes_of(committed));
    }

    fn table() -> RouteTable {
        RouteTable {
            routes: vec![
                Route {
                    segments: vec![Some("users".into())],
                    methods: vec![
                        (Method::GET, Query::known(vec!["limit".into()])),
                        (Method::POST, Query::known(vec![])),
                    ],
                },
                Route {
                    segments: vec![Some("users".into()), None],
                    methods: vec![(Method::GET, Query::known(vec![]))],
                },
            ],
        }
    }

    #[test]
    fn method_and_query_checks() {
        let t = table();
        assert!(t.check(&Method::GET, "/users", "limit=3").is_ok());
        assert!(matches!(t.check(&Method::GET, "/users", "limt=3"), Err(ApiError::BadRequest { .. })));
        assert!(matches!(t.check(&Method::PUT, "/users", ""), Err(ApiError::MethodNotAllowed { .. })));
        assert!(t.check(&Method::GET, "/users/abc", "").is_ok());
        assert!(t.check(&Method::GET, "/elsewhere", "x=1").is_ok());
    }
}
