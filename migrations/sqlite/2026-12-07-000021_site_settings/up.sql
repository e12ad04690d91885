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
CREATE TRIGGER site_settings_public_insert AFTER INSERT ON site_settings
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER site_settings_public_update AFTER UPDATE ON site_settings
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER site_settings_public_delete AFTER DELETE ON site_settings
BEGIN UPDATE public_generation SET generation = generation + 1; END;
