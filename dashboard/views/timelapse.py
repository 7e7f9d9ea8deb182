"""The map's time-lapse as a reader plays it: the frame dates and, per frame, the deck and legend. No Streamlit.

The frames are the GIF's (dashboard/facts.py `timelapse_dates`: one per date on which something changed for the
selection, from its first act or date to the view date; past 60, month ends, then evenly spaced months). Each frame
is built on first use (one frame's SQL and status rules, 50–100 ms with its deck and legend), not all at once:
Play starts at once, and a reader who steps three frames pays for three. Frames are memoised in their own LRU here, so a time-lapse never
evicts the views readers are looking at from the shared per-date caches.

A frame's deck is the map's deck (dashboard/maps.py `world_map`: the same layer ids, the shapes by URL), so a step
sends the colour expression and the markers only, never the country geometry. The last frame is the view date's
own deck (the same object the page draws when nothing plays).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard import facts, maps
from dashboard.cache import memo
from dashboard.db import Release
from dashboard.views import alttext, mapview


@dataclass(frozen=True)
class Frame:
    on: date
    deck: maps.CompactDeck
    legend_svg: str
    n_states: int  # states with a record on this date (the legend's classes, "No record" left out)
    text: str  # the map on this date in a sentence, with its figures: its alt text and caption (views/alttext.py)
    legend_alt: str  # the legend in words: symbol, status and count of each class


@memo(32)
def frames(rel: Release, selection: str, as_of: date) -> tuple[date, ...]:
    """The frame dates, oldest first; the last is always `as_of` (the view date)."""
    return tuple(facts.timelapse_dates(rel, selection, as_of))


@memo(256)
def frame(rel: Release, selection: str, as_of: date, on: date, phone: bool = False, present: bool = False) -> Frame:
    """The map of `selection` as it stood on the frame date `on` (one of frames(rel, selection, as_of)); `phone`:
    the phone's whole-world view and its legend in rows (dashboard/maps.py); `present`: the legend in rows for a
    projector. The legend carries the named list's completeness line, as the page's own does."""
    if on == as_of:
        statuses = facts.statuses(rel, selection, as_of)  # memoised already: the page's own view
        deck = mapview.map_deck(rel, selection, as_of, phone)
    else:
        statuses = facts.timelapse_frame(rel, selection, as_of, on)[0]
        deck = maps.world_map(statuses, phone=phone)
    states = statuses[statuses["kind"] != "organisation"]
    legend = maps.legend(statuses)
    return Frame(
        on=on,
        deck=deck,
        legend_svg=maps.legend_svg(
            legend,
            note if (note := mapview.coverage_text(rel, selection, as_of)) and len(note) <= 110 else None,
            maps.PHONE_LEGEND_WIDTH if phone else maps.PRESENT_LEGEND_WIDTH if present else None,
        ),
        n_states=int((states["status"] != "none").sum()),
        text=alttext.map_sentence(mapview.menu(rel)[1].get(selection, selection), on, statuses),
        legend_alt=alttext.legend_words(legend),
    )


def step(dates: tuple[date, ...], current: date, by: int) -> date:
    """The frame `by` frames after `current` (before, when negative), held at the first and last frame. A date
    that is not a frame (the view changed) counts as the last frame."""
    if not dates:
        return current
    i = dates.index(current) if current in dates else len(dates) - 1
    return dates[max(0, min(len(dates) - 1, i + by))]
