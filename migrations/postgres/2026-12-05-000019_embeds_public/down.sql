DROP TRIGGER polls_public ON polls;
DROP TRIGGER poll_questions_public ON poll_questions;
DROP TRIGGER poll_options_public ON poll_options;
DROP TRIGGER sponsored_blocks_public ON sponsored_blocks;
