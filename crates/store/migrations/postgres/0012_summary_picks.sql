-- The summary sentences the editors picked (#12 item 5), as SQLite's 0012: a
-- picked summary is stored as `auto` in `articles.summary_mode` with
-- `picked` here, so both backends keep the same rows. `sentences` is a JSON
-- array of {"index", "text"} in article order (index null: the body, changed
-- since, no longer has that sentence).
CREATE TABLE article_summary_picks (
    article_id BIGINT  PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    picked     BOOLEAN NOT NULL,
    sentences  JSONB   NOT NULL
);
