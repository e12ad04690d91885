DROP TRIGGER paywall_public_delete ON paywall_settings;
DROP TRIGGER users_public_insert_delete ON users;
