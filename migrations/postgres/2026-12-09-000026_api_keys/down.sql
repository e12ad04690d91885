-- Key accounts stay (what they wrote names them), signed out for good.
UPDATE users SET active = false WHERE kind = 'api_key';
DROP TABLE api_keys;
ALTER TABLE users DROP COLUMN kind;
