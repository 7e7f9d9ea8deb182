"""Instrument profile: what it is, binding or not, its signatories (table and map) and its timeline."""

import streamlit as st

from dashboard import lookups, playback, state, ui
from dashboard.config import DEFAULT_INSTRUMENT
from dashboard.views import profiles


def spec(rel, info):
    ids = lookups.instrument_options(rel)[1]
    return [
        state.Param("instrument", DEFAULT_INSTRUMENT if DEFAULT_INSTRUMENT in ids else min(ids), choices=lambda: ids)
    ]


view = ui.page("Instrument", "Instrument profile", spec)
rel, as_of = view.rel, view.as_of
iid = st.selectbox(
    "Instrument", lookups.instrument_options(rel)[0], key="instrument", format_func=lookups.instrument_names(rel).get
)
iv = profiles.instrument_view(rel, iid, as_of)
st.header(ui.esc(iv.name), anchor=False)
ui.metrics(iv.metrics)
if iv.summary:
    st.text(iv.summary)
st.text(iv.facts)
links = st.columns([1, 1, 3])
if iv.source_url:
    links[0].link_button("Official text or page ↗", iv.source_url)
links[1].link_button(
    "Follow (Atom feed) ↗",
    f"app/static/feeds/instrument/{iid}.atom",
    help="Every change to this instrument's data, in a feed reader",
)
if iv.has_rule:
    st.page_link(
        "pages/2_Entry_into_force.py",
        label="Progress toward entry into force",
        icon=":material/hourglass_top:",
        query_params={"instrument": iid, "as_of": str(as_of)},
    )

st.subheader("Signatories and participants")
if iv.coverage:
    st.markdown(iv.coverage)  # not a caption: a link at its opacity is 3:1 (axe color-contrast)
if iv.deck is None:
    ui.empty(iv.empty_participants)
else:
    playback.player(view, iid, "imap", ui.map_height(view, 420))  # the map with its time-lapse
    ui.map_downloads(view, iid, key="imap")
    if iv.participants is not None:
        ui.show(view, iv.participants)
    elif iv.issuer_only:
        st.caption("Shown on the map as its issuer (no separate act recorded).")
if iv.stances is not None:
    st.subheader("Company stances")
    ui.show(view, iv.stances)

st.subheader("Timeline")
if iv.scheduled is not None:
    st.markdown(iv.scheduled_line)
    ui.show(view, iv.scheduled, csv=False)
if iv.timeline is None:
    ui.empty("No dated event on or before this date.")
else:
    ui.plotly_chart(view, iv.timeline, "timeline", f"Timeline of {iv.short_name}", text=iv.timeline_text)
    if iv.events is not None:
        ui.show(view, iv.events)
ui.sync_url(view, instrument=iid)
