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

queries! {
    /// Inserts an article: its fields in `bind_article` order, then its
    /// creation time (`?22`).
    INSERT_ARTICLE = "INSERT INTO articles (slug, title, standfirst, body_md, body_html, body_text, authors, section, \
     section_slug, tags, lang, status, published_at, updated_at, sources, canonical_url, lead_image, lead_image_alt, \
     reading_minutes, summary_mode, summary_custom, created_at, version) VALUES \
     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, 1) \
     RETURNING id";

    /// Replaces article `?22` if it is at version `?23`, with its fields in
    /// `bind_article` order, and moves it to the next version.
    UPDATE_ARTICLE = "UPDATE articles SET slug = ?1, title = ?2, standfirst = ?3, body_md = ?4, body_html = ?5, \
     body_text = ?6, authors = ?7, section = ?8, section_slug = ?9, tags = ?10, lang = ?11, status = ?12, \
     published_at = ?13, updated_at = ?14, sources = ?15, canonical_url = ?16, lead_image = ?17, \
     lead_image_alt = ?18, reading_minutes = ?19, summary_mode = ?20, summary_custom = ?21, version = version + 1 \
     WHERE id = ?22 AND version = ?23";

    INSERT_TAG = "INSERT OR IGNORE INTO article_tags (article_id, tag_slug, tag) VALUES (?1, ?2, ?3)";
    INSERT_AUTHOR = "INSERT OR IGNORE INTO article_authors (article_id, author_slug, name) VALUES (?1, ?2, ?3)";
    INSERT_SUMMARY = "INSERT OR REPLACE INTO article_summaries (article_id, length, sentences, source_hash, version) \
             VALUES (?1, ?2, ?3, ?4, ?5)";
    SUMMARIES_OF = "SELECT length, sentences, source_hash, version FROM article_summaries WHERE article_id = ?1 ORDER BY length";
    ARTICLE_BY_SLUG = "SELECT id, version, slug, title, standfirst, body_md, body_html, body_text, authors, section, \
     section_slug, tags, lang, status, published_at, updated_at, created_at, sources, canonical_url, lead_image, \
     lead_image_alt, reading_minutes, summary_mode, summary_custom FROM articles \
     WHERE (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) AND slug = ?3";
    VERSION_OF = "SELECT version FROM articles WHERE id = ?1";
    DELETE_TAGS = "DELETE FROM article_tags WHERE article_id = ?1";
    DELETE_AUTHORS = "DELETE FROM article_authors WHERE article_id = ?1";
    DELETE_SUMMARIES = "DELETE FROM article_summaries WHERE article_id = ?1";
    DELETE_ARTICLE = "DELETE FROM articles WHERE slug = ?1";
    COUNT_LIST = "SELECT COUNT(*) FROM articles WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND (?3 IS NULL OR section_slug = ?3) \
             AND (?4 IS NULL OR id IN (SELECT article_id FROM article_tags WHERE tag_slug = ?4)) \
             AND (?5 IS NULL OR id IN (SELECT article_id FROM article_authors WHERE author_slug = ?5))";
    LIST = "SELECT slug, title, standfirst, section, section_slug, authors, tags, status, published_at, updated_at, \
             reading_minutes, lead_image, lead_image_alt, lang FROM articles WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND (?3 IS NULL OR section_slug = ?3) \
             AND (?4 IS NULL OR id IN (SELECT article_id FROM article_tags WHERE tag_slug = ?4)) \
             AND (?5 IS NULL OR id IN (SELECT article_id FROM article_authors WHERE author_slug = ?5)) \
             ORDER BY published_at IS NULL, published_at DESC, slug DESC LIMIT ?6 OFFSET ?7";
    PUBLISHED_AT_OF = "SELECT published_at FROM articles WHERE slug = ?1";
    PREVIOUS = "SELECT slug, title, lang FROM articles WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND (published_at < ?3 OR (published_at = ?3 AND slug < ?4)) \
             ORDER BY published_at DESC, slug DESC LIMIT 1";
    NEXT = "SELECT slug, title, lang FROM articles WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND (published_at > ?3 OR (published_at = ?3 AND slug > ?4)) \
             ORDER BY published_at ASC, slug ASC LIMIT 1";
    SECTIONS = "SELECT section_slug, MIN(section) AS section, COUNT(*) AS n FROM articles WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             GROUP BY section_slug ORDER BY n DESC, section_slug";
    SECTION_NAME = "SELECT section FROM articles WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND section_slug = ?3 LIMIT 1";
    TAG_NAME = "SELECT t.tag FROM article_tags t JOIN articles ON articles.id = t.article_id WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND t.tag_slug = ?3 LIMIT 1";
    AUTHOR_NAME = "SELECT t.name FROM article_authors t JOIN articles ON articles.id = t.article_id WHERE \
             (?2 = 1 OR (status <> 'draft' AND published_at IS NOT NULL AND published_at <= ?1)) \
             AND t.author_slug = ?3 LIMIT 1";
    COUNT_ARTICLES = "SELECT COUNT(*) FROM articles";
    STALE_SUMMARIES = "SELECT slug FROM articles a WHERE \
             (SELECT COUNT(*) FROM article_summaries s WHERE s.article_id = a.id AND s.version = ?1) < 2 \
             ORDER BY slug";
    NEXT_PUBLICATION = "SELECT MIN(published_at) FROM articles WHERE status <> 'draft' AND published_at > ?1";

    INSERT_TOKEN = "INSERT INTO api_tokens (name, hash, created_at) VALUES (?1, ?2, ?3) RETURNING id";
    TOKENS = "SELECT id, name, hash, created_at, revoked_at FROM api_tokens ORDER BY id";
    REVOKE_TOKEN = "UPDATE api_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL";
    ACTIVE_TOKENS = "SELECT name, hash FROM api_tokens WHERE revoked_at IS NULL";
}

#[cfg(test)]
mod tests {
    use sqlx::Row;

    use super::ALL;
    use crate::SqliteStore;

    /// Tables that stay small whatever the size of the archive: a full scan
    /// of one of these is fine. Every other table is taken to be large.
    const SMALL_TABLES: &[&str] = &["api_tokens"];

    /// What is wrong with a query plan (`EXPLAIN QUERY PLAN` lines): a full
    /// scan of a table not known to be small, or a temporary B-tree to sort
    /// or group rows.
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
            if let Some(rest) = line.strip_prefix("SCAN ") {
                let name = rest.split_whitespace().next().unwrap_or(rest);
                if !SMALL_TABLES.contains(&name) && !derived.contains(&name) {
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
        for (name, sql) in ALL {
            let plan = plan_of(&store, sql).await;
            let bad = plan_faults(&plan);
            if !bad.is_empty() {
                faults.push(format!("{name}: {}\n    plan: {}", bad.join("; "), plan.join(" / ")));
            }
        }
        assert!(
            faults.is_empty(),
            "{} of {} statements read too much:\n{}",
            faults.len(),
            ALL.len(),
            faults.join("\n")
        );
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
    }

    /// No statement is written outside this file: every `sqlx::query…` call
    /// in the SQLite store's other files takes one of the constants above,
    /// so the plan test cannot miss a statement.
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
                if !argument.trim_start().starts_with("sql::") {
                    let line = text[..at].lines().count();
                    stray.push(format!("{}:{line}", path.display()));
                }
            }
        }
        assert!(stray.is_empty(), "SQL written outside sql.rs (add it there): {stray:?}");
    }
}
