-- An article may be paid content: its sponsor, label and disclosure, as JSON (null:
-- the newsroom's own). SQLite appends the column after the body, so the body is moved
-- behind it again, as the body_last migration explains.
ALTER TABLE articles ADD COLUMN sponsorship TEXT;
ALTER TABLE articles ADD COLUMN body_last TEXT NOT NULL DEFAULT '[]';
UPDATE articles SET body_last = body;
ALTER TABLE articles DROP COLUMN body;
ALTER TABLE articles RENAME COLUMN body_last TO body;
