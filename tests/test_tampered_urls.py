"""Tampered and hostile deep links: every page survives them, echoes nothing back and falls back to its defaults.

The cases are data (`CASES`, one dict of query parameters each, 49-154 per page). They are checked at two levels:

* `unit` (`test_parse_refuses_hostile_links`): the whole corpus against the URL parser `dashboard.state.parse`
  with each page's parameter spec (`SPECS`, a stand-in built from the fixture's ids, so no release is opened):
  the names that are reset, the unknown-key count, the values (defaults where the link was invalid), the
  value-free notice, and the canonical URL the page writes back; no hostile value in the notice or the URL.
* `app` (`test_tampered_url_on_the_page`): a sample per page under AppTest on the fixture release (one hostile
  value per parameter kind, all parameters hostile, 500 unknown keys, a valid deep link, and the cases whose
  outcome the page decides after parsing), checking what the browser gets:
  - no exception and no traceback text anywhere in the page; the page title (h1) is the page's normal title;
  - no hostile value (nor a hostile parameter name) anywhere in what the page sends to the browser, citations
    opened: visible text, widget labels/options/values, code blocks (the copy-link), page links, chart specs,
    dataframe bytes;
  - each widget holds its expected value; the notice names exactly the parameters that were reset;
  - afterwards the browser URL holds exactly the canonical parameters (hostile values and unknown keys removed).
  `test_stand_in_specs_are_the_pages_specs` ties the two levels together: it takes the spec each page really hands
  to `state.parse` and checks that it parses the whole corpus exactly as the stand-in does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from google.protobuf.message import Message
from streamlit.runtime.state.query_params import EMBED_QUERY_PARAMS_KEYS
from streamlit.testing.v1.util import patch_config_options

from dashboard import state
from tests.apptest_utils import PAGE_FILES, run_page, texts

DATASET_AS_OF = date(2026, 6, 30)  # tests/fixtures/sources/dataset.yml

# Page -> (title, {param: (widget kind, default value)}). as_of is common to all pages (sidebar date_input).
PAGES: dict[str, tuple[str, dict[str, tuple[str, Any]]]] = {
    "streamlit_app.py": ("AI Governance Atlas", {}),
    "pages/1_World_map.py": ("World map of participation", {"instrument": ("selectbox", "cets-225")}),
    "pages/2_Entry_into_force.py": (
        "Entry into force",
        {"instrument": ("selectbox", "cets-225"), "whatif": ("multiselect", [])},
    ),
    "pages/3_Binding_vs_voluntary.py": (
        "Binding vs voluntary",
        {"bloc": ("selectbox", "all"), "region": ("selectbox", "all")},
    ),
    "pages/4_Corporate_stances.py": (
        "Corporate stances",
        {"instruments": ("multiselect", []), "stance": ("selectbox", "all"), "hq": ("selectbox", "all")},
    ),
    "pages/5_Country.py": ("Country profile", {"country": ("selectbox", "GBR")}),
    "pages/6_Instrument.py": ("Instrument profile", {"instrument": ("selectbox", "cets-225")}),
    "pages/7_Company.py": ("Company profile", {"company": ("selectbox", "meta")}),
    "pages/8_Data_and_sources.py": ("Data & sources", {}),
    "pages/9_Whats_new.py": (
        "What's new in the data",
        {"instrument": ("selectbox", "all"), "country": ("selectbox", "all")},
    ),
}
# A second valid value per parameter (for repeated-key cases: two *valid* values are still ambiguous).
OTHER_VALID = {
    "instrument": "eu-ai-act",
    "whatif": "NOR",
    "bloc": "eu",
    "region": "Europe",
    "instruments": "eu-ai-pact",
    "stance": "signed",
    "hq": "FRA",
    "country": "NOR",
    "company": "openai",
    "as_of": "2025-01-01",
}
FIRST_VALID = {
    "instrument": "cets-225",
    "whatif": "GBR",
    "bloc": "g7",
    "region": "Asia",
    "instruments": "ca-sb-1047",
    "stance": "declined",
    "hq": "USA",
    "country": "GBR",
    "company": "meta",
    "as_of": "2026-06-30",
}

LONG = ("x9Q" * 3400)[:10_000]

# (label, raw value, marker that must never appear in the page, or None when the value is too ordinary to search for)
HOSTILE: list[tuple[str, str, str | None]] = [
    ("empty", "", None),
    ("space", " ", None),
    ("tab-newline", "\t\n", None),
    ("long-10k", LONG, LONG[:40]),
    ("sql-or", "' OR 1=1 --", "OR 1=1"),
    ("sql-drop", "cets-225'; DROP TABLE actions; --", "DROP TABLE"),
    ("sql-union", "1) UNION SELECT * FROM dataset --", "UNION SELECT"),
    ("xss-script", "<script>alert(1)</script>", "<script>"),
    ("xss-img", "<img src=x onerror=alert(1)>", "onerror"),
    ("js-url", "javascript:alert(1)", "javascript:"),
    ("md-js-link", "[x](javascript:alert(1))", "javascript:"),
    ("attr-break", '"><svg onload=alert(1)>', "onload"),
    ("nul-byte", "cets-225\x00", "\x00"),
    ("cyrillic-c", "\u0441ets-225", "\u0441ets"),
    ("fullwidth", "\uff23\uff25\uff34\uff33", "\uff23\uff25\uff34\uff33"),
    ("rtl-override", "\u202ecets-225", "\u202e"),
    ("zero-width", "cets\u200b-225", "\u200b"),
    ("pct-script", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%3Cscript"),
    ("pct-valid", "cets%2D225", "cets%2D225"),
    ("html-entity", "&lt;script&gt;", "&lt;script"),
    ("date-2099", "2099-01-01", "2099-01-01"),
    ("date-1900", "1900-01-01", "1900-01-01"),
    ("date-feb30", "2026-02-30", "2026-02-30"),
    ("date-compact", "20260101", "20260101"),
    ("minus-one", "-1", None),
    ("nonexistent-id", "no-such-id-zz9", "no-such-id-zz9"),
    ("path-traversal", "../../etc/passwd", "etc/passwd"),
    ("template", "{{7*7}}${7*7}", "{{7*7}}"),
    ("upper-case", "CETS-225", "CETS-225"),
    ("trailing-space", "cets-225 ", None),
    ("null-word", "null", None),
]
# Searched for in every case: none of these may ever reach the page.
ALWAYS_ABSENT = [
    "<script",
    "onerror",
    "onload=",
    "DROP TABLE",
    "UNION SELECT",
    "javascript:",
    "alert(1)",
    "\x00",
    "\u202e",
    "Traceback",
    LONG[:40],
]
NOTICE_RE = re.compile(
    r"^(?:Some link settings were not valid and were reset to defaults: (?P<names>[a-z_]+(?:, [a-z_]+)*)\.)?"
    r" ?(?:(?P<n>\d+) unknown link parameter\(s\) ignored\.)?$"
)


@dataclass
class Case:
    id: str
    page: str
    query: dict[str, str | list[str]]
    expect: dict[str, Any] = field(default_factory=dict)  # overrides of the defaults (widget values)
    reset: set[str] = field(default_factory=set)  # parameters the notice must name
    unknown: int = 0  # unknown parameter names the notice must count
    markers: list[str] = field(default_factory=list)  # must not appear anywhere
    metrics: dict[str, str] = field(default_factory=dict)  # metric label -> value (positive cases)
    shows: list[str] = field(default_factory=list)  # text that must be visible (positive cases)
    bug: str | None = None  # known app bug -> strict xfail
    # Parameters the parser accepts but the page then resets (a what-if member that is not a signatory on the view
    # date, a commitment with no stance on it): name -> the value state.parse returns. Only the page can check these.
    page_resets: dict[str, Any] = field(default_factory=dict)

    @property
    def invalid(self) -> bool:
        return bool(self.reset or self.unknown)


def _short(page: str) -> str:
    return "overview" if page == "streamlit_app.py" else page.split("/")[1].split("_", 1)[1].removesuffix(".py").lower()


def _bad(page, param, label, value, marker, **kw) -> Case:
    return Case(
        f"{_short(page)}-{param}-{label}", page, {param: value}, reset={param}, markers=[marker] if marker else [], **kw
    )


def _cases() -> list[Case]:
    out: list[Case] = []
    for page, (_title, spec) in PAGES.items():
        s = _short(page)
        params = {"as_of": ("date_input", DATASET_AS_OF), **spec}
        for name, (kind, _default) in params.items():
            for label, value, marker in HOSTILE:
                if kind == "multiselect" and value == "":
                    continue  # an empty list is the canonical "nothing chosen" (tested as a valid case below)
                out.append(_bad(page, name, label, value, marker))
            # The same key twice: ambiguous even when both values are valid, so reset (never "first one wins").
            out.append(
                Case(f"{s}-{name}-repeated-valid", page, {name: [FIRST_VALID[name], OTHER_VALID[name]]}, reset={name})
            )
            out.append(
                Case(
                    f"{s}-{name}-repeated-hostile",
                    page,
                    {name: [OTHER_VALID[name], "<script>alert(1)</script>"]},
                    reset={name},
                    markers=["<script>"],
                )
            )
            if name == "as_of":
                out.append(Case(f"{s}-as_of-iso-week", page, {"as_of": "2026-W01-1"}, reset={"as_of"}, markers=["W01"]))
                out.append(
                    Case(
                        f"{s}-as_of-before-min", page, {"as_of": "2014-12-31"}, reset={"as_of"}, markers=["2014-12-31"]
                    )
                )
                out.append(
                    Case(
                        f"{s}-as_of-after-dataset",
                        page,
                        {"as_of": "2026-07-01"},
                        reset={"as_of"},
                        markers=["2026-07-01"],
                    )
                )
        # Structural cases.
        out += [
            Case(f"{s}-unknown-key", page, {"foo": "bar"}, unknown=1),
            Case(
                f"{s}-unknown-key-hostile-name",
                page,
                {"<script>alert(1)</script>": "x", "x' OR 1=1 --": "y"},
                unknown=2,
                markers=["<script>", "OR 1=1"],
            ),
            Case(
                f"{s}-unknown-key-hostile-value",
                page,
                {"utm_source": "<img src=x onerror=alert(1)>"},
                unknown=1,
                markers=["onerror"],
            ),
            Case(
                f"{s}-key-case-variant",
                page,
                {"AS_OF": "2025-01-01", **{k.upper(): OTHER_VALID[k] for k in spec}},
                unknown=1 + len(spec),
            ),
            Case(f"{s}-500-unknown-keys", page, {f"k{i}": f"v{i}" for i in range(500)}, unknown=500),
            Case(
                f"{s}-all-params-hostile",
                page,
                {k: "<script>alert(1)</script>" for k in params},
                reset=set(params),
                markers=["<script>"],
            ),
            Case(f"{s}-all-params-repeated", page, {k: [OTHER_VALID[k]] * 2 for k in params}, reset=set(params)),
            Case(f"{s}-embed-options", page, {"embed_options": "<script>alert(1)</script>"}, markers=["<script>"]),
        ]
    return out + _positive_cases()


def _positive_cases() -> list[Case]:
    P = {_short(p): p for p in PAGES}
    c = [
        # as_of alone, on every page
        *[
            Case(
                f"{s}-valid-as_of",
                p,
                {"as_of": "2025-01-01"},
                expect={"as_of": date(2025, 1, 1)},
                shows=["as it stood on 01 January 2025"],
            )
            for s, p in P.items()
        ],
        *[
            Case(f"{s}-valid-as_of-min", p, {"as_of": "2015-01-01"}, expect={"as_of": date(2015, 1, 1)})
            for s, p in P.items()
        ],
        *[
            Case(
                f"{s}-valid-plus-500-unknown",
                p,
                {"as_of": "2025-01-01", **{f"k{i}": "v" for i in range(500)}},
                expect={"as_of": date(2025, 1, 1)},
                unknown=500,
            )
            for s, p in P.items()
        ],
        *[
            Case(
                f"{s}-valid-as_of-bad-other",
                p,
                {"as_of": "2025-01-01", "zz": "<script>alert(1)</script>"},
                expect={"as_of": date(2025, 1, 1)},
                unknown=1,
                markers=["<script>"],
            )
            for s, p in P.items()
        ],
        Case(
            "overview-valid-as_of-counts",
            P["overview"],
            {"as_of": "2015-01-01"},
            expect={"as_of": date(2015, 1, 1)},
            metrics={"Instruments": "0", "Companies": "0"},
        ),
        Case(
            "world_map-valid-instrument",
            P["world_map"],
            {"instrument": "eu-ai-act"},
            expect={"instrument": "eu-ai-act"},
        ),
        Case(
            "world_map-valid-binding",
            P["world_map"],
            {"instrument": "binding", "as_of": "2025-01-01"},
            expect={"instrument": "binding", "as_of": date(2025, 1, 1)},
        ),
        Case(
            "world_map-valid-voluntary", P["world_map"], {"instrument": "voluntary"}, expect={"instrument": "voluntary"}
        ),
        Case(
            "world_map-mixed-valid-invalid",
            P["world_map"],
            {"instrument": "eu-ai-pact", "as_of": "2099-01-01"},
            expect={"instrument": "eu-ai-pact"},
            reset={"as_of"},
            markers=["2099-01-01"],
        ),
        Case(
            "entry_into_force-as_of-2025",
            P["entry_into_force"],
            {"as_of": "2025-01-01"},
            expect={"as_of": date(2025, 1, 1)},
            metrics={"Ratifications / approvals": "0 / 5"},
        ),
        Case(
            "entry_into_force-default-counts", P["entry_into_force"], {}, metrics={"Ratifications / approvals": "1 / 5"}
        ),
        Case(
            "entry_into_force-whatif-NOR",
            P["entry_into_force"],
            {"whatif": "NOR"},
            expect={"whatif": ["NOR"]},
            metrics={"Ratifications / approvals": "2 / 5", "… of which Council of Europe member states": "1 / 3"},
        ),
        Case(
            "entry_into_force-whatif-two",
            P["entry_into_force"],
            {"whatif": "NOR,GBR"},
            expect={"whatif": ["GBR", "NOR"]},
            metrics={"Ratifications / approvals": "3 / 5"},
        ),
        Case("entry_into_force-whatif-empty", P["entry_into_force"], {"whatif": ""}),
        Case("entry_into_force-whatif-commas", P["entry_into_force"], {"whatif": ",,,"}),
        Case(
            "entry_into_force-whatif-bad-member",
            P["entry_into_force"],
            {"whatif": "GBR,XXX"},
            reset={"whatif"},
            markers=["XXX"],
        ),
        Case("entry_into_force-whatif-dup-member", P["entry_into_force"], {"whatif": "GBR,GBR"}, reset={"whatif"}),
        Case(
            "entry_into_force-whatif-too-many",
            P["entry_into_force"],
            {"whatif": ",".join(["GBR"] * 61)},
            reset={"whatif"},
        ),
        Case(
            "entry_into_force-whatif-script-member",
            P["entry_into_force"],
            {"whatif": "NOR,<script>"},
            reset={"whatif"},
            markers=["<script>"],
        ),
        Case(
            "entry_into_force-whatif-not-signatory",
            P["entry_into_force"],
            {"whatif": "FRA"},
            reset={"whatif"},
            page_resets={"whatif": ("FRA",)},
        ),
        Case(
            "entry_into_force-whatif-already-party",
            P["entry_into_force"],
            {"whatif": "EU"},
            reset={"whatif"},
            page_resets={"whatif": ("EU",)},
        ),
        Case(
            "entry_into_force-whatif-before-signature",
            P["entry_into_force"],
            {"whatif": "NOR", "as_of": "2024-01-01"},
            expect={"as_of": date(2024, 1, 1)},
            reset={"whatif"},
            page_resets={"whatif": ("NOR",)},
        ),
        Case(
            "entry_into_force-instrument-not-treaty",
            P["entry_into_force"],
            {"instrument": "eu-ai-act"},
            reset={"instrument"},
        ),
        Case(
            "binding_vs_voluntary-valid-bloc-region",
            P["binding_vs_voluntary"],
            {"bloc": "eu", "region": "Europe"},
            expect={"bloc": "eu", "region": "Europe"},
        ),
        Case(
            "binding_vs_voluntary-valid-g7",
            P["binding_vs_voluntary"],
            {"bloc": "g7", "region": "Asia"},
            expect={"bloc": "g7", "region": "Asia"},
        ),
        Case(
            "binding_vs_voluntary-mixed",
            P["binding_vs_voluntary"],
            {"bloc": "oecd", "region": "europe"},
            expect={"bloc": "oecd"},
            reset={"region"},
        ),
        Case(
            "corporate_stances-valid-instruments",
            P["corporate_stances"],
            {"instruments": "eu-ai-pact"},
            expect={"instruments": ["eu-ai-pact"]},
        ),
        Case(
            "corporate_stances-valid-two",
            P["corporate_stances"],
            {"instruments": "eu-ai-pact,ca-sb-1047"},
            expect={"instruments": ["ca-sb-1047", "eu-ai-pact"]},
        ),
        Case(
            "corporate_stances-valid-stance-hq",
            P["corporate_stances"],
            {"stance": "signed", "hq": "USA"},
            expect={"stance": "signed", "hq": "USA"},
        ),
        Case(
            "corporate_stances-instruments-bad-member",
            P["corporate_stances"],
            {"instruments": "eu-ai-pact,<script>"},
            reset={"instruments"},
            markers=["<script>"],
        ),
        Case(
            "corporate_stances-instruments-no-stances",
            P["corporate_stances"],
            {"instruments": "cets-225"},
            reset={"instruments"},
        ),
        Case(
            "corporate_stances-instruments-none-on-date",
            P["corporate_stances"],
            {"instruments": "eu-ai-pact", "as_of": "2015-01-01"},
            expect={"as_of": date(2015, 1, 1)},
            reset={"instruments"},
            page_resets={"instruments": ("eu-ai-pact",)},
        ),
        Case("corporate_stances-instruments-empty", P["corporate_stances"], {"instruments": ""}),
        Case(
            "corporate_stances-instruments-dup",
            P["corporate_stances"],
            {"instruments": "eu-ai-pact,eu-ai-pact"},
            reset={"instruments"},
        ),
        Case("country-valid-NOR", P["country"], {"country": "NOR"}, expect={"country": "NOR"}, shows=["Norway"]),
        Case(
            "country-valid-EU",
            P["country"],
            {"country": "EU", "as_of": "2025-01-01"},
            expect={"country": "EU", "as_of": date(2025, 1, 1)},
            shows=["European Union"],
        ),
        Case("country-lower-case", P["country"], {"country": "nor"}, reset={"country"}),
        Case(
            "instrument-valid-eu-ai-act",
            P["instrument"],
            {"instrument": "eu-ai-act"},
            expect={"instrument": "eu-ai-act"},
        ),
        Case(
            "instrument-valid-pact",
            P["instrument"],
            {"instrument": "eu-ai-pact", "as_of": "2025-01-01"},
            expect={"instrument": "eu-ai-pact", "as_of": date(2025, 1, 1)},
        ),
        Case("instrument-selection-not-instrument", P["instrument"], {"instrument": "binding"}, reset={"instrument"}),
        Case("company-valid-tiktok", P["company"], {"company": "tiktok"}, expect={"company": "tiktok"}),
        Case("company-valid-mistral", P["company"], {"company": "mistral-ai"}, expect={"company": "mistral-ai"}),
        Case("data_and_sources-valid-as_of-explicit-default", P["data_and_sources"], {"as_of": "2026-06-30"}),
    ]
    return c


CASES = _cases()
_ids = [c.id for c in CASES]
assert len(_ids) == len(set(_ids)), "duplicate case ids"


def _counts(cases) -> dict[str, int]:
    return {p: sum(c.page == p for c in cases) for p in PAGES}


# --- what the page sends to the browser ------------------------------------------------------------------------------


def _proto_strings(msg: Message, out: list[str]) -> None:
    for _fd, value in msg.ListFields():
        vals = value if isinstance(value, (list, tuple)) or hasattr(value, "extend") else [value]
        for v in vals:
            if isinstance(v, Message):
                _proto_strings(v, out)
            elif isinstance(v, str):
                out.append(v)
            elif isinstance(v, bytes):
                out.append(v.decode("utf-8", errors="ignore").replace("\x00", ""))  # Arrow/zip padding
            else:
                out.append(str(v))


def everything(at) -> str:
    """Every string in every element of the page (texts, labels, options, code, links, chart specs, table bytes),
    plus the widgets' current values."""
    out: list[str] = [texts(at)]
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            _proto_strings(proto, out)
    for coll in (at.selectbox, at.multiselect, at.date_input):
        out += [str(w.value) for w in coll]
    return "\n".join(out)


def _notice(at) -> str | None:
    hits = [
        str(e.value) for e in at.info if "reset to defaults" in str(e.value) or "unknown link parameter" in str(e.value)
    ]
    assert len(hits) <= 1, hits
    return hits[0] if hits else None


def _widget_value(at, kind: str, key: str):
    w = getattr(at, kind)(key=key)
    v = w.value
    return sorted(v) if kind == "multiselect" else v


def _canonical(values: dict[str, Any]) -> dict[str, str]:
    out = {}
    for k, v in values.items():
        if isinstance(v, date):
            out[k] = v.isoformat()
        elif isinstance(v, list):
            if v:
                out[k] = ",".join(sorted(v))
        elif v != "":
            out[k] = v
    return out


def expected_values(case: Case) -> dict[str, Any]:
    _title, spec = PAGES[case.page]
    vals = {"as_of": DATASET_AS_OF, "present": "", **{k: d for k, (_kind, d) in spec.items()}}
    vals.update(case.expect)
    return vals


def check_case(case: Case) -> None:
    title, spec = PAGES[case.page]
    with patch_config_options({"client.showErrorDetails": "full"}):  # so a failure reports its stack trace
        at = run_page(case.page, case.query)
    assert not at.exception, [(e.value, e.stack_trace) for e in at.exception]
    page = everything(at)
    for bad in ("Traceback", 'File "/', "Exception:", "Error:"):
        assert bad not in page, f"{bad!r} on the page"
    assert [t.value for t in at.title] == [title]
    for m in {*ALWAYS_ABSENT, *case.markers}:
        assert m not in page, f"hostile value {m[:40]!r} echoed on the page"

    want = expected_values(case)
    assert at.date_input(key="as_of").value == want["as_of"]
    for name, (kind, _d) in spec.items():
        assert _widget_value(at, kind, name) == want[name], name

    notice = _notice(at)
    if case.invalid:
        assert notice, "an invalid link must show the reset notice"
        m = NOTICE_RE.match(notice)
        assert m, f"notice is not the value-free sentence: {notice!r}"
        assert set((m["names"] or "").split(", ")) - {""} == case.reset
        assert int(m["n"] or 0) == case.unknown
    elif "embed_options" not in case.query:
        assert notice is None, notice

    # The browser's URL afterwards. A tampered link is rewritten to exactly the canonical settings (hostile values and
    # unknown keys dropped); a clean one is left as it was (a rewrite would add a browser history entry for the same
    # view), so it may leave defaults out, but every setting it names is the view's.
    qp = {k: v for k, v in at.query_params.items() if k.lower() not in ("embed", "embed_options")}
    if case.invalid:
        assert qp == _canonical(want)
    else:
        assert qp.items() <= _canonical(want).items(), (qp, _canonical(want))

    for label, value in case.metrics.items():
        got = [m.value for m in at.metric if m.label == label]
        assert got == [value], (label, got)
    shown = texts(at) + "\n" + "\n".join(sb.options[sb.index] for sb in at.selectbox if sb.index is not None)
    for s in case.shows:
        assert s in shown, s

    # The citations (link and citation text, in code blocks) are sent only once opened: open them all, look again.
    _open_citations(at)
    assert not at.exception, [(e.value, e.stack_trace) for e in at.exception]
    page = everything(at)
    for m in {*ALWAYS_ABSENT, *case.markers}:
        assert m not in page, f"hostile value {m[:40]!r} echoed in a citation"


def _param(c: Case):
    marks = [pytest.mark.xfail(strict=True, reason=c.bug)] if c.bug else []
    return pytest.param(c, id=c.id, marks=marks)


# --- unit: the whole corpus against the URL parser ---------------------------------------------------------------------

MIN_DATE = date(2015, 1, 1)  # dashboard.ui.MIN_DATE (ui is not imported here: it is Streamlit code)
# A participant stand-in: the fixture has all 197 states and organisations; the corpus names only these.
_PARTICIPANTS = {"GBR", "NOR", "EU", "FRA", "USA", "AND", "GEO", "CAN", "JPN"}
_INSTRUMENTS = {
    "bletchley-declaration",
    "ca-sb-1047",
    "cets-225",
    "eu-ai-act",
    "eu-ai-pact",
    "paris-ai-action-statement",
}


def _choice(name: str, default: Any, allowed: set) -> state.Param:
    return state.Param(name, default, choices=lambda: allowed)


# Page -> the parameters it hands to state.parse after as_of, as the page's `spec(rel, info)` builds them on the fixture
# release (checked against the real ones by test_stand_in_specs_are_the_pages_specs).
SPECS: dict[str, list[state.Param]] = {
    "streamlit_app.py": [],
    "pages/1_World_map.py": [_choice("instrument", "cets-225", _INSTRUMENTS | {"binding", "voluntary"})],
    "pages/2_Entry_into_force.py": [
        _choice("instrument", "cets-225", {"cets-225"}),
        state.Param("whatif", (), kind="multi", choices=lambda: _PARTICIPANTS),
    ],
    "pages/3_Binding_vs_voluntary.py": [
        _choice("bloc", "all", {"all", "au", "brics", "coe", "eu", "g20", "g7", "oecd"}),
        _choice("region", "all", {"all", "Africa", "America", "Asia", "Europe", "Oceania"}),
    ],
    "pages/4_Corporate_stances.py": [
        state.Param("instruments", (), kind="multi", choices=lambda: {"ca-sb-1047", "eu-ai-pact"}),
        _choice(
            "stance", "all", {"all", "declined", "not_listed", "opposed", "partial", "signed", "supported", "withdrew"}
        ),
        _choice("hq", "all", {"all", "FRA", "USA"}),
    ],
    "pages/5_Country.py": [_choice("country", "GBR", _PARTICIPANTS)],
    "pages/6_Instrument.py": [_choice("instrument", "cets-225", _INSTRUMENTS)],
    "pages/7_Company.py": [
        _choice(
            "company",
            "meta",
            {"amazon", "anthropic", "apple", "google", "meta", "microsoft", "mistral-ai", "openai", "tiktok", "x-corp"},
        )
    ],
    "pages/8_Data_and_sources.py": [],
    "pages/9_Whats_new.py": [
        _choice("instrument", "all", _INSTRUMENTS | {"all"}),
        _choice("country", "all", _PARTICIPANTS | {"all"}),
    ],
}


def full_spec(page: str) -> list[state.Param]:
    """as_of and present (every page: ui.page adds them) and the page's own parameters."""
    return [
        state.Param("as_of", DATASET_AS_OF, kind="date", lo=MIN_DATE, hi=DATASET_AS_OF),
        state.Param("present", "", choices=lambda: {"1"}),
        *SPECS[page],
    ]


def raw_query(case: Case) -> dict[str, list[str]]:
    """The query as the page reads it from Streamlit (`st.query_params.get_all`): every value a list, and without
    Streamlit's own `embed` / `embed_options` (st.query_params never shows those to a page)."""
    return {
        k: list(v) if isinstance(v, list) else [v]
        for k, v in case.query.items()
        if k.lower() not in EMBED_QUERY_PARAMS_KEYS
    }


def parse_outcome(parsed: state.Parsed) -> tuple:
    return dict(parsed.values), sorted(parsed.reset), parsed.unknown, parsed.notice


def check_parse(case: Case, spec: list[state.Param]) -> None:
    parsed = state.parse(spec, raw_query(case))
    reset = case.reset - set(case.page_resets)
    assert sorted(parsed.reset) == sorted(set(parsed.reset)), "a parameter named twice in the notice"
    assert set(parsed.reset) == reset
    assert parsed.unknown == case.unknown

    want = {k: tuple(v) if isinstance(v, list) else v for k, v in expected_values(case).items()}
    want.update(case.page_resets)
    assert parsed.values == want

    notice = parsed.notice
    if reset or case.unknown:
        m = NOTICE_RE.match(notice or "")
        assert m, f"notice is not the value-free sentence: {notice!r}"
        assert set((m["names"] or "").split(", ")) - {""} == reset
        assert int(m["n"] or 0) == case.unknown
    else:
        assert notice is None, notice
    # What the page writes back into the URL and its copy-link: exactly the canonical settings.
    url = state.encode(parsed.values)
    if not case.page_resets:
        assert url == _canonical(expected_values(case))
    echoed = f"{notice or ''}\n{url}\n{state.view_url('http://localhost:8501/', 'X', parsed.values)}"
    for m in {*ALWAYS_ABSENT, *case.markers}:
        assert m not in echoed, f"hostile value {m[:40]!r} in the notice or the URL"


@pytest.mark.unit
@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_parse_refuses_hostile_links(case):
    check_parse(case, full_spec(case.page))


# --- app: a sample per page, and the wiring ----------------------------------------------------------------------------


def _sample_ids() -> set[str]:
    ids = set()
    for page, (_title, widgets) in PAGES.items():
        s = _short(page)
        ids |= {f"{s}-as_of-xss-script", f"{s}-all-params-hostile", f"{s}-500-unknown-keys", f"{s}-valid-as_of"}
        for kind in ("selectbox", "multiselect"):  # one hostile value per parameter kind (date, choice, multi)
            first = next((n for n, (k, _d) in widgets.items() if k == kind), None)
            if first:
                ids.add(f"{s}-{first}-xss-script")
    return ids


SAMPLE_IDS = _sample_ids()
# ... plus every case whose outcome only the page decides: counts and text it shows, resets after parsing.
SAMPLE = [c for c in CASES if c.id in SAMPLE_IDS or c.metrics or c.shows or c.page_resets]


def _open_citations(at) -> None:
    """Open every 'Cite this view' (lazy expanders: their code blocks are sent only while open) and rerun."""
    keys = [k for k in at.session_state if str(k).startswith("cite-")]
    for k in keys:
        at.session_state[k] = True
    at.run()


@pytest.mark.app
@pytest.mark.parametrize("case", [_param(c) for c in SAMPLE])
def test_tampered_url_on_the_page(fixture_db, case):
    check_case(case)


def _real_specs(monkeypatch) -> dict[str, list[state.Param]]:
    """The parameter list each page really hands to state.parse on the fixture release."""
    seen: dict[str, list[state.Param]] = {}
    parse = state.parse
    current = [""]

    def spy(spec, query):
        seen[current[0]] = list(spec)
        return parse(spec, query)

    with monkeypatch.context() as mp:  # the spy is gone again once the pages have run
        mp.setattr(state, "parse", spy)
        for page in PAGE_FILES:
            current[0] = page
            assert not run_page(page).exception, page
    return seen


@pytest.mark.app
def test_stand_in_specs_are_the_pages_specs(fixture_db, monkeypatch):
    """The unit tier's SPECS stand in for the pages' own: same pages, same parameters (names, kinds, defaults,
    bounds), and every case of the corpus parses to the same values, resets and notice with either. A new page or
    a new parameter fails here until the corpus covers it."""
    real = _real_specs(monkeypatch)
    assert set(real) == set(PAGES) == set(SPECS)
    for page, spec in real.items():
        mine = full_spec(page)
        shape = [(p.name, p.kind, p.default, p.lo, p.hi) for p in spec]
        assert shape == [(p.name, p.kind, p.default, p.lo, p.hi) for p in mine], page
        assert [p.name for p in spec] == ["as_of", "present", *PAGES[page][1]], page
        for case in (c for c in CASES if c.page == page):
            q = raw_query(case)
            assert parse_outcome(state.parse(spec, q)) == parse_outcome(state.parse(mine, q)), case.id
    counts = _counts(CASES)
    print(
        "\ntampered-URL cases: "
        + ", ".join(f"{_short(p)} {n}" for p, n in counts.items())
        + f"; {len(CASES)} against state.parse, {len(SAMPLE)} on the page"
    )


# --- URL round trip --------------------------------------------------------------------------------------------------

ROUND_TRIP = {
    "streamlit_app.py": {"as_of": "2025-01-01"},
    "pages/1_World_map.py": {"instrument": "eu-ai-pact", "as_of": "2025-06-01"},
    "pages/2_Entry_into_force.py": {"instrument": "cets-225", "whatif": "GBR,NOR", "as_of": "2025-06-01"},
    "pages/3_Binding_vs_voluntary.py": {"bloc": "eu", "region": "Europe", "as_of": "2025-06-01"},
    "pages/4_Corporate_stances.py": {
        "instruments": "ca-sb-1047,eu-ai-pact",
        "stance": "signed",
        "hq": "USA",
        "as_of": "2026-06-30",
    },
    "pages/5_Country.py": {"country": "NOR", "as_of": "2025-06-01"},
    "pages/6_Instrument.py": {"instrument": "eu-ai-act", "as_of": "2025-06-01"},
    "pages/7_Company.py": {"company": "openai", "as_of": "2025-06-01"},
    "pages/8_Data_and_sources.py": {"as_of": "2025-06-01"},
    "pages/9_Whats_new.py": {"instrument": "cets-225", "country": "NOR", "as_of": "2025-06-01"},
}


def _widget_state(at) -> dict[str, Any]:
    return {
        **{w.key: w.value for w in at.selectbox},
        **{w.key: sorted(w.value) for w in at.multiselect},
        **{w.key: w.value for w in at.date_input},
    }


@pytest.mark.app
@pytest.mark.parametrize("page", list(PAGES), ids=_short)
def test_url_round_trip(fixture_db, page):
    query = ROUND_TRIP[page]
    at = run_page(page, query)
    assert not at.exception
    assert _notice(at) is None
    assert dict(at.query_params) == query  # exactly the canonical parameters, as_of included
    again = run_page(page, dict(at.query_params))
    assert not again.exception
    assert _widget_state(again) == _widget_state(at)
    assert dict(again.query_params) == query
    assert [(m.label, m.value) for m in again.metric] == [(m.label, m.value) for m in at.metric]


@pytest.mark.app
@pytest.mark.parametrize("page", list(PAGES), ids=_short)
def test_default_url_is_canonical(fixture_db, page):
    """A bare page link gets every setting written into the URL (so a copied address reproduces the view)."""
    at = run_page(page, {})
    _title, spec = PAGES[page]
    want = _canonical({"as_of": DATASET_AS_OF, **{k: d for k, (_kind, d) in spec.items()}})
    assert dict(at.query_params) == want


@pytest.mark.app
def test_detector_sees_charts_tables_and_links(fixture_db):
    """Negative control for `everything()` and `_open_citations()`: the detector sees the map spec, the table
    bytes, the page links and, once the citations are opened, their code blocks (text found nowhere else)."""
    at = run_page("pages/6_Instrument.py", {"instrument": "cets-225"})
    page = everything(at)
    assert "world_110m.geojson" in page  # pydeck spec (GeoJsonLayer URL)
    assert "Andorra" in page  # a signatory: only inside the dataframe's Arrow bytes and the map tooltips
    assert "instrument=cets-225" in page  # the Entry-into-force st.page_link (the citations are still closed)
    citation = "“Participants in CoE AI Convention (CETS 225)”"  # only in the citation's st.code
    assert not at.code and citation not in page
    _open_citations(at)
    assert at.code, "the citations did not open"
    assert citation in everything(at)


@pytest.mark.unit
def test_every_page_setting_is_an_atlas_param():
    """state.ATLAS_PARAMS (other pages' settings are ignored without a notice) names exactly the pages' settings."""
    names = {"as_of", "present"} | {k for _title, spec in PAGES.values() for k in spec}
    assert names == state.ATLAS_PARAMS


@pytest.mark.app
def test_another_pages_setting_is_dropped_without_a_notice(fixture_db):
    """The history entry st.switch_page leaves (this page, the next page's settings) opens this page cleanly."""
    at = run_page("pages/7_Company.py", {"as_of": "2025-06-01", "country": "NOR"})
    assert not at.exception and _notice(at) is None
    assert dict(at.query_params) == {"as_of": "2025-06-01", "company": "meta"}
