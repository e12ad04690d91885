//! Authors as records: bylines name authors (freelancers and agencies too); a
//! newsroom user's id names their author, made for them when first needed; an author
//! linked to a user makes that user's drafts theirs; a public author page lists the
//! author's live articles.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::{Resp, TestApp, slugs};

async fn newsroom(app: &TestApp) -> (String, String) {
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "News"})).await;
    (admin, section)
}

fn path(author: &Value) -> String {
    format!("/api/v1/authors/{}", author["id"].as_str().unwrap())
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/authors", Some(token), body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

async fn with_if_match(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    version: &Value,
    body: Option<Value>,
) -> Resp {
    let etag = format!("\"{version}\"");
    app.send_with(method, path, Some(token), body, &[("if-match", etag.as_str())]).await
}

fn code(res: &Resp) -> String {
    res.json()["code"].as_str().unwrap_or_default().to_string()
}

fn bylines(article: &Value) -> Vec<(String, String)> {
    article["authors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_str().unwrap().to_string(), a["display_name"].as_str().unwrap().to_string()))
        .collect()
}

#[actix_web::test]
async fn a_users_id_names_their_author_made_when_first_needed() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let (writer_id, _, writer) = app.user("writer").await;
    assert_eq!(app.get("/api/v1/authors", Some(&admin)).await.json()["items"], json!([]), "none before any byline");
    let draft = app.article(&writer, json!({"headline": "Harbour", "section_id": section})).await;
    assert_eq!(draft["author_ids"], json!([writer_id]));
    let author = app.get(&format!("/api/v1/authors/{writer_id}"), Some(&admin)).await;
    assert_eq!(author.status, 200);
    let author = author.json();
    assert_eq!(
        (&author["name"], &author["slug"], &author["user_id"]),
        (&json!("A writer"), &json!("a-writer"), &json!(writer_id))
    );
    assert_eq!(author["article_count"], 1);

    // The public byline is still {id, display_name}, and nothing more.
    let res = app.action(&admin, &draft, "publish", None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let public = app.get("/api/v1/public/articles/harbour", None).await.json();
    assert_eq!(public["authors"], json!([{"id": writer_id, "display_name": "A writer"}]));

    // The user's new display name reaches the byline...
    let res =
        app.patch(&format!("/api/v1/users/{writer_id}"), Some(&admin), json!({"display_name": "Wendy Writer"})).await;
    assert_eq!(res.status, 200);
    let public = app.get("/api/v1/public/articles/harbour", None).await.json();
    assert_eq!(bylines(&public), [(writer_id.clone(), "Wendy Writer".to_string())]);
    // ...unless the author was given a name of their own.
    let author = app.get(&format!("/api/v1/authors/{writer_id}"), Some(&admin)).await.json();
    let res = with_if_match(
        &app,
        Method::PATCH,
        &path(&author),
        &admin,
        &author["version"],
        Some(json!({"name": "W. Writer"})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let res = app.patch(&format!("/api/v1/users/{writer_id}"), Some(&admin), json!({"display_name": "Wendy W."})).await;
    assert_eq!(res.status, 200);
    let public = app.get("/api/v1/public/articles/harbour", None).await.json();
    assert_eq!(bylines(&public), [(writer_id.clone(), "W. Writer".to_string())]);

    // The author made for the user stays theirs: unlinked, the user's id would name an
    // author whose articles are not the user's own.
    let author = app.get(&format!("/api/v1/authors/{writer_id}"), Some(&admin)).await.json();
    let res =
        with_if_match(&app, Method::PATCH, &path(&author), &admin, &author["version"], Some(json!({"user_id": null})))
            .await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["errors"][0]["field"], "user_id");

    // A commercial user never has a byline; an unknown id neither.
    let (commercial_id, _, _) = app.user("commercial").await;
    for bad in [commercial_id.as_str(), "no-such-author"] {
        let res = app
            .post(
                "/api/v1/articles",
                Some(&admin),
                json!({"headline": "X", "section_id": section, "author_ids": [bad]}),
            )
            .await;
        assert_eq!(res.status, 422, "{bad}");
        assert_eq!(res.json()["errors"][0]["field"], "author_ids[0]");
    }
}

#[actix_web::test]
async fn freelancers_and_agencies_are_bylined_and_have_pages() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let (editor_id, _, editor) = app.user("editor").await;
    let wire = create(
        &app,
        &admin,
        json!({"name": "Wire Service", "job_title": "News agency", "bio": "Global <em>news</em>.<script>x()</script>",
               "links": [{"label": "Site", "url": "https://wire.example"}],
               "photo": {"url": "https://wire.example/logo.png", "alt": "Wire"}}),
    )
    .await;
    assert_eq!((&wire["slug"], &wire["user_id"], &wire["version"]), (&json!("wire-service"), &Value::Null, &json!(1)));
    assert_eq!(wire["bio"], "Global <em>news</em>.");
    let article = app
        .published(&editor, json!({"headline": "Summit ends", "section_id": section, "author_ids": [wire["id"]]}))
        .await;
    assert_eq!(article["author_ids"], json!([editor_id, wire["id"]]));
    let public = app.get("/api/v1/public/articles/summit-ends", None).await.json();
    assert_eq!(public["authors"][1], json!({"id": wire["id"], "display_name": "Wire Service"}));
    let ld = &public["structured_data"]["author"];
    assert!(ld.to_string().contains("Wire Service"), "{ld}");

    // The page, by slug or by the id bylines carry: the same answer.
    let page = app.get("/api/v1/public/authors/wire-service", None).await;
    assert_eq!(page.status, 200, "{}", String::from_utf8_lossy(&page.body));
    let page = page.json();
    assert_eq!(page["author"]["name"], "Wire Service");
    assert_eq!(page["author"]["job_title"], "News agency");
    assert_eq!(page["author"]["photo"]["url"], "https://wire.example/logo.png");
    assert_eq!(page["author"]["links"], json!([{"label": "Site", "url": "https://wire.example"}]));
    assert!(page["author"].get("user_id").is_none(), "no account is named publicly");
    assert_eq!(slugs(&page["articles"]), ["summit-ends"]);
    let by_id = app.get(&format!("/api/v1/public/authors/{}", wire["id"].as_str().unwrap()), None).await.json();
    assert_eq!(by_id, page);

    // Lists and feeds take the author by id, slug, or (for a user) the user's id.
    for given in [wire["id"].as_str().unwrap(), "wire-service"] {
        let list = app.get(&format!("/api/v1/public/articles?author={given}"), None).await.json();
        assert_eq!(slugs(&list), ["summit-ends"], "{given}");
        let list = app.get(&format!("/api/v1/articles?author={given}"), Some(&admin)).await.json();
        assert_eq!(slugs(&list), ["summit-ends"], "{given}");
    }
    let feed = app.get("/api/v1/public/feeds/json?author=wire-service", None).await.json();
    assert_eq!(feed["items"].as_array().unwrap().len(), 1);
    assert!(feed["title"].as_str().unwrap().contains("Wire Service"), "{}", feed["title"]);

    // A new name reaches the bylines at once.
    let res = with_if_match(
        &app,
        Method::PATCH,
        &path(&wire),
        &editor,
        &wire["version"],
        Some(json!({"name": "Wire Agency"})),
    )
    .await;
    assert_eq!(res.status, 200);
    let public = app.get("/api/v1/public/articles/summit-ends", None).await.json();
    assert_eq!(public["authors"][1]["display_name"], "Wire Agency");
}

#[actix_web::test]
async fn an_author_linked_to_a_user_makes_their_drafts_the_users_own() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let (writer_id, _, writer) = app.user("writer").await;
    let pen = create(&app, &admin, json!({"name": "Pen Name", "user_id": writer_id})).await;
    assert_eq!(pen["user_id"], json!(writer_id));
    // The writer's own articles now carry their author.
    let draft = app.article(&writer, json!({"headline": "Under a pen name", "section_id": section})).await;
    assert_eq!(draft["author_ids"], json!([pen["id"]]));
    let res = app.edit(&writer, &draft, json!({"standfirst": "Still mine"})).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    // A writer keeps themselves in the byline: their author or their user id.
    let draft = res.json();
    let res = app.edit(&writer, &draft, json!({"author_ids": [writer_id]})).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["author_ids"], json!([pen["id"]]));
    let draft = res.json();
    let other = create(&app, &admin, json!({"name": "Someone Else"})).await;
    let res = app.edit(&writer, &draft, json!({"author_ids": [other["id"]]})).await;
    assert_eq!(res.status, 422);
    // The writer sees it in their list.
    let mine = app.get("/api/v1/articles", Some(&writer)).await.json();
    assert_eq!(slugs(&mine), ["under-a-pen-name"]);

    // One author per user.
    let res = app.post("/api/v1/authors", Some(&admin), json!({"name": "Second", "user_id": writer_id})).await;
    assert_eq!((res.status, code(&res)), (409, "user_linked".to_string()));
    let (commercial_id, _, _) = app.user("commercial").await;
    let res = app.post("/api/v1/authors", Some(&admin), json!({"name": "Sales", "user_id": commercial_id})).await;
    assert_eq!(res.status, 422);
    // Unlinked, the drafts are no longer the writer's.
    let res =
        with_if_match(&app, Method::PATCH, &path(&pen), &admin, &pen["version"], Some(json!({"user_id": null}))).await;
    assert_eq!(res.status, 200);
    let res = app.get(&format!("/api/v1/articles/{}", draft["id"].as_str().unwrap()), Some(&writer)).await;
    assert_eq!(res.status, 404);
}

#[actix_web::test]
async fn only_editors_and_admins_change_authors_and_bylined_ones_stay() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let author = create(&app, &admin, json!({"name": "Columnist"})).await;
    for role in ["writer", "commercial"] {
        let (_, _, token) = app.user(role).await;
        // Writers pick them for their articles; the commercial side never sees drafts'.
        let reads = if role == "writer" { 200 } else { 403 };
        assert_eq!(app.get("/api/v1/authors", Some(&token)).await.status, reads, "{role}");
        assert_eq!(app.get(&path(&author), Some(&token)).await.status, reads, "{role}");
        assert_eq!(app.post("/api/v1/authors", Some(&token), json!({"name": "Me"})).await.status, 403, "{role}");
        let res =
            with_if_match(&app, Method::PATCH, &path(&author), &token, &author["version"], Some(json!({"name": "X"})))
                .await;
        assert_eq!(res.status, 403, "{role}");
        let res = with_if_match(&app, Method::DELETE, &path(&author), &token, &author["version"], None).await;
        assert_eq!(res.status, 403, "{role}");
    }
    assert_eq!(app.get("/api/v1/authors", None).await.status, 401);

    let res = app.post("/api/v1/authors", Some(&admin), json!({"name": "Other", "slug": "columnist"})).await;
    assert_eq!((res.status, code(&res)), (409, "slug_taken".to_string()));
    assert_eq!(create(&app, &admin, json!({"name": "Columnist"})).await["slug"], "columnist-2");
    for bad in [
        json!({"name": ""}),
        json!({"name": "A", "links": [{"label": "x", "url": "javascript:alert(1)"}]}),
        json!({"name": "A", "photo": {"asset_id": "no-such-asset"}}),
        json!({"name": "A", "user_id": "no-such-user"}),
        json!({"name": "A", "unknown": 1}),
    ] {
        let res = app.post("/api/v1/authors", Some(&admin), bad.clone()).await;
        assert_eq!(res.status, 422, "{bad}: {}", String::from_utf8_lossy(&res.body));
    }

    let article =
        app.article(&admin, json!({"headline": "Opinion", "section_id": section, "author_ids": [author["id"]]})).await;
    assert_eq!(app.send(Method::DELETE, &path(&author), Some(&admin), None).await.status, 428);
    let res = with_if_match(&app, Method::DELETE, &path(&author), &admin, &author["version"], None).await;
    assert_eq!((res.status, code(&res)), (409, "author_has_articles".to_string()));
    let (editor_id, _, _) = app.user("editor").await;
    let res = app.edit(&admin, &article, json!({"author_ids": [editor_id]})).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let res = with_if_match(&app, Method::DELETE, &path(&author), &admin, &author["version"], None).await;
    assert_eq!(res.status, 204);
    assert_eq!(app.get(&path(&author), Some(&admin)).await.status, 404);
}

#[actix_web::test]
async fn an_author_page_shows_only_live_articles() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let secret = create(&app, &admin, json!({"name": "Embargoed Source"})).await;
    app.article(&admin, json!({"headline": "Draft only", "section_id": section, "author_ids": [secret["id"]]})).await;
    assert_eq!(app.get("/api/v1/public/authors/embargoed-source", None).await.status, 404);
    assert_eq!(app.get(&format!("/api/v1/public/authors/{}", secret["id"].as_str().unwrap()), None).await.status, 404);
    assert_eq!(app.get("/api/v1/public/authors/nobody", None).await.status, 404);

    let author = create(&app, &admin, json!({"name": "Prolific"})).await;
    for n in 1..=3 {
        app.published(
            &admin,
            json!({"headline": format!("Piece {n}"), "section_id": section, "author_ids": [author["id"]]}),
        )
        .await;
        app.clock.advance(chrono::Duration::seconds(1));
    }
    let first = app.get("/api/v1/public/authors/prolific?limit=2", None).await;
    assert_eq!(first.status, 200);
    let etag = first.header("etag").unwrap();
    let first = first.json();
    assert_eq!(slugs(&first["articles"]), ["piece-3", "piece-2"]);
    let cursor = first["articles"]["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("/api/v1/public/authors/prolific?limit=2&cursor={cursor}"), None).await.json();
    assert_eq!(slugs(&rest["articles"]), ["piece-1"]);
    let res = app
        .send_with(Method::GET, "/api/v1/public/authors/prolific?limit=2", None, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(res.status, 304);
}

#[actix_web::test]
async fn the_author_list_pages_by_name_and_searches() {
    let app = TestApp::spawn().await;
    let (admin, _) = newsroom(&app).await;
    for name in ["Bea Brown", "Al Adams", "Cy Chen", "Alma Ames"] {
        create(&app, &admin, json!({"name": name})).await;
    }
    let names = |v: &Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
    };
    let first = app.get("/api/v1/authors?limit=3", Some(&admin)).await.json();
    assert_eq!(names(&first), ["Al Adams", "Alma Ames", "Bea Brown"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    assert_eq!(
        names(&app.get(&format!("/api/v1/authors?limit=3&cursor={cursor}"), Some(&admin)).await.json()),
        ["Cy Chen"]
    );
    assert_eq!(names(&app.get("/api/v1/authors?q=AL", Some(&admin)).await.json()), ["Al Adams", "Alma Ames"]);
    assert_eq!(names(&app.get("/api/v1/authors?q=_", Some(&admin)).await.json()), Vec::<String>::new(), "_ is literal");
}

#[actix_web::test]
async fn a_feed_never_names_an_author_only_drafts_carry() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let secret = create(&app, &admin, json!({"name": "Jane Freelance"})).await;
    app.article(&admin, json!({"headline": "Draft", "section_id": section, "author_ids": [secret["id"]]})).await;
    for given in ["jane-freelance", secret["id"].as_str().unwrap()] {
        let feed = app.get(&format!("/api/v1/public/feeds/json?author={given}"), None).await.json();
        assert_eq!(feed["items"], json!([]));
        assert!(!feed["title"].as_str().unwrap().contains("Jane"), "{}", feed["title"]);
    }
}

#[actix_web::test]
async fn concurrent_creates_of_one_name_each_get_a_slug_and_a_given_slug_lands_once() {
    let app = TestApp::spawn().await;
    let (admin, _) = newsroom(&app).await;
    assert_eq!(app.post("/api/v1/authors", Some(&admin), json!({"name": "Reuters"})).await.status, 201);
    let made = futures_util::future::join_all(
        (0..8).map(|_| app.post("/api/v1/authors", Some(&admin), json!({"name": "Reuters"}))),
    )
    .await;
    let statuses: Vec<u16> = made.iter().map(|r| r.status).collect();
    assert!(statuses.iter().all(|s| *s == 201), "a slug nobody asked for is never a conflict: {statuses:?}");
    let mut slugs: Vec<String> = made.iter().map(|r| r.json()["slug"].as_str().unwrap().to_string()).collect();
    slugs.sort();
    slugs.dedup();
    assert_eq!(slugs.len(), 8, "{slugs:?}");
    assert!(
        slugs.iter().all(|s| s.strip_prefix("reuters-").is_some_and(|n| n.parse::<u32>().is_ok())),
        "numbered from the name, never a number on a number: {slugs:?}"
    );

    let given = futures_util::future::join_all(
        (0..8).map(|_| app.post("/api/v1/authors", Some(&admin), json!({"name": "AP", "slug": "ap"}))),
    )
    .await;
    let statuses: Vec<u16> = given.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(given.iter().filter(|r| r.status != 201).all(|r| code(r) == "slug_taken"), "{statuses:?}");
}
