-- SQLite moves the body to the end of an article's record (see its migration).
-- PostgreSQL keeps a large body out of the row (TOAST), so a read that skips the body
-- never fetches it: nothing to do here.
SELECT 1;
