"""The ``limits`` command line: each command parses its options, makes one call to :mod:`limits.api` (or the module
that owns the job) and renders the result. Entry point: :func:`main`."""

from limits.cli.app import cli, console_main, main

__all__ = ["cli", "console_main", "main"]
