"""Commands of the likelihood and statistics stages: ``workspace``, ``scan``, ``merge``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from limits import api
from limits.cli.common import OVERLAY_HELP, api_errors, progress_enabled, quiet
from limits.errors import InputError

__all__ = ["EXIT_PARTIAL", "merge_cmd", "scan_cmd", "workspace_cmd"]

MASSES_HELP = "Z' masses in MeV: list or MIN:MAX:N log-spaced (default: 200 log-spaced over the analysis range)."
ANALYSIS_HELP = ("Built-in analysis (na64-2022, na64-2026, ...) or path to an analysis file "
                 "(schemas/analysis.schema.json).")
RUNS_HELP = "Run-input file replacing the shipped one (schemas/runs.schema.json)."
LIMITS_JSON = "limits.json"  # named in messages


@click.command("workspace")
@click.option("--analysis", "analysis", default=api.DEFAULT_ANALYSIS, show_default=True, help=ANALYSIS_HELP)
@click.option("--model", "model", default=api.DEFAULT_MODEL, show_default=True,
              help="Built-in model name or path to a YAML/JSON model file.")
@click.option("--masses", "mass_mev", default=None, help=MASSES_HELP)
@click.option("--runs", "runs", type=click.Path(dir_okay=False), default=None, help=RUNS_HELP)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output directory (default: limits-output/workspaces/<analysis>/<model>/).")
@click.option("--all", "all_builtin", is_flag=True,
              help="Regenerate the committed workspaces: every built-in analysis x its models into "
                   "workspaces/<analysis>/<model>/; --analysis, --model and --out are then not allowed.")
@api_errors
def workspace_cmd(analysis: str, model: str, mass_mev: str | None, runs: str | None, out_dir: str | None,
                  all_builtin: bool) -> None:
    """Write BkgOnly.json and patchset.json (pyhf 1.0.0 schemas, one patch per mass, label m_Zprime_MeV)."""
    _refuse_with_all(all_builtin)
    for saved in api.save_workspaces(analysis, model, mass_mev=mass_mev, runs=runs, out_dir=out_dir,
                                     all_builtin=all_builtin):
        click.echo(f"{saved.analysis} / {saved.model}: {saved.masses} masses -> {saved.directory}")


def _refuse_with_all(all_builtin: bool) -> None:
    """--all writes the committed tree for every built-in pair: an --analysis, --model or --out beside it is refused
    rather than silently ignored (the API refuses out_dir; these two are the command's defaults otherwise)."""
    if not all_builtin:
        return
    ctx = click.get_current_context()
    for opt in ("analysis", "model", "out_dir"):
        if ctx.get_parameter_source(opt) != click.core.ParameterSource.DEFAULT:
            raise InputError("--all", f"cannot be combined with --{opt.split('_')[0]}")


SCAN_OUTPUTS = ("none", "json")
"""What ``limits scan --format`` prints on stdout."""

EXIT_PARTIAL = 3
"""Exit status of a scan that wrote its results but in which some masses failed (their reasons are listed)."""


@click.command("scan")
@click.option("--analysis", "analysis", default=api.DEFAULT_ANALYSIS, show_default=True, help=ANALYSIS_HELP)
@click.option("--model", "model", multiple=True,
              help=f"Built-in model name, a YAML/JSON model file, a directory of them, a quoted pattern ('m/*.yaml') "
                   f"or a model document's text (YAML/JSON); repeat for several models, each scanned into its own "
                   f"directory in one run.  [default: {api.DEFAULT_MODEL}]")
@click.option("--method", type=click.Choice((*api.METHODS, *api.ALIASES)), default="hybrid", show_default=True,
              help="CLs calculator: hybrid (total count, nuisances integrated over their priors; the published "
                   "limits' method; 'exact' is its old name), asymptotic (q~_mu asymptotics as pyhf), toys "
                   "(LHC-style q~_mu toys, vectorised).")
@click.option("--stat-only", is_flag=True, help="Drop all systematic uncertainties.")
@click.option("--cl", type=click.FloatRange(*api.CL_RANGE), default=0.9, show_default=True,
              help="Confidence level, in [0.5, 0.9999].")
@click.option("--masses", "mass_mev", default=None, help=MASSES_HELP)
@click.option("--ntoys", type=click.IntRange(*api.NTOYS_RANGE), default=10_000, show_default=True,
              help="Toys per tested mu and hypothesis (--method toys), in [100, 10^7].")
@click.option("--seed", type=click.IntRange(*api.SEED_RANGE), default=0, show_default=True,
              help="Seed (>= 0) of every random number; recorded in limits.json.")
@click.option("--executor", default="local", show_default=True,
              help="local | processes:N | dask:ADDRESS (dask:local[:N] starts a LocalCluster). Results do not "
                   "depend on it.")
@click.option("--runs", "runs", type=click.Path(dir_okay=False), default=None, help=RUNS_HELP)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output directory (default: limits-output/<analysis>/<model>[.<method>][.cl<CL%>][.stat-only]"
                   "[.grid]/, so that scans of other settings never overwrite each other; the committed results/ only "
                   "with --all or an explicit --out). A finished scan with identical inputs there is reused.")
@click.option("--grid", is_flag=True,
              help="Also evaluate CLs on the full (mass, coupling) grid and extract the contours (islands included).")
@click.option("--all", "all_builtin", is_flag=True,
              help="Scan every built-in analysis x its models into results/<analysis>/<model>/ (the committed "
                   "results; always recomputed); --analysis, --model and --out are then not allowed.")
@click.option("--rerun", is_flag=True,
              help="Recompute even if OUT holds a finished scan of the same inputs (e.g. after changing the code: "
                   "the inputs digest covers inputs, settings, package version and tables, not the source).")
@click.option("--overlay", "overlays", multiple=True, metavar="[LABEL=]FILE", help=OVERLAY_HELP)
@click.option("--format", "fmt", type=click.Choice(SCAN_OUTPUTS), default="none", show_default=True,
              help="What goes to stdout besides the files: none, or json: the limits.json document (with several "
                   "scans, a JSON list of them in order). Messages and progress always go to stderr.")
@api_errors
def scan_cmd(analysis: str, model: tuple[str, ...], method: str, stat_only: bool, cl: float, mass_mev: str | None,
             ntoys: int, seed: int, executor: str, runs: str | None, out_dir: str | None, grid: bool,
             all_builtin: bool, rerun: bool, overlays: tuple[str, ...], fmt: str) -> None:
    """90% CL exclusion limits on the coupling vs Z' mass: limits.json, limits.csv, exclusion.png.

    Per mass: CLs upper limit on the signal strength (observed and expected -2..+2 sigma), inverted to the coupling
    with the full yield (decay factor included). Finished masses are checkpointed under OUT/.checkpoints, so an
    interrupted scan rerun with the same inputs resumes where it stopped.
    """
    _refuse_with_all(all_builtin)
    models: str | list[str] = list(model) if len(model) > 1 else model[0] if model else api.DEFAULT_MODEL

    def started(config: api.ScanConfig, out: Path) -> None:
        if not quiet():
            click.echo(f"limits: {config.analysis.name}/{config.model.name} -> {out}", err=True)

    saved = api.scan_to_files(analysis, models, mass_mev=mass_mev, method=method, cl=cl, stat_only=stat_only,
                              ntoys=ntoys, seed=seed, grid=grid, executor=executor, runs=runs, out_dir=out_dir,
                              all_builtin=all_builtin, rerun=rerun, progress=progress_enabled(), on_start=started,
                              overlays=overlays,
                              notify=lambda message: click.echo(f"limits: {message}", err=True))
    any_failed = False
    for scan in saved:
        if scan.reused:
            click.echo(f"{scan.out_dir / LIMITS_JSON}: up to date (same inputs), reused", err=True)
            continue
        failed = [p for p in scan.result.points if p.status == "failed"]
        click.echo(f"{scan.out_dir / LIMITS_JSON}: {len(scan.result)} masses, {len(failed)} failed", err=True)
        for p in failed:
            click.echo(f"limits: failed: {scan.result.analysis}/{scan.result.model} at {p.mass_mev:g} MeV: "
                       f"{p.reason or '?'!s:.200}", err=True)
        any_failed = any_failed or bool(failed)
    if fmt == "json":  # one JSON value on stdout: the document, or the list of them
        documents = [scan.result.to_document() for scan in saved]
        click.echo(json.dumps(documents[0] if len(documents) == 1 else documents, indent=1, sort_keys=True,
                              allow_nan=False))
    if any_failed:  # the results are written, but incomplete: a distinct status for scripts and CI
        raise click.exceptions.Exit(EXIT_PARTIAL)


@click.command("merge")
@click.option("--results", "parts", multiple=True, required=True, type=click.Path(),
              help="A limits.json (or its directory) to merge; repeat for each part.")
@click.option("--runs", "runs", type=click.Path(dir_okay=False), default=None, help=RUNS_HELP)
@click.option("--analysis", "analysis", default=None,
              help="The analysis the parts used when it is a file (default: the built-in they name).")
@click.option("--model", "model", default=None,
              help="The model the parts used when it is a file (default: the one they record).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True, help="Output directory.")
@api_errors
def merge_cmd(parts: tuple[str, ...], runs: str | None, analysis: str | None, model: str | None,
              out_dir: str) -> None:
    """Merge scans of one configuration over different masses (e.g. toy jobs) into the result of one scan."""
    saved = api.merge_to_files(list(parts), out_dir, runs=runs, analysis=analysis, model=model)
    click.echo(f"{saved.out_dir / LIMITS_JSON}: {len(saved.result)} masses from {len(parts)} parts", err=True)
