"""The ``limits`` command line. Masses are in MeV, couplings dimensionless, energies in GeV.

Every bad input ends as one line ``limits: error: <field>: <problem>`` on stderr with exit status 2, before any
output file is written.
"""

from __future__ import annotations

import sys

import click
import numpy as np

from limits import __version__
from limits.errors import InputError
from limits.io.masses import parse_masses_mev
from limits.io.tables import FORMATS, render
from limits.physics.models import builtin_names, charge_string, describe_channels, get_model
from limits.physics.widths import MASS_MAX_GEV, MASS_MIN_GEV, decay_widths

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="limits")
def cli() -> None:
    """NA64 Z' limits: models, widths and branching fractions (more stages to come).

    Units: masses in MeV, energies in GeV, couplings dimensionless (g for B-L-type models, epsilon for the
    dark photon). Run ``limits COMMAND --help`` for each command's options.
    """


@cli.command("models")
def models_cmd() -> None:
    """List the built-in models with their charges and invisible channels."""
    rows = []
    for name in builtin_names():
        m = get_model(name)
        charges = " ".join(f"{k}={charge_string(m.charges[k])}" for k in ("e", "mu", "tau", "u", "d", "s"))
        rows.append({"model": name, "coupling": m.coupling_symbol, "charges": charges,
                     "invisible": describe_channels(m)})
    click.echo(render(rows, "table"), nl=False)


MASSES_HELP = ("Z' masses in MeV: comma-separated list, or MIN:MAX:N for N log-spaced points "
               f"(range {MASS_MIN_GEV * 1e3:g}-{MASS_MAX_GEV * 1e3:g} MeV).")


@cli.command("widths")
@click.option("--model", "model_names", multiple=True, default=("bl-unbroken",), show_default=True,
              help="Built-in model name (see `limits models`) or path to a YAML/JSON model file. Repeat (or give a "
                   "comma-separated list) to compare models; the rows then carry a `model` field.")
@click.option("--masses", default="0.001:1200:25", show_default=True, help=MASSES_HELP)
@click.option("--coupling", type=float, default=1e-4, show_default=True,
              help="Coupling parameter (g, or epsilon for the dark photon, dimensionless) at which branching "
                   "fractions and gamma_over_g2 are evaluated. Only models with a dark sector depend on it: their "
                   "Z' -> chi chi width is fixed by alpha_D, not by g.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format on stdout. JSON: list of rows {mass_mev, coupling, gamma_over_g2_gev [GeV], "
                   "br {invisible, ee, mumu, hadrons}, ctau_m_at_g1 [m]}.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Also draw branching fractions vs mass to this image file (PNG/PDF/SVG by suffix).")
@click.option("--plot-kind", type=click.Choice(("channels", "invisible")), default="channels", show_default=True,
              help="channels: BR per channel (one model, two superimposed solid/dashed as PRL 129 Fig. 1, or one "
                   "panel per model as arXiv:2606.17320 Fig. 2); invisible: BR_inv of every model in one panel "
                   "(arXiv:2606.17320 Fig. 3).")
def widths_cmd(model_names, masses, coupling, fmt, plot_path, plot_kind) -> None:
    """Z' total width, branching fractions and proper decay length vs mass.

    gamma_over_g2_gev is the total width divided by the squared coupling parameter, in GeV; ctau_m_at_g1 is the
    proper decay length c*tau in metres at coupling 1 (scale by 1/coupling^2 for models without a dark sector).
    """
    names = [n for arg in model_names for n in arg.split(",") if n.strip()]
    models = [get_model(n.strip()) for n in names]
    if not (0 < coupling <= 10) or not np.isfinite(coupling):
        raise InputError("--coupling", f"{coupling:g} is outside the allowed range (0, 10]")
    masses_mev = parse_masses_mev(masses, MASS_MIN_GEV * 1e3, MASS_MAX_GEV * 1e3)
    m_gev = masses_mev * 1e-3
    rows = []
    for model in models:
        w = decay_widths(model, m_gev, coupling)
        ctau_g1 = decay_widths(model, m_gev, 1.0).ctau_m
        for i, mass in enumerate(masses_mev):
            row = {"model": model.name} if len(models) > 1 else {}
            row.update({
                "mass_mev": float(mass),
                "coupling": float(coupling),
                "gamma_over_g2_gev": float(w.total_gev[i] / coupling**2),
                "br": {"invisible": float(w.br_invisible[i]), "ee": float(w.br("ee")[i]),
                       "mumu": float(w.br("mumu")[i]), "hadrons": float(w.br("hadrons")[i])},
                "ctau_m_at_g1": float(ctau_g1[i]),
            })
            rows.append(row)
    if plot_path:
        from limits.plots.widths import plot_branching  # matplotlib only when asked for

        plot_branching(models, m_gev, coupling, plot_path, kind=plot_kind)
    symbol = models[0].coupling_symbol if len(models) == 1 else "coupling"
    click.echo(render(rows, fmt, header=f"{', '.join(m.name for m in models)}; BRs at {symbol} = {coupling:g}"),
               nl=False)


def main(argv: list[str] | None = None) -> int:
    """Console entry point: runs the CLI and maps bad input (ours or click's) to one line and exit status 2."""
    try:
        cli.main(args=argv, prog_name="limits", standalone_mode=False)
    except InputError as exc:
        click.echo(f"limits: error: {exc}", err=True)
        return 2
    except click.exceptions.NoSuchOption as exc:
        click.echo(f"limits: error: {exc.format_message()} (see --help)", err=True)
        return 2
    except click.UsageError as exc:
        click.echo(f"limits: error: {exc.format_message()}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("limits: aborted", err=True)
        return 130
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
