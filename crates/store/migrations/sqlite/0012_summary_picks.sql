-- The summary sentences the editors picked (#12 item 5). `articles.summary_mode`
-- cannot say `picked` (the first schema's CHECK allows auto, custom and off,
-- and SQLite cannot change a CHECK without rebuilding the table): a picked
-- summary is stored as `auto` with `picked = 1` here. `sentences` is a JSON
-- array of {"index", "text"} in article order (index null: the body, changed
-- since, no longer has that sentence). A row exists when there are picks or
-- the mode is picked.
CREATE TABLE article_summary_picks (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    picked     INTEGER NOT NULL,
    sentences  TEXT    NOT NULL
);
