"""Read data/sources and report every problem at once: file, row, field, what is wrong.

Nothing here writes anything. `load_sources()` returns the parsed tables and the list of problems; the build
refuses to write a release while that list is not empty.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import yaml

from dashboard import config, contract
from dashboard.fmt import url_problem
from dashboard.participants import states
from dashboard.textrules import text_problems, unquote_formula

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
ORG_CODE = re.compile(r"[A-Z]{2,5}")
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


# column -> type, derived from the contract (dashboard/contract.py, the one declaration of every table, column and
# enum). Types: id (slug), org (organisation code), text, enum:<name>, date, fdate (a date that may lie after as_of
# when it is scheduled: checked across the row in _cross_checks), bool, int, url, ref:<table> (must exist in that
# table); a leading ? makes the value optional.
ENUMS = {name: v.values for name, v in contract.ENUMS.items()}
_CELL_TYPES = {"slug": "id", "code": "org", "text": "text", "bool": "bool", "int": "int", "url": "url"}


def cell_type(c: contract.Column) -> str:
    """The cell rule `_check_value` applies to contract column `c`."""
    if c.ref:
        typ = f"ref:{c.ref}"
    elif c.type == "enum":
        typ = f"enum:{c.enum}"
    elif c.type == "date":
        typ = "fdate" if c.future else "date"
    else:
        typ = _CELL_TYPES[c.type]
    return typ if c.required else "?" + typ


def _columns(table: str) -> dict[str, str]:
    return {c.name: cell_type(c) for c in contract.TABLES[table].source_columns}


# Load order: references point only backwards.
TABLE_ORDER = contract.SOURCE_TABLES
TABLES: dict[str, dict] = {name: {"columns": _columns(name), "key": contract.TABLES[name].key}
                           for name in TABLE_ORDER if name != "organisations"}
ORG_COLUMNS = _columns("organisations")
# One limit per column name (the contract checks that tables agree on it).
MAX_LEN = {c.name: c.max_len for name in TABLE_ORDER for c in contract.TABLES[name].source_columns if c.max_len}
MIN_VALUE = {c.name: c.min for name in TABLE_ORDER for c in contract.TABLES[name].source_columns if c.min}
SHRINK_LIMIT = 0.75  # a file that keeps fewer than 75% of its previous rows is refused without --allow-shrink


# The one URL rule, shared with the app's links (dashboard.fmt.safe_url): what the build accepts, the app links.
check_url = url_problem


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


def _read_text(src: Sources, path: Path, rel: str) -> str | None:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        src.add(rel, 1, "-", "file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM")
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        src.add(rel, line, "-", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); re-save as UTF-8")
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


def _safe_yaml(text: str) -> object:
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


def _read_yaml(src: Sources, path: Path, rel: str) -> object | None:
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        src.add(rel, 0, "-", f"YAML file is {size:,} bytes; at most {MAX_YAML_BYTES:,} allowed (split it)")
        return None
    text = _read_text(src, path, rel)
    if text is None:
        return None
    try:
        return _safe_yaml(text)
    except _YamlTooBig:
        src.add(rel, 0, "-", f"YAML expands to more than {MAX_YAML_NODES:,} values through its aliases (&anchor / "
                             "*alias): refused before it is expanded, as a billion-laughs document must be")
        return None
    except RecursionError:
        src.add(rel, 0, "-", "YAML is nested too deeply")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        src.add(rel, line, "-", f"YAML syntax error: {getattr(exc, 'problem', None) or exc}")
        return None


def _read_csv(src: Sources, path: Path, rel: str, columns: dict[str, str]) -> list[tuple[int, dict]]:
    """Rows as (line number, {column: value}); structural problems are reported, bad rows skipped."""
    text = _read_text(src, path, rel)
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


def _parse_date(value: str) -> date | None:
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _check_value(src: Sources, rel: str, line: int, col: str, typ: str, value: str, known: dict[str, set]) -> object:
    """Validate one cell; return the typed value (None when empty or invalid)."""
    optional = typ.startswith("?")
    typ = typ.lstrip("?")
    if value != value.strip() and typ != "text":
        src.add(rel, line, col, f"value {value!r} has leading or trailing white space")
    value = value.strip()
    if value == "":
        if not optional:
            src.add(rel, line, col, "required value is missing")
        return None
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value) or "\u0000" in value:
        src.add(rel, line, col, "value contains a control character")
        return None
    quoted = False
    if typ == "text":
        value, quoted = unquote_formula(value), value != unquote_formula(value)
    if col in MAX_LEN and len(value) > MAX_LEN[col]:
        src.add(rel, line, col, f"value is {len(value)} characters long; at most {MAX_LEN[col]} allowed")
    if typ == "text":
        problems = text_problems(value, formula_ok=quoted)
        for why in problems:
            src.add(rel, line, col, why)
        return None if problems else value
    if typ == "id":
        if not SLUG.fullmatch(value):
            src.add(rel, line, col, f"id {value!r} is not a lowercase slug like 'cets-225'")
            return None
        return value
    if typ == "org":
        if not ORG_CODE.fullmatch(value):
            src.add(rel, line, col, f"organisation code {value!r} must be 2-5 upper-case letters")
            return None
        return value
    if typ.startswith("enum:"):
        allowed = ENUMS[typ[5:]]
        if value not in allowed:
            src.add(rel, line, col, f"{value!r} is not one of: {', '.join(allowed)}")
            return None
        return value
    if typ in ("date", "fdate"):
        d = _parse_date(value)
        if d is None:
            src.add(rel, line, col, f"{value!r} is not a date in YYYY-MM-DD form")
            return None
        # fdate: may lie after as_of when it is scheduled (checked across the row in _cross_checks).
        if typ == "date" and src.as_of and d > src.as_of:
            src.add(rel, line, col, f"date {value} is after the dataset's as-of date {src.as_of}")
        return d
    if typ == "bool":
        if value not in ("true", "false"):
            src.add(rel, line, col, f"{value!r} is not true or false")
            return None
        return value == "true"
    if typ == "int":
        if not re.fullmatch(r"\d{1,6}", value):
            src.add(rel, line, col, f"{value!r} is not a whole number")
            return None
        if col in MIN_VALUE and int(value) < MIN_VALUE[col]:
            src.add(rel, line, col, f"{value} is too small: at least {MIN_VALUE[col]} allowed")
        return int(value)
    if typ == "url":
        why = check_url(value)
        if why:
            src.add(rel, line, col, why)
            return None
        return value
    if typ.startswith("ref:"):
        table = typ[4:]
        if value not in known[table]:
            what = {"participants": "participant code (ISO 3166-1 alpha-3 of a UN member/observer, or organisations.csv)",
                    "instruments": "instrument id", "companies": "company id"}[table]
            src.add(rel, line, col, f"unknown {what} {value!r}: dangling reference")
            return None
        return value
    raise ValueError(f"unknown column type {typ}")


def _file_list(src: Sources, root: Path, name: str) -> list[Path]:
    if name == "organisations":
        p = root / "organisations.csv"
        return [p] if p.exists() else []
    d = root / name
    files = sorted(d.glob("*.csv")) if d.is_dir() else []
    if not files:
        src.add(f"{name}/", 0, "-", f"no CSV files found in {name}/")
    return files


def load_sources(root: Path | None = None, previous_rows: dict[str, int] | None = None,
                 allow_shrink: bool = False) -> Sources:
    """Parse and check every source file under `root`. `previous_rows` (path -> rows) guards against lost rows."""
    root = Path(root or config.SOURCES_DIR)
    src = Sources()
    digest = hashlib.sha256()

    meta_path = root / "dataset.yml"
    if not meta_path.exists():
        src.add("dataset.yml", 0, "-", "missing: it must give version and as_of")
        meta = None
    else:
        meta = _read_yaml(src, meta_path, "dataset.yml")
    if isinstance(meta, dict):
        src.version = str(meta.get("version") or "")
        if not src.version:
            src.add("dataset.yml", 0, "version", "required value is missing")
        raw_as_of = meta.get("as_of")
        # YAML reads 2026-06-30 as a date and 2026-06-30T12:00 as a datetime (a date subclass): only a plain date will do.
        if isinstance(raw_as_of, datetime):
            src.as_of = None
        elif isinstance(raw_as_of, date):
            src.as_of = raw_as_of
        else:
            src.as_of = _parse_date(str(raw_as_of or ""))
        if src.as_of is None:
            src.add("dataset.yml", 0, "as_of", f"{raw_as_of!r} is not a date in YYYY-MM-DD form")
    elif meta_path.exists() and not any(p.file == "dataset.yml" for p in src.problems):
        src.add("dataset.yml", 0, "-", "must be a mapping with version and as_of")

    provenance: dict[str, dict] = {}
    for p in sorted((root / "provenance").glob("*.yml")):
        rel = p.relative_to(root).as_posix()
        doc = _read_yaml(src, p, rel)
        if doc is None:
            continue
        if not isinstance(doc, dict):
            src.add(rel, 0, "-", "must be a mapping of source file -> {title, producer, licence, accessed}")
            continue
        for key, entry in doc.items():
            if not isinstance(entry, dict):
                src.add(rel, 0, str(key), "entry must be a mapping")
                continue
            raw, entry = entry, _provenance_entry(src, rel, str(key), entry)
            for need in ("title", "producer", "licence", "accessed"):
                if not raw.get(need):
                    src.add(rel, 0, f"{key}.{need}", "required value is missing")
            acc = entry.get("accessed")
            acc_d = acc if isinstance(acc, date) and not isinstance(acc, datetime) else _parse_date(str(acc or ""))
            if acc and acc_d is None:
                src.add(rel, 0, f"{key}.accessed", f"{acc!r} is not a date in YYYY-MM-DD form")
            elif acc_d and src.as_of and acc_d > src.as_of:
                src.add(rel, 0, f"{key}.accessed", f"accessed {acc_d} is after the as-of date {src.as_of}")
            if str(key) in provenance:
                src.add(rel, 0, str(key), "provenance given twice")
            provenance[str(key)] = {**entry, "accessed": acc_d}

    deny_path = root / "deny_domains.csv"
    if deny_path.exists():
        raw = deny_path.read_bytes()
        digest.update(b"deny_domains.csv\0" + raw + b"\0")
        deny_rows = _read_csv(src, deny_path, "deny_domains.csv", {"domain": "text", "reason": "text"})
        src.denied = tuple(r["domain"].strip().lower() for _, r in deny_rows if r["domain"].strip())

    st = states()
    known: dict[str, set] = {"participants": set(st.participant_id), "instruments": set(), "companies": set()}
    parsed: dict[str, list[dict]] = {}
    for name in TABLE_ORDER:
        columns = ORG_COLUMNS if name == "organisations" else TABLES[name]["columns"]
        rows: list[dict] = []
        for path in _file_list(src, root, name):
            rel = path.relative_to(root).as_posix()
            raw = path.read_bytes()
            digest.update(rel.encode() + b"\0" + raw + b"\0")
            records = _read_csv(src, path, rel, columns)
            src.files.append({"path": rel, "table_name": name, "rows": len(records),
                              "sha256": hashlib.sha256(raw).hexdigest(), **_prov(provenance, rel)})
            if rel not in provenance:
                src.add(rel, 0, "-", "no provenance entry in provenance/*.yml (title, producer, licence, accessed)")
            for line, rec in records:
                typed = {c: _check_value(src, rel, line, c, t, rec[c], known) for c, t in columns.items()}
                typed["_file"], typed["_row"] = rel, line
                rows.append(typed)
            if previous_rows and rel in previous_rows and not allow_shrink:
                before = previous_rows[rel]
                if before and len(records) < before * SHRINK_LIMIT:
                    src.add(rel, 0, "-", f"has {len(records)} rows, the served release had {before}: "
                                         f"more than {100 - SHRINK_LIMIT * 100:.0f}% lost; "
                                         "rerun with --allow-shrink if the removal is intended")
        key = ("participant_id",) if name == "organisations" else TABLES[name]["key"]
        seen: dict[tuple, tuple[str, int]] = {}
        for r in rows:
            k = tuple(_fold(r.get(c)) for c in key)  # text key parts (an event title) compared case-blind
            if any(v is None for v in k):
                continue
            if k in seen:
                f0, l0 = seen[k]
                shown = ", ".join(str(r.get(c)) for c in key)
                src.add(r["_file"], r["_row"], ",".join(key), f"duplicate of {f0}:{l0} ({shown})")
            else:
                seen[k] = (r["_file"], r["_row"])
        if name == "organisations":
            for r in rows:
                if r["participant_id"] in known["participants"] and r["participant_id"] not in ():
                    src.add(r["_file"], r["_row"], "participant_id",
                            f"{r['participant_id']!r} is a state code; organisations need their own code")
            known["participants"] |= {r["participant_id"] for r in rows if r["participant_id"]}
        elif name in ("instruments", "companies"):
            known[name] = {r[key[0]] for r in rows if r[key[0]]}
        parsed[name] = rows

    for p in provenance:
        if not (root / p).exists():
            src.add("provenance", 0, p, "provenance entry for a file that does not exist")
    if previous_rows and not allow_shrink:
        present = {f["path"] for f in src.files}
        for rel, before in sorted(previous_rows.items()):
            if rel not in present and before:
                src.add(rel, 0, "-", f"file is gone; the served release had {before} rows from it: "
                                     "rerun with --allow-shrink if the removal is intended")

    _cross_checks(src, parsed)
    _same_name_checks(src, parsed)
    src.tables = {name: pd.DataFrame(rows) for name, rows in parsed.items()}
    src.tables["states"] = st
    for name in ("schema.sql", "views.sql"):
        digest.update((config.ROOT / "dashboard" / name).read_bytes())
    from dashboard.participants import library_versions

    digest.update(f"schema={config.SCHEMA_VERSION};{library_versions()}".encode())
    meta_raw = meta_path.read_bytes() if meta_path.exists() else b""
    digest.update(meta_raw)
    for p in sorted((root / "provenance").glob("*.yml")):
        digest.update(p.read_bytes())
    src.digest = digest.hexdigest()
    src.problems.sort(key=lambda p: (p.file, p.row, p.field))
    return src


PROVENANCE_FIELDS = {"title": "text", "producer": "text", "licence": "text", "accessed": "date", "notes": "text"}


def _provenance_entry(src: Sources, rel: str, key: str, entry: dict) -> dict:
    """The entry with only known fields of the right type: text fields must be YAML strings that pass the text
    rules (a list, a mapping or a number is refused, not published as its Python repr), `accessed` a date."""
    out: dict = {}
    for name, value in entry.items():
        kind = PROVENANCE_FIELDS.get(str(name))
        if kind is None:
            src.add(rel, 0, f"{key}.{name}",
                    f"unknown field; a provenance entry has: {', '.join(PROVENANCE_FIELDS)}")
            continue
        if value is None:
            continue
        if kind == "date":
            if not isinstance(value, (str, date)) or isinstance(value, datetime):
                src.add(rel, 0, f"{key}.{name}", f"must be a date in YYYY-MM-DD form, not {_yaml_type(value)}")
                continue
            out[name] = value
            continue
        if not isinstance(value, str):
            src.add(rel, 0, f"{key}.{name}", f"must be text, not {_yaml_type(value)} (quote it if it is text)")
            continue
        text = unquote_formula(value.strip())
        problems = [*(["value contains a control character"] if any(ord(c) < 32 and c not in "\n\t" for c in text)
                      else []), *text_problems(text, formula_ok=text != value.strip())]
        for why in problems:
            src.add(rel, 0, f"{key}.{name}", why)
        if not problems:
            out[name] = text
    return out


def _yaml_type(value: object) -> str:
    return {list: "a list", dict: "a mapping", bool: "true/false", int: "a number", float: "a number"}.get(
        type(value), f"a {type(value).__name__}")


def _fold(value: object) -> object:
    """A key part as compared for duplicates: text case-folded with its white space collapsed."""
    return " ".join(value.casefold().split()) if isinstance(value, str) else value


def _same_name_checks(src: Sources, t: dict[str, list[dict]]) -> None:
    """Two companies may not share a name (case-blind): a copy under a new id is how a look-alike would get in."""
    seen: dict[object, dict] = {}
    for r in t["companies"]:
        name = _fold(r.get("name"))
        if not name or not r.get("company_id"):
            continue
        if name in seen:
            first = seen[name]
            src.add(r["_file"], r["_row"], "name", f"{r['name']!r} is already the name of company "
                    f"{first['company_id']!r} ({first['_file']}:{first['_row']}); give each company one row")
        else:
            seen[name] = r


def _prov(provenance: dict, rel: str) -> dict:
    e = provenance.get(rel, {})
    return {k: e.get(k) for k in ("title", "producer", "licence", "accessed")} | {"notes": e.get("notes")}


def _cross_checks(src: Sources, t: dict[str, list[dict]]) -> None:
    """Rules across rows: dates in order, rules stored whole, consent after signature."""
    instruments = {r["instrument_id"]: r for r in t["instruments"] if r["instrument_id"]}
    for r in t["instruments"]:
        f, line = r["_file"], r["_row"]
        eif = [r["eif_parties_required"], r["eif_min_coe_members"], r["eif_delay_months"]]
        if any(v is not None for v in eif) and any(v is None for v in eif):
            src.add(f, line, "eif_parties_required", "entry-into-force rule must give all three of "
                    "eif_parties_required, eif_min_coe_members, eif_delay_months, or none")
        if None not in eif and eif[1] > eif[0]:
            src.add(f, line, "eif_min_coe_members", "cannot exceed eif_parties_required")
        for a, b in (("adopted_on", "opened_on"), ("adopted_on", "in_force_on"), ("adopted_on", "ended_on")):
            if r[a] and r[b] and r[b] < r[a]:
                src.add(f, line, b, f"{b} {r[b]} is before {a} {r[a]}")
        if r["status"] == "in_force" and not r["in_force_on"]:
            src.add(f, line, "in_force_on", "status is in_force but in_force_on is empty")
        if r["status"] == "not_in_force" and r["in_force_on"]:
            src.add(f, line, "status", "status is not_in_force but in_force_on is given")
        if r["status"] in config.ENDED_STATUSES and not r["ended_on"]:
            src.add(f, line, "ended_on", f"status is {r['status']} but ended_on is empty")
        if r["ended_on"] and r["status"] not in config.ENDED_STATUSES:
            src.add(f, line, "status", f"ended_on is given but status {r['status']!r} is not one of "
                    f"{', '.join(config.ENDED_STATUSES)}")
        if r["superseded_by"] and r["superseded_by"] not in instruments:
            src.add(f, line, "superseded_by", f"unknown instrument id {r['superseded_by']!r}: dangling reference")
        if r["superseded_by"] and r["status"] != "superseded":
            src.add(f, line, "superseded_by", "superseded_by is given but status is not superseded")
        future = r["in_force_on"] and src.as_of and r["in_force_on"] > src.as_of
        if future and r["status"] != "scheduled":
            src.add(f, line, "in_force_on", f"in_force_on {r['in_force_on']} is after the as-of date {src.as_of}: "
                    "only a scheduled instrument (status scheduled) may have a future date")
        if r["status"] == "scheduled" and not r["in_force_on"]:
            src.add(f, line, "in_force_on", "status is scheduled but in_force_on (the day it takes effect) is empty")
        if r["status"] == "pending" and r["kind"] != "bill":
            src.add(f, line, "status", "only a bill can be pending")
    for r in t["events"]:
        if r["event_date"] and src.as_of and r["event_date"] > src.as_of and r["kind"] not in config.SCHEDULABLE_EVENTS:
            src.add(r["_file"], r["_row"], "event_date", f"date {r['event_date']} is after the dataset's as-of date "
                    f"{src.as_of}: only a scheduled {'/'.join(config.SCHEDULABLE_EVENTS)} event may lie ahead")
    named: dict[str, set] = {}
    for r in t["actions"]:
        named.setdefault(r["instrument_id"], set()).add(r["participant_id"])
    latest: dict[str, dict] = {}
    for r in t["counts"]:
        if r["instrument_id"] and r["as_reported_on"] and (
                r["instrument_id"] not in latest or r["as_reported_on"] > latest[r["instrument_id"]]["as_reported_on"]):
            latest[r["instrument_id"]] = r
    for r in latest.values():
        n = len(named.get(r["instrument_id"], ()))
        if r["list_complete"] and not r["count_is_approx"] and r["reported_count"] is not None \
                and n != r["reported_count"]:
            src.add(r["_file"], r["_row"], "list_complete", f"the list is marked complete but {n} participants are "
                    f"named against {r['reported_count']} reported: mark it incomplete or complete the list")
    for name, rows in t.items():
        for r in rows:
            host = (urlsplit(r.get("source_url") or "").hostname or "").lower()
            bad = next((d for d in src.denied if host == d or host.endswith("." + d)), None)
            if bad:
                src.add(r["_file"], r["_row"], "source_url", f"cites {bad}, a copy or aggregator site "
                        "(deny_domains.csv): cite the body that made the fact and keep the copy in evidence_url")
    for name, col in (("actions", "action_date"), ("stances", "stance_date"), ("events", "event_date")):
        for r in t[name]:
            d, prec = r.get(col), r.get("date_precision")
            if d and prec == "month" and d.day != 1:
                src.add(r["_file"], r["_row"], "date_precision",
                        f"'month' means only the month is known: give the 1st ({d:%Y-%m}-01), or use 'day'")
            if d and prec == "year" and (d.month, d.day) != (1, 1):
                src.add(r["_file"], r["_row"], "date_precision",
                        f"'year' means only the year is known: give {d.year}-01-01, or use 'day'/'on_or_before'")
    signed: dict[tuple, date] = {}
    for r in t["actions"]:
        if r["action"] == "signed" and r["action_date"]:
            k = (r["instrument_id"], r["participant_id"])
            signed[k] = min(signed.get(k, r["action_date"]), r["action_date"])
    for r in t["actions"]:
        k = (r["instrument_id"], r["participant_id"])
        if r["action"] in config.CONSENT_ACTIONS and r["action_date"] and k in signed and r["action_date"] < signed[k]:
            src.add(r["_file"], r["_row"], "action_date",
                    f"{r['action']} on {r['action_date']} is before the signature on {signed[k]}")
        inst = instruments.get(r["instrument_id"])
        start = inst and (inst["opened_on"] if r["action"] == "signed" and inst["opened_on"] else inst["adopted_on"])
        if start and r["action_date"] and r["date_precision"] == "day" and r["action_date"] < start:
            src.add(r["_file"], r["_row"], "action_date",
                    f"{r['action']} on {r['action_date']} is before the instrument was adopted/opened ({start})")
    for r in t["memberships"]:
        if r["joined_on"] and r["left_on"] and r["left_on"] < r["joined_on"]:
            src.add(r["_file"], r["_row"], "left_on", f"left_on {r['left_on']} is before joined_on {r['joined_on']}")
