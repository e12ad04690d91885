//! schema.org JSON-LD for a public article, ready for a frontend to embed in a
//! `<script type="application/ld+json">`: the markup search engines read for news
//! results, with a gated article's paywall declared as they document it (markup that
//! hides a paywall looks like cloaking to them).

use serde_json::{Map, Value, json};

use crate::config::MediaSettings;
use crate::domain::article::Access;
use crate::domain::site::{ArticlePlace, SiteSettings};
use crate::http::media::PublicImage;
use crate::service::public::PublicArticle;

/// The CSS class a frontend puts on the element that holds the part of a gated
/// article anonymous readers do not get; the markup's `hasPart` names it.
pub const GATED_SELECTOR: &str = ".paywall";

/// `url` made absolute: root-relative URLs (media served by the API itself when no
/// media base URL is set) resolve against the site's origin.
pub(crate) fn absolute(site: &SiteSettings, url: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        let origin_end = site.base_url.find("://").map_or(0, |i| i + 3);
        let origin = match site.base_url[origin_end..].find('/') {
            Some(i) => &site.base_url[..origin_end + i],
            None => site.base_url.as_str(),
        };
        format!("{origin}{url}")
    } else {
        url.to_string()
    }
}

/// The image as `ImageObject`s: the full picture, then each crop (search engines pick
/// among aspect ratios), each with its size.
fn images(site: &SiteSettings, image: &PublicImage) -> Vec<Value> {
    let object = |url: &str, width: Option<u32>, height: Option<u32>| {
        let mut o = Map::new();
        o.insert("@type".into(), json!("ImageObject"));
        o.insert("url".into(), json!(absolute(site, url)));
        if let (Some(w), Some(h)) = (width, height) {
            o.insert("width".into(), json!(w));
            o.insert("height".into(), json!(h));
        }
        if let Some(caption) = image.alt.as_ref().or(image.caption.as_ref()) {
            o.insert("caption".into(), json!(caption));
        }
        Value::Object(o)
    };
    match &image.renditions {
        Some(r) => std::iter::once(object(&r.full.url, Some(r.full.width), Some(r.full.height)))
            .chain(r.crops.values().map(|c| object(&c.url, Some(c.width), Some(c.height))))
            .collect(),
        None => vec![object(&image.url, image.width, image.height)],
    }
}

/// The `NewsArticle` of `article` (`AdvertiserContentArticle`, naming its sponsor, when
/// it is paid content), whose hero image readers get as `hero`.
pub fn news_article(article: &PublicArticle, hero: Option<&PublicImage>, media: &MediaSettings) -> Value {
    let site = &article.site.settings;
    let c = &article.content;
    // The article's own canonical URL (a syndicated piece's original) wins.
    let url = match c.seo.as_ref().and_then(|seo| seo.canonical_url.clone()) {
        Some(canonical) => canonical,
        None => site.article_url(&ArticlePlace {
            id: article.id.as_str(),
            slug: &c.slug,
            section_slug: &article.section.slug,
            published_at: article.published_at,
        }),
    };
    let mut publisher = json!({"@type": "Organization", "name": site.publisher_name, "url": site.base_url});
    if let Some(logo) = &article.site.logo {
        if let Some(first) = images(site, &PublicImage::new(logo, media)).into_iter().next() {
            publisher["logo"] = first;
        }
    }
    let free = c.access == Access::Free;
    let mut o = json!({
        "@context": "https://schema.org",
        "@type": if c.sponsorship.is_some() { "AdvertiserContentArticle" } else { "NewsArticle" },
        "@id": url,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": c.headline,
        "datePublished": rfc3339(article.published_at),
        "dateModified": rfc3339(article.modified_at()),
        "author": article.authors.iter().map(|a| json!({"@type": "Person", "name": a.display_name})).collect::<Vec<_>>(),
        "articleSection": article.section.name,
        "inLanguage": site.language,
        "publisher": publisher,
        "isAccessibleForFree": free,
    });
    if let Some(description) = c.seo.as_ref().and_then(|seo| seo.description.as_ref()).or(c.standfirst.as_ref()) {
        o["description"] = json!(description);
    }
    if !c.tags.is_empty() {
        o["keywords"] = json!(c.tags);
    }
    if let Some(hero) = hero {
        o["image"] = json!(images(site, hero));
    }
    if let Some(s) = &c.sponsorship {
        o["sponsor"] = json!({"@type": "Organization", "name": s.sponsor_name});
        if let Some(url) = &s.sponsor_url {
            o["sponsor"]["url"] = json!(url);
        }
    }
    if !free {
        o["hasPart"] = json!({
            "@type": "WebPageElement",
            "isAccessibleForFree": false,
            "cssSelector": GATED_SELECTOR,
        });
    }
    o
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_relative_urls_take_the_sites_origin() {
        let mut site = SiteSettings { base_url: "https://news.example.com/en".into(), ..SiteSettings::default() };
        assert_eq!(
            absolute(&site, "/api/v1/public/media/x/y.jpg"),
            "https://news.example.com/api/v1/public/media/x/y.jpg"
        );
        assert_eq!(absolute(&site, "https://cdn.example.com/y.jpg"), "https://cdn.example.com/y.jpg");
        assert_eq!(absolute(&site, "//cdn.example.com/y.jpg"), "//cdn.example.com/y.jpg");
        site.base_url = "http://localhost:8080".into();
        assert_eq!(absolute(&site, "/a.png"), "http://localhost:8080/a.png");
    }
}
