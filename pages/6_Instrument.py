"""Instrument profile: what it is, binding or not, its signatories (table and map) and its timeline."""

import pandas as pd
import streamlit as st

from dashboard import queries, state, ui


def spec(rel, info):
    ids = queries.instrument_options(rel)[1]
    return [state.Param("instrument", "cets-225" if "cets-225" in ids else min(ids), choices=lambda: ids)]


view = ui.page("Instrument", "Instrument profile", spec)
rel, as_of = view.rel, view.as_of
iid = st.selectbox("Instrument", queries.instrument_options(rel)[0], key="instrument",
                   format_func=queries.instrument_names(rel).get)
i = queries.instruments_by_id(rel).loc[iid]
st.subheader(ui.esc(i["name"]), anchor=False)
c = st.columns(4)
c[0].metric("Nature", "Legally binding" if i["legally_binding"] else "Voluntary")
c[1].metric("Kind", str(i["kind"]).replace("_", " ").capitalize())
c[2].metric("Adopted", ui.date_text(i["adopted_on"]))
c[3].metric("In force", ui.date_text(i["in_force_on"]) if i["in_force_on"] else str(i["status"]).replace("_", " "))
if isinstance(i["summary"], str):
    st.text(i["summary"])
facts = [f"Issuer: {i['issuer']}" if isinstance(i["issuer"], str) else None,
         f"Scope: {i['scope']}", f"Status on the dataset date: {str(i['status']).replace('_', ' ')}",
         f"Ended: {ui.date_text(i['ended_on'])}" if i["ended_on"] else None,
         "UNVERIFIED: " + str(i["note"]) if not i["verified"] else (f"Note: {i['note']}" if isinstance(i["note"], str) else None)]
st.text("\n".join(f for f in facts if f))
if ui.safe_url(i["source_url"]):
    st.link_button("Official text or page ↗", i["source_url"])
if pd.notna(i["eif_parties_required"]):
    st.page_link("pages/2_Entry_into_force.py", label="Progress toward entry into force", icon=":material/hourglass_top:",
                 query_params={"instrument": iid, "as_of": str(as_of)})

df = queries.statuses(rel, iid, as_of)
rows = df[df["status"] != "none"]
st.subheader("Signatories and participants")
if rows.empty:
    ui.empty(f"No state or organisation has a recorded act on {ui.esc(i['short_name'])} on or before "
             f"{as_of:%d %B %Y}." + (" " + ui.esc(i["note"]) if isinstance(i["note"], str) else ""))
else:
    st.pydeck_chart(queries.map_deck(rel, iid, as_of), key="imap", height=420)
    hist = queries.actions_history(rel, as_of)
    hist = hist[hist["instrument_id"] == iid]
    tbl = ui.verified_col(hist[["participant", "action", "action_date", "date_precision", "verified", "source_url", "note"]])
    if len(tbl):
        ui.grid(tbl, hide_index=True, column_config={"source_url": ui.link_config(), "participant": "Participant",
                                                    "action_date": "Date"})
        ui.cite(view, f"Participants in {i['short_name']}", tbl, [i["source_url"], *queries.urls(hist["source_url"])], key="acts")
    else:
        st.caption("Shown on the map as the law's own jurisdiction (no separate act recorded).")

stances = queries.stances_as_of(rel, as_of)
stances = stances[stances["instrument_id"] == iid]
if len(stances):
    st.subheader("Company stances")
    stbl = ui.verified_col(stances[["company", "stance", "stance_date", "date_precision", "quote", "quote_by",
                                    "verified", "source_url"]])
    ui.grid(stbl, hide_index=True, column_config={"source_url": ui.link_config(), "stance_date": "Date"})
    ui.cite(view, f"Company stances on {i['short_name']}", stbl, queries.urls(stances["source_url"]), key="stances")

st.subheader("Timeline")
ev = queries.events(rel, as_of)
ev = ev[ev["instrument_id"] == iid]
if ev.empty:
    ui.empty("No dated event on or before this date.")
else:
    st.plotly_chart(queries.events_figure(rel, iid, as_of), key="timeline")
    etbl = ui.verified_col(ev[["event_date", "date_precision", "kind", "title", "verified", "source_url"]])
    ui.grid(etbl, hide_index=True, column_config={"source_url": ui.link_config(), "event_date": "Date"})
    ui.cite(view, f"Timeline of {i['short_name']}", etbl, queries.urls(ev["source_url"]), key="timeline")
ui.sync_url(view, instrument=iid)
