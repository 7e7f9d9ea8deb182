"""The app's only way into the data: a read-only, locked-down DuckDB connection to one release.

ATLAS_DB chooses the database: unset -> the release named by data/CURRENT; a path to a .duckdb file; an
http(s):// or s3:// URL of a published release (read-only ATTACH, needs the httpfs extension); or `md:<db>`
(MotherDuck, needs its extension and a token). Whatever the source, the connection refuses writes, file access,
ATTACH and SET once opened.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import config, integrity

log = logging.getLogger(__name__)
REQUIRED_TABLES = (
    "dataset",
    "participants",
    "instruments",
    "actions",
    "companies",
    "stances",
    "events",
    "memberships",
    "source_files",
    "counts",
    "changelog",
)


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
    p = pointer_target(data_dir)
    return Release(str(p), "file", _file_key(p))


POINTER_MAX_BYTES = 4096


def pointer_target(data_dir: Path | None = None) -> Path:
    """The release file that data/CURRENT names, by one set of rules for the app and the build.

    Refused (DatasetUnavailable, with a reason fit for the maintenance notice): a pointer that is missing, not a
    regular file (a directory, a FIFO, a device: a FIFO is never opened, it would block), a link out of the data
    directory, longer than POINTER_MAX_BYTES, not UTF-8, empty, holding control or invisible characters (a NUL, a
    second line), an absolute path, or a path that leads out of the data directory. Whether the file it names
    exists is checked by the caller (`_file_key`)."""
    data_dir = Path(data_dir or config.DATA_DIR)
    ptr = data_dir / config.POINTER_NAME
    try:
        st = os.stat(ptr)  # follows a symlinked CURRENT; its target is confined below
    except FileNotFoundError:
        raise DatasetUnavailable(f"no published release: {ptr.name} is missing") from None
    except (OSError, ValueError) as exc:
        raise DatasetUnavailable(f"the release pointer {ptr.name} cannot be read ({type(exc).__name__})") from None
    if not stat.S_ISREG(st.st_mode):
        raise DatasetUnavailable(f"the release pointer {ptr.name} is not a regular file")
    try:
        root = data_dir.resolve()
        if not ptr.resolve().is_relative_to(root):
            raise DatasetUnavailable(f"the release pointer {ptr.name} is a link out of the data directory")
        fd = os.open(ptr, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # O_NONBLOCK: a FIFO swapped in never blocks
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise DatasetUnavailable(f"the release pointer {ptr.name} is not a regular file")
            raw = os.read(fd, POINTER_MAX_BYTES + 1)
        finally:
            os.close(fd)
    except (OSError, ValueError, RuntimeError) as exc:
        raise DatasetUnavailable(f"the release pointer {ptr.name} cannot be read ({type(exc).__name__})") from None
    if len(raw) > POINTER_MAX_BYTES:
        raise DatasetUnavailable(f"the release pointer {ptr.name} is longer than {POINTER_MAX_BYTES} bytes")
    try:
        rel = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise DatasetUnavailable(f"the release pointer {ptr.name} is not UTF-8 text") from None
    if not rel:
        raise DatasetUnavailable(f"the release pointer {ptr.name} is empty")
    if not rel.isprintable():
        raise DatasetUnavailable(f"the release pointer {ptr.name} holds control or invisible characters")
    if os.path.isabs(rel):
        raise DatasetUnavailable(
            f"the release pointer {ptr.name} is an absolute path (it must be relative to the data directory)"
        )
    try:
        p = (data_dir / rel).resolve()
    except (OSError, ValueError, RuntimeError) as exc:
        raise DatasetUnavailable(
            f"the release pointer {ptr.name} names a path that cannot be resolved ({type(exc).__name__})"
        ) from None
    if not p.is_relative_to(root):
        raise DatasetUnavailable("the release pointer points outside the data directory")
    return p


def _file_key(p: Path) -> str:
    try:
        st = p.stat()
    except (OSError, ValueError):
        raise DatasetUnavailable(f"the release file {p.name} is missing") from None
    if not stat.S_ISREG(st.st_mode):
        raise DatasetUnavailable(f"the release file {p.name} is not a regular file")
    return f"{p}:{st.st_size}:{st.st_mtime_ns}"


class ReleaseFile:
    """An open read-only handle on a release file, for "The DuckDB file" download.

    Opened when a page first uses the release, it keeps the file readable after the build prunes it (the inode lives
    while a handle is open), so a visitor's click returns the bytes of the release the page shows, never an error."""

    def __init__(self, fd: int, size: int) -> None:
        self._fd = fd
        self.size = size

    @classmethod
    def open(cls, release: Release) -> ReleaseFile | None:
        """The file of `release` if it is still the one the release names (same size and mtime), else None."""
        if release.kind != "file":
            return None
        try:
            fd = os.open(release.location, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except (OSError, ValueError):
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or release.key != f"{release.location}:{st.st_size}:{st.st_mtime_ns}":
                os.close(fd)
                return None
        except OSError:
            os.close(fd)
            return None
        return cls(fd, st.st_size)

    def read(self) -> bytes:
        chunks, off = [], 0
        while off < self.size:
            b = os.pread(self._fd, min(1 << 20, self.size - off), off)
            if not b:
                break
            chunks.append(b)
            off += len(b)
        return b"".join(chunks)

    def __del__(self) -> None:
        with contextlib.suppress(OSError, AttributeError, TypeError):
            os.close(self._fd)


def connect(release: Release) -> duckdb.DuckDBPyConnection:
    """Open `release` read-only, check it, then lock the connection's configuration."""
    con = None
    try:
        if release.kind == "file":
            _file_key(Path(release.location))  # a regular file: never hand DuckDB a FIFO (it would block)
            con = duckdb.connect(
                release.location,
                read_only=True,
                config={
                    "enable_external_access": False,
                    "autoinstall_known_extensions": False,
                    "autoload_known_extensions": False,
                },
            )
        elif release.kind == "remote":
            con = duckdb.connect(":memory:")
            con.execute("LOAD httpfs")
            con.execute("ATTACH $url AS atlas (READ_ONLY)", {"url": release.location})
            con.execute("USE atlas")
        else:
            con = duckdb.connect(release.location, read_only=True)
        _check(con, Path(release.location) if release.kind == "file" else None)
        # DuckDB shares one database instance per file within a process: a second connect to the same path
        # (e.g. after the file was touched and the cache key changed) gets the instance already locked.
        locked = con.execute("SELECT current_setting('lock_configuration')").fetchall()[0][0]
        if not locked:
            if release.kind != "file":
                con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        return con
    except DatasetUnavailable:
        _close_quietly(con)
        raise
    except (duckdb.Error, OSError, ValueError, TypeError) as exc:
        _close_quietly(con)
        # The details (with server paths) go to the server log only; visitors see the kind of failure.
        log.warning("cannot open data release %s: %s", release.location, exc)
        raise DatasetUnavailable(f"the data release could not be opened ({type(exc).__name__})") from None


def _close_quietly(con: duckdb.DuckDBPyConnection | None) -> None:
    if con is not None:
        with contextlib.suppress(duckdb.Error):
            con.close()


def _check(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> None:
    have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    missing = [t for t in REQUIRED_TABLES if t not in have]
    if missing:
        raise DatasetUnavailable(f"the data release is incomplete (missing {', '.join(missing)})")
    try:
        rows = con.execute("SELECT schema_version FROM dataset").fetchall()
    except duckdb.Error:
        raise DatasetUnavailable("the data release has no schema version") from None
    row = rows[0] if len(rows) == 1 else None
    if len(rows) > 1:
        raise DatasetUnavailable(f"the data release has {len(rows)} dataset rows instead of one")
    if row is None or row[0] != config.SCHEMA_VERSION:
        raise DatasetUnavailable(
            f"the data release has schema version {row and row[0]}, this app reads version {config.SCHEMA_VERSION}"
        )
    # Columns, views, one sane dataset row, and the content digest against the one recorded inside the file and in
    # its record beside it. Computing the digest reads every value of every table: a truncated or damaged file fails
    # here (block checksums), at open time, instead of halfway through a visitor's page. Once per file per process.
    found = integrity.checked_problems(con, path)
    if found:
        raise DatasetUnavailable("; ".join(found))


def query(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pd.DataFrame:
    """Run a bound query on a per-call cursor (connections are shared across sessions and threads)."""
    cur = con.cursor()
    try:
        return cur.execute(sql, params or {}).df()
    finally:
        cur.close()
