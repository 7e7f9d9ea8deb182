"""Country (or organisation) profile: every instrument and its status, with dates and sources."""

import streamlit as st

from dashboard import queries, state, ui
from dashboard.config import BLOC_LABELS, STATUS_LABELS

MAX_COMPANY_LINKS = 12  # the rest in a table: hundreds of page links cost ~0.5 ms each on every run


def spec(rel, info):
    ids = queries.participant_options(rel)[1]
    return [state.Param("country", "GBR" if "GBR" in ids else min(ids), choices=lambda: ids)]


view = ui.page("Country", "Country profile", spec)
rel, as_of = view.rel, view.as_of
ids, _, labels = queries.participant_options(rel)
pid = st.selectbox("State or organisation", ids, key="country", format_func=labels.get)
p = queries.participants(rel).set_index("participant_id").loc[pid]
blocs = queries.members_as_of(rel, as_of)
mine = [BLOC_LABELS[b] for b in blocs.loc[blocs["participant_id"] == pid, "bloc"]]
st.caption(f"{ui.esc(p['official_name'])} · {ui.esc(str(p['kind']).replace('_', ' '))} · "
           f"{ui.esc(p['region']) if isinstance(p['region'], str) else 'no region'} · member on "
           f"{as_of:%d %b %Y} of: {', '.join(mine) if mine else 'none of the blocs tracked'}")

table = queries.participant_record(rel, pid, as_of)
have = table[(table["status"] != "none").to_numpy()]
c = st.columns(3)
c[0].metric("Instruments with a record", len(have))
c[1].metric("Binding", int((have["binding"] == "Binding").sum()))
c[2].metric("Voluntary", int((have["binding"] == "Voluntary").sum()))
shown = queries.participant_table(rel, pid, as_of)
ui.grid(shown, hide_index=True, column_config={
    "instrument": "Instrument", "binding": "Kind", "status_label": "Status", "date": "Date",
    "date_precision": "Date precision", "verified": "Verified", "source_url": ui.link_config(), "note": "Note"})
ui.cite(view, f"Profile of {p['name']}", shown, queries.urls(have["source_url"]), key="country")

st.subheader("Every recorded act, oldest first")
hist = queries.participant_history(rel, pid, as_of)
if hist.empty:
    ui.empty(f"No recorded act by {ui.esc(p['name'])} on or before {as_of:%d %B %Y}.")
else:
    acts = ui.verified_col(hist[["action_date", "instrument", "action", "date_precision", "verified", "source_url",
                                 "note"]])
    ui.grid(acts, hide_index=True, column_config={"source_url": ui.link_config(), "action_date": "Date"})
    ui.cite(view, f"Recorded acts of {p['name']}", acts, queries.urls(hist["source_url"]), key="acts")
comp = queries.companies_in(rel, pid)
if len(comp):
    st.subheader("Companies headquartered here")
    cols = st.columns(4)
    for n, r in enumerate(comp.head(MAX_COMPANY_LINKS).itertuples()):
        cols[n % 4].page_link("pages/7_Company.py", label=ui.esc(r.name), icon=":material/business:",
                              query_params={"company": r.company_id, "as_of": str(as_of)})
    if len(comp) > MAX_COMPANY_LINKS:
        more = queries.company_links(rel, pid, as_of, MAX_COMPANY_LINKS)
        st.caption(f"And {len(more)} more:")
        ui.grid(more, hide_index=True, column_config={
            "name": "Company", "profile": st.column_config.LinkColumn("Profile", display_text="open profile")})
st.caption(f"Status legend: {', '.join(STATUS_LABELS.values())}.")
ui.sync_url(view, country=pid)
