"""The What's new page: the changelog, filtered by instrument or country, each change linked to its view."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from dashboard import fmt, lookups, queries, state
from dashboard.cache import memo
from dashboard.db import Release
from dashboard.views import Table

HEADERS = {
    "changed_on": "Release date",
    "summary": "Change",
    "change": "Kind",
    "field": "Field",
    "old_value": "Before",
    "new_value": "After",
    "release": "Release",
    "view": "link:View|open view",
    "source_url": "link:Source",
}


@dataclass(frozen=True)
class ChangesView:
    feed: str  # the Atom feed of this selection, relative to the page
    line: str
    table: Table | None


def view_links(log: pd.DataFrame) -> list[str | None]:
    """Each change's view, relative to the page, as of the day it changed."""
    out: list[str | None] = []
    for r in log[["instrument_id", "company_id", "participant_id", "changed_on"]].itertuples(index=False):
        for page, key, value in (
            ("Instrument", "instrument", r.instrument_id),
            ("Company", "company", r.company_id),
            ("Country", "country", r.participant_id),
        ):
            if isinstance(value, str):
                out.append(f"{page}?{urlencode(state.encode({key: value, 'as_of': r.changed_on}))}")
                break
        else:
            out.append(None)
    return out


@memo(256)
def changes_view(rel: Release, instrument_id: str, participant_id: str) -> ChangesView:
    log = queries.changelog(rel)
    if instrument_id != "all":
        log = log[(log["instrument_id"] == instrument_id).fillna(False).to_numpy(dtype=bool)]
    if participant_id != "all":
        log = log[(log["participant_id"] == participant_id).fillna(False).to_numpy(dtype=bool)]
    frame = pd.DataFrame(
        {
            "changed_on": log["changed_on"].to_numpy(),
            "summary": log["summary"].to_numpy(),
            "change": log["change"].to_numpy(),
            "field": log["field"].to_numpy(),
            "old_value": log["old_value"].to_numpy(),
            "new_value": log["new_value"].to_numpy(),
            "release": log["release_version"].to_numpy(),
            "view": view_links(log),
            "source_url": fmt.safe_urls(log["source_url"]).to_numpy() if len(log) else [],
        }
    )
    feed = (
        f"instrument/{instrument_id}"
        if instrument_id != "all"
        else f"country/{participant_id}"
        if participant_id != "all"
        else "all"
    )
    return ChangesView(
        feed=f"app/static/feeds/{feed}.atom",
        line=(
            f"{len(frame)} change(s), newest first: rows added or removed, fields changed, rows newly verified or "
            "no longer verified, and sources cited for the first time."
        ),
        table=Table(
            frame, HEADERS, "changes", "What's new in the data", tuple(lookups.urls(frame["source_url"])), "changes"
        )
        if len(frame)
        else None,
    )
