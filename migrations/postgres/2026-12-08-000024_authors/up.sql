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

-- Bylines now name authors.
ALTER TABLE article_authors DROP CONSTRAINT article_authors_user_id_fkey;
ALTER TABLE article_authors RENAME COLUMN user_id TO author_id;
ALTER TABLE article_authors ADD CONSTRAINT article_authors_author_id_fkey
    FOREIGN KEY (author_id) REFERENCES authors (id);
ALTER INDEX article_authors_user RENAME TO article_authors_author;

-- Bylines and author pages show authors: cached answers change with them.
CREATE CONSTRAINT TRIGGER authors_public AFTER INSERT OR UPDATE OR DELETE ON authors
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
