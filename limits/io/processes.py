"""The processes a scan starts (pool workers, the local Dask cluster, the figure process) die with it.

Linux's PR_SET_PDEATHSIG sends a child SIGTERM when its parent dies, so a killed scan leaves no orphans. Elsewhere the
call does nothing: those children still stop when their parent shuts them down or closes their pipe.
"""

from __future__ import annotations

import signal

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child process: receive SIGTERM when the parent dies (Linux; a no-op elsewhere)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux (no libc.so.6, or no prctl)
        pass
