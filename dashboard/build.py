"""python -m dashboard.build: data/sources -> validated -> a new DuckDB release, swapped in atomically.

Releases live in data/releases/; data/CURRENT names the served one. The build never writes the served file: it
writes a new one beside it, checks it, then replaces the pointer with os.replace (atomic on POSIX). A failed or
killed build leaves the served file and the pointer byte-for-byte as they were.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import changelog, config, feeds
from dashboard.sourcefiles import Problem, Sources
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


def read_pointer(data_dir: Path) -> Path | None:
    """The served release file, or None if there is none yet."""
    ptr = data_dir / config.POINTER_NAME
    if not ptr.exists():
        return None
    rel = ptr.read_text(encoding="utf-8").strip()
    return (data_dir / rel) if rel else None


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


def write_release(src: Sources, path: Path) -> None:
    """Create the DuckDB file at `path` (which must not exist) from validated sources."""
    schema = (config.ROOT / "dashboard" / "schema.sql").read_text()
    views = (config.ROOT / "dashboard" / "views.sql").read_text()
    con = duckdb.connect(str(path))
    try:
        con.execute(schema)
        built_at = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        con.execute(
            "INSERT INTO dataset VALUES ($version, $as_of, $built_at, $schema, $digest, $duckdb)",
            {"version": src.version, "as_of": src.as_of, "built_at": built_at, "schema": config.SCHEMA_VERSION,
             "digest": src.digest, "duckdb": duckdb.__version__},
        )
        files = pd.DataFrame(src.files)[["path", "table_name", "rows", "sha256", "title", "producer", "licence",
                                         "accessed", "notes"]]
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
        con.execute("CHECKPOINT")
    finally:
        con.close()


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
          keep: int = 2, force: bool = False, feeds_dir: Path | None = None) -> tuple[Path, bool]:
    """Validate and publish. Returns (served release path, whether a new release was written). The Atom feeds of
    the changelog go to `feeds_dir` (default: static/feeds/ when publishing into the app's own data/)."""
    sources_dir = Path(sources_dir or config.SOURCES_DIR)
    data_dir = Path(data_dir or config.DATA_DIR)
    if feeds_dir is None and data_dir.resolve() == config.DATA_DIR.resolve():
        feeds_dir = config.FEEDS_DIR
    current = read_pointer(data_dir)
    _crash_point("load")
    src = load_sources(sources_dir, previous_rows=_previous_rows(current), allow_shrink=allow_shrink)
    _crash_point("validate")
    if src.problems:
        raise BuildError(src.problems)
    if not force and current is not None and current.exists() and _previous_digest(current) == src.digest:
        return current, False
    releases = data_dir / config.RELEASES_DIRNAME
    releases.mkdir(parents=True, exist_ok=True)
    for stale in releases.glob(".tmp-*"):
        stale.unlink(missing_ok=True)
    tmp = releases / f".tmp-{os.getpid()}.duckdb"
    final = releases / f"atlas-{src.as_of}-{src.digest[:12]}.duckdb"
    n = 1
    while final.exists():  # --force with unchanged sources: never overwrite a file a reader may have open
        final = releases / f"atlas-{src.as_of}-{src.digest[:12]}-{n}.duckdb"
        n += 1
    try:
        write_release(src, tmp)
        changelog.record(tmp, current if current is not None and current.exists() else None, src.version, src.as_of)
        _crash_point("write")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        ptr_tmp = data_dir / f".{config.POINTER_NAME}.tmp"
        ptr_tmp.write_text(f"{config.RELEASES_DIRNAME}/{final.name}\n", encoding="utf-8")
        with open(ptr_tmp, "rb") as fh:
            os.fsync(fh.fileno())
        _crash_point("swap")
        os.replace(ptr_tmp, data_dir / config.POINTER_NAME)
    except BaseException:
        tmp.unlink(missing_ok=True)
        wal = tmp.with_suffix(".duckdb.wal")
        wal.unlink(missing_ok=True)
        raise
    _prune(releases, keep, final)
    if feeds_dir is not None:
        feeds.write_feeds(final, Path(feeds_dir))
    return final, True


def _prune(releases: Path, keep: int, served: Path) -> None:
    """Keep the served release and the newest others up to `keep` in all (sessions may still read the old one)."""
    files = sorted(releases.glob("atlas-*.duckdb"), key=lambda p: p.stat().st_mtime, reverse=True)
    kept = [served]
    for f in files:
        if f == served:
            continue
        if len(kept) < keep:
            kept.append(f)
        else:
            f.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dashboard.build", description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=Path, default=None, help="source directory (default data/sources)")
    ap.add_argument("--data-dir", type=Path, default=None, help="where releases/ and CURRENT live (default data/)")
    ap.add_argument("--check", action="store_true", help="validate only; write nothing")
    ap.add_argument("--allow-shrink", action="store_true", help="accept files that lost many rows since the last release")
    ap.add_argument("--keep", type=int, default=2, help="release files to keep, the served one included (default 2)")
    ap.add_argument("--force", action="store_true", help="write a new release even if the sources are unchanged")
    ap.add_argument("--feeds-dir", type=Path, default=None,
                    help="where the Atom feeds go (default static/feeds/ when publishing into data/)")
    args = ap.parse_args(argv)
    try:
        if args.check:
            data_dir = Path(args.data_dir or config.DATA_DIR)
            src = load_sources(args.sources or config.SOURCES_DIR,
                               previous_rows=_previous_rows(read_pointer(data_dir)), allow_shrink=args.allow_shrink)
            if src.problems:
                raise BuildError(src.problems)
            print(f"sources OK: {sum(f['rows'] for f in src.files)} rows in {len(src.files)} files")
            return 0
        path, wrote = build(args.sources, args.data_dir, allow_shrink=args.allow_shrink, keep=max(1, args.keep),
                            force=args.force, feeds_dir=args.feeds_dir)
    except BuildError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"build failed: {len(exc.problems)} problem(s); the served release was not changed", file=sys.stderr)
        return 1
    print(("published " if wrote else "up to date: ") + str(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
