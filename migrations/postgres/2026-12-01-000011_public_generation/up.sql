-- A counter that moves whenever anything the public article responses are built from
-- changes, on whichever instance (or command) made the change: the response cache of
-- every instance compares it with what it last read, and drops what it holds when it
-- moved. Kept by triggers, so that no write path can forget it. It is a row (not a
-- sequence) so that a reader sees the new value only once the change has committed.
CREATE TABLE public_generation (
    id BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO public_generation (id, generation) VALUES (1, 0);

CREATE FUNCTION bump_public_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE public_generation SET generation = generation + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER articles_public AFTER INSERT OR UPDATE OR DELETE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION bump_public_generation();
CREATE TRIGGER article_feed_public AFTER INSERT OR UPDATE OR DELETE ON article_feed
    FOR EACH STATEMENT EXECUTE FUNCTION bump_public_generation();
CREATE TRIGGER article_authors_public AFTER INSERT OR UPDATE OR DELETE ON article_authors
    FOR EACH STATEMENT EXECUTE FUNCTION bump_public_generation();
CREATE TRIGGER article_tags_public AFTER INSERT OR UPDATE OR DELETE ON article_tags
    FOR EACH STATEMENT EXECUTE FUNCTION bump_public_generation();
CREATE TRIGGER sections_public AFTER INSERT OR UPDATE OR DELETE ON sections
    FOR EACH STATEMENT EXECUTE FUNCTION bump_public_generation();
-- Bylines carry display names; sign-ins and password changes do not matter.
CREATE TRIGGER users_public_rename AFTER UPDATE OF display_name ON users
    FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name)
    EXECUTE FUNCTION bump_public_generation();
-- The site's preview length cuts gated bodies.
CREATE TRIGGER paywall_public AFTER INSERT OR UPDATE ON paywall_settings
    FOR EACH STATEMENT EXECUTE FUNCTION bump_public_generation();
