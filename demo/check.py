#!/usr/bin/env python3
"""Sanity-check the demo articles: front matter, uniqueness, body length.

Usage: python3 demo/check.py   (exits non-zero on any problem)
"""
import re
import sys
import tomllib
from datetime import datetime
from pathlib import Path

FIELDS = {"slug", "title", "standfirst", "section", "tags", "authors",
          "published", "sources", "lang"}
OPTIONAL = {"lead_image", "lead_image_alt"}
MIN_WORDS = 700

root = Path(__file__).resolve().parent / "articles"
errors, slugs, times, rows = [], {}, {}, []

for path in sorted(root.glob("*.md")):
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\+\+\+\n(.*?)\n\+\+\+\n(.*)\Z", text, re.S)
    if not m:
        errors.append(f"{path.name}: no +++ front matter")
        continue
    try:
        fm = tomllib.loads(m.group(1))
    except tomllib.TOMLDecodeError as e:
        errors.append(f"{path.name}: TOML error: {e}")
        continue
    body = m.group(2)
    keys = set(fm)
    if not FIELDS <= keys or keys - FIELDS - OPTIONAL:
        errors.append(f"{path.name}: fields missing {FIELDS - keys}, unexpected {keys - FIELDS - OPTIONAL}")
    slug = fm.get("slug", "")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        errors.append(f"{path.name}: bad slug {slug!r}")
    if not re.fullmatch(r"\d\d-" + re.escape(slug) + r"\.md", path.name):
        errors.append(f"{path.name}: file name does not match slug")
    if slug in slugs:
        errors.append(f"{path.name}: duplicate slug (also {slugs[slug]})")
    slugs[slug] = path.name
    pub = fm.get("published", "")
    try:
        dt = datetime.fromisoformat(pub.replace("Z", "+00:00"))
        if dt.tzinfo is None:
            raise ValueError("no offset")
    except (ValueError, AttributeError):
        errors.append(f"{path.name}: published not RFC 3339: {pub!r}")
    if pub in times:
        errors.append(f"{path.name}: duplicate published time (also {times[pub]})")
    times[pub] = path.name
    tags = fm.get("tags", [])
    if not 2 <= len(tags) <= 4 or any(t != t.lower() for t in tags):
        errors.append(f"{path.name}: tags must be 2-4 lowercase strings")
    if not fm.get("authors"):
        errors.append(f"{path.name}: no authors")
    words = len(body.split())
    if words < MIN_WORDS:
        errors.append(f"{path.name}: body has {words} words (< {MIN_WORDS})")
    rows.append((path.name, fm.get("section"), fm.get("lang"), words))

for name, section, lang, words in rows:
    print(f"{name:52} {section:11} {lang:3} {words:5}")
sections = sorted({r[1] for r in rows})
print(f"{len(rows)} articles, sections: {', '.join(sections)}")
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
print("OK")
