//! SQL for the site settings: one row, absent until an admin saves them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::site_settings;
use super::{DbConnection, Json};
use crate::domain::article::Image;
use crate::domain::site::SiteSettings;

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = site_settings, treat_none_as_null = true)]
pub struct SiteRow {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub base_url: String,
    pub publisher_name: String,
    pub logo: Option<Json<Image>>,
    pub language: String,
    pub time_zone: String,
    pub article_path: String,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl SiteRow {
    pub fn new(s: SiteSettings, updated_at: NaiveDateTime, version: i64) -> SiteRow {
        SiteRow {
            id: 1,
            name: s.name,
            description: s.description,
            base_url: s.base_url,
            publisher_name: s.publisher_name,
            logo: s.logo.map(Json),
            language: s.language,
            time_zone: s.time_zone,
            article_path: s.article_path,
            updated_at,
            version,
        }
    }

    pub fn settings(self) -> SiteSettings {
        SiteSettings {
            name: self.name,
            description: self.description,
            base_url: self.base_url,
            publisher_name: self.publisher_name,
            logo: self.logo.map(|j| j.0),
            language: self.language,
            time_zone: self.time_zone,
            article_path: self.article_path,
        }
    }
}

pub fn row(conn: &mut DbConnection) -> QueryResult<Option<SiteRow>> {
    site_settings::table.find(1i64).first(conn).optional()
}

/// Writes the one row (inserting it the first time).
pub fn save(conn: &mut DbConnection, row: &SiteRow) -> QueryResult<()> {
    let n = diesel::update(site_settings::table.find(1i64)).set(row).execute(conn)?;
    if n == 0 {
        diesel::insert_into(site_settings::table).values(row).execute(conn)?;
    }
    Ok(())
}
