//! Integration tests: each test starts a real server over a fresh database (SQLite,
//! or PostgreSQL when MASTHEAD_TEST_POSTGRES_URL is set) and talks HTTP to it. One file
//! (or folder) per resource or feature; memory and timing are the benchmark's (bench/).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin_client;
mod api_keys;
mod architecture;
mod articles;
mod audit;
mod auth;
mod authors;
mod cli;
mod common;
mod corrections;
mod errors;
mod feeds;
mod health;
mod lifecycle;
mod lookup;
mod media;
mod openapi;
mod operations;
mod paid_content;
mod paywall;
mod polls;
mod previews;
mod public;
mod public_cache;
mod related;
mod sections;
mod site;
mod sitemaps;
mod sponsored;
mod structured_data;
mod tags;
mod users;
mod webhooks;
