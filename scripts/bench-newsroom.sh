#!/usr/bin/env bash
# Figures: how long each newsroom page takes, on the demo database.
#
#   bash scripts/bench-newsroom.sh
#
# Starts the release binary with --demo on a fresh database, creates an admin
# (newsdesk user create --password-stdin), signs in with curl, then requests
# each newsroom page REQUESTS times (default 200), one at a time, and prints
# the median, 95th percentile and largest time to first byte (curl's
# time_starttransfer: the server's whole work for the page, as the newsroom
# streams nothing, plus a loopback round trip), in milliseconds. The target
# (issue #12) is under 50 ms a page. Not a test: the machine's load varies.
# Needs curl and python3. Env: REQUESTS.
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS=${REQUESTS:-200}
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 2; }
done

cargo build --release -q -p newsdesk
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target_dir/release/newsdesk"

work=$(mktemp -d)
site_pid=""
cleanup() {
  [ -n "$site_pid" ] && kill "$site_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
db="$work/bench.db"
password="bench-admin-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"

RUST_LOG=warn "$bin" serve --demo --db "$db" --addr "127.0.0.1:$port" --public-url "$base" 2>"$work/serve.log" &
site_pid=$!
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "$base/" && break
  sleep 0.1
done
printf '%s\n' "$password" | RUST_LOG=warn "$bin" user create bench --role admin --db "$db" --password-stdin 2>/dev/null

jar="$work/cookies"
login=$(curl -fs -c "$jar" "$base/admin/login")
token=$(printf '%s' "$login" | sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' | head -1)
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" -H "Origin: $base" \
  --data-urlencode "token=$token" --data-urlencode "user=bench" --data-urlencode "password=$password" \
  --data-urlencode "next=/admin" "$base/admin/login")
[ "$status" = 303 ] || { echo "error: signing in answered $status" >&2; exit 1; }

# The demo article with the longest body: the heaviest editor page.
slug=$(python3 - "$db" <<'PY'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT slug FROM articles ORDER BY length(body_md) DESC LIMIT 1").fetchone()[0])
PY
)
articles=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM articles').fetchone()[0])" "$db")

echo "Newsroom pages on the demo database ($articles articles), $REQUESTS requests each, one at a time;"
echo "time to first byte in ms (curl time_starttransfer, loopback), release build, $(nproc) cores,"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start:"
printf '%-62s %8s %8s %8s %8s\n' page median p95 max bytes
measure() {
  local name=$1 url=$2 cookies=$3
  local args=(-s -o "$work/page" -w '%{http_code} %{time_starttransfer}\n')
  [ "$cookies" = yes ] && args+=(-b "$jar")
  : > "$work/times"
  for _ in $(seq 1 "$REQUESTS"); do
    curl "${args[@]}" "$url" >> "$work/times"
  done
  python3 - "$work/times" "$name" "$(wc -c < "$work/page")" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
codes = {r[0] for r in rows}
times = sorted(float(r[1]) * 1000 for r in rows)
n = len(times)
median = times[n // 2]
p95 = times[min(n - 1, int(n * 0.95))]
print(f"{sys.argv[2]:<62} {median:8.2f} {p95:8.2f} {times[-1]:8.2f} {sys.argv[3]:>8}" + ("" if codes <= {"200"} else f"   statuses {sorted(codes)}"))
PY
}
# The floor on this machine now: a reader page served from the page cache.
measure "/ (reader home page, cached: the floor)" "$base/" no
measure "/admin/login (anonymous)" "$base/admin/login" no
measure "/admin (article list)" "$base/admin" yes
measure "/admin?status=published&q=the (filtered)" "$base/admin?status=published&q=the" yes
measure "/admin/articles/new" "$base/admin/articles/new" yes
measure "/admin/articles/$slug" "$base/admin/articles/$slug" yes
measure "/admin/articles/$slug/delete" "$base/admin/articles/$slug/delete" yes
measure "/admin/users" "$base/admin/users" yes
measure "/admin/tokens" "$base/admin/tokens" yes
measure "/admin/account" "$base/admin/account" yes
