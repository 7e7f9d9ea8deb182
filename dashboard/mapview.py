"""Everything the World map page shows for one (release, selection, date), built once and shared read-only.

A profile of the page under load (py-spy, warm caches) found most of a rerun in pandas filtering that repeated the
same work on every run: the legend's counts, the organisations, the table rows, their verified/source columns.
Here it is done once per view; a rerun only looks the view up and sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import fmt, maps, queries, status
from dashboard.cache import memo
from dashboard.db import Release

TABLE_COLUMNS = ["name", "participant_id", "status_label", "instrument", "action_date", "date_precision",
                 "n_instruments", "verified", "source_url", "note"]


@dataclass(frozen=True)
class MapView:
    deck: maps.CompactDeck
    legend_svg: str
    org_lines: tuple[str, ...]  # one escaped Markdown line per organisation with a record
    table: pd.DataFrame  # organisations first, then states with a record (display-ready: verified words, safe links)
    sources: tuple[str, ...]
    n_states: int
    n_orgs: int
    coverage: str | None  # how complete the named list is, in words, or None where nothing is counted


@memo(256)
def map_view(rel: Release, selection: str, as_of: date) -> MapView:
    df = queries.statuses(rel, selection, as_of)
    has = df["status"] != "none"
    is_org = df["kind"] == "organisation"
    orgs, rows = df[has & is_org], df[has & ~is_org]
    cov = queries.coverage(rel, as_of)
    texts = cov["text"].to_dict()
    both = pd.concat([orgs, rows])
    table = fmt.verified_col(both[TABLE_COLUMNS].assign(named_list=both["instrument_id"].map(texts))
                             ).reset_index(drop=True)
    if selection in status.SELECTIONS:
        partial = queries.partial_in(rel, selection, as_of)
        text = (f"Named lists are partial for {len(partial)} of these instruments ({', '.join(partial)}): "
                "absence from the map is not a refusal." if partial else None)
    else:
        text = texts.get(selection)
        if text and queries.partial_in(rel, selection, as_of):
            text += ": absence from the map is not a refusal"
    return MapView(
        deck=queries.map_deck(rel, selection, as_of),
        legend_svg=maps.legend_svg(maps.legend(df), text if text and len(text) <= 110 else None),
        coverage=text,
        org_lines=tuple(fmt.org_line(o) for o in orgs.itertuples()),
        table=table,
        sources=tuple(table["source_url"].dropna()),
        n_states=len(rows), n_orgs=len(orgs))


@memo(8)
def menu(rel: Release) -> tuple[tuple[str, ...], dict[str, str], dict[str, str]]:
    """The map's selection menu: options (all binding, all voluntary, then each instrument), their labels, and the
    one-line description shown under an instrument."""
    inst = queries.instruments(rel)
    labels = dict(status.SELECTIONS) | queries.instrument_names(rel)
    captions = {r.instrument_id: f"{fmt.esc(r.name)} · {'legally binding' if r.legally_binding else 'voluntary'} · "
                                 f"{fmt.esc(str(r.kind).replace('_', ' '))}" for r in inst.itertuples()}
    return (*status.SELECTIONS, *queries.instrument_options(rel)[0]), labels, captions
