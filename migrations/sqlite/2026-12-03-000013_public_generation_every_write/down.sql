DROP TRIGGER paywall_public_delete;
DROP TRIGGER users_public_delete;
DROP TRIGGER users_public_insert;
