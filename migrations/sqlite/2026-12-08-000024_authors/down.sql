CREATE TABLE article_authors_old (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id),
    position BIGINT NOT NULL,
    PRIMARY KEY (article_id, user_id)
);
INSERT INTO article_authors_old (article_id, user_id, position)
SELECT article_authors.article_id, authors.user_id, article_authors.position
FROM article_authors JOIN authors ON authors.id = article_authors.author_id
WHERE authors.user_id IS NOT NULL;
DROP TABLE article_authors;
ALTER TABLE article_authors_old RENAME TO article_authors;
CREATE INDEX article_authors_user ON article_authors (user_id, article_id);
CREATE TRIGGER article_authors_public_insert AFTER INSERT ON article_authors
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER article_authors_public_update AFTER UPDATE ON article_authors
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER article_authors_public_delete AFTER DELETE ON article_authors
BEGIN UPDATE public_generation SET generation = generation + 1; END;
DROP TABLE authors;
