-- Full-text search. The index keeps the terms the content crate makes of
-- each article (stems without accents, separated by spaces: see
-- summarize::terms), never the text itself: a contentless FTS5 table whose
-- rowid is the article's id. The `ascii` tokenizer splits on ASCII
-- punctuation and spaces only, and terms hold neither, so each term is one
-- token whatever its script (SQLite has no Ukrainian or Chinese stemmer;
-- ours are used before the text gets here).
CREATE VIRTUAL TABLE article_search USING fts5(
    title, standfirst, body, names, sources,
    content = '', contentless_delete = 1, tokenize = 'ascii', detail = full
);

-- One row per article: the version of the analysis that made its terms
-- (0: none yet) and its language (the languages a query is read in).
-- Articles stored before this migration get version 0, and `serve` indexes
-- them at start (content::Articles::refresh_search).
CREATE TABLE article_search_rows (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    lang       TEXT    NOT NULL
);
CREATE INDEX article_search_rows_by_version ON article_search_rows (version);
CREATE INDEX article_search_rows_by_lang ON article_search_rows (lang);
INSERT INTO article_search_rows (article_id, version, lang) SELECT id, 0, lang FROM articles;

-- An article's terms go with it, however it is deleted.
CREATE TRIGGER article_search_gone AFTER DELETE ON articles BEGIN
    DELETE FROM article_search WHERE rowid = OLD.id;
END;
