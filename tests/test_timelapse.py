"""The map's time-lapse (dashboard/playback.py, dashboard/views/timelapse.py) under AppTest on the fixture release.

AppTest does not wait on `run_every`: a run with no click is what a tick of the playing fragment does (the player
advances one frame when it plays and the run is not the reader's own click), so `at.run()` stands for one tick.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from dashboard import facts, maps
from dashboard.views import timelapse
from tests.apptest_utils import run_page

VIEW = date(2026, 6, 30)  # the fixture's as-of date
OPENING = date(2024, 9, 5)  # CETS 225 opened for signature
OPENING_SIGNATORIES = {"AND", "GEO", "ISL", "NOR", "MDA", "SMR", "GBR", "ISR", "USA"}  # + the EU, an organisation


def big_date(at) -> str:
    (m,) = [m for m in at.metric if m.label.startswith("Time-lapse")]
    return m.value


def frame_label(at) -> str:
    (m,) = [m for m in at.metric if m.label.startswith("Time-lapse")]
    return m.label


def deck_markers(at, index: int = 0) -> dict[str, str]:
    """participant id -> status text of the markers the page's deck draws (microstates without a record left out)."""
    spec = json.loads(at.get("deck_gl_json_chart")[index].proto.json)
    dots = next(layer for layer in spec["layers"] if layer["id"] == "markers")["data"]
    return {d["id"]: d["s"] for d in dots if not d["s"].startswith(("No record", "Not named"))}


def signed_on(rel_statuses: pd.DataFrame) -> set[str]:
    states = rel_statuses[rel_statuses["kind"] != "organisation"]
    return set(states.loc[states["status"] == "signed", "participant_id"])


# ------------------------------------------------------------------------------------------- app tier (AppTest)


@pytest.mark.app
@pytest.mark.usefixtures("fixture_db")
def test_later_moves_the_big_date_one_frame_and_the_url_keeps_the_view_date():
    at = run_page("pages/1_World_map.py", {"instrument": "cets-225"})
    assert not at.exception
    dates = at.select_slider(key="tl-map-scrub").options
    assert dates[0] == "17 May 2024" and dates[1] == "5 Sep 2024" and dates[-1] == "30 Jun 2026"
    assert big_date(at) == "30 Jun 2026" and frame_label(at).endswith("(the view date)")
    assert at.button(key="tl-map-next").disabled  # nothing later than the view date
    url = dict(at.query_params)
    for _ in range(3):
        at.button(key="tl-map-prev").click().run()
    k = len(dates) - 4
    assert big_date(at) == dates[k] == "8 May 2026"
    at.button(key="tl-map-next").click().run()
    assert big_date(at) == dates[k + 1] == "15 May 2026"
    assert frame_label(at) == f"Time-lapse · frame {k + 2} of {len(dates)}"
    assert dict(at.query_params) == url  # stepping never writes the URL
    assert not at.exception


@pytest.mark.app
@pytest.mark.usefixtures("fixture_db")
def test_play_starts_at_the_first_act_advances_a_frame_a_tick_and_shows_that_dates_statuses():
    at = run_page("pages/1_World_map.py", {"instrument": "cets-225"})
    assert "NOR" in deck_markers(at) and "CAN" in deck_markers(at)  # the view date: later signatories too
    at.button(key="tl-map-toggle").click().run()
    assert big_date(at) == "17 May 2024"  # adopted: nobody has signed yet
    assert deck_markers(at) == {}
    assert [b.label for b in at.button if b.key == "tl-map-toggle"] == [":material/pause: Pause"]
    at.run()  # one tick
    assert big_date(at) == "5 Sep 2024"
    assert set(deck_markers(at)) == OPENING_SIGNATORIES  # the opening signatories only: no Canada, no Japan
    assert set(deck_markers(at).values()) == {"Signed"}
    at.run()
    assert big_date(at) == "5 Nov 2024"
    assert "MNE" in deck_markers(at)  # Montenegro signed on 5 Nov 2024
    assert not at.exception


@pytest.mark.app
@pytest.mark.usefixtures("fixture_db")
def test_play_stops_at_the_view_date_and_pause_holds_the_frame():
    at = run_page("pages/1_World_map.py", {"instrument": "cets-225"})
    n = len(at.select_slider(key="tl-map-scrub").options)
    at.button(key="tl-map-toggle").click().run()
    at.run()
    at.button(key="tl-map-toggle").click().run()  # Pause
    assert big_date(at) == "5 Sep 2024"
    at.run()
    assert big_date(at) == "5 Sep 2024"  # paused: a run does not advance
    at.button(key="tl-map-toggle").click().run()  # Play again, from where it stood
    assert big_date(at) == "5 Sep 2024"
    for _ in range(n):
        at.run()
    assert big_date(at) == "30 Jun 2026"
    assert [b.label for b in at.button if b.key == "tl-map-toggle"] == [":material/play_arrow: Play"]
    at.run()
    assert big_date(at) == "30 Jun 2026"  # stopped at the view date
    assert not at.exception


@pytest.mark.app
@pytest.mark.usefixtures("fixture_db")
def test_the_scrubber_picks_a_frame_and_is_disabled_while_it_plays():
    at = run_page("pages/1_World_map.py", {"instrument": "cets-225"})
    at.select_slider(key="tl-map-scrub").set_value(OPENING).run()
    assert big_date(at) == "5 Sep 2024" and set(deck_markers(at)) == OPENING_SIGNATORIES
    at.button(key="tl-map-toggle").click().run()
    assert big_date(at) == "5 Sep 2024"  # Play goes on from the frame shown
    assert at.select_slider(key="tl-map-pos").disabled
    at.run()
    assert big_date(at) == "5 Nov 2024" and at.select_slider(key="tl-map-pos").value == date(2024, 11, 5)
    assert not at.exception


@pytest.mark.app
@pytest.mark.usefixtures("fixture_db")
def test_stop_returns_to_the_view_date_and_use_this_date_sets_it():
    at = run_page("pages/1_World_map.py", {"instrument": "cets-225"})
    at.button(key="tl-map-prev").click().run()
    assert big_date(at) == "15 Jun 2026"
    at.button(key="tl-map-stop").click().run()
    assert big_date(at) == "30 Jun 2026"
    at.button(key="tl-map-prev").click().run()
    at.button(key="tl-map-prev").click().run()
    assert big_date(at) == "15 May 2026"
    at.button(key="tl-map-use").click().run()
    assert at.query_params["as_of"] == "2026-05-15"  # the reader's choice: the link follows
    assert big_date(at) == "15 May 2026" and frame_label(at).endswith("(the view date)")
    assert at.select_slider(key="tl-map-scrub").options[-1] == "15 May 2026"
    assert not at.exception


@pytest.mark.app
@pytest.mark.usefixtures("fixture_db")
def test_a_new_selection_starts_at_its_view_date():
    at = run_page("pages/1_World_map.py", {"instrument": "cets-225"})
    at.button(key="tl-map-prev").click().run()
    at.selectbox(key="instrument").select("binding").run()
    assert big_date(at) == "30 Jun 2026"
    dates = at.select_slider(key="tl-map-scrub").options
    assert 2 <= len(dates) <= facts.MAX_FRAMES
    assert not at.exception


@pytest.mark.app
@pytest.mark.usefixtures("fixture_db")
def test_instrument_page_plays_its_map():
    at = run_page("pages/6_Instrument.py", {"instrument": "cets-225"})
    assert big_date(at) == "30 Jun 2026"
    at.button(key="tl-imap-toggle").click().run()
    at.run()
    assert big_date(at) == "5 Sep 2024"
    assert set(deck_markers(at)) == OPENING_SIGNATORIES
    at.button(key="tl-imap-next").click().run()  # a step pauses the play
    assert big_date(at) == "5 Nov 2024"
    at.run()
    assert big_date(at) == "5 Nov 2024"
    assert not at.exception


@pytest.mark.app
@pytest.mark.usefixtures("fixture_db")
def test_a_step_builds_the_neighbouring_frames_ahead():
    from dashboard import playback

    at = run_page("pages/1_World_map.py", {"instrument": "cets-225"})
    timelapse.frame.clear()
    at.button(key="tl-map-prev").click().run()  # 15 Jun 2026 shown
    playback._AHEAD.submit(lambda: None).result(timeout=60)  # the worker has done what was asked before
    built = {k[3] for k in timelapse.frame.values if k[1] == "cets-225"}
    assert date(2026, 5, 15) in built  # the frame before it, built before the reader asks for it
    assert not at.exception


@pytest.mark.app
def test_every_frame_is_the_maps_own_statuses_and_resends_no_geometry(fixture_db):
    from dashboard.db import resolve_release

    rel = resolve_release()
    dates = timelapse.frames(rel, "cets-225", VIEW)
    assert dates[-1] == VIEW and OPENING in dates
    for d in dates:
        f = timelapse.frame(rel, "cets-225", VIEW, d)
        spec = json.loads(f.deck.to_json())
        assert '"coordinates"' not in f.deck.to_json()
        ids = [layer["id"] for layer in spec["layers"]]
        assert ids[:2] == ["countries", "markers"] and all(i.startswith("symbol-") for i in ids[2:]), ids
        assert spec["layers"][0]["data"] == maps.GEO_URL
        dots = next(layer for layer in spec["layers"] if layer["id"] == "markers")["data"]
        assert {m["id"] for m in dots if m["s"].startswith("Signed")} == signed_on(facts.statuses(rel, "cets-225", d))
    opening = timelapse.frame(rel, "cets-225", VIEW, OPENING)
    assert "Signed (9)" in opening.legend_svg
    assert opening.text.startswith("CoE AI Convention (CETS 225) on 05 September 2024: 9 states signed"), opening.text
    assert timelapse.frame(rel, "cets-225", VIEW, VIEW).deck is timelapse.mapview.map_view(rel, "cets-225", VIEW).deck


# ----------------------------------------------------------------------------------------------------- unit tier


def _statuses() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "participant_id": ["NOR", "FRA", "SMR", "EU"],
            "name": ["Norway", "France", "San Marino", "European Union"],
            "kind": ["state", "state", "state", "organisation"],
            "status": ["signed", "none", "signed", "signed"],
            "status_label": ["Signed", "No record", "Signed", "Signed"],
            "action_date": [OPENING, None, OPENING, OPENING],
            "date_precision": ["day", None, "day", "day"],
            "verified": [True, None, True, True],
            "lon": [10.0, 2.0, 12.45, 4.0],
            "lat": [60.0, 46.0, 43.94, 50.0],
        }
    )


@pytest.mark.unit
def test_a_frames_deck_carries_no_geometry(monkeypatch):
    monkeypatch.setattr(facts, "timelapse_frame", lambda rel, sel, as_of, on: (_statuses(), None))
    monkeypatch.setattr(timelapse.mapview, "menu", lambda rel: ((), {"cets-225": "CETS 225"}, {}))
    monkeypatch.setattr(timelapse.mapview, "coverage_text", lambda rel, sel, as_of: "all 21 signatories named")
    f = timelapse.frame.fn(None, "cets-225", VIEW, OPENING)  # past the memo: no release needed
    text = f.deck.to_json()
    assert '"coordinates"' not in text and "Polygon" not in text
    spec = json.loads(text)
    assert spec["layers"][0]["data"] == maps.GEO_URL  # the shapes come by URL, fetched once
    assert {m["id"] for m in spec["layers"][1]["data"]} == {"NOR", "SMR"}
    assert f.n_states == 2 and "Signed (2)" in f.legend_svg and "all 21 signatories named" in f.legend_svg
    assert f.text.startswith("CETS 225 on 05 September 2024: 2 states signed"), f.text


@pytest.mark.unit
def test_step_holds_at_the_ends_and_treats_a_stale_date_as_the_last_frame():
    ds = (date(2024, 5, 17), OPENING, VIEW)
    assert timelapse.step(ds, OPENING, 1) == VIEW
    assert timelapse.step(ds, VIEW, 1) == VIEW
    assert timelapse.step(ds, ds[0], -1) == ds[0]
    assert timelapse.step(ds, date(2020, 1, 1), -1) == OPENING
