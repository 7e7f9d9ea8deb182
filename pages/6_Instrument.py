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
lf = queries.life(rel, as_of).loc[iid]
c[3].metric(f"On {as_of:%d %b %Y}", lf["life_text"].split(";")[0].capitalize(), help=lf["life_text"])
if isinstance(i["summary"], str):
    st.text(i["summary"])
facts = [f"Issuer: {i['issuer']}" if isinstance(i["issuer"], str) else None,
         f"Scope: {i['scope']}", f"On {as_of:%d %B %Y}: {lf['life_text']}",
         "UNVERIFIED: " + str(i["note"]) if not i["verified"] else (f"Note: {i['note']}" if isinstance(i["note"], str) else None)]
st.text("\n".join(f for f in facts if f))
links = st.columns([1, 1, 3])
if ui.safe_url(i["source_url"]):
    links[0].link_button("Official text or page ↗", i["source_url"])
links[1].link_button("Follow (Atom feed) ↗", f"app/static/feeds/instrument/{iid}.atom",
                     help="Every change to this instrument's data, in a feed reader")
if pd.notna(i["eif_parties_required"]):
    st.page_link("pages/2_Entry_into_force.py", label="Progress toward entry into force", icon=":material/hourglass_top:",
                 query_params={"instrument": iid, "as_of": str(as_of)})

df = queries.statuses(rel, iid, as_of)
rows = df[df["status"] != "none"]
st.subheader("Signatories and participants")
cov = queries.coverage(rel, as_of)
if iid in cov.index:
    st.caption(f"Named list: {ui.esc(cov.loc[iid, 'text'])}"
               + (f" · [count source ↗](<{ui.safe_url(cov.loc[iid, 'source_url'])}>)"
                  if ui.safe_url(cov.loc[iid, "source_url"]) else "") + ". Absence from a list is not a refusal.")
if rows.empty:
    ui.empty(f"No state or organisation has a recorded act on {ui.esc(i['short_name'])} on or before "
             f"{as_of:%d %B %Y}." + (" " + ui.esc(i["note"]) if isinstance(i["note"], str) else ""))
else:
    st.pydeck_chart(queries.map_deck(rel, iid, as_of), key="imap", height=420)
    ui.map_downloads(view, iid, key="imap")
    hist = queries.actions_history(rel, as_of)
    hist = hist[hist["instrument_id"] == iid]
    tbl = ui.verified_col(hist[["participant", "action", "action_date", "date_precision", "verified", "source_url", "note"]])
    if iid in cov.index:  # the CSV says it too: a partial list never passes for a complete one
        tbl = tbl.assign(named_list=cov.loc[iid, "text"])
    if len(tbl):
        ui.table(tbl, "acts", column_config={"source_url": ui.link_config(), "participant": "Participant",
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
    ui.table(stbl, "stances", column_config={"source_url": ui.link_config(), "stance_date": "Date"})
    ui.cite(view, f"Company stances on {i['short_name']}", stbl, queries.urls(stances["source_url"]), key="stances")

st.subheader("Timeline")
ev = queries.events(rel, as_of)
ev = ev[ev["instrument_id"] == iid]
soon = queries.upcoming(rel, as_of)
soon = soon[soon["instrument_id"] == iid]
if len(soon):
    st.markdown(f"**Scheduled** after {as_of:%d %B %Y}:")
    stbl_soon = ui.verified_col(soon[["event_date", "date_precision", "kind", "title", "verified", "source_url"]])
    ui.table(stbl_soon.assign(kind="scheduled: " + stbl_soon["kind"]), "scheduled events", csv=False,
             column_config={"source_url": ui.link_config(), "event_date": "Date"})
if ev.empty and soon.empty:
    ui.empty("No dated event on or before this date.")
else:
    ui.plotly_chart(view, queries.events_figure(rel, iid, as_of), "timeline", f"Timeline of {i['short_name']}")
    etbl = ui.verified_col(ev[["event_date", "date_precision", "kind", "title", "verified", "source_url"]])
    ui.table(etbl, "events (latest first; the chart shows the same ones)",
             "change the date in the sidebar to see earlier ones here",
             column_config={"source_url": ui.link_config(), "event_date": "Date"})
    ui.cite(view, f"Timeline of {i['short_name']}", etbl, queries.urls(ev["source_url"]), key="timeline")
ui.sync_url(view, instrument=iid)
