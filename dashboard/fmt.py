"""How data is written for readers, without Streamlit (pages and memoised tables share these rules).

- dates honour their precision (one rule for tables, tooltips and hovers);
- text from the data goes through `esc()` before any Markdown-rendering call; links through `safe_url()`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pandas as pd


def date_text(d: Any, precision: str | None = "day") -> str:
    """'05 Sep 2024', 'Sep 2024', '2024', 'on or before 10 Dec 2025', or '—' when there is no date."""
    if d is None or (not isinstance(d, date) and pd.isna(d)):
        return "—"
    if precision == "on_or_before":
        return f"on or before {d:%d %b %Y}"
    if precision == "month":
        return f"{d:%b %Y}"
    if precision == "year":
        return f"{d:%Y}"
    return f"{d:%d %b %Y}"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def esc(text: Any) -> str:
    """Escape Markdown (and the HTML Markdown would pass through) so data shows as literal text."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


_SAFE_URL = re.compile(r"https?://[A-Za-z0-9.-]+\.[A-Za-z0-9-]+(?::\d+)?(?:[/?#][^\s<>\"\\]*)?")


def safe_url(url: Any) -> str | None:
    """The URL if it is a plain http(s) link, else None (never hand a javascript: link to the browser)."""
    return url if isinstance(url, str) and _SAFE_URL.fullmatch(url) else None


def verified_col(df: pd.DataFrame, col: str = "verified") -> pd.DataFrame:
    """Replace the boolean with a word a reader sees at a glance ("UNVERIFIED" for false), and blank any source
    link that is not a plain http(s) URL. Column-wise: x100 data has tens of thousands of rows."""
    df = df.copy()
    if col in df.columns:
        # None = nothing to verify (e.g. "No record"); False = loaded but not verified.
        df[col] = df[col].map({True: "yes", False: "UNVERIFIED"}).astype(object).fillna("")
    if "source_url" in df.columns:
        df["source_url"] = safe_urls(df["source_url"])
    return df


def safe_urls(urls: pd.Series) -> pd.Series:
    """safe_url() over a column, checking each distinct URL once (sources repeat: one treaty page per 20 rows)."""
    checked = {u: safe_url(u) for u in pd.unique(urls.dropna())}
    out = urls.map(checked).astype(object)
    return out.where(out.notna(), None)


def org_line(o: Any) -> str:
    """One organisation's status as a line of Markdown (escaped name and note, checked source link)."""
    parts = [f"**{esc(o.name)}** (organisation, not drawn on the map): {esc(o.status_label)}"]
    if date_text(o.action_date, o.date_precision) != "—":
        parts.append(esc(date_text(o.action_date, o.date_precision)))
    if o.verified is False:
        parts.append("**UNVERIFIED**")
    url = safe_url(o.source_url)
    if url:
        parts.append(f"[source ↗](<{url}>)")
    return " · ".join(parts)
