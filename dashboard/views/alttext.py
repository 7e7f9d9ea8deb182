"""Text alternatives that state the figures of a map or chart in one sentence, for a screen reader (the element's
alt) and for every reader (a caption next to it): "CoE AI Convention (CETS 225) on 01 December 2026: 20 states
signed; 1 organisation ratified or approved (European Union); 175 states have no record."

Pure functions of the frames the maps and charts draw; plain text (the page escapes it for Markdown).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.config import KIND_LABELS, STANCE_LABELS, STANCE_SYMBOLS, STATUS_LABELS, STATUS_ORDER, STATUS_SYMBOLS

# What a state of each status class did, after "N states …" (status classes: dashboard/config.py).
STATUS_VERBS = {
    "party": "ratified or approved",
    "signed": "signed",
    "jurisdiction": "issued it (in force or adopted)",
    "member_bound": "are bound as EU members",
    "issuer_pending": "issued it (scheduled or bill pending)",
    "endorsed": "endorsed, joined or sponsored it",
    "voted_yes": "voted yes",
    "abstained": "abstained",
    "voted_no": "voted no",
    "withdrew": "withdrew",
    "declined": "declined (said no)",
    "issuer_ended": "issued it (since revoked, vetoed or superseded)",
}
MAX_NAMES = 5  # names listed in a sentence before "and N more"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def names(items: list[str], limit: int = MAX_NAMES) -> str:
    """ "A, B and C"; beyond `limit`: "A, B, C, D, E and 3 more"."""
    items = [str(i) for i in items]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1] if items else ""


def day(d: date) -> str:
    return f"{d:%d %B %Y}"


def status_counts(statuses: pd.DataFrame) -> str:
    """ "20 states signed, 1 ratified or approved": the states per status class present, strongest first."""
    counts = statuses["status"].value_counts()
    parts = [(int(counts[s]), STATUS_VERBS[s]) for s in STATUS_ORDER if s in STATUS_VERBS and counts.get(s, 0)]
    return ", ".join(
        f"{n} {('state ' if n == 1 else 'states ') if i == 0 else ''}{verb}" for i, (n, verb) in enumerate(parts)
    )


def map_sentence(label: str, as_of: date, statuses: pd.DataFrame) -> str:
    """The map in a sentence: states per status, the organisations by name, and how many states have no record
    (in the words the legend uses for them: "No record" or "Not named (list partial)")."""
    is_org = statuses["kind"] == "organisation"
    states, orgs = statuses[~is_org], statuses[is_org & (statuses["status"] != "none")]
    parts = [status_counts(states) or "no state has a record"]
    for s in STATUS_ORDER:
        named = orgs.loc[orgs["status"] == s, "name"].tolist()
        if named:
            parts.append(f"{plural(len(named), 'organisation')} {STATUS_VERBS.get(s, s)} ({names(named)})")
    none = states[states["status"] == "none"]
    if len(none):
        word = str(none["status_label"].iloc[0]) if "status_label" in none.columns else STATUS_LABELS["none"]
        parts.append(f"{plural(len(none), 'state')}: {word.lower()}")
    return f"{label} on {day(as_of)}: " + "; ".join(parts) + "."


def legend_words(legend: pd.DataFrame) -> str:
    """The legend as text (maps.legend): "Legend (marker symbol, status, number of states): S Signed (20), …"."""
    items = [
        (f"{r.symbol} " if getattr(r, "symbol", "") else "") + f"{r.status} ({r.count})" for r in legend.itertuples()
    ]
    return "Legend (marker symbol, status, number of states): " + ", ".join(items) + "."


def symbol_key() -> str:
    """Every marker symbol in words: "✓ ratified / approved, S signed, …"."""
    return ", ".join(f"{STATUS_SYMBOLS[s]} {STATUS_LABELS[s].lower()}" for s in STATUS_ORDER if STATUS_SYMBOLS[s])


def eif_sentence(name: str, as_of: date, parties: int, needed: int, coe: int, coe_needed: int, verdict: str) -> str:
    """ "CETS 225 on 01 December 2026: 1 of 5 ratifications or approvals needed, 0 of the 3 by Council of Europe
    member states. Not in force …" (the verdict's own sentence, without its Markdown bold)."""
    return (
        f"{name} on {day(as_of)}: {parties} of {needed} ratifications or approvals needed, {coe} of the "
        f"{coe_needed} by Council of Europe member states. " + verdict.replace("**", "")
    )


def over_time_sentence(instruments: pd.DataFrame) -> str:
    """Instruments adopted per year: the span, binding and voluntary totals, the busiest year."""
    df = instruments.dropna(subset=["adopted_on"])
    if df.empty:
        return "No instrument with an adoption date."
    years = pd.Series([d.year for d in df["adopted_on"]], index=df.index)
    busiest = years.value_counts().sort_index().idxmax()
    binding = int(df["legally_binding"].astype(bool).sum())
    return (
        f"{plural(len(df), 'instrument')} adopted from {years.min()} to {years.max()}: {binding} binding, "
        f"{len(df) - binding} voluntary; the most in {busiest} ({int((years == busiest).sum())})."
    )


def by_kind_sentence(instruments: pd.DataFrame) -> str:
    """Instruments per kind, most first, each with its binding count."""
    if instruments.empty:
        return "No instrument."
    kinds = instruments["kind"].map(KIND_LABELS).fillna(instruments["kind"])
    g = instruments.assign(k=kinds, b=instruments["legally_binding"].astype(bool)).groupby("k")["b"]
    rows = sorted(((int(v.size), int(v.sum()), k) for k, v in g), key=lambda t: (-t[0], t[2]))
    return (
        "Instruments by kind: "
        + "; ".join(
            f"{k} {n} ({b} binding, {n - b} voluntary)" if 0 < b < n else f"{k} {n} ({'binding' if b else 'voluntary'})"
            for n, b, k in rows
        )
        + "."
    )


def commitments_sentence(cc: pd.DataFrame, top: int = MAX_NAMES) -> str:
    """The most committed states or organisations, with their binding and voluntary counts."""
    d = cc.assign(total=cc["Binding"] + cc["Voluntary"])
    d = d[d["total"] > 0].sort_values(["total", "name"], ascending=[False, True])
    if d.empty:
        return "No commitment in this selection."
    lead = "; ".join(f"{r.name} {r.Binding} binding, {r.Voluntary} voluntary" for r in d.head(top).itertuples())
    return f"{plural(len(d), 'state or organisation', 'states and organisations')} with a commitment; the most: {lead}."


def company_stances_sentence(stances: pd.DataFrame, top: int = MAX_NAMES) -> str:
    """The companies with the most stances (latest per commitment), each with its stances by kind."""
    latest = stances.sort_values("stance_date").drop_duplicates(["company_id", "instrument_id"], keep="last")
    if latest.empty:
        return "No company stance."
    counts = latest.groupby(["company", "stance"]).size().unstack(fill_value=0)
    order = counts.sum(axis=1).sort_values(ascending=False, kind="stable").head(top).index
    lead = "; ".join(
        f"{c}: "
        + ", ".join(
            f"{int(counts.loc[c, s])} {STANCE_LABELS[s].lower()}"
            for s in STANCE_LABELS
            if s in counts.columns and counts.loc[c, s]
        )
        for c in order
    )
    return f"{plural(latest['company_id'].nunique(), 'company', 'companies')} with a stance; the most: {lead}."


def matrix_sentence(matrix: pd.DataFrame) -> str:
    """The stances matrix (companies × commitments of stance classes) counted by stance, in its symbols' words."""
    cells = pd.Series(matrix.to_numpy().ravel()).value_counts()
    parts = [
        f"{int(cells[s])} {STANCE_LABELS[s].lower()}" + (f" ({STANCE_SYMBOLS[s]})" if STANCE_SYMBOLS[s] else "")
        for s in STANCE_LABELS
        if s != "none" and cells.get(s, 0)
    ]
    return (
        f"{plural(len(matrix.index), 'company', 'companies')} × {plural(len(matrix.columns), 'commitment')}: "
        + ", ".join(parts)
        + f"; {int(cells.get('none', 0))} cells with no record."
    )


def timeline_sentence(name: str, as_of: date, events: pd.DataFrame, scheduled: pd.DataFrame | None) -> str:
    """Dated events from first to latest, and what is scheduled after the view date (the first few by date)."""
    parts = []
    if len(events):
        ev = events.sort_values("event_date")
        parts.append(
            f"{plural(len(ev), 'event')} from {day(ev['event_date'].iloc[0])} to {day(ev['event_date'].iloc[-1])}, "
            f"the latest: {ev['title'].iloc[-1]}"
        )
    if scheduled is not None and len(scheduled):
        sc = scheduled.sort_values("event_date")
        parts.append(
            f"{plural(len(sc), 'event')} scheduled after {day(as_of)}: "
            + names([f"{day(d)}, {t}" for d, t in zip(sc["event_date"], sc["title"], strict=True)], 3)
        )
    return f"Timeline of {name}: " + ("; ".join(parts) if parts else "no dated event") + "."
