"""Commands of the publication stage: ``compare``, ``export``, ``figures``, ``hepdata``."""

from __future__ import annotations

import click

from limits import api
from limits.cli.common import OVERLAY_HELP, api_errors
from limits.errors import InputError

__all__ = ["compare_cmd", "export_cmd", "figures_cmd", "hepdata_cmd"]


@click.command("figures", short_help="Redraw the papers' exclusion figures from our scans.")
@click.option("--results", "results_dir", default="results", show_default=True,
              type=click.Path(file_okay=False), help="Directory holding <analysis>/<model>/limits.json (the committed "
                                                     "scans).")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Where to write the figures (default limits-output/figures; the committed ones: --out "
                   "results/figures).")
@click.option("--overlay", "overlays", multiple=True, metavar="[LABEL=]FILE", help=OVERLAY_HELP)
@api_errors
def figures_cmd(results_dir: str, out_dir: str | None, overlays: tuple[str, ...]) -> None:
    """Redraw the papers' exclusion figures (PRL 129 Fig. 3; arXiv:2606.17320 Figs. 6 and 8) and the every-beam
    figures of na64-combined from our scans."""
    for path in api.paper_figures(results_dir, out_dir, overlays):
        click.echo(str(path))


@click.command("hepdata")
@click.option("--analysis", "analysis", default=api.DEFAULT_ANALYSIS, show_default=True,
              help="Built-in analysis or path to an analysis file; one table per model it is published for.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Output directory (replaced atomically): submission.yaml, tables, images, Likelihoods.tar.gz; the "
                   "upload archive goes beside it as OUT.tar.gz.")
@click.option("--results", "results_dir", default="results", show_default=True,
              type=click.Path(file_okay=False), help="Directory holding <analysis>/<model>/limits.json.")
@click.option("--workspaces", "workspaces_dir", default="workspaces", show_default=True,
              type=click.Path(file_okay=False), help="Directory holding <analysis>/<model>/{BkgOnly,patchset}.json.")
@click.option("--inspire-id", "inspire_id", default=None,
              help="The record's INSPIRE id (ins + 7 digits), replacing the placeholder in the likelihoods.")
@click.option("--release", is_flag=True, help="Refuse to write a record that still carries the placeholder id.")
@api_errors
def hepdata_cmd(analysis: str, out_dir: str, results_dir: str, workspaces_dir: str, inspire_id: str | None,
                release: bool) -> None:
    """HEPData submission of an analysis (hepdata_lib), validated with hepdata-validator."""
    archive = api.hepdata_record(analysis, out_dir, results_dir=results_dir, workspaces_dir=workspaces_dir,
                                 inspire_id=inspire_id, release=release)
    click.echo(f"{archive}: validated with hepdata-validator")


@click.command("compare")
@click.option("--results", "result", type=click.Path(file_okay=False), default=None,
              help="Directory holding a scan's limits.json.")
@click.option("--reference", "reference", default=None,
              help="Published curve name (limits compare --list shows them).")
@click.option("--list", "list_curves", is_flag=True, help="List the shipped published curves and exit.")
@click.option("--force", is_flag=True,
              help="Compare even if the scan's analysis, model, coupling or CL differ from the curve's.")
@click.option("--curve", "curve", type=click.Choice(api.CURVES), default="obs", show_default=True,
              help="Our observed limit or the expected median.")
@click.option("--format", "fmt", type=click.Choice(api.RENDER_FORMATS), default="table", show_default=True,
              help="Per-mass rows {mass_mev, ours, published, ratio}.")
@click.option("--plot", "path", type=click.Path(dir_okay=False), default=None,
              help="Also draw both curves and their ratio vs mass to this image file.")
@click.option("--overlay", "overlays", multiple=True, metavar="[LABEL=]FILE", help=OVERLAY_HELP + " With --plot.")
@api_errors
def compare_cmd(result: str | None, reference: str | None, list_curves: bool, force: bool, curve: str, fmt: str,
                path: str | None, overlays: tuple[str, ...]) -> None:
    """Ratio of our coupling limit to a published one vs mass; prints median and max |ratio - 1| (overlap only)."""
    if list_curves:
        click.echo(api.render(api.reference_curves(), fmt, header="published curves"), nl=False)
        return
    if result is None or reference is None:
        raise InputError("--results" if result is None else "--reference", "required (or --list)")
    if overlays and not path:
        raise InputError("--overlay", "draws on the comparison figure: give --plot FILE too")
    cmp = api.compare(result, reference, curve, force=force)
    if path:
        api.plot_comparison(cmp, path, overlays)
    click.echo(api.render(cmp.rows(), fmt, header=f"{result} vs {reference} ({curve})"), nl=False)
    click.echo(f"{reference}: {cmp.mass_mev.size} masses {cmp.mass_mev.min():g}-{cmp.mass_mev.max():g} MeV; median "
               f"ratio {cmp.median_ratio:.4f}; median |ratio-1| {cmp.median_deviation:.4f}; max |ratio-1| "
               f"{cmp.max_deviation:.4f}", err=fmt != "table")


@click.command("export")
@click.option("--results", "result", required=True, type=click.Path(),
              help="A scan's directory (or its limits.json).")
@click.option("--format", "fmt", type=click.Choice(api.EXPORT_FORMATS), default="darkcast", show_default=True,
              help="darkcast: a DarkCast .lmt file (mass in GeV, lower/upper coupling of each excluded interval); "
                   "csv: one row per excluded interval; yaml: limits and intervals per mass.")
@click.option("--out", "path", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (atomically) instead of stdout; darkcast X.lmt: also DarkCast's limit "
                   "module X.py and model module X_model.py beside it.")
@api_errors
def export_cmd(result: str, fmt: str, path: str | None) -> None:
    """The observed exclusion of a scan, every excluded interval (islands included), for recasting tools."""
    text = api.export(result, fmt, path)
    if path is None:
        click.echo(text, nl=False)
    else:
        click.echo(path, err=True)
