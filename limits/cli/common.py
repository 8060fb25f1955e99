"""What every command shares: output formats, mass options, and API errors renamed to the command's options."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from limits.api import MASS_RANGE_MEV
from limits.errors import InputError
from limits.io.files import check_output_dir, check_output_file
from limits.plots.figure import IMAGE_FORMATS

__all__ = ["MASSES_HELP", "api_errors", "plot_file", "progress_enabled", "writable_dir", "writable_file"]

MASSES_HELP = ("Z' masses in MeV: comma-separated list, or MIN:MAX:N for N log-spaced points "
               f"(range {MASS_RANGE_MEV[0]:g}-{MASS_RANGE_MEV[1]:g} MeV).")

F = TypeVar("F", bound=Callable[..., Any])


def api_errors(function: F) -> F:
    """Run a command body, naming the command's option in an :class:`InputError` from the API.

    API errors name the argument (``coupling``, ``ecut_gev``, ``model <file>: charges.e``); each command's click
    parameters carry the API's argument names, so the first word of the field maps to the option (``--coupling``).
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


def progress_enabled() -> bool:
    """Progress bars are drawn unless ``--quiet`` was given."""
    obj = click.get_current_context().find_root().obj or {}
    return not obj.get("quiet", False)


# option callbacks: an unusable output path is refused while the command line is parsed, before any work or file


def writable_dir(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--out DIR: a directory, or a path that can become one (nothing is created here)."""
    return None if value is None else str(check_output_dir(value, param.opts[0]))


def writable_file(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--out FILE: a file that can be written."""
    return None if value is None else str(check_output_file(value, param.opts[0]))


def plot_file(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--plot FILE: an image file whose suffix names a format, in a writable place."""
    return None if value is None else str(check_output_file(value, param.opts[0], IMAGE_FORMATS))
