#!/usr/bin/env python3
"""How many pages of the SQLite write-ahead log one edit of an article writes,
and where: a server on a copy of a database, edits one at a time, each after a
pause (the checkpoint task copies the log and the edit starts it again), the
log's current cycle read after each.

    python3 scripts/edit-pages.py --bin target/release/newsdesk --db ARCHIVE.db [--edit typo] [--edits 8]

ARCHIVE.db is a database of `scripts/bench-archive.py` (its articles are
`a-0` … `a-N`; `--keep --work DIR` keeps one as DIR/archive.pristine.db); it is
copied, never written. `--edit typo` adds a letter to one word of the body and
keeps everything else (what a newsroom's edits mostly are); `--edit replace`
writes the benchmark's edit (a two-sentence body, a new title, Section 1). It
prints each edit's pages, then the mean per edit by table and index (SQLite's
`dbstat`), using `scripts/wal-pages.py` to read the log.

On the 100,000-article archive (2026-12-07): a typo fixed, 109 pages before
5ad3055 and 63 after (tags, authors, key phrases and related list left as they
were); the benchmark's edit, 117 either way.
"""
import argparse
import collections
import importlib.util
import json
import pathlib
import random
import shutil
import sqlite3
import subprocess
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, HERE / file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_token(bench, binary, db, name):
    """A new API token for the site at `db` (a file or a URL)."""
    out = subprocess.run([binary, "token", "create", name, "--db", db], capture_output=True, text=True)
    found = bench.TOKEN_RE.search(out.stdout + out.stderr)
    if found is None:
        raise SystemExit(f"no token: {out.stderr}")
    return found.group(0)


def edit_article(bench, port, token, slug, kind, i):
    """One edit of article `slug` through the API of the server on `port`:
    `typo` adds a letter to one word of its body and keeps everything else;
    `replace` writes the benchmark's edit (edit number `i`)."""
    status, body = bench.get(port, f"/api/articles/{slug}")
    if status != 200:
        raise SystemExit(f"GET {slug}: {status}")
    a = json.loads(body)
    if kind == "typo":
        word = a["body"].split(" ")[5]
        doc = {k: a[k] for k in ("slug", "status", "title", "section", "tags", "authors", "version")}
        doc["body"] = a["body"].replace(word, word + "s", 1)
    else:
        doc = {"slug": slug, "status": "published", "title": f"Revised story {i}", "section": "Section 1",
               "body": f"Correction {i}: the figures were revised.\n\nThe council met."}
    conn = bench.http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("PUT", f"/api/articles/{slug}", body=json.dumps(doc),
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    if r.status not in (200, 201):
        raise SystemExit(f"PUT {slug}: {r.status}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the newsdesk binary")
    ap.add_argument("--db", required=True, help="a database of scripts/bench-archive.py (copied, not written)")
    ap.add_argument("--edit", choices=["typo", "replace"], default="typo")
    ap.add_argument("--edits", type=int, default=8, help="edits measured (default 8, after 5 not measured)")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    bench = load("bench_archive", "bench-archive.py")
    wal_pages = load("wal_pages", "wal-pages.py")
    work = pathlib.Path(tempfile.mkdtemp(prefix="edit-pages-"))
    db = str(work / "site.db")
    shutil.copyfile(args.db, db)
    token = make_token(bench, args.bin, db, "edit-pages")
    count = sqlite3.connect(args.db).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    server = bench.Server(args.bin, db)
    rnd = random.Random(7)

    def edit(i):
        edit_article(bench, server.port, token, f"a-{rnd.randrange(count)}", args.edit, i)

    try:
        for i in range(5):
            edit(i)
        touched = collections.Counter()
        for k in range(args.edits):
            time.sleep(2.5)
            edit(100 + k)
            shutil.copyfile(db + "-wal", work / "cycle.wal")
            pages, _commits, _size = wal_pages.frames(work / "cycle.wal")
            touched.update(set(pages))
            print(f"edit {k + 1}: {len(pages)} pages ({len(set(pages))} distinct)", flush=True)
    finally:
        server.stop()
    names = {page: name for name, page in sqlite3.connect(db).execute("SELECT name, pageno FROM dbstat")}
    by = collections.Counter()
    for page, n in touched.items():
        by[names.get(page, "(free or new)")] += n
    print(f"mean pages per edit ({args.edit}): {sum(by.values()) / args.edits:.1f}; by table and index:")
    for name, n in by.most_common(args.top):
        print(f"  {name:44s} {n / args.edits:6.1f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
