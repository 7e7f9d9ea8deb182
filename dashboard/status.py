"""Who stands where on a given day: the status classes behind the map, the tables and the profiles.

Pure pandas on frames the queries return, so the rules are tested without Streamlit or a database.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.config import ACTION_STATUS, STATUS_LABELS, STATUS_ORDER

POSITIVE = ("party", "signed", "jurisdiction", "member_bound", "endorsed")
SELECTIONS = {"binding": "All binding instruments", "voluntary": "All voluntary instruments"}
_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}


COLS = ["instrument_id", "participant_id", "status", "action", "action_date", "date_precision", "source_url",
        "verified", "note"]


def _nonnull(col: pd.Series) -> pd.Series:
    return col.notna() & col.map(lambda v: v is not None)


def _le(col: pd.Series, as_of: date) -> pd.Series:
    return col.map(lambda v: v is not None and not pd.isna(v) and v <= as_of).astype(bool)


_FIRST_COLS = ["adopted_on", "opened_on", "in_force_on", "ended_on"]


def _first_ts(instruments: pd.DataFrame) -> pd.Series:
    """The earliest of the four dates per instrument, column-wise (NaT where it has none)."""
    return pd.DataFrame({c: pd.to_datetime(instruments[c]) for c in _FIRST_COLS},
                        index=instruments.index).min(axis=1)


def first_dates(instruments: pd.DataFrame) -> pd.Series:
    """The earliest date we know each instrument existed (adopted, opened, in force or, for a vetoed bill, ended)."""
    first = _first_ts(instruments)
    return first.dt.date.astype(object).where(first.notna(), None)


def existing(instruments: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The instruments that existed on `as_of` (an instrument with no date at all is kept)."""
    if instruments.empty:
        return instruments
    first = _first_ts(instruments)
    return instruments[(first.isna() | (first <= pd.Timestamp(as_of))).to_numpy()]


def all_statuses(instruments: pd.DataFrame, actions: pd.DataFrame, eu_members: set[str], as_of: date) -> pd.DataFrame:
    """Every (instrument, participant) pair with a status on `as_of`, computed column-wise for all instruments at once.

    `actions` holds each participant's latest act per instrument on `as_of` (status_as_of in views.sql). Laws and
    regulations add their jurisdiction ('jurisdiction') and, for EU law, every EU member state ('member_bound'),
    from the day they entered into force (or were adopted, except bills, which are never law) until they ended.
    """
    inst = existing(instruments, as_of)
    a = actions[actions["instrument_id"].isin(inst["instrument_id"])].copy()
    a["status"] = a["action"].map(ACTION_STATUS)
    ended = _le(inst["ended_on"], as_of)
    in_force = _le(inst["in_force_on"], as_of)
    adopted = _le(inst["adopted_on"], as_of) & (inst["kind"] != "bill")
    law = inst[inst["jurisdiction_id"].notna() & ~ended & (in_force | adopted)]
    extra = []
    if len(law):
        since = law["in_force_on"].where(_nonnull(law["in_force_on"]), law["adopted_on"])
        base = pd.DataFrame({"instrument_id": law["instrument_id"], "action": None, "action_date": since,
                             "date_precision": "day", "source_url": law["source_url"],
                             "verified": law["verified"].astype(bool)})
        extra.append(base.assign(participant_id=law["jurisdiction_id"], status="jurisdiction",
                                 note="issued this law or regulation"))
        eu_law = base[law["jurisdiction_id"] == "EU"]
        if len(eu_law) and eu_members:
            members = pd.DataFrame({"participant_id": sorted(eu_members)})
            extra.append(eu_law.merge(members, how="cross").assign(
                status="member_bound", note="EU regulation: applies in every EU member state"))
    out = pd.concat([a[COLS], *[e[COLS] for e in extra]], ignore_index=True) if extra else a[COLS].copy()
    # An act recorded by the participant itself wins over the derived rows.
    out = out.drop_duplicates(["instrument_id", "participant_id"], keep="first")
    names = inst.set_index("instrument_id")
    out["instrument"] = out["instrument_id"].map(names["short_name"])
    out["legally_binding"] = out["instrument_id"].map(names["legally_binding"]).astype(bool)
    return out.reset_index(drop=True)


def participant_statuses(participants: pd.DataFrame, instruments: pd.DataFrame, actions: pd.DataFrame,
                         members: pd.DataFrame, selection: str, as_of: date) -> pd.DataFrame:
    """Every participant with its status for `selection` (an instrument id, 'binding' or 'voluntary') on `as_of`.

    For 'binding'/'voluntary' the strongest status across those instruments wins, and `n_instruments` counts the
    instruments with a positive status (ratified, signed, own law, EU law, endorsed/joined).
    """
    eu = set(members.loc[members["bloc"] == "eu", "participant_id"])
    return select(participants, all_statuses(instruments, actions, eu, as_of), selection)


def select(participants: pd.DataFrame, allst: pd.DataFrame, selection: str) -> pd.DataFrame:
    """From all_statuses(): every participant with its status for one instrument, or its strongest status across
    all binding / all voluntary ones (with `n_instruments`, the count of instruments with a positive status)."""
    cols = ["participant_id", "status", "action", "action_date", "date_precision", "source_url", "verified", "note",
            "instrument_id", "instrument"]
    if selection in SELECTIONS:
        allst = allst[allst["legally_binding"] == (selection == "binding")].copy()
    else:
        allst = allst[allst["instrument_id"] == selection].copy()
    allst["rank"] = allst["status"].map(_RANK)
    allst = allst.sort_values(["participant_id", "rank", "action_date"], ascending=[True, True, False])
    n = (allst[allst["status"].isin(POSITIVE)].groupby("participant_id")["instrument_id"].nunique()
         .rename("n_instruments"))
    best = allst.drop_duplicates("participant_id")[cols]
    base = participants.rename(columns={"source_url": "participant_source_url"})
    out = base.merge(best, on="participant_id", how="left").merge(n, on="participant_id", how="left")
    out["status"] = out["status"].fillna("none")
    out["n_instruments"] = out["n_instruments"].fillna(0).astype(int)
    out["status_label"] = out["status"].map(STATUS_LABELS)
    out["rank"] = out["status"].map(_RANK)
    return out.sort_values(["rank", "name"]).drop(columns="rank").reset_index(drop=True)
