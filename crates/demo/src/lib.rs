//! Newsdesk's bundled demo site: the Markdown articles (TOML front matter) of
//! `demo/articles/`, embedded at build time so `newsdesk serve --demo` needs
//! no files beside the binary.

#![forbid(unsafe_code)]

include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));

/// The demo articles: (file name, Markdown with front matter), by file name.
pub fn files() -> &'static [(&'static str, &'static str)] {
    FILES
}

#[cfg(test)]
mod tests {
    #[test]
    fn files_are_markdown_with_front_matter() {
        for (name, text) in super::files() {
            assert!(name.ends_with(".md"), "{name}");
            assert!(text.starts_with("+++") || text.starts_with("---"), "{name}");
        }
    }
}
