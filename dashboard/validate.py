"""Read data/sources and report every problem at once: file, row, field, what is wrong.

Nothing here writes anything. `load_sources()` returns the parsed tables and the list of problems; the build
refuses to write a release while that list is not empty.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from dashboard import config, contract, crossrules
from dashboard.fmt import url_problem
from dashboard.participants import states
from dashboard.sourcefiles import Sources, parse_date, provenance_entry, provenance_of, read_csv, read_yaml
from dashboard.textrules import text_problems, unquote_formula

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
ORG_CODE = re.compile(r"[A-Z]{2,5}")


# column -> type, derived from the contract (dashboard/contract, the one declaration of every table, column and
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
TABLES: dict[str, dict] = {
    name: {"columns": _columns(name), "key": contract.TABLES[name].key}
    for name in TABLE_ORDER
    if name != "organisations"
}
ORG_COLUMNS = _columns("organisations")
# One limit per column name (the contract checks that tables agree on it).
MAX_LEN = {c.name: c.max_len for name in TABLE_ORDER for c in contract.TABLES[name].source_columns if c.max_len}
MIN_VALUE = {c.name: c.min for name in TABLE_ORDER for c in contract.TABLES[name].source_columns if c.min}
SHRINK_LIMIT = 0.75  # a file that keeps fewer than 75% of its previous rows is refused without --allow-shrink


# The one URL rule, shared with the app's links (dashboard.fmt.safe_url): what the build accepts, the app links.
check_url = url_problem


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
        d = parse_date(value)
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
            what = {
                "participants": "participant code (ISO 3166-1 alpha-3 of a UN member/observer, or organisations.csv)",
                "instruments": "instrument id",
                "companies": "company id",
            }[table]
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


def load_sources(
    root: Path | None = None, previous_rows: dict[str, int] | None = None, allow_shrink: bool = False
) -> Sources:
    """Parse and check every source file under `root`. `previous_rows` (path -> rows) guards against lost rows."""
    root = Path(root or config.SOURCES_DIR)
    src = Sources()
    digest = hashlib.sha256()

    meta_path = root / "dataset.yml"
    if not meta_path.exists():
        src.add("dataset.yml", 0, "-", "missing: it must give version and as_of")
        meta = None
    else:
        meta = read_yaml(src, meta_path, "dataset.yml")
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
            src.as_of = parse_date(str(raw_as_of or ""))
        if src.as_of is None:
            src.add("dataset.yml", 0, "as_of", f"{raw_as_of!r} is not a date in YYYY-MM-DD form")
    elif meta_path.exists() and not any(p.file == "dataset.yml" for p in src.problems):
        src.add("dataset.yml", 0, "-", "must be a mapping with version and as_of")

    provenance: dict[str, dict] = {}
    for p in sorted((root / "provenance").glob("*.yml")):
        rel = p.relative_to(root).as_posix()
        doc = read_yaml(src, p, rel)
        if doc is None:
            continue
        if not isinstance(doc, dict):
            src.add(rel, 0, "-", "must be a mapping of source file -> {title, producer, licence, accessed}")
            continue
        for key, entry in doc.items():
            if not isinstance(entry, dict):
                src.add(rel, 0, str(key), "entry must be a mapping")
                continue
            raw, entry = entry, provenance_entry(src, rel, str(key), entry)
            for need in ("title", "producer", "licence", "accessed"):
                if not raw.get(need):
                    src.add(rel, 0, f"{key}.{need}", "required value is missing")
            acc = entry.get("accessed")
            acc_d = acc if isinstance(acc, date) and not isinstance(acc, datetime) else parse_date(str(acc or ""))
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
        deny_rows = read_csv(src, deny_path, "deny_domains.csv", {"domain": "text", "reason": "text"})
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
            records = read_csv(src, path, rel, columns)
            src.files.append(
                {
                    "path": rel,
                    "table_name": name,
                    "rows": len(records),
                    "sha256": hashlib.sha256(raw).hexdigest(),
                    **provenance_of(provenance, rel),
                }
            )
            if rel not in provenance:
                src.add(rel, 0, "-", "no provenance entry in provenance/*.yml (title, producer, licence, accessed)")
            for line, rec in records:
                typed = {c: _check_value(src, rel, line, c, t, rec[c], known) for c, t in columns.items()}
                typed["_file"], typed["_row"] = rel, line
                rows.append(typed)
            if previous_rows and rel in previous_rows and not allow_shrink:
                before = previous_rows[rel]
                if before and len(records) < before * SHRINK_LIMIT:
                    src.add(
                        rel,
                        0,
                        "-",
                        f"has {len(records)} rows, the served release had {before}: "
                        f"more than {100 - SHRINK_LIMIT * 100:.0f}% lost; "
                        "rerun with --allow-shrink if the removal is intended",
                    )
        key = ("participant_id",) if name == "organisations" else TABLES[name]["key"]
        seen: dict[tuple, tuple[str, int]] = {}
        for r in rows:
            k = tuple(crossrules.fold(r.get(c)) for c in key)  # text key parts (an event title) compared case-blind
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
                if r["participant_id"] in known["participants"]:
                    src.add(
                        r["_file"],
                        r["_row"],
                        "participant_id",
                        f"{r['participant_id']!r} is a state code; organisations need their own code",
                    )
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
                src.add(
                    rel,
                    0,
                    "-",
                    f"file is gone; the served release had {before} rows from it: "
                    "rerun with --allow-shrink if the removal is intended",
                )

    crossrules.cross_checks(src, parsed)
    crossrules.same_name_checks(src, parsed)
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
