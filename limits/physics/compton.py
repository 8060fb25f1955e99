"""Atomic-electron momenta of lead from shell Compton profiles, for resonant annihilation on bound electrons.

In the impulse approximation a bound electron enters e+ e- -> Z' with its momentum component along the positron,
p_z, distributed as the shell's Compton profile J_i(p_z) (normalised to one electron; the method of Arias-Aragon,
Darme, Grilli di Cortona, Nardi, arXiv:2403.15387). The profiles are the relativistic Hartree-Fock ones of Biggs,
Mendelsohn & Mann, At. Data Nucl. Data Tables 16 (1975) 201 (doi:10.1016/0092-640X(75)90030-3), as tabulated by xraylib
(``ComptonProfile_Partial``) for |p_z| <= 100 atomic units; the table shipped in ``limits/data/tables/compton_pb``
is built from them by ``limits tables build --only compton`` (the one place xraylib is needed).

Beyond the tabulated 100 a.u. (373 keV) each profile continues as the s-state asymptote J ~ p_z^-6, matched in value
at 100 a.u.; each shell is then normalised to exactly one electron. Only K (tabulated part 0.906 of an electron) and
L1 (0.975) have a tail that matters; the others integrate to 1 within 0.8 % and the renormalisation absorbs that.
Momenta are in GeV here (1 a.u. = alpha m_e c = 3.7289 keV).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from limits import constants as C

__all__ = ["AU_MOMENTUM_GEV", "TAIL_POWER", "ComptonProfiles", "combined"]

AU_MOMENTUM_GEV = C.ALPHA_EM * C.M_E_GEV
"""One atomic unit of momentum, alpha m_e c, in GeV."""
TAIL_POWER = 6.0
"""J(p_z) ~ p_z^-TAIL_POWER beyond the table: the large-momentum behaviour of an s-state profile (hydrogenic 1s:
J = (8/3 pi p0) (1 + (p/p0)^2)^-3)."""


@dataclass(frozen=True, eq=False)
class ComptonProfiles:
    """Shell Compton profiles of one atom.

    Attributes:
        shells: shell names (K, L1, ... as xraylib numbers them).
        occupancy: electrons per shell (fractional for the spin-orbit-split 6p); sums to Z.
        binding_kev: binding energies in keV (xraylib ``EdgeEnergy``): the bound electron's energy m_e - B_i in
            the resonant annihilation's kinematics (:mod:`limits.physics.annihilation`).
        p_au: the tabulation points of |p_z| in atomic units, from 0 to the table end (100).
        j_au: J_i(|p_z|) per electron in 1/a.u., shape (n_shells, n_p), as tabulated (not yet normalised).
    """

    shells: tuple[str, ...]
    occupancy: np.ndarray
    binding_kev: np.ndarray
    p_au: np.ndarray
    j_au: np.ndarray

    @functools.cached_property
    def _half_cdf(self) -> tuple[np.ndarray, np.ndarray]:
        """Per shell, the normalised integral of J from 0 to each table point (a.u.), and the tail weight beyond."""
        steps = 0.5 * (self.j_au[:, 1:] + self.j_au[:, :-1]) * np.diff(self.p_au)[None, :]
        core = np.concatenate([np.zeros((self.j_au.shape[0], 1)), np.cumsum(steps, axis=1)], axis=1)
        tail = self.j_au[:, -1] * self.p_au[-1] / (TAIL_POWER - 1.0)  # int_{p_end}^inf J_end (p_end/p)^6 dp
        half = core[:, -1] + tail
        return core / half[:, None] / 2.0, tail / half / 2.0  # both halves of the profile: J is even in p_z

    def normalisation(self) -> np.ndarray:
        """Integral of each shell's profile over all p_z: 1 by construction (checks the tail and the normalisation)."""
        core, tail = self._half_cdf
        return np.asarray(2.0 * (core[:, -1] + tail))

    def tabulated_fraction(self) -> np.ndarray:
        """Fraction of each shell's electron inside |p_z| <= the table end, as tabulated (before the tail)."""
        steps = 0.5 * (self.j_au[:, 1:] + self.j_au[:, :-1]) * np.diff(self.p_au)[None, :]
        return np.asarray(2.0 * steps.sum(axis=1))

    def cdf(self, p_z_gev: ArrayLike) -> np.ndarray:
        """P(p_z' < p_z) for every shell: shape (n_shells,) + p_z.shape; p_z in GeV."""
        p = np.asarray(p_z_gev, dtype=float)
        return np.stack([self._shell_cdf(i, p) for i in range(len(self.shells))])

    def shell_cdf(self, p_z_gev: ArrayLike) -> np.ndarray:
        """P(p_z' < p_z) of shell i at ``p_z_gev[i]``: the argument has a leading axis over the shells (each shell
        its own momenta, e.g. shifted by its binding energy); same shape back."""
        p = np.asarray(p_z_gev, dtype=float)
        return np.stack([self._shell_cdf(i, p[i]) for i in range(len(self.shells))])

    def _shell_cdf(self, i: int, p_z_gev: np.ndarray) -> np.ndarray:
        """P(p_z' < p_z) of shell ``i`` alone (p_z in GeV, any shape): the table's integral inside |p_z| <= 100 a.u.,
        the p^-6 tail beyond, J even in p_z. One shell at a time: the annihilation fold asks each shell at its own
        momenta, and evaluating every shell there would cost n_shells times as much."""
        p = p_z_gev / AU_MOMENTUM_GEV
        core, tail = self._half_cdf
        p_end = self.p_au[-1]
        a = np.abs(p)
        inside = np.interp(np.minimum(a, p_end), self.p_au, core[i])
        beyond = np.clip(a / p_end, 1.0, None) ** (1.0 - TAIL_POWER)  # tail fraction left beyond |p|
        half = np.where(a <= p_end, inside, core[i, -1] + tail[i] * (1.0 - beyond))
        return np.asarray(np.where(p >= 0, 0.5 + half, 0.5 - half))

    def mean_kinetic_energy_kev(self) -> np.ndarray:
        """<T> = <p^2>/2m_e per shell in keV, with <p^2> = 3 <p_z^2> (isotropy), non-relativistic: a check against
        the exponential model's mean B_i."""
        p2 = (self.p_au[None, :] ** 2 * self.j_au)
        second = 2.0 * np.sum(0.5 * (p2[:, 1:] + p2[:, :-1]) * np.diff(self.p_au)[None, :], axis=1)
        second /= self.tabulated_fraction()  # <p_z^2> over the tabulated part, per electron
        return np.asarray(3.0 * second * AU_MOMENTUM_GEV**2 / (2.0 * C.M_E_GEV) * 1e6)


def combined(parts: Sequence[tuple[str, ComptonProfiles, float]]) -> ComptonProfiles:
    """The shells of several atoms as one set (the same momentum grid): ``(label, profiles, atoms)`` parts, shell names
    prefixed by the label, occupancies times the number of atoms (e.g. per lead atom of the ECAL)."""
    p = parts[0][1].p_au
    if any(not np.array_equal(prof.p_au, p) for _, prof, _ in parts):
        raise ValueError("profiles on different momentum grids")
    return ComptonProfiles(tuple(f"{label} {s}" for label, prof, _ in parts for s in prof.shells),
                           np.concatenate([prof.occupancy * count for _, prof, count in parts]),
                           np.concatenate([prof.binding_kev for _, prof, _ in parts]), p,
                           np.concatenate([prof.j_au for _, prof, _ in parts]))
