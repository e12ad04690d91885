-- Webhooks: the endpoints admins register, the outbox of events (written in the same
-- transaction as the change they announce), and one delivery per event and endpoint,
-- which the delivery worker leases, sends, and retries.
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    description TEXT,
    -- The event types wanted, as a JSON array of their names.
    events TEXT NOT NULL,
    -- The signing key (whsec_ + base64): needed in full to sign, so kept as given.
    secret TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY NOT NULL,
    event_type TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    -- The body as sent: the exact bytes every attempt signs.
    payload TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts BIGINT NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    -- Until when an instance holds it for an attempt; past it, any instance may.
    lease_until TIMESTAMP,
    last_attempt_at TIMESTAMP,
    last_status BIGINT,
    last_duration_ms BIGINT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

-- How far scheduled changes (publish_at, flights, poll and offer windows) have been
-- announced: the timer fires every boundary after this instant up to now, once.
CREATE TABLE event_clock (
    id BIGINT PRIMARY KEY NOT NULL,
    fired_until TIMESTAMP
);
INSERT INTO event_clock (id, fired_until) VALUES (1, NULL);
-- What the timer asks for: the next scheduled article, among few.
CREATE INDEX articles_scheduled ON articles (publish_at) WHERE status = 'scheduled';
