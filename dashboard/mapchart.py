"""The interactive map on a page: its height by screen and mode, and what a click or a tap on it does."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from dashboard import device


def map_height(view: Any, height: int) -> int:
    """The map's height in px: `height` on the page (the view model's, by screen); lower in an 800×600 embed and on
    a 1280×720 projector, so that the legend and the credit line stay in view."""
    return {"embed": 370, "present": 360}.get(view.mode, height)


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
