-- Text stored once. The search index keeps no copy of the text it indexes
-- (contentless, its rows deleted by rowid); the body's plain text is no longer
-- stored: the server computes it when it writes the index. And the newest revision
-- of an article may keep no snapshot (NULL): its content is the article's own.

-- The server writes the index now (the plain text is not in the row any more);
-- a trigger still numbers each new article for it, and drops it from the index.
DROP TRIGGER articles_fts_insert;
DROP TRIGGER articles_fts_update;
DROP TRIGGER articles_fts_delete;

CREATE VIRTUAL TABLE articles_search USING fts5 (
    headline, standfirst, body_text,
    content = '', contentless_delete = 1, tokenize = 'porter unicode61'
);
INSERT INTO articles_search (rowid, headline, standfirst, body_text)
    SELECT search_id, headline, coalesce(standfirst, ''), body_text FROM articles;
DROP TABLE articles_fts;
ALTER TABLE articles_search RENAME TO articles_fts;

CREATE TRIGGER articles_search_id AFTER INSERT ON articles BEGIN
    UPDATE articles SET search_id = (SELECT coalesce(max(search_id), 0) + 1 FROM articles) WHERE id = new.id;
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.search_id;
END;

-- Emptied; the column stays (empty, with a default the server relies on) for programs
-- that still write the old shape of a row.
ALTER TABLE articles DROP COLUMN body_text;
ALTER TABLE articles ADD COLUMN body_text TEXT NOT NULL DEFAULT '';

-- snapshot becomes nullable (SQLite changes a column's constraints by copying the table).
CREATE TABLE article_revisions_compact (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    article_version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL,
    snapshot TEXT,
    PRIMARY KEY (article_id, number)
);
INSERT INTO article_revisions_compact (article_id, number, article_version, created_at, created_by, note, snapshot)
    SELECT article_id, number, article_version, created_at, created_by, note, snapshot FROM article_revisions;
DROP TABLE article_revisions;
ALTER TABLE article_revisions_compact RENAME TO article_revisions;

-- Revisions written before keep their snapshots (the server leaves out only the
-- snapshots of the revisions it writes).
