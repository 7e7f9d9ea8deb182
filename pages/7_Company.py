"""Company profile: its stances, and where its home state stands on the same instruments and on AI law."""

import streamlit as st

from dashboard import queries, state, ui


def spec(rel, info):
    ids = queries.company_options(rel)[1]
    return [state.Param("company", "meta" if "meta" in ids else min(ids), choices=lambda: ids)]


view = ui.page("Company", "Company profile", spec)
rel, as_of = view.rel, view.as_of
ids, _, names = queries.company_options(rel)
cid = st.selectbox("Company", ids, key="company", format_func=names.get)
c = queries.companies_by_id(rel).loc[cid]
hq = c["hq_country"] if isinstance(c["hq_country"], str) else None
st.caption(f"Headquarters: {ui.esc(c['hq_name']) if hq else 'not verified'}"
           + ("" if c["verified"] else " (UNVERIFIED)") + (f" · {ui.esc(c['note'])}" if isinstance(c["note"], str) else ""))
if ui.safe_url(c["website"]):
    st.link_button("Company website ↗", c["website"])

mine = queries.company_stances(rel, cid, as_of)
st.subheader("Stances")
if mine.empty:
    ui.empty(f"No stance by {ui.esc(c['name'])} recorded on or before {as_of:%d %B %Y}.")
else:
    tbl = ui.verified_col(mine[["instrument", "stance", "stance_date", "date_precision", "quote", "quote_by",
                                "verified", "source_url", "note"]])
    ui.grid(tbl, hide_index=True, column_config={"source_url": ui.link_config(), "stance_date": "Date",
                                                "quote": "Quote (reason given)", "quote_by": "Said by"})
    ui.cite(view, f"Stances of {c['name']}", tbl, queries.urls(mine["source_url"]), key="stances")

if hq:
    st.subheader("Where its home state stands")
    home = queries.home_table(rel, hq, cid, as_of)
    st.caption(f"{ui.esc(c['hq_name'])}: its record on the instruments this company took a stance on, and on every "
               "other instrument where it has one. Company-facing commitments usually have no state record.")
    ui.grid(home, hide_index=True, column_config={
        "source_url": ui.link_config(), "instrument": "Instrument", "binding": "Kind",
        "same_instrument": "Same instrument as a stance above", "status_label": "Home state status", "date": "Date",
        "verified": "Verified"})
    ui.cite(view, f"Home state of {c['name']}", home, queries.urls(home["source_url"]), key="home")
    st.page_link("pages/5_Country.py", label=f"Open the profile of {ui.esc(c['hq_name'])}", icon=":material/flag:",
                 query_params={"country": hq, "as_of": str(as_of)})
ui.sync_url(view, company=cid)
