"""How much of each participant list we name, against the count an authoritative source reports.

Pure pandas: a partial list must never read as a complete one, so every view that counts participants asks
`coverage()` what to say ("12 of about 58 signatories named").
"""

from __future__ import annotations

from datetime import date

import pandas as pd

COLUMNS = [
    "instrument_id",
    "named",
    "reported_count",
    "count_is_approx",
    "noun",
    "list_complete",
    "as_reported_on",
    "source_url",
    "text",
]


def coverage_text(named: int, reported: int | None, approx: bool, noun: str | None, complete: bool | None) -> str:
    """The sentence a reader sees. `complete` None means no source has told us how long the list is."""
    noun = noun or "participants"
    if complete and reported is not None:
        return f"all {reported} {noun} named"
    if reported is not None:
        return f"{named} of {'about ' if approx else ''}{reported} {noun} named (list partial)"
    if complete is False:
        return f"{named} named (list partial; no official count recorded)"
    return f"{named} named"


def coverage(counts: pd.DataFrame, history: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """One row per instrument that has a count or a named participant on `as_of`.

    `counts`: the counts table (any order); `history`: every act on or before `as_of` (instrument_id,
    participant_id). The reported count is the latest on or before `as_of`; whether the list is complete is the
    latest word on it (a list shown partial today was no more complete on an earlier day).
    """
    named = history.groupby("instrument_id")["participant_id"].nunique()
    c = counts.sort_values("as_reported_on")
    latest_word = c.drop_duplicates("instrument_id", keep="last").set_index("instrument_id")["list_complete"]
    upto = c[pd.to_datetime(c["as_reported_on"]) <= pd.Timestamp(as_of)].drop_duplicates("instrument_id", keep="last")
    upto = upto.set_index("instrument_id")
    ids = sorted(set(named.index) | set(latest_word.index))
    rows = []
    for iid in ids:
        n = int(named.get(iid, 0))
        complete = bool(latest_word[iid]) if iid in latest_word.index else None
        if iid in upto.index:
            r = upto.loc[iid]
            reported, approx, noun = int(r["reported_count"]), bool(r["count_is_approx"]), r["noun"]
            src, on = r["source_url"], r["as_reported_on"]
        else:
            reported, approx, noun, src, on = None, False, None, None, None
        rows.append(
            (iid, n, reported, approx, noun, complete, on, src, coverage_text(n, reported, approx, noun, complete))
        )
    return pd.DataFrame(rows, columns=COLUMNS).set_index("instrument_id", drop=False)


def partial_ids(cov: pd.DataFrame) -> frozenset:
    """Instruments whose named list is known to be partial."""
    return frozenset(cov.loc[cov["list_complete"].eq(False), "instrument_id"])
