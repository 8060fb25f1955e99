"""Commands of the physics stage: ``models``, ``widths``, ``yields``, ``xsec``, ``tables build|info``, ``cache``."""

from __future__ import annotations

import json

import click

from limits import api
from limits.cli.common import MASSES_HELP, api_errors, progress_enabled

__all__ = ["cache_group", "models_cmd", "tables_group", "widths_cmd", "xsec_cmd", "yields_cmd"]

COUPLING = click.FloatRange(*api.COUPLING_RANGE, min_open=True)
DEFAULT_SETUP = api.Setup()  # the option defaults: NA64's set-up, defined once (limits.physics.setup)
OVERVIEW_MASSES = "0.001:1200:25"  # the mass list a `widths`/`yields` table shows unless told


@click.command("models")
@api_errors
def models_cmd() -> None:
    """List the built-in models with their charges and invisible channels."""
    click.echo(api.render(api.describe_models(), "table"), nl=False)


@click.command("widths")
@click.option("--model", "model", multiple=True, default=(api.DEFAULT_MODEL,), show_default=True,
              help="Built-in model name (see `limits models`) or path to a YAML/JSON model file. Repeat (or give a "
                   "comma-separated list) to compare models; the rows then carry a `model` field.")
@click.option("--masses", "mass_mev", default=OVERVIEW_MASSES, show_default=True, help=MASSES_HELP)
@click.option("--coupling", type=COUPLING, default=1e-4, show_default=True,
              help="Coupling parameter (g, or epsilon for the dark photon, dimensionless) at which branching "
                   "fractions and gamma_over_g2 are evaluated. Only models with a dark sector depend on it: their "
                   "Z' -> chi chi width is fixed by alpha_D, not by g.")
@click.option("--format", "fmt", type=click.Choice(api.RENDER_FORMATS), default="table", show_default=True,
              help="Output format on stdout. JSON: list of rows {mass_mev, coupling, gamma_over_g2_gev [GeV], "
                   "br {invisible, ee, mumu, hadrons}, ctau_m_at_g1 [m]}.")
@click.option("--plot", "path", type=click.Path(dir_okay=False), default=None,
              help="Also draw branching fractions vs mass to this image file (PNG/PDF/SVG by suffix).")
@click.option("--plot-kind", "kind", type=click.Choice(api.BRANCHING_KINDS), default="channels", show_default=True,
              help="channels: BR per channel (one model, two superimposed solid/dashed as PRL 129 Fig. 1, or one "
                   "panel per model as arXiv:2606.17320 Fig. 2); invisible: BR_inv of every model in one panel "
                   "(arXiv:2606.17320 Fig. 3).")
@api_errors
def widths_cmd(model: tuple[str, ...], mass_mev: str, coupling: float, fmt: str, path: str | None,
               kind: str) -> None:
    """Z' total width, branching fractions and proper decay length vs mass.

    gamma_over_g2_gev is the total width divided by the squared coupling parameter, in GeV; ctau_m_at_g1 is the
    proper decay length c*tau in metres at coupling 1 (scale by 1/coupling^2 for models without a dark sector).
    """
    names = [n.strip() for arg in model for n in arg.split(",") if n.strip()] or [""]  # '' is refused by the API
    tables = [api.widths(name, mass_mev, coupling) for name in names]
    if path:
        api.plot_widths(names, mass_mev, coupling, path, kind)
    rows = [row for t in tables for row in t.rows(with_model=len(tables) > 1)]
    symbol = tables[0].coupling_symbol if len(tables) == 1 else "coupling"
    click.echo(api.render(rows, fmt, header=f"{', '.join(t.model for t in tables)}; BRs at {symbol} = {coupling:g}"),
               nl=False)


@click.command("yields")
@click.option("--model", "model", default=api.DEFAULT_MODEL, show_default=True,
              help="Built-in model name or path to a YAML/JSON model file.")
@click.option("--coupling", type=COUPLING, default=1e-4, show_default=True,
              help="Coupling parameter, dimensionless: g (B-L family) or epsilon (dark photon).")
@click.option("--masses", "mass_mev", default=OVERVIEW_MASSES, show_default=True, help=MASSES_HELP)
@click.option("--beam", "beam_particle", type=click.Choice(api.BEAM_PARTICLES), default=DEFAULT_SETUP.beam_particle,
              show_default=True, help="Beam particle: e- or e+ (a shower; the primary positron annihilates too), mu+ "
                                      "or mu- (the muon radiates the Z' itself along the target; then no annihilation "
                                      "and --ecal-resolution is the momentum resolution of the scattered muon).")
@click.option("--beam-energy-gev", type=float, default=DEFAULT_SETUP.beam_energy_gev, show_default=True,
              help="Beam energy E0 in GeV (e+-: 30-150; muons: 10-400).")
@click.option("--beam-energy-spread-gev", type=float, default=DEFAULT_SETUP.beam_energy_spread_gev, show_default=True,
              help="Gaussian spread of the beam energy in GeV; the cut on E_ECAL sees it in quadrature with the "
                   "ECAL resolution.")
@click.option("--target-depth-x0", type=float, default=DEFAULT_SETUP.target_depth_x0, show_default=True,
              help="Active target depth in X0 of the Pb/Sc ECAL (muon beams; an e+- shower is tabulated for 40).")
@click.option("--ecut-gev", type=float, default=DEFAULT_SETUP.ecut_gev, show_default=True,
              help="Missing-energy threshold in GeV: Z' with E_Z' > ECUT are counted (>= 30 and >= 0.1*E0, < E0).")
@click.option("--l-det-m", type=float, default=DEFAULT_SETUP.l_det_m, show_default=True,
              help="ECAL+HCAL length in metres beyond which visible Z' decays count as invisible (PRL 129 Eq. 6).")
@click.option("--annihilation/--no-annihilation", default=None,
              help="Include resonant e+e- -> Z' on atomic electrons (arXiv:2606.17320) or bremsstrahlung only "
                   "[default: on for e+-, off for muons].")
@click.option("--ecal-resolution", "ecal_resolution", type=(float, float), show_default=True,
              default=(DEFAULT_SETUP.ecal_resolution.stochastic, DEFAULT_SETUP.ecal_resolution.constant),
              metavar="A B",
              help="ECAL resolution sigma_E/E = A/sqrt(E[GeV]) (+) B at the missing-energy cut, which acts on the "
                   "measured ECAL energy (arXiv:2606.17320: 10 %/sqrt(E) (+) 4 %); '0 0' cuts on the true energy.")
@click.option("--electron-momenta", "electron_momenta", type=click.Choice(api.ELECTRON_MODELS),
              default=DEFAULT_SETUP.electron_momenta, show_default=True,
              help="Atomic electrons in resonant annihilation: compton (Hartree-Fock shell Compton profiles), "
                   "exponential (DMG4's model), free (at rest).")
@click.option("--scintillator-electrons/--lead-electrons-only", "scintillator_electrons",
              default=DEFAULT_SETUP.scintillator_electrons, show_default=True,
              help="Annihilate also on the ECAL scintillator's electrons (10.3 per lead atom, ~+12 % in the window); "
                   "off by default as in DMG4, so that NA64's simulation is compared like for like.")
@click.option("--format", "fmt", type=click.Choice(api.RENDER_FORMATS), default="table", show_default=True,
              help="Output on stdout. JSON: rows {mass_mev, coupling, yield_brem_per_eot, "
                   "yield_annihilation_per_eot, yield_per_eot}.")
@click.option("--spectrum", is_flag=True,
              help="Print dN/dE_Z' instead (with the decay factor): rows {mass_mev, coupling, e_low_gev, e_high_gev, "
                   "dn_de_per_eot_per_gev, pass_probability} per E_Z' bin; dn_de counts what passes the cut, "
                   "dn_de/pass_probability is the spectrum before it.")
@click.option("--plot", "path", type=click.Path(dir_okay=False), default=None,
              help="Also draw yield per EOT vs mass (bremsstrahlung, annihilation, total) to this image file.")
@click.option("--plot-kind", type=click.Choice(("yields", "window")), default="yields", show_default=True,
              help="yields: per EOT vs mass over --masses; window: the annihilation window (150-400 MeV) for each "
                   "atomic-electron model side by side (--masses and --electron-momenta then do not apply).")
@api_errors
def yields_cmd(model: str, coupling: float, mass_mev: str, beam_particle: str, beam_energy_gev: float,
               beam_energy_spread_gev: float, target_depth_x0: float, ecut_gev: float, l_det_m: float,
               annihilation: bool | None, ecal_resolution: tuple[float, float], electron_momenta: str,
               scintillator_electrons: bool, fmt: str, spectrum: bool, path: str | None, plot_kind: str) -> None:
    """Signal yield per beam particle on target (EOT, or positrons, muons), before the selection efficiency.

    yield_brem_per_eot and yield_annihilation_per_eot count the Z' produced with E_Z' > ECUT (all decays);
    yield_per_eot weights them with the probability to look invisible, BR_inv + (1 - BR_inv) exp(-L_det/L_Z')
    (PRL 129 Eq. 6).
    """
    if annihilation is None:  # a muon beam makes no shower positrons
        annihilation = DEFAULT_SETUP.annihilation and not beam_particle.startswith("mu")
    setup = api.Setup(beam_particle=beam_particle, beam_energy_gev=beam_energy_gev, ecut_gev=ecut_gev,
                      l_det_m=l_det_m, annihilation=annihilation, target_depth_x0=target_depth_x0,
                      beam_energy_spread_gev=beam_energy_spread_gev,
                      ecal_resolution=api.EcalResolution(*ecal_resolution), electron_momenta=electron_momenta,
                      scintillator_electrons=scintillator_electrons)
    table = (api.yield_spectrum(model, mass_mev=mass_mev, coupling=coupling, setup=setup) if spectrum
             else api.yields(model, mass_mev=mass_mev, coupling=coupling, setup=setup))
    if path and plot_kind == "window":
        api.plot_annihilation_window(model, coupling, path, setup)
    elif path:
        api.plot_yields(model, mass_mev, coupling, path, setup)
    a, b = setup.ecal_resolution.stochastic, setup.ecal_resolution.constant
    measured = "scattered muon" if setup.is_muon else "E_ECAL"
    header = (f"{table.model}; {table.coupling_symbol} = {coupling:g}; {setup.beam_particle} beam, "
              f"E0 = {setup.beam_energy_gev:g} GeV, {measured} < {setup.beam_energy_gev - setup.ecut_gev:g} GeV "
              f"measured with sigma_E/E = {a:g}/sqrt(E) (+) {b:g} (nominally E_Z' > {setup.ecut_gev:g} GeV), "
              f"L_det = {setup.l_det_m:g} m; events per beam particle on target before efficiency")
    click.echo(api.render(table.rows(), fmt, header=header), nl=False)


@click.command("xsec")
@click.option("--mass-mev", type=float, required=True, help="Z' mass in MeV (0.001-1200).")
@click.option("--energy-gev", type=float, required=True, help="Lepton energy in GeV (1-1000, above the mass).")
@click.option("--coupling", type=COUPLING, required=True,
              help="Coupling parameter of --model (dimensionless); with the default model it is epsilon.")
@click.option("--model", "model", default="dark-photon", show_default=True,
              help="Model whose coupling --coupling is: the cross section depends only on the electron coupling "
                   "g|Q_e| (dark photon: epsilon*e, DMG4's convention).")
@click.option("--xmin", "x_min", type=click.FloatRange(0.0, 1.0, min_open=True), default=None,
              help="Lower limit of x = E_Z'/E (0-1); default the threshold m/E.")
@api_errors
def xsec_cmd(mass_mev: float, energy_gev: float, coupling: float, model: str, x_min: float | None) -> None:
    """Exact-tree-level bremsstrahlung cross section per lead atom, by direct integration; prints JSON.

    {"sigma_pb": ...} is sigma(x > xmin) in pb for e- Pb -> e- Pb Z' (exact tree level, arXiv:1712.05706).
    """
    click.echo(json.dumps(api.cross_section(model, mass_mev=mass_mev, energy_gev=energy_gev, coupling=coupling,
                                            x_min=x_min).row()))


@click.group("cache")
def cache_group() -> None:
    """The disk cache of derived arrays (the shower x cross-section folds, ~1 s each to recompute): where it is
    ($LIMITS_CACHE_DIR, $XDG_CACHE_HOME/limits or ~/.cache/limits; LIMITS_CACHE_DIR=off disables it)."""


@cache_group.command("info")
@click.option("--format", "fmt", type=click.Choice(api.RENDER_FORMATS), default="table", show_default=True,
              help="Output format on stdout. JSON: {directory, enabled, entries, bytes}.")
@api_errors
def cache_info_cmd(fmt: str) -> None:
    """Show the cache's directory, number of entries and size in bytes."""
    click.echo(api.render([api.cache_info()], fmt, header="limits disk cache"), nl=False)


@cache_group.command("clear")
@api_errors
def cache_clear_cmd() -> None:
    """Remove every entry (safe while scans run: they recompute what they miss)."""
    removed = api.clear_cache()
    click.echo(f"removed {removed} files from {api.cache_info()['directory'] or 'the (disabled) cache'}")


@click.group("tables")
def tables_group() -> None:
    """Precomputed physics tables shipped in the package (ETL cross sections, shower track lengths, Compton
    profiles)."""


@tables_group.command("build")
@click.option("--only", type=click.Choice(api.TABLE_KINDS), default="all", show_default=True,
              help="Which table to (re)build.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output directory (default: the package's limits/data/tables).")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Processes for the cross-section integrals (default: all cores). The result does not depend on it.")
@api_errors
def tables_build(only: str, out_dir: str | None, workers: int | None) -> None:
    """Regenerate the tables (~2-3 min on 2 cores) with parameters and checksums recorded beside them."""
    for path in api.build_tables(only, out_dir, workers=workers, progress=progress_enabled()):
        click.echo(str(path))


@tables_group.command("info")
@api_errors
def tables_info() -> None:
    """Show the shipped tables' parameters and verify their checksums."""
    for t in api.table_info():
        click.echo(f"{t['name']}: sha256 {t['sha256'][:16]}... OK; built by limits {t['limits_version']}; "
                   f"parameters {json.dumps(t['parameters'])}")
