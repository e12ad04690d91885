//! Authors: the people and agencies bylines name, with or without an account.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;
use super::article::{self, Image, MAX_SHORT_CHARS};
use super::id::UserId;
use super::slug;
use super::text::Errors;

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_JOB_TITLE_CHARS: usize = 100;
pub const MAX_BIO_CHARS: usize = 2000;
pub const MAX_LINKS: usize = 10;

/// A link on an author's page: their site, a social profile, an email address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"label": "Mastodon", "url": "https://example.social/@annlee"}))]
pub struct AuthorLink {
    /// What the link is, as readers see it.
    pub label: String,
    /// http(s) URL.
    pub url: String,
}

/// The editable fields of an author, as they will be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorFields {
    pub slug: String,
    pub name: String,
    pub job_title: Option<String>,
    /// Inline HTML (a, em, strong, br), sanitised.
    pub bio: Option<String>,
    pub photo: Option<Image>,
    pub links: Vec<AuthorLink>,
    /// The account whose drafts this author's bylines make "theirs".
    pub user_id: Option<UserId>,
}

impl AuthorFields {
    /// Trims, fills the slug from the name when absent, sanitises the bio and checks
    /// every field.
    pub fn validate(mut self, slug_given: bool) -> Result<AuthorFields, Vec<FieldError>> {
        let mut errors = Errors::default();
        self.name = self.name.trim().to_string();
        errors.line("name", &self.name, 1, MAX_NAME_CHARS);
        if let Some(title) = &mut self.job_title {
            *title = title.trim().to_string();
            errors.line("job_title", title, 0, MAX_JOB_TITLE_CHARS);
        }
        self.job_title = self.job_title.filter(|t| !t.is_empty());
        article::optional_html(&mut errors, "bio", &mut self.bio, MAX_BIO_CHARS);
        self.bio = self.bio.filter(|b| !b.trim().is_empty());
        if let Some(photo) = &mut self.photo {
            article::check_image(&mut errors, "photo", photo);
        }
        if self.links.len() > MAX_LINKS {
            errors.add("links", format!("must hold at most {MAX_LINKS} links"));
        }
        for (i, link) in self.links.iter_mut().enumerate() {
            link.label = link.label.trim().to_string();
            errors.line(&format!("links[{i}].label"), &link.label, 1, MAX_SHORT_CHARS);
            article::check_url(&mut errors, &format!("links[{i}].url"), &link.url);
        }
        if !slug_given {
            self.slug = made_slug(&self.name);
        }
        if let Some(problem) = slug::problem(&self.slug) {
            errors.add("slug", problem);
        }
        errors.finish()?;
        Ok(self)
    }
}

/// The slug an author named `name` gets when none is given.
pub fn made_slug(name: &str) -> String {
    slug::from_title(name).unwrap_or_else(|| "author".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(name: &str) -> AuthorFields {
        AuthorFields {
            slug: String::new(),
            name: name.into(),
            job_title: None,
            bio: None,
            photo: None,
            links: Vec::new(),
            user_id: None,
        }
    }

    #[test]
    fn slugs_come_from_names() {
        assert_eq!(
            fields(" Zoë Brown ").validate(false).map(|f| (f.name, f.slug)),
            Ok(("Zoë Brown".into(), "zoe-brown".into()))
        );
        assert_eq!(made_slug("!!!"), "author");
    }

    #[test]
    fn every_field_is_checked() {
        let mut f = fields("Reuters");
        f.job_title = Some("   ".into());
        f.bio = Some("Wire <em>service</em><script>x()</script>".into());
        let ok = f.validate(false).expect("valid");
        assert_eq!(ok.job_title, None, "a blank job title is none");
        assert_eq!(ok.bio.as_deref(), Some("Wire <em>service</em>"));

        let mut bad = fields(" ");
        bad.links = vec![AuthorLink { label: "".into(), url: "javascript:alert(1)".into() }];
        bad.slug = "No Slug".into();
        let errors = bad.validate(true).expect_err("invalid");
        let at: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(at, ["name", "links[0].label", "links[0].url", "slug"]);
    }
}
