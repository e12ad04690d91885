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
