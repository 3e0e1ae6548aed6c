//! `newsdesk import` of other engines' archives, through the real binary: a
//! WordPress export, a Ghost export and an RSS feed from files, a feed from a
//! URL served by a local test server, and hostile inputs (an XML entity
//! bomb, a download announcing 500 MB, a missing page).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_newsdesk");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("newsdesk-engines-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn import(db: &Path, args: &[&str]) -> (bool, String) {
    let out: Output =
        Command::new(BIN).arg("import").args(args).env("NEWSDESK_DB", db).env("RUST_LOG", "warn").output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

const WXR: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old Blog</title><language>en</language><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Harbour Caf&#233; Opens</title><dc:creator><![CDATA[ann]]></dc:creator>
  <content:encoded><![CDATA[The café opened on Monday. <script>alert(1)</script>It sells soup.

Owners said trade was brisk.]]></content:encoded>
  <wp:post_id>1</wp:post_id><wp:post_date_gmt>2024-05-01 09:00:00</wp:post_date_gmt>
  <wp:post_name>harbour-cafe-opens</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
  <category domain="category" nicename="food"><![CDATA[Food]]></category>
  <wp:postmeta><wp:meta_key>rating</wp:meta_key><wp:meta_value>5</wp:meta_value></wp:postmeta>
  <wp:comment><wp:comment_id>9</wp:comment_id></wp:comment></item>
<item><title>About</title><wp:post_id>2</wp:post_id><wp:status>publish</wp:status><wp:post_type>page</wp:post_type></item>
</channel></rss>"#;

const GHOST: &str = r#"{"db": [{"meta": {"version": "5.0.0"}, "data": {
  "posts": [{"id": "a1", "type": "post", "status": "draft", "title": "Ferry Plans", "slug": "ferry-plans",
             "html": "<p>The ferry may return. Talks continue.</p>", "updated_at": "2024-06-01T10:00:00.000Z"}],
  "tags": [], "posts_tags": [], "users": [], "posts_authors": []}}]}"#;

const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>
<item><title>Tide Times Change</title><link>https://gazette.example/tide-times-change</link>
<pubDate>Tue, 04 Mar 2025 08:00:00 GMT</pubDate><category>Local</category>
<description>&lt;p&gt;High water moves to noon. Low water follows at six.&lt;/p&gt;</description></item>
</channel></rss>"#;

#[test]
fn wordpress_ghost_and_feed_files_come_across_and_say_what_did_not() {
    let dir = temp_dir("files");
    let db = dir.join("site.db");
    for (name, text) in [("wp.xml", WXR), ("ghost.json", GHOST), ("feed.rss", RSS)] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let (ok, err) = import(&db, &[dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(err.contains("3 files read, 3 articles: 3 created, 0 updated, 0 unchanged, 0 failed"), "{err}");
    assert!(err.contains("wp.xml: WordPress export, 1 entry; not imported: comments: 1, custom fields: 1 (rating), pages (not articles): 1 (About)"), "{err}");
    assert!(err.contains("ghost.json: Ghost export, 1 entry; nothing left out"), "{err}");
    assert!(err.contains("feed.rss: feed, 1 entry; not imported: entries with only a summary (the full text stays on the original site): 1"), "{err}");
    assert!(err.contains("not imported from other engines' exports: comments: 1, custom fields: 1 (rating)"), "{err}");
    // Importing again changes nothing; an edited export updates in place.
    let (ok, err) = import(&db, &[dir.to_str().unwrap()]);
    assert!(ok && err.contains("0 created, 0 updated, 3 unchanged"), "{err}");
    std::fs::write(dir.join("wp.xml"), WXR.replace("It sells soup.", "It sells soup and bread.")).unwrap();
    let (ok, err) = import(&db, &[dir.join("wp.xml").to_str().unwrap()]);
    assert!(ok && err.contains("0 created, 1 updated, 0 unchanged"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_files_are_refused_with_a_reason() {
    let dir = temp_dir("hostile");
    let db = dir.join("site.db");
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">
        <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
        <wp:wxr_version>1.2</wp:wxr_version><item><title>&c;</title></item></channel></rss>"#;
    std::fs::write(dir.join("bomb.xml"), bomb).unwrap();
    std::fs::write(dir.join("odd.xml"), "<html><body>Not an export.</body></html>").unwrap();
    let (ok, err) = import(&db, &[dir.join("bomb.xml").to_str().unwrap(), dir.join("odd.xml").to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("bomb.xml") && err.contains("not expanded"), "{err}");
    assert!(err.contains("odd.xml: neither a WordPress export nor an RSS, Atom or JSON feed"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A local HTTP server answering each path once per request: the feed,
/// a response announcing 500 MB, and a 404.
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = first.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let _ = match path.as_str() {
                "/feed.xml" => write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{RSS}",
                    RSS.len()
                ),
                "/huge.xml" => {
                    // Announces 500 MB and sends a little: it must be refused unread.
                    write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: 500000000\r\nConnection: close\r\n\r\n<rss>")
                }
                _ => write!(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
            };
        }
    });
    format!("http://{addr}")
}

#[test]
fn feeds_come_from_urls_within_limits() {
    let dir = temp_dir("urls");
    let db = dir.join("site.db");
    let base = serve();
    let (ok, err) = import(&db, &[&format!("{base}/feed.xml")]);
    assert!(ok, "{err}");
    assert!(err.contains("1 file read, 1 article: 1 created"), "{err}");
    let (ok, err) = import(&db, &[&format!("{base}/huge.xml"), &format!("{base}/missing.xml")]);
    assert!(!ok);
    assert!(
        err.contains("huge.xml: cannot import: the server announces 500.0 MB, more than the limit of 100.0 MB"),
        "{err}"
    );
    assert!(err.contains("missing.xml: cannot import: the server answered 404"), "{err}");
    assert!(err.contains("0 files read, 0 articles") && err.contains("2 paths could not be read"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
