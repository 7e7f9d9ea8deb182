"""Hostile text (reliability probe 2026-12, 1a-1d, 2n, 2p): the build's text and host rules and the YAML bounds.

The build-level refusals (file:row: field: message, served release untouched) are cases in test_build_errors.py;
here: the rules as functions, what real text must still pass, and the timing of the YAML bound. The exports'
neutraliser is tested in test_formula_export.py."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from dashboard import fmt
from dashboard.textrules import host_problem, text_problems
from dashboard.validate import check_url, load_sources
from tests.test_build_errors import P, S, cell, replace

pytestmark = pytest.mark.unit

FORMULAS = ['=HYPERLINK("http://example.invalid","x")', "@SUM(1+1)", "-2+3+cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0"]
BILLION_LAUGHS = "\n".join(
    [
        "stances/main.csv:",
        '  _l0: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"  _l{i}: &{chr(98 + i - 1)} [{','.join(['*' + chr(97 + i - 1)] * 9)}]" for i in range(1, 9)),
        "  title: Test fixture carved from data/sources (stances)",
        "  producer: AI Governance Atlas tests",
        "  licence: CC BY 4.0",
        "  accessed: 2026-06-30",
        "  notes: *i",
        "",
    ]
)


# --- 1a-1d, 2p: the build's text rules --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [*FORMULAS, "＝1+1", "-", "@", "+44 20 7946 0000", "- see below"])
def test_formula_text_is_refused(value):
    assert any("spreadsheet" in p for p in text_problems(value.strip()))


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("Acme \u202eIA nepO\u202c", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("Open\u200bAI", "U+200B ZERO WIDTH SPACE"),
        ("Signed \u009b in Vilnius", "U+009B"),
        ("Adopted\u2028by the Council", "U+2028 LINE SEPARATOR"),
        ("a\u2066b\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("left\u200emark", "U+200E LEFT-TO-RIGHT MARK"),
        ("x\ufeffy", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("joiner\u2060here", "U+2060 WORD JOINER"),
        ("del\x7fete", "U+007F"),
        ("Tu\u0308rkiye", "NFC"),
        ("Micr\u043esoft", "mixes Latin and Cyrillic letters (U+043E CYRILLIC SMALL LETTER O)"),
        ("\uff2dicrosoft", "mixes Latin and Fullwidth Latin letters (U+FF2D FULLWIDTH LATIN CAPITAL LETTER M)"),
        ("\U0001d400I Act", "mixes Latin and Mathematical"),
        ("\u0391ct", "Greek"),
    ],
)
def test_hostile_text_is_refused_with_the_character_named(value, needle):
    problems = text_problems(value)
    assert any(needle in p for p in problems), problems
    assert not any(ch in p for p in problems for ch in "\u202e\u200b\u2066\u200e\ufeff")  # never echoed raw


@pytest.mark.parametrize(
    "value",
    [
        "Türkiye",
        "Côte d'Ivoire",
        "Curaçao",
        "São Tomé and Príncipe",
        "Hawaiʻi",
        "Ørsted",
        "İstanbul",
        "ǅemal",
        "인공지능 안전 서약",
        "人工智能安全承诺",
        "AIの安全性に関する広島プロセス",
        "Ｇ７広島サミット",
        "OpenAIは署名した",
        "Президент России",
        "Ελλάδα",
        "الذكاء الاصطناعي",
        "בינה מלאכותית",
        "-2",
        "+44",
        "5 µg",
        "We will not sign – yet",
        "“Quoted” text",
        "multi\nline\tnote",
    ],
)
def test_real_text_passes(value):
    assert text_problems(value) == []


# --- 2p: URL hosts ----------------------------------------------------------------------------------------------

COE_CYRILLIC = "c\u043e\u0435"  # c + Cyrillic о е: "coe"
ALL_CYRILLIC = "\u0441\u043e\u0435"  # Cyrillic с о е
HOSTILE_URLS = [
    f"https://www.{COE_CYRILLIC}.int/en/",
    f"https://www.{COE_CYRILLIC.encode('idna').decode()}.int/en/",
    f"https://www.{ALL_CYRILLIC.encode('idna').decode()}.int/en/",
    "https://www.xn--coe-.int/",
    "https://www.xn--coe-zzz9999.int/",
    "https://example.org/\u202egnp.exe",
    "https://example.org/a\u200bb",
    "https://example.org/a\u00a0b",
    "https://www.coe.int@example.org/treaty",
    "https://ex_ample.org/",
    "https://-example.org/",
    "https://example.org:abc/",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_check_url_refuses_lookalike_hosts_and_hidden_characters(url):
    why = check_url(url)
    assert why, f"accepted {url!r}"
    assert "\u202e" not in why and "\u200b" not in why


def test_check_url_names_the_lookalike_letter():
    assert "U+043E CYRILLIC SMALL LETTER O" in check_url(f"https://www.{COE_CYRILLIC}.int/en/")
    assert re.search(
        r"look-alike name: .*mixes Cyrillic and Latin letters \(U\+0063 LATIN SMALL LETTER C\)",
        check_url(f"https://www.{COE_CYRILLIC.encode('idna').decode()}.int/"),
    )
    assert "look like Latin" in check_url(f"https://www.{ALL_CYRILLIC.encode('idna').decode()}.int/")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.coe.int/en/web/conventions",
        "https://eur-lex.europa.eu/legal-content/EN/ALL/?uri=CELEX%3A32024D2218",
        "https://de.wikipedia.org/wiki/Künstliche_Intelligenz",
        "http://example.org:8080/a",
        f"https://{'президент'.encode('idna').decode()}.{'рф'.encode('idna').decode()}/",  # a real Cyrillic name
        f"https://{'中国政府'.encode('idna').decode()}.cn/",
    ],
)
def test_check_url_keeps_real_urls(url):
    assert check_url(url) is None


@pytest.mark.parametrize(
    "url",
    [
        *HOSTILE_URLS,
        "https://www.coe.int/en/web/conventions",
        "http://example.org:8080/a",
        "https://de.wikipedia.org/wiki/Künstliche_Intelligenz",
    ],
)
def test_every_url_the_build_accepts_the_app_links(url):
    """The probe's 2p: a host the build accepted and the app's safe_url then blanked (a fact row shown without its
    source). Now whatever check_url accepts, safe_url links."""
    if check_url(url) is None:
        assert fmt.safe_url(url) == url


def test_host_problem_of_plain_hosts():
    assert host_problem("www.coe.int") is None
    assert "non-ASCII" in host_problem("www.cое.int")


# --- 2n: YAML bounds and provenance types -----------------------------------------------------------------------


def test_billion_laughs_is_refused_in_well_under_a_second(sources_copy: Path):
    (sources_copy / P).write_text(
        (sources_copy / P)
        .read_text(encoding="utf-8")
        .replace(
            "stances/main.csv:\n  title: Test fixture carved from data/sources (stances)\n"
            "  producer: AI Governance Atlas tests\n  licence: CC BY 4.0\n  accessed: 2026-06-30\n",
            "",
        )
        + BILLION_LAUGHS,
        encoding="utf-8",
    )
    t0 = time.perf_counter()
    src = load_sources(sources_copy)
    elapsed = time.perf_counter() - t0
    msgs = [str(p) for p in src.problems]
    assert any(m.startswith(f"{P}: -: YAML expands to more than 50,000 values") for m in msgs), msgs
    assert elapsed < 1.0, f"{elapsed:.2f} s"


def test_provenance_text_is_published_as_given(sources_copy: Path):
    """The exception mechanism and accented text survive the build unchanged (minus the apostrophe)."""
    replace(
        P,
        "  title: Test fixture carved from data/sources (stances)",
        "  title: \"'-Stances of Türkiye and Côte d'Ivoire\"",
    )(sources_copy)
    cell(S, 3, "quote", "'=the formula sign is part of this quote")(sources_copy)
    cell(S, 4, "quote", "인공지능 안전 서약에 서명합니다")(sources_copy)
    cell(S, 5, "note", "-2")(sources_copy)
    src = load_sources(sources_copy)
    assert src.problems == []
    title = next(f["title"] for f in src.files if f["path"] == S)
    assert title == "-Stances of Türkiye and Côte d'Ivoire"
    quotes = src.tables["stances"]["quote"].tolist()
    assert "=the formula sign is part of this quote" in quotes and "인공지능 안전 서약에 서명합니다" in quotes
    assert "-2" in src.tables["stances"]["note"].tolist()
