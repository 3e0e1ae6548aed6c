//! `newsdesk serve`: the site and its API.

mod limits;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;

use crate::site::{DbArgs, import_demo, runtime};

/// Serve the site and the JSON API.
///
/// Creates the database on first run and migrates it on every start. With
/// --demo, an empty database is first filled with the bundled demo site.
/// Logs go to stderr (RUST_LOG=debug for more).
///
/// Stops cleanly on Ctrl-C or SIGTERM: new connections are refused at once,
/// the requests under way are answered (for at most --shutdown-timeout),
/// and the exit status is 0. On PostgreSQL any number of instances may
/// serve one site behind a load balancer: each hears the others' writes
/// (LISTEN/NOTIFY) and refreshes its page cache within a second, and the
/// start-up work (summaries of an older summarizer, the search index) is
/// done by one instance while the others skip it.
///
/// Slow and greedy clients are held off at the door: a request's head must
/// arrive within --header-timeout and its body within --body-timeout, idle
/// connections close after --keep-alive-timeout, at most --max-connections
/// are open, a body announced over 1 MiB is refused (413) before it is read,
/// and POST /api/summarize is rate limited per client. Pages and the API's
/// public reads are kept in a page cache of --cache-size bytes that a write
/// refreshes only where it shows.
///
/// Settings come from the command line, then the environment, then the
/// configuration file (--config: TOML whose keys are these long options,
/// such as `cache-size = "128MiB"`), then the defaults; `newsdesk config
/// check` prints the result. Each request is logged in one line (method,
/// path, route, status, latency, request id; --log-format json for log
/// shippers). Prometheus metrics are off unless --metrics-addr or
/// --metrics-token is given.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A configuration file (TOML): its keys are these long options
    /// (`addr = "0.0.0.0:8080"`, `demo = true`); the command line and the
    /// environment come first. An unknown key is an error.
    #[arg(long, env = "NEWSDESK_CONFIG", value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "NEWSDESK_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    #[command(flatten)]
    pub db: DbArgs,
    /// Fill an empty database with the bundled demo articles first
    /// (NEWSDESK_DEMO: 1/0, true/false, yes/no, on/off).
    #[arg(long, env = "NEWSDESK_DEMO", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub demo: bool,
    /// The site's name, shown on every page.
    #[arg(long, env = "NEWSDESK_SITE_NAME", default_value = "Newsdesk")]
    pub site_name: String,
    /// The site's public address, such as `https://news.example.org`: the
    /// base of absolute links (feeds, sitemaps, canonical links, link
    /// previews), the origin newsroom forms must come from,
    /// and (when https) Secure cookies. Without it, the listening address
    /// is used, and a warning says so.
    #[arg(long, env = "NEWSDESK_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// The time zone newsroom times are shown and entered in (an IANA name
    /// such as Europe/Paris); times are stored in UTC.
    #[arg(long, env = "NEWSDESK_TIMEZONE", default_value = "UTC", value_name = "ZONE")]
    pub timezone: String,
    #[command(flatten)]
    pub limits: limits::LimitArgs,
    /// How many nice levels below the rest of the server the loops that
    /// serve connections run (0 to 19; Linux). Under a full load of readers
    /// the work behind them (writes, which queue for the database's one
    /// write lock, page renders, checkpoints) then gets the processor first:
    /// more writes get through, and reads wait longer. Measured on 100,000
    /// articles, 256 readers and 8 writers, 11 interleaved pairs of 30 s
    /// against 0: at 3, write p50 8 ms lower, write p99 6.6 ms lower (±2.7),
    /// 12 % more writes, read p99 about 9 ms higher (20 to 29 ms) and 12 %
    /// fewer reads; at 5, read p99 doubled for no gain in write p99. Hence 3:
    /// a saturated server keeps the newsroom's saves moving, and readers
    /// stay well within their 50 ms. Without other work (wrk alone) it
    /// changes nothing.
    #[arg(long, env = "NEWSDESK_CONNECTION_NICE", default_value_t = 3, value_name = "N",
          value_parser = clap::value_parser!(u8).range(0..=19), help_heading = "Operations")]
    pub connection_nice: u8,
    /// Serve Prometheus metrics at http://ADDR/metrics, on a listener of
    /// their own (such as 127.0.0.1:9180, out of the readers' reach). Off by default.
    #[arg(long, env = "NEWSDESK_METRICS_ADDR", value_name = "ADDR", help_heading = "Operations")]
    pub metrics_addr: Option<String>,
    /// A token a scrape of the metrics must bring (Authorization: Bearer
    /// TOKEN). Without --metrics-addr, the metrics are then served at
    /// /metrics on the site's own address. Give it by the environment or
    /// the configuration file rather than the command line (which others
    /// may see).
    #[arg(
        long,
        env = "NEWSDESK_METRICS_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true,
        help_heading = "Operations"
    )]
    pub metrics_token: Option<String>,
}

impl Args {
    /// The settings' checks beyond their parsers: the public URL, the time
    /// zone and the metrics token. (`config check` makes them too.)
    pub fn checked(&self) -> anyhow::Result<(Option<web::PublicUrl>, chrono_tz::Tz)> {
        let public_url = match self.public_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => Some(web::PublicUrl::parse(u).map_err(anyhow::Error::msg)?),
            None => None,
        };
        let timezone: chrono_tz::Tz = self.timezone.trim().parse().map_err(|_| {
            anyhow::anyhow!("unknown time zone {:?}: give an IANA name such as Europe/Paris, or UTC", self.timezone)
        })?;
        if let Some(token) = &self.metrics_token
            && token.trim().len() < 16
        {
            anyhow::bail!("the metrics token must have at least 16 characters");
        }
        Ok((public_url, timezone))
    }
}

/// Lowers the calling thread's CPU priority by `by` nice levels (Linux,
/// where the nice value is a thread's; elsewhere nothing, as it is the
/// whole process's). A refusal is logged and the thread runs as it is.
fn lower_priority(by: u8) {
    #[cfg(target_os = "linux")]
    if by > 0 {
        // `None`: the calling thread (on Linux).
        let lowered = rustix::process::getpriority_process(None)
            .and_then(|now| rustix::process::setpriority_process(None, (now + i32::from(by)).min(19)));
        if let Err(e) = lowered {
            tracing::warn!(error = %e, "could not lower the priority of a connections' loop");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = by;
}

/// The user name of the demo site's editor.
const DEMO_EDITOR: &str = "demo-editor";

/// With --demo: a demo editor, whose password is made now and printed once
/// in the log (never a fixed one). Already there: said so.
async fn ensure_demo_editor(store: &dyn store::Store, url: &web::PublicUrl) -> anyhow::Result<()> {
    if store.user_by_name(DEMO_EDITOR).await?.is_some() {
        tracing::info!(
            user = DEMO_EDITOR,
            "the demo editor exists already (a new password: newsdesk user reset-password {DEMO_EDITOR})"
        );
        return Ok(());
    }
    let password = web::admin::accounts::generate_password();
    let new = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || {
            web::admin::accounts::new_user(DEMO_EDITOR, "Demo Editor", "", store::Role::Editor, &password)
        })
        .await?
        .map_err(anyhow::Error::msg)?
    };
    store.create_user(&new, web::now()).await?;
    tracing::warn!(
        user = DEMO_EDITOR,
        %password,
        "demo editor created: sign in at {} with this password, shown only this once",
        url.absolute("/admin/login")
    );
    Ok(())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (public_url, timezone) = args.checked()?;
    let metrics_on = args.metrics_addr.is_some() || args.metrics_token.is_some();
    let metrics = if metrics_on { Some(web::prometheus::install().map_err(anyhow::Error::msg)?) } else { None };
    runtime()?.block_on(async move {
        // Before anything else, so that a stop asked for while starting is
        // a clean stop too.
        let stop_signal = StopSignal::install()?;
        let store = args.db.open().await?;
        tracing::info!(db = %args.db.shown(), backend = store.kind().name(), "database ready");
        let summarizer = Arc::new(summarize::Summarizer::new());
        if args.demo {
            if store.count_articles().await? == 0 {
                let report = import_demo(&store, &summarizer).await;
                tracing::info!(%report, "demo site imported");
            } else {
                tracing::info!("the database has articles already: demo import skipped");
            }
        }
        let listeners = bind(&args.addr).await?;
        let local = listeners[0].local_addr()?;
        let public_url = match public_url {
            Some(u) => u,
            None => {
                let u = web::PublicUrl::listening(local);
                tracing::warn!(
                    "no public URL given (--public-url or NEWSDESK_PUBLIC_URL): absolute links use {}, \
                     and newsroom cookies are not marked Secure",
                    u.origin()
                );
                u
            }
        };
        if args.demo {
            ensure_demo_editor(&*store, &public_url).await?;
        }
        if store.count_active_admins().await? == 0 {
            tracing::warn!(
                "the newsroom has no admin yet: create the first with `newsdesk user create NAME --role admin`, \
                 then sign in at {}",
                public_url.absolute("/admin/login")
            );
        }
        // The dummy hash that sign-ins for unknown users are checked against.
        tokio::task::spawn_blocking(web::admin::accounts::warm_up).await?;
        let options = web::Options {
            site: web::SiteConfig { name: args.site_name, public_url, timezone, ..web::SiteConfig::default() },
            cache: args.limits.cache(),
            limits: args.limits.requests(),
            // This runtime: renders and writes run on its threads, off the
            // connections' loops below.
            background: Some(tokio::runtime::Handle::current()),
        };
        let state = web::AppState::with_options(store.clone(), summarizer, options);
        // Listening before the start-up work and before serving: no write
        // of another instance from then on goes unheard.
        let follower = state.follow_other_instances().await.context("listening to the other instances")?;
        if follower.is_some() {
            tracing::info!("listening to the other instances' writes (PostgreSQL LISTEN/NOTIFY)");
        }
        // The start-up work (summaries of an older summarizer, search terms,
        // key phrases and related lists of older rules) runs while the site
        // serves, the stored ones meanwhile: a new summarizer recomputes
        // 100,000 articles' summaries in about 16 minutes (104 a second on this 2-core machine), and a site that
        // waited for it before serving was down as long after an upgrade.
        let upkeep = state.clone();
        tokio::spawn(async move {
            if let Err(e) = start_up_work(&upkeep).await {
                tracing::error!(
                    error = format!("{e:#}"),
                    "the start-up work failed: it is tried again at the next start"
                );
            }
        });
        // Related lists a write queued (the lists it may change besides its
        // own): made on this runtime right after each write, off its path.
        tokio::spawn(state.articles().clone().keep_related_lists());
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut metrics_server = None;
        let app = match (metrics, &args.metrics_addr) {
            (None, _) => web::app(state.clone()),
            (Some(metrics), addr) => {
                tokio::spawn(metrics.clone().upkeep());
                let scrape = web::prometheus::router(state.clone(), metrics, args.metrics_token.clone());
                match addr {
                    Some(addr) => {
                        metrics_server = Some(serve_metrics(addr, scrape, stop_rx.clone()).await?);
                        web::app(state.clone())
                    }
                    None => {
                        tracing::info!("metrics at /metrics on the site's address, for scrapes with the metrics token");
                        web::app_with(state.clone(), Some(scrape))
                    }
                }
            }
        };
        let conns = web::server::Connections::new(args.limits.connections());
        let (door, cache) = (conns.limits(), args.limits.cache());
        tracing::info!(
            header_timeout = ?door.header_timeout,
            keep_alive = ?door.keep_alive,
            body_timeout = ?args.limits.body_timeout,
            max_connections = door.max_connections,
            shutdown_timeout = ?door.drain,
            cache_bytes = cache.max_bytes,
            "limits"
        );
        tracing::info!(workers = listeners.len(), "Newsdesk is serving on http://{local}/");
        // One single-threaded runtime per core, each accepting on its own
        // SO_REUSEPORT socket: no work stealing between threads on the hot path.
        let mut workers = Vec::new();
        let nice = args.connection_nice;
        for (i, listener) in listeners.into_iter().enumerate() {
            let listener = listener.into_std()?;
            let app = app.clone();
            let conns = conns.clone();
            let stop = stop_rx.clone();
            let worker =
                std::thread::Builder::new().name(format!("http-{i}")).spawn(move || -> anyhow::Result<()> {
                    lower_priority(nice);
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                    rt.block_on(async move {
                        let listener = tokio::net::TcpListener::from_std(listener)?;
                        web::server::serve(listener, app, conns, stop).await;
                        Ok(())
                    })
                })?;
            workers.push(worker);
        }
        stop_signal.wait().await;
        let _ = stop_tx.send(true);
        tracing::info!(
            open_connections = conns.open(),
            "stopping: new connections are refused, the requests under way are answered (at most {:?})",
            door.drain
        );
        let joined =
            tokio::task::spawn_blocking(move || workers.into_iter().map(|w| w.join()).collect::<Vec<_>>()).await?;
        for result in joined {
            match result {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "an HTTP worker failed"),
                Err(_) => tracing::error!("an HTTP worker panicked"),
            }
        }
        if let Some(follower) = follower {
            follower.abort();
        }
        if let Some(server) = metrics_server {
            let _ = server.await;
        }
        store.close().await;
        tracing::info!(cache = ?state.cache_stats(), "stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// Binds one listening socket per core (SO_REUSEPORT, on Unix) to `addr`;
/// the first decides the port when `addr` asks for any port.
///
/// SO_REUSEPORT would also let a second server started on the same address
/// join the group and take half the connections. So the address is first
/// bound by a plain socket, which fails when anything already listens there:
/// "address in use" is reported as such.
async fn bind(addr: &str) -> anyhow::Result<Vec<tokio::net::TcpListener>> {
    let mut resolved = tokio::net::lookup_host(addr).await.with_context(|| format!("resolving {addr}"))?;
    let mut at = resolved.next().with_context(|| format!("{addr} names no address"))?;
    {
        let probe = if at.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
        probe.set_reuseaddr(true)?;
        probe.bind(at).with_context(|| format!("cannot listen on {at} (is another server running there?)"))?;
        at = probe.local_addr()?;
    }
    let count = if cfg!(unix) { std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 16) } else { 1 };
    let mut listeners = Vec::with_capacity(count);
    for _ in 0..count {
        let socket = if at.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
        socket.set_reuseaddr(true)?;
        #[cfg(unix)]
        socket.set_reuseport(true)?;
        socket.bind(at).with_context(|| format!("listening on {at}"))?;
        let listener = socket.listen(1024)?;
        at = listener.local_addr()?;
        listeners.push(listener);
    }
    Ok(listeners)
}

/// Serves the metrics on a listener of their own, on this runtime, until
/// `stop`: a few connections at most (a scraper or two).
async fn serve_metrics(
    addr: &str,
    scrape: axum::Router,
    stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener =
        tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen for metrics on {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!("metrics on http://{local}/metrics");
    let limits = web::server::ConnLimits { max_connections: 16, ..web::server::ConnLimits::default() };
    let conns = web::server::Connections::new(limits);
    Ok(tokio::spawn(web::server::serve(listener, scrape, conns, stop)))
}

/// The name of the lock the start-up work runs under.
const START_UP_LOCK: &str = "start-up refresh";

/// Summaries made by another summarizer version are made again, and
/// articles indexed by another version of the analysis are indexed again:
/// by one instance of the site, under a lock; an instance that finds the
/// lock taken skips it (the one holding it does it for all).
async fn start_up_work(state: &web::AppState) -> anyhow::Result<()> {
    let store = state.store();
    let Some(lock) = store.try_exclusive(START_UP_LOCK).await.context("taking the start-up lock")? else {
        tracing::info!(
            "another instance is recomputing stale summaries and search terms: skipped here (it does it for all)"
        );
        return Ok(());
    };
    let work = async {
        let refreshed = state.articles().refresh_stale(web::now()).await.context("refreshing summaries")?;
        if refreshed > 0 {
            tracing::info!(
                articles = refreshed,
                version = summarize::VERSION,
                "summaries recomputed for a new summarizer version"
            );
        } else {
            tracing::debug!("no stale summaries");
        }
        let indexed = state.articles().refresh_search().await.context("indexing articles for search")?;
        if indexed > 0 {
            tracing::info!(
                articles = indexed,
                version = summarize::terms::TERMS_VERSION,
                "articles indexed for search (new, or made by another version of the analysis)"
            );
        }
        let phrased =
            state.articles().refresh_key_phrases().await.context("making key phrases for related articles")?;
        if phrased > 0 {
            tracing::info!(
                articles = phrased,
                version = content::KEY_PHRASES_VERSION,
                "key phrases made for related articles (new, or made by another rule)"
            );
        }
        let listed = state.articles().refresh_related().await.context("making related articles' lists")?;
        if listed > 0 {
            tracing::info!(
                articles = listed,
                version = store::RELATED_VERSION,
                "related articles' lists made (new, or made by another rule)"
            );
        }
        anyhow::Ok(())
    };
    let done = work.await;
    lock.release().await;
    done
}

/// Ctrl-C (SIGINT) or SIGTERM, listened to from the start.
struct StopSignal {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl StopSignal {
    fn install() -> anyhow::Result<StopSignal> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(StopSignal {
                int: signal(SignalKind::interrupt()).context("listening for Ctrl-C")?,
                term: signal(SignalKind::terminate()).context("listening for SIGTERM")?,
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignal {})
    }

    async fn wait(mut self) {
        #[cfg(unix)]
        let which = tokio::select! {
            _ = self.int.recv() => "Ctrl-C",
            _ = self.term.recv() => "SIGTERM",
        };
        #[cfg(not(unix))]
        let which = match tokio::signal::ctrl_c().await {
            Ok(()) => "Ctrl-C",
            Err(_) => std::future::pending::<&str>().await,
        };
        tracing::info!(signal = which, "shutting down");
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// A connections' loop lowers its own thread's priority, by the levels
    /// asked (at most to 19), and no other thread's.
    #[test]
    fn a_loop_lowers_its_own_priority_only() {
        let mine = || rustix::process::getpriority_process(None).unwrap();
        let before = mine();
        let lowered = std::thread::spawn(move || {
            super::lower_priority(3);
            mine()
        })
        .join()
        .unwrap();
        assert_eq!(lowered, (before + 3).min(19));
        assert_eq!(mine(), before);
        let floor = std::thread::spawn(move || {
            super::lower_priority(19);
            mine()
        })
        .join()
        .unwrap();
        assert_eq!(floor, 19);
    }
}
