"""Release-level lookups: option lists, labels, per-entity slices. Built once per release (and date) and shared
read-only.

At x100 (3300 instruments, 8300 companies, 20k acts) building an option list or filtering a frame by one id on
every script run cost 20-130 ms a page (iterating Arrow-backed string columns in Python is slow). Callers only
read these values: never add to a returned dict/set or assign into a returned frame.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pandas as pd

from dashboard import queries, state, status
from dashboard.cache import memo
from dashboard.db import Release


def _pylist(col: pd.Series) -> list:
    """A column as Python objects in one conversion (iterating an Arrow-backed column boxes every value)."""
    return col.astype(object).where(col.notna(), None).tolist()


@memo(64)
def existing_instruments(rel: Release, as_of: date) -> pd.DataFrame:
    """The instruments that existed on `as_of` (status.existing)."""
    return status.existing(queries.instruments(rel), as_of)


@memo(32)
def instrument_names(rel: Release) -> dict:
    """instrument_id -> short name."""
    inst = queries.instruments(rel)
    return dict(zip(_pylist(inst["instrument_id"]), _pylist(inst["short_name"]), strict=True))


@memo(32)
def instrument_options(rel: Release) -> tuple[tuple[str, ...], frozenset]:
    """(instrument ids in table order, the same as a set) for the instrument selectbox."""
    ids = _pylist(queries.instruments(rel)["instrument_id"])
    return tuple(ids), frozenset(ids)


@memo(32)
def instruments_by_id(rel: Release) -> pd.DataFrame:
    return queries.instruments(rel).set_index("instrument_id")


@memo(32)
def participant_options(rel: Release) -> tuple[tuple[str, ...], frozenset, dict]:
    """(ids in table order, the same as a set, id -> 'Name (ID)') for the participant selectbox."""
    p = queries.participants(rel)
    ids, names = _pylist(p["participant_id"]), _pylist(p["name"])
    return tuple(ids), frozenset(ids), {i: f"{n} ({i})" for i, n in zip(ids, names, strict=True)}


@memo(32)
def company_options(rel: Release) -> tuple[tuple[str, ...], frozenset, dict]:
    """(ids in table order, the same as a set, id -> name) for the company selectbox."""
    c = queries.companies(rel)
    ids = _pylist(c["company_id"])
    return tuple(ids), frozenset(ids), dict(zip(ids, _pylist(c["name"]), strict=True))


@memo(32)
def companies_by_id(rel: Release) -> pd.DataFrame:
    return queries.companies(rel).set_index("company_id")


@memo(32)
def hq_options(rel: Release) -> tuple[tuple[str, ...], frozenset, dict]:
    """Headquarters filter: ('all', countries sorted by name), the same as a set, country -> name."""
    c = queries.companies(rel)
    names = dict(zip(_pylist(c["hq_country"]), _pylist(c["hq_name"]), strict=True))
    hqs = {h for h in names if h is not None}
    opts = ("all", *sorted(hqs, key=lambda h: str(names.get(h))))
    return opts, frozenset(opts), names


@memo(64)
def stance_instrument_options(rel: Release, as_of: date) -> tuple[tuple[str, ...], frozenset]:
    """The commitments with a stance on `as_of`, sorted by short name, and the same as a set."""
    names = instrument_names(rel)
    ids = set(_pylist(queries.stances_as_of(rel, as_of)["instrument_id"]))
    return tuple(sorted(ids, key=names.get)), frozenset(ids)


@memo(512)
def participant_history(rel: Release, participant_id: str, as_of: date) -> pd.DataFrame:
    """One participant's recorded acts on or before `as_of`, oldest first."""
    hist = queries.actions_history(rel, as_of)
    return hist[(hist["participant_id"] == participant_id).to_numpy()]


@memo(512)
def company_stances(rel: Release, company_id: str, as_of: date) -> pd.DataFrame:
    """One company's stances on or before `as_of`."""
    df = queries.stances_as_of(rel, as_of)
    return df[(df["company_id"] == company_id).to_numpy()]


@memo(512)
def companies_in(rel: Release, participant_id: str) -> pd.DataFrame:
    """The companies headquartered in `participant_id`."""
    comp = queries.companies(rel)
    return comp[(comp["hq_country"] == participant_id).fillna(False).to_numpy(dtype=bool)]


@memo(512)
def company_links(rel: Release, participant_id: str, as_of: date, skip: int = 0) -> pd.DataFrame:
    """The companies headquartered in `participant_id` after the first `skip`, each with a link to its profile
    relative to the current page (Company?company=…&as_of=…), for a LinkColumn."""
    comp = companies_in(rel, participant_id).iloc[skip:]
    return pd.DataFrame(
        {
            "name": comp["name"].to_numpy(),
            "profile": [
                f"Company?{urlencode(state.encode({'company': c, 'as_of': as_of}))}"
                for c in _pylist(comp["company_id"])
            ],
        }
    )


def urls(col: pd.Series) -> list:
    """The distinct non-empty values of a URL column, in order of first appearance (what ui.cite lists), without
    iterating the Arrow-backed column in Python."""
    return _pylist(pd.Series(col.dropna().unique()))


@memo(32)
def participant_names(rel: Release) -> dict:
    """participant id -> name."""
    p = queries.participants(rel)
    return dict(zip(_pylist(p["participant_id"]), _pylist(p["name"]), strict=True))
