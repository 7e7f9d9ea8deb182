"""python -m bench.run [--quick] [--sections scripts,browser,load,scale] — the Atlas benchmark suite.

Prints figures, never asserts timings. Every ratio is against a floor measured in the same run with the same server
config (.streamlit/config.toml of the app). Raw results: bench/results/<timestamp>.json; a Markdown table on stdout.
See bench/README.md for what each figure means and the latest results.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench import common as C

CONFIGS = {
    # warm: AppTest warm runs per page; loads_main: browser loads of the map page and each floor; loads_other: of
    # the other pages; nav_rounds: sidebar tours; inter_k: distinct options per interaction pass (2 passes);
    # reruns: reruns per load-test session; scale_warm: warm runs per page on synthetic data.
    "quick": dict(
        warm=5,
        loads_main=2,
        loads_other=1,
        nav_rounds=1,
        inter_k=5,
        reruns=2,
        scale_warm=3,
        waves=[10, 50],
        think=(1.0, 3.0),
        ramp=2.0,
        profile_runs=2,
        what_if=True,
        scale_pages_for=(100,),
        concurrent5=False,
        deadline=300,
        scale_deadline=20,
    ),
    "full": dict(
        warm=15,
        loads_main=5,
        loads_other=5,
        nav_rounds=5,
        inter_k=20,
        reruns=5,
        scale_warm=7,
        waves=[10, 25, 50, 50, 50, 100],
        think=(1.0, 3.0),
        ramp=2.0,
        profile_runs=5,
        what_if=True,
        scale_pages_for=(10, 100),
        concurrent5=True,
        deadline=600,
        scale_deadline=60,
    ),
}
PAGE_FILES = ["streamlit_app.py", *sorted(f"pages/{p.name}" for p in (C.ROOT / "pages").glob("*.py"))]
EMPTY_FLOOR = str(C.FLOORS / "empty.py")


# ---------------------------------------------------------------- 1. script runs (AppTest)


def page_runs(db: Path, page: str, warm: int, profile: bool = False, query: str = "", deadline: float = 600) -> dict:
    cmd = [
        C.PY,
        "-m",
        "bench.scripts",
        "--db",
        str(db),
        "--page",
        page,
        "--warm",
        str(warm),
        "--deadline",
        str(deadline),
    ]
    if profile:
        cmd.append("--profile")
    if query:
        cmd += ["--query", query]
    r = subprocess.run(
        cmd,
        cwd=C.ROOT,
        capture_output=True,
        text=True,
        timeout=deadline + 120,
        env={**os.environ, "PYTHONPATH": str(C.ROOT)},
    )
    if r.returncode != 0 or not r.stdout.strip():
        return {"page": page, "error": r.stderr[-2000:]}
    d = json.loads(r.stdout.strip().splitlines()[-1])
    if d.get("timed_out"):
        return {
            "page": page,
            "timed_out": True,
            "deadline_s": d["deadline_s"],
            "cold_exec_ms": d.get("cold_exec_ms"),
            "warm_exec_ms": C.summary(d["warm_exec_ms"]),
            "profile_last_window": d.get("profile_last_window"),
        }
    out = {
        "page": page,
        "cold_exec_ms": d["cold_exec_ms"],
        "cold_wall_ms": d["cold_wall_ms"],
        "warm_exec_ms": C.summary(d["warm_exec_ms"]),
        "warm_wall_ms": C.summary(d["warm_wall_ms"]),
        "rerun_exec_ms": C.summary(d["rerun_exec_ms"]),
        "exceptions": d["exceptions"],
    }
    if "profile" in d:
        out["profile"] = d["profile"]
    return out


def section_scripts(db: Path, cfg: dict) -> dict:
    res = {}
    for page in [*PAGE_FILES, EMPTY_FLOOR]:
        C.log(f"scripts: {page}")
        res["floor:empty" if page == EMPTY_FLOOR else page] = page_runs(db, page, cfg["warm"], deadline=cfg["deadline"])
    return res


# ---------------------------------------------------------------- 2. browser


def instrument_labels(db: Path) -> list[str]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute((C.ROOT / "dashboard" / "queries" / "instruments.sql").read_text()).fetchall()
    cols = [d[0] for d in con.description]
    con.close()
    names = [dict(zip(cols, r, strict=False))["short_name"] for r in rows]
    ids = [dict(zip(cols, r, strict=False))["instrument_id"] for r in rows]
    start = names[ids.index(C.SHARED_LINK["instrument"])] if C.SHARED_LINK["instrument"] in ids else None
    return ["All binding instruments", "All voluntary instruments", *[n for n in names if n != start]]


def section_browser(db: Path, cfg: dict, profile: bool) -> dict:
    from bench import browser as B

    out: dict = {"pages": {}, "floors": {}}
    labels = instrument_labels(db)
    k = min(cfg["inter_k"], len(labels))
    seq = labels[:k] * 2
    br = B.Browser()
    out["chromium"] = br.b.version
    try:
        with C.app_server(db) as s:
            out["app_server_start_s"] = s.startup_s
            for path, _, title, sel in B.PAGES:
                n = cfg["loads_main"] if path.startswith("/World_map") else cfg["loads_other"]
                C.log(f"browser: load {path} x{n}")
                out["pages"][path.split("?")[0]] = B.loads(br, s.url, path, title, sel, n, path)
            C.log("browser: in-app navigation")
            out["navigation"] = B.navigation(br, s.url, cfg["nav_rounds"])
            C.log(f"browser: interaction x{len(seq)}")
            out["interaction"] = B.interaction(br, s.url, B.PAGES[1][0], B.PAGES[1][2], seq)
            if cfg["concurrent5"]:
                C.log("browser: 5 contexts at once")
                out["concurrent5"] = B.concurrent_open(br, s.url, 5)
            out["app_rss_mb_after"] = s.rss_mb()
            if profile:
                C.log("browser: JS profiles (map load, 5 interactions)")
                out["js_profile_map_load"] = js_profile_load(br, s.url, B.PAGES[1][0], B.PAGES[1][2], B.DECK)
                out["js_profile_interaction"] = js_profile_interaction(br, s.url, B.PAGES[1][0], B.PAGES[1][2], seq[:5])
        with C.floor_dir(db) as d:
            for name, (path, title, sel) in B.FLOOR_PAGES.items():
                with C.floor_server(d, name, db) as s:
                    C.log(f"browser: floor {name} x{cfg['loads_main']}")
                    out["floors"][name] = B.loads(br, s.url, path, title, sel, cfg["loads_main"], name)
                    if name == "naive_peer":
                        C.log(f"browser: naive peer interaction x{len(seq)}")
                        out["naive_interaction"] = B.interaction(br, s.url, path, title, seq)
                        if profile:
                            out["js_profile_naive_interaction"] = js_profile_interaction(
                                br, s.url, path, title, seq[:5]
                            )
                    if name == "deck_select":
                        C.log(f"browser: interaction floor (deck + selectbox) x{len(seq)}")
                        out["floor_interaction"] = B.interaction(br, s.url, path, title, seq)
                    if name == "deck_only" and profile:
                        out["js_profile_deck_floor_load"] = js_profile_load(br, s.url, path, title, sel)
    finally:
        out["blocked_urls"] = sorted(br.blocked)
        br.close()
    return out


def js_profile_load(br, base, path, title, sel) -> dict:
    from bench import browser as B
    from bench import jsprofile

    ctx = br.context()
    try:
        page = ctx.new_page()
        page.goto(base + "/_stcore/health")
        cdp = jsprofile.start(page)
        m = B.Meter(page)
        page.goto(base + path, wait_until="commit")
        page.wait_for_function(B.VISIBLE_JS, arg=[sel, title], polling="raf", timeout=120000)
        B._wait_done(page, m, 0)
        return jsprofile.stop(cdp)
    finally:
        ctx.close()


def js_profile_interaction(br, base, path, title, labels) -> dict:
    from bench import browser as B
    from bench import jsprofile

    ctx = br.context()
    try:
        page = ctx.new_page()
        m = B.Meter(page)
        page.goto(base + path, wait_until="commit")
        page.wait_for_function(B.VISIBLE_JS, arg=[B.DECK, title], polling="raf", timeout=120000)
        B._wait_done(page, m, 0)
        page.wait_for_timeout(1000)
        cdp = jsprofile.start(page)
        for label in labels:
            n0 = m.finished
            page.locator('[data-testid="stSelectbox"]').first.click()
            page.keyboard.type(label)
            page.get_by_role("option", name=label, exact=True).click()
            B._wait_done(page, m, n0)
        res = jsprofile.stop(cdp)
        res["changes"] = len(labels)
        return res
    finally:
        ctx.close()


# ---------------------------------------------------------------- 3. concurrency (protocol clients)


def calibrate(s: C.Server, reruns: int = 12, fragments: bool = True) -> dict:
    """One session alone: rerun latency and the server's CPU per rerun (after 4 warm-up reruns)."""
    from bench import load

    asyncio.run(load.wave(s.port, 1, 4, (0.2, 0.2), 0, fragments=fragments))
    c0 = C.cpu_ms(s.proc.pid)
    r = asyncio.run(load.wave(s.port, 1, reruns, (0.3, 0.3), 0, fragments=fragments))
    cpu = C.cpu_ms(s.proc.pid) - c0
    return {
        "rerun_ms": C.summary(r["rerun_ms"]),
        "first_view_ms": r["initial_ms"][0] if r["initial_ms"] else None,
        "server_cpu_ms_per_run": cpu / (reruns + 1),
        "failures": r["failures"],
        "fragment_reruns": r["fragment_reruns"],
        "rerun_ws_bytes": C.summary(r["rerun_bytes"]),
    }


def section_load(db: Path, cfg: dict, profile: bool) -> dict:
    from bench import load

    out = {"waves": [], "think_s": cfg["think"], "reruns_per_session": cfg["reruns"], "ramp_s": cfg["ramp"]}
    with C.app_server(db) as s:
        out["rss_mb_idle"] = s.rss_mb()
        C.log("load: calibration (1 session)")
        out["calibration"] = calibrate(s)
        for i, n in enumerate(cfg["waves"]):
            C.log(f"load: wave {i + 1}: {n} sessions")
            before = s.rss_mb()
            r = asyncio.run(load.wave(s.port, n, cfg["reruns"], tuple(cfg["think"]), cfg["ramp"], rss=s.rss_mb, seed=i))
            time.sleep(5)
            out["waves"].append(
                {
                    "sessions": n,
                    "failures": len(r["failures"]),
                    "failure_samples": r["failures"][:5],
                    "initial_ms": C.summary(r["initial_ms"]),
                    "rerun_ms": C.summary(r["rerun_ms"]),
                    "rerun_ws_bytes": C.summary(r["rerun_bytes"]),
                    "wall_s": r["wall_s"],
                    "rss_mb_before": before,
                    "rss_mb_peak": r["rss_peak_mb"],
                    "rss_mb_after_5s": s.rss_mb(),
                    "fragment_reruns": r["fragment_reruns"],
                }
            )
        time.sleep(10)
        out["rss_mb_end_15s"] = s.rss_mb()
    if cfg.get("what_if"):
        # Same app and server, but the client reruns the whole page on every change, as it would if the map page
        # had no st.fragment: what the fragment is worth under load.
        with C.app_server(db) as s:
            C.log("load: what-if whole-page reruns: calibration + one wave of 50")
            w = {"what": "whole-page reruns (fragment id not sent)", "calibration": calibrate(s, fragments=False)}
            r = asyncio.run(
                load.wave(s.port, 50, cfg["reruns"], tuple(cfg["think"]), cfg["ramp"], rss=s.rss_mb, fragments=False)
            )
            w["wave50"] = {
                "failures": len(r["failures"]),
                "initial_ms": C.summary(r["initial_ms"]),
                "rerun_ms": C.summary(r["rerun_ms"]),
                "rss_mb_peak": r["rss_peak_mb"],
                "wall_s": r["wall_s"],
                "rerun_ws_bytes": C.summary(r["rerun_bytes"]),
            }
            out["what_if"] = w
    if profile:
        out["server_profile"] = profile_server(db)
    return out


def profile_server(db: Path, reruns: int = 15) -> dict:
    """The app's server under cProfile (event loop + script threads): 3 first views, then one session's reruns."""
    import signal

    from bench import load

    path = "/tmp/bench-server-profile.pstats"
    Path(path).unlink(missing_ok=True)
    C.log("load: profiling the server")
    with C.app_server(db, profile_to=path) as s:
        asyncio.run(load.wave(s.port, 3, 0, (0.2, 0.2), 0.5))
        r = asyncio.run(load.wave(s.port, 1, reruns, (0.3, 0.3), 0))
        os.kill(s.proc.pid, signal.SIGUSR1)
        for _ in range(100):
            if Path(path).exists():
                break
            time.sleep(0.2)
    runs = 4 + reruns
    return {
        "runs": runs,
        "note": "cProfile inflates times; compare rows with each other, per script run",
        "rerun_ms_under_profiler": C.summary(r["rerun_ms"]),
        "top": C.pstats_top(path, runs, 25, "run"),
    }


# ---------------------------------------------------------------- 4. scale


def section_scale(db: Path, cfg: dict, baseline: dict | None) -> dict:
    from bench import synth

    out: dict = {"factors": {}}
    if baseline is None:
        baseline = {p: page_runs(db, p, cfg["scale_warm"], deadline=cfg["deadline"]) for p in PAGE_FILES}
    out["baseline_exec_median_ms"] = {
        p: baseline[p]["warm_exec_ms"]["median"]
        for p in PAGE_FILES
        if "error" not in baseline[p] and not baseline[p].get("timed_out")
    }
    for factor in cfg.get("scale_factors", (10, 100)):
        C.log(f"scale: x{factor} build")
        r = subprocess.run(
            [C.PY, "-m", "bench.synth", str(factor), f"/tmp/bench-synth-x{factor}"],
            cwd=C.ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(C.ROOT)},
            timeout=1800,
        )
        if r.returncode != 0:
            out["factors"][factor] = {"error": r.stderr[-2000:]}
            continue
        info = json.loads(r.stdout.strip().splitlines()[-1])
        pages = {}
        for p in PAGE_FILES if factor in cfg.get("scale_pages_for", (10, 100)) else []:
            C.log(f"scale: x{factor} {p}")
            pages[p] = page_runs(Path(info["db"]), p, cfg["scale_warm"], deadline=cfg["scale_deadline"])
        info["pages"] = pages
        out["factors"][factor] = info
    _ = synth
    return out


# ---------------------------------------------------------------- targets, profiles, report


def _r(x, nd=0):
    return None if x is None else round(x, nd)


def evaluate(res: dict) -> list[dict]:
    """One row per figure: measure, value, floor, ratio, target, met."""
    rows = []

    def add(measure, value, target, met, floor=None, ratio=None, unit="ms"):
        rows.append(
            {
                "measure": measure,
                "value": value,
                "unit": unit,
                "floor": floor,
                "ratio": ratio,
                "target": target,
                "met": met,
            }
        )

    sc = res.get("scripts")
    if sc:
        fl = sc.get("floor:empty", {})
        fl_ex = fl.get("warm_exec_ms", {}).get("median")
        fl_wall = fl.get("warm_wall_ms", {}).get("median")
        for p in PAGE_FILES:
            d = sc.get(p, {})
            if "error" in d or d.get("timed_out") or not d:
                add(f"script warm {p} ({'timed out' if d.get('timed_out') else 'error'})", None, "<= 100 ms", False)
                continue
            ex = d["warm_exec_ms"]["median"]
            add(
                f"script warm exec {p} (wall {_r(d['warm_wall_ms']['median'])}, cold {_r(d['cold_exec_ms'])}, "
                f"p95 {_r(d['warm_exec_ms']['p95'])})",
                _r(ex, 1),
                "<= 100 ms",
                ex <= 100,
                floor=f"{_r(fl_ex, 1)} (wall {_r(fl_wall, 1)})",
                ratio=None,
            )
    br = res.get("browser")
    if br:
        pages, floors = br["pages"], br["floors"]
        deck = floors.get("deck_only", {}).get("visible_ms", {}).get("median")
        naive = floors.get("naive_peer", {}).get("visible_ms", {}).get("median")
        empty = floors.get("empty", {}).get("visible_ms", {}).get("median")
        stuck = {k: len(v.get("errors", [])) for k, v in [*pages.items(), *floors.items()] if v.get("errors")}
        if stuck:
            add(
                f"browser loads that did not settle (per page): {stuck}",
                sum(stuck.values()),
                "(info)",
                None,
                unit="loads",
            )
        for p, d in pages.items():
            v = d["visible_ms"]["median"]
            if p == "/World_map":
                add(
                    "browser map page visible (canvas)",
                    _r(v),
                    "<= 1.15x deck-only floor",
                    v is not None and deck is not None and v <= 1.15 * deck,
                    floor=f"deck-only {_r(deck)}",
                    ratio=_r(v / deck, 2) if v and deck else None,
                )
                add(
                    "browser naive peer visible / map page visible",
                    _r(naive),
                    ">= 1.5x",
                    v is not None and naive is not None and naive / v >= 1.5,
                    floor=f"map {_r(v)}",
                    ratio=_r(naive / v, 2) if v and naive else None,
                )
                c = d["complete_ms"]["median"]
                add(
                    "browser map page complete (canvas + geojson fetched)",
                    _r(c),
                    "(info)",
                    None,
                    floor=f"deck-only {_r(floors.get('deck_only', {}).get('complete_ms', {}).get('median'))}",
                )
            else:
                add(
                    f"browser visible {p}",
                    _r(v),
                    "(info)",
                    None,
                    floor=f"empty {_r(empty)}",
                    ratio=_r(v / empty, 2) if v and empty else None,
                )
        for name in ("empty", "deck_only", "plotly_only", "naive_peer", "deck_select"):
            f = floors.get(name, {})
            add(f"browser floor {name} visible", _r(f.get("visible_ms", {}).get("median")), "(floor)", None)
        it, nit = br.get("interaction", {}), br.get("naive_interaction", {})
        if it:
            p95, np95 = it["ms"]["p95"], nit.get("ms", {}).get("p95")
            add(
                f"interaction p95 (p50 {_r(it['ms']['p50'])}, n={it['ms']['n']}, stuck {len(it.get('failures', []))}; "
                f"naive stuck {len(nit.get('failures', []))}; script_finished handled by the "
                f"page at p50 {_r(it['to_script_finished_ms']['p50'])})",
                _r(p95),
                "<= 1000 ms",
                p95 is not None and p95 <= 1000,
            )
            fit = br.get("floor_interaction", {}).get("ms", {})
            if fit:
                add(
                    f"interaction floor: deck + selectbox only, p95 (p50 {_r(fit.get('p50'))})",
                    _r(fit.get("p95")),
                    "(floor)",
                    None,
                    floor=f"app {_r(p95)}",
                    ratio=_r(p95 / fit["p95"], 2) if p95 and fit.get("p95") else None,
                )
            add(
                f"interaction naive p95 / app p95 (naive p50 {_r(nit.get('ms', {}).get('p50'))})",
                _r(np95),
                ">= 1.6x",
                p95 and np95 and np95 / p95 >= 1.6,
                floor=f"app {_r(p95)}",
                ratio=_r(np95 / p95, 2) if p95 and np95 else None,
            )
            wsb = it["ws_in_bytes"]
            add(
                f"ws bytes per rerun, server->browser (median {_r(wsb['median'])}, sent {_r(it['ws_out_bytes']['median'])})",
                _r(wsb["p95"]),
                "<= 50 KB (p95)",
                wsb["p95"] is not None and wsb["p95"] <= 50_000,
                unit="B",
                floor=f"naive {_r(nit.get('ws_in_bytes', {}).get('median'))}",
            )
        nav = br.get("navigation")
        if nav:
            add(
                "in-app navigation, all pages (median)",
                _r(nav["all_ms"]["median"]),
                "(info)",
                None,
                floor=f"p95 {_r(nav['all_ms']['p95'])}",
            )
        c5 = br.get("concurrent5")
        if c5:
            add(
                "5 browsers at once: map visible (median)",
                _r(c5["visible_ms"]["median"]),
                "(info)",
                None,
                floor=f"max {_r(c5['visible_ms']['max'])}",
            )
    ld = res.get("load")
    if ld:
        for w in ld["waves"]:
            n = w["sessions"]
            ok = w["failures"] == 0 and (w["rerun_ms"]["p95"] or 1e9) <= 500 and (w["rss_mb_peak"] or 1e9) <= 600
            add(
                f"load {n} sessions: rerun p95 (p50 {_r(w['rerun_ms']['p50'])}, first-view p95 "
                f"{_r(w['initial_ms']['p95'])}), failures {w['failures']}, RSS MB before/peak/after "
                f"{_r(w['rss_mb_before'])}/{_r(w['rss_mb_peak'])}/{_r(w['rss_mb_after_5s'])}",
                _r(w["rerun_ms"]["p95"]),
                "50: 0 fail, p95 <= 500, RSS <= 600" if n == 50 else "(info)",
                ok if n == 50 else None,
            )
    if ld:
        w50 = [w for w in ld["waves"] if w["sessions"] == 50]
        if len(w50) >= 2:
            after = [w["rss_mb_after_5s"] for w in w50]
            grow = (after[-1] - after[0]) / after[0] if after[0] else None
            add(
                f"RSS after each wave of 50, MB ({' / '.join(str(_r(a)) for a in after)}; end {_r(ld.get('rss_mb_end_15s'))})",
                _r(grow * 100, 1) if grow is not None else None,
                "levels off (growth first->last wave < 10%)",
                grow is not None and grow < 0.10,
                unit="%",
            )
        cal = ld.get("calibration")
        if cal:
            add(
                f"1 session alone: rerun p50 (server CPU {_r(cal['server_cpu_ms_per_run'])} ms per run, first view "
                f"{_r(cal['first_view_ms'])} ms, fragment reruns {cal.get('fragment_reruns')}, ws bytes p50 "
                f"{_r((cal.get('rerun_ws_bytes') or {}).get('p50'))})",
                _r(cal["rerun_ms"]["p50"]),
                "(info)",
                None,
            )
        wi = ld.get("what_if")
        if wi:
            c, w = wi["calibration"], wi["wave50"]
            add(
                f"what-if whole-page reruns (no fragment): 1 session rerun p50 (server CPU "
                f"{_r(c['server_cpu_ms_per_run'])} ms/run, ws bytes p50 {_r(c['rerun_ws_bytes']['p50'])})",
                _r(c["rerun_ms"]["p50"]),
                "(info)",
                None,
            )
            add(
                f"what-if whole-page reruns, 50 sessions: rerun p95 (p50 {_r(w['rerun_ms']['p50'])}, failures "
                f"{w['failures']}, RSS peak {_r(w['rss_mb_peak'])} MB)",
                _r(w["rerun_ms"]["p95"]),
                "(info)",
                None,
            )
    sc4 = res.get("scale")
    if sc4:
        base = sc4["baseline_exec_median_ms"]
        for f, info in sc4["factors"].items():
            if "error" in info:
                add(f"scale x{f}", None, "build", False)
                continue
            add(
                f"scale x{f} build (db {info['db_bytes'] / 1e6:.1f} MB)",
                _r(info["build_s"], 1),
                "(info)",
                None,
                unit="s",
            )
            for p, d in info["pages"].items():
                if "error" in d:
                    add(f"scale x{f} {p} (error)", None, "runs", False)
                    continue
                if d.get("timed_out"):
                    add(
                        f"scale x{f} {p}: no run finished within {d['deadline_s']:.0f} s (cold "
                        f"{_r(d.get('cold_exec_ms'))} ms)",
                        None,
                        "<= 2x today" if str(f) == "100" else "(info)",
                        False if str(f) == "100" else None,
                        floor=f"today {_r(base.get(p), 1)}",
                    )
                    continue
                v = d["warm_exec_ms"]["median"]
                b = base.get(p)
                add(
                    f"scale x{f} warm exec {p} (cold {_r(d['cold_exec_ms'])})",
                    _r(v, 1),
                    "<= 2x today" if str(f) == "100" else "(info)",
                    (v <= 2 * b) if (str(f) == "100" and b) else None,
                    floor=f"today {_r(b, 1)}",
                    ratio=_r(v / b, 2) if b else None,
                )
    return rows


def profiles(res: dict, db: Path, cfg: dict) -> dict:
    """cProfile of the warm runs of every page that misses a script or scale target."""
    out = {}
    sc = res.get("scripts") or {}
    for p in PAGE_FILES:
        d = sc.get(p)
        if d and "error" not in d and not d.get("timed_out") and d["warm_exec_ms"]["median"] > 100:
            C.log(f"profile: {p}")
            out[f"today {p}"] = page_runs(db, p, cfg["profile_runs"], profile=True).get("profile")
        elif d and d.get("timed_out"):
            out[f"today {p}"] = d.get("profile_last_window")
    sc4 = res.get("scale") or {}
    info = sc4.get("factors", {}).get(100) or sc4.get("factors", {}).get("100")
    base = sc4.get("baseline_exec_median_ms", {})
    if info and "pages" in info:
        for p, d in info["pages"].items():
            if d.get("timed_out"):
                out[f"x100 {p}"] = d.get("profile_last_window")
            elif "error" not in d and base.get(p) and d["warm_exec_ms"]["median"] > 2 * base[p]:
                C.log(f"profile: x100 {p}")
                out[f"x100 {p}"] = page_runs(
                    Path(info["db"]), p, cfg["profile_runs"], profile=True, deadline=cfg["scale_deadline"]
                ).get("profile")
    return out


def app_digest() -> dict:
    """What was measured: a digest of the app's code and the newest modification time among it."""
    import hashlib

    files = sorted(
        [
            C.ROOT / "streamlit_app.py",
            *(C.ROOT / "pages").glob("*.py"),
            *(C.ROOT / "dashboard").rglob("*.py"),
            *(C.ROOT / "dashboard").rglob("*.sql"),
            C.ROOT / ".streamlit" / "config.toml",
        ]
    )
    h = hashlib.sha256()
    for f in files:
        h.update(f.read_bytes())
    newest = max(f.stat().st_mtime for f in files)
    return {"sha256": h.hexdigest()[:16], "newest_mtime": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(newest))}


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        info["cpu_model"] = next(
            line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")
        )
        info["mem_total"] = next(
            line.split(":", 1)[1].strip() for line in open("/proc/meminfo") if line.startswith("MemTotal")
        )
        info["loadavg_start"] = open("/proc/loadavg").read().split()[:3]
    except (OSError, StopIteration):
        pass
    import streamlit

    info["streamlit"] = streamlit.__version__
    return info


def markdown(rows: list[dict]) -> str:
    lines = ["| measure | value | floor / baseline | ratio | target | met |", "|---|---|---|---|---|---|"]
    for r in rows:
        met = {True: "yes", False: "**NO**", None: ""}[r["met"] if r["met"] in (True, False, None) else bool(r["met"])]
        val = "n/a" if r["value"] is None else f"{r['value']} {r['unit']}"
        lines.append(f"| {r['measure']} | {val} | {r['floor'] or ''} | {r['ratio'] or ''} | {r['target']} | {met} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (< 10 minutes)")
    ap.add_argument("--sections", default="scripts,browser,load,scale")
    ap.add_argument("--no-profile", action="store_true", help="skip profiling the missed targets")
    ap.add_argument("--profile", action="store_true", help="also take the browser and server profiles in --quick")
    args = ap.parse_args(argv)
    cfg = CONFIGS["quick" if args.quick else "full"]
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    heavy_profiles = not args.no_profile and (args.profile or not args.quick)
    t0 = time.time()
    db, name = C.snapshot_release()
    res: dict = {
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "mode": "quick" if args.quick else "full",
        "config": cfg,
        "release": name,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": machine(),
        "app_code": app_digest(),
    }
    C.log(f"release {name} (copied to {db}); mode {res['mode']}")
    outdir = C.BENCH / "results"
    outdir.mkdir(exist_ok=True)
    path = outdir / f"{time.strftime('%Y%m%d-%H%M%S')}.json"

    def step(key, fn):
        """Run a section; a crash is recorded, the other sections still run; partial results are saved."""
        try:
            res[key] = fn()
        except Exception as exc:
            import traceback

            C.log(f"{key} failed: {exc}")
            res.setdefault("section_errors", {})[key] = traceback.format_exc()[-3000:]
        path.write_text(json.dumps(res, indent=1, default=str))

    if "scripts" in sections:
        step("scripts", lambda: section_scripts(db, cfg))
    if "browser" in sections:
        step("browser", lambda: section_browser(db, cfg, profile=heavy_profiles))
    if "load" in sections:
        step("load", lambda: section_load(db, cfg, profile=heavy_profiles))
    if "scale" in sections:
        step("scale", lambda: section_scale(db, cfg, res.get("scripts")))
    if not args.no_profile:
        step("profiles", lambda: profiles(res, db, cfg))
    res["targets"] = evaluate(res)
    res["elapsed_s"] = time.time() - t0
    res["app_code_end"] = app_digest()  # differs from app_code if the app was edited during the run
    res["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    path.write_text(json.dumps(res, indent=1, default=str))
    print(f"# Atlas benchmark ({res['mode']}, release {name}, {res['elapsed_s'] / 60:.1f} min)\n")
    print(markdown(res["targets"]))
    for key, err in res.get("section_errors", {}).items():
        print(f"\nSection {key} failed: {err.strip().splitlines()[-1]}")
    print(f"\nRaw results: {path.relative_to(C.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
