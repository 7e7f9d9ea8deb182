"""Spreadsheet-safe exports: no text cell the Atlas writes or shows in a grid can start a formula.

A spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or `@` (and, in some, one that starts with
a TAB or CR, or with the full-width forms of those signs) as a formula, quoted or not: `=HYPERLINK(...)` becomes
a live link, `+cmd|...` a DDE call (CSV injection, OWASP). The build refuses such text in the sources
(`dashboard/textrules.py`); this module is the second line of defence for whatever reaches a reader anyway (a
reviewed exception, a release written by other means): every CSV the app writes goes through `csv_bytes()`, and
every frame shown in a data grid through `neutralise_frame()`, because the grid's own toolbar "Download as CSV"
(Streamlit's frontend) and its clipboard copy write the cells as they are.

The fix is OWASP's: prefix such a cell with a single quote, which spreadsheets read as "this is text" and hide.
Numbers are left alone (a `-3.7` longitude is a number, not a formula), and so is text stored in a numeric column.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import numpy as np
import pandas as pd

from dashboard import db, queries
from dashboard.cache import memo
from dashboard.config import DATA_DIR
from dashboard.db import Release
from dashboard.textrules import FORMULA_START, PLAIN_NUMBER


def needs_quote(value: Any) -> bool:
    """True when `value` is text a spreadsheet would run as a formula (also after leading white space)."""
    if not isinstance(value, str) or not value:
        return False
    if value[0] in FORMULA_START:
        return not PLAIN_NUMBER.fullmatch(value)
    rest = value.lstrip()
    return bool(rest) and rest[0] in FORMULA_START and not PLAIN_NUMBER.fullmatch(rest)


def neutralise_cell(value: Any) -> Any:
    """`value` with a leading single quote if a spreadsheet would run it as a formula; anything else unchanged."""
    return "'" + value if needs_quote(value) else value


def _text_column(s: pd.Series) -> bool:
    return s.dtype == object or isinstance(s.dtype, pd.StringDtype)


def _flags(values: Any) -> np.ndarray | None:
    """Which of `values` need the quote, or None when none does (the normal case, decided in one pass)."""
    first = None
    for j, v in enumerate(values):
        if isinstance(v, str) and v and (v[0] in FORMULA_START or v[0].isspace()) and needs_quote(v):
            first = j
            break
    if first is None:
        return None
    flags = np.zeros(len(values), dtype=bool)
    flags[first:] = [needs_quote(v) for v in values[first:]]
    return flags


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with every formula-like text cell and column name quoted. Returns `df` itself (no copy) when nothing
    needs it, which is the normal case: the memoised frames are shared read-only and are never modified here.
    A plain Python pass over the text cells: measured faster than pandas' vectorised str.match on display-sized
    frames (0.4 ms against 2.3 ms for the 143 x 10 stance table; 1.5 against 4.8 ms at 2,000 rows)."""
    out = None
    for i in range(df.shape[1]):
        s = df.iloc[:, i]
        if isinstance(s.dtype, pd.CategoricalDtype):  # DuckDB ENUMs arrive as categories: check the categories
            cats = {c: neutralise_cell(c) for c in s.cat.categories if needs_quote(c)}
            if cats:
                out = df.copy() if out is None else out
                out.isetitem(i, s.cat.rename_categories(lambda c, cats=cats: cats.get(c, c)))
            continue
        if not _text_column(s):
            continue
        values = s.to_numpy()
        flags = _flags(values)
        if flags is not None:
            out = df.copy() if out is None else out
            out.iloc[flags, i] = ["'" + v for v in values[flags]]
    if any(needs_quote(c) for c in df.columns):
        out = df.copy() if out is None else out
        out.columns = [neutralise_cell(c) for c in df.columns]
    return df if out is None else out


def csv_text(df: pd.DataFrame) -> str:
    """The CSV of `df` (no index) with formula-like cells neutralised: the one CSV writer of the app. Lines end in
    CRLF (RFC 4180): with pandas' default "\n" a CR inside a cell is written unquoted and splits the row."""
    return neutralise_frame(df).to_csv(index=False, lineterminator="\r\n")


def csv_bytes(df: pd.DataFrame) -> bytes:
    return csv_text(df).encode("utf-8")


# --- Downloads of the whole release ---------------------------------------------------------------------------------


@memo(64)
def table(rel: Release, name: str) -> pd.DataFrame:
    """A whole public table, for downloads. `name` must be one of db.REQUIRED_TABLES (checked, never pasted raw)."""
    if name not in db.REQUIRED_TABLES:
        raise ValueError(f"unknown table {name!r}")
    return queries.public_table(rel, name)


@memo(4)
def export_zip(rel: Release, kind: str) -> bytes:
    """Every public table as CSV (formula-like cells quoted) or Parquet files in one zip, with the data dictionary."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in db.REQUIRED_TABLES:
            df = table(rel, name).copy()  # memoised: never mutate what table() returned
            for c in df.columns:
                if isinstance(df[c].dtype, pd.CategoricalDtype):
                    df[c] = df[c].astype(str)
            if kind == "csv":
                zf.writestr(f"{name}.csv", csv_text(df))
            else:
                out = io.BytesIO()
                df.to_parquet(out, index=False)
                zf.writestr(f"{name}.parquet", out.getvalue())
        readme = DATA_DIR / "README.md"
        if readme.exists():
            zf.writestr("README.md", readme.read_text(encoding="utf-8"))
    return buf.getvalue()


def release_file(rel: Release):
    """The open handle on the release file (queries.release_file): its `read` is what the download button calls."""
    return queries.release_file(rel)


def release_bytes(rel: Release) -> bytes | None:
    """The DuckDB file itself (only for a local file release; None if it is gone): read from the handle opened when
    the release was first used, so a build that pruned the file meanwhile cannot take the download away."""
    f = queries.release_file(rel)
    return f.read() if f is not None else None
