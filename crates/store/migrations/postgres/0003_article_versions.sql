-- Every article carries a version number: 1 when created, one more at every
-- update. A write names the version it read and fails if another write came
-- first (optimistic concurrency: nothing is silently overwritten).
ALTER TABLE articles ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
