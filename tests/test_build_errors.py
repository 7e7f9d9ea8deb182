"""Malformed sources: every case must be refused with file:row: field: message, and the served release untouched.

Each case is data: a list of mutations applied to a writable copy of tests/fixtures/sources and the problems the
build must report. The build runs as a subprocess (`python -m dashboard.build`) against a data dir that already
serves a good release of the unmodified fixture; afterwards CURRENT, the served release and the rest of the data
dir must be byte-identical and no new release may have appeared. The case builds run two or more at a time from a
module fixture (each is a ~1 s subprocess) to keep the suite fast; the other tests use `sources_copy`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dashboard import validate
from dashboard.build import build
from tests.conftest import FIXTURE_SOURCES

pytestmark = pytest.mark.app

ROOT = Path(__file__).resolve().parent.parent

Mutation = Callable[[Path], None]


# --- mutations (each returns a function of the sources dir) ---------------------------------------------------


def cell(file: str, line: int, column: str, value: str) -> Mutation:
    """Set one CSV cell: `line` is the physical line number (header = 1); the fixture has no multi-line records."""

    def apply(src: Path) -> None:
        p = src / file
        lines = p.read_text(encoding="utf-8").split("\n")
        header = next(csv.reader([lines[0]]))
        rec = next(csv.reader([lines[line - 1]]))
        assert len(rec) == len(header), f"{file}:{line} is not a one-line record"
        rec[header.index(column)] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(rec)
        lines[line - 1] = buf.getvalue()
        p.write_text("\n".join(lines), encoding="utf-8")

    return apply


def raw_cell(file: str, line: int, column: str, raw: str) -> Mutation:
    """Like `cell` but writes `raw` verbatim (no CSV quoting), e.g. a value with a leading space."""

    def apply(src: Path) -> None:
        p = src / file
        lines = p.read_text(encoding="utf-8").split("\n")
        header = next(csv.reader([lines[0]]))
        rec = next(csv.reader([lines[line - 1]]))
        placeholder = "\x00CELL\x00"
        rec[header.index(column)] = placeholder
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(rec)
        lines[line - 1] = buf.getvalue().replace(placeholder, raw)
        p.write_text("\n".join(lines), encoding="utf-8")

    return apply


def replace(file: str, old: str, new: str) -> Mutation:
    def apply(src: Path) -> None:
        p = src / file
        text = p.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} must occur exactly once in {file}"
        p.write_text(text.replace(old, new), encoding="utf-8")

    return apply


def copy_line(file: str, line: int, to_file: str | None = None) -> Mutation:
    """Append a copy of `file` line `line` to the end of `to_file` (default: the same file)."""

    def apply(src: Path) -> None:
        row = (src / file).read_text(encoding="utf-8").split("\n")[line - 1]
        dst = src / (to_file or file)
        text = dst.read_text(encoding="utf-8")
        dst.write_text(text + ("" if text.endswith("\n") else "\n") + row + "\n", encoding="utf-8")

    return apply


def drop_lines(file: str, first: int, last: int) -> Mutation:
    def apply(src: Path) -> None:
        p = src / file
        lines = p.read_text(encoding="utf-8").split("\n")
        del lines[first - 1 : last]
        p.write_text("\n".join(lines), encoding="utf-8")

    return apply


def write(file: str, text: str) -> Mutation:
    def apply(src: Path) -> None:
        (src / file).write_text(text, encoding="utf-8")

    return apply


def header_of(file: str, to_file: str) -> Mutation:
    """Create `to_file` holding only the header of `file`."""

    def apply(src: Path) -> None:
        head = (src / file).read_text(encoding="utf-8").split("\n")[0]
        (src / to_file).write_text(head + "\n", encoding="utf-8")

    return apply


def bytes_edit(file: str, fn: Callable[[bytes], bytes]) -> Mutation:
    def apply(src: Path) -> None:
        p = src / file
        p.write_bytes(fn(p.read_bytes()))

    return apply


def provenance_for(file: str) -> Mutation:
    entry = (
        f"{file}:\n  title: Extra test file\n  producer: AI Governance Atlas tests\n  licence: CC BY 4.0\n"
        "  accessed: 2026-06-30\n"
    )

    def apply(src: Path) -> None:
        p = src / "provenance" / "fixture.yml"
        p.write_text(p.read_text(encoding="utf-8") + entry, encoding="utf-8")

    return apply


# --- cases ------------------------------------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    mutations: list[Mutation]
    # (file, row, field, regex on the message); row 0 = the whole file ("error: file: field: message")
    expected: list[tuple[str, int, str, str]]
    xfail: str | None = None
    extra_args: list[str] = field(default_factory=list)


A = "actions/main.csv"
I = "instruments/main.csv"  # noqa: E741
S = "stances/main.csv"
C = "companies/main.csv"
E = "events/main.csv"
M = "memberships/blocs.csv"
O = "organisations.csv"  # noqa: E741
P = "provenance/fixture.yml"
NOT_URL = r"URL must start with http:// or https:// \(scheme '{}' is not allowed\)"
ACTION_KEY = "instrument_id,participant_id,action,action_date"
FORMULA = r"text starts with {}, which a spreadsheet opening the CSV runs as a formula; .*leading apostrophe"
# Nine levels of nine aliases: 9**9 = 387,420,489 strings once expanded (the probe's 2n), inside a real entry.
BOMB = "\n".join(
    [
        '  _l0: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"  _l{i}: &{chr(97 + i)} [{','.join(['*' + chr(96 + i)] * 9)}]" for i in range(1, 9)),
    ]
)

CASES = [
    Case("missing-source-url", [cell(A, 3, "source_url", "")], [(A, 3, "source_url", r"required value is missing")]),
    Case(
        "javascript-url",
        [cell(A, 4, "source_url", "javascript:alert(1)")],
        [(A, 4, "source_url", NOT_URL.format("javascript"))],
    ),
    Case(
        "obfuscated-javascript-url",
        [raw_cell(A, 5, "source_url", " JaVaScRiPt:alert(1)")],
        [(A, 5, "source_url", r"leading or trailing white space"), (A, 5, "source_url", NOT_URL.format("JaVaScRiPt"))],
    ),
    Case(
        "javascript-url-in-company-website",
        [cell(C, 3, "website", "javascript:alert(document.cookie)")],
        [(C, 3, "website", NOT_URL.format("javascript"))],
    ),
    Case(
        "ftp-url",
        [cell(S, 3, "source_url", "ftp://ftp.example.org/pub/statement.txt")],
        [(S, 3, "source_url", NOT_URL.format("ftp"))],
    ),
    Case(
        "data-url",
        [cell(E, 4, "source_url", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")],
        [(E, 4, "source_url", NOT_URL.format("data"))],
    ),
    Case(
        "url-with-space",
        [cell(A, 6, "source_url", "https://www.coe.int/en/web/conventions/full list")],
        [(A, 6, "source_url", r"URL contains white space")],
    ),
    Case(
        "url-without-host",
        [cell(O, 3, "source_url", "https://localhost/commission")],
        [(O, 3, "source_url", r"URL has no valid host name \('localhost'\)")],
    ),
    Case(
        "company-id-not-a-slug",
        [cell(C, 2, "company_id", "Amazon Inc")],
        [(C, 2, "company_id", r"id 'Amazon Inc' is not a lowercase slug like 'cets-225'")],
    ),
    Case(
        "organisation-code-lower-case",
        [cell(O, 3, "participant_id", "auc")],
        [(O, 3, "participant_id", r"organisation code 'auc' must be 2-5 upper-case letters")],
    ),
    Case(
        "unknown-iso-code",
        [cell(A, 7, "participant_id", "XXX")],
        [(A, 7, "participant_id", r"unknown participant code .*'XXX': dangling reference")],
    ),
    Case(
        "duplicate-row-same-file",
        [copy_line(A, 2)],
        [(A, 65, ACTION_KEY, r"duplicate of actions/main\.csv:2 \(cets-225, AND, signed, 2024-09-05\)")],
    ),
    Case(
        "duplicate-row-two-files",
        [
            header_of(A, "actions/zz-extra.csv"),
            copy_line(A, 9, "actions/zz-extra.csv"),
            provenance_for("actions/zz-extra.csv"),
        ],
        [("actions/zz-extra.csv", 2, ACTION_KEY, r"duplicate of actions/main\.csv:9 \(cets-225, ISR, signed")],
    ),
    Case(
        "dangling-instrument-id",
        [cell(A, 12, "instrument_id", "cets-999")],
        [(A, 12, "instrument_id", r"unknown instrument id 'cets-999': dangling reference")],
    ),
    Case(
        "dangling-company-id",
        [cell(S, 4, "company_id", "amazon-inc")],
        [(S, 4, "company_id", r"unknown company id 'amazon-inc': dangling reference")],
    ),
    Case(
        "bad-action-enum",
        [cell(A, 23, "action", "ratifyed")],
        [(A, 23, "action", r"'ratifyed' is not one of: signed, ratified, approved")],
    ),
    Case("bad-bool", [cell(C, 6, "verified", "yes")], [(C, 6, "verified", r"'yes' is not true or false")]),
    Case(
        "ratified-before-signed",
        [cell(A, 23, "action", "ratified"), cell(A, 23, "action_date", "2024-08-01")],
        [(A, 23, "action_date", r"ratified on 2024-08-01 is before the signature on 2024-09-05")],
    ),
    Case(
        "date-after-as-of",
        [cell(A, 22, "action_date", "2026-07-01")],
        [(A, 22, "action_date", r"date 2026-07-01 is after the dataset's as-of date 2026-06-30")],
    ),
    Case(
        "impossible-date",
        [cell(A, 12, "action_date", "2024-13-45")],
        [(A, 12, "action_date", r"'2024-13-45' is not a date in YYYY-MM-DD form")],
    ),
    Case(
        "non-iso-date",
        [cell(S, 8, "stance_date", "25/09/2024")],
        [(S, 8, "stance_date", r"'25/09/2024' is not a date in YYYY-MM-DD form")],
    ),
    Case(
        "bad-utf8",
        [
            bytes_edit(
                S,
                lambda b: b.replace(
                    b"(Politico, Agence Europe, The Independent)", b"(Politico, Agence Europe, The Ind\xffpendent)", 1
                ),
            )
        ],
        [(S, 2, "-", r"not valid UTF-8 \(byte 0xff at offset \d+\)")],
    ),
    Case("utf8-bom", [bytes_edit(C, lambda b: b"\xef\xbb\xbf" + b)], [(C, 1, "-", r"byte-order mark \(BOM\)")]),
    Case(
        "crlf-line-endings",
        [bytes_edit(E, lambda b: b.replace(b"\n", b"\r\n"))],
        [(E, 0, "-", r"Windows \(CRLF\) .*line endings")],
    ),
    Case(
        "wrong-column-count",
        [replace(S, 'no quote)"\n', 'no quote)",extra\n')],
        [(S, 7, "-", r"expected 13 fields, found 14")],
    ),
    Case(
        "unterminated-quote",
        [replace(C, '"Redmond, Washington."', '"Redmond, Washington.')],
        [(C, 0, "-", r"malformed CSV")],
    ),
    Case(
        "unknown-column",
        [replace(E, "checked_on,verified\n", "checked_on,verified,extra_col\n")],
        [(E, 1, "extra_col", r"unknown column\(s\)")],
    ),
    Case(
        "missing-column",
        [replace(C, "company_id,name,hq_country,website,", "company_id,name,website,")],
        [(C, 1, "hq_country", r"missing column\(s\); expected columns: company_id, name, hq_country")],
    ),
    Case(
        "yaml-error-provenance",
        [replace(P, "  title: Test fixture carved from data/sources (stances)", "  title: Test: fixture: stances")],
        [(P, 12, "-", r"YAML syntax error: mapping values are not allowed here")],
    ),
    Case(
        "yaml-error-dataset",
        [write("dataset.yml", 'version: "fixture-1"\n as_of: 2026-06-30\n')],
        [("dataset.yml", 2, "-", r"YAML syntax error: ")],
    ),
    Case(
        "no-provenance-entry",
        [
            replace(
                P,
                "companies/main.csv:\n  title: Test fixture carved from data/sources (companies)\n"
                "  producer: AI Governance Atlas tests\n  licence: CC BY 4.0\n  accessed: 2026-06-30\n",
                "",
            )
        ],
        [(C, 0, "-", r"no provenance entry in provenance/\*\.yml")],
    ),
    Case(
        "provenance-for-missing-file",
        [provenance_for("events/gone.csv")],
        [("provenance", 0, "events/gone.csv", r"provenance entry for a file that does not exist")],
    ),
    Case(
        "lost-40-percent-of-rows",
        [drop_lines(A, 27, 52)],  # 63 rows -> 37
        [(A, 0, "-", r"has 37 rows, the served release had 63: more than 25% lost; rerun with --allow-shrink")],
    ),
    Case(
        "eif-rule-partial",
        [cell(I, 2, "eif_delay_months", "")],
        [(I, 2, "eif_parties_required", r"entry-into-force rule must give all three")],
    ),
    Case(
        "in-force-without-date",
        [cell(I, 4, "status", "in_force")],
        [(I, 4, "in_force_on", r"status is in_force but in_force_on is empty")],
    ),
    Case(
        "row-number-after-multiline-record",
        [
            cell(S, 5, "company_id", "nobody"),  # the openai row; then record 1 becomes two lines, so that row
            cell(S, 2, "note", "On the first signatory list\n(Politico, Agence Europe, The Independent)"),
        ],  # -> line 6
        [(S, 6, "company_id", r"unknown company id 'nobody'")],
    ),
    Case(
        "month-precision-not-first-of-month",
        [cell(A, 12, "date_precision", "month")],  # 2024-11-05, month
        [(A, 12, "date_precision", r"month")],
    ),
    # Malformed dataset.yml values are reported as problems, not tracebacks.
    Case(
        "dataset-yml-empty",
        [write("dataset.yml", "# version and as_of forgotten\n")],
        [("dataset.yml", 0, "-", r"must be a mapping with version and as_of")],
    ),
    Case(
        "dataset-yml-as-of-timestamp",
        [write("dataset.yml", 'version: "fixture-1"\nas_of: 2026-06-30T12:00:00\n')],
        [("dataset.yml", 0, "as_of", r"not a date in YYYY-MM-DD form")],
    ),
    # Reliability probe 2026-12. 1a-1d: text a spreadsheet would run as a formula (also after a leading TAB).
    *(
        Case(f"formula-{name}", [cell(f, line, col, value)], [(f, line, col, FORMULA.format(sign))])
        for name, f, line, col, value, sign in [
            ("hyperlink-in-quote", S, 3, "quote", '=HYPERLINK("http://example.invalid","x")', "'='"),
            ("at-in-quote-by", S, 3, "quote_by", "@SUM(1+1)", "'@'"),
            ("minus-dde-in-stance-note", S, 4, "note", "-2+3+cmd|' /C calc'!A0", "'-'"),
            ("plus-dde-in-company-name", C, 3, "name", "+1+cmd|' /C calc'!A0", r"'\+'"),
            ("hyperlink-in-company-note", C, 4, "note", '=HYPERLINK("http://example.invalid","x")', "'='"),
            ("hyperlink-in-event-title", E, 3, "title", '=HYPERLINK("http://example.invalid","click")', "'='"),
            ("hyperlink-in-instrument-summary", I, 3, "summary", '=HYPERLINK("http://example.invalid","x")', "'='"),
            ("at-in-instrument-note", I, 4, "note", "@SUM(1+1)*cmd|' /C calc'!A0", "'@'"),
            ("hyperlink-in-action-note", A, 5, "note", '=HYPERLINK("http://example.invalid","x")', "'='"),
            ("hyperlink-in-organisation-name", O, 2, "name", "=1+1", "'='"),
            ("after-leading-tab", S, 5, "quote", "\t=1+1", "'='"),  # 1d: the TAB was stripped into a formula
            ("after-leading-spaces", M, 3, "note", "   =1+1", "'='"),
            ("fullwidth-equals", E, 4, "title", "\uff1d1+1", "'\uff1d'"),
        ]
    ),
    Case(
        "formula-in-provenance-title",
        [
            replace(
                P,
                "  title: Test fixture carved from data/sources (stances)",
                '  title: \'=HYPERLINK("http://example.invalid","prov") stances\'',
            )
        ],
        [(P, 0, "stances/main.csv.title", FORMULA.format("'='"))],
    ),
    # 2p: invisible, reordering and look-alike characters in text, named by code point.
    *(
        Case(f"text-{name}", [cell(f, line, col, value)], [(f, line, col, pattern)])
        for name, f, line, col, value, pattern in [
            (
                "rtl-override-in-company-name",
                C,
                4,
                "name",
                "Acme \u202eIA nepO\u202c",
                r"invisible formatting character, U\+202E RIGHT-TO-LEFT OVERRIDE",
            ),
            ("zero-width-space-in-company-name", C, 5, "name", "Open\u200bAI", r"U\+200B ZERO WIDTH SPACE"),
            (
                "c1-control-in-action-note",
                A,
                6,
                "note",
                "Signed \u009b in Vilnius",
                r"text contains a control character, U\+009B",
            ),
            ("line-separator-in-event-title", E, 5, "title", "Adopted\u2028by the Council", r"U\+2028 LINE SEPARATOR"),
            ("bidi-isolate-in-stance-note", S, 6, "note", "a\u2066b\u2069", r"U\+2066 LEFT-TO-RIGHT ISOLATE"),
            ("rtl-mark-in-quote-by", S, 7, "quote_by", "CEO\u200f", r"U\+200F RIGHT-TO-LEFT MARK"),
            ("bom-inside-instrument-note", I, 2, "note", "Treaty\ufeffchart", r"U\+FEFF ZERO WIDTH NO-BREAK SPACE"),
            ("word-joiner-in-short-name", I, 5, "short_name", "EU\u2060AI", r"U\+2060 WORD JOINER"),
            ("del-in-membership-note", M, 4, "note", "x\x7fy", r"control character, U\+007F"),
            ("nfd-in-company-note", C, 6, "note", "Office in Tu\u0308rkiye", r"not in Unicode NFC form"),
            (
                "cyrillic-o-in-company-name",
                C,
                7,
                "name",
                "Micr\u043esoft",
                r"the word 'Micr.soft' mixes Latin and Cyrillic letters \(U\+043E CYRILLIC SMALL LETTER O\)",
            ),
            (
                "fullwidth-letter-in-company-name",
                C,
                8,
                "name",
                "\uff2dicrosoft",
                r"mixes Latin and Fullwidth Latin letters \(U\+FF2D FULLWIDTH LATIN CAPITAL LETTER M\)",
            ),
            (
                "greek-alpha-in-event-title",
                E,
                6,
                "title",
                "EU AI \u0391ct enters into force",
                r"mixes Latin and Greek letters \(U\+0391 GREEK CAPITAL LETTER ALPHA\)",
            ),
        ]
    ),
    Case(
        "text-rtl-override-in-provenance-notes",
        [
            replace(
                P,
                "  title: Test fixture carved from data/sources (events)",
                '  title: Test fixture carved from data/sources (events)\n  notes: "fine \\u202eenif"',
            )
        ],
        [(P, 0, "events/main.csv.notes", r"U\+202E RIGHT-TO-LEFT OVERRIDE")],
    ),
    # 2p: a copy that differs only in case, or a second company under a new id with the same name.
    Case(
        "event-title-differs-only-in-case",
        [
            copy_line(E, 2),
            cell(E, 31, "title", "ADOPTED BY THE COUNCIL OF EUROPE COMMITTEE OF MINISTERS AT ITS 133RD SESSION"),
        ],
        [(E, 31, "instrument_id,event_date,title", r"duplicate of events/main\.csv:2 \(cets-225, 2024-05-17, ADOPTED")],
    ),
    Case(
        "company-same-name-new-id",
        [copy_line(C, 7), cell(C, 12, "company_id", "microsoft-corp")],
        [(C, 12, "name", r"'Microsoft' is already the name of company 'microsoft' \(companies/main\.csv:7\)")],
    ),
    # 2p: URLs whose host mixes scripts or looks like another, or that hide characters.
    *(
        Case(f"url-{name}", [cell(f, line, "source_url", value)], [(f, line, "source_url", pattern)])
        for name, f, line, value, pattern in [
            (
                "cyrillic-host",
                A,
                8,
                "https://www.c\u043e\u0435.int/en/",
                r"host name has a non-ASCII character \(U\+043E CYRILLIC SMALL LETTER O\)",
            ),
            (
                "punycode-mixed-script-host",
                A,
                9,
                "https://www." + "c\u043ee".encode("idna").decode() + ".int/en/",
                r"international look-alike name: .*mixes Latin and Cyrillic",
            ),
            (
                "punycode-all-lookalike-host",
                S,
                8,
                "https://www." + "\u0441\u043e\u0435".encode("idna").decode() + ".int/",
                r"made only of letters that look like Latin ones",
            ),
            (
                "rtl-override-in-path",
                E,
                7,
                "https://www.coe.int/en/\u202egnp.exe",
                r"URL contains an invisible formatting character, U\+202E",
            ),
            ("user-name-before-host", C, 9, "https://www.coe.int@example.org/treaty", r"user name before the host"),
        ]
    ),
    # 2n: YAML alias bomb, an oversized file, provenance fields of the wrong type or unknown.
    Case(
        "yaml-billion-laughs",
        [
            replace(
                P,
                "stances/main.csv:\n  title: Test fixture carved from data/sources (stances)",
                "stances/main.csv:\n" + BOMB + "\n  title: Test fixture carved from data/sources (stances)",
            ),
            replace(
                P,
                "  title: Test fixture carved from data/sources (events)",
                "  title: Test fixture carved from data/sources (events)\n  notes: *i",
            ),
        ],
        [(P, 0, "-", r"YAML expands to more than 50,000 values through its aliases")],
    ),
    Case(
        "yaml-file-too-large",
        [write("provenance/zz-big.yml", "# " + "x" * 300_000 + "\n")],
        [("provenance/zz-big.yml", 0, "-", r"YAML file is 300,003 bytes; at most 262,144 allowed")],
    ),
    *(
        Case(f"provenance-{name}", [replace(P, old, new)], [(P, 0, fld, pattern)])
        for name, old, new, fld, pattern in [
            (
                "title-is-a-list",
                "  title: Test fixture carved from data/sources (stances)",
                "  title: [a, b]",
                "stances/main.csv.title",
                r"must be text, not a list",
            ),
            (
                "title-is-a-mapping",
                "  title: Test fixture carved from data/sources (stances)",
                "  title: {k: v}",
                "stances/main.csv.title",
                r"must be text, not a mapping",
            ),
            (
                "producer-is-a-number",
                "(events)\n  producer: AI Governance Atlas tests",
                "(events)\n  producer: 12",
                "events/main.csv.producer",
                r"must be text, not a number",
            ),
            (
                "accessed-is-a-list",
                "(companies)\n  producer: AI Governance Atlas tests\n  licence: CC BY 4.0\n  accessed: 2026-06-30",
                "(companies)\n  producer: AI Governance Atlas tests\n  licence: CC BY 4.0\n  accessed: [2026-06-30]",
                "companies/main.csv.accessed",
                r"must be a date in YYYY-MM-DD form, not a list",
            ),
            (
                "unknown-field",
                "  title: Test fixture carved from data/sources (stances)",
                "  title: Test fixture carved from data/sources (stances)\n  _l0: hidden",
                "stances/main.csv._l0",
                r"unknown field; a provenance entry has: title, producer, licence, accessed, notes",
            ),
        ]
    ),
]


assert len({c.id for c in CASES}) == len(CASES), "duplicate case ids"  # case_runs is keyed by id


def _params():
    for c in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else []
        yield pytest.param(c, id=c.id, marks=marks)


# --- helpers ----------------------------------------------------------------------------------------------------


def snapshot(data_dir: Path) -> dict[str, str]:
    """sha256 of every file under the data dir (CURRENT, releases, temp files)."""
    return {
        p.relative_to(data_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data_dir.rglob("*"))
        if p.is_file()
    }


def run_build(src: Path, data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard.build", "--sources", str(src), "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("error: ")]


def assert_reported(stderr: str, file: str, row: int, fld: str, pattern: str) -> None:
    prefix = f"error: {file}:{row}: {fld}: " if row else f"error: {file}: {fld}: "
    messages = [ln[len(prefix) :] for ln in error_lines(stderr) if ln.startswith(prefix)]
    assert any(re.search(pattern, m) for m in messages), (
        f"expected a line starting {prefix!r} matching {pattern!r}; got:\n{stderr}"
    )


@pytest.fixture(scope="module")
def served(fixture_release: Path) -> Path:
    """The data dir holding the good fixture release (shared; tests copy it, never write it)."""
    return fixture_release.parent.parent


@pytest.fixture
def data_dir(served: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(served, dst)
    return dst


@dataclass
class Run:
    result: subprocess.CompletedProcess | None
    before: dict[str, str] | None = None
    after: dict[str, str] | None = None
    served_name: str = ""
    error: BaseException | None = None


@pytest.fixture(scope="module")
def case_runs(served: Path, tmp_path_factory) -> dict[str, Run]:
    """Run every case's build once, a few at a time (each is a ~1 s subprocess, mostly import time).

    Each case gets its own copy of the fixture sources (mutated) and of the served data dir."""
    base = tmp_path_factory.mktemp("cases")

    def one(case: Case) -> Run:
        try:
            src, data = base / case.id / "sources", base / case.id / "data"
            shutil.copytree(FIXTURE_SOURCES, src)
            shutil.copytree(served, data)
            for m in case.mutations:
                m(src)
            before = snapshot(data)
            name = (data / "CURRENT").read_text().strip()
            res = run_build(src, data, *case.extra_args)
            return Run(res, before, snapshot(data), name)
        except Exception as exc:  # reported by the case's own test
            return Run(None, error=exc)

    with ThreadPoolExecutor(max_workers=max(2, min(8, os.cpu_count() or 2))) as pool:
        return dict(zip([c.id for c in CASES], pool.map(one, CASES), strict=False))


# --- tests ------------------------------------------------------------------------------------------------------


def _column_type(file: str, fld: str) -> str | None:
    """The validator's type family of a source column ('enum', 'ref', 'date', ...), from dashboard.validate."""
    table = file.split("/")[0].removesuffix(".csv")
    cols = validate.ORG_COLUMNS if table == "organisations" else validate.TABLES.get(table, {}).get("columns", {})
    typ = cols.get(fld)
    return typ.lstrip("?").split(":")[0] if typ else None


def test_every_column_type_of_the_validator_has_a_malformed_case():
    """Driven by the validator's own column table: a column type that the build checks (now or after a change to
    dashboard/validate.py) must have at least one case here whose expected error is on a column of that type."""
    types = {t.lstrip("?").split(":")[0] for spec in validate.TABLES.values() for t in spec["columns"].values()}
    types |= {t.lstrip("?").split(":")[0] for t in validate.ORG_COLUMNS.values()}
    covered = {_column_type(file, fld) for c in CASES for file, _row, fld, _pattern in c.expected}
    assert types - covered == set(), f"column types with no malformed case: {sorted(types - covered)}"


@pytest.mark.parametrize("case", _params())
def test_malformed_source_is_refused(case: Case, case_runs: dict[str, Run]):
    run = case_runs[case.id]
    if run.error is not None:
        raise run.error
    res = run.result
    assert run.served_name.startswith("releases/atlas-") and run.served_name in run.before

    assert res.returncode != 0, res.stdout + res.stderr
    for file, row, fld, pattern in case.expected:
        assert_reported(res.stderr, file, row, fld, pattern)
    n = len(error_lines(res.stderr))
    assert f"build failed: {n} problem(s); the served release was not changed" in res.stderr
    assert "Traceback" not in res.stderr
    # CURRENT and the served release byte-identical; no new release, no temp file left behind.
    assert run.after == run.before


def test_shrink_is_accepted_with_allow_shrink(sources_copy: Path, data_dir: Path):
    drop_lines(A, 27, 52)(sources_copy)
    old_pointer = (data_dir / "CURRENT").read_text()
    res = run_build(sources_copy, data_dir, "--allow-shrink")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("published ")
    new_pointer = (data_dir / "CURRENT").read_text()
    assert new_pointer != old_pointer
    import duckdb

    with duckdb.connect(str(data_dir / new_pointer.strip()), read_only=True) as con:
        assert con.execute("SELECT rows FROM source_files WHERE path = ?", [A]).fetchone()[0] == 37
        assert con.execute("SELECT count(*) FROM actions").fetchone()[0] == 37


def test_many_problems_in_one_run(sources_copy: Path, data_dir: Path):
    """Eight problems in eight different files: all reported in one run, nothing else."""
    expected = [
        (A, 4, "source_url", NOT_URL.format("javascript")),
        (I, 4, "in_force_on", r"status is in_force but in_force_on is empty"),
        (S, 4, "company_id", r"unknown company id 'amazon-inc'"),
        (C, 5, "verified", r"'yes' is not true or false"),
        (E, 3, "event_date", r"'2024-13-45' is not a date"),
        (M, 2, "bloc", r"'nato' is not one of: coe, eu"),
        (O, 2, "source_url", NOT_URL.format("ftp")),
        (P, 0, "instruments/main.csv.accessed", r"'someday' is not a date in YYYY-MM-DD form"),
    ]
    for m in [
        cell(A, 4, "source_url", "javascript:alert(1)"),
        cell(I, 4, "status", "in_force"),
        cell(S, 4, "company_id", "amazon-inc"),
        cell(C, 5, "verified", "yes"),
        cell(E, 3, "event_date", "2024-13-45"),
        cell(M, 2, "bloc", "nato"),
        cell(O, 2, "source_url", "ftp://europa.eu/"),
        replace(
            P,
            "(instruments)\n  producer: AI Governance Atlas tests\n  licence: CC BY 4.0\n  accessed: 2026-06-30",
            "(instruments)\n  producer: AI Governance Atlas tests\n  licence: CC BY 4.0\n  accessed: someday",
        ),
    ]:
        m(sources_copy)
    before = snapshot(data_dir)
    res = run_build(sources_copy, data_dir)
    assert res.returncode == 1
    for exp in expected:
        assert_reported(res.stderr, *exp)
    assert len(error_lines(res.stderr)) == len(expected), res.stderr
    assert len({ln.split(":")[1].strip() for ln in error_lines(res.stderr)}) == len(expected)  # 8 distinct files
    assert f"build failed: {len(expected)} problem(s)" in res.stderr
    assert snapshot(data_dir) == before


def test_check_mode_writes_nothing(sources_copy: Path, data_dir: Path, tmp_path: Path):
    # Valid but changed sources: a build would publish; --check must not.
    cell(A, 2, "note", "Opening-day signatory (Vilnius, Lithuania)")(sources_copy)
    before = snapshot(data_dir)
    res = run_build(sources_copy, data_dir, "--check")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("sources OK: ")
    assert snapshot(data_dir) == before

    # Broken sources against an empty data dir: reported, and the dir stays empty (no CURRENT, no releases/).
    cell(A, 3, "source_url", "javascript:alert(1)")(sources_copy)
    empty = tmp_path / "empty"
    empty.mkdir()
    res = run_build(sources_copy, empty, "--check")
    assert res.returncode == 1
    assert_reported(res.stderr, A, 3, "source_url", NOT_URL.format("javascript"))
    assert list(empty.iterdir()) == []


def test_deleted_source_file_counts_as_lost_rows(sources_copy: Path, tmp_path: Path):
    # A served release whose events are split over two files ...
    lines = (sources_copy / E).read_text(encoding="utf-8").split("\n")
    (sources_copy / "events" / "later.csv").write_text("\n".join([lines[0], *lines[20:]]), encoding="utf-8")
    (sources_copy / E).write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    prov = sources_copy / P
    prov_without = prov.read_text(encoding="utf-8")
    provenance_for("events/later.csv")(sources_copy)
    data = tmp_path / "data"
    _, wrote = build(sources_copy, data)
    assert wrote
    # ... then one of them disappears, provenance entry included: 10 of 29 events gone.
    (sources_copy / "events" / "later.csv").unlink()
    prov.write_text(prov_without, encoding="utf-8")
    before = snapshot(data)
    res = run_build(sources_copy, data)
    assert res.returncode != 0, res.stdout
    assert_reported(res.stderr, "events/later.csv", 0, "-", r"served release had 10")
    assert snapshot(data) == before
