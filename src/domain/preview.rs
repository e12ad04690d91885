//! Preview links: a short-lived, revocable token that shows one article, whatever its
//! status, exactly as readers would get it. Who may make them and how long they last.

use chrono::Duration;

use super::FieldError;
use super::article::{self, Status};
use super::user::Role;

/// How long a link lasts when the request does not say: a working day and the night
/// after it, long enough for an editor to send it round and for the answers to come.
pub const DEFAULT_EXPIRES_IN_SECS: i64 = 24 * 60 * 60;

/// The shortest lifetime a link may be given: less could not survive a copy and paste.
pub const MIN_EXPIRES_IN_SECS: i64 = 60;

/// The longest: a week. A link is a key to unpublished text; it must not outlive the
/// piece's preparation by much.
pub const MAX_EXPIRES_IN_SECS: i64 = 7 * 24 * 60 * 60;

/// Random bytes in a token (256 bits, as in a refresh token): 43 characters of
/// base64url, nothing that parses as a JWT.
pub const TOKEN_BYTES: usize = 32;

/// The lifetime asked for (`expires_in_secs`), or the default; 422 outside the range.
pub fn lifetime(expires_in_secs: Option<i64>) -> Result<Duration, FieldError> {
    match expires_in_secs.unwrap_or(DEFAULT_EXPIRES_IN_SECS) {
        secs @ MIN_EXPIRES_IN_SECS..=MAX_EXPIRES_IN_SECS => Ok(Duration::seconds(secs)),
        _ => Err(FieldError::new(
            "expires_in_secs",
            format!("must be from {MIN_EXPIRES_IN_SECS} to {MAX_EXPIRES_IN_SECS} seconds"),
        )),
    }
}

/// Whether the caller may make, list and revoke an article's preview links: whoever may
/// edit it now (admins and editors any; writers their own, while draft or in review).
/// A link shows unpublished text to people without an account, so it takes the right
/// to change that text, not only to read it.
pub fn may_share(role: Role, is_author: bool, status: Status) -> bool {
    article::can_edit(role, is_author, status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_default_and_stay_in_range() {
        assert_eq!(lifetime(None), Ok(Duration::seconds(DEFAULT_EXPIRES_IN_SECS)));
        assert_eq!(lifetime(Some(MIN_EXPIRES_IN_SECS)), Ok(Duration::seconds(60)));
        assert_eq!(lifetime(Some(MAX_EXPIRES_IN_SECS)), Ok(Duration::days(7)));
        for bad in [MIN_EXPIRES_IN_SECS - 1, MAX_EXPIRES_IN_SECS + 1, 0, -5, i64::MAX] {
            assert_eq!(lifetime(Some(bad)).map_err(|e| e.field), Err("expires_in_secs".to_string()), "{bad}");
        }
    }

    #[test]
    fn sharing_follows_editing() {
        assert!(may_share(Role::Editor, false, Status::Published));
        assert!(may_share(Role::Admin, false, Status::Archived));
        assert!(may_share(Role::Writer, true, Status::Draft));
        assert!(may_share(Role::Writer, true, Status::InReview));
        assert!(!may_share(Role::Writer, true, Status::Published));
        assert!(!may_share(Role::Writer, false, Status::Draft));
        assert!(!may_share(Role::Commercial, false, Status::Draft));
    }
}
