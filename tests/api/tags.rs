//! Tags as records: articles make them and carry their names; editors and admins
//! rename, merge and delete them (the articles follow); a tag's public page lists
//! its live articles, and former slugs redirect there.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::{Resp, TestApp, slugs};

async fn newsroom(app: &TestApp) -> (String, String) {
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "News"})).await;
    (admin, section)
}

fn path(tag: &Value) -> String {
    format!("/api/v1/tags/{}", tag["id"].as_str().unwrap())
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/tags", Some(token), body).await;
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

async fn by_name(app: &TestApp, token: &str, name: &str) -> Value {
    let list = app.get(&format!("/api/v1/tags?q={}", urlencoding(name)), Some(token)).await.json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no tag {name} in {list}"))
}

fn urlencoding(s: &str) -> String {
    s.replace(' ', "%20")
}

fn problem_code(res: &Resp) -> String {
    res.json()["code"].as_str().unwrap_or_default().to_string()
}

#[actix_web::test]
async fn articles_make_tags_and_carry_the_names_of_existing_ones() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let climate = create(&app, &admin, json!({"name": "Climate Change", "description": "The climate desk."})).await;
    assert_eq!(climate["slug"], "climate-change");
    assert_eq!(climate["article_count"], 0);
    assert_eq!(climate["version"], 1);
    let article = app
        .published(
            &admin,
            json!({"headline": "Glaciers retreat", "section_id": section, "tags": ["climate change", "Japan"]}),
        )
        .await;
    assert_eq!(article["tags"], json!(["Climate Change", "japan"]), "an existing tag's name, a new tag's folded form");
    let japan = by_name(&app, &admin, "japan").await;
    assert_eq!((&japan["slug"], &japan["article_count"]), (&json!("japan"), &json!(1)));
    assert_eq!(by_name(&app, &admin, "Climate Change").await["article_count"], 1);

    // Lists take a tag by slug or by name, in any case.
    for given in ["climate-change", "CLIMATE%20CHANGE", "Climate%20Change"] {
        let public = app.get(&format!("/api/v1/public/articles?tag={given}"), None).await.json();
        assert_eq!(slugs(&public), ["glaciers-retreat"], "{given}");
        let editorial = app.get(&format!("/api/v1/articles?tag={given}"), Some(&admin)).await.json();
        assert_eq!(slugs(&editorial), ["glaciers-retreat"], "{given}");
    }
    assert!(slugs(&app.get("/api/v1/public/articles?tag=nothing", None).await.json()).is_empty());

    // A name that differs only in case is the same tag.
    let res = app.post("/api/v1/tags", Some(&admin), json!({"name": "climate change"})).await;
    assert_eq!((res.status, problem_code(&res)), (409, "tag_exists".to_string()));
    let res = app.post("/api/v1/tags", Some(&admin), json!({"name": "Warming", "slug": "japan"})).await;
    assert_eq!((res.status, problem_code(&res)), (409, "slug_taken".to_string()));
    // A made slug that is taken gets a number.
    let other = create(&app, &admin, json!({"name": "Japan!"})).await;
    assert_eq!(other["slug"], "japan-2");
    for bad in [json!({"name": " "}), json!({"name": "x".repeat(61)}), json!({"name": "Ok", "slug": "Not A Slug"})] {
        let res = app.post("/api/v1/tags", Some(&admin), bad.clone()).await;
        assert_eq!(res.status, 422, "{bad}");
    }
}

#[actix_web::test]
async fn writers_read_tags_and_only_editors_and_admins_change_them() {
    let app = TestApp::spawn().await;
    let (admin, _) = newsroom(&app).await;
    let tag = create(&app, &admin, json!({"name": "Elections"})).await;
    let (_, _, editor) = app.user("editor").await;
    for role in ["writer", "commercial"] {
        let (_, _, token) = app.user(role).await;
        // Writers pick them for their articles; the commercial side never sees drafts'.
        let reads = if role == "writer" { 200 } else { 403 };
        assert_eq!(app.get("/api/v1/tags", Some(&token)).await.status, reads, "{role}");
        assert_eq!(app.get(&path(&tag), Some(&token)).await.status, reads, "{role}");
        let res = app.post("/api/v1/tags", Some(&token), json!({"name": "Mine"})).await;
        assert_eq!(res.status, 403, "{role}");
        let res =
            with_if_match(&app, Method::PATCH, &path(&tag), &token, &tag["version"], Some(json!({"name": "X"}))).await;
        assert_eq!(res.status, 403, "{role}");
        let res = with_if_match(&app, Method::DELETE, &path(&tag), &token, &tag["version"], None).await;
        assert_eq!(res.status, 403, "{role}");
        let merge = format!("{}/merge", path(&tag));
        let res =
            with_if_match(&app, Method::POST, &merge, &token, &tag["version"], Some(json!({"into": tag["id"]}))).await;
        assert_eq!(res.status, 403, "{role}");
    }
    assert_eq!(app.get("/api/v1/tags", None).await.status, 401);
    let res = with_if_match(
        &app,
        Method::PATCH,
        &path(&tag),
        &editor,
        &tag["version"],
        Some(json!({"description": "Votes."})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.header("etag").as_deref(), Some("\"2\""));
}

#[actix_web::test]
async fn renaming_a_tag_renames_it_on_its_articles_and_keeps_the_old_url() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let article = app
        .published(&admin, json!({"headline": "Ice sheets", "section_id": section, "tags": ["climate", "science"]}))
        .await;
    let tag = by_name(&app, &admin, "climate").await;
    let page = app.get("/api/v1/public/tags/climate", None).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.json()["tag"], json!({"slug": "climate", "name": "climate", "description": null}));

    // If-Match is required and must be current.
    let res = app.patch(&path(&tag), Some(&admin), json!({"name": "Climate crisis"})).await;
    assert_eq!(res.status, 428);
    let res =
        with_if_match(&app, Method::PATCH, &path(&tag), &admin, &json!(7), Some(json!({"name": "Climate crisis"})))
            .await;
    assert_eq!(res.status, 412);
    // Another tag's name is a conflict: merge instead.
    let res =
        with_if_match(&app, Method::PATCH, &path(&tag), &admin, &tag["version"], Some(json!({"name": "Science"})))
            .await;
    assert_eq!((res.status, problem_code(&res)), (409, "tag_exists".to_string()));

    let res = with_if_match(
        &app,
        Method::PATCH,
        &path(&tag),
        &admin,
        &tag["version"],
        Some(json!({"name": "Climate crisis", "slug": "climate-crisis", "description": "Warming."})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let renamed = res.json();
    assert_eq!(
        (&renamed["name"], &renamed["slug"], &renamed["version"]),
        (&json!("Climate crisis"), &json!("climate-crisis"), &json!(2))
    );

    let now = app.get(&format!("/api/v1/articles/{}", article["id"].as_str().unwrap()), Some(&admin)).await;
    let now_json = now.json();
    assert_eq!(now_json["tags"], json!(["Climate crisis", "science"]));
    assert!(
        now_json["version"].as_i64() > article["version"].as_i64(),
        "the article's ETag moves with what it carries"
    );
    assert_eq!(now_json["updated_at"], article["updated_at"], "a rename is not an edit of the article");
    let public = app.get("/api/v1/public/articles/ice-sheets", None).await.json();
    assert_eq!(public["tags"], json!(["Climate crisis", "science"]));

    // The old URL redirects, with its query.
    let res = app.get("/api/v1/public/tags/climate?limit=5", None).await;
    assert_eq!(res.status, 301);
    assert_eq!(res.header("location").as_deref(), Some("/api/v1/public/tags/climate-crisis?limit=5"));
    let page = app.get("/api/v1/public/tags/climate-crisis", None).await.json();
    assert_eq!(page["tag"]["description"], "Warming.");
    assert_eq!(slugs(&page["articles"]), ["ice-sheets"]);
    // The old name and slug still find the articles in lists.
    assert_eq!(slugs(&app.get("/api/v1/public/articles?tag=climate", None).await.json()), ["ice-sheets"]);

    // An editor's copy from before the rename is stale: it cannot write the old name back.
    let res = app.edit(&admin, &article, json!({"headline": "Ice sheets melt"})).await;
    assert_eq!(res.status, 412);

    // A new tag may take the old slug: it stops redirecting.
    create(&app, &admin, json!({"name": "Climate", "slug": "climate"})).await;
    assert_eq!(app.get("/api/v1/public/tags/climate", None).await.status, 404, "the new tag has no live article");
}

#[actix_web::test]
async fn merging_moves_the_articles_and_redirects_every_slug() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let both = app
        .published(&admin, json!({"headline": "Both", "section_id": section, "tags": ["polls", "elections", "vote"]}))
        .await;
    app.published(&admin, json!({"headline": "Only polls", "section_id": section, "tags": ["polls"]})).await;
    app.published(&admin, json!({"headline": "Only elections", "section_id": section, "tags": ["elections"]})).await;
    let polls = by_name(&app, &admin, "polls").await;
    // A former slug of the merged tag redirects to the target too.
    let res = with_if_match(
        &app,
        Method::PATCH,
        &path(&polls),
        &admin,
        &polls["version"],
        Some(json!({"slug": "opinion-polls"})),
    )
    .await;
    assert_eq!(res.status, 200);
    let polls = res.json();
    let elections = by_name(&app, &admin, "elections").await;
    let merge = format!("{}/merge", path(&polls));

    let res =
        with_if_match(&app, Method::POST, &merge, &admin, &polls["version"], Some(json!({"into": polls["id"]}))).await;
    assert_eq!(res.status, 422);
    let res =
        with_if_match(&app, Method::POST, &merge, &admin, &polls["version"], Some(json!({"into": "no-such-tag"})))
            .await;
    assert_eq!(res.status, 422);
    let res = app.post(&merge, Some(&admin), json!({"into": elections["id"]})).await;
    assert_eq!(res.status, 428);

    let res =
        with_if_match(&app, Method::POST, &merge, &admin, &polls["version"], Some(json!({"into": elections["id"]})))
            .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let merged = res.json();
    assert_eq!((&merged["id"], &merged["article_count"]), (&elections["id"], &json!(3)));
    assert_eq!(app.get(&path(&polls), Some(&admin)).await.status, 404);

    let both = app.get(&format!("/api/v1/articles/{}", both["id"].as_str().unwrap()), Some(&admin)).await.json();
    assert_eq!(both["tags"], json!(["elections", "vote"]), "carried once, where the merged tag was");
    for old in ["polls", "opinion-polls"] {
        let res = app.get(&format!("/api/v1/public/tags/{old}"), None).await;
        assert_eq!(res.status, 301, "{old}");
        assert_eq!(res.header("location").as_deref(), Some("/api/v1/public/tags/elections"), "{old}");
    }
    let page = app.get("/api/v1/public/tags/elections", None).await.json();
    assert_eq!(slugs(&page["articles"]), ["only-elections", "only-polls", "both"]);
}

#[actix_web::test]
async fn deleting_a_tag_takes_it_off_its_articles() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let article =
        app.published(&admin, json!({"headline": "Rumour", "section_id": section, "tags": ["gossip", "media"]})).await;
    let gossip = by_name(&app, &admin, "gossip").await;
    let res = app.send(Method::DELETE, &path(&gossip), Some(&admin), None).await;
    assert_eq!(res.status, 428);
    let res = with_if_match(&app, Method::DELETE, &path(&gossip), &admin, &gossip["version"], None).await;
    assert_eq!(res.status, 204);
    let now = app.get(&format!("/api/v1/articles/{}", article["id"].as_str().unwrap()), Some(&admin)).await.json();
    assert_eq!(now["tags"], json!(["media"]));
    assert_eq!(app.get("/api/v1/public/tags/gossip", None).await.status, 404);
    assert!(slugs(&app.get("/api/v1/public/articles?tag=gossip", None).await.json()).is_empty());
    assert_eq!(app.get(&path(&gossip), Some(&admin)).await.status, 404);
}

#[actix_web::test]
async fn a_tag_page_shows_only_live_articles_and_never_a_tag_only_drafts_carry() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    // A tag on a draft alone may name unpublished work.
    app.article(
        &admin,
        json!({"headline": "Secret merger", "section_id": section, "tags": ["acme-merger", "markets"]}),
    )
    .await;
    assert_eq!(app.get("/api/v1/public/tags/acme-merger", None).await.status, 404);
    let tag = by_name(&app, &admin, "acme-merger").await;
    let res =
        with_if_match(&app, Method::PATCH, &path(&tag), &admin, &tag["version"], Some(json!({"slug": "acme"}))).await;
    assert_eq!(res.status, 200);
    assert_eq!(app.get("/api/v1/public/tags/acme-merger", None).await.status, 404, "no redirect tells the new slug");
    assert_eq!(app.get("/api/v1/public/tags/no-such-tag", None).await.status, 404);

    for n in 1..=3 {
        app.published(&admin, json!({"headline": format!("Markets {n}"), "section_id": section, "tags": ["markets"]}))
            .await;
        app.clock.advance(chrono::Duration::seconds(1));
    }
    let first = app.get("/api/v1/public/tags/markets?limit=2", None).await;
    assert_eq!(first.status, 200);
    let etag = first.header("etag").unwrap();
    let first = first.json();
    assert_eq!(slugs(&first["articles"]), ["markets-3", "markets-2"]);
    let cursor = first["articles"]["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("/api/v1/public/tags/markets?limit=2&cursor={cursor}"), None).await.json();
    assert_eq!(slugs(&second["articles"]), ["markets-1"]);
    assert!(second["articles"]["next_cursor"].is_null());
    let res = app
        .send_with(Method::GET, "/api/v1/public/tags/markets?limit=2", None, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(res.status, 304);
    let res = app.get("/api/v1/public/tags/markets?cursor=bogus", None).await;
    assert_eq!(res.status, 422);
}

#[actix_web::test]
async fn the_tag_list_pages_by_name_and_searches() {
    let app = TestApp::spawn().await;
    let (admin, _) = newsroom(&app).await;
    for name in ["beta", "Alpha", "gamma", "alphabet"] {
        create(&app, &admin, json!({"name": name})).await;
    }
    let names = |v: &Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
    };
    let first = app.get("/api/v1/tags?limit=3", Some(&admin)).await.json();
    assert_eq!(names(&first), ["Alpha", "alphabet", "beta"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("/api/v1/tags?limit=3&cursor={cursor}"), Some(&admin)).await.json();
    assert_eq!(names(&rest), ["gamma"]);
    assert_eq!(names(&app.get("/api/v1/tags?q=ALPH", Some(&admin)).await.json()), ["Alpha", "alphabet"]);
    assert_eq!(names(&app.get("/api/v1/tags?q=%25", Some(&admin)).await.json()), Vec::<String>::new(), "% is literal");
}

#[actix_web::test]
async fn nothing_public_names_a_tag_only_drafts_carry() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    app.article(&admin, json!({"headline": "Deal talks", "section_id": section, "tags": ["project falcon"]})).await;
    app.published(&admin, json!({"headline": "Markets wrap", "section_id": section, "tags": ["markets"]})).await;
    let falcon = by_name(&app, &admin, "project falcon").await;
    // Its feed is empty and its title does not name it, nor an unknown value.
    for given in ["project-falcon", "Project%20Falcon", "no-such-tag-at-all"] {
        let feed = app.get(&format!("/api/v1/public/feeds/json?tag={given}"), None).await.json();
        assert_eq!(feed["items"], json!([]), "{given}");
        let title = feed["title"].as_str().unwrap().to_lowercase();
        assert!(!title.contains("falcon") && !title.contains("no-such"), "{given}: {title}");
    }
    // Merged into a live tag, its slug does not start redirecting (that would tell it existed).
    let markets = by_name(&app, &admin, "markets").await;
    let merge = format!("{}/merge", path(&falcon));
    let res =
        with_if_match(&app, Method::POST, &merge, &admin, &falcon["version"], Some(json!({"into": markets["id"]})))
            .await;
    assert_eq!(res.status, 200);
    assert_eq!(app.get("/api/v1/public/tags/project-falcon", None).await.status, 404);
    assert_eq!(app.get("/api/v1/public/tags/markets", None).await.status, 200);

    // A draft-only tag's old slug does not redirect once the tag goes live.
    let draft =
        app.article(&admin, json!({"headline": "Secret", "section_id": section, "tags": ["nightingale"]})).await;
    let bird = by_name(&app, &admin, "nightingale").await;
    let res =
        with_if_match(&app, Method::PATCH, &path(&bird), &admin, &bird["version"], Some(json!({"slug": "birds"})))
            .await;
    assert_eq!(res.status, 200);
    let draft = app.get(&format!("/api/v1/articles/{}", draft["id"].as_str().unwrap()), Some(&admin)).await.json();
    assert_eq!(app.action(&admin, &draft, "publish", None).await.status, 200);
    assert_eq!(app.get("/api/v1/public/tags/birds", None).await.status, 200);
    assert_eq!(app.get("/api/v1/public/tags/nightingale", None).await.status, 404);
}

#[actix_web::test]
async fn a_tag_page_lists_its_own_articles_when_its_slug_is_another_tags_name() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    create(&app, &admin, json!({"name": "Weather", "slug": "climate"})).await;
    app.published(&admin, json!({"headline": "About weather", "section_id": section, "tags": ["weather"]})).await;
    app.published(&admin, json!({"headline": "About climate", "section_id": section, "tags": ["climate"]})).await;
    let climate = by_name(&app, &admin, "climate").await;
    assert_eq!(climate["slug"], "climate-2");
    let page = app.get("/api/v1/public/tags/climate-2", None).await.json();
    assert_eq!(slugs(&page["articles"]), ["about-climate"]);
    let page = app.get("/api/v1/public/tags/climate", None).await.json();
    assert_eq!(slugs(&page["articles"]), ["about-weather"]);
    // A list filter takes a name before a slug.
    assert_eq!(slugs(&app.get("/api/v1/public/articles?tag=climate", None).await.json()), ["about-climate"]);
}

#[actix_web::test]
async fn made_slugs_stop_counting_and_folded_names_keep_their_bound() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    // Names of punctuation all make "tag": after a few numbers, a random suffix.
    let names: Vec<String> = (0..12).map(|i| "!".repeat(i + 1)).collect();
    app.article(&admin, json!({"headline": "Punctuation", "section_id": section, "tags": names})).await;
    let all = app.get("/api/v1/tags?limit=100", Some(&admin)).await.json();
    let made: Vec<String> =
        all["items"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap().to_string()).collect();
    assert_eq!(made.len(), 12);
    for n in 2..=10 {
        assert!(made.contains(&format!("tag-{n}")), "{made:?}");
    }
    let random = made.iter().filter(|s| s.len() == 12 && s.starts_with("tag-") && !s[4..].contains('-')).count();
    assert_eq!(random, 2, "{made:?}");
    // Lower-cased, "İ" is two characters: checked as stored.
    let res = app
        .post(
            "/api/v1/articles",
            Some(&admin),
            json!({"headline": "X", "section_id": section, "tags": ["İ".repeat(60)]}),
        )
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["errors"][0]["field"], "tags[0]");
}

#[actix_web::test]
async fn concurrent_renames_keep_every_article_naming_existing_tags() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    for n in 0..8 {
        app.published(
            &admin,
            json!({"headline": format!("Both {n}"), "section_id": section, "tags": ["pone", "ptwo"]}),
        )
        .await;
    }
    let (_, _, editor) = app.user("editor").await;
    let rename = |token: String, name: &'static str| {
        let app = &app;
        async move {
            let mut statuses = Vec::new();
            for i in 0..6 {
                let list = app.get(&format!("/api/v1/tags?q={name}"), Some(&token)).await.json();
                let tag = list["items"][0].clone();
                let body = json!({"name": format!("{name} {i}")});
                statuses.push(
                    with_if_match(app, Method::PATCH, &path(&tag), &token, &tag["version"], Some(body)).await.status,
                );
            }
            statuses
        }
    };
    let (one, two) = futures_util::future::join(rename(admin.clone(), "pone"), rename(editor, "ptwo")).await;
    assert!(one.iter().chain(&two).all(|s| *s == 200), "{one:?} {two:?}");
    let names: Vec<String> = app.get("/api/v1/tags", Some(&admin)).await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["pone 5", "ptwo 5"]);
    let list = app.get("/api/v1/articles?limit=100", Some(&admin)).await.json();
    for article in list["items"].as_array().unwrap() {
        assert_eq!(article["tags"], json!(["pone 5", "ptwo 5"]), "{}", article["slug"]);
    }
    for tag in ["pone%205", "ptwo%205", "pone", "ptwo"] {
        let page = app.get(&format!("/api/v1/public/articles?tag={tag}&limit=100"), None).await.json();
        assert_eq!(page["items"].as_array().unwrap().len(), 8, "{tag}");
    }
}
