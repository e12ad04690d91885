-- Authors as their own records: bylines name freelancers and wire services without
-- accounts too. An author may be linked to one user (whose drafts are then "theirs").
-- Every user already on a byline becomes an author with the user's id, so the ids
-- clients sent and stored as `author_ids` keep naming the same people. Their slugs
-- start as that id and are made from the name by the server after this migration.
CREATE TABLE authors (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    job_title TEXT,
    bio TEXT,
    photo TEXT,
    links TEXT NOT NULL DEFAULT '[]',
    user_id TEXT UNIQUE REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

INSERT INTO authors (id, slug, name, user_id, created_at, updated_at, version)
SELECT id, id, display_name, id, created_at, updated_at, 1 FROM users
WHERE id IN (SELECT user_id FROM article_authors);

-- Bylines now name authors. SQLite cannot change a foreign key in place: the table is
-- made again, with its index and triggers.
CREATE TABLE article_authors_new (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES authors (id),
    position BIGINT NOT NULL,
    PRIMARY KEY (article_id, author_id)
);
INSERT INTO article_authors_new (article_id, author_id, position)
SELECT article_id, user_id, position FROM article_authors;
DROP TABLE article_authors;
ALTER TABLE article_authors_new RENAME TO article_authors;
CREATE INDEX article_authors_author ON article_authors (author_id, article_id);

CREATE TRIGGER article_authors_public_insert AFTER INSERT ON article_authors
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER article_authors_public_update AFTER UPDATE ON article_authors
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER article_authors_public_delete AFTER DELETE ON article_authors
BEGIN UPDATE public_generation SET generation = generation + 1; END;

-- Bylines and author pages show authors: cached answers change with them.
CREATE TRIGGER authors_public_insert AFTER INSERT ON authors
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER authors_public_update AFTER UPDATE ON authors
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER authors_public_delete AFTER DELETE ON authors
BEGIN UPDATE public_generation SET generation = generation + 1; END;
