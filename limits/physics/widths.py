"""Z' partial widths, total width, branching fractions and decay lengths.

Tree level, kinetic mixing zero (as NA64's B-L papers and DarkCast, arXiv:1801.04847; docs/physics.md, "Physics:
widths and branching fractions"). With alpha' = g^2/(4 pi), r_X = m_X^2/m^2 and beta_X = sqrt(1 - 4 r_X):

- charged lepton:          (alpha'/3) Q_l^2 m (1 + 2 r_l) beta_l                 PRL 129 Eq. 2; arXiv:2606.17320 Eq. A5
- light nu, Dirac:         (alpha'/3) Q_nu^2 m per flavour (B-L: Gamma_inv = alpha' m)                PRL 129, text
- light nu, Majorana nu_L: (alpha'/6) Q_nu^2 m per flavour
- heavy Majorana N:        (alpha'/6) Q_N^2 m beta_N^3 per N                                          PRL 129 Eq. 3
- complex scalar chi:      (alpha_D/12) m beta_chi^3                                        arXiv:2606.17320 Eq. A6
- Dirac fermion chi:       (alpha_D/3) m (1 + 2 r_chi) beta_chi
- hadrons:                 (alpha'/3) m R_Z'(m), vector-meson dominance (``limits.physics.hadrons``)

Invisible = light neutrinos + heavy N + dark sector. Visible decays beyond the detector are not counted here: that is
production's job (PRL 129 Eq. 6) and uses the total width and decay length from this module.

Units: masses and widths in GeV; lengths in metres; couplings dimensionless (the model's coupling parameter: g, or
epsilon for the dark photon).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from limits import constants as C
from limits.frozen import freeze
from limits.physics import hadrons
from limits.physics.models import LEPTONS, DarkSector, Model

__all__ = [
    "MASS_MIN_GEV",
    "MASS_MAX_GEV",
    "CHANNELS",
    "INVISIBLE_CHANNELS",
    "DecayWidths",
    "decay_widths",
]

#: Validity range of the width calculation (1 keV - 1.2 GeV): VMD hadrons end at 1.2 GeV.
MASS_MIN_GEV = 1e-6
MASS_MAX_GEV = 1.2

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
    out: dict[str, np.ndarray] = {}
    for flavour in LEPTONS:
        r = (C.LEPTON_MASS_GEV[flavour] / m) ** 2
        out[_LEPTON_CHANNEL[flavour]] = unit * model.charges[flavour] ** 2 * _fermion_factor(r)
    nu_factor = 1.0 if model.light_nu == "dirac" else 0.5
    out["nunu"] = unit * nu_factor * sum(model.nu_charges[f] ** 2 for f in LEPTONS) * np.ones_like(m)
    if model.heavy_n_charges:
        beta3 = _scalar_factor(np.full_like(m, model.heavy_n_mass_ratio**2))
        out["NN"] = unit * 0.5 * sum(q**2 for q in model.heavy_n_charges) * beta3
    else:
        out["NN"] = np.zeros_like(m)
    out["hadrons"] = unit * hadrons.r_ratio_total(
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
    mass, and the VMD hadronic width costs ~1 ms a call."""
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
        # the amplitudes of the VMD current, linear in the quark couplings), so
        # Gamma = g^2 A + 2 g eps B + eps^2 C with 2B = Gamma(Q + e Q_em) - A - C per unit coupling (polarisation)
        eps = model.epsilon
        mixed, photon = reduced(model.plus_photon_like()), reduced(model.photon_like())
        partial = {name: partial[name] + g * eps * (mixed[name] - own[name] - photon[name]) + eps**2 * photon[name]
                   for name in partial}
    partial["dark"] = dark_width(model, m)
    return DecayWidths(mass_gev=m, coupling=c, partial_gev={k: partial[k] for k in CHANNELS})
