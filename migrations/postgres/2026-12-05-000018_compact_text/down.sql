-- Back to the text stored whole (the plain text rebuilt from the body's text fields,
-- without the server's stripping of inline HTML; NULL snapshots from the current content).
UPDATE article_revisions r SET snapshot = json_build_object(
        'slug', a.slug, 'headline', a.headline, 'standfirst', a.standfirst, 'dateline', a.dateline,
        'kicker', a.kicker, 'hero_image', a.hero_image::json, 'body', a.body::json, 'section_id', a.section_id,
        'author_ids', (SELECT coalesce(json_agg(user_id ORDER BY position), '[]'::json)
                       FROM article_authors WHERE article_id = a.id),
        'tags', a.tags::json, 'access', a.access, 'preview_blocks', a.preview_blocks, 'seo', a.seo::json)::text
    FROM articles a WHERE a.id = r.article_id AND r.snapshot IS NULL;
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE article_revisions ALTER COLUMN snapshot SET NOT NULL;

ALTER TABLE articles ALTER COLUMN body_text DROP DEFAULT;
UPDATE articles SET body_text = coalesce((
    SELECT string_agg(b ->> 'text', E'\n' ORDER BY n) FROM jsonb_array_elements(body::jsonb) WITH ORDINALITY AS t (b, n)
    WHERE b ->> 'text' IS NOT NULL), '');
SET CONSTRAINTS ALL IMMEDIATE;
DROP INDEX articles_search;
ALTER TABLE articles DROP COLUMN search_vector;
ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('english', headline || ' ' || coalesce(standfirst, '') || ' ' || body_text)
) STORED;
CREATE INDEX articles_search ON articles USING GIN (search_vector);
