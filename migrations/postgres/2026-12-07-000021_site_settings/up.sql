-- The site's own settings: one row, written when an admin first saves them.
CREATE TABLE site_settings (
    id BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    name TEXT NOT NULL,
    description TEXT,
    base_url TEXT NOT NULL,
    publisher_name TEXT NOT NULL,
    logo TEXT,
    language TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    article_path TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- Feeds, sitemaps and structured data carry these: cached public answers change with them.
CREATE CONSTRAINT TRIGGER site_settings_public AFTER INSERT OR UPDATE OR DELETE ON site_settings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
