-- Back to the text stored whole. The plain text is rebuilt from the body's text
-- fields (inline HTML is not stripped as the server does), and the snapshots left
-- NULL are rebuilt from the articles' current content.
CREATE TABLE article_revisions_whole (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    article_version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (article_id, number)
);
INSERT INTO article_revisions_whole (article_id, number, article_version, created_at, created_by, note, snapshot)
    SELECT r.article_id, r.number, r.article_version, r.created_at, r.created_by, r.note, coalesce(r.snapshot, (
        SELECT json_object(
            'slug', a.slug, 'headline', a.headline, 'standfirst', a.standfirst, 'dateline', a.dateline,
            'kicker', a.kicker, 'hero_image', json(a.hero_image), 'body', json(a.body), 'section_id', a.section_id,
            'author_ids', (SELECT json_group_array(user_id) FROM
                (SELECT user_id FROM article_authors WHERE article_id = a.id ORDER BY position)),
            'tags', json(a.tags), 'access', a.access, 'preview_blocks', a.preview_blocks, 'seo', json(a.seo))
        FROM articles a WHERE a.id = r.article_id))
    FROM article_revisions r;
DROP TABLE article_revisions;
ALTER TABLE article_revisions_whole RENAME TO article_revisions;

UPDATE articles SET body_text = coalesce((
    SELECT group_concat(text, char(10)) FROM (
        SELECT json_extract(value, '$.text') AS text FROM json_each(articles.body)
        WHERE json_extract(value, '$.text') IS NOT NULL ORDER BY key)), '');

DROP TRIGGER articles_fts_delete;
DROP TRIGGER articles_search_id;
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5 (headline, standfirst, body_text, tokenize = 'porter unicode61');
INSERT INTO articles_fts (rowid, headline, standfirst, body_text)
    SELECT search_id, headline, coalesce(standfirst, ''), body_text FROM articles;

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
