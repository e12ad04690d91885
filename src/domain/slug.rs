//! URL slugs: lower-case ASCII letters, digits and single hyphens (`rules::SLUG`),
//! 1..=120 characters.

pub const MAX_SLUG_CHARS: usize = 120;
/// A slug made from a title is cut (at a word boundary) to at most this many characters.
pub const MAX_MADE_CHARS: usize = 80;

/// Why `slug` is not a valid slug, if it is not.
pub fn problem(slug: &str) -> Option<&'static str> {
    if slug.is_empty() || slug.len() > MAX_SLUG_CHARS {
        return Some("must be 1 to 120 characters");
    }
    if !super::rules::is_slug(slug) {
        return Some("must be lower-case letters, digits and single hyphens, e.g. 'asia-markets'");
    }
    None
}

/// A slug made from a title (transliterated to ASCII), cut at a word boundary; `None`
/// when nothing usable remains (a title of emoji, say).
pub fn from_title(title: &str) -> Option<String> {
    let full = slug::slugify(title);
    let mut cut = String::new();
    for word in full.split('-').filter(|w| !w.is_empty()) {
        let extra = if cut.is_empty() { word.len() } else { word.len() + 1 };
        if cut.len() + extra > MAX_MADE_CHARS {
            break;
        }
        if !cut.is_empty() {
            cut.push('-');
        }
        cut.push_str(word);
    }
    if cut.is_empty() {
        cut = full.chars().take(MAX_MADE_CHARS).collect::<String>().trim_matches('-').to_string();
    }
    (problem(&cut).is_none()).then_some(cut)
}

/// `base-n` for the `n`th try (`base` itself first), cut to stay a valid slug.
pub fn numbered(base: &str, n: usize) -> String {
    if n <= 1 { base.to_string() } else { with_suffix(base, &n.to_string()) }
}

/// `base-suffix`, `base` cut to stay a valid slug.
pub fn with_suffix(base: &str, suffix: &str) -> String {
    let room = MAX_SLUG_CHARS - suffix.len() - 1;
    let cut: String = base.chars().take(room).collect();
    format!("{}-{suffix}", cut.trim_end_matches('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(from_title("Asia's markets: a 2030 outlook!").as_deref(), Some("asia-s-markets-a-2030-outlook"));
        assert_eq!(from_title("Zoë's Café").as_deref(), Some("zoe-s-cafe"));
        assert_eq!(from_title("🗞️").as_deref(), Some("newspaper"));
        assert_eq!(from_title("!!!"), None);
        assert!(from_title(&"word ".repeat(100)).is_some_and(|s| s.len() <= 80));
        assert!(problem("asia").is_none());
        assert!(problem("Asia").is_some());
        assert!(problem("-asia").is_some());
        assert!(problem("a--b").is_some());
        assert!(problem("").is_some());
        assert_eq!(problem(""), Some(format!("must be 1 to {MAX_SLUG_CHARS} characters").as_str()));
        assert_eq!(numbered("climate", 1), "climate");
        assert_eq!(numbered("climate", 3), "climate-3");
        let long = "a".repeat(MAX_SLUG_CHARS);
        assert!(problem(&numbered(&long, 12)).is_none());
        assert!(problem(&with_suffix(&long, "0a1b2c3d")).is_none());
    }
}
