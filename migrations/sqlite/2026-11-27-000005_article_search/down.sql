DROP TRIGGER articles_fts_delete;
DROP TRIGGER articles_fts_update;
DROP TRIGGER articles_fts_insert;
DROP TABLE articles_fts;
DROP INDEX articles_search_id;
ALTER TABLE articles DROP COLUMN search_id;
