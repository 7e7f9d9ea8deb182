"""Charts for a projector: the same figure with every word large enough to read from the back of a classroom."""

from __future__ import annotations

import plotly.graph_objects as go

_LARGE: dict[int, tuple[go.Figure, go.Figure]] = {}


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
    for trace in out.data:
        if "textfont" in trace:
            trace.textfont.size = size
    if len(_LARGE) > 256:
        _LARGE.clear()
    _LARGE[id(fig)] = (fig, out)
    return out
