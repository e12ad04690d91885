//! Articles: creation and validation, slugs, who may do what, the workflow and
//! If-Match, revisions, trash, and the editorial list.

mod create;
mod list;
mod revisions;
mod roles;
mod slugs;
mod stored_text;
mod trash;
mod workflow;

use serde_json::Value;

pub fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}
