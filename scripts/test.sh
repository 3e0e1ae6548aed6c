#!/usr/bin/env bash
# The test command (README.md): rust-version, formatting, lints, documentation,
# and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/check-rust-version.py
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace
cargo test --workspace
