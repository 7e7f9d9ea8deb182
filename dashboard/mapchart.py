"""The interactive map on a page: its height by screen and mode, and what a click or a tap on it does."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from dashboard import device


def world_map_chart(view: Any, deck: Any, height: int, touch: bool = False) -> None:
    """The map, `height` px high on the page (the view model's, by screen); lower in an 800×600 embed and on a
    1280×720 projector, so that the legend and the credit line stay in view. A click on a country or marker opens its
    profile; on a touch screen a tap on a marker shows its tooltip instead, as a hover does with a mouse."""
    height = {"embed": 370, "present": 360}.get(view.mode, height)
    selected = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="map", height=height)
    open_picked_country(selected, view.as_of, countries_only=touch)


def open_picked_country(selected: Any, as_of: date, countries_only: bool = False) -> None:
    """A click on a map's country or marker opens that country's profile, on the same date. `countries_only` (a
    touch screen): a tap on a marker only shows its tooltip, as a hover does with a mouse."""
    objects = (selected.selection.objects or {}) if selected else {}
    picked = [o for layer, objs in objects.items() if not countries_only or layer == "countries" for o in objs]
    if picked:
        pid = picked[0].get("id") or picked[0].get("properties", {}).get("iso3")
        if pid:
            st.switch_page("pages/5_Country.py", query_params={"country": pid, "as_of": str(as_of)})


def screen() -> str:
    """The reader's screen from the User-Agent: "phone", "tablet" or "desktop" (dashboard.device)."""
    try:
        agent = st.context.headers.get("User-Agent")
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest) there are no headers
        agent = None
    return device.screen(agent)
