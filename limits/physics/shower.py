"""Electromagnetic-shower track lengths in lead: a seeded 1-D Monte Carlo and Tsai's analytic primary distribution.

The Monte Carlo (docs/physics.md, "Thick target") follows e+-, and photons per X0 of lead with complete
screening (Tsai, RMP 46, 815 (1974); PDG "Passage of particles through matter"):

- bremsstrahlung  dN/(dt dy) = (1/y)[(4/3 + c9)(1 - y) + y^2],  y = k/E >= y_soft, c9 = 0.0325 for Pb
  (the energy lost to y < y_soft = 1e-5, (4/3) y_soft per X0, is neglected);
- pair production dN/(dt du) = 1 - (4/3) u (1 - u),  u = E+/k  (7/9 per X0);
- no ionisation, multiple scattering or LPM (irrelevant above 30 GeV).

With only these processes the shower is scale invariant, so the result is tabulated in y = E/E0 and serves every beam
energy: tau(E) = f(E/E0)/E0. It records the differential track length, in X0 per unit y per primary, of the primary
e-, the secondary e- and the e+ separately, for y > ``y_min``. Depth is limited to the ECAL's 40 X0.

Tsai's primary distribution (Tsai, RMP 46, 815 (1974)) I_e(E0, E, t) = [ln(E0/E)]^(bt - 1)/(E0 Gamma(bt)),
b = 4/3, gives the primary track length analytically; it is the validation reference (it runs ~2 % above the
exact-spectrum MC).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from limits import constants as C
from limits.io.progress import progress_bar

__all__ = ["ShowerTable", "c9_lead", "simulate", "tsai_primary_tracklength"]

SPECIES = ("primary", "secondary", "positron")


def c9_lead(z: int = C.PB_Z) -> float:
    """The 1/9 term of complete-screening bremsstrahlung, (Z^2 + Z)/{9 [Z^2 (L_rad - f(Z)) + Z L'_rad]} (~0.0325 Pb)."""
    l_rad = math.log(184.15 * z ** (-1.0 / 3.0))
    l_rad_p = math.log(1194.0 * z ** (-2.0 / 3.0))
    a = z / 137.035999084
    a2 = a * a
    f_z = a2 * (1.0 / (1.0 + a2) + 0.20206 - 0.0369 * a2 + 0.0083 * a2**2 - 0.002 * a2**3)  # Coulomb correction
    return (z * z + z) / (9.0 * (z * z * (l_rad - f_z) + z * l_rad_p))


@dataclass(frozen=True)
class ShowerTable:
    """Differential track lengths per primary, in X0 per unit y = E/E0, on bins of y.

    Attributes:
        y_edges: bin edges in y (dimensionless), covering [y_min, 1].
        tracks: mapping species ("primary", "secondary", "positron") -> X0 per unit y in each bin.
        errors: the Monte Carlo standard errors of ``tracks``, same units.
        n_primaries, seed, y_soft, depth_x0: generation parameters.
    """

    y_edges: np.ndarray
    tracks: dict[str, np.ndarray]
    errors: dict[str, np.ndarray]
    n_primaries: int
    seed: int
    y_soft: float
    depth_x0: float

    def integral_x0(self, species: str, y_above: float) -> float:
        """Track length (X0) of one species above y = E/E0 = ``y_above`` (partial bins counted pro rata)."""
        lo, hi = self.y_edges[:-1], self.y_edges[1:]
        frac = np.clip((hi - np.maximum(lo, y_above)) / (hi - lo), 0.0, 1.0)
        return float(np.sum(self.tracks[species] * (hi - lo) * frac))


def _spectrum(spectrum: str, c9: float):
    """(y * dN/(dt dy) as a function of y, its maximum on [0, 1]) for a bremsstrahlung spectrum per X0.

    "complete_screening": (4/3 + c9)(1 - y) + y^2 (Tsai 1974; PDG).
    "tsai": (4/3) y / (-ln(1 - y)), the spectrum for which Tsai's gamma-process primary distribution is exact
    (Levy measure b e^-u/u in u = -ln(1 - y)); used to validate the Monte Carlo against the analytic formula.
    """
    if spectrum == "complete_screening":
        return (lambda y: (4.0 / 3.0 + c9) * (1.0 - y) + y * y), 4.0 / 3.0 + c9
    if spectrum == "tsai":
        return (lambda y: 4.0 / 3.0 * y / -np.log1p(-np.minimum(y, 1.0 - 1e-16))), 4.0 / 3.0
    raise ValueError(f"unknown bremsstrahlung spectrum {spectrum!r}")


def _sample_brems_y(rng: np.random.Generator, n: int, y_soft: float, shape, bound: float) -> np.ndarray:
    """Photon energy fractions y on [y_soft, 1] from shape(y)/y (1/y proposal, rejection against ``bound``)."""
    out = np.empty(n)
    todo = np.arange(n)
    while todo.size:
        y = y_soft ** rng.random(todo.size)
        keep = rng.random(todo.size) * bound <= shape(y)
        out[todo[keep]] = y[keep]
        todo = todo[~keep]
    return out


def _sample_pair_u(rng: np.random.Generator, n: int) -> np.ndarray:
    """Positron energy fractions u from 1 - (4/3) u (1 - u) on [0, 1] (uniform proposal, rejection)."""
    out = np.empty(n)
    todo = np.arange(n)
    while todo.size:
        u = rng.random(todo.size)
        keep = rng.random(todo.size) <= 1.0 - 4.0 / 3.0 * u * (1.0 - u)
        out[todo[keep]] = u[keep]
        todo = todo[~keep]
    return out


def simulate(n_primaries: int = 400_000, seed: int = 1, *, y_min: float = 0.1, n_bins: int = 180,
             y_soft: float = 1e-5, depth_x0: float = 40.0, batch: int = 10_000,
             spectrum: str = "complete_screening", progress: bool = False) -> ShowerTable:
    """Run the 1-D shower Monte Carlo; return track lengths per primary above y_min, in X0 per unit y.

    Args:
        n_primaries: number of primary electrons.
        seed: seed of numpy's PCG64 generator; batch k uses ``SeedSequence(seed).spawn(...)[k]``, so the result
            depends only on (n_primaries, seed, batch), not on the machine. Errors come from the spread of the
            batch means.
        y_min: lowest E/E0 followed (leptons and photons below it are dropped).
        n_bins: bins of y between y_min and 1.
        y_soft: smallest sampled photon fraction k/E.
        depth_x0: target depth in X0.
        batch: primaries per vectorised batch (at least 10 batches are needed for the errors).
        spectrum: "complete_screening" (physics) or "tsai" (validation against :func:`tsai_primary_tracklength`).
        progress: show a progress bar over the batches (tqdm, stderr).
    """
    shape, bound = _spectrum(spectrum, c9_lead())
    # photons per X0 with y > y_soft: int shape(y)/y dy in ln y
    ln_y, w_ln = np.polynomial.legendre.leggauss(200)
    y_nodes = np.exp(0.5 * math.log(y_soft) * (1.0 - ln_y))
    rate_brems = float(0.5 * -math.log(y_soft) * np.sum(w_ln * shape(y_nodes)))
    rate_pair = 7.0 / 9.0
    edges = np.linspace(y_min, 1.0, n_bins + 1)
    n_batches = (n_primaries + batch - 1) // batch
    per_batch = {s: np.zeros((n_batches, n_bins)) for s in SPECIES}
    sizes = np.zeros(n_batches)
    bar = progress_bar(n_batches, "shower batches", progress, unit="batch")
    for b_index, child in enumerate(bar(np.random.SeedSequence(seed).spawn(n_batches))):
        n = min(batch, n_primaries - b_index * batch)
        sizes[b_index] = n
        rng = np.random.default_rng(child)
        energy = np.ones(n)  # in units of E0
        depth = np.zeros(n)  # X0
        kind = np.zeros(n, dtype=np.int64)  # index into SPECIES
        while energy.size:
            step = rng.exponential(1.0 / rate_brems, energy.size)
            length = np.minimum(step, depth_x0 - depth)
            bins = np.minimum(((energy - y_min) / (1.0 - y_min) * n_bins).astype(np.int64), n_bins - 1)
            flat = np.bincount(kind * n_bins + bins, weights=length, minlength=len(SPECIES) * n_bins)
            for k, s in enumerate(SPECIES):
                per_batch[s][b_index] += flat[k * n_bins:(k + 1) * n_bins]
            depth = depth + step
            alive = depth < depth_x0
            y = _sample_brems_y(rng, energy.size, y_soft, shape, bound)
            photon = energy * y
            # photons able to make an e+- above y_min convert after an exponential path
            hard = alive & (photon > y_min)
            k_gamma = photon[hard]
            z_conv = depth[hard] + rng.exponential(1.0 / rate_pair, k_gamma.size)
            conv = z_conv < depth_x0
            k_gamma, z_conv = k_gamma[conv], z_conv[conv]
            u = _sample_pair_u(rng, k_gamma.size)
            energy = energy * (1.0 - y)
            keep = alive & (energy > y_min)
            e_pos, e_ele = u * k_gamma, (1.0 - u) * k_gamma
            pos_ok, ele_ok = e_pos > y_min, e_ele > y_min
            energy = np.concatenate([energy[keep], e_pos[pos_ok], e_ele[ele_ok]])
            depth = np.concatenate([depth[keep], z_conv[pos_ok], z_conv[ele_ok]])
            kind = np.concatenate([kind[keep], np.full(pos_ok.sum(), 2), np.full(ele_ok.sum(), 1)])
    width = np.diff(edges)
    tracks, errors = {}, {}
    for s in SPECIES:
        means = per_batch[s] / sizes[:, None]
        tracks[s] = per_batch[s].sum(axis=0) / n_primaries / width
        spread = means.std(axis=0, ddof=1) if n_batches > 1 else np.full(n_bins, np.inf)
        errors[s] = spread / math.sqrt(n_batches) / width
    return ShowerTable(edges, tracks, errors, n_primaries, seed, y_soft, depth_x0)


def tsai_primary_tracklength(y_above: float, depth_x0: float = 40.0, b: float = 4.0 / 3.0) -> float:
    """Tsai's primary-electron track length (X0) above y = E/E0 (Tsai, RMP 46, 815 (1974)).

    With u = ln(E0/E), I_e dE = e^(-u) u^(bt - 1)/Gamma(bt) du, so the energy integral above y is the regularised
    incomplete gamma function P(bt, ln(1/y)); the depth integral over [0, T] uses Gauss-Legendre on log-spaced panels
    (P -> 1 as t -> 0: the primary starts at E0).
    """
    from scipy import special  # where used: importing the module stays light

    big_u = math.log(1.0 / y_above)
    nodes, weights = np.polynomial.legendre.leggauss(32)
    edges = np.concatenate([[0.0], np.geomspace(1e-4, depth_x0, 80)])
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        t = 0.5 * (hi - lo) * nodes + 0.5 * (hi + lo)
        total += 0.5 * (hi - lo) * float(np.sum(weights * special.gammainc(b * t, big_u)))
    return total
