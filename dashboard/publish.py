"""Publishing a release safely: the build lock, temporary names, never replacing a published file, the pointer
swap, pruning with a grace period, and reading the pointer by the same strict rules as the app.

See dashboard/build.py for the whole flow (its docstring says why each step is there).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import stat
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from dashboard import config, db, integrity

LOCK_NAME = ".build.lock"


DEFAULT_LOCK_TIMEOUT = 300.0  # seconds; a build of the real sources takes a few


DEFAULT_GRACE_MINUTES = 10.0


_TMP = re.compile(r"^\.(?:tmp|CURRENT\.tmp)-(\d+)(?:-[0-9a-f]+)?(?:\..*)?$")


class BuildBusy(Exception):
    """Another build of the same data dir held the lock for longer than the timeout; nothing was written."""


def read_pointer(data_dir: Path) -> Path | None:
    """The file data/CURRENT names, by the app's rules (db.pointer_target), or None if there is none or the pointer
    is unusable (then the next build replaces it)."""
    try:
        return db.pointer_target(data_dir)
    except db.DatasetUnavailable:
        return None


def served_release(data_dir: Path) -> tuple[Path | None, str | None]:
    """(the release the app would serve from this data dir, None) or (the file the pointer names if any, why the
    app would show its maintenance notice instead). The same checks as the app: pointer, file, content digest."""
    try:
        path = db.pointer_target(data_dir)
        rel = db.Release(str(path), "file", db._file_key(path))
        db.connect(rel).close()
    except db.DatasetUnavailable as exc:
        return read_pointer(data_dir), str(exc)
    return path, None


@contextlib.contextmanager
def build_lock(data_dir: Path, timeout: float = DEFAULT_LOCK_TIMEOUT):
    """Hold the data dir's build lock (an exclusive flock on data/.build.lock). A second build waits, saying so on
    stderr once, up to `timeout` seconds, then raises BuildBusy. The kernel drops the lock when its holder dies,
    so a killed build never leaves the data dir locked. The lock file itself stays (empty, gitignored)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"waiting for another build of {data_dir} to finish (lock {path}; giving up after {timeout:g} s)",
                file=sys.stderr,
                flush=True,
            )
            deadline = time.monotonic() + timeout
            while True:
                time.sleep(0.05)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise BuildBusy(f"another build of {data_dir} still holds {path} after {timeout:g} s") from None
        yield
    finally:
        os.close(fd)  # releases the lock


def warn(msg: str) -> None:
    print(f"warning: {msg}", file=sys.stderr, flush=True)


def fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def claim(releases: Path, base: str, tmp: Path, tmp_record: Path, digest: integrity.Digest) -> Path:
    """Publish `tmp` under the first free name base.duckdb, base-1.duckdb, … and its record beside it. os.link never
    replaces an existing file: a name that is taken (release or record) or was ever served here (its marker) is
    skipped, so a published release (which a reader may have open) is never overwritten, whatever else runs."""
    n = 0
    while True:
        final = releases / (f"{base}.duckdb" if n == 0 else f"{base}-{n}.duckdb")
        record = integrity.record_path(final)
        n += 1
        if os.path.lexists(final) or os.path.lexists(record) or os.path.lexists(marker_of(final)):
            continue  # taken, or used before: see prune
        tmp_record.write_text(digest.record(final.name), encoding="utf-8")
        fsync(tmp_record)
        try:
            link(tmp_record, record)
        except FileExistsError:
            continue
        try:
            link(tmp, final)
        except FileExistsError:
            record.unlink(missing_ok=True)
            continue
        return final


def link(src: Path, dst: Path) -> None:
    """Give the file `src` the second name `dst`; FileExistsError if `dst` exists (never replaced). os.link where
    the filesystem has hard links; elsewhere an exclusive create (O_EXCL) and a copy, then an fsync."""
    try:
        os.link(src, dst)
        return
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        with open(src, "rb") as fin, os.fdopen(fd, "wb", closefd=False) as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
            fout.flush()
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        dst.unlink(missing_ok=True)
        raise
    os.close(fd)


def replace_pointer(tmp: Path, data_dir: Path) -> None:
    """os.replace the pointer; a directory in its place (which os.replace cannot replace) is removed if empty, or
    moved aside to CURRENT.broken-<time> (and said so)."""
    ptr = data_dir / config.POINTER_NAME
    try:
        st = os.lstat(ptr)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        try:
            os.rmdir(ptr)
        except OSError:
            aside = data_dir / f"{config.POINTER_NAME}.broken-{datetime.now(UTC):%Y%m%dT%H%M%S}"
            os.rename(ptr, aside)
            warn(f"{ptr} was a directory; moved aside to {aside}")
    os.replace(tmp, ptr)


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this build has not made its own files yet: any with its pid are a dead namesake's
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def remove_stale_temps(data_dir: Path, releases: Path) -> None:
    """Remove temporary files left by dead builds (a killed or crashed one). A temp file of a live process is left
    alone, whoever it is. The pre-lock pointer temp name .CURRENT.tmp (no pid) is stale under the lock."""
    (data_dir / f".{config.POINTER_NAME}.tmp").unlink(missing_ok=True)
    for d in (releases, data_dir):
        for p in d.iterdir():
            m = _TMP.match(p.name)
            if not m or (d == data_dir and not p.name.startswith(f".{config.POINTER_NAME}.tmp-")):
                continue
            if not pid_alive(int(m.group(1))):
                p.unlink(missing_ok=True)


def marker_of(release: Path) -> Path:
    return release.with_name(f".{release.name}.superseded")


def mark_superseded(release: Path) -> None:
    """Record when `release` stopped being served (the marker's mtime); an older marker is kept."""
    try:
        fd = os.open(marker_of(release), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    except FileExistsError:
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.EACCES):
            raise
        return
    os.close(fd)


def prune(releases: Path, keep: int, served: Path, grace: float = 0.0) -> None:
    """Keep the served release and the newest others up to `keep` in all (sessions may still read the old one).
    Beyond that, a release is removed only once it stopped being served `grace` seconds ago or more (its marker's
    mtime; a release found without a marker gets one now). Its record goes with it; its marker stays."""
    files = sorted(
        (p for p in releases.glob("atlas-*.duckdb") if p.is_file()), key=lambda p: p.stat().st_mtime, reverse=True
    )
    marker_of(served).unlink(missing_ok=True)  # served again (e.g. a pointer rolled back by hand)
    kept = [served]
    now = time.time()
    for f in files:
        if f == served:
            continue
        if len(kept) < keep:
            kept.append(f)
            continue
        marker = marker_of(f)
        if not marker.exists():
            mark_superseded(f)
        try:
            since = marker.stat().st_mtime
        except OSError:
            since = now
        if now - since < grace:
            continue
        for p in (f, integrity.record_path(f), f.with_suffix(".duckdb.wal")):
            p.unlink(missing_ok=True)
        # The marker stays (an empty file): the name is never used again. DuckDB shares one database instance per
        # path within a process, so a server still holding the removed file open would go on reading it under a
        # new release that took its name.
    # Records whose release is gone (a crash between the two links, a release deleted by hand).
    for rec in releases.glob(f"atlas-*{integrity.RECORD_SUFFIX}"):
        if not (releases / (rec.name[: -len(integrity.RECORD_SUFFIX)] + ".duckdb")).exists():
            rec.unlink(missing_ok=True)


def verify(data_dir: Path | None = None) -> tuple[Path | None, str | None]:
    """The app's checks on the release data/CURRENT names, alone: (path, None) if it would be served, else
    (path or None, what is wrong)."""
    return served_release(Path(data_dir or config.DATA_DIR))
