//! The route table, read from the OpenAPI document (the route table *is* the spec):
//! answers 405 with `Allow` for a known path with another method, and 400 for query
//! parameters the operation does not declare.

use std::collections::BTreeMap;

use actix_web::http::Method;
use serde::Deserialize;

use crate::error::{ApiError, FieldError};

#[derive(Debug, Clone, PartialEq)]
struct Route {
    /// `None` stands for a `{parameter}` segment.
    segments: Vec<Option<String>>,
    /// Each method with the query parameters it accepts.
    methods: Vec<(Method, Vec<String>)>,
}

impl Route {
    /// The route of an OpenAPI path (`/articles/{id}`) with its methods.
    fn new(path: &str, methods: Vec<(Method, Vec<String>)>) -> Route {
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RouteTable {
    routes: Vec<Route>,
}

/// Just what the route table needs of a serialised OpenAPI document (serde skips the
/// rest without building it).
#[derive(Deserialize)]
struct DocumentPaths {
    paths: BTreeMap<String, PathMethods>,
}

#[derive(Deserialize)]
struct PathMethods {
    get: Option<OperationParameters>,
    post: Option<OperationParameters>,
    put: Option<OperationParameters>,
    patch: Option<OperationParameters>,
    delete: Option<OperationParameters>,
    head: Option<OperationParameters>,
    options: Option<OperationParameters>,
}

#[derive(Deserialize)]
struct OperationParameters {
    #[serde(default)]
    parameters: Vec<ParameterPlace>,
}

/// A parameter, or a `$ref` to one (which has neither field).
#[derive(Deserialize)]
struct ParameterPlace {
    name: Option<String>,
    #[serde(rename = "in")]
    place: Option<String>,
}

impl RouteTable {
    /// The table of a serialised document (`openapi/openapi.json`), read without
    /// building the document itself.
    pub fn from_json(document: &[u8]) -> Result<RouteTable, serde_json::Error> {
        let document: DocumentPaths = serde_json::from_slice(document)?;
        let routes = document
            .paths
            .iter()
            .map(|(path, item)| {
                Route::new(
                    path,
                    [
                        (Method::GET, &item.get),
                        (Method::POST, &item.post),
                        (Method::PUT, &item.put),
                        (Method::PATCH, &item.patch),
                        (Method::DELETE, &item.delete),
                        (Method::HEAD, &item.head),
                        (Method::OPTIONS, &item.options),
                    ]
                    .into_iter()
                    .filter_map(|(method, op)| {
                        let query = op.as_ref()?.parameters.iter().filter(|p| p.place.as_deref() == Some("query"));
                        Some((method, query.filter_map(|p| p.name.clone()).collect()))
                    })
                    .collect(),
                )
            })
            .collect();
        Ok(RouteTable { routes })
    }

    /// Adds a route served outside the spec (the spec document itself).
    pub fn add(&mut self, path: &str, methods: &[Method]) {
        self.routes.push(Route {
            segments: split(path).into_iter().map(|s| Some(s.to_string())).collect(),
            methods: methods.iter().map(|m| (m.clone(), Vec::new())).collect(),
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
        matching.sort_by_key(|r| std::cmp::Reverse(r.literal_count()));
        let Some(allowed) = matching.iter().find_map(|r| r.methods.iter().find(|(m, _)| m == method)) else {
            let mut allow: Vec<String> =
                matching.iter().flat_map(|r| r.methods.iter().map(|(m, _)| m.to_string())).collect();
            allow.sort();
            allow.dedup();
            return Err(ApiError::MethodNotAllowed { allow });
        };
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        if let Some((k, _)) = pairs.iter().find(|(k, v)| allowed.1.contains(k) && v.chars().any(char::is_control)) {
            return Err(ApiError::invalid(k.clone(), "must not contain control characters"));
        }
        let unknown: Vec<String> = pairs.into_iter().map(|(k, _)| k).filter(|k| !allowed.1.contains(k)).collect();
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

    /// The table holds every path and operation of the generated document, each with
    /// the query parameters it declares (the document as a plain JSON value is the
    /// oracle). The server reads the committed file, which `committed_spec` holds
    /// equal to the generated one.
    #[test]
    fn the_table_holds_every_operation_with_its_query_parameters() {
        let json = crate::http::openapi_json();
        let table = RouteTable::from_json(json.as_bytes()).expect("valid JSON");
        let document: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        let paths = document["paths"].as_object().expect("paths");
        let mut expected: Vec<Route> = paths
            .iter()
            .map(|(path, item)| {
                let methods = item.as_object().expect("a path item").iter().filter_map(|(key, op)| {
                    let verbs = ["get", "post", "put", "patch", "delete", "head", "options"];
                    let method =
                        verbs.contains(&key.as_str()).then(|| Method::from_bytes(key.to_uppercase().as_bytes()));
                    let method = method?.ok()?;
                    let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
                    let query = parameters.iter().filter(|p| p["in"] == "query");
                    Some((method, query.filter_map(|p| p["name"].as_str().map(String::from)).collect()))
                });
                Route::new(path, methods.collect())
            })
            .collect();
        let mut got = table.routes.clone();
        for routes in [&mut expected, &mut got] {
            for route in routes.iter_mut() {
                route.methods.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
            }
            routes.sort_by_key(|r| format!("{:?}", r.segments));
        }
        assert!(got.len() > 40, "{} routes", got.len());
        assert!(got.iter().any(|r| r.methods.iter().any(|(_, query)| query.contains(&"cursor".to_string()))));
        assert_eq!(got, expected);
    }

    fn table() -> RouteTable {
        RouteTable {
            routes: vec![
                Route {
                    segments: vec![Some("users".into())],
                    methods: vec![(Method::GET, vec!["limit".into()]), (Method::POST, vec![])],
                },
                Route { segments: vec![Some("users".into()), None], methods: vec![(Method::GET, vec![])] },
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
