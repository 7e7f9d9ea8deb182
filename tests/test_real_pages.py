"""Pages run on the committed release, asserting what a reader sees (expectations in tests/expected_facts.yml)."""

from __future__ import annotations

import pytest
import yaml

from dashboard import config
from dashboard.build import read_pointer
from tests.apptest_utils import run_page, texts

pytestmark = pytest.mark.app

EXPECTED = yaml.safe_load((config.ROOT / "tests" / "expected_facts.yml").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def committed_release(monkeypatch):
    monkeypatch.setenv("ATLAS_DB", str(read_pointer(config.ROOT / "data")))


def _frame(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_paris_map_says_its_list_is_partial():
    exp = EXPECTED["paris"]
    at = run_page("pages/1_World_map.py", {"instrument": exp["instrument"]})
    assert not at.exception
    assert exp["map_caption"] in texts(at).replace("\\", "")  # as rendered: Markdown escapes removed
    at.session_state["map-table"] = True  # the table is lazy: open it as a reader would
    table = _frame(at.run(), "named_list")
    assert set(table["named_list"]) == {"42 of about 61 signatories named (list partial)"}
    declined = set(table.loc[table["status_label"] == "Declined (said no)", "participant_id"])
    assert declined == set(exp["declined"])


def test_new_delhi_map_names_every_endorser():
    at = run_page("pages/1_World_map.py", {"instrument": EXPECTED["new_delhi"]["instrument"]})
    assert "Named list: all 91 endorsers named." in texts(at)


@pytest.mark.parametrize("day", ["today", "2024-06-01"])
def test_us_profile_shows_the_life_of_its_laws(day):
    exp = EXPECTED["us_profile"]
    query = {"country": exp["country"]} | ({} if day == "today" else {"as_of": day})
    table = _frame(run_page("pages/5_Country.py", query), "status_label").set_index("instrument")
    for instrument, label in exp[day].items():
        assert table.loc[instrument, "status_label"] == label


def test_eu_ai_act_amended_dates_are_scheduled():
    exp = EXPECTED["eu_ai_act_scheduled"]
    at = run_page("pages/6_Instrument.py", {"instrument": exp["instrument"]})
    soon = next(d.value for d in at.dataframe if d.value["kind"].astype(str).str.startswith("scheduled").any())
    shown = {
        str(d): t
        for d, t, k in zip(soon["event_date"], soon["title"], soon["kind"], strict=True)
        if k.startswith("scheduled")
    }
    for d, title in exp["scheduled"].items():
        assert shown[d] == title
    overview = run_page("streamlit_app.py")
    coming = next(d.value for d in overview.dataframe if "Scheduled" in d.value.columns or "title" in d.value.columns)
    assert set(exp["scheduled"].values()) & set(coming["title"])
    # On a view date after them, the same dates are history, not scheduled: no hand edit when a date passes.
    later = run_page("pages/6_Instrument.py", {"instrument": exp["instrument"], "as_of": "2026-12-01"})
    assert not later.exception


def test_absent_companies_are_not_counted_as_declined():
    exp = EXPECTED["eu_ai_pact_stances"]
    at = run_page("pages/4_Corporate_stances.py", {"instruments": "eu-ai-pact", "stance": "declined"})
    table = _frame(at, "quote")
    assert set(table["stance"]) == {"declined"}
    # Exactly the companies that said no; Apple, Anthropic, TikTok and X were only absent from the launch list.
    assert set(table["company"]) == {"Meta", "Mistral AI"} and len(exp["declined"]) == 2


@pytest.mark.parametrize(
    ("instrument", "value", "helptext"),
    [
        ("eu-ai-act", "In force", "In force since 01 Aug 2024"),
        ("us-eo-14110", "Revoked", "Revoked on 20 Jan 2025"),
        ("ny-raise-act", "Scheduled", "Adopted 19 Dec 2025; in force from 01 Jan 2027"),
    ],
)
def test_instrument_headline_says_its_life_in_a_word(instrument, value, helptext):
    """The headline metric is one or two words (a long value is cut off on screen); the sentence is its help."""
    at = run_page("pages/6_Instrument.py", {"instrument": instrument})
    life = next(m for m in at.metric if m.label.startswith("On "))
    assert (life.value, life.proto.help) == (value, helptext)
    assert {m.value for m in at.metric} & {"Binding", "Voluntary"}
