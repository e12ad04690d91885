//! Media assets: their metadata and its rules, and renditions: which sizes, crops and
//! formats exist for an asset, how they are named in URLs, and the crop box around the
//! focal point. No pixels here (`imaging` has those).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

use super::FieldError;
use super::article::{Image, MAX_SHORT_CHARS, optional_html, optional_plain};
use super::id::{AssetId, UserId};
use super::text::Errors;

pub const MAX_FILE_NAME_CHARS: usize = 255;
/// Focal points are kept in thousandths of the width and height.
pub const FOCAL_UNITS: u32 = 1000;

/// The image types the library takes, recognised from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum MediaType {
    Jpeg,
    Png,
    Webp,
    Gif,
}

impl MediaType {
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Gif => "image/gif",
        }
    }

    /// The file extension its renditions are named with.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Gif => "gif",
        }
    }
}

/// Where the eye goes: crops keep it in view. `x`, `y` in 0..=1 on the wire, kept in
/// thousandths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FocalPoint {
    pub x: u32,
    pub y: u32,
}

impl FocalPoint {
    pub const CENTRE: FocalPoint = FocalPoint { x: FOCAL_UNITS / 2, y: FOCAL_UNITS / 2 };

    /// From fractions in 0..=1, rounded to thousandths; `None` outside that range.
    pub fn from_fractions(x: f64, y: f64) -> Option<FocalPoint> {
        let unit = |v: f64| (0.0..=1.0).contains(&v).then(|| (v * f64::from(FOCAL_UNITS)).round() as u32);
        Some(FocalPoint { x: unit(x)?, y: unit(y)? })
    }

    pub fn fractions(self) -> (f64, f64) {
        (f64::from(self.x) / f64::from(FOCAL_UNITS), f64::from(self.y) / f64::from(FOCAL_UNITS))
    }
}

/// The focal point on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"x": 0.5, "y": 0.3}))]
pub struct FocalPointBody {
    /// From the left edge (0) to the right edge (1).
    pub x: f64,
    /// From the top edge (0) to the bottom edge (1).
    pub y: f64,
}

impl From<FocalPoint> for FocalPointBody {
    fn from(f: FocalPoint) -> Self {
        let (x, y) = f.fractions();
        FocalPointBody { x, y }
    }
}

/// What editors say about an asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetMeta {
    pub file_name: String,
    /// Alternative text (plain text).
    pub alt: Option<String>,
    /// Inline HTML, sanitised.
    pub caption: Option<String>,
    /// Inline HTML, sanitised.
    pub credit: Option<String>,
    pub focal_point: FocalPoint,
}

impl AssetMeta {
    /// Checks every field and sanitises the inline HTML ones.
    pub fn validate(mut self) -> Result<AssetMeta, Vec<FieldError>> {
        let mut errors = Errors::default();
        errors.line("file_name", &self.file_name, 1, MAX_FILE_NAME_CHARS);
        optional_plain(&mut errors, "alt", &self.alt, MAX_SHORT_CHARS);
        optional_html(&mut errors, "caption", &mut self.caption, MAX_SHORT_CHARS);
        optional_html(&mut errors, "credit", &mut self.credit, MAX_SHORT_CHARS);
        errors.finish().map(|()| self)
    }

    /// A name for an upload that came without a usable one.
    pub fn file_name_or_default(name: Option<&str>, media_type: MediaType) -> String {
        // Only the last path segment of what a browser sent, without control characters.
        let base = name.and_then(|n| n.rsplit(['/', '\\']).next()).unwrap_or("").trim();
        let clean: String = base.chars().filter(|c| !c.is_control()).take(MAX_FILE_NAME_CHARS).collect();
        if clean.trim().is_empty() { format!("image.{}", media_type.extension()) } else { clean }
    }
}

/// A stored image and what is known of it.
#[derive(Debug, Clone)]
pub struct Asset {
    pub id: AssetId,
    pub sha256: String,
    pub media_type: MediaType,
    pub bytes: i64,
    pub width: u32,
    pub height: u32,
    pub meta: AssetMeta,
    pub uploaded_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// An image as a public answer shows it: what the article says, with the library
/// asset it names (whose alt text, caption and credit fill what the article leaves
/// empty).
#[derive(Debug, Clone)]
pub struct ResolvedImage {
    pub url: Option<String>,
    pub asset: Option<Asset>,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// Resolves `image` against the assets at hand; `None` when it names an asset that is
/// gone and no URL to fall back on (readers get no broken image).
pub fn resolve(image: &Image, assets: &[Asset]) -> Option<ResolvedImage> {
    let asset = image.asset_id.as_ref().and_then(|id| assets.iter().find(|a| a.id == *id)).cloned();
    if asset.is_none() && image.url.is_none() {
        return None;
    }
    let pick = |own: &Option<String>, from: fn(&Asset) -> &Option<String>| {
        own.clone().or_else(|| asset.as_ref().and_then(|a| from(a).clone()))
    };
    Some(ResolvedImage {
        url: image.url.clone(),
        alt: pick(&image.alt, |a| &a.meta.alt),
        caption: pick(&image.caption, |a| &a.meta.caption),
        credit: pick(&image.credit, |a| &a.meta.credit),
        asset,
    })
}

/// An aspect ratio a crop may have, such as 16:9.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aspect {
    pub w: u32,
    pub h: u32,
}

impl Aspect {
    /// `16:9` (settings) or `16x9` (rendition names).
    pub fn parse(text: &str, separator: char) -> Option<Aspect> {
        let (w, h) = text.split_once(separator)?;
        let (w, h) = (w.parse().ok()?, h.parse().ok()?);
        (w > 0 && h > 0 && w <= 100 && h <= 100).then_some(Aspect { w, h })
    }

    /// `16:9`, as public answers key crops.
    pub fn label(self) -> String {
        format!("{}:{}", self.w, self.h)
    }
}

/// What renditions exist: configured widths and aspect ratios, so that nobody can make
/// the server resize to every pixel width.
#[derive(Debug, Clone)]
pub struct RenditionRules {
    /// Ascending, distinct.
    pub widths: Vec<u32>,
    pub aspects: Vec<Aspect>,
}

/// The format of a rendition: WebP, or the original's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenditionFormat {
    Webp,
    Original,
}

/// One rendition of an asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rendition {
    pub width: u32,
    pub crop: Option<(Aspect, FocalPoint)>,
    pub format: RenditionFormat,
}

/// The pixel box a crop takes from an image: `(x, y, width, height)`.
pub type CropBox = (u32, u32, u32, u32);

impl RenditionRules {
    /// The widths offered for an image `width` pixels wide: the configured ones below
    /// it, and its own width when that is below the largest configured one. Never
    /// larger than the image: renditions do not upscale.
    pub fn widths_for(&self, width: u32) -> Vec<u32> {
        let mut out: Vec<u32> = self.widths.iter().copied().filter(|w| *w < width).collect();
        match self.widths.last() {
            Some(largest) if width <= *largest => out.push(width),
            None => out.push(width),
            _ => {}
        }
        out
    }

    /// The rendition a URL segment names for `asset`, if it is one that may exist.
    pub fn parse(&self, name: &str, asset: &Asset) -> Option<Rendition> {
        let (stem, ext) = name.rsplit_once('.')?;
        let format = if ext == "webp" {
            RenditionFormat::Webp
        } else if ext == asset.media_type.extension() {
            RenditionFormat::Original
        } else {
            return None;
        };
        let mut parts = stem.split('-');
        let width: u32 = parts.next()?.strip_prefix('w')?.parse().ok()?;
        let crop = match (parts.next(), parts.next()) {
            (None, _) => None,
            (Some(aspect), Some(focal)) => {
                let aspect = Aspect::parse(aspect, 'x')?;
                let (x, y) = focal.strip_prefix('f')?.split_once('x')?;
                let focal = FocalPoint { x: x.parse().ok()?, y: y.parse().ok()? };
                Some((aspect, focal))
            }
            _ => return None,
        };
        if parts.next().is_some() {
            return None;
        }
        let rendition = Rendition { width, crop, format };
        (rendition.name(asset) == name && self.allows(&rendition, asset)).then_some(rendition)
    }

    /// Whether this rendition is one the rules offer for `asset` now: a configured
    /// width, a configured aspect, and the asset's current focal point.
    pub fn allows(&self, r: &Rendition, asset: &Asset) -> bool {
        match r.crop {
            None => self.widths_for(asset.width).contains(&r.width),
            Some((aspect, focal)) => {
                let (_, _, cw, _) = crop_box(asset.width, asset.height, aspect, focal);
                self.aspects.contains(&aspect)
                    && focal == asset.meta.focal_point
                    && self.widths_for(cw).contains(&r.width)
            }
        }
    }

    /// Every uncropped rendition of `asset` in `format`, narrowest first.
    pub fn scaled(&self, asset: &Asset, format: RenditionFormat) -> Vec<Rendition> {
        self.widths_for(asset.width).into_iter().map(|width| Rendition { width, crop: None, format }).collect()
    }

    /// Every rendition of `asset` cropped to `aspect` in `format`, narrowest first.
    pub fn cropped(&self, asset: &Asset, aspect: Aspect, format: RenditionFormat) -> Vec<Rendition> {
        let focal = asset.meta.focal_point;
        let (_, _, cw, _) = crop_box(asset.width, asset.height, aspect, focal);
        self.widths_for(cw).into_iter().map(|width| Rendition { width, crop: Some((aspect, focal)), format }).collect()
    }
}

impl Rendition {
    /// Its URL segment: `w640.webp`, `w1280-16x9-f500x300.jpg`.
    pub fn name(&self, asset: &Asset) -> String {
        let ext = match self.format {
            RenditionFormat::Webp => "webp",
            RenditionFormat::Original => asset.media_type.extension(),
        };
        match self.crop {
            None => format!("w{}.{ext}", self.width),
            Some((a, f)) => format!("w{}-{}x{}-f{}x{}.{ext}", self.width, a.w, a.h, f.x, f.y),
        }
    }

    pub fn mime(&self, asset: &Asset) -> &'static str {
        match self.format {
            RenditionFormat::Webp => "image/webp",
            RenditionFormat::Original => asset.media_type.mime(),
        }
    }

    /// The box cut from the original (all of it when uncropped) and the size it is
    /// scaled to.
    pub fn geometry(&self, asset: &Asset) -> (CropBox, (u32, u32)) {
        let crop = match self.crop {
            None => (0, 0, asset.width, asset.height),
            Some((aspect, focal)) => crop_box(asset.width, asset.height, aspect, focal),
        };
        let height = (u64::from(crop.3) * u64::from(self.width)).div_ceil(u64::from(crop.2).max(1));
        (crop, (self.width, u32::try_from(height).unwrap_or(u32::MAX).max(1)))
    }
}

/// The largest box of `aspect` inside a `width` x `height` image, centred on the focal
/// point as far as the edges allow.
pub fn crop_box(width: u32, height: u32, aspect: Aspect, focal: FocalPoint) -> CropBox {
    let (w, h) = (u64::from(width), u64::from(height));
    let (aw, ah) = (u64::from(aspect.w), u64::from(aspect.h));
    let (cw, ch) = if w * ah > h * aw { ((h * aw / ah).max(1), h) } else { (w, (w * ah / aw).max(1)) };
    let place = |full: u64, part: u64, at: u32| -> u64 {
        let centre = full * u64::from(at) / u64::from(FOCAL_UNITS);
        centre.saturating_sub(part / 2).min(full - part)
    };
    let (x, y) = (place(w, cw, focal.x), place(h, ch, focal.y));
    let n = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    (n(x), n(y), n(cw), n(ch))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(width: u32, height: u32) -> Asset {
        Asset {
            id: AssetId::from("a"),
            sha256: String::new(),
            media_type: MediaType::Jpeg,
            bytes: 0,
            width,
            height,
            meta: AssetMeta {
                file_name: "x.jpg".into(),
                alt: None,
                caption: None,
                credit: None,
                focal_point: FocalPoint::CENTRE,
            },
            uploaded_by: UserId::from("u"),
            created_at: Utc::now(),
            updated_at: Utc::now(),
            version: 1,
        }
    }

    fn rules() -> RenditionRules {
        RenditionRules { widths: vec![320, 640, 1280], aspects: vec![Aspect { w: 16, h: 9 }, Aspect { w: 1, h: 1 }] }
    }

    #[test]
    fn widths_never_upscale_and_include_the_image_own_width_when_small() {
        assert_eq!(rules().widths_for(6000), vec![320, 640, 1280]);
        assert_eq!(rules().widths_for(500), vec![320, 500]);
        assert_eq!(rules().widths_for(200), vec![200]);
        assert_eq!(rules().widths_for(1280), vec![320, 640, 1280]);
    }

    #[test]
    fn names_round_trip_and_unknown_sizes_are_refused() {
        let a = asset(2000, 1000);
        for name in ["w640.webp", "w1280.jpg", "w320-16x9-f500x500.webp", "w640-1x1-f500x500.jpg"] {
            let r = rules().parse(name, &a).unwrap_or_else(|| panic!("{name} should parse"));
            assert_eq!(r.name(&a), name);
        }
        for name in [
            "w641.webp",               // not a configured width
            "w640.png",                // not the original's type
            "w640-4x3-f500x500.webp",  // not a configured aspect
            "w640-16x9-f400x500.webp", // not the current focal point
            "w0640.webp",              // not the canonical spelling
            "w640.webp.webp",
            "w640-16x9.webp",
            "w2000-1x1-f500x500.jpg", // wider than the square crop (1000 px)
        ] {
            assert!(rules().parse(name, &a).is_none(), "{name} should be refused");
        }
    }

    #[test]
    fn crops_follow_the_focal_point_within_the_edges() {
        let centre = crop_box(2000, 1000, Aspect { w: 1, h: 1 }, FocalPoint::CENTRE);
        assert_eq!(centre, (500, 0, 1000, 1000));
        let left = crop_box(2000, 1000, Aspect { w: 1, h: 1 }, FocalPoint { x: 0, y: 500 });
        assert_eq!(left, (0, 0, 1000, 1000));
        let right = crop_box(2000, 1000, Aspect { w: 1, h: 1 }, FocalPoint { x: 1000, y: 0 });
        assert_eq!(right, (1000, 0, 1000, 1000));
        let tall = crop_box(1000, 2000, Aspect { w: 16, h: 9 }, FocalPoint { x: 500, y: 100 });
        assert_eq!(tall, (0, 0, 1000, 562));
    }

    #[test]
    fn focal_points_are_fractions_in_range() {
        assert_eq!(FocalPoint::from_fractions(0.25, 1.0), Some(FocalPoint { x: 250, y: 1000 }));
        assert_eq!(FocalPoint::from_fractions(1.01, 0.5), None);
        assert_eq!(FocalPoint::from_fractions(f64::NAN, 0.5), None);
    }

    #[test]
    fn upload_names_keep_only_the_last_segment() {
        assert_eq!(AssetMeta::file_name_or_default(Some("C:\\photos\\a.jpg"), MediaType::Jpeg), "a.jpg");
        assert_eq!(AssetMeta::file_name_or_default(Some("../../x.png"), MediaType::Png), "x.png");
        assert_eq!(AssetMeta::file_name_or_default(Some("  "), MediaType::Gif), "image.gif");
        assert_eq!(AssetMeta::file_name_or_default(None, MediaType::Webp), "image.webp");
    }
}
