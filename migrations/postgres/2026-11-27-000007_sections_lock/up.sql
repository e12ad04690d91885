-- A row lock that serialises changes to the sections tree (no cycles from racing moves).
INSERT INTO locks (name, counter) VALUES ('sections', 0);
