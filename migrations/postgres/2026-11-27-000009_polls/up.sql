-- Reader polls: questions and options, one response per reader per poll (enforced
-- here, by a unique constraint), and the answers the counts are made from.
CREATE TABLE polls (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    intro TEXT,
    opens_at TIMESTAMP,
    closes_at TIMESTAMP,
    results_visibility TEXT NOT NULL CHECK (results_visibility IN ('always', 'after_vote', 'after_close', 'never')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (opens_at IS NULL OR closes_at IS NULL OR opens_at < closes_at)
);

CREATE TABLE poll_questions (
    id TEXT PRIMARY KEY NOT NULL,
    poll_id TEXT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    prompt TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('single_choice', 'multiple_choice', 'free_text')),
    max_choices BIGINT,
    max_length BIGINT,
    required BOOLEAN NOT NULL
);
CREATE INDEX poll_questions_poll ON poll_questions (poll_id, position);

CREATE TABLE poll_options (
    id TEXT PRIMARY KEY NOT NULL,
    question_id TEXT NOT NULL REFERENCES poll_questions (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    label TEXT NOT NULL
);
CREATE INDEX poll_options_question ON poll_options (question_id, position);

CREATE TABLE poll_responses (
    id TEXT PRIMARY KEY NOT NULL,
    poll_id TEXT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    reader_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (poll_id, reader_id)
);

CREATE TABLE poll_answers (
    response_id TEXT NOT NULL REFERENCES poll_responses (id) ON DELETE CASCADE,
    poll_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    option_id TEXT,
    text TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX poll_answers_counts ON poll_answers (poll_id, option_id);
CREATE INDEX poll_answers_texts ON poll_answers (question_id, created_at, response_id);
