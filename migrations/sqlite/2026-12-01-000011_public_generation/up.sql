-- A counter that moves whenever anything the public article responses are built from
-- changes, on whichever instance (or command) made the change: the response cache of
-- every instance compares it with what it last read, and drops what it holds when it
-- moved. Kept by triggers, so that no write path can forget it.
CREATE TABLE public_generation (
    id BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO public_generation (id, generation) VALUES (1, 0);

CREATE TRIGGER articles_public_insert AFTER INSERT ON articles
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER articles_public_update AFTER UPDATE ON articles
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER articles_public_delete AFTER DELETE ON articles
BEGIN UPDATE public_generation SET generation = generation + 1; END;

CREATE TRIGGER article_feed_public_insert AFTER INSERT ON article_feed
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER article_feed_public_update AFTER UPDATE ON article_feed
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER article_feed_public_delete AFTER DELETE ON article_feed
BEGIN UPDATE public_generation SET generation = generation + 1; END;

CREATE TRIGGER article_authors_public_insert AFTER INSERT ON article_authors
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER article_authors_public_update AFTER UPDATE ON article_authors
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER article_authors_public_delete AFTER DELETE ON article_authors
BEGIN UPDATE public_generation SET generation = generation + 1; END;

CREATE TRIGGER article_tags_public_insert AFTER INSERT ON article_tags
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER article_tags_public_update AFTER UPDATE ON article_tags
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER article_tags_public_delete AFTER DELETE ON article_tags
BEGIN UPDATE public_generation SET generation = generation + 1; END;

CREATE TRIGGER sections_public_insert AFTER INSERT ON sections
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER sections_public_update AFTER UPDATE ON sections
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER sections_public_delete AFTER DELETE ON sections
BEGIN UPDATE public_generation SET generation = generation + 1; END;

-- Bylines carry display names; sign-ins and password changes do not matter.
CREATE TRIGGER users_public_rename AFTER UPDATE OF display_name ON users
WHEN OLD.display_name IS NOT NEW.display_name
BEGIN UPDATE public_generation SET generation = generation + 1; END;

-- The site's preview length cuts gated bodies.
CREATE TRIGGER paywall_public_insert AFTER INSERT ON paywall_settings
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER paywall_public_update AFTER UPDATE ON paywall_settings
BEGIN UPDATE public_generation SET generation = generation + 1; END;
