"""What changed between two releases: rows added, removed or changed (field by field), verified flips, new sources.

`diff()` compares two open release files table by table on each table's natural key (the key the validator
enforces), so row ids and file line numbers moving do not read as changes. The build stores the result in the new
release's `changelog` table, after the previous release's own changelog: the history is carried forward from
release to release. `python -m dashboard.diff OLD NEW` prints the same for any two release files.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import date

import duckdb
import pandas as pd

from dashboard.validate import TABLES

# The fact tables readers care about, and their natural keys.
KEYS = {
    name: TABLES[name]["key"]
    for name in ("instruments", "actions", "stances", "events", "companies", "memberships", "counts")
}
# Bookkeeping columns: they move when a file is re-sorted or a row re-checked, which is not a change of fact.
IGNORED = {"action_id", "stance_id", "event_id", "source_file", "source_row", "checked_on"}
COLUMNS = [
    "change_id",
    "release_version",
    "changed_on",
    "table_name",
    "row_key",
    "change",
    "field",
    "old_value",
    "new_value",
    "instrument_id",
    "participant_id",
    "company_id",
    "source_url",
    "summary",
]


@dataclass(frozen=True)
class Change:
    table_name: str
    row_key: str
    change: str  # added | removed | changed | verified | unverified | new_source
    field: str | None
    old_value: str | None
    new_value: str | None
    instrument_id: str | None
    participant_id: str | None
    company_id: str | None
    source_url: str | None
    summary: str


def _text(v) -> str | None:
    if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)):
        return None
    if isinstance(v, (pd.Timestamp, date)):
        return f"{v:%Y-%m-%d}"
    return str(v)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def _rows(con: duckdb.DuckDBPyConnection, table: str, present: set[str]) -> dict[tuple, dict]:
    if table not in present:
        return {}
    df = con.table(table).df()  # the name is one of our own constants (KEYS), never from the data
    out = {}
    for rec in df.to_dict("records"):
        rec = {k: _text(v) for k, v in rec.items() if k not in IGNORED}
        out[tuple(rec.get(c) for c in KEYS[table])] = rec
    return out


def _describe(table: str, row: dict) -> str:
    """A reader's sentence for one row ("India endorsed new-delhi-declaration on 2026-02-21")."""
    if table == "actions":
        return f"{row['participant_id']} {row['action']} {row['instrument_id']} on {row['action_date']}"
    if table == "stances":
        return f"{row['company_id']} {row['stance']} {row['instrument_id']} on {row['stance_date']}"
    if table == "events":
        return f"{row['instrument_id']}: {row['title']} ({row['event_date']})"
    if table == "instruments":
        return f"instrument {row['instrument_id']} ({row.get('short_name')})"
    if table == "counts":
        return f"{row['instrument_id']}: {row['reported_count']} {row['noun']} reported on {row['as_reported_on']}"
    if table == "companies":
        return f"company {row['company_id']} ({row.get('name')})"
    return f"{row['participant_id']} in {row['bloc']}"


def _change(
    table: str,
    key: tuple,
    row: dict,
    change: str,
    summary: str,
    field: str | None = None,
    old: str | None = None,
    new: str | None = None,
) -> Change:
    pid = (
        row.get("participant_id")
        if table in ("actions", "memberships")
        else (row.get("jurisdiction_id") if table == "instruments" else None)
    )
    return Change(
        table,
        "/".join("" if k is None else k for k in key),
        change,
        field,
        old,
        new,
        row.get("instrument_id"),
        pid,
        row.get("company_id"),
        row.get("source_url"),
        summary,
    )


def diff(old: duckdb.DuckDBPyConnection | None, new: duckdb.DuckDBPyConnection) -> list[Change]:
    """Every difference of fact between two releases (old None: everything is added)."""
    have_old = _tables(old) if old is not None else set()
    have_new = _tables(new)
    old_urls: set[str] = set()
    tables = {t: (_rows(old, t, have_old) if old is not None else {}, _rows(new, t, have_new)) for t in KEYS}
    for before, _ in tables.values():
        old_urls |= {r["source_url"] for r in before.values() if r.get("source_url")}
    out: list[Change] = []
    new_urls: dict[str, Change] = {}
    for t, (before, after) in tables.items():
        for key in sorted(after.keys() - before.keys(), key=str):
            row = after[key]
            out.append(_change(t, key, row, "added", "Added: " + _describe(t, row)))
        for key in sorted(before.keys() - after.keys(), key=str):
            row = before[key]
            out.append(_change(t, key, row, "removed", "Removed: " + _describe(t, row)))
        for key in sorted(before.keys() & after.keys(), key=str):
            a, b = before[key], after[key]
            for col in sorted((a.keys() & b.keys()) - set(KEYS[t])):
                if a[col] == b[col]:
                    continue
                if col == "verified":
                    kind = "verified" if b[col] == "True" else "unverified"
                    out.append(
                        _change(
                            t,
                            key,
                            b,
                            kind,
                            f"{'Verified' if kind == 'verified' else 'No longer verified'}: " + _describe(t, b),
                            col,
                            a[col],
                            b[col],
                        )
                    )
                else:
                    out.append(_change(t, key, b, "changed", f"Changed {col}: " + _describe(t, b), col, a[col], b[col]))
        for key, row in after.items():
            url = row.get("source_url")
            if url and url not in old_urls and url not in new_urls and old is not None:
                new_urls[url] = _change(t, key, row, "new_source", "New source: " + url, "source_url", None, url)
    return out + list(new_urls.values())


def frame(changes: list[Change], version: str, changed_on: date, start: int = 1) -> pd.DataFrame:
    rows = [
        {"change_id": start + n, "release_version": version, "changed_on": changed_on, **asdict(c)}
        for n, c in enumerate(changes)
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def record_into(new: duckdb.DuckDBPyConnection, old_path, version: str, changed_on: date) -> int:
    """Write the changelog of the release open as `new`: the previous release's, then what changed since.
    Returns the number of new rows. No previous release: the record starts here, empty."""
    old = None
    carried = pd.DataFrame(columns=COLUMNS)
    if old_path is not None:
        try:
            old = duckdb.connect(str(old_path), read_only=True)
        except (duckdb.Error, OSError):
            old = None
    try:
        if old is not None and "changelog" in _tables(old):
            carried = old.table("changelog").order("change_id").df()[COLUMNS]
        changes = diff(old, new) if old is not None else []
    finally:
        if old is not None:
            old.close()
    df = pd.concat([carried, frame(changes, version, changed_on, len(carried) + 1)], ignore_index=True)
    df["change_id"] = range(1, len(df) + 1)
    new.register("incoming", df)
    new.execute("INSERT INTO changelog SELECT * FROM incoming")  # COLUMNS is the table's column order
    new.unregister("incoming")
    return len(changes)


def entry_id(row) -> str:
    """A stable id for one change (feeds): the same change keeps its id in every later release."""
    basis = "|".join(str(row[c]) for c in ("release_version", "table_name", "row_key", "change", "field"))
    return "tag:ai-governance-atlas.org,2026:change/" + hashlib.sha256(basis.encode()).hexdigest()[:20]
