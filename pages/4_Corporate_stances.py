"""Corporate stances: a companies x commitments matrix with the date, quote and source behind every cell."""

import streamlit as st

from dashboard import queries, state, ui
from dashboard.config import STANCE_LABELS, STANCES


def spec(rel, info):
    inst_ids = set(queries.stances_as_of(rel, info["as_of"])["instrument_id"])
    hq = {"all"} | set(queries.companies(rel)["hq_country"].dropna())
    return [state.Param("instruments", (), kind="multi", choices=lambda: inst_ids),
            state.Param("stance", "all", choices=lambda: {"all", *STANCES}),
            state.Param("hq", "all", choices=lambda: hq)]


view = ui.page("Corporate_stances", "Corporate stances", spec)
rel, as_of = view.rel, view.as_of
st_all = queries.stances_as_of(rel, as_of)
inst = queries.instruments(rel).set_index("instrument_id")
comp = queries.companies(rel)
hq_names = dict(zip(comp["hq_country"], comp["hq_name"], strict=False))
f = st.columns(3)
inst_opts = sorted(set(st_all["instrument_id"]), key=lambda i: inst.loc[i, "short_name"])
view.keep_valid("instruments", inst_opts)  # only commitments with a stance on the view date
chosen = f[0].multiselect("Commitments (all if empty)", inst_opts, key="instruments",
                          format_func=inst["short_name"].to_dict().get)
stance = f[1].selectbox("Stance", ["all", *STANCES], key="stance",
                        format_func=lambda s: "Any stance" if s == "all" else STANCE_LABELS[s])
hq_opts = ["all", *sorted(set(comp["hq_country"].dropna()), key=lambda h: str(hq_names.get(h)))]
hq = f[2].selectbox("Headquarters", hq_opts, key="hq", format_func=lambda h: "Anywhere" if h == "all" else hq_names.get(h, h))

latest, fig, shown_c, shown_i = queries.stance_matrix(rel, as_of, tuple(sorted(chosen)), stance, hq)
if latest.empty:
    ui.empty("No company stance matches these filters on this date.")
    ui.sync_url(view, instruments=tuple(sorted(chosen)), stance=stance, hq=hq)
    st.stop()
n_comp, n_inst = latest["company_id"].nunique(), latest["instrument_id"].nunique()
st.caption(f"{n_comp} companies × {n_inst} commitments; the latest stance on or before {as_of:%d %B %Y} in each "
           "cell. Grey: no record."
           + (f" The matrix shows the {shown_c} companies and {shown_i} commitments with the most stances; "
              "narrow the filters to see others." if (shown_c, shown_i) != (n_comp, n_inst) else ""))
st.plotly_chart(fig, key="matrix")
legend = " · ".join(f"{STANCE_LABELS[s]}" for s in ("signed", "partial", "supported", "declined", "opposed", "withdrew"))
st.caption(f"Colours: blue signed, light blue partly signed, green supported, vermilion declined, orange opposed, "
           f"purple withdrew ({legend}).")

st.subheader("Every stance behind the matrix")
tbl = ui.verified_col(latest[["company", "instrument", "stance", "stance_date", "date_precision", "quote", "quote_by",
                              "verified", "source_url", "note"]].sort_values(["company", "instrument"]))
st.dataframe(tbl, hide_index=True, column_config={
    "company": "Company", "instrument": "Commitment", "stance": "Stance", "stance_date": "Date",
    "date_precision": "Date precision", "quote": "Quote (reason given)", "quote_by": "Said by",
    "verified": "Verified", "source_url": ui.link_config(), "note": "Note"})
ui.cite(view, "Corporate stances on voluntary AI commitments", tbl, list(latest["source_url"]), key="stances")
ui.sync_url(view, instruments=tuple(sorted(chosen)), stance=stance, hq=hq)
