"""Country (or organisation) profile: every instrument and its status, with dates and sources."""

import streamlit as st

from dashboard import lookups, state, ui
from dashboard.config import DEFAULT_COUNTRY
from dashboard.views import profiles


def spec(rel, info):
    ids = lookups.participant_options(rel)[1]
    return [state.Param("country", DEFAULT_COUNTRY if DEFAULT_COUNTRY in ids else min(ids), choices=lambda: ids)]


view = ui.page("Country", "Country profile", spec)
rel, as_of = view.rel, view.as_of
ids, _, labels = lookups.participant_options(rel)
pid = st.selectbox("State or organisation", ids, key="country", format_func=labels.get)
cv = profiles.country_view(rel, pid, as_of)
st.caption(cv.caption)
st.link_button(
    "Follow (Atom feed) ↗",
    f"app/static/feeds/country/{pid}.atom",
    help="Every change to this state's or organisation's data, in a feed reader",
)
ui.metrics(cv.metrics)
ui.show(view, cv.record)

st.header("Every recorded act, oldest first")
if cv.acts is None:
    ui.empty(cv.empty_acts)
else:
    ui.show(view, cv.acts)
if cv.company_links:
    st.header("Companies headquartered here")
    for n, (name, cid) in enumerate(cv.company_links):  # two a row, row by row: long names read in full
        if n % 2 == 0:
            cols = st.columns(2)
        cols[n % 2].page_link(
            "pages/7_Company.py",
            label=ui.esc(name),
            icon=":material/business:",
            query_params={"company": cid, "as_of": str(as_of)},
        )
    if cv.more_companies is not None:
        st.caption(f"And {len(cv.more_companies.frame)} more:")
        ui.show(view, cv.more_companies, csv=False)
st.caption(cv.legend)
ui.sync_url(view, country=pid)
