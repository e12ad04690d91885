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

CREATE FUNCTION poll_tally_add(poll TEXT, what TEXT, delta BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF delta > 0 THEN
        INSERT INTO poll_tallies (poll_id, subject, count) VALUES (poll, what, delta)
        ON CONFLICT (poll_id, subject) DO UPDATE SET count = poll_tallies.count + delta;
    ELSE
        UPDATE poll_tallies SET count = count + delta WHERE poll_id = poll AND subject = what;
    END IF;
END
$$;

CREATE FUNCTION poll_responses_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM poll_tally_add(NEW.poll_id, '', 1);
    ELSE
        PERFORM poll_tally_add(OLD.poll_id, '', -1);
    END IF;
    RETURN NULL;
END
$$;

-- A response answers a question once, whatever number of options it chose.
CREATE FUNCTION poll_answers_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.option_id IS NOT NULL THEN
            PERFORM poll_tally_add(NEW.poll_id, 'o:' || NEW.option_id, 1);
        END IF;
        IF (SELECT count(*) FROM poll_answers
            WHERE response_id = NEW.response_id AND question_id = NEW.question_id) = 1 THEN
            PERFORM poll_tally_add(NEW.poll_id, 'q:' || NEW.question_id, 1);
        END IF;
    ELSE
        IF OLD.option_id IS NOT NULL THEN
            PERFORM poll_tally_add(OLD.poll_id, 'o:' || OLD.option_id, -1);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM poll_answers
                       WHERE response_id = OLD.response_id AND question_id = OLD.question_id) THEN
            PERFORM poll_tally_add(OLD.poll_id, 'q:' || OLD.question_id, -1);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER poll_responses_tally AFTER INSERT OR DELETE ON poll_responses
    FOR EACH ROW EXECUTE FUNCTION poll_responses_tally();
CREATE TRIGGER poll_answers_tally AFTER INSERT OR DELETE ON poll_answers
    FOR EACH ROW EXECUTE FUNCTION poll_answers_tally();
