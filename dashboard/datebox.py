"""The view date in the sidebar: the date picker, and a plain field where a typed date applies on Enter.

Streamlit's date picker is a segmented field (react-aria) that commits a typed date only when focus leaves the whole
field: Enter and Tab do nothing (ux-review 2026-12, T1). A text field commits on Enter, so it sits under the picker;
what it accepts is exactly what a link accepts (state.query_value: YYYY-MM-DD within the dataset's range)."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from dashboard import state

TYPED = "as_of_typed"
PROBLEM = "_atlas_typed_problem"


def _apply_typed(lo: date, hi: date) -> None:
    raw = (st.session_state.get(TYPED) or "").strip()
    if not raw:
        return
    try:
        st.session_state["as_of"] = state.query_value(state.Param("as_of", hi, kind="date", lo=lo, hi=hi), raw)
        st.session_state[PROBLEM] = None
        st.session_state[TYPED] = ""
    except (ValueError, TypeError):
        st.session_state[PROBLEM] = f"Type a day as YYYY-MM-DD, from {lo:%d %b %Y} to {hi:%d %b %Y}."


def date_controls(view: Any, lo: date) -> None:
    hi = view.info["as_of"]
    st.date_input(
        "View the data as of",
        key="as_of",
        min_value=lo,
        max_value=hi,
        format="YYYY-MM-DD",
        help="Maps, counts and charts are recomputed as they stood on this day. Defaults to the dataset's as-of date.",
    )
    st.text_input(
        "…or type a date and press Enter",
        key=TYPED,
        placeholder="YYYY-MM-DD",
        max_chars=10,
        on_change=_apply_typed,
        args=(lo, hi),
    )
    if st.session_state.get(PROBLEM):
        st.caption(st.session_state[PROBLEM])  # our own sentence: the typed text is never shown back
