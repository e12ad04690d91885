-- Where the body sits in the record changes nothing that reads it by name: nothing to
-- undo.
SELECT 1;
