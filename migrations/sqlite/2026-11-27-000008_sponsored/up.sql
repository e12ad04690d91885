-- Sponsored content: blocks with their disclosure, flight and targeting; their
-- revisions and daily counts; a generic fixed-window rate-limit counter; and which
-- articles embed what (polls, sponsored blocks).
CREATE TABLE sponsored_blocks (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    sponsor_name TEXT NOT NULL,
    label TEXT NOT NULL,
    disclosure TEXT NOT NULL,
    body TEXT NOT NULL,
    cta TEXT,
    logo_url TEXT,
    placement TEXT NOT NULL CHECK (placement IN ('article_inline', 'article_footer', 'section_front', 'sidebar')),
    starts_at TIMESTAMP,
    ends_at TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'paused')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (label <> '' AND disclosure <> ''),
    CHECK (starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at)
);
CREATE INDEX sponsored_blocks_live ON sponsored_blocks (status, placement);

CREATE TABLE sponsored_targets (
    block_id TEXT NOT NULL REFERENCES sponsored_blocks (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('section', 'article')),
    target_id TEXT NOT NULL,
    PRIMARY KEY (block_id, kind, target_id)
);
CREATE INDEX sponsored_targets_target ON sponsored_targets (kind, target_id);

CREATE TABLE sponsored_revisions (
    block_id TEXT NOT NULL REFERENCES sponsored_blocks (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    block_version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (block_id, number)
);

CREATE TABLE sponsored_stats (
    block_id TEXT NOT NULL REFERENCES sponsored_blocks (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    impressions BIGINT NOT NULL DEFAULT 0,
    clicks BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (block_id, day)
);

CREATE TABLE rate_limits (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (scope, subject, window_start)
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);

CREATE TABLE article_embeds (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('poll', 'sponsored')),
    target_id TEXT NOT NULL,
    PRIMARY KEY (article_id, kind, target_id)
);
CREATE INDEX article_embeds_target ON article_embeds (kind, target_id);
