//! HTTP tests of the newsroom (`/admin`): every route, every role
//! (anonymous, writer, editor, admin), sessions, cross-site request
//! forgery, throttling, and the article editor, through the real router
//! (`app().oneshot()`) on an in-memory SQLite database, or on PostgreSQL
//! with `NEWSDESK_TEST_BACKEND=postgres` (a schema per test on the server
//! `NEWSDESK_TEST_PG` names; see `store::testing`).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, Mutex};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use content::ArticleInput;
use store::testing::{SqliteIn, TestDatabase};
use store::{Article, Role, Session, Status, User, Visibility};
use summarize::Summarizer;
use tower::ServiceExt;
use web::admin::accounts;
use web::{AppState, NewsroomConfig, PublicUrl, SiteConfig, app};

#[path = "admin/pictures.rs"]
mod pictures;

static SUMMARIZER: LazyLock<Arc<Summarizer>> = LazyLock::new(|| Arc::new(Summarizer::new()));
const PASSWORD: &str = "correct horse battery staple";
const HOST: &str = "newsroom.test";
const ORIGIN: &str = "http://newsroom.test";

struct Desk {
    state: AppState,
    /// Removed when the desk is dropped.
    _db: TestDatabase,
}

async fn desk_with(site: SiteConfig) -> Desk {
    let db = TestDatabase::chosen("admin", SqliteIn::Memory).await;
    Desk { state: AppState::new(db.open().await, SUMMARIZER.clone(), site), _db: db }
}

/// A site with an admin (ada), an editor (ed), and two writers (wren, wynn).
async fn desk() -> Desk {
    let d = desk_with(SiteConfig::default()).await;
    for (name, role) in [("ada", Role::Admin), ("ed", Role::Editor), ("wren", Role::Writer), ("wynn", Role::Writer)] {
        d.user(name, role).await;
    }
    d
}

fn body_text(topic: &str) -> String {
    format!(
        "The {topic} committee met on Monday to approve a new plan for the city. \
         Members said the plan would change how the city spends its money.\n\n\
         Critics said the increase was too fast. Supporters answered that the city had waited too long."
    )
}

impl Desk {
    async fn user(&self, name: &str, role: Role) -> User {
        let new = accounts::new_user(name, &name.to_uppercase(), "", role, PASSWORD).unwrap();
        self.state.store().create_user(&new, web::now()).await.unwrap()
    }

    async fn user_named(&self, name: &str) -> User {
        self.state.store().user_by_name(name).await.unwrap().unwrap()
    }

    /// An article written straight through the write path (as the API or a
    /// newsroom user would), owned by `owner`.
    async fn article(&self, slug: &str, status: Status, owner: Option<&str>) -> Article {
        let owner = match owner {
            Some(name) => Some(self.user_named(name).await.id),
            None => None,
        };
        let input = ArticleInput {
            slug: slug.into(),
            title: format!("Title of {slug}"),
            body: body_text(slug),
            section: "World".into(),
            authors: vec!["Ann Lee".into()],
            lang: Some("en".into()),
            status: Some(status),
            published: (status != Status::Draft && status != Status::Submitted).then(|| {
                chrono::DateTime::from_timestamp(
                    if status == Status::Scheduled { 32_503_680_000 } else { 1_767_261_600 },
                    0,
                )
                .unwrap()
            }),
            ..Default::default()
        };
        self.state.articles().create_owned(input, owner, &content::WrittenBy::named("test"), web::now()).await.unwrap()
    }

    async fn stored(&self, slug: &str) -> Option<Article> {
        self.state.store().article(slug, Visibility::All).await.unwrap()
    }

    /// `POST /api/articles` with this token.
    async fn api_post(&self, token: &str, json: &serde_json::Value) -> Res {
        let req = Request::post("/api/articles")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(json.to_string()))
            .unwrap();
        self.client().send(req).await
    }

    fn client(&self) -> Client {
        self.client_at([192, 0, 2, 1])
    }

    fn client_at(&self, ip: [u8; 4]) -> Client {
        Client {
            state: self.state.clone(),
            jar: Mutex::new(BTreeMap::new()),
            csrf: Mutex::new(String::new()),
            addr: SocketAddr::from((ip, 40000)),
        }
    }

    /// A client signed in as `name`, with its CSRF token read from a page.
    async fn signed_in(&self, name: &str) -> Client {
        let c = self.client();
        let r = c.sign_in(name, PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "signing in as {name}: {}", r.body);
        c.refresh_csrf().await;
        c
    }
}

struct Res {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
    /// The body as sent (a picture).
    bytes: Vec<u8>,
}

impl Res {
    fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
    fn cookies(&self) -> Vec<String> {
        self.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect()
    }
}

struct Client {
    state: AppState,
    jar: Mutex<BTreeMap<String, String>>,
    csrf: Mutex<String>,
    addr: SocketAddr,
}

/// The value of the first `name="NAME" value="…"` in a page.
fn hidden(body: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    body.split(&key).nth(1).and_then(|s| s.split('"').next()).map(html_unescape).unwrap_or_default()
}

/// A password or token shown once.
fn secret(body: &str) -> String {
    body.split("<code class=\"secret-value\">").nth(1).unwrap().split('<').next().unwrap().to_owned()
}

fn form(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).unwrap()
}

impl Client {
    async fn send(&self, mut req: Request<Body>) -> Res {
        let cookies: Vec<String> = self.jar.lock().unwrap().iter().map(|(k, v)| format!("{k}={v}")).collect();
        if !cookies.is_empty() {
            req.headers_mut().insert(header::COOKIE, cookies.join("; ").parse().unwrap());
        }
        req.headers_mut().entry(header::HOST).or_insert(HOST.parse().unwrap());
        req.extensions_mut().insert(ConnectInfo(self.addr));
        let res = app(self.state.clone()).oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        let res = Res { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec() };
        for c in res.cookies() {
            let pair = c.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if c.contains("Max-Age=0") {
                self.jar.lock().unwrap().remove(k);
            } else {
                self.jar.lock().unwrap().insert(k.to_owned(), v.to_owned());
            }
        }
        res
    }

    async fn get(&self, uri: &str) -> Res {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    /// A form POST with these extra headers (an `Origin` of the site's own
    /// unless one is given).
    async fn post_with(&self, uri: &str, body: String, headers: &[(&str, &str)]) -> Res {
        // With its length, as a browser sends it (the door reads it).
        let mut b = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, body.len());
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("origin") || k.eq_ignore_ascii_case("no-origin")) {
            b = b.header(header::ORIGIN, ORIGIN);
        }
        for (k, v) in headers.iter().filter(|(k, _)| *k != "no-origin") {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// A form POST from the site, with the session's CSRF token.
    async fn post(&self, uri: &str, fields: &[(&str, &str)]) -> Res {
        let csrf = self.csrf.lock().unwrap().clone();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_with(uri, form(&all), &[]).await
    }

    async fn sign_in_from(&self, name: &str, password: &str, next: &str) -> Res {
        let page = self.get(&format!("/admin/login?next={}", urlencode(next))).await;
        assert_eq!(page.status, StatusCode::OK);
        let token = hidden(&page.body, "token");
        let next = hidden(&page.body, "next");
        self.post_with(
            "/admin/login",
            form(&[("token", &token), ("next", &next), ("user", name), ("password", password)]),
            &[],
        )
        .await
    }

    /// Opens the sign-in page (for its token and cookie), then posts its
    /// form with `fields` and these headers.
    async fn post_login(&self, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Res {
        let page = self.get("/admin/login").await;
        let token = hidden(&page.body, "token");
        let mut all = vec![("token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_with("/admin/login", form(&all), headers).await
    }

    async fn sign_in(&self, name: &str, password: &str) -> Res {
        self.sign_in_from(name, password, "/admin").await
    }

    async fn refresh_csrf(&self) {
        let page = self.get("/admin/account").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        *self.csrf.lock().unwrap() = hidden(&page.body, "csrf");
    }

    fn session_cookie(&self) -> Option<String> {
        self.jar.lock().unwrap().get("nd_session").cloned()
    }
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_owned()
}

/// The fields of an article's form as the editor shows them, with `changes`.
async fn edit_fields(c: &Client, slug: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let page = c.get(&format!("/admin/articles/{slug}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    form_fields(&page.body, changes)
}

/// Reads the editor form's inputs, text areas and checked radio buttons.
fn form_fields(body: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let editor = body.split("<form class=\"editor\"").nth(1).expect("an editor form");
    let mut out: Vec<(String, String)> = Vec::new();
    for tag in editor.split('<').skip(1) {
        let attr =
            |name: &str| tag.split(&format!(" {name}=\"")).nth(1).and_then(|s| s.split('"').next()).map(html_unescape);
        if tag.starts_with("input ") {
            let Some(name) = attr("name") else { continue };
            // As a browser sends them: only checked radio buttons and boxes.
            if matches!(attr("type").as_deref(), Some("radio" | "checkbox")) && !tag.contains(" checked") {
                continue;
            }
            out.push((name, attr("value").unwrap_or_default()));
        } else if tag.starts_with("textarea ") {
            let name = attr("name").unwrap();
            let value = tag.split_once('>').map(|(_, v)| html_unescape(v)).unwrap_or_default();
            out.push((name, value));
        }
    }
    for (k, v) in changes {
        match out.iter_mut().find(|(n, _)| n == k) {
            Some(pair) => pair.1 = (*v).to_owned(),
            None => out.push(((*k).to_owned(), (*v).to_owned())),
        }
    }
    out
}

fn html_unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

async fn post_fields(c: &Client, uri: &str, fields: &[(String, String)]) -> Res {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.post_with(uri, form(&pairs), &[]).await
}

/// A new article's form, filled in.
fn new_article(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", title.to_owned()),
        ("slug", String::new()),
        ("body", body_text(title)),
        ("section", "Science".into()),
        ("tags", "rivers, floods".into()),
        ("authors", "Wren Writer".into()),
        ("lang", "en".into()),
        ("summary_mode", "auto".into()),
    ]
}

async fn create(c: &Client, title: &str, action: &str) -> Res {
    let fields = new_article(title);
    let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.push(("action", action));
    c.post("/admin/articles/new", &pairs).await
}

// ------------------------------------------------------------ anonymous

/// Every newsroom page sends someone not signed in to the sign-in page,
/// with the way back; every form changes nothing.
#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in() {
    let d = desk().await;
    d.article("story", Status::Draft, Some("wren")).await;
    let c = d.client();
    assert_eq!(c.get("/admin/").await.location(), "/admin");
    for path in [
        "/admin",
        "/admin/articles/new",
        "/admin/articles/story",
        "/admin/articles/story/delete",
        "/admin/users",
        "/admin/tokens",
        "/admin/account",
        "/admin/articles/story?done=saved",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.location(), format!("/admin/login?next={}", urlencode(path)), "{path}");
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "{path}");
    }
    for path in [
        "/admin/articles/new",
        "/admin/articles/story",
        "/admin/articles/story/delete",
        "/admin/users",
        "/admin/users/wren/role",
        "/admin/users/wren/disable",
        "/admin/users/wren/enable",
        "/admin/users/wren/password",
        "/admin/tokens",
        "/admin/tokens/revoke",
        "/admin/account",
        "/admin/logout",
    ] {
        let r = c.post_with(path, form(&[("action", "publish"), ("role", "admin"), ("name", "x")]), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert!(r.location().starts_with("/admin/login?next="), "{path}: {}", r.location());
    }
    assert_eq!(d.stored("story").await.unwrap().status, Status::Draft);
    assert_eq!(d.user_named("wren").await.role, Role::Writer);
    assert!(d.state.store().tokens().await.unwrap().is_empty());
    // The newsroom's own 404, also never stored.
    let r = c.get("/admin/nothing-here").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
}

/// After signing in, back to the page asked for, but only to a local path.
#[tokio::test]
async fn sign_in_goes_back_only_to_local_paths() {
    let d = desk().await;
    for (next, expected) in [
        ("/admin/articles/new", "/admin/articles/new"),
        ("/admin?status=draft&page=2", "/admin?status=draft&page=2"),
        ("https://evil.example/", "/admin"),
        ("//evil.example/admin", "/admin"),
        ("/\\evil.example", "/admin"),
        ("javascript:alert(1)", "/admin"),
        ("/admin\r\nSet-Cookie: x=1", "/admin"),
    ] {
        let c = d.client();
        let r = c.sign_in_from("ed", PASSWORD, next).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(r.location(), expected, "{next}");
        // A forged `next` in the POST itself is checked the same way.
        let c = d.client();
        let r = c.post_login(&[("next", next), ("user", "ed"), ("password", PASSWORD)], &[]).await;
        assert_eq!(r.location(), expected, "posted {next}");
    }
}

// ------------------------------------------------------------ signing in

#[tokio::test]
async fn the_sign_in_page_has_labelled_fields_and_says_when_there_is_no_admin() {
    let d = desk_with(SiteConfig::default()).await;
    let c = d.client();
    let r = c.get("/admin/login").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    assert!(r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("script-src 'self'"));
    assert!(r.body.contains("<label for=\"user\">User name</label>"));
    assert!(r.body.contains("<label for=\"password\">Password</label>"));
    assert!(r.body.contains("id=\"user\" name=\"user\""));
    assert!(r.body.contains("id=\"password\" name=\"password\" type=\"password\""));
    assert!(r.body.contains("This site has no admin yet"), "no admin: said so");
    assert!(r.body.contains("newsdesk user create NAME --role admin"));
    assert!(!r.body.contains("<script") && !r.body.contains("style="), "no inline script or style");
    d.user("ada", Role::Admin).await;
    let r = c.get("/admin/login").await;
    assert!(!r.body.contains("This site has no admin yet"));
}

/// A wrong name, a wrong password and a disabled account get the same
/// answer, and no session.
#[tokio::test]
async fn wrong_names_and_passwords_get_the_same_message() {
    let d = desk().await;
    d.state.store().set_disabled(d.user_named("wynn").await.id, true, 1).await.unwrap();
    let mut pages = Vec::new();
    for (name, password) in [("nobody", PASSWORD), ("ed", "wrong password!"), ("wynn", PASSWORD), ("", "")] {
        let c = d.client();
        let r = c.sign_in(name, password).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            r.body.contains(
                "<p class=\"form-error\" role=\"alert\" id=\"login-error\">The user name or password is not right.</p>"
            ),
            "{name}: {}",
            r.body
        );
        assert!(c.session_cookie().is_none(), "{name}: no session");
        // The page is the same but for the name typed back, the form's token
        // and the request's id (every error page shows its own).
        let id = r.body.split_once("<p class=\"request-id\">").and_then(|(_, rest)| rest.split_once("</p>")).unwrap().0;
        pages.push(
            r.body
                .replace(&hidden(&r.body, "token"), "")
                .replace(&format!("value=\"{name}\""), "value=\"\"")
                .replace(id, ""),
        );
    }
    assert!(pages.windows(2).all(|w| w[0] == w[1]), "the same page whatever was wrong");
    let c = d.client();
    assert_eq!(c.sign_in("ED", PASSWORD).await.status, StatusCode::SEE_OTHER, "names are not case-sensitive");
}

#[tokio::test]
async fn session_cookies_are_http_only_lax_and_secure_on_https() {
    let d = desk().await;
    let c = d.client();
    let r = c.sign_in("ed", PASSWORD).await;
    let session = r.cookies().into_iter().find(|c| c.starts_with("nd_session=")).expect("a session cookie");
    for part in ["; Path=/", "; HttpOnly", "; SameSite=Lax", "; Max-Age="] {
        assert!(session.contains(part), "{session}");
    }
    assert!(!session.contains("Secure"), "plain http: not Secure");
    let id = c.session_cookie().unwrap();
    assert_eq!(id.len(), 64, "256 random bits");
    // Only the id's hash is stored.
    let hash = web::api::token_hash(&id);
    assert!(d.state.store().session_with_user(&id).await.unwrap().is_none());
    assert!(d.state.store().session_with_user(&hash).await.unwrap().is_some());

    let https =
        SiteConfig { public_url: PublicUrl::parse("https://news.example.org").unwrap(), ..SiteConfig::default() };
    let d = desk_with(https).await;
    d.user("ed", Role::Editor).await;
    let c = d.client();
    let r = c.post_login(&[("user", "ed"), ("password", PASSWORD)], &[("origin", "https://news.example.org")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let session = r.cookies().into_iter().find(|c| c.starts_with("__Host-nd_session=")).expect("a __Host- cookie");
    assert!(
        session.contains("; Secure") && session.contains("; Path=/") && session.contains("; HttpOnly"),
        "{session}"
    );
    // The same form from the plain-http address is another origin.
    let r = c.post_login(&[("user", "ed"), ("password", PASSWORD)], &[("origin", "http://news.example.org")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// The session id changes at sign-in (the old one is ended), and signing
/// out ends the session on the server, not only in the browser.
#[tokio::test]
async fn the_session_id_changes_at_sign_in_and_sign_out_ends_it() {
    let d = desk().await;
    let c = d.signed_in("ed").await;
    let first = c.session_cookie().unwrap();
    // Signing in again while signed in (a sign-in form opened in another
    // tab before): the form's token and cookie come from that page.
    let tab = d.client();
    let page = tab.get("/admin/login").await;
    let token = hidden(&page.body, "token");
    let login_cookie = tab.jar.lock().unwrap().get("nd_login").cloned().unwrap();
    c.jar.lock().unwrap().insert("nd_login".into(), login_cookie);
    let r = c.post_with("/admin/login", form(&[("token", &token), ("user", "ed"), ("password", PASSWORD)]), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let second = c.session_cookie().unwrap();
    assert_ne!(first, second);
    let old = d.client();
    old.jar.lock().unwrap().insert("nd_session".into(), first.clone());
    assert_eq!(old.get("/admin").await.status, StatusCode::SEE_OTHER, "the old id no longer works");
    c.refresh_csrf().await;
    assert_eq!(c.get("/admin").await.status, StatusCode::OK);
    // Signing out needs the form's token too.
    assert_eq!(c.post_with("/admin/logout", String::new(), &[]).await.status, StatusCode::FORBIDDEN);
    let r = c.post("/admin/logout", &[]).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/admin/login?out=1"));
    assert!(c.session_cookie().is_none(), "the cookie is removed");
    let replay = d.client();
    replay.jar.lock().unwrap().insert("nd_session".into(), second.clone());
    assert_eq!(replay.get("/admin").await.status, StatusCode::SEE_OTHER, "ended on the server");
    assert!(d.state.store().session_with_user(&web::api::token_hash(&second)).await.unwrap().is_none());
    assert!(c.get("/admin/login?out=1").await.body.contains("You are signed out."));
}

/// A session idle too long, or too old, has ended: back to the sign-in
/// page, which says so, and the session is gone.
#[tokio::test]
async fn expired_sessions_end() {
    let d = desk().await;
    let ed = d.user_named("ed").await;
    let config = NewsroomConfig::default();
    let now = web::now();
    for (id, created, seen) in
        [("idle", now - 3600 * 10, now - config.session_idle - 5), ("old", now - config.session_absolute - 5, now - 10)]
    {
        let session = Session {
            id_hash: web::api::token_hash(id),
            user_id: ed.id,
            csrf: "x".repeat(64),
            created_at: created,
            last_seen: seen,
        };
        d.state.store().create_session(&session).await.unwrap();
        let c = d.client();
        c.jar.lock().unwrap().insert("nd_session".into(), id.into());
        let r = c.get("/admin/articles/new").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{id}");
        assert_eq!(r.location(), "/admin/login?next=%2Fadmin%2Farticles%2Fnew&ended=1", "{id}");
        assert!(d.state.store().session_with_user(&session.id_hash).await.unwrap().is_none(), "{id}: removed");
        let page = c.get(r.location()).await;
        assert!(page.body.contains("Your session has ended."), "{id}");
    }
    // A live session is kept, and its last use noted (at most once a minute).
    let session = Session {
        id_hash: web::api::token_hash("live"),
        user_id: ed.id,
        csrf: "y".repeat(64),
        created_at: now - 3600,
        last_seen: now - 120,
    };
    d.state.store().create_session(&session).await.unwrap();
    let c = d.client();
    c.jar.lock().unwrap().insert("nd_session".into(), "live".into());
    assert_eq!(c.get("/admin").await.status, StatusCode::OK);
    let (s, _) = d.state.store().session_with_user(&session.id_hash).await.unwrap().unwrap();
    assert!(s.last_seen >= now, "touched");
}

/// Failed sign-ins are throttled per account and per client address, with
/// 429 and Retry-After; the right password does not get through meanwhile.
#[tokio::test]
async fn failed_sign_ins_are_throttled() {
    let newsroom = NewsroomConfig { account_failures: 3, address_failures: 5, ..NewsroomConfig::default() };
    let d = desk_with(SiteConfig { newsroom, ..SiteConfig::default() }).await;
    for name in ["ed", "ada", "wren"] {
        d.user(name, Role::Editor).await;
    }
    let attacker = d.client_at([198, 51, 100, 7]);
    for _ in 0..3 {
        assert_eq!(attacker.sign_in("ed", "wrong password!").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = attacker.sign_in("ed", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "per account");
    let wait: i64 = r.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=15 * 60).contains(&wait), "{wait}");
    assert!(r.body.contains("Too many failed sign-ins. Try again in 15 minutes."), "{}", r.body);
    assert!(attacker.session_cookie().is_none());
    // The account is throttled from any address (its name is what is guessed at).
    let elsewhere = d.client_at([203, 0, 113, 9]);
    assert_eq!(elsewhere.sign_in("ed", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
    // The address: two more failures on another account make five.
    for _ in 0..2 {
        assert_eq!(attacker.sign_in("ada", "wrong password!").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(attacker.sign_in("wren", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS, "per address");
    // Another address, another account: fine.
    assert_eq!(elsewhere.sign_in("wren", PASSWORD).await.status, StatusCode::SEE_OTHER);
    // Failures of a user who does not exist count too (no telling who exists).
    let guesser = d.client_at([198, 51, 100, 8]);
    for _ in 0..3 {
        assert_eq!(guesser.sign_in("nobody", "x").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(guesser.sign_in("nobody", "x").await.status, StatusCode::TOO_MANY_REQUESTS);
}

// ------------------------------------------------------------ forgery

/// A POST without the session's token, with a wrong one, or from another
/// origin gets 403 and changes nothing.
#[tokio::test]
async fn forged_posts_are_refused_and_change_nothing() {
    let d = desk().await;
    d.article("story", Status::Draft, Some("wren")).await;
    let ed = d.signed_in("ed").await;
    let csrf = ed.csrf.lock().unwrap().clone();
    let fields = edit_fields(&ed, "story", &[("title", "Forged title"), ("action", "publish")]).await;
    let strip = |fields: &[(String, String)], csrf: Option<&str>| {
        let mut f: Vec<(String, String)> = fields.iter().filter(|(k, _)| k != "csrf").cloned().collect();
        if let Some(c) = csrf {
            f.push(("csrf".into(), c.into()));
        }
        form(&f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>())
    };
    let wrong = "0".repeat(64);
    type Case<'a> = (&'a str, String, Vec<(&'a str, &'a str)>);
    let cases: Vec<Case<'_>> = vec![
        ("no token", strip(&fields, None), vec![]),
        ("empty token", strip(&fields, Some("")), vec![]),
        ("wrong token", strip(&fields, Some(&wrong)), vec![]),
        ("another site", strip(&fields, Some(&csrf)), vec![("origin", "https://evil.example")]),
        ("a null origin", strip(&fields, Some(&csrf)), vec![("origin", "null")]),
        ("another port", strip(&fields, Some(&csrf)), vec![("origin", "http://newsroom.test:8081")]),
        (
            "another site's referer",
            strip(&fields, Some(&csrf)),
            vec![("no-origin", ""), ("referer", "https://evil.example/page")],
        ),
        ("cross-site fetch", strip(&fields, Some(&csrf)), vec![("sec-fetch-site", "cross-site")]),
    ];
    for (what, body, headers) in cases {
        let r = ed.post_with("/admin/articles/story", body, &headers).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}: {}", r.body);
        assert!(r.body.contains("Nothing was changed"), "{what}");
    }
    let a = d.stored("story").await.unwrap();
    assert_eq!((a.title.as_str(), a.status, a.version), ("Title of story", Status::Draft, 1));
    // The same form, as the site sends it, works (same-origin Referer alone, too).
    let r = ed
        .post_with(
            "/admin/articles/story",
            strip(&fields, Some(&csrf)),
            &[("no-origin", ""), ("referer", "http://newsroom.test/admin/articles/story")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(d.stored("story").await.unwrap().status, Status::Published);
    // Other forms: a token of another session is a wrong token.
    let ada = d.signed_in("ada").await;
    for (path, body) in [
        ("/admin/users", form(&[("csrf", &csrf), ("name", "mallory"), ("role", "admin")])),
        ("/admin/users/wren/role", form(&[("csrf", &csrf), ("role", "admin")])),
        ("/admin/users/wren/disable", form(&[("csrf", &csrf)])),
        ("/admin/users/wren/password", form(&[("csrf", &csrf)])),
        ("/admin/tokens", form(&[("csrf", &csrf), ("name", "stolen")])),
        ("/admin/articles/story/delete", form(&[("csrf", &csrf), ("version", "2")])),
        (
            "/admin/account",
            form(&[
                ("csrf", &csrf),
                ("current", PASSWORD),
                ("new", "a brand new password"),
                ("repeat", "a brand new password"),
            ]),
        ),
    ] {
        assert_eq!(ada.post_with(path, body, &[]).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert!(d.state.store().user_by_name("mallory").await.unwrap().is_none());
    let wren = d.user_named("wren").await;
    assert_eq!((wren.role, wren.disabled), (Role::Writer, false));
    assert!(accounts::verify_password(PASSWORD, Some(&wren.password_hash)));
    assert!(d.state.store().tokens().await.unwrap().is_empty());
    assert!(d.stored("story").await.is_some());
    // The sign-in form: without its cookie's token, or from another site.
    let c = d.client();
    let r = c.post_with("/admin/login", form(&[("user", "ed"), ("password", PASSWORD)]), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c.post_login(&[("user", "ed"), ("password", PASSWORD)], &[("origin", "https://evil.example")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(c.session_cookie().is_none());
}

// ------------------------------------------------------------ writers

/// A writer writes a draft (owned by them, never seen by readers), submits
/// it for review; cannot publish or schedule, nor touch another writer's
/// articles, nor their own once it is published.
#[tokio::test]
async fn writers_write_and_submit_their_own_drafts_only() {
    let d = desk().await;
    let wren = d.signed_in("wren").await;
    let r = wren.get("/admin/articles/new").await;
    assert_eq!(r.status, StatusCode::OK);
    for button in ["value=\"draft\" class=\"primary\">Save draft", "value=\"submit\">Submit for review"] {
        assert!(r.body.contains(button), "{button}");
    }
    for button in ["value=\"publish\"", "value=\"schedule\"", "value=\"unpublish\""] {
        assert!(!r.body.contains(button), "{button}");
    }
    assert!(r.body.contains("value=\"WREN\""), "the byline starts with the writer");
    let r = create(&wren, "Flood Warning for the Valley", "draft").await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/admin/articles/flood-warning-for-the-valley?done=draft")
    );
    let a = d.stored("flood-warning-for-the-valley").await.unwrap();
    assert_eq!((a.status, a.owner), (Status::Draft, Some(d.user_named("wren").await.id)));
    assert!(wren.get(r.location()).await.body.contains("Saved as a draft."));
    // Publishing or scheduling, even forged into the form, is refused.
    for action in ["publish", "schedule", "unpublish"] {
        let fields = edit_fields(&wren, &a.slug, &[("action", action), ("published", "2999-01-01T10:00")]).await;
        let r = post_fields(&wren, &format!("/admin/articles/{}", a.slug), &fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{action}");
        assert!(r.body.contains("Writers cannot publish"), "{action}: {}", r.body);
    }
    assert_eq!(create(&wren, "Straight to Print", "publish").await.status, StatusCode::FORBIDDEN);
    assert!(d.stored("straight-to-print").await.is_none());
    // Submitting.
    let fields = edit_fields(&wren, &a.slug, &[("action", "submit"), ("standfirst", "Rain all week.")]).await;
    let r = post_fields(&wren, &format!("/admin/articles/{}", a.slug), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let a = d.stored(&a.slug).await.unwrap();
    assert_eq!((a.status, a.standfirst.as_deref()), (Status::Submitted, Some("Rain all week.")));
    // Never seen by readers: not the page, the API, or the home page.
    let reader = d.client();
    assert_eq!(reader.get(&format!("/articles/{}", a.slug)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(reader.get(&format!("/api/articles/{}", a.slug)).await.status, StatusCode::NOT_FOUND);
    assert!(!reader.get("/").await.body.contains("Flood Warning"));
    // Another writer's draft: not listed, not opened, not saved, not deleted.
    let wynn = d.signed_in("wynn").await;
    assert!(!wynn.get("/admin").await.body.contains("Flood Warning"), "writers list their own");
    assert!(wynn.get("/admin?status=submitted").await.body.contains("No article matches"));
    assert_eq!(wynn.get(&format!("/admin/articles/{}", a.slug)).await.status, StatusCode::FORBIDDEN);
    let forged = post_fields(&wynn, &format!("/admin/articles/{}", a.slug), &{
        let mut f = fields.clone();
        f.retain(|(k, _)| !["csrf", "version", "action", "title"].contains(&k.as_str()));
        f.push(("csrf".into(), wynn.csrf.lock().unwrap().clone()));
        f.push(("version".into(), a.version.to_string()));
        f.push(("action".into(), "draft".into()));
        f.push(("title".into(), "Hijacked".into()));
        f
    })
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    assert!(forged.body.contains("Writers can change only the articles they created."));
    assert_eq!(wynn.get(&format!("/admin/articles/{}/delete", a.slug)).await.status, StatusCode::FORBIDDEN);
    let r = wynn.post(&format!("/admin/articles/{}/delete", a.slug), &[("version", &a.version.to_string())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let still = d.stored(&a.slug).await.unwrap();
    assert_eq!((still.title.as_str(), still.version), (a.title.as_str(), a.version));
    // Editors see it in the list as submitted, with who wrote it.
    let ed = d.signed_in("ed").await;
    let list = ed.get("/admin?status=submitted").await;
    assert!(list.body.contains("Flood Warning for the Valley") && list.body.contains(">Submitted for review<"));
    assert!(list.body.contains("<td data-label=\"Created by\">WREN</td>"));
    // Once an editor publishes it, the writer can no longer change it.
    let fields = edit_fields(&ed, &a.slug, &[("action", "publish")]).await;
    assert_eq!(post_fields(&ed, &format!("/admin/articles/{}", a.slug), &fields).await.status, StatusCode::SEE_OTHER);
    assert_eq!(reader.get(&format!("/articles/{}", a.slug)).await.status, StatusCode::OK);
    let r = wren.get(&format!("/admin/articles/{}", a.slug)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("only editors can change it now"));
    assert_eq!(wren.get(&format!("/admin/articles/{}/delete", a.slug)).await.status, StatusCode::FORBIDDEN);
    // A writer may delete their own draft (after confirming).
    create(&wren, "Second Thoughts", "draft").await;
    let confirm = wren.get("/admin/articles/second-thoughts/delete").await;
    assert_eq!(confirm.status, StatusCode::OK);
    let version = hidden(&confirm.body, "version");
    let r = wren.post("/admin/articles/second-thoughts/delete", &[("version", &version)]).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/admin?done=deleted"));
    assert!(d.stored("second-thoughts").await.is_none());
    // Writers manage neither users nor tokens.
    for path in ["/admin/users", "/admin/tokens"] {
        assert_eq!(wren.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(wren.post("/admin/users", &[("name", "x"), ("role", "admin")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(wren.post("/admin/users/wren/role", &[("role", "admin")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(wren.post("/admin/tokens", &[("name", "mine")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(d.user_named("wren").await.role, Role::Writer);
}

// ------------------------------------------------------------ editors

/// An editor edits, schedules (in the site's time zone), publishes,
/// unpublishes and deletes any article, the API's and writers' alike.
#[tokio::test]
async fn editors_schedule_publish_unpublish_and_delete() {
    let paris: chrono_tz::Tz = "Europe/Paris".parse().unwrap();
    let d = desk_with(SiteConfig { timezone: paris, ..SiteConfig::default() }).await;
    d.user("ed", Role::Editor).await;
    d.user("wren", Role::Writer).await;
    d.article("from-the-api", Status::Published, None).await;
    d.article("by-wren", Status::Submitted, Some("wren")).await;
    let ed = d.signed_in("ed").await;
    let reader = d.client();
    // Scheduling: the time is entered in Paris time and stored in UTC.
    let page = ed.get("/admin/articles/by-wren").await;
    assert!(page.body.contains("In the site&#39;s time zone, Europe/Paris."));
    for button in [
        "value=\"draft\" class=\"primary\">Save draft",
        "value=\"schedule\">Schedule",
        "value=\"publish\">Publish now",
        "Delete…",
    ] {
        assert!(page.body.contains(button), "{button}");
    }
    assert!(!page.body.contains("value=\"submit\""), "editors publish, they do not submit");
    let fields = edit_fields(&ed, "by-wren", &[("action", "schedule"), ("published", "2030-07-01T10:30")]).await;
    let r = post_fields(&ed, "/admin/articles/by-wren", &fields).await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/admin/articles/by-wren?done=scheduled"),
        "{}",
        r.body
    );
    let a = d.stored("by-wren").await.unwrap();
    let utc = chrono::DateTime::parse_from_rfc3339("2030-07-01T08:30:00Z").unwrap().timestamp();
    assert_eq!((a.status, a.published_at), (Status::Scheduled, Some(utc)));
    let page = ed.get("/admin/articles/by-wren").await;
    assert!(page.body.contains("value=\"2030-07-01T10:30\""), "shown in Paris time again");
    assert_eq!(reader.get("/articles/by-wren").await.status, StatusCode::NOT_FOUND, "not before its time");
    // A time that has passed cannot be scheduled.
    let fields = edit_fields(&ed, "by-wren", &[("action", "schedule"), ("published", "2001-01-01T10:00")]).await;
    let r = post_fields(&ed, "/admin/articles/by-wren", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"f-published-error\">published: to schedule the article, give a publication time to come (in Europe/Paris)"), "{}", r.body);
    // Publish now: a time to come becomes now.
    let fields = edit_fields(&ed, "by-wren", &[("action", "publish")]).await;
    let before = web::now();
    assert_eq!(post_fields(&ed, "/admin/articles/by-wren", &fields).await.status, StatusCode::SEE_OTHER);
    let a = d.stored("by-wren").await.unwrap();
    assert_eq!(a.status, Status::Published);
    assert!(a.published_at.unwrap() >= before && a.published_at.unwrap() <= web::now());
    assert_eq!(reader.get("/articles/by-wren").await.status, StatusCode::OK);
    // A published article: save changes, unpublish, delete; no "Publish now".
    let page = ed.get("/admin/articles/from-the-api").await;
    for button in ["value=\"save\" class=\"primary\">Save changes", "value=\"unpublish\">Unpublish"] {
        assert!(page.body.contains(button), "{button}");
    }
    assert!(!page.body.contains("value=\"publish\""));
    let fields = edit_fields(&ed, "from-the-api", &[("action", "save"), ("title", "A Corrected Title")]).await;
    let r = post_fields(&ed, "/admin/articles/from-the-api", &fields).await;
    assert_eq!(r.location(), "/admin/articles/from-the-api?done=saved");
    let a = d.stored("from-the-api").await.unwrap();
    assert_eq!(
        (a.title.as_str(), a.status, a.published_at),
        ("A Corrected Title", Status::Published, Some(1_767_261_600)),
        "a correction keeps its date"
    );
    assert!(reader.get("/articles/from-the-api").await.body.contains("A Corrected Title"), "the reader page is fresh");
    // Saving the form unchanged writes nothing.
    let fields = edit_fields(&ed, "from-the-api", &[("action", "save")]).await;
    let r = post_fields(&ed, "/admin/articles/from-the-api", &fields).await;
    assert_eq!(r.location(), "/admin/articles/from-the-api?done=unchanged");
    assert_eq!(d.stored("from-the-api").await.unwrap().version, a.version);
    let fields = edit_fields(&ed, "from-the-api", &[("action", "unpublish")]).await;
    assert_eq!(post_fields(&ed, "/admin/articles/from-the-api", &fields).await.status, StatusCode::SEE_OTHER);
    assert_eq!(d.stored("from-the-api").await.unwrap().status, Status::Draft);
    assert_eq!(reader.get("/articles/from-the-api").await.status, StatusCode::NOT_FOUND);
    // Deleting asks first (a page with a form: no script needed).
    let confirm = ed.get("/admin/articles/from-the-api/delete").await;
    assert!(confirm.body.contains("Delete “A Corrected Title”?") && confirm.body.contains("This cannot be undone."));
    assert!(confirm.body.contains("<button type=\"submit\" class=\"danger\">Delete the article</button>"));
    // A stale confirmation deletes nothing.
    let r = ed.post("/admin/articles/from-the-api/delete", &[("version", "1")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let version = hidden(&confirm.body, "version");
    let r = ed.post("/admin/articles/from-the-api/delete", &[("version", &version)]).await;
    assert_eq!(r.location(), "/admin?done=deleted");
    assert!(d.stored("from-the-api").await.is_none());
    assert!(ed.get("/admin?done=deleted").await.body.contains("The article was deleted."));
    assert_eq!(ed.get("/admin/articles/from-the-api").await.status, StatusCode::NOT_FOUND);
    // Editors manage neither users nor tokens.
    for path in ["/admin/users", "/admin/tokens"] {
        assert_eq!(ed.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(ed.post("/admin/tokens", &[("name", "mine")]).await.status, StatusCode::FORBIDDEN);
    assert!(d.state.store().tokens().await.unwrap().is_empty());
}

/// Two editors on one article: the second save, over a newer version,
/// shows both versions and overwrites nothing; saving again then does.
#[tokio::test]
async fn a_save_over_a_newer_version_shows_both_and_overwrites_nothing() {
    let d = desk().await;
    d.article("shared", Status::Draft, None).await;
    let one = d.signed_in("ed").await;
    let two = d.signed_in("ada").await;
    let first = edit_fields(&one, "shared", &[("action", "draft"), ("title", "The First Editor's Title")]).await;
    let second = edit_fields(&two, "shared", &[("action", "draft"), ("title", "The Second Editor's Title")]).await;
    assert_eq!(post_fields(&one, "/admin/articles/shared", &first).await.status, StatusCode::SEE_OTHER);
    let r = post_fields(&two, "/admin/articles/shared", &second).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("This article changed since you opened it"));
    assert!(r.body.contains("<p class=\"diff-label\">Yours</p><pre>The Second Editor&#39;s Title</pre>"), "{}", r.body);
    assert!(r.body.contains("<p class=\"diff-label\">Current (version 2)</p><pre>The First Editor&#39;s Title</pre>"));
    assert!(r.body.contains("value=\"The Second Editor&#39;s Title\""), "the form keeps their text");
    assert_eq!(d.stored("shared").await.unwrap().title, "The First Editor's Title", "nothing overwritten");
    // Saving the shown form again replaces the current version, knowingly.
    let again = form_fields(&r.body, &[("action", "draft")]);
    assert!(again.contains(&("version".into(), "2".into())));
    assert_eq!(post_fields(&two, "/admin/articles/shared", &again).await.status, StatusCode::SEE_OTHER);
    assert_eq!(d.stored("shared").await.unwrap().title, "The Second Editor's Title");
    // A writer whose submitted draft was published meanwhile sees both
    // versions but can no longer save.
    d.article("wrens", Status::Submitted, Some("wren")).await;
    let wren = d.signed_in("wren").await;
    let mine = edit_fields(&wren, "wrens", &[("action", "submit"), ("title", "Wren's Late Change")]).await;
    let publish = edit_fields(&one, "wrens", &[("action", "publish")]).await;
    assert_eq!(post_fields(&one, "/admin/articles/wrens", &publish).await.status, StatusCode::SEE_OTHER);
    let r = post_fields(&wren, "/admin/articles/wrens", &mine).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("You can no longer change this article"));
    assert!(!r.body.contains("name=\"action\""), "no buttons");
    // ...and another writer cannot see a third article's text that way.
    let wynn = d.signed_in("wynn").await;
    let mut stale = mine.clone();
    stale.retain(|(k, _)| k != "csrf");
    stale.push(("csrf".into(), wynn.csrf.lock().unwrap().clone()));
    assert_eq!(post_fields(&wynn, "/admin/articles/wrens", &stale).await.status, StatusCode::FORBIDDEN);
}

/// Validation errors are shown next to their field, in the API's words.
#[tokio::test]
async fn validation_errors_sit_next_to_their_field_in_the_api_words() {
    let d = desk().await;
    d.article("taken", Status::Draft, None).await;
    let token = web::api::new_token();
    d.state.store().create_token("t", &web::api::token_hash(&token), 0).await.unwrap();
    let ed = d.signed_in("ed").await;
    for (field, value, expected) in [
        ("title", "", "title: must not be empty"),
        ("body", "   ", "body: must not be empty: the article needs its text"),
        ("section", "", "section: must not be empty"),
        ("canonical_url", "javascript:alert(1)", "canonical_url: must be an http(s) URL"),
        ("lead_image", "ftp://x", "lead_image: must be an http(s) URL or a path starting with /"),
        ("slug", "Not A Slug", "slug: must be 1 to 120 lowercase letters, digits and single hyphens"),
        ("lang", "english!", "lang: must be a language code such as en, pl or pt-BR, got &#34;english!&#34;"),
    ] {
        let mut fields: Vec<(&str, String)> = new_article("Valid Title");
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value.to_owned()));
        let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        pairs.push(("action", "draft"));
        let r = ed.post("/admin/articles/new", &pairs).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(
            r.body.contains(&format!("<p class=\"field-error\" id=\"f-{field}-error\">{expected}</p>")),
            "{field}: {}",
            r.body
        );
        assert!(
            r.body.contains(&format!("aria-describedby=\"f-{field}-hint f-{field}-error\""))
                || r.body.contains(&format!("aria-describedby=\"f-{field}-error\"")),
            "{field}"
        );
        assert!(r.body.contains("role=\"alert\" id=\"form-errors\""), "{field}: announced");
        assert!(r.body.contains(&format!("<a href=\"#f-{field}\">{expected}</a>")), "{field}: the summary links to it");
        // The API says the same about the same article.
        let mut json = serde_json::json!({"slug": "valid-title", "title": "Valid Title", "body": body_text("x"), "section": "Science", "lang": "en"});
        json[field] = value.into();
        let api = d.api_post(&token, &json).await;
        assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", api.body);
        let message: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert_eq!(html_escape(message["error"]["message"].as_str().unwrap()), expected, "{field}");
    }
    let mut fields: Vec<(&str, String)> = new_article("Anything");
    fields.push(("slug", "taken".into()));
    fields.retain(|(k, v)| *k != "slug" || !v.is_empty());
    let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.push(("action", "draft"));
    let r = ed.post("/admin/articles/new", &pairs).await;
    assert!(r.body.contains("id=\"f-slug-error\">slug: slug taken is taken</p>"), "{}", r.body);
    assert_eq!(d.state.store().count_articles().await.unwrap(), 1);
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&#34;").replace('<', "&lt;").replace('>', "&gt;")
}

// ------------------------------------------------------------ the list

#[tokio::test]
async fn the_list_filters_searches_and_pages() {
    let d = desk().await;
    for i in 0..30 {
        let status = [Status::Draft, Status::Published, Status::Scheduled][i % 3];
        d.article(&format!("story-{i:02}"), status, Some(if i % 2 == 0 { "wren" } else { "wynn" })).await;
    }
    let ed = d.signed_in("ed").await;
    let count = |body: &str| body.matches("<th scope=\"row\" data-label=\"Title\">").count();
    let r = ed.get("/admin").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(count(&r.body), 25);
    assert!(r.body.contains("30 articles, page 1 of 2. Times are in UTC."));
    assert!(r.body.contains("<a rel=\"next\" href=\"/admin?page=2\">"));
    assert_eq!(count(&ed.get("/admin?page=2").await.body), 5);
    let r = ed.get("/admin?status=published").await;
    assert_eq!(count(&r.body), 10);
    assert!(r.body.contains("<option value=\"published\" selected>Published</option>"));
    assert!(r.body.contains("view<span class=\"visually-hidden\">"), "a published article links to its page");
    assert_eq!(count(&ed.get("/admin?status=scheduled&section=world").await.body), 10);
    assert_eq!(count(&ed.get("/admin?section=sport").await.body), 0);
    assert_eq!(count(&ed.get("/admin?author=ann-lee&status=draft").await.body), 10);
    let r = ed.get("/admin?q=of+STORY-0").await;
    assert_eq!(count(&r.body), 10, "title search, any case");
    assert!(r.body.contains("value=\"of STORY-0\""));
    assert_eq!(count(&ed.get("/admin?q=%25").await.body), 0, "% is a character, not a wildcard");
    // Nonsense filters are ignored, not errors.
    assert_eq!(ed.get("/admin?status=bogus&page=x").await.status, StatusCode::OK);
    // Writers see their own only.
    let wren = d.signed_in("wren").await;
    let r = wren.get("/admin").await;
    assert!(r.body.contains("<h1>Your articles</h1>") && r.body.contains("15 articles"));
    // Their published articles are listed without an edit link.
    assert!(!r.body.contains("href=\"/admin/articles/story-02\""), "story-02 is scheduled");
    assert!(r.body.contains("href=\"/admin/articles/story-00\""), "story-00 is a draft");
}

// ------------------------------------------------------------ admins

/// Admins create users (the password shown once), change roles, disable,
/// enable and reset passwords; the site's last admin stays one.
#[tokio::test]
async fn admins_manage_users() {
    let d = desk().await;
    let ada = d.signed_in("ada").await;
    let r = ada.get("/admin/users").await;
    assert_eq!(r.status, StatusCode::OK);
    for name in ["ada", "ed", "wren", "wynn"] {
        assert!(r.body.contains(&format!("<th scope=\"row\" data-label=\"User name\">{name}")), "{name}");
    }
    let r = ada
        .post(
            "/admin/users",
            &[("name", "Nia"), ("display_name", "Nia Obi"), ("email", "nia@example.org"), ("role", "writer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("The user <strong>nia</strong> was created."));
    let password = secret(&r.body);
    let nia = d.user_named("nia").await;
    assert_eq!(
        (nia.display_name.as_str(), nia.email.as_deref(), nia.role),
        ("Nia Obi", Some("nia@example.org"), Role::Writer)
    );
    assert!(!ada.get("/admin/users").await.body.contains(&password), "shown once");
    let nia_client = d.client();
    assert_eq!(nia_client.sign_in("nia", &password).await.status, StatusCode::SEE_OTHER);
    // Bad input is refused in words.
    let r = ada.post("/admin/users", &[("name", "nia"), ("role", "writer")]).await;
    assert!(r.body.contains("the user name nia is taken"));
    let r = ada.post("/admin/users", &[("name", "bad name"), ("role", "writer")]).await;
    assert!(r.body.contains("a user name is 1 to 64 letters"));
    let r = ada.post("/admin/users", &[("name", "ok"), ("role", "root")]).await;
    assert!(r.body.contains("Choose a role"));
    // Roles change at once, for a session already open.
    assert_eq!(nia_client.get("/admin/users").await.status, StatusCode::FORBIDDEN);
    assert_eq!(ada.post("/admin/users/nia/role", &[("role", "admin")]).await.location(), "/admin/users?done=role");
    assert_eq!(nia_client.get("/admin/users").await.status, StatusCode::OK);
    ada.post("/admin/users/nia/role", &[("role", "editor")]).await;
    assert_eq!(d.user_named("nia").await.role, Role::Editor);
    // Disabling ends their sessions and keeps them out.
    assert_eq!(ada.post("/admin/users/nia/disable", &[]).await.location(), "/admin/users?done=disabled");
    assert_eq!(nia_client.get("/admin").await.status, StatusCode::SEE_OTHER);
    assert_eq!(d.client().sign_in("nia", &password).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    ada.post("/admin/users/nia/enable", &[]).await;
    assert_eq!(d.client().sign_in("nia", &password).await.status, StatusCode::SEE_OTHER);
    // A reset: a new password shown once, the old one no longer works.
    let r = ada.post("/admin/users/nia/password", &[]).await;
    let new_password = secret(&r.body);
    assert_ne!(new_password, password);
    assert_eq!(d.client().sign_in("nia", &password).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(d.client().sign_in("nia", &new_password).await.status, StatusCode::SEE_OTHER);
    // The last admin can be neither demoted nor disabled; nobody disables themself.
    let r = ada.post("/admin/users/ada/role", &[("role", "editor")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("last active admin"));
    assert_eq!(ada.post("/admin/users/ada/disable", &[]).await.status, StatusCode::CONFLICT);
    assert_eq!(d.user_named("ada").await.role, Role::Admin);
    assert_eq!(ada.post("/admin/users/nobody/role", &[("role", "editor")]).await.status, StatusCode::NOT_FOUND);
}

/// Admins create API tokens (shown once, working at once), list and revoke them.
#[tokio::test]
async fn admins_manage_api_tokens() {
    let d = desk().await;
    let ada = d.signed_in("ada").await;
    let r = ada.get("/admin/tokens").await;
    assert!(r.body.contains("No tokens yet."));
    let r = ada.post("/admin/tokens", &[("name", "import script")]).await;
    assert_eq!(r.status, StatusCode::OK);
    let token = secret(&r.body);
    assert!(token.starts_with("nd_") && token.len() == 67);
    let json =
        serde_json::json!({"slug": "via-api", "title": "Via the API", "body": body_text("api"), "section": "World"});
    assert_eq!(d.api_post(&token, &json).await.status, StatusCode::CREATED);
    let list = ada.get("/admin/tokens").await;
    assert!(list.body.contains("<th scope=\"row\" data-label=\"Name\">import script</th>"));
    assert!(!list.body.contains(&token), "shown once");
    assert!(
        ada.post("/admin/tokens", &[("name", "import script")])
            .await
            .body
            .contains("an active token named import script exists")
    );
    assert!(ada.post("/admin/tokens", &[("name", "  ")]).await.body.contains("A token&#39;s name is one line"));
    let r = ada.post("/admin/tokens/revoke", &[("name", "import script")]).await;
    assert_eq!(r.location(), "/admin/tokens?done=revoked");
    d.state.articles().delete("via-api", &content::WrittenBy::named("test"), 0).await.unwrap();
    assert_eq!(d.api_post(&token, &json).await.status, StatusCode::UNAUTHORIZED);
    assert!(ada.get("/admin/tokens").await.body.contains("Revoked"));
    assert_eq!(ada.post("/admin/tokens/revoke", &[("name", "import script")]).await.status, StatusCode::NOT_FOUND);
}

/// Everyone may change their own password: the current one is checked,
/// and every other session ends.
#[tokio::test]
async fn users_change_their_own_password() {
    let d = desk().await;
    let wren = d.signed_in("wren").await;
    let other = d.signed_in("wren").await;
    let new = "a much longer passphrase";
    let r = wren.post("/admin/account", &[("current", "not it at all"), ("new", new), ("repeat", new)]).await;
    assert!(r.body.contains("Your current password is not right."));
    let r = wren.post("/admin/account", &[("current", PASSWORD), ("new", new), ("repeat", "something else!")]).await;
    assert!(r.body.contains("The two new passwords are not the same."));
    let r = wren.post("/admin/account", &[("current", PASSWORD), ("new", "short"), ("repeat", "short")]).await;
    assert!(r.body.contains("at least 12 characters"));
    let r = wren.post("/admin/account", &[("current", PASSWORD), ("new", new), ("repeat", new)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Your password was changed."));
    assert_eq!(other.get("/admin").await.status, StatusCode::SEE_OTHER, "the other session ended");
    assert_eq!(wren.get("/admin").await.status, StatusCode::OK, "this one goes on, with a new id");
    assert_eq!(d.client().sign_in("wren", PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(d.client().sign_in("wren", new).await.status, StatusCode::SEE_OTHER);
}

/// Every newsroom page: never stored (no-store), the site's CSP, no
/// inline script or style, labelled fields; and the reader pages' cache
/// does not keep newsroom pages.
#[tokio::test]
async fn every_newsroom_page_is_no_store_and_keeps_the_csp() {
    let d = desk().await;
    d.article("story", Status::Draft, Some("wren")).await;
    let ada = d.signed_in("ada").await;
    for path in [
        "/admin",
        "/admin/articles/new",
        "/admin/articles/story",
        "/admin/articles/story/delete",
        "/admin/users",
        "/admin/tokens",
        "/admin/account",
        "/admin/login",
    ] {
        let r = ada.get(path).await;
        let expected = if path == "/admin/login" { StatusCode::SEE_OTHER } else { StatusCode::OK };
        assert_eq!(r.status, expected, "{path}");
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "{path}");
        assert_eq!(r.headers["x-robots-tag"], "noindex, nofollow", "{path}");
        assert!(
            r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().starts_with("default-src 'self'"),
            "{path}"
        );
        if r.status == StatusCode::OK {
            assert!(
                !r.body.contains("<script") && !r.body.contains(" style=") && !r.body.contains(" onclick"),
                "{path}"
            );
            assert!(r.body.contains("<html lang=\"en\">") && r.body.contains("<main id=\"content\">"), "{path}");
            // Every input that is not hidden has a label.
            for tag in r.body.split("<input ").skip(1).map(|t| t.split('>').next().unwrap()) {
                if tag.contains("type=\"hidden\"") || tag.contains(" hidden") || tag.contains("type=\"radio\"") {
                    continue;
                }
                let id = tag
                    .split("id=\"")
                    .nth(1)
                    .map(|s| s.split('"').next().unwrap())
                    .unwrap_or_else(|| panic!("{path}: {tag}"));
                assert!(r.body.contains(&format!("for=\"{id}\"")), "{path}: no label for {id}");
            }
        }
    }
    // The page changes as soon as the article does: no cache in between.
    assert!(ada.get("/admin").await.body.contains("Title of story"));
    let fields = edit_fields(&ada, "story", &[("action", "draft"), ("title", "Renamed Story")]).await;
    post_fields(&ada, "/admin/articles/story", &fields).await;
    let list = ada.get("/admin").await;
    assert!(list.body.contains("Renamed Story") && !list.body.contains("Title of story"));
    let css = ada.get("/static/admin.css").await;
    assert_eq!(css.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
}

/// With no admin, a signed-in editor is told how to make one.
#[tokio::test]
async fn a_site_without_admin_says_how_to_make_one() {
    let d = desk_with(SiteConfig::default()).await;
    d.user("ed", Role::Editor).await;
    let ed = d.signed_in("ed").await;
    let r = ed.get("/admin").await;
    assert!(
        r.body.contains("This site has no admin yet.") && r.body.contains("newsdesk user create NAME --role admin")
    );
    assert!(!r.body.contains("href=\"/admin/users\""), "editors have no users page");
}

/// The newsroom and the reader pages' cache: newsroom pages never enter it
/// (no render is counted for them, and an edit shows at once), and a
/// newsroom write announces its change, so that the cached reader pages
/// that show the article are rendered again.
#[tokio::test]
async fn newsroom_writes_refresh_the_reader_cache_and_newsroom_pages_stay_out_of_it() {
    let d = desk().await;
    d.article("story", Status::Submitted, Some("wren")).await;
    let ed = d.signed_in("ed").await;
    let reader = d.client();
    let renders = || d.state.cache_stats().renders;
    // Newsroom pages are rendered by their handlers, outside the cache.
    let before = renders();
    for _ in 0..2 {
        assert_eq!(ed.get("/admin").await.status, StatusCode::OK);
        assert_eq!(ed.get("/admin/articles/story").await.status, StatusCode::OK);
    }
    assert_eq!(renders(), before, "no newsroom page goes through the page cache");
    // The home page, cached without the story.
    let home = reader.get("/").await;
    assert!(!home.body.contains("Title of story"));
    let found = |r: Res| r.status == StatusCode::OK && r.body.contains("Title of story");
    assert!(!found(reader.get("/search?q=story").await), "a submitted draft is never found");
    let before = renders();
    reader.get("/").await;
    assert_eq!(renders(), before, "the home page is served from the cache");
    // Published in the newsroom: the cached home page is rendered again.
    let fields = edit_fields(&ed, "story", &[("action", "publish")]).await;
    let r = post_fields(&ed, "/admin/articles/story", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(reader.get("/").await.body.contains("Title of story"), "the write reached the cache");
    assert_eq!(reader.get("/articles/story").await.status, StatusCode::OK);
    assert!(found(reader.get("/search?q=story").await), "found once published");
    // Unpublished: gone from all three.
    let fields = edit_fields(&ed, "story", &[("action", "unpublish")]).await;
    let r = post_fields(&ed, "/admin/articles/story", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!reader.get("/").await.body.contains("Title of story"));
    assert_eq!(reader.get("/articles/story").await.status, StatusCode::NOT_FOUND);
    assert!(!found(reader.get("/search?q=story").await));
}

/// The door refuses request bodies over 1 MiB unread, but a newsroom form
/// may be larger (an article body the API takes, form-encoded): a 2 MB
/// form reaches the newsroom (which checks it), a 5 MB one is refused.
#[tokio::test]
async fn newsroom_forms_may_be_larger_than_api_bodies() {
    let d = desk().await;
    let ed = d.signed_in("ed").await;
    let mut fields = new_article("A long one");
    fields[2].1 = body_text("long").repeat(2_000_000 / body_text("long").len() + 1);
    let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.push(("action", "draft"));
    let r = ed.post("/admin/articles/new", &pairs).await;
    assert_ne!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.status == StatusCode::SEE_OTHER || r.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", r.status);
    let huge = "x".repeat(web::admin::FORM_LIMIT + 1);
    pairs[2].1 = &huge;
    assert_eq!(ed.post("/admin/articles/new", &pairs).await.status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// The editor has the API's `auto_paragraphs`: on for a new article, and
/// switched off (and on again) from the form.
#[tokio::test]
async fn paragraph_breaks_are_switched_in_the_editor() {
    let d = desk().await;
    let ed = d.signed_in("ed").await;
    let page = ed.get("/admin/articles/new").await;
    assert!(page.body.contains("id=\"f-auto_paragraphs-on\" name=\"auto_paragraphs\" value=\"on\" checked"));
    let r = create(&ed, "Paragraphs", "draft").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(d.stored("paragraphs").await.unwrap().auto_paragraphs, "on unless switched off");
    let fields = edit_fields(&ed, "paragraphs", &[("action", "draft"), ("auto_paragraphs", "off")]).await;
    assert_eq!(post_fields(&ed, "/admin/articles/paragraphs", &fields).await.status, StatusCode::SEE_OTHER);
    assert!(!d.stored("paragraphs").await.unwrap().auto_paragraphs);
    let page = ed.get("/admin/articles/paragraphs").await;
    assert!(page.body.contains("id=\"f-auto_paragraphs-off\" name=\"auto_paragraphs\" value=\"off\" checked"));
    let fields = edit_fields(&ed, "paragraphs", &[("action", "draft"), ("auto_paragraphs", "on")]).await;
    assert_eq!(post_fields(&ed, "/admin/articles/paragraphs", &fields).await.status, StatusCode::SEE_OTHER);
    assert!(d.stored("paragraphs").await.unwrap().auto_paragraphs);
}

// ------------------------------------------------------------ preview and the summary

/// The sentence texts of the editor's list, by index, as its boxes carry them.
fn listed_sentences(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    while body.contains(&format!("name=\"pick_{}\"", out.len())) {
        out.push(hidden(body, &format!("pick_{}", out.len())));
    }
    out
}

/// The summary sentence links of a reader's page (`#s-N` and text), in the
/// top control, every variant.
fn summary_links(page: &str) -> Vec<(usize, String)> {
    let top = page.split("id=\"summary-top\"").nth(1).unwrap().split("</details>").next().unwrap();
    top.split("<a data-summary-sentence href=\"#s-")
        .skip(1)
        .map(|s| {
            let (n, rest) = s.split_once("\">").unwrap();
            (n.parse().unwrap(), html_unescape(rest.split("</a>").next().unwrap()))
        })
        .collect()
}

async fn api(d: &Desk, method: &str, uri: &str, token: &str, json: Option<&serde_json::Value>) -> Res {
    let mut b = Request::builder().method(method).uri(uri).header(header::AUTHORIZATION, format!("Bearer {token}"));
    if json.is_some() {
        b = b.header(header::CONTENT_TYPE, "application/json");
    }
    let body = json.map(|j| Body::from(j.to_string())).unwrap_or_else(Body::empty);
    d.client().send(b.body(body).unwrap()).await
}

/// Preview renders the form as readers will see it (the article template,
/// the summary control, made from the form's text), with a banner,
/// `noindex` and `no-store`, validated like a save, storing nothing; the
/// saved version has a preview too; only those who may edit an article may
/// preview it.
#[tokio::test]
async fn preview_shows_the_form_as_readers_will_and_stores_nothing() {
    let d = desk().await;
    let wren = d.signed_in("wren").await;
    let mut fields = new_article("Harbour Preview");
    fields.push(("action", "preview".into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = wren.post("/admin/articles/new/preview", &pairs).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("<strong>Preview – not published.</strong>"), "{}", r.body);
    assert!(r.body.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    assert!(r.headers["x-robots-tag"].to_str().unwrap().contains("noindex"));
    // The reader's page: title, body with its anchors, the summary control
    // made from the form's text.
    assert!(r.body.contains("<h1>Harbour Preview</h1>"));
    assert!(r.body.contains("<summary>No time to read? Get a summary</summary>"));
    assert!(r.body.contains("id=\"s-0\""));
    let links = summary_links(&r.body);
    assert!(!links.is_empty() && links.iter().all(|(_, t)| body_text("Harbour Preview").contains(t.as_str())));
    assert_eq!(d.state.store().count_articles().await.unwrap(), 0, "nothing stored");
    assert_eq!(d.client().get("/articles/harbour-preview").await.status, StatusCode::NOT_FOUND);
    // The form's button posts here, in another tab, without JavaScript.
    let editor = wren.get("/admin/articles/new").await.body;
    assert!(editor.contains(
        "<button type=\"submit\" name=\"action\" value=\"preview\" formaction=\"/admin/articles/new/preview\" formtarget=\"newsdesk-preview\""
    ));
    // A form that would not save does not preview: the editor, its errors.
    let bad: Vec<(&str, &str)> = pairs.iter().map(|&(k, v)| if k == "title" { (k, "") } else { (k, v) }).collect();
    let r = wren.post("/admin/articles/new/preview", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("The preview could not be made: nothing was saved."));
    assert!(r.body.contains("<p class=\"field-error\" id=\"f-title-error\">title: must not be empty</p>"));
    // A saved draft: the form's changes previewed, the stored one unchanged.
    let draft = d.article("wrens-draft", Status::Draft, Some("wren")).await;
    let fields = edit_fields(&wren, "wrens-draft", &[("title", "A Better Title"), ("action", "preview")]).await;
    let r = post_fields(&wren, "/admin/articles/wrens-draft/preview", &fields).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("<h1>A Better Title</h1>") && r.body.contains("Preview – not published."));
    assert_eq!(d.stored("wrens-draft").await.unwrap(), draft, "nothing written");
    // The same through the save address (a browser without `formaction`).
    let r = post_fields(&wren, "/admin/articles/wrens-draft", &fields).await;
    assert!(r.status == StatusCode::OK && r.body.contains("<h1>A Better Title</h1>"));
    assert_eq!(d.stored("wrens-draft").await.unwrap(), draft, "nothing written");
    // The saved version, by GET, with the way back and the control's links.
    let r = wren.get("/admin/articles/wrens-draft/preview").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<h1>Title of wrens-draft</h1>") && r.body.contains("noindex"));
    assert!(r.body.contains("<a href=\"/admin/articles/wrens-draft\">Back to the editor</a>"));
    assert!(r.body.contains("href=\"?summary=5&amp;format=text#summary-top\""));
    let longer = wren.get("/admin/articles/wrens-draft/preview?summary=5&format=bullets").await;
    assert!(longer.body.contains("data-length=\"5\" data-format=\"bullets\">"), "the longer key points shown");
    assert!(
        wren.get("/admin/articles/wrens-draft")
            .await
            .body
            .contains("href=\"/admin/articles/wrens-draft/preview\">Preview the saved version</a>")
    );
    // Who may not edit it may not preview it.
    let wynn = d.signed_in("wynn").await;
    assert_eq!(wynn.get("/admin/articles/wrens-draft/preview").await.status, StatusCode::FORBIDDEN);
    let fields_wynn: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| if k == "csrf" { (k.clone(), wynn.csrf.lock().unwrap().clone()) } else { (k.clone(), v.clone()) })
        .collect();
    let r = post_fields(&wynn, "/admin/articles/wrens-draft/preview", &fields_wynn).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains("A Better Title"));
    let anon = d.client().get("/admin/articles/wrens-draft/preview").await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert!(anon.location().starts_with("/admin/login"));
    let anon = d.client().post_with("/admin/articles/new/preview", form(&pairs), &[]).await;
    assert_ne!(anon.status, StatusCode::OK);
    assert!(!anon.body.contains("Harbour Preview"));
    // An editor may preview anyone's; a published article's preview has its Previous/Next.
    let ed = d.signed_in("ed").await;
    assert_eq!(ed.get("/admin/articles/wrens-draft/preview").await.status, StatusCode::OK);
    d.article("older", Status::Published, None).await;
    let published = d.article("newer", Status::Published, None).await;
    let _ = published;
    let r = ed.get("/admin/articles/older/preview").await;
    assert!(r.body.contains("rel=\"next\"") || r.body.contains("rel=\"prev\""), "{}", r.body);
}

/// A draft, previewed and saved, stays out of every reader's way: its
/// address, the API, search, feeds, and its neighbours' Previous/Next.
#[tokio::test]
async fn previewed_drafts_stay_unreachable_by_readers() {
    let d = desk().await;
    d.article("before", Status::Published, None).await;
    let wren = d.signed_in("wren").await;
    let mut fields = new_article("Zanzibar Quietly Drafted");
    fields.push(("action", "preview".into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(wren.post("/admin/articles/new/preview", &pairs).await.status, StatusCode::OK);
    let saved: Vec<(&str, &str)> =
        pairs.iter().map(|&(k, v)| if k == "action" { (k, "draft") } else { (k, v) }).collect();
    assert_eq!(wren.post("/admin/articles/new", &saved).await.status, StatusCode::SEE_OTHER);
    assert_eq!(wren.get("/admin/articles/zanzibar-quietly-drafted/preview").await.status, StatusCode::OK);
    let reader = d.client();
    for uri in [
        "/articles/zanzibar-quietly-drafted",
        "/api/articles/zanzibar-quietly-drafted",
        "/api/articles/zanzibar-quietly-drafted/summary",
    ] {
        assert_eq!(reader.get(uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
    for uri in [
        "/",
        "/api/articles",
        "/search?q=zanzibar",
        "/api/search?q=zanzibar",
        "/atom.xml",
        "/rss.xml",
        "/feed.json",
        "/sections/science",
        "/articles/before",
        "/briefing",
        "/sitemaps/articles-1.xml",
    ] {
        let r = reader.get(uri).await;
        assert!(
            !r.body.contains("zanzibar-quietly-drafted") && !r.body.contains("Zanzibar Quietly"),
            "{uri}: {}",
            r.body
        );
    }
}

/// The editor lists the body's sentences, numbered, the automatic
/// summaries' marked in words; an editor picks sentences (and so leaves out
/// one the automatic summary took), and readers get exactly those: on the
/// page, from the summary API, in feeds and in the briefing, each linked to
/// its place.
#[tokio::test]
async fn editors_pick_summary_sentences_and_readers_get_exactly_those() {
    let d = desk().await;
    let a = d.article("picks", Status::Published, None).await;
    let ed = d.signed_in("ed").await;
    let page = ed.get("/admin/articles/picks").await.body;
    let listed = listed_sentences(&page);
    assert_eq!(listed.len(), 4, "{page}");
    let short: Vec<usize> =
        a.summaries.iter().find(|s| s.length == 3).unwrap().sentences.iter().map(|s| s.index).collect();
    assert_eq!(short.len(), 3);
    for (i, text) in listed.iter().enumerate() {
        let item = page.split(&format!("<li id=\"sentence-{i}\"")).nth(1).unwrap().split("</li>").next().unwrap();
        assert!(item.contains(&format!("<label for=\"pick-{i}\">{}", html_escape(text))), "{item}");
        assert_eq!(item.contains("<span class=\"mark\">short summary</span>"), short.contains(&i), "{item}");
        assert!(!item.contains(" checked"), "nothing picked yet");
    }
    assert!(page.contains("<ol class=\"sentences\">"), "numbered");
    // Exclude one of the automatic sentences: pick the others and the one it left out.
    let left_out = (0..4).find(|i| !short.contains(i)).unwrap();
    let mut want: Vec<usize> = short[1..].to_vec();
    want.push(left_out);
    want.sort();
    let mut changes: Vec<(String, String)> =
        vec![("summary_mode".into(), "picked".into()), ("action".into(), "save".into())];
    for &i in &want {
        changes.push((format!("pick_{i}"), listed[i].clone()));
    }
    let changes: Vec<(&str, &str)> = changes.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let fields = edit_fields(&ed, "picks", &changes).await;
    let r = post_fields(&ed, "/admin/articles/picks", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = d.stored("picks").await.unwrap();
    assert_eq!(stored.summary_mode, store::SummaryMode::Picked);
    assert_eq!(content::found_picks(&stored.summary_picks), want);
    // The editor shows them ticked, and "picked".
    let page = ed.get("/admin/articles/picks").await.body;
    assert!(page.contains("id=\"f-summary_mode-picked\" name=\"summary_mode\" value=\"picked\" checked"));
    for (i, text) in listed.iter().enumerate() {
        assert_eq!(
            page.contains(&format!("name=\"pick_{i}\" value=\"{}\" checked", html_escape(text))),
            want.contains(&i)
        );
    }
    // Readers: exactly those, word for word, with their anchors, labelled as the editors' choice.
    let reader = d.client();
    let page = reader.get("/articles/picks").await.body;
    assert!(page.contains("Summary chosen by the editors: sentences taken word for word from the article."), "{page}");
    let expected: Vec<(usize, String)> = want.iter().map(|&i| (i, listed[i].clone())).collect();
    let links = summary_links(&page);
    assert_eq!(links[..want.len()], expected[..], "the paragraph");
    assert_eq!(links[want.len()..], expected[..], "the key points");
    assert!(!links.iter().any(|l| l.0 == short[0]), "the one left out");
    // The summary API, whatever length is asked.
    for uri in ["/api/articles/picks/summary", "/api/articles/picks/summary?sentences=5&format=bullets"] {
        let r = reader.get(uri).await;
        let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(json["kind"], "picked", "{uri}");
        let got: Vec<(usize, String)> = json["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["index"].as_u64().unwrap() as usize, s["text"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(got, expected, "{uri}");
        assert_eq!(json["sentences"][0]["href"], format!("/articles/picks#s-{}", want[0]));
    }
    // Feeds: the picked sentences as the summary.
    let joined = want.iter().map(|&i| listed[i].as_str()).collect::<Vec<_>>().join(" ");
    let feed = reader.get("/feed.json").await.body;
    let feed: serde_json::Value = serde_json::from_str(&feed).unwrap();
    assert_eq!(feed["items"][0]["summary"], joined.as_str());
    // The briefing of its day: each sentence linked to its place.
    let briefing = reader.get("/briefing/2026-01-01").await.body;
    for &i in &want {
        assert!(
            briefing.contains(&format!("<a href=\"/articles/picks#s-{i}\">{}</a>", html_escape(&listed[i]))),
            "{briefing}"
        );
    }
    assert!(!briefing.contains(&format!("/articles/picks#s-{}\"", short[0])), "the one left out");
    // Back to automatic: the picks are kept, readers get the automatic summary.
    let fields = edit_fields(&ed, "picks", &[("summary_mode", "auto"), ("action", "save")]).await;
    assert_eq!(post_fields(&ed, "/admin/articles/picks", &fields).await.status, StatusCode::SEE_OTHER);
    let page = reader.get("/articles/picks").await.body;
    assert!(page.contains("Automatic summary:"));
    assert_eq!(summary_links(&page)[..3].iter().map(|l| l.0).collect::<Vec<_>>(), short);
}

/// Picks the rules refuse get their message next to the sentence list, in
/// the API's words, and nothing is saved.
#[tokio::test]
async fn invalid_picks_get_a_message_next_to_the_field() {
    let d = desk().await;
    let ed = d.signed_in("ed").await;
    let long = "One sentence here. Two sentences here. Three sentences here. Four sentences here. \
                Five sentences here. Six sentences here. Seven sentences here.";
    let input = ArticleInput {
        slug: "seven".into(),
        title: "Seven".into(),
        body: long.into(),
        section: "World".into(),
        lang: Some("en".into()),
        status: Some(Status::Draft),
        ..Default::default()
    };
    let stored = d.state.articles().create(input, &content::WrittenBy::named("test"), web::now()).await.unwrap();
    let listed = listed_sentences(&ed.get("/admin/articles/seven").await.body);
    assert_eq!(listed.len(), 7);
    let expect_error = |r: &Res, message: &str| {
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains(&format!(
                "<p class=\"field-error\" id=\"f-summary_sentences-error\">{}</p>",
                html_escape(message)
            )),
            "{message}: {}",
            r.body
        );
        assert!(r.body.contains(&format!("<a href=\"#f-summary_sentences\">{}</a>", html_escape(message))));
        assert!(r.body.contains("aria-describedby=\"f-summary_sentences-hint f-summary_sentences-error\""));
    };
    // Too many.
    let mut changes: Vec<(String, String)> =
        vec![("summary_mode".into(), "picked".into()), ("action".into(), "draft".into())];
    for (i, t) in listed.iter().enumerate().take(6) {
        changes.push((format!("pick_{i}"), t.clone()));
    }
    let pairs: Vec<(&str, &str)> = changes.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = post_fields(&ed, "/admin/articles/seven", &edit_fields(&ed, "seven", &pairs).await).await;
    expect_error(&r, "summary_sentences: pick at most 5 sentences (6 are picked)");
    // None.
    let r = post_fields(&ed, "/admin/articles/seven", &edit_fields(&ed, "seven", &pairs[..2]).await).await;
    expect_error(&r, "summary_sentences: a picked summary needs at least one sentence of the article");
    // Not a sentence of the article (out of range, or edited away in the same form).
    let r = post_fields(
        &ed,
        "/admin/articles/seven",
        &edit_fields(&ed, "seven", &[pairs[0], pairs[1], ("pick_99", "Not in the article.")]).await,
    )
    .await;
    expect_error(
        &r,
        "summary_sentences: the article no longer has the sentence you picked, “Not in the article.”: pick the summary sentences again",
    );
    let edited = long.replace("Two sentences here.", "Two, rewritten.");
    let r = post_fields(
        &ed,
        "/admin/articles/seven",
        &edit_fields(&ed, "seven", &[pairs[0], pairs[1], pairs[3], ("body", &edited)]).await,
    )
    .await;
    expect_error(
        &r,
        "summary_sentences: the article no longer has the sentence you picked, “Two sentences here.”: pick the summary sentences again",
    );
    assert_eq!(d.stored("seven").await.unwrap(), stored, "nothing saved");
    // The API: the same rules, in the same words.
    let token = web::api::new_token();
    d.state.store().create_token("t", &web::api::token_hash(&token), 0).await.unwrap();
    let json = serde_json::json!({"slug": "api-seven", "title": "Seven", "body": long, "section": "World", "lang": "en", "summary_sentences": [0, 1, 2, 3, 4, 5]});
    let r = d.api_post(&token, &json).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("summary_sentences: pick at most 5 sentences (6 are picked)"), "{}", r.body);
    let json = serde_json::json!({"slug": "api-seven", "title": "Seven", "body": long, "section": "World", "lang": "en", "summary_sentences": [7]});
    let r = d.api_post(&token, &json).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("summary_sentences: there is no sentence 7: the article has 7 sentences, numbered 0 to 6"),
        "{}",
        r.body
    );
    let json = serde_json::json!({"slug": "api-seven", "title": "Seven", "body": long, "section": "World", "lang": "en", "summary_mode": "picked"});
    let r = d.api_post(&token, &json).await;
    assert!(
        r.body.contains("summary_sentences: a picked summary needs at least one sentence of the article"),
        "{}",
        r.body
    );
    assert!(d.stored("api-seven").await.is_none());
}

/// The API takes and gives the picks; a body changed by a PUT that sends
/// the picks back as read keeps the picks that are still there (each
/// following its text), and one no longer there leaves readers the
/// automatic summary, which the API and the editor say.
#[tokio::test]
async fn picks_round_trip_through_the_api() {
    let d = desk().await;
    let token = web::api::new_token();
    d.state.store().create_token("t", &web::api::token_hash(&token), 0).await.unwrap();
    let json = serde_json::json!({"slug": "via-api", "title": "Via the API", "body": body_text("api"), "section": "World",
        "lang": "en", "published": "2026-01-01T10:00:00Z", "summary_sentences": [2, 0]});
    let r = d.api_post(&token, &json).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let got = api(&d, "GET", "/api/articles/via-api", &token, None).await;
    let mut doc: serde_json::Value = serde_json::from_str(&got.body).unwrap();
    assert_eq!(doc["summary_mode"], "picked");
    assert_eq!(doc["summary_sentences"], serde_json::json!([0, 2]));
    assert!(doc.get("summary_lost").is_none());
    // Sent back as read: nothing changes.
    let r = api(&d, "PUT", "/api/articles/via-api", &token, Some(&doc)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(d.stored("via-api").await.unwrap().version, 1, "unchanged");
    // A sentence added at the start, the third rewritten, the picks sent back as read.
    let texts: Vec<String> = d.stored("via-api").await.unwrap().summary_picks.iter().map(|p| p.text.clone()).collect();
    let body =
        format!("A new opening sentence. {}", body_text("api").replace(&texts[1], "Critics said nothing at all."));
    doc["body"] = body.into();
    let r = api(&d, "PUT", "/api/articles/via-api", &token, Some(&doc)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let doc: serde_json::Value =
        serde_json::from_str(&api(&d, "GET", "/api/articles/via-api", &token, None).await.body).unwrap();
    assert_eq!(doc["summary_mode"], "picked");
    assert_eq!(doc["summary_sentences"], serde_json::json!([1]), "the first pick followed its sentence");
    assert_eq!(doc["summary_lost"], serde_json::json!([texts[1]]));
    let summary: serde_json::Value =
        serde_json::from_str(&d.client().get("/api/articles/via-api/summary").await.body).unwrap();
    assert_eq!(summary["kind"], "extractive", "readers get the automatic summary meanwhile");
    let ed = d.signed_in("ed").await;
    let page = ed.get("/admin/articles/via-api").await.body;
    assert!(page.contains("so readers get the automatic summary. Pick the sentences again."), "{page}");
    assert!(page.contains(&format!("<li>{}</li>", html_escape(&texts[1]))));
    // New picks by index mend it.
    let mut doc = doc;
    doc["summary_sentences"] = serde_json::json!([1, 3]);
    assert_eq!(api(&d, "PUT", "/api/articles/via-api", &token, Some(&doc)).await.status, StatusCode::OK);
    let summary: serde_json::Value =
        serde_json::from_str(&d.client().get("/api/articles/via-api/summary").await.body).unwrap();
    assert_eq!(summary["kind"], "picked");
    assert_eq!(summary["sentences"].as_array().unwrap().len(), 2);
    // The OpenAPI document names the field and the mode.
    let openapi = d.client().get("/api/openapi.json").await.body;
    assert!(openapi.contains("\"summary_sentences\"") && openapi.contains("picked"));
}

// ------------------------------------------------------------ revisions

/// The revisions of an article, newest first, as the history page lists
/// them: (number, who, what changed) of each row.
fn history_rows(body: &str) -> Vec<(i64, String, String)> {
    let table = body.split("<tbody>").nth(1).map(|t| t.split("</tbody>").next().unwrap()).unwrap_or("");
    table
        .split("<tr>")
        .skip(1)
        .map(|row| {
            let cell = |label: &str| {
                row.split(&format!("data-label=\"{label}\">")).nth(1).unwrap().split("</t").next().unwrap().to_owned()
            };
            let number = cell("Revision").split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap();
            (number, html_unescape(&cell("By")), html_unescape(&cell("What changed")))
        })
        .collect()
}

/// Every save that changes something keeps a revision (who, when, what
/// changed); the history lists them, compares one with the current text
/// word by word (escaped, with a legend and hidden words, not colour alone),
/// and restores one as a new revision over the version the page showed;
/// a restore over a newer version changes nothing and says so.
#[tokio::test]
async fn history_lists_compares_and_restores_revisions() {
    let d = desk().await;
    let ed = d.signed_in("ed").await;
    assert_eq!(create(&ed, "Tidal Barrier Vote", "draft").await.status, StatusCode::SEE_OTHER);
    let slug = "tidal-barrier-vote";
    let original = d.stored(slug).await.unwrap();
    // An edit of the title and the body (markup, accents, Chinese), then an
    // unchanged save (no revision).
    let body =
        format!("{}\n\nLe maire a dit « non » à <script>alert(1)</script>. 市议会周二批准了预算。", original.body_md);
    let fields =
        edit_fields(&ed, slug, &[("title", "Tidal Barrier Approved"), ("body", &body), ("action", "draft")]).await;
    assert_eq!(post_fields(&ed, &format!("/admin/articles/{slug}"), &fields).await.status, StatusCode::SEE_OTHER);
    let same = edit_fields(&ed, slug, &[("action", "draft")]).await;
    let r = post_fields(&ed, &format!("/admin/articles/{slug}"), &same).await;
    assert!(r.location().ends_with("done=unchanged"), "{}", r.location());
    // Through the API too: the token names the writer.
    let token = "revisions-test-token-0123456789";
    d.state.store().create_token("ci", &web::api::token_hash(token), 0).await.unwrap();
    let mut json = serde_json::to_value(content::input_of(&d.stored(slug).await.unwrap())).unwrap();
    json["tags"] = serde_json::json!(["rivers", "floods", "vote"]);
    let put = Request::put(format!("/api/articles/{slug}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(json.to_string()))
        .unwrap();
    assert_eq!(d.client().send(put).await.status, StatusCode::OK);

    // The editor links to the history; the history lists three revisions.
    assert!(
        ed.get(&format!("/admin/articles/{slug}"))
            .await
            .body
            .contains(&format!("href=\"/admin/articles/{slug}/history\">History</a>"))
    );
    let page = ed.get(&format!("/admin/articles/{slug}/history")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        history_rows(&page.body),
        [
            (3, "API token ci".to_owned(), "Tags".to_owned()),
            (2, "ED".to_owned(), "Title, Body".to_owned()),
            (1, "ED".to_owned(), "Created".to_owned()),
        ]
    );
    assert!(page.body.contains("<span class=\"status status-published\">current</span>"));
    assert!(page.body.contains(&format!("href=\"/admin/articles/{slug}/history/1\">Compare with current")));

    // Revision 1 against the current text, word by word.
    let page = ed.get(&format!("/admin/articles/{slug}/history/1")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let b = &page.body;
    assert!(b.contains("<del><span class=\"visually-hidden\">removed: </span>Vote</del><ins><span class=\"visually-hidden\">added: </span>Approved</ins>"), "{b}");
    assert!(b.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !b.contains("<script>alert"), "escaped");
    assert!(b.contains("« non »") && b.contains("市议会周二批准了预算。"), "{b}");
    assert!(b.contains("<del>struck through</del>") && b.contains("<ins>underlined</ins>"), "a legend");
    assert!(b.contains("<h2>Tags</h2>") && b.contains("vote</ins>"), "{b}");
    assert!(!b.contains("<h2>Section</h2>"), "only the fields that differ");
    assert_eq!(hidden(b, "version"), "3");
    assert!(b.contains("Restore revision 1"));

    // Restore it: a new revision with the old text, naming the one restored.
    let r = ed.post(&format!("/admin/articles/{slug}/history/1/restore"), &[("version", "3")]).await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/admin/articles/tidal-barrier-vote/history?done=restored")
    );
    let now = d.stored(slug).await.unwrap();
    assert_eq!(
        (now.version, now.title.as_str(), now.body_md.as_str()),
        (4, original.title.as_str(), original.body_md.as_str())
    );
    assert_eq!((now.status, now.tags.len()), (Status::Draft, 2));
    let page = ed.get(r.location()).await;
    assert!(page.body.contains("Restored:"), "{}", page.body);
    assert_eq!(history_rows(&page.body)[0], (4, "ED".to_owned(), "Title, Body, Tags (restored revision 1)".to_owned()));
    assert!(
        ed.get(&format!("/admin/articles/{slug}/history/4")).await.body.contains("is the same as the current version")
    );

    // The page was opened at version 3: a restore from it is refused now.
    let r = ed.post(&format!("/admin/articles/{slug}/history/2/restore"), &[("version", "3")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.body.contains("This article changed since you opened this page") && r.body.contains("version 4"),
        "{}",
        r.body
    );
    assert_eq!(hidden(&r.body, "version"), "4", "the page is against the current version now");
    assert_eq!(d.stored(slug).await.unwrap().version, 4, "nothing restored");
    // No such revision, and addresses that name none.
    for path in ["history/5", "history/99", "history/x", "history/0"] {
        assert_eq!(ed.get(&format!("/admin/articles/{slug}/{path}")).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        ed.post(&format!("/admin/articles/{slug}/history/5/restore"), &[("version", "4")]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(ed.get("/admin/articles/nothing/history").await.status, StatusCode::NOT_FOUND);
    // Deleting the article deletes its history.
    let id = now.id;
    let r = ed.post(&format!("/admin/articles/{slug}/delete"), &[("version", "4")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(d.state.store().count_revisions(id).await.unwrap(), 0);
}

/// Whoever may edit an article may see its history and restore it; a
/// writer may not see or restore another writer's (nor their own once it
/// is published); someone not signed in is sent to sign in; a forged
/// restore is refused. Nothing changes on a refusal.
#[tokio::test]
async fn history_follows_the_permission_table() {
    let d = desk().await;
    d.article("wrens", Status::Draft, Some("wren")).await;
    let wren = d.signed_in("wren").await;
    let fields = edit_fields(&wren, "wrens", &[("title", "Wren's Second Title"), ("action", "draft")]).await;
    assert_eq!(post_fields(&wren, "/admin/articles/wrens", &fields).await.status, StatusCode::SEE_OTHER);
    assert_eq!(wren.get("/admin/articles/wrens/history").await.status, StatusCode::OK);
    assert_eq!(wren.get("/admin/articles/wrens/history/1").await.status, StatusCode::OK);
    let wynn = d.signed_in("wynn").await;
    for path in ["/admin/articles/wrens/history", "/admin/articles/wrens/history/1"] {
        let r = wynn.get(path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!r.body.contains("Wren&#39;s Second Title") && !r.body.contains("Title of wrens"), "{path}");
    }
    let r = wynn.post("/admin/articles/wrens/history/1/restore", &[("version", "2")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Anonymous: to sign in, and back.
    let anon = d.client();
    let r = anon.get("/admin/articles/wrens/history/1").await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/admin/login?next=%2Fadmin%2Farticles%2Fwrens%2Fhistory%2F1")
    );
    let r = anon.post_with("/admin/articles/wrens/history/1/restore", form(&[("version", "2")]), &[]).await;
    assert!(r.location().starts_with("/admin/login?next="), "{}", r.location());
    // Forged: no token, or another site.
    let ed = d.signed_in("ed").await;
    let csrf = ed.csrf.lock().unwrap().clone();
    let uri = "/admin/articles/wrens/history/1/restore";
    assert_eq!(ed.post_with(uri, form(&[("version", "2")]), &[]).await.status, StatusCode::FORBIDDEN);
    let evil = [("origin", "https://evil.example")];
    assert_eq!(
        ed.post_with(uri, form(&[("csrf", &csrf), ("version", "2")]), &evil).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(d.stored("wrens").await.unwrap().version, 2, "nothing restored");
    // The editor may; once published, the writer sees it no more.
    assert_eq!(ed.post(uri, &[("version", "2")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(d.stored("wrens").await.unwrap().title, "Title of wrens");
    let publish = edit_fields(&ed, "wrens", &[("action", "publish")]).await;
    assert_eq!(post_fields(&ed, "/admin/articles/wrens", &publish).await.status, StatusCode::SEE_OTHER);
    assert_eq!(wren.get("/admin/articles/wrens/history").await.status, StatusCode::FORBIDDEN);
    let rows = history_rows(&ed.get("/admin/articles/wrens/history").await.body);
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [4, 3, 2, 1]);
    assert_eq!(
        (rows[0].2.as_str(), rows[1].1.as_str(), rows[2].1.as_str()),
        ("Status, Publication time", "ED", "WREN")
    );
}

/// The editor's "changed since you opened it" links to the history's
/// comparison of the version it was opened at with the current one.
#[tokio::test]
async fn a_conflict_links_to_what_the_other_save_changed() {
    let d = desk().await;
    d.article("shared", Status::Draft, None).await;
    let one = d.signed_in("ed").await;
    let two = d.signed_in("ada").await;
    let first =
        edit_fields(&one, "shared", &[("action", "draft"), ("body", "An entirely new body. Nothing else.")]).await;
    let second = edit_fields(&two, "shared", &[("action", "draft"), ("title", "Another title")]).await;
    assert_eq!(post_fields(&one, "/admin/articles/shared", &first).await.status, StatusCode::SEE_OTHER);
    let r = post_fields(&two, "/admin/articles/shared", &second).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.body.contains("<a href=\"/admin/articles/shared/history/1\">See what the other save changed</a>"),
        "{}",
        r.body
    );
    let page = two.get("/admin/articles/shared/history/1").await;
    let added = "<ins><span class=\"visually-hidden\">added: </span>An entirely </ins>new";
    assert!(page.body.contains(added), "{}", page.body);
}

/// `GET /api/articles/{slug}/revisions`: a token holder reads who changed
/// what and when, newest first (drafts' too); no token, 401; no article, 404.
#[tokio::test]
async fn the_api_lists_revisions_for_token_holders() {
    let d = desk().await;
    d.article("draft", Status::Draft, Some("wren")).await;
    let wren = d.signed_in("wren").await;
    let fields = edit_fields(&wren, "draft", &[("standfirst", "Now with a standfirst."), ("action", "submit")]).await;
    assert_eq!(post_fields(&wren, "/admin/articles/draft", &fields).await.status, StatusCode::SEE_OTHER);
    let token = "revisions-api-token-0123456789";
    d.state.store().create_token("ci", &web::api::token_hash(token), 0).await.unwrap();
    let get = |uri: &str, token: Option<&str>| {
        let mut b = Request::get(uri);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        b.body(Body::empty()).unwrap()
    };
    let r = d.client().send(get("/api/articles/draft/revisions", Some(token))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    let json: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let wren_id = d.user_named("wren").await.id;
    assert_eq!(
        (json["slug"].as_str(), json["version"].as_i64(), json["total"].as_u64()),
        (Some("draft"), Some(2), Some(2))
    );
    assert_eq!(json["revisions"][0]["number"], 2);
    assert_eq!(json["revisions"][0]["by"], "WREN");
    assert_eq!(json["revisions"][0]["user_id"], wren_id);
    assert_eq!(json["revisions"][0]["changed"], serde_json::json!(["standfirst", "status"]));
    assert_eq!(json["revisions"][1]["changed"], serde_json::json!([]));
    assert!(json["revisions"][1]["at"].as_str().unwrap().ends_with('Z'));
    assert!(json["next"].is_null());
    let older = d.client().send(get("/api/articles/draft/revisions?before=2", Some(token))).await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&older.body).unwrap()["revisions"].as_array().unwrap().len(),
        1
    );
    assert_eq!(d.client().send(get("/api/articles/draft/revisions", None)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(d.client().send(get("/api/articles/none/revisions", Some(token))).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        d.client().send(get("/api/articles/draft/revisions?before=x", Some(token))).await.status,
        StatusCode::BAD_REQUEST
    );
    let doc = d.client().send(get("/api/openapi.json", None)).await;
    assert!(doc.body.contains("/api/articles/{slug}/revisions") && doc.body.contains("RevisionsJson"));
}

// ------------------------------------------------------------ every route, every role

/// Everything a test may change, to check that refused requests changed
/// nothing: every article (status, version, title), every user (role,
/// disabled, password hash), every token, every user's sessions.
async fn snapshot(d: &Desk) -> String {
    let store = d.state.store();
    let mut out = Vec::new();
    for slug in ["wrens-draft", "wrens-submitted", "wrens-published", "api-scheduled", "mallorys"] {
        out.push(format!(
            "{slug}: {:?}",
            d.stored(slug).await.map(|a| (a.status, a.version, a.title.clone(), a.published_at))
        ));
    }
    for name in ["ada", "ed", "wren", "wynn", "mallory"] {
        let u = store.user_by_name(name).await.unwrap();
        out.push(format!("{name}: {:?}", u.map(|u| (u.role, u.disabled, u.password_hash))));
    }
    out.push(format!(
        "tokens: {:?}",
        store.tokens().await.unwrap().iter().map(|t| format!("{t:?}")).collect::<Vec<_>>()
    ));
    out.join("\n")
}

/// A desk with an article of each status: three of wren's (draft, submitted,
/// published) and a scheduled one from the API (no owner).
async fn desk_with_articles() -> Desk {
    let d = desk().await;
    d.article("wrens-draft", Status::Draft, Some("wren")).await;
    d.article("wrens-submitted", Status::Submitted, Some("wren")).await;
    d.article("wrens-published", Status::Published, Some("wren")).await;
    d.article("api-scheduled", Status::Scheduled, None).await;
    d
}

/// Everyone who may ask: anonymous, a writer (wren), another writer (wynn),
/// an editor (ed) and an admin (ada), each with their own session.
async fn everyone(d: &Desk) -> [(&'static str, Client); 5] {
    [
        ("anonymous", d.client()),
        ("wren", d.signed_in("wren").await),
        ("wynn", d.signed_in("wynn").await),
        ("ed", d.signed_in("ed").await),
        ("ada", d.signed_in("ada").await),
    ]
}

/// Every newsroom page, for everyone who may ask: anonymous, a writer (wren)
/// on her own articles, another writer (wynn), an editor, an admin. Each
/// answers as the permission table says (`permissions::allowed`); an
/// unknown article is the newsroom's 404 for the signed in.
#[tokio::test]
async fn every_page_answers_every_role_as_the_table_says() {
    let d = desk_with_articles().await;
    // path, then the status for: anonymous, wren, wynn, ed, ada.
    const PAGES: &str = "
        /admin                                   303 200 200 200 200
        /admin/                                  303 303 303 303 303
        /admin/articles/new                      303 200 200 200 200
        /admin/articles/wrens-draft              303 200 403 200 200
        /admin/articles/wrens-submitted          303 200 403 200 200
        /admin/articles/wrens-published          303 403 403 200 200
        /admin/articles/api-scheduled            303 403 403 200 200
        /admin/articles/wrens-draft/delete       303 200 403 200 200
        /admin/articles/wrens-submitted/delete   303 200 403 200 200
        /admin/articles/wrens-published/delete   303 403 403 200 200
        /admin/articles/api-scheduled/delete     303 403 403 200 200
        /admin/articles/wrens-draft/preview      303 200 403 200 200
        /admin/articles/wrens-published/preview  303 403 403 200 200
        /admin/articles/api-scheduled/preview    303 403 403 200 200
        /admin/articles/no-such-article/preview  303 404 404 404 404
        /admin/articles/no-such-article          303 404 404 404 404
        /admin/articles/no-such-article/delete   303 404 404 404 404
        /admin/articles/Not%20A%20Slug           303 404 404 404 404
        /admin/users                             303 403 403 403 200
        /admin/tokens                            303 403 403 403 200
        /admin/account                           303 200 200 200 200
        /admin/no-such-page                      404 404 404 404 404
        /admin/login                             200 303 303 303 303
    ";
    let clients = everyone(&d).await;
    let mut rows = 0;
    for line in PAGES.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let path = words[0];
        for ((who, c), expected) in clients.iter().zip(&words[1..]) {
            let r = c.get(path).await;
            assert_eq!(r.status.as_str(), *expected, "GET {path} as {who}: {}", r.body);
            if path == "/admin/" {
                assert_eq!(r.location(), "/admin", "{who}");
                continue;
            }
            assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "GET {path} as {who}");
            match r.status {
                StatusCode::SEE_OTHER if *who == "anonymous" => {
                    assert_eq!(r.location(), format!("/admin/login?next={}", urlencode(path)), "{path}");
                }
                StatusCode::FORBIDDEN => assert!(r.body.contains("<h1>Not allowed</h1>"), "GET {path} as {who}"),
                StatusCode::NOT_FOUND => assert!(r.body.contains("<h1>Not found</h1>"), "GET {path} as {who}"),
                _ => {}
            }
        }
        rows += 1;
    }
    assert_eq!(rows, 23);
}

/// Every form the newsroom has, posted by everyone whose role does not allow
/// it (with the session's own token, from the site): refused (303 to sign in
/// for the anonymous, 403 for the signed in), and nothing changes. What each
/// role may do is shown working in the tests above.
#[tokio::test]
async fn every_form_refuses_every_role_it_does_not_allow_and_changes_nothing() {
    let d = desk_with_articles().await;
    d.state.store().create_token("kept", &web::api::token_hash(&web::api::new_token()), 0).await.unwrap();
    let clients = everyone(&d).await;
    // The editor's form of each article: what a writer would forge from.
    let mut forms = BTreeMap::new();
    for slug in ["wrens-draft", "wrens-submitted", "wrens-published", "api-scheduled"] {
        forms.insert(slug, edit_fields(&clients[3].1, slug, &[]).await);
    }
    let before = snapshot(&d).await;
    // path, fields (k=v,k=v; an article's form when the path is one), then who
    // is refused: the roles listed (anonymous is always).
    const FORMS: &str = "
        /admin/articles/new                     action=publish,title=Mallorys,slug=mallorys   wren wynn
        /admin/articles/new                     action=schedule,title=Mallorys,slug=mallorys,published=2999-01-01T10:00  wren wynn
        /admin/articles/wrens-draft             action=publish                  wren wynn
        /admin/articles/wrens-draft             action=schedule,published=2999-01-01T10:00  wren wynn
        /admin/articles/wrens-draft             action=draft,title=Hijacked     wynn
        /admin/articles/wrens-draft             action=submit,title=Hijacked    wynn ed ada
        /admin/articles/wrens-submitted         action=draft,title=Hijacked     wynn
        /admin/articles/wrens-submitted         action=publish                  wren wynn
        /admin/articles/wrens-published         action=save,title=Hijacked      wren wynn
        /admin/articles/wrens-published         action=unpublish                wren wynn
        /admin/articles/wrens-published         action=publish                  wren wynn ed ada
        /admin/articles/api-scheduled           action=unpublish                wren wynn
        /admin/articles/api-scheduled           action=save,title=Hijacked      wren wynn
        /admin/articles/new/preview             action=preview,title=Mallorys  -
        /admin/articles/wrens-draft/preview     action=preview,title=Hijacked   wynn
        /admin/articles/wrens-published/preview action=preview,title=Hijacked   wren wynn
        /admin/articles/wrens-draft/delete      version=1                       wynn
        /admin/articles/wrens-submitted/delete  version=1                       wynn
        /admin/articles/wrens-published/delete  version=1                       wren wynn
        /admin/articles/api-scheduled/delete    version=1                       wren wynn
        /admin/users                            name=mallory,role=admin         wren wynn ed
        /admin/users/wren/role                  role=admin                      wren wynn ed
        /admin/users/ed/disable                 -                               wren wynn ed
        /admin/users/ed/enable                  -                               wren wynn ed
        /admin/users/ed/password                -                               wren wynn ed
        /admin/tokens                           name=stolen                     wren wynn ed
        /admin/tokens/revoke                    name=kept                       wren wynn ed
    ";
    let mut rows = 0;
    for line in FORMS.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        // "-": only the anonymous are refused.
        let (path, fields, refused) = (words[0], words[1], &words[2..]);
        let changes: Vec<(&str, &str)> =
            fields.split(',').filter(|f| *f != "-").map(|f| f.split_once('=').unwrap()).collect();
        let slug = path
            .strip_prefix("/admin/articles/")
            .map(|s| s.trim_end_matches("/preview"))
            .filter(|s| !s.contains('/') && *s != "new");
        for (who, c) in clients.iter().filter(|(who, _)| *who == "anonymous" || refused.contains(who)) {
            let csrf = c.csrf.lock().unwrap().clone();
            let mut all: Vec<(String, String)> = match slug {
                Some(slug) => forms[slug].iter().filter(|(k, _)| k != "csrf").cloned().collect(),
                None if path.starts_with("/admin/articles/new") => {
                    new_article("x").into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                }
                None => Vec::new(),
            };
            all.push(("csrf".into(), csrf));
            for (k, v) in &changes {
                all.retain(|(n, _)| n != k);
                all.push(((*k).to_owned(), (*v).to_owned()));
            }
            let r = post_fields(c, path, &all).await;
            if *who == "anonymous" {
                assert_eq!(r.status, StatusCode::SEE_OTHER, "POST {path} {fields} as {who}");
                assert!(r.location().starts_with("/admin/login?next="), "POST {path} as {who}: {}", r.location());
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "POST {path} {fields} as {who}: {}", r.body);
            }
            assert_eq!(snapshot(&d).await, before, "POST {path} {fields} as {who} changed something");
        }
        rows += 1;
    }
    assert_eq!(rows, 27);
    // Everyone is still signed in (a refused password reset ended no session).
    for (who, c) in &clients[1..] {
        assert_eq!(c.get("/admin").await.status, StatusCode::OK, "{who}");
    }
}

/// The forms the forgery test above does not post: a new article, enabling a
/// user, revoking a token, a role, signing out; each with another session's
/// token, with none, and from another site: 403, nothing changed.
#[tokio::test]
async fn forged_posts_to_the_other_forms_are_refused_too() {
    let d = desk().await;
    d.state.store().set_disabled(d.user_named("wynn").await.id, true, 1).await.unwrap();
    d.state.store().create_token("kept", &web::api::token_hash(&web::api::new_token()), 0).await.unwrap();
    let ada = d.signed_in("ada").await;
    let other = d.signed_in("ed").await.csrf.lock().unwrap().clone();
    let own = ada.csrf.lock().unwrap().clone();
    let before = (
        d.state.store().count_articles().await.unwrap(),
        d.user_named("wynn").await.disabled,
        d.user_named("wren").await.role,
        format!("{:?}", d.state.store().tokens().await.unwrap()),
    );
    let article = new_article("Forged Article");
    for (path, fields) in [
        ("/admin/articles/new", article.iter().map(|(k, v)| (*k, v.as_str())).chain([("action", "draft")]).collect()),
        ("/admin/users/wynn/enable", vec![]),
        ("/admin/users/wren/role", vec![("role", "admin")]),
        ("/admin/tokens/revoke", vec![("name", "kept")]),
        ("/admin/logout", vec![]),
    ] {
        let with = |csrf: Option<&str>| {
            let mut f: Vec<(&str, &str)> = fields.clone();
            if let Some(c) = csrf {
                f.push(("csrf", c));
            }
            form(&f)
        };
        for (what, body, headers) in [
            ("no token", with(None), vec![]),
            ("another session's token", with(Some(&other)), vec![]),
            ("another site", with(Some(&own)), vec![("origin", "https://evil.example")]),
            ("a cross-site fetch", with(Some(&own)), vec![("sec-fetch-site", "cross-site")]),
        ] {
            let r = ada.post_with(path, body, &headers).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}, {what}: {}", r.body);
            assert!(r.body.contains("Nothing was changed"), "{path}, {what}");
        }
    }
    let after = (
        d.state.store().count_articles().await.unwrap(),
        d.user_named("wynn").await.disabled,
        d.user_named("wren").await.role,
        format!("{:?}", d.state.store().tokens().await.unwrap()),
    );
    assert_eq!(after, before);
    assert_eq!(ada.get("/admin").await.status, StatusCode::OK, "still signed in: the forged sign-out did nothing");
}

/// A form posted with an ended session (idle too long) goes to the sign-in
/// page, says the session ended, and changes nothing; an unknown button is a
/// 400 that changes nothing.
#[tokio::test]
async fn a_form_posted_after_the_session_ended_changes_nothing() {
    let d = desk().await;
    d.article("story", Status::Draft, Some("wren")).await;
    let ed = d.signed_in("ed").await;
    let fields = edit_fields(&ed, "story", &[("action", "publish"), ("title", "Too Late")]).await;
    // The session goes idle past its limit.
    let id = ed.session_cookie().unwrap();
    let hash = web::api::token_hash(&id);
    let (session, _) = d.state.store().session_with_user(&hash).await.unwrap().unwrap();
    d.state.store().delete_session(&hash).await.unwrap();
    let idle = NewsroomConfig::default().session_idle;
    d.state.store().create_session(&Session { last_seen: web::now() - idle - 5, ..session }).await.unwrap();
    let r = post_fields(&ed, "/admin/articles/story", &fields).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/admin/login?next=%2Fadmin&ended=1"));
    let a = d.stored("story").await.unwrap();
    assert_eq!((a.title.as_str(), a.status, a.version), ("Title of story", Status::Draft, 1));
    assert!(d.state.store().session_with_user(&hash).await.unwrap().is_none(), "the ended session is removed");
    // An unknown button.
    let ed = d.signed_in("ed").await;
    let fields = edit_fields(&ed, "story", &[("action", "launch"), ("title", "Launched")]).await;
    let r = post_fields(&ed, "/admin/articles/story", &fields).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = create(&ed, "Launched", "launch").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(create(&ed, "Unpublished", "unpublish").await.status, StatusCode::BAD_REQUEST, "nothing to unpublish");
    assert_eq!(d.state.store().count_articles().await.unwrap(), 1);
    assert_eq!(d.stored("story").await.unwrap().version, 1);
}
