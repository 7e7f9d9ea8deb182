"""The three profile pages: a country (or organisation), an instrument, a company. One view each per settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard import charts, facts, fmt, lookups, queries
from dashboard.cache import memo
from dashboard.config import BLOC_LABELS, MAX_TABLE_ROWS, STATUS_LABELS
from dashboard.db import Release
from dashboard.views import SOURCE, Table, alttext, sourced
from dashboard.views.mapview import map_deck

# An instrument's life in a word or two, for its headline metric (the full sentence is the metric's help).
LIFE_WORDS = {
    "in_force": "In force",
    "adopted": "Adopted",
    "scheduled": "Scheduled",
    "pending": "Bill pending",
    "not_in_force": "Not in force",
    "vetoed": "Vetoed",
    "revoked": "Revoked",
    "repealed": "Repealed",
    "superseded": "Superseded",
    "expired": "Expired",
    "not_yet": "Not yet",
}
MAX_COMPANY_LINKS = 12  # the rest in a table: hundreds of page links cost ~0.5 ms each on every run
RECORD_HEADERS = {
    "instrument": "Instrument",
    "binding": "Kind",
    "status_label": "Status",
    "date": "Date",
    "date_precision": "Date precision",
    "verified": "Verified",
    **SOURCE,
    "note": "Note",
}
EVENT_HEADERS = {
    "event_date": "Date",
    "date_precision": "Date precision",
    "kind": "Kind",
    "title": "Event",
    "verified": "Verified",
    **SOURCE,
}


@dataclass(frozen=True)
class CountryView:
    name: str
    caption: str
    metrics: tuple[tuple[str, int], ...]
    record: Table
    acts: Table | None
    empty_acts: str
    company_links: tuple[tuple[str, str], ...]  # (name, company id), the first MAX_COMPANY_LINKS
    more_companies: Table | None
    legend: str


@memo(512)
def country_view(rel: Release, pid: str, as_of: date) -> CountryView:
    p = queries.participants(rel).set_index("participant_id").loc[pid]
    blocs = queries.members_as_of(rel, as_of)
    mine = [BLOC_LABELS[b] for b in blocs.loc[blocs["participant_id"] == pid, "bloc"]]
    rec = facts.participant_record(rel, pid, as_of)
    have = rec[(rec["status"] != "none").to_numpy()]
    shown = fmt.verified_col(rec.drop(columns=["instrument_id", "status"]))
    shown["verified"] = shown["verified"].where((rec["status"] != "none").to_numpy(), "")
    # The key columns first (what, status, date, source): a phone's screen shows only the first two or three.
    shown = shown[["instrument", "status_label", "date", "source_url", "binding", "date_precision", "verified", "note"]]
    hist = lookups.participant_history(rel, pid, as_of)
    comp = lookups.companies_in(rel, pid)
    return CountryView(
        name=str(p["name"]),
        caption=(
            f"{fmt.esc(p['official_name'])} · {fmt.esc(str(p['kind']).replace('_', ' '))} · "
            f"{fmt.esc(p['region']) if isinstance(p['region'], str) else 'no region'} · member on "
            f"{as_of:%d %b %Y} of: {', '.join(mine) if mine else 'none of the blocs tracked'}"
        ),
        metrics=(
            ("Instruments with a record", len(have)),
            ("Binding", int((have["binding"] == "Binding").sum())),
            ("Voluntary", int((have["binding"] == "Voluntary").sum())),
        ),
        record=Table(
            shown,
            RECORD_HEADERS,
            "instruments",
            f"Profile of {p['name']}",
            tuple(lookups.urls(have["source_url"])),
            "country",
        ),
        acts=sourced(
            hist,
            ["instrument", "action", "action_date", "source_url", "date_precision", "verified", "note"],
            {"action_date": "Date"},
            "acts",
            f"Recorded acts of {p['name']}",
            "acts",
        ),
        empty_acts=f"No recorded act by {fmt.esc(p['name'])} on or before {as_of:%d %B %Y}.",
        company_links=tuple(
            zip(comp["name"].head(MAX_COMPANY_LINKS), comp["company_id"].head(MAX_COMPANY_LINKS), strict=True)
        ),
        more_companies=Table(
            lookups.company_links(rel, pid, as_of, MAX_COMPANY_LINKS),
            {"name": "Company", "profile": "link:Profile|open profile"},
            "companies",
        )
        if len(comp) > MAX_COMPANY_LINKS
        else None,
        legend=f"Status legend: {', '.join(STATUS_LABELS.values())}.",
    )


@dataclass(frozen=True)
class InstrumentView:
    name: str
    short_name: str
    metrics: tuple[tuple[str, str, str | None], ...]  # (label, value, help)
    summary: str | None
    facts: str
    source_url: str | None
    has_rule: bool
    coverage: str | None  # Markdown line: how complete the named list is, with the count's source
    deck: object | None
    participants: Table | None
    empty_participants: str
    issuer_only: bool  # shown on the map as its issuer, with no act recorded
    stances: Table | None
    scheduled: Table | None
    scheduled_line: str
    timeline: object | None
    events: Table | None
    timeline_text: str = ""  # the timeline in a sentence (alt text and caption)


@memo(512)
def instrument_view(rel: Release, iid: str, as_of: date) -> InstrumentView:
    i = lookups.instruments_by_id(rel).loc[iid]
    lf = facts.life(rel, as_of).loc[iid]
    cov = facts.coverage(rel, as_of)
    cov_line = None
    if iid in cov.index:
        src = fmt.safe_url(cov.loc[iid, "source_url"])
        cov_line = (
            f"Named list: {fmt.esc(cov.loc[iid, 'text'])}"
            + (f" · [count source ↗](<{src}>)" if src else "")
            + ". Absence from a list is not a refusal."
        )
    note = i["note"] if isinstance(i["note"], str) else None
    facts_lines = [
        f"Issuer: {i['issuer']}" if isinstance(i["issuer"], str) else None,
        f"Scope: {i['scope']}",
        f"On {as_of:%d %B %Y}: {lf['life_text']}",
        ("UNVERIFIED: " + str(note)) if not i["verified"] else (f"Note: {note}" if note else None),
    ]
    every = facts.statuses(rel, iid, as_of)
    rows = every[every["status"] != "none"]
    hist = queries.actions_history(rel, as_of)
    hist = hist[hist["instrument_id"] == iid]
    acts = fmt.verified_col(
        hist[["participant", "action", "action_date", "source_url", "date_precision", "verified", "note"]]
    )
    if iid in cov.index:  # the CSV says it too: a partial list never passes for a complete one
        acts = acts.assign(named_list=cov.loc[iid, "text"])
    st_rows = queries.stances_as_of(rel, as_of)
    st_rows = st_rows[st_rows["instrument_id"] == iid]
    ev = queries.events(rel, as_of)
    ev = ev[ev["instrument_id"] == iid]
    soon = queries.upcoming(rel, as_of)
    soon = soon[soon["instrument_id"] == iid]
    sched = fmt.verified_col(soon[list(EVENT_HEADERS)])
    return InstrumentView(
        name=str(i["name"]),
        short_name=str(i["short_name"]),
        metrics=(
            # One or two words per metric, the rest in its help: a long value is cut off ("Legally bin…").
            (
                "Nature",
                "Binding" if i["legally_binding"] else "Voluntary",
                "Legally binding: creates obligations when in force" if i["legally_binding"] else "Not legally binding",
            ),
            ("Kind", str(i["kind"]).replace("_", " ").capitalize(), None),
            ("Adopted", fmt.date_text(i["adopted_on"]), None),
            (
                f"On {as_of:%d %b %Y}",
                LIFE_WORDS.get(lf["life"], lf["life"]),
                lf["life_text"][:1].upper() + lf["life_text"][1:],
            ),
        ),
        summary=i["summary"] if isinstance(i["summary"], str) else None,
        facts="\n".join(f for f in facts_lines if f),
        source_url=fmt.safe_url(i["source_url"]),
        has_rule=facts.rule_of(i) is not None,
        coverage=cov_line,
        deck=map_deck(rel, iid, as_of) if len(rows) else None,
        participants=Table(
            acts,
            {**SOURCE, "participant": "Participant", "action_date": "Date", "named_list": "Named list"},
            "acts",
            f"Participants in {i['short_name']}",
            (i["source_url"], *lookups.urls(hist["source_url"])),
            "acts",
        )
        if len(hist)
        else None,
        empty_participants=(
            f"No state or organisation has a recorded act on {fmt.esc(i['short_name'])} on or "
            f"before {as_of:%d %B %Y}." + (" " + fmt.esc(note) if note else "")
        ),
        issuer_only=bool(len(rows)) and not len(hist),
        stances=sourced(
            st_rows,
            ["company", "stance", "stance_date", "source_url", "quote", "quote_by", "date_precision", "verified"],
            {"stance_date": "Date"},
            "stances",
            f"Company stances on {i['short_name']}",
            "stances",
        ),
        scheduled=Table(sched.assign(kind="scheduled: " + sched["kind"]), EVENT_HEADERS, "scheduled events")
        if len(soon)
        else None,
        scheduled_line=f"**Scheduled** after {as_of:%d %B %Y}:",
        # The latest MAX_TABLE_ROWS events, as the table shows them: not one marker per row of a huge file.
        timeline=charts.events_timeline(ev.head(MAX_TABLE_ROWS), as_of, soon.head(MAX_TABLE_ROWS))
        if len(ev) or len(soon)
        else None,
        events=sourced(
            ev,
            list(EVENT_HEADERS),
            EVENT_HEADERS,
            "events (latest first; the chart shows the same ones)",
            f"Timeline of {i['short_name']}",
            "timeline",
        ),
        timeline_text=alttext.timeline_sentence(
            str(i["short_name"]), as_of, ev.head(MAX_TABLE_ROWS), soon.head(MAX_TABLE_ROWS)
        ),
    )


@dataclass(frozen=True)
class CompanyView:
    name: str
    caption: str
    website: str | None
    stances: Table | None
    empty_stances: str
    hq: str | None
    hq_name: str | None
    home_line: str
    home: Table | None


def home_of(rec, same_instruments) -> object:
    """The home state's record on the company's instruments and on every other instrument where it has one."""
    same = rec["instrument_id"].isin(same_instruments)
    keep = ((rec["status"] != "none") | same).to_numpy()
    home = rec[keep].assign(same_instrument=same[keep].to_numpy())
    return fmt.verified_col(
        home[["instrument", "status_label", "date", "source_url", "binding", "same_instrument", "verified"]]
    )


@memo(512)
def company_view(rel: Release, cid: str, as_of: date) -> CompanyView:
    c = lookups.companies_by_id(rel).loc[cid]
    hq = c["hq_country"] if isinstance(c["hq_country"], str) else None
    mine = lookups.company_stances(rel, cid, as_of)
    home = home_of(facts.participant_record(rel, hq, as_of), mine["instrument_id"].unique()) if hq else None
    return CompanyView(
        name=str(c["name"]),
        caption=(
            f"Headquarters: {fmt.esc(c['hq_name']) if hq else 'not verified'}"
            + ("" if c["verified"] else " (UNVERIFIED)")
            + (f" · {fmt.esc(c['note'])}" if isinstance(c["note"], str) else "")
        ),
        website=fmt.safe_url(c["website"]),
        stances=sourced(
            mine,
            [
                "instrument",
                "stance",
                "stance_date",
                "source_url",
                "quote",
                "quote_by",
                "date_precision",
                "verified",
                "note",
            ],
            {"stance_date": "Date", "quote": "Quote (reason given)", "quote_by": "Said by"},
            "stances",
            f"Stances of {c['name']}",
            "stances",
        ),
        empty_stances=f"No stance by {fmt.esc(c['name'])} recorded on or before {as_of:%d %B %Y}.",
        hq=hq,
        hq_name=str(c["hq_name"]) if hq else None,
        home_line=(
            f"{fmt.esc(c['hq_name'])}: its record on the instruments this company took a stance on, and on "
            "every other instrument where it has one. Company-facing commitments usually have no state record."
            if hq
            else ""
        ),
        home=Table(
            home,
            {
                **SOURCE,
                "instrument": "Instrument",
                "binding": "Kind",
                "same_instrument": "Same instrument as a stance above",
                "status_label": "Home state status",
                "date": "Date",
                "verified": "Verified",
            },
            "instruments",
            f"Home state of {c['name']}",
            tuple(lookups.urls(home["source_url"])),
            "home",
        )
        if hq
        else None,
    )
