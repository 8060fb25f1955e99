"""What every command shares: the mass option's help and API errors renamed to the command's options.

The command line is a shell over :mod:`limits.api`: a command parses its options, makes one API call (plus, with
``--plot``, the call that draws that result) and renders what comes back. Everything is checked by the API, which
names its Python parameters; :func:`api_errors` turns those names into the command's options.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from limits import api
from limits.errors import InputError

__all__ = ["MASSES_HELP", "OVERLAY_HELP", "api_errors", "progress_enabled", "quiet"]

MASSES_HELP = ("Z' masses in MeV: comma-separated list, or MIN:MAX:N for N log-spaced points "
               f"(range {api.MASS_RANGE_MEV[0]:g}-{api.MASS_RANGE_MEV[1]:g} MeV).")

OVERLAY_HELP = ("Another curve to draw on the exclusion figure (repeatable): a CSV with header mass_mev,<g|epsilon|"
                "coupling> (MeV), a DarkCast .lmt (GeV) or a HEPData table .yaml (MeV or GeV); LABEL=FILE names it "
                "in the legend (default: the file's name). A curve on another coupling than the figure's is refused.")

F = TypeVar("F", bound=Callable[..., Any])


def api_errors(function: F) -> F:
    """Run a command body, naming the command's option in an :class:`InputError` from the API.

    API errors name the Python parameter (``mass_mev``, ``ecut_gev``, ``model <file>: charges.e``); a command's click
    parameters carry the API's parameter names as their destinations (``--masses`` is ``mass_mev``), so the first
    word of the field maps to the option.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except InputError as exc:
            ctx = click.get_current_context()
            options = {p.name: p.opts[0] for p in ctx.command.params if isinstance(p, click.Option) and p.name}
            head, sep, rest = exc.field.partition(" ")
            head_bare = head.rstrip(":")
            if head_bare in options:
                field = options[head_bare] + head[len(head_bare):] + sep + rest
                raise InputError(field, exc.message) from None
            raise

    return wrapper  # type: ignore[return-value]


def quiet() -> bool:
    """``--quiet`` was given: errors only."""
    obj = click.get_current_context().find_root().obj or {}
    return bool(obj.get("quiet", False))


def progress_enabled() -> bool:
    """Progress bars are drawn on a terminal unless ``--quiet`` was given (not into a log file or a CI log, where
    each redraw would be kept)."""
    return not quiet() and sys.stderr.isatty()
