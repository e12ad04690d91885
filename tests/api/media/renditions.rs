//! Renditions: only configured sizes and crops, made once, cached for ever, and
//! refused (503) rather than queued without bound.

use actix_web::http::Method;
use image::ImageFormat;
use serde_json::json;

use super::{decoded, jpeg, png, stored, uploaded};
use crate::common::TestApp;

#[actix_rt::test]
async fn an_asset_lists_its_renditions_and_each_one_is_served_immutable() {
    let app = TestApp::spawn().await;
    let (_, _, writer) = app.user("writer").await;
    let asset = uploaded(&app, &writer, &jpeg(800, 600, 1), "a.jpg").await;
    let id = asset["id"].as_str().unwrap();
    let base = format!("/api/v1/public/media/{id}");
    let r = &asset["renditions"];
    // Configured widths below the image's, then its own width: never upscaled.
    assert_eq!(r["url"], format!("{base}/w800.jpg"));
    assert_eq!((r["width"].as_u64(), r["height"].as_u64()), (Some(800), Some(600)));
    assert_eq!(
        r["sources"],
        json!([
            {"type": "image/webp", "srcset": format!("{base}/w320.webp 320w, {base}/w640.webp 640w, {base}/w800.webp 800w")},
            {"type": "image/jpeg", "srcset": format!("{base}/w320.jpg 320w, {base}/w640.jpg 640w, {base}/w800.jpg 800w")},
        ])
    );
    // Crops around the focal point (the centre), as wide as the crop allows.
    assert_eq!(r["crops"]["16:9"]["url"], format!("{base}/w800-16x9-f500x500.jpg"));
    assert_eq!(r["crops"]["1:1"]["url"], format!("{base}/w600-1x1-f500x500.jpg"));
    assert_eq!(r["crops"]["1:1"]["height"], 600);

    let webp = app.get(&format!("{base}/w320.webp"), None).await;
    assert_eq!(webp.status, 200);
    assert_eq!(webp.header("content-type").as_deref(), Some("image/webp"));
    assert_eq!(webp.header("cache-control").as_deref(), Some("public, max-age=31536000, immutable"));
    assert_eq!(decoded(&webp.body), (ImageFormat::WebP, 320, 240));
    let etag = webp.header("etag").unwrap();
    assert!(etag.starts_with('"'), "strong: {etag}");
    let again = app.send_with(Method::GET, &format!("{base}/w320.webp"), None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let file = stored(&app, id, Some("w320.webp")).await;
    assert_eq!(file.as_ref(), Some(&webp.body), "made once and stored");
    let second = app.get(&format!("{base}/w320.webp"), None).await;
    assert_eq!(second.body, webp.body);

    let square = app.get(&format!("{base}/w320-1x1-f500x500.jpg"), None).await;
    assert_eq!(square.status, 200, "{}", String::from_utf8_lossy(&square.body));
    assert_eq!(decoded(&square.body), (ImageFormat::Jpeg, 320, 320));
    let wide = app.get(&format!("{base}/w640-16x9-f500x500.webp"), None).await;
    assert_eq!(decoded(&wide.body), (ImageFormat::WebP, 640, 360));
}

#[actix_rt::test]
async fn sizes_crops_and_formats_that_are_not_offered_are_404() {
    let app = TestApp::spawn().await;
    let (_, _, writer) = app.user("writer").await;
    let asset = uploaded(&app, &writer, &png(500, 400, 2), "a.png").await;
    let id = asset["id"].as_str().unwrap();
    let base = format!("/api/v1/public/media/{id}");
    for name in [
        "w321.webp",
        "w4000.webp",
        "w640.webp", // wider than the image
        "w320.jpg",  // not the original's type
        "w320.gif",
        "w320-5x4-f500x500.webp", // not a configured aspect
        "w320-1x1-f100x100.webp", // not the focal point
        "w0320.webp",
        "original.png",
        "w320.webp.png",
        "..%2F..%2Fetc%2Fpasswd",
    ] {
        app.get(&format!("{base}/{name}"), None).await.assert_problem(404, "not_found");
    }
    assert_eq!(app.get(&format!("{base}/w500.png"), None).await.status, 200);
    app.get("/api/v1/public/media/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/w320.webp", None)
        .await
        .assert_problem(404, "not_found");
    // A new focal point is a new URL; the old crop is no longer offered.
    let moved = app
        .send_with(
            Method::PATCH,
            &format!("/api/v1/media/{id}"),
            Some(&writer),
            Some(json!({"focal_point": {"x": 0.1, "y": 0.9}})),
            &[("if-match", "\"1\"")],
        )
        .await
        .json();
    assert_eq!(moved["renditions"]["crops"]["1:1"]["url"], format!("{base}/w400-1x1-f100x900.png"));
    assert_eq!(app.get(&format!("{base}/w320-1x1-f100x900.webp"), None).await.status, 200);
    app.get(&format!("{base}/w320-1x1-f500x500.webp"), None).await.assert_problem(404, "not_found");
}

#[actix_rt::test]
async fn rendition_work_past_the_queue_is_503_with_retry_after() {
    let app = TestApp::spawn_with(|s| {
        s.media.workers = 1;
        s.media.queue = 0;
    })
    .await;
    let (_, _, writer) = app.user("writer").await;
    let asset = uploaded(&app, &writer, &jpeg(2560, 2560, 3), "big.jpg").await;
    let id = asset["id"].as_str().unwrap();
    let names =
        ["w320.webp", "w640.webp", "w960.webp", "w1280.webp", "w1920.webp", "w2560.webp", "w320.jpg", "w640.jpg"];
    let requests = names.iter().map(|n| app.get_owned(format!("/api/v1/public/media/{id}/{n}")));
    let answers = futures_util::future::join_all(requests).await;
    let busy: Vec<_> = answers.iter().filter(|r| r.status == 503).collect();
    assert!(answers.iter().any(|r| r.status == 200), "one is made");
    assert!(
        !busy.is_empty(),
        "the rest are turned away, not queued: {:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for res in busy {
        res.assert_problem(503, "busy");
        assert_eq!(res.header("retry-after").as_deref(), Some("1"));
    }
    assert!(answers.iter().all(|r| r.status == 200 || r.status == 503));
}
