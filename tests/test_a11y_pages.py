"""Every map and chart on the pages carries its text alternative (issue 12, item 6): the element's alt is a sentence
with its figures, and the same sentence is on the page for every reader (a caption, or the map legend's caption).
AppTest on the fixture release; the sentences themselves are unit-tested in tests/test_a11y.py."""

from __future__ import annotations

import re

import pytest

from tests.apptest_utils import run_page

pytestmark = [pytest.mark.app, pytest.mark.usefixtures("fixture_db")]

CHART_PAGES = [
    ("pages/1_World_map.py", {"instrument": "cets-225"}, 0, 1),
    ("pages/2_Entry_into_force.py", {"instrument": "cets-225"}, 1, 0),
    ("pages/3_Binding_vs_voluntary.py", {}, 4, 0),
    ("pages/4_Corporate_stances.py", {}, 1, 0),
    ("pages/6_Instrument.py", {"instrument": "cets-225"}, 1, 1),
]


def unescape(md: str) -> str:
    return re.sub(r"\\(.)", r"\1", md)


def shown_captions(at) -> list[str]:
    """Every caption on the page as a reader reads it: st.caption and the captions of st.image."""
    return [unescape(c.value) for c in at.caption] + [
        unescape(img.caption) for i in at.get("image") for img in i.proto.imgs
    ]


@pytest.mark.parametrize("page, query, n_plotly, n_deck", CHART_PAGES, ids=[p[0].split("/")[1] for p in CHART_PAGES])
def test_every_chart_and_map_states_its_figures_in_alt_and_caption(page, query, n_plotly, n_deck):
    at = run_page(page, query)
    assert not at.exception, at.exception
    charts = list(at.get("plotly_chart")) + list(at.get("deck_gl_json_chart"))
    assert len(charts) == n_plotly + n_deck, [c.type for c in charts]
    captions = shown_captions(at)
    for chart in charts:
        alt = chart.proto.alt
        assert re.search(r"\d", alt) and len(alt) > 30, f"{chart.type} on {page}: alt {alt!r} states no figure"
        assert alt in captions, f"{chart.type} on {page}: its sentence {alt!r} is not shown; captions {captions}"


def test_world_map_sentence_and_legend_in_words():
    at = run_page("pages/1_World_map.py", {"instrument": "cets-225"})
    deck = at.get("deck_gl_json_chart")[0]
    assert deck.proto.alt == (
        "CoE AI Convention (CETS 225) on 30 June 2026: 20 states signed; "
        "1 organisation ratified or approved (European Union); 175 states: no record."
    )
    legend = at.get("image")[0].proto.imgs[0]
    assert legend.alt == "Legend (marker symbol, status, number of states): S Signed (20), No record (175)."
