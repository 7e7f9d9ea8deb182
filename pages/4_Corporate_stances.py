"""Corporate stances: a companies x commitments matrix with the date, quote and source behind every cell."""

import streamlit as st

from dashboard import queries, state, ui
from dashboard.config import STANCE_LABELS, STANCES

def spec(rel, info):
    inst_ids = queries.stance_instrument_options(rel, info["as_of"])[1]
    hq = queries.hq_options(rel)[1]
    return [state.Param("instruments", (), kind="multi", choices=lambda: inst_ids),
            state.Param("stance", "all", choices=lambda: {"all", *STANCES}),
            state.Param("hq", "all", choices=lambda: hq)]


view = ui.page("Corporate_stances", "Corporate stances", spec)
rel, as_of = view.rel, view.as_of
hq_opts, _, hq_names = queries.hq_options(rel)
f = st.columns(3)
inst_opts, inst_set = queries.stance_instrument_options(rel, as_of)
view.keep_valid("instruments", inst_set)  # only commitments with a stance on the view date
chosen = f[0].multiselect("Commitments (all if empty)", inst_opts, key="instruments",
                          format_func=queries.instrument_names(rel).get)
stance = f[1].selectbox("Stance", ["all", *STANCES], key="stance",
                        format_func=lambda s: "Any stance" if s == "all" else STANCE_LABELS[s])
hq = f[2].selectbox("Headquarters", hq_opts, key="hq", format_func=lambda h: "Anywhere" if h == "all" else hq_names.get(h, h))
picked = tuple(sorted(chosen))

latest, fig, shown_c, shown_i = queries.stance_matrix(rel, as_of, picked, stance, hq)
if latest.empty:
    ui.empty("No company stance matches these filters on this date.")
    ui.sync_url(view, instruments=picked, stance=stance, hq=hq)
    st.stop()
summary = queries.stance_summary(rel, as_of, picked, stance, hq)
n_comp, n_inst = summary["companies"], summary["commitments"]
st.caption(f"{n_comp} companies × {n_inst} commitments; the latest stance on or before {as_of:%d %B %Y} in each "
           "cell. Grey: no record."
           + (f" The matrix shows the {shown_c} companies and {shown_i} commitments with the most stances; "
              "narrow the filters to see others." if (shown_c, shown_i) != (n_comp, n_inst) else ""))
ui.plotly_chart(view, fig, "matrix", "Company stances on voluntary commitments")
legend = " · ".join(f"{STANCE_LABELS[s]}" for s in ("signed", "partial", "supported", "declined", "opposed", "withdrew"))
st.caption(f"Colours: blue signed, light blue partly signed, green supported, vermilion declined, orange opposed, "
           f"purple withdrew ({legend}).")

st.subheader("Every stance behind the matrix")
tbl = queries.stance_table(rel, as_of, picked, stance, hq)
ui.table(tbl, "stances (by company)", "narrow the filters above to see the others here", column_config={
    "company": "Company", "instrument": "Commitment", "stance": "Stance", "stance_date": "Date",
    "date_precision": "Date precision", "quote": "Quote (reason given)", "quote_by": "Said by",
    "verified": "Verified", "source_url": ui.link_config(), "note": "Note"})
ui.cite(view, "Corporate stances on voluntary AI commitments", tbl, list(summary["sources"]), key="stances")
ui.sync_url(view, instruments=picked, stance=stance, hq=hq)
