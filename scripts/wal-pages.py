#!/usr/bin/env python3
"""Where a SQLite database's writes land: the pages of its write-ahead log's
current cycle, by table and index.

    python3 scripts/wal-pages.py COPY [--writes N] [--top K]

COPY is a copy of a Newsdesk SQLite database with its `-wal` and `-shm` files
beside it, taken while the server was paused, so that the three agree:

    kill -STOP $PID
    for x in '' -wal -shm; do cp archive.db$x /tmp/copy.db$x; done
    kill -CONT $PID

Run it on the copy only: it opens the database read-only, but SQLite may
still change its `-shm` file. Each frame of the log is a page one commit wrote (a page written
by several commits counts once per commit); the log starts again after a
checkpoint, so a copy taken soon after one holds few frames. Pages are named
by SQLite's `dbstat` table (Debian's SQLite and Python's have it); a page
freed since its write and used again is named by its owner now.

With `--writes N` (the writes the cycle holds, for example the count of
`articles` frames when each commit writes every article once), the figures are
also given per write. On the 100,000-article archive of
`scripts/bench-archive.py`, with eight writers replacing whole articles, an
article's write was about 100 frames (400 KB): a fifth in the index of the
lists holding an article (`article_related_holders`), a seventh in the
key-phrase listing (`article_phrases_listing`).
"""
import argparse
import collections
import sqlite3
import struct
import sys


def frames(wal_path):
    """The page numbers of the current cycle's frames, and its commits."""
    with open(wal_path, "rb") as f:
        data = f.read()
    if len(data) < 32:
        return [], 0, 0
    _magic, _version, page_size, _seq, salt1, salt2, _c1, _c2 = struct.unpack(">IIIIIIII", data[:32])
    pages, commits, off = [], 0, 32
    while off + 24 + page_size <= len(data):
        page, commit, s1, s2 = struct.unpack(">IIII", data[off:off + 16])
        if (s1, s2) != (salt1, salt2):
            break  # an older cycle's frame, not yet overwritten
        pages.append(page)
        commits += commit != 0
        off += 24 + page_size
    return pages, commits, page_size


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("copy", help="the copied database (its -wal and -shm beside it)")
    ap.add_argument("--writes", type=int, help="how many writes the cycle holds, for figures per write")
    ap.add_argument("--top", type=int, default=30, help="how many tables and indexes to show (default 30)")
    args = ap.parse_args()
    try:
        pages, commits, page_size = frames(args.copy + "-wal")
    except OSError as e:
        sys.exit(f"error: {e}")
    if not pages:
        sys.exit(f"{args.copy}-wal holds no frames of a current cycle")
    # Read-only: a connection that may write checkpoints the log as it
    # closes, and the log is what is being read.
    try:
        db = sqlite3.connect(f"file:{args.copy}?mode=ro", uri=True)
        owner = {p: name for name, p in db.execute("SELECT name, pageno FROM dbstat")}
        db.close()
    except sqlite3.Error as e:
        sys.exit(f"error: {args.copy}: {e}")
    written, distinct = collections.Counter(), collections.defaultdict(set)
    for p in pages:
        name = owner.get(p, "(free or other)")
        written[name] += 1
        distinct[name].add(p)
    per = f", {len(pages) / args.writes:.1f} frames per write" if args.writes else ""
    print(f"{len(pages):,} frames ({len(pages) * page_size / 1e6:.0f} MB) in {commits:,} commits, "
          f"{len(set(pages)):,} pages{per}")
    for name, n in written.most_common(args.top):
        each = f"  {n / args.writes:6.1f} per write" if args.writes else ""
        print(f"  {name:42} {n:8,} frames {len(distinct[name]):8,} pages{each}")


if __name__ == "__main__":
    main()
