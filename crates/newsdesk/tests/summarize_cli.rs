//! `newsdesk summarize` and `newsdesk eval` as a user runs them.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_newsdesk");

const ARTICLE: &str = "The city council approved a new budget on Monday after months of debate. \
The plan raises spending on schools and public transport by ten percent. \
Critics said the increase would require higher local taxes next year. \
The mayor called the vote a turning point for the city and its schools. \
The budget takes effect in January, when the new school year plans begin.";

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    // A child that refuses its arguments may exit before reading its input:
    // the write then fails with BrokenPipe, which is no failure of the test.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("writing to the child's stdin: {e}"),
        _ => {}
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn summarizes_standard_input_as_text_bullets_and_json() {
    let (code, out, _) = run(&["summarize", "-", "--sentences", "2"], ARTICLE);
    assert_eq!(code, 0);
    let line = out.trim();
    assert!(!line.is_empty());
    // Two sentences of the article, joined by one space.
    let parts: Vec<&str> = line.split(". ").collect();
    assert_eq!(parts.len(), 2, "{line}");
    for p in parts {
        assert!(ARTICLE.contains(p.trim_end_matches('.')), "{p}");
    }

    let (code, out, _) = run(&["summarize", "--format", "bullets", "-n", "3"], ARTICLE);
    assert_eq!(code, 0);
    assert_eq!(out.lines().filter(|l| l.starts_with("- ")).count(), 3, "{out}");

    let (code, out, _) = run(&["summarize", "--format", "json", "--title", "Council approves budget"], ARTICLE);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["lang"], "en");
    for s in v["sentences"].as_array().unwrap() {
        let (start, end) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
        assert_eq!(&ARTICLE[start..end], s["text"].as_str().unwrap());
    }
    assert!(!v["keywords"].as_array().unwrap().is_empty());
}

#[test]
fn word_budget_is_never_exceeded() {
    for budget in [5usize, 15, 25, 40] {
        let (code, out, _) = run(&["summarize", "--words", &budget.to_string()], ARTICLE);
        assert_eq!(code, 0);
        assert!(out.split_whitespace().count() <= budget, "{budget}: {out}");
    }
}

#[test]
fn batch_keeps_order_reports_bad_lines_and_exits_1() {
    let dir = std::env::temp_dir().join(format!("newsdesk-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.jsonl");
    let output = dir.join("out.jsonl");
    let good = |id: &str| serde_json::json!({"id": id, "article": ARTICLE}).to_string();
    let lines = [good("a"), "{not json".to_string(), good("b"), serde_json::json!({"id": "c"}).to_string(), good("d")];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let (code, _, err) = run(&["summarize", "--jsonl", input.to_str().unwrap(), "--out", output.to_str().unwrap()], "");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("in.jsonl:2:"), "{err}");
    assert!(err.contains("in.jsonl:4:"), "{err}");
    let out = std::fs::read_to_string(&output).unwrap();
    let rows: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "d"]);
    for r in &rows {
        let joined: Vec<&str> = r["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| &ARTICLE[s["start"].as_u64().unwrap() as usize..s["end"].as_u64().unwrap() as usize])
            .collect();
        assert_eq!(r["summary"].as_str().unwrap(), joined.join(" "));
        assert!(r["keywords"].is_array());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_arguments_get_clear_errors() {
    let (code, _, err) = run(&["summarize", "--lang", "klingon"], ARTICLE);
    assert_ne!(code, 0);
    assert!(err.contains("unknown language"), "{err}");
    let (code, _, err) = run(&["summarize", "/no/such/file.txt"], "");
    assert_ne!(code, 0);
    assert!(err.contains("/no/such/file.txt"), "{err}");
    for (args, message) in [
        (&["summarize", "--sentences", "0"][..], "--sentences must be at least 1"),
        (&["summarize", "--words", "0"], "--words must be at least 1"),
        (&["summarize", "--ratio", "0"], "--ratio must be more than 0"),
        (&["summarize", "--ratio", "1.5"], "--ratio must be more than 0"),
    ] {
        let (code, out, err) = run(args, ARTICLE);
        assert_ne!(code, 0, "{args:?}");
        assert!(out.is_empty() && err.contains(message), "{args:?}: {err}");
    }
    let (code, out, err) = run(&["summarize"], " \n\n ");
    assert_ne!(code, 0);
    assert!(out.is_empty() && err.contains("standard input: no text to summarize"), "{err}");
}

/// A child that exits on bad arguments without reading a large input (more
/// than a pipe holds) is reported as such, not as a broken pipe in the test.
#[test]
fn bad_arguments_with_a_large_input_get_clear_errors() {
    let big = ARTICLE.repeat(1 << 20 >> 8);
    let (code, out, err) = run(&["summarize", "--sentences", "0"], &big);
    assert_ne!(code, 0);
    assert!(out.is_empty() && err.contains("--sentences must be at least 1"), "{err}");
}

#[test]
fn eval_prints_rouge_and_speed() {
    let dir = std::env::temp_dir().join(format!("newsdesk-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("dev.jsonl");
    let row = serde_json::json!({"id": "x", "article": ARTICLE, "reference": "The council approved a budget that raises school and transport spending."});
    std::fs::write(&data, format!("{row}\n")).unwrap();
    let (code, out, err) = run(&["eval", data.to_str().unwrap(), "--repeat", "1"], "");
    assert_eq!(code, 0, "{err}");
    for needle in ["ROUGE-1 F1", "ROUGE-2 F1", "ROUGE-L F1", "articles per CPU-second"] {
        assert!(out.contains(needle), "{out}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A set with no articles is an error, not a report of zeros; a path that
/// cannot be read is named in the error.
#[test]
fn eval_refuses_an_empty_set_and_names_an_unreadable_path() {
    let dir = std::env::temp_dir().join(format!("newsdesk-eval-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.jsonl");
    std::fs::write(&empty, "\n  \n").unwrap();
    let (code, out, err) = run(&["eval", empty.to_str().unwrap(), "--repeat", "1"], "");
    assert_ne!(code, 0, "{out}");
    assert!(err.contains(&format!("no articles in {}", empty.display())), "{err}");
    assert!(!out.contains("ROUGE"), "{out}");
    let (code, _, err) = run(&["eval", dir.to_str().unwrap()], "");
    assert_ne!(code, 0);
    assert!(err.contains(&dir.display().to_string()), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `train --cross` on a made-up data folder: the trial's table beside the
/// lead, and one summary per article of the test set (sentences of the
/// article) in each predictions file; a set that does not exist is named.
#[test]
fn train_runs_a_trial_across_sources_and_writes_its_summaries() {
    let dir = std::env::temp_dir().join(format!("newsdesk-train-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("train")).unwrap();
    let sentences: Vec<&str> = ARTICLE.split_inclusive(". ").map(str::trim).collect();
    let set = |name: &str, n: usize| {
        let rows: String = (0..n)
            .map(|i| {
                // Each article its sentences turned round, the reference one of them.
                let mut s = sentences.clone();
                let k = i % s.len();
                s.rotate_left(k);
                let row = serde_json::json!({"id": format!("{name}-{i}"), "article": s.join(" "), "reference": s[2]});
                format!("{row}\n")
            })
            .collect();
        std::fs::write(dir.join(name), rows).unwrap();
    };
    set("cnndm-gpt4-dev.jsonl", 4);
    set("train/cnndm-val-en.jsonl", 3);
    set("train/bbc-en.jsonl", 5);
    let preds = dir.join("preds");
    let data = dir.to_str().unwrap();
    let args = ["train", "--data", data, "--cross", "cnndm-gpt4-dev+bbc=cnndm-val", "--objective", "worst"];
    let (code, out, err) =
        run(&[&args[..], &["--shrink", "0.5", "--rounds", "1", "--predictions", preds.to_str().unwrap()]].concat(), "");
    assert_eq!(code, 0, "{err}");
    for needle in [
        "cnndm-gpt4-dev+bbc=cnndm-val (start hand, shrink 0.5, 1 rounds, objective worst)",
        "lead-3",
        "trained on cnndm-gpt4-dev + bbc",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    for file in ["lead.cnndm-val.jsonl", "builtin.cnndm-val.jsonl", "cnndm-gpt4-dev+bbc=cnndm-val.jsonl"] {
        let text = std::fs::read_to_string(preds.join(file)).unwrap();
        assert_eq!(text.lines().count(), 3, "{file}: {text}");
        for line in text.lines() {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            let summary = row["summary"].as_str().unwrap();
            assert!(!summary.is_empty() && sentences.iter().any(|s| summary.contains(s)), "{file}: {summary}");
        }
    }
    let (code, _, err) = run(&["train", "--data", data, "--cross", "nosuch=cnndm-val"], "");
    assert_ne!(code, 0);
    assert!(err.contains("no set named \"nosuch\"") && err.contains("cnndm-val"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A reader that stops reading (`newsdesk summarize … | head -c 10`) ends
/// the command quietly: exit 0 and nothing on standard error (it said
/// "error: Broken pipe", and with standard error closed too it panicked).
#[test]
fn a_closed_output_pipe_ends_quietly() {
    let mut child = Command::new(BIN)
        .args(["summarize", "-", "--format", "paragraphs"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    // No one reads its output: every write to it fails.
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    let input = ARTICLE.repeat(200);
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
}
