"""One view drawn three ways: the page, a presentation (`?present=1`) and an embed (`?embed=true`).

- Presentation: for a projector. No sidebar; a one-line bar under the title holds the date, ← and → (a year back and
  forward, as keyboard shortcuts too) and Esc to leave; all type is larger (dashboard/assets/present.css). The setting
  is a URL parameter like any other, so a share link opens the presentation.
- Embed: Streamlit's own `?embed=true` (st.context.is_embedded), for an article's iframe. The view's map or chart
  alone, then one credit line: date, source, "Open in the Atlas ↗" (the same view, not embedded). Citations, downloads
  and tables are not drawn (dashboard/ui.py asks `drawn()`); the page's words and controls are hidden by
  dashboard/assets/embed.css.

The style sheets (these two, and a11y.css: the keyboard-focus ring on every view) are our own constant CSS, injected
in one st.html style element (`style`): Streamlit has no layout, type-size or focus-style option, and nothing from
the data is ever put in them.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import state
from dashboard.config import ATLAS_NAME
from dashboard.fmt import esc, safe_url

ASSETS = Path(__file__).resolve().parent / "assets"
CSS = {m: (ASSETS / f"{m}.css").read_text(encoding="utf-8") for m in ("a11y", "present", "embed")}
PRESENT = state.Param("present", "", choices=lambda: {"1"})
EMBED_SIZE = (800, 600)


def mode_of(values: dict[str, Any]) -> str:
    """'embed' inside Streamlit's embed mode, else 'present' when the view asks for it, else 'page'."""
    try:
        embedded = bool(st.context.is_embedded)
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest) there is no context
        embedded = False
    if embedded:
        return "embed"
    return "present" if values.get("present") == "1" else "page"


def style(mode: str) -> None:
    """The page's own constant CSS, in one style element: the keyboard-focus ring on every view (a11y.css: no
    Streamlit element or theme option sets a focus style), and the layout of a presentation or an embed."""
    st.html(f"<style>{CSS['a11y']}{CSS.get(mode, '')}</style>")  # constant CSS only (see the module docstring)


def drawn(view: Any) -> bool:
    """Whether the page's extras (citations, downloads, tables, further charts) are drawn: not in an embed."""
    return getattr(view, "mode", "page") != "embed"


def _set_present(on: bool) -> None:
    st.session_state["present"] = "1" if on else ""


def _step(years: int, lo: date, hi: date) -> None:
    st.session_state["as_of"] = state.shift_years(st.session_state["as_of"], years, lo, hi)


def present_button(where: Any = st) -> None:
    """The way in, on every view (the sidebar): the same view as a presentation."""
    where.button(
        "Present this view",
        icon=":material/slideshow:",
        on_click=_set_present,
        args=(True,),
        key="present-on",
        help="Full screen for a projector: no sidebar, large type; ← and → step a year, Esc leaves.",
    )


def present_bar(view: Any, lo: date) -> None:
    """The one line of a presentation: the title, ◀ a year back, the date (typed, or stepped), a year on ▶, Exit
    (Esc), and the dataset's date and source."""
    hi = view.info["as_of"]
    d = st.session_state["as_of"]
    back, fwd = state.shift_years(d, -1, lo, hi), state.shift_years(d, 1, lo, hi)
    bar = st.container(horizontal=True, key="atlas-present-bar", vertical_alignment="center", gap="small")
    bar.title(view.title, anchor=False, width="content")
    bar.button(
        f"◀ {back.year}",
        key="present-back",
        on_click=_step,
        args=(-1, lo, hi),
        shortcut="Left",
        disabled=back == d,
        help=f"Show {back:%d %B %Y}",
    )
    bar.date_input(
        "Showing the world as it stood on",
        key="as_of",
        min_value=lo,
        max_value=hi,
        format="YYYY-MM-DD",
        label_visibility="collapsed",
        width=170,
    )
    bar.button(
        f"{fwd.year} ▶",
        key="present-fwd",
        on_click=_step,
        args=(1, lo, hi),
        shortcut="Right",
        disabled=fwd == d,
        help=f"Show {fwd:%d %B %Y}",
    )
    bar.button(
        "Exit", key="present-off", on_click=_set_present, args=(False,), shortcut="Esc", help="Leave the presentation"
    )
    st.caption(f"Data as of {hi:%d %B %Y} · Source: {ATLAS_NAME}, dataset {esc(view.info['version'])}")


def embed_footer(view: Any) -> None:
    """The credit line under an embedded map or chart: date, source, and the same view in the Atlas."""
    if view.mode != "embed":
        return
    url = safe_url(view.url())
    link = f" · [Open in the Atlas ↗]({url})" if url else ""
    with st.container(key="atlas-embed-foot"):
        st.markdown(
            f"**{esc(view.title)}**, {view.as_of:%d %b %Y} · Source: {ATLAS_NAME}, dataset {esc(view.info['version'])}"
            f"{link}"
        )


def embed_box(view: Any, what: str, where: Any) -> None:
    """ "Embed this": the iframe snippet for this view (lazy, like "Cite this view": sent only while open)."""
    box = where.expander(":material/code: Embed this", key="embed-box", on_change="rerun")
    if box.open:
        with box:
            st.caption(
                f"Paste into an article: this view's map or chart alone, {EMBED_SIZE[0]}×{EMBED_SIZE[1]}, with its "
                "date, source and a link back. It shows the data as of the date in the link."
            )
            st.code(embed_snippet(view.url(), what), language="html", wrap_lines=True)


def embed_snippet(url: str, what: str) -> str:
    """The iframe an article pastes: this view, embedded, 800×600, titled for screen readers."""
    sep = "&" if "?" in url else "?"
    w, h = EMBED_SIZE
    return (
        f'<iframe src="{html.escape(url + sep + "embed=true", quote=True)}" width="{w}" height="{h}" '
        f'style="border:0" loading="lazy" title="{html.escape(what + " · " + ATLAS_NAME, quote=True)}"></iframe>'
    )
