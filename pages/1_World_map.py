"""World map of participation: one instrument, or all binding / all voluntary ones, on any date."""

import pandas as pd
import streamlit as st

from dashboard import maps, queries, state, status, ui
from dashboard.config import STATUS_LABELS


def spec(rel, info):
    ids = set(queries.instruments(rel)["instrument_id"]) | set(status.SELECTIONS)
    return [state.Param("instrument", "cets-225" if "cets-225" in ids else "binding", choices=lambda: ids)]


view = ui.page("World_map", "World map of participation", spec)


@st.fragment
def world_map() -> None:
    """Everything that depends on the instrument. A fragment: changing the instrument (or clicking the map) reruns
    and re-sends only this part, not the navigation, title and date picker around it."""
    rel, as_of = view.rel, view.as_of
    inst = queries.instruments(rel).set_index("instrument_id")
    options = list(status.SELECTIONS) + list(inst.index)
    labels = status.SELECTIONS | inst["short_name"].to_dict()
    choice = st.selectbox("Instrument", options, key="instrument", format_func=labels.__getitem__)
    df = queries.statuses(rel, choice, as_of)
    if choice in inst.index:
        i = inst.loc[choice]
        st.caption(f"{ui.esc(i['name'])} · {'legally binding' if i['legally_binding'] else 'voluntary'} · "
                   f"{ui.esc(str(i['kind']).replace('_', ' '))}")
    selected = st.pydeck_chart(queries.map_deck(rel, choice, as_of), on_select="rerun",
                               selection_mode="single-object", key="map", height=520)
    picked = [o for objs in (selected.selection.objects or {}).values() for o in objs] if selected else []
    if picked:
        pid = picked[0].get("id") or picked[0].get("properties", {}).get("iso3")
        if pid:
            st.switch_page("pages/5_Country.py", query_params={"country": pid, "as_of": str(as_of)})

    st.image(maps.legend_svg(maps.legend(df)), caption="Legend: status on the chosen date (number of states)")
    st.caption("Hover a marker for the status and date; click a country or marker to open its profile. "
               "Larger markers are microstates too small to see as shapes. Colours are safe for colour-blind readers.")

    # Organisations are parties in their own right but have no shape on the map: one line each, with the source.
    orgs = df[(df["kind"] == "organisation") & (df["status"] != "none")]
    for o in orgs.itertuples():
        st.markdown(ui.org_line(o))

    rows = df[(df["status"] != "none") & (df["kind"] != "organisation")]
    if rows.empty:
        ui.empty(f"No state has a record for this selection on {as_of:%d %B %Y}.")
    # The table is lazy (sent only while open): the map is what most readers came for, and a data grid is the
    # heaviest element a page can load. Its CSV download below works either way.
    table = ui.verified_col(pd.concat([orgs, rows])[[
        "name", "participant_id", "status_label", "instrument", "action_date", "date_precision", "n_instruments",
        "verified", "source_url", "note"]])
    # A fixed label: a label that changed with the selection would make a new widget and close the table.
    box = st.expander(":material/table: The same data as a table, with dates and sources", key="map-table",
                      on_change="rerun")
    if box.open:
        with box:
            st.caption(f"{len(rows)} states" + (f" and {len(orgs)} organisation{'s' if len(orgs) > 1 else ''}"
                                                if len(orgs) else "") + f" with a record on {as_of:%d %B %Y}.")
            st.dataframe(table, hide_index=True, column_config={
                "name": "State or organisation", "participant_id": "Code", "status_label": "Status",
                "instrument": "Instrument", "action_date": "Date", "date_precision": "Date precision",
                "n_instruments": "Instruments", "verified": "Verified", "source_url": ui.link_config(), "note": "Note"})
    ui.cite(view, f"World map: {labels[choice]} ({STATUS_LABELS['party']} / signed / endorsed…)", table,
            list(table["source_url"].dropna()), key="map")
    ui.sync_url(view, instrument=choice)


world_map()
