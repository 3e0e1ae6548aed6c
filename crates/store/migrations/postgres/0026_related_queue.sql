-- Related lists made off the writer's path, as SQLite's 0026: a write
-- makes its own article's list and queues here, in its transaction, the
-- lists it may change; `serve` makes the queued lists right after (any
-- instance), from a read snapshot, each written in a short transaction.
-- No foreign key (as for 0025's lists): a queued article deleted since is
-- taken off the queue when its turn comes.
CREATE SEQUENCE related_queue_order;
CREATE TABLE related_queue (
    article_id BIGINT PRIMARY KEY,
    -- When it was queued last (only grows): a list made from a snapshot
    -- taken after that takes the row off the queue; one queued again
    -- meanwhile stays.
    queued     BIGINT NOT NULL DEFAULT nextval('related_queue_order')
);
CREATE INDEX related_queue_by_queued ON related_queue (queued);

-- How many times an article's list was written: a list made from a read
-- snapshot is written only if nobody wrote the list since that snapshot.
ALTER TABLE article_related_rows ADD COLUMN made BIGINT NOT NULL DEFAULT 0;
