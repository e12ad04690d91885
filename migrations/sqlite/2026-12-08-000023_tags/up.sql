-- Tags as their own records: a name (what articles carry, in `articles.tags` and
-- `article_tags.tag`), its case-folded key (what makes two names the same tag), a
-- slug for public URLs, and a description. Rows for tags already on articles are
-- made by the server after this migration (slugs need its transliteration).
CREATE TABLE tags (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    key TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- Former slugs of tags (renamed, or merged into another): public URLs with them
-- answer 301 to the tag's slug now.
CREATE TABLE tag_slugs (
    slug TEXT PRIMARY KEY NOT NULL,
    tag_id TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE
);
CREATE INDEX tag_slugs_tag ON tag_slugs (tag_id);

-- Public tag pages show the name and description: cached answers change with them.
CREATE TRIGGER tags_public_insert AFTER INSERT ON tags
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER tags_public_update AFTER UPDATE ON tags
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER tags_public_delete AFTER DELETE ON tags
BEGIN UPDATE public_generation SET generation = generation + 1; END;

-- Serialises renames, merges and deletes of tags (they rewrite the names on articles).
INSERT INTO locks (name, counter) VALUES ('tags', 0);
