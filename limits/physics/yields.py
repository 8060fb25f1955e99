"""Signal yield per electron on target: bremsstrahlung (e- and e+) plus resonant annihilation, with the decay factor.

PRL 129 Eqs. 4 and 6 in track-length form (docs/physics.md, "Physics: signal yield per electron on target"):

    dN/dE_Z' = f_Pb n_Pb X0 int dE tau(E) d sigma/dE_Z'(E, E_Z')  +  annihilation,
    N        = int dE_Z' dN/dE_Z' P_inv(E_Z') P_pass(E_Z'),
    P_inv    = BR_inv + (1 - BR_inv) exp(-L_det / L_Z'),   L_Z' = (p/m) c tau,
    P_pass   = Phi((E0 - E_cut - (E0 - E_Z')) / sigma_ECAL(E0 - E_Z'))   (the cut on the measured ECAL energy),

tau the e- + e+ track length per EOT from the shower table, d sigma/dE_Z' the ETL cross section from the table,
f_Pb n_Pb X0 the lead atoms per cm^2 per X0 of the sandwich. Visible decays (e+e-, mu+mu-, and hadrons) beyond
L_det count as invisible: this is Eq. 6 (which names e and mu; hadrons only matter where decays are prompt). P_pass
is the missing-energy cut with the ECAL resolution (:mod:`limits.physics.detector`); without a resolution it is the
step E_Z' > E_cut, and with one the fold starts a few sigma below E_cut.

The fold over the shower is done once per (beam energy, E_cut) on the table's mass nodes, giving the Z' energy
spectrum per EOT per unit electron coupling g_e^2 (``g_e = g |Q_e|``, = eps e for the dark photon) in bins of E_Z';
arbitrary masses interpolate it cubically in ln m. A yield for (model, m, g) is then g_e^2 times that spectrum
weighted by P_inv(m, g, E_Z'): vectorised over any number of (m, g) points.

Units: masses and energies in GeV, lengths in m, yields in events per EOT (before the selection efficiency).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from limits import constants as C
from limits._version import __version__
from limits.frozen import frozen_cache
from limits.io.cache import cache_key, load_arrays, save_arrays
from limits.numerics import CubicSpline
from limits.physics import annihilation
from limits.physics.compton import ComptonProfiles, combined
from limits.physics.models import DarkSector, Model
from limits.physics.muon import MASS_NODES_GEV as MUON_MASS_NODES_GEV
from limits.physics.muon import muon_spectrum_per_gmu2
from limits.physics.setup import Setup
from limits.physics.tables import load_brems, load_compton, load_shower, table_checksums
from limits.physics.widths import dark_sector_width, decay_widths

__all__ = ["EfficiencyWeights", "Spectra", "Yields", "spectra", "yield_per_eot"]


@dataclass(frozen=True)
class Spectra:
    """Z' production spectra per EOT per unit g_e^2 for one (beam energy, E_cut), before the decay factor.

    Attributes:
        beam_energy_gev, ecut_gev: configuration.
        e_min_gev: lowest E_Z' folded (GeV): E_cut, or below it when the cut is smeared by the ECAL resolution.
        e_edges_gev: E_Z' bin edges (GeV) from e_min_gev to the beam energy.
        brem_mass_gev: mass nodes of the bremsstrahlung spectrum; ``brem`` has shape (n_nodes, n_bins).
        ann_mass_gev: mass nodes of the annihilation spectrum (fine, 0.25 MeV); ``ann`` has shape (n_ann, n_bins).
    """

    beam_energy_gev: float
    ecut_gev: float
    e_min_gev: float
    e_edges_gev: np.ndarray
    brem_mass_gev: np.ndarray
    brem: np.ndarray
    ann_mass_gev: np.ndarray
    ann: np.ndarray

    @property
    def e_centres_gev(self) -> np.ndarray:
        """Bin centres in GeV."""
        return 0.5 * (self.e_edges_gev[1:] + self.e_edges_gev[:-1])

    @functools.cached_property
    def _brem_spline(self) -> CubicSpline:
        return CubicSpline(np.log(self.brem_mass_gev), np.log(np.maximum(self.brem, 1e-300)))

    def brem_at(self, mass_gev: np.ndarray) -> np.ndarray:
        """Bremsstrahlung spectrum (n, n_bins) at arbitrary masses inside the table range."""
        return np.exp(self._brem_spline(np.log(mass_gev)))

    def ann_at(self, mass_gev: np.ndarray) -> np.ndarray:
        """Annihilation spectrum (n, n_bins), linear interpolation on the fine grid; 0 outside it."""
        m = np.asarray(mass_gev, dtype=float)
        grid = self.ann_mass_gev
        pos = np.interp(m, grid, np.arange(grid.size), left=-1.0, right=-1.0)
        inside = pos >= 0
        i0 = np.clip(np.floor(pos).astype(int), 0, grid.size - 2)
        frac = (pos - i0)[:, None]
        out = (1 - frac) * self.ann[i0] + frac * self.ann[i0 + 1]
        return np.where(inside[:, None], out, 0.0)


def _tracks_per_gev(beam_energy_gev: float, ecut_gev: float, positron_beam: bool = False):
    """Lepton-energy bins above E_cut and their e-+e+ and e+ track lengths per EOT (X0 per GeV), from the table.

    With a positron beam the primary is a positron: its track length from E0 down joins the shower positrons'. The
    table's shower is charge-symmetric (bremsstrahlung and pair production act alike on e- and e+), so a positron
    primary showers as an electron does; what differs, the primary's annihilation in flight, removes ~2e-4 of it per
    X0 at 10 GeV (Heitler's cross section on lead's electrons) and less above: left out."""
    tab = load_shower()
    edges = tab.y_edges * beam_energy_gev
    keep = edges[1:] > ecut_gev * (1 + 1e-12)
    lo_index = np.argmax(keep)
    e_edges = np.concatenate([[ecut_gev], edges[lo_index + 1:]])
    all_leptons = np.asarray(sum(tab.tracks[s] for s in ("primary", "secondary", "positron")))[lo_index:] \
        / beam_energy_gev
    positrons = np.asarray(tab.tracks["positron"] + (tab.tracks["primary"] if positron_beam else 0.0))[lo_index:] \
        / beam_energy_gev
    return e_edges, all_leptons, positrons


@frozen_cache(1)
def scintillator_profiles() -> ComptonProfiles:
    """The polystyrene scintillator's electrons per lead atom of the ECAL sandwich (10.3: carbon and hydrogen shells,
    (C8H8)n, :data:`limits.constants.SC_ELECTRONS_PER_PB_ATOM`)."""
    ch_units = C.SC_ELECTRONS_PER_PB_ATOM / 7.0  # a CH unit carries 6 + 1 electrons
    return combined([("C", load_compton(name="compton_c"), ch_units), ("H", load_compton(name="compton_h"), ch_units)])


@frozen_cache(1)
def _fold_code_digest() -> str:
    """SHA-256 of the source of the modules the fold depends on: a cached fold never outlives a code change."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for rel in ("constants.py", "physics/annihilation.py", "physics/compton.py", "physics/brems.py",
                "physics/muon.py", "physics/shower.py", "physics/tables.py", "physics/yields.py"):
        h.update((root / rel).read_bytes())
    return h.hexdigest()


@frozen_cache(8)
def spectra(beam_energy_gev: float, ecut_gev: float, e_min_gev: float | None = None,
            electron_model: str = "compton", scintillator: bool = False, beam_particle: str = "e-",
            depth_x0: float = C.ECAL_DEPTH_X0) -> Spectra:
    """Fold the ETL table with the shower table for one configuration (~1 s; cached in memory and on disk,
    :mod:`limits.io.cache`, keyed by the arguments, the tables' checksums and the fold's source code); for a muon
    beam, the muon's own bremsstrahlung spectrum along the target (:mod:`limits.physics.muon`, per unit g_mu^2; no
    annihilation).

    Args:
        beam_energy_gev, ecut_gev: beam energy and the nominal cut E_Z' > E_cut (GeV).
        e_min_gev: lowest Z' energy to fold (default E_cut); lower for a cut smeared by the ECAL resolution.
        electron_model: the atomic electrons' motion in annihilation
            (:data:`limits.physics.annihilation.ELECTRON_MODELS`).
        scintillator: also annihilate on the scintillator's electrons (their Compton profiles, whatever the model of
            lead's electrons).
        beam_particle: ``e-``, ``e+`` (the primary positron annihilates too, from E0 down) or ``mu+``/``mu-``
            (:data:`limits.physics.setup.BEAM_PARTICLES`).
        depth_x0: the target's depth in X0 (muon beams; an e+- shower is the table's 40 X0).
    """
    e_min = float(ecut_gev if e_min_gev is None else e_min_gev)
    muon_beam = beam_particle in ("mu+", "mu-")
    # the fold costs ~1 s; its arrays are kept on disk, keyed by everything they depend on
    key = cache_key("spectra", {"beam_energy_gev": float(beam_energy_gev), "ecut_gev": float(ecut_gev),
                                "e_min_gev": e_min, "electron_model": electron_model,
                                "scintillator": bool(scintillator), "tables": table_checksums(),
                                "code": _fold_code_digest(), "version": __version__, "beam_particle": beam_particle,
                                "depth_x0": float(depth_x0)})
    cached = load_arrays(key)
    if cached is not None:
        return Spectra(beam_energy_gev, ecut_gev, e_min, cached["e_edges"], cached["brem_mass"], cached["brem"],
                       cached["ann_mass"], cached["ann"])
    if muon_beam:
        e_edges, brem = muon_spectrum_per_gmu2(beam_energy_gev, e_min, depth_x0)
        ann_mass = np.array([MUON_MASS_NODES_GEV[0], MUON_MASS_NODES_GEV[-1]])  # no annihilation: zero everywhere
        ann = np.zeros((2, brem.shape[1]))
        save_arrays(key, {"e_edges": e_edges, "brem_mass": MUON_MASS_NODES_GEV, "brem": brem, "ann_mass": ann_mass,
                          "ann": ann})
        return Spectra(beam_energy_gev, ecut_gev, e_min, e_edges, MUON_MASS_NODES_GEV, brem, ann_mass, ann)
    brems = load_brems()
    e_edges, tau_all, tau_pos = _tracks_per_gev(beam_energy_gev, e_min, positron_beam=beam_particle == "e+")
    e_lep = 0.5 * (e_edges[1:] + e_edges[:-1])  # lepton energies, the same bins as E_Z'
    d_e = np.diff(e_edges)
    lo, hi = e_edges[:-1], e_edges[1:]
    # sigma(E_j; a_i/E_j < x < b_i/E_j) for lepton bin j, Z' bin i; x0 >= 1 gives 0
    e_mat = np.broadcast_to(e_lep[None, :], (lo.size, e_lep.size))
    x_lo, x_hi = lo[:, None] / e_lep[None, :], hi[:, None] / e_lep[None, :]
    # per EOT per unit g_e^2: atoms/cm^2/X0 * cm^2/GeV^-2 * (1/e^2: the table is at eps = 1, i.e. g_e = e)
    scale = C.ECAL_PB_FRACTION * C.PB_ATOMS_PER_CM2_PER_X0 * C.GEV2_TO_CM2 / (4.0 * np.pi * C.ALPHA_EM)
    weights = tau_all * d_e  # X0 per EOT in each lepton bin
    brem = np.empty((brems.mass_gev.size, lo.size))
    for k in range(brems.mass_gev.size):
        window = brems.sigma_at_mass_node(k, e_mat, x_lo) - brems.sigma_at_mass_node(k, e_mat, x_hi)
        brem[k] = scale * (np.clip(window, 0.0, None) @ weights)
    # annihilation: fine mass grid around the window E_cut <= m^2/(2 m_e) <= E0, widened for shell motion
    # (s moves by up to +-60 %; the exponential tail of the K-shell kinetic energy reaches further)
    m_lo = np.sqrt(2 * C.M_E_GEV * e_min * 0.25)
    m_hi = np.sqrt(2 * C.M_E_GEV * beam_energy_gev * 2.5)
    ann_mass = np.arange(m_lo, m_hi + 2.5e-4, 2.5e-4)
    ann = annihilation.spectrum_per_ge2(ann_mass, e_edges, tau_pos, electron_model=electron_model,
                                        profiles=load_compton() if electron_model.startswith("compton") else None)
    if scintillator:
        ann = ann + annihilation.spectrum_per_ge2(ann_mass, e_edges, tau_pos, electron_model="compton",
                                                  profiles=scintillator_profiles())
    save_arrays(key, {"e_edges": e_edges, "brem_mass": brems.mass_gev, "brem": brem, "ann_mass": ann_mass, "ann": ann})
    return Spectra(beam_energy_gev, ecut_gev, e_min, e_edges, brems.mass_gev, brem, ann_mass, ann)


@dataclass(frozen=True)
class Yields:
    """Yields per EOT (before the selection efficiency) for arrays of (mass, coupling).

    Attributes:
        mass_gev, coupling: the points (broadcast), coupling being the model's parameter (g or epsilon).
        brem, annihilation: produced Z' that pass the missing-energy cut per EOT (E_Z' > E_cut, or the pass
            probability of the measured ECAL energy), all decays (no decay factor).
        total: sum over both channels of production x P_pass x P_inv(E_Z'): the invisible-signature yield
            (PRL 129 Eq. 6).
        brem_invisible: the bremsstrahlung part of ``total`` (the rest is annihilation).
    """

    mass_gev: np.ndarray
    coupling: np.ndarray
    brem: np.ndarray
    annihilation: np.ndarray
    total: np.ndarray
    brem_invisible: np.ndarray

    def invisible_fraction(self) -> tuple[np.ndarray, np.ndarray]:
        """<P_inv> over the Z' energy spectrum for bremsstrahlung and for annihilation (NaN where there is none):
        what turns a produced yield into the invisible-signature one at these couplings."""
        with np.errstate(divide="ignore", invalid="ignore"):
            brem = np.where(self.brem > 0, self.brem_invisible / self.brem, np.nan)
            ann = np.where(self.annihilation > 0, (self.total - self.brem_invisible) / self.annihilation, np.nan)
        return np.asarray(brem), np.asarray(ann)


_FoldKey = tuple[float, float, float | None, str, bool, str, float]
"""The arguments of :func:`spectra`: beam energy, cut, lowest Z' energy, electron model, scintillator, beam particle,
target depth."""


@frozen_cache(16)
def _finite_width(key: _FoldKey, dark: DarkSector) -> Spectra:
    """:func:`spectra` (arguments ``key``) with the annihilation part spread by the dark sector's Breit-Wigner
    (:func:`limits.physics.annihilation.breit_wigner_matrix`); cached per configuration and dark sector."""
    sp = spectra(*key)
    w = annihilation.breit_wigner_matrix(sp.ann_mass_gev, lambda m: dark_sector_width(dark, m))
    return dataclasses.replace(sp, ann=w @ sp.ann)


class _Decay:
    """The pieces of PRL 129 Eq. 6 for (m, g) rows and E_Z' columns: P_inv = BR_inv + (1 - BR_inv) exp(-L_det/L_Z'),
    with the lab decay length L_Z' = beta gamma c tau = (p/m) c tau, so that L_det/L_Z' = (L_det/c tau) (m/p).

    The second factor depends on the mass and energy only, and a scan repeats each mass at every coupling: it is
    computed once per distinct mass. Where the Z' decays promptly even at the highest energy, exp(-L_det/L_Z')
    underflows to exactly 0 and P_inv = BR_inv on the whole row: the exponential (most of a scan's yield time) is
    evaluated on the other rows (:attr:`rows`) only.
    """

    def __init__(self, model: Model, mass_gev: np.ndarray, coupling: np.ndarray, energy_gev: np.ndarray,
                 l_det_m: float) -> None:
        w = decay_widths(model, mass_gev, coupling)
        # no open channel (e.g. below 2 m_e without invisible ones): the Z' escapes, P_inv = 1
        self.stable = w.total_gev <= 0
        with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 where no channel is open: those rows are stable
            self.br_inv = np.where(self.stable, 1.0, w.br_invisible)
        self.unique, self.inverse = np.unique(mass_gev, return_inverse=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.m_over_p = self.unique[:, None] / np.sqrt(np.clip(energy_gev[None, :] ** 2 - self.unique[:, None] ** 2,
                                                                   0.0, None))
            self.per_ctau = l_det_m / w.ctau_m
        top = np.argmax(energy_gev)
        self.rows = np.nonzero(self.stable | ~(self.per_ctau * self.m_over_p[self.inverse, top] > 746.0))[0]

    def escape(self, rows: np.ndarray) -> np.ndarray:
        """exp(-L_det/L_Z') of ``rows`` (1 where the Z' is stable), shape (rows, energies)."""
        with np.errstate(invalid="ignore"):
            escape = np.exp(-(self.per_ctau[rows, None] * self.m_over_p[self.inverse[rows]]))
        escape[self.stable[rows]] = 1.0
        return escape


_ROW_BLOCK = 2048  # rows of the exponential at a time: (rows x 100 energies) doubles stay in cache (1.6 MB)


def decay_factor(model: Model, mass_gev: np.ndarray, coupling: np.ndarray, energy_gev: np.ndarray,
                 l_det_m: float) -> np.ndarray:
    """P_inv = BR_inv + (1 - BR_inv) exp(-L_det/L_Z') for (m, g) rows and E_Z' columns (PRL 129 Eq. 6), with the lab
    decay length L_Z' = beta gamma c tau = (p/m) c tau."""
    decay = _Decay(model, mass_gev, coupling, energy_gev, l_det_m)
    out = np.repeat(decay.br_inv[:, None], energy_gev.size, axis=1)
    if decay.rows.size:
        br = decay.br_inv[decay.rows, None]
        out[decay.rows] = br + (1.0 - br) * decay.escape(decay.rows)
    return out


def _invisible_sums(decay: _Decay, weights: Sequence[np.ndarray]) -> list[np.ndarray]:
    """sum_E w(m, E) P_inv(m, g, E) for every (m, g) row of ``decay`` and every per-mass weight ``w`` (shape
    (distinct masses, energies), rows in ``decay.unique`` order): BR_inv sum_E w + (1 - BR_inv) sum_E w exp(-L_det/L_Z')
    (PRL 129 Eq. 6 summed over the spectrum). Equal to summing ``w * decay_factor(...)`` to rounding, without the
    (rows x energies) matrices: prompt rows cost one product, the others are summed in cache-sized blocks."""
    sums = [w.sum(axis=1)[decay.inverse] * decay.br_inv for w in weights]
    for start in range(0, decay.rows.size, _ROW_BLOCK):
        rows = decay.rows[start:start + _ROW_BLOCK]
        escape = decay.escape(rows)
        scale = 1.0 - decay.br_inv[rows]
        for total, w in zip(sums, weights):
            total[rows] += scale * np.einsum("ij,ij->i", w[decay.inverse[rows]], escape)
    return sums


EfficiencyWeights = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""An efficiency in mass and Z' energy: (masses (n,) GeV, Z' energies (k,) GeV) -> efficiencies (n, k)."""


def yield_per_eot(model: Model, mass_gev, coupling, setup: Setup | None = None, *, finite_width: bool = True,
                  spectrum: bool = False, efficiency: EfficiencyWeights | None = None):
    """Yields per EOT for every (mass, coupling) pair (arrays broadcast; chunks of 20000 points) in one set-up.

    Args:
        model: the Z' model.
        mass_gev: masses in GeV (1 keV - 1.2 GeV).
        coupling: the model's coupling parameter (g, or epsilon for the dark photon).
        setup: beam energy, missing-energy cut and the ECAL resolution it acts with, decay length, annihilation and
            its atomic-electron model (:class:`~limits.physics.setup.Setup`; default: NA64's electron beam).
        finite_width: spread the annihilation yield of a model with a dark sector by its Breit-Wigner (default); off,
            the narrow-width approximation (for comparisons).
        spectrum: also return the bin edges, dN/dE_Z' (events per EOT per GeV with the decay factor and the pass
            probability) and the pass probability of each bin.
        efficiency: a selection efficiency that depends on the Z' energy as well as the mass (an analyst's table,
            :mod:`limits.analysis.efficiency`), applied in every energy bin with the pass probability; the yields then
            include it (default: none, the efficiency multiplies the yield afterwards).

    Returns:
        :class:`Yields`, or (Yields, e_edges_gev, dn_de, p_pass) when ``spectrum`` is true.
    """
    setup = Setup() if setup is None else setup
    beam_energy_gev, ecut_gev, resolution = setup.beam_energy_gev, setup.ecut_gev, setup.cut_resolution
    electron_model, scintillator_electrons = setup.electron_momenta, setup.scintillator_electrons
    m, c = np.broadcast_arrays(np.atleast_1d(np.asarray(mass_gev, float)), np.atleast_1d(np.asarray(coupling, float)))
    m, c = m.ravel(), c.ravel()
    beam = (setup.beam_particle, float(setup.target_depth_x0))
    if resolution.is_perfect:
        key: _FoldKey = (float(beam_energy_gev), float(ecut_gev), None, electron_model, bool(scintillator_electrons),
                         *beam)
        sp = spectra(*key)
        p_pass = np.ones(sp.e_centres_gev.size)
    else:
        e_min = resolution.lowest_zprime_energy_gev(beam_energy_gev=beam_energy_gev, ecut_gev=ecut_gev)
        if not setup.is_muon:  # the fold needs lepton energies inside the ETL table and the shower table's range
            e_min = max(e_min, float(load_brems().energy_gev[0]), float(load_shower().y_edges[0]) * beam_energy_gev)
        key = (float(beam_energy_gev), float(ecut_gev), round(e_min, 6), electron_model, bool(scintillator_electrons),
               *beam)
        sp = spectra(*key)
        p_pass = resolution.bin_pass_probability(sp.e_edges_gev, beam_energy_gev=beam_energy_gev, ecut_gev=ecut_gev)
    if setup.annihilation and finite_width and model.dark is not None:
        # finite width: the dark sector's Gamma/m (0.35 % for a complex scalar chi, 3 % for a Dirac chi at alpha_D =
        # 0.1, m = 3 m_chi) is not negligible; the SM part of the width, ~g^2/(12 pi) m ~ 1e-10 m at the couplings
        # NA64 probes, is left out of the line shape (without a dark sector the narrow width is exact)
        sp = _finite_width(key, model.dark)
    # production goes with the beam lepton's coupling: g_e (= eps e for the dark photon) for e+-, g_mu for muons
    ge2 = model.fermion_coupling(setup.lepton, c, m) ** 2  # of the on-shell Z' (a loop mixing at q^2 = m^2)
    brem, ann, total, brem_inv = np.empty(m.size), np.empty(m.size), np.empty(m.size), np.empty(m.size)
    dn = np.empty((m.size, sp.e_centres_gev.size)) if spectrum else None
    for s in range(0, m.size, 20_000):
        sl = slice(s, s + 20_000)
        if dn is not None:
            # the spectra depend on the mass only: interpolate once per distinct mass (coupling scans repeat masses)
            unique, inverse = np.unique(m[sl], return_inverse=True)
            weight = p_pass if efficiency is None else p_pass * efficiency(unique, sp.e_centres_gev)
            b = (sp.brem_at(unique) * weight)[inverse]
            a = (sp.ann_at(unique) * weight)[inverse] if setup.annihilation else np.zeros_like(b)
            p_inv = decay_factor(model, m[sl], c[sl], sp.e_centres_gev, setup.l_det_m)
            brem[sl] = ge2[sl] * b.sum(axis=1)
            ann[sl] = ge2[sl] * a.sum(axis=1)
            weighted = ge2[sl, None] * (a + b) * p_inv
            total[sl] = weighted.sum(axis=1)
            brem_inv[sl] = ge2[sl] * (b * p_inv).sum(axis=1)
            dn[sl] = weighted / np.diff(sp.e_edges_gev)
            continue
        # the sums only: over the distinct masses' spectra, without (points x energies) matrices
        decay = _Decay(model, m[sl], c[sl], sp.e_centres_gev, setup.l_det_m)
        weight = p_pass if efficiency is None else p_pass * efficiency(decay.unique, sp.e_centres_gev)
        b = sp.brem_at(decay.unique) * weight
        a = sp.ann_at(decay.unique) * weight if setup.annihilation else np.zeros_like(b)
        brem[sl] = ge2[sl] * b.sum(axis=1)[decay.inverse]
        ann[sl] = ge2[sl] * a.sum(axis=1)[decay.inverse]
        invisible, brem_invisible = _invisible_sums(decay, (a + b, b))
        total[sl] = ge2[sl] * invisible
        brem_inv[sl] = ge2[sl] * brem_invisible
    result = Yields(m, c, brem, ann, total, brem_inv)
    return (result, sp.e_edges_gev, dn, p_pass) if spectrum else result
