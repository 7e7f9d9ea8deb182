"""Corporate stances: a companies x commitments matrix with the date, quote and source behind every cell."""

import streamlit as st

from dashboard import lookups, state, ui
from dashboard.config import STANCE_LABELS, STANCES
from dashboard.views import stances


def spec(rel, info):
    inst_ids = lookups.stance_instrument_options(rel, info["as_of"])[1]
    hq = lookups.hq_options(rel)[1]
    return [
        state.Param("instruments", (), kind="multi", choices=lambda: inst_ids),
        state.Param("stance", "all", choices=lambda: {"all", *STANCES}),
        state.Param("hq", "all", choices=lambda: hq),
    ]


view = ui.page("Corporate_stances", "Corporate stances", spec)
rel, as_of = view.rel, view.as_of
hq_opts, _, hq_names = lookups.hq_options(rel)
f = st.columns(3)
inst_opts, inst_set = lookups.stance_instrument_options(rel, as_of)
view.keep_valid("instruments", inst_set)  # only commitments with a stance on the view date
chosen = f[0].multiselect(
    "Commitments (all if empty)", inst_opts, key="instruments", format_func=lookups.instrument_names(rel).get
)
stance = f[1].selectbox(
    "Stance", ["all", *STANCES], key="stance", format_func=lambda s: "Any stance" if s == "all" else STANCE_LABELS[s]
)
hq = f[2].selectbox(
    "Headquarters", hq_opts, key="hq", format_func=lambda h: "Anywhere" if h == "all" else hq_names.get(h, h)
)
picked = tuple(sorted(chosen))
sv = stances.stance_view(rel, as_of, picked, stance, hq)
if sv.empty:
    ui.empty("No company stance matches these filters on this date.")
else:
    st.caption(sv.caption)
    ui.plotly_chart(view, sv.figure, "matrix", "Company stances on voluntary commitments", text=sv.text)
    st.caption(sv.legend)
    st.header("Every stance behind the matrix")
    ui.show(view, sv.table)
ui.sync_url(view, instruments=picked, stance=stance, hq=hq)
