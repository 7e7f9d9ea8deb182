"""Company profile: its stances, and where its home state stands on the same instruments and on AI law."""

import streamlit as st

from dashboard import queries, state, ui


def spec(rel, info):
    ids = set(queries.companies(rel)["company_id"])
    return [state.Param("company", "meta" if "meta" in ids else min(ids), choices=lambda: ids)]


view = ui.page("Company", "Company profile", spec)
rel, as_of = view.rel, view.as_of
comp = queries.companies(rel).set_index("company_id")
cid = st.selectbox("Company", list(comp.index), key="company", format_func=lambda c: comp.loc[c, "name"])
c = comp.loc[cid]
hq = c["hq_country"] if isinstance(c["hq_country"], str) else None
st.caption(f"Headquarters: {ui.esc(c['hq_name']) if hq else 'not verified'}"
           + ("" if c["verified"] else " (UNVERIFIED)") + (f" · {ui.esc(c['note'])}" if isinstance(c["note"], str) else ""))
if ui.safe_url(c["website"]):
    st.link_button("Company website ↗", c["website"])

stances = queries.stances_as_of(rel, as_of)
mine = stances[stances["company_id"] == cid]
st.subheader("Stances")
if mine.empty:
    ui.empty(f"No stance by {c['name']} recorded on or before {as_of:%d %B %Y}.")
else:
    tbl = ui.verified_col(mine[["instrument", "stance", "stance_date", "date_precision", "quote", "quote_by",
                                "verified", "source_url", "note"]])
    st.dataframe(tbl, hide_index=True, column_config={"source_url": ui.link_config(), "stance_date": "Date",
                                                     "quote": "Quote (reason given)", "quote_by": "Said by"})
    ui.cite(view, f"Stances of {c['name']}", tbl, list(mine["source_url"]), key="stances")

if hq:
    st.subheader("Where its home state stands")
    inst = queries.instruments(rel)
    rows = []
    same = set(mine["instrument_id"])
    for iid in inst["instrument_id"]:
        s = queries.statuses(rel, iid, as_of).set_index("participant_id").loc[hq]
        if s["status"] == "none" and iid not in same:
            continue
        i = inst.set_index("instrument_id").loc[iid]
        rows.append({"instrument": i["short_name"], "binding": "Binding" if i["legally_binding"] else "Voluntary",
                     "same instrument as a stance above": iid in same,
                     "home state status": s["status_label"], "date": s["action_date"], "verified": s["verified"],
                     "source_url": s["source_url"]})
    st.caption(f"{ui.esc(c['hq_name'])}: its record on the instruments this company took a stance on, and on every "
               "other instrument where it has one. Company-facing commitments usually have no state record.")
    import pandas as pd

    home = ui.verified_col(pd.DataFrame(rows))
    st.dataframe(home, hide_index=True, column_config={"source_url": ui.link_config()})
    st.page_link("pages/5_Country.py", label=f"Open the profile of {c['hq_name']}", icon=":material/flag:",
                 query_params={"country": hq, "as_of": str(as_of)})
ui.sync_url(view, company=cid)
