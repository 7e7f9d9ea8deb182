"""Entry into force: progress toward a treaty's threshold, from the rule stored in the data, with a what-if."""

import streamlit as st

from dashboard import queries, state, ui


def _treaties(rel):
    inst = queries.instruments(rel)
    return inst[inst["eif_parties_required"].notna()].set_index("instrument_id")


def spec(rel, info):
    ids = set(_treaties(rel).index)
    signers = set(queries.participants(rel)["participant_id"])
    return [state.Param("instrument", "cets-225" if "cets-225" in ids else (min(ids) if ids else ""),
                        choices=lambda: ids),
            state.Param("whatif", (), kind="multi", choices=lambda: signers)]


view = ui.page("Entry_into_force", "Entry into force", spec)
rel, as_of = view.rel, view.as_of
treaties = _treaties(rel)
if treaties.empty:
    ui.empty("No instrument in this release has an entry-into-force rule.")
    st.stop()
tid = st.selectbox("Treaty", list(treaties.index), key="instrument", format_func=treaties["short_name"].to_dict().get)
t = treaties.loc[tid]
rule_text = (f"In force on the first day of the month after {int(t['eif_delay_months'])} months from the date on which "
             f"{int(t['eif_parties_required'])} signatories, including at least {int(t['eif_min_coe_members'])} "
             "Council of Europe member states, have ratified, accepted or approved it.")
st.caption(f"{ui.esc(t['name'])}. Rule, as stored in the data: {rule_text}")

sig = queries.signatories(rel, tid, as_of)
candidates = [] if sig.empty else list(sig.loc[sig["status"] == "signed", "participant_id"])
names = {} if sig.empty else dict(zip(sig["participant_id"], sig["participant"], strict=True))
view.keep_valid("whatif", candidates)  # only signatories that had not yet ratified on the view date
what_if = st.multiselect(f"What if these signatories ratified on {as_of:%d %B %Y}?", candidates, key="whatif",
                         format_func=lambda p: names[p] + (" (CoE member)" if bool(
                             sig.set_index("participant_id").loc[p, "coe_member"]) else ""))
prog = queries.eif_progress(rel, tid, as_of, tuple(what_if))
r = prog.rule
c = st.columns(2)
c[0].metric("Ratifications / approvals", f"{prog.parties} / {r.parties_required}")
c[0].progress(min(1.0, prog.parties / r.parties_required))
c[1].metric("… of which Council of Europe member states", f"{prog.coe_parties} / {r.min_coe_members}")
c[1].progress(min(1.0, prog.coe_parties / r.min_coe_members) if r.min_coe_members else 1.0)
unverified = [k.name for k in prog.consents if not k.verified]
if unverified:
    st.caption(f"Counted but not yet verified against an official source: {ui.esc(', '.join(unverified))} "
               "(see Data & sources).")
hyp = " (with the what-if)" if prog.hypothetical else ""
if prog.in_force:
    st.success(f"In force since {prog.in_force_on:%d %B %Y}{hyp}.")
elif prog.in_force_on:
    st.warning(f"Both conditions met on {prog.met_on:%d %B %Y}{hyp}: projected entry into force "
               f"**{prog.in_force_on:%d %B %Y}**.")
else:
    st.error(f"Not in force on {as_of:%d %B %Y}{hyp}. Needs {prog.missing_parties} more ratification(s)"
             + (f", including {prog.missing_coe} more by Council of Europe member states." if prog.missing_coe else "."))
ui.plotly_chart(view, queries.eif_figure(rel, tid, as_of, tuple(sorted(what_if))), "eif")

st.subheader("Who has ratified, who has only signed")
if sig.empty:
    ui.empty("No signature on or before this date.")
else:
    tip = sig[(sig["status"] == "signed") & sig["coe_member"]]
    st.caption(f"{len(tip)} signatories are Council of Europe member states that could tip the second condition: "
               + ui.esc(", ".join(tip["participant"])) + "." if len(tip) else "No member-state signatory is left to ratify.")
    shown = ui.verified_col(sig.assign(
        status=sig["status"].map({"party": "Ratified / approved", "signed": "Signed only"}).fillna(sig["status"]),
        could_tip=sig["participant_id"].isin(tip["participant_id"]))[
        ["participant", "status", "signed_on", "consent", "consent_on", "coe_member", "could_tip", "verified",
         "source_url", "note"]])
    ui.table(shown, "signatories", column_config={
        "participant": "Signatory", "status": "Status", "signed_on": "Signed", "consent": "Consent",
        "consent_on": "Deposited", "coe_member": "CoE member", "could_tip": "Could tip it",
        "verified": "Verified", "source_url": ui.link_config(), "note": "Note"})
    ui.cite(view, f"Entry into force of {t['short_name']}", shown,
            [t["source_url"], *sig["source_url"]], key="eif")
ui.sync_url(view, instrument=tid, whatif=tuple(sorted(what_if)))
