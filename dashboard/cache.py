"""A process-wide memo for read-only query results, figures and decks.

Why not st.cache_data: it pickles the value on every hit, so each script run copied the frames it read (the
profile of 50 sessions on the map page put cache lookups at 26 ms of a 68 ms rerun: unpickling Arrow-backed string
columns and hashing the arguments with Streamlit's hasher). Every argument here is already hashable (the Release
is a frozen dataclass, dates, strings, tuples), so a dict lookup is enough.

Contract: a memoised value is shared by every session and must never be mutated. Callers derive new frames
(filtering, `assign`, `copy`) and never assign into what they got; tests/test_core.py checks that running every
page leaves the memoised frames unchanged.

One computation per key at a time: a crowd arriving on the same new view waits for one computation instead of
running it fifty times (each key has its own lock; different keys compute in parallel).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
_ALL: list[_Memo] = []


class _Memo:
    def __init__(self, fn: Callable[..., Any], maxsize: int) -> None:
        self.fn = fn
        self.maxsize = maxsize
        self.values: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.computing: dict[Any, threading.Lock] = {}
        self.hits = self.misses = 0
        functools.update_wrapper(self, fn)
        _ALL.append(self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items()))) if kwargs else args
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                self.hits += 1
                return self.values[key]
            key_lock = self.computing.setdefault(key, threading.Lock())
        with key_lock:
            with self.lock:
                if key in self.values:  # computed by another thread while this one waited
                    self.hits += 1
                    return self.values[key]
            try:
                value = self.fn(*args, **kwargs)
            finally:
                with self.lock:
                    self.computing.pop(key, None)
            with self.lock:
                self.misses += 1
                self.values[key] = value
                while len(self.values) > self.maxsize:
                    self.values.popitem(last=False)
            return value

    def clear(self) -> None:
        with self.lock:
            self.values.clear()


def memo(maxsize: int) -> Callable[[F], F]:
    """Decorator: keep up to `maxsize` results, least recently used dropped first."""

    def wrap(fn: F) -> F:
        return _Memo(fn, maxsize)  # type: ignore[return-value]

    return wrap


def clear_all() -> None:
    for m in _ALL:
        m.clear()


def entries() -> list[tuple[str, Any, Any]]:
    """(function name, key, value) of every memoised value (for the test that nothing mutates them)."""
    out = []
    for m in _ALL:
        with m.lock:
            out += [(m.fn.__name__, k, v) for k, v in m.values.items()]
    return out
