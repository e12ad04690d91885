//! Masthead: a headless CMS for newsrooms. See README.md for the tour and
//! ../shared/design/API.md for the contract.

// Cargo.toml denies unsafe code; the library goes further (only the binary's one call to
// glibc's mallopt is allowed, in src/main.rs).
#![forbid(unsafe_code)]

pub mod auth;
pub mod clock;
pub mod config;
pub mod connection;
pub mod db;
pub mod delivery;
pub mod domain;
pub mod error;
pub mod http;
pub mod imaging;
pub mod metrics;
pub mod packed;
pub mod public_cache;
pub mod service;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
