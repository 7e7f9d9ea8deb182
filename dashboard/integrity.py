"""Tamper evidence for a release: a digest of its whole content, recorded at build time and checked when opened.

The content digest is a sha256 over, for every base table of the file (sorted by name): the table's name, its columns
(name and type, in order), its row count and its rows (each row as DuckDB's JSON of it, the rows sorted by that
text, so physical row order does not matter), plus the definitions of the file's views and macros. Nothing is
hard-coded: a table or column added to schema.sql is covered by the next build.

The build stores the digest twice: in the `dataset` row (column `content_sha256`, which is the one value left out of
the digest) and in a record beside the release, `<stem>.digest.json`, which also holds one digest per table. The
record is a small text file: a pull request that changes the binary release shows it changing too, or the app
refuses the release. `tests/test_release.py` rebuilds the committed release from data/sources and compares the
per-table digests, so a release and record changed together are caught there.

The app checks a release once per file per process (memoised on the file's and the record's stat): any problem is a
DatasetUnavailable (the maintenance notice), never an exception in a page or a silently wrong date.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import duckdb

from dashboard import config

FORMAT = "atlas-content-v1"
DIGEST_COLUMN = "content_sha256"  # in `dataset`; the only value not covered by the digest (it holds it)
RECORD_SUFFIX = ".digest.json"
# The as-of date is the day the facts were last checked. Before 2015 the Atlas has nothing to show (the sidebar's date
# picker starts on 2015-01-01 and a later minimum than maximum breaks every page); after tomorrow (UTC) it is not a
# check date but a typo or a forgery ("Data as of 31 December 2099"). One day of slack covers time zones ahead of UTC.
MIN_AS_OF = date(2015, 1, 1)
MAX_AS_OF_AHEAD = timedelta(days=1)


@dataclass(frozen=True)
class Digest:
    content: str  # sha256 of everything below
    tables: dict[str, str]  # table name -> sha256 of its name, columns and rows
    objects: str  # sha256 of the views' and macros' definitions

    def record(self, release_name: str) -> str:
        """The text of the record file written beside the release."""
        return (
            json.dumps(
                {
                    "format": FORMAT,
                    "release": release_name,
                    "content_sha256": self.content,
                    "tables": self.tables,
                    "views_and_macros": self.objects,
                },
                indent=2,
                sort_keys=True,
            )
            + "\n"
        )


def record_path(release: Path) -> Path:
    """Where the build writes the digest record of `release` (atlas-x.duckdb -> atlas-x.digest.json)."""
    return release.with_name(release.stem + RECORD_SUFFIX)


def _sha(obj) -> str:
    return hashlib.sha256(json.dumps(obj, separators=(",", ":"), ensure_ascii=True).encode()).hexdigest()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class _Catalog:
    tables: dict[str, list[tuple[str, str]]]  # table -> [(column, type)] in order
    views: list[tuple[str, str]]  # (name, sql)
    macros: list[tuple[str, str, str, str]]  # (name, type, parameters, definition)


def _catalog(con: duckdb.DuckDBPyConnection) -> _Catalog:
    """The file's tables, columns, views and macros, in four catalog queries (duckdb_functions() alone lists every
    built-in function: ~10 ms, so it is read once)."""
    where = {"db": con.execute("SELECT current_database()").fetchall()[0][0]}
    tables: dict[str, list[tuple[str, str]]] = {
        r[0]: []
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = $db AND schema_name = 'main' AND NOT internal "
            "ORDER BY table_name",
            where,
        ).fetchall()
    }
    for t, c, ty in con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = $db "
        "AND schema_name = 'main' ORDER BY table_name, column_index",
        where,
    ).fetchall():
        if t in tables:
            tables[t].append((c, str(ty)))
    views = [
        tuple(v)
        for v in con.execute(
            "SELECT view_name, sql FROM duckdb_views() WHERE database_name = $db AND schema_name = 'main' "
            "AND NOT internal ORDER BY view_name",
            where,
        ).fetchall()
    ]
    macros = [
        tuple(m)
        for m in con.execute(
            "SELECT function_name, function_type, CAST(parameters AS VARCHAR), macro_definition FROM duckdb_functions() "
            "WHERE database_name = $db AND schema_name = 'main' AND NOT internal "
            "AND function_type IN ('macro', 'table_macro') ORDER BY ALL",
            where,
        ).fetchall()
    ]
    return _Catalog(tables, views, macros)


def compute(con: duckdb.DuckDBPyConnection, catalog: _Catalog | None = None) -> Digest:
    """The content digest of the database `con` is using (reads every value of every table once)."""
    cat = catalog or _catalog(con)
    per_table: dict[str, str] = {}
    for t, all_cols in cat.tables.items():
        cols = [c for c in all_cols if not (t == "dataset" and c[0] == DIGEST_COLUMN)]
        select = ", ".join(_ident(c) for c, _ in cols) or "NULL"
        # Identifiers are quoted (a tampered file may hold any name); the alias cannot shadow a column silently:
        # a column of that name changes the column list, hence the digest.
        n, rows = con.execute(
            f"SELECT count(*), sha256(coalesce(string_agg(j, chr(10) ORDER BY j), '')) FROM ("  # noqa: S608
            f"SELECT CAST(to_json(__atlas_row) AS VARCHAR) AS j FROM (SELECT {select} FROM main.{_ident(t)}) "
            f"AS __atlas_row)"
        ).fetchall()[0]
        per_table[t] = _sha({"table": t, "columns": cols, "rows": n, "rows_sha256": rows})
    objects = _sha({"views": [list(v) for v in cat.views], "macros": [list(m) for m in cat.macros]})
    content = _sha({"format": FORMAT, "tables": per_table, "views_and_macros": objects})
    return Digest(content, per_table, objects)


@lru_cache(maxsize=1)
def expected_schema() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...], tuple[str, ...]]:
    """(table -> columns, views, macros) that this app's schema.sql and views.sql create: what a release must have."""
    schema = (config.ROOT / "dashboard" / "schema.sql").read_text()
    views = (config.ROOT / "dashboard" / "views.sql").read_text()
    con = duckdb.connect(
        ":memory:",
        config={
            "enable_external_access": False,
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
        },
    )
    try:
        con.execute(schema)
        con.execute(views)
        cols: dict[str, list[str]] = {}
        for t, c in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal "
            "AND database_name = current_database() ORDER BY table_name, column_index"
        ).fetchall():
            cols.setdefault(t, []).append(c)
        view_names = tuple(
            r[0]
            for r in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal AND database_name = current_database() "
                "ORDER BY 1"
            ).fetchall()
        )
        macro_names = tuple(
            r[0]
            for r in con.execute(
                "SELECT DISTINCT function_name FROM duckdb_functions() WHERE NOT internal "
                "AND database_name = current_database() AND function_type IN ('macro', 'table_macro') "
                "ORDER BY 1"
            ).fetchall()
        )
    finally:
        con.close()
    tables = {t: tuple(c) for t, c in cols.items() if t not in view_names}
    return tables, view_names, macro_names


def as_of_problem(as_of, built_at=None, today: date | None = None) -> str | None:
    """Why this as-of date cannot be served (None if it is sane)."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    if not isinstance(as_of, date):
        return f"its as-of date {as_of!r} is not a date"
    today = today or datetime.now(UTC).date()
    latest, after = today + MAX_AS_OF_AHEAD, "tomorrow"
    if isinstance(built_at, datetime) and built_at.date() + MAX_AS_OF_AHEAD < latest:
        latest, after = built_at.date() + MAX_AS_OF_AHEAD, "the day after the release was built"
    if as_of < MIN_AS_OF:
        return f"its as-of date {as_of} is before {MIN_AS_OF}"
    if as_of > latest:
        return f"its as-of date {as_of} is after {latest} ({after})"
    return None


def problems(con: duckdb.DuckDBPyConnection, release: Path | None = None) -> list[str]:
    """Everything that makes the open release unfit to serve, as short sentences (no server paths).

    `release` is the file behind `con` when it is a local file: its record beside it is then compared too. A
    release inside a data directory (`…/releases/` beside a CURRENT pointer) must have its record; a file elsewhere
    (ATLAS_DB) is compared with its record when it has one, and always with the digest stored inside it."""
    cat = _catalog(con)
    have_tables = set(cat.tables)
    have_cols = {(t, c) for t, cs in cat.tables.items() for c, _ in cs}
    have_views = {v[0] for v in cat.views}
    have_macros = {m[0] for m in cat.macros}
    tables, views, macros = expected_schema()
    missing_tables = [t for t in tables if t not in have_tables]
    if missing_tables:
        return [f"the data release is incomplete (missing table {', '.join(missing_tables)})"]
    out: list[str] = []
    missing_cols = [f"{t}.{c}" for t, cs in tables.items() for c in cs if (t, c) not in have_cols]
    if missing_cols:
        if missing_cols == [f"dataset.{DIGEST_COLUMN}"]:
            return [
                "the data release records no content digest (built before releases were tamper-evident: rebuild it)"
            ]
        out.append(f"the data release lacks column {', '.join(missing_cols)}")
    missing_objs = [v for v in views if v not in have_views] + [m for m in macros if m not in have_macros]
    if missing_objs:
        out.append(f"the data release lacks view or macro {', '.join(missing_objs)}")
    n = con.execute("SELECT count(*) FROM dataset").fetchall()[0][0]
    if n != 1:
        out.append(f"the data release has {n} dataset rows instead of one")
    elif ("dataset", "as_of") in have_cols and ("dataset", "built_at") in have_cols:
        as_of, built_at = con.execute("SELECT as_of, built_at FROM dataset").fetchall()[0]
        why = as_of_problem(as_of, built_at)
        if why:
            out.append(f"the data release is not sane: {why}")
    if out or ("dataset", DIGEST_COLUMN) not in have_cols:
        return out
    stored = con.execute(f"SELECT {DIGEST_COLUMN} FROM dataset").fetchall()[0][0]  # noqa: S608 - our constant
    digest = compute(con, cat)
    record = _read_record(release) if release is not None else None
    if isinstance(record, str):
        return [record]
    if record is None and release is not None and _inside_data_dir(release):
        return [f"the data release has no digest record ({record_path(release).name} is missing)"]
    inside_ok = digest.content == stored
    record_ok = record is None or record.get("content_sha256") == digest.content
    if not inside_ok and not record_ok:
        out.append("the data release does not match its recorded digest" + _changed(digest, record))
    elif not record_ok:  # the digest inside was rewritten to fit: only the record beside it tells
        out.append(f"the data release does not match its record {record_path(release).name}" + _changed(digest, record))
    elif not inside_ok:
        out.append("the data release does not match the digest recorded inside it")
    return out


def _changed(digest: Digest, record: dict | None) -> str:
    if not record or not isinstance(record.get("tables"), dict):
        return ""
    rec = record["tables"]
    names = sorted(set(rec) | set(digest.tables))
    changed = [t for t in names if rec.get(t) != digest.tables.get(t)]
    parts = []
    if changed:
        parts.append("tables changed: " + ", ".join(changed))
    if record.get("views_and_macros") != digest.objects:
        parts.append("views or macros changed")
    return f" ({'; '.join(parts)})" if parts else ""


def _inside_data_dir(release: Path) -> bool:
    parent = release.parent
    return parent.name == config.RELEASES_DIRNAME and os.path.lexists(parent.parent / config.POINTER_NAME)


def _read_record(release: Path) -> dict | str | None:
    """The record beside `release` (None if there is none, a problem sentence if it is unreadable)."""
    path = record_path(release)
    name = path.name
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return f"the digest record {name} cannot be read"
    if not stat.S_ISREG(st.st_mode) or st.st_size > 1_000_000:
        return f"the digest record {name} is not a small regular file"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        try:
            raw = os.read(fd, 1_000_001)
        finally:
            os.close(fd)
        rec = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError):
        return f"the digest record {name} is not valid JSON"
    if not isinstance(rec, dict) or rec.get("format") != FORMAT or not isinstance(rec.get("content_sha256"), str):
        return f"the digest record {name} is not an {FORMAT} record"
    return rec


# --- once per file per process ---------------------------------------------------------------------------------

_MEMO: dict[tuple, tuple[str, ...]] = {}
_MEMO_LOCK = threading.Lock()


def _stat_key(p: Path) -> tuple:
    try:
        st = os.stat(p)
    except (OSError, ValueError):
        return (str(p), None)
    # ctime and inode too: mtime can be set back by hand, ctime cannot.
    return (str(p), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def checked_problems(con: duckdb.DuckDBPyConnection, release: Path | None) -> tuple[str, ...]:
    """`problems`, memoised on the release file's and its record's stat (a local file is checked once per process
    until it or its record changes). Other releases (remote, MotherDuck) are checked at every open."""
    if release is None:
        return tuple(problems(con, None))
    key = (_stat_key(release), _stat_key(record_path(release)))
    with _MEMO_LOCK:
        if key in _MEMO:
            return _MEMO[key]
    found = tuple(problems(con, release))
    with _MEMO_LOCK:
        _MEMO[key] = found
        while len(_MEMO) > 64:
            _MEMO.pop(next(iter(_MEMO)))
    return found
