//! Tags: validation of names, slugs and descriptions, and what makes two names the
//! same tag.

use super::FieldError;
use super::article::MAX_TAG_CHARS;
use super::slug;
use super::text::Errors;

pub const MAX_DESCRIPTION_CHARS: usize = 1000;

/// What makes two tag names the same tag: "Climate" and " climate " are one. Articles'
/// tag strings are normalised the same way before they are matched to tags.
pub fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The editable fields of a tag, as they will be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFields {
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
}

impl TagFields {
    /// Trims, fills the slug from the name when absent, and checks every field.
    pub fn validate(mut self, slug_given: bool) -> Result<TagFields, Vec<FieldError>> {
        let mut errors = Errors::default();
        self.name = self.name.trim().to_string();
        errors.line("name", &self.name, 1, MAX_TAG_CHARS);
        if let Some(d) = &self.description {
            if d.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                errors.add("description", "must not contain control characters");
            } else if d.chars().count() > MAX_DESCRIPTION_CHARS {
                errors.add("description", format!("must be at most {MAX_DESCRIPTION_CHARS} characters"));
            }
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

/// The slug a tag named `name` gets when none is given: from the name, or `tag` when
/// nothing usable remains (a name of punctuation, say).
pub fn made_slug(name: &str) -> String {
    slug::from_title(name).unwrap_or_else(|| "tag".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_to_one_key() {
        assert_eq!(key(" Climate Change "), "climate change");
        assert_eq!(key("ZOË"), "zoë");
    }

    #[test]
    fn slugs_are_made() {
        assert_eq!(made_slug("Climate Change"), "climate-change");
        assert_eq!(made_slug("!!!"), "tag");
    }

    #[test]
    fn fields_are_checked() {
        let ok = TagFields { name: " Climate ".into(), slug: String::new(), description: None }.validate(false);
        assert_eq!(ok.map(|f| (f.name, f.slug)), Ok(("Climate".to_string(), "climate".to_string())));
        let bad = TagFields { name: " ".into(), slug: "Bad Slug".into(), description: Some("x\u{7}".into()) }
            .validate(true)
            .expect_err("invalid");
        let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "description", "slug"]);
    }
}
