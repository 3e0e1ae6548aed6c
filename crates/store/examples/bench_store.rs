//! The store's benchmark: generates an archive of articles (100,000 by
//! default, bodies of 2-5 KB) directly in an SQLite database through the
//! store, then times every query the store issues, and the store's share of
//! each uncached route (the calls the web crate makes to render it), and
//! prints p50 and p99 beside the 10 ms target for a route.
//!
//! ```text
//! cargo run --release -p store --example bench_store -- [--articles N] [--db PATH] [--runs N]
//! ```
//!
//! The articles are made here, not by `content`: bodies are generated words
//! in paragraphs (Markdown, HTML with a span per sentence, plain text) and
//! the two stored summaries are the first 3 and 5 sentences (no summarizer
//! runs). Sections, tags and authors are drawn with a Zipf-like skew, so
//! the largest lists are tens of thousands of articles long; 3% are drafts
//! (a third of them without a time) and 1% are scheduled for the coming
//! weeks. An existing database at `--db` with the asked number of articles
//! is reused (delete it to generate anew).

use std::time::Instant;

use store::prelude::*;
use store::{
    Cursor, DeskQuery, ListQuery, Named, NewArticle, SqliteStore, Status, StoredSummary, SummaryMode, SummarySentence,
    Visibility,
};

const WEEK: i64 = 7 * 24 * 3600;
/// "Now" for the benchmark: the archive ends here (2026-11-30).
const NOW: i64 = 1_796_000_000;
/// The archive's articles are spread over this many weeks before `NOW`.
const WEEKS: i64 = 5 * 52;
const TARGET_MS: f64 = 10.0;

/// A deterministic generator (64-bit LCG), so every run makes the same archive.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// An index in 0..n, small ones far likelier (weights 1/(i+1)).
    fn zipf(&mut self, n: usize, harmonic: f64) -> usize {
        let mut x = (self.next() as f64 / (1u64 << 31) as f64) * harmonic;
        for i in 0..n {
            x -= 1.0 / (i + 1) as f64;
            if x <= 0.0 {
                return i;
            }
        }
        n - 1
    }
}

fn harmonic(n: usize) -> f64 {
    (1..=n).map(|i| 1.0 / i as f64).sum()
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mer", "tan", "vi", "so", "re", "dun", "pa", "el", "mi", "gor", "sta", "ne", "li", "bra", "to", "qui",
    "an", "es", "ol", "ur", "fen", "dal", "cor", "ti", "ma", "ve", "ro", "sul",
];

fn word(r: &mut Lcg) -> String {
    (0..1 + r.below(3)).map(|_| SYLLABLES[r.below(SYLLABLES.len() as u64) as usize]).collect()
}

/// A body of about `bytes` bytes: (Markdown, HTML with sentence spans,
/// plain text, the sentences with their offsets in the plain text).
fn body(r: &mut Lcg, bytes: usize) -> (String, String, String, Vec<SummarySentence>) {
    let (mut md, mut html, mut text) = (String::new(), String::new(), String::new());
    let mut sentences = Vec::new();
    while md.len() < bytes {
        if !md.is_empty() {
            md.push_str("\n\n");
            text.push_str("\n\n");
        }
        html.push_str("<p>");
        for s in 0..3 + r.below(4) {
            let words: Vec<String> = (0..8 + r.below(12)).map(|_| word(r)).collect();
            let mut sentence = words.join(" ");
            sentence[..1].make_ascii_uppercase();
            sentence.push('.');
            if s > 0 {
                md.push(' ');
                text.push(' ');
                html.push(' ');
            }
            let start = text.len();
            md.push_str(&sentence);
            text.push_str(&sentence);
            html.push_str(&format!("<span class=\"s\" id=\"s-{}\">{sentence}</span>", sentences.len()));
            sentences.push(SummarySentence { index: sentences.len(), start, end: text.len(), text: sentence });
        }
        html.push_str("</p>\n");
    }
    (md, html, text, sentences)
}

struct Names {
    sections: Vec<Named>,
    tags: Vec<Named>,
    authors: Vec<Named>,
}

fn names() -> Names {
    let named = |prefix: &str, i: usize| Named {
        name: format!("{prefix} {i}"),
        slug: format!("{}-{i}", prefix.to_lowercase()),
    };
    Names {
        sections: (0..12).map(|i| named("Section", i)).collect(),
        tags: (0..300).map(|i| named("Tag", i)).collect(),
        authors: (0..150).map(|i| named("Author", i)).collect(),
    }
}

fn article(r: &mut Lcg, i: u64, n: u64, names: &Names, h: &[f64; 3]) -> NewArticle {
    let size = 2000 + r.below(3000) as usize;
    let (body_md, body_html, body_text, sentences) = body(r, size);
    let status = match r.below(100) {
        0..3 => Status::Draft,
        3..4 => Status::Scheduled,
        _ => Status::Published,
    };
    // Oldest first, spread over the weeks; scheduled ones in the next three weeks.
    let published_at = match status {
        Status::Draft if r.below(3) == 0 => None,
        Status::Scheduled => Some(NOW + 1 + r.below(3 * WEEK as u64) as i64),
        _ => Some(NOW - WEEKS * WEEK + (i as i64 * WEEKS * WEEK) / n as i64 + r.below(3600) as i64),
    };
    let mut tags: Vec<Named> = Vec::new();
    for _ in 0..1 + r.below(4) {
        let t = &names.tags[r.zipf(names.tags.len(), h[1])];
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    let mut authors = vec![names.authors[r.zipf(names.authors.len(), h[2])].clone()];
    if r.below(4) == 0 {
        let second = names.authors[r.below(names.authors.len() as u64) as usize].clone();
        if second != authors[0] {
            authors.push(second);
        }
    }
    let summary = |k: usize| StoredSummary {
        length: k as u32,
        sentences: sentences.iter().take(k).cloned().collect(),
        source_hash: "bench".into(),
        version: "bench".into(),
    };
    NewArticle {
        slug: format!("article-{i:06}"),
        title: format!("{} {} {}", word(r), word(r), word(r)),
        standfirst: Some(sentences[0].text.clone()),
        reading_minutes: (body_text.len() / 1200).max(1) as u32,
        body_md,
        body_html,
        body_text,
        authors,
        section: names.sections[r.zipf(names.sections.len(), h[0])].clone(),
        tags,
        lang: "en".into(),
        status,
        published_at,
        updated_at: published_at.unwrap_or(NOW),
        sources: None,
        canonical_url: None,
        lead_image: None,
        lead_image_alt: None,
        summary_mode: SummaryMode::Auto,
        summary_custom: None,
        summary_picks: Vec::new(),
        auto_paragraphs: true,
        summaries: vec![summary(3), summary(5)],
        // Search terms are made by `content` (scripts/bench-search.sh measures search).
        search: store::SearchText::default(),
        key_phrases: Default::default(),
        owner: None,
        revision: None,
    }
}

/// Timings of one operation, in milliseconds.
struct Timings(Vec<f64>);

impl Timings {
    fn percentile(&mut self, p: f64) -> f64 {
        self.0.sort_by(|a, b| a.total_cmp(b));
        let i = ((self.0.len() as f64 - 1.0) * p).round() as usize;
        self.0[i]
    }
}

/// Runs `op` `runs` times (after a few warm-up runs) and prints its p50
/// and p99; returns whether p99 is under the target.
async fn time<F, Fut>(label: &str, runs: usize, mut op: F) -> bool
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for i in 0..runs.min(20) {
        op(i).await;
    }
    let mut t = Timings(Vec::with_capacity(runs));
    for i in 0..runs {
        let start = Instant::now();
        op(i).await;
        t.0.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let (p50, p99) = (t.percentile(0.50), t.percentile(0.99));
    let ok = p99 < TARGET_MS;
    println!("{label:<52} {p50:>9.3} {p99:>9.3}   {}", if ok { "ok" } else { "OVER" });
    ok
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = arg("--articles").map(|s| s.parse()).transpose()?.unwrap_or(100_000);
    let runs: usize = arg("--runs").map(|s| s.parse()).transpose()?.unwrap_or(500);
    let path =
        arg("--db").unwrap_or_else(|| std::env::temp_dir().join("newsdesk-bench-store.db").display().to_string());
    let names = names();
    let h = [harmonic(names.sections.len()), harmonic(names.tags.len()), harmonic(names.authors.len())];

    let store = SqliteStore::open(&path).await?;
    let have = store.count_articles().await?;
    if have != n {
        if have > 0 {
            return Err(format!("{path} holds {have} articles, not {n}: delete it, or give another --db").into());
        }
        println!("generating {n} articles in {path} (through SqliteStore::create_article; no summarizer runs)");
        let start = Instant::now();
        let mut r = Lcg(2026);
        let mut bytes = 0usize;
        for i in 0..n {
            let a = article(&mut r, i, n, &names, &h);
            bytes += a.body_md.len();
            store.create_article(&a).await?;
            if (i + 1) % 10_000 == 0 {
                let s = start.elapsed().as_secs_f64();
                println!("  {:>7} articles, {:.0} s, {:.0} articles/s", i + 1, s, (i + 1) as f64 / s);
            }
        }
        let s = start.elapsed().as_secs_f64();
        println!(
            "generated {n} articles in {s:.1} s ({:.0} articles/s), Markdown bodies {:.0} bytes on average",
            n as f64 / s,
            bytes as f64 / n as f64
        );
    } else {
        println!("reusing {path} ({n} articles)");
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("database file: {:.0} MB", size as f64 / 1e6);

    // What the lists hold, to choose deep pages that exist.
    let public = |section: Option<&Named>, tag: Option<&Named>, author: Option<&Named>, page, per_page| ListQuery {
        visibility: Visibility::PublicAt(NOW),
        section: section.map(|s| s.slug.clone()),
        tag: tag.map(|s| s.slug.clone()),
        author: author.map(|s| s.slug.clone()),
        page,
        per_page,
        after: None,
    };
    let (big_section, big_tag, big_author) = (&names.sections[0], &names.tags[0], &names.authors[0]);
    let (mid_tag, mid_author) = (&names.tags[40], &names.authors[20]);
    let mut totals = Vec::new();
    for (what, q) in [
        ("site", public(None, None, None, 1, 1)),
        ("largest section", public(Some(big_section), None, None, 1, 1)),
        ("largest tag", public(None, Some(big_tag), None, 1, 1)),
        ("tag 40", public(None, Some(mid_tag), None, 1, 1)),
        ("largest author", public(None, None, Some(big_author), 1, 1)),
        ("author 20", public(None, None, Some(mid_author), 1, 1)),
    ] {
        let total = store.list_articles(&q).await?.total;
        println!("  {what}: {total} articles readers see");
        totals.push(total as u32);
    }
    // Deep pages: page 500 where the list is long enough, else its middle;
    // the last page of the site; cursors half-way down the site and the
    // largest tag.
    let deep = |total: u32, per_page: u32| 500.min(total.div_ceil(per_page) / 2).max(1);
    let (home_deep, section_deep, tag_deep, author_deep) =
        (deep(totals[0], 20), deep(totals[1], 10), deep(totals[2], 10), deep(totals[4], 10));
    let home_last = totals[0].div_ceil(20).max(1);
    let half_site_page = (totals[0] / 40).max(1);
    let half_tag_page = (totals[2] / 40).max(1);
    let half_site =
        store.list_articles(&public(None, None, None, half_site_page, 20)).await?.next.ok_or("site too short")?;
    let half_tag = store
        .list_articles(&public(None, Some(big_tag), None, half_tag_page, 20))
        .await?
        .next
        .ok_or("tag too short")?;
    let (half_site, half_tag) = (&half_site, &half_tag);
    let slugs: Vec<String> = store
        .list_articles(&public(None, None, None, (totals[0] / 200).clamp(1, 100), 100))
        .await?
        .items
        .into_iter()
        .map(|c| c.slug)
        .collect();

    println!();
    println!("{n} articles, {runs} runs each, one client; times in ms, target p99 < {TARGET_MS} ms");
    println!("{:<52} {:>9} {:>9}", "store call", "p50", "p99");
    let s = &store;
    let mut all_ok = true;
    let slug = |i: usize| slugs[(i * 7) % slugs.len()].clone();
    let after = |c: &Cursor, per_page| ListQuery { after: Some(c.clone()), ..public(None, None, None, 1, per_page) };

    macro_rules! bench {
        ($label:expr, |$i:ident| $body:expr) => {
            let label: &str = &$label;
            all_ok &= time(label, runs, |$i| async move {
                $body.await.expect("a store call failed");
            })
            .await;
        };
    }

    bench!("article (readers)", |i| s.article(&slug(i), Visibility::PublicAt(NOW)));
    bench!("article (editors)", |i| s.article(&slug(i), Visibility::All));
    bench!("neighbours (Previous/Next)", |i| s.neighbours(&slug(i), NOW));
    bench!("home page 1 (20)", |_i| s.list_articles(&public(None, None, None, 1, 20)));
    bench!(&format!("home page {home_deep} (20)"), |_i| s.list_articles(&public(None, None, None, home_deep, 20)));
    bench!(&format!("home, last page: {home_last} (20)"), |_i| s
        .list_articles(&public(None, None, None, home_last, 20)));
    bench!("section page 1 (10), largest section", |_i| s.list_articles(&public(Some(big_section), None, None, 1, 10)));
    bench!(&format!("section page {section_deep} (10), largest section"), |_i| s.list_articles(&public(
        Some(big_section),
        None,
        None,
        section_deep,
        10
    )));
    bench!("tag page 1 (10), largest tag", |_i| s.list_articles(&public(None, Some(big_tag), None, 1, 10)));
    bench!(&format!("tag page {tag_deep} (10), largest tag"), |_i| s.list_articles(&public(
        None,
        Some(big_tag),
        None,
        tag_deep,
        10
    )));
    bench!("tag page 1 (10), tag 40", |_i| s.list_articles(&public(None, Some(mid_tag), None, 1, 10)));
    bench!("author page 1 (10), largest author", |_i| s.list_articles(&public(None, None, Some(big_author), 1, 10)));
    bench!(&format!("author page {author_deep} (10), largest author"), |_i| s.list_articles(&public(
        None,
        None,
        Some(big_author),
        author_deep,
        10
    )));
    bench!("author page 1 (10), author 20", |_i| s.list_articles(&public(None, None, Some(mid_author), 1, 10)));
    bench!("API list page 1 (20)", |_i| s.list_articles(&public(None, None, None, 1, 20)));
    bench!("API list page 1 (100)", |_i| s.list_articles(&public(None, None, None, 1, 100)));
    bench!("API list after a cursor half-way (20)", |_i| s.list_articles(&after(half_site, 20)));
    bench!(&format!("API list page {half_site_page} by number (20)"), |_i| s.list_articles(&public(
        None,
        None,
        None,
        half_site_page,
        20
    )));
    bench!(&format!("API tag list after a cursor at {} (20)", half_tag_page * 20), |_i| s
        .list_articles(&ListQuery { after: Some(half_tag.clone()), ..public(None, Some(big_tag), None, 1, 20) }));
    bench!("API section + tag, page 1 (20)", |_i| s.list_articles(&public(
        Some(big_section),
        Some(mid_tag),
        None,
        1,
        20
    )));
    bench!("editors' list page 1 (20)", |_i| s
        .list_articles(&ListQuery { visibility: Visibility::All, ..public(None, None, None, 1, 20) }));
    bench!(&format!("editors' list page {home_deep} (20)"), |_i| s
        .list_articles(&ListQuery { visibility: Visibility::All, ..public(None, None, None, home_deep, 20) }));
    bench!("sections (navigation)", |_i| s.sections(NOW));
    bench!("section name", |_i| s.section_name(&big_section.slug, NOW));
    bench!("tag name", |_i| s.tag_name(&big_tag.slug, NOW));
    bench!("author name", |_i| s.author_name(&big_author.slug, NOW));
    bench!("count articles", |_i| s.count_articles());
    bench!("next publication", |_i| s.next_publication_after(NOW));
    bench!("stale summaries (none stale)", |_i| s.stale_summaries("bench"));

    // The newsroom's list (25 to a page, most recently changed first): one
    // index range per list, the other filters tested on its rows; a count
    // is kept for the whole list and a section's or author's alone, and is
    // a pass over the range otherwise (a status, a title search).
    let desk = |f: fn(&mut DeskQuery)| {
        let mut q = DeskQuery { page: 1, per_page: 25, ..DeskQuery::default() };
        f(&mut q);
        q
    };
    let (big_section_slug, big_author_slug) = (big_section.slug.clone(), big_author.slug.clone());
    let (big_section_slug, big_author_slug) = (&big_section_slug, &big_author_slug);
    bench!("newsroom list page 1 (25), every article", |_i| s.desk_articles(&desk(|_| {})));
    bench!("newsroom list page 40 (25), every article", |_i| s.desk_articles(&desk(|q| q.page = 40)));
    bench!("newsroom list page 1 (25), drafts", |_i| s.desk_articles(&desk(|q| q.status = Some(Status::Draft))));
    bench!("newsroom list page 1 (25), published", |_i| s.desk_articles(&desk(|q| q.status = Some(Status::Published))));
    bench!("newsroom list page 1 (25), largest section", |_i| s
        .desk_articles(&DeskQuery { section: Some(big_section_slug.clone()), ..desk(|_| {}) }));
    bench!("newsroom list page 1 (25), largest author", |_i| s
        .desk_articles(&DeskQuery { author: Some(big_author_slug.clone()), ..desk(|_| {}) }));
    bench!("newsroom list page 1 (25), largest section, drafts", |_i| s.desk_articles(&DeskQuery {
        section: Some(big_section_slug.clone()),
        status: Some(Status::Draft),
        ..desk(|_| {})
    }));
    bench!("newsroom list, title search (kalo)", |_i| s
        .desk_articles(&DeskQuery { title: Some("kalo".into()), ..desk(|_| {}) }));
    bench!("newsroom facets (sections, authors)", |_i| s.desk_facets());

    // Once or a few times: what start-up and writers do.
    let start = Instant::now();
    let stale = s.stale_summaries("a new version").await?.len();
    println!(
        "{:<52} {:>9.3} (once; {stale} slugs: every article is stale)",
        "stale summaries (new version)",
        start.elapsed().as_secs_f64() * 1000.0
    );

    println!();
    println!("{:<52} {:>9} {:>9}", "uncached route: its store calls in sequence", "p50", "p99");
    let nav = |_: ()| async move { s.sections(NOW).await.and(s.next_publication_after(NOW).await.map(|_| ())) };
    bench!("/ (home): list + sections + next publication", |_i| async move {
        s.list_articles(&public(None, None, None, 1, 20)).await?;
        nav(()).await
    });
    bench!(&format!("/sections/x?page={section_deep}"), |_i| async move {
        s.section_name(&big_section.slug, NOW).await?;
        s.list_articles(&public(Some(big_section), None, None, section_deep, 10)).await?;
        nav(()).await
    });
    bench!("/tags/x (largest)", |_i| async move {
        s.tag_name(&big_tag.slug, NOW).await?;
        s.list_articles(&public(None, Some(big_tag), None, 1, 10)).await?;
        nav(()).await
    });
    bench!(&format!("/authors/x?page={author_deep} (largest)"), |_i| async move {
        s.author_name(&big_author.slug, NOW).await?;
        s.list_articles(&public(None, None, Some(big_author), author_deep, 10)).await?;
        nav(()).await
    });
    bench!("/articles/x: article + neighbours + nav", |i| async move {
        let slug = slug(i);
        s.article(&slug, Visibility::PublicAt(NOW)).await?;
        s.neighbours(&slug, NOW).await?;
        nav(()).await
    });

    println!();
    println!("{:<52} {:>9} {:>9}", "writes (for information; no target here)", "p50", "p99");
    let mut r = Lcg(99);
    let extra: Vec<NewArticle> = (0..runs.min(200) as u64)
        .map(|i| {
            let mut a = article(&mut r, i, n, &names, &h);
            a.slug = format!("bench-extra-{i}");
            a
        })
        .collect();
    let write_runs = extra.len();
    let mut t = Timings(Vec::new());
    for a in &extra {
        let start = Instant::now();
        s.create_article(a).await?;
        t.0.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    println!("{:<52} {:>9.3} {:>9.3}", format!("create article ({write_runs})"), t.percentile(0.5), t.percentile(0.99));
    let mut t = Timings(Vec::new());
    for a in &extra {
        let stored = s.article(&a.slug, Visibility::All).await?.ok_or("gone")?;
        let mut edit = a.clone();
        edit.title.push_str(" (corrected)");
        let start = Instant::now();
        s.update_article(stored.id, stored.version, &edit).await?;
        t.0.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    println!("{:<52} {:>9.3} {:>9.3}", format!("update article ({write_runs})"), t.percentile(0.5), t.percentile(0.99));
    let mut t = Timings(Vec::new());
    for a in &extra {
        let start = Instant::now();
        s.delete_article(&a.slug).await?;
        t.0.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    println!("{:<52} {:>9.3} {:>9.3}", format!("delete article ({write_runs})"), t.percentile(0.5), t.percentile(0.99));
    store.close().await;
    println!();
    println!("{}", if all_ok { "every read under the target" } else { "SOME READS OVER THE TARGET (marked OVER)" });
    Ok(())
}
