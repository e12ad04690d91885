-- Every table public articles are built from (`PUBLIC_SOURCE_TABLES` in
-- src/db/public_generation.rs) moves the generation on INSERT, UPDATE and DELETE, so
-- that no write can change a public answer without it, whatever code makes the write.
CREATE CONSTRAINT TRIGGER users_public_insert_delete AFTER INSERT OR DELETE ON users
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
-- Without its row, the paywall's preview length falls back to the default.
CREATE CONSTRAINT TRIGGER paywall_public_delete AFTER DELETE ON paywall_settings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_generation();
