-- The body becomes the last column of an article's record. A body is larger than what
-- a page keeps of a record, so its tail and every column stored after it sit on
-- overflow pages: a list of summaries, which reads no body, then read each row's
-- overflow pages only to reach `section_id`, `tags`, `access` and the times. With the
-- body last, those columns stay on the row's own page.
--
-- SQLite appends added columns, and dropping a column rewrites the rows without it;
-- the table itself is never dropped, so nothing that refers to it (foreign keys with
-- their cascades, triggers, the search index's ids) is touched.
ALTER TABLE articles ADD COLUMN body_last TEXT NOT NULL DEFAULT '[]';
UPDATE articles SET body_last = body;
ALTER TABLE articles DROP COLUMN body;
ALTER TABLE articles RENAME COLUMN body_last TO body;
