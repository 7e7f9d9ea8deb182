"""The Binding vs voluntary page: instruments over time and by kind, each country's commitments, company stances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard import charts, facts, fmt, lookups, queries
from dashboard.cache import memo
from dashboard.config import BLOC_LABELS
from dashboard.db import Release
from dashboard.views import SOURCE, Table, alttext

BLOCS = {"all": "All states"} | dict(BLOC_LABELS)


@dataclass(frozen=True)
class BindingView:
    over_time: object
    by_kind: object
    instruments: Table
    country_line: str
    partial_line: str | None
    countries_figure: object | None
    countries: Table | None
    companies_figure: object | None
    companies: Table | None
    # Each chart in a sentence with its figures (alt text and caption).
    over_time_text: str = ""
    by_kind_text: str = ""
    countries_text: str = ""
    companies_text: str = ""


@memo(8)
def regions(rel: Release) -> tuple[str, ...]:
    return tuple(sorted(queries.participants(rel)["region"].dropna().unique()))


@memo(64)
def instrument_figures(rel: Release, as_of: date) -> tuple[object, object]:
    inst = lookups.existing_instruments(rel, as_of)
    return charts.instruments_over_time(inst), charts.instruments_by_kind(inst)


@memo(256)
def binding_view(rel: Release, as_of: date, bloc: str, region: str) -> BindingView:
    inst = lookups.existing_instruments(rel, as_of)
    over_time, by_kind = instrument_figures(rel, as_of)
    cc = facts.commitments_filtered(rel, as_of, bloc, region)
    has = (cc["Binding"] + cc["Voluntary"]) > 0
    shown = cc[has][["name", "participant_id", "region", "Binding", "Voluntary", "Not named on partial lists"]]
    shown = shown.sort_values(["Binding", "Voluntary", "name"], ascending=[False, False, True])
    partial = facts.partial_in(rel, "binding", as_of) + facts.partial_in(rel, "voluntary", as_of)
    sf = facts.stances_filtered(rel, as_of, bloc, region)
    return BindingView(
        over_time=over_time,
        by_kind=by_kind,
        instruments=Table(
            inst[["instrument_id", "short_name", "kind", "legally_binding", "adopted_on", "status", "source_url"]],
            {},
            "instruments",
            "Instruments by kind and bindingness over time",
            tuple(lookups.urls(inst["source_url"])),
            "instruments",
        ),
        country_line=(
            f"{len(shown)} of {len(cc)} states and organisations in this selection have at least one "
            f"commitment on {as_of:%d %B %Y}."
        ),
        partial_line=(
            f"Counts rest on the participants we name. The named lists of {len(partial)} instruments are "
            f"partial ({fmt.esc(', '.join(partial))}): a state not named there may still have taken part."
            if partial
            else None
        ),
        countries_figure=charts.country_commitments(cc) if has.any() else None,
        countries=Table(
            shown,
            {"name": "State / organisation", "participant_id": "Code"},
            "states",
            "Binding and voluntary commitments per country",
            (),
            "countries",
        )
        if len(shown)
        else None,
        companies_figure=charts.company_stances(sf) if len(sf) else None,
        companies=Table(
            fmt.verified_col(sf[["company", "instrument", "stance", "stance_date", "verified", "source_url"]]),
            SOURCE,
            "stances",
            "Company stances on voluntary commitments",
            tuple(lookups.urls(sf["source_url"])),
            "companies",
        )
        if len(sf)
        else None,
        over_time_text=alttext.over_time_sentence(inst),
        by_kind_text=alttext.by_kind_sentence(inst),
        countries_text=alttext.commitments_sentence(cc),
        companies_text=alttext.company_stances_sentence(sf) if len(sf) else "",
    )
