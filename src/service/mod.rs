//! Use-cases, one file per resource: a transaction, domain rules and db calls. Called
//! by the HTTP handlers and by the CLI, so both obey the same rules.

pub mod articles;
pub mod auth;
pub mod bootstrap;
pub mod demo;
pub mod polls;
pub mod public;
pub mod sections;
pub mod sponsored;
pub mod users;
