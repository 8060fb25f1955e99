"""Inversion of a mu limit to the coupling: every crossing of S(m, g) = mu_up S(m, g_ref), and the excluded intervals.

S is the total expected signal including the decay factor (PRL 129 Eq. 6), so the yield is not ~ g^2 where the Z' is
long-lived: the excluded region is a lower boundary, and possibly an upper one or islands where S(g) is not monotonic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy.interpolate import CubicSpline

from limits.stats.roots import solve_monotonic

__all__ = ["G_SCAN", "excluded_intervals", "invert_coupling"]

G_SCAN = (1e-10, 1.0, 321)  # log g grid used to find every crossing (32 per decade)


def invert_coupling(signal_total: Callable[[np.ndarray], np.ndarray], targets: ArrayLike,
                    g_scan: tuple[float, float, int] = G_SCAN) -> list[tuple[list[float], list[list[float]]]]:
    """Couplings where ``signal_total(g)`` crosses each target, and the excluded intervals (signal above target).

    Three vectorised stages: S(g) on a log grid (32 points per decade) brackets every crossing; a cubic spline of
    ln S in ln g locates it; a second evaluation of the true S on 17 points within +-0.2 % of each located crossing
    pins it by linear interpolation of ln S (relative error ~1e-8 in g). A crossing the fine grid misses is solved
    with the root finder on the true function.

    Args:
        signal_total: vectorised function g -> total expected signal events.
        targets: events to exclude (mu_up x S(g_ref)), one per curve.

    Returns:
        For each target: (crossings ascending, excluded intervals [[lo, hi], ...], hi = inf when open-ended).
    """
    grid = np.geomspace(*g_scan)
    values = np.asarray(signal_total(grid), dtype=float)
    positive = values > 0
    log_values = np.log(np.where(positive, values, 1e-300))
    spline = CubicSpline(np.log(grid[positive]), log_values[positive])
    targets = [float(t) for t in np.atleast_1d(targets)]
    located: list[tuple[int, int, float]] = []  # (target index, cell index, spline estimate)
    for t_index, target in enumerate(targets):
        diff = log_values - math.log(target)
        for i in np.nonzero(np.sign(diff[:-1]) != np.sign(diff[1:]))[0]:
            est = solve_monotonic(lambda g: float(spline(math.log(g))), math.log(target), grid[i],
                                  bracket=(grid[i], grid[i + 1]), rtol=1e-10) if positive[i] and positive[i + 1] \
                else math.sqrt(grid[i] * grid[i + 1])
            located.append((t_index, i, est))
    offsets = np.linspace(-2e-3, 2e-3, 17)
    fine_g = np.array([est * np.exp(offsets) for _, _, est in located]).reshape(-1)
    fine_v = np.log(np.maximum(np.asarray(signal_total(fine_g), float), 1e-300)).reshape(len(located), -1) \
        if located else np.zeros((0, offsets.size))
    per_target: list[list[float]] = [[] for _ in targets]
    for (t_index, i, est), lv in zip(located, fine_v):
        d = lv - math.log(targets[t_index])
        cells = np.nonzero(np.sign(d[:-1]) != np.sign(d[1:]))[0]
        if cells.size == 1:
            k = cells[0]
            frac = d[k] / (d[k] - d[k + 1])
            root = est * math.exp(offsets[k] + frac * (offsets[k + 1] - offsets[k]))
        else:
            root = solve_monotonic(lambda g: float(signal_total(np.array([g]))[0]), targets[t_index], grid[i],
                                   bracket=(grid[i], grid[i + 1]), rtol=1e-9)
        per_target[t_index].append(root)
    results = []
    for target, crossings in zip(targets, per_target):
        crossings.sort()
        results.append((crossings, excluded_intervals(crossings, float(grid[0]) if values[0] > target else None)))
    return results


def excluded_intervals(crossings: Sequence[float], excluded_from: float | None) -> list[list[float]]:
    """Excluded [lo, hi] intervals from ascending boundary crossings; ``excluded_from`` is the scan's lower edge if
    the region starts excluded there (else None). An interval left open at the top ends at infinity."""
    intervals: list[list[float]] = []
    start = excluded_from
    for c in crossings:
        if start is None:
            start = c
        else:
            intervals.append([start, c])
            start = None
    if start is not None:
        intervals.append([start, math.inf])
    return intervals
