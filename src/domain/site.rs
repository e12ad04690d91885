//! The site's own settings: who publishes it and where it lives. Feeds, sitemaps and
//! structured data take their absolute URLs and publisher from here.

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::FieldError;
use super::article::{self, Image};
use super::text::Errors;

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 500;
pub const MAX_PATH_CHARS: usize = 200;
/// `https://` and a host name of DNS's longest, with room for a port and a path.
pub const MAX_BASE_URL_CHARS: usize = 300;

/// The placeholders an article path may hold.
pub const PATH_PLACEHOLDERS: [&str; 6] = ["{slug}", "{id}", "{section}", "{year}", "{month}", "{day}"];

/// What an admin sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteSettings {
    pub name: String,
    pub description: Option<String>,
    /// The frontend's origin (and path prefix), without a trailing slash.
    pub base_url: String,
    pub publisher_name: String,
    pub logo: Option<Image>,
    /// A BCP 47 language tag (`en`, `en-GB`).
    pub language: String,
    /// An IANA time zone name (`Europe/London`).
    pub time_zone: String,
    /// Where an article lives under `base_url`: a path with placeholders.
    pub article_path: String,
}

impl Default for SiteSettings {
    /// Before an admin saves any: a site on this machine, as Ghost's and Directus's
    /// own defaults are, until the real address is set.
    fn default() -> Self {
        SiteSettings {
            name: "Masthead".into(),
            description: None,
            base_url: "http://localhost:8080".into(),
            publisher_name: "Masthead".into(),
            logo: None,
            language: "en".into(),
            time_zone: "UTC".into(),
            article_path: "/{section}/{slug}".into(),
        }
    }
}

/// The parts of an article its public URL is made of.
pub struct ArticlePlace<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub section_slug: &'a str,
    pub published_at: chrono::DateTime<chrono::Utc>,
}

impl SiteSettings {
    /// Trims what is typed, checks every field, and reports every problem at once.
    pub fn validate(mut self) -> Result<SiteSettings, Vec<FieldError>> {
        let mut errors = Errors::default();
        self.name = self.name.trim().to_string();
        errors.line("name", &self.name, 1, MAX_NAME_CHARS);
        self.publisher_name = self.publisher_name.trim().to_string();
        errors.line("publisher_name", &self.publisher_name, 1, MAX_NAME_CHARS);
        if let Some(d) = &self.description {
            errors.line("description", d, 0, MAX_DESCRIPTION_CHARS);
        }
        self.base_url = self.base_url.trim().trim_end_matches('/').to_string();
        if let Some(problem) = base_url_problem(&self.base_url) {
            errors.add("base_url", problem);
        }
        if let Some(logo) = &mut self.logo {
            article::check_image(&mut errors, "logo", logo);
        }
        if !super::rules::is_language(&self.language) {
            errors.add("language", "must be a BCP 47 language tag such as en or en-GB");
        }
        if self.time_zone.parse::<Tz>().is_err() {
            errors.add("time_zone", "must be an IANA time zone name such as Europe/London or UTC");
        }
        if let Some(problem) = path_problem(&self.article_path) {
            errors.add("article_path", problem);
        }
        errors.finish()?;
        Ok(self)
    }

    /// The time zone (UTC if the stored name is unknown to this build).
    pub fn tz(&self) -> Tz {
        self.time_zone.parse().unwrap_or(Tz::UTC)
    }

    /// The absolute URL of a page at `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The absolute public URL of an article: `article_path` filled in, the date parts
    /// in the site's time zone (as readers see the date).
    pub fn article_url(&self, place: &ArticlePlace<'_>) -> String {
        let local = place.published_at.with_timezone(&self.tz());
        let date = local.format("%Y %m %d").to_string();
        let mut parts = date.split(' ');
        let (year, month, day) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let path = self
            .article_path
            .replace("{slug}", place.slug)
            .replace("{id}", place.id)
            .replace("{section}", place.section_slug)
            .replace("{year}", year)
            .replace("{month}", month)
            .replace("{day}", day);
        self.url(&path)
    }
}

fn base_url_problem(url: &str) -> Option<String> {
    if url.chars().count() > MAX_BASE_URL_CHARS {
        return Some(format!("must be at most {MAX_BASE_URL_CHARS} characters"));
    }
    if !super::rules::is_http_url(url) {
        return Some("must be an absolute http(s) URL without whitespace, quotes or angle brackets".into());
    }
    if url.contains(['?', '#']) {
        return Some("must not hold a query or a fragment".into());
    }
    None
}

/// Why `path` is not a usable article path: it starts with `/`, names the article
/// (`{slug}` or `{id}`), holds only known placeholders, and only characters a URL path
/// takes as they are.
fn path_problem(path: &str) -> Option<String> {
    if path.chars().count() > MAX_PATH_CHARS {
        return Some(format!("must be at most {MAX_PATH_CHARS} characters"));
    }
    if !path.starts_with('/') {
        return Some("must start with /".into());
    }
    if !path.contains("{slug}") && !path.contains("{id}") {
        return Some("must hold {slug} or {id}".into());
    }
    let mut rest = path.to_string();
    for p in PATH_PLACEHOLDERS {
        rest = rest.replace(p, "");
    }
    if rest.contains(['{', '}']) {
        return Some(format!("may only hold the placeholders {}", PATH_PLACEHOLDERS.join(", ")));
    }
    if !rest.chars().all(|c| c.is_ascii_alphanumeric() || "/-._~".contains(c)) {
        return Some("may only hold letters, digits, /, -, ., _ and ~ besides its placeholders".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn valid() -> SiteSettings {
        SiteSettings { base_url: "https://news.example.com/".into(), ..SiteSettings::default() }
    }

    #[test]
    fn defaults_are_valid_and_the_base_url_loses_its_slash() {
        assert!(SiteSettings::default().validate().is_ok());
        assert_eq!(valid().validate().map(|s| s.base_url), Ok("https://news.example.com".into()));
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = SiteSettings {
            name: " ".into(),
            publisher_name: "x".repeat(MAX_NAME_CHARS + 1),
            base_url: "ftp://example.com".into(),
            language: "english language".into(),
            time_zone: "Mars/Olympus".into(),
            article_path: "news/{headline}".into(),
            ..SiteSettings::default()
        };
        let fields: Vec<String> = bad.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "publisher_name", "base_url", "language", "time_zone", "article_path"]);
    }

    #[test]
    fn paths_name_the_article_with_known_placeholders_only() {
        assert_eq!(path_problem("/{section}/{year}/{month}/{day}/{slug}/"), None);
        assert_eq!(path_problem("/a/{id}"), None);
        assert!(path_problem("/{section}").is_some());
        assert!(path_problem("/{slug}/{author}").is_some());
        assert!(path_problem("/{slug}?x=1").is_some());
        assert!(path_problem("/{slug} x").is_some());
        assert!(path_problem("{slug}").is_some());
    }

    #[test]
    fn article_urls_take_the_date_in_the_sites_time_zone() {
        let site = SiteSettings {
            base_url: "https://news.example.com".into(),
            time_zone: "Asia/Tokyo".into(),
            article_path: "/{section}/{year}/{month}/{day}/{slug}".into(),
            ..SiteSettings::default()
        };
        let place = ArticlePlace {
            id: "1",
            slug: "rates-hold",
            section_slug: "business",
            published_at: chrono::Utc.with_ymd_and_hms(2026, 12, 31, 20, 0, 0).unwrap(),
        };
        assert_eq!(site.article_url(&place), "https://news.example.com/business/2027/01/01/rates-hold");
    }
}
