//! Integration tests: each test starts a real server over a fresh database (SQLite,
//! or PostgreSQL when MASTHEAD_TEST_POSTGRES_URL is set) and talks HTTP to it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod articles;
mod auth;
mod cli;
mod common;
mod errors;
mod hardening;
mod health;
mod openapi;
mod paywall;
mod polls;
mod public;
mod public_cache;
mod review2;
mod review3;
mod review4;
mod schemathesis_findings;
mod sections;
mod sponsored;
mod tokens;
mod users;
