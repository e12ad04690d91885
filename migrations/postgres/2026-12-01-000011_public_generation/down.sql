DROP TRIGGER paywall_public ON paywall_settings;
DROP TRIGGER users_public_rename ON users;
DROP TRIGGER sections_public ON sections;
DROP TRIGGER article_tags_public ON article_tags;
DROP TRIGGER article_authors_public ON article_authors;
DROP TRIGGER article_feed_public ON article_feed;
DROP TRIGGER articles_public ON articles;
DROP FUNCTION bump_public_generation();
DROP TABLE public_generation;
