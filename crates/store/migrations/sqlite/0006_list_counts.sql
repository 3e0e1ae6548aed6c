-- How many articles each list holds, kept by triggers in the writing
-- transaction, so that a count is one row instead of a pass over the list.
-- A list is the whole site (kind 'site', key ''), a section, a tag or an
-- author (kind 'section', 'tag', 'author'; key: the slug). `listed` counts
-- the articles that are not drafts and have a publication time (readers see
-- them once that time has come: the store subtracts those still to come,
-- a short range of the list's index); `total` counts every article.
CREATE TABLE list_counts (
    kind   TEXT    NOT NULL,
    key    TEXT    NOT NULL,
    name   TEXT    NOT NULL, -- as last written
    listed INTEGER NOT NULL,
    total  INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- The articles of each list by week of publication (weeks counted from
-- 1970-01-01, rounded down): `listed` as above, `dated` every article with a
-- time (drafts too, for editors' lists). Page N of a list starts in the week
-- where the running count passes its first item, so a deep page skips whole
-- weeks instead of reading every article before it.
CREATE TABLE list_weeks (
    kind   TEXT    NOT NULL,
    key    TEXT    NOT NULL,
    week   INTEGER NOT NULL,
    listed INTEGER NOT NULL,
    dated  INTEGER NOT NULL,
    PRIMARY KEY (kind, key, week)
) WITHOUT ROWID;

-- One change of one list: inserting a row here (the trigger below does the
-- work; the view holds nothing) adds `delta` (1 or -1) articles of this
-- status and publication time to the list. Every count goes through it.
CREATE VIEW list_changes (kind, key, name, status, published_at, delta) AS
    SELECT NULL, NULL, NULL, NULL, NULL, NULL WHERE 0;

CREATE TRIGGER list_change INSTEAD OF INSERT ON list_changes
BEGIN
    INSERT INTO list_counts (kind, key, name, listed, total)
        SELECT NEW.kind, NEW.key, NEW.name,
               CASE WHEN NEW.status <> 'draft' AND NEW.published_at IS NOT NULL THEN NEW.delta ELSE 0 END,
               NEW.delta
        WHERE true
        ON CONFLICT (kind, key) DO UPDATE SET
            name = CASE WHEN excluded.total > 0 THEN excluded.name ELSE name END,
            listed = listed + excluded.listed,
            total = total + excluded.total;
    DELETE FROM list_counts WHERE kind = NEW.kind AND key = NEW.key AND total <= 0;
    INSERT INTO list_weeks (kind, key, week, listed, dated)
        SELECT NEW.kind, NEW.key,
               CASE WHEN NEW.published_at >= 0 THEN NEW.published_at / 604800
                    ELSE (NEW.published_at + 1) / 604800 - 1 END,
               CASE WHEN NEW.status <> 'draft' THEN NEW.delta ELSE 0 END,
               NEW.delta
        WHERE NEW.published_at IS NOT NULL
        ON CONFLICT (kind, key, week) DO UPDATE SET
            listed = listed + excluded.listed,
            dated = dated + excluded.dated;
    DELETE FROM list_weeks WHERE kind = NEW.kind AND key = NEW.key AND dated <= 0
        AND week = CASE WHEN NEW.published_at >= 0 THEN NEW.published_at / 604800
                        ELSE (NEW.published_at + 1) / 604800 - 1 END;
END;

CREATE TRIGGER articles_counted AFTER INSERT ON articles
BEGIN
    INSERT INTO list_changes VALUES
        ('site', '', '', NEW.status, NEW.published_at, 1),
        ('section', NEW.section_slug, NEW.section, NEW.status, NEW.published_at, 1);
END;

CREATE TRIGGER articles_uncounted AFTER DELETE ON articles
BEGIN
    INSERT INTO list_changes VALUES
        ('site', '', '', OLD.status, OLD.published_at, -1),
        ('section', OLD.section_slug, OLD.section, OLD.status, OLD.published_at, -1);
END;

CREATE TRIGGER articles_recounted AFTER UPDATE OF status, published_at, section_slug, section ON articles
WHEN OLD.status IS NOT NEW.status OR OLD.published_at IS NOT NEW.published_at
    OR OLD.section_slug IS NOT NEW.section_slug OR OLD.section IS NOT NEW.section
BEGIN
    INSERT INTO list_changes VALUES
        ('site', '', '', OLD.status, OLD.published_at, -1),
        ('section', OLD.section_slug, OLD.section, OLD.status, OLD.published_at, -1),
        ('site', '', '', NEW.status, NEW.published_at, 1),
        ('section', NEW.section_slug, NEW.section, NEW.status, NEW.published_at, 1);
END;

CREATE TRIGGER article_tags_counted AFTER INSERT ON article_tags
BEGIN
    INSERT INTO list_changes VALUES ('tag', NEW.tag_slug, NEW.tag, NEW.status, NEW.published_at, 1);
END;

CREATE TRIGGER article_tags_uncounted AFTER DELETE ON article_tags
BEGIN
    INSERT INTO list_changes VALUES ('tag', OLD.tag_slug, OLD.tag, OLD.status, OLD.published_at, -1);
END;

CREATE TRIGGER article_tags_recounted AFTER UPDATE OF status, published_at ON article_tags
WHEN OLD.status IS NOT NEW.status OR OLD.published_at IS NOT NEW.published_at
BEGIN
    INSERT INTO list_changes VALUES
        ('tag', OLD.tag_slug, OLD.tag, OLD.status, OLD.published_at, -1),
        ('tag', NEW.tag_slug, NEW.tag, NEW.status, NEW.published_at, 1);
END;

CREATE TRIGGER article_authors_counted AFTER INSERT ON article_authors
BEGIN
    INSERT INTO list_changes VALUES ('author', NEW.author_slug, NEW.name, NEW.status, NEW.published_at, 1);
END;

CREATE TRIGGER article_authors_uncounted AFTER DELETE ON article_authors
BEGIN
    INSERT INTO list_changes VALUES ('author', OLD.author_slug, OLD.name, OLD.status, OLD.published_at, -1);
END;

CREATE TRIGGER article_authors_recounted AFTER UPDATE OF status, published_at ON article_authors
WHEN OLD.status IS NOT NEW.status OR OLD.published_at IS NOT NEW.published_at
BEGIN
    INSERT INTO list_changes VALUES
        ('author', OLD.author_slug, OLD.name, OLD.status, OLD.published_at, -1),
        ('author', NEW.author_slug, NEW.name, NEW.status, NEW.published_at, 1);
END;

-- The articles there are now, counted through the same view.
INSERT INTO list_changes SELECT 'site', '', '', status, published_at, 1 FROM articles;
INSERT INTO list_changes SELECT 'section', section_slug, section, status, published_at, 1 FROM articles ORDER BY id;
INSERT INTO list_changes SELECT 'tag', tag_slug, tag, status, published_at, 1 FROM article_tags ORDER BY article_id;
INSERT INTO list_changes SELECT 'author', author_slug, name, status, published_at, 1 FROM article_authors ORDER BY article_id;
