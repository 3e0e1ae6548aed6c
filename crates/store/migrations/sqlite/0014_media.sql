-- Pictures uploaded in the newsroom (#12.7), in the database so that
-- several instances share them: a row per picture (the upload's hash, so
-- the same file uploaded twice is one picture) and a row per stored width,
-- with the encoded bytes, found by the SHA-256 that names the file's
-- address (/media/{hash}.jpg). The bytes come last in the row, so reading
-- a picture's list of files does not read them.
CREATE TABLE media (
    id            INTEGER PRIMARY KEY,
    source_hash   TEXT    NOT NULL UNIQUE,
    source_format TEXT    NOT NULL,
    source_bytes  INTEGER NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE media_files (
    media_id     INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    hash         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    bytes        BLOB    NOT NULL,
    PRIMARY KEY (media_id, width)
);
CREATE INDEX media_files_by_hash ON media_files (hash, media_id);
-- Deleting a user sets their pictures' uploader to NULL: found by index.
CREATE INDEX media_by_creator ON media (created_by);
