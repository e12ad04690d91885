//! Authentication: signing in and sessions, throttled guessing, and access tokens.

mod access_tokens;
mod browser_sessions;
mod sessions;
mod throttling;
