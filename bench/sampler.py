"""A small sampling profiler for Streamlit script threads (works on a run that never finishes).

Every `interval` seconds it reads the stacks of the threads whose name starts with `prefix` (sys._current_frames)
and charges the real time elapsed since the previous sample to each function: to the innermost one (self) and once
to every function on the stack (inclusive). Sampling needs the GIL, so a long C call is charged to its caller.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent) + "/"


def _label(code) -> str:
    f = code.co_filename
    f = f.replace(ROOT, "") if f.startswith(ROOT) and "/.venv/" not in f else f.split("site-packages/")[-1]
    return f"{code.co_name} ({f}:{code.co_firstlineno})"


class Sampler:
    def __init__(self, prefix: str = "ScriptRunner", interval: float = 0.005):
        self.prefix, self.interval = prefix, interval
        self.self_s: dict[str, float] = defaultdict(float)
        self.incl_s: dict[str, float] = defaultdict(float)
        self.total_s = 0.0
        self._stop = threading.Event()
        self._t: threading.Thread | None = None

    def start(self) -> Sampler:
        self._t = threading.Thread(target=self._loop, name="bench-sampler", daemon=True)
        self._t.start()
        return self

    def _loop(self) -> None:
        last = time.perf_counter()
        while not self._stop.wait(self.interval):
            now = time.perf_counter()
            dt, last = now - last, now
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if not names.get(ident, "").startswith(self.prefix):
                    continue
                self.total_s += dt
                self.self_s[_label(frame.f_code)] += dt
                seen = set()
                while frame is not None:
                    lab = _label(frame.f_code)
                    if lab not in seen:
                        self.incl_s[lab] += dt
                        seen.add(lab)
                    frame = frame.f_back

    def stop(self) -> None:
        self._stop.set()
        if self._t:
            self._t.join()

    def result(self, runs: float = 1, n: int = 25) -> dict:
        """Top functions, ms per run (runs = how many script runs the sampling covered)."""
        skip = ("threading.py", "script_runner.py", "exec_code.py", "local_script_runner.py", "page.py")

        def top(d, filt=None):
            rows = [(k, v) for k, v in d.items() if not any(s in k for s in skip) and (filt is None or filt(k))]
            return [
                {"function": k, "ms_per_run": round(v * 1000 / runs, 1)}
                for k, v in sorted(rows, key=lambda kv: -kv[1])[:n]
            ]

        return {
            "runs": runs,
            "sampled_ms_per_run": round(self.total_s * 1000 / runs, 1),
            "inclusive": top(self.incl_s),
            "self": top(self.self_s),
            "inclusive_app": top(
                self.incl_s, lambda k: k.split("(")[-1].startswith(("dashboard/", "pages/", "streamlit_app.py"))
            ),
        }
