//! Authentication primitives: access tokens (JWT), password hashing, refresh-token
//! secrets. The extractors that put role requirements into handler signatures are
//! `http::caller`.

pub mod jwt;
pub mod password;
pub mod signing;
pub mod tokens;
