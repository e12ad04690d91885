DROP TRIGGER poll_answers_tally ON poll_answers;
DROP TRIGGER poll_responses_tally ON poll_responses;
DROP FUNCTION poll_answers_tally();
DROP FUNCTION poll_responses_tally();
DROP FUNCTION poll_tally_add(TEXT, TEXT, BIGINT);
DROP INDEX poll_answers_by_response;
DROP TABLE poll_tallies;
