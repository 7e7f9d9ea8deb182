"""What's new: every change to the data, release by release, filtered by instrument or country, each with a link to
its view and its source, and the Atom feeds to follow."""

import streamlit as st

from dashboard import lookups, state, ui
from dashboard.views import changes


def spec(rel, info):
    inst = {"all"} | set(lookups.instrument_options(rel)[1])
    parts = {"all"} | set(lookups.participant_options(rel)[1])
    return [
        state.Param("instrument", "all", choices=lambda: inst),
        state.Param("country", "all", choices=lambda: parts),
    ]


view = ui.page("Whats_new", "What's new in the data", spec)
rel = view.rel
names = lookups.instrument_names(rel)
ids, _, labels = lookups.participant_options(rel)
f = st.columns(2)
iid = f[0].selectbox(
    "Instrument",
    ["all", *lookups.instrument_options(rel)[0]],
    key="instrument",
    format_func=lambda i: "All instruments" if i == "all" else names[i],
)
pid = f[1].selectbox(
    "State or organisation",
    ["all", *ids],
    key="country",
    format_func=lambda p: "All states and organisations" if p == "all" else labels[p],
)
cv = changes.changes_view(rel, iid, pid)
st.link_button("Follow these changes (Atom feed) ↗", cv.feed)
if cv.table is None:
    ui.empty("No change recorded for this selection yet. The record starts with the release of 1 December 2026.")
else:
    st.caption(cv.line)
    ui.show(view, cv.table)
ui.sync_url(view, instrument=iid, country=pid)
