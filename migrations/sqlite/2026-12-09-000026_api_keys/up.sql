-- API keys: integrations (wire ingest, build servers, newsletter tools) call the API
-- with a key instead of a person's sign-in. Each key acts as an account of its own
-- (kind 'api_key', same id), so that what it writes is attributed to it, and every
-- rule of its role applies to it unchanged. The key itself is stored only as its
-- SHA-256 digest; `prefix` is its first characters, shown to tell keys apart.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'api_key'));

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    digest TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
