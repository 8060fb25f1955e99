"""Detector response at the missing-energy cut: the ECAL energy resolution.

NA64 selects events on the *measured* ECAL energy, E_ECAL < E_thr with E_thr = E0 - E_cut (PRL 129: E_ECAL < 50 GeV at
E0 = 100 GeV), and the ECAL resolution is sigma_E/E = a/sqrt(E[GeV]) (+) b, about 10 %/sqrt(E) (+) 4 %
(arXiv:2606.17320, detector section). A Z' of energy E_Z' leaves E_ECAL = E0 - E_Z' in the calorimeter and passes
with probability

    P(E_Z') = Phi((E_thr - (E0 - E_Z')) / sigma(E0 - E_Z')),      sigma(E) = sqrt(a^2 E + b^2 E^2)

(docs/physics.md, "The missing-energy cut"), Phi the standard normal CDF. As sigma -> 0 this is the step E_Z' > E_cut.
Z' below the nominal cut now pass sometimes, so the yield fold must extend below E_cut
(:meth:`EcalResolution.lowest_zprime_energy_gev`). For bremsstrahlung the effect is below 1 %; at the low edge of the
resonant-annihilation window, where E_R = m^2/2m_e sits just below E_cut, it is a factor of about two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from limits.numerics import normal_cdf

__all__ = ["EcalResolution"]


@dataclass(frozen=True)
class EcalResolution:
    """ECAL energy resolution sigma_E/E = a/sqrt(E[GeV]) (+) b, and the beam-energy spread the cut also sees.

    Attributes:
        stochastic: a, in GeV^(1/2) (0.10 for NA64's ECAL).
        constant: b, dimensionless (0.04).
        beam_spread_gev: the beam energy's Gaussian spread sigma_E0 in GeV (0 by default), added in quadrature.

    Example:
        >>> res = EcalResolution(0.10, 0.04)
        >>> round(float(res.sigma_gev(50.0)), 3)          # 50 sqrt(0.1^2/50 + 0.04^2) GeV
        2.121
        >>> res.pass_probability([48.0, 50.0, 56.0], beam_energy_gev=100.0, ecut_gev=50.0).round(3).tolist()
        [0.182, 0.5, 0.999]
    """

    stochastic: float
    constant: float
    beam_spread_gev: float = 0.0

    def __post_init__(self) -> None:
        if not (self.stochastic >= 0 and self.constant >= 0 and self.beam_spread_gev >= 0):
            raise ValueError("resolution terms must be >= 0")

    @property
    def is_perfect(self) -> bool:
        """True for sigma = 0: the cut acts on the true energy."""
        return self.stochastic == 0 and self.constant == 0 and self.beam_spread_gev == 0

    def sigma_gev(self, energy_gev: ArrayLike) -> np.ndarray:
        """sigma in GeV of the cut variable at ECAL energy ``energy_gev`` (GeV, >= 0): sigma_E, and the beam-energy
        spread in quadrature (``beam_spread_gev``: the event's E_ECAL = E0 - E_Z' moves with its true beam energy
        while the threshold on E_ECAL is fixed; the production spectrum's own dependence on E0 averages out to
        second order in the spread)."""
        e = np.clip(np.asarray(energy_gev, dtype=float), 0.0, None)
        return np.asarray(np.sqrt(self.stochastic**2 * e + (self.constant * e) ** 2 + self.beam_spread_gev**2))

    def pass_probability(self, zprime_energy_gev: ArrayLike, *, beam_energy_gev: float,
                         ecut_gev: float) -> np.ndarray:
        """Probability that a Z' of energy E_Z' (GeV) passes E_ECAL < E0 - E_cut with the measured E_ECAL."""
        e_zp = np.asarray(zprime_energy_gev, dtype=float)
        e_ecal = beam_energy_gev - e_zp
        threshold = beam_energy_gev - ecut_gev
        if self.is_perfect:
            return np.asarray(np.where(e_ecal < threshold, 1.0, 0.0))
        sigma = self.sigma_gev(e_ecal)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(sigma > 0, (threshold - e_ecal) / sigma, np.where(e_ecal < threshold, np.inf, -np.inf))
        return normal_cdf(z)

    def bin_pass_probability(self, edges_gev: ArrayLike, *, beam_energy_gev: float, ecut_gev: float,
                             nodes: int = 8) -> np.ndarray:
        """Pass probability averaged over each E_Z' bin (edges in GeV; Gauss-Legendre, ``nodes`` per bin): the weight
        of a binned spectrum, exact for a spectrum flat within the bin."""
        edges = np.asarray(edges_gev, dtype=float)
        x, w = np.polynomial.legendre.leggauss(nodes)
        lo, hi = edges[:-1, None], edges[1:, None]
        points = 0.5 * (hi - lo) * x[None, :] + 0.5 * (hi + lo)
        p = self.pass_probability(points, beam_energy_gev=beam_energy_gev, ecut_gev=ecut_gev)
        return np.asarray(p @ w / 2.0)

    def lowest_zprime_energy_gev(self, *, beam_energy_gev: float, ecut_gev: float, n_sigma: float = 6.0) -> float:
        """E_Z' below which the pass probability is below Phi(-n_sigma) (~1e-9 for 6): the lower end of the fold."""
        if self.is_perfect:
            return float(ecut_gev)
        threshold = beam_energy_gev - ecut_gev
        e_ecal = threshold  # solve E = threshold + n sigma(E) by fixed-point iteration (sigma grows slowly with E)
        for _ in range(50):
            e_ecal = threshold + n_sigma * float(self.sigma_gev(e_ecal))
        return float(max(beam_energy_gev - e_ecal, 0.0)) if math.isfinite(e_ecal) else 0.0
