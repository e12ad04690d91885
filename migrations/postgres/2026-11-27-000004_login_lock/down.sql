DELETE FROM locks WHERE name = 'logins';
