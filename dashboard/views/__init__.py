"""Per-page view models: everything a page shows for one (release, settings), built once and shared read-only.

Each module builds one frozen dataclass per page state (memoised per release and settings, dashboard/cache.py):
figures, decks, tables, captions, counts and sources. No Streamlit here: a page wires its widgets to a view and
draws it with dashboard/ui.py, and the same view can be drawn another way (a presentation, an embed, an image).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Table:
    """A table as a page shows it, with what its citation and CSV need.

    `columns` maps a column to its header; a header "link:Label" makes a link column ("link:Source|open ↗" sets
    the link text too). `cite` is what the citation calls the table (None: no citation or CSV)."""

    frame: pd.DataFrame
    columns: dict[str, str] = field(default_factory=dict)
    noun: str = "rows"
    cite: str | None = None
    sources: tuple[str, ...] = ()
    key: str = "main"
    hint: str = ""


SOURCE = {"source_url": "link:Source"}


def sourced(
    rows: pd.DataFrame,
    columns: list[str],
    headers: dict[str, str],
    noun: str,
    cite: str,
    key: str,
    extra_sources: tuple = (),
) -> Table | None:
    """`columns` of `rows` as shown (verified in words, links checked), cited with the rows' sources; None when
    there are no rows (the page then says so in a sentence)."""
    from dashboard import fmt, lookups

    if not len(rows):
        return None
    return Table(
        fmt.verified_col(rows[columns]),
        {**SOURCE, **headers},
        noun,
        cite,
        (*extra_sources, *lookups.urls(rows["source_url"])),
        key,
    )
