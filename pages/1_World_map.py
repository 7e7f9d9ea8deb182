"""World map of participation: one instrument, or all binding / all voluntary ones, on any date."""

import streamlit as st

from dashboard import mapview, queries, state, status, ui
from dashboard.config import STATUS_LABELS


def spec(rel, info):
    ids = set(queries.instruments(rel)["instrument_id"]) | set(status.SELECTIONS)
    return [state.Param("instrument", "cets-225" if "cets-225" in ids else "binding", choices=lambda: ids)]


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
    if choice not in labels:
        choice = st.session_state["instrument"] = options[0]
    mv = mapview.map_view(rel, choice, as_of)
    selected = st.pydeck_chart(mv.deck, on_select="rerun", selection_mode="single-object", key="map", height=520)
    picked = [o for objs in (selected.selection.objects or {}).values() for o in objs] if selected else []
    if picked:
        pid = picked[0].get("id") or picked[0].get("properties", {}).get("iso3")
        if pid:
            st.switch_page("pages/5_Country.py", query_params={"country": pid, "as_of": str(as_of)})

    with picker:
        st.selectbox("Instrument", options, key="instrument", format_func=labels.__getitem__)
        if choice in captions:
            st.caption(captions[choice])
    st.image(mv.legend_svg, caption="Legend: status on the chosen date (number of states)")
    ui.map_downloads(view, choice)
    if mv.coverage:
        st.caption(f"Named list: {ui.esc(mv.coverage)}.")
    st.caption("Hover a marker for the status and date; click a country or marker to open its profile. "
               "Larger markers are microstates too small to see as shapes. Colours are safe for colour-blind readers.")
    # Organisations are parties in their own right but have no shape on the map: one line each, with the source.
    for line in mv.org_lines:
        st.markdown(line)
    if not mv.n_states:
        ui.empty(f"No state has a record for this selection on {as_of:%d %B %Y}.")

    # The table is lazy (sent only while open): the map is what most readers came for, and a data grid is the
    # heaviest element a page can load. Its CSV download below works either way. A fixed label: a label that
    # changed with the selection would make a new widget and close the table.
    box = st.expander(":material/table: The same data as a table, with dates and sources", key="map-table",
                      on_change="rerun")
    if box.open:
        with box:
            st.caption(f"{mv.n_states} states" + (f" and {mv.n_orgs} organisation{'s' if mv.n_orgs > 1 else ''}"
                                                  if mv.n_orgs else "") + f" with a record on {as_of:%d %B %Y}.")
            ui.table(mv.table, "states and organisations", column_config={
                "name": "State or organisation", "participant_id": "Code", "status_label": "Status",
                "instrument": "Instrument", "action_date": "Date", "date_precision": "Date precision",
                "n_instruments": "Instruments", "verified": "Verified", "source_url": ui.link_config(), "note": "Note",
                "named_list": "Named list"})
    ui.cite(view, f"World map: {labels[choice]} ({STATUS_LABELS['party']} / signed / endorsed…)", mv.table,
            list(mv.sources), key="map")
    ui.sync_url(view, instrument=choice)


world_map()
ui.sidebar(view)
