-- Full-text search (the PostgreSQL twin of migrations/sqlite/0020_search.sql).
-- The index keeps the terms the content crate makes of each article, never the
-- text itself: a tsvector per article built by the store from those terms
-- (split as SQLite's `ascii` tokenizer splits them, so both backends index the
-- same tokens), each position weighted by its field: A the title, B the
-- standfirst, C the section, tags and authors, D the body and the sources. No
-- text search configuration or dictionary touches the terms (the vector is
-- given as a literal, the query as a tsquery literal, both bound parameters).
--
-- One row per article, with the version of the analysis that made its terms
-- (0: none yet) and its language (the languages a query is read in). Articles
-- stored before this migration get version 0 and no terms, and `serve` indexes
-- them at start (content::Articles::refresh_search).
CREATE TABLE article_search (
    article_id BIGINT   PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    version    BIGINT   NOT NULL,
    lang       TEXT     COLLATE "C" NOT NULL,
    terms      TSVECTOR NOT NULL
);
CREATE INDEX article_search_terms ON article_search USING GIN (terms);
CREATE INDEX article_search_by_version ON article_search (version);
CREATE INDEX article_search_by_lang ON article_search (lang);
INSERT INTO article_search (article_id, version, lang, terms) SELECT id, 0, lang, ''::TSVECTOR FROM articles;
