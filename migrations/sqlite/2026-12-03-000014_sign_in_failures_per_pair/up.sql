-- Sign-in failures also count per account and client address pair ('pair'). SQLite
-- cannot change a CHECK constraint in place: the table is made anew (its rows are
-- short-lived counts, copied over).
CREATE TABLE login_failures_new (
    id TEXT PRIMARY KEY NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address', 'pair')),
    subject TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
INSERT INTO login_failures_new SELECT id, scope, subject, failed_at FROM login_failures;
DROP TABLE login_failures;
ALTER TABLE login_failures_new RENAME TO login_failures;
CREATE INDEX login_failures_lookup ON login_failures (scope, subject, failed_at);
