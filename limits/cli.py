"""The ``limits`` command line. Masses are in MeV, couplings dimensionless, energies in GeV.

Every bad input ends as one line ``limits: error: <field>: <problem>`` on stderr with exit status 2, before any
output file is written.
"""

from __future__ import annotations

import sys

import click
import numpy as np

from limits import __version__
from limits import constants as C
from limits.errors import InputError
from limits.io.masses import parse_masses_mev
from limits.io.tables import FORMATS, render
from limits.physics.models import builtin_names, charge_string, describe_channels, get_model
from limits.physics.widths import MASS_MAX_GEV, MASS_MIN_GEV, decay_widths

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="limits")
def cli() -> None:
    """NA64 Z' limits: models, widths, signal yields (more stages to come).

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


def _check_range(field: str, value: float, lo: float, hi: float, unit: str, lo_open: bool = False,
                 hi_open: bool = False) -> None:
    """Raise InputError naming ``field`` unless lo <= value <= hi (strict where ``*_open``)."""
    bad = (not np.isfinite(value) or (value <= lo if lo_open else value < lo)
           or (value >= hi if hi_open else value > hi))
    if bad:
        interval = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
        raise InputError(field, f"{value:g} is outside the allowed range {interval} {unit}".rstrip())


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
    _check_range("--coupling", coupling, 0.0, 10.0, "", lo_open=True)
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


@cli.command("yields")
@click.option("--model", "model_name", default="bl-unbroken", show_default=True,
              help="Built-in model name or path to a YAML/JSON model file.")
@click.option("--coupling", type=float, default=1e-4, show_default=True,
              help="Coupling parameter, dimensionless: g (B-L family) or epsilon (dark photon).")
@click.option("--masses", default="0.001:1200:25", show_default=True, help=MASSES_HELP)
@click.option("--beam-energy-gev", type=float, default=100.0, show_default=True,
              help="Beam energy E0 in GeV (30-150).")
@click.option("--ecut-gev", type=float, default=50.0, show_default=True,
              help="Missing-energy threshold in GeV: Z' with E_Z' > ECUT are counted (>= 30 and >= 0.1*E0, < E0).")
@click.option("--l-det-m", type=float, default=C.L_DETECTOR_DEFAULT_M, show_default=True,
              help="ECAL+HCAL length in metres beyond which visible Z' decays count as invisible (PRL 129 Eq. 6).")
@click.option("--annihilation/--no-annihilation", default=True, show_default=True,
              help="Include resonant e+e- -> Z' on atomic electrons (arXiv:2606.17320) or bremsstrahlung only.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output on stdout. JSON: rows {mass_mev, coupling, yield_brem_per_eot, "
                   "yield_annihilation_per_eot, yield_per_eot}.")
@click.option("--spectrum", is_flag=True,
              help="Print dN/dE_Z' instead (with the decay factor): rows {mass_mev, coupling, e_low_gev, e_high_gev, "
                   "dn_de_per_eot_per_gev} per E_Z' bin.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Also draw yield per EOT vs mass (bremsstrahlung, annihilation, total) to this image file.")
def yields_cmd(model_name, coupling, masses, beam_energy_gev, ecut_gev, l_det_m, annihilation, fmt, spectrum,
               plot_path):
    """Signal yield per electron on target, before the selection efficiency.

    yield_brem_per_eot and yield_annihilation_per_eot count the Z' produced with E_Z' > ECUT (all decays);
    yield_per_eot weights them with the probability to look invisible, BR_inv + (1 - BR_inv) exp(-L_det/L_Z')
    (PRL 129 Eq. 6).
    """
    from limits.physics.yields import BEAM_ENERGY_RANGE_GEV, yields

    model = get_model(model_name)
    _check_range("--coupling", coupling, 0.0, 10.0, "", lo_open=True)
    _check_range("--beam-energy-gev", beam_energy_gev, *BEAM_ENERGY_RANGE_GEV, "GeV")
    _check_range("--ecut-gev", ecut_gev, max(30.0, 0.1 * beam_energy_gev), beam_energy_gev, "GeV", hi_open=True)
    _check_range("--l-det-m", l_det_m, 0.0, 1000.0, "m")
    masses_mev = parse_masses_mev(masses, MASS_MIN_GEV * 1e3, MASS_MAX_GEV * 1e3)
    kwargs = dict(beam_energy_gev=beam_energy_gev, ecut_gev=ecut_gev, l_det_m=l_det_m,
                  annihilation_on=annihilation)
    if spectrum:
        _, edges, dn_de = yields(model, masses_mev * 1e-3, coupling, spectrum=True, **kwargs)
        rows = [{"mass_mev": float(m), "coupling": float(coupling), "e_low_gev": float(lo), "e_high_gev": float(hi),
                 "dn_de_per_eot_per_gev": float(v)}
                for m, row in zip(masses_mev, dn_de) for lo, hi, v in zip(edges[:-1], edges[1:], row)]
    else:
        y = yields(model, masses_mev * 1e-3, coupling, **kwargs)
        rows = [{"mass_mev": float(m), "coupling": float(coupling), "yield_brem_per_eot": float(b),
                 "yield_annihilation_per_eot": float(a), "yield_per_eot": float(t)}
                for m, b, a, t in zip(masses_mev, y.brem, y.annihilation, y.total)]
    if plot_path:
        from limits.plots.yields import plot_yields

        plot_yields(model, masses_mev * 1e-3, coupling, plot_path, **kwargs)
    header = (f"{model.name}; {model.coupling_symbol} = {coupling:g}; E0 = {beam_energy_gev:g} GeV, "
              f"E_Z' > {ecut_gev:g} GeV, L_det = {l_det_m:g} m; events per EOT before efficiency")
    click.echo(render(rows, fmt, header=header), nl=False)


@cli.command("xsec")
@click.option("--mass-mev", type=float, required=True, help="Z' mass in MeV (0.001-1200).")
@click.option("--energy-gev", type=float, required=True, help="Lepton energy in GeV (1-1000, above the mass).")
@click.option("--coupling", type=float, required=True,
              help="Coupling parameter of --model (dimensionless); with the default model it is epsilon.")
@click.option("--model", "model_name", default="dark-photon", show_default=True,
              help="Model whose coupling --coupling is: the cross section depends only on the electron coupling "
                   "g|Q_e| (dark photon: epsilon*e, DMG4's convention).")
@click.option("--xmin", type=float, default=None,
              help="Lower limit of x = E_Z'/E (0-1); default the threshold m/E.")
def xsec_cmd(mass_mev, energy_gev, coupling, model_name, xmin):
    """Exact-tree-level bremsstrahlung cross section per lead atom, by direct integration; prints JSON.

    {"sigma_pb": ...} is sigma(x > xmin) in pb for e- Pb -> e- Pb Z' (production.md §2.3).
    """
    import json

    from limits.physics.brems import sigma_total

    model = get_model(model_name)
    _check_range("--mass-mev", mass_mev, MASS_MIN_GEV * 1e3, MASS_MAX_GEV * 1e3, "MeV")
    _check_range("--energy-gev", energy_gev, 1.0, 1000.0, "GeV")
    if energy_gev * 1e3 <= mass_mev:
        raise InputError("--energy-gev", f"{energy_gev:g} GeV must exceed the mass {mass_mev:g} MeV")
    _check_range("--coupling", coupling, 0.0, 10.0, "", lo_open=True)
    if xmin is not None:
        _check_range("--xmin", xmin, 0.0, 1.0, "", lo_open=True)
    sigma_eps1 = sigma_total(mass_mev * 1e-3, energy_gev, xmin)
    eps2 = (model.electron_coupling_per_unit * coupling) ** 2 / (4.0 * np.pi * C.ALPHA_EM)
    click.echo(json.dumps({"sigma_pb": sigma_eps1 * eps2 * C.GEV2_TO_PB, "mass_mev": mass_mev,
                           "energy_gev": energy_gev, "coupling": coupling, "model": model.name,
                           "x_min": xmin if xmin is not None else mass_mev * 1e-3 / energy_gev}))


def _analysis_masses(analysis, masses: str | None) -> np.ndarray:
    """Masses in MeV from --masses, or the analysis default: 200 log-spaced over its mass range."""
    if masses is None:
        return analysis.default_masses_mev()
    return parse_masses_mev(masses, *analysis.mass_range_mev)


@cli.command("workspace")
@click.option("--analysis", "analysis_name", default="na64-2026", show_default=True,
              help="Built-in analysis (na64-2022, na64-2026) or path to an analysis file (schemas/analysis.schema.json).")
@click.option("--model", "model_name", default="bl-unbroken", show_default=True,
              help="Built-in model name or path to a YAML/JSON model file.")
@click.option("--masses", default=None,
              help="Z' masses in MeV: list or MIN:MAX:N log-spaced (default: 200 log-spaced over the analysis range).")
@click.option("--runs", "runs_path", type=click.Path(dir_okay=False), default=None,
              help="Run-input file replacing the shipped one (schemas/runs.schema.json).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output directory (default: workspaces/<analysis>/<model>/).")
@click.option("--all", "all_builtin", is_flag=True,
              help="Regenerate the committed workspaces: every built-in analysis x its models into "
                   "workspaces/ (ignores --analysis, --model, --out).")
def workspace_cmd(analysis_name, model_name, masses, runs_path, out_dir, all_builtin):
    """Write BkgOnly.json and patchset.json (pyhf 1.0.0 schemas, one patch per mass, label m_Zprime_MeV)."""
    from pathlib import Path

    from limits.analysis.definition import builtin_pairs, get_analysis
    from limits.workspace.build import build_workspaces
    from limits.workspace.io import write_workspaces

    if all_builtin:
        jobs = [(a, m, Path("workspaces") / a / m) for a, m in builtin_pairs()]
    else:
        jobs = [(analysis_name, model_name, Path(out_dir) if out_dir else None)]
    prepared = []
    for a_name, m_name, target in jobs:  # validate every input before writing anything
        analysis = get_analysis(a_name, runs_path)
        model = get_model(m_name)
        prepared.append((analysis, model, _analysis_masses(analysis, masses),
                         target or Path("workspaces") / analysis.name / model.name))
    for analysis, model, mass_mev, target in prepared:
        paths = write_workspaces(build_workspaces(analysis, model, mass_mev), target)
        click.echo(f"{analysis.name} / {model.name}: {len(mass_mev)} masses -> {paths[0].parent}")


@cli.command("scan")
@click.option("--analysis", "analysis_name", default="na64-2026", show_default=True,
              help="Built-in analysis (na64-2022, na64-2026) or path to an analysis file.")
@click.option("--model", "model_name", default="bl-unbroken", show_default=True,
              help="Built-in model name or path to a YAML/JSON model file.")
@click.option("--method", type=click.Choice(("exact", "asymptotic", "toys")), default="exact", show_default=True,
              help="CLs calculator: exact (closed form at zero counts, nuisances integrated), asymptotic (pyhf, "
                   "q~_mu), toys (our vectorised LHC-style toys).")
@click.option("--stat-only", is_flag=True, help="Drop all systematic uncertainties.")
@click.option("--cl", type=float, default=0.9, show_default=True, help="Confidence level, in [0.5, 0.9999].")
@click.option("--masses", default=None,
              help="Z' masses in MeV: list or MIN:MAX:N log-spaced (default: 200 log-spaced over the analysis range).")
@click.option("--ntoys", type=int, default=10_000, show_default=True,
              help="Toys per tested mu and hypothesis (--method toys), in [100, 10^7].")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed (>= 0) of every random number; recorded in limits.json.")
@click.option("--executor", default="local", show_default=True,
              help="local | processes:N | dask:ADDRESS (dask:local[:N] starts a LocalCluster). Results do not "
                   "depend on it.")
@click.option("--runs", "runs_path", type=click.Path(dir_okay=False), default=None,
              help="Run-input file replacing the shipped one (schemas/runs.schema.json).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output directory (default: results/<analysis>/<model>/).")
@click.option("--grid", is_flag=True,
              help="Also evaluate CLs on the full (mass, coupling) grid and extract the contours (islands included).")
@click.option("--all", "all_builtin", is_flag=True,
              help="Scan every built-in analysis x its models into results/<analysis>/<model>/ (the committed "
                   "results); --analysis, --model and --out are then not allowed.")
def scan_cmd(analysis_name, model_name, method, stat_only, cl, masses, ntoys, seed, executor, runs_path, out_dir,
             grid, all_builtin):
    """90% CL exclusion limits on the coupling vs Z' mass: limits.json, limits.csv, exclusion.png.

    Per mass: CLs upper limit on the signal strength (observed and expected -2..+2 sigma), inverted to the coupling
    with the full yield (decay factor included). Finished masses are checkpointed under OUT/.checkpoints, so an
    interrupted scan rerun with the same inputs resumes where it stopped.
    """
    from pathlib import Path

    from limits.analysis.definition import builtin_pairs, get_analysis
    from limits.stats.scan import ScanConfig, parse_executor

    _check_range("--cl", cl, 0.5, 0.9999, "")
    _check_range("--ntoys", ntoys, 100, 10_000_000, "")
    _check_range("--seed", seed, 0, 2**63 - 1, "")
    parse_executor(executor)
    if all_builtin:
        ctx = click.get_current_context()
        for opt in ("analysis_name", "model_name", "out_dir"):
            if ctx.get_parameter_source(opt) != click.core.ParameterSource.DEFAULT:
                raise InputError("--all", f"cannot be combined with --{opt.split('_')[0]}")
        jobs = [(a, m, None) for a, m in builtin_pairs()]
    else:
        jobs = [(analysis_name, model_name, out_dir)]
    prepared = []
    for a_name, m_name, target in jobs:  # validate every input before scanning anything
        analysis, model = get_analysis(a_name, runs_path), get_model(m_name)
        mass_mev = _analysis_masses(analysis, masses)
        cfg = ScanConfig(analysis, model, method, cl, tuple(float(m) for m in mass_mev), stat_only, ntoys, seed, grid)
        prepared.append((cfg, Path(target) if target else Path("results") / analysis.name / model.name))
    for cfg, out in prepared:
        _scan_one(cfg, out, executor)


def _scan_one(cfg, out, executor: str) -> None:
    """Run one scan with a progress bar, write its results atomically and drop its checkpoints."""
    from limits.io.reference import references_for
    from limits.io.results import write_results
    from limits.plots.exclusion import plot_exclusion
    from limits.stats.scan import clear_checkpoints, run_scan

    a_name, m_name = cfg.analysis.name, cfg.model.name
    with click.progressbar(length=len(cfg.masses_mev), label=f"scan {a_name}/{m_name} ({cfg.method})",
                           file=sys.stderr, show_pos=True) as bar:
        state = {"shown": 0}

        def progress(done, _total):
            bar.update(done - state["shown"])
            state["shown"] = done

        doc = run_scan(cfg, out, executor=executor, progress=progress)
    write_results(doc, out, plot=lambda d, p: plot_exclusion(d, p, references_for(a_name, m_name)))
    clear_checkpoints(out, doc["inputs_digest"])
    failed = [p for p in doc["points"] if p["status"] == "failed"]
    click.echo(f"{out / 'limits.json'}: {len(doc['points'])} masses, {len(failed)} failed", err=True)


@cli.command("figures")
@click.option("--results", "results_dir", default="results", show_default=True, type=click.Path(file_okay=False),
              help="Directory holding <analysis>/<model>/limits.json (the committed scans).")
@click.option("--out", "out_dir", default="results/figures", show_default=True, type=click.Path(file_okay=False),
              help="Where to write the figures.")
def figures_cmd(results_dir, out_dir):
    """Redraw the papers' exclusion figures (PRL 129 Fig. 3; arXiv:2606.17320 Figs. 6 and 8) from our scans."""
    from limits.plots.papers import paper_figures

    try:
        paths = paper_figures(results_dir, out_dir)
    except FileNotFoundError as exc:
        raise InputError("--results", f"{exc.filename} not found: run `limits scan --all` first") from None
    for path in paths:
        click.echo(str(path))


@cli.command("hepdata")
@click.option("--analysis", "analysis_name", default="na64-2026", show_default=True,
              help="Built-in analysis or path to an analysis file; one table per model it is published for.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Output directory (replaced atomically): submission.yaml, tables, images, Likelihoods.tar.gz, "
                   "submission.tar.gz.")
@click.option("--results", "results_dir", default="results", show_default=True, type=click.Path(file_okay=False),
              help="Directory holding <analysis>/<model>/limits.json.")
@click.option("--workspaces", "workspaces_dir", default="workspaces", show_default=True,
              type=click.Path(file_okay=False), help="Directory holding <analysis>/<model>/{BkgOnly,patchset}.json.")
@click.option("--inspire-id", default=None,
              help="The record's INSPIRE id (ins + 7 digits), replacing the placeholder in the likelihoods.")
@click.option("--release", is_flag=True, help="Refuse to write a record that still carries the placeholder id.")
def hepdata_cmd(analysis_name, out_dir, results_dir, workspaces_dir, inspire_id, release):
    """HEPData submission of an analysis (hepdata_lib), validated with hepdata-validator."""
    from pathlib import Path

    from limits.analysis.definition import get_analysis
    from limits.plots.papers import figures_for
    from limits.publish.hepdata import write_submission
    from limits.workspace.build import HEPDATA_PLACEHOLDER

    if release and inspire_id is None:
        raise InputError("--inspire-id", f"required with --release (the likelihoods would carry the placeholder "
                                         f"{HEPDATA_PLACEHOLDER})")
    analysis = get_analysis(analysis_name)
    figures = [Path(results_dir) / "figures" / f for f in figures_for(analysis.name)]
    try:
        archive = write_submission(analysis, out_dir, results_dir=results_dir, workspaces_dir=workspaces_dir,
                                   figures=[f for f in figures if f.is_file()], inspire_id=inspire_id)
    except ModuleNotFoundError as exc:
        raise click.ClickException(f"{exc.name} is not installed: pip install 'limits[hepdata]'") from None
    except RuntimeError as exc:  # the validator's verdict, with its messages
        raise click.ClickException(str(exc)) from None
    click.echo(f"{archive}: validated with hepdata-validator")
    if inspire_id is None:
        click.echo(f"warning: the likelihoods carry the placeholder HEPData id {HEPDATA_PLACEHOLDER}; pass "
                   f"--inspire-id before uploading", err=True)


@cli.command("compare")
@click.option("--results", "results_dir", required=True, type=click.Path(file_okay=False),
              help="Directory holding a scan's limits.json.")
@click.option("--reference", required=True, help="Published curve name (results/reference/index.json).")
@click.option("--curve", type=click.Choice(("obs", "median")), default="obs", show_default=True,
              help="Our observed limit or the expected median.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Per-mass rows {mass_mev, ours, published, ratio}.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Also draw both curves and their ratio vs mass to this image file.")
def compare_cmd(results_dir, reference, curve, fmt, plot_path):
    """Ratio of our coupling limit to a published one vs mass; prints median and max |ratio - 1| (overlap only)."""
    from limits.io.compare import compare

    cmp = compare(results_dir, reference, curve)
    rows = [{"mass_mev": float(m), "ours": float(o), "published": float(p), "ratio": float(r)}
            for m, o, p, r in zip(cmp.mass_mev, cmp.ours, cmp.published, cmp.ratio)]
    if plot_path:
        from limits.plots.compare import plot_comparison

        plot_comparison(cmp, plot_path)
    click.echo(render(rows, fmt, header=f"{results_dir} vs {reference} ({curve})"), nl=False)
    click.echo(f"{reference}: {len(rows)} masses {cmp.mass_mev.min():g}-{cmp.mass_mev.max():g} MeV; median ratio "
               f"{np.median(cmp.ratio):.4f}; median |ratio-1| {cmp.median_deviation:.4f}; max |ratio-1| "
               f"{cmp.max_deviation:.4f}", err=fmt != "table")


@cli.group("tables")
def tables_group():
    """Precomputed physics tables shipped in the package (ETL cross sections, shower track lengths)."""


@tables_group.command("build")
@click.option("--only", type=click.Choice(("all", "brems", "shower")), default="all", show_default=True,
              help="Which table to (re)build.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output directory (default: the package's limits/data/tables).")
@click.option("--workers", type=int, default=None, help="Processes for the cross-section integrals (default: all "
              "cores). The result does not depend on it.")
def tables_build(only, out_dir, workers):
    """Regenerate the tables (~2-3 min on 2 cores) with parameters and checksums recorded beside them."""
    from pathlib import Path

    from limits.physics import tables

    if workers is not None and workers < 1:
        raise InputError("--workers", f"{workers} is outside the allowed range [1, 256]")
    directory = Path(out_dir) if out_dir else None
    if only in ("all", "shower"):
        click.echo(f"shower Monte Carlo: {tables.DEFAULT_SHOWER['n_primaries']} primaries ...", err=True)
        click.echo(str(tables.build_shower(directory)))
    if only in ("all", "brems"):
        g = tables.DEFAULT_BREMS_GRID
        total = g["mass_gev"]["n"] * g["energy_gev"]["n"]
        with click.progressbar(length=total, label="ETL cross sections", file=sys.stderr) as bar:
            last = [0]

            def progress(done, _total):
                bar.update(done - last[0])
                last[0] = done

            path = tables.build_brems(directory, workers=workers, progress=progress)
        click.echo(str(path))


@tables_group.command("info")
def tables_info():
    """Show the shipped tables' parameters and verify their checksums."""
    import json

    from limits.physics import tables

    for name, loader in (("shower", tables.load_shower), ("brems_etl", tables.load_brems)):
        loader()  # raises if the checksum fails
        meta = json.loads((tables.table_dir() / f"{name}.json").read_text())
        click.echo(f"{name}: sha256 {meta['sha256'][:16]}... OK; built by limits {meta['limits_version']}; "
                   f"parameters {json.dumps(meta['parameters'])}")


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
    except click.ClickException as exc:  # not bad input: a missing optional package, a rejected output
        click.echo(f"limits: error: {exc.format_message()}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("limits: aborted", err=True)
        return 130
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
