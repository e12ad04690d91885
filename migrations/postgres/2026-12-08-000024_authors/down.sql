ALTER TABLE article_authors DROP CONSTRAINT article_authors_author_id_fkey;
UPDATE article_authors SET author_id = authors.user_id FROM authors
WHERE authors.id = article_authors.author_id AND authors.user_id IS NOT NULL;
ALTER TABLE article_authors RENAME COLUMN author_id TO user_id;
ALTER TABLE article_authors ADD CONSTRAINT article_authors_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
ALTER INDEX article_authors_author RENAME TO article_authors_user;
DROP TABLE authors;
