DELETE FROM locks WHERE name = 'tags';
DROP TABLE tag_slugs;
DROP TABLE tags;
