"""The Corporate stances page: a companies x commitments matrix and every stance behind it, under the filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import charts, facts, fmt, lookups
from dashboard.cache import memo
from dashboard.config import STANCE_COLORS, STANCE_LABELS, STANCE_SYMBOLS
from dashboard.db import Release
from dashboard.views import SOURCE, Table, alttext

MATRIX_ROWS, MATRIX_COLS = 60, 30  # a readable matrix; the table under it lists every stance
HEADERS = {
    "company": "Company",
    "instrument": "Commitment",
    "stance": "Stance",
    "stance_date": "Date",
    "date_precision": "Date precision",
    "quote": "Quote (reason given)",
    "quote_by": "Said by",
    "verified": "Verified",
    **SOURCE,
    "note": "Note",
}
COLOUR_NAMES = {
    "#0072B2": "blue",
    "#56B4E9": "light blue",
    "#009E73": "green",
    "#D55E00": "vermilion",
    "#E69F00": "orange",
    "#CC79A7": "purple",
    "#882255": "wine",
    "#9CA3AF": "mid grey",
    "#E5E7EB": "light grey",
}


@dataclass(frozen=True)
class StanceView:
    empty: bool
    figure: object | None
    caption: str
    legend: str
    table: Table
    text: str = ""  # the matrix in a sentence: its cells counted by stance (alt text and caption)


def matrix_of(latest: pd.DataFrame) -> tuple[object, int, int, str]:
    """The matrix figure of the most active companies and commitments: (figure, companies shown, commitments, the
    matrix in a sentence)."""
    top_c = latest["company"].value_counts().head(MATRIX_ROWS).index
    top_i = latest["instrument"].value_counts().head(MATRIX_COLS).index
    cell = latest[latest["company"].isin(top_c) & latest["instrument"].isin(top_i)]
    cell = cell.assign(
        text=[
            f"{STANCE_LABELS[s]} · {fmt.date_text(d, p)}"
            + (" · UNVERIFIED" if not v else "")
            + (f"<br>“{charts.plain(q[:140])}”" if isinstance(q, str) and q else "")
            for s, d, p, v, q in zip(
                cell["stance"],
                cell["stance_date"],
                cell["date_precision"],
                cell["verified"],
                cell["quote"],
                strict=True,
            )
        ]
    )
    matrix = cell.pivot_table(index="company", columns="instrument", values="stance", aggfunc="first").fillna("none")
    hover = (
        cell.pivot_table(index="company", columns="instrument", values="text", aggfunc="first")
        .reindex_like(matrix)
        .fillna("No record")
    )
    order = (matrix == "signed").sum(axis=1).sort_values(ascending=False, kind="stable").index
    fig = charts.stance_matrix(matrix.loc[order], hover.loc[order])
    return fig, len(top_c), len(top_i), alttext.matrix_sentence(matrix)


def legend_text() -> str:
    """The matrix's symbols and colours in words, from the palette itself (so the prose cannot drift from them)."""
    return (
        "Symbols and colours: "
        + ", ".join(
            (f"{STANCE_SYMBOLS[s]} " if STANCE_SYMBOLS[s] else "")
            + f"{STANCE_LABELS[s].lower()} ({COLOUR_NAMES.get(STANCE_COLORS[s], STANCE_COLORS[s])})"
            for s in STANCE_LABELS
        )
        + "."
    )


@memo(256)
def stance_view(rel: Release, as_of: date, chosen: tuple[str, ...], stance: str, hq: str) -> StanceView:
    latest = facts.latest_stances(rel, as_of, chosen, stance, hq)
    shown = fmt.verified_col(latest[list(HEADERS)].sort_values(["company", "instrument"]))
    table = Table(
        shown,
        HEADERS,
        "stances (by company)",
        "Corporate stances on voluntary AI commitments",
        tuple(lookups.urls(latest["source_url"])),
        "stances",
        "narrow the filters above to see the others here",
    )
    if latest.empty:
        return StanceView(True, None, "", "", table)
    fig, shown_c, shown_i, text = matrix_of(latest)
    n_comp, n_inst = int(latest["company_id"].nunique()), int(latest["instrument_id"].nunique())
    caption = (
        f"{n_comp} companies × {n_inst} commitments; the latest stance on or before {as_of:%d %B %Y} in each "
        "cell. Grey: no record."
        + (
            f" The matrix shows the {shown_c} companies and {shown_i} commitments with the most stances; "
            "narrow the filters to see others."
            if (shown_c, shown_i) != (n_comp, n_inst)
            else ""
        )
    )
    return StanceView(False, fig, caption, legend_text(), table, text)
