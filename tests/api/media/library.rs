//! Uploading, reading, listing, editing and deleting assets.

use actix_web::http::Method;
use serde_json::json;

use super::{decoded, jpeg, png, stored, upload, upload_form, uploaded, with_exif};
use crate::common::TestApp;

#[actix_rt::test]
async fn an_upload_becomes_an_asset_with_its_size_type_and_hash() {
    let app = TestApp::spawn().await;
    let (writer_id, _, writer) = app.user("writer").await;
    let bytes = jpeg(800, 600, 1);
    let res = upload_form(
        &app,
        Some(&writer),
        &[
            ("alt", None, b"Traders on the floor"),
            ("file", Some("photos/tokyo.jpg"), &bytes),
            ("credit", None, b"Photo: <em>A. Sato</em><script>x()</script>"),
        ],
    )
    .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.header("etag").as_deref(), Some("\"1\""));
    let asset = res.json();
    let id = asset["id"].as_str().unwrap();
    assert_eq!(res.header("location"), Some(format!("/api/v1/media/{id}")));
    assert_eq!(asset["file_name"], "tokyo.jpg");
    assert_eq!(asset["content_type"], "image/jpeg");
    assert_eq!((asset["width"].as_u64(), asset["height"].as_u64()), (Some(800), Some(600)));
    assert_eq!(asset["alt"], "Traders on the floor");
    assert_eq!(asset["credit"], "Photo: <em>A. Sato</em>", "inline HTML is sanitised");
    assert_eq!(asset["caption"], json!(null));
    assert_eq!(asset["focal_point"], json!({"x": 0.5, "y": 0.5}));
    assert_eq!(asset["uploaded_by"], json!({"id": writer_id, "display_name": "A writer"}));
    assert_eq!(asset["version"], 1);
    let sha = asset["sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    assert!(asset["bytes"].as_i64().unwrap() > 0);

    let read = app.get(&format!("/api/v1/media/{id}"), Some(&writer)).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(read.json(), asset);
    assert_eq!(app.get(&format!("/api/v1/media/{id}"), None).await.status, 401);
    app.get("/api/v1/media/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", Some(&writer)).await.assert_problem(404, "not_found");
}

#[actix_rt::test]
async fn the_same_bytes_uploaded_twice_are_one_asset() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let (_, _, commercial) = app.user("commercial").await;
    let bytes = png(64, 48, 2);
    let first = uploaded(&app, &editor, &bytes, "a.png").await;
    let again = upload(&app, &commercial, &bytes, "b.png").await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["id"], first["id"]);
    assert_eq!(again.json()["file_name"], "a.png");
    // The metadata sent is not applied, but still checked: invalid is invalid either way.
    let long_alt = "a".repeat(1001);
    upload_form(&app, Some(&commercial), &[("file", Some("c.png"), &bytes), ("alt", None, long_alt.as_bytes())])
        .await
        .assert_problem(422, "validation_failed");
    // A blank part is an empty field, but a blank of control characters is no text.
    let blank = upload_form(&app, Some(&commercial), &[("file", Some("c.png"), &bytes), ("alt", None, b" ")]).await;
    assert_eq!(blank.status, 200);
    upload_form(&app, Some(&commercial), &[("file", Some("c.png"), &bytes), ("alt", None, b"\t")])
        .await
        .assert_problem(422, "validation_failed");
    let list = app.get("/api/v1/media", Some(&editor)).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[actix_rt::test]
async fn the_type_comes_from_the_content_and_anything_else_is_refused() {
    let app = TestApp::spawn().await;
    let (_, _, writer) = app.user("writer").await;
    // A PNG named .jpg is a PNG.
    let asset = uploaded(&app, &writer, &png(10, 10, 3), "photo.jpg").await;
    assert_eq!(asset["content_type"], "image/png");
    for (bytes, name) in [
        (b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(), "x.png"),
        (b"<html><body>hi</body></html>".to_vec(), "x.jpg"),
        (b"%PDF-1.7\n".to_vec(), "x.gif"),
        (b"BM\x00\x00".to_vec(), "x.bmp"),
    ] {
        upload(&app, &writer, &bytes, name).await.assert_problem(415, "unsupported_media_type");
    }
    // Not a form at all.
    let res = app.send(Method::POST, "/api/v1/media", Some(&writer), Some(json!({"file": "x"}))).await;
    res.assert_problem(415, "unsupported_media_type");
    let res = app.send_raw(Method::POST, "/api/v1/media", Some(&writer), "image/png", png(4, 4, 1)).await;
    res.assert_problem(415, "unsupported_media_type");
    // A form without the file, with an unknown part, or with the file twice.
    let body = upload_form(&app, Some(&writer), &[("alt", None, b"x")]).await.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "file");
    let img = png(5, 5, 9);
    upload_form(&app, Some(&writer), &[("file", Some("a.png"), &img), ("owner", None, b"me")])
        .await
        .assert_problem(422, "validation_failed");
    upload_form(&app, Some(&writer), &[("file", Some("a.png"), &img), ("file", Some("b.png"), &img)])
        .await
        .assert_problem(422, "validation_failed");
    upload_form(&app, Some(&writer), &[("file", Some("a.png"), b"")]).await.assert_problem(422, "validation_failed");
    assert_eq!(upload_form(&app, None, &[("file", Some("a.png"), &img)]).await.status, 401);
}

#[actix_rt::test]
async fn size_limits_are_413_and_oversized_or_damaged_images_are_422() {
    let app = TestApp::spawn_with(|s| {
        s.media.max_bytes = 20_000;
        s.media.limits.max_side = 1000;
        s.media.limits.max_pixels = 300_000;
    })
    .await;
    let (_, _, writer) = app.user("writer").await;
    // Noise compresses badly: well over 20 kB.
    let noisy: Vec<u8> = (0..30_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let mut big = png(4, 4, 1);
    big.extend(&noisy);
    upload(&app, &writer, &big, "big.png").await.assert_problem(413, "payload_too_large");
    // Wider than the limit, and more pixels than the limit: refused from the header.
    upload(&app, &writer, &png(1001, 2, 1), "wide.png").await.assert_problem(422, "image_too_large");
    upload(&app, &writer, &png(600, 600, 1), "many.png").await.assert_problem(422, "image_too_large");
    // A decompression bomb: a tiny PNG whose header claims 100,000 x 100,000.
    upload(&app, &writer, &png_claiming(100_000, 100_000), "bomb.png").await.assert_problem(422, "image_too_large");
    // Cut short, or a JPEG signature in front of nothing that decodes.
    let whole = png(200, 200, 4);
    let body =
        upload(&app, &writer, &whole[..whole.len() / 2], "cut.png").await.assert_problem(422, "undecodable_image");
    assert_eq!(
        body["detail"], "The file looks like a PNG image but could not be decoded: it is damaged or incomplete.",
        "the decoder's internals stay in the log"
    );
    let mut junk = b"\xff\xd8\xff\xe0".to_vec();
    junk.extend([0x5a; 300]);
    upload(&app, &writer, &junk, "junk.jpg").await.assert_problem(422, "undecodable_image");
    let list = app.get("/api/v1/media", Some(&writer)).await.json();
    assert_eq!(list["items"], json!([]), "nothing refused is kept");
}

/// A valid PNG signature and IHDR chunk (with its CRC) claiming `w` x `h`, and no pixels.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut crc = flate2::Crc::new();
    crc.update(&ihdr);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(13u32.to_be_bytes());
    out.extend(&ihdr);
    out.extend(crc.sum().to_be_bytes());
    out.extend(b"\0\0\0\0IEND\xaeB`\x82");
    out
}

#[actix_rt::test]
async fn location_metadata_is_stripped_and_orientation_applied() {
    let app = TestApp::spawn().await;
    let (_, _, writer) = app.user("writer").await;
    // Upright: only the metadata goes, the pixels stay as they were encoded.
    let upright = with_exif(&jpeg(40, 20, 5), 1);
    let asset = uploaded(&app, &writer, &upright, "upright.jpg").await;
    assert_eq!((asset["width"].as_u64(), asset["height"].as_u64()), (Some(40), Some(20)));
    let file = stored(&app, asset["id"].as_str().unwrap(), None).await.unwrap();
    assert!(!file.windows(4).any(|w| w == b"Exif"), "EXIF is gone");
    assert_eq!(file, jpeg(40, 20, 5), "nothing else changed");
    // Turned: stored turned, so that every viewer shows it the same way.
    let turned = with_exif(&jpeg(40, 20, 6), 6);
    let asset = uploaded(&app, &writer, &turned, "turned.jpg").await;
    assert_eq!((asset["width"].as_u64(), asset["height"].as_u64()), (Some(20), Some(40)));
    let file = stored(&app, asset["id"].as_str().unwrap(), None).await.unwrap();
    assert!(!file.windows(4).any(|w| w == b"Exif"));
    assert_eq!(decoded(&file).1, 20);

    let keeping = TestApp::spawn_with(|s| s.media.keep_metadata = true).await;
    let (_, _, writer) = keeping.user("writer").await;
    let asset = uploaded(&keeping, &writer, &upright, "upright.jpg").await;
    let file = stored(&keeping, asset["id"].as_str().unwrap(), None).await.unwrap();
    assert_eq!(file, upright, "kept as uploaded when asked to");
}

#[actix_rt::test]
async fn metadata_edits_need_if_match_and_valid_values() {
    let app = TestApp::spawn().await;
    let (_, _, writer) = app.user("writer").await;
    let asset = uploaded(&app, &writer, &png(30, 30, 7), "a.png").await;
    let path = format!("/api/v1/media/{}", asset["id"].as_str().unwrap());
    let change = json!({"alt": "A harbour at dawn", "caption": "Dawn in <strong>Busan</strong>", "focal_point": {"x": 0.25, "y": 1}});
    app.patch(&path, Some(&writer), change.clone()).await.assert_problem(428, "precondition_required");
    let res = app.send_with(Method::PATCH, &path, Some(&writer), Some(change.clone()), &[("if-match", "\"1\"")]).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.header("etag").as_deref(), Some("\"2\""));
    let body = res.json();
    assert_eq!(body["alt"], "A harbour at dawn");
    assert_eq!(body["caption"], "Dawn in <strong>Busan</strong>");
    assert_eq!(body["focal_point"], json!({"x": 0.25, "y": 1.0}));
    assert_eq!(body["version"], 2);
    let stale = app.send_with(Method::PATCH, &path, Some(&writer), Some(change), &[("if-match", "\"1\"")]).await;
    stale.assert_problem(412, "precondition_failed");
    assert_eq!(stale.header("etag").as_deref(), Some("\"2\""));
    for bad in [
        json!({"focal_point": {"x": 1.5, "y": 0}}),
        json!({"focal_point": {"x": -0.1, "y": 0}}),
        json!({"focal_point": null}),
        json!({"file_name": ""}),
        json!({"file_name": null}),
        json!({"alt": "tab\u{0}nul"}),
        json!({"owner": "me"}),
        json!({"alt": "x".repeat(1001)}),
    ] {
        let res = app.send_with(Method::PATCH, &path, Some(&writer), Some(bad.clone()), &[("if-match", "\"2\"")]).await;
        assert_eq!(res.status, 422, "{bad}: {}", String::from_utf8_lossy(&res.body));
    }
    let cleared =
        app.send_with(Method::PATCH, &path, Some(&writer), Some(json!({"alt": null})), &[("if-match", "\"2\"")]).await;
    assert_eq!(cleared.json()["alt"], json!(null));
    assert_eq!(cleared.json()["caption"], "Dawn in <strong>Busan</strong>");
}

#[actix_rt::test]
async fn writers_and_commercial_users_manage_only_their_own_uploads() {
    let app = TestApp::spawn().await;
    let (_, _, writer) = app.user("writer").await;
    let (_, _, other_writer) = app.user("writer").await;
    let (_, _, commercial) = app.user("commercial").await;
    let (_, _, editor) = app.user("editor").await;
    let asset = uploaded(&app, &writer, &png(12, 12, 8), "a.png").await;
    let path = format!("/api/v1/media/{}", asset["id"].as_str().unwrap());
    let alt = Some(json!({"alt": "x"}));
    for token in [&other_writer, &commercial] {
        let res = app.send_with(Method::PATCH, &path, Some(token), alt.clone(), &[("if-match", "\"1\"")]).await;
        res.assert_problem(403, "forbidden");
        let res = app.send_with(Method::DELETE, &path, Some(token), None, &[("if-match", "\"1\"")]).await;
        res.assert_problem(403, "forbidden");
        // Everyone on the staff may see and use it.
        assert_eq!(app.get(&path, Some(token)).await.status, 200);
    }
    let res = app.send_with(Method::PATCH, &path, Some(&editor), alt, &[("if-match", "\"1\"")]).await;
    assert_eq!(res.status, 200);
    let commercial_asset = uploaded(&app, &commercial, &png(12, 12, 9), "logo.png").await;
    let res = app
        .send_with(
            Method::DELETE,
            &format!("/api/v1/media/{}", commercial_asset["id"].as_str().unwrap()),
            Some(&commercial),
            None,
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(res.status, 204);
}

#[actix_rt::test]
async fn the_library_is_searched_and_paged() {
    let app = TestApp::spawn().await;
    let (writer_id, _, writer) = app.user("writer").await;
    let (_, _, editor) = app.user("editor").await;
    let harbour = uploaded(&app, &writer, &png(8, 8, 1), "Harbour-Dawn.png").await;
    let res = upload_form(
        &app,
        Some(&editor),
        &[("file", Some("x.png"), &png(8, 8, 2)), ("caption", None, b"100% HARBOUR views")],
    )
    .await;
    let second = res.json();
    let _third = uploaded(&app, &editor, &png(8, 8, 3), "market.png").await;

    let ids = |q: &str| {
        let app = &app;
        let editor = editor.clone();
        let q = q.to_string();
        async move {
            let res = app.get(&format!("/api/v1/media?{q}"), Some(&editor)).await;
            assert_eq!(res.status, 200, "{q}: {}", String::from_utf8_lossy(&res.body));
            res.json()["items"].as_array().unwrap().iter().map(|a| a["id"].clone()).collect::<Vec<_>>()
        }
    };
    assert_eq!(ids("q=harbour").await, vec![second["id"].clone(), harbour["id"].clone()], "newest first, any case");
    assert_eq!(ids("q=100%25").await, vec![second["id"].clone()], "% is a character, not a wildcard");
    assert_eq!(ids("q=_").await, Vec::<serde_json::Value>::new());
    assert_eq!(ids(&format!("uploaded_by={writer_id}")).await, vec![harbour["id"].clone()]);

    let page = app.get("/api/v1/media?limit=2", Some(&editor)).await.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("/api/v1/media?limit=2&cursor={cursor}"), Some(&editor)).await.json();
    assert_eq!(rest["items"][0]["id"], harbour["id"]);
    assert_eq!(rest["next_cursor"], json!(null));
    app.get("/api/v1/media?limit=0", Some(&editor)).await.assert_problem(422, "validation_failed");
    app.get("/api/v1/media?cursor=nonsense", Some(&editor)).await.assert_problem(422, "validation_failed");
    app.get("/api/v1/media?sort=name", Some(&editor)).await.assert_problem(400, "unknown_query_parameter");
}

#[actix_rt::test]
async fn deleting_an_asset_removes_its_files_unless_something_uses_it() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let asset = uploaded(&app, &editor, &jpeg(400, 300, 9), "a.jpg").await;
    let id = asset["id"].as_str().unwrap();
    let path = format!("/api/v1/media/{id}");
    let rendition = format!("/api/v1/public/media/{id}/w320.webp");
    assert_eq!(app.get(&rendition, None).await.status, 200);
    assert!(stored(&app, id, Some("w320.webp")).await.is_some(), "made and stored");
    app.send(Method::DELETE, &path, Some(&editor), None).await.assert_problem(428, "precondition_required");
    let res = app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", "\"1\"")]).await;
    assert_eq!(res.status, 204);
    app.get(&path, Some(&editor)).await.assert_problem(404, "not_found");
    app.get(&rendition, None).await.assert_problem(404, "not_found");
    assert_eq!(stored(&app, id, None).await, None, "the original is gone");
    assert_eq!(stored(&app, id, Some("w320.webp")).await, None, "and its renditions");
}
