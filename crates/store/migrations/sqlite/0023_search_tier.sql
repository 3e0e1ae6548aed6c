-- Search speed (#13 item 2): the strong terms of each article, so that a
-- query on common words need not score every match (see
-- crates/store/src/sqlite/search.rs, "the first pass").
--
-- `article_search_tier` holds, per article (rowid = its id), the terms whose
-- BM25 weight in it (field weights and length as the ranking counts them,
-- at a reference length) reaches a fixed threshold: its title's terms, and
-- the words it says often for its length. Contentless, positions not kept
-- (`detail = none`): a few postings an article.
CREATE VIRTUAL TABLE article_search_tier USING fts5(
    terms,
    content = '', contentless_delete = 1, tokenize = 'ascii', detail = none
);

-- The rule that made an article's strong terms (0: none made yet). The first
-- pass is used only when every article's are of the current rule; `serve`
-- makes them at start with the search terms (`stale_search_text` lists the
-- articles whose rule is another).
ALTER TABLE article_search_rows ADD COLUMN tier INTEGER NOT NULL DEFAULT 0;
CREATE INDEX article_search_rows_by_tier ON article_search_rows (tier);

-- The recent articles, which the first pass always scores (the recency
-- factor lifts them most).
CREATE INDEX article_search_rows_by_date ON article_search_rows (dated_at);

CREATE TRIGGER article_search_tier_gone AFTER DELETE ON articles BEGIN
    DELETE FROM article_search_tier WHERE rowid = OLD.id;
END;

-- The articles readers do not see (drafts, undated, still to come), found
-- without reading every search row: the total of a search on common words
-- is its matches less those among these.
CREATE INDEX article_search_rows_drafts ON article_search_rows (status, article_id) WHERE status = 'draft';
CREATE INDEX article_search_rows_by_time ON article_search_rows (published_at, slug);
