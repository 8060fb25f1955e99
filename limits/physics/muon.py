"""Z' bremsstrahlung of a muon beam, mu N -> mu N Z', in the active target: the Z' energy spectrum per muon on target.

A muon does not shower: it crosses the target (NA64's Pb/Sc ECAL, or any depth of that sandwich) with its beam energy
and radiates the Z' itself, so the yield is the cross section times the lead atoms along its path (NA64mu, PRL 132,
211803 (2024), arXiv:2401.01708; Gninenko, Krasnikov, Matveev, PRD 91, 095015 (2015)):

    dN/dE_Z' = f_Pb n_Pb X0 D  d sigma/dE_Z'(E0, E_Z'),       per muon on target, D the depth in X0,

with d sigma/dx the exact-tree-level cross section of :mod:`limits.physics.brems` with the muon's mass kept
(``m_lepton = m_mu``: the same squared amplitude, Liu, McKeen, Miller, PRD 95, 036010 (2017); Kirpichnikov,
Sieber et al., PRD 104, 076012 (2021), arXiv:2107.13297, use it for NA64mu). Approximations, each small and stated:

- the muon keeps its energy through the target: in 22.5 cm of lead (255 g/cm^2) a 160 GeV muon loses ~0.4 GeV by
  ionisation and ~0.4 GeV on average by radiation (PDG: muon critical energy in lead 141 GeV, b ~ 1e-5 cm^2/g), ~0.5 %
  of E0, and the cross section above a fixed Z' energy changes by less than that;
- only lead radiates: the scintillator's carbon and hydrogen add sum(n Z^2) ~ 0.8 % of lead's per layer (1.5 mm
  of polystyrene against 1.5 mm of lead), left out (as the electron-beam fold does);
- no annihilation: a muon makes no shower positrons (its knock-on electrons and pairs are soft).

The spectrum is tabulated in bins of E_Z' from the lowest energy the cut needs to E0 on a grid of masses, per unit
g_mu^2 (the Z' coupling to the muon, :meth:`limits.physics.models.Model.fermion_coupling`), in the
:class:`~limits.physics.yields.Spectra` layout the yields read; it is cached on disk like the electron fold.

Units: energies and masses in GeV, yields per muon on target.
"""

from __future__ import annotations

import numpy as np

from limits import constants as C
from limits.physics import brems

__all__ = ["MASS_NODES_GEV", "N_ENERGY_BINS", "muon_spectrum_per_gmu2"]

MASS_NODES_GEV = np.geomspace(1e-6, 1.25, 43)
"""Mass nodes of the muon spectrum: 1 keV to 1.25 GeV, 7 per decade (the cross section is smooth in ln m; a cubic
spline through them interpolates to ~1e-4, tested)."""
N_ENERGY_BINS = 40
_GAUSS_X, _GAUSS_W = np.polynomial.legendre.leggauss(6)


def _bin_integrals(mass_gev: float, energy_gev: float, x_edges: np.ndarray) -> np.ndarray:
    """int d sigma/dx dx over each x bin (GeV^-2 per lead atom at coupling e): 6-point Gauss-Legendre in ln(1 - x)
    per bin (the spectrum of a heavy Z' rises steeply towards x -> 1), the last bin ending where the scattered muon
    comes to rest, 1 - x = m_mu/E."""
    omx_end = C.M_MU_GEV / energy_gev
    lo = np.log(np.maximum(1.0 - x_edges[1:], omx_end))  # ln(1 - x) at each bin's upper x edge
    hi = np.log(np.maximum(1.0 - x_edges[:-1], omx_end))
    half, mid = 0.5 * (hi - lo), 0.5 * (hi + lo)
    omx = np.exp(mid[:, None] + half[:, None] * _GAUSS_X[None, :])  # (bins, nodes)
    x = 1.0 - omx
    allowed = x > brems.x_threshold(mass_gev, energy_gev)
    values = np.zeros(omx.shape)
    if allowed.any():
        values[allowed] = brems.dsigma_dx(mass_gev, energy_gev, x[allowed], m_lepton=C.M_MU_GEV,
                                          n_theta=20, n_t=10)  # 3.5e-6 of the converged quadrature
    return (values * omx * _GAUSS_W[None, :]).sum(axis=1) * half


def muon_spectrum_per_gmu2(beam_energy_gev: float, e_min_gev: float, depth_x0: float,
                           mass_gev: np.ndarray = MASS_NODES_GEV) -> tuple[np.ndarray, np.ndarray]:
    """The Z' energy spectrum per muon on target per unit g_mu^2, in bins of E_Z'.

    Args:
        beam_energy_gev: the muon's energy E0 (GeV).
        e_min_gev: the lowest Z' energy (GeV), E0 minus the largest scattered-muon energy the selection keeps.
        depth_x0: the target's depth in radiation lengths of the Pb/Sc sandwich.
        mass_gev: the masses (GeV).

    Returns:
        (e_edges_gev (N_ENERGY_BINS + 1,), spectrum (masses, bins)): expected Z' per muon per unit g_mu^2 in each bin.
    """
    e_edges = np.linspace(e_min_gev, beam_energy_gev, N_ENERGY_BINS + 1)
    x_edges = e_edges / beam_energy_gev
    # lead atoms per cm^2 along the path, x cm^2 per GeV^-2, / e^2: the ETL cross section is at coupling e
    scale = (C.ECAL_PB_FRACTION * C.PB_ATOMS_PER_CM2_PER_X0 * depth_x0 * C.GEV2_TO_CM2
             / (4.0 * np.pi * C.ALPHA_EM))
    out = np.array([scale * _bin_integrals(float(m), beam_energy_gev, x_edges) for m in np.atleast_1d(mass_gev)])
    return e_edges, out
