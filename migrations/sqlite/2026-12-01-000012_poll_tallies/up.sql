-- Running counts of every poll's results, kept by triggers in the transaction that
-- stores (or removes) an answer, so that reading results costs the same at the
-- millionth vote as at the first. Subjects: '' (responses), 'q:<question id>'
-- (responses that answered the question), 'o:<option id>' (votes for the option).
CREATE TABLE poll_tallies (
    poll_id TEXT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    count BIGINT NOT NULL CHECK (count >= 0),
    PRIMARY KEY (poll_id, subject)
);

-- Whether a response already answered a question, in one seek.
CREATE INDEX poll_answers_by_response ON poll_answers (response_id, question_id);

INSERT INTO poll_tallies (poll_id, subject, count)
SELECT poll_id, '', count(*) FROM poll_responses GROUP BY poll_id;
INSERT INTO poll_tallies (poll_id, subject, count)
SELECT poll_id, 'q:' || question_id, count(DISTINCT response_id) FROM poll_answers GROUP BY poll_id, question_id;
INSERT INTO poll_tallies (poll_id, subject, count)
SELECT poll_id, 'o:' || option_id, count(*) FROM poll_answers WHERE option_id IS NOT NULL GROUP BY poll_id, option_id;

CREATE TRIGGER poll_responses_tally_insert AFTER INSERT ON poll_responses
BEGIN
    INSERT INTO poll_tallies (poll_id, subject, count) VALUES (NEW.poll_id, '', 1)
    ON CONFLICT (poll_id, subject) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER poll_responses_tally_delete AFTER DELETE ON poll_responses
BEGIN
    UPDATE poll_tallies SET count = count - 1 WHERE poll_id = OLD.poll_id AND subject = '';
END;

CREATE TRIGGER poll_answers_tally_option_insert AFTER INSERT ON poll_answers
WHEN NEW.option_id IS NOT NULL
BEGIN
    INSERT INTO poll_tallies (poll_id, subject, count) VALUES (NEW.poll_id, 'o:' || NEW.option_id, 1)
    ON CONFLICT (poll_id, subject) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER poll_answers_tally_option_delete AFTER DELETE ON poll_answers
WHEN OLD.option_id IS NOT NULL
BEGIN
    UPDATE poll_tallies SET count = count - 1 WHERE poll_id = OLD.poll_id AND subject = 'o:' || OLD.option_id;
END;

-- A response answers a question once, whatever number of options it chose.
CREATE TRIGGER poll_answers_tally_question_insert AFTER INSERT ON poll_answers
WHEN (SELECT count(*) FROM poll_answers
      WHERE response_id = NEW.response_id AND question_id = NEW.question_id) = 1
BEGIN
    INSERT INTO poll_tallies (poll_id, subject, count) VALUES (NEW.poll_id, 'q:' || NEW.question_id, 1)
    ON CONFLICT (poll_id, subject) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER poll_answers_tally_question_delete AFTER DELETE ON poll_answers
WHEN NOT EXISTS (SELECT 1 FROM poll_answers
                 WHERE response_id = OLD.response_id AND question_id = OLD.question_id)
BEGIN
    UPDATE poll_tallies SET count = count - 1 WHERE poll_id = OLD.poll_id AND subject = 'q:' || OLD.question_id;
END;
