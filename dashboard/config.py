"""Paths, enums, labels and the palette: one home for the constants every layer shares."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ATLAS_DATA_DIR", ROOT / "data"))
SOURCES_DIR = Path(os.environ.get("ATLAS_SOURCES_DIR", DATA_DIR / "sources"))
RELEASES_DIRNAME = "releases"
POINTER_NAME = "CURRENT"  # text file holding the relative path of the served release
SCHEMA_VERSION = 1  # bump when the public schema changes; the app refuses other versions
ATLAS_NAME = "AI Governance Atlas"
# Beyond this many rows a grid (dashboard.ui.table) or the timeline chart shows only the first ones; the page's CSV
# keeps all. A browser grid of tens of thousands of rows is neither readable nor cheap (x100 data: a 4.4 MB message
# on every rerun; a 200,000-row events source: 14.6 MB per visit to the Instrument page).
MAX_TABLE_ROWS = 2000

ACTIONS = ("signed", "ratified", "approved", "accepted", "acceded", "endorsed", "joined", "declined", "withdrew")
# Consent to be bound by a treaty: these count toward an entry-into-force threshold.
CONSENT_ACTIONS = ("ratified", "approved", "accepted", "acceded")
STANCES = ("signed", "declined", "partial", "withdrew", "supported", "opposed")
KINDS = (
    "treaty", "regulation", "law", "executive_order", "bill", "declaration", "statement", "initiative",
    "memorandum", "voluntary_pact", "code_of_practice", "code_of_conduct", "commitments", "resolution",
    "recommendation", "principles", "accord", "network",
)
SCOPES = ("global", "regional", "plurilateral", "bilateral", "national", "subnational")
STATUSES = ("in_force", "not_in_force", "adopted", "vetoed", "revoked", "superseded")
DATE_PRECISIONS = ("day", "month", "year", "on_or_before")
EVENT_KINDS = (
    "adopted", "opened_for_signature", "signature", "ratification", "in_force", "applies", "amended", "proposed",
    "published", "vetoed", "revoked", "announced", "milestone",
)
BLOCS = ("coe", "eu", "g7", "g20", "oecd", "au", "brics")
BLOC_LABELS = {
    "coe": "Council of Europe", "eu": "European Union", "g7": "G7", "g20": "G20", "oecd": "OECD",
    "au": "African Union", "brics": "BRICS",
}
KIND_LABELS = {k: k.replace("_", " ").capitalize() for k in KINDS} | {"code_of_practice": "Code of practice"}

# Map status classes, from strongest to weakest. "party" = consent to be bound (ratified/approved/…).
# Colours: Okabe-Ito, safe for the common colour-vision deficiencies.
STATUS_ORDER = ("party", "signed", "jurisdiction", "member_bound", "endorsed", "withdrew", "declined", "none")
STATUS_LABELS = {
    "party": "Ratified / approved",
    "signed": "Signed",
    "jurisdiction": "Own law (issuer)",
    "member_bound": "Applies as EU member",
    "endorsed": "Endorsed / joined",
    "withdrew": "Withdrew",
    "declined": "Declined / did not sign",
    "none": "No record",
}
STATUS_COLORS = {
    "party": (0, 114, 178),
    "signed": (86, 180, 233),
    "jurisdiction": (230, 159, 0),
    "member_bound": (240, 228, 66),
    "endorsed": (0, 158, 115),
    "withdrew": (204, 121, 167),
    "declined": (213, 94, 0),
    "none": (215, 219, 224),
}
ACTION_STATUS = {
    "ratified": "party", "approved": "party", "accepted": "party", "acceded": "party",
    "signed": "signed", "endorsed": "endorsed", "joined": "endorsed", "declined": "declined", "withdrew": "withdrew",
}
STANCE_LABELS = {
    "signed": "Signed", "partial": "Partly signed", "declined": "Declined", "withdrew": "Withdrew",
    "supported": "Supported", "opposed": "Opposed", "none": "No record",
}
STANCE_COLORS = {
    "signed": "#0072B2", "partial": "#56B4E9", "declined": "#D55E00", "withdrew": "#CC79A7",
    "supported": "#009E73", "opposed": "#E69F00", "none": "#E5E7EB",
}
BINDING_COLORS = {"Binding": "#0072B2", "Voluntary": "#E69F00"}
