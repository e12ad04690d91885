-- The metered paywall: one settings row, the reads counted per reader and period,
-- and subscription offers.
CREATE TABLE paywall_settings (
    id BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    quota BIGINT NOT NULL CHECK (quota >= 0),
    period TEXT NOT NULL CHECK (period IN ('month')),
    counted_section_ids TEXT,
    default_preview_blocks BIGINT NOT NULL CHECK (default_preview_blocks >= 0),
    messages TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE meter_reads (
    reader_id TEXT NOT NULL,
    period_start TIMESTAMP NOT NULL,
    article_id TEXT NOT NULL,
    read_at TIMESTAMP NOT NULL,
    PRIMARY KEY (reader_id, period_start, article_id)
);

CREATE TABLE offers (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    display_text TEXT NOT NULL,
    price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
    currency TEXT NOT NULL,
    duration_months BIGINT NOT NULL CHECK (duration_months >= 1),
    trial BOOLEAN NOT NULL,
    starts_at TIMESTAMP,
    ends_at TIMESTAMP,
    eligibility TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'paused')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK (starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at)
);
