#!/usr/bin/env bash
# Benchmark (#14 item 8): article page requests per second, in one run, for
#   1. one instance on SQLite,
#   2. one instance on PostgreSQL,
#   3. two instances on PostgreSQL behind nginx (round robin, keep-alive to the upstreams).
# Each site is the demo site (serve --demo); the page is one demo article; wrk with
# CONNECTIONS connections for DURATION each. Prints the three figures.
#
#   bash scripts/with-postgres.sh bash scripts/bench-instances.sh [SLUG]
#
# PostgreSQL: the database NEWSDESK_TEST_PG names (with-postgres.sh starts a throwaway
# one; any of yours will do: the bench works in a schema of its own, dropped at the end).
# Needs wrk, nginx, curl and psql (Debian: apt-get install -y wrk nginx curl postgresql-client;
# with-postgres.sh needs postgresql). Builds the release binary first.
# Env: DURATION (default 10s), CONNECTIONS (64), THREADS (2).
#
# On one machine, every process (wrk, nginx, the instances, PostgreSQL) shares the same
# cores: the third figure says what the second instance and the balancer cost here, not
# what a second machine would add.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
for tool in wrk nginx curl psql; do
  command -v "$tool" >/dev/null || {
    echo "error: $tool is needed (apt-get install -y wrk nginx curl postgresql-client)" >&2
    exit 2
  }
done
pg=${NEWSDESK_TEST_PG:-}
if [ -z "$pg" ]; then
  echo "error: no PostgreSQL server: run as  bash scripts/with-postgres.sh bash scripts/bench-instances.sh" >&2
  exit 2
fi

cargo build --release -q -p newsdesk
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target_dir/release/newsdesk"

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

serve() { # DB PORT
  RUST_LOG=warn "$bin" serve --demo --db "$1" --addr "127.0.0.1:$2" &
  pids+=($!)
  wait_up "$2"
}

sqlite_port=$(free_port); serve "$work/bench.db" "$sqlite_port"
pg_a=$(free_port); serve "$pg_site" "$pg_a"
pg_b=$(free_port); serve "$pg_site" "$pg_b"
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
# The same page everywhere (the three sites hold the same demo), or the comparison means nothing.
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
echo "== one instance, SQLite ==" >&2
one_sqlite=$(rps "http://127.0.0.1:$sqlite_port$path")
echo "== one instance, PostgreSQL ==" >&2
one_pg=$(rps "http://127.0.0.1:$pg_a$path")
echo "== two instances, PostgreSQL, behind nginx ==" >&2
two_pg=$(rps "http://127.0.0.1:$lb_port$path")
echo "one instance, SQLite:                  $one_sqlite requests/s"
echo "one instance, PostgreSQL:              $one_pg requests/s"
echo "two instances, PostgreSQL, nginx:      $two_pg requests/s"
