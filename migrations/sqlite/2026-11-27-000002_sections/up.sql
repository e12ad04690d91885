-- Sections: the site's tree (Politics, Business > Markets, Opinion...).
CREATE TABLE sections (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    parent_id TEXT REFERENCES sections (id),
    position BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX sections_parent_id ON sections (parent_id);
CREATE INDEX sections_order ON sections (position, id);
