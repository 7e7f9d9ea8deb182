"""Synthetic scale: the real sources (data/sources) multiplied xN, built with dashboard.build.build().

Participants are fixed (ISO 3166 states and organisations.csv), so what grows is everything else. For each copy
k = 1..N-1 of every instrument: a new instrument inst-<k>-<id> (short name tagged #k), every action on it by the same
participants, its events, and every company stance on it by a copy of the company (<slug>-k<k>); all of the copy's
dates are shifted 1-8 whole years earlier, so the source rules (consent after signature, acts after adoption,
nothing after the as-of date) still hold. Memberships, organisations and provenance are unchanged (rows are appended to the same
files). Usage: python -m bench.synth 10 /tmp/out  -> prints JSON (build seconds, file size, row counts).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATE_COLS = ("adopted_on", "opened_on", "in_force_on", "ended_on", "action_date", "stance_date", "event_date")


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8") as fh:
        r = csv.DictReader(fh)
        return list(r.fieldnames or []), list(r)


def _write(path: Path, header: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _shift(row: dict, k: int) -> dict:
    """Copy k's dates: 1..8 whole years earlier (whole years keep month/year-precision dates on the 1st, and one
    shift for every date of a copy keeps their order); 29 February becomes the 28th."""
    years = 1 + (k - 1) % 8
    out = dict(row)
    for c in DATE_COLS:
        if out.get(c):
            d = date.fromisoformat(out[c])
            if d.month == 2 and d.day == 29:
                d = d.replace(day=28)
            out[c] = d.replace(year=d.year - years).isoformat()
    return out


def _tag(text: str, k: int, limit: int | None = None) -> str:
    suffix = f" #{k}"
    if limit:
        text = text[: limit - len(suffix)]
    return text + suffix


def multiply(src: Path, dst: Path, factor: int) -> dict:
    """Copy `src` sources to `dst` and multiply them by `factor` (1 = a plain copy)."""
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    counts = {}
    for table in ("instruments", "actions", "companies", "stances", "events"):
        n = 0
        for f in sorted((dst / table).glob("*.csv")):
            header, rows = _read(f)
            new = list(rows)
            for k in range(1, factor):
                for r in rows:
                    c = _shift(r, k)
                    if table == "instruments":
                        c["instrument_id"] = f"inst-{k}-{r['instrument_id']}"
                        c["short_name"] = _tag(r["short_name"], k, 40)
                        c["name"] = _tag(r["name"], k)
                    elif table == "companies":
                        c["company_id"] = f"{r['company_id']}-k{k}"
                        c["name"] = _tag(r["name"], k)
                    else:
                        c["instrument_id"] = f"inst-{k}-{r['instrument_id']}"
                        if table == "stances":
                            c["company_id"] = f"{r['company_id']}-k{k}"
                    new.append(c)
            _write(f, header, new)
            n += len(new)
        counts[table] = n
    return counts


def make(factor: int, out: Path) -> dict:
    """Sources xfactor in out/sources, built into out/data; returns the figures."""
    from dashboard.build import build

    out.mkdir(parents=True, exist_ok=True)
    sources, data = out / "sources", out / "data"
    if data.exists():
        shutil.rmtree(data)
    counts = multiply(ROOT / "data" / "sources", sources, factor)
    t = time.perf_counter()
    path, _ = build(sources, data)
    secs = time.perf_counter() - t
    return {"factor": factor, "rows": counts, "build_s": secs, "db": str(path), "db_bytes": path.stat().st_size}


if __name__ == "__main__":
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    print(json.dumps(make(int(sys.argv[1]), Path(sys.argv[2]))))
