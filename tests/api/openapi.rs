//! The committed spec equals the generated one, and the spec tells the truth: every
//! operation is described, request objects are closed, and what the server checks
//! (patterns, ranges, block unions) is declared, so that generated requests are
//! answered as the spec says.

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
        // Browser sessions: the refresh cookie, where one is needed.
        let cookie = json!({"refreshCookie": []});
        if path.starts_with("/api/v1/auth/session") {
            let wanted = match (path.as_str(), method.as_str()) {
                ("/api/v1/auth/session", "post") => vec![],
                ("/api/v1/auth/session", "delete") => vec![json!({}), cookie],
                _ => vec![cookie],
            };
            assert_eq!(security, &wanted, "{at}: the session's security");
        } else if public {
            assert!(security.is_empty(), "{at}: a public operation declares security");
        } else {
            // An API key too, except where keys are no use: users, keys, passwords.
            let not_for_keys = ["/api/v1/users", "/api/v1/api-keys", "/api/v1/audit-log", "/api/v1/auth/password"]
                .iter()
                .any(|p| path == *p || path.starts_with(&format!("{p}/")));
            let wanted = if not_for_keys {
                vec![json!({"bearerAuth": []})]
            } else {
                vec![json!({"bearerAuth": []}), json!({"apiKeyAuth": []})]
            };
            assert_eq!(security, &wanted, "{at}: not secured by the bearer token (and API keys)");
            assert!(responses.contains_key("401"), "{at}: 401 undocumented");
        }
        if op.get("requestBody").is_some() {
            for status in ["413", "415", "422"] {
                assert!(responses.contains_key(status), "{at}: {status} undocumented");
            }
            // JSON, or a form for uploads.
            let bodies = &op["requestBody"]["content"];
            let content = if bodies.get("multipart/form-data").is_some() {
                &bodies["multipart/form-data"]
            } else {
                &bodies["application/json"]
            };
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

#[test]
fn every_object_is_one_flat_object() {
    let spec = spec();
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        assert!(schema.get("allOf").is_none(), "{name} is an allOf: clients read one object");
    }
    // The editorial answer is the content's fields and the article's state, side by side.
    let article = &spec["components"]["schemas"]["ArticleResponse"];
    for field in ["headline", "section_id", "author_ids", "status", "version"] {
        assert!(article["properties"].get(field).is_some(), "ArticleResponse lacks {field}");
        assert!(article["required"].as_array().unwrap().contains(&json!(field)), "{field} not required");
    }
}

#[actix_web::test]
async fn every_secured_operation_requires_a_token() {
    let app = TestApp::spawn().await;
    let spec = spec();
    let mut checked = 0;
    for (path, method, op) in operations(&spec) {
        let bearer = json!({"bearerAuth": []});
        let secured = op.get("security").and_then(Value::as_array).is_some_and(|s| s.contains(&bearer));
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

/// Request bodies reject unknown fields, body blocks included: every object a request
/// body uses says `additionalProperties: false` (generated blocks with extra keys were
/// answered 422). A resolved embed then matches exactly one public block schema.
#[test]
fn request_objects_are_closed_and_resolved_embeds_are_unambiguous() {
    let spec = spec();
    let schemas = &spec["components"]["schemas"];
    // The union's variants are named schemas (`ParagraphBlock`...).
    let variants: Vec<&serde_json::Value> = schemas["Block"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &schemas[v["$ref"].as_str().unwrap().rsplit('/').next().unwrap()])
        .collect();
    for variant in &variants {
        assert_eq!(variant["additionalProperties"], false, "{variant}");
    }
    for name in ["CreateArticleRequest", "UpdateArticleRequest", "Image", "Seo", "QuestionInput", "Answer", "Cta"] {
        assert_eq!(schemas[name]["additionalProperties"], false, "{name}");
    }
    // A resolved poll block carries `poll`, which the plain `poll` block does not allow.
    let poll_block = variants.iter().find(|v| v["properties"]["type"]["enum"][0] == "poll").unwrap();
    assert!(poll_block["properties"].get("poll").is_none());
    assert!(schemas["ResolvedPollBlock"]["required"].as_array().unwrap().contains(&json!("poll")));
}

/// Text in bodies and query parameters rejects control characters; the spec says so
/// with a pattern (schema-valid generated text with U+0084 was answered 422).
#[actix_web::test]
async fn control_characters_are_declared_where_they_are_refused() {
    let spec = spec();
    let pattern = masthead::domain::rules::NO_CONTROL_CHARACTERS;
    let schemas = &spec["components"]["schemas"];
    let not_blank = masthead::domain::rules::NOT_BLANK;
    assert_eq!(schemas["CreateArticleRequest"]["properties"]["headline"]["pattern"], not_blank);
    assert_eq!(schemas["Answer"]["properties"]["text"]["pattern"], pattern);
    let params = spec["paths"]["/api/v1/public/articles"]["get"]["parameters"].as_array().unwrap();
    for name in ["section", "tag", "author", "q", "cursor"] {
        let p = params.iter().find(|p| p["name"] == name).unwrap();
        assert_eq!(p["schema"]["pattern"], pattern, "{name}");
    }

    let app = TestApp::spawn().await;
    let res = app.get("/api/v1/public/articles?tag=a%C2%84b", None).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "tag");
    let admin = app.admin_token().await;
    let res = app.post("/api/v1/sections", Some(&admin), json!({"name": "A\u{84}B"})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "name");
}

/// `X-Reader-Id` is a UUID (a header, never `null`), and the access endpoint declares
/// the 422 it gives without one; `context` of the public offers is one of the
/// situations; numeric settings state their ranges.
#[actix_web::test]
async fn reader_ids_offer_contexts_and_ranges_are_declared() {
    let spec = spec();
    let access = &spec["paths"]["/api/v1/public/articles/{slug}/access"]["post"];
    assert!(access["responses"].get("422").is_some());
    for (path, method) in [
        ("/api/v1/public/articles/{slug}/access", "post"),
        ("/api/v1/public/polls/{id}", "get"),
        ("/api/v1/public/polls/{id}/responses", "post"),
    ] {
        let params = spec["paths"][path][method]["parameters"].as_array().unwrap();
        let reader = params.iter().find(|p| p["name"] == "X-Reader-Id").unwrap();
        assert_eq!(reader["schema"], json!({"type": "string", "format": "uuid"}), "{path}");
    }
    let schemas = &spec["components"]["schemas"];
    assert_eq!(schemas["PaywallBody"]["properties"]["quota"]["maximum"], 1000);
    assert_eq!(schemas["PaywallBody"]["properties"]["default_preview_blocks"]["maximum"], 50);
    assert_eq!(schemas["CreateOfferRequest"]["properties"]["duration_months"]["minimum"], 1);
    assert_eq!(schemas["CreatePollRequest"]["properties"]["questions"]["maxItems"], 20);

    let app = TestApp::spawn().await;
    let res = app.post("/api/v1/public/articles/nope/access", None, json!({})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "X-Reader-Id");
    let res = app.get("/api/v1/public/offers?context=everyone", None).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "context");
    assert_eq!(app.get("/api/v1/public/offers?context=", None).await.status, 200);
}

/// Whether `value` matches the spec's `pattern` (ECMA-262 syntax; the ones used here mean
/// the same in Rust's regex).
fn matches(pattern: &str, value: &str) -> bool {
    regex::Regex::new(pattern).unwrap().is_match(value)
}

/// The spec states what the server checks of currencies, eligibility, tags, counted
/// sections, URLs, emails and client times (schema-valid values were answered 422),
/// and the server takes exactly what the patterns say: `" USD"` and a tag over 60
/// characters as written are refused now, `http://x` is a URL.
#[actix_web::test]
async fn patterns_state_what_the_server_checks() {
    use masthead::domain::rules::{CURRENCY, DATE_TIME_RANGE, EMAIL, HTTP_URL, NOT_BLANK};
    let spec = spec();
    let schemas = &spec["components"]["schemas"];
    let prop = |schema: &str, name: &str| schemas[schema]["properties"][name].clone();
    for schema in ["CreateOfferRequest", "UpdateOfferRequest"] {
        assert_eq!(prop(schema, "currency")["pattern"], CURRENCY, "{schema}");
        assert_eq!(prop(schema, "eligibility")["minItems"], 1, "{schema}");
        assert_eq!(prop(schema, "starts_at")["pattern"], DATE_TIME_RANGE, "{schema}");
    }
    for schema in ["CreateArticleRequest", "UpdateArticleRequest"] {
        let items = &prop(schema, "tags")["items"];
        assert_eq!(
            (&items["minLength"], &items["maxLength"], &items["pattern"]),
            (&json!(1), &json!(60), &json!(NOT_BLANK))
        );
    }
    assert_eq!(prop("PaywallBody", "counted_section_ids")["items"]["pattern"], NOT_BLANK);
    assert_eq!(prop("PublishRequest", "publish_at")["pattern"], DATE_TIME_RANGE);
    assert_eq!(prop("CreatePollRequest", "closes_at")["pattern"], DATE_TIME_RANGE);
    assert_eq!(prop("CreateUserRequest", "email")["pattern"], EMAIL);
    assert_eq!(prop("UpdateUserRequest", "email")["pattern"], EMAIL);
    for (schema, name) in
        [("Image", "url"), ("ImageBlock", "url"), ("EmbedBlock", "url"), ("Seo", "canonical_url"), ("Cta", "url")]
    {
        assert_eq!(prop(schema, name)["pattern"], HTTP_URL, "{schema}.{name}");
    }
    // If-Match: `*` or entity tags (anything else is 400 malformed_if_match), on every
    // operation that takes it; the server takes exactly what the pattern says
    // (`the_pattern_is_what_the_parser_takes` in src/http/conditional.rs).
    let mut conditional = 0;
    for (path, method, op) in operations(&spec) {
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let if_match = params.iter().find(|p| p["in"] == "header" && p["name"] == "If-Match");
        // A required If-Match answers 428 when missing; an optional one (the site
        // settings, replaced whole) never does.
        let required = if_match.is_some_and(|p| p["required"] == true);
        assert_eq!(required, op["responses"]["428"].is_object(), "{method} {path}");
        if let Some(p) = if_match {
            conditional += 1;
            assert_eq!(p["schema"]["pattern"], masthead::http::conditional::IF_MATCH_PATTERN, "{method} {path}");
            assert!(op["responses"]["400"].is_object(), "{method} {path}");
        }
    }
    assert!(conditional >= 16, "{conditional} operations take If-Match");
    for (value, valid) in [("\"3\"", true), ("W/\"3\"", true), ("*", true), ("3", false), ("garbage", false)] {
        assert_eq!(matches(masthead::http::conditional::IF_MATCH_PATTERN, value), valid, "{value}");
    }

    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let offer = |currency: &str, starts_at: &str| {
        json!({"name": "Trial", "display_text": "Try it", "price_minor": 900, "currency": currency,
            "duration_months": 3, "eligibility": ["anonymous"], "starts_at": starts_at})
    };
    for currency in ["USD", " USD", "USD ", "usd", "US", "USDX", "ÉUR"] {
        let res = app.post("/api/v1/offers", Some(&admin), offer(currency, "2026-01-01T00:00:00Z")).await;
        assert_eq!(res.status == 201, matches(CURRENCY, currency), "{currency:?}: {}", res.status);
    }
    // The pattern is exact but for a few offsets on the boundary days (see
    // DATE_TIME_RANGE): a time it allows is always accepted.
    for (at, exact) in [
        ("1970-01-01T00:00:00Z", true),
        ("1969-12-31T23:59:59Z", true),
        ("1970-01-01T00:30:00+01:00", true),
        ("1970-01-01T10:00:00-01:00", true),
        ("9999-12-31T23:59:59.999999Z", true),
        ("9999-12-31T23:00:00-02:00", true),
        ("9999-12-31T23:00:00+02:00", true),
        ("0001-01-01T00:00:00Z", true),
        ("2026-06-01T12:00:00+14:00", true),
        ("1970-01-01T05:00:00+01:00", false),
    ] {
        let res = app.post("/api/v1/offers", Some(&admin), offer("USD", at)).await;
        let allowed = matches(DATE_TIME_RANGE, at);
        if exact || allowed {
            assert_eq!(res.status == 201, allowed, "{at}: {}", res.status);
        }
    }

    let section = app.section(&admin, json!({"name": "Asia"})).await;
    let long = "t".repeat(60);
    for tag in ["news", " news ", " ", "\u{3000}", "a\u{85}b", long.as_str(), &format!("{long}t"), &format!(" {long}")]
    {
        let body = json!({"headline": "Tags", "section_id": section, "tags": [tag]});
        let res = app.post("/api/v1/articles", Some(&admin), body).await;
        let valid = matches(NOT_BLANK, tag) && tag.chars().count() <= 60;
        assert_eq!(res.status == 201, valid, "{tag:?}: {}", res.status);
    }
    for url in [
        "http://x",
        "https://x",
        "HTTPS://example.org/a?b=c",
        "https://é.example",
        "https://",
        "http:/x",
        "ftp://x",
        "https://a b",
        "https://a\u{a0}b",
        " https://x",
    ] {
        let body = json!({"headline": "URLs", "section_id": section, "hero_image": {"url": url}});
        let res = app.post("/api/v1/articles", Some(&admin), body).await;
        assert_eq!(res.status == 201, matches(HTTP_URL, url), "{url:?}: {}", res.status);
    }
    for (i, email) in [
        "ann@example.org",
        " bob@example.org\t",
        "Cy@Example.ORG",
        "dee@x",
        "eve@",
        "@example.org",
        "fay@b@c",
        "gus@.org",
        "hal@org.",
        "ida@.",
        "j k@example.org",
        "kim@exa\u{2003}mple.org",
        "lee@exa\u{85}mple.org",
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({"email": email, "role": "writer", "password": "a long passphrase"});
        let res = app.post("/api/v1/users", Some(&admin), body).await;
        assert_eq!(res.status == 201, matches(EMAIL, email), "{i} {email:?}: {}", res.status);
    }
}

/// A sponsored block's body cannot hold polls or sponsored blocks; the spec said it
/// took every article block (such schema-valid bodies were answered 422).
#[actix_web::test]
async fn sponsored_bodies_declare_their_blocks() {
    let spec = spec();
    let schemas = &spec["components"]["schemas"];
    let union = masthead::http::openapi_rules::SPONSORED_BODY_BLOCK;
    for name in ["CreateSponsoredRequest", "UpdateSponsoredRequest"] {
        assert_eq!(schemas[name]["properties"]["body"]["items"]["$ref"], format!("#/components/schemas/{union}"));
    }
    let variants: Vec<&str> =
        schemas[union]["oneOf"].as_array().unwrap().iter().map(|v| v["$ref"].as_str().unwrap()).collect();
    assert_eq!(variants.len(), 6, "{variants:?}");
    assert!(!variants.iter().any(|v| v.ends_with("/PollBlock") || v.ends_with("/SponsoredBlock")));
    assert!(schemas[union]["discriminator"]["mapping"].get("poll").is_none());

    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/sponsored",
            Some(&admin),
            json!({"title": "Ports", "sponsor_name": "Northwind", "label": "Sponsored Content",
                "disclosure": "This content was commissioned by Northwind.", "placement": "article_inline",
                "body": [{"type": "poll", "poll_id": "0190a000-0000-7000-8000-000000000001"}]}),
        )
        .await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "body[0].type");
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
