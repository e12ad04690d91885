//! Where media files live: a local directory (one instance, the default) or an
//! S3-compatible bucket (many instances), behind `object_store`. Originals at
//! `originals/<asset id>`, renditions at `renditions/<asset id>/<name>`.

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::domain::id::AssetId;

/// Where the files go, from the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    Directory(PathBuf),
    /// `s3://bucket/prefix`, the rest from the standard `AWS_*` variables.
    S3 {
        bucket: String,
        prefix: String,
    },
}

impl StoreLocation {
    /// `s3://bucket[/prefix]`; anything else is an error naming what is wrong.
    pub fn parse_s3(url: &str) -> Result<StoreLocation, String> {
        let rest = url.strip_prefix("s3://").ok_or("must start with s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err("names no bucket".into());
        }
        Ok(StoreLocation::S3 { bucket: bucket.into(), prefix: prefix.trim_matches('/').into() })
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Directory(dir) => format!("directory {}", dir.display()),
            Self::S3 { bucket, prefix } => format!("s3://{bucket}/{prefix}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("media storage: {0}")]
pub struct StorageError(String);

impl From<object_store::Error> for StorageError {
    fn from(e: object_store::Error) -> Self {
        StorageError(e.to_string())
    }
}

pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    /// Where uploads are spooled while they arrive.
    spool: PathBuf,
}

impl MediaStore {
    /// Opens (and for a directory, creates) the store.
    pub fn open(location: &StoreLocation) -> Result<MediaStore, String> {
        match location {
            StoreLocation::Directory(dir) => {
                let spool = dir.join("uploading");
                std::fs::create_dir_all(&spool).map_err(|e| format!("cannot create {}: {e}", spool.display()))?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
                    .map_err(|e| format!("cannot open {}: {e}", dir.display()))?;
                Ok(MediaStore { store: Arc::new(store), prefix: Path::default(), spool })
            }
            StoreLocation::S3 { bucket, prefix } => {
                let store = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()
                    .map_err(|e| format!("cannot use s3://{bucket}: {e}"))?;
                Ok(MediaStore {
                    store: Arc::new(store),
                    prefix: Path::from(prefix.as_str()),
                    spool: std::env::temp_dir(),
                })
            }
        }
    }

    /// A directory uploads can be written to before they are checked.
    pub fn spool_dir(&self) -> &FsPath {
        &self.spool
    }

    fn path(&self, parts: &[&str]) -> Path {
        let mut path = self.prefix.clone();
        for part in parts {
            path = path.clone().join(*part);
        }
        path
    }

    fn original_path(&self, id: &AssetId) -> Path {
        self.path(&["originals", id.as_str()])
    }

    fn rendition_path(&self, id: &AssetId, name: &str) -> Path {
        self.path(&["renditions", id.as_str(), name])
    }

    pub async fn put_original(&self, id: &AssetId, bytes: Bytes) -> Result<(), StorageError> {
        self.store.put(&self.original_path(id), PutPayload::from_bytes(bytes)).await?;
        Ok(())
    }

    pub async fn original(&self, id: &AssetId) -> Result<Option<Bytes>, StorageError> {
        self.read(&self.original_path(id)).await
    }

    pub async fn rendition(&self, id: &AssetId, name: &str) -> Result<Option<Bytes>, StorageError> {
        self.read(&self.rendition_path(id, name)).await
    }

    pub async fn put_rendition(&self, id: &AssetId, name: &str, bytes: Bytes) -> Result<(), StorageError> {
        self.store.put(&self.rendition_path(id, name), PutPayload::from_bytes(bytes)).await?;
        Ok(())
    }

    async fn read(&self, path: &Path) -> Result<Option<Bytes>, StorageError> {
        match self.store.get(path).await {
            Ok(found) => Ok(Some(found.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes the original and every rendition of an asset.
    pub async fn delete_asset(&self, id: &AssetId) -> Result<(), StorageError> {
        let renditions = self.path(&["renditions", id.as_str()]);
        let mut listed = self.store.list(Some(&renditions));
        let mut paths = vec![self.original_path(id)];
        while let Some(meta) = listed.next().await {
            paths.push(meta?.location);
        }
        for path in paths {
            match self.store.delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Whether the store answers (for readiness).
    pub async fn check(&self) -> Result<(), StorageError> {
        let mut listed = self.store.list(Some(&self.path(&["originals"])));
        match listed.next().await {
            Some(Err(e)) => Err(e.into()),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls_name_a_bucket_and_a_prefix() {
        assert_eq!(
            StoreLocation::parse_s3("s3://news/media/"),
            Ok(StoreLocation::S3 { bucket: "news".into(), prefix: "media".into() })
        );
        assert_eq!(
            StoreLocation::parse_s3("s3://news"),
            Ok(StoreLocation::S3 { bucket: "news".into(), prefix: "".into() })
        );
        assert!(StoreLocation::parse_s3("s3:///x").is_err());
        assert!(StoreLocation::parse_s3("https://x").is_err());
    }
}
