"""DataFrames in -> Plotly figures out. No Streamlit calls; no filtering of globals: each chart draws its argument."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.cache import memo
from dashboard.config import ATLAS_NAME, BINDING_COLORS, KIND_LABELS, STANCE_COLORS, STANCE_LABELS, STANCE_SYMBOLS
from dashboard.eif import Progress

# Every chart is its own light card, on either theme: white paper, dark text, light grid, all set here. Streamlit's
# Plotly theme colours what a figure leaves unset for the reader's theme (its dark theme: near-white ticks, which
# read as nothing on white), and the chart's own picture (the modebar camera) must stay light, for print. A dark
# text on a transparent paper was unreadable on the dark theme. The server cannot follow the theme instead: a switch
# in the menu does not rerun the script (st.context.theme.type stays stale until the next interaction).
INK, MUTED, PAPER, GRID = "#111827", "#374151", "#FFFFFF", "#E5E7EB"
FONT = dict(family="sans-serif", size=15, color=INK)
AXIS = dict(
    tickfont=dict(color=MUTED), title_font=dict(color=MUTED), gridcolor=GRID, zerolinecolor=GRID, linecolor=GRID
)


def plain(text: object) -> str:
    """Plotly renders a small HTML subset (links, tags) in labels and hovers: show data as literal text instead."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=18)),
        font=FONT,
        height=height,
        margin=dict(l=10, r=10, t=60, b=10),
        paper_bgcolor=PAPER,
        plot_bgcolor=PAPER,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1, font=dict(color=INK)),
        hoverlabel=dict(font_size=14),
    )
    fig.update_layout(title_font_color=INK)
    fig.update_xaxes(**AXIS)
    fig.update_yaxes(**AXIS)
    fig.update_annotations(font_color=MUTED)  # e.g. the entry-into-force thresholds ("5 needed")
    return fig


def _binding_label(b: bool) -> str:
    return "Binding" if b else "Voluntary"


def instruments_over_time(instruments: pd.DataFrame) -> go.Figure:
    """Instruments adopted per year, binding vs voluntary (hover lists them)."""
    df = instruments.dropna(subset=["adopted_on"]).copy()
    df["year"] = [d.year for d in df["adopted_on"]]
    df["bindingness"] = df["legally_binding"].map(_binding_label)
    fig = go.Figure()
    for label in ("Binding", "Voluntary"):
        g = df[df["bindingness"] == label].groupby("year")
        years = sorted(g.groups)
        fig.add_bar(
            x=years,
            y=[len(g.get_group(y)) for y in years],
            name=label,
            marker_color=BINDING_COLORS[label],
            customdata=["<br>".join(map(plain, g.get_group(y)["short_name"])) for y in years],
            hovertemplate="%{x}: %{y} " + label.lower() + "<br>%{customdata}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(dtick=1, title="Year adopted")
    fig.update_yaxes(title="Instruments")
    return _layout(fig, "Instruments adopted per year, binding vs voluntary")


def instruments_by_kind(instruments: pd.DataFrame) -> go.Figure:
    """How many instruments of each kind, split by bindingness."""
    df = instruments.copy()
    df["bindingness"] = df["legally_binding"].map(_binding_label)
    df["kind_label"] = df["kind"].map(KIND_LABELS)
    counts = df.groupby(["kind_label", "bindingness"]).size().unstack(fill_value=0)
    order = counts.sum(axis=1).sort_values().index
    fig = go.Figure()
    for label in ("Binding", "Voluntary"):
        if label in counts.columns:
            fig.add_bar(
                y=list(order),
                x=[int(counts.loc[k, label]) for k in order],
                name=label,
                orientation="h",
                marker_color=BINDING_COLORS[label],
                hovertemplate="%{y}: %{x} " + label.lower() + "<extra></extra>",
            )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="Instruments", dtick=1)
    return _layout(fig, "Instruments by kind", height=max(320, 28 * len(order) + 120))


def country_commitments(df: pd.DataFrame, top: int = 25) -> go.Figure:
    """Binding and voluntary commitments side by side for the `top` most committed participants in `df`."""
    d = df.assign(total=df["Binding"] + df["Voluntary"])
    d = d[d["total"] > 0].sort_values(["total", "name"], ascending=[False, True]).head(top).iloc[::-1]
    fig = go.Figure()
    for label in ("Binding", "Voluntary"):
        fig.add_bar(
            y=d["name"].map(plain),
            x=d[label],
            name=label,
            orientation="h",
            marker_color=BINDING_COLORS[label],
            hovertemplate="%{y}: %{x} " + label.lower() + " instrument(s)<extra></extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title="Instruments with a signature, ratification, endorsement or own law", dtick=1)
    return _layout(fig, f"Binding and voluntary commitments, top {len(d)}", height=max(320, 34 * len(d) + 120))


def company_stances(stances: pd.DataFrame, top: int = 30) -> go.Figure:
    """Stances per company (latest per instrument), stacked by kind of stance."""
    latest = stances.sort_values("stance_date").drop_duplicates(["company_id", "instrument_id"], keep="last")
    counts = latest.groupby(["company", "stance"]).size().unstack(fill_value=0)
    order = counts.sum(axis=1).sort_values(ascending=False).head(top).index[::-1]
    fig = go.Figure()
    for s in ("signed", "partial", "supported", "declined", "opposed", "withdrew"):
        if s in counts.columns:
            fig.add_bar(
                y=[plain(c) for c in order],
                x=[int(counts.loc[c, s]) for c in order],
                name=STANCE_LABELS[s],
                orientation="h",
                marker_color=STANCE_COLORS[s],
                hovertemplate="%{y}: %{x} " + STANCE_LABELS[s].lower() + "<extra></extra>",
            )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="Voluntary commitments and bills", dtick=1)
    return _layout(fig, f"Company stances, top {len(order)}", height=max(320, 28 * len(order) + 120))


def stance_matrix(matrix: pd.DataFrame, hover: pd.DataFrame) -> go.Figure:
    """Companies x instruments heatmap of stance classes; `hover` holds the cell text (date, quote, source). Every
    cell shows its stance's symbol too (config.STANCE_SYMBOLS, in the ink Plotly picks to contrast with the cell)."""
    classes = ["none", "signed", "partial", "supported", "declined", "opposed", "withdrew", "not_listed"]
    code = {c: i for i, c in enumerate(classes)}
    z = matrix.replace(code).astype(float).values
    n = len(classes)
    scale = []
    for i, c in enumerate(classes):
        scale += [[i / n, STANCE_COLORS[c]], [(i + 1) / n, STANCE_COLORS[c]]]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[plain(c) for c in matrix.columns],
            y=[plain(i) for i in matrix.index],
            zmin=0,
            zmax=n,
            colorscale=scale,
            showscale=False,
            customdata=hover.values,
            hovertemplate="%{y} · %{x}<br>%{customdata}<extra></extra>",
            text=matrix.replace(STANCE_SYMBOLS).values,
            texttemplate="%{text}",
            textfont=dict(size=15),
            xgap=2,
            ygap=2,
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=-30)
    return _layout(fig, "", height=max(360, 26 * len(matrix) + 160))


def eif_progress(progress: Progress, opened_on: date | None = None) -> go.Figure:
    """Consents to be bound over time against the two thresholds of the stored rule, from opening to the view date."""
    cons = progress.consents
    fig = go.Figure()
    if cons or opened_on:
        start = [opened_on] if opened_on else []
        xs, total, coe = list(start), [0] * len(start), [0] * len(start)
        t = c = 0
        for k in cons:
            t += 1
            c += int(k.coe_member)
            xs.append(k.on)
            total.append(t)
            coe.append(c)
        xs.append(progress.as_of)
        total.append(t)
        coe.append(c)
        names = (
            ["Opened for signature"] * len(start)
            + [
                plain(k.name) + (" (what-if)" if k.hypothetical else "") + ("" if k.verified else " (UNVERIFIED)")
                for k in cons
            ]
            + ["View date"]
        )
        fig.add_scatter(
            x=xs,
            y=total,
            mode="lines+markers",
            line_shape="hv",
            name="Ratifications / approvals",
            line=dict(color="#0072B2", width=3),
            customdata=names,
            hovertemplate="%{x|%d %b %Y}: %{y} in all<br>%{customdata}<extra></extra>",
        )
        fig.add_scatter(
            x=xs,
            y=coe,
            mode="lines+markers",
            line_shape="hv",
            name="… by Council of Europe member states",
            line=dict(color="#E69F00", width=3, dash="dash"),
            customdata=names,
            hovertemplate="%{x|%d %b %Y}: %{y} member states<extra></extra>",
        )
    r = progress.rule
    fig.add_hline(
        y=r.parties_required,
        line=dict(color="#0072B2", dash="dot"),
        annotation_text=f"{r.parties_required} needed",
        annotation_position="top left",
    )
    fig.add_hline(
        y=r.min_coe_members,
        line=dict(color="#E69F00", dash="dot"),
        annotation_text=f"{r.min_coe_members} member states needed",
        annotation_position="bottom right",
    )
    fig.update_yaxes(range=[0, max(r.parties_required, len(cons)) + 1], dtick=1, title="Count")
    fig.update_xaxes(title="Date of deposit")
    return _layout(fig, "Consents to be bound, against the entry-into-force rule", height=380)


def events_timeline(events: pd.DataFrame, as_of: date, scheduled: pd.DataFrame | None = None) -> go.Figure:
    """Dated events of one or more instruments on a time axis; `scheduled` ones (after `as_of`) as open diamonds."""
    df = events.sort_values("event_date")
    fig = go.Figure(
        go.Scatter(
            x=df["event_date"],
            y=df["instrument"].map(plain),
            mode="markers",
            name="happened",
            marker=dict(size=13, color="#0B5CAD", line=dict(color="white", width=1)),
            customdata=df["title"].map(plain),
            hovertemplate="%{x|%d %b %Y}<br>%{customdata}<extra></extra>",
        )
    )
    n = df["instrument"].nunique()
    if scheduled is not None and len(scheduled):
        fig.add_scatter(
            x=scheduled["event_date"],
            y=scheduled["instrument"].map(plain),
            mode="markers",
            name="scheduled",
            marker=dict(size=13, symbol="diamond-open", color="#D55E00", line=dict(width=2)),
            customdata=("Scheduled: " + scheduled["title"].map(plain)),
            hovertemplate="%{x|%d %b %Y}<br>%{customdata}<extra></extra>",
        )
        n = max(n, scheduled["instrument"].nunique())
    fig.add_vline(x=pd.Timestamp(as_of), line=dict(color="#D55E00", dash="dot"))
    return _layout(fig, "Timeline", height=max(260, 40 * n + 140))


def status_legend(legend: pd.DataFrame) -> go.Figure:
    """The map's legend as one stacked bar: colour swatch, label and count of states per status."""
    fig = go.Figure()
    for r in legend.itertuples():
        fig.add_bar(
            x=[max(r.count, 0.0001)],
            y=[""],
            orientation="h",
            name=f"{r.status} ({r.count})",
            marker_color=r.colour,
            marker_line=dict(color="#6B7280", width=0.5),
            hovertemplate=f"{r.status}: {r.count} states<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        showlegend=True,
        height=130,
        margin=dict(l=0, r=0, t=0, b=0),
        legend=dict(orientation="h", y=-0.25, x=0, font=dict(size=14, color=INK)),
        paper_bgcolor=PAPER,
        plot_bgcolor=PAPER,
        font=FONT,
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


class _Same:
    """A figure as a memo key, by identity: the key holds the figure, so its id cannot be reused while cached."""

    __slots__ = ("fig",)

    def __init__(self, fig: go.Figure) -> None:
        self.fig = fig

    def __hash__(self) -> int:
        return id(self.fig)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.fig is self.fig


SOURCE_FONT = dict(size=12, color="#4B5563")


@memo(256)
def _credited(ref: _Same, title: str | None, subtitle: str, source: tuple[str, ...]) -> go.Figure:
    fig = go.Figure(ref.fig)  # a copy: the figure it came from is memoised and shared by every session
    text = plain(title) if title is not None else (fig.layout.title.text or "")
    fig.update_layout(title=dict(text=text, subtitle=dict(text=plain(subtitle), font=dict(size=13, color="#4B5563"))))
    xa = fig.layout.xaxis
    below = xa.side != "top" and xa.visible is not False  # tick labels (and perhaps a title) under the plot
    shift = (80 if xa.title.text else 36) if below else 8
    old_t, old_b = fig.layout.margin.t or 0, fig.layout.margin.b or 0
    top, bottom = max(old_t, 84), max(old_b, shift + 40)  # room for the subtitle and the two source lines
    fig.update_layout(
        margin=dict(t=top, b=bottom), height=(fig.layout.height or 420) + top - old_t + bottom - old_b
    )  # the plot keeps its size
    fig.add_annotation(
        text="<br>".join(map(plain, source)),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-shift,
        showarrow=False,
        align="left",
        font=SOURCE_FONT,
    )
    return fig


def export_ready(
    fig: go.Figure, title: str | None, as_of: date, version: str, data_as_of: date, url: str, filename: str
) -> tuple[go.Figure, dict]:
    """The figure and the `config` for st.plotly_chart so that its own picture (the modebar's camera, made in the
    reader's browser) carries the title, the view date and the source line, and a file name that says what it is.

    `title` None keeps the figure's own. Memoised per (figure, texts): a rerun reuses the copy instead of copying.
    """
    source = (f"Source: {ATLAS_NAME}, dataset {version}, data as of {data_as_of:%d %B %Y};", url)
    out = _credited(_Same(fig), title, f"As of {as_of:%d %B %Y}", source)
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": "png",
            "filename": filename,
            "scale": 2,
            "width": 1200,
            "height": int(out.layout.height or 500),
        },
    }
    return out, config
