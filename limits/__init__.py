"""limits: NA64 Z' limit setting, from the model to the 90% CL exclusion contour.

The whole chain as a Python API (the ``limits`` command line is a thin layer over it)::

    >>> import limits
    >>> model = limits.get_model("bl-unbroken")
    >>> analysis = limits.get_analysis("na64-2026")
    >>> res = limits.scan(analysis, model, mass_mev=[1.0, 10.0, 100.0])
    >>> res.mass_mev.tolist(), res.g_exp.shape
    ([1.0, 10.0, 100.0], (3, 5))

Data flow, one subpackage per stage (each imports only from the stages above it in this list)::

    io         files, schemas, mass parsing, output paths, progress bars
    physics    models -> widths (+ hadrons) -> brems, shower, annihilation -> tables -> yields
    analysis   runs -> analyses (expected signal per run)
    workspace  pyhf JSON: background-only + one signal patch per mass
    stats      counting model -> fits -> calculators (hybrid, asymptotic, toys) -> intervals, roots -> mu limits
    scanning   config -> tasks (mu limits, inversion to the coupling, grid) -> executors, checkpoints -> result
    reference  published curves (package data) and comparisons
    plots, publish   figures; the HEPData record
    api        the functions exported here; cli: the ``limits`` command
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from limits import api
from limits._version import __version__ as __version__

__all__ = api.__all__  # the public names, defined once in limits.api (where each lives, imported on first use)


def __getattr__(name: str) -> Any:
    """A public name, imported on first use (PEP 562) through :mod:`limits.api`."""
    if name not in api.__all__:
        raise AttributeError(f"module 'limits' has no attribute {name!r}")
    value = getattr(api, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # the names as type checkers see them
    from limits.api import *  # noqa: F403  (the names of limits.api.__all__)
