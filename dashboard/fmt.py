"""How data is written for readers, without Streamlit (pages and memoised tables share these rules).

- dates honour their precision (one rule for tables, tooltips and hovers);
- text from the data goes through `esc()` before any Markdown-rendering call; links through `safe_url()`.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from dashboard.textrules import host_problem, invisible_problem


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


@lru_cache(maxsize=8192)
def url_problem(value: str) -> str | None:
    """Why `value` is not an acceptable http(s) source URL, or None if it is: THE rule. The build refuses a row
    whose link breaks it (dashboard.validate.check_url is this function) and the app shows a link only if it keeps
    it (safe_url below), so a source the build accepted is never blanked in the app, and the app never links what
    the build would refuse. Cached: sources repeat (one treaty page for twenty rows)."""
    if value != value.strip():
        return "URL has leading or trailing white space"
    if any(ord(ch) < 33 or ord(ch) == 127 or ch in '<>"\\' for ch in value):
        return 'URL contains white space, a control character or one of < > " \\'
    if not (value.startswith("https://") or value.startswith("http://")):
        scheme = value.split(":", 1)[0] if ":" in value else ""
        return f"URL must start with http:// or https:// (scheme {scheme!r} is not allowed)"
    try:
        parts = urlsplit(value)
    except ValueError:  # a [ or ] that does not enclose an IPv6 address
        return "URL is malformed: a [ or ] in the host part (only an IPv6 address is written in brackets)"
    host = parts.hostname or ""
    if "." not in host or host.startswith(".") or host.endswith("."):
        return f"URL has no valid host name ({host!r})"
    return _url_host_and_text(value, parts)


def _url_host_and_text(value: str, parts) -> str | None:
    """The rest of url_problem: no hidden or reordering characters, no user name before the host, and a plain
    ASCII host (an xn-- name that is not a look-alike). See dashboard/textrules.py."""
    hidden = invisible_problem(value)
    if hidden or any(ch.isspace() for ch in value):
        return "URL " + (hidden or "contains white space").removeprefix("text ")
    if "@" in parts.netloc:
        return "URL has a user name before the host (…@host), which hides the real host; give the plain URL"
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return "URL has a port that is not a number"
    return host_problem(parts.hostname or "")


def safe_url(url: Any) -> str | None:
    """The URL if it keeps the one URL rule (url_problem), else None (never hand a javascript: link, a look-alike
    host or a hidden character to the browser)."""
    return url if isinstance(url, str) and url_problem(url) is None else None


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
