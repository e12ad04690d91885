-- A row lock that serialises the check-and-reserve of sign-in attempts.
INSERT INTO locks (name, counter) VALUES ('logins', 0);
