-- The newsroom's part of an article (#12), as SQLite's 0011: the user who
-- created it, and whether a draft was submitted for review. A submitted
-- article is stored in `articles` with status 'draft', so every reader
-- query stays as it is. Articles from the API or an import have no row.
-- `updated_at` is a copy of the article's (written with it), the order of
-- an owner's list.
CREATE TABLE article_desk (
    article_id BIGINT  PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    owner_id   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    submitted  BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT  NOT NULL
);

-- The newsroom lists articles most recently changed first, each list one
-- range of one index: every article, by status, by section, by owner, by
-- byline author (article_authors gets a copy of its article's update time,
-- written with it; the trigger keeps the copies should the time change any
-- other way).
CREATE INDEX articles_by_update ON articles (updated_at, id);
CREATE INDEX articles_status_by_update ON articles (status, updated_at, id);
CREATE INDEX articles_section_by_update ON articles (section_slug, updated_at, id);
CREATE INDEX article_desk_by_owner ON article_desk (owner_id, updated_at, article_id);
ALTER TABLE article_authors ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE article_authors w SET updated_at = a.updated_at FROM articles a WHERE a.id = w.article_id;
CREATE INDEX article_authors_by_update ON article_authors (author_slug, updated_at, article_id);

CREATE FUNCTION article_update_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE article_authors SET updated_at = NEW.updated_at WHERE article_id = NEW.id;
    UPDATE article_desk SET updated_at = NEW.updated_at WHERE article_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER article_update_copies AFTER UPDATE OF updated_at ON articles
FOR EACH ROW WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at)
EXECUTE FUNCTION article_update_copies();
