"""Binding vs voluntary: instruments over time, each country's commitments, each company's stances."""

import streamlit as st

from dashboard import state, ui
from dashboard.views import binding


def spec(rel, info):
    regions = {"all", *binding.regions(rel)}
    return [
        state.Param("bloc", "all", choices=lambda: set(binding.BLOCS)),
        state.Param("region", "all", choices=lambda: regions),
    ]


view = ui.page("Binding_vs_voluntary", "Binding vs voluntary", spec)
rel, as_of = view.rel, view.as_of
st.markdown(
    "**Binding** instruments create legal obligations (treaties, regulations, laws, executive orders; a bill "
    "would have). **Voluntary** ones do not (declarations, pledges, codes, recommendations, resolutions)."
)
f = st.columns(2)
bloc = f[0].selectbox("Bloc", list(binding.BLOCS), key="bloc", format_func=binding.BLOCS.get)
region = f[1].selectbox(
    "Region", ["all", *binding.regions(rel)], key="region", format_func=lambda r: "All regions" if r == "all" else r
)
bv = binding.binding_view(rel, as_of, bloc, region)
c = st.columns(2)
ui.plotly_chart(view, bv.over_time, "over-time", where=c[0], text=bv.over_time_text)
ui.plotly_chart(view, bv.by_kind, "by-kind", where=c[1], text=bv.by_kind_text)
ui.cite_table(view, bv.instruments)

st.header("Per country: binding and voluntary commitments")
st.caption(bv.country_line)
if bv.countries is None:
    ui.empty("No state in this selection has a commitment on this date.")
else:
    if bv.partial_line:
        st.caption(bv.partial_line)
    ui.plotly_chart(view, bv.countries_figure, "countries", text=bv.countries_text)
    ui.show(view, bv.countries)

st.header("Per company: voluntary stances")
if bv.companies is None:
    ui.empty("No company headquartered in this selection has a recorded stance on this date.")
else:
    st.caption("Filtered by the company's headquarters country.")
    ui.plotly_chart(view, bv.companies_figure, "companies", text=bv.companies_text)
    ui.cite_table(view, bv.companies)
ui.sync_url(view, bloc=bloc, region=region)
