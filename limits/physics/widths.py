"""Z' partial widths, total width, branching fractions and decay lengths.

Tree level, kinetic mixing zero (as NA64's B-L papers and DarkCast, arXiv:1801.04847; docs/physics.md, "Physics:
widths and branching fractions"). With alpha' = g^2/(4 pi), r_X = m_X^2/m^2 and beta_X = sqrt(1 - 4 r_X):

- charged lepton:          (alpha'/3) Q_l^2 m (1 + 2 r_l) beta_l                 PRL 129 Eq. 2; arXiv:2606.17320 Eq. A5
- light nu, Dirac:         (alpha'/3) Q_nu^2 m per flavour (B-L: Gamma_inv = alpha' m)                PRL 129, text
- light nu, Majorana nu_L: (alpha'/6) Q_nu^2 m per flavour
- heavy Majorana N:        (alpha'/6) Q_N^2 m beta_N^3 per N                                          PRL 129 Eq. 3
- complex scalar chi:      (alpha_D/12) m beta_chi^3                                        arXiv:2606.17320 Eq. A6
- Dirac fermion chi:       (alpha_D/3) m (1 + 2 r_chi) beta_chi
- hadrons:                 (alpha'/3) m R_Z'(m), DarkCast's data-driven R ratios by current (``limits.physics.hadrons``)

Invisible = light neutrinos + heavy N + dark sector. Visible decays beyond the detector are not counted here: that is
production's job (PRL 129 Eq. 6) and uses the total width and decay length from this module.

Units: masses and widths in GeV; lengths in metres; couplings dimensionless (the model's coupling parameter: g, or
epsilon for the dark photon).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from limits import constants as C
from limits.errors import InputError
from limits.frozen import freeze
from limits.io.masses import masses_mev
from limits.physics import hadrons
from limits.physics.models import LEPTONS, DarkSector, Model, check_coupling, get_model

__all__ = [
    "MASS_MIN_GEV",
    "MASS_MAX_GEV",
    "MASS_RANGE_MEV",
    "WidthTable",
    "refine_resonances_mev",
    "widths",
    "CHANNELS",
    "INVISIBLE_CHANNELS",
    "DecayWidths",
    "decay_widths",
]

#: Validity range of the width calculation (1 keV - 1.2 GeV): the hadronic R-ratio table ends at 1.25 GeV.
MASS_MIN_GEV = 1e-6
MASS_MAX_GEV = 1.2
MASS_RANGE_MEV = (MASS_MIN_GEV * C.MEV_PER_GEV, MASS_MAX_GEV * C.MEV_PER_GEV)
"""Z' masses the physics covers, MeV."""

CHANNELS = ("nunu", "NN", "dark", "ee", "mumu", "tautau", "hadrons")
INVISIBLE_CHANNELS = ("nunu", "NN", "dark")
_LEPTON_CHANNEL = {"e": "ee", "mu": "mumu", "tau": "tautau"}


def _fermion_factor(r: np.ndarray) -> np.ndarray:
    """(1 + 2r) sqrt(1 - 4r) for a vector decaying to a fermion pair, r = m_f^2/m^2; 0 below threshold."""
    return np.where(r < 0.25, (1.0 + 2.0 * r) * np.sqrt(np.clip(1.0 - 4.0 * r, 0.0, None)), 0.0)


def _scalar_factor(r: np.ndarray) -> np.ndarray:
    """beta^3 = (1 - 4r)^(3/2) for a vector decaying to a scalar pair; also the Majorana-N P-wave factor."""
    return np.clip(1.0 - 4.0 * r, 0.0, None) ** 1.5


def reduced_widths(model: Model, mass_gev: np.ndarray) -> dict[str, np.ndarray]:
    """Partial widths per unit squared gauge coupling, Gamma/g^2 in GeV, for the channels that scale as g^2.

    The dark-sector width does not scale with g (alpha_D is fixed) and is returned by :func:`dark_width`.
    """
    m = np.asarray(mass_gev, dtype=float)
    unit = m / (12.0 * np.pi)  # (alpha'/3) m per g^2
    charges = model.charges_at(m)  # a loop-induced mixing at q^2 = m^2
    out: dict[str, np.ndarray] = {}
    for flavour in LEPTONS:
        r = (C.LEPTON_MASS_GEV[flavour] / m) ** 2
        out[_LEPTON_CHANNEL[flavour]] = unit * charges[flavour] ** 2 * _fermion_factor(r)
    nu_factor = 1.0 if model.light_nu == "dirac" else 0.5
    out["nunu"] = unit * nu_factor * sum(model.nu_charges[f] ** 2 for f in LEPTONS) * np.ones_like(m)
    if model.heavy_n_charges:
        beta3 = _scalar_factor(np.full_like(m, model.heavy_n_mass_ratio**2))
        out["NN"] = unit * 0.5 * sum(q**2 for q in model.heavy_n_charges) * beta3
    else:
        out["NN"] = np.zeros_like(m)
    # the quark weights at q^2 = 0, scaled by a loop mixing's running where the quarks' charges are all mixing (their
    # ratios then do not run): exact for every built-in model (Model.charges_at)
    quarks = ("u", "d", "s")
    running = np.ones_like(m)
    if model.mixing_loop:
        at_zero = model.charges["u"]
        running = np.where(at_zero != 0, charges["u"] / at_zero, 1.0) ** 2 \
            if all(model.charges[q] == model.kinetic_mixing * C.E_CHARGE * C.EM_CHARGE[q] for q in quarks) else running
    out["hadrons"] = unit * running * hadrons.r_ratio_data(
        m, hadrons.current_weights(model.charges["u"], model.charges["d"], model.charges["s"])
    )
    return out


def dark_width(model: Model, mass_gev: np.ndarray) -> np.ndarray:
    """Gamma(Z' -> chi chi) in GeV (0 without a dark sector); independent of the SM coupling."""
    m = np.asarray(mass_gev, dtype=float)
    if model.dark is None:
        return np.zeros_like(m)
    return dark_sector_width(model.dark, m)


def dark_sector_width(dark: DarkSector, mass_gev: ArrayLike) -> np.ndarray:
    """Gamma(Z' -> chi chi) in GeV of a Z' of mass ``mass_gev`` (GeV) with m_chi = m/mass_ratio: complex scalar
    (alpha_D/12) m beta^3 (arXiv:2606.17320 Eq. A6), Dirac fermion (alpha_D/3) m (1 + 2r) beta."""
    m = np.asarray(mass_gev, dtype=float)
    r = np.full_like(m, 1.0 / dark.mass_ratio**2)  # m_chi^2 / m^2
    if dark.particle == "complex_scalar":
        return np.asarray(dark.alpha_d / 12.0 * m * _scalar_factor(r))
    return np.asarray(dark.alpha_d / 3.0 * m * _fermion_factor(r))


@dataclass(frozen=True)
class DecayWidths:
    """Partial widths of a Z' at given masses and couplings (arrays broadcast together).

    Attributes:
        mass_gev: Z' mass in GeV.
        coupling: the model's coupling parameter (g, or epsilon for the dark photon).
        partial_gev: partial width in GeV per channel of :data:`CHANNELS`.
    """

    mass_gev: np.ndarray
    coupling: np.ndarray
    partial_gev: dict[str, np.ndarray]

    @property
    def total_gev(self) -> np.ndarray:
        """Total width in GeV."""
        return np.asarray(sum(self.partial_gev.values()))

    def br(self, channel: str) -> np.ndarray:
        """Branching fraction of one channel of :data:`CHANNELS`."""
        return self.partial_gev[channel] / self.total_gev

    @property
    def br_invisible(self) -> np.ndarray:
        """Invisible branching fraction: light neutrinos + heavy N + dark sector."""
        return sum(self.partial_gev[c] for c in INVISIBLE_CHANNELS) / self.total_gev

    @property
    def ctau_m(self) -> np.ndarray:
        """Proper decay length c*tau = hbar c / Gamma_tot in metres."""
        return C.HBARC_M_GEV / self.total_gev

    def decay_length_m(self, energy_gev) -> np.ndarray:
        """Lab-frame mean decay length (p/m) c tau in metres for a Z' of total energy ``energy_gev`` (GeV)."""
        e = np.asarray(energy_gev, dtype=float)
        p = np.sqrt(np.clip(e**2 - self.mass_gev**2, 0.0, None))
        return p / self.mass_gev * self.ctau_m


_MEMO: dict[tuple[str, bytes], dict[str, np.ndarray]] = {}


def _reduced_memo(model: Model, mass_gev: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`reduced_widths`, remembered for small mass arrays: a scan inverts each mass with a few calls at one
    mass, and the hadronic width costs a table interpolation a call."""
    if mass_gev.size > 64:
        return reduced_widths(model, mass_gev)
    key = (repr(model), mass_gev.tobytes())
    if key not in _MEMO:
        if len(_MEMO) > 20_000:
            _MEMO.clear()
        _MEMO[key] = freeze(reduced_widths(model, mass_gev))  # shared by later calls: read-only
    return _MEMO[key]


def decay_widths(model: Model, mass_gev, coupling) -> DecayWidths:
    """All partial widths of ``model`` at ``mass_gev`` (GeV) and coupling parameter ``coupling``.

    Args:
        model: the Z' model.
        mass_gev: Z' mass(es) in GeV, valid in [MASS_MIN_GEV, MASS_MAX_GEV].
        coupling: coupling parameter(s) (g; epsilon for the dark photon), broadcast against ``mass_gev``.
    """
    m, c = np.broadcast_arrays(np.asarray(mass_gev, dtype=float), np.asarray(coupling, dtype=float))
    g = model.gauge_coupling(c)
    # the reduced widths depend on the mass only: once per distinct mass (a coupling scan repeats each mass)
    unique, inverse = np.unique(m, return_inverse=True)

    def reduced(mod: Model) -> dict[str, np.ndarray]:
        return {name: w[inverse].reshape(m.shape) for name, w in _reduced_memo(mod, unique).items()}

    own = reduced(model)
    partial = {name: g**2 * w for name, w in own.items()}
    if model.epsilon:
        # couplings g Q_f + eps e Q_em,f: every width is a quadratic form in (g, eps) (leptons, and hadrons through
        # the R ratio, quadratic in the current's overlaps, which are linear in the quark couplings), so
        # Gamma = g^2 A + 2 g eps B + eps^2 C with 2B = Gamma(Q + e Q_em) - A - C per unit coupling (polarisation)
        eps = model.epsilon
        mixed, photon = reduced(model.plus_photon_like()), reduced(model.photon_like())
        partial = {name: partial[name] + g * eps * (mixed[name] - own[name] - photon[name]) + eps**2 * photon[name]
                   for name in partial}
    partial["dark"] = dark_width(model, m)
    return DecayWidths(mass_gev=m, coupling=c, partial_gev={k: partial[k] for k in CHANNELS})


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
        coupling_dependent_br: the branching fractions depend on the coupling (a dark sector, whose width is fixed
            by alpha_D, not by g).
    """

    model: str
    coupling_symbol: str
    mass_mev: np.ndarray
    coupling: float
    total_width_gev: np.ndarray
    gamma_over_g2_gev: np.ndarray
    br: Mapping[str, np.ndarray]
    ctau_m: np.ndarray
    ctau_m_at_g1: np.ndarray
    coupling_dependent_br: bool = False

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


def refine_resonances_mev(mass_mev: np.ndarray, half_width: float = 8.0, points: int = 161) -> np.ndarray:
    """``mass_mev`` plus dense points within +-``half_width`` widths of the omega and phi, where inside the range.

    A log grid of a few hundred points steps over the 8.7 MeV omega and 4.2 MeV phi; with these points the
    branching-fraction dips are resolved at their true depth (what the figures need).
    """
    m = np.asarray(mass_mev, dtype=float)
    lo, hi = m.min(), m.max()
    extra = [m]
    for meson in (C.OMEGA, C.PHI):
        window = C.MEV_PER_GEV * np.linspace(meson.mass_gev - half_width * meson.width_gev,
                                             meson.mass_gev + half_width * meson.width_gev, points)
        extra.append(window[(window >= lo) & (window <= hi)])
    union = np.unique(np.concatenate(extra))
    # one mass per 6-significant-digit label (the rule every mass list follows, limits.io.masses)
    _, first = np.unique([f"{x:.6g}" for x in union], return_index=True)
    return union[np.sort(first)]


def widths(model: str | Mapping[str, Any] | Model, mass_mev: str | ArrayLike, coupling: float = 1e-4, *,
           resolve_resonances: bool = False) -> WidthTable:
    """Total width, branching fractions and proper decay length of the Z' vs mass (:mod:`limits.physics.widths`).

    Args:
        model: see :func:`limits.physics.models.get_model`.
        mass_mev: Z' masses in MeV (1 keV - 1.2 GeV), or a spec ``"m1,m2"`` / ``"MIN:MAX:N"``.
        coupling: coupling parameter (dimensionless, (0, 10]); only models with a dark sector have BRs that depend
            on it (their Z' -> chi chi width is fixed by alpha_D, not by g).
        resolve_resonances: add dense masses across the omega and phi (:func:`refine_resonances_mev`), for figures.
    """
    m = get_model(model)
    masses = masses_mev(mass_mev, *MASS_RANGE_MEV)
    if resolve_resonances:
        masses = masses_mev(refine_resonances_mev(masses), *MASS_RANGE_MEV)
    g = check_coupling(coupling)
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
                      ctau_m=w.ctau_m, ctau_m_at_g1=decay_widths(m, masses * C.GEV_PER_MEV, 1.0).ctau_m,
                      coupling_dependent_br=m.dark is not None)
