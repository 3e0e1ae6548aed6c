-- Search speed (#13 item 2). Ranking a query's matches used to read each
-- matching article's row (for the visibility rule, the recency factor and
-- the section filter): a row of a few hundred bytes in a large table, once
-- per match. The search row of each article (one per article already:
-- its terms' version and language) now carries a copy of what ranking
-- needs: slug, status, publication time, the time the recency factor
-- counts from, and section. Rows of about 60 bytes, read by rowid beside
-- the full-text index; the articles' rows are read for the page shown only.
ALTER TABLE article_search_rows ADD COLUMN slug TEXT NOT NULL DEFAULT '';
ALTER TABLE article_search_rows ADD COLUMN status TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE article_search_rows ADD COLUMN published_at INTEGER;
ALTER TABLE article_search_rows ADD COLUMN dated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE article_search_rows ADD COLUMN section_slug TEXT NOT NULL DEFAULT '';

UPDATE article_search_rows SET (slug, status, published_at, dated_at, section_slug) =
    (SELECT a.slug, a.status, a.published_at, COALESCE(a.published_at, a.updated_at), a.section_slug
     FROM articles a WHERE a.id = article_search_rows.article_id);

-- The copies follow any change of the article's row.
CREATE TRIGGER article_search_copies AFTER UPDATE OF slug, status, published_at, updated_at, section_slug ON articles
WHEN OLD.slug IS NOT NEW.slug OR OLD.status IS NOT NEW.status OR OLD.published_at IS NOT NEW.published_at
    OR OLD.updated_at IS NOT NEW.updated_at OR OLD.section_slug IS NOT NEW.section_slug
BEGIN
    UPDATE article_search_rows SET slug = NEW.slug, status = NEW.status, published_at = NEW.published_at,
        dated_at = COALESCE(NEW.published_at, NEW.updated_at), section_slug = NEW.section_slug
        WHERE article_id = NEW.id;
END;
