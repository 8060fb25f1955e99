"""Kinetic mixing induced by a loop of two leptons with opposite U(1)' charges (e.g. L_mu - L_tau), and its running.

At momentum transfer q^2 the loop of leptons a (charge +1) and b (charge -1) mixes the Z' with the photon by
(Holdom, PLB 166 (1986) 196; Araki, Kaneko, Ota, Sato, Shimomura, PRD 91, 037301 (2015); NA64, JHEP 07 (2024) 212)

    eps(q^2) = (e g / 2 pi^2) int_0^1 dx x(1 - x) ln[(m_b^2 - x(1 - x) q^2) / (m_a^2 - x(1 - x) q^2)],

which at q^2 = 0 is the constant eps_0 = (e g / 12 pi^2) ln(m_b^2/m_a^2) (0.0144 g for L_mu - L_tau). A Z' that is
produced or decays on its mass shell has q^2 = m^2: eps grows with m (+3.5 % at 100 MeV, +26 % at 200 MeV for
L_mu - L_tau) and becomes complex above the lighter lepton's threshold 2 m_a (the loop's leptons go on shell). With
the vacuum-polarisation integral in closed form (z = q^2/m^2, beta = sqrt(1 - 4/z), q^2 -> q^2 + i0)

    F(z) = int_0^1 dx x(1 - x) ln(1 - x(1 - x) z) = -5/18 - 2/(3z) + (1/6)(1 + 2/z) beta ln((beta + 1)/(beta - 1)),

the ratio to the constant is r(q^2) = eps(q^2)/eps_0 = 1 + 6 [F(q^2/m_b^2) - F(q^2/m_a^2)] / ln(m_b^2/m_a^2); below
|z| = 1e-3 the series F = -z/30 - z^2/280 avoids the cancellation of the closed form.

Units: masses in GeV.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from limits import constants as C

__all__ = ["loop_mixing", "running_ratio", "vacuum_polarisation"]

_SERIES_BELOW = 1e-3


def loop_mixing(a: str, b: str) -> float:
    """eps_0/g at q^2 = 0 of a loop of leptons ``a`` (charge +1) and ``b`` (charge -1): (e/12 pi^2) ln(m_b^2/m_a^2).

    Example:
        >>> round(loop_mixing("mu", "tau"), 5)
        0.01443
    """
    return float(C.E_CHARGE / (12.0 * math.pi**2) * math.log(C.LEPTON_MASS_GEV[b] ** 2 / C.LEPTON_MASS_GEV[a] ** 2))


def vacuum_polarisation(z: ArrayLike) -> np.ndarray:
    """F(z) = int_0^1 x(1 - x) ln(1 - x(1 - x) z) dx for z = q^2/m^2 (real; timelike z > 4 gives the imaginary part
    of q^2 + i0), complex."""
    z = np.asarray(z, dtype=float)
    small = np.abs(z) < _SERIES_BELOW
    zc = np.where(small, 1.0, z).astype(complex) + 1e-300j  # q^2 + i0: above threshold ln(beta - 1) takes -i pi
    beta = np.sqrt(1.0 - 4.0 / zc)
    closed = -5.0 / 18.0 - 2.0 / (3.0 * zc) + (1.0 + 2.0 / zc) * beta * np.log((beta + 1.0) / (beta - 1.0)) / 6.0
    return np.where(small, -z / 30.0 - z**2 / 280.0, closed)


def running_ratio(a: str, b: str, mass_gev: ArrayLike) -> np.ndarray:
    """r = eps(q^2)/eps_0 at q^2 = m^2 for each mass (GeV), complex above 2 m_a.

    Example:
        >>> r = running_ratio("mu", "tau", [0.001, 0.1, 0.2])
        >>> [round(float(abs(v)), 3) for v in r]
        [1.0, 1.035, 1.259]
    """
    q2 = np.asarray(mass_gev, dtype=float) ** 2
    ma2, mb2 = C.LEPTON_MASS_GEV[a] ** 2, C.LEPTON_MASS_GEV[b] ** 2
    return 1.0 + 6.0 * (vacuum_polarisation(q2 / mb2) - vacuum_polarisation(q2 / ma2)) / math.log(mb2 / ma2)
