#!/usr/bin/env bash
# The archive benchmark (#16 item 5): 100,000 generated articles of 2-5 KB imported
# with summaries, then every figure beside its target (import rate, uncached routes,
# wrk against nginx, mixed reads with 8 writers, 1,100 slow clients, memory).
# See scripts/bench-archive.py for what each figure is.
#
#   bash scripts/bench-archive.sh [--articles N] [--work DIR] [--keep]
#
# Needs wrk and nginx (Debian: apt-get install -y wrk nginx). Builds the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p newsdesk
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
exec python3 scripts/bench-archive.py --bin "$target_dir/release/newsdesk" "$@"
