"""Two builds of one data dir at once (probe 2a, 2b), and pruning while a server may still use a release (2c).

The trials run two real `python -m dashboard.build --force` processes against a data dir seeded with one release of
the fixture sources, the second started 0-300 ms after the first. Before the build lock they failed in about half
the trials: a build crashed on a temp file the other had deleted, both published under one name, or (--keep 1) each
pruned the other's release and left CURRENT dangling."""

from __future__ import annotations

import fcntl
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard import db
from dashboard.build import served_release
from tests.conftest import FIXTURE_SOURCES, ROOT
from tests.test_build_errors import run_build, snapshot

PUBLISHED = re.compile(r"published (\S+)\n")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("seeded") / "data"
    res = run_build(FIXTURE_SOURCES, data_dir)
    assert res.returncode == 0, res.stderr
    return data_dir


def _popen(data_dir: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dashboard.build",
            "--sources",
            str(FIXTURE_SOURCES),
            "--data-dir",
            str(data_dir),
            *args,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _trial(seeded: Path, work: Path, keep: int, rng: random.Random) -> list[str]:
    """One double build; the list of what went wrong (empty if nothing)."""
    data_dir = work / "data"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(seeded, data_dir)
    args = ("--force", "--keep", str(keep), "--grace", "0")
    first = _popen(data_dir, *args)
    time.sleep(rng.uniform(0, 0.3))
    second = _popen(data_dir, *args)
    outs = [p.communicate(timeout=120) for p in (first, second)]
    wrong = []
    published = []
    for p, (out, err) in zip((first, second), outs, strict=False):
        if p.returncode != 0 or "Traceback" in err:
            wrong.append(f"rc {p.returncode}: {err.strip().splitlines()[-1:] or out}")
        m = PUBLISHED.fullmatch(out)
        if not m:
            wrong.append(f"did not publish: {out!r}")
        else:
            published.append(m.group(1))
    if len(published) == 2 and published[0] == published[1]:
        wrong.append(f"both published {published[0]}")
    path, problem = served_release(data_dir)
    if problem:
        wrong.append(f"not servable: {problem}")
    elif str(path) not in {str(Path(p).resolve()) for p in published}:
        wrong.append(f"serves {path}, which neither build published")
    rel = data_dir / "releases"
    dbs = sorted(p.name for p in rel.glob("atlas-*.duckdb"))
    if len(dbs) != keep:
        wrong.append(f"--keep {keep} left {len(dbs)} releases: {dbs}")
    for name in dbs:  # every kept release is whole and matches its record
        try:
            db.connect(db.Release(str(rel / name), "file", db._file_key(rel / name))).close()
        except db.DatasetUnavailable as exc:
            wrong.append(f"{name}: {exc}")
    temps = [p.name for p in [*rel.glob(".tmp-*"), *data_dir.glob(".CURRENT.tmp*")]]
    if temps:
        wrong.append(f"temp files left: {temps}")
    return wrong


def _trials(seeded: Path, tmp_path: Path, keep: int, n: int) -> None:
    rng = random.Random(f"{keep}-{n}")
    failures = {}
    for i in range(n):
        wrong = _trial(seeded, tmp_path / f"t{i}", keep, rng)
        if wrong:
            failures[i] = wrong
        shutil.rmtree(tmp_path / f"t{i}", ignore_errors=True)
    print(f"\ndouble builds --keep {keep}: {n} trials, {len(failures)} failed")
    assert not failures, f"{len(failures)} of {n} double builds went wrong: {failures}"


@pytest.mark.app
@pytest.mark.parametrize("keep", [1, 2])
def test_two_builds_at_once(seeded: Path, tmp_path: Path, keep: int):
    _trials(seeded, tmp_path, keep, 2)


@pytest.mark.system  # 20 double builds per --keep: minutes on 2 cores
@pytest.mark.parametrize("keep", [1, 2])
def test_two_builds_at_once_repeatedly(seeded: Path, tmp_path: Path, keep: int):
    _trials(seeded, tmp_path, keep, int(os.environ.get("ATLAS_DOUBLE_BUILDS", "20")))


# --- the lock, deterministically -------------------------------------------------------------------------------


@pytest.fixture
def data_dir(seeded: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(seeded, dst)
    return dst


def _hold_lock(data_dir: Path) -> int:
    fd = os.open(data_dir / ".build.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


@pytest.mark.app
def test_second_build_waits_for_the_first(data_dir: Path):
    """A build that finds the lock held says it waits, writes nothing meanwhile, and publishes once it is free."""
    before = snapshot(data_dir)
    fd = _hold_lock(data_dir)
    try:
        proc = _popen(data_dir, "--force")
        line = proc.stderr.readline()  # blocks until the build says something (or exits)
        assert line.startswith(f"waiting for another build of {data_dir} to finish"), line
        time.sleep(1.0)
        assert proc.poll() is None, "the build did not wait"
        assert snapshot(data_dir) == before
    finally:
        os.close(fd)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and out.startswith("published "), err


@pytest.mark.app
def test_build_gives_up_after_the_lock_timeout(data_dir: Path):
    before = snapshot(data_dir)
    fd = _hold_lock(data_dir)
    try:
        t0 = time.monotonic()
        res = run_build(FIXTURE_SOURCES, data_dir, "--force", "--lock-timeout", "1")
        waited = time.monotonic() - t0
    finally:
        os.close(fd)
    assert res.returncode == 1, res.stdout
    assert (
        f"build failed: another build of {data_dir} still holds {data_dir / '.build.lock'} after 1 s; "
        "nothing was written" in res.stderr
    ), res.stderr
    assert "Traceback" not in res.stderr
    assert 1 <= waited < 30
    assert snapshot(data_dir) == before


@pytest.mark.app
def test_temp_files_of_a_live_build_are_left_alone(data_dir: Path):
    """Only temp files whose owner is gone are cleaned up: not those of a live process (a build running without
    the lock, on another version of the code, or sharing the directory over a mount)."""
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    rel = data_dir / "releases"
    try:
        mine = [rel / f".tmp-{live.pid}-0badc0de.duckdb", data_dir / f".CURRENT.tmp-{live.pid}-0badc0de"]
        stale = [
            rel / f".tmp-{dead.pid}-0badc0de.duckdb",
            rel / f".tmp-{dead.pid}.duckdb",
            data_dir / f".CURRENT.tmp-{dead.pid}-0badc0de",
            data_dir / ".CURRENT.tmp",
        ]
        for p in mine + stale:
            p.write_bytes(b"work in progress")
        res = run_build(FIXTURE_SOURCES, data_dir, "--force")
        assert res.returncode == 0, res.stderr
        assert [p.name for p in mine if p.exists()] == [p.name for p in mine]
        assert [p.name for p in stale if p.exists()] == []
    finally:
        live.kill()
        live.wait()


# --- pruning while a server may still use a release (2b, 2c) ---------------------------------------------------


def _releases(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "releases").glob("atlas-*.duckdb"))


@pytest.mark.app
def test_recently_superseded_release_is_kept(data_dir: Path):
    """--keep 1 does not delete the release that was served a moment ago (a page may be showing it, or offering
    it for download): it goes once it has not been served for --grace minutes."""
    old = _releases(data_dir)
    res = run_build(FIXTURE_SOURCES, data_dir, "--force", "--keep", "1")
    assert res.returncode == 0, res.stderr
    new = (data_dir / "CURRENT").read_text().strip().split("/")[-1]
    assert _releases(data_dir) == sorted([*old, new])
    marker = data_dir / "releases" / f".{old[0]}.superseded"
    assert marker.exists()
    past = time.time() - 11 * 60
    os.utime(marker, (past, past))  # superseded 11 minutes ago: past the default grace of 10
    res = run_build(FIXTURE_SOURCES, data_dir, "--force", "--keep", "1")
    assert res.returncode == 0, res.stderr
    newest = (data_dir / "CURRENT").read_text().strip().split("/")[-1]
    assert _releases(data_dir) == sorted([new, newest])  # the old one went; `new` is in its grace period
    assert marker.exists(), "the marker outlives the release: its name is never published again"
    assert not (data_dir / "releases" / (old[0].removesuffix(".duckdb") + ".digest.json")).exists()


@pytest.mark.app
def test_a_pruned_name_is_never_published_again(data_dir: Path):
    """A server may still hold a pruned release open, and DuckDB shares one database instance per path in a
    process: a new release under the same name would be read through the old one."""
    names = set(_releases(data_dir))
    for _ in range(3):
        res = run_build(FIXTURE_SOURCES, data_dir, "--force", "--keep", "1", "--grace", "0")
        assert res.returncode == 0, res.stderr
        new = PUBLISHED.fullmatch(res.stdout).group(1).split("/")[-1]
        assert new not in names, f"{new} was published before"
        names.add(new)
    assert len(_releases(data_dir)) == 1


# --- publishing never replaces a file (2a: "both printed published …-1.duckdb") -------------------------------


@pytest.mark.app
def test_a_name_taken_meanwhile_is_skipped_never_replaced(data_dir: Path, monkeypatch):
    """If another writer (one that ignores the lock) publishes the chosen name between the check and the link, the
    link fails and the build takes the next name: the other file stays byte for byte."""
    from dashboard import build as build_mod

    real = build_mod.publish.link
    racer = {}

    def racing_link(src: Path, dst: Path) -> None:
        if dst.suffix == ".duckdb" and not racer:
            dst.write_bytes(b"the other writer's release")
            racer["path"] = dst
        real(src, dst)

    monkeypatch.setattr(build_mod.publish, "link", racing_link)
    path, wrote = build_mod.build(FIXTURE_SOURCES, data_dir, force=True)
    assert wrote and racer["path"].read_bytes() == b"the other writer's release"
    assert path != racer["path"] and path.name.endswith("-2.duckdb")  # -1 was taken by the racer
    assert served_release(data_dir) == (path.resolve(), None)


@pytest.mark.app
def test_publishes_where_there_are_no_hard_links(data_dir: Path, monkeypatch):
    import errno

    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    from dashboard import build as build_mod

    path, wrote = build_mod.build(FIXTURE_SOURCES, data_dir, force=True)
    assert wrote and served_release(data_dir) == (path.resolve(), None)
    assert not list((data_dir / "releases").glob(".tmp-*"))
