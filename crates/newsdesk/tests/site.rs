//! The real binary: `import` (idempotent, bad files reported), `token`, and
//! `serve` over HTTP on a free port, stopped by SIGTERM. On a SQLite file,
//! or on PostgreSQL with `NEWSDESK_TEST_BACKEND=postgres` (a schema per test
//! on the server `NEWSDESK_TEST_PG` names; see `store::testing`).

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use store::testing::{SqliteIn, TestDatabase};

const BIN: &str = env!("CARGO_BIN_EXE_newsdesk");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("newsdesk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A fresh database for a test: a SQLite file, or a PostgreSQL schema when chosen.
fn database(name: &str) -> TestDatabase {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(TestDatabase::chosen(name, SqliteIn::File))
}

fn newsdesk(db: impl AsRef<OsStr>, args: &[&str]) -> Output {
    Command::new(BIN).args(args).env("NEWSDESK_DB", db).env("RUST_LOG", "warn").output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const GOOD: &str = "+++\nslug = \"river-report\"\ntitle = \"River Report\"\nsection = \"Science\"\n\
    tags = [\"water\"]\nauthors = [\"Ada Ray\"]\npublished = \"2026-05-01T09:00:00Z\"\nlang = \"en\"\n+++\n\n\
    The river rose two metres overnight. Farmers moved their animals to higher ground.\n\n\
    The water is expected to fall by Friday. Officials said the dykes held.\n";

#[test]
fn import_is_idempotent_and_reports_bad_files() {
    let dir = temp_dir("import");
    let db = database("import");
    let db = db.location();
    let files = dir.join("articles");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("good.md"), GOOD).unwrap();
    std::fs::write(
        files.join("yaml.md"),
        "---\nslug: yaml-one\ntitle: Yaml One\nsection: World\npublished: \"2026-05-02T09:00:00Z\"\n---\nA body. Two sentences.\n",
    )
    .unwrap();
    std::fs::write(
        files.join("batch.jsonl"),
        "{\"slug\":\"json-one\",\"title\":\"Json One\",\"section\":\"World\",\"body\":\"One. Two.\"}\n{\"slug\":\"BAD SLUG\",\"title\":\"x\",\"section\":\"y\"}\n",
    )
    .unwrap();
    std::fs::write(files.join("broken.md"), "+++\ntitle = \"no closing fence\"\n").unwrap();

    let first = newsdesk(db, &["import", files.to_str().unwrap()]);
    let err = text(&first.stderr);
    assert!(!first.status.success(), "bad files make the exit status fail");
    assert!(err.contains("broken.md") && err.contains("not closed"), "{err}");
    assert!(err.contains("batch.jsonl:2") && err.contains("slug"), "{err}");
    assert!(err.contains("\n4 files read, 5 articles: 3 created, 0 updated, 0 unchanged, 2 failed\n"), "{err}");

    let again =
        newsdesk(db, &["import", files.join("good.md").to_str().unwrap(), files.join("yaml.md").to_str().unwrap()]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("2 files read, 2 articles: 0 created, 0 updated, 2 unchanged, 0 failed"),
        "{}",
        text(&again.stderr)
    );

    // An article with no publication time of its own keeps the one it got
    // when first imported: unchanged, not re-dated (a second later, so that
    // "now" differs from the first import's).
    std::thread::sleep(Duration::from_millis(1100));
    let undated = newsdesk(db, &["import", files.join("batch.jsonl").to_str().unwrap()]);
    assert!(text(&undated.stderr).contains("0 created, 0 updated, 1 unchanged, 1 failed"), "{}", text(&undated.stderr));

    std::fs::write(files.join("good.md"), GOOD.replace("River Report", "River Report, Updated")).unwrap();
    let edited = newsdesk(db, &["import", files.join("good.md").to_str().unwrap()]);
    assert!(text(&edited.stderr).contains("0 created, 1 updated"), "{}", text(&edited.stderr));

    // A field no article has is named in a warning; the article is imported.
    std::fs::write(
        files.join("typo.md"),
        "+++\nslug = \"typo\"\ntitle = \"Typo\"\nsection = \"World\"\npublishd = \"2020-01-01\"\n+++\nOne. Two.\n",
    )
    .unwrap();
    let typo = newsdesk(db, &["import", files.join("typo.md").to_str().unwrap()]);
    let err = text(&typo.stderr);
    assert!(typo.status.success(), "{err}");
    assert!(err.contains("typo.md: unknown field \"publishd\" ignored") && err.contains("1 created"), "{err}");

    let missing = newsdesk(db, &["import", dir.join("nope.md").to_str().unwrap()]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("nope.md"));
    assert!(
        text(&missing.stderr).contains(
            "0 files read, 0 articles: 0 created, 0 updated, 0 unchanged, 0 failed; 1 path could not be read"
        ),
        "{}",
        text(&missing.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `kill -9` in the middle of a large import loses nothing it wrote and
/// leaves no half-written article: articles are written a batch (256) a
/// transaction, so what is stored is whole batches, each article whole
/// (body, summaries, its revision); importing again creates the rest and
/// finds the stored ones unchanged.
#[test]
fn an_import_killed_mid_way_leaves_whole_articles() {
    const N: usize = 1500;
    let dir = temp_dir("import-kill");
    let db = database("import-kill");
    let db = db.location();
    let body = |i: usize| {
        format!(
            "Article {i} opens with the council vote. The budget for item {i} passed by {} votes.\n\n\
             Farmers near river {i} moved their animals. The water fell by Friday, officials said.",
            i % 40 + 3
        )
    };
    let mut jsonl = String::new();
    for i in 0..N {
        let line = format!(
            "{{\"slug\":\"k-{i}\",\"title\":\"Report {i}\",\"section\":\"World\",\"tags\":[\"t{}\"],\"published\":\"2026-01-01T00:00:00Z\",\"body\":{}}}\n",
            i % 7,
            serde_json::to_string(&body(i)).unwrap()
        );
        jsonl.push_str(&line);
    }
    let file = dir.join("big.jsonl");
    std::fs::write(&file, jsonl).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut child = Command::new(BIN)
        .args(["import", file.to_str().unwrap()])
        .env("NEWSDESK_DB", db)
        .env("RUST_LOG", "warn")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed as soon as something is stored (or when it is done).
    let started = Instant::now();
    loop {
        let n = rt.block_on(async {
            let Ok(store) = store::open(db).await else { return 0 };
            let n = store.count_articles().await.unwrap_or(0);
            store.close().await;
            n
        });
        if n > 0 || child.try_wait().unwrap().is_some() || started.elapsed() > Duration::from_secs(300) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let stored = rt.block_on(async {
        let store = store::open(db).await.unwrap();
        let mut stored = 0;
        for i in 0..N {
            let Some(a) = store.article(&format!("k-{i}"), store::Visibility::All).await.unwrap() else { continue };
            stored += 1;
            assert_eq!(a.body_md, body(i), "k-{i}");
            assert!(!a.summaries.is_empty() && a.body_html.contains("council vote"), "k-{i} is whole");
            assert_eq!(store.count_revisions(a.id).await.unwrap(), 1, "k-{i}");
        }
        store.close().await;
        stored
    });
    assert!(stored == N || stored.is_multiple_of(256), "whole batches only: {stored} stored");
    let again = newsdesk(db, &["import", file.to_str().unwrap()]);
    let report = text(&again.stderr);
    assert!(again.status.success(), "{report}");
    let want = format!("1 file read, {N} articles: {} created, 0 updated, {stored} unchanged, 0 failed", N - stored);
    assert!(report.contains(&want), "{want}\n{report}");
    eprintln!("killed after {stored} of {N} articles were stored");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A refused item does not keep a later valid one with its slug out; errors
/// name the field in plain words (and the line, in front matter); the last
/// line counts files and articles as they are.
#[test]
fn import_errors_name_fields_and_refused_items_keep_no_slug() {
    let dir = temp_dir("import-errors");
    let db = database("import-errors");
    let db = db.location();
    let arr = dir.join("arr.json");
    std::fs::write(
        &arr,
        r#"[{"slug":"same","title":"","section":"World","body":"Refused: no title."},
            {"slug":"same","title":"Same","section":"World","body":"Imported. Second item."},
            {"title":"No slug","section":"World","body":"Refused."}]"#,
    )
    .unwrap();
    let md = dir.join("tags.md");
    std::fs::write(&md, "+++\nslug = \"tagged\"\ntitle = \"T\"\nsection = \"World\"\ntags = \"a\"\n+++\nBody.\n")
        .unwrap();
    let out = newsdesk(db, &["import", arr.to_str().unwrap(), md.to_str().unwrap()]);
    let err = text(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("arr.json: item 1: invalid article: title: must not be empty"), "{err}");
    assert!(!err.contains("already used"), "{err}");
    assert!(err.contains("arr.json: item 3: invalid article: slug is required"), "{err}");
    assert!(err.contains("tags.md: invalid article: tags must be a list (line 5)"), "{err}");
    assert!(err.contains("2 files read, 4 articles: 1 created, 0 updated, 0 unchanged, 3 failed"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--db` in a folder that does not exist, or naming a folder: one error
/// line that names the path and says why.
#[test]
fn unusable_database_paths_are_explained_once() {
    let dir = temp_dir("bad-db");
    let missing = dir.join("nope").join("site.db");
    for (db, why) in [
        (missing.clone(), format!("the folder {} does not exist", dir.join("nope").display())),
        (dir.clone(), format!("{} is a folder", dir.display())),
    ] {
        let out = newsdesk(&db, &["token", "list"]);
        let err = text(&out.stderr);
        assert!(!out.status.success(), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&format!("opening the database {}: {why}", db.display())), "{err}");
        assert!(!err.contains("unable to open database file"), "{err}");
    }
    assert!(!dir.join("nope").exists());
    // A server that is not there (nothing listens on port 1), and a database
    // Newsdesk does not know: one line each, the password masked.
    for (db, why) in [
        ("postgres://ann:secret@127.0.0.1:1/site".to_owned(), "cannot reach the PostgreSQL server"),
        ("mysql://ann:secret@127.0.0.1/site".to_owned(), "unsupported database"),
    ] {
        let out = newsdesk(&db, &["token", "list"]);
        let err = text(&out.stderr);
        assert!(!out.status.success(), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("opening the database ") && err.contains("ann:***@127.0.0.1") && err.contains(why),
            "{err}"
        );
        assert!(!err.contains("secret"), "{err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tokens_are_created_listed_and_revoked() {
    let dir = temp_dir("token");
    let db = database("token");
    let db = db.location();
    let created = newsdesk(db, &["token", "create", "ci"]);
    assert!(created.status.success(), "{}", text(&created.stderr));
    let token = text(&created.stdout).trim().to_owned();
    assert!(token.starts_with("nd_") && token.len() > 40);
    assert!(!newsdesk(db, &["token", "create", "ci"]).status.success(), "names are unique");
    let list = text(&newsdesk(db, &["token", "list"]).stdout);
    assert!(list.contains("ci") && list.contains("active") && !list.contains(&token), "{list}");
    assert!(newsdesk(db, &["token", "revoke", "ci"]).status.success());
    assert!(text(&newsdesk(db, &["token", "list"]).stdout).contains("revoked"));
    assert!(!newsdesk(db, &["token", "revoke", "ci"]).status.success());
    // `--db` may come after the subcommand too.
    let other = dir.join("other.db");
    let late = Command::new(BIN)
        .args(["token", "create", "late", "--db", other.to_str().unwrap()])
        .env_remove("NEWSDESK_DB")
        .env_remove("DATABASE_URL")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(late.status.success(), "{}", text(&late.stderr));
    assert!(other.exists() && !dir.join("newsdesk.db").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `newsdesk serve ARGS` on the database `db`, its standard error to `stderr`.
fn serve(args: &[&str], db: impl AsRef<OsStr>, stderr: Stdio) -> Child {
    Command::new(BIN)
        .arg("serve")
        .args(args)
        .env("NEWSDESK_DB", db)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

/// How `child` exits, waiting at most `limit`; killed and `failure` past it.
fn exit_within(child: &mut Child, limit: Duration, failure: &str) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{failure}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `newsdesk serve ARGS --addr 127.0.0.1:0` on `db`, and the port it chose,
/// read from its log line "serving on http://…/" (a port picked by the test
/// beforehand could be taken by another test before the server binds it).
/// The rest of its standard error is copied to the test's.
fn serve_on_any_port(args: &[&str], db: impl AsRef<OsStr>) -> (Child, u16) {
    let (child, port, _log) = serve_logged(args, db, "warn,newsdesk::serve=info");
    (child, port)
}

/// A minimal HTTP/1.1 client: (status, body).
fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let out = text(&out);
    let status = out.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

#[test]
fn serve_answers_over_http_and_stops_on_sigterm() {
    let dir = temp_dir("serve");
    let db = database("serve");
    let db = db.location();
    let token = text(&newsdesk(db, &["token", "create", "editor"]).stdout).trim().to_owned();
    let (mut child, port) = serve_on_any_port(&["--demo"], db);
    let addr = format!("127.0.0.1:{port}");
    // A second server on the same address fails to start, rather than
    // sharing the port (SO_REUSEPORT) and taking half the requests.
    let mut second = serve(&["--addr", &addr], dir.join("second.db"), Stdio::piped());
    let exit = exit_within(&mut second, Duration::from_secs(60), &format!("a second server started on {addr}"));
    let mut err = String::new();
    second.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(!exit.success());
    assert!(err.contains("cannot listen on"), "{err}");
    let (status, home) = http(port, "GET", "/", &[], "");
    assert_eq!(status, 200);
    let demo = demo::files().len();
    assert_eq!(home.matches("data-article-link").count(), demo.min(20), "the demo site is there");
    let (status, missing) = http(port, "GET", "/articles/no-such-thing", &[], "");
    assert_eq!(status, 404);
    assert!(missing.to_lowercase().contains("not found"));

    let article = r#"{"slug":"live-one","title":"Live One","section":"World","body":"Made over HTTP. It works."}"#;
    let auth = format!("Bearer {token}");
    let (status, _) = http(port, "POST", "/api/articles", &[("Content-Type", "application/json")], article);
    assert_eq!(status, 401);
    let (status, body) =
        http(port, "POST", "/api/articles", &[("Content-Type", "application/json"), ("Authorization", &auth)], article);
    assert_eq!(status, 201, "{body}");
    let (status, page) = http(port, "GET", "/articles/live-one", &[], "");
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Live One</h1>"));

    #[cfg(unix)]
    {
        let pid = child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let status = exit_within(&mut child, Duration::from_secs(20), "no clean shutdown");
        assert!(status.success(), "{status:?}");
    }
    #[cfg(not(unix))]
    child.kill().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// `newsdesk serve ARGS --addr 127.0.0.1:0` on `db` with `RUST_LOG=log`:
/// the server, the port it chose (read from its log), and its log lines
/// (complete once it has exited), each also copied to the test's standard error.
fn serve_logged(args: &[&str], db: impl AsRef<OsStr>, log: &str) -> (Child, u16, std::thread::JoinHandle<Vec<String>>) {
    let mut child = Command::new(BIN)
        .arg("serve")
        .args(args)
        .args(["--addr", "127.0.0.1:0"])
        .env("NEWSDESK_DB", db)
        .env("RUST_LOG", log)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let lines = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in stderr.lines().map_while(Result::ok) {
            eprintln!("newsdesk serve: {line}");
            if let Some((_, rest)) = line.split_once("serving on http://127.0.0.1:") {
                let _ = tx.send(rest.split('/').next().and_then(|p| p.parse::<u16>().ok()));
            }
            lines.push(line);
        }
        lines
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Some(port)) => (child, port, lines),
        failed => {
            let exited = child.try_wait().unwrap();
            let _ = child.kill();
            panic!("the server did not say where it serves ({failed:?}; exit status {exited:?})");
        }
    }
}

/// Stops the server with SIGTERM (killed elsewhere) and returns its log.
fn stop_server(mut child: Child, log: std::thread::JoinHandle<Vec<String>>) -> Vec<String> {
    #[cfg(unix)]
    {
        assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
        let status = exit_within(&mut child, Duration::from_secs(30), "no clean shutdown");
        assert!(status.success(), "{status:?}");
    }
    #[cfg(not(unix))]
    child.kill().unwrap();
    log.join().unwrap()
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s
}

/// Reads until the server closes the connection (or resets it).
fn read_until_closed(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return text(&out),
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
}

/// A client that sends a header line now and then never finishes its head:
/// it is disconnected after the header timeout. A connection that stays
/// idle after its response is closed after the keep-alive timeout.
#[test]
fn slow_heads_and_idle_connections_are_disconnected() {
    let dir = temp_dir("timeouts");
    let db = dir.join("site.db");
    let args = ["--header-timeout", "2s", "--keep-alive-timeout", "1s"];
    let (child, port, log) = serve_logged(&args, &db, "warn,newsdesk::serve=info,web::server=debug");

    let mut slow = connect(port);
    slow.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n").unwrap();
    let mut writer = slow.try_clone().unwrap();
    let trickle = std::thread::spawn(move || {
        for _ in 0..300 {
            std::thread::sleep(Duration::from_millis(200));
            if writer.write_all(b"X-Slow: 1\r\n").is_err() {
                return;
            }
        }
    });
    let start = Instant::now();
    let answer = read_until_closed(&mut slow);
    let closed_after = start.elapsed();
    assert!(!answer.contains("200 OK"), "{answer}");
    assert!(closed_after >= Duration::from_millis(1500), "closed before the timeout: {closed_after:?}");
    assert!(closed_after < Duration::from_secs(30), "not closed: {closed_after:?}");
    trickle.join().unwrap();

    let mut idle = connect(port);
    idle.write_all(b"GET /static/site.js HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let start = Instant::now();
    let answer = read_until_closed(&mut idle);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(start.elapsed() < Duration::from_secs(30), "the idle connection stayed open");
    assert_eq!(http(port, "GET", "/", &[], "").0, 200, "others are served meanwhile");

    let log = stop_server(child, log);
    let has = |what: &str| log.iter().any(|l| l.contains(what));
    assert!(has("read header from client timeout"), "{log:#?}");
    assert!(has("idle connection closed (keep-alive timeout)"), "{log:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// At most --max-connections are open. While every one is busy (here,
/// sending a body), a new client waits; once connections are idle or
/// still sending their heads, the one idle the longest makes room for a
/// new client. The log says so once per time the limit is reached, not
/// once per connection.
#[test]
fn the_connection_limit_holds_and_makes_room() {
    let dir = temp_dir("conn-limit");
    let db = dir.join("site.db");
    let args =
        ["--max-connections", "4", "--header-timeout", "60s", "--keep-alive-timeout", "60s", "--body-timeout", "3s"];
    let (child, port, log) = serve_logged(&args, &db, "warn,newsdesk::serve=info");

    // Four requests whose bodies never come fill the server.
    let mut busy: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut s = connect(port);
            s.write_all(
                b"POST /api/summarize HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
                  Content-Length: 100\r\n\r\n{\"text\":",
            )
            .unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1000));
    let mut fifth = connect(port);
    fifth.write_all(b"GET /static/site.js HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    fifth.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let mut first = [0u8; 1];
    assert!(fifth.read(&mut first).is_err(), "served beyond the limit while every connection was busy");
    // Their bodies time out (408), and the fifth is served.
    for s in &mut busy {
        let answer = read_until_closed(s);
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    }
    fifth.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    assert!(read_until_closed(&mut fifth).starts_with("HTTP/1.1 200 OK"), "the fifth was served");
    drop(busy);

    // Heads that never finish fill it again; new clients get in at once
    // (long before the header timeout): the longest idle makes room.
    let slow: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut s = connect(port);
            s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n").unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..3 {
        let start = Instant::now();
        assert_eq!(http(port, "GET", "/", &[], "").0, 200);
        assert!(start.elapsed() < Duration::from_secs(30), "a client waited for the header timeout");
    }
    drop(slow);

    let log = stop_server(child, log);
    let reached = log.iter().filter(|l| l.contains("connection limit reached")).count();
    assert_eq!(reached, 2, "once for the busy connections, once for the slow ones: {log:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn feeds_sitemaps_and_previews_use_the_public_url() {
    let dir = temp_dir("public-url");
    let db = dir.join("site.db");
    let (child, port, log) =
        serve_logged(&["--demo", "--public-url", "https://News.Example.org/"], &db, "warn,newsdesk::serve=info");
    let origin = "https://news.example.org";
    let (status, robots) = http(port, "GET", "/robots.txt", &[], "");
    assert_eq!(status, 200);
    assert!(robots.contains(&format!("Sitemap: {origin}/sitemap.xml")), "{robots}");
    let (status, feed) = http(port, "GET", "/feed.json", &[], "");
    assert_eq!(status, 200);
    let feed: serde_json::Value = serde_json::from_str(&feed).unwrap();
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), demo::files().len().min(50), "the demo articles");
    assert!(items.iter().all(|i| i["url"].as_str().unwrap().starts_with(&format!("{origin}/articles/"))));
    let (status, index) = http(port, "GET", "/sitemap.xml", &[], "");
    assert_eq!(status, 200);
    assert!(index.contains(&format!("<loc>{origin}/sitemaps/articles-1.xml</loc>")), "{index}");
    let (status, articles) = http(port, "GET", "/sitemaps/articles-1.xml", &[], "");
    assert_eq!(status, 200);
    assert_eq!(articles.matches("<url>").count(), demo::files().len());
    let first = items[0]["url"].as_str().unwrap().strip_prefix(origin).unwrap().to_owned();
    let (status, page) = http(port, "GET", &first, &[], "");
    assert_eq!(status, 200);
    assert!(page.contains(&format!("<meta property=\"og:url\" content=\"{origin}{first}\">")), "{page}");
    let log = stop_server(child, log);
    assert!(!log.iter().any(|l| l.contains("no public URL given")), "{log:#?}");

    // Without it: the listening address, and a warning once.
    let (child, port, log) = serve_logged(&[], &db, "warn,newsdesk::serve=info");
    let (_, robots) = http(port, "GET", "/robots.txt", &[], "");
    assert!(robots.contains(&format!("Sitemap: http://127.0.0.1:{port}/sitemap.xml")), "{robots}");
    let log = stop_server(child, log);
    assert_eq!(log.iter().filter(|l| l.contains("no public URL given")).count(), 1, "{log:#?}");

    // A public URL that is not one is refused before anything starts.
    let out = Command::new(BIN)
        .args(["serve", "--public-url", "ftp://news.example.org", "--addr", "127.0.0.1:0"])
        .env("NEWSDESK_DB", dir.join("other.db"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("must start with https:// or http://"), "{}", text(&out.stderr));
    assert!(!dir.join("other.db").exists(), "refused before the database is opened");
    let _ = std::fs::remove_dir_all(&dir);
}
