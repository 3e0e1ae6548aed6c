//! Articles per second of the library alone, in the steady state of a
//! server or a long batch: each half of a development set is summarized
//! with a working memory that has first summarized the *other* half, so the
//! cache is warm but has never seen the timed articles.
//!
//! Run: `cargo run --release -p summarize --example throughput [DATA.jsonl] [KEYWORDS] [ROUNDS]`
//!
//! `KEYWORDS` is the number of key phrases per article (default 8, 0 skips
//! them); `ROUNDS` the number of timed rounds (default 5). It prints each
//! round's figure, then the median and the best. Under
//! `valgrind --tool=callgrind` use one round, and the `profiling` build
//! (`--profile profiling`: the release build with symbols, which the release
//! build strips): the instruction counts of `summarize_with` divided by its
//! calls give the cost of one article.
//! This is what `newsdesk eval` times too; this example needs no server
//! crates, so it builds in a fraction of the time.

use std::time::Instant;

use summarize::{Options, Scratch, Summarizer};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "../shared/data/cnndm-gpt4-dev.jsonl".to_string());
    let keywords: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(8);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5).max(1);
    let rows: Vec<(String, Option<String>)> = match std::fs::read_to_string(&path) {
        Ok(text) => text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| Some((v["article"].as_str()?.to_string(), v["title"].as_str().map(str::to_string))))
            .collect(),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    if rows.len() < 2 {
        eprintln!("{path}: need at least two articles");
        std::process::exit(2);
    }
    let summarizer = Summarizer::new();
    let run = |rows: &[(String, Option<String>)], scratch: &mut Scratch| {
        for (article, title) in rows {
            let options = Options { title: title.as_deref(), keywords, ..Options::default() };
            std::hint::black_box(summarizer.summarize_with(scratch, article, &options));
        }
    };
    let (first, second) = rows.split_at(rows.len() / 2);
    let mut figures = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let mut seconds = 0.0;
        for (warm_up, timed) in [(second, first), (first, second)] {
            let mut scratch = Scratch::default();
            run(warm_up, &mut scratch);
            let start = Instant::now();
            run(timed, &mut scratch);
            seconds += start.elapsed().as_secs_f64();
        }
        let per_second = rows.len() as f64 / seconds;
        println!("round {}: {per_second:.0} articles/s", round + 1);
        figures.push(per_second);
    }
    figures.sort_by(f64::total_cmp);
    println!(
        "median {:.0} articles/s, best {:.0} ({} rounds, {} articles, {keywords} key phrases each)",
        figures[figures.len() / 2],
        figures[figures.len() - 1],
        rounds,
        rows.len()
    );
}
