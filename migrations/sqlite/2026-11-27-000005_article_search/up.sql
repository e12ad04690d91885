-- Full-text search over headline, standfirst and body: an FTS5 table kept in step by
-- triggers. Its rowid is `articles.search_id`, a number we assign (rowids of a table
-- without an INTEGER PRIMARY KEY may change on VACUUM; this one does not).
ALTER TABLE articles ADD COLUMN search_id INTEGER;
CREATE UNIQUE INDEX articles_search_id ON articles (search_id);

CREATE VIRTUAL TABLE articles_fts USING fts5 (headline, standfirst, body_text, tokenize = 'porter unicode61');

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    UPDATE articles SET search_id = (SELECT coalesce(max(search_id), 0) + 1 FROM articles) WHERE id = new.id;
    INSERT INTO articles_fts (rowid, headline, standfirst, body_text)
        SELECT search_id, new.headline, coalesce(new.standfirst, ''), new.body_text FROM articles WHERE id = new.id;
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF headline, standfirst, body_text ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.search_id;
    INSERT INTO articles_fts (rowid, headline, standfirst, body_text)
        VALUES (new.search_id, new.headline, coalesce(new.standfirst, ''), new.body_text);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.search_id;
END;

-- Articles written before this migration.
UPDATE articles SET search_id = rowid WHERE search_id IS NULL;
INSERT INTO articles_fts (rowid, headline, standfirst, body_text)
    SELECT search_id, headline, coalesce(standfirst, ''), body_text FROM articles;
