"""Atom feeds of the changelog, written by the build under static/feeds/: all changes, one per instrument, one per
state or organisation.

Written with the standard library's ElementTree (which escapes every value), not feedgen: feedgen 1.0.0 drops the
rel and title of every entry link (lkiesow/python-feedgen#135, open since 2024), so an entry's source link would
read as a second "alternate" view. tests/test_changelog.py parses every feed with feedparser, as a reader would.

Links in the feeds are relative to the feed's own address (…/app/static/feeds/…), so one set of files serves any
host the Atlas runs on; entry ids are tag: URIs that stay the same for the same change in every later release.
The files only change when the changelog does: every timestamp comes from the data, not from the clock.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from pathlib import Path
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import duckdb
import pandas as pd

from dashboard import changelog
from dashboard.config import ATLAS_NAME

FEED_ID = "tag:ai-governance-atlas.org,2026:feed/"
MAX_ENTRIES = 200  # newest first; the What's new page and the changelog table hold the rest


def _when(d) -> datetime:
    d = d if isinstance(d, date) else pd.Timestamp(d).date()
    return datetime.combine(d, time(0, 0), tzinfo=UTC)


def view_link(row, up: int) -> str:
    """The view a change belongs to, relative to a feed `up` folders below static/feeds/'s parent app root."""
    prefix = "../" * (up + 3)  # …/feeds/ → static/ → app/ → the site root, where the pages live
    as_of = f"{pd.Timestamp(row['changed_on']).date()}"
    if isinstance(row.get("instrument_id"), str) and row["instrument_id"]:
        return prefix + "Instrument?" + urlencode({"instrument": row["instrument_id"], "as_of": as_of})
    if isinstance(row.get("company_id"), str) and row["company_id"]:
        return prefix + "Company?" + urlencode({"company": row["company_id"], "as_of": as_of})
    if isinstance(row.get("participant_id"), str) and row["participant_id"]:
        return prefix + "Country?" + urlencode({"country": row["participant_id"], "as_of": as_of})
    return prefix + "Whats_new"


ATOM = "http://www.w3.org/2005/Atom"


def _el(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    e = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        e.text = text
    return e


def feed_xml(rows: pd.DataFrame, key: str, title: str, up: int, updated: date) -> bytes:
    """One Atom feed of `rows` (changelog rows), newest first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "en"})
    _el(feed, "id", FEED_ID + key)
    _el(feed, "title", f"{ATLAS_NAME}: {title}")
    _el(feed, "subtitle", f"What changed in the Atlas's data: {title}")
    _el(feed, "updated", _when(updated).isoformat())
    _el(_el(feed, "author"), "name", ATLAS_NAME)
    _el(feed, "link", href=("../" * up) + f"{key}.atom", rel="self", type="application/atom+xml")
    _el(feed, "link", href=("../" * (up + 3)) + "Whats_new", rel="alternate", type="text/html")
    recent = rows.sort_values(["changed_on", "change_id"], ascending=[False, False]).head(MAX_ENTRIES)
    for r in recent.to_dict("records"):
        e = _el(feed, "entry")
        _el(e, "id", changelog.entry_id(r))
        _el(e, "title", str(r["summary"]))
        _el(e, "updated", _when(r["changed_on"]).isoformat())
        _el(e, "published", _when(r["changed_on"]).isoformat())
        _el(e, "link", href=view_link(r, up), rel="alternate", type="text/html")
        if isinstance(r.get("source_url"), str) and r["source_url"].startswith(("https://", "http://")):
            _el(e, "link", href=r["source_url"], rel="related", title="source")
        detail = f"{r['change']} in {r['table_name']} ({r['row_key']})"
        if r["change"] in ("changed", "verified", "unverified"):
            detail += f": {r['field']} was {r['old_value']!r}, now {r['new_value']!r}"
        _el(e, "content", f"{detail}. Release {r['release_version']}.", type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _write(path: Path, data: bytes) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return False
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def write_feeds(release: Path, out_dir: Path) -> int:
    """All feeds from `release`'s changelog into `out_dir`: all.atom, instrument/<id>.atom, country/<code>.atom.
    Returns how many files changed. A feed for every instrument and participant, so every "Follow" link works."""
    with duckdb.connect(str(release), read_only=True) as con:
        log = con.table("changelog").df()
        as_of = con.execute("SELECT as_of FROM dataset").fetchone()[0]
        inst = con.execute("SELECT instrument_id, short_name FROM instruments").fetchall()
        parts = con.execute("SELECT participant_id, name FROM participants").fetchall()
    changed = _write(out_dir / "all.atom", feed_xml(log, "all", "all changes", 0, as_of))
    for iid, name in inst:
        rows = log[log["instrument_id"] == iid]
        changed += _write(
            out_dir / "instrument" / f"{iid}.atom", feed_xml(rows, f"instrument/{iid}", f"changes to {name}", 1, as_of)
        )
    for pid, name in parts:
        rows = log[log["participant_id"] == pid]
        changed += _write(
            out_dir / "country" / f"{pid}.atom", feed_xml(rows, f"country/{pid}", f"changes for {name}", 1, as_of)
        )
    return int(changed)
