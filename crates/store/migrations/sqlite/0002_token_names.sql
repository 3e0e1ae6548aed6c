-- A revoked token's name may be given to a new token (rotating a key under the
-- same name): names are unique among active tokens only. SQLite cannot drop a
-- column's UNIQUE constraint, so the table is rebuilt.
CREATE TABLE api_tokens_new (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    hash         TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
INSERT INTO api_tokens_new (id, name, hash, created_at, revoked_at)
    SELECT id, name, hash, created_at, revoked_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;
