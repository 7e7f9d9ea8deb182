"""Who stands where on a given day: the status classes behind the map, the tables and the profiles.

Pure pandas on frames the queries return, so the rules are tested without Streamlit or a database.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.config import ACTION_STATUS, ENDED_STATUSES, LIFE_LABELS, STATUS_LABELS, STATUS_ORDER
from dashboard.fmt import date_text

POSITIVE = ("party", "signed", "jurisdiction", "member_bound", "endorsed", "voted_yes")
# The issuer's status class for each life of its instrument.
_ISSUER_CLASS = {
    "in_force": "jurisdiction",
    "adopted": "jurisdiction",
    "scheduled": "issuer_pending",
    "pending": "issuer_pending",
    "not_in_force": "issuer_pending",
} | dict.fromkeys(ENDED_STATUSES, "issuer_ended")
SELECTIONS = {"binding": "All binding instruments", "voluntary": "All voluntary instruments"}
_RANK = {s: i for i, s in enumerate(STATUS_ORDER)}


COLS = [
    "instrument_id",
    "participant_id",
    "status",
    "action",
    "action_date",
    "date_precision",
    "source_url",
    "verified",
    "note",
]


def _nonnull(col: pd.Series) -> pd.Series:
    return col.notna() & col.map(lambda v: v is not None)


def _le(col: pd.Series, as_of: date) -> pd.Series:
    return col.map(lambda v: v is not None and not pd.isna(v) and v <= as_of).astype(bool)


_FIRST_COLS = ["adopted_on", "opened_on", "in_force_on", "ended_on"]


def _first_ts(instruments: pd.DataFrame) -> pd.Series:
    """The earliest of the four dates per instrument, column-wise (NaT where it has none)."""
    return pd.DataFrame({c: pd.to_datetime(instruments[c]) for c in _FIRST_COLS}, index=instruments.index).min(axis=1)


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


def _known(v) -> bool:
    return v is not None and not (not isinstance(v, date) and pd.isna(v))


def life_on(instruments: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Each instrument's life on `as_of`, worked out from its dates (no hand edit when a date passes).

    Columns: instrument_id, life (a LIFE_LABELS key), since (the date of that state, or None), life_text (what a
    reader sees: "revoked on 20 Jan 2025", "scheduled: in force from 01 Jan 2026", "superseded by X on …").
    `status` in the data is the state on the dataset's as-of date; it names how an ended instrument ended.
    """
    names = dict(zip(instruments["instrument_id"], instruments["short_name"], strict=True))
    rows = []
    for r in instruments.itertuples():
        adopted, in_force, ended = r.adopted_on, r.in_force_on, r.ended_on
        binding = bool(r.legally_binding)
        if _known(ended) and ended <= as_of:
            how = r.status if r.status in ENDED_STATUSES else "expired"
            text = f"{LIFE_LABELS[how]} on {date_text(ended)}"
            by = getattr(r, "superseded_by", None)
            if how == "superseded" and isinstance(by, str) and by:
                text = f"superseded by {names.get(by, by)} on {date_text(ended)}"
            rows.append((r.instrument_id, how, ended, text))
        elif _known(in_force) and in_force <= as_of:
            rows.append(
                (
                    r.instrument_id,
                    "in_force",
                    in_force,
                    f"{'in force' if binding else 'in effect'} since {date_text(in_force)}",
                )
            )
        elif _known(in_force) and _known(adopted) and adopted <= as_of:
            rows.append(
                (
                    r.instrument_id,
                    "scheduled",
                    adopted,
                    f"adopted {date_text(adopted)}; {'in force' if binding else 'takes effect'} from "
                    f"{date_text(in_force)}",
                )
            )
        elif r.kind == "bill" or r.status == "pending":
            rows.append((r.instrument_id, "pending", None, "bill pending"))
        elif r.kind == "treaty" and _known(r.opened_on) and r.opened_on <= as_of:
            rows.append(
                (
                    r.instrument_id,
                    "not_in_force",
                    r.opened_on,
                    f"open for signature since {date_text(r.opened_on)}; not yet in force",
                )
            )
        elif _known(adopted) and adopted <= as_of:
            rows.append((r.instrument_id, "adopted", adopted, f"adopted {date_text(adopted)}"))
        else:
            rows.append((r.instrument_id, "not_yet", None, LIFE_LABELS["not_yet"]))
    return pd.DataFrame(rows, columns=["instrument_id", "life", "since", "life_text"])


def all_statuses(instruments: pd.DataFrame, actions: pd.DataFrame, eu_members: set[str], as_of: date) -> pd.DataFrame:
    """Every (instrument, participant) pair with a status on `as_of`, computed column-wise for all instruments at once.

    `actions` holds each participant's latest act per instrument on `as_of` (status_as_of in views.sql). An
    instrument with a jurisdiction (a law, order, bill, plan or a government's own commitment) adds its issuer,
    classed by the instrument's life on `as_of` (jurisdiction / issuer_pending / issuer_ended, with the life in
    words as the note: "revoked on 20 Jan 2025"), and, for EU law in force or adopted, every EU member state
    ('member_bound').
    """
    inst = existing(instruments, as_of)
    a = actions[actions["instrument_id"].isin(inst["instrument_id"])].copy()
    a["status"] = a["action"].map(ACTION_STATUS)
    life = life_on(inst, as_of).set_index("instrument_id")
    law = inst[inst["jurisdiction_id"].notna()]
    extra = []
    if len(law):
        lf = life.loc[law["instrument_id"]]
        since = lf["since"].where(lf["since"].notna(), None).to_numpy()
        base = pd.DataFrame(
            {
                "instrument_id": law["instrument_id"].to_numpy(),
                "action": None,
                "action_date": since,
                "date_precision": "day",
                "source_url": law["source_url"].to_numpy(),
                "verified": law["verified"].astype(bool).to_numpy(),
                "note": lf["life_text"].to_numpy(),
            }
        )
        klass = lf["life"].map(_ISSUER_CLASS).to_numpy()
        extra.append(base.assign(participant_id=law["jurisdiction_id"].to_numpy(), status=klass))
        # EU law applies in every member state while it is in force (or adopted, for a regulation not yet applying).
        eu_law = base[(law["jurisdiction_id"] == "EU").to_numpy() & (klass == "jurisdiction")]
        if len(eu_law) and eu_members:
            members = pd.DataFrame({"participant_id": sorted(eu_members)})
            extra.append(
                eu_law.merge(members, how="cross").assign(
                    status="member_bound", note="EU regulation: applies in every EU member state"
                )
            )
    out = pd.concat([a[COLS], *[e[COLS] for e in extra]], ignore_index=True) if extra else a[COLS].copy()
    # An act recorded by the participant itself wins over the derived rows.
    out = out.drop_duplicates(["instrument_id", "participant_id"], keep="first")
    names = inst.set_index("instrument_id")
    out["instrument"] = out["instrument_id"].map(names["short_name"])
    out["legally_binding"] = out["instrument_id"].map(names["legally_binding"]).astype(bool)
    return out.reset_index(drop=True)


ISSUER_CLASSES = ("jurisdiction", "issuer_pending", "issuer_ended")


def status_labels(status: pd.Series, note: pd.Series) -> pd.Series:
    """What a reader sees for each status: the class label, or for an issuer the instrument's life on the day
    ("Issuer: revoked on 20 Jan 2025"), so a revoked order never reads as "No record"."""
    base = status.map(STATUS_LABELS)
    issuer = status.isin(ISSUER_CLASSES) & note.notna()
    return base.where(~issuer, "Issuer: " + note.astype(str))


def participant_statuses(
    participants: pd.DataFrame,
    instruments: pd.DataFrame,
    actions: pd.DataFrame,
    members: pd.DataFrame,
    selection: str,
    as_of: date,
) -> pd.DataFrame:
    """Every participant with its status for `selection` (an instrument id, 'binding' or 'voluntary') on `as_of`.

    For 'binding'/'voluntary' the strongest status across those instruments wins, and `n_instruments` counts the
    instruments with a positive status (ratified, signed, own law, EU law, endorsed/joined).
    """
    eu = set(members.loc[members["bloc"] == "eu", "participant_id"])
    return select(participants, all_statuses(instruments, actions, eu, as_of), selection)


NOT_NAMED = "Not named (list partial)"
NOT_NAMED_SOME = "No record (some lists partial)"


def select(
    participants: pd.DataFrame, allst: pd.DataFrame, selection: str, none_label: str = STATUS_LABELS["none"]
) -> pd.DataFrame:
    """From all_statuses(): every participant with its status for one instrument, or its strongest status across
    all binding / all voluntary ones (with `n_instruments`, the count of instruments with a positive status).
    `none_label` is what a participant with no record reads: on a partial list, absence is not a refusal."""
    cols = [
        "participant_id",
        "status",
        "action",
        "action_date",
        "date_precision",
        "source_url",
        "verified",
        "note",
        "instrument_id",
        "instrument",
    ]
    if selection in SELECTIONS:
        allst = allst[allst["legally_binding"] == (selection == "binding")].copy()
    else:
        allst = allst[allst["instrument_id"] == selection].copy()
    allst["rank"] = allst["status"].map(_RANK)
    allst = allst.sort_values(["participant_id", "rank", "action_date"], ascending=[True, True, False])
    n = (
        allst[allst["status"].isin(POSITIVE)]
        .groupby("participant_id")["instrument_id"]
        .nunique()
        .rename("n_instruments")
    )
    best = allst.drop_duplicates("participant_id")[cols]
    base = participants.rename(columns={"source_url": "participant_source_url"})
    out = base.merge(best, on="participant_id", how="left").merge(n, on="participant_id", how="left")
    out["status"] = out["status"].fillna("none")
    out["n_instruments"] = out["n_instruments"].fillna(0).astype(int)
    out["status_label"] = (
        status_labels(out["status"], out["note"]) if selection not in SELECTIONS else out["status"].map(STATUS_LABELS)
    )
    out.loc[out["status"] == "none", "status_label"] = none_label
    out["rank"] = out["status"].map(_RANK)
    return out.sort_values(["rank", "name"]).drop(columns="rank").reset_index(drop=True)
