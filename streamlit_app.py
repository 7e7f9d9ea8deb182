"""Overview: what the Atlas covers, headline numbers and the latest events (entry point of the app)."""

import streamlit as st

from dashboard import searchbox, ui
from dashboard.config import DEFAULT_INSTRUMENT
from dashboard.views import overview

view = ui.page("", "AI Governance Atlas")
rel, as_of = view.rel, view.as_of

st.markdown(
    "How the world governs artificial intelligence: **treaties, laws, declarations and voluntary pledges**, who "
    "signed, ratified, endorsed or declined them and when, and where companies stand on the voluntary commitments. "
    "Every dot on the map and every row in a table links to its source."
)
searchbox.search_box(view, "main")
ov = overview.overview_view(rel, as_of)
ui.metrics(ov.metrics)
if ov.partial_line:
    st.caption(ov.partial_line)

st.header("Start here")
# Two a row (four in a row cut their labels short at 1280 px: "Who joined what: worl"), one row after the other so
# a screen reader reads them in the order they are seen.
cols = st.columns(2)
start = {"instrument": DEFAULT_INSTRUMENT, "as_of": str(as_of)}
cols[0].page_link(
    "pages/1_World_map.py", label="Who joined what: world map", icon=":material/public:", query_params=start
)
cols[1].page_link(
    "pages/2_Entry_into_force.py",
    label="Is the AI treaty in force yet?",
    icon=":material/hourglass_top:",
    query_params=start,
)
cols = st.columns(2)
cols[0].page_link(
    "pages/3_Binding_vs_voluntary.py",
    label="Binding or voluntary?",
    icon=":material/balance:",
    query_params={"as_of": str(as_of)},
)
cols[1].page_link(
    "pages/4_Corporate_stances.py",
    label="Which companies signed?",
    icon=":material/domain:",
    query_params={"as_of": str(as_of)},
)

if ov.coming is not None:
    st.header("Coming up")
    st.caption(ov.coming_line)
    ui.show(view, ov.coming, csv=False)
st.header("Latest events")
if ov.latest is None:
    ui.empty("No events on or before this date.")
else:
    ui.show(view, ov.latest)
ui.sync_url(view)
