//! Newsdesk content: from what an editor writes to what the store keeps.
//!
//! - [`input`]: [`ArticleInput`], an article as written (API body, import
//!   file, newsroom form), and the times it takes.
//! - [`validate`](mod@validate): the rules it must follow, with errors that name the field.
//! - [`lang`]: language tags, and which are written right to left.
//! - [`render`]: Markdown to sanitized HTML with one anchor per sentence,
//!   and the plain text a reader sees.
//! - [`summaries`]: the automatic summaries kept with every article.
//! - [`prepare`](mod@prepare): all of the above, from an input to a [`store::NewArticle`].
//! - [`write`](mod@write): the write rules, the one path by which articles are created,
//!   changed and deleted ([`Articles`]).
//! - [`related`]: an article's key phrases, by which related articles are found.
//! - [`search`]: an article's search terms, a reader's query read into the same
//!   terms, and the snippet of a found article.
//! - [`import`]: Markdown-with-front-matter, JSON and JSONL files.
//! - [`foreign`]: other engines' archives: WordPress and Ghost exports, RSS,
//!   Atom and JSON feeds.

#![forbid(unsafe_code)]

pub mod foreign;
pub mod import;
pub mod input;
pub mod input_schema;
pub mod lang;
mod notice;
pub mod prepare;
pub mod related;
pub mod render;
pub mod search;
pub mod summaries;
pub mod validate;
pub mod whole;
pub mod write;

pub(crate) use input::to_time;
pub use input::{ArticleInput, Lost, SeenPicks, StatusName, SummaryModeName, found_picks, input_of, input_of_snapshot};
pub use lang::{is_language_tag, is_rtl};
pub use prepare::{prepare, reading_minutes};
pub use related::{KEY_PHRASES, KEY_PHRASES_VERSION, key_phrases};
pub use store::WrittenBy;
pub use summaries::{
    MAX_PICKS, SUMMARY_LENGTHS, picked_sentences, resolve_picks, sentences_of, source_hash, summaries_from,
    summaries_of, summary_of,
};
pub use validate::{ValidationError, ascii_slug, clean_name, is_valid_slug, plain_data_error, slugify, validate};
pub use write::{Articles, Change, Changes, NoChanges, Outcome, Prepared, WriteError, Written};

#[cfg(test)]
pub(crate) mod testing {
    use crate::ArticleInput;

    /// A valid article of five sentences in two paragraphs.
    pub(crate) fn input() -> ArticleInput {
        ArticleInput {
            slug: "a-b".into(),
            title: "Council approves budget".into(),
            body: "The council approved the budget on Monday. It raises spending on schools.\n\n\
                   Critics said taxes would rise. The mayor welcomed the vote. The plan starts in January."
                .into(),
            section: "World News".into(),
            authors: vec!["Ann Lee".into()],
            tags: vec!["Budget".into(), "budget".into()],
            lang: Some("en".into()),
            ..Default::default()
        }
    }
}
