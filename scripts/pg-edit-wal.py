#!/usr/bin/env python3
"""How much PostgreSQL writes for one edit of an article: the write-ahead log's
bytes per edit, and the row writes (inserts, updates, deletes) of the tables
an edit may leave alone, over a run of typo fixes made through the API.

    bash scripts/with-postgres.sh python3 scripts/pg-edit-wal.py --bin target/release/newsdesk \\
        --articles ARCHIVE.jsonl [--limit 3000] [--edits 100]

It runs inside `scripts/with-postgres.sh` (a throwaway server: the database
`NEWSDESK_TEST_PG` names is written). ARCHIVE.jsonl is the import file of
`scripts/bench-archive.py` (`--keep --work DIR` keeps DIR/archive.jsonl; its
articles are `a-0` … `a-N`); the first `--limit` articles are imported with
`newsdesk import`, then `newsdesk serve` runs on the database and each edit
adds a letter to one word of a random article's body (as `edit-pages.py
--edit typo` does for SQLite). The log's position is read before and after
the measured edits (5 more come first, not measured), after a pause for the
related lists they queue. Row counts come from `pg_stat_user_tables`, which
the server's connections report within a second or so of their writes: read
them as approximate.

On 3,000 articles of the 100,000-article archive, 100 edits (2026-12-07): a
typo fixed wrote 24.4 KB of log before e29f23f and 18.8 KB after (tags,
authors, key phrases and related list left as they were); row writes per edit
before / after: tags 5.5 / 0, authors 2.7 / 1.0 (the update time's copy),
key phrases 18.2 / 11.6 (a typo can change them), related lists 27.3 / 13.8
(the edited article's and those it queues).
"""
import argparse
import importlib.util
import itertools
import os
import pathlib
import random
import subprocess
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
TABLES = ["article_tags", "article_authors", "article_phrases", "article_related"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the newsdesk binary")
    ap.add_argument("--articles", required=True, help="an import file of scripts/bench-archive.py")
    ap.add_argument("--limit", type=int, default=3000, help="articles imported (default 3000)")
    ap.add_argument("--edits", type=int, default=100, help="edits measured (default 100)")
    args = ap.parse_args()
    url = os.environ.get("NEWSDESK_TEST_PG")
    if not url:
        raise SystemExit("NEWSDESK_TEST_PG is not set: run this inside scripts/with-postgres.sh")
    spec = importlib.util.spec_from_file_location("edit_pages", HERE / "edit-pages.py")
    edit_pages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(edit_pages)
    bench = edit_pages.load("bench_archive", "bench-archive.py")

    def psql(query):
        out = subprocess.run(["psql", url, "-Atc", query], capture_output=True, text=True, check=True)
        return out.stdout.strip()

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl") as part:
        with open(args.articles) as source:
            count = 0
            for line in itertools.islice(source, args.limit):
                part.write(line)
                count += 1
        part.flush()
        started = time.time()
        subprocess.run([args.bin, "import", "--db", url, part.name], check=True, capture_output=True)
        print(f"imported {count} articles in {time.time() - started:.1f} s", flush=True)
    token = edit_pages.make_token(bench, args.bin, url, "pg-edit-wal")
    server = bench.Server(args.bin, url)
    rnd = random.Random(7)

    def edit():
        edit_pages.edit_article(bench, server.port, token, f"a-{rnd.randrange(count)}", "typo", 0)

    names = ", ".join(f"'{t}'" for t in TABLES)
    stats = f"SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE relname IN ({names})"

    def rows():
        return dict(line.split("|") for line in psql(stats).splitlines())

    try:
        for _ in range(5):
            edit()
        time.sleep(3)
        start, before = psql("SELECT pg_current_wal_lsn()"), rows()
        for _ in range(args.edits):
            edit()
        time.sleep(3)
        end = psql("SELECT pg_current_wal_lsn()")
        time.sleep(2)
        after = rows()
    finally:
        server.stop()
    wal = int(psql(f"SELECT pg_wal_lsn_diff('{end}', '{start}')"))
    print(f"write-ahead log per typo edit: {wal / args.edits / 1024:.1f} KB ({args.edits} edits)")
    print("row writes per edit (approximate), by table:")
    for table in TABLES:
        print(f"  {table:18s} {(int(after.get(table, 0)) - int(before.get(table, 0))) / args.edits:6.1f}")


if __name__ == "__main__":
    main()
