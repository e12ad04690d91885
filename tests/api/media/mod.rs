//! The media library: uploads and what is refused, metadata, roles, deletes that
//! protect what articles use, renditions, and images in public articles. Files are
//! stored in a temporary directory, or in the S3-compatible server that
//! `MASTHEAD_TEST_S3_URL` names.

mod articles;
mod library;
mod renditions;

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use serde_json::Value;

use masthead::domain::id::AssetId;
use masthead::storage::MediaStore;

use crate::common::{Resp, TestApp};

/// A JPEG of `w` x `h` whose pixels depend on `seed` (so that uploads differ).
pub fn jpeg(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, seed]));
    encode(DynamicImage::ImageRgb8(img), ImageFormat::Jpeg)
}

pub fn png(w: u32, h: u32, seed: u8) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([seed, (x % 256) as u8, (y % 256) as u8]));
    encode(DynamicImage::ImageRgb8(img), ImageFormat::Png)
}

fn encode(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// `jpeg` with an EXIF segment holding `orientation` and a GPS position.
pub fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    // TIFF, big-endian: IFD0 at 8 with Orientation and a pointer to the GPS IFD (at
    // 38), which holds GPSLatitudeRef "N" and GPSLatitude's tag as a marker to find.
    let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend([0, 2]); // two entries
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]); // Orientation, SHORT, 1
    tiff.extend(orientation.to_be_bytes());
    tiff.extend([0, 0]);
    tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]); // GPS IFD pointer
    tiff.extend([0, 0, 0, 0]); // no next IFD
    assert_eq!(tiff.len(), 38);
    tiff.extend([0, 1]); // one GPS entry
    tiff.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]); // GPSLatitudeRef "N"
    tiff.extend([0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let len = u16::try_from(app1.len() + 2).unwrap();
    let mut out = jpeg[..2].to_vec(); // SOI
    out.extend([0xFF, 0xE1]);
    out.extend(len.to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

/// A multipart/form-data body: (name, file name, bytes) per part.
pub fn form(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "masthead-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        body.extend(format!("--{boundary}\r\n").as_bytes());
        match file_name {
            Some(f) => body.extend(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .as_bytes(),
            ),
            None => body.extend(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn upload_form(app: &TestApp, token: Option<&str>, parts: &[(&str, Option<&str>, &[u8])]) -> Resp {
    let (content_type, body) = form(parts);
    app.send_raw(actix_web::http::Method::POST, "/api/v1/media", token, &content_type, body).await
}

pub async fn upload(app: &TestApp, token: &str, bytes: &[u8], file_name: &str) -> Resp {
    upload_form(app, Some(token), &[("file", Some(file_name), bytes)]).await
}

/// Uploads and returns the new asset.
pub async fn uploaded(app: &TestApp, token: &str, bytes: &[u8], file_name: &str) -> Value {
    let res = upload(app, token, bytes, file_name).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

/// What the app's store (directory or bucket) holds for an asset: its original, or a
/// rendition when `rendition` names one.
pub async fn stored(app: &TestApp, asset_id: &str, rendition: Option<&str>) -> Option<Vec<u8>> {
    let store = MediaStore::open(&app.media_store).unwrap();
    let id = AssetId::from(asset_id);
    let found = match rendition {
        None => store.original(&id).await,
        Some(name) => store.rendition(&id, name).await,
    };
    found.unwrap().map(|b| b.to_vec())
}

/// Decodes an image answer: its format and size.
pub fn decoded(bytes: &[u8]) -> (ImageFormat, u32, u32) {
    let format = image::guess_format(bytes).unwrap();
    let img = image::load_from_memory(bytes).unwrap();
    (format, img.width(), img.height())
}
