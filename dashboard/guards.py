"""Two guards around what a client sends over Streamlit's websocket; the app's only patches of Streamlit internals.

A browser running Streamlit's frontend never sends these messages; a tampered client can (probes 3a and 3g of the
2026-12 reliability probe). Streamlit 1.67 offers no hook for either (no validation callback for incoming widget
state, nothing that tells the script its query string was dropped), and the script runs too late to help: both
happen inside Streamlit before or as the page's code starts. So each guard wraps one Streamlit function, keeps its
behaviour for everything a real frontend sends, and is installed once, idempotently, by `install()` (called when
dashboard.ui is imported, i.e. on the first page run of the process). tests/test_client_messages.py checks both
against a real server; if a Streamlit upgrade renames what they wrap, `install()` raises at import instead of
silently doing nothing.

1. Widget state of the wrong type (3g). `WStates.__getitem__` deserialises the raw value the client sent with the
   widget's deserializer; a date_input sent an int_value raises TypeError inside Streamlit, before the page's code
   can validate anything, the session shows an error, and in most cases the bad value stays and breaks the next
   ordinary rerun too (Streamlit even rewrites the widget's value type to the one the client sent). The guard
   checks a *client-sent* (serialized) value before Streamlit reads it: a value field other than the widget's own
   (for widgets whose value is one plain field), or a deserializer that raises, and the value is replaced by the
   widget's default. The page runs, and one warning line (no traceback, no value) is logged.

2. Query strings over Streamlit's field limit (3a). `sanitize_query_string` turns a query string with more than
   1,000 fields (or over 512 Ki characters) into "", silently: the page opens on defaults with no notice and loses
   its valid parameters too. The guard passes every query Streamlit accepts through unchanged; for one it would
   drop, it keeps the first two values of each parameter name (two are enough for dashboard.state to see a
   repeated parameter and reset it) and adds the marker TRIMMED_PARAM, so the page keeps e.g. `instrument=` and
   shows its usual value-free notice. The trimmed query stays under the limit. Known gap: the very first script run
   after the server starts was sanitised before any app code was imported; from the second run on, every
   session is covered.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode

from dashboard.state import TRIMMED_PARAM

KEEP_PER_NAME = 2  # dashboard.state.parse resets a parameter given more than once: two values say that
# Widgets whose value is one plain field (selectbox, multiselect, date_input, expander...): a client that sends another
# field for them is not Streamlit's frontend. Trigger, file and chat values are left to Streamlit.
PLAIN_FIELDS = frozenset(
    {
        "string_value",
        "string_array_value",
        "int_value",
        "double_value",
        "double_array_value",
        "bool_value",
        "json_value",
    }
)
_LOG = logging.getLogger("dashboard.guards")
_installed = False


def trim_query(query_string: str, max_fields: int) -> str:
    """The query Streamlit would drop, cut down to at most `max_fields` fields: per name its first KEEP_PER_NAME
    values, in order, and the marker TRIMMED_PARAM. Parsed with a field cap, so a huge query costs little."""
    kept: list[tuple[str, str]] = [(TRIMMED_PARAM, "1")]
    seen: dict[str, int] = {}
    # 20x the limit is plenty to find every real parameter of a link; the rest is junk by construction.
    for k, v in parse_qsl(query_string, keep_blank_values=True, max_num_fields=None)[: max_fields * 20]:
        if k == TRIMMED_PARAM or seen.get(k, 0) >= KEEP_PER_NAME:
            continue
        seen[k] = seen.get(k, 0) + 1
        kept.append((k, v))
        if len(kept) >= max_fields:
            break
    return urlencode(kept)


def install() -> None:
    """Install both guards (once per process)."""
    global _installed
    if _installed:
        return
    from streamlit.runtime import app_session
    from streamlit.runtime.state import query_params, session_state

    # --- 1. a widget value the widget cannot read is replaced by the widget's default, not raised -----------------
    wstates = session_state.WStates
    original_getitem = wstates.__getitem__

    def getitem(self, k):
        wstate = self.states.get(k)
        metadata = self.widget_metadata.get(k)
        if not isinstance(wstate, session_state.Serialized) or metadata is None:
            return original_getitem(self, k)  # a value the app set, or no widget yet: Streamlit's own rules
        sent = wstate.value.WhichOneof("value")
        try:
            if sent is not None and metadata.value_type in PLAIN_FIELDS and sent != metadata.value_type:
                raise TypeError(f"{sent} for a {metadata.value_type} widget")
            return original_getitem(self, k)
        except KeyError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure to read a client-sent value
            default = metadata.deserializer(None)
            # Replaced in place, not deleted: Streamlit may be iterating over these states (callbacks check).
            self.states[k] = session_state.Value(default)
            _LOG.warning(
                "Ignored a client widget state its widget cannot read (%s); the widget shows its default.",
                type(exc).__name__,
            )
            return default

    getitem.__wrapped__ = original_getitem
    wstates.__getitem__ = getitem

    # --- 2. a query over Streamlit's limits is trimmed and marked, not dropped ------------------------------------
    original_sanitize = app_session.sanitize_query_string
    max_fields = query_params.CLIENT_STATE_QUERY_STRING_MAX_FIELDS
    max_length = query_params.CLIENT_STATE_QUERY_STRING_MAX_LENGTH

    def sanitize(query_string: str) -> str:
        out = original_sanitize(query_string)
        if out or not query_string:
            return out
        if len(query_string) > max_length:
            return urlencode([(TRIMMED_PARAM, "1")])  # too long to be a link of ours: keep nothing, say so
        return trim_query(query_string, max_fields)

    sanitize.__wrapped__ = original_sanitize
    app_session.sanitize_query_string = sanitize
    _installed = True
