"""The map's downloads (PNG, SVG, time-lapse GIF) for one (release, selection, date): made on the reader's click,
memoised in a small shared LRU (dashboard/cache.py), drawn by dashboard/mapimage.py. No st.* calls.

The view's URL is part of the key: the source line carries it, and it depends on the host the reader came through.
"""

from __future__ import annotations

import re
from datetime import date

from dashboard import facts, lookups, mapimage, queries, status
from dashboard.cache import memo
from dashboard.db import Release
from dashboard.views import mapview


def title(rel: Release, selection: str) -> str:
    """The instrument's short name, or "All binding instruments" / "All voluntary instruments"."""
    return status.SELECTIONS.get(selection) or lookups.instrument_names(rel).get(selection, selection)


def file_name(selection: str, as_of: date, version: str, ext: str) -> str:
    """atlas-cets-225-2026-12-01-v2026.12.01.png: what, on which day, from which dataset."""
    safe = re.sub(r"[^A-Za-z0-9.-]+", "-", f"{selection}-{as_of.isoformat()}-v{version}").strip("-")
    return f"atlas-{safe}.{ext}"


def map_data(rel: Release, selection: str, as_of: date, url: str) -> mapimage.MapData:
    info = queries.dataset_info(rel)
    return mapimage.MapData(
        title(rel, selection),
        as_of,
        str(info["version"]),
        info["as_of"],
        url,
        facts.statuses(rel, selection, as_of),
        mapview.map_view(rel, selection, as_of).coverage,
    )


@memo(16)
def png(rel: Release, selection: str, as_of: date, url: str) -> bytes:
    return mapimage.png(map_data(rel, selection, as_of, url))


@memo(16)
def svg(rel: Release, selection: str, as_of: date, url: str) -> bytes:
    return mapimage.svg(map_data(rel, selection, as_of, url)).encode("utf-8")


def _coverage_text(rel: Release, selection: str, cov, as_of: date, first: dict) -> str | None:
    """The named-list line of one frame, worded as the map page words it (dashboard/mapview.py). `first`: each
    instrument of the selection -> its first date (status.first_dates)."""
    partial = cov.loc[cov["list_complete"].eq(False), "instrument_id"]
    if selection in status.SELECTIONS:
        names = lookups.instrument_names(rel)
        short = sorted(names[i] for i in partial if i in first and (first[i] is None or first[i] <= as_of))
        return (
            f"Named lists are partial for {len(short)} of these instruments ({', '.join(short)}): "
            "absence from the map is not a refusal."
            if short
            else None
        )
    if selection not in cov.index:
        return None
    text = str(cov.loc[selection, "text"])
    return text + (": absence from the map is not a refusal" if selection in set(partial) else "")


@memo(4)
def gif(rel: Release, selection: str, as_of: date, url: str) -> bytes:
    info = queries.dataset_info(rel)
    name = title(rel, selection)
    inst = queries.instruments(rel)
    if selection in status.SELECTIONS:
        inst = inst[inst["legally_binding"] == (selection == "binding")]
    first = dict(zip(inst["instrument_id"], status.first_dates(inst), strict=True))
    frames = [
        mapimage.MapData(
            name, d, str(info["version"]), info["as_of"], url, st, _coverage_text(rel, selection, cov, d, first)
        )
        for d, st, cov in facts.timelapse(rel, selection, as_of)
    ]
    return mapimage.gif(frames)
