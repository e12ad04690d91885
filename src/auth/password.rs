//! Argon2id password hashing (salted by the hasher), with a constant-cost check for
//! unknown accounts so that a wrong email and a wrong password look the same.

use std::sync::OnceLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

pub fn hash(password: &str) -> Result<String, String> {
    Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// `true` when `password` matches `stored`; a malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), stored).is_ok()
}

/// Spends the time of one verification, for accounts that do not exist.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("masthead-dummy-password").unwrap_or_default());
    let _ = verify(password, stored);
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let stored = super::hash("correct horse battery").expect("hash");
        assert!(stored.starts_with("$argon2id$"));
        assert!(super::verify("correct horse battery", &stored));
        assert!(!super::verify("wrong horse battery", &stored));
        assert!(!super::verify("anything", "not a hash"));
    }
}
