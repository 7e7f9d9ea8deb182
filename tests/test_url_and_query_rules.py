"""One rule for a valid source URL (dashboard.fmt.url_problem: the build's check_url and the app's safe_url) and one
for a valid query value (dashboard.state.query_value), each in one function."""

from __future__ import annotations

import math
import re
from datetime import date

import pytest

from dashboard import config, db, fmt, state, validate

pytestmark = pytest.mark.app

# What the app linked before the one rule (fmt._SAFE_URL): kept here only to show no real link changed.
FORMER_APP_RULE = re.compile(r"https?://[A-Za-z0-9.-]+\.[A-Za-z0-9-]+(?::\d+)?(?:[/?#][^\s<>\"\\]*)?")

URLS = [
    "https://www.coe.int/en/web/conventions",
    "http://example.org/a?b=c",
    "http://example.org:8080/a",
    "https://eur-lex.europa.eu/legal-content/EN/ALL/?uri=CELEX%3A32024D2218",
    "https://de.wikipedia.org/wiki/Künstliche_Intelligenz",
    "https://xn--d1abbgf6aiiy.xn--p1ai/",
    "http://example.org:/a",  # an empty port: the build accepted it, the app used to blank it
    "https://example.org/a\u200bb",  # a zero-width space: the build refused it, the app used to link it
    "https://example.org/a\x01b",  # a control character: likewise
    "https://[abc.def/",  # a bracket outside an IPv6 address: urlsplit raises
    "javascript:alert(1)",
    " https://example.org/",
    "https://www.coe.int@example.org/",
    "https://www.cое.int/",
    "https://xn--www-w9d.example/",
    "https://localhost/",
    "https://example.org:99999/",
    "ftp://example.org/x",
    "HTTPS://EXAMPLE.ORG/",
    "https://exa mple.org",
    "https://example.org/<script>",
    "",
]


@pytest.mark.parametrize("url", URLS)
def test_the_app_links_exactly_what_the_build_accepts(url):
    """One rule: safe_url keeps a URL if and only if check_url has no objection to it."""
    assert validate.check_url is fmt.url_problem
    assert fmt.safe_url(url) == (url if validate.check_url(url) is None else None)


def test_the_former_disagreements_are_gone():
    # The build accepted these and the app showed the row without its source (2p of issue 10, continued):
    assert fmt.safe_url("http://example.org:/a") == "http://example.org:/a"
    # The app linked these although the build refuses them (a hidden or control character in the path):
    assert fmt.safe_url("https://example.org/a\u200bb") is None
    assert fmt.safe_url("https://example.org/a\x01b") is None
    assert "U+200B ZERO WIDTH SPACE" in validate.check_url("https://example.org/a\u200bb")


def test_a_bracket_in_the_host_is_a_message_not_a_crash():
    """urlsplit raises on `[` outside an IPv6 address: the build used to stop with a traceback, the app's safe_url
    would raise on a page. Now: a file:row message, and no link."""
    src = validate.Sources()
    assert validate._check_value(src, "instruments/x.csv", 3, "source_url", "url", "https://[abc.def/", {}) is None
    assert [str(p) for p in src.problems] == [
        "instruments/x.csv:3: source_url: URL is malformed: a [ or ] in the host part (only an IPv6 address is "
        "written in brackets)"
    ]
    assert fmt.safe_url("https://[abc.def/") is None


@pytest.mark.parametrize("value", [None, math.nan, 3, b"https://example.org/", ["https://example.org/"]])
def test_safe_url_of_what_is_not_text(value):
    assert fmt.safe_url(value) is None


def test_every_link_in_the_release_is_shown_as_before():
    """Behaviour kept for the real data: every URL the committed release holds is linked, as it was."""
    rel = config.ROOT / "data" / (config.ROOT / "data" / "CURRENT").read_text(encoding="utf-8").strip()
    parts = [
        f"SELECT {c} AS u FROM {t}"
        for t in ("instruments", "actions", "companies", "stances", "events", "memberships", "counts")
        for c in ("source_url", "evidence_url")
    ]
    parts += ["SELECT website FROM companies", "SELECT source_url FROM participants"]
    # The app's own read-only connection: one DuckDB instance per file and configuration in a process.
    con = db.connect(db.Release(str(rel), "file", "url-rules"))
    urls = [r[0] for r in con.execute(" UNION ".join(parts)).fetchall() if r[0]]
    assert len(urls) > 300
    for u in urls:
        assert fmt.safe_url(u) == u
        assert FORMER_APP_RULE.fullmatch(u)


# --- the query value rule -------------------------------------------------------------------------------------

DAY = state.Param("as_of", date(2026, 12, 1), kind="date", lo=date(2016, 1, 1), hi=date(2026, 12, 1))
NUM = state.Param("n", 5, kind="int", lo=1, hi=50)
MULTI = state.Param("whatif", (), kind="multi", choices=lambda: {"GBR", "NOR", "FRA"})
ONE = state.Param("instrument", "cets-225", choices=lambda: {"cets-225", "eu-ai-act"})


@pytest.mark.parametrize(
    ("p", "raw", "value"),
    [
        (DAY, "2025-01-01", date(2025, 1, 1)),
        (NUM, "12", 12),
        (MULTI, "NOR,GBR", ("GBR", "NOR")),
        (MULTI, "", ()),
        (ONE, "eu-ai-act", "eu-ai-act"),
    ],
)
def test_query_value_keeps_valid_values(p, raw, value):
    assert state.query_value(p, raw) == value


@pytest.mark.parametrize(
    ("p", "raw"),
    [
        (DAY, "2015-12-31"),
        (DAY, "2026-12-02"),
        (DAY, "2026-W01-1"),
        (DAY, "20250101"),
        (DAY, "2025-02-30"),
        (NUM, "0"),
        (NUM, "51"),
        (NUM, "-1"),
        (NUM, "1e3"),
        (NUM, "1234567"),
        (MULTI, "NOR,NOR"),
        (MULTI, "NOR,XXX"),
        (MULTI, ",".join(["GBR"] * 61)),
        (ONE, "cets-226"),
        (ONE, "CETS-225"),
        (ONE, "cets-225\n"),
        (ONE, "cets-225\t"),
        (ONE, "\u202ecets-225"),
        (ONE, "cets\u200b-225"),
        (ONE, "x" * 201),
        (ONE, "<script>"),
    ],
)
def test_query_value_refuses_invalid_values(p, raw):
    with pytest.raises(ValueError):
        state.query_value(p, raw)


def test_plain_query_text_is_the_text_part_of_the_rule():
    assert state.plain_query_text("cets-225") == "cets-225"
    assert state.plain_query_text("x" * 200) == "x" * 200
    for bad in ("x" * 201, "a\tb", "a\nb", "a\x00b", "a\u2066b", "a\u202eb", "a\u200bb", "a\ufeffb", "a\u2028b"):
        assert state.plain_query_text(bad) is None


def test_parse_decides_with_query_value():
    """parse() takes a value exactly when query_value does, and resets the parameter (by name only) otherwise."""
    spec = [DAY, NUM, MULTI, ONE]
    for raw in ("2025-01-01", "12", "NOR,GBR", "eu-ai-act", "cets\u200b-225", "x" * 201, "2026-W01-1", ""):
        for p in spec:
            parsed = state.parse(spec, {p.name: [raw]})
            try:
                want = state.query_value(p, raw)
            except ValueError:
                assert parsed.reset == [p.name] and parsed.values[p.name] == p.default
                assert not raw or raw not in (parsed.notice or "")
            else:
                assert parsed.reset == [] and parsed.values[p.name] == want
