//! The committed spec equals the generated one, and the spec tells the truth.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::TestApp;

fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json")
}

fn spec() -> Value {
    serde_json::from_str(&masthead::http::openapi_json()).unwrap()
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                ops.push((path.clone(), method.to_string(), op.clone()));
            }
        }
    }
    ops
}

#[test]
fn committed_spec_matches_the_code() {
    let generated = masthead::http::openapi_json();
    let path = committed_path();
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json differs from the code: refresh it with `UPDATE_OPENAPI=1 cargo test --test api committed_spec`"
    );
}

#[test]
fn every_operation_is_fully_described() {
    let spec = spec();
    assert_eq!(spec["openapi"], "3.1.0");
    assert_eq!(spec["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
    let mut ids = std::collections::HashSet::new();
    for (path, method, op) in operations(&spec) {
        let at = format!("{method} {path}");
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{at}: no operationId"));
        assert!(
            id.chars().next().unwrap().is_ascii_lowercase() && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "{at}: {id} is not camelCase"
        );
        assert!(ids.insert(id.to_string()), "{at}: duplicate operationId {id}");
        assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{at}: no tag");
        assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{at}: no summary");
        let responses = op["responses"].as_object().unwrap();
        for status in ["400", "500"] {
            assert!(responses.contains_key(status), "{at}: {status} undocumented");
        }
        // Security is declared on every operation: the bearer token, or explicitly none
        // (the public delivery API, health, and the token endpoints themselves).
        let security = op["security"].as_array().unwrap_or_else(|| panic!("{at}: security undeclared"));
        let public = path.starts_with("/api/v1/public/")
            || ["/healthz", "/readyz", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout"]
                .contains(&path.as_str());
        if public {
            assert!(security.is_empty(), "{at}: a public operation declares security");
        } else {
            assert_eq!(security, &vec![json!({"bearerAuth": []})], "{at}: not secured by the bearer token");
            assert!(responses.contains_key("401"), "{at}: 401 undocumented");
        }
        if op.get("requestBody").is_some() {
            for status in ["413", "415", "422"] {
                assert!(responses.contains_key(status), "{at}: {status} undocumented");
            }
            let content = &op["requestBody"]["content"]["application/json"];
            assert!(content.get("schema").is_some(), "{at}: request body without schema");
            assert!(content["example"].is_object(), "{at}: request body without an example");
        }
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                let problem = response.get("$ref").is_some()
                    || response["content"]["application/problem+json"]["schema"]["$ref"]
                        == "#/components/schemas/Problem";
                assert!(problem, "{at}: {status} is not a problem response");
            }
            if status.starts_with('2') {
                for (media, content) in response["content"].as_object().into_iter().flatten() {
                    assert!(content.get("example").is_some(), "{at}: {status} {media} without an example");
                }
            }
            if status == "201" {
                assert!(response["headers"].get("Location").is_some(), "{at}: 201 without Location");
            }
        }
        let header = |name: &str| {
            op["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["in"] == "header" && p["name"] == name))
        };
        if responses.contains_key("304") {
            assert!(header("If-None-Match"), "{at}: 304 without an If-None-Match parameter");
        }
        if header("X-Reader-Id") {
            assert!(responses.contains_key("422"), "{at}: a malformed X-Reader-Id's 422 undocumented");
        }
        if let Some(params) = op.get("parameters").and_then(Value::as_array) {
            for p in params {
                assert!(
                    p["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{at}: parameter {} undescribed",
                    p["name"]
                );
            }
        }
    }
}

#[test]
fn the_document_lints_clean_by_construction() {
    let spec = spec();
    assert!(spec["servers"].as_array().is_some_and(|s| !s.is_empty()), "no servers");
    // Every shared response component is used by some operation.
    let text = spec.to_string();
    for name in spec["components"]["responses"].as_object().unwrap().keys() {
        assert!(text.contains(&format!("#/components/responses/{name}\"")), "unused response component {name}");
    }
    // Every $ref points at something that exists.
    for found in text.split("\"$ref\":\"#/components/").skip(1) {
        let target = &found[..found.find('"').unwrap()];
        let (kind, name) = target.split_once('/').unwrap();
        assert!(spec["components"][kind].get(name).is_some(), "dangling $ref {target}");
    }
}

#[test]
fn enumerations_are_enums_and_block_unions_are_discriminated() {
    let spec = spec();
    let schemas = &spec["components"]["schemas"];
    for (name, values) in [
        ("Status", &["draft", "in_review", "scheduled", "published", "archived"][..]),
        ("Role", &["admin", "editor", "writer", "commercial"]),
        ("Access", &["free", "metered", "premium"]),
        ("QuestionKind", &["single_choice", "multiple_choice", "free_text"]),
    ] {
        assert_eq!(schemas[name]["enum"], json!(values), "{name}");
    }
    let written = ["paragraph", "heading", "image", "quote", "list", "embed", "poll", "sponsored"];
    for (union, resolved) in [("Block", false), ("PublicBodyBlock", true)] {
        let schema = &schemas[union];
        let variants = schema["oneOf"].as_array().unwrap_or_else(|| panic!("{union} is not a oneOf"));
        assert_eq!(variants.len(), written.len(), "{union}");
        assert_eq!(schema["discriminator"]["propertyName"], "type", "{union}");
        let mapping = schema["discriminator"]["mapping"].as_object().unwrap();
        for tag in written {
            let target = mapping[tag].as_str().unwrap();
            assert!(variants.iter().any(|v| v["$ref"] == target), "{union}: {tag} maps outside the oneOf");
            let name = target.rsplit('/').next().unwrap();
            let variant = &schemas[name];
            assert_eq!(variant["properties"]["type"]["enum"], json!([tag]), "{union}: {name}");
            assert!(variant["required"].as_array().unwrap().contains(&json!("type")), "{union}: {name}");
            let embed = tag == "poll" || tag == "sponsored";
            assert_eq!(name.starts_with("Resolved"), resolved && embed, "{union}: {tag} -> {name}");
        }
    }
}

#[actix_web::test]
async fn every_secured_operation_requires_a_token() {
    let app = TestApp::spawn().await;
    let spec = spec();
    let mut checked = 0;
    for (path, method, op) in operations(&spec) {
        let secured = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
        if !secured {
            continue;
        }
        let concrete = path
            .split('/')
            .map(|s| if s.starts_with('{') { "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let body = op.get("requestBody").map(|_| json!({}));
        let res = app.send(method.clone(), &concrete, None, body).await;
        assert_eq!(res.status, 401, "{method} {concrete} without a token: {}", String::from_utf8_lossy(&res.body));
        res.assert_problem(401, "invalid_token");
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} secured operations");
}

#[test]
fn migrations_exist_for_both_backends_with_the_same_names() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let names = |backend: &str| {
        let mut names: Vec<String> = std::fs::read_dir(root.join(backend))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("postgres"));
    for name in &sqlite {
        for backend in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                assert!(root.join(backend).join(name).join(file).is_file(), "{backend}/{name}/{file}");
            }
        }
    }
}

/// Every operation the code documents is routed by the running server: its method is
/// never answered 405, each query parameter it declares passes the front door, and
/// one it does not declare is a 400 (the allow-list is the operation's own).
#[actix_web::test]
async fn every_documented_operation_is_routed_with_its_own_query_parameters() {
    let app = TestApp::spawn().await;
    let spec = spec();
    let mut checked = 0;
    for (path, method, op) in operations(&spec) {
        let concrete = path
            .split('/')
            .map(|s| if s.starts_with('{') { "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let at = format!("{method} {concrete}");
        let res = app.send(method.clone(), &concrete, None, None).await;
        assert_ne!(res.status, 405, "{at}: {}", String::from_utf8_lossy(&res.body));
        let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
        for name in parameters.iter().filter(|p| p["in"] == "query").filter_map(|p| p["name"].as_str()) {
            let res = app.send(method.clone(), &format!("{concrete}?{name}=1"), None, None).await;
            let refused = res.status == 400 && res.json()["code"] == "unknown_query_parameter";
            assert!(!refused, "{at}: the declared query parameter {name} is refused");
        }
        let res = app.send(method.clone(), &format!("{concrete}?not_declared_here=1"), None, None).await;
        res.assert_problem(400, "unknown_query_parameter");
        checked += 1;
    }
    assert!(checked > 40, "only {checked} operations");
}
