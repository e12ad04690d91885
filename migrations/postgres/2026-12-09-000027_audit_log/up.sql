-- The audit log: who (a person or an API key, by id and by the name they had then),
-- from which address, did what to what, and when. Written in the transaction of the
-- action it records; append-only (the trigger refuses changes and deletions).
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_id TEXT,
    actor_name TEXT,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('person', 'api_key', 'anonymous')),
    address TEXT,
    action TEXT NOT NULL,
    target_type TEXT,
    target_id TEXT,
    -- What changed, as a JSON object.
    details TEXT NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_target ON audit_log (target_id, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
