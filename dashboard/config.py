"""Paths, enums, labels and the palette: one home for the constants every layer shares."""

from __future__ import annotations

import os
from pathlib import Path

from dashboard import contract
from dashboard.contract import values

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ATLAS_DATA_DIR", ROOT / "data"))
SOURCES_DIR = Path(os.environ.get("ATLAS_SOURCES_DIR", DATA_DIR / "sources"))
RELEASES_DIRNAME = "releases"
FEEDS_DIR = ROOT / "static" / "feeds"  # Atom feeds of the changelog, written by the build, served as static files
POINTER_NAME = "CURRENT"  # text file holding the relative path of the served release
SCHEMA_VERSION = 2  # bump when the public schema changes; the app refuses other versions
ATLAS_NAME = "AI Governance Atlas"
# The pages: (script, url path, label, icon). Legacy `pages/` mechanism on purpose: the deep link a visitor follows
# is resolved the same way on a freshly started server as on a warm one (README, "Why pages/ and not st.navigation").
PAGES = [
    ("streamlit_app.py", "", "Overview", ":material/home:"),
    ("pages/1_World_map.py", "World_map", "World map", ":material/public:"),
    ("pages/2_Entry_into_force.py", "Entry_into_force", "Entry into force", ":material/hourglass_top:"),
    ("pages/3_Binding_vs_voluntary.py", "Binding_vs_voluntary", "Binding vs voluntary", ":material/balance:"),
    ("pages/4_Corporate_stances.py", "Corporate_stances", "Corporate stances", ":material/domain:"),
    ("pages/5_Country.py", "Country", "Country profile", ":material/flag:"),
    ("pages/6_Instrument.py", "Instrument", "Instrument profile", ":material/description:"),
    ("pages/7_Company.py", "Company", "Company profile", ":material/business:"),
    ("pages/8_Data_and_sources.py", "Data_and_sources", "Data & sources", ":material/database:"),
    ("pages/9_Whats_new.py", "Whats_new", "What's new", ":material/history:"),
]

# What a page opens on when its link names nothing (each page falls back to its first option if the id is gone).
DEFAULT_INSTRUMENT = "cets-225"
DEFAULT_COUNTRY = "GBR"
DEFAULT_COMPANY = "meta"
# Beyond this many rows a grid (dashboard.ui.table) or the timeline chart shows only the first ones; the page's CSV
# keeps all. A browser grid of tens of thousands of rows is neither readable nor cheap (x100 data: a 4.4 MB message
# on every rerun; a 200,000-row events source: 14.6 MB per visit to the Instrument page).
MAX_TABLE_ROWS = 2000

# The enums are declared once, in dashboard/contract (with schema.sql and data/README.md checked against it).
ACTIONS = values("action")
# A recorded UN vote is an act of the state: yes / no / abstain (absent or not voting: no row).
VOTE_ACTIONS = ("voted_yes", "voted_no", "abstained")
# Consent to be bound by a treaty: these count toward an entry-into-force threshold.
CONSENT_ACTIONS = contract.CONSENT_ACTIONS
# "declined" only where the company, or a reliable report quoting it, said no; "not_listed" records that it was
# absent from a published list of signatories, which is not a stance.
STANCES = values("stance")
KINDS = values("kind")
SCOPES = values("scope")
# An instrument's state on the dataset's as-of date (the app derives the state on any view date from the dates).
STATUSES = values("status")
ENDED_STATUSES = ("vetoed", "revoked", "repealed", "superseded", "expired")
# Who made the page a row cites: first-hand kinds are the body that made the fact.
SOURCE_KINDS = values("source_kind")
FIRST_HAND_KINDS = ("depositary", "official", "company")
COUNT_NOUNS = values("count_noun")
DATE_PRECISIONS = values("precision")
EVENT_KINDS = values("event_kind")
# Events that may lie after the as-of date: scheduled application, entry into force or milestone.
SCHEDULABLE_EVENTS = ("applies", "in_force", "milestone")
BLOCS = values("bloc")
BLOC_LABELS = contract.BLOC_LABELS
KIND_LABELS = {k: k.replace("_", " ").capitalize() for k in KINDS} | {"code_of_practice": "Code of practice"}

# Map status classes, from strongest to weakest. "party" = consent to be bound (ratified/approved/…).
# "jurisdiction" / "issuer_pending" / "issuer_ended": the state whose own law, order or commitment it is, by the
# instrument's life on the view date (in force or adopted / scheduled or a pending bill / revoked, repealed,
# superseded, vetoed or expired). Colours: Okabe-Ito first, then Paul Tol's muted scheme for the vote classes.
STATUS_ORDER = (
    "party",
    "signed",
    "jurisdiction",
    "member_bound",
    "issuer_pending",
    "endorsed",
    "voted_yes",
    "abstained",
    "voted_no",
    "withdrew",
    "declined",
    "issuer_ended",
    "none",
)
STATUS_LABELS = {
    "party": "Ratified / approved",
    "signed": "Signed",
    "jurisdiction": "Issuer (in force / adopted)",
    "member_bound": "Applies as EU member",
    "issuer_pending": "Issuer (scheduled / bill pending)",
    "endorsed": "Endorsed / joined / sponsored",
    "voted_yes": "Voted yes",
    "abstained": "Abstained",
    "voted_no": "Voted no",
    "withdrew": "Withdrew",
    "declined": "Declined (said no)",
    "issuer_ended": "Issuer (revoked / vetoed / superseded)",
    "none": "No record",
}
STATUS_COLORS = {
    "party": (0, 114, 178),
    "signed": (86, 180, 233),
    "jurisdiction": (230, 159, 0),
    "member_bound": (240, 228, 66),
    "issuer_pending": (255, 205, 130),
    "endorsed": (0, 158, 115),
    "voted_yes": (17, 119, 51),
    # A neutral grey-beige, not Tol's sand (221, 204, 119): the sand and "issuer_pending" were 2.4 apart under
    # protanopia (CAM02-UCS), the same colour to such a reader; tests/test_a11y.py keeps every pair >= 7.
    "abstained": (180, 180, 165),
    "voted_no": (136, 34, 85),
    "withdrew": (204, 121, 167),
    "declined": (213, 94, 0),
    "issuer_ended": (120, 120, 120),
    "none": (215, 219, 224),
}
# One character per status class, drawn on each map marker and in the legend: the status is never told by colour
# alone. Mostly the label's initial (S signed, E endorsed, Y/A/N votes, W withdrew), ✓ for a consent to be bound and
# ✕ for a refusal; "No record" has none. DejaVu Sans, Liberation Sans, Arial, Segoe UI and Helvetica all have ✓ ✕.
STATUS_SYMBOLS = {
    "party": "✓",
    "signed": "S",
    "jurisdiction": "I",
    "member_bound": "M",
    "issuer_pending": "P",
    "endorsed": "E",
    "voted_yes": "Y",
    "abstained": "A",
    "voted_no": "N",
    "withdrew": "W",
    "declined": "✕",
    "issuer_ended": "R",
    "none": "",
}
ACTION_STATUS = {
    "ratified": "party",
    "approved": "party",
    "accepted": "party",
    "acceded": "party",
    "signed": "signed",
    "endorsed": "endorsed",
    "joined": "endorsed",
    "sponsored": "endorsed",
    "declined": "declined",
    "withdrew": "withdrew",
    "voted_yes": "voted_yes",
    "voted_no": "voted_no",
    "abstained": "abstained",
}
# The life of an instrument on a view date (status.life_on), in the words the app shows. One glossary, on the
# methodology page, defines each of these and each status class above.
LIFE_LABELS = {
    "in_force": "in force",
    "adopted": "adopted",
    "scheduled": "scheduled",
    "pending": "bill pending",
    "not_in_force": "not yet in force",
    "vetoed": "vetoed",
    "revoked": "revoked",
    "repealed": "repealed",
    "superseded": "superseded",
    "expired": "expired",
    "not_yet": "not yet adopted",
}
STANCE_LABELS = {
    "signed": "Signed",
    "partial": "Partly signed",
    "declined": "Declined",
    "withdrew": "Withdrew",
    "supported": "Supported",
    "opposed": "Opposed",
    "not_listed": "Not on the list",
    "none": "No record",
}
STANCE_COLORS = {
    "signed": "#0072B2",
    "partial": "#56B4E9",
    "declined": "#D55E00",
    # Tol's wine, not the map's reddish purple (#CC79A7): that purple and "not on the list" grey were 3.5 apart
    # (CAM02-UCS) under deuteranopia; tests/test_a11y.py keeps every pair >= 7.
    "withdrew": "#882255",
    "supported": "#009E73",
    "opposed": "#E69F00",
    "not_listed": "#9CA3AF",
    "none": "#E5E7EB",
}
# The stances matrix writes one of these in every cell (the colour is never the only channel).
STANCE_SYMBOLS = {
    "signed": "✓",
    "partial": "½",
    "supported": "+",
    "declined": "✕",
    "opposed": "−",
    "withdrew": "W",
    "not_listed": "○",
    "none": "",
}
BINDING_COLORS = {"Binding": "#0072B2", "Voluntary": "#E69F00"}
