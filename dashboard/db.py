"""The app's only way into the data: a read-only, locked-down DuckDB connection to one release.

ATLAS_DB chooses the database: unset -> the release named by data/CURRENT; a path to a .duckdb file; an
http(s):// or s3:// URL of a published release (read-only ATTACH, needs the httpfs extension); or `md:<db>`
(MotherDuck, needs its extension and a token). Whatever the source, the connection refuses writes, file access,
ATTACH and SET once opened.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import config

log = logging.getLogger(__name__)
REQUIRED_TABLES = ("dataset", "participants", "instruments", "actions", "companies", "stances", "events",
                   "memberships", "source_files", "counts", "changelog")


class DatasetUnavailable(Exception):
    """The release cannot be served (missing, truncated, written by a newer DuckDB, wrong schema)."""


@dataclass(frozen=True)
class Release:
    """Where the served data lives. `key` changes whenever a new release is published (cache key)."""

    location: str
    kind: str  # file | remote | motherduck
    key: str


def resolve_release(data_dir: Path | None = None) -> Release:
    """Read the pointer (or ATLAS_DB) once; a script run uses the answer for all its queries."""
    setting = os.environ.get("ATLAS_DB", "").strip()
    if setting.startswith("md:"):
        return Release(setting, "motherduck", setting)
    if re.match(r"^(https?|s3)://", setting):
        return Release(setting, "remote", setting)
    if setting:
        p = Path(setting)
        if not p.is_absolute():
            p = config.ROOT / p
        return Release(str(p), "file", _file_key(p))
    data_dir = Path(data_dir or config.DATA_DIR)
    ptr = data_dir / config.POINTER_NAME
    try:
        rel = ptr.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise DatasetUnavailable(f"no published release: {ptr.name} is missing ({exc.strerror})") from None
    p = (data_dir / rel).resolve()
    if not p.is_relative_to(data_dir.resolve()):
        raise DatasetUnavailable("the release pointer points outside the data directory")
    return Release(str(p), "file", _file_key(p))


def _file_key(p: Path) -> str:
    try:
        st = p.stat()
    except OSError:
        raise DatasetUnavailable(f"the release file {p.name} is missing") from None
    return f"{p}:{st.st_size}:{st.st_mtime_ns}"


def connect(release: Release) -> duckdb.DuckDBPyConnection:
    """Open `release` read-only, check it, then lock the connection's configuration."""
    try:
        if release.kind == "file":
            con = duckdb.connect(release.location, read_only=True, config={
                "enable_external_access": False,
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
            })
        elif release.kind == "remote":
            con = duckdb.connect(":memory:")
            con.execute("LOAD httpfs")
            con.execute("ATTACH $url AS atlas (READ_ONLY)", {"url": release.location})
            con.execute("USE atlas")
        else:
            con = duckdb.connect(release.location, read_only=True)
        _check(con)
        # DuckDB shares one database instance per file within a process: a second connect to the same path
        # (e.g. after the file was touched and the cache key changed) gets the instance already locked.
        locked = con.execute("SELECT current_setting('lock_configuration')").fetchall()[0][0]
        if not locked:
            if release.kind != "file":
                con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        return con
    except DatasetUnavailable:
        raise
    except (duckdb.Error, OSError) as exc:
        # The details (with server paths) go to the server log only; visitors see the kind of failure.
        log.warning("cannot open data release %s: %s", release.location, exc)
        raise DatasetUnavailable(f"the data release could not be opened ({type(exc).__name__})") from None


def _check(con: duckdb.DuckDBPyConnection) -> None:
    have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    missing = [t for t in REQUIRED_TABLES if t not in have]
    if missing:
        raise DatasetUnavailable(f"the data release is incomplete (missing {', '.join(missing)})")
    rows = con.execute("SELECT schema_version FROM dataset").fetchall()
    row = rows[0] if rows else None
    if row is None or row[0] != config.SCHEMA_VERSION:
        raise DatasetUnavailable(f"the data release has schema version {row and row[0]}, this app reads "
                                 f"version {config.SCHEMA_VERSION}")
    # Read every column of every table once: a truncated or damaged file fails here (block checksums), at open
    # time, instead of halfway through a visitor's page. The tables are small; this costs milliseconds.
    for table in REQUIRED_TABLES:
        # Table names are our own constants, never input.
        con.sql(f"SELECT * FROM {table}").to_arrow_table()  # noqa: S608


def query(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pd.DataFrame:
    """Run a bound query on a per-call cursor (connections are shared across sessions and threads)."""
    cur = con.cursor()
    try:
        return cur.execute(sql, params or {}).df()
    finally:
        cur.close()
