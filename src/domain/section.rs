//! Sections: validation of names, slugs and placement in the tree.

use super::FieldError;
use super::id::SectionId;
use super::slug;
use super::text::Errors;

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_DESCRIPTION_CHARS: usize = 1000;
pub const MAX_POSITION: i64 = 1_000_000;
/// How deep the tree may go (Business > Markets > Asia > ...).
pub const MAX_DEPTH: usize = 8;

/// The editable fields of a section, as they will be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionFields {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub parent_id: Option<SectionId>,
    pub position: i64,
}

impl SectionFields {
    /// Trims, fills the slug from the name when absent, and checks every field.
    pub fn validate(mut self, slug_given: bool) -> Result<SectionFields, Vec<FieldError>> {
        let mut errors = Errors::default();
        self.name = self.name.trim().to_string();
        errors.line("name", &self.name, 1, MAX_NAME_CHARS);
        if let Some(d) = &self.description {
            if d.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                errors.add("description", "must not contain control characters");
            } else if d.chars().count() > MAX_DESCRIPTION_CHARS {
                errors.add("description", format!("must be at most {MAX_DESCRIPTION_CHARS} characters"));
            }
        }
        if !slug_given {
            self.slug = slug::from_title(&self.name).unwrap_or_default();
        }
        if slug_given || errors.is_empty() {
            if let Some(problem) = slug::problem(&self.slug) {
                let message = if slug_given { problem } else { "cannot be made from the name: give one" };
                errors.add("slug", message);
            }
        }
        if !(0..=MAX_POSITION).contains(&self.position) {
            errors.add("position", format!("must be between 0 and {MAX_POSITION}"));
        }
        errors.finish()?;
        Ok(self)
    }
}

/// Whether making `parent` the parent of `section` is allowed, given the ancestors of
/// `parent` (nearest first, `parent` itself excluded).
pub fn placement_problem(
    section: Option<&SectionId>,
    parent: &SectionId,
    parent_ancestors: &[SectionId],
) -> Option<String> {
    if section.is_some_and(|s| s == parent || parent_ancestors.contains(s)) {
        return Some("would put the section inside itself".into());
    }
    if parent_ancestors.len() + 2 > MAX_DEPTH {
        return Some(format!("would nest sections more than {MAX_DEPTH} deep"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_refused() {
        let id = |s: &str| SectionId::from(s);
        let ancestors = vec![id("b"), id("a")];
        assert!(placement_problem(Some(&id("a")), &id("c"), &ancestors).is_some());
        assert!(placement_problem(Some(&id("c")), &id("c"), &[]).is_some());
        assert!(placement_problem(Some(&id("d")), &id("c"), &ancestors).is_none());
        assert!(placement_problem(None, &id("c"), &ancestors).is_none());
    }
}
