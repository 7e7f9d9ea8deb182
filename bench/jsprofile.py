"""Chromium CPU profile (CDP Profiler) of a page during an action, reduced to the top functions by self time."""

from __future__ import annotations

from collections import defaultdict


def start(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 500})
    cdp.send("Profiler.start")
    return cdp


def stop(cdp, top: int = 15) -> dict:
    prof = cdp.send("Profiler.stop")["profile"]
    cdp.detach()
    nodes = {n["id"]: n for n in prof["nodes"]}
    self_us: dict[int, float] = defaultdict(float)
    for sid, dt in zip(prof["samples"], prof["timeDeltas"], strict=False):
        self_us[sid] += dt
    parent = {c: n["id"] for n in prof["nodes"] for c in n.get("children", [])}
    by_fn: dict[str, float] = defaultdict(float)
    by_file: dict[str, float] = defaultdict(float)
    total_us: dict[str, float] = defaultdict(float)
    for nid, us in self_us.items():
        cf = nodes[nid]["callFrame"]
        name = cf["functionName"] or "(anonymous)"
        url = cf["url"].rsplit("/", 1)[-1] or ""
        key = f"{name} {url}:{cf['lineNumber'] + 1}" if url else name
        by_fn[key] += us
        by_file[url or name] += us
        # inclusive time per function name along the stack (counted once per sample stack)
        seen, cur = set(), nid
        while cur is not None:
            c = nodes[cur]["callFrame"]
            k2 = f"{c['functionName'] or '(anonymous)'} {c['url'].rsplit('/', 1)[-1]}:{c['lineNumber'] + 1}"
            if k2 not in seen:
                total_us[k2] += us
                seen.add(k2)
            cur = parent.get(cur)
    wall = (prof["endTime"] - prof["startTime"]) / 1000
    idle = sum(v for k, v in by_fn.items() if k.startswith("(idle)")) / 1000

    def topn(d):
        return [(k, round(v / 1000, 1)) for k, v in sorted(d.items(), key=lambda kv: -kv[1])[:top]]

    return {
        "wall_ms": round(wall, 1),
        "idle_ms": round(idle, 1),
        "self_top": topn(by_fn),
        "by_script_top": topn(by_file),
        "inclusive_top": topn({k: v for k, v in total_us.items() if not k.startswith("(root)")}),
    }
