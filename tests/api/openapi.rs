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
        let secured = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
        if secured {
            assert!(responses.contains_key("401"), "{at}: 401 undocumented");
        }
        if op.get("requestBody").is_some() {
            for status in ["413", "415", "422"] {
                assert!(responses.contains_key(status), "{at}: {status} undocumented");
            }
            let content = &op["requestBody"]["content"]["application/json"];
            assert!(content.get("schema").is_some(), "{at}: request body without schema");
        }
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                let problem = response.get("$ref").is_some()
                    || response["content"]["application/problem+json"]["schema"]["$ref"]
                        == "#/components/schemas/Problem";
                assert!(problem, "{at}: {status} is not a problem response");
            }
            if status == "201" {
                assert!(response["headers"].get("Location").is_some(), "{at}: 201 without Location");
            }
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
