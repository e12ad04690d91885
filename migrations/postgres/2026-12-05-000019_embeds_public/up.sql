-- Articles that embed polls and sponsored blocks are cached like any other, so the
-- tables those embeds are read from move the public generation on every write, as
-- every table in `PUBLIC_SOURCE_TABLES` does (src/db/public_generation.rs). Readers'
-- answers and counts are not among them: answers that show results are kept for at
-- most a second instead.
CREATE CONSTRAINT TRIGGER polls_public AFTER INSERT OR UPDATE OR DELETE ON polls
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
CREATE CONSTRAINT TRIGGER poll_questions_public AFTER INSERT OR UPDATE OR DELETE ON poll_questions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
CREATE CONSTRAINT TRIGGER poll_options_public AFTER INSERT OR UPDATE OR DELETE ON poll_options
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
CREATE CONSTRAINT TRIGGER sponsored_blocks_public AFTER INSERT OR UPDATE OR DELETE ON sponsored_blocks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
