//! `newsdesk migrate --from URL --to URL`: a whole site copied from one
//! database to another, through the store's `TransferStore` on both sides.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, bail};
use rayon::prelude::*;
use store::Store;
use store::transfer::StoredArticle;

use super::{BATCH, progress};
use crate::site::runtime;

/// Copy a whole site from one database to another (SQLite or PostgreSQL, either way).
///
/// Copies every table a site has: users (with their password hashes),
/// API tokens (their hashes; revoked ones too), sessions, failed sign-ins,
/// pictures with every stored width, and articles as stored: ids,
/// versions, creation, update and publication times, status (drafts,
/// submitted and scheduled ones too), owners, summaries (copied, not made
/// again), picked sentences, key phrases (copied) and revisions. Search
/// terms are made again from each article (they are derived, and SQLite's
/// index does not keep them in a readable form). Both databases are
/// migrated to this version's schema when opened. The target must be empty
/// unless --force is given. At the end the rows of every table are
/// counted on both sides; any difference is printed and the exit status
/// is then 1. Stop the site's writers first (or copy a backup): articles
/// written during the copy may be missed, and the counts then differ.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The site to copy: a SQLite file (path or sqlite://PATH) or a
    /// postgres:// URL.
    #[arg(long, value_name = "PATH or URL")]
    pub from: String,
    /// Where to copy it: a SQLite file (created if missing) or a
    /// postgres:// URL (the database must exist).
    #[arg(long, value_name = "PATH or URL")]
    pub to: String,
    /// Replace a target that is not empty: everything in it (articles,
    /// users, tokens, sessions, pictures) is deleted first, then the site
    /// is copied. Nothing is merged.
    #[arg(long)]
    pub force: bool,
}

/// What was copied, for the closing line.
#[derive(Debug, Default)]
pub struct Copied {
    pub users: usize,
    pub tokens: usize,
    pub sessions: usize,
    pub media: usize,
    pub articles: usize,
    pub revisions: usize,
}

/// Makes the search terms of each article (derived: made again, not copied).
fn with_search_terms(summarizer: &summarize::Summarizer, batch: &mut [StoredArticle]) {
    batch.par_iter_mut().for_each(|stored| {
        stored.article.data.search = content::search::search_text(summarizer, &stored.article.data);
    });
}

/// Copies everything `from` holds into `to` (which should be empty), users
/// first (sessions, owners and pictures refer to them), articles last.
pub async fn copy(from: &dyn Store, to: &dyn Store, summarizer: &Arc<summarize::Summarizer>) -> anyhow::Result<Copied> {
    let mut copied = Copied::default();
    let users = from.users().await.context("reading users")?;
    to.put_users(&users).await.context("writing users")?;
    copied.users = users.len();
    let tokens = from.tokens().await.context("reading API tokens")?;
    to.put_tokens(&tokens).await.context("writing API tokens")?;
    copied.tokens = tokens.len();
    let failures = from.all_sign_in_failures().await.context("reading failed sign-ins")?;
    to.put_sign_in_failures(&failures).await.context("writing failed sign-ins")?;
    let sessions = from.all_sessions().await.context("reading sessions")?;
    to.put_sessions(&sessions).await.context("writing sessions")?;
    copied.sessions = sessions.len();

    let (pictures, _) = from.count_media().await.context("counting pictures")?;
    let bar = progress(pictures, "pictures");
    let mut after = 0;
    loop {
        // Pictures are up to a few MB each: smaller batches.
        let batch = from.media_after(after, BATCH / 10).await.context("reading pictures")?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        to.put_media_as_stored(&batch).await.context("writing pictures")?;
        copied.media += batch.len();
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();

    let bar = progress(from.count_articles().await.context("counting articles")?, "articles");
    let mut after = 0;
    let mut slugs = Vec::new();
    loop {
        let mut batch = from.articles_after(after, BATCH).await.context("reading articles")?;
        let Some(last) = batch.last() else { break };
        after = last.article.id;
        let summarizer = summarizer.clone();
        batch = tokio::task::spawn_blocking(move || {
            with_search_terms(&summarizer, &mut batch);
            batch
        })
        .await
        .context("making search terms")?;
        to.put_articles(&batch).await.with_context(|| {
            format!("writing articles {} to {}", batch[0].article.slug, batch[batch.len() - 1].article.slug)
        })?;
        copied.articles += batch.len();
        copied.revisions += batch.iter().map(|a| a.revisions.len()).sum::<usize>();
        slugs.extend(batch.iter().map(|a| a.article.slug.clone()));
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();

    // Related lists are made by writing (each ranks what is stored), so
    // they are made once every article is in place.
    let bar = progress(slugs.len() as u64, "related lists");
    for slug in &slugs {
        to.make_related_list(slug).await.with_context(|| format!("making the related list of {slug}"))?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(copied)
}

/// The tables whose row counts differ: (table, source, target).
pub async fn differences(from: &dyn Store, to: &dyn Store) -> anyhow::Result<Vec<(&'static str, u64, u64)>> {
    let a = from.table_counts().await.context("counting the source's rows")?;
    let b = to.table_counts().await.context("counting the target's rows")?;
    Ok(a.iter().zip(&b).filter(|(x, y)| x.1 != y.1).map(|(x, y)| (x.0, x.1, y.1)).collect())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (from_shown, to_shown) = (store::redact(&args.from), store::redact(&args.to));
    if args.from.trim() == args.to.trim() {
        bail!("--from and --to are the same database ({from_shown})");
    }
    runtime()?.block_on(async move {
        let from = store::open(&args.from).await.with_context(|| format!("opening the source {from_shown}"))?;
        let to = store::open(&args.to).await.with_context(|| format!("opening the target {to_shown}"))?;
        let result = migrate(&*from, &*to, args.force, &from_shown, &to_shown).await;
        from.close().await;
        to.close().await;
        result
    })
}

async fn migrate(
    from: &dyn Store,
    to: &dyn Store,
    force: bool,
    from_shown: &str,
    to_shown: &str,
) -> anyhow::Result<ExitCode> {
    let held: Vec<String> = to
        .table_counts()
        .await
        .context("counting the target's rows")?
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    if !held.is_empty() {
        if !force {
            bail!(
                "the target {to_shown} is not empty ({}): copy into an empty database, or give --force to delete \
                 everything in it first",
                held.join(", ")
            );
        }
        eprintln!("--force: deleting everything in {to_shown} ({})", held.join(", "));
        to.clear_site().await.context("emptying the target")?;
    }
    let start = Instant::now();
    let summarizer = Arc::new(summarize::Summarizer::new());
    let copied = copy(from, to, &summarizer).await?;
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "copied {from_shown} ({}) to {to_shown} ({}) in {secs:.1} s: {} articles ({:.0} a second) with {} revisions, \
         {} pictures, {} users, {} sessions, {} API tokens; summaries and key phrases copied, search terms made again",
        from.kind().name(),
        to.kind().name(),
        copied.articles,
        copied.articles as f64 / secs.max(1e-3),
        copied.revisions,
        copied.media,
        copied.users,
        copied.sessions,
        copied.tokens,
    );
    let differ = differences(from, to).await?;
    if differ.is_empty() {
        let tables = to.table_counts().await?.len();
        eprintln!("verified: the same number of rows in each of the {tables} tables");
        return Ok(ExitCode::SUCCESS);
    }
    for (table, a, b) in &differ {
        eprintln!("error: {table}: {a} rows in the source, {b} in the target");
    }
    eprintln!("error: the copy differs from the source (was the source written to during the copy?)");
    Ok(ExitCode::FAILURE)
}

#[cfg(test)]
mod tests {
    use store::testing::{SqliteIn, TestDatabase, sample};

    use super::*;

    /// A copy into an empty store has the source's counts; a row the copy
    /// lacks is reported by table (with the rows that went with it). Search
    /// terms are made on the way: the copy has none stale.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_missing_row_is_a_difference() {
        let (a, b) =
            (TestDatabase::sqlite("diff_from", SqliteIn::Memory), TestDatabase::sqlite("diff_to", SqliteIn::Memory));
        let (from, to) = (a.open().await, b.open().await);
        for slug in ["one", "two", "three"] {
            from.create_article(&sample(slug, store::Status::Published, Some(10))).await.unwrap();
        }
        let version = summarize::terms::TERMS_VERSION;
        assert_eq!(from.stale_search_text(version).await.unwrap().len(), 3, "samples carry no terms");
        let copied = copy(&*from, &*to, &Arc::new(summarize::Summarizer::new())).await.unwrap();
        assert_eq!(copied.articles, 3);
        assert!(differences(&*from, &*to).await.unwrap().is_empty());
        assert!(to.stale_search_text(version).await.unwrap().is_empty(), "terms made in the copy");
        to.delete_article("two").await.unwrap();
        let differ = differences(&*from, &*to).await.unwrap();
        for table in ["articles", "article_bodies", "article_search", "article_phrase_rows"] {
            assert!(differ.contains(&(table, 3, 2)), "{table}: {differ:?}");
        }
        assert!(differ.iter().all(|(_, a, b)| a > b), "{differ:?}");
        from.close().await;
        to.close().await;
    }
}
