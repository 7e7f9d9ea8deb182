"""Tampered and hostile deep links: every page survives them, echoes nothing back and falls back to its defaults.

The cases are data (`CASES`, one dict of query parameters each) so the number per page is explicit; see
`test_case_counts`. Every case runs the page once under AppTest (tests/apptest_utils.run_page) against the fixture
release and checks:

* no exception and no traceback text anywhere in the page;
* the page title (h1) is the page's normal title;
* no hostile value (nor a hostile parameter name) appears anywhere in what the page sends to the browser: visible
  text, widget labels/options/values, code blocks (the copy-link), page links, chart specs, dataframe bytes;
* each widget holds its expected value (the default when the link value was invalid, the link value when valid);
* a value-free notice ("... reset to defaults: <names>." / "N unknown link parameter(s) ignored.") is shown exactly
  when the link was invalid, naming exactly the parameters that were reset;
* afterwards the browser URL holds exactly the canonical parameters (hostile values and unknown keys removed).

`FAST` cases (>= 20 per page, every hostile category on every page parameter, the known bugs) always run; the
rest (`BULK`: the remaining categories, as_of on the pages with own parameters, structural variants) is marked
`slow` because the whole file exceeds the 4-minute budget on the shared 2-core machine (`make test-slow`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1.util import patch_config_options

from tests.apptest_utils import run_page, texts

DATASET_AS_OF = date(2026, 6, 30)  # tests/fixtures/sources/dataset.yml

# Page -> (title, {param: (widget kind, default value)}). as_of is common to all pages (sidebar date_input).
PAGES: dict[str, tuple[str, dict[str, tuple[str, Any]]]] = {
    "streamlit_app.py": ("AI Governance Atlas", {}),
    "pages/1_World_map.py": ("World map of participation", {"instrument": ("selectbox", "cets-225")}),
    "pages/2_Entry_into_force.py": ("Entry into force", {"instrument": ("selectbox", "cets-225"),
                                                         "whatif": ("multiselect", [])}),
    "pages/3_Binding_vs_voluntary.py": ("Binding vs voluntary", {"bloc": ("selectbox", "all"),
                                                                 "region": ("selectbox", "all")}),
    "pages/4_Corporate_stances.py": ("Corporate stances", {"instruments": ("multiselect", []),
                                                           "stance": ("selectbox", "all"),
                                                           "hq": ("selectbox", "all")}),
    "pages/5_Country.py": ("Country profile", {"country": ("selectbox", "GBR")}),
    "pages/6_Instrument.py": ("Instrument profile", {"instrument": ("selectbox", "cets-225")}),
    "pages/7_Company.py": ("Company profile", {"company": ("selectbox", "meta")}),
    "pages/8_Data_and_sources.py": ("Data & sources", {}),
    "pages/9_Whats_new.py": ("What's new in the data", {"instrument": ("selectbox", "all"),
                                                         "country": ("selectbox", "all")}),
}
# A second valid value per parameter (for repeated-key cases: two *valid* values are still ambiguous).
OTHER_VALID = {"instrument": "eu-ai-act", "whatif": "NOR", "bloc": "eu", "region": "Europe",
               "instruments": "eu-ai-pact", "stance": "signed", "hq": "FRA", "country": "NOR", "company": "openai",
               "as_of": "2025-01-01"}
FIRST_VALID = {"instrument": "cets-225", "whatif": "GBR", "bloc": "g7", "region": "Asia",
               "instruments": "ca-sb-1047", "stance": "declined", "hq": "USA", "country": "GBR", "company": "meta",
               "as_of": "2026-06-30"}

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
ALWAYS_ABSENT = ["<script", "onerror", "onload=", "DROP TABLE", "UNION SELECT", "javascript:", "alert(1)", "\x00",
                 "\u202e", "Traceback", LONG[:40]]
NOTICE_RE = re.compile(r"^(?:Some link settings were not valid and were reset to defaults: (?P<names>[a-z_]+(?:, [a-z_]+)*)\.)?"
                       r" ?(?:(?P<n>\d+) unknown link parameter\(s\) ignored\.)?$")


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
    fast: bool = False

    @property
    def invalid(self) -> bool:
        return bool(self.reset or self.unknown)


def _short(page: str) -> str:
    return "overview" if page == "streamlit_app.py" else page.split("/")[1].split("_", 1)[1].removesuffix(".py").lower()


def _bad(page, param, label, value, marker, **kw) -> Case:
    return Case(f"{_short(page)}-{param}-{label}", page, {param: value}, reset={param},
                markers=[marker] if marker else [], **kw)


# The always-run subset: every hostile category of the brief on every page parameter (as_of fully on the pages
# without their own parameters), plus the structural and positive cases marked fast below.
FAST_LABELS = {"xss-script", "xss-img", "js-url", "md-js-link", "sql-or", "sql-drop", "sql-union", "long-10k",
               "nul-byte", "cyrillic-c", "fullwidth", "rtl-override", "pct-script", "space", "empty", "repeated-valid",
               "date-2099", "date-feb30"}


def _cases() -> list[Case]:
    out: list[Case] = []
    for page, (_title, spec) in PAGES.items():
        s = _short(page)
        params = {"as_of": ("date_input", DATASET_AS_OF), **spec}
        for name, (kind, _default) in params.items():
            for label, value, marker in HOSTILE:
                if kind == "multiselect" and value == "":
                    continue  # an empty list is the canonical "nothing chosen" (tested as a valid case below)
                fast = label in FAST_LABELS and (name != "as_of" or not spec or label in {"date-2099", "date-feb30"})
                out.append(_bad(page, name, label, value, marker, fast=fast))
            # The same key twice: ambiguous even when both values are valid, so reset (never "first one wins").
            out.append(Case(f"{s}-{name}-repeated-valid", page, {name: [FIRST_VALID[name], OTHER_VALID[name]]},
                            reset={name}, fast=name != "as_of" or not spec))
            out.append(Case(f"{s}-{name}-repeated-hostile", page,
                            {name: [OTHER_VALID[name], "<script>alert(1)</script>"]}, reset={name},
                            markers=["<script>"]))
            if name == "as_of":
                out.append(Case(f"{s}-as_of-iso-week", page, {"as_of": "2026-W01-1"}, reset={"as_of"},
                                markers=["W01"]))
                out.append(Case(f"{s}-as_of-before-min", page, {"as_of": "2014-12-31"}, reset={"as_of"},
                                markers=["2014-12-31"]))
                out.append(Case(f"{s}-as_of-after-dataset", page, {"as_of": "2026-07-01"}, reset={"as_of"},
                                markers=["2026-07-01"]))
        # Structural cases.
        out += [
            Case(f"{s}-unknown-key", page, {"foo": "bar"}, unknown=1, fast=True),
            Case(f"{s}-unknown-key-hostile-name", page, {"<script>alert(1)</script>": "x",
                                                         "x' OR 1=1 --": "y"}, unknown=2,
                 markers=["<script>", "OR 1=1"]),
            Case(f"{s}-unknown-key-hostile-value", page, {"utm_source": "<img src=x onerror=alert(1)>"}, unknown=1,
                 markers=["onerror"]),
            Case(f"{s}-key-case-variant", page, {"AS_OF": "2025-01-01", **{k.upper(): OTHER_VALID[k] for k in spec}},
                 unknown=1 + len(spec)),
            Case(f"{s}-500-unknown-keys", page, {f"k{i}": f"v{i}" for i in range(500)}, unknown=500, fast=True),
            Case(f"{s}-all-params-hostile", page, {k: "<script>alert(1)</script>" for k in params}, reset=set(params),
                 markers=["<script>"], fast=True),
            Case(f"{s}-all-params-repeated", page, {k: [OTHER_VALID[k]] * 2 for k in params}, reset=set(params)),
            Case(f"{s}-embed-options", page, {"embed_options": "<script>alert(1)</script>"}, markers=["<script>"]),
        ]
    return out + _positive_cases()


def _positive_cases() -> list[Case]:
    P = {_short(p): p for p in PAGES}
    c = [
        # as_of alone, on every page
        *[Case(f"{s}-valid-as_of", p, {"as_of": "2025-01-01"}, expect={"as_of": date(2025, 1, 1)},
               shows=["as it stood on 01 January 2025"], fast=True) for s, p in P.items()],
        *[Case(f"{s}-valid-as_of-min", p, {"as_of": "2015-01-01"}, expect={"as_of": date(2015, 1, 1)})
          for s, p in P.items()],
        *[Case(f"{s}-valid-plus-500-unknown", p, {"as_of": "2025-01-01", **{f"k{i}": "v" for i in range(500)}},
               expect={"as_of": date(2025, 1, 1)}, unknown=500) for s, p in P.items()],
        *[Case(f"{s}-valid-as_of-bad-other", p, {"as_of": "2025-01-01", "zz": "<script>alert(1)</script>"},
               expect={"as_of": date(2025, 1, 1)}, unknown=1, markers=["<script>"]) for s, p in P.items()],
        Case("overview-valid-as_of-counts", P["overview"], {"as_of": "2015-01-01"}, expect={"as_of": date(2015, 1, 1)},
             metrics={"Instruments": "0", "Companies with a stance": "0"}),
        Case("world_map-valid-instrument", P["world_map"], {"instrument": "eu-ai-act"},
             expect={"instrument": "eu-ai-act"}, fast=True),
        Case("world_map-valid-binding", P["world_map"], {"instrument": "binding", "as_of": "2025-01-01"},
             expect={"instrument": "binding", "as_of": date(2025, 1, 1)}),
        Case("world_map-valid-voluntary", P["world_map"], {"instrument": "voluntary"},
             expect={"instrument": "voluntary"}),
        Case("world_map-mixed-valid-invalid", P["world_map"], {"instrument": "eu-ai-pact", "as_of": "2099-01-01"},
             expect={"instrument": "eu-ai-pact"}, reset={"as_of"}, markers=["2099-01-01"]),
        Case("entry_into_force-as_of-2025", P["entry_into_force"], {"as_of": "2025-01-01"},
             expect={"as_of": date(2025, 1, 1)}, metrics={"Ratifications / approvals": "0 / 5"}, fast=True),
        Case("entry_into_force-default-counts", P["entry_into_force"], {},
             metrics={"Ratifications / approvals": "1 / 5"}),
        Case("entry_into_force-whatif-NOR", P["entry_into_force"], {"whatif": "NOR"}, expect={"whatif": ["NOR"]},
             metrics={"Ratifications / approvals": "2 / 5",
                      "… of which Council of Europe member states": "1 / 3"}, fast=True),
        Case("entry_into_force-whatif-two", P["entry_into_force"], {"whatif": "NOR,GBR"},
             expect={"whatif": ["GBR", "NOR"]}, metrics={"Ratifications / approvals": "3 / 5"}),
        Case("entry_into_force-whatif-empty", P["entry_into_force"], {"whatif": ""}),
        Case("entry_into_force-whatif-commas", P["entry_into_force"], {"whatif": ",,,"}),
        Case("entry_into_force-whatif-bad-member", P["entry_into_force"], {"whatif": "GBR,XXX"}, reset={"whatif"},
             markers=["XXX"], fast=True),
        Case("entry_into_force-whatif-dup-member", P["entry_into_force"], {"whatif": "GBR,GBR"}, reset={"whatif"}),
        Case("entry_into_force-whatif-too-many", P["entry_into_force"], {"whatif": ",".join(["GBR"] * 61)},
             reset={"whatif"}),
        Case("entry_into_force-whatif-script-member", P["entry_into_force"], {"whatif": "NOR,<script>"},
             reset={"whatif"}, markers=["<script>"]),
        Case("entry_into_force-whatif-not-signatory", P["entry_into_force"], {"whatif": "FRA"}, reset={"whatif"}),
        Case("entry_into_force-whatif-already-party", P["entry_into_force"], {"whatif": "EU"}, reset={"whatif"}),
        Case("entry_into_force-whatif-before-signature", P["entry_into_force"], {"whatif": "NOR", "as_of": "2024-01-01"},
             expect={"as_of": date(2024, 1, 1)}, reset={"whatif"}),
        Case("entry_into_force-instrument-not-treaty", P["entry_into_force"], {"instrument": "eu-ai-act"},
             reset={"instrument"}),
        Case("binding_vs_voluntary-valid-bloc-region", P["binding_vs_voluntary"], {"bloc": "eu", "region": "Europe"},
             expect={"bloc": "eu", "region": "Europe"}, fast=True),
        Case("binding_vs_voluntary-valid-g7", P["binding_vs_voluntary"], {"bloc": "g7", "region": "Asia"},
             expect={"bloc": "g7", "region": "Asia"}),
        Case("binding_vs_voluntary-mixed", P["binding_vs_voluntary"], {"bloc": "oecd", "region": "europe"},
             expect={"bloc": "oecd"}, reset={"region"}),
        Case("corporate_stances-valid-instruments", P["corporate_stances"], {"instruments": "eu-ai-pact"},
             expect={"instruments": ["eu-ai-pact"]}, fast=True),
        Case("corporate_stances-valid-two", P["corporate_stances"], {"instruments": "eu-ai-pact,ca-sb-1047"},
             expect={"instruments": ["ca-sb-1047", "eu-ai-pact"]}),
        Case("corporate_stances-valid-stance-hq", P["corporate_stances"], {"stance": "signed", "hq": "USA"},
             expect={"stance": "signed", "hq": "USA"}),
        Case("corporate_stances-instruments-bad-member", P["corporate_stances"],
             {"instruments": "eu-ai-pact,<script>"}, reset={"instruments"}, markers=["<script>"], fast=True),
        Case("corporate_stances-instruments-no-stances", P["corporate_stances"], {"instruments": "cets-225"},
             reset={"instruments"}),
        Case("corporate_stances-instruments-none-on-date", P["corporate_stances"],
             {"instruments": "eu-ai-pact", "as_of": "2015-01-01"}, expect={"as_of": date(2015, 1, 1)},
             reset={"instruments"}),
        Case("corporate_stances-instruments-empty", P["corporate_stances"], {"instruments": ""}),
        Case("corporate_stances-instruments-dup", P["corporate_stances"], {"instruments": "eu-ai-pact,eu-ai-pact"},
             reset={"instruments"}),
        Case("country-valid-NOR", P["country"], {"country": "NOR"}, expect={"country": "NOR"},
             shows=["Norway"], fast=True),
        Case("country-valid-EU", P["country"], {"country": "EU", "as_of": "2025-01-01"},
             expect={"country": "EU", "as_of": date(2025, 1, 1)}, shows=["European Union"]),
        Case("country-lower-case", P["country"], {"country": "nor"}, reset={"country"}),
        Case("instrument-valid-eu-ai-act", P["instrument"], {"instrument": "eu-ai-act"},
             expect={"instrument": "eu-ai-act"}, fast=True),
        Case("instrument-valid-pact", P["instrument"], {"instrument": "eu-ai-pact", "as_of": "2025-01-01"},
             expect={"instrument": "eu-ai-pact", "as_of": date(2025, 1, 1)}),
        Case("instrument-selection-not-instrument", P["instrument"], {"instrument": "binding"},
             reset={"instrument"}),
        Case("company-valid-tiktok", P["company"], {"company": "tiktok"}, expect={"company": "tiktok"}, fast=True),
        Case("company-valid-mistral", P["company"], {"company": "mistral-ai"}, expect={"company": "mistral-ai"}),
        Case("data_and_sources-valid-as_of-explicit-default", P["data_and_sources"], {"as_of": "2026-06-30"}, fast=True),
    ]
    return c


CASES = _cases()
_ids = [c.id for c in CASES]
assert len(_ids) == len(set(_ids)), "duplicate case ids"


def _counts(cases) -> dict[str, int]:
    return {p: sum(c.page == p for c in cases) for p in PAGES}


# --- what the page sends to the browser ------------------------------------------------------------------------------

def _proto_strings(msg: Message, out: list[str]) -> None:
    for fd, value in msg.ListFields():
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
    hits = [str(e.value) for e in at.info if "reset to defaults" in str(e.value) or "unknown link parameter" in str(e.value)]
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
        else:
            out[k] = v
    return out


def expected_values(case: Case) -> dict[str, Any]:
    _title, spec = PAGES[case.page]
    vals = {"as_of": DATASET_AS_OF, **{k: d for k, (_kind, d) in spec.items()}}
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

    # The browser's URL afterwards: exactly the canonical settings (hostile values and unknown keys dropped).
    qp = {k: v for k, v in at.query_params.items() if k.lower() not in ("embed", "embed_options")}
    assert qp == _canonical(want)

    for label, value in case.metrics.items():
        got = [m.value for m in at.metric if m.label == label]
        assert got == [value], (label, got)
    shown = texts(at) + "\n" + "\n".join(sb.options[sb.index] for sb in at.selectbox if sb.index is not None)
    for s in case.shows:
        assert s in shown, s


def _param(c: Case):
    marks = [pytest.mark.xfail(strict=True, reason=c.bug)] if c.bug else []
    c.fast = c.fast or bool(c.bug)  # known bugs stay visible in the default run
    return pytest.param(c, id=c.id, marks=marks)


_PARAMS = [_param(c) for c in CASES]
FAST = [c for c in CASES if c.fast]
BULK = [c for c in CASES if not c.fast]


@pytest.mark.unit
def test_case_counts(capsys):
    counts = _counts(CASES)
    fast = _counts(FAST)
    line = (f"tampered-URL cases: {len(CASES)} total ({len(FAST)} fast); per page: "
            + ", ".join(f"{_short(p)} {n} ({fast[p]} fast)" for p, n in counts.items()))
    with capsys.disabled():  # shown even under -q
        print("\n" + line)
    for p in PAGES:
        assert counts[p] >= 40, (p, counts[p])
        assert fast[p] >= 10, (p, fast[p])


@pytest.mark.app
@pytest.mark.parametrize("case", [p for p in _PARAMS if p.values[0].fast])
def test_tampered_url_fast(fixture_db, case):
    check_case(case)


# Measured on the shared 2-core machine: the whole file takes ~4.5 min wall (~2.3 min CPU) -> over the 4-minute
# budget, so the bulk half is `slow` (`make test-slow`); the fast half above always runs.
@pytest.mark.app
@pytest.mark.parametrize("case", [p for p in _PARAMS if not p.values[0].fast])
def test_tampered_url_bulk(fixture_db, case):
    check_case(case)


# --- URL round trip --------------------------------------------------------------------------------------------------

ROUND_TRIP = {
    "streamlit_app.py": {"as_of": "2025-01-01"},
    "pages/1_World_map.py": {"instrument": "eu-ai-pact", "as_of": "2025-06-01"},
    "pages/2_Entry_into_force.py": {"instrument": "cets-225", "whatif": "GBR,NOR", "as_of": "2025-06-01"},
    "pages/3_Binding_vs_voluntary.py": {"bloc": "eu", "region": "Europe", "as_of": "2025-06-01"},
    "pages/4_Corporate_stances.py": {"instruments": "ca-sb-1047,eu-ai-pact", "stance": "signed", "hq": "USA",
                                     "as_of": "2026-06-30"},
    "pages/5_Country.py": {"country": "NOR", "as_of": "2025-06-01"},
    "pages/6_Instrument.py": {"instrument": "eu-ai-act", "as_of": "2025-06-01"},
    "pages/7_Company.py": {"company": "openai", "as_of": "2025-06-01"},
    "pages/8_Data_and_sources.py": {"as_of": "2025-06-01"},
    "pages/9_Whats_new.py": {"instrument": "cets-225", "country": "NOR", "as_of": "2025-06-01"},
}


def _widget_state(at) -> dict[str, Any]:
    return {**{w.key: w.value for w in at.selectbox}, **{w.key: sorted(w.value) for w in at.multiselect},
            **{w.key: w.value for w in at.date_input}}


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
    """Negative control for `everything()`: it does see the map spec, the table bytes and the copy-link code."""
    at = run_page("pages/6_Instrument.py", {"instrument": "cets-225"})
    page = everything(at)
    assert "world_110m.geojson" in page  # pydeck spec (GeoJsonLayer URL)
    assert "Andorra" in page  # a signatory: only inside the dataframe's Arrow bytes and the map tooltips
    assert "instrument=cets-225" in page  # the copy-link st.code
