"""Shared fixtures: run the CLI in-process and capture its one-line errors."""

from __future__ import annotations

import pytest

from limits.cli import main


@pytest.fixture
def run_cli(capsys):
    """Run ``limits ARGS`` in-process; return (exit status, stdout, stderr)."""

    def run(*args: str):
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
