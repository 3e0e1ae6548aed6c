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

-- Recounts the summaries of one article: inserting its id here (the view
-- holds nothing) sets the article's summaries_version from its summaries.
CREATE VIEW summary_changes (article_id) AS SELECT NULL WHERE 0;

CREATE TRIGGER summary_change INSTEAD OF INSERT ON summary_changes
BEGIN
    UPDATE articles SET summaries_version =
        (SELECT CASE WHEN COUNT(*) >= 2 AND MIN(s.version) = MAX(s.version) THEN MIN(s.version) END
         FROM article_summaries s WHERE s.article_id = NEW.article_id)
        WHERE id = NEW.article_id;
END;

CREATE TRIGGER article_summaries_added AFTER INSERT ON article_summaries
BEGIN
    INSERT INTO summary_changes VALUES (NEW.article_id);
END;

CREATE TRIGGER article_summaries_removed AFTER DELETE ON article_summaries
BEGIN
    INSERT INTO summary_changes VALUES (OLD.article_id);
END;
