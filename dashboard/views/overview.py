"""The Overview: headline numbers (and how partial the named lists behind them are), what is coming up, the latest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard import facts, fmt, queries
from dashboard.cache import memo
from dashboard.db import Release
from dashboard.views import SOURCE, Table

EVENTS = {"event_date": "Date", "instrument": "Instrument", "verified": "Verified", **SOURCE}


@dataclass(frozen=True)
class OverviewView:
    metrics: tuple[tuple, ...]  # (label, value, help): short labels, so no metric is cut off ("Legally bin…")
    partial_line: str | None
    coming: Table | None
    coming_line: str
    latest: Table | None


@memo(64)
def overview_view(rel: Release, as_of: date) -> OverviewView:
    n = facts.overview_counts(rel, as_of)
    partial = facts.partial_in(rel, "binding", as_of) + facts.partial_in(rel, "voluntary", as_of)
    soon = queries.upcoming(rel, as_of).head(10)
    ev = queries.events(rel, as_of).head(15)
    cols = ["event_date", "instrument", "title", "verified", "source_url"]
    return OverviewView(
        metrics=(
            ("Instruments", n["instruments"]),
            ("Binding", n["binding"]),
            ("Voluntary", n["voluntary"]),
            ("Participants", n["participants"], "States and organisations with at least one recorded act"),
            ("Companies", n["companies"], "Companies with at least one recorded stance"),
        ),
        partial_line=(
            f"Participants are counted from the lists we name. {len(partial)} of those lists are partial "
            f"({fmt.esc(', '.join(partial))}), so more states and organisations took part than these "
            "counts show."
            if partial
            else None
        ),
        coming=Table(fmt.verified_col(soon[cols]), {**EVENTS, "title": "Scheduled"}, "scheduled events")
        if len(soon)
        else None,
        coming_line=f"Scheduled after {as_of:%d %B %Y}: application and entry-into-force dates already set in law.",
        latest=Table(
            fmt.verified_col(ev[cols]),
            {**EVENTS, "title": "Event"},
            "events",
            "Latest events",
            tuple(ev["source_url"]),
            "events",
        )
        if len(ev)
        else None,
    )
