DROP TABLE article_corrections;
