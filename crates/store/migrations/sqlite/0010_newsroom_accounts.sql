-- Newsroom accounts (#12): users, their sessions, and failed sign-ins.
-- Times are Unix seconds (UTC).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,  -- how they sign in, lower case
    display_name  TEXT    NOT NULL,
    email         TEXT,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'writer')),
    password_hash TEXT    NOT NULL,         -- Argon2id, PHC string
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- Sessions live here so that several instances share them. The cookie's
-- id is not stored, only its SHA-256.
CREATE TABLE sessions (
    id_hash    TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
-- Expired sessions are removed by these (idle, too old).
CREATE INDEX sessions_by_last_seen ON sessions (last_seen);
CREATE INDEX sessions_by_creation ON sessions (created_at);

-- Failed sign-ins, by key: 'user:NAME' or 'addr:ADDRESS'. Rows older than
-- the throttling window are removed as new failures come.
CREATE TABLE sign_in_failures (
    key TEXT    NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures (key, at);
CREATE INDEX sign_in_failures_by_time ON sign_in_failures (at);
