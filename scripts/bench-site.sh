#!/usr/bin/env bash
# Benchmark: the article page served by Newsdesk against the same bytes served
# by nginx as a static file, on this machine, in one run (wrk, 64 connections,
# 10 s each). Prints both figures and the ratio; the target is at least 0.70.
#
#   bash scripts/bench-site.sh [SLUG]
#
# Needs wrk and nginx (Debian: apt-get install -y wrk nginx). Builds the
# release binary first. Env: DURATION (default 10s), CONNECTIONS (64), THREADS (2).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "error: $tool is needed (apt-get install -y wrk nginx curl)" >&2; exit 2; }
done

cargo build --release -q -p newsdesk
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target_dir/release/newsdesk"

work=$(mktemp -d)
chmod 755 "$work"   # nginx workers run as an unprivileged user and must read the page
site_pid=""
nginx_pid=""
cleanup() {
  [ -n "$site_pid" ] && kill "$site_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
site_port=$(free_port)
nginx_port=$(free_port)

RUST_LOG=warn "$bin" serve --demo --db "$work/bench.db" --addr "127.0.0.1:$site_port" &
site_pid=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$site_port/" -o /dev/null && break; sleep 0.1; done

slug=${1:-$(curl -sf "http://127.0.0.1:$site_port/" | grep -o 'data-article-link href="/articles/[^"]*"' | head -1 | sed 's|.*/articles/||; s|"||')}
url_site="http://127.0.0.1:$site_port/articles/$slug"
mkdir -p "$work/www"
curl -sf "$url_site" -o "$work/www/article.html"
bytes=$(wc -c < "$work/www/article.html")

cat > "$work/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  types { text/html html; }
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$nginx_port/article.html" -o /dev/null && break; sleep 0.1; done
url_nginx="http://127.0.0.1:$nginx_port/article.html"
# Both must serve the same bytes with status 200, or the comparison means nothing.
curl -sf "$url_nginx" | cmp -s - "$work/www/article.html" || { echo "error: nginx does not serve the page" >&2; exit 1; }
curl -sf "$url_site" | cmp -s - "$work/www/article.html" || { echo "error: newsdesk does not serve the same page" >&2; exit 1; }

rps() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$1" | tee "$work/wrk.out" >&2
  if grep -q "Non-2xx" "$work/wrk.out"; then echo "error: $1 answered with errors" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' "$work/wrk.out"
}

echo "page: /articles/$slug ($bytes bytes); wrk -t$THREADS -c$CONNECTIONS -d$DURATION; $(nproc) CPUs" >&2
echo "== nginx (static file) ==" >&2
nginx_rps=$(rps "$url_nginx")
echo "== newsdesk ==" >&2
site_rps=$(rps "$url_site")
ratio=$(awk -v a="$site_rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }')
echo "nginx:    $nginx_rps requests/s"
echo "newsdesk: $site_rps requests/s"
echo "ratio:    $ratio (target >= 0.70)"
awk -v r="$ratio" 'BEGIN { exit !(r >= 0.70) }'
