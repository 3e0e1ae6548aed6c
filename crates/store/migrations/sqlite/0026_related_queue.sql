-- Related lists made off the writer's path (#16 item 5). A write makes its
-- own article's list in its transaction, and queues here (in the same
-- transaction) the lists it may change: those of the articles it is most
-- related to, and of those whose list held it. `serve` makes the queued
-- lists right after, from a read snapshot, and writes each in a short
-- transaction (store::RelatedStore::make_queued_related_lists). Queued
-- rows survive a restart.
CREATE TABLE related_queue (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    -- When it was queued last, as a number that only grows: a list made
    -- from a snapshot taken after that takes the row off the queue; one
    -- queued again meanwhile stays.
    queued     INTEGER NOT NULL
);
CREATE INDEX related_queue_by_queued ON related_queue (queued);

-- How many times an article's list was written: a list made from a read
-- snapshot is written only if nobody wrote the list since that snapshot.
ALTER TABLE article_related_rows ADD COLUMN made INTEGER NOT NULL DEFAULT 0;
