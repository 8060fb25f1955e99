"""Resonant annihilation e+ e- -> Z' of shower positrons on lead's atomic electrons, narrow-width approximation.

The Breit-Wigner of arXiv:2606.17320 Eq. A1 integrated over a line of width Gamma/m ~ 1e-10 (derivation and checks:
docs/physics.md, "Resonant annihilation"). For a positron of energy E+ on an electron of energy E_m, momentum p_m
at angle theta_e, w = E_m - p_m cos(theta_e), s = 2 m_e^2 + 2 E+ w, and per target electron

    int sigma dE+ = 6 pi^2 Gamma_ee / (m E_m) = (pi/2) g_e^2 (1 + 2 r_e) beta_e / E_m      (g_e = g |Q_e|)

at E+ = E_R(w) = (m^2 - 2 m_e^2)/(2 w) (Moller flux factor w/E_m included). Per EOT

    N_ann = f_Pb n_Pb X0 (hbar c)^2 (pi/2) g_e^2 (1 + 2 r_e) beta_e sum_shells n_i < tau+(E_R(w)) / E_m >_i,

with tau+ the positron track length (X0/GeV) and the shell average over the electrons' motion, one of
:data:`ELECTRON_MODELS`:

- ``compton`` (default): the impulse approximation with each shell's Compton profile J_i(p_z)
  (:mod:`limits.physics.compton`; relativistic Hartree-Fock, Biggs et al. 1975) and its binding energy B_i: the
  struck electron has energy E_m = m_e - B_i and momentum p_z along the positron, w = m_e - B_i - p_z, so the
  resonance of shell i at p_z = 0 sits at E_R = (m^2 - 2 m_e^2)/(2 (m_e - B_i)), 21 % above the free electron's for
  lead's K shell (B = 88.0 keV), 3 % for L1 (15.9 keV); the probability that E_R falls in an energy bin is a
  difference of the profile's cumulative distribution (after Arias-Aragon, Darme, Grilli di Cortona, Nardi,
  arXiv:2403.15387, who use the profiles without binding). The off-shell electron's E_m^2 - p^2 differs from m_e^2
  by < 1e-6 of m^2 in s and is left out. The default because it is the measured physics of lead's electrons:
  sum_i n_i <T_i> = 518 keV, against 356 keV for the exponential model, which underestimates the outer shells'
  momenta by factors 2-20.
- ``compton-unbound``: the same profiles with the electrons' energy m_e (w = m_e - p_z, E_m = m_e): the previous
  default, kept for comparison.
- ``exponential``: DMG4 >= 2.4's electron-motion model, kept for comparison with NA64's simulation: kinetic energy T
  exponential with mean the binding energy B_i (Gauss-Laguerre), direction isotropic (done exactly: w is uniform on
  [E_m - p_m, E_m + p_m], so the probability that E_R falls in an energy bin is an interval overlap). Unlike DMG4 we
  keep the Moller flux factor w/E_m (<= 7 % at 222 MeV).
- ``free``: every electron free and at rest (w = E_m = m_e): the free-electron window E_cut <= E_R <= E0, i.e.
  226-320 MeV for 50-100 GeV.

The Z' takes the positron's energy, E_Z' = E_R, where the decay factor is then applied (PRL 129 Eq. 6).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from limits import constants as C
from limits.physics.compton import ComptonProfiles

__all__ = ["ELECTRON_MODELS", "breit_wigner_matrix", "spectrum_per_ge2"]

ELECTRON_MODELS = ("compton", "compton-unbound", "exponential", "free")
"""Models of the atomic electrons' motion in resonant annihilation (see the module docstring)."""


def _laguerre(n: int) -> tuple[np.ndarray, np.ndarray]:
    nodes, weights = np.polynomial.laguerre.laggauss(n)
    return nodes, weights


def spectrum_per_ge2(mass_gev: np.ndarray, e_edges_gev: np.ndarray, tau_pos: np.ndarray, *,
                     electron_model: str = "compton", profiles: ComptonProfiles | None = None,
                     n_laguerre: int = 24) -> np.ndarray:
    """Annihilation Z' yield per EOT per unit g_e^2, in bins of E_Z' (= E_R), before the decay factor.

    Args:
        mass_gev: Z' masses (GeV), shape (n,).
        e_edges_gev: E_Z' bin edges (GeV), shape (k + 1,); the positron track-length bins.
        tau_pos: positron track length per EOT in each bin, X0 per GeV (shape (k,)), lead share not yet applied.
        electron_model: one of :data:`ELECTRON_MODELS`.
        profiles: the shell Compton profiles (``compton``; :func:`limits.physics.tables.load_compton`).
        n_laguerre: Gauss-Laguerre nodes for each shell's kinetic-energy average (``exponential``).

    Returns:
        Array (n, k): events per EOT per unit g_e^2 with E_Z' in each bin.
    """
    m = np.atleast_1d(np.asarray(mass_gev, dtype=float))
    me = C.M_E_GEV
    a = m**2 - 2.0 * me**2  # E_R = a / (2 w)
    r = (me / m) ** 2
    lepton_factor = np.where(r < 0.25, (1 + 2 * r) * np.sqrt(np.clip(1 - 4 * r, 0, None)), 0.0)
    norm = C.ECAL_PB_FRACTION * C.PB_ATOMS_PER_CM2_PER_X0 * C.GEV2_TO_CM2 * np.pi / 2.0 * lepton_factor
    lo_e, hi_e = e_edges_gev[:-1], e_edges_gev[1:]
    out = np.zeros((m.size, lo_e.size))
    if electron_model not in ELECTRON_MODELS:
        raise ValueError(f"electron_model {electron_model!r} is not one of {', '.join(ELECTRON_MODELS)}")
    if electron_model in ("compton", "compton-unbound"):
        if profiles is None:
            raise ValueError("the compton electron model needs the shell profiles")
        # the struck electron's energy: m_e - B_i (bound), or m_e
        binding = profiles.binding_kev * 1e-6 if electron_model == "compton" else np.zeros(len(profiles.shells))
        e_m = (me - binding)[:, None, None]  # (n_shells, 1, 1)
        # p_z = E_m - w; E_R in [lo, hi] <=> w in [a/(2 hi), a/(2 lo)] <=> p_z in [E_m - a/(2 lo), E_m - a/(2 hi)]
        p_lo = e_m - (a[:, None] / (2.0 * lo_e[None, :]))[None]
        p_hi = e_m - (a[:, None] / (2.0 * hi_e[None, :]))[None]
        prob = profiles.shell_cdf(p_hi) - profiles.shell_cdf(p_lo)  # (n_shells, n, k)
        out = np.einsum("s,snk,k->nk", profiles.occupancy / e_m[:, 0, 0], prob, tau_pos)  # Moller flux 1/E_m
        return out * norm[:, None]
    if electron_model == "free":
        e_r = a / (2.0 * me)
        idx = np.searchsorted(e_edges_gev, e_r, side="right") - 1
        ok = (idx >= 0) & (idx < lo_e.size)
        # free electrons at rest: E_m = m_e, all Z electrons
        out[np.nonzero(ok)[0], idx[ok]] = C.PB_Z * tau_pos[idx[ok]] / me
        return out * norm[:, None]
    xi, wk = _laguerre(n_laguerre)
    for _, b_kev, occupancy in C.PB_SHELLS_KEV:
        t_kin = b_kev * 1e-6 * xi  # GeV
        e_m = me + t_kin
        p_m = np.sqrt(t_kin**2 + 2.0 * me * t_kin)
        w_lo, w_hi = e_m - p_m, e_m + p_m  # (n_T,)
        # w interval that maps into each energy bin: [a/(2 hi), a/(2 lo)]
        bin_w_lo = a[:, None] / (2.0 * hi_e[None, :])  # (n, k)
        bin_w_hi = a[:, None] / (2.0 * lo_e[None, :])
        overlap = (np.minimum(bin_w_hi[:, :, None], w_hi) - np.maximum(bin_w_lo[:, :, None], w_lo)).clip(0.0)
        prob = overlap / (2.0 * p_m)  # (n, k, n_T): P(E_R in bin | T)
        out += occupancy * np.einsum("nkt,t,k->nk", prob, wk / e_m, tau_pos)
    return out * norm[:, None]


def breit_wigner_matrix(mass_gev: np.ndarray, width_gev: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """The finite-width line shape as a matrix on a mass grid: N_BW(m_i) = sum_j W_ij N_narrow(m_j).

    The resonance of arXiv:2606.17320 Eq. A1 with s-dependent widths,

        sigma(s) = 12 pi Gamma_ee(sqrt s) Gamma(sqrt s) / [(s - m^2)^2 + m^2 Gamma(m)^2],

    Gamma_X(sqrt s) the width of a Z' of mass sqrt(s). Since Gamma_ee grows as sqrt(s), this is Eq. A1's
    12 pi (s/m^2) Gamma_ee Gamma / [...] with the final-state phase space taken at s; it is also DMG4's dark-photon
    annihilation cross section, 4 pi alpha eps^2 alpha_D (q/sqrt s)(s - 4q^2/3)/[...] for a Dirac chi
    (DMG4: Bondi et al., CPC 269 (2021) 108129, arXiv:2101.12192). The narrow-width yield at mass M is
    N_narrow(M) = [int sigma ds]_M x (the kinematic factor at s = M^2), with int sigma ds = 12 pi^2 Gamma_ee(M)/M, so

        N_BW(m) = int ds w(s) N_narrow(sqrt s),   w(s) = sqrt(s) Gamma(sqrt s) / (pi [(s - m^2)^2 + m^2 Gamma(m)^2]),

    and int w ds -> 1 as Gamma -> 0. On the grid node j stands for the cell between the midpoints (in s) to its
    neighbours: the Lorentzian is integrated exactly over the cell (arctan), the slowly varying factor
    sqrt(s) Gamma(sqrt s)/(m Gamma(m)) taken at the node. As Gamma -> 0, W -> the identity (the narrow width).

    Args:
        mass_gev: the (increasing) mass grid, GeV.
        width_gev: total width in GeV as a function of mass (vectorised); constant in the coupling (the dark sector).

    Returns:
        W, shape (n, n).
    """
    m = np.asarray(mass_gev, dtype=float)
    s = m**2
    mid = 0.5 * (s[1:] + s[:-1])
    s_lo = np.concatenate([[s[0] - (mid[0] - s[0])], mid])
    s_hi = np.concatenate([mid, [s[-1] + (s[-1] - mid[-1])]])
    gamma = np.asarray(width_gev(m), dtype=float)
    m_gamma = m * gamma  # (n,): m_i Gamma(m_i)
    with np.errstate(divide="ignore", invalid="ignore"):
        upper = np.arctan((s_hi[None, :] - s[:, None]) / m_gamma[:, None])
        lower = np.arctan((s_lo[None, :] - s[:, None]) / m_gamma[:, None])
        factor = (m[None, :] * gamma[None, :]) / m_gamma[:, None]
    w = (upper - lower) / np.pi * factor
    narrow = ~(m_gamma > 0)
    w[narrow] = np.eye(m.size)[narrow]
    return w
