"""What's new: every change to the data, release by release, filtered by instrument or country, each with a link to
its view and its source, and the Atom feeds to follow."""

import streamlit as st

from dashboard import queries, state, ui


def spec(rel, info):
    inst = {"all"} | set(queries.instrument_options(rel)[1])
    parts = {"all"} | set(queries.participant_options(rel)[1])
    return [state.Param("instrument", "all", choices=lambda: inst), state.Param("country", "all", choices=lambda: parts)]


view = ui.page("Whats_new", "What's new in the data", spec)
rel = view.rel
names = queries.instrument_names(rel)
ids, _, labels = queries.participant_options(rel)
f = st.columns(2)
iid = f[0].selectbox("Instrument", ["all", *queries.instrument_options(rel)[0]], key="instrument",
                     format_func=lambda i: "All instruments" if i == "all" else names[i])
pid = f[1].selectbox("State or organisation", ["all", *ids], key="country",
                     format_func=lambda p: "All states and organisations" if p == "all" else labels[p])
log = queries.changes(rel, iid, pid)
feed = (f"instrument/{iid}" if iid != "all" else f"country/{pid}" if pid != "all" else "all")
st.link_button("Follow these changes (Atom feed) ↗", f"app/static/feeds/{feed}.atom")
if log.empty:
    ui.empty("No change recorded for this selection yet. The record starts with the release of 1 December 2026.")
else:
    st.caption(f"{len(log)} change(s), newest first: rows added or removed, fields changed, rows newly verified or no "
               "longer verified, and sources cited for the first time.")
    ui.table(log, "changes", column_config={
        "changed_on": "Release date", "summary": "Change", "change": "Kind", "field": "Field",
        "old_value": "Before", "new_value": "After", "release": "Release",
        "view": st.column_config.LinkColumn("View", display_text="open view"), "source_url": ui.link_config()})
    ui.cite(view, "What's new in the data", log, queries.urls(log["source_url"]), key="changes")
ui.sync_url(view, instrument=iid, country=pid)
