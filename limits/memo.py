"""A bounded memo of a pure computation, shared by every caller in a process: the tables a calculation derives from
its inputs once (the hybrid's nuisance integrals per set of systematics, :mod:`limits.stats.hybrid`;
the Poisson-mixture tables, :mod:`limits.stats.poisson_mixture`).

Why not :func:`functools.lru_cache`: the inputs are arrays (not hashable), so the caller builds the key from their
bytes, and the values are objects that fill their own caches as they are used; when full, the memo is emptied (the
values are rebuilt on demand, with the same result).

Example:
    >>> memo = ProcessMemo(2)
    >>> memo.get("a", lambda: [1]) is memo.get("a", lambda: [2])
    True
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["ProcessMemo"]

V = TypeVar("V")


class ProcessMemo(Generic[V]):
    """At most ``max_entries`` values by key, each made once by :meth:`get` (thread-safe)."""

    def __init__(self, max_entries: int):
        self._max = max_entries
        self._values: dict[Hashable, V] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value remembered under ``key``, made by ``make()`` the first time."""
        with self._lock:
            found = self._values.get(key)
            if found is None:
                if len(self._values) >= self._max:
                    self._values.clear()
                found = self._values[key] = make()
            return found

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._values.clear()
