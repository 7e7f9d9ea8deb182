"""World map of participation: one instrument, or all binding / all voluntary ones, on any date."""

import streamlit as st

from dashboard import playback, state, ui
from dashboard.config import DEFAULT_INSTRUMENT
from dashboard.views import mapview


def spec(rel, info):
    options = set(mapview.menu(rel)[0])
    return [
        state.Param(
            "instrument", DEFAULT_INSTRUMENT if DEFAULT_INSTRUMENT in options else "binding", choices=lambda: options
        )
    ]


# The map is what a visitor came for: its deck goes out first, the sidebar (date picker) last.
view = ui.page("World_map", "World map of participation", spec, sidebar_last=True)


@st.fragment
def world_map() -> None:
    """Everything that depends on the instrument. A fragment: changing the instrument (or clicking the map) reruns
    and re-sends only this part, not the navigation, title and date picker around it."""
    rel, as_of = view.rel, view.as_of
    options, labels, captions = mapview.menu(rel)
    # The picker is drawn above the map but sent after it (the map's code then loads first): the choice is read
    # from the session, where the URL (first run) or the widget (every later run) put it.
    picker = st.container()
    choice = st.session_state.get("instrument")
    if choice not in labels:  # the view the link named (page() parsed and validated it), not the menu's first
        choice = st.session_state["instrument"] = view.values["instrument"]
    screen = ui.screen()
    mv = mapview.map_view(rel, choice, as_of, screen)
    # The map with its time-lapse (Play, steps, scrubber): a fragment of its own that ticks while it plays.
    playback.player(view, choice, "map", ui.map_height(view, mv.height), mv.legend_svg, pick=True, screen=screen)
    with picker:
        # index= the choice: should the browser ever fall back to the widget's default, it shows this view's.
        st.selectbox(
            "Instrument", options, index=options.index(choice), key="instrument", format_func=labels.__getitem__
        )
        if choice in captions:
            st.caption(captions[choice])
    ui.map_downloads(view, choice)
    if mv.coverage:
        st.caption(f"Named list: {ui.esc(mv.coverage)}.")
    st.caption(mv.how_to)
    # Organisations are parties in their own right but have no shape on the map: one line each, with the source.
    for line in mv.org_lines:
        st.markdown(line)
    if mv.empty:
        ui.empty(mv.empty)
    # The table is lazy (sent only while open): the map is what most readers came for. Its CSV works either way.
    # A fixed label: a label that changed with the selection would make a new widget and close the table.
    box = st.expander(
        ":material/table: The same data as a table, with dates and sources", key="map-table", on_change="rerun"
    )
    if box.open:
        with box:
            st.caption(mv.count_line)
            ui.show(view, mv.table, csv=False)
    ui.cite_table(view, mv.table)
    ui.sync_url(view, instrument=choice)


world_map()
ui.sidebar(view)
