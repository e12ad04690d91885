DROP TABLE article_embeds;
DROP TABLE rate_limits;
DROP TABLE sponsored_stats;
DROP TABLE sponsored_revisions;
DROP TABLE sponsored_targets;
DROP TABLE sponsored_blocks;
