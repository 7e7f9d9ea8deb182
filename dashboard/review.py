"""python -m dashboard.review: the maintainer's to-do before the next release, read from data/sources.

Lists, each with file:line so an editor can jump there: rows that do not validate; unverified rows; rows not checked
against their source for 90 days or more; instruments whose named participant list is partial (or has no count);
rows whose source is not first-hand (press or secondary). Changes nothing; exits 1 only if the sources do not load.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from dashboard import config
from dashboard.validate import load_sources

STALE_DAYS = 90
FACT_TABLES = ("instruments", "actions", "stances", "events", "companies", "memberships", "counts")


def _key(table: str, r: dict) -> str:
    cols = {
        "instruments": ["instrument_id"],
        "actions": ["instrument_id", "participant_id", "action"],
        "stances": ["company_id", "instrument_id", "stance"],
        "events": ["instrument_id", "title"],
        "companies": ["company_id"],
        "memberships": ["participant_id", "bloc"],
        "counts": ["instrument_id", "reported_count"],
    }[table]
    return " ".join(str(r.get(c)) for c in cols)


def todo(sources: Path | None = None, today: date | None = None) -> dict[str, list[str]]:
    """Every item needing attention, by section (each item one line: 'file:line: what')."""
    src = load_sources(sources or config.SOURCES_DIR)
    today = today or date.today()
    out: dict[str, list[str]] = {
        "problems": [str(p) for p in src.problems],
        "unverified": [],
        "stale": [],
        "incomplete lists": [],
        "not first-hand": [],
    }
    for t in FACT_TABLES:
        df = src.tables.get(t)
        if df is None or df.empty:
            continue
        for r in df.to_dict("records"):
            where = f"{r['_file']}:{r['_row']}: {_key(t, r)}"
            if r.get("verified") is False:
                note = r.get("note")
                out["unverified"].append(where + (f" ({note})" if isinstance(note, str) and note else ""))
            checked = r.get("checked_on")
            if isinstance(checked, date) and today - checked >= timedelta(days=STALE_DAYS):
                out["stale"].append(f"{where}: last checked {checked} ({(today - checked).days} days ago)")
            if r.get("source_kind") in ("press", "secondary"):
                out["not first-hand"].append(f"{where}: {r['source_kind']} source {r.get('source_url')}")
    counts, actions = src.tables.get("counts"), src.tables.get("actions")
    named = actions.groupby("instrument_id")["participant_id"].nunique() if actions is not None and len(actions) else {}
    latest = (
        counts.sort_values("as_reported_on").drop_duplicates("instrument_id", keep="last").set_index("instrument_id")
        if counts is not None and len(counts)
        else pd.DataFrame()
    )
    for iid, n in named.items() if hasattr(named, "items") else []:
        if iid not in latest.index:
            out["incomplete lists"].append(f"{iid}: {n} named, no reported count (is the list complete?)")
    for iid, r in latest.iterrows():
        if not r["list_complete"]:
            out["incomplete lists"].append(
                f"{r['_file']}:{r['_row']}: {iid}: {int(named.get(iid, 0))} of "
                f"{'about ' if r['count_is_approx'] else ''}{r['reported_count']} "
                f"{r['noun']} named"
            )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dashboard.review", description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=Path, default=None, help="source directory (default data/sources)")
    ap.add_argument("--today", type=date.fromisoformat, default=None, help="the day to count staleness from")
    ap.add_argument("--limit", type=int, default=30, help="items shown per section (0: all)")
    args = ap.parse_args(argv)
    items = todo(args.sources, args.today)
    for section, lines in items.items():
        print(f"## {section}: {len(lines)}")
        for line in lines[: args.limit or None]:
            print(f"- {line}")
        if args.limit and len(lines) > args.limit:
            print(f"- … and {len(lines) - args.limit} more (--limit 0 lists all)")
        print()
    return 1 if items["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
