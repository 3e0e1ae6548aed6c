//! Every SQL statement the SQLite store issues, in one place, so that the
//! query-plan test (`tests::every_query_uses_an_index`) sees each of them.
//! Other modules name these constants; they write no SQL of their own (a
//! test checks that too).

/// Declares the statements as `&'static str` constants and lists them all in
/// [`ALL`].
macro_rules! queries {
    ($( $(#[$doc:meta])* $name:ident = $sql:expr; )*) => {
        $( $(#[$doc])* pub(super) const $name: &str = $sql; )*
        /// Every statement above, by name.
        #[cfg(test)]
        pub(super) const ALL: &[(&str, &str)] = &[$( (stringify!($name), $name) ),*];
    };
}

/// The visibility rule, written once: readers see an article that is not a
/// draft and whose publication time has come. The time test is written as an
/// upper bound on the listing order, `(published_at, slug) < (?1, ?2)`: for
/// readers at `now` the store binds `(now + 1, '')` (every slug sorts after
/// ''), and for a page after a cursor the lower of that and the cursor. One
/// range of one index then serves the rule, the order and the cursor (two
/// separate upper bounds on `published_at` would leave SQLite to use one of
/// them and test the other on every row). `$t` is the table's alias.
macro_rules! visible {
    ($t:literal) => {
        concat!($t, ".status <> 'draft' AND (", $t, ".published_at, ", $t, ".slug) < (?1, ?2)")
    };
}

/// The listed articles readers do not see yet: not drafts, with a
/// publication time still to come (the other side of [`visible!`]'s bound,
/// bound the same way).
macro_rules! scheduled {
    ($t:literal) => {
        concat!($t, ".status <> 'draft' AND (", $t, ".published_at, ", $t, ".slug) >= (?1, ?2)")
    };
}

/// What a list shows of an article (`card_from_row`), from `articles a`;
/// the columns of the order (slug, time) from the list's table `$t` (the
/// same values: a tag's or author's row carries a copy of them), named for
/// the editors' lists' `ORDER BY`, which follows the list's index.
macro_rules! card_columns {
    ($t:literal) => {
        concat!(
            $t,
            ".slug AS slug, a.title, a.standfirst, a.section, a.section_slug, a.authors, a.tags, a.status, ",
            $t,
            ".published_at AS published_at, a.updated_at, a.reading_minutes, a.lead_image, a.lead_image_alt, a.lang"
        )
    };
}

/// Everything of an article but its bodies, from `articles a`.
macro_rules! article_columns {
    () => {
        "a.id, a.version, a.slug, a.title, a.standfirst, a.authors, a.section, a.section_slug, a.tags, a.lang, \
         a.status, a.published_at, a.updated_at, a.created_at, a.sources, a.canonical_url, a.lead_image, \
         a.lead_image_alt, a.reading_minutes, a.summary_mode, a.summary_custom, a.auto_paragraphs"
    };
}

/// The parts of article `a` kept in tables of their own, as columns of
/// its row (JSON arrays, or NULL where it has no row): one statement reads
/// a whole article (each statement is a round trip to the connection's
/// thread, and a write reads the article it stored under the write lock).
/// `summaries`: `[length, sentences, source hash, version]`; `phrases`:
/// `[position, phrase]`, and `phrases_version`; `desk`: `[owner id,
/// submitted]`; `picks`: `[picked, sentences]`.
macro_rules! article_parts {
    () => {
        "(SELECT json_group_array(json_array(s.length, json(s.sentences), s.source_hash, s.version)) \
         FROM article_summaries s WHERE s.article_id = a.id) AS summaries, \
         (SELECT json_group_array(json_array(p.position, p.phrase)) FROM article_phrases p \
         WHERE p.article_id = a.id) AS phrases, \
         (SELECT r.version FROM article_phrase_rows r WHERE r.article_id = a.id) AS phrases_version, \
         (SELECT json_array(d.owner_id, d.submitted) FROM article_desk d WHERE d.article_id = a.id) AS desk, \
         (SELECT json_array(k.picked, json(k.sentences)) FROM article_summary_picks k \
         WHERE k.article_id = a.id) AS picks"
    };
}

/// Newest first.
macro_rules! newest_first {
    ($t:literal) => {
        concat!(" ORDER BY ", $t, ".published_at DESC, ", $t, ".slug DESC")
    };
}

/// Full-text search: relevance is BM25 over the fields (weights in the
/// index's column order: title, standfirst, body, names, sources), made
/// positive, times a recency factor of 1 + 0.25 · H / (H + age), H being 30
/// days: an article out today ranks 25% higher, one a month old 12.5%, one
/// a year old 2%. `?4` is now; the time is the search row's copy
/// (`dated_at`: the publication time, else the last update).
macro_rules! search_score {
    () => {
        "-bm25(article_search, 8.0, 4.0, 1.0, 4.0, 1.0) * (1.0 + 0.25 * 2592000.0 / \
         (2592000.0 + max(0, ?4 - r.dated_at)))"
    };
}

/// The articles that match: `?3` the FTS5 expression (built from quoted
/// terms only), `$visible` the visibility test, `?5` the section, `?6` the
/// tag (NULL when not asked). Read from the full-text index and the search
/// rows `r` (migration 0022: a copy of each article's slug, status, times
/// and section, about 60 bytes a row) only: no article row is read.
macro_rules! search_matches {
    ($visible:expr) => {
        search_matches!($visible, "")
    };
    ($visible:expr, $first:expr) => {
        concat!(
            " FROM article_search s CROSS JOIN article_search_rows r ON r.article_id = s.rowid \
             WHERE article_search MATCH ?3 ",
            $first,
            " AND ",
            $visible,
            " AND (?5 IS NULL OR r.section_slug = ?5) AND (?6 IS NULL OR EXISTS \
             (SELECT 1 FROM article_tags t WHERE t.tag_slug = ?6 AND t.article_id = r.article_id))"
        )
    };
}

/// A page of matches, best first (`?7` how many, `?8` how many to skip),
/// each row with the count of all of them (`total`). One pass over the
/// index, in its own order (ascending ids: FTS5 walks a doclist backwards
/// only by first reading it whole, which the earlier `ORDER BY s.rowid
/// DESC`, for a cap on candidates never set, cost on every search): the
/// matches, with their scores, are kept in a temporary table (`m`) that
/// both the page (the best `?7 + ?8`, a bounded sort) and the count read,
/// where a second statement used to match and join them all again. The
/// cards and bodies are read for the page's rows only.
///
/// The limits are written `+?N`, which SQLite never reads as a constant of
/// the plan: the statement is prepared once even in a build without the
/// query planner stability guarantee (`.cargo/config.toml`), where a plain
/// `LIMIT ?N` makes SQLite 3.51 prepare it again whenever `?N` is bound.
macro_rules! search_page {
    ($visible:expr) => {
        search_page!($visible, "")
    };
    ($visible:expr, $first:expr) => {
        concat!(
            "WITH m AS MATERIALIZED (SELECT r.article_id AS id, ",
            search_score!(),
            " AS score, r.published_at AS published_at, r.slug AS slug",
            search_matches!($visible, $first),
            "), hits AS (SELECT id, score, published_at, slug FROM m \
             ORDER BY score DESC, published_at DESC, slug DESC LIMIT +?7 OFFSET +?8) \
             SELECT hits.score, (SELECT COUNT(*) FROM m) AS total, ",
            card_columns!("a"),
            ", b.body_text FROM hits CROSS JOIN articles a ON a.id = hits.id \
             CROSS JOIN article_bodies b ON b.article_id = a.id \
             ORDER BY hits.score DESC, hits.published_at DESC, hits.slug DESC"
        )
    };
}

/// The first pass of a search on common words (see `sqlite/search.rs`):
/// only the matches that may rank high are scored, those that are among
/// the strong terms (`article_search_tier`, `?9`: an FTS5 expression of
/// terms), dated from `?10` on, or holding a phrase of the query few
/// articles hold (`?11`, an FTS5 expression, or NULL). Written as one `IN`
/// on the match's id (`+ 0`: not handed to FTS5 as a rowid constraint,
/// which would run the query once per id), tested before the match's
/// search row is read.
macro_rules! first_pass {
    () => {
        "AND s.rowid + 0 IN (SELECT t.rowid FROM article_search_tier t WHERE article_search_tier MATCH ?9 \
         UNION ALL SELECT d.article_id FROM article_search_rows d WHERE d.dated_at >= ?10 \
         UNION ALL SELECT f.rowid FROM article_search f WHERE ?11 IS NOT NULL AND article_search MATCH ?11)"
    };
}

/// How many match: for a page past the last, which has no row to carry
/// the count.
macro_rules! search_count {
    ($visible:expr) => {
        concat!("SELECT COUNT(*)", search_matches!($visible))
    };
}

/// The tables a newsroom list reads: the range's table first (`d` for an
/// owner's list, `l` for an author's, else the articles `a`), then the
/// articles `a` and their newsroom part `d`.
macro_rules! desk_from {
    (owner) => {
        "article_desk d CROSS JOIN articles a ON a.id = d.article_id"
    };
    (author) => {
        "article_authors l CROSS JOIN articles a ON a.id = l.article_id LEFT JOIN article_desk d ON d.article_id = a.id"
    };
    (articles) => {
        "articles a LEFT JOIN article_desk d ON d.article_id = a.id"
    };
}

/// A page of the newsroom's list (`DeskStore::desk_articles`): what a row
/// shows, from `$from` ([`desk_from!`]; the range's table `$t`, whose
/// article id column is `$id`), the range `$key` bounded above by update
/// time `?6`, and [`desk_tests!`]; newest change first.
macro_rules! desk_page {
    ($from:expr, $key:literal, $t:literal, $id:literal) => {
        concat!(
            "SELECT a.slug, a.title, a.status, COALESCE(d.submitted, 0) AS submitted, a.section, a.section_slug, \
             a.authors, d.owner_id, u.display_name AS owner_name, a.published_at, a.updated_at, a.created_at, \
             a.version FROM ",
            $from,
            " LEFT JOIN users u ON u.id = d.owner_id WHERE ",
            $key,
            " AND ",
            $t,
            ".updated_at <= ?6 AND ",
            desk_tests!(),
            " ORDER BY ",
            $t,
            ".updated_at DESC, ",
            $t,
            ".",
            $id,
            " DESC LIMIT ?7 OFFSET ?8"
        )
    };
}

/// How many articles a newsroom list holds (as [`desk_page!`], counted).
macro_rules! desk_count {
    ($from:expr, $key:literal, $t:literal) => {
        concat!("SELECT COUNT(*) FROM ", $from, " WHERE ", $key, " AND ", $t, ".updated_at <= ?6 AND ", desk_tests!())
    };
}

/// The newsroom list's filters, tested on each row of the range read:
/// `?1` the status as the newsroom sees it (a submitted article is a stored
/// draft with `d.submitted` set), `?2` the section, `?3` a byline author,
/// `?4` the owner, `?5` a LIKE pattern for the title (NULL: not asked). The
/// range itself is bounded above by update time `?6`.
macro_rules! desk_tests {
    () => {
        "(?1 IS NULL OR (?1 = 'submitted' AND a.status = 'draft' AND d.submitted = 1) \
         OR (?1 = 'draft' AND a.status = 'draft' AND d.submitted IS NOT 1) \
         OR (?1 IN ('scheduled', 'published') AND a.status = ?1)) \
         AND (?2 IS NULL OR a.section_slug = ?2) \
         AND (?3 IS NULL OR EXISTS (SELECT 1 FROM article_authors w WHERE w.author_slug = ?3 AND w.article_id = a.id)) \
         AND (?4 IS NULL OR d.owner_id = ?4) \
         AND (?5 IS NULL OR a.title LIKE ?5 ESCAPE '\\')"
    };
}

/// The columns of a user (`users::user_from_row`).
macro_rules! user_columns {
    () => {
        "users.id, users.name, users.display_name, users.email, users.role, users.password_hash, users.disabled, \
         users.created_at, users.updated_at"
    };
}

queries! {
    /// Inserts an article: its fields in `bind_article` order, then its
    /// creation time (`?20`).
    INSERT_ARTICLE = "INSERT INTO articles (slug, title, standfirst, authors, section, section_slug, tags, lang, \
        status, published_at, updated_at, sources, canonical_url, lead_image, lead_image_alt, reading_minutes, \
        summary_mode, summary_custom, auto_paragraphs, created_at, version) VALUES \
        (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, 1) RETURNING id";

    /// Replaces article `?20` if it is at version `?21`, with its fields in
    /// `bind_article` order, and moves it to the next version.
    UPDATE_ARTICLE = "UPDATE articles SET slug = ?1, title = ?2, standfirst = ?3, authors = ?4, section = ?5, \
        section_slug = ?6, tags = ?7, lang = ?8, status = ?9, published_at = ?10, updated_at = ?11, sources = ?12, \
        canonical_url = ?13, lead_image = ?14, lead_image_alt = ?15, reading_minutes = ?16, summary_mode = ?17, \
        summary_custom = ?18, auto_paragraphs = ?19, version = version + 1 WHERE id = ?20 AND version = ?21";

    /// The bodies of article `?1`: Markdown, HTML, plain text.
    INSERT_BODY = "INSERT INTO article_bodies (article_id, body_md, body_html, body_text) VALUES (?1, ?2, ?3, ?4)";
    UPDATE_BODY = "UPDATE article_bodies SET body_md = ?2, body_html = ?3, body_text = ?4 WHERE article_id = ?1";

    /// Tags and authors of article `?1` (slug `?2`, name `?3`), with the
    /// copy of the article's slug, status, time and section their lists are
    /// read by, taken from its row (and, for an author, its update time: the
    /// order of the newsroom's list by author).
    ///
    /// All of an article's tags (or authors) in one statement: `?2` is a
    /// JSON array of `[slug, name]`, in order (the first of a slug given
    /// twice is kept).
    INSERT_TAGS = "INSERT OR IGNORE INTO article_tags (article_id, tag_slug, tag, slug, status, published_at, \
        section_slug) SELECT a.id, json_extract(json_each.value, '$[0]'), json_extract(json_each.value, '$[1]'), a.slug, a.status, \
        a.published_at, a.section_slug FROM articles a, json_each(?2) WHERE a.id = ?1";
    INSERT_AUTHORS = "INSERT OR IGNORE INTO article_authors (article_id, author_slug, name, slug, status, \
        published_at, section_slug, updated_at) SELECT a.id, json_extract(json_each.value, '$[0]'), \
        json_extract(json_each.value, '$[1]'), a.slug, a.status, a.published_at, a.section_slug, a.updated_at \
        FROM articles a, json_each(?2) WHERE a.id = ?1";
    /// All of an article's summaries in one statement: `?2` is a JSON array
    /// of `[length, sentences (JSON text), source hash, version]`.
    INSERT_SUMMARIES = "INSERT OR REPLACE INTO article_summaries (article_id, length, sentences, source_hash, \
        version) SELECT ?1, json_extract(json_each.value, '$[0]'), json_extract(json_each.value, '$[1]'), \
        json_extract(json_each.value, '$[2]'), json_extract(json_each.value, '$[3]') FROM json_each(?2)";
    DELETE_TAGS = "DELETE FROM article_tags WHERE article_id = ?1";
    DELETE_AUTHORS = "DELETE FROM article_authors WHERE article_id = ?1";
    /// The tags (authors) of article `?1` as stored: `(slug, name)`, in no
    /// order.
    TAG_NAMES_OF = "SELECT tag_slug, tag FROM article_tags WHERE article_id = ?1";
    AUTHOR_NAMES_OF = "SELECT author_slug, name FROM article_authors WHERE article_id = ?1";
    DELETE_SUMMARIES = "DELETE FROM article_summaries WHERE article_id = ?1";
    /// Deletes an article; its bodies, tags, authors and summaries go with
    /// it (foreign keys, ON DELETE CASCADE).
    DELETE_ARTICLE = "DELETE FROM articles WHERE slug = ?1";
    VERSION_OF = "SELECT version FROM articles WHERE id = ?1";
    /// Which of the slugs in the JSON array `?1` name an article.
    EXISTING_SLUGS = "SELECT a.slug FROM json_each(?1) JOIN articles a ON a.slug = json_each.value";
    /// For each section slug of the JSON array `?1` (tag slug of `?2`,
    /// author slug of `?3`), a name an article other than `?4` is stored
    /// with (NULL: none), after the kind (0, 1, 2).
    NAMES_IN_USE = "SELECT 0, json_each.value, (SELECT a.section FROM articles a \
        WHERE a.section_slug = json_each.value AND a.id <> ?4 LIMIT 1) FROM json_each(?1) \
        UNION ALL SELECT 1, json_each.value, (SELECT t.tag FROM article_tags t \
        WHERE t.tag_slug = json_each.value AND t.article_id <> ?4 LIMIT 1) FROM json_each(?2) \
        UNION ALL SELECT 2, json_each.value, (SELECT t.name FROM article_authors t \
        WHERE t.author_slug = json_each.value AND t.article_id <> ?4 LIMIT 1) FROM json_each(?3)";

    /// One article with its bodies, as readers see it (bound `?1, ?2`, slug `?3`).
    ARTICLE_PUBLIC = concat!("SELECT ", article_columns!(), ", b.body_md, b.body_html, b.body_text, ",
        article_parts!(), " FROM articles a JOIN article_bodies b ON b.article_id = a.id WHERE a.slug = ?3 AND ",
        visible!("a"));
    /// One article with its bodies, whatever its status (slug `?1`).
    ARTICLE_ANY = concat!("SELECT ", article_columns!(), ", b.body_md, b.body_html, b.body_text, ",
        article_parts!(), " FROM articles a JOIN article_bodies b ON b.article_id = a.id WHERE a.slug = ?1");

    /// How many of a list's articles readers do not see yet (bound `?1, ?2`
    /// as for readers now; `?5`, `?6`, `?7` the section, tag or author):
    /// there are few, and a list's count is its listed articles less these.
    SCHEDULED_SITE = concat!("SELECT COUNT(*) FROM articles l WHERE ", scheduled!("l"));
    SCHEDULED_SECTION = concat!("SELECT COUNT(*) FROM articles l WHERE l.section_slug = ?5 AND ", scheduled!("l"));
    SCHEDULED_TAG = concat!("SELECT COUNT(*) FROM article_tags l WHERE l.tag_slug = ?6 AND ", scheduled!("l"));
    SCHEDULED_AUTHOR =
        concat!("SELECT COUNT(*) FROM article_authors l WHERE l.author_slug = ?7 AND ", scheduled!("l"));
    /// The counts of list `?1, ?2` (kind, slug).
    LIST_COUNTS = "SELECT listed, total FROM list_counts WHERE kind = ?1 AND key = ?2";
    /// The articles of list `?1, ?2` by week, newest week first.
    LIST_WEEKS = "SELECT week, listed, dated FROM list_weeks WHERE kind = ?1 AND key = ?2 ORDER BY week DESC";
    /// Every section with its name and the articles readers see (bound
    /// `?1, ?2`): listed less those still to come.
    SECTION_COUNTS = concat!("SELECT c.key, c.name, c.listed - (SELECT COUNT(*) FROM articles l \
        WHERE l.section_slug = c.key AND ", scheduled!("l"), ") AS seen FROM list_counts c WHERE c.kind = 'section'");

    /// The name of a section, tag or author (`?3`), if readers see one of
    /// its articles (bound `?1, ?2`).
    SECTION_NAME = concat!("SELECT c.name FROM list_counts c WHERE c.kind = 'section' AND c.key = ?3 AND EXISTS \
        (SELECT 1 FROM articles l WHERE l.section_slug = ?3 AND ", visible!("l"), ")");
    TAG_NAME = concat!("SELECT c.name FROM list_counts c WHERE c.kind = 'tag' AND c.key = ?3 AND EXISTS \
        (SELECT 1 FROM article_tags l WHERE l.tag_slug = ?3 AND ", visible!("l"), ")");
    AUTHOR_NAME = concat!("SELECT c.name FROM list_counts c WHERE c.kind = 'author' AND c.key = ?3 AND EXISTS \
        (SELECT 1 FROM article_authors l WHERE l.author_slug = ?3 AND ", visible!("l"), ")");

    PUBLISHED_AT_OF = "SELECT published_at FROM articles WHERE slug = ?1";
    /// The visible article just before the bound `?1, ?2` (the article's own
    /// time and slug, or now if that is earlier).
    PREVIOUS = concat!("SELECT l.slug, l.title, l.lang FROM articles l WHERE ", visible!("l"), newest_first!("l"),
        " LIMIT 1");
    /// The visible article just after time `?3` and slug `?4`.
    NEXT = concat!("SELECT l.slug, l.title, l.lang FROM articles l WHERE ", visible!("l"),
        " AND (l.published_at, l.slug) > (?3, ?4) ORDER BY l.published_at, l.slug LIMIT 1");
    /// The earliest time a listed article comes out after now (bound `?1, ?2`).
    NEXT_PUBLICATION = concat!("SELECT l.published_at FROM articles l WHERE ", scheduled!("l"),
        " ORDER BY l.published_at, l.slug LIMIT 1");
    COUNT_ARTICLES = "SELECT total FROM list_counts WHERE kind = 'site' AND key = ''";
    /// Articles whose stored summaries are not all of version `?1` (or are
    /// missing): three ranges of one index.
    STALE_SUMMARIES = "SELECT slug FROM articles WHERE summaries_version IS NULL OR summaries_version < ?1 \
        OR summaries_version > ?1";

    INSERT_TOKEN = "INSERT INTO api_tokens (name, hash, created_at) VALUES (?1, ?2, ?3) RETURNING id";
    TOKENS = "SELECT id, name, hash, created_at, revoked_at FROM api_tokens ORDER BY id";
    REVOKE_TOKEN = "UPDATE api_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL";
    ACTIVE_TOKENS = "SELECT name, hash FROM api_tokens WHERE revoked_at IS NULL";

    /// Search (see `search_page!`): readers' matches (bound `?1, ?2` as
    /// for a list) and editors' (everything).
    SEARCH_PUBLIC = search_page!(visible!("r"));
    SEARCH_ALL = search_page!("1");
    /// How many match, for readers and for editors.
    SEARCH_PUBLIC_COUNT = search_count!(visible!("r"));
    SEARCH_ALL_COUNT = search_count!("1");
    /// The first pass of a search on common words (`first_pass!`), bound
    /// as the search's page with `?9, ?10, ?11` after it.
    SEARCH_PUBLIC_FIRST = search_page!(visible!("r"), first_pass!());
    SEARCH_ALL_FIRST = search_page!("1", first_pass!());
    /// How many articles hold FTS5 expression `?1` (of one phrase: BM25's
    /// document frequency), whatever their status.
    SEARCH_PHRASE_COUNT = "SELECT COUNT(*) FROM article_search WHERE article_search MATCH ?1";
    /// How many articles readers do not see (`?1, ?2` bound as for a list:
    /// drafts, undated, still to come) hold FTS5 expression `?3`: the
    /// matches a search's total leaves out. The first pass's total is the
    /// matches (`SEARCH_PHRASE_COUNT`) less these.
    SEARCH_HIDDEN_COUNT = "SELECT COUNT(*) FROM article_search s WHERE article_search MATCH ?3 AND s.rowid + 0 IN \
        (SELECT h.article_id FROM article_search_rows h WHERE h.status = 'draft' \
        UNION ALL SELECT h.article_id FROM article_search_rows h WHERE h.published_at IS NULL \
        UNION ALL SELECT h.article_id FROM article_search_rows h WHERE (h.published_at, h.slug) >= (?1, ?2))";
    /// Merges each full-text index into one segment, without the postings
    /// of rows deleted or written again.
    OPTIMIZE_SEARCH = "INSERT INTO article_search (article_search) VALUES ('optimize')";
    OPTIMIZE_TIER = "INSERT INTO article_search_tier (article_search_tier) VALUES ('optimize')";
    /// FTS5's averages record: its row count and each column's total of
    /// tokens (varints), from which BM25 takes its document count and
    /// average length.
    SEARCH_AVERAGES = "SELECT block FROM article_search_data WHERE id = 1";
    /// Whether an article's strong terms are missing or of another rule
    /// than `?1` (then no first pass).
    SEARCH_TIER_STALE = "SELECT EXISTS (SELECT 1 FROM article_search_rows WHERE tier < ?1 OR tier > ?1)";
    /// An article's strong terms, removed and written (their rule is kept
    /// in its search row: `UPSERT_SEARCH_ROW`).
    DELETE_TIER = "DELETE FROM article_search_tier WHERE rowid = ?1";
    INSERT_TIER = "INSERT INTO article_search_tier (rowid, terms) VALUES (?1, ?2)";
    /// The languages of the indexed articles: one look-up in the index per
    /// language, however many articles there are.
    SEARCH_LANGUAGES = "WITH RECURSIVE langs(lang) AS (SELECT MIN(lang) FROM article_search_rows UNION ALL \
        SELECT (SELECT MIN(r.lang) FROM article_search_rows r WHERE r.lang > langs.lang) FROM langs \
        WHERE langs.lang IS NOT NULL) SELECT lang FROM langs WHERE lang IS NOT NULL";
    /// Articles whose terms were made by another analysis version than `?1`
    /// (0: never made), or (the others) whose strong terms by another rule
    /// than `?2` (0: never made): two ranges of each of two indexes.
    STALE_SEARCH = "SELECT a.slug FROM article_search_rows r CROSS JOIN articles a ON a.id = r.article_id \
        WHERE r.version < ?1 OR r.version > ?1 UNION ALL SELECT a.slug FROM article_search_rows r \
        CROSS JOIN articles a ON a.id = r.article_id WHERE (r.tier < ?2 OR r.tier > ?2) AND r.version = ?1";
    /// The search terms of article `?1`: removed, written, and their
    /// version `?2`, language `?3` and strong terms' rule `?4`.
    DELETE_TERMS = "DELETE FROM article_search WHERE rowid = ?1";
    INSERT_TERMS = "INSERT INTO article_search (rowid, title, standfirst, body, names, sources) \
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    /// The search row copies what ranking reads of the article's row (see
    /// `search_matches!`), which is written first.
    UPSERT_SEARCH_ROW = "INSERT INTO article_search_rows (article_id, version, lang, tier, slug, status, \
        published_at, dated_at, section_slug) SELECT ?1, ?2, ?3, ?4, a.slug, a.status, a.published_at, \
        COALESCE(a.published_at, a.updated_at), a.section_slug FROM articles a WHERE a.id = ?1 \
        ON CONFLICT (article_id) DO UPDATE SET version = excluded.version, lang = excluded.lang, tier = excluded.tier, \
        slug = excluded.slug, status = excluded.status, published_at = excluded.published_at, \
        dated_at = excluded.dated_at, section_slug = excluded.section_slug";
    /// The language of article `?1` if it is at version `?2`.
    LANG_AT_VERSION = "SELECT lang FROM articles WHERE id = ?1 AND version = ?2";
    /// Whether the database answers.
    PING = "SELECT 1";

    /// The key phrases of article `?1` (`?2`: a JSON array of them, in
    /// order, each at its index as position), with the copy of the
    /// article's slug, status and time a phrase's range is read by, taken
    /// from its row (one statement); and their rule's version `?2`.
    DELETE_PHRASES = "DELETE FROM article_phrases WHERE article_id = ?1";
    INSERT_PHRASES = "INSERT INTO article_phrases (article_id, phrase, position, slug, status, published_at) \
        SELECT a.id, json_each.value, json_each.key, a.slug, a.status, a.published_at FROM articles a, json_each(?2) \
        WHERE a.id = ?1";
    UPSERT_PHRASE_ROW = "INSERT INTO article_phrase_rows (article_id, version) VALUES (?1, ?2) \
        ON CONFLICT (article_id) DO UPDATE SET version = excluded.version";
    /// The key phrases of article `?1`, best first.
    PHRASES_OF = "SELECT phrase FROM article_phrases WHERE article_id = ?1 ORDER BY position";
    /// Articles whose phrases were made by another rule than `?1` (0: never
    /// made): two ranges of one index.
    STALE_PHRASES = "SELECT a.slug FROM article_phrase_rows r CROSS JOIN articles a ON a.id = r.article_id \
        WHERE r.version < ?1 OR r.version > ?1";
    /// The tag slugs of article `?1`.
    TAGS_OF = "SELECT tag_slug FROM article_tags WHERE article_id = ?1";
    /// The id of article `?1` (a slug).
    ID_OF_SLUG = "SELECT id FROM articles WHERE slug = ?1";
    /// Article `?1`'s stored related list (migration 0025): removed, and
    /// written whole from `?2`, a JSON array of `[related id, score, close]`
    /// in order (one statement), leaving out an article deleted since the
    /// list was made (lists are made from reads before the write
    /// transaction: a delete in between made the write fail on the foreign
    /// key); the rule's version `?2` of its list.
    DELETE_RELATED = "DELETE FROM article_related WHERE article_id = ?1";
    /// Article `?1`'s stored list as written: `(related id, score, close)`
    /// in its order.
    STORED_RELATED = "SELECT related_id, score, close FROM article_related WHERE article_id = ?1 ORDER BY position";
    INSERT_RELATED = "INSERT INTO article_related (article_id, position, related_id, score, close) \
        SELECT ?1, json_each.key, json_extract(json_each.value, '$[0]'), json_extract(json_each.value, '$[1]'), \
        json_extract(json_each.value, '$[2]') FROM json_each(?2) \
        WHERE EXISTS (SELECT 1 FROM articles a WHERE a.id = json_extract(json_each.value, '$[0]'))";
    /// (Each write of a list counts in `made`: a list made from a read
    /// snapshot is written only if no other was since, `CLAIM_LIST`.)
    UPSERT_RELATED_ROW = "INSERT INTO article_related_rows (article_id, version, made) VALUES (?1, ?2, 1) \
        ON CONFLICT (article_id) DO UPDATE SET version = excluded.version, made = article_related_rows.made + 1";
    /// What making article `?1`'s list again needs, in one row from one
    /// snapshot (a statement is a round trip to the connection's thread):
    /// its slug (NULL: gone), how many times its list was written (NULL:
    /// never), its phrases (`[position, phrase]`), its tag slugs, and its
    /// stored list (`[position, related id, score, close]`), as JSON arrays.
    REMAKE_INPUT = "SELECT (SELECT slug FROM articles WHERE id = ?1) AS slug, \
        (SELECT made FROM article_related_rows WHERE article_id = ?1) AS made, \
        (SELECT json_group_array(json_array(position, phrase)) FROM article_phrases WHERE article_id = ?1) \
        AS phrases, \
        (SELECT json_group_array(tag_slug) FROM article_tags WHERE article_id = ?1) AS tags, \
        (SELECT json_group_array(json_array(position, related_id, score, close)) FROM article_related \
        WHERE article_id = ?1) AS list";
    /// Marks article `?1`'s list as written by rule `?2` if it was written
    /// `?3` times still (and the article exists): nothing changes, and no
    /// row is affected, when another write came since.
    CLAIM_LIST = "INSERT INTO article_related_rows (article_id, version, made) \
        SELECT ?1, ?2, ?3 + 1 WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?1) \
        ON CONFLICT (article_id) DO UPDATE SET version = excluded.version, made = excluded.made \
        WHERE article_related_rows.made = ?3";
    /// Queues the lists of the articles in `?1` (a JSON array of ids) to be
    /// made again (migration 0026), each after every list queued before;
    /// ids of no article are left out.
    ENQUEUE_LISTS = "INSERT INTO related_queue (article_id, queued) \
        SELECT json_each.value, (SELECT COALESCE(MAX(q.queued), 0) FROM related_queue q) + json_each.key + 1 \
        FROM json_each(?1) WHERE EXISTS (SELECT 1 FROM articles a WHERE a.id = json_each.value) \
        ON CONFLICT (article_id) DO UPDATE SET queued = excluded.queued";
    /// The first `?1` queued lists, oldest first, and when each was queued.
    QUEUED_LISTS = "SELECT article_id, queued FROM related_queue ORDER BY queued LIMIT ?1";
    /// Takes article `?1`'s list off the queue unless it was queued again
    /// after `?2`.
    DEQUEUE_LIST = "DELETE FROM related_queue WHERE article_id = ?1 AND queued <= ?2";
    /// How many lists are queued.
    QUEUE_LENGTH = "SELECT COUNT(*) FROM related_queue";
    /// Up to `?2` articles whose stored list holds article `?1`.
    RELATED_HOLDERS = "SELECT article_id FROM article_related WHERE related_id = ?1 LIMIT ?2";
    /// Article `?3`'s stored list, in its order, the articles readers see
    /// (bound `?1, ?2`) only, each with what it shows: one range of the
    /// list's primary key, and each article by id.
    RELATED_LIST = concat!("SELECT r.score, r.close, ", card_columns!("a"), ", a.summary_mode, a.summary_custom, \
        (SELECT s.sentences FROM article_summaries s WHERE s.article_id = a.id ORDER BY s.length LIMIT 1) \
        AS first_summary FROM article_related r CROSS JOIN articles a ON a.id = r.related_id \
        WHERE r.article_id = ?3 AND ", visible!("a"), " ORDER BY r.position");
    /// Articles whose list was made by another rule than `?1` (0: never
    /// made): two ranges of one index.
    STALE_RELATED = "SELECT a.slug FROM article_related_rows r CROSS JOIN articles a ON a.id = r.article_id \
        WHERE r.version < ?1 OR r.version > ?1";

    /// The newsroom's part of article `?1`: owner `?2`, submitted `?3`, and
    /// a copy of its update time `?4` (the order of an owner's list).
    UPSERT_DESK = "INSERT INTO article_desk (article_id, owner_id, submitted, updated_at) VALUES (?1, ?2, ?3, ?4) \
        ON CONFLICT (article_id) DO UPDATE SET owner_id = excluded.owner_id, submitted = excluded.submitted, \
        updated_at = excluded.updated_at";
    DELETE_DESK = "DELETE FROM article_desk WHERE article_id = ?1";
    /// Whether article `?1` has a desk row (tests: the desk row is read with
    /// the article's, `article_parts!`).
    #[cfg(test)]
    HAS_DESK = "SELECT 1 FROM article_desk WHERE article_id = ?1";

    /// The summary sentences picked for article `?1`: whether the mode is
    /// picked `?2`, the picks as JSON `?3` (migration 0012).
    UPSERT_PICKS = "INSERT INTO article_summary_picks (article_id, picked, sentences) VALUES (?1, ?2, ?3) \
        ON CONFLICT (article_id) DO UPDATE SET picked = excluded.picked, sentences = excluded.sentences";
    DELETE_PICKS = "DELETE FROM article_summary_picks WHERE article_id = ?1";

    /// The newsroom's list, each read from one range of one index, most
    /// recently changed first (parameters in [`desk_tests!`]; `?7` how many,
    /// `?8` how many to skip, `?9` the stored status of the status list),
    /// and how many articles it holds with its filters (a pass over the
    /// range; the whole list and a section's or an author's alone are
    /// counted from `list_counts` instead). By owner: a range of
    /// `article_desk` (a row for every article a newsroom user created); by
    /// byline author: of `article_authors` (with its copy of the update time).
    DESK_BY_OWNER = desk_page!(desk_from!(owner), "d.owner_id = ?4", "d", "article_id");
    DESK_COUNT_BY_OWNER = desk_count!(desk_from!(owner), "d.owner_id = ?4", "d");
    DESK_BY_AUTHOR = desk_page!(desk_from!(author), "l.author_slug = ?3", "l", "article_id");
    DESK_COUNT_BY_AUTHOR = desk_count!(desk_from!(author), "l.author_slug = ?3", "l");
    DESK_BY_SECTION = desk_page!(desk_from!(articles), "a.section_slug = ?2", "a", "id");
    DESK_COUNT_BY_SECTION = desk_count!(desk_from!(articles), "a.section_slug = ?2", "a");
    DESK_BY_STATUS = desk_page!(desk_from!(articles), "a.status = ?9", "a", "id");
    DESK_COUNT_BY_STATUS = desk_count!(desk_from!(articles), "a.status = ?9", "a");
    DESK_EVERY = desk_page!(desk_from!(articles), "1", "a", "id");
    DESK_COUNT_EVERY = desk_count!(desk_from!(articles), "1", "a");

    /// Revisions of article `?1`: written with it (number `?2`), listed
    /// newest first by the primary key, below number `?2` (a page after
    /// another), at most `?3`.
    INSERT_REVISION = "INSERT INTO article_revisions (article_id, number, created_at, user_id, by_name, changed, \
        restored_from, snapshot) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    REVISIONS = "SELECT number, created_at, user_id, by_name, changed, restored_from FROM article_revisions \
        WHERE article_id = ?1 AND number < ?2 ORDER BY number DESC LIMIT ?3";
    COUNT_REVISIONS = "SELECT COUNT(*) FROM article_revisions WHERE article_id = ?1";
    REVISION = "SELECT number, created_at, user_id, by_name, changed, restored_from, snapshot \
        FROM article_revisions WHERE article_id = ?1 AND number = ?2";

    /// Every section or author (`?1`: 'section' or 'author') with an
    /// article, drafts included: the newsroom's filters.
    DESK_FACETS = "SELECT key, name FROM list_counts WHERE kind = ?1";

    /// Newsroom users (the table stays small: the site's staff).
    INSERT_USER = "INSERT INTO users (name, display_name, email, role, password_hash, created_at, updated_at) \
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id";
    USER_BY_NAME = concat!("SELECT ", user_columns!(), " FROM users WHERE name = ?1");
    USER_BY_ID = concat!("SELECT ", user_columns!(), " FROM users WHERE id = ?1");
    USERS = concat!("SELECT ", user_columns!(), " FROM users ORDER BY name");
    ROLE_OF_USER = "SELECT role, disabled FROM users WHERE id = ?1";
    OTHER_ACTIVE_ADMINS = "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?1";
    ACTIVE_ADMINS = "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0";
    SET_ROLE = "UPDATE users SET role = ?2, updated_at = ?3 WHERE id = ?1";
    SET_PASSWORD_HASH = "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1";
    SET_DISABLED = "UPDATE users SET disabled = ?2, updated_at = ?3 WHERE id = ?1";

    /// Sessions, by the SHA-256 of their id.
    INSERT_SESSION = "INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?5)";
    SESSION_WITH_USER = concat!("SELECT s.id_hash, s.user_id, s.csrf, s.created_at AS s_created, s.last_seen, ",
        user_columns!(), " FROM sessions s JOIN users ON users.id = s.user_id WHERE s.id_hash = ?1");
    TOUCH_SESSION = "UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1 AND last_seen < ?2";
    DELETE_SESSION = "DELETE FROM sessions WHERE id_hash = ?1";
    DELETE_USER_SESSIONS = "DELETE FROM sessions WHERE user_id = ?1";
    /// Sessions idle since before `?1` or created before `?2`: two ranges.
    DELETE_EXPIRED_SESSIONS = "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2";

    /// Failed sign-ins, by key ('user:NAME' or 'addr:ADDRESS').
    FORGET_FAILURES = "DELETE FROM sign_in_failures WHERE at < ?1";
    INSERT_FAILURE = "INSERT INTO sign_in_failures (key, at) VALUES (?1, ?2)";
    FAILURES_SINCE = "SELECT at FROM sign_in_failures WHERE key = ?1 AND at >= ?2 ORDER BY at";
    CLEAR_FAILURES = "DELETE FROM sign_in_failures WHERE key = ?1";

    /// Pictures (`media`) and their files, by the hash of the upload or of
    /// a file; `?1` of `MEDIA_BY_FILES` is a JSON array of file hashes.
    INSERT_MEDIA = "INSERT INTO media (source_hash, source_format, source_bytes, width, height, created_by, \
        created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (source_hash) DO NOTHING RETURNING id";
    MEDIA_ID_BY_SOURCE = "SELECT id FROM media WHERE source_hash = ?1";
    INSERT_MEDIA_FILE = "INSERT INTO media_files (media_id, width, height, hash, content_type, size, bytes) \
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    MEDIA_FILE = "SELECT hash, content_type, bytes FROM media_files WHERE hash = ?1 LIMIT 1";
    MEDIA_BY_ID = "SELECT m.id, m.source_hash, m.width AS m_width, m.height AS m_height, f.hash, f.content_type, \
        f.width, f.height, f.size FROM media m JOIN media_files f ON f.media_id = m.id WHERE m.id = ?1 \
        ORDER BY f.width";
    /// How many pictures and files (the newsroom's figures; a full count).
    COUNT_MEDIA = "SELECT (SELECT COUNT(*) FROM media), (SELECT COUNT(*) FROM media_files)";
    MEDIA_BY_FILES = "SELECT m.id, m.source_hash, m.width AS m_width, m.height AS m_height, f.hash, f.content_type, \
        f.width, f.height, f.size FROM media m JOIN media_files f ON f.media_id = m.id WHERE m.id IN \
        (SELECT media_id FROM media_files WHERE hash IN (SELECT value FROM json_each(?1))) ORDER BY m.id, f.width";

    /// Moving a site (`TransferStore`): whole records read by id, written
    /// with their ids as given, and every table counted and emptied.
    ARTICLE_IDS_AFTER = "SELECT id, slug FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2";
    ALL_REVISIONS_OF = "SELECT number, created_at, user_id, by_name, changed, restored_from, snapshot \
        FROM article_revisions WHERE article_id = ?1 ORDER BY number";
    MEDIA_AFTER = "SELECT id, source_hash, source_format, source_bytes, width, height, created_by, created_at \
        FROM media WHERE id > ?1 ORDER BY id LIMIT ?2";
    MEDIA_FILES_OF = "SELECT width, height, hash, content_type, bytes FROM media_files WHERE media_id = ?1 \
        ORDER BY width";
    ALL_SESSIONS = "SELECT id_hash, user_id, csrf, created_at, last_seen FROM sessions ORDER BY id_hash";
    ALL_FAILURES = "SELECT key, at FROM sign_in_failures ORDER BY key, at";
    INSERT_USER_AS = "INSERT INTO users (id, name, display_name, email, role, password_hash, disabled, created_at, \
        updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    INSERT_TOKEN_AS = "INSERT INTO api_tokens (id, name, hash, created_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5)";
    INSERT_MEDIA_AS = "INSERT INTO media (id, source_hash, source_format, source_bytes, width, height, created_by, \
        created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    /// An article's row with its fields in `bind_article` order, then its
    /// creation time `?20`, version `?21` and id `?22` as given.
    INSERT_ARTICLE_AS = "INSERT INTO articles (slug, title, standfirst, authors, section, section_slug, tags, lang, \
        status, published_at, updated_at, sources, canonical_url, lead_image, lead_image_alt, reading_minutes, \
        summary_mode, summary_custom, auto_paragraphs, created_at, version, id) VALUES \
        (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)";
    /// The rows of every table of `store::transfer::TABLES`, in that order.
    TABLE_COUNTS = "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM api_tokens), \
        (SELECT COUNT(*) FROM sessions), (SELECT COUNT(*) FROM sign_in_failures), (SELECT COUNT(*) FROM media), \
        (SELECT COUNT(*) FROM media_files), (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM article_bodies), \
        (SELECT COUNT(*) FROM article_tags), (SELECT COUNT(*) FROM article_authors), \
        (SELECT COUNT(*) FROM article_summaries), (SELECT COUNT(*) FROM article_summary_picks), \
        (SELECT COUNT(*) FROM article_desk), (SELECT COUNT(*) FROM article_revisions), \
        (SELECT COUNT(*) FROM article_phrases), (SELECT COUNT(*) FROM article_phrase_rows), \
        (SELECT COUNT(*) FROM article_search_rows)";
    /// Emptying a site, in this order (an article's parts, and a picture's
    /// files, go with it; the list counts follow by their triggers).
    CLEAR_SESSIONS = "DELETE FROM sessions";
    CLEAR_ARTICLES = "DELETE FROM articles";
    CLEAR_MEDIA = "DELETE FROM media";
    CLEAR_USERS = "DELETE FROM users";
    CLEAR_TOKENS = "DELETE FROM api_tokens";
    CLEAR_ALL_FAILURES = "DELETE FROM sign_in_failures";
    /// A consistent copy of the database into the new file `?1`.
    BACKUP_INTO = "VACUUM INTO ?1";
    /// SQLite's check of a database file: one row, `ok`, when sound.
    INTEGRITY_CHECK = "PRAGMA integrity_check";
    /// Copies what the write-ahead log holds into the database file, as far
    /// as readers allow, waiting for nobody (`mod.rs`, `checkpoints`).
    CHECKPOINT = "PRAGMA wal_checkpoint(PASSIVE)";
    /// Copies the whole log into the database file, waiting for the readers
    /// still reading it (as long as the busy timeout lets it), and empties
    /// the log's file (`mod.rs`, `checkpoints`, once the writes pause).
    TRUNCATE_LOG = "PRAGMA wal_checkpoint(TRUNCATE)";
    /// One write of several in a transaction (`combined.rs`): kept with
    /// `RELEASE_WRITE`, or undone with `ROLLBACK_TO_WRITE` and then released.
    SAVEPOINT_WRITE = "SAVEPOINT article_write";
    ROLLBACK_TO_WRITE = "ROLLBACK TO article_write";
    RELEASE_WRITE = "RELEASE article_write";
    /// Where the writer connection's next transactions keep what they may
    /// have to undo (`direct.rs`, `Undo`).
    UNDO_IN_MEMORY = "PRAGMA temp_store = MEMORY";
    UNDO_DEFAULT = "PRAGMA temp_store = DEFAULT";
}

/// The writer connection's `temp_store` (0: DEFAULT), for a test.
#[cfg(test)]
pub(super) const TEMP_STORE: &str = "PRAGMA temp_store";

/// A connection's settings that the writer's own connection must share with
/// sqlx's (`direct.rs`), for a test: each an integer.
#[cfg(test)]
pub(super) const SETTINGS: &[&str] =
    &["PRAGMA foreign_keys", "PRAGMA synchronous", "PRAGMA wal_autocheckpoint", "PRAGMA busy_timeout"];

/// A connection's journal mode, for the same test.
#[cfg(test)]
pub(super) const JOURNAL_MODE: &str = "PRAGMA journal_mode";

/// Which list a page is read from: one range of one index. The site and a
/// section are ranges of the articles' own indexes; a tag or an author
/// (alone, or within a section), of `article_tags` or `article_authors`
/// (joined to the articles for what the cards show).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Driver {
    Site,
    Section,
    Tag,
    Author,
    TagInSection,
    AuthorInSection,
}

/// A list, as fixed pieces of SQL (its alias is `a` for the articles
/// themselves, `l` for a tag's or author's rows).
struct Listing {
    cards: &'static str,
    /// The tables of a page (the articles joined for the cards).
    from: &'static str,
    /// The table of a count.
    counted: &'static str,
    key: Option<&'static str>,
    visible: &'static str,
    dated: &'static str,
    undated: &'static str,
    order: &'static str,
}

macro_rules! listing {
    (articles, $key:expr) => {
        Listing {
            cards: card_columns!("a"),
            from: "articles a",
            counted: "articles a",
            key: $key,
            visible: visible!("a"),
            dated: "(a.published_at, a.slug) < (?1, ?2)",
            undated: "a.published_at IS NULL AND a.slug < ?8",
            order: newest_first!("a"),
        }
    };
    ($table:literal, $key:expr) => {
        Listing {
            cards: card_columns!("l"),
            from: concat!($table, " l CROSS JOIN articles a ON a.id = l.article_id"),
            counted: concat!($table, " l"),
            key: Some($key),
            visible: visible!("l"),
            dated: "(l.published_at, l.slug) < (?1, ?2)",
            undated: "l.published_at IS NULL AND l.slug < ?8",
            order: newest_first!("l"),
        }
    };
}

impl Driver {
    fn listing(self) -> Listing {
        match self {
            Driver::Site => listing!(articles, None),
            Driver::Section => listing!(articles, Some("a.section_slug = ?5")),
            Driver::Tag => listing!("article_tags", "l.tag_slug = ?6"),
            Driver::Author => listing!("article_authors", "l.author_slug = ?7"),
            Driver::TagInSection => listing!("article_tags", "l.tag_slug = ?6 AND l.section_slug = ?5"),
            Driver::AuthorInSection => listing!("article_authors", "l.author_slug = ?7 AND l.section_slug = ?5"),
        }
    }
}

/// The filters a list query asks for, as a list to read (one range) and,
/// when a tag and an author are both asked, a test of the author on each of
/// the tag's rows. Only the API combines filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Shape {
    driver: Driver,
    /// The author is tested on each row (`?7`).
    author: bool,
}

/// A shape whose count is not kept in `list_counts` (a tag or an author
/// within a section, a tag and an author): it is counted in its range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Combined(Shape);

impl Shape {
    /// The shape of a query with these filters.
    pub fn of(section: bool, tag: bool, author: bool) -> Shape {
        let driver = match (tag, author, section) {
            (true, _, false) => Driver::Tag,
            (true, _, true) => Driver::TagInSection,
            (false, true, false) => Driver::Author,
            (false, true, true) => Driver::AuthorInSection,
            (false, false, true) => Driver::Section,
            (false, false, false) => Driver::Site,
        };
        Shape { driver, author: author && tag }
    }

    /// Every shape there is.
    pub fn all() -> impl Iterator<Item = Shape> {
        (0..8).map(|bits| Shape::of(bits & 1 != 0, bits & 2 != 0, bits & 4 != 0))
    }

    /// The list read.
    pub fn driver(self) -> Driver {
        self.driver
    }

    /// This shape, if its count is not kept.
    pub fn combined(self) -> Option<Combined> {
        let kept = matches!(self.driver, Driver::Site | Driver::Section | Driver::Tag | Driver::Author);
        (!kept || self.author).then_some(Combined(self))
    }

    /// The conditions of this shape, before the visibility test.
    fn conditions(self) -> Vec<&'static str> {
        let mut c: Vec<&'static str> = self.driver.listing().key.into_iter().collect();
        if self.author {
            c.push("EXISTS (SELECT 1 FROM article_authors w WHERE w.author_slug = ?7 AND w.article_id = l.article_id)");
        }
        c
    }
}

/// Every list statement the store builds, by what it is for: one fixed
/// piece of SQL per shape, assembled once from the fixed pieces above (no
/// value is ever part of the text). The parameters are the same in all:
/// `?1, ?2` the bound (see [`visible!`]), `?3` how many, `?4` how many to
/// skip, `?5` the section, `?6` the tag, `?7` the author (NULL when not
/// asked), `?8` the bound of the undated articles (editors' lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum ListStatement {
    /// A page, as readers see it.
    PublicPage(Shape),
    /// A page for editors (drafts too): dated articles below `?1, ?2`, then
    /// the undated below `?8`. SQLite sorts NULL lowest, so an undated
    /// article comes after every dated one, and both ranges are merged in
    /// order.
    EditorsPage(Shape),
    /// How many articles readers see in a combined shape (a single list's
    /// count is kept in `list_counts`): the range of its index alone.
    PublicCount(Combined),
    /// How many articles there are in a combined shape.
    EditorsCount(Combined),
}

impl ListStatement {
    /// Every statement there is.
    pub fn all() -> impl Iterator<Item = ListStatement> {
        Shape::all().flat_map(|s| {
            let mut v = vec![ListStatement::PublicPage(s), ListStatement::EditorsPage(s)];
            if let Some(c) = s.combined() {
                v.extend([ListStatement::PublicCount(c), ListStatement::EditorsCount(c)]);
            }
            v
        })
    }

    fn build(self) -> String {
        let where_ = |shape: Shape, last: &str| {
            let mut c = shape.conditions();
            c.push(last);
            c.join(" AND ")
        };
        match self {
            ListStatement::PublicPage(shape) => {
                let l = shape.driver.listing();
                format!(
                    "SELECT {} FROM {} WHERE {}{} LIMIT ?3 OFFSET ?4",
                    l.cards,
                    l.from,
                    where_(shape, l.visible),
                    l.order
                )
            }
            ListStatement::EditorsPage(shape) => {
                let l = shape.driver.listing();
                format!(
                    "SELECT {cards} FROM {from} WHERE {dated} UNION ALL SELECT {cards} FROM {from} WHERE {undated} \
                     ORDER BY published_at DESC, slug DESC LIMIT ?3 OFFSET ?4",
                    cards = l.cards,
                    from = l.from,
                    dated = where_(shape, l.dated),
                    undated = where_(shape, l.undated),
                )
            }
            ListStatement::PublicCount(Combined(shape)) => {
                let l = shape.driver.listing();
                format!("SELECT COUNT(*) FROM {} WHERE {}", l.counted, where_(shape, l.visible))
            }
            ListStatement::EditorsCount(Combined(shape)) => {
                let l = shape.driver.listing();
                format!("SELECT COUNT(*) FROM {} WHERE {}", l.counted, shape.conditions().join(" AND "))
            }
        }
    }

    /// The statement's SQL.
    pub fn sql(self) -> &'static str {
        static BUILT: std::sync::LazyLock<std::collections::HashMap<ListStatement, String>> =
            std::sync::LazyLock::new(|| ListStatement::all().map(|s| (s, s.build())).collect());
        // Every value of this type is in `all()` (a `Shape` is made only by
        // `Shape::of`, whose every result `Shape::all` lists, and a
        // `Combined` only by `Shape::combined`), so every one is built.
        BUILT[&self].as_str()
    }
}

/// Statements that take a database back to before migration 0020 (search),
/// an article kept, for the test of that upgrade.
#[cfg(test)]
pub(super) const BEFORE_0020: &[&str] = &[
    "ALTER TABLE articles DROP COLUMN auto_paragraphs",
    "DROP TABLE related_queue",
    "DROP TABLE article_related_rows",
    "DROP TABLE article_related",
    "DROP TRIGGER article_search_copies",
    "DROP TRIGGER article_phrase_copies",
    "DROP TABLE article_phrase_rows",
    "DROP TABLE article_phrases",
    "DROP TRIGGER article_search_tier_gone",
    "DROP TABLE article_search_tier",
    "DROP TRIGGER article_search_gone",
    "DROP TABLE article_search_rows",
    "DROP TABLE article_search",
    "DELETE FROM _sqlx_migrations WHERE version >= 20",
];

/// Statements that take a database back to before migration 0021 (key
/// phrases), an article kept, for the test of that upgrade.
#[cfg(test)]
pub(super) const BEFORE_0021: &[&str] = &[
    "ALTER TABLE articles DROP COLUMN auto_paragraphs",
    "DROP TABLE related_queue",
    "DROP TABLE article_related_rows",
    "DROP TABLE article_related",
    "DROP TRIGGER article_search_copies",
    "DROP TRIGGER article_search_tier_gone",
    "DROP TABLE article_search_tier",
    "DROP INDEX article_search_rows_by_tier",
    "DROP INDEX article_search_rows_by_date",
    "DROP INDEX article_search_rows_drafts",
    "DROP INDEX article_search_rows_by_time",
    "ALTER TABLE article_search_rows DROP COLUMN tier",
    "ALTER TABLE article_search_rows DROP COLUMN slug",
    "ALTER TABLE article_search_rows DROP COLUMN status",
    "ALTER TABLE article_search_rows DROP COLUMN published_at",
    "ALTER TABLE article_search_rows DROP COLUMN dated_at",
    "ALTER TABLE article_search_rows DROP COLUMN section_slug",
    "DROP TRIGGER article_phrase_copies",
    "DROP TABLE article_phrase_rows",
    "DROP TABLE article_phrases",
    "DELETE FROM _sqlx_migrations WHERE version >= 21",
];

/// The log size at which a write checkpoints it itself.
#[cfg(test)]
pub(super) const AUTOCHECKPOINT: &str = "PRAGMA wal_autocheckpoint";

/// Whether SQLite was built with the query planner stability guarantee.
#[cfg(test)]
pub(super) const COMPILED_WITH_QPSG: &str = "SELECT sqlite_compileoption_used('ENABLE_QPSG')";

/// The names of every table in the database (for the test that a copy of
/// a site leaves none out).
#[cfg(test)]
pub(super) const SCHEMA_TABLES: &str = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";

/// Makes article `?1` a draft straight in its row, as no store method does
/// (for the test that the phrase rows' copy follows the row).
#[cfg(test)]
pub(super) const DRAFT_ROW: &str = "UPDATE articles SET status = 'draft' WHERE id = ?1";

/// The rows of article `?1`'s tags, authors, key phrases and related list,
/// as one text of their row ids (for the test that an edit keeping them
/// leaves them as they were).
#[cfg(test)]
pub(super) const PART_ROWS: &str = "SELECT \
    (SELECT group_concat(rowid) FROM article_tags WHERE article_id = ?1) || ' / ' || \
    (SELECT group_concat(rowid) FROM article_authors WHERE article_id = ?1) || ' / ' || \
    (SELECT group_concat(rowid) FROM article_phrases WHERE article_id = ?1) || ' / ' || \
    (SELECT group_concat(rowid) FROM article_related WHERE article_id = ?1)";

/// The statements the store wrote with before migration 0004 (at 0003, as
/// the store of that time had them), to make an old database for the
/// upgrade test.
#[cfg(test)]
pub(super) mod before_0004 {
    pub(in crate::sqlite) const INSERT_ARTICLE: &str = "INSERT INTO articles (slug, title, standfirst, body_md, \
        body_html, body_text, authors, section, section_slug, tags, lang, status, published_at, updated_at, sources, \
        canonical_url, lead_image, lead_image_alt, reading_minutes, summary_mode, summary_custom, created_at, version) \
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, \
        ?23) RETURNING id";
    pub(in crate::sqlite) const INSERT_TAG: &str =
        "INSERT OR IGNORE INTO article_tags (article_id, tag_slug, tag) VALUES (?1, ?2, ?3)";
    pub(in crate::sqlite) const INSERT_AUTHOR: &str =
        "INSERT OR IGNORE INTO article_authors (article_id, author_slug, name) VALUES (?1, ?2, ?3)";
    pub(in crate::sqlite) const INSERT_SUMMARY: &str = "INSERT OR REPLACE INTO article_summaries (article_id, \
        length, sentences, source_hash, version) VALUES (?1, ?2, ?3, ?4, ?5)";
}

/// The windows of an article's keys, in one statement (`related.rs`'s
/// `windows_of`): for each of up to [`MAX_KEYS`](crate::MAX_KEYS) phrases (`?5` on) and
/// [`MAX_KEYS`](crate::MAX_KEYS) tags (after them), the newest `?4` articles readers see
/// (bound `?1, ?2`) that share it, other than article `?3`: one range of one
/// index each, read in its order, covering (no article row is read). A key
/// bound to NULL finds nothing. One row, `found`: a JSON array of
/// `[k, article_id, published_at, slug]`, `k` the key's place. (One row, not
/// one per article found: sqlx hands each row from its connection's thread
/// to the caller on its own, and with some 500 rows a list, that handing
/// over took more time than SQLite's work.)
pub(super) fn related_windows() -> &'static str {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let one = |k: usize, table: &str, column: &str| {
            format!(
                "SELECT {k} AS k, w.article_id, w.published_at, w.slug FROM (SELECT l.article_id, l.published_at, \
                 l.slug FROM {table} l WHERE l.{column} = ?{} AND {} AND l.article_id <> ?3{} LIMIT ?4) w",
                k + 5,
                visible!("l"),
                newest_first!("l")
            )
        };
        let phrases = (0..crate::MAX_KEYS).map(|i| one(i, "article_phrases", "phrase"));
        let tags = (0..crate::MAX_KEYS).map(|i| one(crate::MAX_KEYS + i, "article_tags", "tag_slug"));
        let windows = phrases.chain(tags).collect::<Vec<_>>().join(" UNION ALL ");
        format!("SELECT json_group_array(json_array(k, article_id, published_at, slug)) AS found FROM ({windows})")
    });
    &SQL
}

#[cfg(test)]
mod tests {
    use sqlx::Row;

    use super::{ALL, COMPILED_WITH_QPSG, ListStatement};
    use crate::SqliteStore;

    /// Tables that stay small whatever the size of the archive: a full scan
    /// of one of these is fine. Every other table is taken to be large.
    /// `users` holds the site's staff; `json_each` is a bound list of
    /// values (the file hashes of a page of pictures, at most
    /// `MAX_MEDIA_LOOKUP`; the slugs of an import's batch), not a table.
    const SMALL_TABLES: &[&str] = &["api_tokens", "users", "json_each"];

    /// Statements that read a table from the start of one of its indexes,
    /// in its order, and stop after a few rows (`LIMIT`): the queue of
    /// related lists, oldest first.
    const FIRST_ROWS: &[&str] = &["QUEUED_LISTS"];

    /// Statements ordered by relevance, which no index holds: they may sort
    /// their rows (the matches of the full-text index, not a table).
    const RANKED: &[&str] = &["SEARCH_PUBLIC", "SEARCH_ALL", "SEARCH_PUBLIC_FIRST", "SEARCH_ALL_FIRST"];

    /// Statements that read a whole table on purpose, never on a page:
    /// counts for operators and tests, and copying or emptying a whole
    /// site (`TransferStore`).
    const COUNTED: &[&str] = &[
        "COUNT_MEDIA",
        "QUEUE_LENGTH",
        "TABLE_COUNTS",
        "ALL_SESSIONS",
        "ALL_FAILURES",
        "CLEAR_SESSIONS",
        "CLEAR_ARTICLES",
        "CLEAR_MEDIA",
        "CLEAR_USERS",
        "CLEAR_TOKENS",
        "CLEAR_ALL_FAILURES",
    ];

    /// What is wrong with a query plan (`EXPLAIN QUERY PLAN` lines): a full
    /// scan of a table not known to be small, or a temporary B-tree to sort
    /// or group rows. A virtual table read through its index (the full-text
    /// index's `MATCH`, `M`, or a rowid, `=`, in its index string) is no
    /// scan.
    fn plan_faults(plan: &[String]) -> Vec<String> {
        // Subqueries and views the plan runs as co-routines or materializes
        // are scanned as the rows they produce, not as tables.
        let derived: Vec<&str> = plan
            .iter()
            .filter_map(|l| l.strip_prefix("CO-ROUTINE ").or_else(|| l.strip_prefix("MATERIALIZE ")))
            .map(|rest| rest.split_whitespace().next().unwrap_or(rest))
            .collect();
        let mut faults = Vec::new();
        for line in plan {
            // A statement without a table (`SELECT 1`) reads one constant row.
            if line == "SCAN CONSTANT ROW" {
                continue;
            }
            if let Some(rest) = line.strip_prefix("SCAN ") {
                let name = rest.split_whitespace().next().unwrap_or(rest);
                let indexed = rest
                    .split_once(" VIRTUAL TABLE INDEX ")
                    .and_then(|(_, index)| index.split_once(':'))
                    .is_some_and(|(_, how)| how.contains(['M', '=']));
                if !SMALL_TABLES.contains(&name) && !derived.contains(&name) && !indexed {
                    faults.push(line.clone());
                }
            }
            if line.contains("TEMP B-TREE") {
                faults.push(line.clone());
            }
        }
        faults
    }

    /// The plan of one statement, a line per step.
    async fn plan_of(store: &SqliteStore, sql: &str) -> Vec<String> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
            .fetch_all(&store.pool)
            .await
            .unwrap_or_else(|e| panic!("cannot explain {sql}: {e}"));
        rows.iter().map(|r| r.get::<String, _>("detail")).collect()
    }

    /// Every statement the store issues finds its rows through an index, for
    /// its filter and for its order: no full scan of a large table, no
    /// temporary B-tree to sort (SQLite's plan, as the bundled SQLite makes
    /// it with no statistics, as Newsdesk runs it).
    #[tokio::test]
    async fn every_query_uses_an_index() {
        let store = SqliteStore::open(":memory:").await.unwrap();
        let mut faults = Vec::new();
        let built = ListStatement::all()
            .map(|s| (format!("{s:?}"), s.sql()))
            .chain([("RELATED_WINDOWS".to_owned(), super::related_windows())]);
        let statements: Vec<(String, &str)> = ALL.iter().map(|(n, s)| (n.to_string(), *s)).chain(built).collect();
        for (name, sql) in &statements {
            let plan = plan_of(&store, sql).await;
            let mut bad = plan_faults(&plan);
            if RANKED.contains(&name.as_str()) {
                bad.retain(|l| l != "USE TEMP B-TREE FOR ORDER BY");
            }
            if COUNTED.contains(&name.as_str()) {
                bad.retain(|l| !l.starts_with("SCAN "));
            }
            if FIRST_ROWS.contains(&name.as_str()) {
                bad.retain(|l| !(l.starts_with("SCAN ") && l.contains(" USING COVERING INDEX ")));
            }
            if !bad.is_empty() {
                faults.push(format!("{name}: {}\n    plan: {}", bad.join("; "), plan.join(" / ")));
            }
        }
        assert!(
            faults.is_empty(),
            "{} of {} statements read too much:\n{}",
            faults.len(),
            statements.len(),
            faults.join("\n")
        );
    }

    /// The bundled SQLite is built with the query planner stability
    /// guarantee (`.cargo/config.toml`): a statement whose LIMIT is a bound
    /// parameter is prepared once, not again for every value bound.
    #[tokio::test]
    async fn query_plans_do_not_follow_bound_values() {
        let store = SqliteStore::open(":memory:").await.unwrap();
        let qpsg: i64 = sqlx::query_scalar(COMPILED_WITH_QPSG).fetch_one(&store.pool).await.unwrap();
        assert_eq!(qpsg, 1, "SQLite built without SQLITE_ENABLE_QPSG: is LIBSQLITE3_FLAGS set by .cargo/config.toml?");
    }

    /// The test above is not blind: it reports a scan of a large table and a
    /// sort, and lets a scan of a small table or of a subquery's rows pass.
    #[test]
    fn plan_faults_are_found() {
        let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(plan_faults(&lines(&["SCAN articles"])).len(), 1);
        assert_eq!(plan_faults(&lines(&["SCAN articles USING COVERING INDEX x"])).len(), 1);
        assert_eq!(
            plan_faults(&lines(&["SEARCH articles USING INDEX x (a=?)", "USE TEMP B-TREE FOR ORDER BY"])).len(),
            1
        );
        assert_eq!(plan_faults(&lines(&["USE TEMP B-TREE FOR RIGHT PART OF ORDER BY"])).len(), 1);
        assert!(plan_faults(&lines(&["SCAN api_tokens"])).is_empty());
        assert!(plan_faults(&lines(&["CO-ROUTINE k", "SEARCH articles USING INDEX x (a=?)", "SCAN k"])).is_empty());
        assert!(plan_faults(&lines(&["SEARCH articles USING INTEGER PRIMARY KEY (rowid=?)"])).is_empty());
        // The full-text index read by MATCH or by rowid, not through.
        assert!(plan_faults(&lines(&["SCAN s VIRTUAL TABLE INDEX 0:M5"])).is_empty());
        assert!(plan_faults(&lines(&["SCAN article_search VIRTUAL TABLE INDEX 0:="])).is_empty());
        assert_eq!(plan_faults(&lines(&["SCAN article_search VIRTUAL TABLE INDEX 0:"])).len(), 1);
    }

    /// No statement is written outside this file, so the plan test cannot
    /// miss one: in the SQLite store's other files no `sqlx::query…` call
    /// takes SQL text (a literal, or text built with `format!`), and no
    /// string literal holds a statement.
    #[test]
    fn no_sql_outside_this_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sqlite");
        let mut stray = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") || path.file_name().is_some_and(|n| n == "sql.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (at, _) in text.match_indices("sqlx::").filter(|(at, _)| {
                let rest = &text[at + "sqlx::".len()..];
                rest.starts_with("query") || rest.starts_with("raw_sql")
            }) {
                // `sqlx::query_scalar::<_, i64>(…)`: skip the name and any
                // turbofish; a type path (`sqlx::query::Query`) is no call.
                let rest = text[at + "sqlx::".len()..].trim_start_matches(|c: char| c.is_alphanumeric() || c == '_');
                let rest = match rest.strip_prefix("::<") {
                    Some(generic) => generic.split_once('>').map_or("", |(_, after)| after),
                    None => rest,
                };
                let Some(argument) = rest.strip_prefix('(') else { continue };
                let argument = argument.trim_start().trim_start_matches('&');
                if ["\"", "r\"", "r#", "format!", "concat!", "AssertSqlSafe", "sqlx::AssertSqlSafe"]
                    .iter()
                    .any(|p| argument.starts_with(p))
                {
                    stray.push(format!("{}:{}", path.display(), text[..at].lines().count()));
                }
            }
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if !code.starts_with("//")
                    && code.contains('"')
                    && ["SELECT ", "INSERT INTO", "DELETE FROM", "UPDATE ", "REPLACE INTO"]
                        .iter()
                        .any(|k| code.contains(k))
                {
                    stray.push(format!("{}:{}", path.display(), n + 1));
                }
            }
        }
        assert!(stray.is_empty(), "SQL written outside sql.rs (add it there): {stray:?}");
    }
}
