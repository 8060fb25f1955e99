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

__all__ = ["excluded_intervals", "invert_coupling", "invert_couplings"]


def _peak(signal_total: Callable[[np.ndarray], np.ndarray], grid: np.ndarray, i: int) -> tuple[float, float]:
    """(g, S) at the maximum of S near grid point ``i`` (a local maximum of the grid values), located in ln g."""
    lo, hi = math.log(grid[max(i - 1, 0)]), math.log(grid[min(i + 1, grid.size - 1)])
    res = minimize_scalar(lambda x: -float(signal_total(np.array([math.exp(x)]))[0]), bounds=(lo, hi),
                          method="bounded", options={"xatol": 1e-6})
    return math.exp(float(res.x)), -float(res.fun)


_OFFSETS = np.linspace(-2e-3, 2e-3, 17)  # the fine evaluation around each located crossing, in ln g

Located = list[tuple[int, tuple[float, float], float]]  # (target index, bracket, first estimate of the crossing)


def _locate(signal_total: Callable[[np.ndarray], np.ndarray], targets: list[float], values: np.ndarray) -> Located:
    """Bracket and estimate every crossing of each target from the grid values (spline of ln S in ln g)."""
    grid = coupling_grid()
    positive = values > 0
    log_values = np.log(np.where(positive, values, 1e-300))
    spline = CubicSpline(np.log(grid[positive]), log_values[positive]) if positive.sum() > 1 else None
    # only a maximum within a factor 2 below some target can hide a crossing between grid points (S is smooth on
    # the 32-per-decade grid: it changes by far less than x2 between neighbours near a maximum)
    peaks = {i: _peak(signal_total, grid, i) for i in range(1, grid.size - 1)
             if values[i] >= values[i - 1] and values[i] > values[i + 1]
             and any(0.5 * t < values[i] < t for t in targets)}
    located: Located = []
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
    return located


def _pin(signal_total: Callable[[np.ndarray], np.ndarray], targets: list[float], values: np.ndarray,
         located: Located, fine_values: np.ndarray) -> list[tuple[list[float], list[list[float]]]]:
    """Each crossing from the fine evaluation around its estimate (root finder where that misses), and the intervals."""
    per_target: list[list[float]] = [[] for _ in targets]
    for (t_index, (a, b), est), sv in zip(located, fine_values):
        d = np.log(np.maximum(sv, 1e-300)) - math.log(targets[t_index])
        cells = np.nonzero(np.sign(d[:-1]) != np.sign(d[1:]))[0]
        exact = np.nonzero(d == 0)[0]
        if exact.size:  # the estimate (or a neighbour) is the crossing to machine precision
            root = est * math.exp(_OFFSETS[exact[0]])
        elif cells.size == 1:
            k = cells[0]
            frac = d[k] / (d[k] - d[k + 1])
            root = est * math.exp(_OFFSETS[k] + frac * (_OFFSETS[k + 1] - _OFFSETS[k]))
        else:
            root = solve_monotonic(lambda g: float(signal_total(np.array([g]))[0]), targets[t_index], a,
                                   bracket=(a, b), rtol=1e-9)
        per_target[t_index].append(root)
    lowest = float(coupling_grid()[0])
    results = []
    for target, crossings in zip(targets, per_target):
        crossings.sort()
        results.append((crossings, excluded_intervals(crossings, lowest if values[0] > target else None)))
    return results


def invert_couplings(signal: Callable[[np.ndarray, np.ndarray], np.ndarray], mass_mev: Sequence[float],
                     targets: Sequence[ArrayLike], values: Sequence[np.ndarray | None]
                     ) -> list[list[tuple[list[float], list[list[float]]]]]:
    """:func:`invert_coupling` for several masses, their fine evaluations in one call of ``signal``.

    Args:
        signal: vectorised (mass_mev, g) -> total expected signal events, for arrays of equal length.
        mass_mev: the masses (MeV).
        targets: per mass, the events to exclude (one per curve).
        values: per mass, S on the coupling grid, or None to compute it.
    """
    grid = coupling_grid()
    prepared = []
    for m, t, v in zip(mass_mev, targets, values):
        def total(g: np.ndarray, m: float = float(m)) -> np.ndarray:
            return np.asarray(signal(np.full(np.shape(g), m), np.asarray(g, dtype=float)))

        vals = np.asarray(total(grid) if v is None else v, dtype=float)
        tl = [float(x) for x in np.atleast_1d(t)]
        prepared.append((total, tl, vals, _locate(total, tl, vals)))
    fine_g = [est * np.exp(_OFFSETS) for *_, located in prepared for *_, est in located]
    fine_m = [np.full(_OFFSETS.size, float(m)) for m, (*_, located) in zip(mass_mev, prepared) for _ in located]
    flat = np.asarray(signal(np.concatenate(fine_m), np.concatenate(fine_g)), dtype=float) if fine_g else np.zeros(0)
    rows = flat.reshape(-1, _OFFSETS.size)
    out, start = [], 0
    for total, tl, vals, located in prepared:
        out.append(_pin(total, tl, vals, located, rows[start:start + len(located)]))
        start += len(located)
    return out


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
    (result,) = invert_couplings(lambda m, g: signal_total(g), [0.0], [targets], [values])
    return result


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
