"""One typed function per question; the only home of the caches (dashboard/cache.py: shared, read-only).

Every function takes the release (`rel`) it reads, so a script run asks all its questions of one release, and a
newly published release gets fresh cache entries instead of stale ones. SQL lives in dashboard/queries/*.sql with
bound parameters ($as_of, …); nothing from a user or the data is pasted into SQL text.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import db, eif, fmt, state, status
from dashboard.cache import memo
from dashboard.config import CONSENT_ACTIONS

SQL_DIR = Path(__file__).resolve().parent / "queries"


@lru_cache(maxsize=None)
def read_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()


@st.cache_resource(max_entries=4, show_spinner=False)
def _connection(key: str, location: str, kind: str):
    return db.connect(db.Release(location, kind, key))


def _q(rel: db.Release, name: str, params: dict | None = None) -> pd.DataFrame:
    return db.query(_connection(rel.key, rel.location, rel.kind), read_sql(name), params)


@st.cache_resource(max_entries=4, show_spinner=False)
def _release_file(key: str, location: str, kind: str) -> db.ReleaseFile | None:
    return db.ReleaseFile.open(db.Release(location, kind, key))


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


@memo(16)
def source_files(rel: db.Release) -> pd.DataFrame:
    return _dates(_q(rel, "source_files"), "accessed")


@memo(16)
def source_domains(rel: db.Release) -> pd.DataFrame:
    return _q(rel, "source_domains")


@memo(16)
def unverified(rel: db.Release) -> pd.DataFrame:
    return _dates(_q(rel, "unverified"), "on_date")


@memo(32)
def all_statuses(rel: db.Release, as_of: date) -> pd.DataFrame:
    """Every (instrument, participant) status on `as_of`: the one table the map, profiles and charts read."""
    mem = members_as_of(rel, as_of)
    return status.all_statuses(instruments(rel), actions_as_of(rel, as_of),
                               set(mem.loc[mem["bloc"] == "eu", "participant_id"]), as_of)


@memo(512)
def statuses(rel: db.Release, selection: str, as_of: date) -> pd.DataFrame:
    """Every participant's status for an instrument, or for all binding / all voluntary ones, on `as_of`."""
    return status.select(participants(rel), all_statuses(rel, as_of), selection)


def eif_progress(rel: db.Release, instrument_id: str, as_of: date, what_if: tuple[str, ...] = ()) -> eif.Progress | None:
    """Progress toward the instrument's stored entry-into-force rule; None if it has no such rule."""
    inst = instruments(rel).set_index("instrument_id").loc[instrument_id]
    if pd.isna(inst["eif_parties_required"]):
        return None
    rule = eif.Rule(int(inst["eif_parties_required"]), int(inst["eif_min_coe_members"]),
                    int(inst["eif_delay_months"]))
    hist = actions_history(rel, as_of)
    hist = hist[hist["instrument_id"] == instrument_id]
    names = participants(rel).set_index("participant_id")["name"]
    consents = []
    for r in hist[hist["action"].isin(CONSENT_ACTIONS)].drop_duplicates("participant_id").itertuples():
        coe = set(members_as_of(rel, r.action_date).query("bloc == 'coe'")["participant_id"])
        consents.append(eif.Consent(r.participant_id, r.participant, r.action_date, r.participant_id in coe,
                                    verified=bool(r.verified)))
    coe_now = set(members_as_of(rel, as_of).query("bloc == 'coe'")["participant_id"])
    done = {c.participant_id for c in consents}
    for pid in what_if:
        if pid not in done and pid in names.index:
            consents.append(eif.Consent(pid, names[pid], as_of, pid in coe_now, hypothetical=True))
    return eif.progress(rule, consents, as_of)


@memo(256)
def signatories(rel: db.Release, instrument_id: str, as_of: date) -> pd.DataFrame:
    """Each signatory or party: signature date, consent date, CoE membership, verification, source."""
    hist = actions_history(rel, as_of)
    hist = hist[hist["instrument_id"] == instrument_id]
    coe = set(members_as_of(rel, as_of).query("bloc == 'coe'")["participant_id"])
    rows = []
    for pid, g in hist.groupby("participant_id", sort=False):
        sig = g[g["action"] == "signed"]
        con = g[g["action"].isin(CONSENT_ACTIONS)]
        last = g.iloc[-1]
        rows.append({
            "participant_id": pid, "participant": last["participant"],
            "coe_member": pid in coe,
            "signed_on": sig["action_date"].min() if len(sig) else None,
            "consent": con["action"].iloc[0] if len(con) else None,
            "consent_on": con["action_date"].min() if len(con) else None,
            "status": "party" if len(con) else ("signed" if len(sig) else last["action"]),
            "verified": bool(g["verified"].all()),
            "date_precision": last["date_precision"],
            "source_url": (con if len(con) else g).iloc[-1]["source_url"],
            "note": "; ".join(n for n in g["note"].dropna() if n),
        })
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    return df.sort_values(["status", "signed_on", "participant"], na_position="last").reset_index(drop=True)


@memo(256)
def commitments_by_country(rel: db.Release, as_of: date) -> pd.DataFrame:
    """Per participant: how many binding and voluntary instruments it is positively committed to on `as_of`."""
    allst = all_statuses(rel, as_of)
    pos = allst[allst["status"].isin(status.POSITIVE)]
    counts = (pos.assign(bindingness=pos["legally_binding"].map({True: "Binding", False: "Voluntary"}))
              .groupby(["participant_id", "bindingness"])["instrument_id"].nunique().unstack(fill_value=0))
    for c in ("Binding", "Voluntary"):
        if c not in counts.columns:
            counts[c] = 0
    out = participants(rel).merge(counts[["Binding", "Voluntary"]].reset_index(), on="participant_id", how="left")
    out[["Binding", "Voluntary"]] = out[["Binding", "Voluntary"]].fillna(0).astype(int)
    return out


@memo(64)
def table(rel: db.Release, name: str) -> pd.DataFrame:
    """A whole public table, for downloads. `name` must be one of db.REQUIRED_TABLES (checked, never pasted raw)."""
    if name not in db.REQUIRED_TABLES:
        raise ValueError(f"unknown table {name!r}")
    con = _connection(rel.key, rel.location, rel.kind)
    # The name is one of our own constants (checked above); DuckDB cannot bind identifiers.
    return db.query(con, f"SELECT * FROM {name}")  # noqa: S608


@memo(4)
def export_zip(rel: db.Release, fmt: str) -> bytes:
    """Every public table as CSV or Parquet files in one zip, with the data dictionary."""
    import io
    import zipfile

    from dashboard.config import DATA_DIR

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in db.REQUIRED_TABLES:
            df = table(rel, name).copy()  # memoised: never mutate what table() returned
            for c in df.columns:
                if isinstance(df[c].dtype, pd.CategoricalDtype):
                    df[c] = df[c].astype(str)
            if fmt == "csv":
                zf.writestr(f"{name}.csv", df.to_csv(index=False))
            else:
                out = io.BytesIO()
                df.to_parquet(out, index=False)
                zf.writestr(f"{name}.parquet", out.getvalue())
        readme = DATA_DIR / "README.md"
        if readme.exists():
            zf.writestr("README.md", readme.read_text(encoding="utf-8"))
    return buf.getvalue()


def release_file(rel: db.Release) -> db.ReleaseFile | None:
    """An open handle on the file of `rel` (a local file release), None if it is gone. A page passes its `read`
    to the download button: the handle lives as long as the button does, so the visitor's click returns the bytes
    of the release the page shows even after a build pruned the file."""
    if rel.kind != "file":
        return None
    return _release_file(rel.key, rel.location, rel.kind)


def release_bytes(rel: db.Release) -> bytes | None:
    """The DuckDB file itself (only for a local file release; None if it is gone)."""
    f = release_file(rel)
    return f.read() if f is not None else None


# --- Cached views: figures and decks are built once per (release, settings) and shared read-only --------------
# Building a Plotly figure or a pydeck Deck costs 20-60 ms; Streamlit only reads them (to_dict / to_json), so one
# object can serve every session that asks for the same view.


@memo(256)
def map_deck(rel: db.Release, selection: str, as_of: date):
    from dashboard import maps

    return maps.world_map(statuses(rel, selection, as_of))


@memo(64)
def instrument_figures(rel: db.Release, as_of: date):
    from dashboard import charts

    inst = existing_instruments(rel, as_of)
    return charts.instruments_over_time(inst), charts.instruments_by_kind(inst)


@memo(256)
def commitments_filtered(rel: db.Release, as_of: date, bloc: str, region: str) -> pd.DataFrame:
    cc = commitments_by_country(rel, as_of)
    if bloc != "all":
        mem = members_as_of(rel, as_of)
        cc = cc[cc["participant_id"].isin(mem.loc[mem["bloc"] == bloc, "participant_id"])]
    if region != "all":
        cc = cc[cc["region"] == region]
    return cc


@memo(256)
def stances_filtered(rel: db.Release, as_of: date, bloc: str, region: str) -> pd.DataFrame:
    """Stances of companies headquartered in the bloc/region (by the company's headquarters country)."""
    df = stances_as_of(rel, as_of)
    if bloc != "all":
        mem = members_as_of(rel, as_of)
        df = df[df["hq_country"].isin(mem.loc[mem["bloc"] == bloc, "participant_id"])]
    if region != "all":
        regs = participants(rel).set_index("participant_id")["region"]
        df = df[df["hq_country"].map(regs) == region]
    return df


@memo(256)
def commitment_figures(rel: db.Release, as_of: date, bloc: str, region: str):
    from dashboard import charts

    cc = commitments_filtered(rel, as_of, bloc, region)
    sf = stances_filtered(rel, as_of, bloc, region)
    return (charts.country_commitments(cc) if ((cc["Binding"] + cc["Voluntary"]) > 0).any() else None,
            charts.company_stances(sf) if len(sf) else None)


@memo(256)
def eif_figure(rel: db.Release, instrument_id: str, as_of: date, what_if: tuple[str, ...]):
    from dashboard import charts

    opened = instruments(rel).set_index("instrument_id").loc[instrument_id, "opened_on"]
    return charts.eif_progress(eif_progress(rel, instrument_id, as_of, what_if), opened)


@memo(256)
def events_figure(rel: db.Release, instrument_id: str, as_of: date):
    from dashboard import charts

    ev = events(rel, as_of)
    return charts.events_timeline(ev[ev["instrument_id"] == instrument_id], as_of)


@memo(512)
def participant_record(rel: db.Release, participant_id: str, as_of: date) -> pd.DataFrame:
    """One row per instrument: the participant's status on it on `as_of` (with 'none' where it has no record)."""
    from dashboard.config import STATUS_LABELS

    allst = all_statuses(rel, as_of)
    mine = allst[allst["participant_id"] == participant_id]
    inst = instruments(rel)[["instrument_id", "short_name", "legally_binding"]]
    df = inst.merge(mine.drop(columns=["instrument", "legally_binding", "participant_id"]), on="instrument_id",
                    how="left")
    df["status"] = df["status"].fillna("none")
    df = pd.DataFrame({
        "instrument_id": df["instrument_id"], "instrument": df["short_name"],
        "binding": df["legally_binding"].map({True: "Binding", False: "Voluntary"}), "status": df["status"],
        "status_label": df["status"].map(STATUS_LABELS), "date": df["action_date"],
        "date_precision": df["date_precision"],
        "verified": [bool(v) if s != "none" else None for v, s in zip(df["verified"], df["status"], strict=True)],
        "source_url": df["source_url"], "note": df["note"]})
    rank = {k: n for n, k in enumerate(status.STATUS_ORDER)}
    return df.assign(_r=df["status"].map(rank)).sort_values(["_r", "instrument"]).drop(columns="_r").reset_index(drop=True)


MATRIX_ROWS, MATRIX_COLS = 60, 30  # a readable matrix; the table under it lists every stance


@memo(256)
def stance_matrix(rel: db.Release, as_of: date, chosen: tuple[str, ...], stance: str, hq: str):
    """The latest stance per (company, commitment) under the filters, and the matrix figure of the most active
    companies and commitments. Returns (rows, figure or None, companies shown, commitments shown)."""
    from dashboard import charts
    from dashboard.config import STANCE_LABELS
    from dashboard.fmt import date_text

    df = stances_as_of(rel, as_of)
    if chosen:
        df = df[df["instrument_id"].isin(chosen)]
    if hq != "all":
        df = df[df["hq_country"] == hq]
    if stance != "all":
        df = df[df["company_id"].isin(df.loc[df["stance"] == stance, "company_id"])]
    latest = df.sort_values("stance_date").drop_duplicates(["company_id", "instrument_id"], keep="last")
    if latest.empty:
        return latest, None, 0, 0
    top_c = latest["company"].value_counts().head(MATRIX_ROWS).index
    top_i = latest["instrument"].value_counts().head(MATRIX_COLS).index
    cell = latest[latest["company"].isin(top_c) & latest["instrument"].isin(top_i)]

    cell = cell.assign(text=[
        f"{STANCE_LABELS[s]} · {date_text(d, p)}" + (" · UNVERIFIED" if not v else "")
        + (f"<br>“{charts.plain(q[:140])}”" if isinstance(q, str) and q else "")
        for s, d, p, v, q in zip(cell["stance"], cell["stance_date"], cell["date_precision"], cell["verified"],
                                 cell["quote"], strict=True)])
    matrix = cell.pivot_table(index="company", columns="instrument", values="stance", aggfunc="first").fillna("none")
    hover = (cell.pivot_table(index="company", columns="instrument", values="text", aggfunc="first")
             .reindex_like(matrix).fillna("No record"))
    order = (matrix == "signed").sum(axis=1).sort_values(ascending=False, kind="stable").index
    return latest, charts.stance_matrix(matrix.loc[order], hover.loc[order]), len(top_c), len(top_i)


# --- Options, labels and per-entity slices: built once per release (and date), shared read-only --------------
# At x100 (3300 instruments, 8300 companies, 20k acts) building an option list or filtering a frame by one id on
# every script run cost 20-130 ms a page (iterating Arrow-backed string columns in Python is slow). Callers only
# read these values: never add to a returned dict/set or assign into a returned frame.


def _pylist(col: pd.Series) -> list:
    """A column as Python objects in one conversion (iterating an Arrow-backed column boxes every value)."""
    return col.astype(object).where(col.notna(), None).tolist()


@memo(64)
def existing_instruments(rel: db.Release, as_of: date) -> pd.DataFrame:
    """The instruments that existed on `as_of` (status.existing)."""
    return status.existing(instruments(rel), as_of)


@memo(64)
def overview_counts(rel: db.Release, as_of: date) -> dict:
    """The Overview's headline numbers on `as_of`."""
    inst = existing_instruments(rel, as_of)
    return {"instruments": len(inst), "binding": int(inst["legally_binding"].sum()),
            "voluntary": int((~inst["legally_binding"]).sum()),
            "participants": int(actions_as_of(rel, as_of)["participant_id"].nunique()),
            "companies": int(stances_as_of(rel, as_of)["company_id"].nunique())}


@memo(32)
def instrument_names(rel: db.Release) -> dict:
    """instrument_id -> short name."""
    inst = instruments(rel)
    return dict(zip(_pylist(inst["instrument_id"]), _pylist(inst["short_name"]), strict=True))


@memo(32)
def participant_options(rel: db.Release) -> tuple[tuple[str, ...], frozenset, dict]:
    """(ids in table order, the same as a set, id -> 'Name (ID)') for the participant selectbox."""
    p = participants(rel)
    ids, names = _pylist(p["participant_id"]), _pylist(p["name"])
    return tuple(ids), frozenset(ids), {i: f"{n} ({i})" for i, n in zip(ids, names, strict=True)}


@memo(32)
def company_options(rel: db.Release) -> tuple[tuple[str, ...], frozenset, dict]:
    """(ids in table order, the same as a set, id -> name) for the company selectbox."""
    c = companies(rel)
    ids = _pylist(c["company_id"])
    return tuple(ids), frozenset(ids), dict(zip(ids, _pylist(c["name"]), strict=True))


@memo(32)
def companies_by_id(rel: db.Release) -> pd.DataFrame:
    return companies(rel).set_index("company_id")


@memo(32)
def hq_options(rel: db.Release) -> tuple[tuple[str, ...], frozenset, dict]:
    """Headquarters filter: ('all', countries sorted by name), the same as a set, country -> name."""
    c = companies(rel)
    names = dict(zip(_pylist(c["hq_country"]), _pylist(c["hq_name"]), strict=True))
    hqs = {h for h in names if h is not None}
    opts = ("all", *sorted(hqs, key=lambda h: str(names.get(h))))
    return opts, frozenset(opts), names


@memo(64)
def stance_instrument_options(rel: db.Release, as_of: date) -> tuple[tuple[str, ...], frozenset]:
    """The commitments with a stance on `as_of`, sorted by short name, and the same as a set."""
    names = instrument_names(rel)
    ids = set(_pylist(stances_as_of(rel, as_of)["instrument_id"]))
    return tuple(sorted(ids, key=names.get)), frozenset(ids)


@memo(512)
def participant_history(rel: db.Release, participant_id: str, as_of: date) -> pd.DataFrame:
    """One participant's recorded acts on or before `as_of`, oldest first."""
    hist = actions_history(rel, as_of)
    return hist[(hist["participant_id"] == participant_id).to_numpy()]


@memo(512)
def company_stances(rel: db.Release, company_id: str, as_of: date) -> pd.DataFrame:
    """One company's stances on or before `as_of`."""
    df = stances_as_of(rel, as_of)
    return df[(df["company_id"] == company_id).to_numpy()]


@memo(512)
def companies_in(rel: db.Release, participant_id: str) -> pd.DataFrame:
    """The companies headquartered in `participant_id`."""
    comp = companies(rel)
    return comp[(comp["hq_country"] == participant_id).fillna(False).to_numpy(dtype=bool)]


@memo(512)
def company_links(rel: db.Release, participant_id: str, as_of: date, skip: int = 0) -> pd.DataFrame:
    """The companies headquartered in `participant_id` after the first `skip`, each with a link to its profile
    relative to the current page (Company?company=…&as_of=…), for a LinkColumn."""
    comp = companies_in(rel, participant_id).iloc[skip:]
    return pd.DataFrame({
        "name": comp["name"].to_numpy(),
        "profile": [f"Company?{urlencode(state.encode({'company': c, 'as_of': as_of}))}"
                    for c in _pylist(comp["company_id"])]})


def urls(col: pd.Series) -> list:
    """The distinct non-empty values of a URL column, in order of first appearance (what ui.cite lists), without
    iterating the Arrow-backed column in Python."""
    return _pylist(pd.Series(col.dropna().unique()))


# --- Tables as shown (verified words, checked links): O(rows) to build, so built once per view -------------------


@memo(256)
def stance_table(rel: db.Release, as_of: date, chosen: tuple[str, ...], stance: str, hq: str) -> pd.DataFrame:
    """Every stance behind stance_matrix(), sorted by company and commitment, as the page shows it."""
    latest = stance_matrix(rel, as_of, chosen, stance, hq)[0]
    return fmt.verified_col(latest[["company", "instrument", "stance", "stance_date", "date_precision", "quote",
                                 "quote_by", "verified", "source_url", "note"]].sort_values(["company", "instrument"]))


@memo(256)
def stances_filtered_table(rel: db.Release, as_of: date, bloc: str, region: str) -> pd.DataFrame:
    """stances_filtered() as the Binding vs voluntary page offers it for download."""
    return fmt.verified_col(stances_filtered(rel, as_of, bloc, region)[
        ["company", "instrument", "stance", "stance_date", "verified", "source_url"]])


@memo(512)
def participant_table(rel: db.Release, participant_id: str, as_of: date) -> pd.DataFrame:
    """participant_record() as the Country page shows it (no verified word where there is no record)."""
    table = participant_record(rel, participant_id, as_of)
    shown = fmt.verified_col(table.drop(columns=["instrument_id", "status"]))
    shown["verified"] = shown["verified"].where((table["status"] != "none").to_numpy(), "")
    return shown


@memo(512)
def home_table(rel: db.Release, participant_id: str, company_id: str, as_of: date) -> pd.DataFrame:
    """The company's home state's record on the instruments the company took a stance on and on every other
    instrument where the state has one (`same_instrument` marks the former), as the Company page shows it."""
    same = company_stances(rel, company_id, as_of)["instrument_id"].unique()
    rec = participant_record(rel, participant_id, as_of)
    same_inst = rec["instrument_id"].isin(same)
    keep = ((rec["status"] != "none") | same_inst).to_numpy()
    home = rec[keep].assign(same_instrument=same_inst[keep].to_numpy())
    return fmt.verified_col(home[["instrument", "binding", "same_instrument", "status_label", "date", "verified",
                               "source_url"]])


@memo(32)
def instrument_options(rel: db.Release) -> tuple[tuple[str, ...], frozenset]:
    """(instrument ids in table order, the same as a set) for the instrument selectbox."""
    ids = _pylist(instruments(rel)["instrument_id"])
    return tuple(ids), frozenset(ids)


@memo(32)
def instruments_by_id(rel: db.Release) -> pd.DataFrame:
    return instruments(rel).set_index("instrument_id")


@memo(16)
def unverified_table(rel: db.Release) -> pd.DataFrame:
    """unverified() as the Data page shows it: source links that are not plain http(s) blanked."""
    unv = unverified(rel)
    return unv.assign(source_url=fmt.safe_urls(unv["source_url"]))


@memo(256)
def stance_summary(rel: db.Release, as_of: date, chosen: tuple[str, ...], stance: str, hq: str) -> dict:
    """Counts and cited sources of stance_matrix()'s rows: companies, commitments, sources (distinct URLs)."""
    latest = stance_matrix(rel, as_of, chosen, stance, hq)[0]
    return {"companies": int(latest["company_id"].nunique()), "commitments": int(latest["instrument_id"].nunique()),
            "sources": tuple(urls(latest["source_url"]))}
