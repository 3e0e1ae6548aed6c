-- Related articles (#13 item 6). Each article's key phrases (the
-- summarizer's key phrases of its text, lowercased, made when it is saved:
-- content::prepare), one row each, with a copy of the article's slug,
-- status and publication time (as article_tags has), so that the articles
-- sharing a phrase, newest first, as readers see them, are one range of one
-- index. Written in the article's transaction; the copies follow any later
-- change of the article's row (trigger below).
CREATE TABLE article_phrases (
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    phrase       TEXT    NOT NULL,
    -- The phrase's place among the article's (0: its best).
    position     INTEGER NOT NULL,
    slug         TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    published_at INTEGER,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX article_phrases_listing ON article_phrases (phrase, published_at, slug, status, article_id);

-- One row per article: the version of the rule that made its phrases (0:
-- none yet). Articles stored before this migration get 0, and `serve` makes
-- their phrases at start (content::Articles::refresh_key_phrases).
CREATE TABLE article_phrase_rows (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL
);
CREATE INDEX article_phrase_rows_by_version ON article_phrase_rows (version);
INSERT INTO article_phrase_rows (article_id, version) SELECT id, 0 FROM articles;

CREATE TRIGGER article_phrase_copies AFTER UPDATE OF slug, status, published_at ON articles
WHEN OLD.slug IS NOT NEW.slug OR OLD.status IS NOT NEW.status OR OLD.published_at IS NOT NEW.published_at
BEGIN
    UPDATE article_phrases SET slug = NEW.slug, status = NEW.status, published_at = NEW.published_at
        WHERE article_id = NEW.id;
END;
