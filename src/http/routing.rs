//! The route table, read from the OpenAPI document (the route table *is* the spec):
//! answers 405 with `Allow` for a known path with another method, and 400 for query
//! parameters the operation does not declare.

use actix_web::http::Method;
use utoipa::openapi::OpenApi;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};

use crate::error::{ApiError, FieldError};

#[derive(Debug, Clone)]
struct Route {
    /// `None` stands for a `{parameter}` segment.
    segments: Vec<Option<String>>,
    /// Each method with the query parameters it accepts.
    methods: Vec<(Method, Vec<String>)>,
}

impl Route {
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

#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<Route>,
}

fn operations(item: &PathItem) -> Vec<(Method, &Operation)> {
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
    .filter_map(|(method, op)| op.as_ref().map(|op| (method, op)))
    .collect()
}

fn query_parameters(op: &Operation) -> Vec<String> {
    op.parameters
        .iter()
        .flatten()
        .filter_map(|p| match p {
            RefOr::T(p) if p.parameter_in == ParameterIn::Query => Some(p.name.clone()),
            _ => None,
        })
        .collect()
}

impl RouteTable {
    pub fn from_openapi(api: &OpenApi) -> RouteTable {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| Route {
                segments: split(path)
                    .into_iter()
                    .map(|s| if s.starts_with('{') && s.ends_with('}') { None } else { Some(s.to_string()) })
                    .collect(),
                methods: operations(item).into_iter().map(|(m, op)| (m, query_parameters(op))).collect(),
            })
            .collect();
        RouteTable { routes }
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
