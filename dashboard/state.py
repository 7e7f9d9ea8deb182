"""URL query parameters <-> view state: validated, with defaults, never echoing what it rejects.

A page declares its parameters as `Param`s. `parse()` turns raw query parameters (as Streamlit gives them, every
value a list) into clean values plus the names of the parameters that were reset, so the page can say "reset to
default" without printing a hostile value back. `encode()` is the inverse, for the URL and the copy-link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from dashboard.textrules import invisible_problem

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_VALUE_LEN = 200
MAX_LIST = 60
# Set by dashboard.guards when Streamlit would have dropped the whole query (over 1,000 fields): not a parameter.
TRIMMED_PARAM = "_atlas_trimmed"
# Every page's setting names (the pages' specs; tests/test_tampered_urls.py checks the list). On a page, another page's
# setting is not a stranger to warn about: Streamlit's st.switch_page writes the target's settings into the address
# bar while the old page is still shown, which leaves a history entry "old page + new page's settings" (see
# dashboard/ui.py `page`).
ATLAS_PARAMS = frozenset(
    {"as_of", "instrument", "whatif", "bloc", "region", "instruments", "stance", "hq", "country", "company", "present"}
)
TRIMMED_NOTICE = "The link had more parameters than the Atlas reads; the extra ones were ignored."


@dataclass(frozen=True)
class Param:
    """One URL parameter: its name, default, and the allowed values (a set, or a predicate)."""

    name: str
    default: Any
    kind: str = "choice"  # choice | date | multi | int
    choices: Callable[[], set] | None = None
    lo: Any = None
    hi: Any = None


@dataclass
class Parsed:
    values: dict[str, Any]
    reset: list[str] = field(default_factory=list)  # known parameters whose value was invalid
    unknown: int = 0  # how many unknown parameter names were ignored
    trimmed: bool = False  # the query had more fields than Streamlit reads: only the first ones were kept

    @property
    def notice(self) -> str | None:
        """A short, value-free sentence for the page, or None when the URL was clean."""
        return notice(self.reset, self.unknown, self.trimmed)


def notice(reset: list[str], unknown: int, trimmed: bool = False) -> str | None:
    """'Some link settings … were reset: a, b.' — names only, never the rejected values."""
    parts = [TRIMMED_NOTICE] if trimmed else []
    if reset:
        parts.append("Some link settings were not valid and were reset to defaults: " + ", ".join(reset) + ".")
    if unknown:
        parts.append(f"{unknown} unknown link parameter(s) ignored.")
    return " ".join(parts) or None


def plain_query_text(raw: str) -> str | None:
    """`raw` if it may be read as a query value at all: at most MAX_VALUE_LEN characters, no control character (not
    even TAB or new line) and no invisible or reordering character (dashboard.textrules: bidi overrides and
    isolates, zero-width characters, separators, private use); else None."""
    if len(raw) > MAX_VALUE_LEN or any(ord(c) < 32 for c in raw) or invisible_problem(raw):
        return None
    return raw


def query_value(p: Param, raw: str) -> Any:
    """THE rule for a query value: the clean value of parameter `p` for the raw string `raw`, or raise ValueError.
    Plain text first (plain_query_text), then by kind: a YYYY-MM-DD day within [lo, hi], a whole number within
    [lo, hi], a list of distinct allowed choices, or one allowed choice."""
    raw_c = plain_query_text(raw)
    if raw_c is None:
        raise ValueError
    if p.kind == "date":
        # Only YYYY-MM-DD: fromisoformat alone would also take ISO week dates such as 2026-W01-1.
        d = date.fromisoformat(raw_c) if _ISO_DAY.fullmatch(raw_c) else None
        if d is None or (p.lo and d < p.lo) or (p.hi and d > p.hi):
            raise ValueError
        return d
    if p.kind == "int":
        if not raw_c.isdigit() or len(raw_c) > 6:
            raise ValueError
        v = int(raw_c)
        if (p.lo is not None and v < p.lo) or (p.hi is not None and v > p.hi):
            raise ValueError
        return v
    if p.kind == "multi":
        items = [x for x in raw_c.split(",") if x] if raw_c else []
        allowed = p.choices() if p.choices else set()
        if len(items) > MAX_LIST or any(x not in allowed for x in items) or len(set(items)) != len(items):
            raise ValueError
        return tuple(sorted(items))
    allowed = p.choices() if p.choices else set()
    if raw_c not in allowed:
        raise ValueError
    return raw_c


def parse(spec: list[Param], query: dict[str, list[str]]) -> Parsed:
    """Validate raw query parameters against `spec`. Repeated or invalid values fall back to the default."""
    names = {p.name for p in spec}
    out = Parsed(values={p.name: p.default for p in spec})
    out.trimmed = TRIMMED_PARAM in query
    out.unknown = sum(1 for k in query if k not in names and k != TRIMMED_PARAM)
    for p in spec:
        vals = query.get(p.name)
        if not vals:
            continue
        if len(vals) != 1:
            out.reset.append(p.name)
            continue
        try:
            out.values[p.name] = query_value(p, vals[0])
        except (ValueError, TypeError):
            out.reset.append(p.name)
    return out


def encode_value(v: Any) -> str:
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (tuple, list)):
        return ",".join(v)
    return str(v)


def encode(values: dict[str, Any]) -> dict[str, str]:
    """Query parameters for `values`, in a stable order (empty multi-values left out)."""
    return {k: encode_value(v) for k, v in values.items() if v not in (None, (), [], "")}


def view_url(base: str, page_path: str, values: dict[str, Any]) -> str:
    """The shareable URL of a view: base URL of the app, page path, every setting explicit."""
    base = base.split("?", 1)[0].split("#", 1)[0]
    root = base.rstrip("/")
    for suffix in _page_suffixes:
        if suffix and root.endswith("/" + suffix):
            root = root[: -len(suffix) - 1]
            break
    path = f"{root}/{page_path}" if page_path else f"{root}/"
    q = urlencode(encode(values))
    return f"{path}?{q}" if q else path


_page_suffixes: list[str] = []


def register_page_paths(paths: list[str]) -> None:
    """Page url paths, so view_url can strip the current page from the browser's URL to find the app's root."""
    _page_suffixes[:] = sorted(set(paths), key=len, reverse=True)


def shift_years(d: date, years: int, lo: date, hi: date) -> date:
    """The same day `years` later (earlier when negative), kept within [lo, hi]; 29 February becomes the 28th."""
    try:
        moved = d.replace(year=d.year + years)
    except ValueError:
        moved = d.replace(year=d.year + years, day=28)
    return min(max(moved, lo), hi)
