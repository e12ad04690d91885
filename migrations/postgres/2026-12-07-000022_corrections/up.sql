-- Corrections, clarifications and updates: an article's public log, apart from its
-- revisions. Kept with the article: deleting the article (from the trash) drops them.
CREATE TABLE article_corrections (
    id TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('correction', 'clarification', 'update')),
    text TEXT NOT NULL,
    corrected_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
-- An article's log in order, and the site-wide log newest first.
CREATE INDEX article_corrections_article ON article_corrections (article_id, corrected_at, id);
CREATE INDEX article_corrections_time ON article_corrections (corrected_at, id);

-- Public articles show their log: cached answers change with it.
CREATE CONSTRAINT TRIGGER article_corrections_public AFTER INSERT OR UPDATE OR DELETE ON article_corrections
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
