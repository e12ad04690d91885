-- An article may be paid content: its sponsor, label and disclosure, as JSON (null:
-- the newsroom's own).
ALTER TABLE articles ADD COLUMN sponsorship TEXT;
