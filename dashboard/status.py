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


def first_date(inst: pd.Series):
    """The earliest date we know the instrument existed (adopted, opened, in force or, for a vetoed bill, ended)."""
    dates = [inst.get(c) for c in ("adopted_on", "opened_on", "in_force_on", "ended_on")]
    dates = [d for d in dates if d is not None and not pd.isna(d)]
    return min(dates) if dates else None


def existing(instruments: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The instruments that existed on `as_of` (an instrument with no date at all is kept)."""
    keep = [d is None or d <= as_of for d in (first_date(r) for _, r in instruments.iterrows())]
    return instruments[keep]


def _applies(inst: pd.Series, as_of: date) -> bool:
    """Is this law/regulation part of its jurisdiction's law on `as_of`? (A vetoed bill never is.)"""
    if not inst.get("jurisdiction_id") or pd.isna(inst.get("jurisdiction_id")):
        return False
    ended = inst.get("ended_on")
    if ended is not None and not pd.isna(ended) and ended <= as_of:
        return False
    in_force = inst.get("in_force_on")
    if in_force is not None and not pd.isna(in_force) and in_force <= as_of:
        return True
    adopted = inst.get("adopted_on")
    return inst["kind"] != "bill" and adopted is not None and not pd.isna(adopted) and adopted <= as_of


def instrument_statuses(inst: pd.Series, actions: pd.DataFrame, eu_members: set[str], as_of: date) -> pd.DataFrame:
    """One row per participant with a status on one instrument (participants with none are left out)."""
    a = actions[actions["instrument_id"] == inst["instrument_id"]].copy()
    a["status"] = a["action"].map(ACTION_STATUS)
    rows = [a]
    if _applies(inst, as_of):
        jid = inst["jurisdiction_id"]
        have = set(a["participant_id"])
        extra = []
        if jid not in have:
            extra.append({"participant_id": jid, "status": "jurisdiction", "action": None,
                          "action_date": inst["in_force_on"] if not pd.isna(inst["in_force_on"]) else inst["adopted_on"],
                          "source_url": inst["source_url"], "verified": bool(inst["verified"]),
                          "note": "issued this law or regulation"})
        if jid == "EU":
            for pid in sorted(eu_members - have):
                extra.append({"participant_id": pid, "status": "member_bound", "action": None,
                              "action_date": inst["in_force_on"] if not pd.isna(inst["in_force_on"]) else inst["adopted_on"],
                              "source_url": inst["source_url"], "verified": bool(inst["verified"]),
                              "note": "EU regulation: applies in every EU member state"})
        if extra:
            rows.append(pd.DataFrame(extra))
    out = pd.concat([r for r in rows if len(r)], ignore_index=True) if any(len(r) for r in rows) else a
    out["instrument_id"] = inst["instrument_id"]
    out["instrument"] = inst["short_name"]
    return out


def participant_statuses(participants: pd.DataFrame, instruments: pd.DataFrame, actions: pd.DataFrame,
                         members: pd.DataFrame, selection: str, as_of: date) -> pd.DataFrame:
    """Every participant with its status for `selection` (an instrument id, 'binding' or 'voluntary') on `as_of`.

    For 'binding'/'voluntary' the strongest status across those instruments wins, and `n_instruments` counts the
    instruments with a positive status (ratified, signed, own law, EU law, endorsed/joined).
    """
    eu = set(members.loc[members["bloc"] == "eu", "participant_id"])
    if selection in SELECTIONS:
        want = selection == "binding"
        chosen = instruments[instruments["legally_binding"] == want]
    else:
        chosen = instruments[instruments["instrument_id"] == selection]
    chosen = existing(chosen, as_of)
    parts = [instrument_statuses(inst, actions, eu, as_of) for _, inst in chosen.iterrows()]
    parts = [p for p in parts if len(p)]
    cols = ["participant_id", "status", "action", "action_date", "date_precision", "source_url", "verified", "note",
            "instrument_id", "instrument"]
    allst = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    for c in cols:
        if c not in allst.columns:
            allst[c] = None
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
