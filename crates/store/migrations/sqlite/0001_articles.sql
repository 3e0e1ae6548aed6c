-- Articles, their summaries, and API tokens. Times are Unix seconds (UTC).
CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    slug            TEXT    NOT NULL UNIQUE,
    title           TEXT    NOT NULL,
    standfirst      TEXT,
    body_md         TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    authors         TEXT    NOT NULL DEFAULT '[]',
    section         TEXT    NOT NULL,
    section_slug    TEXT    NOT NULL,
    tags            TEXT    NOT NULL DEFAULT '[]',
    lang            TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'scheduled', 'published')),
    published_at    INTEGER,
    updated_at      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    sources         TEXT,
    canonical_url   TEXT,
    lead_image      TEXT,
    lead_image_alt  TEXT,
    reading_minutes INTEGER NOT NULL,
    summary_mode    TEXT    NOT NULL DEFAULT 'auto' CHECK (summary_mode IN ('auto', 'custom', 'off')),
    summary_custom  TEXT
);
CREATE INDEX articles_by_time ON articles (published_at, slug);
CREATE INDEX articles_by_section ON articles (section_slug, published_at);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_slug   TEXT    NOT NULL,
    tag        TEXT    NOT NULL,
    PRIMARY KEY (tag_slug, article_id)
);
CREATE INDEX article_tags_by_article ON article_tags (article_id);

CREATE TABLE article_authors (
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_slug TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    PRIMARY KEY (author_slug, article_id)
);
CREATE INDEX article_authors_by_article ON article_authors (article_id);

-- The automatic summaries of an article: one row per length (3 and 5 sentences).
-- `sentences` is JSON: [{"index", "start", "end", "text"}], offsets into articles.body_text.
CREATE TABLE article_summaries (
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    length      INTEGER NOT NULL,
    sentences   TEXT    NOT NULL,
    source_hash TEXT    NOT NULL,
    version     TEXT    NOT NULL,
    PRIMARY KEY (article_id, length)
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    hash         TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
