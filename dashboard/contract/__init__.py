"""The public data contract, declared once: every table the release exposes, every column, every enum.

Everything else is derived from this module or checked against it:

- `dashboard.config`'s enum tuples (ACTIONS, KINDS, …) are read from `ENUMS` here;
- `dashboard.validate`'s per-cell rules (TABLES, ENUMS, ORG_COLUMNS, MAX_LEN) are derived from `TABLES` here; the
  cross-row rules and the "what to do" messages stay in Python there;
- `dashboard/schema.sql` (hand-written DDL, the database's second gate) is checked against it: enum types and
  values, columns, types, NOT NULL, keys, foreign keys, length limits (`schema_drift`);
- the same-day ranking of actions in `dashboard/views.sql` is checked against `SAME_DAY_RANK` (`views_drift`);
- the column tables of `data/README.md` are generated from the descriptions here, between markers
  `[//]: # (contract:<table>)` and `[//]: # (/contract)` (link-reference "comments": Markdown shows nothing, so the
  Data page, which renders the file, shows no marker).

    python -m dashboard.contract --write   # rewrite the generated blocks of data/README.md
    python -m dashboard.contract --check   # exit 1 with a list of every disagreement (tests/test_contract.py runs it)

The declarations are here; the drift checks and the dictionary generator are in dashboard/contract/drift.py.

Pure Python, no I/O at import time, no import of other dashboard modules (config imports this one).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
README = ROOT / "data" / "README.md"
SCHEMA_SQL = ROOT / "dashboard" / "schema.sql"
VIEWS_SQL = ROOT / "dashboard" / "views.sql"

# Column types. Every type but `enum` names its own values; `enum` names a Vocab in ENUMS.
TYPES = {
    # type: (SQL type, how data/README.md names it)
    "slug": ("VARCHAR", "slug"),  # lowercase id such as cets-225
    "code": ("VARCHAR", "code"),  # upper-case participant code: ISO 3166-1 alpha-3, or 2-5 letters for an organisation
    "text": ("VARCHAR", "text"),  # free text under the text rules (data/README.md, "Text fields")
    "url": ("VARCHAR", "URL"),  # an http(s) link under the one URL rule (dashboard.fmt.url_problem)
    "enum": ("VARCHAR", "enum"),  # SQL type: the Vocab's ENUM type, or VARCHAR with a CHECK (… IN …)
    "date": ("DATE", "date"),
    "bool": ("BOOLEAN", "true/false"),
    "int": ("INTEGER", "whole number"),
    "number": ("DOUBLE", "number"),
    "timestamp": ("TIMESTAMP", "timestamp (UTC)"),
    "rowid": ("INTEGER", "row number"),  # assigned by the build, the table's primary key
}


@dataclass(frozen=True)
class Vocab:
    """A closed list of values. `sql_type` is the ENUM type in schema.sql (None: a CHECK (column IN …) holds it)."""

    name: str
    values: tuple[str, ...]
    description: str
    sql_type: str | None = None


@dataclass(frozen=True)
class Column:
    """One column. `ref` names the table whose key this column must hold (a foreign key); `future` marks a date
    that may lie after the as-of date (only when scheduled: the cross-row rules in validate.py decide); `built`
    marks a column the build fills (not a column of the source CSV); `min` is the smallest whole number allowed
    (None: 0, as the validator reads whole numbers without a sign)."""

    name: str
    type: str
    required: bool = False
    enum: str | None = None
    max_len: int | None = None
    ref: str | None = None
    description: str = ""
    future: bool = False
    built: bool = False
    min: int | None = None


@dataclass(frozen=True)
class Table:
    """One table. `key`: the natural key (unique; the primary key unless a `rowid` column is). `source`: where the
    rows come from. `release`: False for a source-only table (its rows reach the release through another table)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str
    source: str
    release: bool = True

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def source_columns(self) -> tuple[Column, ...]:
        """The columns of the source CSV, in file order."""
        return tuple(c for c in self.columns if not c.built)


# --- enums ------------------------------------------------------------------------------------------------------
# The declarations below are a table laid out by hand, one enum or column per line: the formatter would give each
# argument a line of its own and triple the file without making it easier to read.
# fmt: off

_VOCABS = (
    Vocab("kind", (
        "treaty", "regulation", "law", "executive_order", "bill", "declaration", "statement", "initiative",
        "memorandum", "voluntary_pact", "code_of_practice", "code_of_conduct", "commitments", "resolution",
        "recommendation", "principles", "accord", "network", "strategy", "plan", "guidelines",
    ), "what sort of instrument it is", "kind_t"),
    Vocab("scope", ("global", "regional", "plurilateral", "bilateral", "national", "subnational"),
          "whom the instrument is open to or binds", "scope_t"),
    Vocab("status", ("in_force", "not_in_force", "adopted", "scheduled", "pending", "vetoed", "revoked", "repealed",
                     "superseded", "expired"),
          "an instrument's legal state on the dataset's as-of date", "status_t"),
    Vocab("action", ("signed", "ratified", "approved", "accepted", "acceded", "endorsed", "joined", "declined",
                     "withdrew", "sponsored", "voted_yes", "voted_no", "abstained"),
          "what a state or organisation did to an instrument", "action_t"),
    Vocab("stance", ("signed", "declined", "partial", "withdrew", "supported", "opposed", "not_listed"),
          "what a company did to an instrument", "stance_t"),
    Vocab("precision", ("day", "month", "year", "on_or_before"), "how much of a date is known", "precision_t"),
    Vocab("event_kind", (
        "adopted", "opened_for_signature", "signature", "ratification", "in_force", "applies", "amended", "proposed",
        "published", "vetoed", "revoked", "announced", "milestone", "repealed", "superseded", "signed_into_law",
        "vote",
    ), "what happened on a timeline date", "event_kind_t"),
    Vocab("bloc", ("coe", "eu", "g7", "g20", "oecd", "au", "brics"), "a group of states with a member list", "bloc_t"),
    Vocab("source_kind", ("depositary", "official", "company", "press", "secondary"),
          "who made the page a row cites (the first three are first-hand)", "source_kind_t"),
    Vocab("count_noun", ("signatories", "endorsers", "parties", "members", "sponsors", "voting states", "adherents"),
          "what a reported count counts", "count_noun_t"),
    Vocab("participant_kind", ("state", "observer_state", "organisation"), "what sort of participant it is",
          "participant_kind_t"),
    Vocab("change", ("added", "removed", "changed", "verified", "unverified", "new_source"),
          "how a row differs from the release before"),
)
ENUMS: dict[str, Vocab] = {v.name: v for v in _VOCABS}
BLOC_LABELS = {
    "coe": "Council of Europe", "eu": "European Union", "g7": "G7", "g20": "G20", "oecd": "OECD",
    "au": "African Union", "brics": "BRICS",
}

# Actions by strength on one day (views.sql's status_as_of): a withdrawal wins, then consent to be bound, then a
# signature, then an endorsement or joining; any other action ranks last.
CONSENT_ACTIONS = ("ratified", "approved", "accepted", "acceded")
SAME_DAY_RANK = {"withdrew": 0, **dict.fromkeys(CONSENT_ACTIONS, 1), "signed": 2, "endorsed": 3, "joined": 3}
SAME_DAY_DEFAULT = 4


# --- columns shared by tables -----------------------------------------------------------------------------------

def _evidence(source_url: str = "the page of the body that made the fact (see Common rules)") -> tuple[Column, ...]:
    """Every fact row says who made the page it cites, may keep the copy actually read, and when it was checked."""
    return (
        Column("source_url", "url", True, description=source_url),
        Column("source_kind", "enum", True, enum="source_kind",
               description="who made the page in `source_url` (see Common rules)"),
        Column("evidence_url", "url", description="the copy or press report actually read, if not the original"),
        Column("checked_on", "date", True, description="the day the row was last checked against its source"),
    )


_VERIFIED = Column("verified", "bool", True, description="`true` only if the cited page (or its copy) was read and "
                                                         "states the fact; the app flags unverified rows")
_NOTE = Column("note", "text", max_len=600, description="caveats; for an unverified row, what is missing")
_SOURCE_FILE = Column("source_file", "text", True, built=True, description="the source CSV the row came from")
_SOURCE_ROW = Column("source_row", "int", True, built=True,
                     description="its line in that file (header = line 1)")
_DATE_PRECISION = Column("date_precision", "enum", True, enum="precision",
                         description="how much of the date is known (see Common rules)")

# --- tables -----------------------------------------------------------------------------------------------------

_TABLES = (
    Table("dataset", (
        Column("version", "text", True, description="the release's version, from `dataset.yml`"),
        Column("as_of", "date", True, description="the day the facts were last checked, from `dataset.yml`"),
        Column("built_at", "timestamp", True, description="when the build wrote the file"),
        Column("schema_version", "int", True, description="the public schema's version; the app refuses others"),
        Column("source_digest", "text", True, description="SHA-256 of the sources, the schema and the library "
                                                          "versions: the same digest, the same release"),
        Column("duckdb_version", "text", True, description="the DuckDB version that wrote the file"),
        Column("content_sha256", "text", description="SHA-256 of the release's whole content (every table, view and "
                                                     "macro, this value excluded), also in `<release>.digest.json` "
                                                     "beside the file; the app refuses a release that does not match"),
    ), (), "One row: which release this is.", "built from dataset.yml"),
    Table("source_files", (
        Column("path", "text", True, description="the file's path under `data/sources/`"),
        Column("table_name", "text", True, description="the table its rows went into"),
        Column("rows", "int", True, description="how many rows it gave"),
        Column("sha256", "text", True, description="SHA-256 of its bytes"),
        Column("title", "text", description="provenance: what the file holds"),
        Column("producer", "text", description="provenance: who made the facts"),
        Column("licence", "text", description="provenance: the licence"),
        Column("accessed", "date", description="provenance: the day the sources were last read"),
        Column("notes", "text", description="provenance: what could not be verified"),
    ), ("path",), "One row per source CSV file, with its provenance.", "built from provenance/*.yml"),
    Table("participants", (
        Column("participant_id", "code", True, description="ISO 3166-1 alpha-3 for a state (`GBR`); the "
                                                           "organisation's code (`EU`, `AUC`)"),
        Column("name", "text", True, description="the name readers see (UN spelling for a few states)"),
        Column("official_name", "text", description="the ISO official name, or the organisation's name"),
        Column("kind", "enum", True, enum="participant_kind", description="`state` (a UN member), "
               "`observer_state` (Holy See, State of Palestine) or `organisation`"),
        Column("iso2", "text", description="ISO 3166-1 alpha-2 (states only)"),
        Column("un_member", "bool", True, description="a UN member state"),
        Column("region", "text", description="continent"),
        Column("subregion", "text", description="UN subregion (states only)"),
        Column("lon", "number", description="longitude of the map marker (states only)"),
        Column("lat", "number", description="latitude of the map marker (states only)"),
        *(Column(f"{b}_member", "bool", True, description=f"a member of the {BLOC_LABELS[b]} on the as-of date "
                 "(from `memberships`)") for b in ENUMS["bloc"].values),
        Column("source_url", "url", True, description="the UN member or observer list, or the organisation's site"),
    ), ("participant_id",), "Every UN member and observer state (from pycountry and country_converter) and every "
       "organisation in `organisations.csv`.", "built from the libraries and organisations.csv"),
    Table("organisations", (
        Column("participant_id", "code", True, description="upper-case code, 2-5 letters, not a state's code"),
        Column("name", "text", True, description="the organisation's name"),
        Column("kind", "text", True, description="`organisation`"),
        Column("region", "text", description="continent, or `Global`"),
        Column("source_url", "url", True, description="the organisation's own site"),
        Column("note", "text", max_len=600, description="what it is"),
    ), ("participant_id",), "Participants that are not states; they join `participants`.", "organisations.csv",
          release=False),
    Table("memberships", (
        Column("participant_id", "code", True, ref="participants", description="the member"),
        Column("bloc", "enum", True, enum="bloc", description="the bloc"),
        Column("joined_on", "date", description="empty if not known (counts from the start)"),
        Column("left_on", "date", description="left or expelled (e.g. the Russian Federation left the Council of "
                                              "Europe on 2022-03-16); empty if still a member"),
        *_evidence("the bloc's official member list"), _VERIFIED, _NOTE,
    ), ("participant_id", "bloc"), "Bloc memberships over time.", "memberships/*.csv"),
    Table("instruments", (
        Column("instrument_id", "slug", True, description="e.g. `cets-225`"),
        Column("name", "text", True, description="full official title"),
        Column("short_name", "text", True, max_len=40, description="label for charts"),
        Column("kind", "enum", True, enum="kind", description="what sort of instrument"),
        Column("legally_binding", "bool", True, description="`true` for hard law (treaties, regulations, statutes, "
               "executive orders, bills that would be law); `false` for soft law"),
        Column("scope", "enum", True, enum="scope", description="whom it is open to or binds"),
        Column("issuer", "text", description="who adopted or issued it (e.g. \"Council of Europe Committee of "
                                             "Ministers\")"),
        Column("jurisdiction_id", "code", ref="participants", description="for a national/regional law, order, bill, "
               "plan or a government's own commitment: its issuer (`EU`, `USA`, `CHN`…; a US state law uses `USA`); "
               "empty for multilateral texts"),
        Column("adopted_on", "date", description="adopted / agreed / published / announced"),
        Column("opened_on", "date", description="opened for signature (treaties)"),
        Column("in_force_on", "date", future=True, description="entered into force, or first application; empty if "
               "not (yet); may lie after `as_of` only for a `scheduled` instrument"),
        Column("ended_on", "date", description="vetoed, revoked, repealed, superseded, expired; empty if not"),
        Column("status", "enum", True, enum="status", description="as of `as_of`: `scheduled` = enacted, takes effect "
               "on a later `in_force_on`; `pending` = a bill; the app works out the state on any view date from the "
               "dates, and `status` says how an ended instrument ended"),
        Column("superseded_by", "slug", description="the instrument that replaced it (status `superseded`)"),
        Column("eif_parties_required", "int", min=1, description="entry-into-force rule: ratifications needed (empty if no "
                                                           "such rule)"),
        Column("eif_min_coe_members", "int", description="… of which at least this many Council of Europe members"),
        Column("eif_delay_months", "int", description="… in force on the first day of the month after this many "
                                                      "months"),
        Column("summary", "text", description="one or two sentences, our words"),
        *_evidence("the official text or page"), _VERIFIED, _NOTE,
    ), ("instrument_id",), "One row per instrument.", "instruments/*.csv"),
    Table("actions", (
        Column("action_id", "rowid", True, built=True, description="row number (sorted by instrument, participant, "
                                                                   "date)"),
        Column("instrument_id", "slug", True, ref="instruments", description="the instrument"),
        Column("participant_id", "code", True, ref="participants", description="the state or organisation"),
        Column("action", "enum", True, enum="action", description="what it did (meanings below)"),
        Column("action_date", "date", True, description="when (a deposit date for consent to be bound)"),
        _DATE_PRECISION, *_evidence(), _VERIFIED,
        Column("note", "text", max_len=600, description="e.g. \"co-host\", \"lead sponsor\", \"instrument of "
                                                        "approval deposited\""),
        _SOURCE_FILE, _SOURCE_ROW,
    ), ("instrument_id", "participant_id", "action", "action_date"),
        "What a state or organisation did to an instrument, and when.", "actions/*.csv"),
    Table("companies", (
        Column("company_id", "slug", True, description="e.g. `openai`"),
        Column("name", "text", True, description="the company's name (no two companies share one)"),
        Column("hq_country", "code", ref="participants", description="ISO3 of the parent's main headquarters, empty "
                                                                     "if not verified"),
        Column("website", "url", description="official site"),
        *_evidence("page stating the headquarters: the company's own about/contact page or its annual report"),
        _VERIFIED, _NOTE,
    ), ("company_id",), "Companies that took a stance.", "companies/*.csv"),
    Table("stances", (
        Column("stance_id", "rowid", True, built=True, description="row number (sorted by company, instrument, "
                                                                   "date)"),
        Column("company_id", "slug", True, ref="companies", description="the company"),
        Column("instrument_id", "slug", True, ref="instruments", description="the instrument"),
        Column("stance", "enum", True, enum="stance", description="`declined` only where the company, or a reliable "
               "report quoting it, said no; `partial` e.g. one chapter only; `supported` / `opposed` for bills; "
               "`not_listed` = absent from a published signatory list: not a stance, shown as \"Not on the list\""),
        Column("stance_date", "date", True, description="the day the stance became public"),
        _DATE_PRECISION,
        Column("quote", "text", max_len=600, description="short quote giving the company's reason, only if sourced"),
        Column("quote_by", "text", description="who said it (name, role)"),
        *_evidence("prefer the company's own statement"), _VERIFIED, _NOTE, _SOURCE_FILE, _SOURCE_ROW,
    ), ("company_id", "instrument_id", "stance", "stance_date"),
        "What a company did to a (mostly voluntary) instrument, and when.", "stances/*.csv"),
    Table("events", (
        Column("event_id", "rowid", True, built=True, description="row number (sorted by instrument, date)"),
        Column("event_date", "date", True, future=True, description="when; may lie after `as_of` only for a "
               "scheduled `applies`, `in_force` or `milestone` event"),
        _DATE_PRECISION,
        Column("instrument_id", "slug", True, ref="instruments", description="the instrument"),
        Column("kind", "enum", True, enum="event_kind", description="what happened"),
        Column("title", "text", True, max_len=120, description="one line a reader sees on the timeline"),
        *_evidence(), _VERIFIED,
    ), ("instrument_id", "event_date", "title"), "Dated timeline: adoption, opening, entry into force, milestones, "
       "amendments.", "events/*.csv"),
    Table("counts", (
        Column("instrument_id", "slug", True, ref="instruments", description="the instrument"),
        Column("reported_count", "int", True, description="the count the source gives"),
        Column("count_is_approx", "bool", True, description="`true` for \"about\", \"more than\", or when sources "
                                                            "conflict (say so in `note`)"),
        Column("noun", "enum", True, enum="count_noun", description="what is counted"),
        Column("list_complete", "bool", True, description="`true` only if the rows in `actions/` name the whole list "
                                                          "(the build checks the numbers agree)"),
        Column("as_reported_on", "date", True, description="the day the count was true; the app uses the latest on "
                                                           "or before the view date"),
        *_evidence(), _VERIFIED, _NOTE,
    ), ("instrument_id", "as_reported_on"), "How many participants an authoritative source reports, and whether our "
       "named list is the whole list.", "counts/*.csv"),
    Table("changelog", (
        Column("change_id", "rowid", True, built=True, description="row number"),
        Column("release_version", "text", True, description="the release that made the change"),
        Column("changed_on", "date", True, description="that release's as-of date"),
        Column("table_name", "text", True, description="the table of the row"),
        Column("row_key", "text", True, description="the row's natural key, `/`-joined"),
        Column("change", "enum", True, enum="change", description="what changed"),
        Column("field", "text", description="the field, for a `changed` row"),
        Column("old_value", "text", description="its value before"),
        Column("new_value", "text", description="its value after"),
        Column("instrument_id", "text", description="the instrument concerned, if any (not a foreign key: the row "
                                                    "may be gone)"),
        Column("participant_id", "text", description="the participant concerned, if any"),
        Column("company_id", "text", description="the company concerned, if any"),
        Column("source_url", "text", description="the row's source"),
        Column("summary", "text", True, description="one sentence"),
    ), (), "How each release differs from the one before, carried forward: each release holds the whole history.",
        "built by dashboard/changelog.py"),
)
TABLES: dict[str, Table] = {t.name: t for t in _TABLES}
# fmt: on
RELEASE_TABLES = tuple(t.name for t in _TABLES if t.release)
SOURCE_TABLES = ("organisations", "memberships", "instruments", "actions", "companies", "stances", "events", "counts")


def values(name: str) -> tuple[str, ...]:
    """The allowed values of enum `name`."""
    return ENUMS[name].values
