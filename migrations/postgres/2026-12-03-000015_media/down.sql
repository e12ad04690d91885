DROP TABLE sponsored_media;
DROP TABLE article_media;
DROP TABLE media_assets;
