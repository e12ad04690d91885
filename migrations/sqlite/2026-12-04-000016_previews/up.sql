-- Preview links: a token that shows one article, whatever its status, as readers
-- would get it. Only the token's SHA-256 digest is kept (as for refresh tokens), so a
-- copy of the database does not hand out working links. Links are never public
-- article sources: the preview answer is never cached, so no generation trigger.
CREATE TABLE article_previews (
    id TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    token_digest TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
-- An article's links, newest first (the list and the pruning on create).
CREATE INDEX article_previews_article ON article_previews (article_id, id);
