"""SQL access: one typed function per file in dashboard/queries/*.sql, and the connection they share.

Every function takes the release (`rel`) it reads, so a script run asks all its questions of one release, and a
newly published release gets fresh cache entries instead of stale ones. Parameters are bound ($as_of, …); nothing
from a user or the data is pasted into SQL text. Results are memoised (dashboard/cache.py): shared read-only.
Derived facts live in dashboard/facts.py, lookups in dashboard/lookups.py, what a page shows in dashboard/views/.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import db
from dashboard.cache import memo

SQL_DIR = Path(__file__).resolve().parent / "queries"


@cache
def read_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


@st.cache_resource(max_entries=4, show_spinner=False)
def _connection(key: str, location: str, kind: str):
    return db.connect(db.Release(location, kind, key))


@st.cache_resource(max_entries=4, show_spinner=False)
def _release_file(key: str, location: str, kind: str) -> db.ReleaseFile | None:
    return db.ReleaseFile.open(db.Release(location, kind, key))


def release_file(rel: db.Release) -> db.ReleaseFile | None:
    """An open handle on the file of `rel` (a local file release), None if it is gone. A page passes its `read`
    to the download button: the handle lives as long as the button does, so the visitor's click returns the bytes
    of the release the page shows even after a build pruned the file."""
    if rel.kind != "file":
        return None
    return _release_file(rel.key, rel.location, rel.kind)


def _q(rel: db.Release, name: str, params: dict | None = None) -> pd.DataFrame:
    return db.query(_connection(rel.key, rel.location, rel.kind), read_sql(name), params)


def current_release() -> db.Release:
    """Resolve the served release and open it (raises db.DatasetUnavailable with a readable reason)."""
    rel = db.resolve_release()
    _connection(rel.key, rel.location, rel.kind)
    if rel.kind == "file":
        _release_file(rel.key, rel.location, rel.kind)  # opened now, so a later prune cannot take the download away
    return rel


def _dates(df: pd.DataFrame, *cols: str) -> pd.DataFrame:
    for c in cols:
        if c in df.columns:
            df[c] = pd.to_datetime(df[c]).dt.date
            df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


@memo(32)
def dataset_info(rel: db.Release) -> dict:
    row = _q(rel, "dataset").iloc[0].to_dict()
    row["as_of"] = pd.Timestamp(row["as_of"]).date()
    return row


@memo(32)
def instruments(rel: db.Release) -> pd.DataFrame:
    df = _q(rel, "instruments")
    for c in ("kind", "scope", "status"):
        df[c] = df[c].astype(str)
    return _dates(df, "adopted_on", "opened_on", "in_force_on", "ended_on")


@memo(32)
def participants(rel: db.Release) -> pd.DataFrame:
    df = _q(rel, "participants")
    df["kind"] = df["kind"].astype(str)
    return df


@memo(32)
def companies(rel: db.Release) -> pd.DataFrame:
    return _q(rel, "companies")


@memo(64)
def members_as_of(rel: db.Release, as_of: date) -> pd.DataFrame:
    return _q(rel, "memberships_as_of", {"as_of": as_of})


@memo(64)
def actions_as_of(rel: db.Release, as_of: date) -> pd.DataFrame:
    return _dates(_q(rel, "actions_as_of", {"as_of": as_of}), "action_date")


@memo(64)
def actions_history(rel: db.Release, as_of: date) -> pd.DataFrame:
    return _dates(_q(rel, "actions_history", {"as_of": as_of}), "action_date")


@memo(64)
def stances_as_of(rel: db.Release, as_of: date) -> pd.DataFrame:
    return _dates(_q(rel, "stances_as_of", {"as_of": as_of}), "stance_date")


@memo(64)
def events(rel: db.Release, as_of: date) -> pd.DataFrame:
    return _dates(_q(rel, "events", {"as_of": as_of}), "event_date")


@memo(64)
def upcoming(rel: db.Release, as_of: date) -> pd.DataFrame:
    """Scheduled events after `as_of` (upcoming.sql), soonest first."""
    return _dates(_q(rel, "upcoming", {"as_of": as_of}), "event_date")


@memo(32)
def counts(rel: db.Release) -> pd.DataFrame:
    return _dates(_q(rel, "counts"), "as_reported_on")


@memo(16)
def changelog(rel: db.Release) -> pd.DataFrame:
    return _dates(_q(rel, "changelog"), "changed_on")


@memo(16)
def source_files(rel: db.Release) -> pd.DataFrame:
    return _dates(_q(rel, "source_files"), "accessed")


@memo(16)
def source_domains(rel: db.Release) -> pd.DataFrame:
    return _q(rel, "source_domains")


@memo(16)
def source_kinds(rel: db.Release) -> pd.DataFrame:
    return _q(rel, "source_kinds")


@memo(16)
def unverified(rel: db.Release) -> pd.DataFrame:
    return _dates(_q(rel, "unverified"), "on_date")


def connection(rel: db.Release):
    """The shared read-only connection of `rel` (one per release file, cached by Streamlit as a resource)."""
    return _connection(rel.key, rel.location, rel.kind)


def public_table(rel: db.Release, name: str) -> pd.DataFrame:
    """A whole public table by name (a relation, no SQL text built); `name` must be one of db.REQUIRED_TABLES."""
    if name not in db.REQUIRED_TABLES:
        raise ValueError(f"unknown table {name!r}")
    cur = connection(rel).cursor()
    try:
        return cur.table(name).df()
    finally:
        cur.close()
