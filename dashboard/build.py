"""python -m dashboard.build: data/sources -> validated -> a new DuckDB release, swapped in atomically.

Releases live in data/releases/; data/CURRENT names the served one. The build never writes the served file: it
writes a new one beside it, checks it, then replaces the pointer with os.replace (atomic on POSIX). A failed or
killed build leaves the served file and the pointer byte-for-byte as they were.

Concurrent builds: a build holds an exclusive lock on data/.build.lock (fcntl.flock) from reading the pointer to
pruning; a second build of the same data dir waits for it (saying so on stderr) up to --lock-timeout seconds, then
gives up without writing anything. Temporary files carry the build's pid and a random token, and only temporary
files of dead processes are removed. A release file is published with os.link, which never replaces an existing
file, so no two builds ever publish under one name.

Tamper evidence (dashboard/integrity.py): each release records a digest of its whole content inside itself and in
<stem>.digest.json beside it. "up to date" is only said of a served release that passes the app's own checks;
--verify runs those checks on the served release alone.

Pruning: the served release and the newest others up to --keep stay; a release that stopped being served less
than --grace minutes ago also stays (its time is the mtime of releases/.<name>.superseded), so a server still
showing it to a visitor, or offering it for download, keeps it. The marker outlives the release: a name is never
published twice.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import os
import re
import secrets
import shutil
import stat
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import config, db, integrity
from dashboard.validate import Problem, Sources, load_sources

LOCK_NAME = ".build.lock"
DEFAULT_LOCK_TIMEOUT = 300.0  # seconds; a build of the real sources takes a few
DEFAULT_GRACE_MINUTES = 10.0
_TMP = re.compile(r"^\.(?:tmp|CURRENT\.tmp)-(\d+)(?:-[0-9a-f]+)?(?:\..*)?$")


class BuildError(Exception):
    """The sources have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the sources")


def _crash_point(name: str) -> None:
    """Test hook: ATLAS_BUILD_CRASH_AT=<name> kills the process here, as a power cut would."""
    if os.environ.get("ATLAS_BUILD_CRASH_AT") == name:
        os._exit(137)


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
            print(f"waiting for another build of {data_dir} to finish (lock {path}; giving up after {timeout:g} s)",
                  file=sys.stderr, flush=True)
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


def _previous_rows(current: Path | None) -> dict[str, int]:
    if current is None or not current.exists():
        return {}
    try:
        with duckdb.connect(str(current), read_only=True) as con:
            return dict(con.execute("SELECT path, rows FROM source_files").fetchall())
    except duckdb.Error:
        return {}


def _previous_digest(current: Path | None) -> str | None:
    if current is None or not current.exists():
        return None
    try:
        with duckdb.connect(str(current), read_only=True) as con:
            return con.execute("SELECT source_digest FROM dataset").fetchone()[0]
    except duckdb.Error:
        return None


def _participants(src: Sources) -> pd.DataFrame:
    st = src.tables["states"].copy()
    orgs = src.tables["organisations"]
    if len(orgs):
        o = pd.DataFrame({
            "participant_id": orgs["participant_id"], "name": orgs["name"], "official_name": orgs["name"],
            "kind": "organisation", "iso2": None, "un_member": False, "region": orgs["region"], "subregion": None,
            "lon": None, "lat": None, "source_url": orgs["source_url"],
        })
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
    cols = ["participant_id", "name", "official_name", "kind", "iso2", "un_member", "region", "subregion", "lon", "lat",
            *[f"{b}_member" for b in config.BLOCS], "source_url"]
    return st[cols]


def _frame(src: Sources, table: str, columns: list[str]) -> pd.DataFrame:
    df = src.tables[table]
    if not len(df):
        return pd.DataFrame(columns=columns)
    out = df.rename(columns={"_file": "source_file", "_row": "source_row"})
    return out[columns]


def write_release(src: Sources, path: Path) -> integrity.Digest:
    """Create the DuckDB file at `path` (which must not exist) from validated sources; returns its content digest
    (also stored in dataset.content_sha256)."""
    schema = (config.ROOT / "dashboard" / "schema.sql").read_text()
    views = (config.ROOT / "dashboard" / "views.sql").read_text()
    con = duckdb.connect(str(path))
    try:
        con.execute(schema)
        built_at = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        con.execute(
            "INSERT INTO dataset (version, as_of, built_at, schema_version, source_digest, duckdb_version) "
            "VALUES ($version, $as_of, $built_at, $schema, $digest, $duckdb)",
            {"version": src.version, "as_of": src.as_of, "built_at": built_at, "schema": config.SCHEMA_VERSION,
             "digest": src.digest, "duckdb": duckdb.__version__},
        )
        files = pd.DataFrame(src.files)[["path", "table_name", "rows", "sha256", "title", "producer", "licence",
                                         "accessed", "notes"]]
        tables = {
            "source_files": files,
            "participants": _participants(src),
            "memberships": _frame(src, "memberships", ["participant_id", "bloc", "joined_on", "left_on", "source_url",
                                                       "verified", "note"]),
            "instruments": _frame(src, "instruments", list(_cols("instruments"))),
            "actions": _with_id(_frame(src, "actions", [*_cols("actions"), "source_file", "source_row"]), "action_id"),
            "companies": _frame(src, "companies", list(_cols("companies"))),
            "stances": _with_id(_frame(src, "stances", [*_cols("stances"), "source_file", "source_row"]), "stance_id"),
            "events": _with_id(_frame(src, "events", list(_cols("events"))), "event_id"),
        }
        for name, df in tables.items():
            con.register("incoming", df)
            cols = ", ".join(f'"{c}"' for c in df.columns)
            # Table and column names come from our own constants, never from the data.
            con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM incoming")  # noqa: S608
            con.unregister("incoming")
        con.execute(views)
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
    sort = [c for c in ("instrument_id", "participant_id", "company_id", "action_date", "stance_date", "event_date",
                        "source_file", "source_row") if c in df.columns]
    df = df.sort_values(sort, kind="stable").reset_index(drop=True)
    df.insert(0, id_col, range(1, len(df) + 1))
    return df


def build(sources_dir: Path | None = None, data_dir: Path | None = None, *, allow_shrink: bool = False,
          keep: int = 2, force: bool = False, grace_minutes: float = DEFAULT_GRACE_MINUTES,
          lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> tuple[Path, bool]:
    """Validate and publish. Returns (served release path, whether a new release was written)."""
    sources_dir = Path(sources_dir or config.SOURCES_DIR)
    data_dir = Path(data_dir or config.DATA_DIR)
    with build_lock(data_dir, lock_timeout):
        return _build_locked(sources_dir, data_dir, allow_shrink=allow_shrink, keep=keep, force=force,
                             grace=grace_minutes * 60)


def _warn(msg: str) -> None:
    print(f"warning: {msg}", file=sys.stderr, flush=True)


def _build_locked(sources_dir: Path, data_dir: Path, *, allow_shrink: bool, keep: int, force: bool,
                  grace: float) -> tuple[Path, bool]:
    current, problem = served_release(data_dir)
    if problem:
        if os.path.lexists(data_dir / config.POINTER_NAME):
            _warn(f"the served release cannot be used: {problem}; a new release will be published from the sources"
                  + (" (the shrink guard has no previous release to compare with)" if current else ""))
        current_ok = None
    else:
        current_ok = current
    _crash_point("load")
    src = load_sources(sources_dir, previous_rows=_previous_rows(current_ok), allow_shrink=allow_shrink)
    _crash_point("validate")
    if src.as_of is not None:
        why = integrity.as_of_problem(src.as_of)
        if why:
            src.add("dataset.yml", 0, "as_of", f"{why.removeprefix('its ')}: the app would refuse the release")
    if src.problems:
        raise BuildError(src.problems)
    if not force and current_ok is not None and _previous_digest(current_ok) == src.digest:
        return current_ok, False
    releases = data_dir / config.RELEASES_DIRNAME
    releases.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(data_dir, releases)
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    tmp = releases / f".tmp-{token}.duckdb"
    tmp_record = releases / f".tmp-{token}{integrity.RECORD_SUFFIX}"
    ptr_tmp = data_dir / f".{config.POINTER_NAME}.tmp-{token}"
    try:
        digest = write_release(src, tmp)
        _crash_point("write")
        _fsync(tmp)
        base = f"atlas-{src.as_of}-{src.digest[:12]}"
        final = _claim(releases, base, tmp, tmp_record, digest)
        tmp.unlink()
        tmp_record.unlink()
        ptr_tmp.write_text(f"{config.RELEASES_DIRNAME}/{final.name}\n", encoding="utf-8")
        _fsync(ptr_tmp)
        _crash_point("swap")
        _replace_pointer(ptr_tmp, data_dir)
        _fsync_dir(data_dir)
    except BaseException:
        for p in (tmp, tmp.with_suffix(".duckdb.wal"), tmp_record, ptr_tmp):
            p.unlink(missing_ok=True)
        raise
    if current is not None and current.parent == releases.resolve() and current != final.resolve():
        _mark_superseded(current)
    _prune(releases, keep, final, grace=grace)
    return final, True


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
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


def _claim(releases: Path, base: str, tmp: Path, tmp_record: Path, digest: integrity.Digest) -> Path:
    """Publish `tmp` under the first free name base.duckdb, base-1.duckdb, … and its record beside it. os.link never
    replaces an existing file: a name that is taken (release or record) or was ever served here (its marker) is
    skipped, so a published release (which a reader may have open) is never overwritten, whatever else runs."""
    n = 0
    while True:
        final = releases / (f"{base}.duckdb" if n == 0 else f"{base}-{n}.duckdb")
        record = integrity.record_path(final)
        n += 1
        if os.path.lexists(final) or os.path.lexists(record) or os.path.lexists(_marker(final)):
            continue  # taken, or used before: see _prune
        tmp_record.write_text(digest.record(final.name), encoding="utf-8")
        _fsync(tmp_record)
        try:
            _link(tmp_record, record)
        except FileExistsError:
            continue
        try:
            _link(tmp, final)
        except FileExistsError:
            record.unlink(missing_ok=True)
            continue
        return final


def _link(src: Path, dst: Path) -> None:
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


def _replace_pointer(tmp: Path, data_dir: Path) -> None:
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
            aside = data_dir / f"{config.POINTER_NAME}.broken-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
            os.rename(ptr, aside)
            _warn(f"{ptr} was a directory; moved aside to {aside}")
    os.replace(tmp, ptr)


def _pid_alive(pid: int) -> bool:
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


def _remove_stale_temps(data_dir: Path, releases: Path) -> None:
    """Remove temporary files left by dead builds (a killed or crashed one). A temp file of a live process is left
    alone, whoever it is. The pre-lock pointer temp name .CURRENT.tmp (no pid) is stale under the lock."""
    (data_dir / f".{config.POINTER_NAME}.tmp").unlink(missing_ok=True)
    for d in (releases, data_dir):
        for p in d.iterdir():
            m = _TMP.match(p.name)
            if not m or (d == data_dir and not p.name.startswith(f".{config.POINTER_NAME}.tmp-")):
                continue
            if not _pid_alive(int(m.group(1))):
                p.unlink(missing_ok=True)


def _marker(release: Path) -> Path:
    return release.with_name(f".{release.name}.superseded")


def _mark_superseded(release: Path) -> None:
    """Record when `release` stopped being served (the marker's mtime); an older marker is kept."""
    try:
        fd = os.open(_marker(release), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    except FileExistsError:
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.EACCES):
            raise
        return
    os.close(fd)


def _prune(releases: Path, keep: int, served: Path, grace: float = 0.0) -> None:
    """Keep the served release and the newest others up to `keep` in all (sessions may still read the old one).
    Beyond that, a release is removed only once it stopped being served `grace` seconds ago or more (its marker's
    mtime; a release found without a marker gets one now). Its record goes with it; its marker stays."""
    files = sorted((p for p in releases.glob("atlas-*.duckdb") if p.is_file()),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    _marker(served).unlink(missing_ok=True)  # served again (e.g. a pointer rolled back by hand)
    kept = [served]
    now = time.time()
    for f in files:
        if f == served:
            continue
        if len(kept) < keep:
            kept.append(f)
            continue
        marker = _marker(f)
        if not marker.exists():
            _mark_superseded(f)
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dashboard.build", description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=Path, default=None, help="source directory (default data/sources)")
    ap.add_argument("--data-dir", type=Path, default=None, help="where releases/ and CURRENT live (default data/)")
    ap.add_argument("--check", action="store_true", help="validate only; write nothing")
    ap.add_argument("--verify", action="store_true",
                    help="check the served release (pointer, file, schema, content digest and its record) as the app "
                         "does; write nothing; exit 1 on any problem")
    ap.add_argument("--allow-shrink", action="store_true", help="accept files that lost many rows since the last release")
    ap.add_argument("--keep", type=int, default=2, help="release files to keep, the served one included (default 2)")
    ap.add_argument("--grace", type=float, default=DEFAULT_GRACE_MINUTES, metavar="MINUTES",
                    help="also keep releases that stopped being served less than this long ago, whatever --keep says "
                         f"(default {DEFAULT_GRACE_MINUTES:g}; 0 when no server reads this data dir)")
    ap.add_argument("--lock-timeout", type=float, default=DEFAULT_LOCK_TIMEOUT, metavar="SECONDS",
                    help="how long to wait for another build of the same data dir to finish "
                         f"(default {DEFAULT_LOCK_TIMEOUT:g}; 0: give up at once)")
    ap.add_argument("--force", action="store_true", help="write a new release even if the sources are unchanged")
    args = ap.parse_args(argv)
    try:
        if args.verify:
            path, problem = verify(args.data_dir)
            if problem:
                print(f"verify failed: {problem}" + (f" ({path})" if path else ""), file=sys.stderr)
                return 1
            print(f"verified: {path}")
            return 0
        if args.check:
            data_dir = Path(args.data_dir or config.DATA_DIR)
            current, problem = served_release(data_dir)
            src = load_sources(args.sources or config.SOURCES_DIR,
                               previous_rows=_previous_rows(None if problem else current),
                               allow_shrink=args.allow_shrink)
            if src.problems:
                raise BuildError(src.problems)
            print(f"sources OK: {sum(f['rows'] for f in src.files)} rows in {len(src.files)} files")
            return 0
        path, wrote = build(args.sources, args.data_dir, allow_shrink=args.allow_shrink, keep=max(1, args.keep),
                            force=args.force, grace_minutes=max(0.0, args.grace),
                            lock_timeout=max(0.0, args.lock_timeout))
    except BuildError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"build failed: {len(exc.problems)} problem(s); the served release was not changed", file=sys.stderr)
        return 1
    except BuildBusy as exc:
        print(f"build failed: {exc}; nothing was written", file=sys.stderr)
        return 1
    print(("published " if wrote else "up to date: ") + str(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
