"""What an experiment expects to see of a Z': its yield per electron on target in a set-up (bremsstrahlung and
resonant annihilation, the missing-energy cut, the decay factor of PRL 129 Eq. 6), and with an analysis the expected
signal events per run (PRL 129 Eq. 5), as typed tables (:class:`YieldTable`, :class:`YieldSpectrum`) that record the
set-up they were computed in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from limits import constants as C
from limits.analysis.definition import Analysis, get_analysis
from limits.errors import InputError
from limits.frozen import freeze
from limits.io.masses import masses_mev
from limits.physics.models import Model, check_coupling, get_model
from limits.physics.setup import Setup
from limits.physics.widths import MASS_RANGE_MEV
from limits.physics.yields import spectra, yield_per_eot

__all__ = ["YieldSpectrum", "YieldTable", "annihilation_window_mev", "yield_spectrum", "yields"]


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
           mass_mev: str | ArrayLike, coupling: ArrayLike = 1e-4, setup: Setup | None = None,
           **setup_fields: Any) -> YieldTable:
    """Signal yield per EOT vs mass and coupling (bremsstrahlung + resonant annihilation, the missing-energy cut, decays
    beyond the detector counted as invisible); with an analysis also the expected events per run.

    Args:
        model: see :func:`limits.physics.models.get_model`.
        analysis: see :func:`limits.analysis.definition.get_analysis`; its runs fix the set-up, and
            ``signal_events`` is filled.
        mass_mev: Z' masses in MeV (1 keV - 1.2 GeV), broadcast against ``coupling``, or a spec ``"MIN:MAX:N"``.
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
    masses = masses_mev(mass_mev, *MASS_RANGE_MEV)
    try:
        masses, couplings = np.broadcast_arrays(masses, np.asarray(coupling, dtype=float))
    except (TypeError, ValueError):
        raise InputError("coupling", "must be a number or an array of numbers broadcastable against mass_mev") from None
    masses, couplings = masses.ravel(), couplings.ravel()
    for g in np.unique(couplings):
        check_coupling(float(g))
    y = yield_per_eot(m, masses * C.GEV_PER_MEV, couplings, chosen)
    events = None if a is None else a.signal(m, masses, couplings)
    return YieldTable(model=m.name, coupling_symbol=m.coupling_symbol, mass_mev=masses, coupling=couplings,
                      brem_per_eot=y.brem, annihilation_per_eot=y.annihilation, total_per_eot=y.total, setup=chosen,
                      runs=tuple(r.name for r in a.runs) if a else (), signal_events=events)


@dataclass(frozen=True, eq=False)
class YieldSpectrum:
    """dN/dE_Z' per EOT (decay factor included) in bins of the Z' energy, per mass, after and before the cut.

    Attributes:
        model: model name; coupling_symbol: "g" or "epsilon"; mass_mev (n,), coupling (float): the points.
        e_edges_gev: bin edges of E_Z' in GeV, shape (n_bins + 1,): from E_cut to E0, or from a few sigma below E_cut
            when the cut is smeared by the ECAL resolution.
        dn_de_per_gev: events per EOT per GeV that pass the cut, shape (n, n_bins).
        pass_probability: probability to pass the cut in each bin (1 above E_cut and 0 below it without a
            resolution), shape (n_bins,); dn_de_per_gev / pass_probability is the spectrum before the cut.
        setup: the set-up (:class:`~limits.physics.setup.Setup`).
    """

    model: str
    coupling_symbol: str
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


def yield_spectrum(model: str | Mapping[str, Any] | Model, *, mass_mev: str | ArrayLike, coupling: float = 1e-4,
                   setup: Setup | None = None, **setup_fields: Any) -> YieldSpectrum:
    """The Z' energy spectrum behind :func:`yields` (same arguments, one coupling, no analysis)."""
    m = get_model(model)
    masses = masses_mev(mass_mev, *MASS_RANGE_MEV)
    g = check_coupling(coupling)
    chosen = _setup_of(None, setup, setup_fields)
    _, edges, dn_de, p_pass = yield_per_eot(m, masses * C.GEV_PER_MEV, g, chosen, spectrum=True)
    return YieldSpectrum(m.name, m.coupling_symbol, masses, g, edges, dn_de, p_pass, chosen)


def annihilation_window_mev(setup: Setup, lo_mev: float, hi_mev: float) -> np.ndarray:
    """The masses (MeV) inside [lo_mev, hi_mev] at which the set-up's resonant-annihilation spectrum is tabulated
    (0.25 MeV apart across the window, :func:`limits.physics.yields.spectra`): where a curve vs mass must be sampled
    to resolve the resonant peak."""
    nodes = spectra(setup.beam_energy_gev, setup.ecut_gev).ann_mass_gev * C.MEV_PER_GEV
    return np.asarray(nodes[(nodes >= lo_mev) & (nodes <= hi_mev)])
