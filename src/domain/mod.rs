//! Plain types and rules per resource: parsing, validation, workflow. No I/O, no
//! diesel, no actix.

pub mod text;
pub mod user;
