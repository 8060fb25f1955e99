"""Resonant annihilation e+ e- -> Z' of shower positrons on lead's atomic electrons, narrow-width approximation.

``../shared/physics/production.md`` §4 (the Breit-Wigner of arXiv:2606.17320 Eq. A1 integrated over a line of width
Gamma/m ~ 1e-10). For a positron of energy E+ on an electron of energy E_m, momentum p_m at angle theta_e,
w = E_m - p_m cos(theta_e), s = 2 m_e^2 + 2 E+ w, and per target electron

    int sigma dE+ = 6 pi^2 Gamma_ee / (m E_m) = (pi/2) g_e^2 (1 + 2 r_e) beta_e / E_m      (g_e = g |Q_e|)

at E+ = E_R(w) = (m^2 - 2 m_e^2)/(2 w) (Moller flux factor w/E_m included). Per EOT

    N_ann = f_Pb n_Pb X0 (hbar c)^2 (pi/2) g_e^2 (1 + 2 r_e) beta_e sum_shells n_i < tau+(E_R(w)) / E_m >_i,

with tau+ the positron track length (X0/GeV) and the shell average over the DMG4 >= 2.4 electron-motion model:
kinetic energy T exponential with mean the binding energy B_i (Gauss-Laguerre), direction isotropic (done exactly:
w is uniform on [E_m - p_m, E_m + p_m], so the probability that E_R falls in an energy bin is an interval overlap).
The Z' takes the positron's energy, E_Z' = E_R, where the decay factor is then applied (PRL 129 Eq. 6).
With ``shells=False`` every electron is free and at rest (w = E_m = m_e): the free-electron window
E_cut <= E_R <= E0, i.e. 226-320 MeV for 50-100 GeV.
"""

from __future__ import annotations

import numpy as np

from limits import constants as C

__all__ = ["spectrum_per_ge2"]


def _laguerre(n: int) -> tuple[np.ndarray, np.ndarray]:
    nodes, weights = np.polynomial.laguerre.laggauss(n)
    return nodes, weights


def spectrum_per_ge2(mass_gev: np.ndarray, e_edges_gev: np.ndarray, tau_pos: np.ndarray, *, shells: bool = True,
                     n_laguerre: int = 24) -> np.ndarray:
    """Annihilation Z' yield per EOT per unit g_e^2, in bins of E_Z' (= E_R), before the decay factor.

    Args:
        mass_gev: Z' masses (GeV), shape (n,).
        e_edges_gev: E_Z' bin edges (GeV), shape (k + 1,); the positron track-length bins.
        tau_pos: positron track length per EOT in each bin, X0 per GeV (shape (k,)), lead share not yet applied.
        shells: average over lead's atomic shells (default) or take free electrons at rest.
        n_laguerre: Gauss-Laguerre nodes for each shell's kinetic-energy average.

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
    if not shells:
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
