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
import os
import secrets
import sys
from pathlib import Path

import duckdb

from dashboard import config, feeds, integrity, publish
from dashboard.publish import (  # noqa: F401 - the build's public API, used by the app's tools and tests
    DEFAULT_GRACE_MINUTES,
    DEFAULT_LOCK_TIMEOUT,
    BuildBusy,
    build_lock,
    read_pointer,
    served_release,
    verify,
)
from dashboard.release import write_release
from dashboard.sourcefiles import Problem
from dashboard.validate import load_sources


class BuildError(Exception):
    """The sources have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the sources")


def _crash_point(name: str) -> None:
    """Test hook: ATLAS_BUILD_CRASH_AT=<name> kills the process here, as a power cut would."""
    if os.environ.get("ATLAS_BUILD_CRASH_AT") == name:
        os._exit(137)


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


def build(
    sources_dir: Path | None = None,
    data_dir: Path | None = None,
    *,
    allow_shrink: bool = False,
    keep: int = 2,
    force: bool = False,
    grace_minutes: float = DEFAULT_GRACE_MINUTES,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    feeds_dir: Path | None = None,
) -> tuple[Path, bool]:
    """Validate and publish. Returns (served release path, whether a new release was written). The Atom feeds of
    the changelog go to `feeds_dir` (default: static/feeds/ when publishing into the app's own data/)."""
    sources_dir = Path(sources_dir or config.SOURCES_DIR)
    data_dir = Path(data_dir or config.DATA_DIR)
    if feeds_dir is None and data_dir.resolve() == config.DATA_DIR.resolve():
        feeds_dir = config.FEEDS_DIR
    with build_lock(data_dir, lock_timeout):
        path, wrote = _build_locked(
            sources_dir, data_dir, allow_shrink=allow_shrink, keep=keep, force=force, grace=grace_minutes * 60
        )
        if wrote and feeds_dir is not None:
            feeds.write_feeds(path, Path(feeds_dir))
        return path, wrote


def _warn(msg: str) -> None:
    print(f"warning: {msg}", file=sys.stderr, flush=True)


def _build_locked(
    sources_dir: Path, data_dir: Path, *, allow_shrink: bool, keep: int, force: bool, grace: float
) -> tuple[Path, bool]:
    current, problem = served_release(data_dir)
    if problem:
        if os.path.lexists(data_dir / config.POINTER_NAME):
            _warn(
                f"the served release cannot be used: {problem}; a new release will be published from the sources"
                + (" (the shrink guard has no previous release to compare with)" if current else "")
            )
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
    publish.remove_stale_temps(data_dir, releases)
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    tmp = releases / f".tmp-{token}.duckdb"
    tmp_record = releases / f".tmp-{token}{integrity.RECORD_SUFFIX}"
    ptr_tmp = data_dir / f".{config.POINTER_NAME}.tmp-{token}"
    try:
        # The changelog compares with what was served, even a release whose digest record is missing or stale
        # (it is history, not a source of facts): only an unreadable file starts the record afresh.
        digest = write_release(src, tmp, current if current is not None and current.is_file() else None)
        _crash_point("write")
        publish.fsync(tmp)
        base = f"atlas-{src.as_of}-{src.digest[:12]}"
        final = publish.claim(releases, base, tmp, tmp_record, digest)
        tmp.unlink()
        tmp_record.unlink()
        ptr_tmp.write_text(f"{config.RELEASES_DIRNAME}/{final.name}\n", encoding="utf-8")
        publish.fsync(ptr_tmp)
        _crash_point("swap")
        publish.replace_pointer(ptr_tmp, data_dir)
        publish.fsync_dir(data_dir)
    except BaseException:
        for p in (tmp, tmp.with_suffix(".duckdb.wal"), tmp_record, ptr_tmp):
            p.unlink(missing_ok=True)
        raise
    if current is not None and current.parent == releases.resolve() and current != final.resolve():
        publish.mark_superseded(current)
    publish.prune(releases, keep, final, grace=grace)
    return final, True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dashboard.build", description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=Path, default=None, help="source directory (default data/sources)")
    ap.add_argument("--data-dir", type=Path, default=None, help="where releases/ and CURRENT live (default data/)")
    ap.add_argument("--check", action="store_true", help="validate only; write nothing")
    ap.add_argument(
        "--verify",
        action="store_true",
        help="check the served release (pointer, file, schema, content digest and its record) as the app "
        "does; write nothing; exit 1 on any problem",
    )
    ap.add_argument(
        "--allow-shrink", action="store_true", help="accept files that lost many rows since the last release"
    )
    ap.add_argument("--keep", type=int, default=2, help="release files to keep, the served one included (default 2)")
    ap.add_argument(
        "--grace",
        type=float,
        default=DEFAULT_GRACE_MINUTES,
        metavar="MINUTES",
        help="also keep releases that stopped being served less than this long ago, whatever --keep says "
        f"(default {DEFAULT_GRACE_MINUTES:g}; 0 when no server reads this data dir)",
    )
    ap.add_argument(
        "--feeds-dir",
        type=Path,
        default=None,
        help="where the Atom feeds go (default static/feeds/ when publishing into data/)",
    )
    ap.add_argument(
        "--lock-timeout",
        type=float,
        default=DEFAULT_LOCK_TIMEOUT,
        metavar="SECONDS",
        help="how long to wait for another build of the same data dir to finish "
        f"(default {DEFAULT_LOCK_TIMEOUT:g}; 0: give up at once)",
    )
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
            src = load_sources(
                args.sources or config.SOURCES_DIR,
                previous_rows=_previous_rows(None if problem else current),
                allow_shrink=args.allow_shrink,
            )
            if src.problems:
                raise BuildError(src.problems)
            print(f"sources OK: {sum(f['rows'] for f in src.files)} rows in {len(src.files)} files")
            return 0
        path, wrote = build(
            args.sources,
            args.data_dir,
            allow_shrink=args.allow_shrink,
            keep=max(1, args.keep),
            force=args.force,
            grace_minutes=max(0.0, args.grace),
            lock_timeout=max(0.0, args.lock_timeout),
            feeds_dir=args.feeds_dir,
        )
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
