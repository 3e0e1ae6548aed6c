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

/// The log is plain text when stderr is not a terminal (a file, a pipe, a
/// service's journal): no colour codes.
#[test]
fn logs_to_a_pipe_are_plain_text() {
    let dir = temp_dir("plain-log");
    let db = database("plain-log");
    let file = dir.join("one.md");
    std::fs::write(&file, GOOD).unwrap();
    let out = Command::new(BIN)
        .args(["import", &file.display().to_string()])
        .env("NEWSDESK_DB", db.location())
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("articles written"), "the info log: {err}");
    assert!(!err.contains('\u{1b}'), "colour codes in a piped log: {err:?}");
}

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
        let out = newsdesk(&db, &["token", "create", "ci"]);
        let err = text(&out.stderr);
        assert!(!out.status.success(), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&format!("opening the database {}: {why}", db.display())), "{err}");
        assert!(!err.contains("unable to open database file"), "{err}");
    }
    assert!(!dir.join("nope").exists());
    // Commands that read a site refuse a file that is not there (a typo in
    // `--db`) instead of making an empty site and reporting it.
    let typo = dir.join("typo.db");
    let copy = dir.join("copy.db");
    for args in [&["backup", copy.to_str().unwrap()][..], &["export"], &["token", "list"], &["user", "list"]] {
        let out = newsdesk(&typo, args);
        let err = text(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&format!("there is no database at {}", typo.display())), "{args:?}: {err}");
    }
    assert!(!typo.exists() && !copy.exists());
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
    // A later article on the same subject: "live-one"'s related list (its
    // page cached above) is queued by the write and made in the background
    // after the answer; its page then lists the later one.
    let later = r#"{"slug":"live-two","title":"Live Two","section":"World","body":"Made over HTTP again. It works."}"#;
    let json = [("Content-Type", "application/json"), ("Authorization", auth.as_str())];
    assert_eq!(http(port, "POST", "/api/articles", &json, later).0, 201);
    let related = |page: &str| {
        page.split("<section class=\"related\"")
            .nth(1)
            .and_then(|s| s.split("</section>").next())
            .unwrap_or("")
            .to_owned()
    };
    let start = Instant::now();
    while !related(&http(port, "GET", "/articles/live-one", &[], "").1).contains("href=\"/articles/live-two\"") {
        assert!(start.elapsed() < Duration::from_secs(30), "live-two never listed as related to live-one");
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("a related list made in the background showed {:?} after the write's answer", start.elapsed());

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
    let (child, port, _, lines) = serve_watched(args, db, log, &[]);
    (child, port, lines)
}

/// The log lines so far of a server started by [`serve_watched`].
type LinesSoFar = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// [`serve_logged`] with more environment variables, and the log lines as
/// they come too.
fn serve_watched(
    args: &[&str],
    db: impl AsRef<OsStr>,
    log: &str,
    envs: &[(&str, &str)],
) -> (Child, u16, LinesSoFar, std::thread::JoinHandle<Vec<String>>) {
    let mut child = Command::new(BIN)
        .arg("serve")
        .args(args)
        .args(["--addr", "127.0.0.1:0"])
        .env("NEWSDESK_DB", db)
        .env("RUST_LOG", log)
        .env("NO_COLOR", "1")
        .envs(envs.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let so_far = LinesSoFar::default();
    let shared = so_far.clone();
    let lines = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in stderr.lines().map_while(Result::ok) {
            eprintln!("newsdesk serve: {line}");
            shared.lock().unwrap().push(line.clone());
            if let Some((_, rest)) = line.split_once("serving on http://127.0.0.1:") {
                let _ = tx.send(rest.split('/').next().and_then(|p| p.parse::<u16>().ok()));
            }
            lines.push(line);
        }
        lines
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Some(port)) => (child, port, so_far, lines),
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

/// The value of one series in a Prometheus text scrape, a whole number (0 when absent).
fn series(scrape: &str, name_and_labels: &str) -> u64 {
    scrape.lines().find_map(|l| l.strip_prefix(name_and_labels)?.strip_prefix(' ')?.trim().parse().ok()).unwrap_or(0)
}

/// Operations (issue #14.6), on the real binary: a configuration file
/// (given by NEWSDESK_CONFIG) under the environment and the command line;
/// Prometheus metrics on their own address, with every family, and a
/// request moving its counter; one JSON log line per request with its
/// route pattern, status and request id, which the error page shows too.
#[test]
fn metrics_request_logs_and_the_configuration_file() {
    let dir = temp_dir("operations");
    let db = database("operations");
    let config = dir.join("newsdesk.toml");
    std::fs::write(
        &config,
        "# flags > environment > file > defaults\n\
         addr = \"file-address-is-not-used:1\"\n\
         site-name = \"Named In The File\"\n\
         cache-size = \"32MiB\"\n\
         metrics-addr = \"127.0.0.1:0\"\n\
         log-format = \"json\"\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let envs = [
        ("NEWSDESK_CONFIG", config),
        ("NEWSDESK_SITE_NAME", "Named In The Environment"),
        ("NEWSDESK_ADDR", "env-address-is-not-used:1"),
    ];
    let (child, port, so_far, log) =
        serve_watched(&["--demo"], db.location(), "warn,newsdesk::serve=info,newsdesk::request=info", &envs);
    let metrics_port: u16 = so_far
        .lock()
        .unwrap()
        .iter()
        .find_map(|l| l.split_once("metrics on http://127.0.0.1:")?.1.split('/').next()?.parse().ok())
        .expect("the metrics address is logged before the site's");

    // The environment's site name, the file's cache size, the flag's address.
    let (status, home) = http(port, "GET", "/", &[], "");
    assert_eq!(status, 200);
    assert!(home.contains("Named In The Environment") && !home.contains("Named In The File"));

    let not_found = r#"newsdesk_http_requests_total{method="GET",route="/articles/{slug}",status="404"}"#;
    let (status, before) = http(metrics_port, "GET", "/metrics", &[], "");
    assert_eq!(status, 200, "{before}");
    for family in [
        "# TYPE newsdesk_http_requests_total counter",
        "# TYPE newsdesk_http_request_duration_seconds histogram",
        "newsdesk_http_request_duration_seconds_bucket{method=\"GET\",route=\"/\",le=\"0.005\"}",
        "newsdesk_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 1",
        "# TYPE newsdesk_page_cache_hits_total counter",
        "# TYPE newsdesk_page_cache_misses_total counter",
        "# TYPE newsdesk_page_cache_bytes gauge",
        "newsdesk_page_cache_max_bytes 33554432",
        "newsdesk_summaries_computed_total{source=\"save\"}",
        "# TYPE newsdesk_summary_duration_seconds histogram",
        "newsdesk_db_pool_connections{backend=",
        "newsdesk_db_pool_max_connections{backend=",
        "newsdesk_articles{status=\"draft\"} 0",
    ] {
        assert!(before.contains(family), "no {family} in\n{before}");
    }
    let demo = demo::files().len() as u64;
    assert_eq!(series(&before, r#"newsdesk_articles{status="published"}"#), demo, "{before}");
    assert!(series(&before, "newsdesk_page_cache_misses_total") >= 1, "{before}");
    assert_eq!(series(&before, not_found), 0);

    let (status, page) = http(port, "GET", "/articles/no-such-article", &[("X-Request-Id", "ops-test-404")], "");
    assert_eq!(status, 404);
    assert!(page.contains("<code>ops-test-404</code>"), "{page}");
    let (_, after) = http(metrics_port, "GET", "/metrics", &[], "");
    assert_eq!(series(&after, not_found), 1, "{after}");
    // The metrics are not on the site's address.
    assert_eq!(http(port, "GET", "/metrics", &[], "").0, 404);

    let lines = stop_server(child, log);
    let logged: Vec<serde_json::Value> = lines.iter().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert_eq!(logged.len(), lines.len(), "every line is JSON");
    let line = logged
        .iter()
        .find(|v| v["span"]["request_id"] == "ops-test-404")
        .unwrap_or_else(|| panic!("no log line of the request in {lines:#?}"));
    assert_eq!(line["target"], "newsdesk::request");
    assert_eq!((&line["span"]["method"], &line["span"]["path"]), (&"GET".into(), &"/articles/no-such-article".into()));
    assert_eq!((&line["fields"]["status"], &line["fields"]["route"]), (&404.into(), &"/articles/{slug}".into()));
    assert!(line["fields"]["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{line}");
    assert_eq!(logged.iter().filter(|v| v["span"]["request_id"] == "ops-test-404").count(), 1, "one line a request");
    let _ = std::fs::remove_dir_all(&dir);
}

/// With a metrics token and no metrics address, `/metrics` is on the
/// site's address, for scrapes that bring the token only.
#[test]
fn metrics_behind_a_token_on_the_site_address() {
    let db = database("metrics_token");
    let token = "a-metrics-token-of-some-length";
    let (child, port, _, log) =
        serve_watched(&[], db.location(), "warn,newsdesk::serve=info", &[("NEWSDESK_METRICS_TOKEN", token)]);
    let (status, body) = http(port, "GET", "/metrics", &[], "");
    assert_eq!(status, 401, "{body}");
    assert!(!body.contains("newsdesk_"), "{body}");
    assert_eq!(http(port, "GET", "/metrics", &[("Authorization", "Bearer a-metrics-token-of-some-lengtX")], "").0, 401);
    let (status, body) = http(port, "GET", "/metrics", &[("Authorization", &format!("Bearer {token}"))], "");
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("newsdesk_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"401\"} 2"),
        "{body}"
    );
    stop_server(child, log);
}

/// `newsdesk config check`: the effective settings with where each came
/// from, passwords and tokens masked; unknown keys and bad values refused
/// with the file and line.
#[test]
fn config_check_shows_sources_masks_secrets_and_refuses_unknown_keys() {
    let dir = temp_dir("config_check");
    let check = |file: &std::path::Path, envs: &[(&str, &str)]| {
        Command::new(BIN)
            .args(["config", "check", "--config"])
            .arg(file)
            .env_remove("NEWSDESK_DB")
            .env_remove("DATABASE_URL")
            .envs(envs.iter().copied())
            .output()
            .unwrap()
    };
    let good = dir.join("good.toml");
    std::fs::write(
        &good,
        "db = \"postgres://ann:hunter2@db.example.org/site?sslmode=require&password=pw2\"\n\
         metrics-token = \"0123456789abcdef-very-secret\"\n\
         site-name = \"From The File\"\n\
         timezone = \"Europe/Paris\"\n\
         demo = true\n\
         db-pool = 4\n",
    )
    .unwrap();
    let out = check(&good, &[("NEWSDESK_TIMEZONE", "Asia/Kolkata")]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    let at = |line: usize| format!("{}:{line}", good.display());
    for want in [
        format!("db = \"postgres://ann:***@db.example.org/site?sslmode=require&password=***\"  # {}", at(1)),
        format!("metrics-token = \"***\"  # {}", at(2)),
        format!("site-name = \"From The File\"  # {}", at(3)),
        "timezone = \"Asia/Kolkata\"  # environment NEWSDESK_TIMEZONE".to_owned(),
        format!("demo = true  # {}", at(5)),
        format!("db-pool = 4  # {}", at(6)),
        "cache-size = \"16MiB\"  # default".to_owned(),
        "# public-url: not set".to_owned(),
    ] {
        assert!(stdout.lines().any(|l| l == want), "no line {want:?} in\n{stdout}");
    }
    assert!(!stdout.contains("hunter2") && !stdout.contains("pw2") && !stdout.contains("very-secret"), "{stdout}");

    for (name, content, error) in [
        (
            "unknown.toml",
            "addr = \"127.0.0.1:1\"\n\ncache_size = \"1MiB\"\n",
            ":3: unknown key `cache_size` (did you mean cache-size?)",
        ),
        ("table.toml", "[serve]\naddr = \"127.0.0.1:1\"\n", ":1: unknown key `serve`"),
        (
            "value.toml",
            "addr = \"127.0.0.1:1\"\nheader-timeout = \"10 parsecs\"\n",
            ":2: header-timeout: invalid value '10 parsecs'",
        ),
        ("zone.toml", "timezone = \"Mars/Olympus\"\n", "unknown time zone \"Mars/Olympus\""),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        let out = check(&path, &[]);
        assert!(!out.status.success(), "{name}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(error), "{name}: {stderr}");
        // serve refuses the same file before it opens anything.
        let served = Command::new(BIN)
            .args(["serve", "--config"])
            .arg(&path)
            .env_remove("NEWSDESK_DB")
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(!served.status.success() && text(&served.stderr).contains(error), "{name}: {}", text(&served.stderr));
    }
    assert!(!dir.join("newsdesk.db").exists(), "nothing was opened");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Articles with every field of the import format, and hostile text:
/// Unicode (combining marks, emoji, Chinese), right-to-left titles and
/// bodies, `<script>` in every text field, a body of nearly 1 MB; drafts,
/// a submitted one, a scheduled one far ahead; summaries automatic, picked,
/// the editors' own and off; paragraphs on and off.
fn hostile_articles() -> Vec<serde_json::Value> {
    use serde_json::json;
    let long: String = (0..9_000)
        .map(|i| format!("Sentence number {i} of a very long body, with <b>markup</b> & “quotes”. "))
        .collect::<String>()
        .chars()
        .take(990_000)
        .collect::<String>()
        + "\n\nThe end.";
    vec![
        json!({"slug": "every-field", "title": "Every field: \"quotes\" & <script>alert('t')</script>",
               "standfirst": "One line.\nAnd a second <script>x()</script>.",
               "body": "# Heading\n\nFirst sentence here. Second one with *emphasis*.\n\n<script>alert(1)</script>\n\nThird sentence, last one.",
               "authors": ["Zoë Writer", "李 明"], "section": "Science & Tech", "tags": ["zebra", "Ünïcödé"],
               "lang": "en", "status": "published", "published": "2026-05-01T09:30:15Z",
               "updated": "2026-05-02T10:00:00Z", "sources": "Minutes.\n<script>s()</script>",
               "canonical_url": "https://example.org/a?b=c&d=e", "lead_image": "/media/0123abcd.jpg",
               "lead_image_alt": "A harbour at dawn <script>", "summary_mode": "custom",
               "summary": "The editors' own summary, “quoted”.", "auto_paragraphs": false}),
        json!({"slug": "picked", "title": "Picked sentences", "section": "World", "authors": ["Ann"],
               "body": "Alpha starts the story. Beta follows it closely. Gamma ends the first part.\n\nDelta opens the second. Epsilon closes it.",
               "published": "2026-04-01", "summary_sentences": [1, 3]}),
        json!({"slug": "rtl-arabic", "title": "مرحبا بالعالم", "lang": "ar", "section": "العالم",
               "body": "هذه جملة أولى. وهذه جملة ثانية. والثالثة هنا.", "published": "2026-03-01T00:00:00Z",
               "tags": ["أخبار"], "summary_mode": "off"}),
        json!({"slug": "hebrew-draft", "title": "שלום <script>", "lang": "he", "section": "World",
               "body": "טיוטה. עוד משפט.", "status": "draft"}),
        json!({"slug": "submitted-one", "title": "Submitted for review", "section": "World",
               "body": "Waiting for an editor. Nobody has seen it yet.", "status": "submitted",
               "published": "2026-02-01T08:00:00Z"}),
        json!({"slug": "scheduled-later", "title": "Out in 2040", "section": "Future",
               "body": "Not yet. Soon enough.", "status": "scheduled", "published": "2040-01-01T06:00:00Z"}),
        json!({"slug": "chinese-emoji", "title": "中文标题 🚀 e\u{301}", "lang": "zh", "section": "科技",
               "body": "这是第一句。这是第二句！🚀 表情也在这里。", "published": "2026-01-15T12:00:00Z"}),
        json!({"slug": "very-long", "title": "A very long body", "section": "World", "body": long,
               "published": "2025-12-31T23:59:59Z"}),
    ]
}

/// The lines of `newsdesk export` on `db` (standard output).
fn export_lines(db: &str) -> Vec<String> {
    let out = newsdesk(db, &["export"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).lines().map(str::to_owned).collect()
}

/// `GET path` on each port: the same status and body on both.
fn same_on_both(ports: [u16; 2], path: &str) -> String {
    // One request id for both: error bodies carry it.
    let id = [("x-request-id", "same-on-both")];
    let a = http(ports[0], "GET", path, &id, "");
    let b = http(ports[1], "GET", path, &id, "");
    assert_eq!(a.0, b.0, "{path}");
    if a.1 != b.1 {
        let at = a.1.bytes().zip(b.1.bytes()).take_while(|(x, y)| x == y).count();
        let around = |s: &str| s.get(at.saturating_sub(200)..(at + 200).min(s.len())).unwrap_or("").to_owned();
        panic!("{path} differs at byte {at}:\n{}\n---\n{}", around(&a.1), around(&b.1));
    }
    a.1
}

/// `export` then `import` into an empty site then `export` again gives the
/// same lines, field for field (hostile text, every status, every summary
/// mode); a folder export reads back the same; and the copy's pages and
/// API answer the same as the original's.
#[test]
fn export_and_import_round_trip_every_field() {
    let dir = temp_dir("export-round-trip");
    let (one, two, three) = (database("export_one"), database("export_two"), database("export_three"));
    let source = dir.join("source.jsonl");
    let lines: Vec<String> = hostile_articles().iter().map(|v| v.to_string()).collect();
    std::fs::write(&source, lines.join("\n")).unwrap();
    let imported = newsdesk(one.location(), &["import", source.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", text(&imported.stderr));

    let first = export_lines(one.location());
    assert_eq!(first.len(), lines.len());
    let file = dir.join("site.jsonl");
    let out = newsdesk(one.location(), &["export", "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("8 articles exported"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().collect::<Vec<_>>(), first);
    // Every field of the source is in the export as given (times as RFC 3339).
    for (given, line) in hostile_articles().iter().zip(&first) {
        let exported: serde_json::Value = serde_json::from_str(line).unwrap();
        for (field, value) in given.as_object().unwrap() {
            let got = &exported[field];
            match field.as_str() {
                "published" | "updated" => {
                    let t = |v: &serde_json::Value| {
                        let s = v.as_str().unwrap();
                        chrono::DateTime::parse_from_rfc3339(s).map(|t| t.timestamp()).unwrap_or_else(|_| {
                            format!("{s}T00:00:00Z").parse::<chrono::DateTime<chrono::Utc>>().unwrap().timestamp()
                        })
                    };
                    assert_eq!(t(got), t(value), "{field} of {line:.80}");
                }
                _ => assert_eq!(got, value, "{field} of {:.80}", given["slug"]),
            }
        }
    }
    let picked: serde_json::Value = serde_json::from_str(&first[1]).unwrap();
    assert_eq!(
        (picked["summary_mode"].as_str(), &picked["summary_sentences"]),
        (Some("picked"), &serde_json::json!([1, 3]))
    );

    // Into an empty site, and out again: the same lines.
    let again = newsdesk(two.location(), &["import", file.to_str().unwrap()]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stderr).contains("8 created"), "{}", text(&again.stderr));
    assert_eq!(export_lines(two.location()), first);

    // A folder: one SLUG.json per article, read back the same.
    let folder = dir.join("articles");
    let out = newsdesk(one.location(), &["export", "--out", folder.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 8);
    assert!(folder.join("rtl-arabic.json").is_file());
    let refused = newsdesk(one.location(), &["export", "--out", folder.to_str().unwrap()]);
    assert!(!refused.status.success() && text(&refused.stderr).contains("not empty"), "{}", text(&refused.stderr));
    let from_folder = newsdesk(three.location(), &["import", folder.to_str().unwrap()]);
    assert!(from_folder.status.success(), "{}", text(&from_folder.stderr));
    let mut sorted = first.clone();
    sorted.sort();
    let mut third = export_lines(three.location());
    third.sort();
    assert_eq!(third, sorted);

    // What readers get is the same on the copy: pages, the API, summaries.
    // One public URL, so absolute links do not differ by port.
    let public = ["--public-url", "https://news.example.org"];
    let (mut a, port_a) = serve_on_any_port(&public, one.location());
    let (mut b, port_b) = serve_on_any_port(&public, two.location());
    let ports = [port_a, port_b];
    for v in hostile_articles() {
        let slug = v["slug"].as_str().unwrap();
        let page = same_on_both(ports, &format!("/articles/{slug}"));
        same_on_both(ports, &format!("/api/articles/{slug}"));
        same_on_both(ports, &format!("/api/articles/{slug}/summary"));
        if slug == "rtl-arabic" {
            assert!(page.contains("dir=\"rtl\""), "the page is right to left");
        }
        assert!(!page.contains("<script>alert"), "{slug}: a script came through");
    }
    for path in ["/", "/api/articles", "/sections/world", "/search?q=sentence", "/atom.xml"] {
        same_on_both(ports, path);
    }
    for child in [&mut a, &mut b] {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A site with rows in every table: the hostile articles (one changed
/// again, for a second revision), an admin (a password hash), a token
/// revoked and one in force, a session, failed sign-ins, two pictures.
fn full_site(dir: &std::path::Path, db: &str) {
    let file = dir.join("hostile.jsonl");
    let lines: Vec<String> = hostile_articles().iter().map(|v| v.to_string()).collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    assert!(newsdesk(db, &["import", file.to_str().unwrap()]).status.success());
    let mut changed = hostile_articles()[1].clone();
    changed["title"] = "Picked sentences, changed".into();
    std::fs::write(dir.join("changed.json"), changed.to_string()).unwrap();
    assert!(newsdesk(db, &["import", dir.join("changed.json").to_str().unwrap()]).status.success());
    let mut user = Command::new(BIN)
        .args(["user", "create", "ada", "--role", "admin", "--password-stdin"])
        .env("NEWSDESK_DB", db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    user.stdin.take().unwrap().write_all(b"correct horse battery staple\n").unwrap();
    assert!(user.wait().unwrap().success());
    for args in [["token", "create", "old"], ["token", "revoke", "old"], ["token", "create", "ci"]] {
        assert!(newsdesk(db, &args).status.success(), "{args:?}");
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let s = store::open(db).await.unwrap();
        let ada = s.user_by_name("ada").await.unwrap().unwrap();
        let session = store::Session {
            id_hash: "5".repeat(64),
            user_id: ada.id,
            csrf: "csrf-token".into(),
            created_at: 1_800_000_000,
            last_seen: 1_800_000_100,
        };
        s.create_session(&session).await.unwrap();
        s.record_failure(&["user:ada", "addr:192.0.2.1"], 1_800_000_000, 0).await.unwrap();
        for (name, widths) in [("a", &[480_i64, 960][..]), ("b", &[1200][..])] {
            let files = widths
                .iter()
                .map(|&w| store::NewMediaFile {
                    hash: format!("{name}{w:0>63}"),
                    content_type: "image/jpeg".into(),
                    width: w,
                    height: w / 2,
                    bytes: (0..w * 5).map(|i| (i % 251) as u8).collect(),
                })
                .collect();
            let media = store::NewMedia {
                source_hash: format!("{name:0>64}"),
                source_format: "JPEG".into(),
                source_bytes: 123_456,
                width: *widths.last().unwrap(),
                height: 300,
                files,
                created_by: Some(ada.id),
                created_at: 1_800_000_000,
            };
            s.put_media(&media).await.unwrap();
        }
        s.close().await;
    });
}

/// Everything `db` holds, read through the store.
fn site_of(db: &str) -> store::transfer::Site {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let s = store::open(db).await.unwrap();
        let site = store::testing::whole_site(&s, 3).await;
        let counts = s.table_counts().await.unwrap();
        s.close().await;
        assert!(counts.iter().all(|(_, n)| *n > 0), "a row in every table: {counts:?}");
        site
    })
}

/// `newsdesk migrate`: a site with rows in every table copied whole (ids,
/// versions, times, hashes, revisions, pictures' bytes, sessions), its
/// counts verified; a target that is not empty refused, then replaced with
/// --force; SQLite → PostgreSQL → SQLite when a PostgreSQL server is there.
#[test]
fn migrate_copies_every_table_and_refuses_a_full_target() {
    let dir = temp_dir("migrate");
    let [a, b, c] = ["a.db", "b.db", "c.db"].map(|f| dir.join(f).display().to_string());
    full_site(&dir, &a);
    let original = site_of(&a);
    assert_eq!(original.articles.len(), 8);
    assert_eq!(original.articles[1].revisions.len(), 2);
    let migrate = |from: &str, to: &str, force: bool| {
        let mut args = vec!["migrate", "--from", from, "--to", to];
        if force {
            args.push("--force");
        }
        newsdesk("unused.db", &args)
    };
    let out = migrate(&a, &b, false);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stderr);
    assert!(said.contains("8 articles") && said.contains("2 pictures") && said.contains("verified"), "{said}");
    assert_eq!(site_of(&b), original);
    assert_eq!(export_lines(&b), export_lines(&a));

    // A target that holds something: refused, untouched.
    let refused = migrate(&a, &b, false);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("is not empty") && text(&refused.stderr).contains("--force"));
    assert_eq!(site_of(&b), original);
    // --force replaces it: an article only the target had is gone.
    let extra = dir.join("extra.json");
    std::fs::write(&extra, r#"{"slug":"only-here","title":"Only here","section":"World","body":"Gone soon. Yes."}"#)
        .unwrap();
    assert!(newsdesk(&b, &["import", extra.to_str().unwrap()]).status.success());
    let replaced = migrate(&a, &b, true);
    assert!(replaced.status.success(), "{}", text(&replaced.stderr));
    assert!(text(&replaced.stderr).contains("deleting everything"), "{}", text(&replaced.stderr));
    assert_eq!(site_of(&b), original);
    let same = migrate(&a, &a, false);
    assert!(!same.status.success() && text(&same.stderr).contains("the same database"));

    // SQLite → PostgreSQL → SQLite.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    if let Some(pg) = rt.block_on(TestDatabase::postgres("migrate_round_trip")) {
        let out = migrate(&a, pg.location(), false);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(site_of(pg.location()), original);
        let out = migrate(pg.location(), &c, false);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(site_of(&c), original);
        assert_eq!(export_lines(&c), export_lines(&a));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `newsdesk backup` while articles are being written: the copy passes
/// SQLite's integrity check, is the site at one moment (every article with
/// its body, search row and key phrase row; as many as were written before
/// it or since, never fewer than at its start), holds the pictures byte for
/// byte, and opens as a site; an existing file is kept unless --force; a
/// PostgreSQL site is pointed to pg_dump.
#[test]
fn backup_copies_a_site_while_it_is_written() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let dir = temp_dir("backup");
    let db = dir.join("site.db").display().to_string();
    full_site(&dir, &db);
    let original = site_of(&db);
    let (stop, written) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let writer = {
        let (db, stop, written) = (db.clone(), stop.clone(), written.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let s = store::open(&db).await.unwrap();
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    let a = store::testing::sample(&format!("written-{i}"), store::Status::Published, Some(i));
                    s.create_article(&a).await.unwrap();
                    i += 1;
                    written.store(i as usize, Ordering::SeqCst);
                }
                s.close().await;
            });
        })
    };
    while written.load(Ordering::SeqCst) < 10 {
        std::thread::sleep(Duration::from_millis(10));
    }
    let at_start = written.load(Ordering::SeqCst);
    let copy = dir.join("copy.db");
    let out = newsdesk(&db, &["backup", copy.to_str().unwrap()]);
    let at_end = written.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("integrity checked"), "{}", text(&out.stderr));
    eprintln!("{} articles written before the backup began, {at_end} when it ended", at_start);

    let copy_db = copy.display().to_string();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let counts = rt.block_on(async {
        use sqlx::Connection as _;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{copy_db}?mode=ro")).await.unwrap();
        let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut conn).await.unwrap();
        assert_eq!(check, ["ok"]);
        conn.close().await.unwrap();
        let s = store::open(&copy_db).await.unwrap();
        let counts = s.table_counts().await.unwrap();
        for m in &original.media {
            for f in &m.media.files {
                assert_eq!(s.media_file(&f.hash).await.unwrap().unwrap().bytes, f.bytes);
            }
        }
        s.close().await;
        counts
    });
    let of = |t: &str| counts.iter().find(|(name, _)| *name == t).unwrap().1 as usize;
    let articles = of("articles");
    assert!((8 + at_start..=8 + at_end).contains(&articles), "{articles} articles in the copy: {counts:?}");
    for t in ["article_bodies", "article_phrase_rows", "article_search"] {
        assert_eq!(of(t), articles, "{t}: {counts:?}");
    }
    assert_eq!((of("media"), of("media_files"), of("users"), of("sessions")), (2, 3, 1, 1));
    assert_eq!(export_lines(&copy_db).len(), articles);

    let again = newsdesk(&db, &["backup", copy.to_str().unwrap()]);
    assert!(!again.status.success() && text(&again.stderr).contains("exists"), "{}", text(&again.stderr));
    let forced = newsdesk(&db, &["backup", "--force", copy.to_str().unwrap()]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    let pg = newsdesk("postgres://nobody@127.0.0.1:1/site", &["backup", dir.join("pg.db").to_str().unwrap()]);
    assert!(!pg.status.success() && text(&pg.stderr).contains("pg_dump"), "{}", text(&pg.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}
