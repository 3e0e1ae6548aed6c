//! Moving a site's data: `export` (articles in the import format), `migrate`
//! (a whole site from one database to another, through the store's
//! `TransferStore`), `backup` (a consistent copy of a SQLite site while it
//! serves).

pub mod backup;
pub mod export;
pub mod migrate;

use indicatif::{ProgressBar, ProgressStyle};

/// How many articles (or pictures) a batch reads and writes at once.
pub(crate) const BATCH: u32 = 200;

/// A progress bar of `len` items on standard error, drawn only on a terminal.
pub(crate) fn progress(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} [{{bar:30}}] {{pos}}/{{len}} {what} {{per_sec}} {{wide_msg}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}
