//! The search benchmark: generates an archive of articles (100,000 by
//! default) of real-language text, indexes them through the real write path
//! (`content::Articles::create`: validation, Markdown, summaries, search
//! terms, the store's transaction), then runs one- to three-word queries
//! drawn from the archive's own words (with quoted phrases and `-`
//! exclusions) as the site's search does them, and prints p50, p95 and p99
//! against the targets (p50 under 5 ms, p95 under 20 ms) and the size of the
//! full-text index.
//!
//! ```text
//! bash scripts/bench-search.sh [--articles N] [--queries N] [--db PATH] [--data DIR]
//! ```
//!
//! Text: sentences of real news articles (English from CNN/DailyMail and
//! BBC, French from OrangeSum, Chinese from LCSTS: `../shared/data`, and
//! the demo articles, which add Ukrainian), drawn at random into bodies of
//! 2–5 KB in paragraphs: the words and their frequencies are those of news
//! text, the order of the sentences is not. Without `../shared/data` only
//! the demo articles are used (a much smaller vocabulary; it says so).
//! About 55% of the articles are English, 33% French, 9% Chinese, 3%
//! Ukrainian; 3% are drafts and 1% scheduled (never found).
//!
//! Queries (after 50 untimed ones): half draw their words by their
//! frequency in the text (common words, which match thousands of articles:
//! the hard case), half uniformly over the distinct words (mostly rare
//! ones). Kinds: one word, two or three words of one sentence, a quoted
//! phrase of two neighbouring words, a word with another `-excluded`. Each
//! is timed as `web::search::run` does it: the site's languages, reading
//! the query, the store's search (page 1, 10 results, with the total) and
//! the snippets; the store's search alone is shown too, and the CPU time
//! (every thread's) of the whole search, of the store's search and of the
//! snippets. The script runs this phase on one core (`taskset`).
//!
//! Phases: `--phase generate`, `--phase query`, or both (the default). An
//! existing database at `--db` is completed (articles already there are
//! skipped), so a second run reuses it.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use content::search::{parse_query, query_langs, snippet_with};
use content::{ArticleInput, Articles, NoChanges};
use store::{Backend as _, SearchQuery, SqliteStore, Status, Store, Visibility};
use summarize::{Lang, Summarizer};

/// "Now" for the benchmark: the archive ends here (2026-11-30).
const NOW: i64 = 1_796_000_000;
const YEAR: i64 = 365 * 24 * 3600;
const P50_TARGET_MS: f64 = 5.0;
const P95_TARGET_MS: f64 = 20.0;
/// The snippet length of the search page.
const SNIPPET_CHARS: usize = 220;

/// A deterministic generator (64-bit LCG), so every run makes the same
/// archive and the same queries.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// An index in 0..n, small ones far likelier (weights 1/(i+1)).
    fn zipf(&mut self, n: usize) -> usize {
        let harmonic: f64 = (1..=n).map(|i| 1.0 / i as f64).sum();
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

/// The text of one language: titles and sentences of real articles.
struct Pool {
    code: &'static str,
    lang: Lang,
    /// Share of the archive, in percent.
    share: u64,
    titles: Vec<String>,
    sentences: Vec<String>,
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

/// Reads up to `limit` lines of a JSONL file into the pool: its sentences,
/// and its titles (a `title` field, else the article's first sentence).
fn read_jsonl(summarizer: &Summarizer, path: &std::path::Path, limit: usize, pool: &mut Pool) -> usize {
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("  (no {}: skipped)", path.display());
        return 0;
    };
    let mut n = 0;
    for line in text.lines().take(limit) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let Some(article) = v.get("article").and_then(|a| a.as_str()) else { continue };
        let title = v.get("title").and_then(|t| t.as_str()).map(str::to_owned);
        add_text(summarizer, article, title, pool);
        n += 1;
    }
    n
}

/// Adds an article's sentences (of a sensible length) and title to the pool.
fn add_text(summarizer: &Summarizer, article: &str, title: Option<String>, pool: &mut Pool) {
    let mut first = None;
    for s in summarizer.sentences(article, Some(pool.lang)) {
        let sentence = article[s.start..s.end].trim();
        let chars = sentence.chars().count();
        let (min, max) = if pool.lang == Lang::Chinese { (8, 200) } else { (30, 400) };
        if (min..=max).contains(&chars) && !sentence.contains('\n') {
            first.get_or_insert_with(|| sentence.to_owned());
            pool.sentences.push(sentence.to_owned());
        }
    }
    if let Some(t) = title.filter(|t| !t.trim().is_empty()).or(first) {
        let one_line = t.split_whitespace().collect::<Vec<_>>().join(" ");
        pool.titles.push(one_line.chars().take(120).collect());
    }
}

/// The demo articles (TOML front matter between `+++` lines, then Markdown):
/// their body paragraphs and titles, into the pool of their language.
fn read_demo(summarizer: &Summarizer, pools: &mut [Pool]) {
    let Ok(dir) = std::fs::read_dir("demo/articles") else { return };
    let mut paths: Vec<_> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let mut parts = text.splitn(3, "+++\n");
        let (Some(_), Some(front), Some(body)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let field = |name: &str| {
            front.lines().find_map(|l| {
                l.strip_prefix(name)
                    .and_then(|r| r.trim_start().strip_prefix('='))
                    .map(|v| v.trim().trim_matches('"').to_owned())
            })
        };
        let Some(pool) = pools.iter_mut().find(|p| Some(p.code) == field("lang").as_deref()) else { continue };
        // Headings and list lines are not sentences of running text.
        let prose: Vec<&str> = body.split("\n\n").filter(|p| !p.starts_with(['#', '-', '*', '>', '|'])).collect();
        add_text(summarizer, &prose.join("\n\n").replace('\n', " "), field("title"), pool);
    }
}

fn pools(summarizer: &Summarizer, data: &str) -> Vec<Pool> {
    let pool = |code, lang, share| Pool { code, lang, share, titles: Vec::new(), sentences: Vec::new() };
    let mut pools = vec![
        pool("en", Lang::English, 55),
        pool("fr", Lang::French, 33),
        pool("zh", Lang::Chinese, 9),
        pool("uk", Lang::Ukrainian, 3),
    ];
    let dir = std::path::Path::new(data);
    if dir.is_dir() {
        eprintln!("text: {data} and demo/articles");
        let files: [(&str, usize, usize); 7] = [
            ("cnndm-gpt4-dev.jsonl", 0, 1_000),
            ("train/cnndm-val-en.jsonl", 0, 1_000),
            ("train/bbc-en.jsonl", 0, 3_000),
            ("orangesum-fr-dev.jsonl", 1, 1_000),
            ("train/orangesum-fr-valid.jsonl", 1, 2_000),
            ("train/orangesum-fr-train.jsonl", 1, 3_000),
            ("lcsts-zh-dev.jsonl", 2, 1_000),
        ];
        for (file, p, limit) in files {
            let n = read_jsonl(summarizer, &dir.join(file), limit, &mut pools[p]);
            eprintln!("  {file}: {n} articles");
        }
    } else {
        eprintln!("text: demo/articles only ({data} is absent: a small vocabulary, far from a real archive's)");
    }
    read_demo(summarizer, &mut pools);
    pools.retain(|p| !p.sentences.is_empty() && !p.titles.is_empty());
    for p in &pools {
        eprintln!("  {}: {} sentences, {} titles", p.code, p.sentences.len(), p.titles.len());
    }
    pools
}

/// Picks a pool by its share.
fn pick_pool<'a>(r: &mut Lcg, pools: &'a [Pool]) -> &'a Pool {
    let total: u64 = pools.iter().map(|p| p.share).sum();
    let mut x = r.below(total);
    for p in pools {
        if x < p.share {
            return p;
        }
        x -= p.share;
    }
    &pools[0]
}

const SECTIONS: &[&str] = &[
    "World",
    "Politics",
    "Business",
    "Science",
    "Culture",
    "Sport",
    "Technology",
    "Health",
    "Environment",
    "Education",
    "Opinion",
    "Local",
];
const FIRST: &[&str] = &[
    "Maya", "Jonas", "Amélie", "Oleh", "Wei", "Sara", "Tom", "Inès", "Kateryna", "Li", "David", "Claire", "Pierre",
    "Olena", "Ming", "Anna", "Marc", "Julia", "Ravi", "Nadia",
];
const LAST: &[&str] = &[
    "Okafor",
    "Berg",
    "Durand",
    "Kovalenko",
    "Zhang",
    "Lind",
    "Hughes",
    "Moreau",
    "Shevchenko",
    "Chen",
    "Novak",
    "Petit",
    "Garcia",
    "Bondar",
    "Wang",
    "Fischer",
    "Rossi",
    "Singh",
    "Haddad",
    "Clarke",
];

/// The words of the archive's text, for tags and queries: the surface form
/// of every indexed word (stop words are not indexed) of some sentences.
fn words_of(summarizer: &Summarizer, pool: &Pool, r: &mut Lcg, sentences: usize) -> Vec<String> {
    let mut out = Vec::new();
    for _ in 0..sentences {
        let s = r.pick(&pool.sentences);
        for t in summarizer.index_terms(s, pool.lang) {
            out.push(s[t.range].to_owned());
        }
    }
    out
}

fn article(r: &mut Lcg, i: u64, n: u64, pools: &[Pool], tags: &[String]) -> ArticleInput {
    let pool = pick_pool(r, pools);
    let target = 2_000 + r.below(3_000) as usize;
    let mut body = String::new();
    while body.len() < target {
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        let sentences: Vec<&str> = (0..2 + r.below(4)).map(|_| r.pick(&pool.sentences).as_str()).collect();
        body.push_str(&sentences.join(if pool.lang == Lang::Chinese { "" } else { " " }));
    }
    let status = match r.below(100) {
        0..3 => Status::Draft,
        3..4 => Status::Scheduled,
        _ => Status::Published,
    };
    // Oldest first over five years; scheduled ones in the next three weeks.
    let at = match status {
        Status::Scheduled => NOW + 3600 + r.below(21 * 24 * 3600) as i64,
        _ => NOW - 5 * YEAR + (i as i64 * 5 * YEAR) / n as i64 + r.below(3600) as i64,
    };
    let mut article_tags: Vec<String> = Vec::new();
    for _ in 0..1 + r.below(4) {
        let t = &tags[r.zipf(tags.len())];
        if !article_tags.contains(t) {
            article_tags.push(t.clone());
        }
    }
    let author = |r: &mut Lcg| format!("{} {}", r.pick(FIRST), r.pick(LAST));
    let mut authors = vec![author(r)];
    if r.below(4) == 0 {
        authors.push(author(r));
    }
    let time = chrono::DateTime::from_timestamp(at, 0);
    ArticleInput {
        slug: format!("bench-{i:06}"),
        title: r.pick(&pool.titles).clone(),
        standfirst: (r.below(2) == 0).then(|| r.pick(&pool.sentences).clone()),
        body,
        authors,
        section: SECTIONS[r.zipf(SECTIONS.len())].to_owned(),
        tags: article_tags,
        lang: Some(pool.code.to_owned()),
        status: Some(status),
        published: time,
        updated: time,
        ..ArticleInput::default()
    }
}

/// Writes the archive through `Articles::create`, several at once (the
/// summaries and terms are made on the blocking threads; the store writes
/// one at a time), skipping the articles already there.
async fn generate(articles: &Articles, pools: &[Pool], n: u64) -> Result<(), Box<dyn std::error::Error>> {
    let mut r = Lcg(0x5eac4);
    let tags: Vec<String> = {
        let mut seen = HashSet::new();
        let mut words = words_of(articles.summarizer(), &pools[0], &mut r, 2_000);
        words.retain(|w| w.chars().count() >= 5 && seen.insert(w.to_lowercase()));
        words.into_iter().take(300).collect()
    };
    let have = articles.store().count_articles().await?;
    if have >= n {
        eprintln!("{have} articles already in the database: reused");
        return refresh(articles).await;
    }
    eprintln!("writing {n} articles ({have} already there) through content::Articles::create ...");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    let (mut done, mut refused) = (0u64, 0u64);
    // A refused article (the generator's fault) is counted and reported; a
    // store error ends the run.
    let mut settle = |r: Result<(), content::WriteError>| -> Result<(), Box<dyn std::error::Error>> {
        match r {
            Err(content::WriteError::Invalid(e)) => {
                if refused == 0 {
                    eprintln!("  refused: {e}");
                }
                refused += 1;
                Ok(())
            }
            r => Ok(r?),
        }
    };
    for i in 0..n {
        let input = article(&mut r, i, n, pools, &tags);
        if have > 0 && articles.store().article(&input.slug, Visibility::All).await?.is_some() {
            continue;
        }
        while tasks.len() >= 8 {
            settle(tasks.join_next().await.ok_or("no task")??)?;
            done += 1;
            if done.is_multiple_of(5_000) {
                let secs = started.elapsed().as_secs_f64();
                eprintln!("  {done} written, {:.0} articles/s", done as f64 / secs);
            }
        }
        let a = articles.clone();
        tasks.spawn(async move { a.create(input, &content::WrittenBy::named("bench"), NOW).await.map(|_| ()) });
    }
    while let Some(t) = tasks.join_next().await {
        settle(t?)?;
    }
    eprintln!("written in {:.0} s ({refused} refused as invalid)", started.elapsed().as_secs_f64());
    refresh(articles).await
}

/// Indexes again, as `serve` does at start, the articles whose search terms
/// (or strong terms) an older Newsdesk made: a reused database is searched
/// as the current code indexes it.
async fn refresh(articles: &Articles) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let n = articles.refresh_search().await?;
    if n > 0 {
        eprintln!("{n} articles indexed again in {:.0} s", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// One query to time, and how its words were drawn.
struct Query {
    text: String,
    kind: &'static str,
    by_frequency: bool,
}

/// Queries from the archive's words: a pool by its share, then a sentence
/// of it (words by frequency) or the pool's distinct words (uniformly).
fn queries(summarizer: &Summarizer, pools: &[Pool], n: usize) -> Vec<Query> {
    let mut r = Lcg(0x9e3779b9);
    let vocab: Vec<Vec<String>> = pools
        .iter()
        .map(|p| {
            let mut seen = HashSet::new();
            let mut words = words_of(summarizer, p, &mut r, p.sentences.len().min(20_000));
            words.retain(|w| seen.insert(w.to_lowercase()));
            words
        })
        .collect();
    let mut out = Vec::new();
    while out.len() < n {
        let by_frequency = out.len() % 2 == 0;
        let p = pick_pool(&mut r, pools);
        let pi = pools.iter().position(|x| x.code == p.code).unwrap_or(0);
        // Words of one sentence (so that several words are found together),
        // with their byte ranges.
        let sentence = r.pick(&p.sentences).clone();
        let terms = summarizer.index_terms(&sentence, p.lang);
        if terms.len() < 3 {
            continue;
        }
        let start = r.below(terms.len() as u64 - 2) as usize;
        let word = |k: usize, r: &mut Lcg| {
            if by_frequency { sentence[terms[start + k].range.clone()].to_owned() } else { r.pick(&vocab[pi]).clone() }
        };
        let (kind, text) = match r.below(10) {
            0..4 => ("one word", word(0, &mut r)),
            4..6 => ("two words", format!("{} {}", word(0, &mut r), word(2, &mut r))),
            6..7 => ("three words", format!("{} {} {}", word(0, &mut r), word(1, &mut r), word(2, &mut r))),
            7..9 => {
                // Two neighbouring words as written (with any stop word between).
                let phrase = &sentence[terms[start].range.start..terms[start + 1].range.end];
                if phrase.contains('"') || phrase.len() > 60 {
                    continue;
                }
                ("\"phrase\"", format!("\"{phrase}\""))
            }
            _ => {
                let other = r.pick(&p.sentences).clone();
                let others = summarizer.index_terms(&other, p.lang);
                let Some(t) = others.first() else { continue };
                ("word -word", format!("{} -{}", word(0, &mut r), &other[t.range.clone()]))
            }
        };
        out.push(Query { text, kind, by_frequency });
    }
    out
}

/// Timings, in milliseconds.
#[derive(Default)]
struct Timings(Vec<f64>);

impl Timings {
    fn percentile(&mut self, p: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        self.0.sort_by(|a, b| a.total_cmp(b));
        let i = ((self.0.len() as f64 - 1.0) * p).round() as usize;
        self.0[i]
    }
    fn line(&mut self, label: &str) -> (f64, f64) {
        let (p50, p95, p99) = (self.percentile(0.5), self.percentile(0.95), self.percentile(0.99));
        let max = self.0.last().copied().unwrap_or(f64::NAN);
        println!("{label:<40} {:>6} {p50:>8.2} {p95:>8.2} {p99:>8.2} {max:>8.1}", self.0.len());
        (p50, p95)
    }
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// What one search took, in milliseconds: elapsed and CPU time (every
/// thread's) of the whole search, of the store's search alone and of the
/// snippets alone, and how many articles matched.
#[derive(Default)]
struct Took {
    all: f64,
    all_cpu: Option<f64>,
    store: f64,
    store_cpu: Option<f64>,
    snippets_cpu: Option<f64>,
    /// The site's languages and reading the query.
    query_cpu: Option<f64>,
    total: u64,
}

/// One search as the site runs it (`web::search::run`), timed part by part.
async fn search(store: &dyn Store, summarizer: &Summarizer, q: &str) -> Result<Took, Box<dyn std::error::Error>> {
    let (started, cpu_started) = (Instant::now(), cpu_ms());
    let langs = query_langs(&store.search_languages().await?);
    let Ok(parsed) = parse_query(summarizer, q, &langs) else {
        return Ok(Took { all: elapsed(started), all_cpu: cpu_since(cpu_started), ..Took::default() });
    };
    let query = SearchQuery {
        readings: parsed.readings,
        exclude: parsed.exclude,
        visibility: Visibility::PublicAt(NOW),
        section: None,
        tag: None,
        page: 1,
        per_page: 10,
    };
    let (at, cpu_at) = (Instant::now(), cpu_ms());
    let query_cpu = cpu_since(cpu_started);
    let page = store.search(&query).await?;
    let (store_ms, store_cpu, cpu_snippets) = (elapsed(at), cpu_since(cpu_at), cpu_ms());
    // As `web::search::run` makes them: one memo of word forms for the page.
    let mut memo = summarize::terms::TermMemo::default();
    for hit in &page.items {
        std::hint::black_box(snippet_with(
            summarizer,
            &hit.body_text,
            &hit.card.lang,
            &parsed.terms,
            SNIPPET_CHARS,
            &mut memo,
        ));
    }
    Ok(Took {
        snippets_cpu: cpu_since(cpu_snippets),
        all: elapsed(started),
        all_cpu: cpu_since(cpu_started),
        store: store_ms,
        store_cpu,
        query_cpu,
        total: page.total,
    })
}

/// The CPU time since `before` (a [`cpu_ms`] reading), in milliseconds.
fn cpu_since(before: Option<f64>) -> Option<f64> {
    Some(cpu_ms()? - before?)
}

/// The CPU time this process has run, in milliseconds: every thread's
/// (the store's SQLite work runs on sqlx's worker thread), from the
/// process's CPU clock (`clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`: exact to
/// the call, where the schedulers' statistics in `/proc/self/task/*/schedstat`,
/// read before, lag up to a clock tick for a running thread and cost many
/// system calls a reading); `None` where there is no such clock. Unlike the
/// elapsed time, it does not count the time spent waiting for the core while
/// other programs run.
fn cpu_ms() -> Option<f64> {
    let since_start = cpu_time::ProcessTime::try_now().ok()?.as_duration();
    Some(since_start.as_secs_f64() * 1000.0)
}

fn elapsed(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// The size of the full-text index and of the articles' text, from dbstat.
async fn sizes(db: &str) -> Result<(), Box<dyn std::error::Error>> {
    use sqlx::Connection as _;
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite:{db}")).await?;
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE 'article_search%' OR name LIKE 'article_bodies%' \
         GROUP BY name ORDER BY name",
    )
    .fetch_all(&mut c)
    .await?;
    let (text, n): (i64, i64) =
        sqlx::query_as("SELECT SUM(length(body_text)), COUNT(*) FROM article_bodies").fetch_one(&mut c).await?;
    let file: i64 = sqlx::query_scalar("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")
        .fetch_one(&mut c)
        .await?;
    let mib = |b: i64| b as f64 / (1024.0 * 1024.0);
    let fts: i64 = rows
        .iter()
        .filter(|(name, _)| name.starts_with("article_search") && !name.starts_with("article_search_rows"))
        .map(|(_, b)| b)
        .sum();
    println!("\nindex size ({n} articles, {:.1} MiB of body text; database file {:.1} MiB)", mib(text), mib(file));
    for (name, bytes) in &rows {
        println!("  {name:<34} {:>9.1} MiB", mib(*bytes));
    }
    println!(
        "  full-text index (article_search_*)  {:>9.1} MiB, {:.0} bytes per article",
        mib(fts),
        fts as f64 / n.max(1) as f64
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = arg("--articles").map_or(Ok(100_000), |s| s.parse())?;
    let query_count: usize = arg("--queries").map_or(Ok(2_000), |s| s.parse())?;
    let db = arg("--db").unwrap_or_else(|| format!("{}/newsdesk-bench-search.db", std::env::temp_dir().display()));
    let data = arg("--data").unwrap_or_else(|| "../shared/data".into());
    let phase = arg("--phase").unwrap_or_else(|| "all".into());
    let summarizer = Arc::new(Summarizer::new());
    let started = Instant::now();
    let pools = pools(&summarizer, &data);
    eprintln!("text read in {:.1} s", started.elapsed().as_secs_f64());
    if pools.is_empty() {
        return Err("no text to generate articles from".into());
    }
    if phase != "query" {
        // Writing: on every core (the summaries are the slow part).
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        rt.block_on(async {
            let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&db).await?);
            let articles = Articles::new(store, summarizer.clone(), Arc::new(NoChanges));
            generate(&articles, &pools, n).await
        })?;
    }
    if phase == "generate" {
        return Ok(());
    }
    // Searching: one thread here (the script pins the process to one core).
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let store = SqliteStore::open(&db).await?;
        sizes(&db).await?;
        let qs = queries(&summarizer, &pools, query_count + 50);
        // Warm-up: jieba's dictionary, the page cache, SQLite's statements.
        for q in &qs[..50] {
            search(&store, &summarizer, &q.text).await?;
        }
        println!("\n{query_count} queries, load average before: {}", load());
        let mut by: HashMap<(&str, bool), Timings> = HashMap::new();
        let (mut all, mut store_only, mut matched) = (Timings::default(), Timings::default(), Timings::default());
        let mut slowest: Vec<(f64, u64, String)> = Vec::new();
        let (mut cpu, mut store_cpu, mut snippets_cpu) = (Timings::default(), Timings::default(), Timings::default());
        let mut query_cpu = Timings::default();
        for q in &qs[50..] {
            let took = search(&store, &summarizer, &q.text).await?;
            cpu.0.extend(took.all_cpu);
            store_cpu.0.extend(took.store_cpu);
            snippets_cpu.0.extend(took.snippets_cpu);
            query_cpu.0.extend(took.query_cpu);
            all.0.push(took.all);
            store_only.0.push(took.store);
            matched.0.push(took.total as f64);
            by.entry((q.kind, q.by_frequency)).or_default().0.push(took.all);
            slowest.push((took.all, took.total, q.text.clone()));
        }
        println!("load average after: {}\n", load());
        println!("{:<40} {:>6} {:>8} {:>8} {:>8} {:>8}", "milliseconds", "n", "p50", "p95", "p99", "max");
        let mut keys: Vec<_> = by.keys().copied().collect();
        keys.sort();
        for k in keys {
            let label = format!("{} ({})", k.0, if k.1 { "by frequency" } else { "any word" });
            by.get_mut(&k).map(|t| t.line(&label));
        }
        store_only.line("store's search alone (all queries)");
        let (p50, p95) = all.line("whole search (all queries)");
        cpu.line("CPU time of the whole search (all queries)");
        store_cpu.line("CPU time of the store's search alone");
        snippets_cpu.line("CPU time of the snippets alone");
        query_cpu.line("CPU time of languages + reading the query");
        println!("(elapsed times include waiting for the core while other programs run; CPU time does not)");
        println!(
            "\nmatching articles per query: p50 {:.0}, p95 {:.0}, max {:.0}",
            matched.percentile(0.5),
            matched.percentile(0.95),
            matched.0.last().copied().unwrap_or(0.0)
        );
        slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
        println!("slowest:");
        for (ms, total, text) in slowest.iter().take(5) {
            println!("  {ms:>8.1} ms  {total:>6} found  {text}");
        }
        let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
        println!(
            "\ntargets: p50 {p50:.2} ms < {P50_TARGET_MS} ms: {}; p95 {p95:.2} ms < {P95_TARGET_MS} ms: {}",
            verdict(p50 < P50_TARGET_MS),
            verdict(p95 < P95_TARGET_MS)
        );
        store.close().await;
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}
