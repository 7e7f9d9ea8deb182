"""One view, three ways (dashboard/modes.py): the page, a presentation (?present=1) and an embed, plus the typed date
that applies on Enter (dashboard/datebox.py). AppTest runs the real pages on the fixture release; what only a
browser shows (sizes in px, the iframe, keyboard shortcuts) is in tests/test_browser_modes.py."""

from __future__ import annotations

import json
from datetime import date

import plotly.graph_objects as go
import pytest

from dashboard import modes, state
from dashboard.largetype import large_type
from tests.apptest_utils import run_page, texts

DATASET_AS_OF = date(2026, 6, 30)  # tests/fixtures/sources/dataset.yml


def _button(at, key):
    return next(b for b in at.button if b.key == key)


# --- pure --------------------------------------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    "d, years, want",
    [
        (date(2026, 6, 30), -1, date(2025, 6, 30)),
        (date(2026, 6, 30), 1, date(2026, 6, 30)),  # never past the dataset's date
        (date(2015, 3, 1), -1, date(2015, 1, 1)),  # never before the first day the Atlas shows
        (date(2024, 2, 29), -1, date(2023, 2, 28)),
        (date(2025, 6, 30), 1, date(2026, 6, 30)),
    ],
)
def test_shift_years_stays_in_range(d, years, want):
    assert state.shift_years(d, years, date(2015, 1, 1), DATASET_AS_OF) == want


@pytest.mark.unit
def test_embed_snippet_is_a_titled_800x600_iframe_of_the_embedded_view():
    html = modes.embed_snippet("http://atlas/World_map?as_of=2026-06-30&instrument=cets-225", 'Map of "CETS" <225>')
    assert html.startswith("<iframe ") and html.endswith("></iframe>")
    assert 'src="http://atlas/World_map?as_of=2026-06-30&amp;instrument=cets-225&amp;embed=true"' in html
    assert 'width="800" height="600"' in html
    assert 'title="Map of &quot;CETS&quot; &lt;225&gt; · AI Governance Atlas"' in html  # quotes cannot end it


@pytest.mark.unit
def test_large_type_sets_every_word_to_18_px_and_leaves_the_figure_alone():
    fig = go.Figure(go.Bar(x=["a"], y=[1], text=["1"]), layout={"font": {"size": 12}, "title": {"text": "T"}})
    fig.add_annotation(text="note", font={"size": 10})
    big = large_type(fig)
    assert big is large_type(fig), "memoised per figure"
    assert fig.layout.font.size == 12 and fig.layout.annotations[0].font.size == 10
    lay = big.layout
    assert lay.font.size == 18 and lay.legend.font.size == 18 and lay.annotations[0].font.size == 18
    assert lay.xaxis.tickfont.size == 18 and lay.yaxis.tickfont.size == 18 and lay.title.font.size >= 24
    assert big.data[0].textfont.size == 18


# --- presentation ----------------------------------------------------------------------------------------------------


@pytest.mark.app
def test_present_link_opens_a_presentation_without_sidebar(fixture_db):
    at = run_page("pages/1_World_map.py", {"present": "1", "as_of": "2026-06-30", "instrument": "cets-225"})
    assert not at.exception
    assert len(at.sidebar) == 0, "a presentation has no sidebar"
    assert [t.value for t in at.title] == ["World map of participation"]
    back, fwd = _button(at, "present-back"), _button(at, "present-fwd")
    assert back.label.startswith("◀ 2025") and fwd.label.endswith("▶") and fwd.disabled  # the dataset's own date
    assert "Data as of 30 June 2026" in texts(at)
    assert dict(at.query_params).get("present") == "1"


@pytest.mark.app
def test_present_steps_a_year_and_keeps_the_step_in_the_link(fixture_db):
    at = run_page("pages/5_Country.py", {"present": "1", "as_of": "2026-06-30", "country": "NOR"})
    _button(at, "present-back").click().run()
    assert at.date_input(key="as_of").value == date(2025, 6, 30)
    assert dict(at.query_params) == {"as_of": "2025-06-30", "country": "NOR", "present": "1"}
    _button(at, "present-fwd").click().run()
    assert at.date_input(key="as_of").value == date(2026, 6, 30)


@pytest.mark.app
def test_present_button_and_exit(fixture_db):
    at = run_page("pages/5_Country.py", {"as_of": "2025-06-30", "country": "NOR"})
    assert len(at.sidebar) > 0
    _button(at, "present-on").click().run()
    assert len(at.sidebar) == 0 and dict(at.query_params).get("present") == "1"
    assert at.date_input(key="as_of").value == date(2025, 6, 30), "the view's date carries into the presentation"
    _button(at, "present-off").click().run()
    assert len(at.sidebar) > 0 and "present" not in dict(at.query_params)
    assert dict(at.query_params) == {"as_of": "2025-06-30", "country": "NOR"}


@pytest.mark.app
def test_present_charts_have_18_px_type(fixture_db):
    def sizes(at):
        out = []
        for el in at.get("plotly_chart"):
            spec = json.loads(el.proto.spec)
            out.append(spec["layout"].get("font", {}).get("size"))
        return out

    normal = run_page("pages/3_Binding_vs_voluntary.py", {"as_of": "2026-06-30"})
    present = run_page("pages/3_Binding_vs_voluntary.py", {"as_of": "2026-06-30", "present": "1"})
    assert sizes(present) and all(s == 18 for s in sizes(present)), sizes(present)
    assert len(sizes(present)) == len(sizes(normal)) and all(s != 18 for s in sizes(normal)), sizes(normal)


@pytest.mark.app
def test_bad_present_value_is_reset_with_the_notice(fixture_db):
    at = run_page("pages/5_Country.py", {"present": "yes", "as_of": "2026-06-30"})
    assert len(at.sidebar) > 0
    assert "present" in texts(at) and "were reset" in texts(at)


# --- embed -----------------------------------------------------------------------------------------------------------


@pytest.mark.app
def test_embed_this_gives_the_iframe_of_this_view(fixture_db):
    at = run_page("pages/1_World_map.py", {"as_of": "2025-06-01", "instrument": "cets-225"})
    assert any("Embed this" in e.label for e in at.expander)
    assert not at.code, "lazy: nothing is computed until the box is opened"
    at.session_state["embed-box"] = True  # what a click does; the box is filled on the rerun
    at.run()
    codes = [c.value for c in at.code]
    assert any(
        "<iframe" in c and "as_of=2025-06-01" in c and "instrument=cets-225" in c and "embed=true" in c for c in codes
    ), codes


# --- typed date -----------------------------------------------------------------------------------------------------


@pytest.mark.app
def test_typed_date_applies_on_enter(fixture_db):
    at = run_page("pages/5_Country.py", {"as_of": "2026-06-30", "country": "NOR"})
    at.text_input(key="as_of_typed").input("2024-09-05").run()  # what Enter commits
    assert at.date_input(key="as_of").value == date(2024, 9, 5)
    assert dict(at.query_params)["as_of"] == "2024-09-05"
    assert at.text_input(key="as_of_typed").value == ""


@pytest.mark.app
@pytest.mark.parametrize("typed", ["2024-13-01", "1999-01-01", "2030-01-01", "<script>alert(1)</script>", "5 Sep"])
def test_typed_date_that_is_not_a_day_in_range_says_so_and_changes_nothing(fixture_db, typed):
    at = run_page("pages/5_Country.py", {"as_of": "2026-06-30", "country": "NOR"})
    at.text_input(key="as_of_typed").input(typed[:10]).run()
    assert not at.exception
    assert at.date_input(key="as_of").value == DATASET_AS_OF
    assert "Type a day as YYYY-MM-DD, from 01 Jan 2015 to 30 Jun 2026." in texts(at)
    assert "<script" not in texts(at)
