//! Plain types and rules per resource: parsing, validation, workflow. No I/O, no
//! diesel, no actix.

pub mod article;
pub mod paywall;
pub mod poll;
pub mod section;
pub mod slug;
pub mod sponsored;
pub mod text;
pub mod user;
pub mod version;
