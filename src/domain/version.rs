//! Versions of versioned resources: strong ETags `"<version>"` and the `If-Match`
//! condition a change must meet.

pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// What an `If-Match` header asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: any current version.
    Any,
    /// These strong versions (weak or malformed tags match nothing).
    Versions(Vec<i64>),
}

impl IfMatch {
    pub fn parse(value: &str) -> IfMatch {
        if value.trim() == "*" {
            return IfMatch::Any;
        }
        let versions = value
            .split(',')
            .filter_map(|tag| {
                let tag = tag.trim();
                let inner = tag.strip_prefix('"')?.strip_suffix('"')?;
                inner.parse::<i64>().ok()
            })
            .collect();
        IfMatch::Versions(versions)
    }

    pub fn matches(&self, version: i64) -> bool {
        match self {
            IfMatch::Any => true,
            IfMatch::Versions(v) => v.contains(&version),
        }
    }

    /// `Ok` when `version` matches, else `Stale` naming the current version.
    pub fn check(&self, version: i64) -> Result<(), Stale> {
        if self.matches(version) { Ok(()) } else { Err(Stale { current: version }) }
    }
}

/// A change was asked of a version that is no longer the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stale {
    /// The version the resource has now.
    pub current: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_parsing() {
        assert!(IfMatch::parse("\"3\"").matches(3));
        assert!(!IfMatch::parse("\"3\"").matches(4));
        assert!(IfMatch::parse("\"2\", \"3\"").matches(3));
        assert!(!IfMatch::parse("W/\"3\"").matches(3), "weak tags never match If-Match");
        assert!(!IfMatch::parse("3").matches(3));
        assert!(IfMatch::parse("*").matches(9));
        assert!(!IfMatch::parse("garbage").matches(1));
    }
}
