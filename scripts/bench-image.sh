#!/usr/bin/env bash
# The picture benchmark (#12 item 9): processes a generated 12-megapixel JPEG
# (decode, orientation, the responsive widths 480/960/1200/1600, JPEG
# encoding, hashes) and prints the time beside the 2 s target, on one core
# (pinned with taskset when it is there). Usage: scripts/bench-image.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p media --example bench_image
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
"${pin[@]}" target/release/examples/bench_image "${1:-5}"
