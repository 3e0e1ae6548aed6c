-- Revisions (#12 item 6): the article's editable fields after each write
-- that changed one of them, who wrote, when and what changed. Written in
-- the article's own transaction; deleted with the article. `number` is the
-- article's version after the write. `user_id` is the newsroom user who
-- wrote (NULL for the API, imports and the demo);
-- `by_name` names the writer as they were named then. `changed` is a JSON
-- array of field names, `snapshot` a JSON object (store::Snapshot).
-- Listed newest first by the primary key.
CREATE TABLE article_revisions (
    article_id    INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    user_id       INTEGER,
    by_name       TEXT    NOT NULL,
    changed       TEXT    NOT NULL,
    restored_from INTEGER,
    snapshot      TEXT    NOT NULL,
    PRIMARY KEY (article_id, number)
);
-- user_id names the newsroom user who wrote, as `by_name` was then; it is
-- no foreign key on purpose: a revision is history, and neither keeps a
-- user from being removed nor fails an article's write.
