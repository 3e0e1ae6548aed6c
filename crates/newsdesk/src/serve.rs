//! `newsdesk serve`: the site and its API.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use store::Store as _;

use crate::site::{DbArgs, import_demo, runtime};

/// Serve the site and the JSON API.
///
/// Creates the database on first run and migrates it on every start. With
/// --demo, an empty database is first filled with the bundled demo site.
/// Stops cleanly on Ctrl-C or SIGTERM. Logs go to stderr (RUST_LOG=debug for more).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "NEWSDESK_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    #[command(flatten)]
    pub db: DbArgs,
    /// Fill an empty database with the bundled demo articles first.
    #[arg(long, env = "NEWSDESK_DEMO")]
    pub demo: bool,
    /// The site's name, shown on every page.
    #[arg(long, env = "NEWSDESK_SITE_NAME", default_value = "Newsdesk")]
    pub site_name: String,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async move {
        let store = args.db.open().await?;
        tracing::info!(db = %args.db.location(), "database ready");
        let summarizer = Arc::new(summarize::Summarizer::new());
        if args.demo {
            if store.count_articles().await? == 0 {
                let report = import_demo(&store, &summarizer).await;
                tracing::info!(%report, "demo site imported");
            } else {
                tracing::info!("the database has articles already: demo import skipped");
            }
        }
        let refreshed =
            content::refresh_stale(&store, &summarizer, web::now()).await.context("refreshing summaries")?;
        if refreshed > 0 {
            tracing::info!(
                articles = refreshed,
                version = summarize::VERSION,
                "summaries recomputed for a new summarizer version"
            );
        }
        let state = web::AppState::new(Arc::new(store.clone()), summarizer, web::SiteConfig { name: args.site_name });
        let listener =
            tokio::net::TcpListener::bind(&args.addr).await.with_context(|| format!("listening on {}", args.addr))?;
        let local = listener.local_addr()?;
        tracing::info!("Newsdesk is serving on http://{local}/");
        axum::serve(listener, web::app(state)).with_graceful_shutdown(shutdown_signal()).await.context("serving")?;
        store.close().await;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
