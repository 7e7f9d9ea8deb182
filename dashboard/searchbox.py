"""The search box (Overview and sidebar): Enter opens the clearly best match's profile, otherwise the matches are
listed as links. The query is never written to the URL nor shown back. Matching is dashboard/search.py's."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import search, searchview, state
from dashboard.config import PAGES
from dashboard.db import Release
from dashboard.fmt import esc

SEARCH_ICONS = {
    "participant": ":material/flag:",
    "instrument": ":material/description:",
    "company": ":material/business:",
}
SEARCH_WORDS = {"participant": "Country profile", "instrument": "Instrument profile", "company": "Company profile"}


def search_box(view: Any, where: str, label: str = "Search the Atlas") -> None:
    """One search box (`where` names it: "main", "sidebar"). Enter opens the profile of the best hit when it is
    clearly the one meant; otherwise the hits are listed as links to their profiles. The query is never put in the
    URL (the box is not a page setting) and never shown back: only labels from the data are, escaped.

    A hit on the page being shown (another country from the Country profile) is opened by setting the page's own
    setting, not by a link: a link to the same page keeps the page's widgets, not the link's parameters."""
    key, go_key = f"search-{where}", f"_atlas_search_go-{where}"
    target = st.session_state.pop(go_key, None)
    as_of = state.encode_value(st.session_state.get("as_of", view.info["as_of"]))
    if target is not None:
        st.switch_page(target.page, query_params={**target.query_params, "as_of": as_of})
    query = st.text_input(
        label,
        key=key,
        max_chars=search.MAX_QUERY,
        on_change=_search_entered,
        args=(view.rel, key, go_key, view.path),
        placeholder="Country, instrument, number or company",
        help="For example: Kenya, UK, CETS 225, 78/265, EO 14179, OpenAI. Enter opens the best "
        "match; when several fit, pick one below.",
    )
    if not query:
        return
    found = searchview.hits(view.rel, query)
    if not found:
        st.caption("No match. Try a country, an instrument's name or number (such as 225) or a company.")
    else:
        st.caption(f"{len(found)} match{'es' if len(found) > 1 else ''}: pick one to open its profile.")
    for h in found:
        # The label alone (a sidebar is narrow); the icon and the tooltip say which profile opens.
        if _SCRIPT_PATHS.get(h.page) == view.path:
            st.button(
                esc(h.label),
                icon=SEARCH_ICONS[h.kind],
                type="tertiary",
                key=f"{key}-{h.kind}-{h.id}",
                help=SEARCH_WORDS[h.kind],
                on_click=_open_here,
                args=(h, key),
            )
        else:
            st.page_link(
                h.page,
                label=esc(h.label),
                icon=SEARCH_ICONS[h.kind],
                help=SEARCH_WORDS[h.kind],
                query_params={**h.query_params, "as_of": as_of},
            )


_SCRIPT_PATHS = {script: path for script, path, _, _ in PAGES}


def _open_here(hit: search.Hit, key: str) -> None:
    """Show `hit` on the page it belongs to, which is the page being shown: set that page's setting, empty the box."""
    for name, value in hit.params:
        st.session_state[name] = value
    st.session_state[key] = ""


def _search_entered(rel: Release, key: str, go_key: str, path: str) -> None:
    """The query was entered (Enter, or the box lost focus with a new query): if one hit is clearly meant, empty
    the box and open that profile on this run (search_box switches page before it draws the box)."""
    top = searchview.best(searchview.hits(rel, st.session_state.get(key)))
    if top is None:
        return
    if _SCRIPT_PATHS.get(top.page) == path:
        _open_here(top, key)
    else:
        st.session_state[go_key] = top
        st.session_state[key] = ""
