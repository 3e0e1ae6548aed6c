#!/usr/bin/env bash
# Benchmark of the store: generates an archive of 100,000 articles of 2-5 KB
# directly in an SQLite database (through the store; generated text, the
# stored summaries are the first sentences: no summarizer runs), then times
# every query the store issues, and each uncached route's store calls, and
# prints p50 and p99 beside the 10 ms target. A second run reuses the
# database (generating takes a few minutes on 2 cores).
#
#   bash scripts/bench-store.sh [--articles N] [--runs N] [--db PATH]
#
# Env: BENCH_DB (default: $TMPDIR/newsdesk-bench-store.db) when --db is not given.
set -euo pipefail
cd "$(dirname "$0")/.."

args=("$@")
if [[ " ${args[*]-} " != *" --db "* ]]; then
  args+=(--db "${BENCH_DB:-${TMPDIR:-/tmp}/newsdesk-bench-store.db}")
fi
cargo build --release -q -p store --example bench_store
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
exec "$target_dir/release/examples/bench_store" "${args[@]}"
