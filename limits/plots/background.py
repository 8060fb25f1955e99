"""A process that draws figures: forked when a scan starts, it imports matplotlib and prepares its fonts while the scan
computes, then draws the scan's figures when asked (issue 21).

Why: importing matplotlib and drawing its first figure (fonts, the mathtext parser) cost ~0.5 s, a quarter of a
default ``limits scan``; the scan itself does not need matplotlib until its figures. A child forked before the scan
does that work on the machine's other core meanwhile. The figure is the same: the same drawing functions run, only in
another process. Where ``fork`` is not available or not safe (not Linux, or other threads running),
:func:`figure_process` gives None and the caller draws in its own process.

Example:
    >>> from limits.plots.background import figure_process
    >>> with figure_process() as figures:
    ...     figures is None or figures.draw(max, 1, 2) is None
    True
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

from limits.io.processes import die_with_parent

__all__ = ["FigureProcess", "figure_process"]

log = logging.getLogger(__name__)


def _prepare() -> None:
    """What the first figure of a process costs, done ahead: matplotlib's Agg canvas, its fonts and mathtext, and a
    blank exclusion frame (:func:`limits.plots.exclusion.prepare_frame`)."""
    from limits.plots.exclusion import prepare_frame

    prepare_frame()


def _serve(connection: Any) -> None:
    """The child: prepare, then run each (function, args) received, answering None or the exception; stop at None
    or when the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops us by closing the pipe
    die_with_parent()
    with contextlib.suppress(Exception):  # a failure here shows again, with its reason, when a figure is drawn
        _prepare()
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        function, args = job
        try:
            function(*args)
        except BaseException as exc:  # noqa: BLE001 - answered to the parent, which raises it
            try:
                connection.send(exc)
            except Exception:  # noqa: BLE001 - an exception that does not pickle: its text
                connection.send(RuntimeError(f"{type(exc).__name__}: {exc}"))
        else:
            connection.send(None)


class FigureProcess:
    """A forked child that draws figures (:func:`figure_process`)."""

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), name="limits-figures", daemon=True)
        self._process.start()
        child.close()
        self._drawn = False

    def draw(self, function: Callable[..., None], *args: Any) -> None:
        """Run ``function(*args)`` in the child and wait for it; raise what it raised. A function or arguments that
        do not pickle (a local function) run in this process, as everything does once the child is gone."""
        try:
            self._connection.send((function, args))
        except (pickle.PicklingError, AttributeError, TypeError):  # nothing was sent: drawn here instead
            function(*args)
            return
        except OSError:  # the child is gone (killed, out of memory): drawn here instead
            log.warning("the figure process ended unexpectedly; drawing in this process")
            function(*args)
            return
        self._drawn = True
        try:
            answer = self._connection.recv()
        except (EOFError, OSError):  # the child is gone (killed, out of memory): drawn here instead
            log.warning("the figure process ended unexpectedly; drawing in this process")
            function(*args)
            return
        if answer is not None:
            raise answer

    def close(self, *, wait: bool = True) -> None:
        """Stop the child: after it finished (``wait``), or at once (an interruption, or nothing was drawn: it may
        still be preparing a figure nobody needs)."""
        with contextlib.suppress(OSError, BrokenPipeError):
            self._connection.send(None)
        self._connection.close()
        if wait and self._drawn:
            self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)


@contextlib.contextmanager
def figure_process() -> Iterator[FigureProcess | None]:
    """A :class:`FigureProcess` for the duration of the block, or None where forking is not used (not Linux; the
    environment variable ``LIMITS_FIGURE_PROCESS=off``; a process with other threads, e.g. a notebook's kernel or a
    test runner's worker; a fork that fails): then draw in this process."""
    # fork only a single-threaded process: a lock another thread holds at the fork would stay held in the child
    if (sys.platform != "linux" or os.environ.get("LIMITS_FIGURE_PROCESS", "").lower() == "off"
            or threading.active_count() > 1):
        yield None
        return
    try:
        figures = FigureProcess()
    except OSError as exc:
        log.debug("no figure process (%s): figures are drawn here", exc)
        yield None
        return
    try:
        yield figures
    except BaseException:
        figures.close(wait=False)
        raise
    figures.close()
