"""Broken and tampered data dirs for the tests of the pointer rules and of the release's tamper evidence.

Each function changes a writable copy of a published data dir (CURRENT + releases/ with one release and its digest
record), the way the reliability probe of 2026-12 did (sections 2e-2k and 6b)."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb

from dashboard import integrity


def _copy_if_there(src: Path | None, dst: Path, text: str | None = None) -> None:
    """Write a record only where the build made one (so these helpers also run against the code before records)."""
    if src is not None and src.exists():
        shutil.copyfile(src, dst)
    elif src is None and dst.exists():
        dst.write_text(text, encoding="utf-8")


def served(data_dir: Path) -> Path:
    return data_dir / (data_dir / "CURRENT").read_text(encoding="utf-8").strip()


def record(data_dir: Path) -> Path:
    return integrity.record_path(served(data_dir))


def sql(*statements: str, refresh: bool = False) -> Callable[[Path], None]:
    """Run SQL on the served release in place. refresh=True then also rewrites the digest inside the file and its
    record beside it, as a tamperer with write access to data/ would: only the other rules can catch that."""

    def apply(data_dir: Path) -> None:
        path = served(data_dir)
        con = duckdb.connect(str(path))
        try:
            for s in statements:
                con.execute(s)
            if refresh:
                d = integrity.compute(con)
                cols = {r[0] for r in con.execute("DESCRIBE dataset").fetchall()}
                if integrity.DIGEST_COLUMN in cols:
                    con.execute(f"UPDATE dataset SET {integrity.DIGEST_COLUMN} = $d", {"d": d.content})
                _copy_if_there(None, integrity.record_path(path), d.record(path.name))
            con.execute("CHECKPOINT")
        finally:
            con.close()

    return apply


def pointer_bytes(raw: bytes) -> Callable[[Path], None]:
    def apply(data_dir: Path) -> None:
        (data_dir / "CURRENT").write_bytes(raw)

    return apply


def pointer_dir(with_file: bool = False) -> Callable[[Path], None]:
    def apply(data_dir: Path) -> None:
        ptr = data_dir / "CURRENT"
        ptr.unlink()
        ptr.mkdir()
        if with_file:
            (ptr / "note.txt").write_text("left here\n")

    return apply


def pointer_fifo(data_dir: Path) -> None:
    ptr = data_dir / "CURRENT"
    ptr.unlink()
    os.mkfifo(ptr)


def release_fifo(data_dir: Path) -> None:
    """CURRENT names a FIFO in releases/ (with a record, so only the file type is wrong)."""
    fifo = data_dir / "releases" / "atlas-fifo.duckdb"
    os.mkfifo(fifo)
    _copy_if_there(record(data_dir), integrity.record_path(fifo))
    (data_dir / "CURRENT").write_text("releases/atlas-fifo.duckdb\n", encoding="utf-8")


def outside(kind: str) -> Callable[[Path], None]:
    """CURRENT names a copy of the release outside the data dir: by ../, by an absolute path, or through a symlink
    inside releases/ that leads out."""

    def apply(data_dir: Path) -> None:
        out = data_dir.parent / f"outside-{kind}"
        out.mkdir()
        copy = out / served(data_dir).name
        shutil.copyfile(served(data_dir), copy)
        _copy_if_there(record(data_dir), integrity.record_path(copy))
        if kind == "dotdot":
            target = f"../{out.name}/{copy.name}"
        elif kind == "absolute":
            target = str(copy)
        else:
            link = data_dir / "releases" / "atlas-link.duckdb"
            link.symlink_to(copy)
            target = f"releases/{link.name}"
        (data_dir / "CURRENT").write_text(target + "\n", encoding="utf-8")

    return apply


def drop_record(data_dir: Path) -> None:
    record(data_dir).unlink(missing_ok=True)


@contextlib.contextmanager
def fifo_unblocker(data_dir: Path, after: float = 10.0):
    """A watchdog for code that must never open a FIFO: `after` seconds into the block (and at its end), open every
    FIFO in the data dir for writing and close it again. A reader stuck in open() then gets end-of-file, so a failing
    test fails instead of hanging the suite. Yields a dict whose "fired" says whether anyone was stuck."""
    state = {"fired": False}

    def unblock() -> None:
        for p in [data_dir / "CURRENT", *(data_dir / "releases").glob("*")]:
            with contextlib.suppress(OSError):
                if p.is_fifo():
                    for _ in range(50):
                        try:
                            os.close(os.open(p, os.O_WRONLY | os.O_NONBLOCK))
                            state["fired"] = True  # somebody had it open for reading
                        except OSError as exc:
                            if exc.errno != errno.ENXIO:  # ENXIO: nobody is reading
                                raise
                            break

    stop = threading.Event()

    def watch() -> None:  # again and again: a reader may open the FIFO more than once
        if not stop.wait(after):
            while not stop.wait(0.2):
                unblock()

    threading.Thread(target=watch, daemon=True).start()
    try:
        yield state
    finally:
        stop.set()
        unblock()


def run_with_timeout(fn: Callable[[], object], timeout: float = 20.0):
    """fn() in a daemon thread; (finished, result or exception)."""
    out: dict = {}

    def target() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:
            out["error"] = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    return (not t.is_alive()), out.get("error", out.get("value"))


# name -> (mutation, a phrase of the reason the app and --verify must give)
TAMPERED: dict[str, tuple[Callable[[Path], None], str]] = {
    # 6b: rows deleted, unverified rows marked verified with a forged source
    "rows-changed": (
        sql(
            "DELETE FROM actions WHERE instrument_id = 'cets-225' AND participant_id IN ('FRA', 'GBR')",
            "UPDATE actions SET verified = true, source_url = 'https://example.invalid/forged' WHERE NOT verified",
        ),
        "does not match its recorded digest (tables changed: actions)",
    ),
    # 6b, a careful tamperer: the digest inside rewritten too; the record beside the file still tells
    "digest-inside-rewritten": (lambda d: _rewrite_inside(d), "does not match its record"),
    "record-missing": (drop_record, "has no digest record"),
    # 2j: a column dropped; a view dropped
    "column-dropped": (sql("ALTER TABLE events DROP COLUMN verified"), "lacks column events.verified"),
    "view-dropped": (sql("DROP VIEW unverified"), "lacks view or macro unverified"),
    # 2k: a second dataset row; as-of dates out of range (digest and record rewritten to fit)
    "two-dataset-rows": (
        sql(
            "INSERT INTO dataset SELECT * REPLACE ('9999.1' AS version, DATE '2020-01-01' AS as_of) FROM dataset",
            refresh=True,
        ),
        "2 dataset rows instead of one",
    ),
    "as-of-2099": (sql("UPDATE dataset SET as_of = DATE '2099-12-31'", refresh=True), "as-of date 2099-12-31 is after"),
    "as-of-1990": (
        sql("UPDATE dataset SET as_of = DATE '1990-01-01'", refresh=True),
        "as-of date 1990-01-01 is before 2015-01-01",
    ),
}


def _rewrite_inside(data_dir: Path) -> None:
    rec = record(data_dir).read_bytes() if record(data_dir).exists() else None
    sql("UPDATE actions SET verified = true WHERE NOT verified", refresh=True)(data_dir)
    if rec is not None:
        record(data_dir).write_bytes(rec)  # the record as the build wrote it


BAD_POINTERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "nul-byte": (pointer_bytes(b"releases/atlas-x.duckdb\x00\n"), "control or invisible characters"),
    "invalid-utf8": (pointer_bytes(b"releases/atlas-\xff.duckdb\n"), "not UTF-8"),
    "directory": (pointer_dir(), "is not a regular file"),
    "directory-with-files": (pointer_dir(with_file=True), "is not a regular file"),
    "fifo-pointer": (pointer_fifo, "is not a regular file"),
    "fifo-release": (release_fifo, "atlas-fifo.duckdb is not a regular file"),
    "dotdot-outside": (outside("dotdot"), "outside the data directory"),
    "absolute-outside": (outside("absolute"), "absolute path"),
    "symlink-outside": (outside("symlink"), "outside the data directory"),
}
