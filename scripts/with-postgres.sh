#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server beside it:
#
#   bash scripts/with-postgres.sh cargo test -p store
#
# The server is made by initdb in a temporary folder, run as an unprivileged user
# (as root: the user `postgres` that Debian's package creates, else a system user
# made for it), listens on loopback only (a free TCP port, with TLS by a CA made
# for the occasion when `openssl` is there, and a Unix socket in the folder), and
# is stopped and removed when the command ends, however it ends. Durability is off
# (fsync, synchronous_commit): it holds test data only.
#
# The command sees:
#   NEWSDESK_TEST_PG          postgres://newsdesk@127.0.0.1:PORT/newsdesk?sslmode=disable
#                             (a superuser; each test makes a schema of its own in it)
#   NEWSDESK_TEST_PG_TLS_ROOT the CA certificate that signed the server's (for
#                             sslmode=verify-full), when TLS is on
#
# Needs Debian's `postgresql` package (binaries in /usr/lib/postgresql/N/bin), or
# NEWSDESK_PG_BIN naming a folder with initdb and pg_ctl.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

bin="${NEWSDESK_PG_BIN:-}"
if [ -z "$bin" ]; then
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
    echo "with-postgres: no PostgreSQL server binaries (apt-get install postgresql, or set NEWSDESK_PG_BIN)" >&2
    exit 1
fi

# PostgreSQL refuses to run as root: run it as an unprivileged user.
as_user=()
owner="$(id -un)"
if [ "$(id -u)" = 0 ]; then
    owner=postgres
    if ! id "$owner" >/dev/null 2>&1; then
        owner=newsdesk-pg
        id "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
    fi
    as_user=(runuser -u "$owner" --)
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-pg.XXXXXX")"
chmod 755 "$dir"
chown "$owner" "$dir"
data="$dir/data"
started=0
stop() {
    local status=$?
    if [ "$started" = 1 ]; then
        "${as_user[@]}" "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    exit "$status"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s)
# The default collation is ICU's English one, as on many production servers,
# so a query that sorts by the database's collation where it should not shows up.
"${as_user[@]}" "$bin/initdb" -D "$data" -U newsdesk --auth=trust -E UTF8 --locale=C.UTF-8 \
    --locale-provider=icu --icu-locale=en-US >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }

tls=()
if command -v openssl >/dev/null; then
    (
        cd "$dir"
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=newsdesk test CA" \
            -keyout ca.key -out ca.crt >/dev/null 2>&1
        openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr >/dev/null 2>&1
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >server.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
            -extfile server.ext -out server.crt >/dev/null 2>&1
        chmod 600 server.key
        chown "$owner" server.key server.crt
    )
    tls=(-c ssl=on -c "ssl_cert_file=$dir/server.crt" -c "ssl_key_file=$dir/server.key")
fi

# A free port: try a few at random until the server starts on one.
port=""
for _ in $(seq 1 20); do
    try=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$try") 2>/dev/null; then continue; fi
    if "${as_user[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-p $try -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off \
            -c synchronous_commit=off -c full_page_writes=off ${tls[*]}" start >/dev/null; then
        port=$try
        started=1
        break
    fi
done
if [ -z "$port" ]; then
    echo "with-postgres: the server did not start; its log:" >&2
    cat "$dir/server.log" >&2 || true
    exit 1
fi
"${as_user[@]}" "$bin/createdb" -h "$dir" -p "$port" -U newsdesk newsdesk

export NEWSDESK_TEST_PG="postgres://newsdesk@127.0.0.1:$port/newsdesk?sslmode=disable"
if [ ${#tls[@]} -gt 0 ]; then
    export NEWSDESK_TEST_PG_TLS_ROOT="$dir/ca.crt"
fi
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port," \
    "TLS $([ ${#tls[@]} -gt 0 ] && echo on || echo off), ready in $(($(date +%s) - t0)) s" >&2
"$@"
