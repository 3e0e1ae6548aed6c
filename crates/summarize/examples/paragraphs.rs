//! How well `Summarizer::paragraph_breaks` finds where paragraphs were:
//! the paragraphs of multi-paragraph articles are joined into one, the
//! breaks proposed for it are compared with the original ones by Pk and
//! WindowDiff (lower is better), beside evenly spaced breaks.
//!
//! Run: `cargo run --release -p summarize --example paragraphs SOURCE...`
//! where each SOURCE is a JSONL file (`{"article", "lang"?}` lines, each line
//! of an article a paragraph) or a folder of Markdown articles (front matter
//! and `#` headings left out; each heading starts a new section, and a
//! section's paragraphs are scored as one text).
//!
//! Only texts of more than `paragraphs::LONGEST` sentences, with at least two
//! paragraphs, are scored: shorter ones are left as they are. `k` is half the
//! mean length of the original paragraphs, in sentences (Beeferman et al.,
//! 1999; Pevzner and Hearst, 2002).

use std::path::Path;

use summarize::{Lang, Summarizer, paragraphs};

fn main() {
    let sources: Vec<String> = std::env::args().skip(1).collect();
    if sources.is_empty() {
        eprintln!("usage: paragraphs SOURCE.jsonl|FOLDER ...");
        std::process::exit(2);
    }
    let summarizer = Summarizer::new();
    for source in sources {
        let texts = match read(Path::new(&source)) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{source}: {e}");
                std::process::exit(2);
            }
        };
        report(&summarizer, &source, &texts);
    }
}

/// Texts as lists of paragraphs, with their language if given.
fn read(path: &Path) -> std::io::Result<Vec<(Vec<String>, Option<Lang>)>> {
    let mut out = Vec::new();
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)?.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "md")) {
            let text = std::fs::read_to_string(file)?;
            let body = strip_front_matter(&text);
            // Each section (between headings) is one text of paragraphs.
            let mut section = Vec::new();
            for block in blocks(body) {
                if block.starts_with('#') {
                    out.push((std::mem::take(&mut section), None));
                } else {
                    section.push(block);
                }
            }
            out.push((section, None));
        }
    } else {
        for line in std::fs::read_to_string(path)?.lines().filter(|l| !l.trim().is_empty()) {
            let row: serde_json::Value = serde_json::from_str(line).map_err(std::io::Error::other)?;
            let article = row["article"].as_str().unwrap_or_default();
            let lang = row["lang"].as_str().and_then(|l| l.parse().ok());
            // A line break ends a paragraph (OrangeSum has single ones).
            let lines = article.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
            out.push((lines, lang));
        }
    }
    Ok(out)
}

fn strip_front_matter(text: &str) -> &str {
    for fence in ["+++", "---"] {
        if let Some(rest) = text.strip_prefix(fence)
            && let Some(end) = rest.find(&format!("\n{fence}"))
        {
            return &rest[end + 1 + fence.len()..];
        }
    }
    text
}

/// The paragraphs of a text: blocks between blank lines, trimmed.
fn blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut block = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !block.trim().is_empty() {
                out.push(block.trim().to_string());
            }
            block.clear();
        } else {
            if !block.is_empty() {
                block.push(' ');
            }
            block.push_str(line.trim());
        }
    }
    if !block.trim().is_empty() {
        out.push(block.trim().to_string());
    }
    out
}

/// Scores of one way of breaking: sums of Pk and WindowDiff.
#[derive(Default)]
struct Sums {
    pk: f64,
    wd: f64,
    paragraphs: f64,
}

fn report(summarizer: &Summarizer, source: &str, texts: &[(Vec<String>, Option<Lang>)]) {
    let (mut n_texts, mut sentences, mut true_paragraphs) = (0usize, 0usize, 0usize);
    let (mut ours, mut even4, mut even_count, mut even_ours) =
        (Sums::default(), Sums::default(), Sums::default(), Sums::default());
    for (paragraphs, lang) in texts {
        if paragraphs.len() < 2 {
            continue;
        }
        let joined = paragraphs.join(" ");
        let spans = summarizer.sentences(&joined, *lang);
        let n = spans.len();
        if n <= paragraphs::LONGEST {
            continue;
        }
        // Where each original paragraph starts, as a sentence index.
        let mut reference = Vec::new();
        let mut offset = 0;
        for p in &paragraphs[..paragraphs.len() - 1] {
            offset += p.len() + 1;
            if let Some(i) = spans.iter().position(|s| s.start >= offset)
                && i > 0
                && !reference.contains(&i)
            {
                reference.push(i);
            }
        }
        if reference.is_empty() {
            continue;
        }
        let k = ((n as f64 / (reference.len() + 1) as f64) / 2.0).round().max(1.0) as usize;
        let proposed = summarizer.paragraph_breaks(&joined, *lang);
        let every4: Vec<usize> = (4..n).step_by(4).collect();
        let count = reference.len() + 1;
        let spread: Vec<usize> = (1..count).map(|j| (j * n + count / 2) / count).collect();
        let ours_count = proposed.len() + 1;
        let spread_ours: Vec<usize> = (1..ours_count).map(|j| (j * n + ours_count / 2) / ours_count).collect();
        for (sums, hyp) in
            [(&mut ours, &proposed), (&mut even4, &every4), (&mut even_count, &spread), (&mut even_ours, &spread_ours)]
        {
            sums.pk += pk(&reference, hyp, n, k);
            sums.wd += window_diff(&reference, hyp, n, k);
            sums.paragraphs += (hyp.len() + 1) as f64;
        }
        n_texts += 1;
        sentences += n;
        true_paragraphs += reference.len() + 1;
    }
    let t = n_texts.max(1) as f64;
    println!(
        "{source}: {n_texts} texts of more than {} sentences, {:.1} sentences and {:.1} paragraphs each",
        paragraphs::LONGEST,
        sentences as f64 / t,
        true_paragraphs as f64 / t
    );
    for (name, s) in [
        ("paragraph_breaks", &ours),
        ("evenly, every 4 sentences", &even4),
        ("evenly, as many paragraphs as the original", &even_count),
        ("evenly, as many paragraphs as paragraph_breaks", &even_ours),
    ] {
        println!("  {name:<48} Pk {:.3}  WindowDiff {:.3}  ({:.1} paragraphs)", s.pk / t, s.wd / t, s.paragraphs / t);
    }
}

/// Which segment each sentence is in, given the sentences that start one.
fn segments(breaks: &[usize], n: usize) -> Vec<usize> {
    let mut seg = vec![0; n];
    let mut s = 0;
    for (i, v) in seg.iter_mut().enumerate() {
        if breaks.contains(&i) {
            s += 1;
        }
        *v = s;
    }
    seg
}

/// Pk: the share of pairs of sentences `k` apart that one segmentation puts
/// in the same paragraph and the other does not.
fn pk(reference: &[usize], hyp: &[usize], n: usize, k: usize) -> f64 {
    let (r, h) = (segments(reference, n), segments(hyp, n));
    let pairs = n.saturating_sub(k).max(1);
    let wrong = (0..n.saturating_sub(k)).filter(|&i| (r[i] == r[i + k]) != (h[i] == h[i + k])).count();
    wrong as f64 / pairs as f64
}

/// WindowDiff: the share of windows of `k` sentences in which the two
/// segmentations have different numbers of breaks.
fn window_diff(reference: &[usize], hyp: &[usize], n: usize, k: usize) -> f64 {
    let (r, h) = (segments(reference, n), segments(hyp, n));
    let pairs = n.saturating_sub(k).max(1);
    let wrong = (0..n.saturating_sub(k)).filter(|&i| r[i + k] - r[i] != h[i + k] - h[i]).count();
    wrong as f64 / pairs as f64
}
