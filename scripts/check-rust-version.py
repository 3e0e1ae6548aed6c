#!/usr/bin/env python3
"""Checks the workspace's `rust-version` (Cargo.toml) against what it must be.

- Not older than the newest `rust-version` that a crate of the resolved
  dependency tree declares for this platform (normal, dev and build
  dependencies): an older one promises a toolchain that cannot build Newsdesk.
- Declared once: every workspace crate inherits the same one.
- The installed rustc is not older than it.

Our own code's use of newer standard library items is checked by clippy's
`incompatible_msrv` lint, which reads the same `rust-version`. Exits 1 with
an `error:` line for each problem.
"""

import json
import os
import subprocess
import sys


def parse(version):
    """"1.94" and "1.94.0" as (1, 94, 0)."""
    parts = [int(part) for part in version.split("-")[0].split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def show(version):
    return ".".join(map(str, version))


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    rustc_vv = subprocess.run(["rustc", "-vV"], check=True, capture_output=True, text=True).stdout
    fields = dict(line.split(": ", 1) for line in rustc_vv.splitlines() if ": " in line)
    rustc = parse(fields["release"])
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked", "--filter-platform", fields["host"]],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    packages = {p["id"]: p for p in meta["packages"]}
    members = set(meta["workspace_members"])
    errors = []

    declared = {packages[m]["rust_version"] for m in members}
    if len(declared) != 1 or None in declared:
        errors.append(f"workspace crates declare different rust-versions: {sorted(map(str, declared))}")
    ours = max((parse(v) for v in declared if v), default=(0, 0, 0))

    needed, by = (0, 0, 0), []
    for node in meta["resolve"]["nodes"]:
        package = packages[node["id"]]
        if node["id"] in members or not package.get("rust_version"):
            continue
        version = parse(package["rust_version"])
        if version > needed:
            needed, by = version, []
        if version == needed:
            by.append(f"{package['name']} {package['version']}")
    by.sort()
    more = ", ..." if len(by) > 3 else ""
    print(
        f"rust-version: Cargo.toml says {show(ours)}; the dependencies need {show(needed)} "
        f"({', '.join(by[:3])}{more}); rustc is {show(rustc)}"
    )
    if ours < needed:
        errors.append(
            f"rust-version {show(ours)} in Cargo.toml is older than the {show(needed)} that {by[0]} needs: "
            f'set rust-version = "{show(needed[:2])}"'
        )
    if rustc < ours:
        errors.append(f"the installed rustc {show(rustc)} is older than rust-version {show(ours)}")
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
