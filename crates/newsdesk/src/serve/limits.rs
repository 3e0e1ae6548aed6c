//! `newsdesk serve`'s limits at the door and page cache options.

use std::time::Duration;

use axum::http::HeaderName;

/// Limits at the door, and the page cache.
#[derive(clap::Args, Debug, Clone)]
#[command(next_help_heading = "Limits and cache")]
pub struct LimitArgs {
    /// The longest a request's head (request line and headers) may take to
    /// arrive, counted from when the connection waits for it; the
    /// connection is closed after it. DURATION: 10s, 500ms, 2m, or seconds.
    #[arg(long, env = "NEWSDESK_HEADER_TIMEOUT", default_value = "10s", value_name = "DURATION",
          value_parser = parse_duration)]
    pub header_timeout: Duration,
    /// Close a connection that sends nothing of a next request for this long
    /// after its last response (the header timeout bounds it too).
    #[arg(long, env = "NEWSDESK_KEEP_ALIVE_TIMEOUT", default_value = "5s", value_name = "DURATION",
          value_parser = parse_duration)]
    pub keep_alive_timeout: Duration,
    /// The longest a request body may take to arrive, whole (408 after it).
    #[arg(long, env = "NEWSDESK_BODY_TIMEOUT", default_value = "30s", value_name = "DURATION",
          value_parser = parse_duration)]
    pub body_timeout: Duration,
    /// The most connections open at once [default: the open-file limit less
    /// 128, at most 4096]. At the limit, the connection idle the longest is
    /// closed to make room; while all are busy, new ones wait.
    #[arg(long, env = "NEWSDESK_MAX_CONNECTIONS", value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: Option<u32>,
    /// Expensive requests anybody may make (POST /api/summarize) per minute
    /// and client (IP address; IPv6 by /64), on average: 429 with
    /// Retry-After beyond it. A valid API token is not limited. 0: no limit.
    #[arg(long, env = "NEWSDESK_EXPENSIVE_PER_MINUTE", default_value_t = 30, value_name = "N")]
    pub expensive_per_minute: u32,
    /// How many expensive requests a client may make at once after a quiet while.
    #[arg(long, env = "NEWSDESK_EXPENSIVE_BURST", default_value_t = 10, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub expensive_burst: u32,
    /// How many expensive requests run at once, all clients together (503
    /// with Retry-After beyond it) [default: the number of cores]. 0: no limit.
    #[arg(long, env = "NEWSDESK_EXPENSIVE_CONCURRENCY", value_name = "N")]
    pub expensive_concurrency: Option<usize>,
    /// Searches (/search with a query, GET /api/search) per minute and
    /// client, on average: 429 with Retry-After beyond it. A valid API token
    /// is not limited. 0: no limit.
    #[arg(long, env = "NEWSDESK_SEARCH_PER_MINUTE", default_value_t = 60, value_name = "N")]
    pub search_per_minute: u32,
    /// How many searches a client may make at once after a quiet while.
    #[arg(long, env = "NEWSDESK_SEARCH_BURST", default_value_t = 20, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub search_burst: u32,
    /// How many searches run at once, all clients together (503 with
    /// Retry-After beyond it) [default: 4 times the number of cores]. 0: no limit.
    #[arg(long, env = "NEWSDESK_SEARCH_CONCURRENCY", value_name = "N")]
    pub search_concurrency: Option<usize>,
    /// The header in which a reverse proxy in front passes the client's
    /// address (X-Forwarded-For, X-Real-IP), for the rate limit and the
    /// newsroom's sign-in throttle: its last address is taken. Only behind
    /// such a proxy: clients can send it too.
    #[arg(long, env = "NEWSDESK_CLIENT_IP_HEADER", value_name = "HEADER")]
    pub client_ip_header: Option<HeaderName>,
    /// On Ctrl-C or SIGTERM, new connections are refused at once and the
    /// requests under way are answered, for at most this long; then the
    /// server exits (status 0 either way).
    #[arg(long, env = "NEWSDESK_SHUTDOWN_TIMEOUT", default_value = "30s", value_name = "DURATION",
          value_parser = parse_duration)]
    pub shutdown_timeout: Duration,
    /// The most the page cache keeps: 64MiB, 512KiB, 1GiB, or bytes.
    #[arg(long, env = "NEWSDESK_CACHE_SIZE", default_value = "16MiB", value_name = "SIZE",
          value_parser = parse_size)]
    pub cache_size: usize,
    /// The longest a cached page is served without being rendered again.
    /// Writes through this server show at once. On PostgreSQL, writes
    /// through other instances (and imports into the live database) are
    /// announced and show within a second; on SQLite, writes by another
    /// process (an import into the live database) show after this.
    #[arg(long, env = "NEWSDESK_CACHE_MAX_AGE", default_value = "60s", value_name = "DURATION",
          value_parser = parse_duration)]
    pub cache_max_age: Duration,
}

impl LimitArgs {
    /// The connections' limits.
    pub fn connections(&self) -> web::server::ConnLimits {
        let defaults = web::server::ConnLimits::default();
        web::server::ConnLimits {
            header_timeout: self.header_timeout,
            keep_alive: self.keep_alive_timeout,
            max_connections: self.max_connections.map_or(defaults.max_connections, |n| n as usize),
            drain: self.shutdown_timeout,
        }
    }

    /// The requests' limits.
    pub fn requests(&self) -> web::Limits {
        let defaults = web::Limits::default();
        web::Limits {
            body_timeout: self.body_timeout,
            expensive_per_minute: self.expensive_per_minute,
            expensive_burst: self.expensive_burst,
            expensive_concurrency: self.expensive_concurrency.unwrap_or(defaults.expensive_concurrency),
            search_per_minute: self.search_per_minute,
            search_burst: self.search_burst,
            search_concurrency: self.search_concurrency.unwrap_or(defaults.search_concurrency),
            client_ip_header: self.client_ip_header.clone(),
        }
    }

    /// The page cache's settings.
    pub fn cache(&self) -> web::CacheConfig {
        web::CacheConfig {
            max_bytes: self.cache_size,
            max_age: i64::try_from(self.cache_max_age.as_secs().max(1)).unwrap_or(i64::MAX),
        }
    }
}

/// `10s`, `500ms`, `2m`, `1h`, or a number of seconds; more than zero.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: f64 = number.parse().map_err(|_| format!("{s:?} is not a duration (10s, 500ms, 2m, 1h)"))?;
    let seconds = match unit.trim() {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        other => return Err(format!("unknown unit {other:?} in {s:?}: use ms, s, m or h")),
    };
    if !(seconds > 0.0 && seconds < 1e9) {
        return Err(format!("{s:?}: a duration must be more than zero"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// `64MiB`, `512KiB`, `1GiB` (also `64M`, `64MB`: powers of 1,024), or bytes.
pub fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: usize = number.parse().map_err(|_| format!("{s:?} is not a size (64MiB, 512KiB, 1GiB)"))?;
    let scale: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown unit {other:?} in {s:?}: use KiB, MiB or GiB")),
    };
    n.checked_mul(scale).ok_or_else(|| format!("{s:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        for bad in ["", "0", "0s", "ten", "5d", "-1s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("1GB"), Ok(1 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        for bad in ["", "MiB", "1.5MiB", "3 parsecs", "99999999999999999999GiB"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}
