"""The map's tooltip is one plain-text template shared by two layers: the markers (built per rerun) and the country
shapes (a static file). Streamlit fills a `{key}` only when the hovered object (or its `properties`) has that key and
leaves it as literal text otherwise, so a key missing from either layer shows a reader "{n}\\n{s}{d}"."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from dashboard import facts, maps
from dashboard.config import ROOT
from dashboard.db import resolve_release

pytestmark = pytest.mark.app  # draws from the fixture release

SHAPES = json.loads((ROOT / "static" / "geo" / "world_110m.geojson").read_text())["features"]


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"{(.*?)}", text))


@pytest.fixture
def deck(fixture_db):
    return maps.world_map(facts.statuses(resolve_release(), "cets-225", date(2026, 6, 30)))


def test_every_shape_fills_every_placeholder(deck):
    keys = placeholders(deck._tooltip["text"])
    assert keys == {"n", "s", "d"}
    missing = [f["properties"]["iso3"] for f in SHAPES if not keys <= set(f["properties"])]
    assert missing == []
    norway = next(f["properties"] for f in SHAPES if f["properties"]["iso3"] == "NOR")
    assert norway["n"] == "Norway" and "country profile" in norway["s"]


def test_every_marker_fills_every_placeholder(deck):
    keys = placeholders(deck._tooltip["text"])
    dots = next(layer for layer in deck.layers if layer.id == "markers").data
    assert dots and all(keys <= set(m) for m in dots)
    norway = next(m for m in dots if m["id"] == "NOR")
    assert (norway["n"], norway["s"], norway["d"]) == ("Norway", "Signed", " · 05 Sep 2024")
