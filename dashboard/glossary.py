"""One glossary of every status word the app shows, for the methodology page (tests check it covers them all)."""

from __future__ import annotations

from dashboard.config import LIFE_LABELS, STANCE_LABELS, STATUS_LABELS

METHODOLOGY = (
    "- **Binding or voluntary**: binding = creates legal obligations when in force (treaties, regulations, statutes, "
    "executive orders; a bill is classed by what it would have been). Voluntary = declarations, statements, pledges, "
    "codes, plans, strategies, recommendations, resolutions of the UN General Assembly, initiatives.\n"
    "- **As of a date**: every view is recomputed as it stood on the chosen day from the dated acts and the "
    "instrument's own dates; a later act (e.g. a withdrawal) replaces an earlier one from its date.\n"
    "- **Counts and complete lists**: participant counts rest on the lists we name. Where an authoritative source "
    'reports a longer list, every view says so ("12 of about 58 signatories named").'
)

# term -> definition. Terms are the words readers see: map statuses, an instrument's life, company stances.
GLOSSARY: dict[str, str] = {
    # What a state or organisation did (map statuses).
    STATUS_LABELS["party"]: "the act by which a state or organisation consents to be bound by a treaty (ratification, "
    "approval, acceptance or accession), dated by the deposit of its instrument. Only these count toward an "
    "entry-into-force threshold.",
    STATUS_LABELS["signed"]: "signed a treaty or memorandum, or a declaration or statement open to signature. "
    "Signature alone creates no treaty obligation.",
    STATUS_LABELS["endorsed"]: "adopted or associated itself with a non-binding declaration, co-sponsored a UN "
    "resolution, adhered to a recommendation, or joined a network or group.",
    STATUS_LABELS["voted_yes"]: "voted in favour in a recorded vote of the UN General Assembly.",
    STATUS_LABELS["abstained"]: "abstained in a recorded vote (present, neither for nor against).",
    STATUS_LABELS["voted_no"]: "voted against in a recorded vote. A state absent from the vote has no record.",
    STATUS_LABELS["withdrew"]: "left after having joined or signed.",
    STATUS_LABELS["declined"]: "said no: publicly refused to sign or join when invited or present, as the state "
    "itself or a reliable report quoting it says. Absence from a list is never counted as declining.",
    STATUS_LABELS["jurisdiction"]: "the state or organisation whose own law, order or commitment it is, while it is in "
    "force (or adopted, for a text with no entry-into-force date).",
    STATUS_LABELS["issuer_pending"]: "the issuer of a text adopted but not yet in force (scheduled), or of a bill "
    "still pending.",
    STATUS_LABELS["issuer_ended"]: "the issuer of a text that was revoked, repealed, vetoed, superseded or expired on "
    "the view date: shown, with the date, rather than as no record.",
    STATUS_LABELS["member_bound"]: "an EU member state, bound by an EU regulation in force on the view date.",
    STATUS_LABELS["none"]: 'the Atlas names no act. Where the named list is partial this reads "Not named (list '
    'partial)": the state may well have taken part.',
    "Not named (list partial)": "the instrument's list of participants, as we name it, is shorter than the count an "
    'authoritative source reports ("12 of about 58 signatories named"), so absence means nothing.',
    # The life of an instrument on the view date, worked out from its dates.
    "in force / in effect": 'in force since its entry-into-force or effective date ("in effect" for a voluntary '
    "text). " + "Every date is compared with the view date, so a scheduled date passes without a hand edit.",
    LIFE_LABELS["adopted"]: "adopted, agreed or published, with no separate date of taking effect.",
    LIFE_LABELS["scheduled"]: "adopted, with a date of taking effect after the view date. Scheduled events (e.g. an "
    'EU AI Act application date as amended by the Digital Omnibus) appear under "Coming up" and on timelines.',
    LIFE_LABELS["pending"]: "a bill not (yet) passed into law.",
    LIFE_LABELS["not_in_force"]: "a treaty open for signature whose entry-into-force condition is not yet met.",
    LIFE_LABELS["vetoed"]: "a bill passed by a legislature and vetoed by the executive.",
    LIFE_LABELS["revoked"]: "an executive order or regulation withdrawn by its issuer or a successor.",
    LIFE_LABELS["repealed"]: 'a law removed by a later law ("superseded" where the later law replaces it).',
    LIFE_LABELS["superseded"]: "replaced by a later instrument, named where the Atlas has it.",
    LIFE_LABELS["expired"]: "ended on a date it set for itself.",
    # Company stances.
    STANCE_LABELS["signed"]: "(company) signed or joined the commitment.",
    STANCE_LABELS["partial"]: "(company) signed part of it, e.g. one chapter of a code.",
    STANCE_LABELS["declined"]: "(company) said no, in its own words or as a reliable report quoting it says.",
    STANCE_LABELS["not_listed"]: "(company) absent from a published list of signatories. Not a stance: it may not "
    "have been asked.",
    STANCE_LABELS["withdrew"]: "(company) left after joining.",
    STANCE_LABELS["supported"] + " / " + STANCE_LABELS["opposed"]: "(company) publicly supported or opposed a bill.",
    # Sources.
    "Verified": "the page a row cites, or a faithful copy of it kept as its evidence, was read and states the fact. "
    "Everything else shows the word UNVERIFIED.",
    "Source kind": "who made the page a row cites: depositary, official (government, parliament, EU institution, UN "
    "document), company (first-hand), press or secondary (trackers, law firms, think tanks). Where a fact was read "
    "in a copy or the press, the copy is kept as evidence and the original is cited when known.",
    "On or before": "the day is not known; the fact was certainly true by this date.",
}


def markdown() -> str:
    """The glossary as a Markdown list (our own constants only: nothing from the data)."""
    return "\n".join(f"- **{term}**: {text}" for term, text in GLOSSARY.items())
