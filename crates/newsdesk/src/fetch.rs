//! Fetching an export or a feed by URL, for `newsdesk import URL`: with a
//! time limit, a size limit (checked against the announced length before
//! anything is read, and again while reading), and errors in plain words.

use std::time::Duration;

/// Fetches `url` (http or https), at most `max_bytes`, within `timeout`.
pub fn fetch(url: &str, max_bytes: u64, timeout: Duration) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .timeout_connect(Some(Duration::from_secs(10).min(timeout)))
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent(concat!("newsdesk-import/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let response = agent.get(url).call().map_err(|e| format!("cannot fetch it: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the server answered {status}"));
    }
    let announced = response
        .headers()
        .get(ureq::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(n) = announced.filter(|&n| n > max_bytes) {
        return Err(format!(
            "the server announces {}, more than the limit of {} (raise it with --max-download)",
            megabytes(n),
            megabytes(max_bytes)
        ));
    }
    let bytes = response.into_body().with_config().limit(max_bytes).read_to_vec().map_err(|e| match e {
        ureq::Error::BodyExceedsLimit(_) => {
            format!("it is larger than the limit of {} (raise it with --max-download)", megabytes(max_bytes))
        }
        other => format!("reading it failed: {other}"),
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn megabytes(n: u64) -> String {
    if n >= 1_000_000 { format!("{:.1} MB", n as f64 / 1e6) } else { format!("{n} bytes") }
}

/// Whether an import argument is a URL rather than a path.
pub fn is_url(arg: &str) -> bool {
    let lower = arg.get(..8).unwrap_or(arg).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}
