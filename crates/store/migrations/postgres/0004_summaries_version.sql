-- The version of an article's summaries, when there are two or more and all
-- are of one version (else NULL), as SQLite's 0007 keeps it: the articles
-- whose summaries are stale for a new version are found by this index
-- without reading the others. Written with the summaries (one statement in
-- the write's transaction).
ALTER TABLE articles ADD COLUMN summaries_version TEXT;
UPDATE articles SET summaries_version =
    (SELECT CASE WHEN COUNT(*) >= 2 AND MIN(s.version) = MAX(s.version) THEN MIN(s.version) END
     FROM article_summaries s WHERE s.article_id = articles.id);
CREATE INDEX articles_by_summaries_version ON articles (summaries_version);
