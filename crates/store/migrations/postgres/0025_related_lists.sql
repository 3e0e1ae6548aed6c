-- Related articles made when articles are written, as SQLite's 0025: each
-- article's ranked list (store::related::stored_list), in order; a reader's
-- request reads it and leaves out what readers do not see at that time.
--
-- No foreign keys here: lists are written under one transaction-level
-- advisory lock (postgres/related.rs, `lock_lists`), taken after the
-- writing transaction's own article row lock; a foreign key would take a
-- share lock on every article a list names, which could wait for a writer
-- that itself waits for the advisory lock. A deletion removes an article's
-- rows itself (under the same lock), and readers join the articles.
CREATE TABLE article_related (
    article_id BIGINT           NOT NULL,
    position   BIGINT           NOT NULL,
    related_id BIGINT           NOT NULL,
    score      DOUBLE PRECISION NOT NULL,
    close      BOOLEAN          NOT NULL,
    PRIMARY KEY (article_id, position)
);
-- The lists that hold an article (made again when it is written).
CREATE INDEX article_related_holders ON article_related (related_id, article_id);

-- One row per article: the version of the rule that made its list (0:
-- none yet); `serve` makes the missing ones at start.
CREATE TABLE article_related_rows (
    article_id BIGINT PRIMARY KEY,
    version    BIGINT NOT NULL
);
CREATE INDEX article_related_rows_by_version ON article_related_rows (version);
INSERT INTO article_related_rows (article_id, version) SELECT id, 0 FROM articles;
