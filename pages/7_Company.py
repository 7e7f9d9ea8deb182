"""Company profile: its stances, and where its home state stands on the same instruments and on AI law."""

import streamlit as st

from dashboard import lookups, state, ui
from dashboard.config import DEFAULT_COMPANY
from dashboard.views import profiles


def spec(rel, info):
    ids = lookups.company_options(rel)[1]
    return [state.Param("company", DEFAULT_COMPANY if DEFAULT_COMPANY in ids else min(ids), choices=lambda: ids)]


view = ui.page("Company", "Company profile", spec)
rel, as_of = view.rel, view.as_of
ids, _, names = lookups.company_options(rel)
cid = st.selectbox("Company", ids, key="company", format_func=names.get)
cv = profiles.company_view(rel, cid, as_of)
st.caption(cv.caption)
if cv.website:
    st.link_button("Company website ↗", cv.website)

st.header("Stances")
if cv.stances is None:
    ui.empty(cv.empty_stances)
else:
    ui.show(view, cv.stances)
if cv.home is not None:
    st.header("Where its home state stands")
    st.caption(cv.home_line)
    ui.show(view, cv.home)
    st.page_link(
        "pages/5_Country.py",
        label=f"Open the profile of {ui.esc(cv.hq_name)}",
        icon=":material/flag:",
        query_params={"country": cv.hq, "as_of": str(as_of)},
    )
ui.sync_url(view, company=cid)
