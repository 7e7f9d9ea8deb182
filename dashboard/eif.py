"""Entry-into-force arithmetic, from the rule stored with the instrument (never hard-coded per treaty).

CETS No. 225, Art. 30(3): in force on the first day of the month following the expiration of a period of three
months after the date on which five signatories, including at least three Council of Europe member states, have
expressed their consent to be bound. The EU counts toward the five but is not a member state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Rule:
    parties_required: int
    min_coe_members: int
    delay_months: int


@dataclass(frozen=True)
class Consent:
    participant_id: str
    name: str
    on: date
    coe_member: bool
    hypothetical: bool = False
    verified: bool = True


@dataclass
class Progress:
    rule: Rule
    as_of: date
    consents: list[Consent]
    parties: int = 0
    coe_parties: int = 0
    met_on: date | None = None  # the day both conditions were first met
    in_force_on: date | None = None  # projected (or actual) entry into force
    in_force: bool = False
    missing_parties: int = 0
    missing_coe: int = 0
    hypothetical: list[str] = field(default_factory=list)


def entry_into_force_date(met_on: date, delay_months: int) -> date:
    """First day of the month following the end of `delay_months` months after `met_on`."""
    month = met_on.month + delay_months + 1  # the period ends in month+delay; entry into force is the month after
    year = met_on.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def progress(rule: Rule, consents: list[Consent], as_of: date) -> Progress:
    """Count consents on or before `as_of` against both conditions; project the entry-into-force date."""
    counted = sorted((c for c in consents if c.on <= as_of), key=lambda c: (c.on, c.name))
    # One consent per participant, its earliest: a list that names someone twice (a tampered what-if, ["GBR"] * 5)
    # must not count them twice.
    seen: set[str] = set()
    counted = [c for c in counted if not (c.participant_id in seen or seen.add(c.participant_id))]
    p = Progress(rule=rule, as_of=as_of, consents=counted)
    parties = coe = 0
    for c in counted:
        parties += 1
        coe += int(c.coe_member)
        if p.met_on is None and parties >= rule.parties_required and coe >= rule.min_coe_members:
            p.met_on = c.on
    p.parties, p.coe_parties = parties, coe
    p.missing_parties = max(0, rule.parties_required - parties)
    p.missing_coe = max(0, rule.min_coe_members - coe)
    if p.met_on is not None:
        p.in_force_on = entry_into_force_date(p.met_on, rule.delay_months)
        p.in_force = p.in_force_on <= as_of
    p.hypothetical = [c.participant_id for c in counted if c.hypothetical]
    return p
