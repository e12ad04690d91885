-- Every table public articles are built from (`PUBLIC_SOURCE_TABLES` in
-- src/db/public_generation.rs) moves the generation on INSERT, UPDATE and DELETE, so
-- that no write can change a public answer without it, whatever code makes the write.
CREATE TRIGGER users_public_insert AFTER INSERT ON users
BEGIN UPDATE public_generation SET generation = generation + 1; END;
CREATE TRIGGER users_public_delete AFTER DELETE ON users
BEGIN UPDATE public_generation SET generation = generation + 1; END;
-- Without its row, the paywall's preview length falls back to the default.
CREATE TRIGGER paywall_public_delete AFTER DELETE ON paywall_settings
BEGIN UPDATE public_generation SET generation = generation + 1; END;
