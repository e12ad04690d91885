ALTER TABLE articles DROP COLUMN sponsorship;
