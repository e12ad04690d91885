-- The media library: one row per distinct file (its content hash is unique), with
-- the metadata editors give it. The focal point is kept in thousandths (0..1000), the
-- unit rendition names use, so that a stored point and a URL always agree.
CREATE TABLE media_assets (
    id TEXT PRIMARY KEY NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL CHECK (media_type IN ('jpeg', 'png', 'webp', 'gif')),
    bytes BIGINT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    alt TEXT,
    caption TEXT,
    credit TEXT,
    focal_x BIGINT NOT NULL,
    focal_y BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX media_assets_uploader ON media_assets (uploaded_by, id);

-- Which articles and sponsored blocks use an asset (hero image, image blocks), so
-- that a delete can tell who still needs it.
CREATE TABLE article_media (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    asset_id TEXT NOT NULL,
    PRIMARY KEY (article_id, asset_id)
);
CREATE INDEX article_media_asset ON article_media (asset_id);
CREATE TABLE sponsored_media (
    block_id TEXT NOT NULL REFERENCES sponsored_blocks (id) ON DELETE CASCADE,
    asset_id TEXT NOT NULL,
    PRIMARY KEY (block_id, asset_id)
);
CREATE INDEX sponsored_media_asset ON sponsored_media (asset_id);

-- Public articles show an asset's dimensions, alt text, caption and credit.
CREATE CONSTRAINT TRIGGER media_assets_public AFTER INSERT OR UPDATE OR DELETE ON media_assets
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
