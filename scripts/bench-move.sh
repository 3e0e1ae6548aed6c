#!/usr/bin/env bash
# Figures for moving data (issue #14 item 4): `newsdesk export`, `migrate`
# (SQLite → SQLite; SQLite → PostgreSQL → SQLite when NEWSDESK_TEST_PG names a
# server, as under scripts/with-postgres.sh) and `backup`, on generated
# articles: sentences of the demo articles in shuffled order, 2-5 KB each,
# imported with `newsdesk import` (the real write path: summaries, key
# phrases, search terms), with a revision each. Prints wall and CPU time per
# command and the load average beside them: on a shared machine the wall
# figures are the machine's as much as the code's.
#
#   bash scripts/bench-move.sh [--articles N]        (default 3000)
#   bash scripts/with-postgres.sh bash scripts/bench-move.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=3000
while [ $# -gt 0 ]; do
    case "$1" in
        --articles) N="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
BIN=${BIN:-target/release/newsdesk}
[ -x "$BIN" ] || cargo build --release -q -p newsdesk
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export RUST_LOG=warn

python3 - "$N" "$WORK/articles.jsonl" <<'PY'
import glob, json, random, re, sys
n, out = int(sys.argv[1]), sys.argv[2]
sentences = []
for path in sorted(glob.glob("demo/articles/*.md")):
    text = open(path, encoding="utf-8").read()
    body = text.split("+++", 2)[-1] if text.startswith("+++") else text.split("---", 2)[-1]
    sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", body) if len(s.strip()) > 30 and not s.strip().startswith("#")]
rng = random.Random(14)
sections = ["World", "Science", "Sport", "Culture", "Business"]
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        size = rng.randint(2000, 5000)
        paras, length = [], 0
        while length < size:
            para = " ".join(rng.choice(sentences) for _ in range(rng.randint(3, 6)))
            paras.append(para)
            length += len(para)
        f.write(json.dumps({
            "slug": f"bench-move-{i}", "title": f"Article {i}: " + " ".join(rng.choice(sentences)[:60].split()),
            "section": rng.choice(sections), "tags": rng.sample(["port", "council", "flood", "budget", "school"], 2),
            "authors": [rng.choice(["Ada Ray", "Li Wei", "Maya Okafor"])], "body": "\n\n".join(paras),
            "published": f"2026-{1 + i % 12:02}-{1 + i % 28:02}T{i % 24:02}:00:00Z",
            "status": "draft" if i % 20 == 0 else "published",
        }) + "\n")
PY

timed() {
    local what="$1"; shift
    if ! /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err"; then
        cat "$WORK/err" >&2
        exit 1
    fi
    read -r wall user sys peak <"$WORK/time"
    printf '%-34s %7.1f s wall  %7.1f s CPU  %6d MB peak  (%.0f articles/s wall)   load: %s\n' \
        "$what" "$wall" "$(echo "$user + $sys" | bc)" "$((peak / 1024))" "$(echo "$N / $wall" | bc -l)" \
        "$(cut -d' ' -f1-3 /proc/loadavg)"
}

echo "$N articles, $(du -h "$WORK/articles.jsonl" | cut -f1) of JSONL; $(nproc) cores; $BIN"
timed "import (summaries, phrases, terms)" "$BIN" import --db "$WORK/a.db" "$WORK/articles.jsonl"
timed "export to JSONL" "$BIN" export --db "$WORK/a.db" --out "$WORK/export.jsonl"
timed "backup (VACUUM INTO + check)" "$BIN" backup --db "$WORK/a.db" "$WORK/backup.db"
timed "migrate SQLite → SQLite" "$BIN" migrate --from "$WORK/a.db" --to "$WORK/b.db"
if [ -n "${NEWSDESK_TEST_PG:-}" ]; then
    schema="bench_move_$$"
    psql -q "$NEWSDESK_TEST_PG" -c "CREATE SCHEMA $schema"
    sep='?'; case "$NEWSDESK_TEST_PG" in *\?*) sep='&' ;; esac
    PG="$NEWSDESK_TEST_PG${sep}options[search_path]=$schema"
    timed "migrate SQLite → PostgreSQL" "$BIN" migrate --from "$WORK/a.db" --to "$PG"
    timed "migrate PostgreSQL → SQLite" "$BIN" migrate --from "$PG" --to "$WORK/c.db"
    timed "export from PostgreSQL" "$BIN" export --db "$PG" --out "$WORK/export-pg.jsonl"
    cmp "$WORK/export.jsonl" "$WORK/export-pg.jsonl" && echo "the PostgreSQL copy exports the same bytes"
    psql -q "$NEWSDESK_TEST_PG" -c "SET client_min_messages = warning; DROP SCHEMA $schema CASCADE"
else
    echo "no PostgreSQL server (NEWSDESK_TEST_PG): SQLite only"
fi
