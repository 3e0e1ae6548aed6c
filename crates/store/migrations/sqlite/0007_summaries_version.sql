-- Which summarizer version made an article's stored summaries: the version
-- all of them share when there are at least two (3 and 5 sentences), else
-- NULL. Kept by triggers on article_summaries; indexed, so that the articles
-- whose summaries are stale for a new version are found without reading the
-- others.
ALTER TABLE articles ADD COLUMN summaries_version TEXT;
UPDATE articles SET summaries_version =
    (SELECT CASE WHEN COUNT(*) >= 2 AND MIN(s.version) = MAX(s.version) THEN MIN(s.version) END
     FROM article_summaries s WHERE s.article_id = articles.id);
CREATE INDEX articles_by_summaries_version ON articles (summaries_version);

CREATE TRIGGER article_summaries_added AFTER INSERT ON article_summaries
BEGIN
    UPDATE articles SET summaries_version =
        (SELECT CASE WHEN COUNT(*) >= 2 AND MIN(s.version) = MAX(s.version) THEN MIN(s.version) END
         FROM article_summaries s WHERE s.article_id = NEW.article_id)
        WHERE id = NEW.article_id;
END;

CREATE TRIGGER article_summaries_removed AFTER DELETE ON article_summaries
BEGIN
    UPDATE articles SET summaries_version =
        (SELECT CASE WHEN COUNT(*) >= 2 AND MIN(s.version) = MAX(s.version) THEN MIN(s.version) END
         FROM article_summaries s WHERE s.article_id = OLD.article_id)
        WHERE id = OLD.article_id;
END;
