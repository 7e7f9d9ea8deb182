"""Overview: what the Atlas covers, headline numbers and the latest events (entry point of the app)."""

import streamlit as st

from dashboard import queries, ui

view = ui.page("", "AI Governance Atlas")
rel, as_of = view.rel, view.as_of

st.markdown(
    "How the world governs artificial intelligence: **treaties, laws, declarations and voluntary pledges**, who "
    "signed, ratified, endorsed or declined them and when, and where companies stand on the voluntary commitments. "
    "Every dot on the map and every row in a table links to its source."
)
ui.search_box(view, "main")
n = queries.overview_counts(rel, as_of)
c = st.columns(5)
c[0].metric("Instruments", n["instruments"])
c[1].metric("Binding", n["binding"])
c[2].metric("Voluntary", n["voluntary"])
c[3].metric("States & organisations with a record", n["participants"])
c[4].metric("Companies with a stance", n["companies"])
partial = queries.partial_in(rel, "binding", as_of) + queries.partial_in(rel, "voluntary", as_of)
if partial:
    st.caption(f"Participants are counted from the lists we name. {len(partial)} of those lists are partial "
               f"({ui.esc(', '.join(partial))}), so more states and organisations took part than these counts show.")

st.subheader("Start here")
cols = st.columns(4)
cols[0].page_link("pages/1_World_map.py", label="Who joined what: world map", icon=":material/public:",
                  query_params={"instrument": "cets-225", "as_of": str(as_of)})
cols[1].page_link("pages/2_Entry_into_force.py", label="Is the AI treaty in force yet?", icon=":material/hourglass_top:",
                  query_params={"instrument": "cets-225", "as_of": str(as_of)})
cols[2].page_link("pages/3_Binding_vs_voluntary.py", label="Binding or voluntary?", icon=":material/balance:",
                  query_params={"as_of": str(as_of)})
cols[3].page_link("pages/4_Corporate_stances.py", label="Which companies signed?", icon=":material/domain:",
                  query_params={"as_of": str(as_of)})

soon = queries.upcoming(rel, as_of).head(10)
if len(soon):
    st.subheader("Coming up")
    st.caption(f"Scheduled after {as_of:%d %B %Y}: application and entry-into-force dates already set in law.")
    upcoming = ui.verified_col(soon[["event_date", "instrument", "title", "verified", "source_url"]])
    ui.table(upcoming, "scheduled events", csv=False, column_config={"source_url": ui.link_config(), "event_date": "Date",
                 "instrument": "Instrument", "title": "Scheduled", "verified": "Verified"})

st.subheader("Latest events")
ev = queries.events(rel, as_of).head(15)
if ev.empty:
    ui.empty("No events on or before this date.")
else:
    shown = ui.verified_col(ev[["event_date", "instrument", "title", "verified", "source_url"]])
    ui.table(shown, "events", column_config={"source_url": ui.link_config(), "event_date": "Date",
                 "instrument": "Instrument", "title": "Event", "verified": "Verified"})
    ui.cite(view, "Latest events", shown, list(ev["source_url"]), key="events")
ui.sync_url(view)
