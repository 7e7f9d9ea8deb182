"""Charts for a projector: the same figure with every word large enough to read from the back of a classroom."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go

from dashboard.charts import _credited, _Same  # the page's credits (charts.export_ready), one line shorter
from dashboard.config import ATLAS_NAME

_LARGE: dict[int, tuple[go.Figure, go.Figure]] = {}
PRESENT_MAX_HEIGHT, TALL = 460, 800  # px


def large_type(fig: go.Figure, size: int = 18) -> go.Figure:
    """A copy of `fig` whose every word is at least `size` px (presentation mode: read from the back of a room):
    ticks, axis titles, legend, annotations, hover labels and text on the marks; the title a little larger.
    Memoised per figure (the figures themselves are memoised per view), never changing `fig`."""
    hit = _LARGE.get(id(fig))
    if hit is not None and hit[0] is fig:
        return hit[1]
    out = go.Figure(fig)
    out.update_layout(font_size=size, legend_font_size=size, hoverlabel_font_size=size, title_font_size=size + 8)
    out.update_layout(title_subtitle_font_size=size)
    out.update_xaxes(tickfont_size=size, title_font_size=size + 2)
    out.update_yaxes(tickfont_size=size, title_font_size=size + 2)
    out.update_annotations(font_size=size)
    # The legend in a row of its own between the subtitle and the plot: beside a narrow chart it covered the subtitle.
    height = out.layout.height or 420
    if out.layout.showlegend is not False:
        out.update_layout(
            legend=dict(orientation="h", x=0, xanchor="left", y=1.0, yanchor="bottom"),
            title=dict(yref="container", y=1, yanchor="top", pad_t=6),  # the title and subtitle at the top
            margin_t=(out.layout.margin.t or 84) + 2 * size,
        )
        height += 2 * size
    # A chart fits a 1280x720 screen under the presentation's bar and a row of pickers; a tall matrix (one row per
    # company) keeps its height and scrolls, since squeezing would make its rows unreadable.
    out.update_layout(height=min(height, PRESENT_MAX_HEIGHT) if height <= TALL else height)
    for trace in out.data:
        if "textfont" in trace:
            trace.textfont.size = size
    if len(_LARGE) > 256:
        _LARGE.clear()
    _LARGE[id(fig)] = (fig, out)
    return out


def projector_ready(fig: go.Figure, title: str | None, as_of: date, version: str) -> tuple[go.Figure, dict]:
    """charts.export_ready for a presentation: the same title and date, a source line without the view's link (no
    column of a slide is wide enough for it; the bar above gives the date and the source in full), and no export
    buttons (the page has them); then in large type."""
    out = _credited(_Same(fig), title, f"As of {as_of:%d %B %Y}", (f"Source: {ATLAS_NAME}, dataset {version}",))
    return large_type(out), {"displaylogo": False, "displayModeBar": False}
