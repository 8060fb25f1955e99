"""The public API: the whole chain from a Z' model to its NA64 limit as functions returning typed containers of numpy
arrays. ``import limits`` exposes everything listed in ``limits.__all__``; the CLI is a thin layer over these calls.

Units: masses in MeV (``mass_mev``), energies in GeV, lengths in metres, couplings dimensionless (the model's
parameter: g for B-L-type models, epsilon for the dark photon). Bad input raises :class:`~limits.errors.InputError`
(a :class:`~limits.errors.LimitsError`) naming the argument and the allowed range. Nothing is written to disk unless
a function is asked to (``checkpoint_dir``, ``save_scan``, ``write``).

Example:
    >>> import limits
    >>> model = limits.get_model("bl-unbroken")
    >>> w = limits.widths(model, mass_mev=[1.0, 10.0])
    >>> [round(float(b), 4) for b in w.br["invisible"]]     # below 2 m_e: neutrinos only
    [1.0, 0.75]
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from limits import constants as C
from limits.analysis.definition import Analysis, analysis_from_document, builtin_analyses, builtin_pairs
from limits.analysis.definition import get_analysis as _analysis_by_name
from limits.errors import InputError, LimitsError, PublishError
from limits.frozen import freeze
from limits.io.cache import cache_info as _cache_info
from limits.io.cache import clear_cache as _clear_cache
from limits.io.checks import number_in_range
from limits.io.files import atomic_path, check_output_file, directory_lock
from limits.io.masses import check_masses_mev
from limits.io.paths import (
    CHECKPOINTS,
    DARK_MATTER_PNG,
    EXCLUSION_PNG,
    LIMITS_CSV,
    LIMITS_JSON,
    RESULTS_DIR,
    WORKSPACES_DIR,
    figures_dir,
)
from limits.physics.annihilation import ELECTRON_MODELS
from limits.physics.brems import sigma_total
from limits.physics.models import (
    Model,
    builtin_document,
    builtin_names,
    charge_string,
    describe_channels,
    model_from_document,
)
from limits.physics.models import get_model as _model_by_name
from limits.physics.setup import Setup
from limits.physics.widths import MASS_MAX_GEV, MASS_MIN_GEV, decay_widths
from limits.physics.yields import yield_per_eot
from limits.plots.exclusion import plot_dark_matter, plot_exclusion
from limits.plots.papers import figures_for
from limits.publish.export import FORMATS as EXPORT_FORMATS
from limits.publish.export import export_text
from limits.publish.hepdata import write_submission
from limits.reference.compare import Comparison
from limits.reference.compare import compare as _compare
from limits.reference.curves import load_reference, reference_names, references_for
from limits.scan.checkpoints import Checkpoints
from limits.scan.config import ScanConfig
from limits.scan.merge import merge_results
from limits.scan.result import ScanResult, write_outputs
from limits.scan.run import run_scan
from limits.workspace.build import HEPDATA_PLACEHOLDER, Workspaces, build_workspaces

__all__ = ["COUPLING_RANGE", "ELECTRON_MODELS", "MASS_RANGE_MEV", "Setup", "WidthTable", "YieldSpectrum", "YieldTable",
           "builtin_analyses",
           "builtin_jobs", "builtin_models", "builtin_pairs", "cache_info", "clear_cache", "compare", "cross_section",
           "describe_models", "export",
           "finished_scan", "get_analysis", "get_model", "hepdata_record", "merge_scans", "reference_curves",
           "run_and_save", "save_scan", "scan", "widths", "workspaces", "yield_spectrum", "yields"]

MASS_RANGE_MEV = (MASS_MIN_GEV * C.MEV_PER_GEV, MASS_MAX_GEV * C.MEV_PER_GEV)
"""Z' masses the physics covers, MeV."""
COUPLING_RANGE = (0.0, 10.0)
"""Allowed coupling parameter values: (0, 10], dimensionless."""


def builtin_models() -> tuple[str, ...]:
    """Names of the built-in Z' models (``limits models`` lists them with their charges).

    Example:
        >>> builtin_models()[:2]
        ('bl-unbroken', 'bl-broken')
    """
    return builtin_names()


def describe_models(names: Sequence[str] | None = None) -> list[dict[str, str]]:
    """One row per model (default: the built-ins): name, coupling symbol, charges (e mu tau u d s, kinetic mixing
    included), kinetic mixing epsilon/g, invisible channels.

    Example:
        >>> describe_models(["b-3le"])[0]["charges"]
        'e=-3 mu=0 tau=0 u=1/3 d=1/3 s=1/3'
    """
    rows = []
    for name in builtin_names() if names is None else names:
        m = get_model(name)
        charges = " ".join(f"{k}={charge_string(m.charges[k])}" for k in ("e", "mu", "tau", "u", "d", "s"))
        rows.append({"model": m.name, "coupling": m.coupling_symbol, "charges": charges,
                     "mixing": (f"eps/g={m.kinetic_mixing:.4g}" if m.kinetic_mixing else
                                f"eps={m.epsilon:.4g}" if m.epsilon else "-"),
                     "invisible": describe_channels(m)})
    return rows


def get_model(model: str | os.PathLike[str] | Mapping[str, Any] | Model) -> Model:
    """A Z' model: a built-in name, the path of a YAML/JSON model file, a dict in that format
    (``schemas/model.schema.json``), or a :class:`~limits.physics.models.Model` (returned as is).

    Raises:
        InputError: unknown name, unreadable file, or a document that does not follow the schema.

    Example:
        >>> m = get_model({"name": "my-bl", "description": "B-L, Dirac nu", "coupling": {"symbol": "g", "scale": 1},
        ...                "charges": {"e": -1, "mu": -1, "tau": -1, "u": "1/3", "d": "1/3", "s": "1/3"},
        ...                "neutrinos": {"light": "dirac"}})
        >>> m.name, m.charges["u"]
        ('my-bl', 0.3333333333333333)
    """
    if isinstance(model, Model):
        return model
    if isinstance(model, Mapping):
        return model_from_document(model, "model")
    if not isinstance(model, (str, os.PathLike)):
        raise InputError("model", f"a {type(model).__name__} is not a model: give a built-in name "
                                  f"({', '.join(builtin_names())}), a model file's path, a mapping or a Model")
    return _model_by_name(os.fspath(model), field="model")


def get_analysis(analysis: str | os.PathLike[str] | Mapping[str, Any] | Analysis,
                 runs: str | os.PathLike[str] | None = None) -> Analysis:
    """An analysis: a built-in name (``na64-2022``, ``na64-2026``, ...), the path of an analysis file, a dict in that
    format (``schemas/analysis.schema.json``), or an :class:`~limits.analysis.definition.Analysis` (returned as is).

    Args:
        analysis: what to load.
        runs: a run-input file replacing the shipped ``runs.yaml`` (``schemas/runs.schema.json``).

    Example:
        >>> a = get_analysis("na64-2026")
        >>> [r.name for r in a.runs], f"{a.total_eot:.3g}"
        (['I', 'II', 'III', 'IV', 'V'], '9.37e+11')
    """
    if isinstance(analysis, Analysis):
        if runs is not None:
            raise InputError("runs", "give the run inputs with the analysis name or document, not with an Analysis")
        return analysis
    if runs is not None and not isinstance(runs, (str, os.PathLike)):
        raise InputError("runs", f"a {type(runs).__name__} is not a path of a run-input file")
    runs_path = None if runs is None else os.fspath(runs)
    if isinstance(analysis, Mapping):
        return analysis_from_document(analysis, "analysis", None, runs_path)
    if not isinstance(analysis, (str, os.PathLike)):
        raise InputError("analysis", f"a {type(analysis).__name__} is not an analysis: give a built-in name "
                                     f"({', '.join(builtin_analyses())}), an analysis file's path, a mapping or an "
                                     "Analysis")
    return _analysis_by_name(os.fspath(analysis), runs_path, field="analysis")


def _masses(mass_mev: ArrayLike, field: str = "mass_mev") -> np.ndarray:
    return check_masses_mev(mass_mev, *MASS_RANGE_MEV, field=field)


def _coupling(coupling: float, field: str = "coupling") -> float:
    lo, hi = COUPLING_RANGE
    try:
        value = float(coupling)
    except (TypeError, ValueError):
        raise InputError(field, f"must be a number in ({lo:g}, {hi:g}]") from None
    if not (math.isfinite(value) and lo < value <= hi):
        raise InputError(field, f"{value:g} is outside the allowed range ({lo:g}, {hi:g}]")
    return value


@dataclass(frozen=True, eq=False)
class WidthTable:
    """Z' widths, branching fractions and decay lengths vs mass, at one coupling.

    Attributes:
        model: model name; coupling_symbol: "g" or "epsilon".
        mass_mev: masses (MeV), shape (n,).
        coupling: the coupling parameter at which BRs and widths are evaluated (dimensionless).
        total_width_gev: total width in GeV at ``coupling``.
        gamma_over_g2_gev: total width / coupling^2 in GeV (coupling independent without a dark sector).
        br: branching fractions per channel group: ``invisible``, ``ee``, ``mumu``, ``hadrons``.
        ctau_m: proper decay length c*tau in metres at ``coupling``.
        ctau_m_at_g1: c*tau in metres at coupling 1 (scale by 1/coupling^2 without a dark sector).
    """

    model: str
    coupling_symbol: str
    mass_mev: np.ndarray
    coupling: float
    total_width_gev: np.ndarray
    gamma_over_g2_gev: np.ndarray
    br: dict[str, np.ndarray]
    ctau_m: np.ndarray
    ctau_m_at_g1: np.ndarray

    def __post_init__(self) -> None:
        # shared with every caller: read-only (limits.frozen)
        freeze(self)

    def rows(self, with_model: bool = False) -> list[dict[str, Any]]:
        """One row per mass as ``limits widths --format json`` prints it (``model`` first if ``with_model``)."""
        rows = []
        for i, mass in enumerate(self.mass_mev):
            row: dict[str, Any] = {"model": self.model} if with_model else {}
            row.update({"mass_mev": float(mass), "coupling": float(self.coupling),
                        "gamma_over_g2_gev": float(self.gamma_over_g2_gev[i]),
                        "br": {k: float(v[i]) for k, v in self.br.items()},
                        "ctau_m_at_g1": float(self.ctau_m_at_g1[i])})
            rows.append(row)
        return rows


def widths(model: str | Mapping[str, Any] | Model, mass_mev: ArrayLike, coupling: float = 1e-4) -> WidthTable:
    """Total width, branching fractions and proper decay length of the Z' vs mass (:mod:`limits.physics.widths`).

    Args:
        model: see :func:`get_model`.
        mass_mev: Z' masses in MeV (1 keV - 1.2 GeV).
        coupling: coupling parameter (dimensionless, (0, 10]); only models with a dark sector have BRs that depend
            on it (their Z' -> chi chi width is fixed by alpha_D, not by g).
    """
    m = get_model(model)
    masses = _masses(mass_mev)
    g = _coupling(coupling)
    w = decay_widths(m, masses * C.GEV_PER_MEV, g)
    total = w.total_gev
    if not np.all(total > 0):
        stable = masses[~(total > 0)][0]
        raise InputError("model", f"{m.name} has no open decay channel at {stable:g} MeV (no charge the Z' can decay "
                                  "to): its width is 0 and branching fractions are undefined")
    return WidthTable(model=m.name, coupling_symbol=m.coupling_symbol, mass_mev=masses, coupling=g,
                      total_width_gev=total, gamma_over_g2_gev=total / g**2,
                      br={"invisible": w.br_invisible, "ee": w.br("ee"), "mumu": w.br("mumu"),
                          "hadrons": w.br("hadrons")},
                      ctau_m=w.ctau_m, ctau_m_at_g1=decay_widths(m, masses * C.GEV_PER_MEV, 1.0).ctau_m)


def _setup_of(analysis: Analysis | None, setup: Setup | None, changes: Mapping[str, Any]) -> Setup:
    """The set-up of a yields call: the analysis' (its runs must share one), or ``setup`` (default NA64's) with
    ``changes`` applied (validated, :class:`~limits.physics.setup.Setup`)."""
    if analysis is not None:
        if setup is not None or changes:
            raise InputError("analysis", "the analysis fixes the set-up (its runs'); give either the analysis or a "
                                         f"setup ({', '.join(changes) or 'setup'})")
        setups = set(analysis.setups.values())
        if len(setups) > 1:
            raise InputError("analysis", f"the runs of {analysis.name} differ in their set-up (beam energy, cut, "
                                         "L_det or ECAL resolution); compute per-run yields with Analysis.signal")
        (only,) = setups
        return only
    base = Setup() if setup is None else setup
    if not isinstance(base, Setup):
        raise InputError("setup", f"a {type(base).__name__} is not a Setup")
    names = [f.name for f in dataclasses.fields(Setup)]
    unknown = sorted(set(changes) - set(names))
    if unknown:
        raise InputError(unknown[0], f"is not a set-up field (one of {', '.join(names)})")
    try:
        return base.replace(**changes) if changes else base
    except TypeError as exc:  # a field of the wrong kind for the dataclass
        raise InputError("setup", str(exc)) from None


@dataclass(frozen=True, eq=False)
class YieldTable:
    """Signal yield per electron on target (before the selection efficiency) vs mass, and the expected events per run
    when computed for an analysis.

    Attributes:
        model: model name; coupling_symbol: "g" or "epsilon".
        mass_mev, coupling: the points (broadcast), shape (n,).
        brem_per_eot: Z' from bremsstrahlung with E_Z' > E_cut per EOT (all decays).
        annihilation_per_eot: Z' from resonant e+e- annihilation with E_Z' > E_cut per EOT (all decays).
        total_per_eot: both, times the probability to look invisible, BR_inv + (1 - BR_inv) exp(-L_det/L_Z')
            (PRL 129 Eq. 6).
        setup: the set-up they were computed in (beam, cut with the ECAL resolution, L_det, annihilation, atomic
            electrons; :class:`~limits.physics.setup.Setup`).
        runs: run names of the analysis (empty without one).
        signal_events: expected signal events per run, shape (n, n_runs): EOT x efficiency x yield (PRL 129 Eq. 5);
            None without an analysis.
    """

    model: str
    coupling_symbol: str
    mass_mev: np.ndarray
    coupling: np.ndarray
    brem_per_eot: np.ndarray
    annihilation_per_eot: np.ndarray
    total_per_eot: np.ndarray
    setup: Setup
    runs: tuple[str, ...] = ()
    signal_events: np.ndarray | None = None

    def __post_init__(self) -> None:
        # shared with every caller: read-only (limits.frozen)
        freeze(self)

    def rows(self) -> list[dict[str, Any]]:
        """One row per point as ``limits yields --format json`` prints it."""
        return [{"mass_mev": float(m), "coupling": float(c), "yield_brem_per_eot": float(b),
                 "yield_annihilation_per_eot": float(a), "yield_per_eot": float(t)}
                for m, c, b, a, t in zip(self.mass_mev, self.coupling, self.brem_per_eot, self.annihilation_per_eot,
                                         self.total_per_eot)]


def yields(model: str | Mapping[str, Any] | Model, analysis: str | Mapping[str, Any] | Analysis | None = None, *,
           mass_mev: ArrayLike, coupling: ArrayLike = 1e-4, setup: Setup | None = None,
           **setup_fields: Any) -> YieldTable:
    """Signal yield per EOT vs mass and coupling (bremsstrahlung + resonant annihilation, the missing-energy cut, decays
    beyond the detector counted as invisible); with an analysis also the expected events per run.

    Args:
        model: see :func:`get_model`.
        analysis: see :func:`get_analysis`; its runs fix the set-up, and ``signal_events`` is filled.
        mass_mev: Z' masses in MeV (1 keV - 1.2 GeV), broadcast against ``coupling``.
        coupling: coupling parameter(s), dimensionless.
        setup: the set-up (:class:`~limits.physics.setup.Setup`; default NA64's electron beam: 100 GeV, E_Z' > 50 GeV
            on the measured ECAL energy with 10 %/sqrt(E) (+) 4 %, L_det 5.4 m, annihilation on Compton-profile
            electrons); without an analysis.
        **setup_fields: changes to ``setup``, by attribute (``beam_energy_gev=80``, ``ecal_resolution=(0, 0)``,
            ``annihilation=False``, ...); without an analysis.

    Example:
        >>> y = yields("dark-photon", mass_mev=[1.0, 10.0], coupling=1e-4)
        >>> [f"{v:.3g}" for v in y.total_per_eot]           # independent calculation: 1.93e-9, 1.10e-10
        ['1.96e-09', '1.11e-10']
        >>> y.setup.ecut_gev
        50.0
    """
    m = get_model(model)
    a = None if analysis is None else get_analysis(analysis)
    chosen = _setup_of(a, setup, setup_fields)
    try:
        masses, couplings = np.broadcast_arrays(_masses(mass_mev), np.asarray(coupling, dtype=float))
    except (TypeError, ValueError):
        raise InputError("coupling", "must be a number or an array of numbers broadcastable against mass_mev") from None
    masses, couplings = masses.ravel(), couplings.ravel()
    for g in np.unique(couplings):
        _coupling(float(g))
    y = yield_per_eot(m, masses * C.GEV_PER_MEV, couplings, chosen)
    events = None if a is None else a.signal(m, masses, couplings)
    return YieldTable(model=m.name, coupling_symbol=m.coupling_symbol, mass_mev=masses, coupling=couplings,
                      brem_per_eot=y.brem, annihilation_per_eot=y.annihilation, total_per_eot=y.total, setup=chosen,
                      runs=tuple(r.name for r in a.runs) if a else (), signal_events=events)


@dataclass(frozen=True, eq=False)
class YieldSpectrum:
    """dN/dE_Z' per EOT (decay factor included) in bins of the Z' energy, per mass, after and before the cut.

    Attributes:
        model: model name; mass_mev (n,), coupling (float): the points.
        e_edges_gev: bin edges of E_Z' in GeV, shape (n_bins + 1,): from E_cut to E0, or from a few sigma below E_cut
            when the cut is smeared by the ECAL resolution.
        dn_de_per_gev: events per EOT per GeV that pass the cut, shape (n, n_bins).
        pass_probability: probability to pass the cut in each bin (1 above E_cut and 0 below it without a
            resolution), shape (n_bins,); dn_de_per_gev / pass_probability is the spectrum before the cut.
        setup: the set-up (:class:`~limits.physics.setup.Setup`).
    """

    model: str
    mass_mev: np.ndarray
    coupling: float
    e_edges_gev: np.ndarray
    dn_de_per_gev: np.ndarray
    pass_probability: np.ndarray
    setup: Setup

    def __post_init__(self) -> None:
        # shared with every caller: read-only (limits.frozen)
        freeze(self)

    def rows(self) -> list[dict[str, Any]]:
        """One row per (mass, bin) as ``limits yields --spectrum --format json`` prints it."""
        return [{"mass_mev": float(m), "coupling": float(self.coupling), "e_low_gev": float(lo),
                 "e_high_gev": float(hi), "dn_de_per_eot_per_gev": float(v), "pass_probability": float(p)}
                for m, row in zip(self.mass_mev, self.dn_de_per_gev)
                for lo, hi, v, p in zip(self.e_edges_gev[:-1], self.e_edges_gev[1:], row, self.pass_probability)]


def yield_spectrum(model: str | Mapping[str, Any] | Model, *, mass_mev: ArrayLike, coupling: float = 1e-4,
                   setup: Setup | None = None, **setup_fields: Any) -> YieldSpectrum:
    """The Z' energy spectrum behind :func:`yields` (same arguments, one coupling, no analysis)."""
    m = get_model(model)
    masses = _masses(mass_mev)
    g = _coupling(coupling)
    chosen = _setup_of(None, setup, setup_fields)
    _, edges, dn_de, p_pass = yield_per_eot(m, masses * C.GEV_PER_MEV, g, chosen, spectrum=True)
    return YieldSpectrum(m.name, masses, g, edges, dn_de, p_pass, chosen)


def cross_section(model: str | Mapping[str, Any] | Model, *, mass_mev: float, energy_gev: float, coupling: float,
                  x_min: float | None = None) -> float:
    """Exact-tree-level bremsstrahlung cross section sigma(x > x_min) in pb for e- Pb -> e- Pb Z' (arXiv:1712.05706,
    :mod:`limits.physics.brems`), by direct integration; x = E_Z'/E, x_min defaults to the threshold m/E.

    Args:
        model: its electron coupling g|Q_e| sets the normalisation (dark photon: epsilon e, DMG4's convention).
        mass_mev: Z' mass in MeV (1 keV - 1.2 GeV).
        energy_gev: lepton energy in GeV (1-1000, above the mass).
        coupling: coupling parameter (dimensionless).
        x_min: lower limit of x in (0, 1].
    """
    m = get_model(model)
    mass = float(_masses([mass_mev])[0])
    number_in_range("energy_gev", energy_gev, 1.0, 1000.0, "GeV")
    if energy_gev * C.MEV_PER_GEV <= mass:
        raise InputError("energy_gev", f"{energy_gev:g} GeV must exceed the mass {mass:g} MeV")
    g = _coupling(coupling)
    if x_min is not None and not (0.0 < x_min <= 1.0):
        raise InputError("x_min", f"{x_min:g} is outside the allowed range (0, 1]")
    sigma_eps1 = sigma_total(mass * C.GEV_PER_MEV, energy_gev, x_min)
    eps2 = m.electron_coupling(g) ** 2 / (4.0 * np.pi * C.ALPHA_EM)
    return float(sigma_eps1 * eps2 * C.GEV2_TO_PB)


def _analysis_masses(analysis: Analysis, mass_mev: ArrayLike | None) -> np.ndarray:
    masses = analysis.default_masses_mev() if mass_mev is None else check_masses_mev(mass_mev,
                                                                                      *analysis.mass_range_mev)
    analysis.check_masses_mev(masses)
    return masses


def workspaces(analysis: str | Mapping[str, Any] | Analysis, model: str | Mapping[str, Any] | Model,
               mass_mev: ArrayLike | None = None) -> Workspaces:
    """pyhf workspaces: the background-only spec (one single-bin channel per run) and a patchset with one signal
    patch per mass at a reference coupling (``limits.workspace.build``).

    Args:
        analysis: see :func:`get_analysis`.
        model: see :func:`get_model`.
        mass_mev: masses in MeV inside the analysis range (default: its 200-point log grid).

    Returns:
        :class:`~limits.workspace.build.Workspaces` with ``bkg_only`` and ``patchset`` dicts (pyhf 1.0.0 JSON);
        ``pyhf_workspace()`` and ``pyhf_patchset()`` give the pyhf objects.
    """
    a, m = get_analysis(analysis), get_model(model)
    return build_workspaces(a, m, _analysis_masses(a, mass_mev))


def scan(analysis: str | Mapping[str, Any] | Analysis, model: str | Mapping[str, Any] | Model,
         mass_mev: ArrayLike | None = None, *, method: str = "hybrid", cl: float = 0.9, stat_only: bool = False,
         ntoys: int = 10_000, seed: int = 0, grid: bool = False, executor: str = "local",
         checkpoint_dir: str | os.PathLike[str] | None = None, progress: bool = False) -> ScanResult:
    """CLs upper limits on the coupling vs Z' mass: per mass the observed and expected mu_up, inverted to the coupling
    with the full yield (decay factor included), every excluded interval kept.

    Args:
        analysis: see :func:`get_analysis`.
        model: see :func:`get_model`.
        mass_mev: masses in MeV inside the analysis range (default: its 200-point log grid).
        method: ``hybrid`` (CLs with the total count, nuisances integrated; ``exact`` is its old name),
            ``asymptotic`` (q~_mu) or ``toys``.
        cl: confidence level in [0.5, 0.9999].
        stat_only: drop every systematic uncertainty.
        ntoys: toys per hypothesis and mu point (``toys``), in [100, 10^7].
        seed: seed of every random number, recorded in the result.
        grid: also evaluate CLs on the (mass, coupling) grid and extract the contours.
        executor: ``local`` | ``processes:N`` | ``dask:ADDRESS``; results do not depend on it.
        checkpoint_dir: keep per-mass checkpoints there while running (resume after an interruption); removed when
            the scan completes. Default: nothing is written.
        progress: show a progress bar (stderr).

    Example:
        >>> res = scan("na64-2026", "bl-unbroken", mass_mev=[1.0, 10.0])
        >>> res.g_exp.shape, res.status.tolist()
        ((2, 5), ['ok', 'ok'])
        >>> bool(res.g_obs[0] < res.g_obs[1])              # the limit weakens with mass
        True
    """
    a, m = get_analysis(analysis), get_model(model)
    cfg = ScanConfig(analysis=a, model=m, masses_mev=tuple(_analysis_masses(a, mass_mev)), method=method, cl=cl,
                     stat_only=stat_only, ntoys=ntoys, seed=seed, grid=grid)
    directory = None if checkpoint_dir is None else Path(checkpoint_dir)
    result = run_scan(cfg, checkpoint_dir=directory, executor=executor, progress=progress)
    if directory is not None:
        Checkpoints(directory, result.inputs_digest).clear()
    return result


def merge_scans(parts: Sequence[ScanResult | str | os.PathLike[str]], *, runs: str | None = None,
                analysis: str | Mapping[str, Any] | Analysis | None = None,
                model: str | Mapping[str, Any] | Model | None = None) -> ScanResult:
    """Merge scans of one configuration over different masses (e.g. toy scans split across jobs) into the result
    of one scan over their union: identical points, digest and files (:mod:`limits.scan.merge`).

    Args:
        parts: results or paths of their limits.json (or directories).
        runs: the run-input file the parts used, if not the shipped one.
        analysis, model: the analysis and model the parts used, if not the built-ins they name.

    Raises:
        InputError: differing settings, a part not made from these inputs, conflicting points.

    Example:
        >>> a = scan("na64-2026", "bl-unbroken", mass_mev=[1.0])
        >>> b = scan("na64-2026", "bl-unbroken", mass_mev=[10.0])
        >>> merged = merge_scans([a, b])
        >>> merged.to_document() == scan("na64-2026", "bl-unbroken", mass_mev=[1.0, 10.0]).to_document()
        True
    """
    results = [p if isinstance(p, ScanResult) else ScanResult.from_json(Path(p), field="parts") for p in parts]
    if not results:
        raise InputError("parts", "nothing to merge: give at least one result")
    a = get_analysis(results[0].analysis if analysis is None else analysis, runs=runs)
    # the model the parts recorded (its document), unless given: a user model merges without its file
    m = get_model(model if model is not None else results[0].model_document or results[0].model)

    def config_for(part: ScanResult, masses: tuple[float, ...]) -> ScanConfig:
        return ScanConfig(analysis=a, model=m, masses_mev=masses, method=part.method, cl=part.cl,
                          stat_only=part.stat_only, ntoys=part.ntoys or 10_000, seed=part.seed,
                          grid=part.contours is not None)

    return merge_results(results, config_for, field="parts")


def save_scan(result: ScanResult, out_dir: str | os.PathLike[str], plot: bool = True) -> list[Path]:
    """Write a scan's limits.json, limits.csv (cls_grid.json in --grid mode) and, with ``plot``, exclusion.png with the
    published curves of the same analysis and model overlaid, and for a model with a dark sector dark_matter.png (the
    limit as y vs m_chi); the files appear together or not at all. Returns the paths."""
    if not isinstance(result, ScanResult):
        raise InputError("result", f"a {type(result).__name__} is not a ScanResult")
    if not isinstance(out_dir, (str, os.PathLike)):
        raise InputError("out_dir", f"a {type(out_dir).__name__} is not a directory path")
    plots: dict[str, Callable[[ScanResult, Path], None]] = {}
    if plot:
        plots[EXCLUSION_PNG] = _exclusion_plot
        if result.dark_sector is not None:
            plots[DARK_MATTER_PNG] = plot_dark_matter
    return write_outputs(result, Path(out_dir), plots, field="out_dir")


def _exclusion_plot(result: ScanResult, path: Path) -> None:
    plot_exclusion(result, path, references_for(result.analysis, result.model))


def finished_scan(config: ScanConfig, out_dir: str | os.PathLike[str]) -> ScanResult | None:
    """The scan already in ``out_dir`` if it was made from exactly these inputs (same ``inputs_digest``) and its
    files are all there, else None: rerunning a finished scan reuses it."""
    out = Path(out_dir)
    if not all((out / name).is_file() for name in (LIMITS_JSON, LIMITS_CSV, EXCLUSION_PNG)):
        return None
    try:
        result = ScanResult.from_json(out / LIMITS_JSON)
    except LimitsError:
        return None
    return result if result.inputs_digest == config.digest() else None


def run_and_save(config: ScanConfig, out_dir: str | os.PathLike[str], *, executor: str = "local",
                 progress: bool = False, on_start: Callable[[], None] | None = None,
                 notify: Callable[[str], None] | None = None) -> ScanResult:
    """Run a scan with checkpoints under ``out_dir/.checkpoints`` (an interrupted run resumes), write its files
    (:func:`save_scan`), then drop the checkpoints: what ``limits scan`` does for each (analysis, model). The
    directory is locked meanwhile: a second scan into it raises :class:`InputError` (``out_dir``) at once;
    ``on_start`` is called once the lock is held (the CLI prints the destination), ``notify`` with messages to show
    before a long run (:func:`limits.scan.run.run_scan`)."""
    out = Path(out_dir)
    with directory_lock(out, "out_dir"):
        if on_start is not None:
            on_start()
        result = run_scan(config, checkpoint_dir=out / CHECKPOINTS, executor=executor, progress=progress,
                          notify=notify)
        save_scan(result, out)
        Checkpoints(out / CHECKPOINTS, result.inputs_digest).clear()
    return result


def export(result: ScanResult | str | os.PathLike[str], fmt: str = "darkcast",
           path: str | os.PathLike[str] | None = None) -> str:
    """A scan's observed exclusion, every excluded interval (islands included), in a recasting tool's format
    (:mod:`limits.publish.export`): ``darkcast`` (a DarkCast ``.lmt`` file, masses in GeV), ``csv`` or ``yaml``.

    Args:
        result: a scan, or the path of its limits.json (or its directory).
        fmt: one of ``darkcast``, ``csv``, ``yaml``.
        path: also write the text to this file (atomically).

    Returns:
        The text.

    Raises:
        InputError: an unknown format (field ``fmt``), an unreadable result (``result``), an unwritable ``path``.

    Example:
        >>> text = export(scan("na64-2026", "bl-unbroken", mass_mev=[1.0, 10.0]), "darkcast")
        >>> [line.split()[0] for line in text.splitlines() if not line.startswith("#")]  # masses in GeV
        ['1.000000e-03', '1.000000e-02']
    """
    if fmt not in EXPORT_FORMATS:
        raise InputError("fmt", f"'{fmt}' is not one of {', '.join(EXPORT_FORMATS)}")
    if path is not None:
        if not isinstance(path, (str, os.PathLike)):
            raise InputError("path", f"a {type(path).__name__} is not a file path")
        check_output_file(path, "path")
    res = _result(result)
    text = export_text(res, fmt)
    if path is not None:
        with atomic_path(path, field="path") as tmp:
            tmp.write_text(text)
    return text


def _result(result: ScanResult | str | os.PathLike[str]) -> ScanResult:
    """A scan, or the one in a limits.json (or its directory), for the API functions that take either."""
    if isinstance(result, ScanResult):
        return result
    if not isinstance(result, (str, os.PathLike)):
        raise InputError("result", f"a {type(result).__name__} is neither a ScanResult nor the path of a limits.json")
    return ScanResult.from_json(Path(result), field="result")


def hepdata_record(analysis: str | Mapping[str, Any] | Analysis, out_dir: str | os.PathLike[str], *,
                   results_dir: str | os.PathLike[str] = RESULTS_DIR,
                   workspaces_dir: str | os.PathLike[str] = WORKSPACES_DIR, inspire_id: str | None = None,
                   release: bool = False) -> Path:
    """The HEPData record of an analysis (:mod:`limits.publish.hepdata`): one table per model it is published for,
    from the scans in ``results_dir`` and the workspaces in ``workspaces_dir``, the papers' figures found in
    ``results_dir``/figures as resources, validated with hepdata-validator; ``out_dir`` is replaced atomically and
    the upload archive written beside it. Needs the ``[hepdata]`` extra.

    Args:
        analysis: see :func:`get_analysis`.
        out_dir: the record's directory.
        results_dir, workspaces_dir: where the committed scans and workspaces are.
        inspire_id: the record's INSPIRE id (ins + 7 digits), replacing the placeholder in the likelihoods.
        release: refuse a record that would still carry the placeholder id.

    Returns:
        The upload archive, ``<out_dir>.tar.gz``.

    Raises:
        InputError: ``release`` without ``inspire_id``, a malformed id, missing scans or workspaces.
        PublishError: hepdata_lib or hepdata-validator not installed, or the record rejected by the validator.
    """
    if release and inspire_id is None:
        raise InputError("inspire_id", f"required with release (the likelihoods would carry the placeholder "
                                       f"{HEPDATA_PLACEHOLDER})")
    a = get_analysis(analysis)
    results, workspaces_path = Path(results_dir), Path(workspaces_dir)
    figures = [path for name in figures_for(a.name) if (path := figures_dir(results) / name).is_file()]
    try:
        return write_submission(a, Path(out_dir), results_dir=results, workspaces_dir=workspaces_path,
                                figures=figures, inspire_id=inspire_id)
    except ModuleNotFoundError as exc:
        raise PublishError(f"{exc.name} is not installed: pip install 'limits[hepdata]'") from None


def compare(result: ScanResult | str | os.PathLike[str], reference: str, curve: str = "obs",
            force: bool = False) -> Comparison:
    """Ratio of our coupling limit (``curve``: ``obs`` or ``median``) to a published curve vs mass, over the overlap.

    The scan must be of the curve's analysis, model, coupling symbol and confidence level (a ratio of a g limit to an
    epsilon curve, or of 2026 data to a 2022 curve, means nothing); ``force`` compares anyway.

    Args:
        result: a scan, or the path of its limits.json (or its directory).
        reference: a published curve's name (:func:`limits.reference.curves.reference_names`).
        curve: which of our curves.
        force: skip the check that the scan and the curve are of the same thing.

    Raises:
        InputError: an unknown curve, an unreadable result, or (without ``force``) a mismatch, field ``reference``.
    """
    ref = load_reference(reference, field="reference")  # an unknown name fails before any file is read
    res = _result(result)
    if not force:
        mine = {"analysis": res.analysis, "model": res.model, "coupling": res.coupling, "cl": res.cl}
        differ = [f"{k} {mine[k]!r} vs {ref.entry[k]!r}" for k in mine if ref.entry.get(k) != mine[k]]
        # by content: a user model may carry the built-in's name with other charges
        if not differ and res.model_document != builtin_document(res.model):
            differ = [f"model {res.model!r} of the scan is not the built-in {res.model!r} (its document differs"
                      f"{'' if res.model_document is not None else ': the result does not record it'})"]
        if differ:
            raise InputError("reference", f"{reference} is not a curve of this scan ({'; '.join(differ)}); "
                                          "force=True compares anyway")
    return _compare(res, reference, curve)


def cache_info() -> dict[str, Any]:
    """The disk cache of derived arrays (:mod:`limits.io.cache`): ``{"directory", "enabled", "entries", "bytes"}``."""
    return _cache_info()


def clear_cache() -> int:
    """Empty the disk cache (:mod:`limits.io.cache`); returns the number of files removed."""
    return _clear_cache()


def reference_curves() -> list[dict[str, Any]]:
    """The shipped published curves: name, analysis, model, coupling, CL, points and source of each."""
    keys = ("name", "analysis", "model", "coupling", "cl", "points", "source")
    return [{k: load_reference(n).entry.get(k) for k in keys} for n in reference_names()]


def builtin_jobs(analysis: str, model: str, all_builtin: bool, runs: str | None = None) -> list[tuple[Analysis, Model]]:
    """(analysis, model) pairs to process: every built-in analysis x its models if ``all_builtin``, else the one pair.
    Every input is loaded (and validated) before anything is computed."""
    pairs: Sequence[tuple[str, str]] = builtin_pairs() if all_builtin else [(analysis, model)]
    return [(get_analysis(a, runs), get_model(m)) for a, m in pairs]
