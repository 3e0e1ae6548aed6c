//! The site's public address (`--public-url`, `NEWSDESK_PUBLIC_URL`): the
//! base of every absolute link, the origin newsroom forms must come from,
//! and whether session cookies are `Secure`.

use std::net::SocketAddr;

/// The site's public base URL: a scheme and a host (with a port when it is
/// not the default), such as `https://news.example.org`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl {
    /// `https://news.example.org`: no path, no trailing slash.
    origin: String,
    /// Whether it is https (cookies are then `Secure`).
    https: bool,
    /// Whether it was given, rather than made from the listening address.
    configured: bool,
}

impl PublicUrl {
    /// Reads a public URL as given in the configuration: `http` or `https`,
    /// a host, an optional port, and nothing after it but a `/`.
    pub fn parse(given: &str) -> Result<PublicUrl, String> {
        let text = given.trim();
        let uri: axum::http::Uri = text
            .parse()
            .map_err(|_| format!("the public URL {given:?} is not a URL such as https://news.example.org"))?;
        let https = match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(format!("the public URL {given:?} must start with https:// or http://")),
        };
        let Some(authority) = uri.authority().filter(|a| !a.host().is_empty()) else {
            return Err(format!("the public URL {given:?} has no host name"));
        };
        if authority.as_str().contains('@') {
            return Err(format!("the public URL {given:?} must not contain a user name or password"));
        }
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() || text.contains('#') {
            return Err(format!(
                "the public URL {given:?} must be the site's root, such as https://news.example.org \
                 (serving under a path is not supported)"
            ));
        }
        let scheme = if https { "https" } else { "http" };
        let default_port = if https { 443 } else { 80 };
        let host = authority.host().to_ascii_lowercase();
        let origin = match authority.port_u16() {
            Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
            _ => format!("{scheme}://{host}"),
        };
        Ok(PublicUrl { origin, https, configured: true })
    }

    /// The address the server listens on, when no public URL is given.
    pub fn listening(addr: SocketAddr) -> PublicUrl {
        PublicUrl { origin: format!("http://{addr}"), https: false, configured: false }
    }

    /// `https://news.example.org`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Whether the site is served over https.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// Whether the public URL was given (not made from the listening address).
    pub fn is_configured(&self) -> bool {
        self.configured
    }

    /// The absolute URL of a path on the site (`/articles/x`).
    pub fn absolute(&self, path: &str) -> String {
        if path.starts_with('/') { format!("{}{path}", self.origin) } else { format!("{}/{path}", self.origin) }
    }
}

impl Default for PublicUrl {
    fn default() -> Self {
        PublicUrl::listening(SocketAddr::from(([127, 0, 0, 1], 8080)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls() {
        let u = PublicUrl::parse("https://News.Example.org/").unwrap();
        assert_eq!((u.origin(), u.is_https(), u.is_configured()), ("https://news.example.org", true, true));
        assert_eq!(u.absolute("/articles/a"), "https://news.example.org/articles/a");
        assert_eq!(PublicUrl::parse("https://news.example.org:443").unwrap().origin(), "https://news.example.org");
        assert_eq!(PublicUrl::parse("http://localhost:8080").unwrap().origin(), "http://localhost:8080");
        assert!(!PublicUrl::parse("http://localhost:8080").unwrap().is_https());
        for bad in [
            "news.example.org",
            "ftp://x.org",
            "https://",
            "https://x.org/news",
            "https://u:p@x.org",
            "https://x.org/?a=1",
            "",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
        let l = PublicUrl::listening("127.0.0.1:9000".parse().unwrap());
        assert_eq!((l.origin(), l.is_configured()), ("http://127.0.0.1:9000", false));
    }
}
