-- The audit log: who (a person or an API key, by id and by the name they had then),
-- from which address, did what to what, and when. Written in the transaction of the
-- action it records; append-only (the triggers refuse changes and deletions).
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

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
