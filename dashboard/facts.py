"""Derived facts: statuses, lives, completeness, entry into force, signatories, commitments, records, stances.

Each rule is a pure function of frames (`*_of`), testable without DuckDB or Streamlit; beside it a thin wrapper
memoised per (release, settings) that feeds it the frames `dashboard.queries` reads. The wrappers' results are
shared read-only by every session (dashboard/cache.py): callers derive new frames, never assign into these.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import completeness, eif, lookups, queries, status
from dashboard.cache import memo
from dashboard.config import CONSENT_ACTIONS
from dashboard.db import Release

# --- An instrument's life, how complete its named list is ---------------------------------------------------------


@memo(64)
def life(rel: Release, as_of: date) -> pd.DataFrame:
    """Every instrument's life on `as_of` (status.life_on), indexed by instrument id."""
    return status.life_on(queries.instruments(rel), as_of).set_index("instrument_id", drop=False)


@memo(64)
def coverage(rel: Release, as_of: date) -> pd.DataFrame:
    """Per instrument: named participants against the reported count on `as_of` (completeness.coverage)."""
    return completeness.coverage(queries.counts(rel), queries.actions_history(rel, as_of), as_of)


def none_label_of(selection: str, partial: frozenset, existing: pd.DataFrame) -> str:
    """What "no record" reads for `selection`: a partial list never passes for a complete one."""
    if selection in status.SELECTIONS:
        chosen = set(existing.loc[existing["legally_binding"] == (selection == "binding"), "instrument_id"])
        return status.NOT_NAMED_SOME if chosen & partial else status.STATUS_LABELS["none"]
    return status.NOT_NAMED if selection in partial else status.STATUS_LABELS["none"]


def partial_in(rel: Release, selection: str, as_of: date) -> tuple[str, ...]:
    """Short names of the instruments under `selection` whose named lists are partial on `as_of`."""
    partial = completeness.partial_ids(coverage(rel, as_of))
    if selection not in status.SELECTIONS:
        return (lookups.instrument_names(rel)[selection],) if selection in partial else ()
    inst = lookups.existing_instruments(rel, as_of)
    inst = inst[(inst["legally_binding"] == (selection == "binding")) & inst["instrument_id"].isin(partial)]
    return tuple(sorted(inst["short_name"]))


# --- Who stands where ------------------------------------------------------------------------------------------------


@memo(32)
def all_statuses(rel: Release, as_of: date) -> pd.DataFrame:
    """Every (instrument, participant) status on `as_of`: the one table the map, profiles and charts read."""
    mem = queries.members_as_of(rel, as_of)
    return status.all_statuses(
        queries.instruments(rel),
        queries.actions_as_of(rel, as_of),
        set(mem.loc[mem["bloc"] == "eu", "participant_id"]),
        as_of,
    )


@memo(512)
def statuses(rel: Release, selection: str, as_of: date) -> pd.DataFrame:
    """Every participant's status for an instrument, or for all binding / all voluntary ones, on `as_of`.
    Where the named list is partial, a participant with no record reads "Not named (list partial)"."""
    label = none_label_of(
        selection, completeness.partial_ids(coverage(rel, as_of)), lookups.existing_instruments(rel, as_of)
    )
    return status.select(queries.participants(rel), all_statuses(rel, as_of), selection, label)


def record_of(instruments: pd.DataFrame, allst: pd.DataFrame, participant_id: str, partial: frozenset) -> pd.DataFrame:
    """One row per instrument: the participant's status on it (with 'none', or "Not named (list partial)")."""
    mine = allst[allst["participant_id"] == participant_id]
    inst = instruments[["instrument_id", "short_name", "legally_binding"]]
    df = inst.merge(
        mine.drop(columns=["instrument", "legally_binding", "participant_id"]), on="instrument_id", how="left"
    )
    df["status"] = df["status"].fillna("none")
    labels = status.status_labels(df["status"], df["note"])
    df = pd.DataFrame(
        {
            "instrument_id": df["instrument_id"],
            "instrument": df["short_name"],
            "binding": df["legally_binding"].map({True: "Binding", False: "Voluntary"}),
            "status": df["status"],
            "status_label": labels.where(
                ~(df["status"].eq("none") & df["instrument_id"].isin(partial)), status.NOT_NAMED
            ),
            "date": df["action_date"],
            "date_precision": df["date_precision"],
            "verified": [bool(v) if s != "none" else None for v, s in zip(df["verified"], df["status"], strict=True)],
            "source_url": df["source_url"],
            "note": df["note"],
        }
    )
    rank = {k: n for n, k in enumerate(status.STATUS_ORDER)}
    return (
        df.assign(_r=df["status"].map(rank)).sort_values(["_r", "instrument"]).drop(columns="_r").reset_index(drop=True)
    )


@memo(512)
def participant_record(rel: Release, participant_id: str, as_of: date) -> pd.DataFrame:
    return record_of(
        queries.instruments(rel),
        all_statuses(rel, as_of),
        participant_id,
        completeness.partial_ids(coverage(rel, as_of)),
    )


def commitments_of(participants: pd.DataFrame, allst: pd.DataFrame, partial: set) -> pd.DataFrame:
    """Per participant: how many binding and voluntary instruments it is positively committed to, and on how many
    partial lists (of `partial`) it is not (yet) named."""
    pos = allst[allst["status"].isin(status.POSITIVE)]
    counts = (
        pos.assign(bindingness=pos["legally_binding"].map({True: "Binding", False: "Voluntary"}))
        .groupby(["participant_id", "bindingness"])["instrument_id"]
        .nunique()
        .unstack(fill_value=0)
    )
    for c in ("Binding", "Voluntary"):
        if c not in counts.columns:
            counts[c] = 0
    out = participants.merge(counts[["Binding", "Voluntary"]].reset_index(), on="participant_id", how="left")
    out[["Binding", "Voluntary"]] = out[["Binding", "Voluntary"]].fillna(0).astype(int)
    named = allst[allst["instrument_id"].isin(partial)].groupby("participant_id")["instrument_id"].nunique()
    out["Not named on partial lists"] = len(partial) - out["participant_id"].map(named).fillna(0).astype(int)
    return out


@memo(256)
def commitments_by_country(rel: Release, as_of: date) -> pd.DataFrame:
    partial = completeness.partial_ids(coverage(rel, as_of)) & set(
        lookups.existing_instruments(rel, as_of)["instrument_id"]
    )
    return commitments_of(queries.participants(rel), all_statuses(rel, as_of), partial)


@memo(256)
def commitments_filtered(rel: Release, as_of: date, bloc: str, region: str) -> pd.DataFrame:
    cc = commitments_by_country(rel, as_of)
    if bloc != "all":
        mem = queries.members_as_of(rel, as_of)
        cc = cc[cc["participant_id"].isin(mem.loc[mem["bloc"] == bloc, "participant_id"])]
    if region != "all":
        cc = cc[cc["region"] == region]
    return cc


# --- Treaties: signatories and entry into force ---------------------------------------------------------------------


def signatories_of(hist: pd.DataFrame, coe: set) -> pd.DataFrame:
    """From one instrument's acts (oldest first): each signatory or party with its signature date, consent date,
    CoE membership, verification and source."""
    rows = []
    for pid, g in hist.groupby("participant_id", sort=False):
        sig = g[g["action"] == "signed"]
        con = g[g["action"].isin(CONSENT_ACTIONS)]
        last = g.iloc[-1]
        rows.append(
            {
                "participant_id": pid,
                "participant": last["participant"],
                "coe_member": pid in coe,
                "signed_on": sig["action_date"].min() if len(sig) else None,
                "consent": con["action"].iloc[0] if len(con) else None,
                "consent_on": con["action_date"].min() if len(con) else None,
                "status": "party" if len(con) else ("signed" if len(sig) else last["action"]),
                "verified": bool(g["verified"].all()),
                "date_precision": last["date_precision"],
                "source_url": (con if len(con) else g).iloc[-1]["source_url"],
                "note": "; ".join(n for n in g["note"].dropna() if n),
            }
        )
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    return df.sort_values(["status", "signed_on", "participant"], na_position="last").reset_index(drop=True)


def _coe(rel: Release, on: date) -> set:
    mem = queries.members_as_of(rel, on)
    return set(mem.loc[mem["bloc"] == "coe", "participant_id"])


@memo(256)
def signatories(rel: Release, instrument_id: str, as_of: date) -> pd.DataFrame:
    hist = queries.actions_history(rel, as_of)
    return signatories_of(hist[hist["instrument_id"] == instrument_id], _coe(rel, as_of))


def rule_of(inst: pd.Series) -> eif.Rule | None:
    """The entry-into-force rule stored with an instrument, or None."""
    if pd.isna(inst["eif_parties_required"]):
        return None
    return eif.Rule(int(inst["eif_parties_required"]), int(inst["eif_min_coe_members"]), int(inst["eif_delay_months"]))


def eif_progress(rel: Release, instrument_id: str, as_of: date, what_if: tuple[str, ...] = ()) -> eif.Progress | None:
    """Progress toward the instrument's stored entry-into-force rule; None if it has no such rule. Each consent
    counts CoE membership on the day it was deposited; what-if ids count once each, on `as_of`."""
    rule = rule_of(lookups.instruments_by_id(rel).loc[instrument_id])
    if rule is None:
        return None
    hist = queries.actions_history(rel, as_of)
    hist = hist[hist["instrument_id"] == instrument_id]
    names = lookups.participant_names(rel)
    consents = [
        eif.Consent(
            r.participant_id,
            r.participant,
            r.action_date,
            r.participant_id in _coe(rel, r.action_date),
            verified=bool(r.verified),
        )
        for r in hist[hist["action"].isin(CONSENT_ACTIONS)].drop_duplicates("participant_id").itertuples()
    ]
    coe_now, done = _coe(rel, as_of), {c.participant_id for c in consents}
    for pid in dict.fromkeys(what_if):  # each what-if id once, in order
        if pid not in done and pid in names:
            consents.append(eif.Consent(pid, names[pid], as_of, pid in coe_now, hypothetical=True))
            done.add(pid)
    return eif.progress(rule, consents, as_of)


# --- Companies ------------------------------------------------------------------------------------------------------


def latest_stances_of(stances: pd.DataFrame, chosen: tuple[str, ...], stance: str, hq: str) -> pd.DataFrame:
    """Each company's latest stance on each commitment, under the filters. A stance filter keeps only that stance
    (each company's latest on each commitment), never the same companies' other stances."""
    df = stances
    if chosen:
        df = df[df["instrument_id"].isin(chosen)]
    if hq != "all":
        df = df[df["hq_country"] == hq]
    latest = df.sort_values("stance_date").drop_duplicates(["company_id", "instrument_id"], keep="last")
    return latest[latest["stance"] == stance] if stance != "all" else latest


@memo(256)
def latest_stances(rel: Release, as_of: date, chosen: tuple[str, ...], stance: str, hq: str) -> pd.DataFrame:
    return latest_stances_of(queries.stances_as_of(rel, as_of), chosen, stance, hq)


@memo(256)
def stances_filtered(rel: Release, as_of: date, bloc: str, region: str) -> pd.DataFrame:
    """Stances of companies headquartered in the bloc/region (by the company's headquarters country)."""
    df = queries.stances_as_of(rel, as_of)
    if bloc != "all":
        mem = queries.members_as_of(rel, as_of)
        df = df[df["hq_country"].isin(mem.loc[mem["bloc"] == bloc, "participant_id"])]
    if region != "all":
        regs = queries.participants(rel).set_index("participant_id")["region"]
        df = df[df["hq_country"].map(regs) == region]
    return df


# --- Headline numbers -----------------------------------------------------------------------------------------------


@memo(64)
def overview_counts(rel: Release, as_of: date) -> dict:
    """The Overview's headline numbers on `as_of`."""
    inst = lookups.existing_instruments(rel, as_of)
    return {
        "instruments": len(inst),
        "binding": int(inst["legally_binding"].sum()),
        "voluntary": int((~inst["legally_binding"]).sum()),
        "participants": int(queries.actions_as_of(rel, as_of)["participant_id"].nunique()),
        "companies": int(queries.stances_as_of(rel, as_of)["company_id"].nunique()),
    }


# --- Time-lapse frames ----------------------------------------------------------------------------------------------

MAX_FRAMES = 60


def frame_dates(change_dates: list[date], view_date: date, max_frames: int = MAX_FRAMES) -> list[date]:
    """The dates of a time-lapse up to `view_date`: every distinct date on which something changed, then the view
    date; past `max_frames`, the end of each month instead; past that, evenly spaced months (first and last kept)."""
    ds = sorted({d for d in change_dates if d is not None and d <= view_date} | {view_date})
    if len(ds) > max_frames:
        months = sorted({(d.year, d.month) for d in ds})
        ends = []
        for y, m in months:
            nxt = date(y + (m == 12), m % 12 + 1, 1)
            ends.append(min(date.fromordinal(nxt.toordinal() - 1), view_date))
        ds = sorted(set(ends))
    if len(ds) > max_frames:
        step = (len(ds) - 1) / (max_frames - 1)
        ds = sorted({ds[round(i * step)] for i in range(max_frames)})
    return ds


def _timelapse_scope(rel: Release, selection: str, as_of: date):
    """The instruments under `selection`, their ids, their acts up to `as_of` and each one's first date."""
    inst = queries.instruments(rel)
    if selection in status.SELECTIONS:
        chosen = inst[inst["legally_binding"] == (selection == "binding")]
    else:
        chosen = inst[inst["instrument_id"] == selection]
    ids = set(chosen["instrument_id"])
    hist = queries.actions_history(rel, as_of)
    hist = hist[hist["instrument_id"].isin(ids)]
    first = dict(
        zip(lookups._pylist(chosen["instrument_id"]), lookups._pylist(status.first_dates(chosen)), strict=True)
    )
    return chosen, ids, hist, first


def timelapse_dates(rel: Release, selection: str, as_of: date, max_frames: int = MAX_FRAMES) -> list[date]:
    """The frame dates of a time-lapse of `selection` up to `as_of` (frame_dates over its acts and dates)."""
    chosen, _, hist, _ = _timelapse_scope(rel, selection, as_of)
    changes = [*lookups._pylist(hist["action_date"])]
    for c in ("adopted_on", "opened_on", "in_force_on", "ended_on"):
        changes += [d for d in lookups._pylist(chosen[c]) if d is not None]
    return frame_dates(changes, as_of, max_frames)


def timelapse_frame(rel: Release, selection: str, as_of: date, d: date, scope=None) -> tuple[pd.DataFrame, ...]:
    """(statuses as statuses() returns them, coverage) of `selection` on the frame date `d` (<= `as_of`): the same
    SQL and rules as statuses(), restricted to the selected instruments, past the memoised per-date queries on
    purpose (__wrapped__): a time-lapse's dates must not evict readers' views from the shared cache."""
    chosen, ids, hist, first = scope or _timelapse_scope(rel, selection, as_of)
    acts = queries.actions_as_of.__wrapped__(rel, d)
    mem = queries.members_as_of.__wrapped__(rel, d)
    allst = status.all_statuses(
        chosen, acts[acts["instrument_id"].isin(ids)], set(mem.loc[mem["bloc"] == "eu", "participant_id"]), d
    )
    cov = completeness.coverage(queries.counts(rel), hist[[v <= d for v in hist["action_date"]]], d)
    partial = completeness.partial_ids(cov)
    if selection in status.SELECTIONS:
        there = {i for i, f in first.items() if f is None or f <= d}  # status.existing, from the dates once
        label = status.NOT_NAMED_SOME if there & partial else status.STATUS_LABELS["none"]
    else:
        label = status.NOT_NAMED if selection in partial else status.STATUS_LABELS["none"]
    return status.select(queries.participants(rel), allst, selection, label), cov


def timelapse(
    rel: Release, selection: str, as_of: date, max_frames: int = 60
) -> list[tuple[date, pd.DataFrame, pd.DataFrame]]:
    """(date, statuses, coverage) for each frame of a time-lapse of `selection` up to `as_of`: from the first act
    (or the first date of an instrument) to `as_of`. Not memoised (the caller memoises the GIF)."""
    scope = _timelapse_scope(rel, selection, as_of)
    dates = timelapse_dates(rel, selection, as_of, max_frames)
    return [(d, *timelapse_frame(rel, selection, as_of, d, scope)) for d in dates]
