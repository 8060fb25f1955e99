"""The ``limits`` command group, its verbosity options and the error boundary. Masses are in MeV, couplings
dimensionless, energies in GeV.

Every bad input ends as one line ``limits: error: <field>: <problem>`` on stderr with exit status 2, before any
output file is written; other failures of ours (a rejected record, a broken table) as one line with exit status 1.
"""

from __future__ import annotations

import gc
import logging
import sys

import click

from limits import __version__
from limits.cli.physics import cache_group, models_cmd, tables_group, widths_cmd, xsec_cmd, yields_cmd
from limits.cli.pipeline import merge_cmd, scan_cmd, workspace_cmd
from limits.cli.publish import compare_cmd, export_cmd, figures_cmd, hepdata_cmd
from limits.cli.service import serve_cmd
from limits.errors import InputError, LimitsError

__all__ = ["cli", "main"]

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


class _WorkflowGroup(click.Group):
    """A command group that lists its commands in the order they were added: the workflow's order (models and their
    physics, likelihoods, limits, comparisons and publication, maintenance), not the alphabet's."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(cls=_WorkflowGroup, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="limits")
@click.option("-v", "--verbose", count=True, help="More log messages on stderr: -v info, -vv debug.")
@click.option("-q", "--quiet", is_flag=True, help="Errors only: no progress bars, no warnings.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """NA64 Z' limits: models, widths, signal yields, workspaces, CLs scans, comparisons and HEPData records.

    Units: masses in MeV, energies in GeV, couplings dimensionless (g for B-L-type models, epsilon for the
    dark photon). Run 'limits COMMAND --help' for each command's options.
    """
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter("limits: %(levelname)s: %(name)s: %(message)s"))
    # our loggers, and Python warnings (numpy, matplotlib, ...) turned into log records: nothing reaches stderr but
    # through this one-line format, and --quiet silences them all
    loggers = [logging.getLogger("limits"), logging.getLogger("py.warnings")]
    saved = [(lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.handlers[:] = [handler]
        lg.setLevel(level)
        lg.propagate = False  # our one-line format only, not the root logger's as well
    logging.captureWarnings(True)
    ctx.obj = {"quiet": quiet}

    def restore() -> None:  # the command's logging set-up ends with the command (in-process callers, tests)
        logging.captureWarnings(False)
        for lg, (handlers, lvl, propagate) in zip(loggers, saved):
            lg.handlers[:] = handlers
            lg.setLevel(lvl)
            lg.propagate = propagate

    ctx.call_on_close(restore)


class _OneLineFormatter(logging.Formatter):
    """Log records on one line: a captured warning's source-code line (its second line) is dropped."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).splitlines()[0]


# in workflow order (``limits --help`` lists them so): the model and its physics, the likelihoods, the limits, what is
# done with them, then the maintenance of tables and cache
for command in (models_cmd, widths_cmd, yields_cmd, xsec_cmd, workspace_cmd, scan_cmd, merge_cmd, compare_cmd,
                export_cmd, figures_cmd, hepdata_cmd, serve_cmd, tables_group, cache_group):
    cli.add_command(command)


def _one_line(text: str) -> str:
    """``text`` on one line: control characters escaped (an error message is exactly one line)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def main(argv: list[str] | None = None) -> int:
    """Console entry point: runs the CLI and maps bad input (ours or click's) to one line and exit status 2."""
    try:
        # without standalone mode click returns a command's Exit status instead of raising it (scan: 3 = partial)
        status = cli.main(args=argv, prog_name="limits", standalone_mode=False)
        if isinstance(status, int) and status:
            return status
    except InputError as exc:
        click.echo(_one_line(f"limits: error: {exc}"), err=True)
        return 2
    except click.exceptions.NoSuchOption as exc:
        click.echo(f"limits: error: {exc.format_message()} (see --help)", err=True)
        return 2
    except click.UsageError as exc:
        click.echo(f"limits: error: {exc.format_message()}", err=True)
        return 2
    except LimitsError as exc:  # not bad input: a rejected record, a broken table
        click.echo(f"limits: error: {exc}", err=True)
        return 1
    except click.ClickException as exc:  # a missing optional package
        click.echo(f"limits: error: {exc.format_message()}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("limits: aborted", err=True)
        return 130
    except OSError as exc:  # the environment, not the physics: a full disk, a read-only or vanished directory
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(_one_line(f"limits: error: {where}{exc.strerror or exc}"), err=True)
        return 2
    except MemoryError:
        click.echo("limits: error: out of memory (fewer masses per call, or fewer --ntoys)", err=True)
        return 2
    except RecursionError:
        click.echo("limits: error: an input is nested too deeply", err=True)
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


def console_main() -> int:
    """The ``limits`` console script and ``python -m limits``: :func:`main`, then the process's objects frozen out of
    the garbage collector, since it is about to exit: the interpreter's final collection would otherwise walk every
    object of numpy, matplotlib and the scan (~0.15 s of a 1.5 s scan, measured for issue 21). Nothing is left to
    collect that matters: every file is written and closed."""
    status = main()
    gc.freeze()
    return status
