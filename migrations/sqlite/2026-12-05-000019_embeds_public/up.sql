-- Articles that embed polls and sponsored blocks are cached like any other, so the
-- tables those embeds are read from move the public generation on every write, as
-- every table in `PUBLIC_SOURCE_TABLES` does (src/db/public_generation.rs). Readers'
-- answers and counts are not among them: answers that show results are kept for at
-- most a second instead.
CREATE TRIGGER polls_public_insert AFTER INSERT ON polls
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER polls_public_update AFTER UPDATE ON polls
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER polls_public_delete AFTER DELETE ON polls
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER poll_questions_public_insert AFTER INSERT ON poll_questions
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER poll_questions_public_update AFTER UPDATE ON poll_questions
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER poll_questions_public_delete AFTER DELETE ON poll_questions
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER poll_options_public_insert AFTER INSERT ON poll_options
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER poll_options_public_update AFTER UPDATE ON poll_options
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER poll_options_public_delete AFTER DELETE ON poll_options
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER sponsored_blocks_public_insert AFTER INSERT ON sponsored_blocks
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER sponsored_blocks_public_update AFTER UPDATE ON sponsored_blocks
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER sponsored_blocks_public_delete AFTER DELETE ON sponsored_blocks
BEGIN UPDATE public_generation SET generation = generation + 1; END;
