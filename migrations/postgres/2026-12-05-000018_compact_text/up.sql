-- Text stored once: the body's plain text is no longer a column. The server computes
-- it and writes search_vector itself (no longer generated from the row); the newest
-- revision of an article may keep no snapshot (NULL): its content is the article's own.
ALTER TABLE articles ADD COLUMN search_text_vector tsvector;
UPDATE articles SET search_text_vector =
    to_tsvector('english', headline || ' ' || coalesce(standfirst, '') || ' ' || body_text);
ALTER TABLE articles DROP COLUMN search_vector;
ALTER TABLE articles RENAME COLUMN search_text_vector TO search_vector;
CREATE INDEX articles_search ON articles USING GIN (search_vector);
ALTER TABLE articles DROP COLUMN body_text;

ALTER TABLE article_revisions ALTER COLUMN snapshot DROP NOT NULL;
