"""Shared helpers for the benchmark: paths, statistics, servers, floor app dirs, process memory."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tests import servers

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
FLOORS = BENCH / "floors"
PY = sys.executable
SHARED_LINK = {"instrument": "cets-225", "as_of": "2026-06-30"}


def real_release() -> Path:
    """The release named by data/CURRENT."""
    return (ROOT / "data" / (ROOT / "data" / "CURRENT").read_text().strip()).resolve()


def snapshot_release() -> tuple[Path, str]:
    """A private copy of the real release in /tmp, so a rebuild of data/ during the run cannot move it away.
    Returns (copy, original file name)."""
    src = real_release()
    dst = Path(tempfile.gettempdir()) / f"bench-release-{src.name}"
    if not dst.exists() or dst.stat().st_size != src.stat().st_size:
        shutil.copy(src, dst)
    return dst, src.name


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def pct(xs, q: float):
    """q-th percentile (0..100), linear interpolation between closest ranks."""
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    if len(xs) == 1:
        return xs[0]
    k = (len(xs) - 1) * q / 100
    f = int(k)
    c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)


def summary(xs) -> dict:
    xs = [x for x in xs if x is not None]
    return {
        "n": len(xs),
        "median": median(xs),
        "p50": pct(xs, 50),
        "p95": pct(xs, 95),
        "min": min(xs) if xs else None,
        "max": max(xs) if xs else None,
        "raw": [round(x, 2) for x in xs],
    }


def log(*a) -> None:
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- process memory (no psutil needed)


def _children(pid: int) -> list[int]:
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                parts = fh.read().rsplit(")", 1)[1].split()
            if int(parts[1]) == pid:
                kids.append(int(d))
        except OSError:
            continue
    return kids


def rss_tree_mb(pid: int) -> float | None:
    """VmRSS of `pid` and all its descendants, in MB."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            if p == pid:
                return None
            continue
        todo += _children(p)
    return total / 1024


# ---------------------------------------------------------------- servers


class Server(servers.Server):
    """tests/servers.py's server (own process group, loopback, ready when /_stcore/health says ok), with PYTHONPATH
    set (the floor apps run from a temp dir) and the memory of its process tree."""

    def __init__(
        self, script: str, cwd: Path, env: dict | None = None, name: str = "app", profile_to: str | None = None
    ):
        # profile_to: run it under bench.profserver (cProfile, SIGUSR1 dumps).
        launcher = [PY, "-m", "bench.profserver", profile_to, "--", "streamlit"] if profile_to else servers.STREAMLIT
        super().__init__(script, cwd, {"PYTHONPATH": str(ROOT), **(env or {})}, name=f"bench-{name}", launcher=launcher)

    def rss_mb(self) -> float | None:
        return rss_tree_mb(self.proc.pid) if self.proc else None


def app_server(db: Path, env: dict | None = None, profile_to: str | None = None) -> Server:
    """The real app (streamlit_app.py, cwd = repo root so .streamlit/config.toml applies). `env` may add
    STREAMLIT_* settings for a what-if run; `profile_to` runs it under bench.profserver (cProfile, SIGUSR1 dumps)."""
    return Server("streamlit_app.py", ROOT, {"ATLAS_DB": str(db), **(env or {})}, name="app", profile_to=profile_to)


def cpu_ms(pid: int) -> float:
    """User + system CPU time of a process (all its threads), ms."""
    with open(f"/proc/{pid}/stat") as fh:
        f = fh.read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def pstats_top(path: str, per: float, n: int = 20, unit: str = "rerun") -> list[dict]:
    """A cProfile dump -> top functions by cumulative time (ms per `unit`), generic frames left out."""
    import pstats

    st = pstats.Stats(path).stats
    skip = (
        "selectors.py",
        "base_events.py",
        "events.py",
        "threading.py",
        "{method 'poll'",
        "<frozen",
        "{built-in method builtins.exec}",
        "{method 'run' of '_contextvars",
    )
    rows = []
    for (f, line, fn), v in st.items():
        label = f"{fn} ({f.split('site-packages/')[-1].replace(str(ROOT) + '/', '')}:{line})"
        if any(x in label for x in skip):
            continue
        rows.append(
            {
                "function": label,
                f"cum_ms_per_{unit}": round(v[3] * 1000 / per, 1),
                f"self_ms_per_{unit}": round(v[2] * 1000 / per, 1),
                "calls": v[1],
            }
        )
    return sorted(rows, key=lambda r: -r[f"cum_ms_per_{unit}"])[:n]


# ---------------------------------------------------------------- floors

FLOOR_SCRIPTS = {
    "empty": "empty.py",
    "deck_only": "deck_only.py",
    "plotly_only": "plotly_only.py",
    "naive_peer": "naive_peer.py",
    "deck_select": "deck_select.py",
}


def prepare_floor_data(db: Path, out: Path) -> dict:
    """Pickle what the component floors draw (statuses for the shared deep link, instruments), computed once with
    the app's own functions, so a floor page measures only the component."""
    code = f"""
import json, pickle, sys, warnings, logging
logging.disable(logging.WARNING)
warnings.filterwarnings("ignore")
import os
os.environ["ATLAS_DB"] = {str(db)!r}
from datetime import date
from dashboard import facts, queries
rel = queries.current_release()
as_of = date.fromisoformat({SHARED_LINK["as_of"]!r})
st = facts.statuses(rel, {SHARED_LINK["instrument"]!r}, as_of)
inst = queries.instruments(rel)
from dashboard import status
labels = dict(status.SELECTIONS) | dict(zip(inst["instrument_id"], inst["short_name"]))
by_sel = {{k: facts.statuses(rel, k, as_of) for k in labels}}
pickle.dump({{"statuses": st, "instruments": inst, "as_of": as_of, "labels": labels, "by_selection": by_sel,
             "default": {SHARED_LINK["instrument"]!r}}}, open({str(out)!r}, "wb"))
print(json.dumps({{"statuses_rows": len(st), "instruments_rows": len(inst)}}))
"""
    r = subprocess.run(
        [PY, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(r.stdout.strip().splitlines()[-1])


@contextmanager
def floor_dir(db: Path):
    """A temp app dir per floor run: the floor scripts, symlinks to the app's .streamlit/ (same config) and static/
    (same static serving), and the pickled data the component floors read."""
    d = Path(tempfile.mkdtemp(prefix="bench-floors-"))
    try:
        (d / ".streamlit").symlink_to(ROOT / ".streamlit")
        (d / "static").symlink_to(ROOT / "static")
        for f in FLOORS.glob("*.py"):
            shutil.copy(f, d / f.name)
        prepare_floor_data(db, d / "floor_data.pkl")
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def floor_server(d: Path, name: str, db: Path) -> Server:
    return Server(
        FLOOR_SCRIPTS[name], d, {"ATLAS_DB": str(db), "BENCH_FLOOR_DATA": str(d / "floor_data.pkl")}, name=name
    )
