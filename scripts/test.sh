#!/usr/bin/env bash
# The test command (README.md): rust-version, formatting, lints, documentation,
# the supply-chain check, every test, and schemathesis against the API.
#
# With a PostgreSQL test server (NEWSDESK_TEST_PG, as scripts/with-postgres.sh sets it),
# the store's PostgreSQL tests run within `cargo test --workspace`, and the web HTTP
# tests and the CLI site tests run a second time on PostgreSQL. Without one they say
# they are skipped (and fail if CI is set).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/check-rust-version.py
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace
# Licenses, banned crates and sources (deny.toml); advisories need the RustSec
# database, which cannot be fetched here.
if command -v cargo-deny >/dev/null; then
    cargo deny check --hide-inclusion-graph bans licenses sources
elif [ -n "${CI:-}" ]; then
    echo "error: cargo-deny is not installed (.ci/run installs it)" >&2
    exit 1
else
    echo "SKIPPED supply-chain check: cargo-deny is not installed (cargo install --locked cargo-deny@0.20.2)"
fi
cargo test --workspace
# deploy/: nginx -t, systemd-analyze verify, the compose file, the example configuration.
bash scripts/check-deploy.sh
# The JSON API against its OpenAPI document, by schemathesis (SKIPPED without it,
# unless CI is set; .ci/run installs it).
bash scripts/schemathesis.sh
if [ -n "${NEWSDESK_TEST_PG:-}" ]; then
    echo "== the web HTTP, search, related-articles and newsroom tests and the CLI site and user tests again, on PostgreSQL"
    # --workspace: the same features as above, so nothing is built again.
    NEWSDESK_TEST_BACKEND=postgres cargo test --workspace --test http --test search --test related --test admin --test site --test users
fi
