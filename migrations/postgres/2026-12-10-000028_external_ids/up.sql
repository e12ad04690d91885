-- Identifiers other systems gave records (a WordPress GUID, a wire's story id): an
-- import finds what it already brought by them, and integrators look records up by
-- them. One table for every kind of record, so the big tables stay as narrow as they
-- are; each record has at most one, and each is unique within its kind.
CREATE TABLE external_ids (
    kind TEXT NOT NULL CHECK (kind IN ('article', 'section', 'author', 'tag', 'user')),
    external_id TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (kind, external_id)
);
CREATE UNIQUE INDEX external_ids_by_record ON external_ids (kind, id);
