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
from scipy.optimize import minimize_scalar

from limits.analysis.coupling_grid import coupling_grid
from limits.stats.roots import solve_monotonic

__all__ = ["excluded_intervals", "invert_coupling"]


def _peak(signal_total: Callable[[np.ndarray], np.ndarray], grid: np.ndarray, i: int) -> tuple[float, float]:
    """(g, S) at the maximum of S near grid point ``i`` (a local maximum of the grid values), located in ln g."""
    lo, hi = math.log(grid[max(i - 1, 0)]), math.log(grid[min(i + 1, grid.size - 1)])
    res = minimize_scalar(lambda x: -float(signal_total(np.array([math.exp(x)]))[0]), bounds=(lo, hi),
                          method="bounded", options={"xatol": 1e-6})
    return math.exp(float(res.x)), -float(res.fun)


def invert_coupling(signal_total: Callable[[np.ndarray], np.ndarray], targets: ArrayLike,
                    values: np.ndarray | None = None) -> list[tuple[list[float], list[list[float]]]]:
    """Couplings where ``signal_total(g)`` crosses each target, and the excluded intervals (signal above target).

    S(g) is tabulated on the log grid of :mod:`limits.analysis.coupling_grid` (32 points per decade, 1e-10 - 1): any
    shape, rising, peaked (visible decays), or with a floor at small g (absolute kinetic mixing). A local maximum of
    the grid values below a target is refined with a bounded 1-d search so that a narrow peak above the target is not
    lost between grid points. Each bracketed crossing is located on a cubic spline of ln S in ln g, then pinned by
    17 evaluations of the true S within +-0.2 % of it (linear interpolation of ln S, relative error ~1e-8 in g);
    a crossing the fine grid misses is solved with the root finder on the true function.

    Args:
        signal_total: vectorised function g -> total expected signal events.
        targets: events to exclude (mu_up x S(g_ref)), one per curve.
        values: ``signal_total`` on the grid if already computed (e.g. by the workspace step).

    Returns:
        For each target: (crossings ascending, excluded intervals [[lo, hi], ...], lo = the grid's lowest coupling
        when the signal is above the target there, hi = inf when open-ended).
    """
    grid = coupling_grid()
    values = np.asarray(signal_total(grid) if values is None else values, dtype=float)
    positive = values > 0
    log_values = np.log(np.where(positive, values, 1e-300))
    spline = CubicSpline(np.log(grid[positive]), log_values[positive]) if positive.sum() > 1 else None
    targets = [float(t) for t in np.atleast_1d(targets)]
    # only a maximum within a factor 2 below some target can hide a crossing between grid points (S is smooth on
    # the 32-per-decade grid: it changes by far less than x2 between neighbours near a maximum)
    peaks = {i: _peak(signal_total, grid, i) for i in range(1, grid.size - 1)
             if values[i] >= values[i - 1] and values[i] > values[i + 1]
             and any(0.5 * t < values[i] < t for t in targets)}
    located: list[tuple[int, tuple[float, float], float]] = []  # (target index, bracket, first estimate)
    for t_index, target in enumerate(targets):
        diff = log_values - math.log(target)
        for i in np.nonzero(np.sign(diff[:-1]) != np.sign(diff[1:]))[0]:
            a, b = float(grid[i]), float(grid[i + 1])
            est = solve_monotonic(lambda g: float(spline(math.log(g))), math.log(target), a, bracket=(a, b),
                                  rtol=1e-10) if spline is not None and positive[i] and positive[i + 1] \
                else math.sqrt(a * b)
            located.append((t_index, (a, b), est))
        for i, (g_peak, s_peak) in peaks.items():
            if values[i] < target < s_peak:  # a peak that only the refined maximum shows above the target
                for a, b in ((float(grid[i - 1]), g_peak), (g_peak, float(grid[i + 1]))):
                    located.append((t_index, (a, b), math.sqrt(a * b)))
    offsets = np.linspace(-2e-3, 2e-3, 17)
    fine_g = np.array([est * np.exp(offsets) for *_, est in located]).reshape(-1)
    fine_v = np.log(np.maximum(np.asarray(signal_total(fine_g), float), 1e-300)).reshape(len(located), -1) \
        if located else np.zeros((0, offsets.size))
    per_target: list[list[float]] = [[] for _ in targets]
    for (t_index, (a, b), est), lv in zip(located, fine_v):
        d = lv - math.log(targets[t_index])
        cells = np.nonzero(np.sign(d[:-1]) != np.sign(d[1:]))[0]
        if cells.size == 1:
            k = cells[0]
            frac = d[k] / (d[k] - d[k + 1])
            root = est * math.exp(offsets[k] + frac * (offsets[k + 1] - offsets[k]))
        else:
            root = solve_monotonic(lambda g: float(signal_total(np.array([g]))[0]), targets[t_index], a,
                                   bracket=(a, b), rtol=1e-9)
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
