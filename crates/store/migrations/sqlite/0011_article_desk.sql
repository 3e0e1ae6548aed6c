-- The newsroom's part of an article (#12): the user who created it, and
-- whether a draft was submitted for review. A table of its own, so the
-- articles table is unchanged: a submitted article is stored there with
-- status 'draft', and every reader query, which never shows drafts, stays
-- as it is. Articles from the API or an import have no row (no owner).
-- `updated_at` is a copy of the article's (written with it), the order of
-- an owner's list.
CREATE TABLE article_desk (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    owner_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    submitted  INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);

-- The newsroom lists articles most recently changed first, each list one
-- range of one index: every article, by status, by section, by owner, by
-- byline author (article_authors gets a copy of its article's update time,
-- written with it: the store rewrites an article's authors on every write,
-- and the trigger keeps the copy should the time change any other way).
CREATE INDEX articles_by_update ON articles (updated_at, id);
CREATE INDEX articles_status_by_update ON articles (status, updated_at, id);
CREATE INDEX articles_section_by_update ON articles (section_slug, updated_at, id);
CREATE INDEX article_desk_by_owner ON article_desk (owner_id, updated_at, article_id);
ALTER TABLE article_authors ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE article_authors SET updated_at =
    (SELECT a.updated_at FROM articles a WHERE a.id = article_authors.article_id);
CREATE INDEX article_authors_by_update ON article_authors (author_slug, updated_at, article_id);

CREATE TRIGGER article_update_copies AFTER UPDATE OF updated_at ON articles
WHEN OLD.updated_at IS NOT NEW.updated_at
BEGIN
    UPDATE article_authors SET updated_at = NEW.updated_at WHERE article_id = NEW.id;
    UPDATE article_desk SET updated_at = NEW.updated_at WHERE article_id = NEW.id;
END;
