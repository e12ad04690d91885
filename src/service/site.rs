//! The site settings: admins read and replace them; everyone reads what frontends,
//! feeds and structured data need of them.

use chrono::{DateTime, Utc};

use super::{Error, events};
use crate::db::site::{self as site_db, SiteRow};
use crate::db::{self, DbConnection};
use crate::domain::FieldError;
use crate::domain::media::{self, ResolvedImage};
use crate::domain::site::SiteSettings;
use crate::domain::version::IfMatch;
use crate::state::AppState;

/// The settings as stored, or the defaults (version 0, never saved).
#[derive(Debug, Clone)]
pub struct Site {
    pub settings: SiteSettings,
    /// The logo resolved against the media library (`None` when there is none, or it
    /// names an asset that is gone and has no URL to fall back on).
    pub logo: Option<ResolvedImage>,
    pub updated_at: Option<DateTime<Utc>>,
    pub version: i64,
}

/// Reads the settings inside a transaction the caller holds.
pub fn load(conn: &mut DbConnection) -> Result<Site, Error> {
    let (settings, updated_at, version) = match site_db::row(conn)? {
        Some(row) => {
            let (at, version) = (db::from_db_time(row.updated_at), row.version);
            (row.settings(), Some(at), version)
        }
        None => (SiteSettings::default(), None, 0),
    };
    let logo = match &settings.logo {
        Some(image) => {
            let ids: Vec<_> = image.asset_id.iter().cloned().collect();
            let assets = if ids.is_empty() { Vec::new() } else { super::media::assets(conn, &ids)? };
            media::resolve(image, &assets)
        }
        None => None,
    };
    Ok(Site { settings, logo, updated_at, version })
}

pub async fn get(state: &AppState) -> Result<Site, Error> {
    state.db.run(|conn| db::read_tx(conn, load)).await
}

/// Replaces the settings. `if_match`, when given, must name the current version (the
/// defaults are version 0): two admins cannot overwrite each other unawares.
pub async fn put(state: &AppState, settings: SiteSettings, if_match: Option<IfMatch>) -> Result<Site, Error> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            let settings = settings.validate().map_err(Error::Invalid)?;
            db::write_tx(conn, |c| {
                let current = site_db::row(c)?.map_or(0, |r| r.version);
                if let Some(condition) = &if_match {
                    condition.check(current)?;
                }
                if let Some(id) = settings.logo.as_ref().and_then(|l| l.asset_id.as_ref()) {
                    // Locked (shared), as articles lock their images, against a delete in flight.
                    if !db::media::lock(c, id, false)? {
                        return Err(Error::Invalid(vec![FieldError::new(
                            "logo.asset_id",
                            "is not an image in the media library",
                        )]));
                    }
                }
                site_db::save(c, &SiteRow::new(settings, db::to_db_time(now), current + 1))?;
                events::site(c, now)?;
                load(c)
            })
        })
        .await
}
