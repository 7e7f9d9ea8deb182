"""Unit tests of the pure pieces: entry-into-force arithmetic, URL state, URL checks, map colours."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import eif, maps, state
from dashboard.validate import check_url

CETS = eif.Rule(parties_required=5, min_coe_members=3, delay_months=3)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("met", "expected"),
    [
        (date(2026, 5, 15), date(2026, 9, 1)),  # three months end 15 Aug -> first day of the following month
        (date(2026, 1, 31), date(2026, 5, 1)),  # period ends end of April -> 1 May
        (date(2026, 10, 1), date(2027, 2, 1)),  # year boundary
        (date(2026, 12, 31), date(2027, 4, 1)),
    ],
)
def test_entry_into_force_date(met, expected):
    assert eif.entry_into_force_date(met, 3) == expected


def _c(pid, d, coe, hyp=False):
    return eif.Consent(pid, pid, d, coe, hypothetical=hyp)


@pytest.mark.unit
def test_both_conditions_are_needed():
    # Five consents but only two by member states: not met, however many non-members ratify.
    cons = [
        _c("EU", date(2026, 5, 15), False),
        _c("USA", date(2026, 6, 1), False),
        _c("JPN", date(2026, 6, 2), False),
        _c("NOR", date(2026, 6, 3), True),
        _c("GBR", date(2026, 6, 4), True),
    ]
    p = eif.progress(CETS, cons, date(2026, 11, 23))
    assert (p.parties, p.coe_parties, p.met_on) == (5, 2, None)
    assert (p.missing_parties, p.missing_coe) == (0, 1)
    p2 = eif.progress(CETS, [*cons, _c("AND", date(2026, 7, 10), True)], date(2026, 11, 23))
    assert p2.met_on == date(2026, 7, 10) and p2.in_force_on == date(2026, 11, 1) and p2.in_force


@pytest.mark.unit
def test_consents_after_the_view_date_do_not_count():
    cons = [_c("EU", date(2026, 5, 15), False), _c("NOR", date(2027, 1, 1), True)]
    p = eif.progress(CETS, cons, date(2026, 12, 1))
    assert (p.parties, p.coe_parties) == (1, 0)


@pytest.mark.unit
def test_projected_but_not_yet_in_force():
    cons = [_c(x, date(2026, 11, 2), True) for x in ("A", "B", "C", "D", "E")]
    p = eif.progress(CETS, cons, date(2026, 11, 23))
    assert p.in_force_on == date(2027, 3, 1) and not p.in_force


SPEC = [
    state.Param("as_of", date(2026, 11, 23), kind="date", lo=date(2015, 1, 1), hi=date(2026, 11, 23)),
    state.Param("instrument", "cets-225", choices=lambda: {"cets-225", "eu-ai-act"}),
    state.Param("whatif", (), kind="multi", choices=lambda: {"GBR", "NOR"}),
]


@pytest.mark.unit
@pytest.mark.parametrize(
    "query",
    [
        {"instrument": ["nope"]},
        {"instrument": ["cets-225", "eu-ai-act"]},
        {"as_of": ["2099-01-01"]},
        {"as_of": ["2026-02-30"]},
        {"as_of": ["20260101"]},
        {"instrument": ["x" * 10_000]},
        {"instrument": ["cets-225\x00"]},
        {"instrument": ["сets-225"]},
        {"whatif": ["GBR,XXX"]},
        {"whatif": ["GBR,GBR"]},
        {"instrument": ["cets-225\u202e"]},
        {"as_of": ["' OR 1=1 --"]},
    ],
)
def test_invalid_values_fall_back_to_defaults(query):
    parsed = state.parse(SPEC, query)
    name = next(iter(query))
    assert parsed.values[name] == next(p.default for p in SPEC if p.name == name)
    assert parsed.reset == [name] and parsed.notice
    assert str(query[name][0]) not in parsed.notice  # the rejected value is never echoed


@pytest.mark.unit
def test_valid_values_and_unknown_keys():
    parsed = state.parse(SPEC, {"as_of": ["2025-01-01"], "whatif": ["NOR,GBR"], "evil": ["<script>"], "x": ["1"]})
    assert parsed.values == {"as_of": date(2025, 1, 1), "instrument": "cets-225", "whatif": ("GBR", "NOR")}
    assert parsed.unknown == 2 and "<script>" not in (parsed.notice or "")


@pytest.mark.unit
def test_view_url_is_explicit_and_strips_the_current_page():
    state.register_page_paths(["World_map", "Entry_into_force"])
    url = state.view_url(
        "http://host:8501/World_map?old=1",
        "Entry_into_force",
        {"instrument": "cets-225", "as_of": date(2026, 1, 1), "whatif": ("GBR", "NOR")},
    )
    assert url == "http://host:8501/Entry_into_force?instrument=cets-225&as_of=2026-01-01&whatif=GBR%2CNOR"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://www.coe.int/en/web/conventions", True),
        ("http://example.org/a?b=c", True),
        ("javascript:alert(1)", False),
        (" JaVaScRiPt:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("ftp://example.org/x", False),
        ("data:text/html,x", False),
        ("https://exa mple.org", False),
        ("https://localhost", False),
        ("//example.org", False),
        ("https://example.org/<script>", False),
        ("", False),
    ],
)
def test_check_url(url, ok):
    assert (check_url(url) is None) is ok


@pytest.mark.unit
def test_fill_expression_colours_each_status_and_carries_no_geometry():
    df = pd.DataFrame({"participant_id": ["FRA", "NOR", "CHN"], "status": ["member_bound", "signed", "none"]})
    expr = maps.fill_expression(df)
    idx, _ = maps.shape_index()
    assert f"properties.i=={idx['NOR']}" in expr and f"properties.i=={idx['FRA']}" in expr
    assert f"properties.i=={idx['CHN']}" not in expr  # "none" is the fallback colour
    assert "coordinates" not in expr and len(expr) < 200


@pytest.mark.unit
def test_first_dates_and_existing_take_the_earliest_known_date():
    from dashboard import status

    d = date
    inst = pd.DataFrame(
        {
            "instrument_id": ["a", "b", "c", "d"],
            "adopted_on": [d(2024, 5, 1), None, None, None],
            "opened_on": [d(2024, 9, 5), d(2023, 1, 1), None, None],
            "in_force_on": [None, d(2022, 6, 1), None, None],
            "ended_on": [None, None, d(2025, 1, 1), None],
        },
        index=[10, 11, 12, 13],
    )
    first = status.first_dates(inst)
    assert list(first) == [d(2024, 5, 1), d(2022, 6, 1), d(2025, 1, 1), None] and list(first.index) == [10, 11, 12, 13]
    assert list(status.existing(inst, d(2024, 5, 1))["instrument_id"]) == ["a", "b", "d"]  # on the day counts
    assert list(status.existing(inst, d(2024, 4, 30))["instrument_id"]) == ["b", "d"]  # no date at all: kept
    assert list(status.existing(inst, d(2026, 1, 1))["instrument_id"]) == ["a", "b", "c", "d"]
    assert status.existing(inst.iloc[:0], d(2026, 1, 1)).empty


@pytest.mark.unit
def test_urls_are_distinct_in_order_of_first_appearance():
    from dashboard import lookups

    col = pd.Series(["https://b.org/", None, "https://a.org/", "https://b.org/", None], dtype="string[pyarrow]")
    assert lookups.urls(col) == ["https://b.org/", "https://a.org/"]
    assert lookups.urls(col.iloc[:0]) == []


@pytest.mark.app
def test_company_links_are_relative_profile_links(fixture_db):
    from urllib.parse import parse_qs

    from dashboard import lookups, queries

    rel = queries.current_release()
    as_of = queries.dataset_info(rel)["as_of"]
    usa = lookups.companies_in(rel, "USA")
    assert len(usa) >= 2 and set(usa["hq_country"]) == {"USA"}
    links = lookups.company_links(rel, "USA", as_of, 1)
    assert list(links["name"]) == list(usa["name"].iloc[1:])
    first = links["profile"].iloc[0]
    page, query = first.split("?", 1)
    assert page == "Company" and parse_qs(query) == {"company": [usa["company_id"].iloc[1]], "as_of": [str(as_of)]}
    assert lookups.companies_in(rel, "no-such-place").empty


@pytest.mark.app
def test_option_lists_match_the_tables(fixture_db):
    from dashboard import lookups, queries

    rel = queries.current_release()
    as_of = queries.dataset_info(rel)["as_of"]
    ids, id_set, labels = lookups.participant_options(rel)
    parts = queries.participants(rel)
    assert list(ids) == list(parts["participant_id"]) and id_set == set(ids)
    assert labels["NOR"] == f"{parts.set_index('participant_id').loc['NOR', 'name']} (NOR)"
    inst_ids, inst_set = lookups.stance_instrument_options(rel, as_of)
    names = lookups.instrument_names(rel)
    assert inst_set == set(queries.stances_as_of(rel, as_of)["instrument_id"])
    assert [names[i] for i in inst_ids] == sorted(names[i] for i in inst_ids)
    hq_opts, hq_set, hq_names = lookups.hq_options(rel)
    assert hq_opts[0] == "all" and hq_set == {"all", *queries.companies(rel)["hq_country"].dropna()}
    assert [str(hq_names[h]) for h in hq_opts[1:]] == sorted(str(hq_names[h]) for h in hq_opts[1:])


@pytest.mark.unit
def test_the_same_participant_counts_once():
    """Probe 3f: a participant listed twice (e.g. a what-if multiselect sent as ["GBR"] * 5) is one consent, on
    its earliest date."""
    cons = [
        _c("EU", date(2026, 5, 15), False),
        *[_c("GBR", date(2026, 11, 23), True, hyp=True)] * 5,
        _c("GBR", date(2026, 11, 1), True, hyp=True),
        _c("NOR", date(2026, 11, 5), True),
    ]
    p = eif.progress(CETS, cons, date(2026, 11, 23))
    assert (p.parties, p.coe_parties) == (3, 2)
    assert [(c.participant_id, c.on) for c in p.consents] == [
        ("EU", date(2026, 5, 15)),
        ("GBR", date(2026, 11, 1)),
        ("NOR", date(2026, 11, 5)),
    ]
    assert p.hypothetical == ["GBR"]


@pytest.mark.unit
def test_a_query_over_streamlits_field_limit_is_trimmed_and_marked():
    """Probe 3a, the pure part: dashboard.guards cuts a query Streamlit would drop (over 1,000 fields) down to the
    first two values of each name plus a marker; state.parse then keeps the valid parameters, resets the repeated
    one, does not count the marker as unknown, and the notice says so without a value."""
    from urllib.parse import parse_qs

    from dashboard import guards

    raw = (
        "instrument=eu-ai-act&"
        + "&".join(["whatif=GBR"] * 1000)
        + "&as_of=2025-01-01&"
        + "&".join(f"k{n}=x" for n in range(3000))
    )
    q = parse_qs(guards.trim_query(raw, 1000), keep_blank_values=True)
    assert sum(len(v) for v in q.values()) <= 1000
    assert q["instrument"] == ["eu-ai-act"] and q["whatif"] == ["GBR", "GBR"] and q["as_of"] == ["2025-01-01"]
    parsed = state.parse(SPEC, q)
    assert parsed.values["instrument"] == "eu-ai-act" and parsed.values["as_of"] == date(2025, 1, 1)
    assert parsed.reset == ["whatif"] and parsed.trimmed and parsed.unknown == len(q) - 4
    assert parsed.notice.startswith("The link had more parameters than the Atlas reads; the extra ones were ignored.")
    assert "GBR" not in parsed.notice and "eu-ai-act" not in parsed.notice
    assert not state.parse(SPEC, {"instrument": ["eu-ai-act"]}).trimmed


@pytest.mark.unit
def test_csv_names_and_headers_say_which_view_date_and_version():
    """Issue 12: a CSV's file name carries the view (its instrument or country), the view date and the dataset
    version, and its columns carry the headers the page shows."""
    from datetime import date

    from dashboard import ui

    view = ui.View(
        None,
        {"version": "2026.12.01", "as_of": date(2026, 12, 1)},
        "World_map",
        "World map",
        {"instrument": "cets-225", "as_of": date(2025, 6, 1)},
    )
    assert ui.csv_name(view, "map") == "atlas-world-map-cets-225-map-2025-06-01-v2026.12.01.csv"
    over = ui.View(None, {"version": "x/../y"}, "", "AI Governance Atlas", {"as_of": date(2025, 6, 1)})
    assert ui.csv_name(over, "events") == "atlas-overview-events-2025-06-01-vx-..-y.csv"
    headers = {"name": "State or organisation", "source_url": "link:Source|open ↗", "view": "link:View"}
    assert [ui.human(c, headers) for c in ("name", "source_url", "view", "date_precision", "evidence_url")] == [
        "State or organisation",
        "Source",
        "View",
        "Date precision",
        "Evidence (copy read)",
    ]
