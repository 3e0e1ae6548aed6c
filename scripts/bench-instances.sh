#!/usr/bin/env bash
# Benchmark (#14 item 8), in one run, on one archive of generated articles:
#   1. import of ARTICLES generated articles of 2-5 KB (scripts/bench-archive.py's
#      generator; summaries and search terms computed: the real write path) into
#      SQLite and into PostgreSQL: articles/s and the importer's peak RSS;
#   2. article page requests per second for one instance on SQLite, one on
#      PostgreSQL, and two on PostgreSQL behind nginx (round robin, keep-alive to
#      the upstreams), each serving that archive (wrk, CONNECTIONS connections for
#      DURATION each);
#   3. the resident memory (RSS) of each instance serving the archive with the page
#      cache at its default size: idle after start, after the wrk runs, and after
#      PAGES distinct pages (article pages, the home page, section pages) were read
#      through it (target under 64 MB).
# Prints the machine's load (`uptime`) beside the figures: other builds on the
# machine make them worse than the code's.
#
#   bash scripts/with-postgres.sh bash scripts/bench-instances.sh [SLUG]
#
# PostgreSQL: the database NEWSDESK_TEST_PG names (with-postgres.sh starts a throwaway
# one; any of yours will do: the bench works in a schema of its own, dropped at the end).
# Needs wrk, nginx, curl, psql and GNU time (Debian: apt-get install -y wrk nginx curl
# postgresql-client time; with-postgres.sh needs postgresql). Builds the release binary first.
# Env: ARTICLES (default 100000), PAGES (default 3000), DURATION (default 10s),
# CONNECTIONS (64), THREADS (2).
#
# On one machine, every process (wrk, nginx, the instances, PostgreSQL) shares the same
# cores: the third figure says what the second instance and the balancer cost here, not
# what a second machine would add.
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES=${ARTICLES:-100000}
PAGES=${PAGES:-3000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
for tool in wrk nginx curl psql /usr/bin/time; do
  command -v "$tool" >/dev/null || {
    echo "error: $tool is needed (apt-get install -y wrk nginx curl postgresql-client time)" >&2
    exit 2
  }
done
pg=${NEWSDESK_TEST_PG:-}
if [ -z "$pg" ]; then
  echo "error: no PostgreSQL server: run as  bash scripts/with-postgres.sh bash scripts/bench-instances.sh" >&2
  exit 2
fi

# NEWSDESK_BIN: a binary of yours instead (to try the script quickly with a debug build;
# its figures are not the release build's).
bin=${NEWSDESK_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release -q -p newsdesk
  target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
  bin="$target_dir/release/newsdesk"
fi

work=$(mktemp -d)
schema="bench_instances_$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "${pg%%\?*}" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$1/readyz" -o /dev/null && return 0; sleep 0.1; done; echo "error: nothing on port $1" >&2; exit 1; }

psql -q "${pg%%\?*}" -c "CREATE SCHEMA $schema" >/dev/null
sep='?'; case "$pg" in *\?*) sep='&';; esac
pg_site="${pg}${sep}options[search_path]=$schema"

rss_mb() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
load() { uptime | sed 's/.*load average/load average/'; }

# 1. The archive, and its import into each backend.
jsonl="$work/archive.jsonl"
t0=$(date +%s)
python3 - "$jsonl" "$ARTICLES" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("bench_archive", "scripts/bench-archive.py")
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
m.generate(sys.argv[1], int(sys.argv[2]))
PY
echo "generated $ARTICLES articles ($(du -m "$jsonl" | cut -f1) MB of JSONL) in $(($(date +%s) - t0)) s" >&2

import_into() { # NAME DB: prints "articles/s peak-RSS-MB seconds"
  local t0 t1
  t0=$(date +%s.%N)
  RUST_LOG=warn /usr/bin/time -v -o "$work/time-$1.txt" "$bin" import --db "$2" "$jsonl" >"$work/import-$1.log" 2>&1 \
    || { tail -n 20 "$work/import-$1.log" >&2; echo "error: the import into $1 failed" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v n="$ARTICLES" -v t0="$t0" -v t1="$t1" \
    '/Maximum resident set size/ {rss = $6 / 1024} END {printf "%.0f %.0f %.1f\n", n / (t1 - t0), rss, t1 - t0}' \
    "$work/time-$1.txt"
}
echo "== import into SQLite ($(load))" >&2
read -r sqlite_rate sqlite_import_rss sqlite_secs < <(import_into sqlite "$work/bench.db")
sqlite_import_load=$(load)
echo "== import into PostgreSQL ($(load))" >&2
read -r pg_rate pg_import_rss pg_secs < <(import_into postgres "$pg_site")
pg_import_load=$(load)

# 2. The instances, serving the archive (the page cache at its default size).
serve() { # DB PORT
  RUST_LOG=warn "$bin" serve --db "$1" --addr "127.0.0.1:$2" &
  pids+=($!)
  wait_up "$2"
}

sqlite_port=$(free_port); serve "$work/bench.db" "$sqlite_port"; sqlite_pid=${pids[-1]}
pg_a=$(free_port); serve "$pg_site" "$pg_a"; pg_a_pid=${pids[-1]}
pg_b=$(free_port); serve "$pg_site" "$pg_b"; pg_b_pid=${pids[-1]}
sleep 1
idle_sqlite=$(rss_mb "$sqlite_pid"); idle_pg=$(rss_mb "$pg_a_pid")
lb_port=$(free_port)
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  upstream newsdesk {
    server 127.0.0.1:$pg_a;
    server 127.0.0.1:$pg_b;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$lb_port;
    location / {
      proxy_pass http://newsdesk;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_next_upstream error timeout;
    }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!)
wait_up "$lb_port"

slug=${1:-$(curl -sf "http://127.0.0.1:$sqlite_port/" | grep -o 'data-article-link href="/articles/[^"]*"' | head -1 | sed 's|.*/articles/||; s|"||')}
path="/articles/$slug"
# The same page everywhere (the three sites serve the same archive), or the comparison means nothing.
for port in "$sqlite_port" "$pg_a" "$pg_b" "$lb_port"; do
  curl -sf "http://127.0.0.1:$port$path" -o "$work/page-$port.html" || { echo "error: no $path on $port" >&2; exit 1; }
done
bytes=$(wc -c < "$work/page-$sqlite_port.html")

rps() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$1" | tee "$work/wrk.out" >&2
  if grep -q -e "Non-2xx" -e "Socket errors" "$work/wrk.out"; then echo "error: $1 answered with errors" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' "$work/wrk.out"
}

echo "page: $path ($bytes bytes); wrk -t$THREADS -c$CONNECTIONS -d$DURATION; $(nproc) CPUs for everything" >&2
echo "== one instance, SQLite ($(load)) ==" >&2
one_sqlite=$(rps "http://127.0.0.1:$sqlite_port$path"); one_sqlite_load=$(load)
echo "== one instance, PostgreSQL ($(load)) ==" >&2
one_pg=$(rps "http://127.0.0.1:$pg_a$path"); one_pg_load=$(load)
echo "== two instances, PostgreSQL, behind nginx ($(load)) ==" >&2
two_pg=$(rps "http://127.0.0.1:$lb_port$path"); two_pg_load=$(load)
wrk_sqlite=$(rss_mb "$sqlite_pid"); wrk_pg=$(rss_mb "$pg_a_pid")

# 3. Memory after reading PAGES distinct pages through an instance (article pages
# spread over the archive, the home page, section pages): what the page cache at
# its default size holds, and what serving them costs.
walk() { # PORT
  python3 - "$1" "$PAGES" "$ARTICLES" <<'PY'
import http.client, sys
port, pages, articles = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
paths = ["/"] + [f"/sections/section-{i}" for i in range(20)]
step = max(1, articles // pages)
paths += [f"/articles/a-{i}" for i in range(0, articles, step)][: max(0, pages - len(paths))]
conn, bad, total = http.client.HTTPConnection("127.0.0.1", port, timeout=30), 0, 0
for p in paths:
    conn.request("GET", p)
    r = conn.getresponse()
    total += len(r.read())
    bad += r.status != 200
print(f"{len(paths)} pages, {total / 1e6:.0f} MB of HTML, {bad} not 200", file=sys.stderr)
PY
}
echo "== $PAGES distinct pages through each instance ($(load)) ==" >&2
walk "$sqlite_port"; walked_sqlite=$(rss_mb "$sqlite_pid")
walk "$pg_a"; walked_pg=$(rss_mb "$pg_a_pid")

echo
echo "archive: $ARTICLES generated articles of 2-5 KB (scripts/bench-archive.py), $(nproc) CPUs"
echo "import into SQLite:                    $sqlite_rate articles/s ($sqlite_secs s; importer peak RSS $sqlite_import_rss MB)   [$sqlite_import_load]"
echo "import into PostgreSQL:                $pg_rate articles/s ($pg_secs s; importer peak RSS $pg_import_rss MB)   [$pg_import_load]"
echo "article page, one instance, SQLite:    $one_sqlite requests/s   [$one_sqlite_load]"
echo "article page, one instance, PostgreSQL: $one_pg requests/s   [$one_pg_load]"
echo "article page, two instances + nginx:   $two_pg requests/s   [$two_pg_load]"
verdict() { awk -v m="$1" 'BEGIN { print (m < 64 ? "ok" : "OVER") }'; }
echo "RSS, SQLite instance:     idle $idle_sqlite MB, after wrk $wrk_sqlite MB, after $PAGES pages $walked_sqlite MB (target < 64 MB: $(verdict "$walked_sqlite"))"
echo "RSS, PostgreSQL instance: idle $idle_pg MB, after wrk $wrk_pg MB, after $PAGES pages $walked_pg MB (target < 64 MB: $(verdict "$walked_pg"))"
