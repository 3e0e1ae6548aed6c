-- Revisions (#12 item 6), as SQLite's 0013: the article's editable fields
-- after each write that changed one of them, who wrote, when and what
-- changed; written in the article's own transaction, deleted with it.
-- `number` is the article's version after the write; `changed` a JSON array
-- of field names and `snapshot` a JSON object (store::Snapshot), kept as
-- text: they are read whole, never queried inside.
CREATE TABLE article_revisions (
    article_id    BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number        BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    user_id       BIGINT,
    by_name       TEXT   NOT NULL,
    changed       TEXT   NOT NULL,
    restored_from BIGINT,
    snapshot      TEXT   NOT NULL,
    PRIMARY KEY (article_id, number)
);
-- user_id names the newsroom user who wrote, as `by_name` was then; it is
-- no foreign key on purpose: a revision is history, and neither keeps a
-- user from being removed nor fails an article's write.
