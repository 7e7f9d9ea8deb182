"""Drift checks of the data contract (schema.sql, views.sql, data/README.md) and the dictionary generator.

python -m dashboard.contract --write   # rewrite the generated blocks of data/README.md
python -m dashboard.contract --check   # exit 1 with a list of every disagreement
"""

from __future__ import annotations

import argparse
import re
import sys

from dashboard.contract import (
    ENUMS,
    README,
    SAME_DAY_DEFAULT,
    SAME_DAY_RANK,
    SCHEMA_SQL,
    SOURCE_TABLES,
    TABLES,
    TYPES,
    VIEWS_SQL,
    Column,
    Table,
)

# --- self-consistency -------------------------------------------------------------------------------------------


def contract_problems() -> list[str]:
    """What is wrong inside the contract itself (an undescribed column, an unknown enum, a dangling ref…)."""
    out = []
    for v in ENUMS.values():
        if not v.description.strip():
            out.append(f"enum {v.name}: no description")
        if len(set(v.values)) != len(v.values):
            out.append(f"enum {v.name}: a value is listed twice")
    lens: dict[str, int | None] = {}
    for t in TABLES.values():
        if not t.description.strip():
            out.append(f"{t.name}: no description")
        names = [c.name for c in t.columns]
        if len(set(names)) != len(names):
            out.append(f"{t.name}: a column is declared twice")
        for k in t.key:
            if k not in names:
                out.append(f"{t.name}: key column {k} is not a column")
        for c in t.columns:
            where = f"{t.name}.{c.name}"
            if not c.description.strip():
                out.append(f"{where}: no description (every public column is documented in data/README.md)")
            if c.type not in TYPES:
                out.append(f"{where}: unknown type {c.type!r}")
            if (c.type == "enum") != (c.enum is not None):
                out.append(f"{where}: an enum column names its enum, and only an enum column does")
            if c.enum is not None and c.enum not in ENUMS:
                out.append(f"{where}: unknown enum {c.enum!r}")
            if c.ref is not None and (c.ref not in TABLES or len(TABLES[c.ref].key) != 1):
                out.append(f"{where}: ref {c.ref!r} is not a table with a one-column key")
            if c.min is not None and c.type != "int":
                out.append(f"{where}: only a whole number has a minimum")
            if c.future and c.type != "date":
                out.append(f"{where}: only a date may lie in the future")
            if t.name in SOURCE_TABLES and not c.built:
                if c.name in lens and lens[c.name] != c.max_len:
                    out.append(
                        f"{where}: max_len {c.max_len} differs from another table's {c.name} "
                        f"({lens[c.name]}); the validator applies one limit per column name"
                    )
                lens[c.name] = c.max_len
    return out


# --- schema.sql and views.sql: drift checks ---------------------------------------------------------------------


def _enum_sql(values_: tuple[str, ...]) -> str:
    return "ENUM(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values_) + ")"


def _sql_type(c: Column) -> str:
    if c.type == "enum" and ENUMS[c.enum].sql_type:
        return _enum_sql(ENUMS[c.enum].values)
    return TYPES[c.type][0]


def schema_drift(schema_sql: str | None = None) -> list[str]:
    """Every way schema.sql disagrees with the contract, as sentences (empty: they agree). The DDL is run in an
    in-memory DuckDB and read back from its catalogue, so formatting and comments do not matter."""
    import duckdb

    sql = SCHEMA_SQL.read_text(encoding="utf-8") if schema_sql is None else schema_sql
    con = duckdb.connect()
    try:
        con.execute(sql)
        types = {
            n: tuple(labels)
            for n, labels in con.execute(
                "SELECT type_name, labels FROM duckdb_types() WHERE logical_type = 'ENUM' AND NOT internal"
            ).fetchall()
        }
        cols = con.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
            "WHERE NOT internal ORDER BY table_name, column_index"
        ).fetchall()
        cons = con.execute(
            "SELECT table_name, constraint_type, constraint_column_names, expression, "
            "referenced_table, referenced_column_names FROM duckdb_constraints()"
        ).fetchall()
    finally:
        con.close()
    out = []
    want_types = {v.sql_type: v for v in ENUMS.values() if v.sql_type}
    for name, v in want_types.items():
        if name not in types:
            out.append(f"schema.sql: enum type {name} ({v.name}) is missing")
        elif types[name] != v.values:
            out.append(f"schema.sql: enum type {name} has {list(types[name])}, the contract {list(v.values)}")
    out += [f"schema.sql: enum type {n} is not in the contract" for n in types if n not in want_types]

    have: dict[str, list[tuple]] = {}
    for t, c, typ, nullable in cols:
        have.setdefault(t, []).append((c, typ, nullable))
    for t in TABLES.values():
        if not t.release:
            continue
        if t.name not in have:
            out.append(f"schema.sql: table {t.name} is missing")
            continue
        got = {c: (typ, nullable) for c, typ, nullable in have[t.name]}
        want = [c.name for c in t.columns]
        if [c for c, *_ in have[t.name]] != want and set(got) == set(want):
            out.append(f"schema.sql: {t.name}'s columns are in another order than the contract's")
        for c in t.columns:
            if c.name not in got:
                out.append(f"schema.sql: {t.name}.{c.name} is missing")
                continue
            typ, nullable = got[c.name]
            if typ != _sql_type(c):
                out.append(f"schema.sql: {t.name}.{c.name} is {typ}, the contract says {_sql_type(c)}")
            if nullable == c.required:
                out.append(
                    f"schema.sql: {t.name}.{c.name} is {'nullable' if nullable else 'NOT NULL'}, the "
                    f"contract says {'required' if c.required else 'optional'}"
                )
        out += [f"schema.sql: {t.name}.{c} is not in the contract" for c in got if c not in want]
    out += [f"schema.sql: table {n} is not in the contract" for n in have if n not in TABLES or not TABLES[n].release]

    by_table: dict[str, list[tuple]] = {}
    for t, kind, names, expr, ref_t, ref_c in cons:
        by_table.setdefault(t, []).append((kind, tuple(names), expr or "", ref_t, tuple(ref_c or ())))
    for t in TABLES.values():
        if not t.release or t.name not in have:
            continue
        cs = by_table.get(t.name, [])
        rowid = next((c.name for c in t.columns if c.type == "rowid"), None)
        pk = next((n for k, n, *_ in cs if k == "PRIMARY KEY"), ())
        want_pk = (rowid,) if rowid else t.key
        if pk != want_pk:
            out.append(
                f"schema.sql: {t.name}'s primary key is {pk or 'missing'}, the contract says {want_pk or 'none'}"
            )
        uniques = {n for k, n, *_ in cs if k == "UNIQUE"}
        want_unique = {t.key} if rowid and t.key else set()
        if uniques != want_unique:
            out.append(
                f"schema.sql: {t.name}'s UNIQUE constraints are {sorted(uniques) or 'none'}, the contract "
                f"says {sorted(want_unique) or 'none'}"
            )
        fks = {n[0]: (ref_t, ref_c) for k, n, _, ref_t, ref_c in cs if k == "FOREIGN KEY"}
        for c in t.columns:
            want_fk = (c.ref, TABLES[c.ref].key) if c.ref else None
            if fks.get(c.name) != want_fk:
                out.append(
                    f"schema.sql: {t.name}.{c.name} references {fks.get(c.name) or 'nothing'}, the contract "
                    f"says {want_fk or 'nothing'}"
                )
        checks = [(n, e) for k, n, e, *_ in cs if k == "CHECK"]
        for c in t.columns:
            limits = {
                int(m)
                for n, e in checks
                if c.name in n
                for m in re.findall(rf"length\({re.escape(c.name)}\) <= (\d+)", e)
            }
            if limits and limits != {c.max_len}:
                out.append(
                    f"schema.sql: {t.name}.{c.name} is limited to {sorted(limits)} characters, the contract "
                    f"says {c.max_len or 'no limit'}"
                )
            mins = {
                int(n) + (op == ">")
                for n_, e in checks
                if c.name in n_
                for op, n in re.findall(rf"\b{re.escape(c.name)} (>=?) (\d+)", e)
            }
            if mins and mins != {c.min or 0}:
                out.append(
                    f"schema.sql: {t.name}.{c.name} must be at least {sorted(mins)}, the contract says {c.min or 0}"
                )
            if c.type == "url" and not any(f"regexp_full_match({c.name}," in e for n, e in checks):
                out.append(f"schema.sql: {t.name}.{c.name} is a URL without a CHECK (regexp_full_match(…))")
            if c.type == "enum" and not ENUMS[c.enum].sql_type:
                listed = [set(re.findall(r"'([^']*)'", e)) for n, e in checks if n == (c.name,) and " IN " in e]
                if listed != [set(ENUMS[c.enum].values)]:
                    out.append(
                        f"schema.sql: {t.name}.{c.name} should CHECK ({c.name} IN …) the values "
                        f"{list(ENUMS[c.enum].values)}"
                    )
    return out


_CASE = re.compile(r"CASE a\.action (.*?) ELSE (\d+) END", re.DOTALL)


def views_drift(views_sql: str | None = None) -> list[str]:
    """Whether views.sql's same-day ranking of actions is SAME_DAY_RANK (empty: it is)."""
    sql = VIEWS_SQL.read_text(encoding="utf-8") if views_sql is None else views_sql
    m = _CASE.search(sql)
    if not m:
        return ["views.sql: the same-day ranking (CASE a.action … ELSE n END) is not there"]
    got = {a: int(n) for a, n in re.findall(r"WHEN '([^']+)' THEN (\d+)", m.group(1))}
    out = []
    if got != SAME_DAY_RANK:
        out.append(f"views.sql: status_as_of ranks actions {got}, the contract {SAME_DAY_RANK}")
    if int(m.group(2)) != SAME_DAY_DEFAULT:
        out.append(f"views.sql: other actions rank {m.group(2)}, the contract {SAME_DAY_DEFAULT}")
    out += [f"views.sql: ranks {a!r}, which is not an action" for a in got if a not in ENUMS["action"].values]
    return out


# --- data/README.md: generated dictionary tables ----------------------------------------------------------------


def _open_marker(table: str) -> str:
    return f"[//]: # (contract:{table} - generated from dashboard/contract by python -m dashboard.contract --write)"


CLOSE_MARKER = "[//]: # (/contract)"
_BLOCK = re.compile(
    r"^\[//\]: # \(contract:([a-z_]+)[^\n]*\)\n(.*?)^\[//\]: # \(/contract\)$", re.DOTALL | re.MULTILINE
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type_text(t: Table, c: Column) -> str:
    if c.ref:
        base = f"{TYPES[c.type][1]} → `{c.ref}`"
    elif c.type == "enum":
        base = "one of " + ", ".join(f"`{v}`" for v in ENUMS[c.enum].values)
    else:
        base = TYPES[c.type][1]
    extra = []
    if t.key == (c.name,):
        extra.append("key")
    if c.max_len:
        extra.append(f"≤ {c.max_len} characters")
    if c.min:
        extra.append(f"≥ {c.min}")
    if c.future:
        extra.append("may be scheduled")
    if c.built:
        extra.append("set by the build")
    return _cell(", ".join([base, *extra]))


def dictionary_table(name: str) -> str:
    """The Markdown table data/README.md shows for table `name` (between its markers)."""
    t = TABLES[name]
    lines = ["| column | type | required | meaning |", "|---|---|---|---|"]
    for c in t.columns:
        lines.append(f"| {c.name} | {_type_text(t, c)} | {'yes' if c.required else ''} | {_cell(c.description)} |")
    if len(t.key) > 1:
        lines.append("")
        lines.append("Unique: one row per " + ", ".join(f"`{k}`" for k in t.key) + ".")
    return "\n".join(lines) + "\n"


def render_readme(text: str) -> str:
    """`text` with every generated block rewritten from the contract."""

    def block(m: re.Match) -> str:
        name = m.group(1)
        body = dictionary_table(name) if name in TABLES else m.group(2)
        return f"{_open_marker(name)}\n\n{body}\n{CLOSE_MARKER}"

    return _BLOCK.sub(block, text)


def readme_drift(text: str | None = None) -> list[str]:
    """Every way data/README.md disagrees with the contract (empty: it agrees)."""
    text = README.read_text(encoding="utf-8") if text is None else text
    out = []
    blocks = {m.group(1): m.group(0) for m in _BLOCK.finditer(text)}
    for name in TABLES:
        if name not in blocks:
            out.append(f"data/README.md: no generated dictionary for {name} ({_open_marker(name)} … {CLOSE_MARKER})")
    out += [
        f"data/README.md: a generated block names {n}, which is not a table of the contract"
        for n in blocks
        if n not in TABLES
    ]
    fresh = render_readme(text)
    if fresh != text:
        stale = [n for n, b in blocks.items() if n in TABLES and b not in fresh]
        out.append(
            "data/README.md: the dictionary of " + ", ".join(stale or ["?"]) + " is not what the contract "
            "says; run python -m dashboard.contract --write"
        )
    return out


def drift() -> list[str]:
    """Everything --check reports."""
    return [*contract_problems(), *schema_drift(), *views_drift(), *readme_drift()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dashboard.contract", description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="rewrite the generated blocks of data/README.md")
    ap.add_argument("--check", action="store_true", help="exit 1 if anything disagrees with the contract")
    args = ap.parse_args(argv)
    if args.write:
        text = README.read_text(encoding="utf-8")
        fresh = render_readme(text)
        if fresh != text:
            README.write_text(fresh, encoding="utf-8")
            print(f"wrote {README}")
    problems = drift()
    for p in problems:
        print(f"drift: {p}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} disagreement(s) with dashboard/contract", file=sys.stderr)
        return 1
    print("contract OK: config, validate, schema.sql, views.sql and data/README.md agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
