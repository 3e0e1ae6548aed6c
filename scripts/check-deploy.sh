#!/usr/bin/env bash
# Checks deploy/ with the tools at hand (each check says SKIPPED when its tool
# is missing): nginx -t on both nginx configurations (with a throwaway
# self-signed certificate and the compose file's host names pointed at
# 127.0.0.1), systemd-analyze verify on the unit (its ExecStart pointed at a
# built newsdesk), the compose file parsed (docker compose config when there
# is a docker with compose; else YAML, and the services and their settings
# checked), and newsdesk config check on the example configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
bin=${NEWSDESK_BIN:-target/debug/newsdesk}

if command -v nginx >/dev/null; then
    if command -v openssl >/dev/null; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=news.example.org \
            -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
    fi
    mkdir -p "$tmp/cache" "$tmp/logs" "$tmp/acme"
    sed -e "s|/etc/letsencrypt/live/news.example.org/fullchain.pem|$tmp/cert.pem|" \
        -e "s|/etc/letsencrypt/live/news.example.org/privkey.pem|$tmp/key.pem|" \
        -e "s|/var/cache/nginx/newsdesk|$tmp/cache|" \
        -e "s|/var/www/acme|$tmp/acme|" \
        deploy/nginx/newsdesk.conf > "$tmp/newsdesk.conf"
    sed -e "s|newsdesk-1:|127.0.0.1:|; s|newsdesk-2:|127.0.0.2:|; s|listen 80;|listen 127.0.0.1:18080;|" \
        deploy/nginx/compose.conf > "$tmp/compose.conf"
    for conf in newsdesk compose; do
        cat > "$tmp/nginx-$conf.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $tmp/cache/body;
    proxy_temp_path $tmp/cache/proxy;
    fastcgi_temp_path $tmp/cache/fastcgi;
    uwsgi_temp_path $tmp/cache/uwsgi;
    scgi_temp_path $tmp/cache/scgi;
    include $tmp/$conf.conf;
}
CONF
        if nginx -t -q -p "$tmp" -e "$tmp/logs/error.log" -c "$tmp/nginx-$conf.conf"; then
            echo "ok: nginx -t deploy/nginx/$conf.conf"
        else
            echo "FAILED: nginx -t deploy/nginx/$conf.conf"; failed=1
        fi
    done
else
    echo "SKIPPED nginx checks: nginx is not installed"
fi

if command -v systemd-analyze >/dev/null && [ -x "$bin" ]; then
    sed "s|/usr/local/bin/newsdesk|$(realpath "$bin")|" deploy/newsdesk.service > "$tmp/newsdesk.service"
    if out=$(systemd-analyze verify --man=no "$tmp/newsdesk.service" 2>&1) && [ -z "$out" ]; then
        echo "ok: systemd-analyze verify deploy/newsdesk.service"
    else
        echo "$out"; echo "FAILED: systemd-analyze verify deploy/newsdesk.service"; failed=1
    fi
else
    echo "SKIPPED systemd unit check: systemd-analyze or $bin is missing (cargo build -p newsdesk)"
fi

if docker compose version >/dev/null 2>&1; then
    if POSTGRES_PASSWORD=check docker compose -f deploy/compose.yaml config -q; then
        echo "ok: docker compose config deploy/compose.yaml"
    else
        echo "FAILED: docker compose config deploy/compose.yaml"; failed=1
    fi
elif python3 -c 'import yaml' 2>/dev/null; then
    if python3 - deploy/compose.yaml <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
services = doc["services"]
assert set(services) == {"db", "newsdesk-1", "newsdesk-2", "lb"}, services.keys()
for name in ("newsdesk-1", "newsdesk-2"):
    s = services[name]
    assert s["environment"]["DATABASE_URL"].startswith("postgres://"), name
    assert s["depends_on"]["db"]["condition"] == "service_healthy", name
    assert "--addr" in s["command"] and "0.0.0.0:8080" in s["command"], name
assert services["lb"]["volumes"][0].startswith("./nginx/compose.conf:"), services["lb"]
PY
    then echo "ok: deploy/compose.yaml parsed (no docker compose here to check it further)"
    else echo "FAILED: deploy/compose.yaml"; failed=1
    fi
else
    echo "SKIPPED compose check: neither docker compose nor python3-yaml"
fi

if [ -x "$bin" ]; then
    if env -u NEWSDESK_DB -u DATABASE_URL "$bin" config check --config deploy/newsdesk.toml >/dev/null; then
        echo "ok: newsdesk config check deploy/newsdesk.toml"
    else
        echo "FAILED: newsdesk config check deploy/newsdesk.toml"; failed=1
    fi
fi
exit $failed
