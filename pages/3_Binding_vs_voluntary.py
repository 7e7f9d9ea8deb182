"""Binding vs voluntary: instruments over time, each country's commitments, each company's stances."""

import streamlit as st

from dashboard import queries, state, ui
from dashboard.config import BLOC_LABELS

BLOCS = {"all": "All states"} | {k: v for k, v in BLOC_LABELS.items()}


def spec(rel, info):
    regions = {"all"} | set(queries.participants(rel)["region"].dropna())
    return [state.Param("bloc", "all", choices=lambda: set(BLOCS)),
            state.Param("region", "all", choices=lambda: regions)]


view = ui.page("Binding_vs_voluntary", "Binding vs voluntary", spec)
rel, as_of = view.rel, view.as_of
inst = queries.existing_instruments(rel, as_of)
st.markdown("**Binding** instruments create legal obligations (treaties, regulations, laws, executive orders; a bill "
            "would have). **Voluntary** ones do not (declarations, pledges, codes, recommendations, resolutions).")
over_time, by_kind = queries.instrument_figures(rel, as_of)
c = st.columns(2)
ui.plotly_chart(view, over_time, "over-time", where=c[0])
ui.plotly_chart(view, by_kind, "by-kind", where=c[1])
ui.cite(view, "Instruments by kind and bindingness over time",
        inst[["instrument_id", "short_name", "kind", "legally_binding", "adopted_on", "status", "source_url"]],
        queries.urls(inst["source_url"]), key="instruments")

st.subheader("Per country: binding and voluntary commitments")
regions = sorted(queries.participants(rel)["region"].dropna().unique())
f = st.columns(2)
bloc = f[0].selectbox("Bloc", list(BLOCS), key="bloc", format_func=BLOCS.get)
region = f[1].selectbox("Region", ["all", *regions], key="region", format_func=lambda r: "All regions" if r == "all" else r)
cc = queries.commitments_filtered(rel, as_of, bloc, region)
fig_countries, fig_companies = queries.commitment_figures(rel, as_of, bloc, region)
shown = cc[(cc["Binding"] + cc["Voluntary"]) > 0][["name", "participant_id", "region", "Binding", "Voluntary",
                                                   "Not named on partial lists"]]
shown = shown.sort_values(["Binding", "Voluntary", "name"], ascending=[False, False, True])
st.caption(f"{len(shown)} of {len(cc)} states and organisations in this selection have at least one commitment "
           f"on {as_of:%d %B %Y}.")
if shown.empty:
    ui.empty("No state in this selection has a commitment on this date.")
else:
    partial = queries.partial_in(rel, "binding", as_of) + queries.partial_in(rel, "voluntary", as_of)
    if partial:
        st.caption(f"Counts rest on the participants we name. The named lists of {len(partial)} instruments are "
                   f"partial ({ui.esc(', '.join(partial))}): a state not named there may still have taken part.")
    ui.plotly_chart(view, fig_countries, "countries")
    ui.table(shown, "states and organisations", "filter by bloc or region to see others here",
             column_config={"name": "State / organisation", "participant_id": "Code"})
    ui.cite(view, "Binding and voluntary commitments per country", shown, key="countries")

st.subheader("Per company: voluntary stances")
stances = queries.stances_filtered(rel, as_of, bloc, region)
if stances.empty:
    ui.empty("No company headquartered in this selection has a recorded stance on this date.")
else:
    st.caption("Filtered by the company's headquarters country.")
    ui.plotly_chart(view, fig_companies, "companies")
    tbl = queries.stances_filtered_table(rel, as_of, bloc, region)
    ui.cite(view, "Company stances on voluntary commitments", tbl, queries.urls(stances["source_url"]), key="companies")
ui.sync_url(view, bloc=bloc, region=region)
