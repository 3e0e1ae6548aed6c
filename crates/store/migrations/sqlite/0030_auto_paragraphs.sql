-- Whether a long paragraph of an article is shown in shorter ones where the
-- topic shifts (#15 item 5). On unless the editors switch it off.
ALTER TABLE articles ADD COLUMN auto_paragraphs INTEGER NOT NULL DEFAULT 1;
