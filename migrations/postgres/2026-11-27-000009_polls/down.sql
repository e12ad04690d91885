DROP TABLE poll_answers;
DROP TABLE poll_responses;
DROP TABLE poll_options;
DROP TABLE poll_questions;
DROP TABLE polls;
