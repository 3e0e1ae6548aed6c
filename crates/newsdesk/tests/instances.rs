//! Two `newsdesk serve` processes on one PostgreSQL database (a fresh
//! schema on the server `NEWSDESK_TEST_PG` names; skipped with a message
//! without one, a failure when `CI` is set), as behind a load balancer:
//!
//! - the stale summaries found at start are recomputed by one of them;
//! - a write through A shows through B (whose pages are cached, for an
//!   hour: only a notice can refresh them), new article and changed one;
//! - a newsroom session and an API token made on A work on B;
//! - a scheduled article appears on both at its time, not before;
//! - a rolling restart: while clients keep requesting through an emulated
//!   load balancer (round robin; like nginx with `proxy_next_upstream
//!   error`, it tries the other instance when a connection is refused, or
//!   for a GET when the connection ends before a response), A gets SIGTERM
//!   with a request in flight (its body still arriving), answers it, refuses
//!   new connections, exits 0, and is started again; no request fails.
//!
//! The delays measured (write to visible on B) are printed, not asserted:
//! the limits here are generous so the test is not flaky on a busy machine.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use store::testing::TestDatabase;

const BIN: &str = env!("CARGO_BIN_EXE_newsdesk");
const PASSWORD: &str = "correct horse battery";
/// The site's address as the load balancer gives it (both instances).
const PUBLIC: &str = "http://news.test";
/// However long a step may take before the test gives up.
const PATIENCE: Duration = Duration::from_secs(30);

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn unix_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

/// `newsdesk ARGS` on `db`, `stdin` as its input: its standard output.
fn newsdesk(db: &str, args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NEWSDESK_DB", db)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "newsdesk {args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// One `newsdesk serve` process, its log collected.
struct Instance {
    name: &'static str,
    child: Child,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Instance {
    /// Starts `newsdesk serve` on `addr` (port 0: any); does not wait.
    fn spawn(
        name: &'static str,
        db: &str,
        addr: &str,
    ) -> (Child, Arc<Mutex<Vec<String>>>, std::sync::mpsc::Receiver<u16>) {
        let mut child = Command::new(BIN)
            .args(["serve", "--addr", addr, "--public-url", PUBLIC, "--cache-max-age", "1h"])
            .args(["--shutdown-timeout", "30s"])
            .env("NEWSDESK_DB", db)
            .env("RUST_LOG", "info,newsdesk=debug,web::instances=debug")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                eprintln!("{name}: {line}");
                if let Some((_, rest)) = line.split_once("serving on http://127.0.0.1:") {
                    let _ = tx.send(rest.split('/').next().and_then(|p| p.parse::<u16>().ok()).unwrap_or(0));
                }
                lines.lock().unwrap().push(line);
            }
        });
        (child, log, rx)
    }

    fn ready(
        name: &'static str,
        spawned: (Child, Arc<Mutex<Vec<String>>>, std::sync::mpsc::Receiver<u16>),
    ) -> Instance {
        let (mut child, log, rx) = spawned;
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(port) if port > 0 => Instance { name, child, port, log },
            other => {
                let status = child.try_wait().unwrap();
                let _ = child.kill();
                panic!("{name} did not say where it serves ({other:?}, exit status {status:?})");
            }
        }
    }

    fn start(name: &'static str, db: &str, addr: &str) -> Instance {
        Instance::ready(name, Instance::spawn(name, db, addr))
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    fn sigterm(&self) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    }

    /// How it exits, waiting at most `limit`.
    fn exit_within(&mut self, limit: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                panic!("{} did not stop within {limit:?}", self.name);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop(mut self) {
        self.sigterm();
        let status = self.exit_within(PATIENCE * 2);
        assert!(status.success(), "{}: {status:?}", self.name);
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response: status, head (lower-case), body.
#[derive(Debug)]
struct Response {
    status: u16,
    head: String,
    body: String,
}

impl Response {
    /// The value of the first `Set-Cookie` (name=value), if any.
    fn cookie(&self) -> Option<String> {
        self.head
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie:"))
            .and_then(|c| c.trim().split(';').next())
            .map(str::to_owned)
    }
}

/// The value of `<input ... name="NAME" value="...">` in a page.
fn hidden(page: &str, name: &str) -> String {
    let at = page.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no {name} in {page}"));
    let rest = &page[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// Writes a request (whole) on a new connection to `port` and reads the
/// response. `Err` says how it failed: no connection, or no response.
fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<Response, std::io::Error> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    s.write_all(head(method, path, headers, body.len()).as_bytes())?;
    s.write_all(body.as_bytes())?;
    read_response(&mut s)
}

fn head(method: &str, path: &str, headers: &[(&str, &str)], length: usize) -> String {
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: news.test\r\nConnection: close\r\nContent-Length: {length}\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req
}

fn read_response(s: &mut TcpStream) -> Result<Response, std::io::Error> {
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    let out = text(&out);
    let (head, body) = out.split_once("\r\n\r\n").ok_or_else(|| {
        std::io::Error::new(ErrorKind::UnexpectedEof, format!("the connection ended without a response: {out:?}"))
    })?;
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    Ok(Response { status, head: head.to_ascii_lowercase(), body: body.to_owned() })
}

fn get(port: u16, path: &str) -> Response {
    request(port, "GET", path, &[], "").unwrap_or_else(|e| panic!("GET {path} on {port}: {e}"))
}

/// Asks `f` every 20 ms until it holds: how long that took.
fn poll(what: &str, mut f: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    loop {
        if f() {
            return start.elapsed();
        }
        assert!(start.elapsed() < PATIENCE, "{what}: not within {PATIENCE:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn article_json(slug: &str, title: &str, extra: &str) -> String {
    format!(
        r#"{{"slug":"{slug}","title":"{title}","section":"World","tags":["instances"],{extra}"body":"Written through one instance. Read through the other one. Both share one database."}}"#
    )
}

/// Runs `sql` on the test database.
fn sql(db: &str, statement: &str) -> u64 {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        use sqlx::{ConnectOptions, Connection};
        let options: sqlx::postgres::PgConnectOptions = db.parse().unwrap();
        let mut conn = options.connect().await.unwrap();
        let done = sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned())).execute(&mut conn).await.unwrap();
        let _ = conn.close().await;
        done.rows_affected()
    })
}

/// The emulated load balancer: sends a request to the instances in turn
/// from `turn`, moving to the next when a connection is refused (or, for a
/// GET, when the connection ends before a response, as nginx's
/// `proxy_next_upstream error` does for idempotent requests). Returns the
/// response and the port that answered, or every attempt's error.
fn balanced(
    ports: &[u16],
    turn: usize,
    method: &str,
    path: &str,
    moved: &AtomicUsize,
) -> Result<(Response, u16), String> {
    let mut errors = Vec::new();
    for i in 0..ports.len() {
        let port = ports[(turn + i) % ports.len()];
        match request(port, method, path, &[], "") {
            Ok(res) => return Ok((res, port)),
            Err(e) if e.kind() == ErrorKind::ConnectionRefused || method == "GET" => {
                moved.fetch_add(1, Ordering::Relaxed);
                errors.push(format!("{port}: {e}"));
            }
            Err(e) => return Err(format!("{port}: {e}")),
        }
    }
    Err(errors.join("; "))
}

#[test]
fn two_instances_share_one_postgres_database() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let Some(database) = rt.block_on(TestDatabase::postgres("two_instances")) else { return };
    drop(rt);
    let db = database.location();

    // The demo articles, with summaries "of an older summarizer".
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/articles");
    newsdesk(db, &["import", demo], "");
    let stale = sql(db, "UPDATE articles SET summaries_version = 'older'");
    assert!(stale >= 20, "{stale} demo articles");
    newsdesk(db, &["user", "create", "ada", "--role", "admin", "--password-stdin"], &format!("{PASSWORD}\n"));

    // Both start at once: one recomputes the summaries, the other skips it.
    let (a, b) = (Instance::spawn("A", db, "127.0.0.1:0"), Instance::spawn("B", db, "127.0.0.1:0"));
    let (a, b) = (Instance::ready("A", a), Instance::ready("B", b));
    let recomputed = |i: &Instance| {
        i.log()
            .iter()
            .filter(|l| l.contains("summaries recomputed"))
            .map(|l| l.contains(&format!("articles={stale}")))
            .collect::<Vec<_>>()
    };
    // The other one found the lock taken and skipped the work (the usual
    // case: they start together), or, started after the first was done,
    // found nothing stale. Without the lock, two that start together would
    // share the work between them.
    let skipped = |i: &Instance| i.log().iter().any(|l| l.contains("skipped here"));
    let found_none = |i: &Instance| i.log().iter().any(|l| l.contains("no stale summaries"));
    // The work runs while they serve: wait until each has done or skipped its part.
    let start = Instant::now();
    while !([&a, &b].iter().all(|i| !recomputed(i).is_empty() || skipped(i) || found_none(i)))
        && start.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let (ra, rb) = (recomputed(&a), recomputed(&b));
    eprintln!(
        "start-up refresh: A recomputed {ra:?}, skipped {}; B recomputed {rb:?}, skipped {}, found none stale {}",
        skipped(&a),
        skipped(&b),
        found_none(&b)
    );
    assert!(
        (ra == [true] && rb.is_empty() && (skipped(&b) || found_none(&b)))
            || (rb == [true] && ra.is_empty() && (skipped(&a) || found_none(&a))),
        "one instance recomputes all {stale} summaries, the other none: A {ra:?}, B {rb:?}"
    );
    assert_eq!(sql(db, "UPDATE articles SET status = status WHERE summaries_version = 'older'"), 0, "none left stale");
    for i in [&a, &b] {
        assert!(i.log().iter().any(|l| l.contains("listening to the other instances' writes")), "{}", i.name);
    }

    // A newsroom session and an API token made on A work on B.
    let login = get(a.port, "/admin/login");
    let login_cookie = login.cookie().expect("a sign-in cookie");
    let form = format!(
        "user=ada&password={}&next=%2Fadmin&token={}",
        PASSWORD.replace(' ', "+"),
        hidden(&login.body, "token")
    );
    let signed = request(
        a.port,
        "POST",
        "/admin/login",
        &[("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", &login_cookie)],
        &form,
    )
    .unwrap();
    assert_eq!(signed.status, 303, "{signed:?}");
    let session = signed.cookie().expect("a session cookie");
    let newsroom = request(b.port, "GET", "/admin/tokens", &[("Cookie", &session)], "").unwrap();
    assert_eq!(newsroom.status, 200, "the session made on A is good on B: {newsroom:?}");
    assert!(newsroom.body.contains("ada"));
    let csrf = hidden(&newsroom.body, "csrf");
    let made = request(
        a.port,
        "POST",
        "/admin/tokens",
        &[("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", &session)],
        &format!("name=balancer&csrf={csrf}"),
    )
    .unwrap();
    assert_eq!(made.status, 200, "{made:?}");
    let at = made.body.find("nd_").expect("the new token, shown once");
    let token = made.body[at..at + 67].to_owned();
    let auth = format!("Bearer {token}");
    let json = [("Content-Type", "application/json"), ("Authorization", auth.as_str())];

    // A write through A shows through B, whose pages are cached for an hour.
    let home_b = get(b.port, "/");
    assert_eq!(home_b.status, 200);
    assert!(!home_b.body.contains("Made On A"));
    let created = request(b.port, "POST", "/api/articles", &json, &article_json("made-on-a", "Made On A", "")).unwrap();
    assert_eq!(created.status, 201, "the token made on A writes through B: {created:?}");
    // (That write was B's own; now one through A, to a page B has cached.)
    assert!(get(b.port, "/articles/made-on-a").body.contains("Made On A"));
    assert!(get(a.port, "/articles/made-on-a").body.contains("Made On A"));
    let written = Instant::now();
    let changed =
        request(a.port, "PUT", "/api/articles/made-on-a", &json, &article_json("made-on-a", "Changed On A", ""))
            .unwrap();
    assert_eq!(changed.status, 200, "{changed:?}");
    let answered = written.elapsed();
    let seen = poll("the change through A on B's article page", || {
        get(b.port, "/articles/made-on-a").body.contains("Changed On A")
    });
    let listed = poll("the change through A on B's home page", || get(b.port, "/").body.contains("Changed On A"));
    eprintln!(
        "a write through A (answered in {answered:?}) showed on B's article page {seen:?} and home page {listed:?} after the answer"
    );

    // Related lists: a later article on the same subject queues the list
    // of "made-on-a" (whose page B has cached); an instance makes it in the
    // background, after the write was answered, and B's page lists it.
    let related_on = |port| {
        let page = get(port, "/articles/made-on-a").body;
        page.split("<section class=\"related\"").nth(1).is_some_and(|s| {
            s.split("</section>").next().is_some_and(|s| s.contains("href=\"/articles/same-subject\""))
        })
    };
    assert!(!related_on(b.port));
    let later =
        request(a.port, "POST", "/api/articles", &json, &article_json("same-subject", "Same Subject", "")).unwrap();
    assert_eq!(later.status, 201, "{later:?}");
    let related = poll("the later article among made-on-a's related articles on B", || related_on(b.port));
    assert!(related_on(a.port));
    eprintln!("a related list queued by a write through A showed on B {related:?} after the answer");

    // A scheduled article: on neither before its time, on both at it. The
    // home pages are cached before it is written (for an hour).
    for i in [&a, &b] {
        assert!(!get(i.port, "/").body.contains("Comes Later"));
    }
    let at = (unix_now() as i64) + 4;
    let when = chrono::DateTime::from_timestamp(at, 0).unwrap().to_rfc3339();
    let scheduled = request(
        a.port,
        "POST",
        "/api/articles",
        &json,
        &article_json("comes-later", "Comes Later", &format!(r#""status":"scheduled","published":"{when}","#)),
    )
    .unwrap();
    assert_eq!(scheduled.status, 201, "{scheduled:?}");
    for i in [&a, &b] {
        let mut early = 0;
        poll("the scheduled article on its time", || {
            let page = get(i.port, "/articles/comes-later");
            let home = get(i.port, "/");
            let now = unix_now();
            if page.status == 200 || home.body.contains("Comes Later") {
                assert!(now >= at as f64, "{}: shown {:.2} s before its time", i.name, at as f64 - now);
                page.status == 200 && home.body.contains("Comes Later")
            } else {
                early += 1;
                false
            }
        });
        eprintln!("{}: the scheduled article appeared at {:.2} s past its time", i.name, unix_now() - at as f64);
        if i.name == "A" {
            assert!(early > 0, "looked for before its time");
        }
    }

    // The rolling restart: clients keep requesting through the balancer.
    let ports = Arc::new(Mutex::new(vec![a.port, b.port]));
    let running = Arc::new(AtomicBool::new(true));
    let moved = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let answered_by = Arc::new(Mutex::new(Vec::<u16>::new()));
    let clients: Vec<_> = (0..3)
        .map(|c| {
            let (ports, running, moved, failures, answered_by) =
                (ports.clone(), running.clone(), moved.clone(), failures.clone(), answered_by.clone());
            std::thread::spawn(move || {
                let paths = ["/", "/articles/made-on-a", "/api/articles?per_page=5", "/sections/world"];
                let mut turn = c;
                while running.load(Ordering::Relaxed) {
                    turn += 1;
                    let path = paths[turn % paths.len()];
                    let ports = ports.lock().unwrap().clone();
                    match balanced(&ports, turn, "GET", path, &moved) {
                        Ok((res, port)) if res.status == 200 => answered_by.lock().unwrap().push(port),
                        Ok((res, port)) => failures.lock().unwrap().push(format!("{path} on {port}: {}", res.status)),
                        Err(e) => failures.lock().unwrap().push(format!("{path}: {e}")),
                    }
                }
            })
        })
        .collect();
    let count_by = |port: u16| answered_by.lock().unwrap().iter().filter(|p| **p == port).count();
    poll("requests answered by both", || count_by(a.port) > 20 && count_by(b.port) > 20);

    // A slow request in flight on A: its head sent, its body not yet.
    let text_body = "The harbour council met on Monday. It voted to build a barrier. ".repeat(400);
    let summarize = format!(r#"{{"text":"{text_body}","sentences":3}}"#);
    let mut slow = TcpStream::connect(("127.0.0.1", a.port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    slow.write_all(head("POST", "/api/summarize", &json, summarize.len()).as_bytes()).unwrap();
    let (first, rest) = summarize.split_at(summarize.len() / 2);
    slow.write_all(first.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let mut a = a;
    a.sigterm();
    let stopped = Instant::now();
    // A refuses new connections soon, while the slow request is still open.
    poll(
        "A refusing connections",
        || matches!(TcpStream::connect(("127.0.0.1", a.port)), Err(e) if e.kind() == ErrorKind::ConnectionRefused),
    );
    assert!(a.child.try_wait().unwrap().is_none(), "A waits for the request in flight");
    std::thread::sleep(Duration::from_millis(500));
    slow.write_all(rest.as_bytes()).unwrap();
    let slow_res = read_response(&mut slow).expect("the request in flight at SIGTERM is answered");
    assert_eq!(slow_res.status, 200, "{slow_res:?}");
    assert!(slow_res.body.contains("\"summary\""), "{}", slow_res.body);
    assert!(slow_res.head.contains("connection: close"), "{}", slow_res.head);
    let status = a.exit_within(PATIENCE * 2);
    assert!(status.success(), "A exits 0 after SIGTERM: {status:?}");
    eprintln!("A answered its last request and exited {:?} after SIGTERM", stopped.elapsed());
    assert!(a.log().iter().any(|l| l.contains("signal=\"SIGTERM\"") || l.contains("signal=SIGTERM")));
    let port_a = a.port;
    drop(a);
    let by_b = count_by(b.port);
    poll("requests answered by B alone", || count_by(b.port) > by_b + 20);

    // A again, on its old address: the balancer sends it requests again.
    let a2 = Instance::start("A2", db, &format!("127.0.0.1:{port_a}"));
    let by_a = count_by(port_a);
    poll("requests answered by A again", || count_by(port_a) > by_a + 20);
    running.store(false, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let failures = failures.lock().unwrap().clone();
    let total = answered_by.lock().unwrap().len();
    eprintln!(
        "rolling restart: {total} requests answered, {} moved to the other instance, {} failed",
        moved.load(Ordering::Relaxed),
        failures.len()
    );
    assert!(failures.is_empty(), "failed requests: {failures:?}");
    assert!(moved.load(Ordering::Relaxed) > 0, "the balancer met A's refusal at least once");
    a2.stop();
    b.stop();
}
