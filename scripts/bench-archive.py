#!/usr/bin/env python3
"""The archive benchmark of issue #16 item 5: every figure beside its target.

Generates an archive of N articles (default 100,000) of 2-5 KB as JSONL, imports
it with `newsdesk import` (summaries and search terms computed: the real write
path), then runs the release server on it and measures, in one run:

  1. import rate (articles/s, target >= 1,000 on 2 cores) and the importer's peak RSS;
  2. every route uncached (the page cache off: --cache-size 0), one client:
     p50/p99 per route, target p99 < 10 ms;
  3. wrk on an article page against nginx serving the same bytes (target >= 0.70),
     and on /api/articles (target >= half of the article page);
  4. mixed reads (wrk -c256 over home, sections and 100 articles) with 8 writers
     for 30 s: read timeouts (target 0), read p99 (< 50 ms), write p99 (< 100 ms),
     every acknowledged write readable afterwards;
  5. 1,100 slow clients (a header line every 10 s) against a server run with
     `ulimit -n 1024`: a normal client's page time (< 100 ms) and the slow
     connections closed by the header timeout;
  6. the server's memory after the mixed run, above its idle size (< 64 MB).

It prints the machine's load average beside the figures: on a busy machine
(other builds running) the figures are worse than the code's.

    bash scripts/bench-archive.sh [--articles N] [--work DIR] [--keep] [--only PARTS]

With --work DIR, the archive and the imported database are kept in DIR (a pristine
copy, archive.pristine.db): a later run with the same --work and --articles skips the
import and measures on a fresh copy of it (--reimport imports again). --only picks
the parts to run: import, routes, wrk, mixed, slow (comma-separated; memory comes
with mixed). The server's page-cache counters (renders, invalidations, hits) are
printed after the mixed run, from its log. --mixed-runs N runs the mixed part N
times, each on a fresh copy of the kept database, and ends with each figure's
median and how many runs met its target: on a shared machine one run's write p99
can land on either side of 100 ms.

Needs wrk and nginx (Debian: apt-get install -y wrk nginx) and a release build
(the .sh wrapper builds it). Text: sentences of ../shared/data's English articles
when present, else generated words.
"""

import argparse
import atexit
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN_RE = re.compile(r"nd_[0-9a-f]{20,}")


def say(*a):
    print(*a, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def rss_mb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def is_closed(s):
    """Whether the server has closed `s` (after an answer such as 408, or none)."""
    s.settimeout(0.5)
    try:
        while True:
            if not s.recv(4096):
                return True
    except (socket.timeout, TimeoutError):
        return False
    except OSError:
        return True


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


# ------------------------------------------------------------------ the archive


def sentences():
    data = ROOT.parent / "shared" / "data" / "cnndm-en.jsonl"
    if not data.exists():
        cands = sorted((ROOT.parent / "shared" / "data").glob("*en*.jsonl")) if (ROOT.parent / "shared" / "data").exists() else []
        data = cands[0] if cands else None
    out = []
    if data:
        for line in open(data, encoding="utf-8"):
            art = json.loads(line).get("article", "")
            out.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", art) if 40 <= len(s.strip()) <= 300)
            if len(out) > 60000:
                break
    if not out:
        rnd = random.Random(1)
        words = ["council", "harbour", "budget", "river", "school", "minister", "report", "market", "storm",
                 "vote", "bridge", "museum", "hospital", "farmers", "energy", "transport", "court", "police",
                 "season", "festival", "study", "water", "housing", "rail", "strike", "election", "trade"]
        for _ in range(20000):
            n = rnd.randint(8, 25)
            s = " ".join(rnd.choice(words) for _ in range(n))
            out.append(s[0].upper() + s[1:] + ".")
    return out


def generate(path, n):
    rnd = random.Random(16)
    pool = sentences()
    sections = [f"Section {i}" for i in range(20)]
    tags = [f"topic {i}" for i in range(300)]
    authors = [f"Author {i}" for i in range(500)]
    start = 1_609_459_200  # 2021-01-01
    span = 5 * 365 * 86400
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            size = rnd.randint(2000, 5000)
            body, paras = [], []
            length = 0
            while length < size:
                s = rnd.choice(pool)
                paras.append(s)
                length += len(s) + 1
                if len(paras) >= rnd.randint(3, 6):
                    body.append(" ".join(paras))
                    paras = []
            if paras:
                body.append(" ".join(paras))
            t = start + span * i // n
            f.write(json.dumps({
                "slug": f"a-{i}",
                "title": rnd.choice(pool)[:90].rstrip(" ,.") or f"Article {i}",
                "section": sections[i % len(sections)],
                "tags": rnd.sample(tags, 3),
                "authors": [authors[i % len(authors)]],
                "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)),
                "status": "published",
                "lang": "en",
                "body": "\n\n".join(body),
            }) + "\n")


def run_import(binary, db, jsonl, n):
    cmd = ["/usr/bin/time", "-v", binary, "import", "--db", db, jsonl] if Path("/usr/bin/time").exists() \
        else [binary, "import", "--db", db, jsonl]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    took = time.monotonic() - t0
    if p.returncode != 0:
        say(p.stdout[-2000:], p.stderr[-4000:])
        raise SystemExit("import failed")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    # The importer's own split: articles written, then their related lists made.
    split = re.search(r"(\d+) articles written in ([\d.]+) s; (\d+) related lists made in ([\d.]+) s", p.stderr)
    if split:
        row("  articles written (articles/s)", f"{int(split.group(1)) / float(split.group(2)):,.0f}", "", None)
        row("  then related lists made (lists/s)", f"{int(split.group(3)) / float(split.group(4)):,.0f}", "", None)
    return n / took, took, (int(peak.group(1)) / 1024 if peak else float("nan"))


# ------------------------------------------------------------------ the server


class Server:
    """`newsdesk serve` on `db`, stopped by `stop()`, or when this script
    exits however it exits (an error, Ctrl-C, a closed pipe): a server left
    running holds the database, takes its share of the processor, and skews
    every figure measured after it."""

    running = set()

    def __init__(self, binary, db, extra=(), nofile=None, log=None):
        self.port = free_port()
        args = [binary, "serve", "--db", db, "--addr", f"127.0.0.1:{self.port}",
                "--expensive-per-minute", "0", "--search-per-minute", "0", *extra]
        if nofile:
            args = ["bash", "-c", f"ulimit -n {nofile} && exec \"$@\"", "serve", *args]
        env = dict(os.environ, RUST_LOG=os.environ.get("RUST_LOG", "warn" if log is None else "info"))
        self.proc = subprocess.Popen(args, stdout=log or subprocess.DEVNULL, stderr=log or subprocess.DEVNULL, env=env)
        Server.running.add(self)
        for _ in range(600):
            try:
                if get(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise SystemExit("the server did not start")

    def stop(self):
        Server.running.discard(self)
        if self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    @staticmethod
    def stop_all():
        for server in list(Server.running):
            server.stop()


atexit.register(Server.stop_all)


def get(port, path, headers=None, conn=None):
    own = conn is None
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    if own:
        c.close()
    return r.status, body


def timed(port, path, n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out = []
    for _ in range(n):
        t = time.perf_counter()
        status, _ = get(port, path, conn=conn)
        out.append((time.perf_counter() - t) * 1000)
        if status != 200:
            raise SystemExit(f"{path}: status {status}")
    conn.close()
    return out


def wrk(url, connections, seconds, script=None):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99ms = float("nan")
    if p99:
        v, unit = float(p99.group(1)), p99.group(2)
        p99ms = v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    return {
        "rps": rps,
        "timeouts": int(errors.group(4)) if errors else 0,
        "errors": (sum(int(errors.group(i)) for i in (1, 2, 3)) if errors else 0) + (int(non2xx.group(1)) if non2xx else 0),
        "p99": p99ms,
        "raw": out,
    }


PARTS = ["import", "routes", "wrk", "mixed", "slow"]


def cache_stats(log_path):
    """The page cache's counters the server logs when it stops (`cache=CacheStats { .. }`)."""
    try:
        text = Path(log_path).read_text(errors="replace")
    except OSError:
        return None
    found = re.findall(r"CacheStats \{([^}]*)\}", text)
    if not found:
        return None
    return dict((k.strip(), int(v)) for k, v in re.findall(r"(\w+): (\d+)", found[-1]))


def row(name, value, target, ok):
    verdict = "" if ok is None else "ok" if ok else "MISSED"
    print(f"{name:<58} {value:>16}   target {target:<14} {verdict}", flush=True)


# ------------------------------------------------------------------ main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "newsdesk"))
    ap.add_argument("--work", help="folder for the archive and database (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--mixed-seconds", type=int, default=30)
    ap.add_argument("--mixed-runs", type=int, default=1,
                    help="how many times to run the mixed part (each on a fresh copy of the kept database, "
                         "with --work): its figures swing from run to run on a shared machine, so several runs "
                         "end with each figure's median and how many runs met its target")
    ap.add_argument("--only", default=",".join(PARTS),
                    help="the parts to run, comma-separated: " + ", ".join(PARTS) + " (default: all)")
    ap.add_argument("--reimport", action="store_true",
                    help="import again even when --work holds an imported database of this size")
    args = ap.parse_args()
    only = {p.strip() for p in args.only.split(",") if p.strip()}
    if only - set(PARTS):
        raise SystemExit(f"error: --only takes {', '.join(PARTS)}")
    for tool in ["wrk", "nginx"]:
        if not shutil.which(tool):
            raise SystemExit(f"error: {tool} is needed (apt-get install -y wrk nginx)")
    work = Path(args.work or tempfile.mkdtemp(prefix="newsdesk-archive-"))
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o755)
    binary, n = args.bin, args.articles
    db = str(work / "archive.db")
    print(f"archive benchmark: {n} articles, {os.cpu_count()} CPUs, load {load()} at start", flush=True)
    try:
        # 1. Import (or a fresh copy of the one kept in --work).
        jsonl = work / "archive.jsonl"
        pristine = work / "archive.pristine.db"
        size_mark = work / "archive.size"
        kept = pristine.exists() and size_mark.exists() and size_mark.read_text().strip() == str(n)
        if jsonl.exists() and not (size_mark.exists() and size_mark.read_text().strip() == str(n)):
            jsonl.unlink()
        if not jsonl.exists():
            say("generating", jsonl)
            generate(jsonl, n)
        for f in work.glob("archive.db*"):
            f.unlink()
        if "import" in only or args.reimport or not kept:
            say("importing")
            rate, took, peak = run_import(binary, db, str(jsonl), n)
            row("import with summaries (articles/s)", f"{rate:,.0f}", ">= 1,000", rate >= 1000)
            row("  importer peak RSS (MB)", f"{peak:,.0f}", "bounded", None)
            if args.work:
                # The importer has exited: its WAL is checkpointed into the file.
                shutil.copyfile(db, pristine)
                size_mark.write_text(str(n))
        else:
            say("reusing the database imported before", pristine)
            fresh_copy(work, pristine, db)
        token = bench_token(binary, db)
        mid = f"a-{n // 2}"

        # 2. Every route uncached, one client.
        if "routes" in only:
            routes_part(binary, db, n, mid)
        if "wrk" in only:
            wrk_part(binary, db, work, mid)
        if "mixed" in only:
            runs = []
            for run in range(max(1, args.mixed_runs)):
                if run > 0:
                    # With --work the imported database is kept (pristine).
                    if args.work:
                        say(f"mixed run {run + 1} of {args.mixed_runs}, on a fresh copy of", pristine)
                        fresh_copy(work, pristine, db)
                        token = bench_token(binary, db)
                    else:
                        say(f"mixed run {run + 1} of {args.mixed_runs}, on the database the last one wrote to")
                runs.append(mixed_part(binary, db, work, n, token, args.mixed_seconds))
            if len(runs) > 1:
                mixed_summary(runs)
        if "slow" in only:
            slow_part(binary, db)
        print(f"load average at the end: {load()}", flush=True)
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)


def routes_part(binary, db, n, mid):
    srv = Server(binary, db, ["--cache-size", "0"])
    deep_cursor = None
    st, body = get(srv.port, f"/api/articles?per_page=20&page={max(1, min(2000, n // 20 - 1))}")
    if st == 200:
        deep_cursor = json.loads(body).get("next")
    # 20 sections, 10 articles a page: page 500 is the last at 100,000 articles.
    deep = max(1, min(500, n // 20 // 10))
    routes = {
        "home": "/",
        "section page 1": "/sections/section-3",
        f"section page {deep}": f"/sections/section-3?page={deep}",
        "tag": "/tags/topic-7",
        "author": "/authors/author-9",
        "article (with Previous/Next)": f"/articles/{mid}",
        "API list page 1": "/api/articles",
        f"API list deep (page {deep * 10})": f"/api/articles?page={deep * 10}",
    }
    if deep_cursor:
        routes["API list deep (after a cursor)"] = f"/api/articles?after={deep_cursor}"
    for name, path in routes.items():
        times = timed(srv.port, path, 200)
        p99 = pct(times, 99)
        row(f"uncached {name} p50/p99 (ms)", f"{pct(times, 50):.1f}/{p99:.1f}", "p99 < 10", p99 < 10)
    srv.stop()


def wrk_part(binary, db, work, mid):
    # 3. wrk: article page vs nginx; the API list.
    srv = Server(binary, db)
    page = f"/articles/{mid}"
    st, html = get(srv.port, page)
    www = work / "www"
    www.mkdir(exist_ok=True)
    (www / "article.html").write_bytes(html)
    nport = free_port()
    conf = work / "nginx.conf"
    conf.write_text(f"""worker_processes auto; daemon off; pid {work}/nginx.pid; error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000; types {{ text/html html; }}
  server {{ listen 127.0.0.1:{nport}; root {www}; }} }}
""")
    nginx = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(work)], stderr=subprocess.DEVNULL)
    time.sleep(1)
    w_nginx = wrk(f"http://127.0.0.1:{nport}/article.html", 64, 10)
    w_page = wrk(f"http://127.0.0.1:{srv.port}{page}", 64, 10)
    w_api = wrk(f"http://127.0.0.1:{srv.port}/api/articles", 64, 10)
    nginx.terminate()
    ratio = w_page["rps"] / w_nginx["rps"]
    row("article page requests/s (wrk -t2 -c64 -d10s)", f"{w_page['rps']:,.0f}", "", None)
    row("  nginx, same bytes, requests/s", f"{w_nginx['rps']:,.0f}", "", None)
    row("  ratio", f"{ratio:.2f}", ">= 0.70", ratio >= 0.70)
    half = w_api["rps"] / w_page["rps"]
    row("/api/articles requests/s", f"{w_api['rps']:,.0f}", ">= 0.5 x page", half >= 0.5)
    row("  ratio to the article page", f"{half:.2f}", ">= 0.50", half >= 0.5)
    srv.stop()


def fresh_copy(work, pristine, db):
    """The database as imported: `pristine` copied over `db` (and its log)."""
    for f in work.glob("archive.db*"):
        f.unlink()
    shutil.copyfile(pristine, db)
    # The copy's gigabytes are written back to disk before anything is
    # measured: otherwise the write-back competes with the server's own
    # syncs (its checkpoints) and the figures measure the copy.
    say("writing the copy back to disk (sync)")
    os.sync()


def bench_token(binary, db):
    """A new API token for the benchmark's writers."""
    out = subprocess.run([binary, "token", "create", "bench", "--db", db], capture_output=True, text=True)
    return TOKEN_RE.search(out.stdout).group(0)


def mixed_part(binary, db, work, n, token, seconds):
    # 4 and 6. Mixed reads with 8 writers; memory.
    log_path = work / "mixed-server.log"
    with open(log_path, "w") as log:
        srv = Server(binary, db, log=log)
    idle = rss_mb(srv.proc.pid)
    paths = ["/"] + [f"/sections/section-{i}" for i in range(20)] + \
            [f"/articles/a-{random.Random(i).randrange(n)}" for i in range(100)]
    lua = work / "mixed.lua"
    lua.write_text("paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
                   "request = function() return wrk.format('GET', paths[math.random(#paths)]) end\n")
    acked, write_ms, failures = {}, [], []
    stop = threading.Event()

    def writer(k):
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        r = random.Random(k)
        i = 0
        while not stop.is_set():
            # Each writer edits its own eighth of the archive: two writers
            # racing on one article would be acknowledged in an order that
            # need not be the order the server applied them (without
            # If-Match the last applied wins), so the read-back below could
            # not tell which marker must be there.
            slug = f"a-{r.randrange(k, n, 8)}"
            marker = f"Correction {k}-{i}: the figures were revised."
            doc = {"slug": slug, "status": "published", "title": f"Revised story {k}-{i}", "section": "Section 1", "body": f"{marker}\n\nThe council met."}
            t = time.perf_counter()
            try:
                conn.request("PUT", f"/api/articles/{slug}", body=json.dumps(doc),
                             headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                resp = conn.getresponse()
                resp.read()
                ms = (time.perf_counter() - t) * 1000
                if resp.status in (200, 201):
                    acked[slug] = marker
                    write_ms.append(ms)
                else:
                    failures.append(resp.status)
            except OSError as e:
                failures.append(str(e))
                conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
            i += 1

    writers = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for t in writers:
        t.start()
    mixed = wrk(f"http://127.0.0.1:{srv.port}", 256, seconds, str(lua))
    stop.set()
    for t in writers:
        t.join()
    unreadable = 0
    for slug, marker in acked.items():
        st, body = get(srv.port, f"/api/articles/{slug}")
        if st != 200 or marker.encode() not in body:
            unreadable += 1
            found = re.search(rb"Correction \d+-\d+", body)
            print(f"  not readable: {slug}: status {st}, expected {marker!r}, found "
                  f"{found.group(0).decode() if found else None!r}", flush=True)
    after = rss_mb(srv.proc.pid)
    row(f"mixed reads (wrk -c256, {seconds} s) requests/s", f"{mixed['rps']:,.0f}", "", None)
    row("  read timeouts", str(mixed["timeouts"]), "0", mixed["timeouts"] == 0)
    row("  read errors (socket, non-2xx)", str(mixed["errors"]), "0", mixed["errors"] == 0)
    row("  read p99 (ms)", f"{mixed['p99']:.1f}", "< 50", mixed["p99"] < 50)
    row("  writes acknowledged (8 writers)", f"{len(write_ms):,}", "", None)
    row("  write p99 (ms)", f"{pct(write_ms, 99):.1f}", "< 100", pct(write_ms, 99) < 100)
    row("  write failures", str(len(failures)), "0", not failures)
    row("  acknowledged writes not readable after", str(unreadable), "0", unreadable == 0)
    row("server RSS idle / after the mixed run (MB)", f"{idle:.0f}/{after:.0f}", "", None)
    row("  growth (MB)", f"{after - idle:.0f}", "< 64", after - idle < 64)
    srv.stop()
    stats = cache_stats(log_path)
    if stats:
        row("  page cache: renders / entries made stale", f"{stats.get('renders', 0):,}/{stats.get('invalidated', 0):,}", "", None)
        row("  page cache: fresh / stale hits / waited", f"{stats.get('hits', 0):,}/{stats.get('stale_hits', 0):,}/{stats.get('misses', 0):,}", "", None)
    return {"read p99 (ms)": (mixed["p99"], 50), "write p99 (ms)": (pct(write_ms, 99), 100),
            "memory growth (MB)": (after - idle, 64)}


def mixed_summary(runs):
    """Each mixed figure over the runs: every value, the median, and how many met the target."""
    for name, (_, target) in runs[0].items():
        values = [r[name][0] for r in runs]
        met = sum(v < target for v in values)
        shown = ", ".join(f"{v:.1f}" for v in values)
        row(f"mixed, {len(runs)} runs: {name}, median (each)", f"{statistics.median(values):.1f} ({shown})",
            f"< {target} in every run", met == len(runs))
        print(f"    {met} of {len(runs)} runs met it", flush=True)


def slow_part(binary, db):
    # 5. Slow clients against ulimit -n 1024.
    srv = Server(binary, db, nofile=1024)
    slow = []
    for _ in range(1100):
        try:
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            slow.append(s)
        except OSError:
            break
    opened = len(slow)
    normal, when = [], []
    t0 = time.monotonic()
    t_end = t0 + 12
    trickle = t0 + 10
    while time.monotonic() < t_end:
        t = time.perf_counter()
        when.append(time.monotonic() - t0)
        try:
            st, _ = get(srv.port, "/")
            normal.append((time.perf_counter() - t) * 1000 if st == 200 else float("inf"))
        except OSError:
            normal.append(float("inf"))
        if time.monotonic() > trickle:
            for s in slow:
                try:
                    s.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    pass
            trickle = float("inf")
        time.sleep(0.2)
    closed = sum(1 for s in slow if is_closed(s))
    for s in slow:
        s.close()
    worst = max(normal) if normal else float("inf")
    row("slow clients opened (ulimit -n 1024)", str(opened), "1,100", opened == 1100)
    row("  normal client page time p50/max (ms)", f"{pct(normal, 50):.1f}/{worst:.1f}", "< 100", worst < 100)
    if normal:
        at = when[normal.index(worst)]
        row("    the slowest, seconds after the slow clients opened", f"{at:.1f}", "", None)
    row("  slow connections closed by the timeout", f"{closed}/{opened}", "all", closed == opened)
    srv.stop()


if __name__ == "__main__":
    main()
