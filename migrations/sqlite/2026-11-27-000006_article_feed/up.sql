-- The live index behind the public lists: one row per published or scheduled,
-- untrashed article and feed, where the feeds are '' (everything) and the article's
-- section with each of its ancestors. A section front ("Business", with "Markets"
-- inside) is then one ordered index range, however many articles there are.
CREATE TABLE article_feed (
    feed TEXT NOT NULL,
    publish_at TIMESTAMP NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (feed, publish_at, article_id)
);
CREATE INDEX article_feed_article ON article_feed (article_id);

WITH RECURSIVE chain (article_id, publish_at, section_id) AS (
    SELECT id, publish_at, section_id FROM articles
    WHERE status IN ('published', 'scheduled') AND trashed_at IS NULL AND publish_at IS NOT NULL
    UNION ALL
    SELECT chain.article_id, chain.publish_at, sections.parent_id
    FROM chain JOIN sections ON sections.id = chain.section_id
    WHERE sections.parent_id IS NOT NULL
)
INSERT INTO article_feed (feed, publish_at, article_id)
SELECT section_id, publish_at, article_id FROM chain
UNION ALL
SELECT '', publish_at, id FROM articles
WHERE status IN ('published', 'scheduled') AND trashed_at IS NULL AND publish_at IS NOT NULL;
