"""Progress bars for the long loops (scan, grid, table builds, toys): tqdm on stderr, off unless asked for.

The library never draws a bar on its own: every long function takes ``progress: bool`` (default off, so notebooks and
batch jobs stay quiet), and the CLI turns it on unless ``--quiet``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from tqdm.std import tqdm

__all__ = ["Bar", "progress_bar"]

T = TypeVar("T")


class Bar:
    """A progress bar: ``update(n)`` after each step, or call it on an iterable to advance per item; a context
    manager that closes the bar."""

    def __init__(self, bar: tqdm):
        self._bar = bar
        self._n = 0  # counted here too: a disabled tqdm bar counts nothing

    @property
    def n(self) -> int:
        """Steps done so far."""
        return self._n

    def update(self, n: int = 1) -> None:
        """Advance by ``n`` steps."""
        self._n += n
        self._bar.update(n)

    def __call__(self, items: Iterable[T]) -> Iterator[T]:
        """Yield ``items``, advancing one step per item, and close the bar at the end."""
        with self:
            for item in items:
                yield item
                self.update(1)

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.close()


def progress_bar(total: int, desc: str, enabled: bool, unit: str = "it") -> Bar:
    """A tqdm bar of ``total`` steps on stderr; a silent no-op bar when ``enabled`` is false.

    Example:
        >>> with progress_bar(3, "masses", enabled=False) as bar:
        ...     for _ in range(3):
        ...         bar.update(1)
        >>> bar.n
        3
    """
    if enabled and "IPython" in sys.modules and importlib.util.find_spec("ipywidgets") is not None:
        # a notebook's widget bar (tqdm.autonotebook decides); without ipywidgets it would warn at its import, in
        # every notebook that calls us, bar or no bar
        kind: Any = importlib.import_module("tqdm.autonotebook").tqdm
    else:  # tqdm.auto would import asyncio for its async bars (~0.02 s of every start)
        kind = importlib.import_module("tqdm.std").tqdm
    return Bar(kind(total=total, desc=desc, unit=unit, disable=not enabled, file=sys.stderr, dynamic_ncols=True,
                    leave=False))
