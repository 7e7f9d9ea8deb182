"""Search for the app: the index built once per release, hits memoised per (release, query), and what Enter opens.

No Streamlit here (the search box itself is in dashboard/ui.py): the index is built from the frames queries.py
already memoises, the first time anyone searches in a release, and shared read-only by every session.
"""

from __future__ import annotations

from dashboard import queries, search
from dashboard.cache import memo
from dashboard.db import Release

CONFIDENT = 80.0  # Enter opens the best hit only when it scores at least this ...
MARGIN = 5.0  # ... and at least this much above the next one; otherwise the reader picks from the list


@memo(8)
def index(rel: Release) -> search.Index:
    """The search index of `rel` (instruments, states and organisations, companies)."""
    return search.build_index(queries.instruments(rel), queries.participants(rel), queries.companies(rel))


@memo(512)
def _hits(rel: Release, query: str, limit: int) -> tuple[search.Hit, ...]:
    return tuple(search.search(index(rel), query, limit))


def hits(rel: Release, query: object, limit: int = 8) -> tuple[search.Hit, ...]:
    """The hits for `query` in `rel`, best first. The memo key is the cleaned query (bounded length), so a hostile
    string costs one bounded entry at most."""
    text = search.clean(query)
    if not search.normalise(text):
        return ()
    return _hits(rel, text, limit)


def best(found: tuple[search.Hit, ...]) -> search.Hit | None:
    """The hit Enter opens: the first one, when it is clearly the one meant ("Kenia" -> Kenya), else None."""
    if not found or found[0].score < CONFIDENT:
        return None
    if len(found) > 1 and found[0].score - found[1].score < MARGIN:
        return None
    return found[0]
