-- Related articles made when articles are written (#13 item 6: "computed
-- when articles are saved or published, never while a reader waits").
-- Each article's ranked list (store::related::stored_list), in order: the
-- related article, how related, and whether closely so. A reader's request
-- reads the list and leaves out what readers do not see at that time.
CREATE TABLE article_related (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    related_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    score      REAL    NOT NULL,
    close      INTEGER NOT NULL,
    PRIMARY KEY (article_id, position)
);
-- The lists that hold an article (made again when it is written).
CREATE INDEX article_related_holders ON article_related (related_id, article_id);

-- One row per article: the version of the rule that made its list (0:
-- none yet). Articles stored before this migration get 0, and `serve`
-- makes their lists at start (content::Articles::refresh_related).
CREATE TABLE article_related_rows (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL
);
CREATE INDEX article_related_rows_by_version ON article_related_rows (version);
INSERT INTO article_related_rows (article_id, version) SELECT id, 0 FROM articles;
