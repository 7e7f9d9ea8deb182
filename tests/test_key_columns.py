"""On a phone a table shows its first two or three columns: every table of the map and the profiles starts with
who or what, its status (or act, or stance), the date and the source. And the map's view for a phone or a tablet
(issue 12, item 8), on the fixture release."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from dashboard import maps
from dashboard.db import resolve_release
from dashboard.views import mapview, profiles

pytestmark = pytest.mark.app  # views of a fixture release

AS_OF = date(2026, 6, 30)


@pytest.fixture
def rel(fixture_db):
    return resolve_release()


def first4(table) -> list[str]:
    return list(table.frame.columns[:4])


def test_map_table_starts_with_name_status_date_source(rel):
    t = mapview.map_view(rel, "cets-225", AS_OF).table
    assert first4(t) == ["name", "status_label", "action_date", "source_url"]
    assert [t.columns[c].removeprefix("link:") for c in first4(t)] == [
        "State or organisation",
        "Status",
        "Date",
        "Source",
    ]


def test_country_profile_tables_start_with_instrument_status_date_source(rel):
    v = profiles.country_view(rel, "NOR", AS_OF)
    assert first4(v.record) == ["instrument", "status_label", "date", "source_url"]
    assert first4(v.acts) == ["instrument", "action", "action_date", "source_url"]


def test_instrument_profile_tables_start_with_who_act_date_source(rel):
    v = profiles.instrument_view(rel, "cets-225", AS_OF)
    assert first4(v.participants) == ["participant", "action", "action_date", "source_url"]
    v = profiles.instrument_view(rel, "eu-ai-pact", AS_OF)
    assert first4(v.stances) == ["company", "stance", "stance_date", "source_url"]


def test_company_profile_tables_start_with_instrument_stance_date_source(rel):
    v = profiles.company_view(rel, "microsoft", AS_OF)
    assert first4(v.stances) == ["instrument", "stance", "stance_date", "source_url"]
    assert first4(v.home) == ["instrument", "status_label", "date", "source_url"]


def test_phone_map_view_whole_world_wrapped_legend_and_tap(rel):
    phone = mapview.map_view(rel, "cets-225", AS_OF, "phone")
    desk = mapview.map_view(rel, "cets-225", AS_OF)
    tablet = mapview.map_view(rel, "cets-225", AS_OF, "tablet")
    assert phone.deck.initial_view_state.zoom == maps.PHONE_VIEW["zoom"]
    assert desk.deck.initial_view_state.zoom == maps.DESKTOP_VIEW["zoom"] == tablet.deck.initial_view_state.zoom
    assert phone.height == maps.PHONE_MAP_HEIGHT and desk.height == tablet.height == 520
    assert float(ET.fromstring(phone.legend_svg).get("width")) <= maps.PHONE_LEGEND_WIDTH
    assert phone.how_to.startswith("Tap a marker") and tablet.how_to.startswith("Tap a marker")
    assert desk.how_to.startswith("Hover a marker")
    assert phone.table.frame.equals(desk.table.frame)  # the same data, whatever the screen
