#!/usr/bin/env bash
# Property-based test of the JSON API against its own OpenAPI document, with
# schemathesis (from PyPI): builds the server, starts it on a fresh database
# (the demo articles, an API token), and runs `schemathesis run` with every
# check (server errors, response schemas and status codes, a schema-valid
# request rejected, a schema-invalid one accepted, ...) for a bounded number
# of examples and time. Fails on any failure it reports.
#
#   bash scripts/schemathesis.sh
#
# schemathesis is looked for in SCHEMATHESIS (a path to its program), in
# target/schemathesis-venv (where .ci/run installs it), then on the PATH:
#   python3 -m venv target/schemathesis-venv
#   target/schemathesis-venv/bin/pip install schemathesis==4.32.5
# Without it the script says SKIPPED and succeeds, unless CI is set.
#
# Deterministic (--generation-deterministic: the same requests every run), and
# bounded by SCHEMATHESIS_MAX_EXAMPLES (per operation and phase, default 50);
# SCHEMATHESIS_TIMEOUT (seconds, default 600) stops a run that hangs.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
st="${SCHEMATHESIS:-}"
if [ -z "$st" ]; then
    if [ -x "$target_dir/schemathesis-venv/bin/schemathesis" ]; then
        st="$target_dir/schemathesis-venv/bin/schemathesis"
    elif command -v schemathesis >/dev/null; then
        st=$(command -v schemathesis)
    fi
fi
if [ -z "$st" ]; then
    if [ -n "${CI:-}" ]; then
        echo "error: schemathesis is not installed (.ci/run installs it)" >&2
        exit 1
    fi
    echo "SKIPPED schemathesis: not installed (python3 -m venv $target_dir/schemathesis-venv && $target_dir/schemathesis-venv/bin/pip install schemathesis==4.32.5)"
    exit 0
fi

cargo build -q -p newsdesk
bin="$target_dir/debug/newsdesk"

work=$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-schemathesis.XXXXXX")
server_pid=""
cleanup() {
    local status=$?
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
db="$work/site.db"
token=$("$bin" token create --db "$db" schemathesis 2>"$work/token.log" | tail -n 1)
[ -n "$token" ] || { echo "error: could not create an API token" >&2; exit 1; }

# The rate limits are off: schemathesis's requests come from one address as
# fast as the server answers (the limits have tests of their own).
NO_COLOR=1 RUST_LOG=warn "$bin" serve --demo --db "$db" --addr "127.0.0.1:$port" \
    --expensive-per-minute 0 --search-per-minute 0 >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
    if curl -sf "http://127.0.0.1:$port/api/openapi.json" >/dev/null 2>&1; then break; fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "error: the server did not start" >&2; exit 1; }
    sleep 0.1
done

start=$(date +%s)
status=0
# Bounded by the number of examples, not by time (with --max-time, schemathesis
# fuzzes until the time is spent, and what it tries would depend on the
# machine's speed); `timeout` only guards against a run that hangs.
# scripts/schemathesis_hooks.py: the two refusals of a schema-valid request
# that are right and that no schema can state (see there).
timeout "${SCHEMATHESIS_TIMEOUT:-600}" \
    env PYTHONPATH="$PWD/scripts${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=schemathesis_hooks \
    "$st" run "http://127.0.0.1:$port/api/openapi.json" \
    --checks all \
    --header "Authorization: Bearer $token" \
    --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-50}" \
    --generation-deterministic \
    --workers 1 \
    --no-color \
    --report junit --report-dir "$work/report" || status=$?
echo "schemathesis: exit status $status after $(($(date +%s) - start)) s"
if [ "$status" != 0 ]; then
    echo "== the server's log (warnings and errors)" >&2
    tail -n 50 "$work/server.log" >&2
fi
exit "$status"
