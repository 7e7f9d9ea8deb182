"""python -m dashboard.diff OLD NEW: what changed between two release files (rows added, removed or changed field
by field, verified flips and new sources), as the build records it in the changelog table."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import duckdb

from dashboard.changelog import diff


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dashboard.diff", description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path, help="the earlier release file")
    ap.add_argument("new", type=Path, help="the later release file")
    args = ap.parse_args(argv)
    for p in (args.old, args.new):
        if not p.is_file():
            print(f"error: {p}: no such release file", file=sys.stderr)
            return 2
    try:
        with duckdb.connect(str(args.old), read_only=True) as old, duckdb.connect(str(args.new), read_only=True) as new:
            changes = diff(old, new)
    except duckdb.Error as exc:
        print(f"error: cannot read a release: {exc}", file=sys.stderr)
        return 2
    for c in changes:
        detail = f" [{c.field}: {c.old_value!r} -> {c.new_value!r}]" if c.change == "changed" else ""
        print(f"{c.change:10} {c.table_name:11} {c.row_key}: {c.summary}{detail}")
    totals = Counter(c.change for c in changes)
    print(f"{len(changes)} change(s): " + (", ".join(f"{n} {k}" for k, n in sorted(totals.items())) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
