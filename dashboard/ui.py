"""The frame every page shares: page config, navigation, as-of date, URL state, citations and downloads.

Rule for everything here: text that comes from the data goes through `esc()` before any Markdown-rendering call,
or is shown with st.text / st.dataframe; links go through `safe_url()`. Nothing is rendered as raw HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import datebox, exports, guards, modes, queries, searchbox, state
from dashboard.config import ATLAS_NAME, MAX_TABLE_ROWS, PAGES
from dashboard.db import DatasetUnavailable, Release
from dashboard.fmt import date_text, esc, org_line, safe_url, safe_urls, verified_col  # noqa: F401 - pages call them via ui
from dashboard.mapchart import map_height, open_picked_country, screen  # noqa: F401 - pages call them via ui
from dashboard.outputs import map_downloads, plotly_chart  # noqa: F401 - pages call them via ui

state.register_page_paths([p[1] for p in PAGES])
guards.install()  # what a tampered websocket client sends: see dashboard/guards.py
MIN_DATE = date(2015, 1, 1)
METRIC_ROW_CHARS = 30  # value-size characters one row of metrics holds at 1280 px with the sidebar open
FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"
# The theme follows the reader's system (prefers-color-scheme); Streamlit's own menu switches it, in viewer mode too
# (.streamlit/config.toml has a light and a dark theme, so the menu offers System / Light / Dark).
THEME_HINT = ":material/dark_mode: Dark or light: the ⋮ menu at the top right → System, Light or Dark."


@dataclass
class View:
    """What a page needs: the release, its identity, the as-of date and the validated URL settings."""

    rel: Release
    info: dict
    path: str
    title: str
    values: dict[str, Any]
    sources: list[str] = field(default_factory=list)
    mode: str = "page"  # page | present | embed (dashboard/modes.py)
    _slot: Any = None
    _charts: int = 0  # Plotly charts drawn so far in this run (an embed shows the first)
    _cited: bool = False  # a citation drawn in this run (the first gets "Embed this")
    _bar: Any = None  # a presentation's bar (modes.present_bar), filled by sidebar()

    @property
    def as_of(self) -> date:
        return self.values["as_of"]

    def keep_valid(self, name: str, allowed: list | set) -> list:
        """Drop from a multi-select setting the values not allowed in this view (e.g. after an as-of change), with
        the same value-free notice as an invalid link. A value repeated (only a tampered client sends that) is kept
        once."""
        current = list(st.session_state.get(name, []))
        kept = list(dict.fromkeys(v for v in current if v in allowed))
        if kept != current:
            st.session_state[name] = kept
            self.reset(name)
        return kept

    def reset(self, name: str) -> None:
        """Record that the setting `name` fell back to its default, and say so in the page's notice."""
        resets = st.session_state.setdefault("_atlas_reset", [])
        if name not in resets:
            resets.append(name)
        self._show_notice()

    def _show_notice(self) -> None:
        text = state.notice(
            st.session_state.get("_atlas_reset", []),
            st.session_state.get("_atlas_unknown", 0),
            st.session_state.get("_atlas_trimmed", False),
        )
        if text and self._slot is not None:
            self._slot.info(text, icon=":material/link_off:")

    def url(self, **override: Any) -> str:
        base = _base_url()
        return state.view_url(base, self.path, {**self.values, **override})


def _base_url() -> str:
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - outside a browser session (AppTest) there is no URL
        url = None
    return url or "http://localhost:8501/"


def _query() -> dict[str, list[str]]:
    qp = st.query_params
    return {k: qp.get_all(k) for k in qp}


def page(
    path: str, title: str, spec: Callable[[Release, dict], list[state.Param]] | None = None, sidebar_last: bool = False
) -> View:
    """Start a page: config, release (or a maintenance notice), navigation, as-of date and URL settings.

    sidebar_last=True leaves the sidebar (navigation, date picker) to `sidebar(view)`, which the page then calls at
    its very end: its elements reach the browser after the page's main element, whose code then loads first. The
    as-of date is read from the session either way (set from the URL on the page's first run)."""
    # The tab icon is our own file: a ":material/…" icon would make every page ask Google's font server for it.
    # The Overview's tab reads just the Atlas's name, not "AI Governance Atlas · AI Governance Atlas".
    st.set_page_config(
        page_title=title if title == ATLAS_NAME else f"{title} · {ATLAS_NAME}", page_icon=str(FAVICON), layout="wide"
    )
    try:
        rel = queries.current_release()
        info = queries.dataset_info(rel)
    except DatasetUnavailable as exc:
        st.title(ATLAS_NAME)
        st.warning(
            "The Atlas is briefly unavailable for maintenance: its data release could not be opened. "
            "Please try again in a few minutes.",
            icon=":material/construction:",
        )
        st.caption(f"Reason, for the maintainers: {esc(exc)}")
        st.stop()
    params = [state.Param("as_of", info["as_of"], kind="date", lo=MIN_DATE, hi=info["as_of"]), modes.PRESENT]
    if spec:
        params += spec(rel, info)
    own = {p.name for p in params}
    query = _query()
    foreign = {k for k in query if k in state.ATLAS_PARAMS and k not in own}
    parsed = state.parse(params, {k: v for k, v in query.items() if k not in foreign})
    if foreign and path in st.session_state.get("_atlas_views", {}):
        # Back onto the entry st.switch_page left behind (this page with the next page's settings): the view this
        # page last showed in this session, with whatever of its own settings the entry names.
        parsed.values = {**st.session_state["_atlas_views"][path], **{k: parsed.values[k] for k in own if k in query}}
    # The view the address bar names, every default made explicit. The URL is the source of truth on this page's
    # first run in the session, and on the browser's Back or Forward when it names another view than the one our
    # last run left there (Streamlit reruns the page with that entry's query and flags the run). Otherwise the
    # widgets are: an ordinary rerun may carry a query the browser sent before our last write reached it.
    url_view = state.encode(parsed.values)
    left = st.session_state.get("_atlas_url")
    history = getattr(get_script_run_ctx(), "is_history_navigation", False)  # Streamlit's flag on the run
    moved = history and left is not None and left[0] == path and left[1] != url_view
    if st.session_state.get("_atlas_page") != path or moved:
        for p in params:
            st.session_state[p.name] = list(parsed.values[p.name]) if p.kind == "multi" else parsed.values[p.name]
        st.session_state["_atlas_page"] = path
        st.session_state["_atlas_reset"] = list(parsed.reset)
        st.session_state["_atlas_unknown"] = parsed.unknown
        st.session_state["_atlas_trimmed"] = parsed.trimmed
    st.session_state["_atlas_url"] = (path, url_view)
    # sync_url rewrites a link with an invalid, unknown or extra parameter to its clean spelling, and a link with no
    # date (a bare page address) to every setting: the dataset's date moves with each release, the defaults do not.
    st.session_state["_atlas_url_dirty"] = bool(
        parsed.reset or parsed.unknown or parsed.trimmed or foreign or "as_of" not in query
    )
    view = View(rel, info, path, title, dict(parsed.values))
    view.values["present"] = st.session_state.get("present", "")
    view.mode = modes.mode_of(view.values)
    modes.style(view.mode)
    if view.mode == "present":  # the title, the date and its steps on one line; like the sidebar, drawn last
        view._bar = st.container()  # when the page asks (its main element's code then loads first)
    if not sidebar_last:
        sidebar(view)
    if view.mode == "page":  # an embed names its view in its credit line (modes.embed_footer)
        st.title(title)
    view.values["as_of"] = st.session_state["as_of"]
    if view.mode == "page":
        _as_of_badge(view)
    view._slot = st.empty()
    view._show_notice()
    return view


def sidebar(view: View) -> None:
    if view.mode == "present" and view._bar is not None:
        with view._bar:
            modes.present_bar(view, MIN_DATE)
    if view.mode != "page":  # a presentation and an embed have no sidebar (modes.py)
        return
    with st.sidebar:
        st.markdown(f"### {ATLAS_NAME}")
        searchbox.search_box(view, "sidebar", "Search")
        carry = {"as_of": state.encode_value(st.session_state.get("as_of", view.info["as_of"]))}
        for script, _, label, icon in PAGES:
            st.page_link(script, label=label, icon=icon, query_params=carry)
        st.divider()
        datebox.date_controls(view, MIN_DATE)
        st.caption(f"Dataset {esc(view.info['version'])}, facts checked up to {view.info['as_of']:%d %B %Y}.")
        st.caption(THEME_HINT)
        modes.present_button()


def _as_of_badge(view: View) -> None:
    ds = view.info["as_of"]
    if view.as_of == ds:
        st.caption(f":material/event: Data as of **{ds:%d %B %Y}** (dataset {esc(view.info['version'])}).")
    else:
        st.caption(
            f":material/history: Showing the world **as it stood on {view.as_of:%d %B %Y}** · "
            f"dataset as of {ds:%d %B %Y} (version {esc(view.info['version'])})."
        )


def sync_url(view: View, **values: Any) -> None:
    """Write the page's settings into the browser's URL, only when the address bar does not already name this view;
    then, in an embed, the credit line (this is every page's last call).

    Each write is a new browser history entry (Streamlit pushes it), so a URL that differs only in spelling, e.g. a
    sidebar link's `?as_of=…` that leaves the page's defaults out, is left as it is: one view, one Back step."""
    view.values.update(values)
    want = state.encode(view.values)
    if st.session_state.get("_atlas_url") != (view.path, want) or st.session_state.get("_atlas_url_dirty"):
        st.query_params.from_dict(want)
        st.session_state["_atlas_url"] = (view.path, want)
        st.session_state["_atlas_url_dirty"] = False
    st.session_state.setdefault("_atlas_views", {})[view.path] = dict(view.values)
    modes.embed_footer(view)


def csv_name(view: View, key: str) -> str:
    """atlas-<page>-<its settings, e.g. the instrument>-<table>-<view date>-v<dataset version>.csv"""
    settings = [state.encode_value(v) for k, v in view.values.items() if k != "as_of" and v not in (None, "", (), [])]
    parts = ["atlas", view.path or "overview", *settings, key, str(view.as_of), f"v{view.info['version']}"]
    return re.sub(r"[^a-z0-9.,-]+", "-", "-".join(parts).lower()).strip("-")[:180] + ".csv"


def human(column: str, headers: dict[str, str] | None = None) -> str:
    """A CSV column's header as the page shows it ("link:Source|open ↗" gives Source; source_url gives Source)."""
    head = (headers or {}).get(column) or {"source_url": "Source", "evidence_url": "Evidence (copy read)"}.get(column)
    if head:
        return head[5:].partition("|")[0] if head.startswith("link:") else head
    return column.replace("_", " ").capitalize()


def cite(
    view: View,
    what: str,
    df: pd.DataFrame | None = None,
    sources: list[str] | None = None,
    key: str = "main",
    headers: dict[str, str] | None = None,
) -> None:
    """'Cite this view' (citation + link with every setting) and a CSV of exactly what is shown, with the headers
    the page shows and a file name that says which view, which date and which dataset version it is. The first
    citation of a view has "Embed this" beside it. None of it is drawn in an embed."""
    if not modes.drawn(view):
        return
    first, view._cited = not view._cited, True
    cols = st.columns([3, 3, 2] if first else [3, 1])
    if first:
        modes.embed_box(view, what, cols[1])
    # Lazy: the link and citation (two code blocks, whose highlighter is one of the heaviest parts of Streamlit's
    # frontend) are computed and sent only while the reader has this open.
    box = cols[0].expander(":material/format_quote: Cite this view · copy link", key=f"cite-{key}", on_change="rerun")
    if box.open:
        url = view.url()
        srcs = [u for u in dict.fromkeys(sources or []) if safe_url(u)]
        lines = [
            f"{ATLAS_NAME}, “{what}”, {url} (dataset {view.info['version']}, as of {view.info['as_of']}; "
            f"view as of {view.as_of})."
        ]
        if srcs:
            lines.append(
                "Primary sources: " + "; ".join(srcs[:12]) + (f"; and {len(srcs) - 12} more" if len(srcs) > 12 else "")
            )
        with box:
            st.caption("Link to exactly this view (every setting included). Use the copy button on the right.")
            st.code(url, language=None, wrap_lines=True)
            st.caption("Citation")
            st.code("\n".join(lines), language=None, wrap_lines=True)
    if df is not None:
        # Deferred: the CSV is made only when the reader clicks (saves a to_csv on every rerun).
        # exports.csv_bytes: formula-like cells are quoted (a CSV opened in a spreadsheet must not run them).
        cols[-1].download_button(
            ":material/download: CSV of this table",
            lambda: exports.csv_bytes(df.rename(columns={c: human(c, headers) for c in df.columns})),
            file_name=csv_name(view, key),
            mime="text/csv",
            key=f"csv-{key}",
            on_click="ignore",
        )


def table(df: pd.DataFrame, noun: str = "rows", hint: str = "", csv: bool = True, **kwargs: Any) -> None:
    """st.dataframe (index hidden) of at most MAX_TABLE_ROWS rows of `df`; when it shows fewer than `df` has, a
    value-free note says so: "Showing the first N of M <noun>", then `hint` (e.g. how to narrow the view), then
    where every row is (the CSV of this table, when the page offers one: `csv`)."""
    if len(df) > MAX_TABLE_ROWS:
        rest = "; the CSV of this table below has every one." if csv else "."
        st.caption(f"Showing the first {MAX_TABLE_ROWS:,} of {len(df):,} {noun}" + (f"; {hint}" if hint else "") + rest)
        df = df.head(MAX_TABLE_ROWS)
    # Formula-like text cells (`=`, `+`, `-`, `@`… first: see dashboard/exports.py) are shown quoted, because the
    # grid's own toolbar "Download as CSV" and its clipboard copy are Streamlit's frontend code and write the cells
    # as they are. The build refuses such text, so this only touches a reviewed exception; the frame is not copied
    # when nothing needs it.
    st.dataframe(exports.neutralise_frame(df), hide_index=True, **kwargs)


def metrics(items: tuple[tuple, ...]) -> None:
    """Headline metrics: (label, value) or (label, value, help). In one row, each column as wide as its text needs,
    when they fit beside the sidebar on a 1280-px screen; else two a row (four equal columns cut "17 May 2024" and
    "Executive order" short there). A value is drawn at about 2.6 times a label's size."""
    need = [max(len(str(it[1])), len(str(it[0])) / 2.6, 4) for it in items]
    rows = [items] if sum(need) <= METRIC_ROW_CHARS else [items[i : i + 2] for i in range(0, len(items), 2)]
    for row in rows:
        widths = need if len(rows) == 1 else [1] * 2
        for col, item in zip(st.columns(widths), row, strict=False):
            col.metric(item[0], item[1], help=item[2] if len(item) > 2 else None)


def progress_metrics(metrics: tuple[tuple[str, str, float], ...], per_row: int | None = None) -> None:
    """Metrics, each with a progress bar under it: (label, value, fraction 0..1); all side by side, or `per_row`."""
    n = per_row or len(metrics)
    for start in range(0, len(metrics), n):
        for col, (label, value, frac) in zip(st.columns(n), metrics[start : start + n], strict=False):
            col.metric(label, value)
            col.progress(frac)


def verdict(kind: str, text: str) -> None:
    """A coloured verdict box: success, warning or error (our own sentence, data values escaped by the view)."""
    {"success": st.success, "warning": st.warning, "error": st.error}[kind](text)


def column_config(headers: dict[str, str]) -> dict[str, Any]:
    """A view's plain column headers as Streamlit column configs ("link:Label" or "link:Label|text": a link)."""
    out: dict[str, Any] = {}
    for col, head in headers.items():
        if head.startswith("link:"):
            label, _, text = head[5:].partition("|")
            out[col] = link_config(label) if not text else st.column_config.LinkColumn(label, display_text=text)
        else:
            out[col] = head
    return out


def show(view: View, t: Any, csv: bool = True) -> None:
    """Draw a views.Table: the capped grid, then its citation and CSV when it has one."""
    table(t.frame, t.noun, t.hint, csv=csv and t.cite is not None, column_config=column_config(t.columns))
    if t.cite is not None and csv:
        cite_table(view, t)


def cite_table(view: View, t: Any) -> None:
    """The citation and CSV of a views.Table, with its headers (where the grid itself is drawn elsewhere or not)."""
    cite(view, t.cite, t.frame, list(t.sources), key=t.key, headers=t.columns)


def link_config(label: str = "Source") -> st.column_config.LinkColumn:
    return st.column_config.LinkColumn(label, display_text="open ↗", validate=r"^https?://")


def empty(message: str) -> None:
    st.info(message, icon=":material/search_off:")
