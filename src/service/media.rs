//! The media library: uploads (checked, stripped of location metadata, stored once per
//! content), metadata edits, deletes that refuse while something uses the asset, and
//! renditions made on first request, stored, and served from storage after.

use std::path::PathBuf;

use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::{Error, events};
use crate::db::media::{self as media_db, AssetRow};
use crate::db::{self, DbConnection};
use crate::domain::id::{AssetId, UserId};
use crate::domain::media::{Asset, AssetMeta, FocalPoint, MediaType, Rendition};
use crate::domain::user::Role;
use crate::domain::version::IfMatch;
use crate::domain::webhook::EventType;
use crate::imaging::{self, ImagingError, WorkerPermit};
use crate::service::auth::CurrentUser;
use crate::state::AppState;

/// An upload as it arrived: spooled to a file (removed when this is dropped), with
/// its SHA-256 taken while it was written.
pub struct Upload {
    pub file: tempfile::TempPath,
    pub sha256: String,
    pub file_name: Option<String>,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// A new asset, or the one that already holds the same bytes.
pub enum Uploaded {
    Created(Asset),
    Existing(Asset),
}

/// The SHA-256 of a file being received, fed as it arrives.
#[derive(Default)]
pub struct ContentHash(Sha256);

impl ContentHash {
    pub fn update(&mut self, chunk: &[u8]) {
        self.0.update(chunk);
    }

    pub fn finish(self) -> String {
        self.0.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn busy() -> Error {
    Error::Busy { detail: "The server is busy with other images; try again in a moment.".into() }
}

async fn worker(state: &AppState) -> Result<WorkerPermit<'_>, Error> {
    state.image_workers.acquire().await.ok_or_else(busy)
}

fn imaging_error(e: ImagingError) -> Error {
    match e {
        ImagingError::Unsupported => Error::UnsupportedMedia {
            detail: "The file is not a JPEG, PNG, WebP or GIF image (the type is read from its content).".into(),
        },
        ImagingError::TooLarge(detail) => Error::Unprocessable { code: "image_too_large", detail },
        ImagingError::Undecodable(detail) => Error::Unprocessable { code: "undecodable_image", detail },
        ImagingError::Internal(cause) => Error::Internal(cause),
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Error> {
    tokio::task::spawn_blocking(f).await.map_err(Error::internal)
}

fn storage(e: crate::storage::StorageError) -> Error {
    Error::Unavailable(e.to_string())
}

fn load(conn: &mut DbConnection, id: &AssetId) -> Result<AssetRow, Error> {
    media_db::find(conn, id)?.ok_or_else(|| Error::not_found("Asset"))
}

/// Whether `user` may change or delete `asset`: editors and admins any, others what
/// they uploaded.
fn may_manage(user: &CurrentUser, row: &AssetRow) -> bool {
    matches!(user.role(), Role::Admin | Role::Editor) || row.uploaded_by == *user.id()
}

/// The upload's metadata, checked and sanitised; `media_type` names the default file name.
fn upload_meta(upload: &Upload, media_type: MediaType) -> Result<AssetMeta, Error> {
    AssetMeta {
        file_name: AssetMeta::file_name_or_default(upload.file_name.as_deref(), media_type),
        alt: upload.alt.clone(),
        caption: upload.caption.clone(),
        credit: upload.credit.clone(),
        focal_point: FocalPoint::CENTRE,
    }
    .validate()
    .map_err(Error::Invalid)
}

pub async fn upload(state: &AppState, user: &CurrentUser, upload: Upload) -> Result<Uploaded, Error> {
    // The form is checked before its bytes are looked up, so that an invalid one is
    // refused whether or not they are stored already (any type will do here: it only
    // gives the default name its extension).
    upload_meta(&upload, MediaType::Jpeg)?;
    let sha = upload.sha256.clone();
    if let Some(row) = state.db.run(move |c| media_db::find_by_hash(c, &sha).map_err(Error::from)).await? {
        return Ok(Uploaded::Existing(row.into()));
    }
    let settings = state.settings.media.clone();
    let _permit = worker(state).await?;
    let path: PathBuf = upload.file.to_path_buf();
    let prepared = blocking(move || -> Result<_, Error> {
        let raw = std::fs::read(&path).map_err(Error::internal)?;
        imaging::prepare(Bytes::from(raw), settings.limits, settings.keep_metadata).map_err(imaging_error)
    })
    .await??;
    let meta = upload_meta(&upload, prepared.media_type)?;
    drop(upload.file);
    let id = AssetId::generate();
    let stored_bytes = i64::try_from(prepared.bytes.len()).unwrap_or(i64::MAX);
    state.media.put_original(&id, prepared.bytes).await.map_err(storage)?;
    let now = db::to_db_time(state.clock.now());
    let mut row = AssetRow {
        id: id.clone(),
        sha256: upload.sha256,
        file_name: String::new(),
        media_type: prepared.media_type,
        bytes: stored_bytes,
        width: i64::from(prepared.width),
        height: i64::from(prepared.height),
        alt: None,
        caption: None,
        credit: None,
        focal_x: 0,
        focal_y: 0,
        uploaded_by: user.id().clone(),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    row.set_meta(&meta);
    let inserted = row.clone();
    let result = state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                // The same bytes may have arrived from someone else meanwhile.
                if let Some(existing) = media_db::find_by_hash(c, &inserted.sha256)? {
                    return Ok(Uploaded::Existing(existing.into()));
                }
                media_db::insert(c, &inserted)?;
                events::media(c, EventType::MediaCreated, &inserted, db::from_db_time(now))?;
                Ok::<_, Error>(Uploaded::Created(inserted.into()))
            })
        })
        .await;
    match result {
        Ok(Uploaded::Created(asset)) => Ok(Uploaded::Created(asset)),
        other => {
            // Not ours to keep: an asset with these bytes exists, or nothing was written.
            if let Err(e) = state.media.delete_asset(&id).await {
                tracing::warn!(asset = %id, error = %e, "could not remove an unused upload");
            }
            match other {
                // A unique violation on the hash: the twin committed first.
                Err(Error::Conflict { .. }) => {
                    let sha = row.sha256.clone();
                    let twin = state.db.run(move |c| media_db::find_by_hash(c, &sha).map_err(Error::from)).await?;
                    twin.map(|r| Uploaded::Existing(r.into())).ok_or_else(|| Error::internal("upload raced a delete"))
                }
                other => other,
            }
        }
    }
}

pub async fn get(state: &AppState, id: AssetId) -> Result<Asset, Error> {
    state.db.run(move |c| load(c, &id).map(Asset::from)).await
}

pub async fn list(
    state: &AppState,
    q: Option<String>,
    uploaded_by: Option<UserId>,
    after: Option<String>,
    limit: i64,
) -> Result<(Vec<Asset>, Option<String>), Error> {
    state
        .db
        .run(move |conn| {
            let rows = media_db::page(conn, q.as_deref(), uploaded_by.as_ref(), after.as_deref(), limit + 1)?;
            let (rows, next) = crate::service::split_page(rows, limit, |r| r.id.to_string());
            Ok((rows.into_iter().map(Asset::from).collect(), next))
        })
        .await
}

/// A partial update of an asset's metadata; `Some(None)` clears a field.
#[derive(Debug, Clone, Default)]
pub struct AssetPatch {
    pub file_name: Option<String>,
    pub alt: Option<Option<String>>,
    pub caption: Option<Option<String>>,
    pub credit: Option<Option<String>>,
    pub focal_point: Option<FocalPoint>,
}

impl AssetPatch {
    fn apply(self, m: AssetMeta) -> AssetMeta {
        AssetMeta {
            file_name: self.file_name.unwrap_or(m.file_name),
            alt: self.alt.unwrap_or(m.alt),
            caption: self.caption.unwrap_or(m.caption),
            credit: self.credit.unwrap_or(m.credit),
            focal_point: self.focal_point.unwrap_or(m.focal_point),
        }
    }
}

fn not_yours() -> Error {
    Error::forbidden("Only editors, admins and the person who uploaded an image may change or delete it.")
}

pub async fn update(
    state: &AppState,
    user: &CurrentUser,
    id: AssetId,
    if_match: IfMatch,
    patch: AssetPatch,
) -> Result<Asset, Error> {
    let now = db::to_db_time(state.clock.now());
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                let mut row = load(c, &id)?;
                if !may_manage(&user, &row) {
                    return Err(not_yours());
                }
                if_match.check(row.version)?;
                let expected = row.version;
                let meta = patch.apply(Asset::from(row.clone()).meta).validate().map_err(Error::Invalid)?;
                row.set_meta(&meta);
                row.updated_at = now;
                row.version += 1;
                if !media_db::update_if_version(c, &row, expected)? {
                    return Err(Error::Stale { current: load(c, &id)?.version });
                }
                events::media(c, EventType::MediaUpdated, &row, db::from_db_time(now))?;
                Ok(row.into())
            })
        })
        .await
}

/// Deletes an asset nothing uses (409 naming the users otherwise), then its files.
pub async fn delete(state: &AppState, user: &CurrentUser, id: AssetId, if_match: IfMatch) -> Result<(), Error> {
    let now = state.clock.now();
    let user = user.clone();
    let target = id.clone();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                // Exclusive: a save that starts using the asset waits, or is waited for.
                if !media_db::lock(c, &target, true)? {
                    return Err(Error::not_found("Asset"));
                }
                let row = load(c, &target)?;
                if !may_manage(&user, &row) {
                    return Err(not_yours());
                }
                if_match.check(row.version)?;
                let (articles, blocks) = media_db::users_of(c, &target, 10)?;
                if !articles.is_empty() || !blocks.is_empty() {
                    return Err(Error::conflict("asset_in_use", in_use(&articles, &blocks)));
                }
                if !media_db::delete_if_version(c, &target, row.version)? {
                    return Err(Error::Stale { current: load(c, &target)?.version });
                }
                events::media(c, EventType::MediaDeleted, &row, now)?;
                Ok(())
            })
        })
        .await?;
    // The row is gone, so no answer points at the files any more; a failure here
    // leaves files behind, never a row without its file.
    if let Err(e) = state.media.delete_asset(&id).await {
        tracing::warn!(asset = %id, error = %e, "could not remove a deleted asset's files");
    }
    Ok(())
}

fn in_use(articles: &[(String, String)], blocks: &[(String, String)]) -> String {
    let mut users = Vec::new();
    if !articles.is_empty() {
        let list: Vec<String> = articles.iter().map(|(id, slug)| format!("\"{slug}\" ({id})")).collect();
        users.push(format!("articles {}", list.join(", ")));
    }
    if !blocks.is_empty() {
        let list: Vec<String> = blocks.iter().map(|(id, title)| format!("\"{title}\" ({id})")).collect();
        users.push(format!("sponsored blocks {}", list.join(", ")));
    }
    format!("This image is in use by {}: take it out of them first.", users.join(" and "))
}

/// The rendition a URL names, if the asset exists and offers it.
pub async fn find_rendition(state: &AppState, id: AssetId, name: &str) -> Result<Option<(Asset, Rendition)>, Error> {
    let Some(row) = state.db.run(move |c| media_db::find(c, &id).map_err(Error::from)).await? else {
        return Ok(None);
    };
    let asset = Asset::from(row);
    Ok(state.settings.media.renditions.parse(name, &asset).map(|r| (asset, r)))
}

/// A rendition's bytes and type, `None` when the asset does not exist or does not
/// offer it. From this instance's memory when it holds them and nothing has been
/// written to the database since it last checked the asset (a deleted asset stops
/// being served within the public cache's sync interval); else from storage, or made
/// now (under a worker permit) and stored.
pub async fn rendition(state: &AppState, id: AssetId, name: String) -> Result<Option<(Bytes, &'static str)>, Error> {
    let generation = state.public_cache.generation(&state.db, state.clock.now()).await?;
    let key = format!("{id}/{name}");
    let held = state.renditions.get(&key);
    if let (Some(held), Some(generation)) = (&held, generation)
        && held.checked_at == generation
    {
        return Ok(Some((held.bytes.clone(), held.mime)));
    }
    let Some((asset, rendition)) = find_rendition(state, id, &name).await? else {
        if held.is_some() {
            state.renditions.remove(&key);
        }
        return Ok(None);
    };
    let (bytes, mime) = match held {
        Some(held) => (held.bytes.clone(), held.mime),
        None => stored_or_made(state, asset, rendition).await?,
    };
    if let Some(generation) = generation {
        state.renditions.insert(key, Held { bytes: bytes.clone(), mime, checked_at: generation });
    }
    Ok(Some((bytes, mime)))
}

async fn stored_or_made(state: &AppState, asset: Asset, rendition: Rendition) -> Result<(Bytes, &'static str), Error> {
    let (id, name, mime) = (asset.id.clone(), rendition.name(&asset), rendition.mime(&asset));
    if let Some(bytes) = state.media.rendition(&id, &name).await.map_err(storage)? {
        return Ok((bytes, mime));
    }
    let _permit = worker(state).await?;
    // Made by another request while this one waited?
    if let Some(bytes) = state.media.rendition(&id, &name).await.map_err(storage)? {
        return Ok((bytes, mime));
    }
    let Some(original) = state.media.original(&id).await.map_err(storage)? else {
        return Err(Error::internal(format!("asset {id} has no stored file")));
    };
    let bytes = make(state, original, asset, rendition).await?;
    state.media.put_rendition(&id, &name, bytes.clone()).await.map_err(storage)?;
    Ok((bytes, mime))
}

/// Renditions this instance has served, bounded in bytes. Their content never changes
/// (a URL names the asset, size, crop and format); only whether the asset still exists
/// does, checked again after any write to the database.
pub struct RenditionCache(Option<quick_cache::sync::Cache<String, Held, ByBytes>>);

#[derive(Clone)]
pub struct Held {
    bytes: Bytes,
    mime: &'static str,
    /// The public generation at which the asset was last seen to exist.
    checked_at: i64,
}

#[derive(Clone)]
pub struct ByBytes;

impl quick_cache::Weighter<String, Held> for ByBytes {
    fn weight(&self, key: &String, held: &Held) -> u64 {
        (key.len() + held.bytes.len() + 64) as u64
    }
}

impl RenditionCache {
    /// Holding up to `bytes` (none at all when 0).
    pub fn new(bytes: u64) -> RenditionCache {
        RenditionCache(
            (bytes > 0)
                .then(|| quick_cache::sync::Cache::with_weighter((bytes / 32_768).max(16) as usize, bytes, ByBytes)),
        )
    }

    fn get(&self, key: &str) -> Option<Held> {
        self.0.as_ref()?.get(key)
    }

    fn insert(&self, key: String, held: Held) {
        if let Some(cache) = &self.0 {
            cache.insert(key, held);
        }
    }

    fn remove(&self, key: &str) {
        if let Some(cache) = &self.0 {
            cache.remove(key);
        }
    }
}

async fn make(state: &AppState, original: Bytes, asset: Asset, rendition: Rendition) -> Result<Bytes, Error> {
    let limits = state.settings.media.limits;
    let made = blocking(move || imaging::render(&original, &asset, &rendition, limits)).await?;
    made.map(Bytes::from).map_err(imaging_error)
}

/// The assets among `ids` that exist, for resolving images in public answers.
pub fn assets(conn: &mut DbConnection, ids: &[AssetId]) -> Result<Vec<Asset>, Error> {
    Ok(media_db::find_many(conn, ids)?.into_iter().map(Asset::from).collect())
}
