"""The total expected signal S(m, g) of an analysis on a log-coupling grid, and the reference coupling chosen from it.

S includes the decay factor (PRL 129 Eq. 6) and, for a model with an absolute kinetic mixing, the part of the
electron coupling that does not vanish with g; so S(g) need not be ~ g^2: it rises, may peak and fall (visible decays
inside the detector at large g), and may have a floor at small g. Everything that turns a limit on S into one on g
starts from this grid: the workspace's reference coupling here, every crossing in :mod:`limits.scanning.inversion`.
"""

from __future__ import annotations

import numpy as np

from limits.analysis.definition import Analysis
from limits.frozen import frozen_cache
from limits.io.masses import log_grid
from limits.physics.models import Model

__all__ = ["G_GRID", "TARGET_EVENTS", "coupling_grid", "signal_on_grid", "reference_couplings"]

G_GRID = (1e-10, 1.0, 321)  # log g grid (lowest g, highest g, points): 32 points per decade
TARGET_EVENTS = 10.0  # total signal at the reference coupling: mu_up ~ 0.2 for the NA64 analyses


@frozen_cache(1)
def coupling_grid() -> np.ndarray:
    """The coupling parameters of :data:`G_GRID` (dimensionless), ascending; the same bits on every machine
    (:func:`limits.io.masses.log_grid`), read-only."""
    lo, hi, n = G_GRID
    return log_grid(lo, hi, n)


def signal_on_grid(analysis: Analysis, model: Model, mass_mev: np.ndarray) -> np.ndarray:
    """Total expected signal events (sum over runs) at every (mass, grid coupling): shape (n_masses, n_grid).

    Args:
        mass_mev: Z' masses in MeV.
    """
    m = np.asarray(mass_mev, dtype=float).ravel()
    g = coupling_grid()
    s = analysis.signal(model, np.repeat(m, g.size), np.tile(g, m.size)).sum(axis=1)
    return np.asarray(s).reshape(m.size, g.size)


def reference_couplings(signal_grid: np.ndarray, target: float = TARGET_EVENTS) -> np.ndarray:
    """A reference coupling per mass, 3 significant digits, so that the signal patch is ~ ``target`` events where
    that is reachable: the grid point nearest (in ln S) to the first upward crossing of ``target`` by S(g); without
    such a crossing (S below ``target`` everywhere, or above it already at the lowest g), the grid coupling whose
    signal is nearest ``target`` (the peak of S(g), or its floor).

    No assumption on how S scales with g: S is given on the whole grid (no Newton step on S ~ g^2, which ran to g = 1
    where a visible-decay model's signal is 0).

    Args:
        signal_grid: :func:`signal_on_grid` of the masses, events, shape (n_masses, n_grid).
    """
    s = np.asarray(signal_grid, dtype=float)
    with np.errstate(divide="ignore"):
        distance = np.abs(np.log(np.where(s > 0, s, 0.0)) - np.log(target))
    index = np.argmin(distance, axis=1)  # the first (smallest g) on a tie
    for k, row in enumerate(s):
        above = np.nonzero(row >= target)[0]
        if above.size and above[0] > 0:
            i = int(above[0])
            index[k] = i - 1 if distance[k, i - 1] < distance[k, i] else i
    # 3 significant digits through decimal text: the same bits on every machine
    return np.array([float(f"{g:.3g}") for g in coupling_grid()[index]])
