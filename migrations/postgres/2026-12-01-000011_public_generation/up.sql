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

-- The triggers are deferred to the commit, and the function moves the counter once per
-- transaction: the counter's row lock is then the last lock a transaction takes, so
-- it cannot close a cycle with the row locks of articles, sections or users (an
-- article save waiting for it while holding its article, and a paywall change
-- holding it while waiting for that article, would otherwise deadlock).
CREATE FUNCTION bump_public_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('masthead.public_generation_moved', true) = 'yes' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('masthead.public_generation_moved', 'yes', true);
    UPDATE public_generation SET generation = generation + 1;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER articles_public AFTER INSERT OR UPDATE OR DELETE ON articles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
CREATE CONSTRAINT TRIGGER article_feed_public AFTER INSERT OR UPDATE OR DELETE ON article_feed
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
CREATE CONSTRAINT TRIGGER article_authors_public AFTER INSERT OR UPDATE OR DELETE ON article_authors
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
CREATE CONSTRAINT TRIGGER article_tags_public AFTER INSERT OR UPDATE OR DELETE ON article_tags
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
CREATE CONSTRAINT TRIGGER sections_public AFTER INSERT OR UPDATE OR DELETE ON sections
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
-- Bylines carry display names; sign-ins and password changes do not matter.
CREATE CONSTRAINT TRIGGER users_public_rename AFTER UPDATE OF display_name ON users
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name)
    EXECUTE FUNCTION bump_public_generation();
-- The site's preview length cuts gated bodies.
CREATE CONSTRAINT TRIGGER paywall_public AFTER INSERT OR UPDATE ON paywall_settings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
