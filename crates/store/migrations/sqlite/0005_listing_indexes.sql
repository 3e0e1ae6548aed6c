-- Every list is one range of one index, in the order it is shown: newest
-- first, by publication time then slug. The index holds the status too, so
-- that the visibility rule (not a draft, and a publication time that has
-- come) is decided in the index, and skipping rows (OFFSET) reads no table.
DROP INDEX articles_by_time;
DROP INDEX articles_by_section;
CREATE INDEX articles_listing ON articles (published_at, slug, status);
CREATE INDEX articles_section_listing ON articles (section_slug, published_at, slug, status);

-- A tag's or an author's list is a range of article_tags or article_authors,
-- which carry a copy of their article's slug, status, publication time and
-- section for it (and its id, to find the article's row). The copies are
-- written from the article's row when the tag or author row is inserted,
-- and follow any later change of the article (trigger below), in the same
-- transaction. With the section, a tag's or an author's articles in one
-- section (the API's combined filters) are one range too.
ALTER TABLE article_tags ADD COLUMN slug TEXT NOT NULL DEFAULT '';
ALTER TABLE article_tags ADD COLUMN status TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE article_tags ADD COLUMN published_at INTEGER;
ALTER TABLE article_tags ADD COLUMN section_slug TEXT NOT NULL DEFAULT '';
ALTER TABLE article_authors ADD COLUMN slug TEXT NOT NULL DEFAULT '';
ALTER TABLE article_authors ADD COLUMN status TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE article_authors ADD COLUMN published_at INTEGER;
ALTER TABLE article_authors ADD COLUMN section_slug TEXT NOT NULL DEFAULT '';
UPDATE article_tags SET (slug, status, published_at, section_slug) =
    (SELECT a.slug, a.status, a.published_at, a.section_slug FROM articles a WHERE a.id = article_tags.article_id);
UPDATE article_authors SET (slug, status, published_at, section_slug) =
    (SELECT a.slug, a.status, a.published_at, a.section_slug FROM articles a
     WHERE a.id = article_authors.article_id);
CREATE INDEX article_tags_listing ON article_tags (tag_slug, published_at, slug, status, article_id);
CREATE INDEX article_authors_listing ON article_authors (author_slug, published_at, slug, status, article_id);
CREATE INDEX article_tags_in_section
    ON article_tags (tag_slug, section_slug, published_at, slug, status, article_id);
CREATE INDEX article_authors_in_section
    ON article_authors (author_slug, section_slug, published_at, slug, status, article_id);

CREATE TRIGGER article_listing_copies AFTER UPDATE OF slug, status, published_at, section_slug ON articles
WHEN OLD.slug IS NOT NEW.slug OR OLD.status IS NOT NEW.status OR OLD.published_at IS NOT NEW.published_at
    OR OLD.section_slug IS NOT NEW.section_slug
BEGIN
    UPDATE article_tags
        SET slug = NEW.slug, status = NEW.status, published_at = NEW.published_at, section_slug = NEW.section_slug
        WHERE article_id = NEW.id;
    UPDATE article_authors
        SET slug = NEW.slug, status = NEW.status, published_at = NEW.published_at, section_slug = NEW.section_slug
        WHERE article_id = NEW.id;
END;
