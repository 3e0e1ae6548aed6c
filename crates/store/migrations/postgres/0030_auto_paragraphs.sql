-- Whether a long paragraph of an article is shown in shorter ones where the
-- topic shifts (#15 item 5), as SQLite's 0030. On unless the editors switch it off.
ALTER TABLE articles ADD COLUMN auto_paragraphs BOOLEAN NOT NULL DEFAULT TRUE;
