//! `newsdesk backup PATH`: a consistent copy of a SQLite site while it
//! serves (the store's `backup_into`: `VACUUM INTO`, then an integrity check
//! of the copy).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use crate::site::{DbArgs, runtime};

/// Copy a SQLite site to a new file, safely while it is serving.
///
/// The copy is the database at one moment (SQLite's VACUUM INTO reads it in
/// one transaction while the site goes on serving and writing), pictures
/// included (they are stored in the database), compacted, and checked
/// (PRAGMA integrity_check) before the command says it is done. It is written
/// beside PATH under a temporary name and renamed into place, so PATH is
/// never half-written. To restore, stop the site and put the copy in place
/// of the database file (removing any -wal and -shm files beside the old
/// one), or start the site with --db PATH. A PostgreSQL site is backed up
/// with pg_dump (see README).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The file to write (it must not exist, unless --force).
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Replace PATH if it exists (once the new copy is written and checked).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

/// What to do instead for a PostgreSQL site.
const PG_DUMP: &str = "a PostgreSQL site is backed up with PostgreSQL's own tools, while it serves: \
    pg_dump --format=custom --file=newsdesk.dump 'postgres://USER@HOST/DATABASE' (pictures are in the database, \
    so they are in the dump); restore with pg_restore --clean --if-exists --no-owner \
    --dbname='postgres://USER@HOST/DATABASE' newsdesk.dump (see README, \"Backing up and restoring\")";

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if store::Kind::of(&args.db.location()).ok() == Some(store::Kind::Postgres) {
        bail!("{}: {PG_DUMP}", args.db.shown());
    }
    if args.path.exists() && !args.force {
        bail!("{} exists: give another path, or --force to replace it", args.path.display());
    }
    if args.path.is_dir() {
        bail!("{} is a folder: give the path of the file to write", args.path.display());
    }
    let name = args.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = args.path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    runtime()?.block_on(async {
        let store = args.db.open_existing().await?;
        let start = std::time::Instant::now();
        let done = store.backup_into(&partial).await;
        let counts = match &done {
            Ok(()) => Some(copy_counts(&partial).await),
            Err(_) => None,
        };
        store.close().await;
        if let Err(e) = done {
            let _ = std::fs::remove_file(&partial);
            return Err(e).with_context(|| format!("backing up {}", args.db.shown()));
        }
        std::fs::rename(&partial, &args.path)
            .with_context(|| format!("moving the copy into place at {}", args.path.display()))?;
        let size = std::fs::metadata(&args.path).map(|m| m.len()).unwrap_or(0);
        let counts = counts.unwrap_or_else(|| Ok(String::new()))?;
        eprintln!(
            "backed up {} to {} in {:.1} s ({:.1} MB, integrity checked): {counts}",
            args.db.shown(),
            args.path.display(),
            start.elapsed().as_secs_f64(),
            size as f64 / 1e6
        );
        Ok(ExitCode::SUCCESS)
    })
}

/// What the copy holds, as the store counts it ("12 articles, 3 pictures, …").
async fn copy_counts(path: &std::path::Path) -> anyhow::Result<String> {
    let location = path.to_str().context("the copy's path is not UTF-8")?;
    let copy = store::open(location).await.context("opening the copy")?;
    let counts = copy.table_counts().await;
    copy.close().await;
    let counts = counts.context("counting the copy's rows")?;
    let of = |t: &str| counts.iter().find(|(name, _)| *name == t).map_or(0, |(_, n)| *n);
    Ok(format!(
        "{} articles, {} revisions, {} pictures, {} users, {} API tokens",
        of("articles"),
        of("article_revisions"),
        of("media"),
        of("users"),
        of("api_tokens")
    ))
}
