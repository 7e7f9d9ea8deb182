"""The outputs a reader takes away from a page: the map as PNG, SVG and GIF, and charts whose own picture carries
their title, date and source. Streamlit-facing (buttons, the chart element); the pictures themselves are drawn in
dashboard/mapimage.py and dashboard/charts.py."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.fmt import esc


def map_downloads(view: Any, selection: str, key: str = "map") -> None:
    """ "Map as PNG", "Map as SVG", "Time-lapse as GIF" of `selection` on the view date, each made when clicked
    (dashboard/mapexport.py, memoised), named for what it shows: atlas-cets-225-2026-12-01-v2026.12.01.png."""
    from dashboard.views import mapexport

    if getattr(view, "mode", "page") == "embed":  # an embed is the map and its credit line only
        return
    rel, as_of, version = view.rel, view.as_of, str(view.info["version"])
    url = view.url(instrument=selection)  # the source line names the view; read now, in the session's own run
    row = st.container(horizontal=True)  # one row of buttons, wrapping on a narrow screen
    for label, make, ext, mime, tip in (
        (
            ":material/image: Map as PNG",
            mapexport.png,
            "png",
            "image/png",
            "A picture of this map with its title, legend, date and source, for slides and articles",
        ),
        (
            ":material/polyline: Map as SVG",
            mapexport.svg,
            "svg",
            "image/svg+xml",
            "The same map as a vector drawing (every word is text), for print and editing",
        ),
        (
            ":material/animation: Time-lapse as GIF",
            mapexport.gif,
            "gif",
            "image/gif",
            "An animation of this map from the first act to the view date, one frame per change",
        ),
    ):
        row.download_button(
            label,
            lambda make=make: make(rel, selection, as_of, url),
            file_name=mapexport.file_name(selection, as_of, version, ext),
            mime=mime,
            key=f"{key}-{ext}",
            help=tip,
            on_click="ignore",
        )


def plotly_chart(
    view: Any, fig: Any, key: str, title: str | None = None, where: Any = st, text: str | None = None
) -> None:
    """st.plotly_chart with the chart's own picture (modebar camera) carrying its title, the view date and the
    source line with this view's link (dashboard.charts.export_ready); `where` is the container (e.g. a column).
    `text`, the chart in a sentence with its figures (dashboard/views/alttext.py), is its alt text and its caption."""
    from dashboard import charts

    mode = getattr(view, "mode", "page")
    if mode == "embed":  # an embed shows the view's first chart alone (dashboard/modes.py)
        view._charts += 1
        if view._charts > 1:
            return
    values = {k: st.session_state.get(k, v) for k, v in view.values.items()}  # this run's widget values
    name = f"atlas-{view.path or 'overview'}-{key}-{view.as_of}-v{view.info['version']}".lower()
    if mode == "present":  # large type, a short source line and no export buttons on a projector
        from dashboard.largetype import projector_ready

        fig, config = projector_ready(fig, title, view.as_of, str(view.info["version"]))
    else:
        fig, config = charts.export_ready(
            fig, title, view.as_of, str(view.info["version"]), view.info["as_of"], view.url(**values), name
        )
    where.plotly_chart(fig, key=key, config=config, alt=text or None)
    if text:
        where.caption(esc(text))
