"""The map's time-lapse player: Play / Pause, ◀ Earlier and Later ▶ (keys ← and →), Stop, a scrubber over the
frame dates and the frame's date shown large. The frames are dashboard/views/timelapse.py's.

How it plays: `player` is an `st.fragment` that has `run_every` (one tick a second) only while it plays. Play,
Pause, Stop and reaching the view date each cause one app rerun: Streamlit's frontend starts a fragment's timer
when the fragment is declared with `run_every`, and clears every timer on an app rerun, so the timer runs exactly
while the session state says "playing". Each tick reruns only the player (its deck with the same layer ids: the
colour expression and the markers, never the shapes) and advances one frame; a reader's own click (a step, the
scrubber, Pause) is marked by its callback so that run does not also advance. A step while it plays pauses it;
the scrubber shows the frame and is disabled while it plays (see `controls`).

The link: playing, stepping and scrubbing never write the URL (no history entry per frame; the page's view date
stays what the link says). Paused on an earlier frame, "Use this date" makes that frame the page's view date: the
sidebar date and the link follow (one URL change, on the reader's request), and the time-lapse then ends there.
Stop returns the map to the view date.

`controls` draws the buttons, the scrubber and the big date and returns the date to draw: a layout of its own (a
presentation) can place it in any fragment declared with `run_every=tick_every(view, selection, key)`.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from dashboard import ui
from dashboard.views import timelapse

TICK_S = 1.0
# One worker for every session: it builds the frames a reader is likely to ask for next (the neighbours of the one
# shown; the next one while playing) after the shown frame went out, so a step or a tick is mostly a memo hit.
_AHEAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="atlas-timelapse")


def _k(key: str, part: str) -> str:
    return f"tl-{key}-{part}"


def frame_text(d: date) -> str:
    """'5 Sep 2024': the frame's date, shown large."""
    return f"{d.day} {d:%b %Y}"


def tick_every(view: ui.View, selection: str, key: str) -> float | None:
    """The `run_every` of the fragment holding the controls: a tick a second while this view plays, else none."""
    return TICK_S if st.session_state.get(_k(key, "play")) == (selection, view.as_of) else None


def _pause(key: str) -> None:
    if st.session_state.pop(_k(key, "play"), None) is not None:
        st.session_state[_k(key, "app")] = True  # an app rerun clears the frontend's timer


def _on_play(key: str, dates: tuple[date, ...], owner: tuple) -> None:
    st.session_state[_k(key, "acted")] = True
    if st.session_state.get(_k(key, "play")) == owner:
        _pause(key)
        return
    if st.session_state.get(_k(key, "at")) == dates[-1]:
        st.session_state[_k(key, "at")] = dates[0]  # from the first act again
    st.session_state[_k(key, "play")] = owner
    st.session_state[_k(key, "app")] = True  # an app rerun declares the fragment with its timer


def _on_step(key: str, dates: tuple[date, ...], by: int) -> None:
    st.session_state[_k(key, "acted")] = True
    st.session_state[_k(key, "at")] = timelapse.step(dates, st.session_state.get(_k(key, "at"), dates[-1]), by)
    _pause(key)


def _on_scrub(key: str) -> None:
    st.session_state[_k(key, "acted")] = True
    st.session_state[_k(key, "at")] = st.session_state[_k(key, "scrub")]
    _pause(key)


def _on_stop(key: str, dates: tuple[date, ...]) -> None:
    st.session_state[_k(key, "acted")] = True
    st.session_state[_k(key, "at")] = dates[-1]
    _pause(key)


def _on_use(key: str) -> None:
    st.session_state["as_of"] = st.session_state[_k(key, "at")]  # the page's view date: the sidebar and the link
    _pause(key)
    st.session_state[_k(key, "app")] = True  # every part of the page follows the new view date


def advance(view: ui.View, selection: str, key: str) -> date:
    """One run of the player: settle the state, and while it plays (and this run is not the reader's own click)
    move one frame on; at the view date it stops. Returns the frame date to draw."""
    if st.session_state.pop(_k(key, "app"), False):
        st.rerun(scope="app")
    dates = timelapse.frames(view.rel, selection, view.as_of)
    owner = (selection, view.as_of)
    if st.session_state.get(_k(key, "for")) != owner:  # another selection or view date: start at the view date
        st.session_state[_k(key, "for")] = owner
        st.session_state[_k(key, "at")] = dates[-1]
        if st.session_state.pop(_k(key, "play"), None) is not None:
            st.rerun(scope="app")  # it was playing another view: stop that timer
    if st.session_state.get(_k(key, "at")) not in dates:
        st.session_state[_k(key, "at")] = dates[-1]
    acted = st.session_state.pop(_k(key, "acted"), False)
    if st.session_state.get(_k(key, "play")) == owner and not acted:
        at = st.session_state[_k(key, "at")] = timelapse.step(dates, st.session_state[_k(key, "at")], 1)
        if at == dates[-1]:
            st.session_state.pop(_k(key, "play"), None)
            st.rerun(scope="app")  # the last frame: stop the timer
    return st.session_state[_k(key, "at")]


def controls(view: ui.View, selection: str, key: str, slider: Any = None, at: date | None = None) -> date:
    """The big date, Play/Pause, ◀ Earlier, Later ▶, Stop and (in `slider`, a container, or here) the scrubber.
    Returns the frame date the map should show (the view date when nothing plays). `at`: advance()'s answer, when
    the caller ran it already (to draw the map before the controls)."""
    at = advance(view, selection, key) if at is None else at
    dates = timelapse.frames(view.rel, selection, view.as_of)
    if len(dates) < 2:
        return at
    owner, i, n = (selection, view.as_of), dates.index(at), len(dates)
    playing = st.session_state.get(_k(key, "play")) == owner
    cols = st.columns([3, 1.3, 1.3, 1.3, 1], vertical_alignment="bottom")
    cols[0].metric(
        f"Time-lapse · frame {i + 1} of {n}" + (" (the view date)" if at == view.as_of else ""),
        frame_text(at),
        help="The map as it stood on this date. Playing or stepping does not change the page's link or its other "
        "figures, which stay on the view date.",
    )
    cols[1].button(
        ":material/pause: Pause" if playing else ":material/play_arrow: Play",
        key=_k(key, "toggle"),
        on_click=_on_play,
        args=(key, dates, owner),
        help="Pause on this frame"
        if playing
        else "Play the map from the first act to the view date, a change a second",
        width="stretch",
        shortcut="P",
    )
    cols[2].button(
        "◀ Earlier",
        key=_k(key, "prev"),
        on_click=_on_step,
        args=(key, dates, -1),
        shortcut=None if view.mode == "present" else "ArrowLeft",  # a presentation's ← → are its bar's
        disabled=i == 0,
        width="stretch",
    )
    cols[3].button(
        "Later ▶",
        key=_k(key, "next"),
        on_click=_on_step,
        args=(key, dates, 1),
        shortcut=None if view.mode == "present" else "ArrowRight",
        disabled=i == n - 1,
        width="stretch",
    )
    cols[4].button(
        ":material/stop: Stop",
        key=_k(key, "stop"),
        on_click=_on_stop,
        args=(key, dates),
        disabled=at == view.as_of,
        help="Back to the view date",
        width="stretch",
    )
    # The frame itself is kept apart from the scrubber's widget state, and while it plays the scrubber is a
    # disabled one without a callback: a tick that reaches the server before the browser drew the last frame's
    # scrubber (its old value) then cannot pass for a reader's scrub.
    scrub = _k(key, "pos" if playing else "scrub")
    st.session_state[scrub] = at
    with slider if slider is not None else st.container():
        st.select_slider(
            "Time-lapse date",
            dates,
            key=scrub,
            format_func=frame_text,
            on_change=None if playing else _on_scrub,
            args=None if playing else (key,),
            disabled=playing,
            label_visibility="collapsed",
        )
        if not playing and at != view.as_of and at >= ui.MIN_DATE:
            st.button(
                ":material/event: Use this date",
                key=_k(key, "use"),
                on_click=_on_use,
                args=(key,),
                help="Make this frame's date the page's view date (the sidebar date and the link follow)",
            )
    return at


def prefetch(
    view: ui.View, selection: str, at: date, playing: bool, phone: bool = False, present: bool = False
) -> None:
    """Build the next frame (playing) or both neighbours (paused) of `at` in the background, if not built yet."""
    dates = timelapse.frames(view.rel, selection, view.as_of)
    i = dates.index(at) if at in dates else len(dates) - 1
    ahead = [dates[j] for j in ((i + 1,) if playing else (i - 1, i + 1)) if 0 <= j < len(dates) - 1]
    if not ahead:
        return
    ctx = get_script_run_ctx()

    def build() -> None:
        add_script_run_ctx(threading.current_thread(), ctx)  # the release's cached connection is a st resource
        for d in ahead:
            timelapse.frame(view.rel, selection, view.as_of, d, phone, present)

    _AHEAD.submit(build)


def player(
    view: ui.View,
    selection: str,
    key: str,
    height: int,
    legend: str | None = None,
    pick: bool = False,
    screen: str = "desktop",
) -> None:
    """The map of `selection` with its time-lapse controls, as a fragment that ticks while it plays; under it the
    legend of the date shown (`legend`: the page's own for the view date, e.g. with the named-list line); `pick`: a
    click on a country or marker opens its profile (on the date shown); `screen` (ui.screen()): a phone's frames
    open on the whole world, and on a touch screen a tap on a marker shows its tooltip instead of opening."""
    phone = screen == "phone"

    @st.fragment(run_every=tick_every(view, selection, key))
    def _player() -> None:
        # Above the map, sent after it (the map's code then loads first). A presentation keeps the map and its
        # legend on the projector's screen and puts the controls under them (P plays); an embed has none.
        head = st.container() if view.mode == "page" else None
        at = advance(view, selection, key)
        present = view.mode == "present"
        frame = timelapse.frame(view.rel, selection, view.as_of, at, phone, present)  # view date: the page's own deck
        if pick:
            chosen = st.pydeck_chart(
                frame.deck, on_select="rerun", selection_mode="single-object", key=key, height=height, alt=frame.text
            )
            # On the date shown (one a link can carry); a tap on a touch screen's marker shows its tooltip only.
            ui.open_picked_country(chosen, at if at >= ui.MIN_DATE else view.as_of, countries_only=screen != "desktop")
        else:
            st.pydeck_chart(frame.deck, key=key, height=height, alt=frame.text)
        slider = st.container() if head is not None else None
        svg = legend if legend and at == view.as_of and not present else frame.legend_svg
        # The map's text alternative (alt) is also its caption: the figures of the date shown, in a sentence.
        st.image(svg, caption="Legend: status on the date shown (number of states)", alt=frame.legend_alt)
        st.caption(ui.esc(frame.text))
        if view.mode == "embed":
            return
        with head if head is not None else st.container():
            controls(view, selection, key, slider=slider, at=at)
        prefetch(view, selection, at, tick_every(view, selection, key) is not None, phone, present)

    _player()
