-- Related articles (#13 item 6), as SQLite's 0021. Each article's key phrases
-- (the summarizer's key phrases of its text, lowercased, made when it is
-- saved: content::prepare), one row each, with a copy of the article's slug,
-- status and publication time (as article_tags has, written with the rows),
-- so that the articles readers see that share a phrase, newest first, are one
-- scan of one partial index.
CREATE TABLE article_phrases (
    article_id   BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    phrase       TEXT   COLLATE "C" NOT NULL,
    -- The phrase's place among the article's (0: its best).
    position     BIGINT NOT NULL,
    slug         TEXT   COLLATE "C" NOT NULL,
    status       TEXT   NOT NULL,
    published_at BIGINT,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX article_phrases_public ON article_phrases (phrase, published_at DESC NULLS LAST, slug DESC)
    INCLUDE (article_id) WHERE status <> 'draft';

-- One row per article: the version of the rule that made its phrases (0:
-- none yet). Articles stored before this migration get 0, and `serve` makes
-- their phrases at start (content::Articles::refresh_key_phrases).
CREATE TABLE article_phrase_rows (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    version    BIGINT NOT NULL
);
CREATE INDEX article_phrase_rows_by_version ON article_phrase_rows (version);
INSERT INTO article_phrase_rows (article_id, version) SELECT id, 0 FROM articles;
