-- The newsroom's part of an article (#12): the user who created it, and
-- whether a draft was submitted for review. A table of its own, so the
-- articles table is unchanged: a submitted article is stored there with
-- status 'draft', and every reader query, which never shows drafts, stays
-- as it is. Articles from the API or an import have no row (no owner).
CREATE TABLE article_desk (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    owner_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    submitted  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX article_desk_by_owner ON article_desk (owner_id);

-- The newsroom lists articles most recently changed first.
CREATE INDEX articles_by_update ON articles (updated_at DESC, id DESC);
