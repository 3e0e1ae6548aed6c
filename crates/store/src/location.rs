//! Where a store is: which backend a location names, and the location as it
//! may be shown (its password masked).

use crate::{Result, StoreError};

/// A kind of backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// The embedded SQLite: a path, a `sqlite:` URL or `:memory:`.
    Sqlite,
    /// A PostgreSQL server: a `postgres://` or `postgresql://` URL.
    Postgres,
}

impl Kind {
    /// The backend a location names: `postgres://` and `postgresql://` URLs
    /// are PostgreSQL, `sqlite:` URLs, `:memory:` and anything without a
    /// `scheme://` are SQLite (a file path); other schemes are refused.
    pub fn of(location: &str) -> Result<Kind> {
        let lower = location.trim_start().to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Ok(Kind::Postgres)
        } else if lower.starts_with("sqlite:") || lower == ":memory:" || !lower.contains("://") {
            Ok(Kind::Sqlite)
        } else {
            Err(StoreError::Unsupported(
                "give a file path or sqlite://PATH for SQLite, or postgres://USER:PASSWORD@HOST/DATABASE for \
                 PostgreSQL"
                    .to_owned(),
            ))
        }
    }

    /// Its name in messages ("SQLite", "PostgreSQL").
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sqlite => "SQLite",
            Kind::Postgres => "PostgreSQL",
        }
    }

    /// The store crate's Cargo feature that builds it.
    pub fn feature(self) -> &'static str {
        match self {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgres",
        }
    }
}

/// The database file a SQLite location names (a path or a `sqlite:` URL,
/// without its `?options`); `None` for `:memory:`, an empty location and
/// other backends.
pub fn sqlite_file(location: &str) -> Option<std::path::PathBuf> {
    if Kind::of(location).ok()? != Kind::Sqlite || location.trim() == ":memory:" {
        return None;
    }
    let path = location.strip_prefix("sqlite://").or_else(|| location.strip_prefix("sqlite:")).unwrap_or(location);
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

/// The location with any password masked, for logs and messages:
/// `postgres://ann:secret@db/site?password=x` becomes
/// `postgres://ann:***@db/site?password=***`. A path is returned as it is.
pub fn redact(location: &str) -> String {
    let Some(scheme_end) = location.find("://") else { return location.to_owned() };
    let rest_at = scheme_end + 3;
    let rest = &location[rest_at..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let mut out = String::with_capacity(location.len());
    out.push_str(&location[..rest_at]);
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            match userinfo.find(':') {
                Some(colon) => {
                    out.push_str(&userinfo[..colon]);
                    out.push_str(":***");
                }
                None => out.push_str(userinfo),
            }
            out.push_str(&authority[at..]);
        }
        None => out.push_str(authority),
    }
    let tail = &rest[authority_end..];
    match tail.find('?') {
        Some(q) => {
            out.push_str(&tail[..=q]);
            let query = &tail[q + 1..];
            let (query, fragment) = match query.find('#') {
                Some(h) => (&query[..h], &query[h..]),
                None => (query, ""),
            };
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => pair.to_owned(),
                })
                .collect();
            out.push_str(&pairs.join("&"));
            out.push_str(fragment);
        }
        None => out.push_str(tail),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_name_their_backend() {
        for (location, kind) in [
            ("newsdesk.db", Kind::Sqlite),
            ("/var/lib/newsdesk/site.db", Kind::Sqlite),
            ("sqlite://site.db?mode=rwc", Kind::Sqlite),
            ("sqlite::memory:", Kind::Sqlite),
            (":memory:", Kind::Sqlite),
            ("postgres://ann@db/site", Kind::Postgres),
            ("postgresql://ann:pw@db:5433/site?sslmode=require", Kind::Postgres),
            ("POSTGRES://db/site", Kind::Postgres),
        ] {
            assert_eq!(Kind::of(location).unwrap(), kind, "{location}");
        }
        let err = Kind::of("mysql://root:hunter2@db/site").unwrap_err().to_string();
        assert!(err.starts_with("unsupported database: ") && err.contains("postgres://"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn sqlite_locations_name_their_file() {
        for (location, file) in [
            ("newsdesk.db", Some("newsdesk.db")),
            ("/var/lib/newsdesk/site.db", Some("/var/lib/newsdesk/site.db")),
            ("sqlite://site.db?mode=rwc", Some("site.db")),
            ("sqlite:site.db", Some("site.db")),
            ("sqlite::memory:", None),
            (":memory:", None),
            ("", None),
            ("postgres://ann@db/site", None),
        ] {
            assert_eq!(sqlite_file(location), file.map(std::path::PathBuf::from), "{location}");
        }
    }

    #[test]
    fn passwords_are_masked() {
        for (location, shown) in [
            ("postgres://ann:secret@db/site", "postgres://ann:***@db/site"),
            (
                "postgres://ann:s%40c:ret@db:5432/site?sslmode=require",
                "postgres://ann:***@db:5432/site?sslmode=require",
            ),
            ("postgres://ann@db/site", "postgres://ann@db/site"),
            ("postgres://db/site?user=ann&password=secret&x=1", "postgres://db/site?user=ann&password=***&x=1"),
            ("postgresql://ann:pw@/site?host=/run/postgresql", "postgresql://ann:***@/site?host=/run/postgresql"),
            ("site.db", "site.db"),
            ("sqlite://site.db?mode=rwc", "sqlite://site.db?mode=rwc"),
        ] {
            assert_eq!(redact(location), shown, "{location}");
        }
    }
}
