//! Every sentence of a development set with its byte range and ranking
//! features, the summarizer's own picks and the article's key phrases, as
//! JSONL: the input of `scripts/quality/explore.py`, which looks for
//! ranking signals outside the summarizer.
//!
//! Run: `cargo run --release -p summarize --example dump_features DATA.jsonl [SENTENCES] > FEATURES.jsonl`
//!
//! Each output line: `{"id", "lang", "sents": [{"start", "end", "f": [...]}], "chosen": [...], "keywords": [...]}`,
//! where `f` lists the features in the order of `summarize::Features::NAMES` and `chosen` the indices of the `SENTENCES` (default 3) sentences
//! the summarizer picks with its built-in weights.

use summarize::{Length, Options, Summarizer};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: dump_features DATA.jsonl [SENTENCES]");
        std::process::exit(2);
    };
    let sentences: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let summarizer = Summarizer::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let row: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{path}:{}: {e}", n + 1);
                continue;
            }
        };
        let Some(article) = row["article"].as_str() else {
            eprintln!("{path}:{}: no \"article\"", n + 1);
            continue;
        };
        let title = row["title"].as_str();
        let analysis = summarizer.analyze(article, title, None);
        let sents: Vec<serde_json::Value> = analysis
            .spans
            .iter()
            .zip(&analysis.features)
            .map(|(span, f)| {
                let f = f.values();
                serde_json::json!({"start": span.start, "end": span.end, "f": f})
            })
            .collect();
        let options = Options { length: Length::Sentences(sentences), title, lang: None, keywords: 20 };
        let summary = summarizer.summarize(article, &options);
        let chosen: Vec<usize> = summary.sentences.iter().map(|s| s.index).collect();
        println!(
            "{}",
            serde_json::json!({
                "id": row["id"],
                "lang": analysis.lang.code(),
                "sents": sents,
                "chosen": chosen,
                "keywords": summary.keywords,
            })
        );
    }
}
