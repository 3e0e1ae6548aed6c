//! How summarizing time grows with article length: 1 KB, 10 KB, 100 KB, 1 MB.
//!
//! Run: `cargo run --release -p summarize --example scaling [DATA.jsonl]`
//!
//! Articles of each size are made by joining real news articles (from the
//! JSONL file given, default `../shared/data/cnndm-gpt4-dev.jsonl`, as
//! paragraphs) until the size is reached, so the text stays realistic. Each
//! size is summarized repeatedly with a fresh working memory; the figures are
//! the median time per article and the throughput. The peak resident memory
//! of the process is printed at the end (Linux).

use std::time::Instant;

use summarize::{Options, Summarizer};

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "../shared/data/cnndm-gpt4-dev.jsonl".to_string());
    let corpus: Vec<String> = match std::fs::read_to_string(&path) {
        Ok(text) => text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["article"].as_str().map(str::to_string))
            .collect(),
        Err(_) => {
            eprintln!("{path} not found: using generated text");
            (0..2000)
                .map(|i| {
                    format!(
                        "The council met on day {i} to discuss the harbour plan. Members said the budget of ${i}.5 million \
                         would cover repairs. Critics asked whether the money could be better spent on schools. \
                         The mayor, Dr. Jane Ortiz, said a decision would follow in March."
                    )
                })
                .collect()
        }
    };
    let summarizer = Summarizer::new();
    println!("{:>10} {:>10} {:>14} {:>12} {:>10}", "size", "sentences", "time/article", "MB/s", "us/KB");
    for size in [1_000usize, 10_000, 100_000, 1_000_000] {
        let mut article = String::new();
        let mut i = 0;
        while article.len() < size {
            let a = &corpus[i % corpus.len()];
            i += 1;
            if !article.is_empty() {
                article.push_str("\n\n");
            }
            article.push_str(a);
        }
        // Cut at a char boundary near the size.
        let mut end = size.min(article.len());
        while !article.is_char_boundary(end) {
            end -= 1;
        }
        let article = &article[..end];
        let runs = (3_000_000 / size).clamp(5, 2000);
        let mut times = Vec::with_capacity(runs);
        let mut sentences = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let s = summarizer.summarize(article, &Options::default());
            times.push(start.elapsed().as_secs_f64());
            sentences = s.total_sentences;
            std::hint::black_box(s);
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "{:>9}B {:>10} {:>12.1}us {:>12.1} {:>10.1}",
            article.len(),
            sentences,
            median * 1e6,
            article.len() as f64 / median / 1e6,
            median * 1e6 / (article.len() as f64 / 1000.0)
        );
    }
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM"))
    {
        println!("peak resident memory: {}", line.trim_start_matches("VmHWM:").trim());
    }
}
