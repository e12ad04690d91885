DELETE FROM locks WHERE name = 'sections';
