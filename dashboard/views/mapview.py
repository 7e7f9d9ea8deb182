"""Everything the World map page shows for one (release, selection, date), built once and shared read-only.

A profile of the page under load (py-spy, warm caches) found most of a rerun in pandas filtering that repeated the
same work on every run: the legend's counts, the organisations, the table rows, their verified/source columns.
Here it is done once per view; a rerun only looks the view up and sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import facts, fmt, lookups, maps, status
from dashboard.cache import memo
from dashboard.config import STATUS_LABELS
from dashboard.db import Release
from dashboard.views import SOURCE, Table

# The key columns first (name, status, date, source): a phone's screen shows the first two or three.
TABLE_COLUMNS = [
    "name",
    "status_label",
    "action_date",
    "source_url",
    "instrument",
    "participant_id",
    "date_precision",
    "n_instruments",
    "verified",
    "note",
]
# How to use the map, by the reader's screen (dashboard.device): a touch screen has no hover, and a tap on a marker
# shows its tooltip there instead of opening the profile (ui.open_picked_country(countries_only=True)).
HOW_TO = {
    False: "Hover a marker for the status and date; click a country or marker to open its profile. ",
    True: "Tap a marker for the status and date; tap a country to open its profile. ",
}
HOW_TO_REST = (
    "Each marker carries its status's symbol, as in the legend; small grey dots are microstates with no record."
)
MAP_HEIGHT = {"phone": maps.PHONE_MAP_HEIGHT}  # px; elsewhere 520
HEADERS = {
    "name": "State or organisation",
    "participant_id": "Code",
    "status_label": "Status",
    "instrument": "Instrument",
    "action_date": "Date",
    "date_precision": "Date precision",
    "n_instruments": "Instruments",
    "verified": "Verified",
    **SOURCE,
    "note": "Note",
    "named_list": "Named list",
}


@dataclass(frozen=True)
class MapView:
    deck: maps.CompactDeck
    legend_svg: str
    org_lines: tuple[str, ...]  # one escaped Markdown line per organisation with a record
    table: Table  # organisations first, then states with a record (display-ready: verified words, safe links)
    n_states: int
    n_orgs: int
    coverage: str | None  # how complete the named list is, in words, or None where nothing is counted
    count_line: str  # "20 states and 1 organisation with a record on 01 December 2026."
    empty: str | None  # the sentence shown instead of an empty map
    height: int = 520  # the map's height in px, for this screen
    how_to: str = HOW_TO[False] + HOW_TO_REST  # how to read and use the map, for this screen


@memo(256)
def map_deck(rel: Release, selection: str, as_of: date, phone: bool = False) -> maps.CompactDeck:
    return maps.world_map(facts.statuses(rel, selection, as_of), phone=phone)


def coverage_text(rel: Release, selection: str, as_of: date) -> str | None:
    """How complete the named list(s) under `selection` are, in words."""
    if selection in status.SELECTIONS:
        partial = facts.partial_in(rel, selection, as_of)
        return (
            f"Named lists are partial for {len(partial)} of these instruments ({', '.join(partial)}): "
            "absence from the map is not a refusal."
            if partial
            else None
        )
    text = facts.coverage(rel, as_of)["text"].to_dict().get(selection)
    if text and facts.partial_in(rel, selection, as_of):
        text += ": absence from the map is not a refusal"
    return text


@memo(256)
def map_view(rel: Release, selection: str, as_of: date, screen: str = "desktop") -> MapView:
    """`screen`: "desktop", "tablet" or "phone" (dashboard.device.screen): a phone opens on the whole world with a
    legend in rows; a touch screen (phone or tablet) is told to tap."""
    phone = screen == "phone"
    df = facts.statuses(rel, selection, as_of)
    has = df["status"] != "none"
    is_org = df["kind"] == "organisation"
    orgs, rows = df[has & is_org], df[has & ~is_org]
    texts = facts.coverage(rel, as_of)["text"].to_dict()
    both = pd.concat([orgs, rows])
    frame = fmt.verified_col(both[TABLE_COLUMNS].assign(named_list=both["instrument_id"].map(texts))).reset_index(
        drop=True
    )
    text = coverage_text(rel, selection, as_of)
    label = menu(rel)[1][selection]
    n_orgs = len(orgs)
    legend = maps.legend(df)
    return MapView(
        deck=map_deck(rel, selection, as_of, phone),
        legend_svg=maps.legend_svg(
            legend, text if text and len(text) <= 110 else None, maps.PHONE_LEGEND_WIDTH if phone else None
        ),
        org_lines=tuple(fmt.org_line(o) for o in orgs.itertuples()),
        table=Table(
            frame,
            HEADERS,
            "states and organisations",
            f"World map: {label} ({STATUS_LABELS['party']} / signed / endorsed…)",
            tuple(frame["source_url"].dropna()),
            "map",
        ),
        n_states=len(rows),
        n_orgs=n_orgs,
        coverage=text,
        count_line=f"{len(rows)} states"
        + (f" and {n_orgs} organisation{'s' if n_orgs > 1 else ''}" if n_orgs else "")
        + f" with a record on {as_of:%d %B %Y}.",
        empty=None if len(rows) else f"No state has a record for this selection on {as_of:%d %B %Y}.",
        height=MAP_HEIGHT.get(screen, 520),
        how_to=HOW_TO[screen != "desktop"] + HOW_TO_REST,
    )


@memo(8)
def menu(rel: Release) -> tuple[tuple[str, ...], dict[str, str], dict[str, str]]:
    """The map's selection menu: options (all binding, all voluntary, then each instrument), their labels, and the
    one-line description shown under an instrument."""
    inst = lookups.instruments_by_id(rel).reset_index()
    labels = dict(status.SELECTIONS) | lookups.instrument_names(rel)
    captions = {
        r.instrument_id: f"{fmt.esc(r.name)} · {'legally binding' if r.legally_binding else 'voluntary'} · "
        f"{fmt.esc(str(r.kind).replace('_', ' '))}"
        for r in inst.itertuples()
    }
    return (*status.SELECTIONS, *lookups.instrument_options(rel)[0]), labels, captions
