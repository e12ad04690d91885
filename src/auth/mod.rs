//! Authentication: access tokens (JWT), password hashing, refresh-token secrets, and
//! the extractors that put role requirements into handler signatures.

pub mod extract;
pub mod jwt;
pub mod password;
pub mod tokens;

pub use extract::{AdminOnly, AnyRole, Authenticated, Commercial, Editors, Newsroom, RolePolicy, SponsoredReaders};
