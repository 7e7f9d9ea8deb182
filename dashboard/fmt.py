"""How dates are written for readers, honouring their precision (one rule for tables, tooltips and hovers)."""

from __future__ import annotations

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
