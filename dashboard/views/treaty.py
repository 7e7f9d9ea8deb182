"""The Entry into force page: a treaty's stored rule in words, progress, the verdict, who could tip it, a what-if."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import charts, eif, facts, fmt, lookups
from dashboard.cache import memo
from dashboard.config import BLOC_LABELS
from dashboard.db import Release
from dashboard.views import SOURCE, Table, alttext

SIGNATORY_HEADERS = {
    "participant": "Signatory",
    "status": "Status",
    "signed_on": "Signed",
    "consent": "Consent",
    "consent_on": "Deposited",
    "coe_member": "CoE member",
    "could_tip": "Could tip it",
    "verified": "Verified",
    **SOURCE,
    "note": "Note",
}


@dataclass(frozen=True)
class Treaties:
    """The treaties with a stored entry-into-force rule, and what the what-if may pick on a date."""

    ids: tuple[str, ...]
    labels: dict[str, str]


@dataclass(frozen=True)
class TreatyView:
    name: str
    rule_text: str
    candidates: tuple[str, ...]  # signatories that had not yet consented on the view date (the what-if's options)
    candidate_labels: dict[str, str]
    metrics: tuple[tuple[str, str, float], ...]  # (label, "n / m", progress 0..1)
    unverified_note: str | None
    verdict: tuple[str, str]  # (success | warning | error, sentence in Markdown)
    figure: object
    tip_line: str | None
    table: Table | None  # None: no signature yet
    empty: str
    figure_text: str  # the chart in a sentence: counts against the rule and the verdict (alt text and caption)


@memo(8)
def treaties(rel: Release) -> Treaties:
    inst = lookups.instruments_by_id(rel)
    with_rule = inst[inst["eif_parties_required"].notna()]
    return Treaties(tuple(with_rule.index), dict(zip(with_rule.index, with_rule["short_name"], strict=True)))


def rule_text(rule: eif.Rule) -> str:
    """The stored rule in words (CETS 225: 5 ratifications, at least 3 by Council of Europe members, +3 months)."""
    return (
        f"In force on the first day of the month after {rule.delay_months} months from the date on which "
        f"{rule.parties_required} signatories, including at least {rule.min_coe_members} "
        f"{BLOC_LABELS['coe']} member states, have ratified, accepted or approved it."
    )


def verdict(prog: eif.Progress, as_of: date) -> tuple[str, str]:
    """In force, projected or not in force on `as_of`, and what it still needs."""
    hyp = " (with the what-if)" if prog.hypothetical else ""
    if prog.in_force:
        return "success", f"In force since {prog.in_force_on:%d %B %Y}{hyp}."
    if prog.in_force_on:
        return "warning", (
            f"Both conditions met on {prog.met_on:%d %B %Y}{hyp}: projected entry into force "
            f"**{prog.in_force_on:%d %B %Y}**."
        )
    return "error", (
        f"Not in force on {as_of:%d %B %Y}{hyp}. Needs {prog.missing_parties} more ratification(s)"
        + (f", including {prog.missing_coe} more by {BLOC_LABELS['coe']} member states." if prog.missing_coe else ".")
    )


def could_tip(sig: pd.DataFrame) -> pd.DataFrame:
    """Signatories that are CoE member states and have not yet consented: each could meet the second condition."""
    return sig[(sig["status"] == "signed") & sig["coe_member"]]


@memo(256)
def treaty_view(rel: Release, tid: str, as_of: date, what_if: tuple[str, ...]) -> TreatyView:
    inst = lookups.instruments_by_id(rel).loc[tid]
    sig = facts.signatories(rel, tid, as_of)
    prog = facts.eif_progress(rel, tid, as_of, what_if)
    r = prog.rule
    cand = () if sig.empty else tuple(sig.loc[sig["status"] == "signed", "participant_id"])
    coe = {} if sig.empty else dict(zip(sig["participant_id"], sig["coe_member"], strict=True))
    names = {} if sig.empty else dict(zip(sig["participant_id"], sig["participant"], strict=True))
    unverified = [k.name for k in prog.consents if not k.verified]
    table, tip_line = None, None
    if not sig.empty:
        tip = could_tip(sig)
        tip_line = (
            f"{len(tip)} signatories are {BLOC_LABELS['coe']} member states that could tip the second "
            "condition: " + fmt.esc(", ".join(tip["participant"])) + "."
            if len(tip)
            else "No member-state signatory is left to ratify."
        )
        shown = fmt.verified_col(
            sig.assign(
                status=sig["status"]
                .map({"party": "Ratified / approved", "signed": "Signed only"})
                .fillna(sig["status"]),
                could_tip=sig["participant_id"].isin(tip["participant_id"]),
            )[list(SIGNATORY_HEADERS)]
        )
        table = Table(
            shown,
            SIGNATORY_HEADERS,
            "signatories",
            f"Entry into force of {inst['short_name']}",
            (inst["source_url"], *lookups.urls(sig["source_url"])),
            "eif",
        )
    return TreatyView(
        name=str(inst["name"]),
        rule_text=rule_text(r),
        candidates=cand,
        candidate_labels={p: names[p] + (" (CoE member)" if coe[p] else "") for p in cand},
        metrics=(
            (
                "Ratifications / approvals",
                f"{prog.parties} / {r.parties_required}",
                min(1.0, prog.parties / r.parties_required),
            ),
            (
                f"… of which {BLOC_LABELS['coe']} member states",
                f"{prog.coe_parties} / {r.min_coe_members}",
                min(1.0, prog.coe_parties / r.min_coe_members) if r.min_coe_members else 1.0,
            ),
        ),
        unverified_note=(
            f"Counted but not yet verified against an official source: {fmt.esc(', '.join(unverified))} "
            "(see Data & sources)."
            if unverified
            else None
        ),
        verdict=verdict(prog, as_of),
        figure=charts.eif_progress(prog, inst["opened_on"]),
        tip_line=tip_line,
        table=table,
        empty="No signature on or before this date.",
        figure_text=alttext.eif_sentence(
            str(inst["short_name"]),
            as_of,
            prog.parties,
            r.parties_required,
            prog.coe_parties,
            r.min_coe_members,
            verdict(prog, as_of)[1],
        ),
    )
