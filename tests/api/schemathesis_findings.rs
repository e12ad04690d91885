//! What schemathesis (tests/schemathesis/run) found, each kept from coming back: server
//! behaviour over HTTP, and the contract the spec must state for generated requests to
//! be answered as it says.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::TestApp;

fn spec() -> Value {
    serde_json::from_str(&masthead::http::openapi_json()).unwrap()
}

/// JSON has one number type and JSON Schema counts `3.0` as an integer: the server
/// takes integral floats for integer fields (it answered 422 "invalid type: floating
/// point"), and still refuses fractions.
#[actix_web::test]
async fn integral_floats_are_integers() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app.post("/api/v1/sections", Some(&admin), json!({"name": "Asia", "position": 3.0})).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let section = res.json();
    assert_eq!(section["position"], 3);
    let id = section["id"].as_str().unwrap();
    let res = app
        .send_with(
            Method::PATCH,
            &format!("/api/v1/sections/{id}"),
            Some(&admin),
            Some(json!({"position": -0.0})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["position"], 0);

    let offer = json!({"name": "Trial", "display_text": "Try 3 months for $9", "price_minor": 900.0,
        "currency": "USD", "duration_months": 3e0, "eligibility": ["anonymous"]});
    let res = app.post("/api/v1/offers", Some(&admin), offer).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["price_minor"], 900);
    assert_eq!(res.json()["duration_months"], 3);

    let res = app.post("/api/v1/sections", Some(&admin), json!({"name": "Europe", "position": 2.5})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "position");
    let res = app.post("/api/v1/sections", Some(&admin), json!({"name": "Europe", "position": 1e300})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "position");
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
    let pattern = masthead::http::openapi_rules::NO_CONTROL_CHARACTERS;
    let schemas = &spec["components"]["schemas"];
    let not_blank = masthead::http::openapi_rules::NOT_BLANK;
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

/// A nested object sent as an array was read positionally (`"seo": [null, null]`
/// created an article with an empty SEO block): objects are only objects now.
#[actix_web::test]
async fn arrays_are_not_objects() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "Asia"})).await;
    for (field, value) in [
        ("seo", json!([null, null])),
        ("hero_image", json!(["https://images.example.org/a.jpg"])),
        ("seo", json!(["A title"])),
    ] {
        let mut body = json!({"headline": "Arrays are not objects", "section_id": section});
        body[field] = value;
        let res = app.post("/api/v1/articles", Some(&admin), body).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert!(problem["errors"][0]["field"].as_str().unwrap().starts_with(field), "{problem}");
    }
    let res =
        app.post("/api/v1/sections", Some(&admin), json!({"name": "Europe", "description": null, "position": 1})).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
}

/// A body block sent as an array (`["paragraph", "text"]`) was read positionally and
/// accepted as a paragraph: serde's internally tagged enums take sequences. A block is
/// only an object now, in articles and sponsored blocks alike.
#[actix_web::test]
async fn blocks_are_objects() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "Asia"})).await;
    for block in [json!(["paragraph", "A paragraph"]), json!(["heading", "A heading", 2]), json!([])] {
        let body = json!({"headline": "Blocks are objects", "section_id": section,
            "body": [{"type": "paragraph", "text": "Fine."}, block]});
        let res = app.post("/api/v1/articles", Some(&admin), body).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "body[1]", "{problem}");
    }
    let sponsored = json!({"title": "Ports", "sponsor_name": "Northwind", "label": "Sponsored Content",
        "disclosure": "This content was commissioned by Northwind.", "body": [["paragraph", "Ports."]],
        "placement": "article_inline"});
    let res = app.post("/api/v1/sponsored", Some(&admin), sponsored).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "body[0]");

    let body = json!({"headline": "Blocks are objects", "section_id": section,
        "body": [{"type": "paragraph", "text": "Fine."}, {"type": "heading", "text": "Sub", "level": 2}]});
    let res = app.post("/api/v1/articles", Some(&admin), body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["body"][1], json!({"type": "heading", "text": "Sub", "level": 2}));
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
    use masthead::http::openapi_rules::{CURRENCY, DATE_TIME_RANGE, EMAIL, HTTP_URL, NOT_BLANK};
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
