"""Reading the source files: UTF-8 without BOM, CSV structure with line numbers, YAML with a size and alias limit.

Every problem is recorded on a `Sources` as file, row, field and message (dashboard/validate.py checks the cells).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import yaml

from dashboard.textrules import text_problems, unquote_formula

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the sources. `row` is the line number in the file (header = 1), 0 for the whole file."""

    file: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        return f"{where}: {self.field}: {self.message}"


@dataclass
class Sources:
    """Parsed source tables, their provenance and every problem found."""

    as_of: date | None = None
    version: str = ""
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: list[dict] = field(default_factory=list)  # path, table, rows, sha256 + provenance
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""
    denied: tuple[str, ...] = ()  # copy / aggregator domains never cited as source_url (deny_domains.csv)

    def add(self, file: str, row: int, fld: str, message: str) -> None:
        self.problems.append(Problem(file, row, fld, message))


def read_text(src: Sources, path: Path, rel: str) -> str | None:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        src.add(rel, 1, "-", "file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM")
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        src.add(
            rel, line, "-", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); re-save as UTF-8"
        )
        return None


MAX_YAML_BYTES = 256 * 1024  # the largest provenance file is 7 KB
MAX_YAML_NODES = 50_000  # scalars, lists and mappings in a document, counted with every alias expanded


class _YamlTooBig(Exception):
    pass


def _expanded_nodes(node: yaml.Node, limit: int) -> int:
    """How many nodes `node` stands for once every alias is expanded (an alias is the same node object again), or
    more than `limit` as soon as that is certain: a billion-laughs document is refused after a few hundred steps."""
    sizes: dict[int, int] = {}

    def size(n: yaml.Node) -> int:
        if id(n) in sizes:
            return sizes[id(n)]
        total = 1
        if isinstance(n, yaml.SequenceNode):
            children = n.value
        elif isinstance(n, yaml.MappingNode):
            children = [c for pair in n.value for c in pair]
        else:
            children = []
        for c in children:
            total += size(c)
            if total > limit:
                raise _YamlTooBig
        sizes[id(n)] = total
        return total

    return size(node)


def safe_yaml(text: str) -> object:
    """yaml.safe_load, refusing a document that expands (through aliases) to more than MAX_YAML_NODES nodes."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_nodes(node, MAX_YAML_NODES)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def read_yaml(src: Sources, path: Path, rel: str) -> object | None:
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        src.add(rel, 0, "-", f"YAML file is {size:,} bytes; at most {MAX_YAML_BYTES:,} allowed (split it)")
        return None
    text = read_text(src, path, rel)
    if text is None:
        return None
    try:
        return safe_yaml(text)
    except _YamlTooBig:
        src.add(
            rel,
            0,
            "-",
            f"YAML expands to more than {MAX_YAML_NODES:,} values through its aliases (&anchor / "
            "*alias): refused before it is expanded, as a billion-laughs document must be",
        )
        return None
    except RecursionError:
        src.add(rel, 0, "-", "YAML is nested too deeply")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        src.add(rel, line, "-", f"YAML syntax error: {getattr(exc, 'problem', None) or exc}")
        return None


def read_csv(src: Sources, path: Path, rel: str, columns: dict[str, str]) -> list[tuple[int, dict]]:
    """Rows as (line number, {column: value}); structural problems are reported, bad rows skipped."""
    text = read_text(src, path, rel)
    if text is None:
        return []
    if "\r" in text:
        src.add(rel, 0, "-", "file has Windows (CRLF) or old Mac (CR) line endings; use \\n")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        lines = list(reader)
    except csv.Error as exc:
        src.add(rel, 0, "-", f"malformed CSV: {exc}")
        return []
    if not lines:
        src.add(rel, 1, "-", "file is empty: a header row is required")
        return []
    header = [h.strip() for h in lines[0]]
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns]
    dup = sorted({c for c in header if header.count(c) > 1})
    if missing:
        src.add(rel, 1, ",".join(missing), f"missing column(s); expected columns: {', '.join(columns)}")
    if unknown:
        src.add(rel, 1, ",".join(unknown), "unknown column(s)")
    if dup:
        src.add(rel, 1, ",".join(dup), "duplicate column name(s)")
    if missing or unknown or dup:
        return []
    out = []
    # csv.reader does not expose line numbers per record reliably with embedded newlines; track them.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)
    while True:
        start = reader.line_num + 1
        try:
            rec = next(reader)
        except StopIteration:
            break
        if not rec or all(not c.strip() for c in rec):
            continue
        if len(rec) != len(header):
            src.add(rel, start, "-", f"expected {len(header)} fields, found {len(rec)} (check commas and quoting)")
            continue
        out.append((start, dict(zip(header, rec, strict=True))))
    return out


def parse_date(value: str) -> date | None:
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# --- provenance (provenance/*.yml): one typed entry per source file ----------------------------------------

PROVENANCE_FIELDS = {"title": "text", "producer": "text", "licence": "text", "accessed": "date", "notes": "text"}


def provenance_entry(src: Sources, rel: str, key: str, entry: dict) -> dict:
    """The entry with only known fields of the right type: text fields must be YAML strings that pass the text
    rules (a list, a mapping or a number is refused, not published as its Python repr), `accessed` a date."""
    out: dict = {}
    for name, value in entry.items():
        kind = PROVENANCE_FIELDS.get(str(name))
        if kind is None:
            src.add(rel, 0, f"{key}.{name}", f"unknown field; a provenance entry has: {', '.join(PROVENANCE_FIELDS)}")
            continue
        if value is None:
            continue
        if kind == "date":
            if not isinstance(value, (str, date)) or isinstance(value, datetime):
                src.add(rel, 0, f"{key}.{name}", f"must be a date in YYYY-MM-DD form, not {yaml_type(value)}")
                continue
            out[name] = value
            continue
        if not isinstance(value, str):
            src.add(rel, 0, f"{key}.{name}", f"must be text, not {yaml_type(value)} (quote it if it is text)")
            continue
        text = unquote_formula(value.strip())
        problems = [
            *(["value contains a control character"] if any(ord(c) < 32 and c not in "\n\t" for c in text) else []),
            *text_problems(text, formula_ok=text != value.strip()),
        ]
        for why in problems:
            src.add(rel, 0, f"{key}.{name}", why)
        if not problems:
            out[name] = text
    return out


def yaml_type(value: object) -> str:
    return {list: "a list", dict: "a mapping", bool: "true/false", int: "a number", float: "a number"}.get(
        type(value), f"a {type(value).__name__}"
    )


def provenance_of(provenance: dict, rel: str) -> dict:
    e = provenance.get(rel, {})
    return {k: e.get(k) for k in ("title", "producer", "licence", "accessed")} | {"notes": e.get("notes")}
