-- Full-text search over headline, standfirst and body: a generated tsvector with a
-- GIN index, queried with websearch_to_tsquery (which accepts any user input).
ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('english', headline || ' ' || coalesce(standfirst, '') || ' ' || body_text)
) STORED;
CREATE INDEX articles_search ON articles USING GIN (search_vector);
