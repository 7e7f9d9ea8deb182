"""Per-process capacity for docs/scaling.md: waves of 10, 25, 50 x3 and 100 protocol-level sessions on one server.

Run: .venv/bin/python bench/capacity.py (prints one JSON line per wave; writes /tmp/capacity.json).
"""
import asyncio, os, subprocess, sys, time, urllib.request, signal, statistics, json
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
from bench.load import wave
port = 8621
env = {**os.environ}; env.pop("ATLAS_DB", None)
p = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true"], cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent), env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def rss():
    tot = 0
    pids = [p.pid] + [int(x) for x in subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True, text=True).stdout.split()]
    for pid in pids:
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS"): tot += int(line.split()[1])
        except OSError: pass
    return tot / 1024
for _ in range(60):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2); break
    except OSError: time.sleep(0.5)
res = []
try:
    asyncio.run(wave(port, 1, 40, (0.01, 0.02), 0.0))  # warm the caches for every instrument, as a deploy would
    for n in (10, 25, 50, 50, 50, 100):
        before = rss()
        out = asyncio.run(wave(port, n, 2, (1.0, 3.0), 2.0, rss=rss))
        time.sleep(5)
        r = sorted(out["rerun_ms"]); i = sorted(out["initial_ms"])
        q = lambda a, f: round(a[min(len(a) - 1, int(f * len(a)))]) if a else None
        row = dict(sessions=n, failures=len(out["failures"]), first_view_p50=q(i, .5), first_view_p95=q(i, .95),
                   rerun_p50=q(r, .5), rerun_p95=q(r, .95), rerun_bytes_p50=statistics.median(out["rerun_bytes"]) if out["rerun_bytes"] else None,
                   rss_before=round(before), rss_peak=round(out["rss_peak_mb"] or 0), rss_after=round(rss()))
        print(json.dumps(row), flush=True); res.append(row)
finally:
    os.killpg(p.pid, signal.SIGTERM)
json.dump({"loadavg": open("/proc/loadavg").read(), "waves": res}, open("/tmp/capacity.json", "w"))
