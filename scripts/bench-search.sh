#!/usr/bin/env bash
# Benchmark of search: generates an archive of 100,000 articles of real-language
# text (sentences of the news articles in ../shared/data, English, French and
# Chinese, and the demo articles, which add Ukrainian), writes them through the
# real write path (content::Articles::create: summaries, search terms, the
# store's transaction; on every core, several minutes), then runs one- to
# three-word queries drawn from the archive's words (phrases, -exclusions) as
# the site's search runs them, on ONE core (taskset), and prints p50/p95/p99
# beside the targets (p50 < 5 ms, p95 < 20 ms), the load average, and the size
# of the full-text index. A second run reuses the database.
#
#   bash scripts/bench-search.sh [--articles N] [--queries N] [--db PATH] [--data DIR]
#
# Env: BENCH_DB (default: $TMPDIR/newsdesk-bench-search.db) when --db is not given;
# BENCH_CPU, the core the queries run on (default 0).
set -euo pipefail
cd "$(dirname "$0")/.."

args=("$@")
if [[ " ${args[*]-} " != *" --db "* ]]; then
  args+=(--db "${BENCH_DB:-${TMPDIR:-/tmp}/newsdesk-bench-search.db}")
fi
cargo build --release -q -p content --example bench_search
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bench="$target_dir/release/examples/bench_search"
"$bench" "${args[@]}" --phase generate
if command -v taskset > /dev/null; then
  exec taskset -c "${BENCH_CPU:-0}" "$bench" "${args[@]}" --phase query
else
  echo "taskset not found: the queries run unpinned (one thread, but not one core)" >&2
  exec "$bench" "${args[@]}" --phase query
fi
