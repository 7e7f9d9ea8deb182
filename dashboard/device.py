"""The reader's screen, from the browser's User-Agent header (pure: ui.screen() passes the header in).

Only what the map needs: a phone (narrow, touch) opens on the whole world with its legend in rows; a phone or a
tablet (touch, no hover) is told to tap. A desktop browser, or no header at all (AppTest, a script), is "desktop".
iPadOS Safari says "Macintosh" like a Mac: it gets the desktop page, which works by click as well as by hover.
"""

from __future__ import annotations

import re

PHONE = re.compile(r"iPhone|iPod|Windows Phone|Android.*Mobile|Mobile.*Firefox|Opera Mini|BlackBerry", re.I)
TABLET = re.compile(r"iPad|Android|Tablet|Silk/|Kindle", re.I)


def screen(user_agent: str | None) -> str:
    """ "phone", "tablet" or "desktop"."""
    ua = user_agent or ""
    if PHONE.search(ua):
        return "phone"
    return "tablet" if TABLET.search(ua) else "desktop"
