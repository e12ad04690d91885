-- Articles with their authors, tags, former slugs and revisions.
CREATE TABLE articles (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    headline TEXT NOT NULL,
    standfirst TEXT,
    dateline TEXT,
    kicker TEXT,
    hero_image TEXT,
    body TEXT NOT NULL,
    body_text TEXT NOT NULL,
    section_id TEXT NOT NULL REFERENCES sections (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    tags TEXT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('free', 'metered', 'premium')),
    preview_blocks BIGINT,
    seo TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'scheduled', 'published', 'archived')),
    publish_at TIMESTAMP,
    first_published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    trashed_at TIMESTAMP,
    trashed_status TEXT,
    version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1)
);
-- The public lists: newest first, overall and per section (the live filter is
-- checked on the rows the index yields, in order).
CREATE INDEX articles_publish_at ON articles (publish_at, id);
CREATE INDEX articles_section_publish_at ON articles (section_id, publish_at, id);
CREATE INDEX articles_status ON articles (status, id);

CREATE TABLE article_authors (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id),
    position BIGINT NOT NULL,
    PRIMARY KEY (article_id, user_id)
);
CREATE INDEX article_authors_user ON article_authors (user_id, article_id);

CREATE TABLE article_tags (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (article_id, tag)
);
CREATE INDEX article_tags_tag ON article_tags (tag, article_id);

-- Slugs an article answered to before: the public API redirects them.
CREATE TABLE article_slugs (
    slug TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE
);

CREATE TABLE article_revisions (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    article_version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (article_id, number)
);
