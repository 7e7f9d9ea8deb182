"""Rules across rows: dates in order, entry-into-force rules stored whole, consent after signature, scheduled
dates, complete lists that add up, no copy sites as sources, no two companies of one name."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from dashboard import config
from dashboard.sourcefiles import Sources


def fold(value: object) -> object:
    """A key part as compared for duplicates: text case-folded with its white space collapsed."""
    return " ".join(value.casefold().split()) if isinstance(value, str) else value


def same_name_checks(src: Sources, t: dict[str, list[dict]]) -> None:
    """Two companies may not share a name (case-blind): a copy under a new id is how a look-alike would get in."""
    seen: dict[object, dict] = {}
    for r in t["companies"]:
        name = fold(r.get("name"))
        if not name or not r.get("company_id"):
            continue
        if name in seen:
            first = seen[name]
            src.add(
                r["_file"],
                r["_row"],
                "name",
                f"{r['name']!r} is already the name of company "
                f"{first['company_id']!r} ({first['_file']}:{first['_row']}); give each company one row",
            )
        else:
            seen[name] = r


def cross_checks(src: Sources, t: dict[str, list[dict]]) -> None:
    """Rules across rows: dates in order, rules stored whole, consent after signature."""
    instruments = {r["instrument_id"]: r for r in t["instruments"] if r["instrument_id"]}
    for r in t["instruments"]:
        f, line = r["_file"], r["_row"]
        eif = [r["eif_parties_required"], r["eif_min_coe_members"], r["eif_delay_months"]]
        if any(v is not None for v in eif) and any(v is None for v in eif):
            src.add(
                f,
                line,
                "eif_parties_required",
                "entry-into-force rule must give all three of "
                "eif_parties_required, eif_min_coe_members, eif_delay_months, or none",
            )
        if None not in eif and eif[1] > eif[0]:
            src.add(f, line, "eif_min_coe_members", "cannot exceed eif_parties_required")
        for a, b in (("adopted_on", "opened_on"), ("adopted_on", "in_force_on"), ("adopted_on", "ended_on")):
            if r[a] and r[b] and r[b] < r[a]:
                src.add(f, line, b, f"{b} {r[b]} is before {a} {r[a]}")
        if r["status"] == "in_force" and not r["in_force_on"]:
            src.add(f, line, "in_force_on", "status is in_force but in_force_on is empty")
        if r["status"] == "not_in_force" and r["in_force_on"]:
            src.add(f, line, "status", "status is not_in_force but in_force_on is given")
        if r["status"] in config.ENDED_STATUSES and not r["ended_on"]:
            src.add(f, line, "ended_on", f"status is {r['status']} but ended_on is empty")
        if r["ended_on"] and r["status"] not in config.ENDED_STATUSES:
            src.add(
                f,
                line,
                "status",
                f"ended_on is given but status {r['status']!r} is not one of {', '.join(config.ENDED_STATUSES)}",
            )
        if r["superseded_by"] and r["superseded_by"] not in instruments:
            src.add(f, line, "superseded_by", f"unknown instrument id {r['superseded_by']!r}: dangling reference")
        if r["superseded_by"] and r["status"] != "superseded":
            src.add(f, line, "superseded_by", "superseded_by is given but status is not superseded")
        future = r["in_force_on"] and src.as_of and r["in_force_on"] > src.as_of
        if future and r["status"] != "scheduled":
            src.add(
                f,
                line,
                "in_force_on",
                f"in_force_on {r['in_force_on']} is after the as-of date {src.as_of}: "
                "only a scheduled instrument (status scheduled) may have a future date",
            )
        if r["status"] == "scheduled" and not r["in_force_on"]:
            src.add(f, line, "in_force_on", "status is scheduled but in_force_on (the day it takes effect) is empty")
        if r["status"] == "pending" and r["kind"] != "bill":
            src.add(f, line, "status", "only a bill can be pending")
    for r in t["events"]:
        if r["event_date"] and src.as_of and r["event_date"] > src.as_of and r["kind"] not in config.SCHEDULABLE_EVENTS:
            src.add(
                r["_file"],
                r["_row"],
                "event_date",
                f"date {r['event_date']} is after the dataset's as-of date "
                f"{src.as_of}: only a scheduled {'/'.join(config.SCHEDULABLE_EVENTS)} event may lie ahead",
            )
    named: dict[str, set] = {}
    for r in t["actions"]:
        named.setdefault(r["instrument_id"], set()).add(r["participant_id"])
    latest: dict[str, dict] = {}
    for r in t["counts"]:
        if (
            r["instrument_id"]
            and r["as_reported_on"]
            and (r["instrument_id"] not in latest or r["as_reported_on"] > latest[r["instrument_id"]]["as_reported_on"])
        ):
            latest[r["instrument_id"]] = r
    for r in latest.values():
        n = len(named.get(r["instrument_id"], ()))
        if (
            r["list_complete"]
            and not r["count_is_approx"]
            and r["reported_count"] is not None
            and n != r["reported_count"]
        ):
            src.add(
                r["_file"],
                r["_row"],
                "list_complete",
                f"the list is marked complete but {n} participants are "
                f"named against {r['reported_count']} reported: mark it incomplete or complete the list",
            )
    for rows in t.values():
        for r in rows:
            host = (urlsplit(r.get("source_url") or "").hostname or "").lower()
            bad = next((d for d in src.denied if host == d or host.endswith("." + d)), None)
            if bad:
                src.add(
                    r["_file"],
                    r["_row"],
                    "source_url",
                    f"cites {bad}, a copy or aggregator site "
                    "(deny_domains.csv): cite the body that made the fact and keep the copy in evidence_url",
                )
    for name, col in (("actions", "action_date"), ("stances", "stance_date"), ("events", "event_date")):
        for r in t[name]:
            d, prec = r.get(col), r.get("date_precision")
            if d and prec == "month" and d.day != 1:
                src.add(
                    r["_file"],
                    r["_row"],
                    "date_precision",
                    f"'month' means only the month is known: give the 1st ({d:%Y-%m}-01), or use 'day'",
                )
            if d and prec == "year" and (d.month, d.day) != (1, 1):
                src.add(
                    r["_file"],
                    r["_row"],
                    "date_precision",
                    f"'year' means only the year is known: give {d.year}-01-01, or use 'day'/'on_or_before'",
                )
    signed: dict[tuple, date] = {}
    for r in t["actions"]:
        if r["action"] == "signed" and r["action_date"]:
            k = (r["instrument_id"], r["participant_id"])
            signed[k] = min(signed.get(k, r["action_date"]), r["action_date"])
    for r in t["actions"]:
        k = (r["instrument_id"], r["participant_id"])
        if r["action"] in config.CONSENT_ACTIONS and r["action_date"] and k in signed and r["action_date"] < signed[k]:
            src.add(
                r["_file"],
                r["_row"],
                "action_date",
                f"{r['action']} on {r['action_date']} is before the signature on {signed[k]}",
            )
        inst = instruments.get(r["instrument_id"])
        start = inst and (inst["opened_on"] if r["action"] == "signed" and inst["opened_on"] else inst["adopted_on"])
        if start and r["action_date"] and r["date_precision"] == "day" and r["action_date"] < start:
            src.add(
                r["_file"],
                r["_row"],
                "action_date",
                f"{r['action']} on {r['action_date']} is before the instrument was adopted/opened ({start})",
            )
    for r in t["memberships"]:
        if r["joined_on"] and r["left_on"] and r["left_on"] < r["joined_on"]:
            src.add(r["_file"], r["_row"], "left_on", f"left_on {r['left_on']} is before joined_on {r['joined_on']}")
