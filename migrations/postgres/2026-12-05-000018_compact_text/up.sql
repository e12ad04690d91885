-- Text stored once: the body's plain text is no longer stored. The server computes it
-- and writes search_vector itself (no longer generated from the row); the newest
-- revision of an article may keep no snapshot (NULL): its content is the article's own.
-- body_text stays, emptied, with a default the server relies on, for programs that
-- still write the old shape of a row.
ALTER TABLE articles ADD COLUMN search_text_vector tsvector;
UPDATE articles SET
    search_text_vector = to_tsvector('english', headline || ' ' || coalesce(standfirst, '') || ' ' || body_text),
    body_text = '';
-- The rewrite's deferred triggers (the public generation) run now: ALTER TABLE refuses
-- a table with trigger events pending.
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE articles ALTER COLUMN body_text SET DEFAULT '';
ALTER TABLE articles DROP COLUMN search_vector;
ALTER TABLE articles RENAME COLUMN search_text_vector TO search_vector;
CREATE INDEX articles_search ON articles USING GIN (search_vector);

ALTER TABLE article_revisions ALTER COLUMN snapshot DROP NOT NULL;
