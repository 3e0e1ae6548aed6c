//! The real binary: `newsdesk user ...` (newsroom accounts), and
//! `serve --demo` making a demo editor whose password is printed once; on a
//! SQLite file, or on PostgreSQL with `NEWSDESK_TEST_BACKEND=postgres` (a
//! schema per test; see `store::testing`).

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use store::Role;
use store::testing::{SqliteIn, TestDatabase};
use web::admin::accounts::verify_password;

const BIN: &str = env!("CARGO_BIN_EXE_newsdesk");
const PASSWORD: &str = "correct horse battery staple";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("newsdesk-users-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A fresh database for a test: a SQLite file, or a PostgreSQL schema when chosen.
fn database(name: &str) -> TestDatabase {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(TestDatabase::chosen(name, SqliteIn::File))
}

/// `newsdesk ARGS` on `db`, with `stdin` as its standard input.
fn newsdesk(db: impl AsRef<OsStr>, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NEWSDESK_DB", db)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command refused before it reads its input (a bad argument) has closed
    // the pipe: that write may fail, and the answer is in its output.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The stored user `name`, read with the store itself.
fn stored(db: &str, name: &str) -> Option<store::User> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let s = store::open(db).await.unwrap();
        let u = s.user_by_name(name).await.unwrap();
        s.close().await;
        u
    })
}

#[test]
fn users_are_created_listed_and_changed() {
    let database = database("users-cli");
    let db = database.location();
    let create = |args: &[&str], stdin: &str| {
        let mut all = vec!["user", "create"];
        all.extend_from_slice(args);
        newsdesk(db, &all, stdin)
    };
    let out = create(
        &["Ada", "--role", "admin", "--display-name", "Ada L.", "--email", "ada@example.org", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("created ada (admin)"), "{}", text(&out.stderr));
    let ada = stored(db, "ada").unwrap();
    assert_eq!(
        (ada.display_name.as_str(), ada.email.as_deref(), ada.role),
        ("Ada L.", Some("ada@example.org"), Role::Admin)
    );
    assert!(ada.password_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", ada.password_hash);
    assert!(verify_password(PASSWORD, Some(&ada.password_hash)));
    // Refused: a short password, a taken name, a bad name, an unknown role;
    // no terminal to ask on without --password-stdin.
    let out = create(&["wren", "--role", "writer", "--password-stdin"], "short\n");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("the password must be at least 12 characters long"), "{}", text(&out.stderr));
    assert!(stored(db, "wren").is_none());
    let out = create(&["ada", "--role", "writer", "--password-stdin"], &format!("{PASSWORD}\n"));
    assert!(!out.status.success() && text(&out.stderr).contains("the user name ada is taken"), "{}", text(&out.stderr));
    let out = create(&["bad name", "--role", "writer", "--password-stdin"], &format!("{PASSWORD}\n"));
    assert!(!out.status.success() && text(&out.stderr).contains("a user name is 1 to 64"), "{}", text(&out.stderr));
    let out = create(&["root", "--role", "god", "--password-stdin"], &format!("{PASSWORD}\n"));
    assert!(!out.status.success() && text(&out.stderr).contains("possible values: writer, editor, admin"));
    let out = create(&["wren", "--role", "writer"], "");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr)
            .contains("no terminal to ask for the password on: give it on standard input with --password-stdin")
    );
    assert!(stored(db, "wren").is_none());
    let out = create(&["wren", "--role", "writer", "--password-stdin"], &format!("{PASSWORD}\r\n"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        verify_password(PASSWORD, Some(&stored(db, "wren").unwrap().password_hash)),
        "the line end is not part of it"
    );
    // Listed: names, roles, states; never a hash.
    let list = text(&newsdesk(db, &["user", "list"], "").stdout);
    assert!(list.contains("ada\tadmin\tactive\tAda L.\tada@example.org\tcreated "), "{list}");
    assert!(list.contains("wren\twriter\tactive\twren\t-\tcreated "), "{list}");
    assert!(!list.contains("argon2"));
    // Roles, disabling and passwords.
    assert!(newsdesk(db, &["user", "set-role", "wren", "editor"], "").status.success());
    assert_eq!(stored(db, "wren").unwrap().role, Role::Editor);
    assert!(newsdesk(db, &["user", "disable", "wren"], "").status.success());
    assert!(stored(db, "wren").unwrap().disabled);
    assert!(text(&newsdesk(db, &["user", "list"], "").stdout).contains("wren\teditor\tdisabled"));
    assert!(newsdesk(db, &["user", "enable", "wren"], "").status.success());
    assert!(!stored(db, "wren").unwrap().disabled);
    let new = "another long passphrase";
    let out = newsdesk(db, &["user", "reset-password", "wren", "--password-stdin"], &format!("{new}\n"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let hash = stored(db, "wren").unwrap().password_hash;
    assert!(verify_password(new, Some(&hash)) && !verify_password(PASSWORD, Some(&hash)));
    // The last admin stays an admin, and able to sign in.
    let out = newsdesk(db, &["user", "disable", "ada"], "");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("last active admin"), "{}", text(&out.stderr));
    assert!(!newsdesk(db, &["user", "set-role", "ada", "writer"], "").status.success());
    assert_eq!(stored(db, "ada").unwrap().role, Role::Admin);
    let out = newsdesk(db, &["user", "disable", "nobody"], "");
    assert!(!out.status.success() && text(&out.stderr).contains("no user named nobody"));
}

/// A log line without its terminal colour codes (`ESC [ ... m`).
fn strip_colours(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Runs `serve --demo` until it serves, then stops it; its log.
fn serve_demo(db: &str) -> String {
    let port = free_port();
    let mut child = Command::new(BIN)
        .args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
        .env("NEWSDESK_DB", db)
        .env("RUST_LOG", "info")
        .env_remove("NEWSDESK_PUBLIC_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut log = String::new();
    let start = Instant::now();
    while !log.contains("Newsdesk is serving") {
        assert!(start.elapsed() < Duration::from_secs(120), "the server did not start: {log}");
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            log.push_str(&strip_colours(&line));
            log.push('\n');
        }
    }
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = child.wait();
    log
}

/// `serve --demo` makes a demo editor with a new password printed once (and
/// never again); with no admin and no public URL, the log says what to do.
#[cfg(unix)]
#[test]
fn the_demo_editor_gets_a_password_printed_once() {
    let database = database("users-demo");
    let db = database.location();
    let log = serve_demo(db);
    let line = log.lines().find(|l| l.contains("demo editor created")).unwrap_or_else(|| panic!("{log}"));
    let password = line.split("password=").nth(1).unwrap().split_whitespace().next().unwrap().trim_matches('"');
    assert_eq!(password.len(), 23, "{line}");
    let editor = stored(db, "demo-editor").unwrap();
    assert_eq!(editor.role, Role::Editor);
    assert!(verify_password(password, Some(&editor.password_hash)), "the printed password signs in");
    assert!(
        log.contains("the newsroom has no admin yet: create the first with `newsdesk user create NAME --role admin`"),
        "{log}"
    );
    assert_eq!(log.matches("no public URL given (--public-url or NEWSDESK_PUBLIC_URL)").count(), 1, "warned once");
    // Started again: the editor exists, no password is printed.
    let again = serve_demo(db);
    assert!(again.contains("the demo editor exists already"), "{again}");
    assert!(!again.contains(password) && !again.contains("password="), "{again}");
    // Another demo database: another password, never a fixed one.
    let other_database = self::database("users-demo-other");
    let other = serve_demo(other_database.location());
    let line = other.lines().find(|l| l.contains("demo editor created")).unwrap();
    assert!(!line.contains(password));
}

#[test]
fn serve_refuses_a_bad_public_url_or_time_zone() {
    let dir = temp_dir("flags");
    let db = dir.join("site.db");
    let out = newsdesk(&db, &["serve", "--public-url", "news.example.org"], "");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("must start with https:// or http://"), "{}", text(&out.stderr));
    let out = newsdesk(&db, &["serve", "--timezone", "Mars/Olympus"], "");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unknown time zone \"Mars/Olympus\""), "{}", text(&out.stderr));
    assert!(!db.exists(), "refused before the database is opened");
    let _ = std::fs::remove_dir_all(&dir);
}
