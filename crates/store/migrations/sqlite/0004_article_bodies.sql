-- Bodies in a table of their own. An article's row keeps what a list shows
-- (a few hundred bytes), so a list reads small rows and never the bodies
-- (Markdown, HTML and plain text: tens of KB an article, which SQLite keeps
-- in overflow pages that a read of any later column has to walk).
-- DROP COLUMN rewrites the table once per column; it runs once, in this
-- migration's transaction, and keeps every row (the space the bodies took is
-- reused by later writes; `VACUUM` gives it back to the file system).
CREATE TABLE article_bodies (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    body_md    TEXT    NOT NULL,
    body_html  TEXT    NOT NULL,
    body_text  TEXT    NOT NULL
);
INSERT INTO article_bodies (article_id, body_md, body_html, body_text)
    SELECT id, body_md, body_html, body_text FROM articles;
ALTER TABLE articles DROP COLUMN body_md;
ALTER TABLE articles DROP COLUMN body_html;
ALTER TABLE articles DROP COLUMN body_text;
