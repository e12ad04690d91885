//! Pixels: recognising an upload's type from its bytes, checking its size before
//! decoding it (so that a decompression bomb is refused, not decoded), stripping the
//! metadata that can expose a source, and making renditions. All of it is blocking,
//! CPU-bound work, run on the blocking pool under `Workers`, one image per permit.

use std::io::Cursor;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, metadata::Orientation};
use img_parts::{Bytes, ImageEXIF};

use crate::domain::media::{Asset, MediaType, Rendition, RenditionFormat};

/// How large an image the server agrees to decode.
#[derive(Debug, Clone, Copy)]
pub struct DecodeLimits {
    pub max_side: u32,
    pub max_pixels: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ImagingError {
    #[error("not an image of a supported type")]
    Unsupported,
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    Undecodable(String),
    #[error("{0}")]
    Internal(String),
}

/// An upload made ready to store.
#[derive(Debug)]
pub struct Prepared {
    pub bytes: Bytes,
    pub media_type: MediaType,
    pub width: u32,
    pub height: u32,
}

/// The type of `bytes`, from their content only.
pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
    match image::guess_format(bytes).ok()? {
        ImageFormat::Jpeg => Some(MediaType::Jpeg),
        ImageFormat::Png => Some(MediaType::Png),
        ImageFormat::WebP => Some(MediaType::Webp),
        ImageFormat::Gif => Some(MediaType::Gif),
        _ => None,
    }
}

fn format_of(media_type: MediaType) -> ImageFormat {
    match media_type {
        MediaType::Jpeg => ImageFormat::Jpeg,
        MediaType::Png => ImageFormat::Png,
        MediaType::Webp => ImageFormat::WebP,
        MediaType::Gif => ImageFormat::Gif,
    }
}

/// Decodes `bytes` of a known type within `limits`: the header is read first, and
/// an image over the limits is refused before any pixel is decoded. Returns the image
/// as it is meant to be seen (its EXIF orientation applied) and that orientation.
fn decode(
    bytes: &[u8],
    media_type: MediaType,
    limits: DecodeLimits,
) -> Result<(DynamicImage, Orientation), ImagingError> {
    // The decoder's own words name its internals (chunk types, markers): for the log.
    let undecodable = |e: image::ImageError| {
        tracing::debug!(error = %e, "an image could not be decoded");
        ImagingError::Undecodable(format!(
            "The file looks like a {} image but could not be decoded: it is damaged or incomplete.",
            media_type.mime().trim_start_matches("image/").to_uppercase()
        ))
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format_of(media_type));
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_image_width = Some(limits.max_side);
    decoder_limits.max_image_height = Some(limits.max_side);
    // Room for the decoded pixels (four bytes each at most) and the decoder's own buffers.
    decoder_limits.max_alloc = Some(limits.max_pixels.saturating_mul(4).saturating_add(64 << 20));
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder().map_err(|e| too_large_or(e, limits, undecodable))?;
    let (w, h) = decoder.dimensions();
    check_size(w, h, limits)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| too_large_or(e, limits, undecodable))?;
    img.apply_orientation(orientation);
    Ok((img, orientation))
}

fn too_large_or(
    e: image::ImageError,
    limits: DecodeLimits,
    other: impl Fn(image::ImageError) -> ImagingError,
) -> ImagingError {
    match e {
        image::ImageError::Limits(_) => ImagingError::TooLarge(format!(
            "The image is larger than this server decodes: at most {} pixels a side and {} pixels in all.",
            limits.max_side, limits.max_pixels
        )),
        e => other(e),
    }
}

fn check_size(w: u32, h: u32, limits: DecodeLimits) -> Result<(), ImagingError> {
    if w == 0 || h == 0 {
        return Err(ImagingError::Undecodable("The image has no pixels.".into()));
    }
    if w > limits.max_side || h > limits.max_side || u64::from(w) * u64::from(h) > limits.max_pixels {
        return Err(ImagingError::TooLarge(format!(
            "The image is {w} x {h} pixels; this server takes at most {} pixels a side and {} pixels in all.",
            limits.max_side, limits.max_pixels
        )));
    }
    Ok(())
}

/// Checks an upload and makes it ready to store: its type from the content, its size
/// within `limits`, every pixel decodable; location and other EXIF, XMP and IPTC
/// metadata removed (the colour profile stays) unless `keep_metadata`; an EXIF
/// orientation applied to the pixels, so that the stored file looks the same in every
/// viewer.
pub fn prepare(raw: Bytes, limits: DecodeLimits, keep_metadata: bool) -> Result<Prepared, ImagingError> {
    let media_type = sniff(&raw).ok_or(ImagingError::Unsupported)?;
    let (img, orientation) = decode(&raw, media_type, limits)?;
    let (width, height) = (img.width(), img.height());
    let bytes = if orientation != Orientation::NoTransforms {
        // Rotating a JPEG means encoding it again; that also drops its metadata.
        encode(&img, media_type, QUALITY_ORIGINAL)?.into()
    } else if keep_metadata {
        raw
    } else {
        strip_metadata(raw, media_type)?
    };
    Ok(Prepared { bytes, media_type, width, height })
}

/// Without EXIF (where GPS positions live), XMP, IPTC and comments.
fn strip_metadata(raw: Bytes, media_type: MediaType) -> Result<Bytes, ImagingError> {
    let broken = |e: img_parts::Error| {
        tracing::debug!(error = %e, "an image's structure could not be read");
        ImagingError::Undecodable("The image's structure is damaged.".into())
    };
    Ok(match media_type {
        MediaType::Jpeg => {
            use img_parts::jpeg::{Jpeg, markers};
            let mut jpeg = Jpeg::from_bytes(raw).map_err(broken)?;
            // APP1 holds EXIF and XMP, APP13 IPTC; COM free comments. APP0 (JFIF),
            // APP2 (ICC profile) and APP14 (Adobe colour transform) are needed to show it.
            jpeg.segments_mut().retain(|s| !matches!(s.marker(), markers::APP1 | markers::APP13 | markers::COM));
            jpeg.encoder().bytes()
        }
        MediaType::Png => {
            use img_parts::png::Png;
            let mut png = Png::from_bytes(raw).map_err(broken)?;
            png.chunks_mut().retain(|c| !matches!(&c.kind(), b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME"));
            png.encoder().bytes()
        }
        MediaType::Webp => {
            use img_parts::webp::WebP;
            let mut webp = WebP::from_bytes(raw).map_err(broken)?;
            webp.set_exif(None);
            webp.remove_chunks_by_id(*b"XMP ");
            webp.encoder().bytes()
        }
        // GIF has no standard place for camera metadata.
        MediaType::Gif => raw,
    })
}

const QUALITY_ORIGINAL: u8 = 90;
const QUALITY_RENDITION: u8 = 82;

fn encode(img: &DynamicImage, media_type: MediaType, quality: u8) -> Result<Vec<u8>, ImagingError> {
    let failed = |e: image::ImageError| ImagingError::Internal(format!("encoding failed: {e}"));
    let mut out = Cursor::new(Vec::new());
    match media_type {
        MediaType::Jpeg => {
            let rgb = img.to_rgb8();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality).encode_image(&rgb).map_err(failed)?;
        }
        MediaType::Webp => return Ok(encode_webp(img, quality)),
        MediaType::Png => img.write_to(&mut out, ImageFormat::Png).map_err(failed)?,
        MediaType::Gif => img.to_rgba8().write_to(&mut out, ImageFormat::Gif).map_err(failed)?,
    }
    Ok(out.into_inner())
}

/// Lossy WebP through libwebp (image's own encoder writes lossless only, larger than
/// the JPEG it would replace).
fn encode_webp(img: &DynamicImage, quality: u8) -> Vec<u8> {
    let q = f32::from(quality);
    if img.color().has_alpha() {
        let rgba = img.to_rgba8();
        webp::Encoder::from_rgba(&rgba, rgba.width(), rgba.height()).encode(q).to_vec()
    } else {
        let rgb = img.to_rgb8();
        webp::Encoder::from_rgb(&rgb, rgb.width(), rgb.height()).encode(q).to_vec()
    }
}

/// Makes `rendition` of `asset` from its stored file.
pub fn render(
    original: &[u8],
    asset: &Asset,
    rendition: &Rendition,
    limits: DecodeLimits,
) -> Result<Vec<u8>, ImagingError> {
    // The stored file has its orientation applied already.
    let (img, _) = decode(original, asset.media_type, limits)?;
    let ((x, y, cw, ch), (w, h)) = rendition.geometry(asset);
    // Decoded dimensions are the stored ones; clamp in case they ever disagree.
    let (cw, ch) = (cw.min(img.width().saturating_sub(x)).max(1), ch.min(img.height().saturating_sub(y)).max(1));
    // A view, not a copy, of the crop; scaled by area averaging, which needs no buffer
    // beyond its output (a separable filter's intermediate for a 24-megapixel photo is
    // larger than the photo) and is what a good filter does when shrinking anyway.
    let view = image::imageops::crop_imm(&img, x, y, cw, ch);
    let scaled = if (w, h) == (cw, ch) { view.to_image() } else { image::imageops::thumbnail(&*view, w, h) };
    let scaled = DynamicImage::ImageRgba8(scaled);
    // An opaque photo stays without an alpha channel (smaller WebP, and JPEG has none).
    let scaled = if img.color().has_alpha() { scaled } else { DynamicImage::ImageRgb8(scaled.to_rgb8()) };
    match rendition.format {
        RenditionFormat::Webp => Ok(encode_webp(&scaled, QUALITY_RENDITION)),
        RenditionFormat::Original => encode(&scaled, asset.media_type, QUALITY_RENDITION),
    }
}

/// Bounds image work on this instance: at most `permits` images decoded at once (one
/// per core by default), at most `queue` more waiting; past that the caller is told to
/// come back (503) rather than piling up memory and latency.
pub struct Workers {
    semaphore: Arc<tokio::sync::Semaphore>,
    admitted: AtomicUsize,
    capacity: usize,
}

/// A place among the workers; dropping it gives it back.
pub struct WorkerPermit<'a> {
    _permit: tokio::sync::OwnedSemaphorePermit,
    _admission: Admission<'a>,
}

struct Admission<'a>(&'a AtomicUsize);

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Workers {
    pub fn new(permits: usize, queue: usize) -> Workers {
        let permits = permits.max(1);
        Workers {
            semaphore: Arc::new(tokio::sync::Semaphore::new(permits)),
            admitted: AtomicUsize::new(0),
            capacity: permits + queue,
        }
    }

    /// A permit, waiting for one if the queue has room; `None` when it has none.
    pub async fn acquire(&self) -> Option<WorkerPermit<'_>> {
        if self.admitted.fetch_add(1, Ordering::SeqCst) >= self.capacity {
            self.admitted.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        let admission = Admission(&self.admitted);
        let permit = self.semaphore.clone().acquire_owned().await.ok()?;
        Some(WorkerPermit { _permit: permit, _admission: admission })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Bytes {
        let img = DynamicImage::new_rgb8(w, h);
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap_or_default();
        out.into_inner().into()
    }

    const LIMITS: DecodeLimits = DecodeLimits { max_side: 1000, max_pixels: 500_000 };

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(sniff(&png(2, 2)), Some(MediaType::Png));
        assert_eq!(sniff(b"GIF89a......"), Some(MediaType::Gif));
        assert_eq!(sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), None);
        assert!(matches!(prepare(Bytes::from_static(b"hello"), LIMITS, false), Err(ImagingError::Unsupported)));
    }

    #[test]
    fn oversized_images_are_refused_before_decoding() {
        assert!(matches!(prepare(png(1001, 10), LIMITS, false), Err(ImagingError::TooLarge(_))));
        assert!(matches!(prepare(png(999, 999), LIMITS, false), Err(ImagingError::TooLarge(_))));
        let ok = prepare(png(40, 30), LIMITS, false);
        assert!(matches!(ok, Ok(Prepared { width: 40, height: 30, media_type: MediaType::Png, .. })));
    }

    #[test]
    fn truncated_images_are_undecodable() {
        let whole = png(40, 30);
        let cut = whole.slice(..whole.len() / 2);
        assert!(matches!(prepare(cut, LIMITS, false), Err(ImagingError::Undecodable(_))));
    }

    #[actix_rt::test]
    async fn workers_turn_away_what_the_queue_cannot_hold() {
        let workers = Workers::new(1, 1);
        let first = workers.acquire().await;
        assert!(first.is_some());
        // One may wait; a third is turned away at once.
        let mut waiting = Box::pin(workers.acquire());
        assert!(futures_util::FutureExt::now_or_never(&mut waiting).is_none());
        assert!(workers.acquire().await.is_none());
        drop(first);
        assert!(waiting.await.is_some());
    }
}
