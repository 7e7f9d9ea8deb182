"""Writing one release file from validated sources: the schema, every table in column order, the views, the
changelog against the previous release, and last the content digest (dashboard/integrity.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import changelog, config, integrity
from dashboard.sourcefiles import Sources


def _participants(src: Sources) -> pd.DataFrame:
    st = src.tables["states"].copy()
    orgs = src.tables["organisations"]
    if len(orgs):
        o = pd.DataFrame(
            {
                "participant_id": orgs["participant_id"],
                "name": orgs["name"],
                "official_name": orgs["name"],
                "kind": "organisation",
                "iso2": None,
                "un_member": False,
                "region": orgs["region"],
                "subregion": None,
                "lon": None,
                "lat": None,
                "source_url": orgs["source_url"],
            }
        )
        st = pd.concat([st, o], ignore_index=True)
    mem = src.tables["memberships"]
    for bloc in config.BLOCS:
        current = set()
        if len(mem):
            m = mem[mem["bloc"] == bloc]
            for r in m.itertuples():
                joined_ok = r.joined_on is None or pd.isna(r.joined_on) or r.joined_on <= src.as_of
                left_ok = r.left_on is None or pd.isna(r.left_on) or r.left_on > src.as_of
                if joined_ok and left_ok:
                    current.add(r.participant_id)
        st[f"{bloc}_member"] = st["participant_id"].isin(current)
    cols = [
        "participant_id",
        "name",
        "official_name",
        "kind",
        "iso2",
        "un_member",
        "region",
        "subregion",
        "lon",
        "lat",
        *[f"{b}_member" for b in config.BLOCS],
        "source_url",
    ]
    return st[cols]


def _frame(src: Sources, table: str, columns: list[str]) -> pd.DataFrame:
    df = src.tables[table]
    if not len(df):
        return pd.DataFrame(columns=columns)
    out = df.rename(columns={"_file": "source_file", "_row": "source_row"})
    return out[columns]


def write_release(src: Sources, path: Path, previous: Path | None = None) -> integrity.Digest:
    """Create the DuckDB file at `path` (which must not exist) from validated sources, with its changelog against
    the `previous` release; returns its content digest (also stored in dataset.content_sha256)."""
    schema = (config.ROOT / "dashboard" / "schema.sql").read_text()
    views = (config.ROOT / "dashboard" / "views.sql").read_text()
    con = duckdb.connect(str(path))
    try:
        con.execute(schema)
        built_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        con.execute(
            "INSERT INTO dataset (version, as_of, built_at, schema_version, source_digest, duckdb_version) "
            "VALUES ($version, $as_of, $built_at, $schema, $digest, $duckdb)",
            {
                "version": src.version,
                "as_of": src.as_of,
                "built_at": built_at,
                "schema": config.SCHEMA_VERSION,
                "digest": src.digest,
                "duckdb": duckdb.__version__,
            },
        )
        files = pd.DataFrame(src.files)[
            ["path", "table_name", "rows", "sha256", "title", "producer", "licence", "accessed", "notes"]
        ]
        tables = {
            "source_files": files,
            "participants": _participants(src),
            "memberships": _frame(src, "memberships", list(_cols("memberships"))),
            "instruments": _frame(src, "instruments", list(_cols("instruments"))),
            "actions": _with_id(_frame(src, "actions", [*_cols("actions"), "source_file", "source_row"]), "action_id"),
            "companies": _frame(src, "companies", list(_cols("companies"))),
            "stances": _with_id(_frame(src, "stances", [*_cols("stances"), "source_file", "source_row"]), "stance_id"),
            "events": _with_id(_frame(src, "events", list(_cols("events"))), "event_id"),
            "counts": _frame(src, "counts", list(_cols("counts"))),
        }
        for name, df in tables.items():
            con.register("incoming", df)
            cols = ", ".join(f'"{c}"' for c in df.columns)
            # Table and column names come from our own constants, never from the data.
            con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM incoming")  # noqa: S608
            con.unregister("incoming")
        con.execute(views)
        changelog.record_into(con, previous, src.version, src.as_of)
        digest = integrity.compute(con)  # last: everything else is written
        con.execute(f"UPDATE dataset SET {integrity.DIGEST_COLUMN} = $d", {"d": digest.content})  # noqa: S608
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return digest


def _cols(table: str) -> tuple[str, ...]:
    from dashboard.validate import TABLES

    return tuple(TABLES[table]["columns"])


def _with_id(df: pd.DataFrame, id_col: str) -> pd.DataFrame:
    sort = [
        c
        for c in (
            "instrument_id",
            "participant_id",
            "company_id",
            "action_date",
            "stance_date",
            "event_date",
            "source_file",
            "source_row",
        )
        if c in df.columns
    ]
    df = df.sort_values(sort, kind="stable").reset_index(drop=True)
    df.insert(0, id_col, range(1, len(df) + 1))
    return df
