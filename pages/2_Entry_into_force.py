"""Entry into force: progress toward a treaty's threshold, from the rule stored in the data, with a what-if."""

import streamlit as st

from dashboard import lookups, state, ui
from dashboard.config import DEFAULT_INSTRUMENT
from dashboard.views import treaty


def spec(rel, info):
    ids = set(treaty.treaties(rel).ids)
    signers = set(lookups.participant_options(rel)[1])
    return [
        state.Param(
            "instrument", DEFAULT_INSTRUMENT if DEFAULT_INSTRUMENT in ids else min(ids, default=""), choices=lambda: ids
        ),
        state.Param("whatif", (), kind="multi", choices=lambda: signers),
    ]


view = ui.page("Entry_into_force", "Entry into force", spec)
rel, as_of = view.rel, view.as_of
known = treaty.treaties(rel)
if not known.ids:
    ui.empty("No instrument in this release has an entry-into-force rule.")
    st.stop()
tid = st.selectbox("Treaty", known.ids, key="instrument", format_func=known.labels.get)
options = treaty.treaty_view(rel, tid, as_of, ())
# On a page the rule and the what-if come first; in a presentation the counts, the verdict and the chart fill the
# projector's screen, side by side, and the rule and the what-if follow them.
present = view.mode == "present"
above, results, below = st.container(), st.container(), st.container()
with below if present else above:
    st.caption(f"{ui.esc(options.name)}. Rule, as stored in the data: {options.rule_text}")
    view.keep_valid("whatif", options.candidates)  # only signatories that had not yet ratified on the view date
    what_if = st.multiselect(
        f"What if these signatories ratified on {as_of:%d %B %Y}?",
        options.candidates,
        key="whatif",
        format_func=options.candidate_labels.get,
    )
tv = treaty.treaty_view(rel, tid, as_of, tuple(sorted(what_if)))
counts, chart = results.columns([2, 3]) if present else (results, results)
with counts:
    ui.progress_metrics(tv.metrics, per_row=1 if present else None)
    if tv.unverified_note:
        st.caption(tv.unverified_note)
    ui.verdict(*tv.verdict)
ui.plotly_chart(view, tv.figure, "eif", where=chart, text=tv.figure_text)

st.header("Who has ratified, who has only signed")
if tv.table is None:
    ui.empty(tv.empty)
else:
    st.caption(tv.tip_line)
    ui.show(view, tv.table)
ui.sync_url(view, instrument=tid, whatif=tuple(sorted(what_if)))
