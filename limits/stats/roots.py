"""A robust bracketing root finder for monotonic functions of a positive variable (own, see below for why).

pyhf's ``toms748_scan`` widens brackets past the POI bounds (pyhf #2228) and ``upper_limit`` ignores ``level``
(#2563); SciPy's solvers need a bracket up front. Here: geometric bracket expansion from a starting guess, then the
Illinois variant of regula falsi in log x, which keeps the root bracketed at every step (guaranteed convergence) and
converges superlinearly on the smooth CLs curves.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from limits.errors import LimitsError

__all__ = ["RootNotBracketed", "solve_monotonic", "solve_monotonic_batch"]


class RootNotBracketed(LimitsError, RuntimeError):
    """No sign change was found within the allowed range."""


def solve_monotonic(f: Callable[[float], float], target: float, x0: float, *, rtol: float = 1e-5,
                    x_min: float = 1e-12, x_max: float = 1e12, max_iter: int = 200,
                    bracket: tuple[float, float] | None = None) -> float:
    """x > 0 with f(x) = target, for f monotonic (either direction) on [x_min, x_max].

    Args:
        bracket: a known (a, b) with f(a) - target and f(b) - target of opposite signs; skips the expansion.

    Raises:
        RootNotBracketed: if f - target has no sign change in [x_min, x_max].
    """
    def g(x: float) -> float:
        value = f(x) - target
        if math.isnan(value):
            raise RootNotBracketed(f"the function is NaN at {x:g}")
        return value

    if not (math.isfinite(x0) and math.isfinite(target)):
        raise RootNotBracketed(f"non-finite start ({x0:g}) or target ({target:g})")
    if bracket is not None:
        a, b = bracket
        ga, gb = g(a), g(b)
        if (ga > 0) == (gb > 0):
            raise RootNotBracketed(f"({a:g}, {b:g}) does not bracket {target:g}")
        return _illinois(g, a, ga, b, gb, rtol, max_iter)
    start = min(max(x0, x_min), x_max)
    g_start = g(start)
    if g_start == 0:
        return start
    # expand: walk away from x0 until the sign flips, first in the direction where |g| shrinks (upward on a
    # plateau, e.g. CLs = 1 far below a limit), then, if the range ends without a flip, the other way
    g_up = g(min(start * 2.0, x_max))
    first = 2.0 if abs(g_up) <= abs(g_start) or (g_up > 0) != (g_start > 0) else 0.5
    last = g_start
    for step in (first, 1.0 / first):
        a, ga = start, g_start
        while True:
            b = a * step
            if b > x_max * (1 + 1e-12) or b < x_min * (1 - 1e-12):
                last = ga
                break
            gb = g(b)
            if gb == 0:
                return b
            if (ga > 0) != (gb > 0):
                return _illinois(g, a, ga, b, gb, rtol, max_iter)
            a, ga = b, gb
    raise RootNotBracketed(f"no crossing of {target:g} in [{x_min:g}, {x_max:g}] (last value {last + target:g})")


def _illinois(g: Callable[[float], float], a: float, ga: float, b: float, gb: float, rtol: float,
              max_iter: int) -> float:
    """Illinois regula falsi in log x on a bracket [a, b] with g(a), g(b) of opposite signs."""
    la, lb = math.log(a), math.log(b)
    side = 0
    for _ in range(max_iter):
        lc = (la * gb - lb * ga) / (gb - ga)
        gc = g(math.exp(lc))
        if gc == 0 or abs(lb - la) < rtol:
            return math.exp(lc)
        if (gc > 0) == (gb > 0):
            lb, gb = lc, gc
            if side == -1:
                ga /= 2
            side = -1
        else:
            la, ga = lc, gc
            if side == 1:
                gb /= 2
            side = 1
    return math.exp(0.5 * (la + lb))


def solve_monotonic_batch(f: Callable[[np.ndarray, np.ndarray], np.ndarray], target: float, x0: np.ndarray, *,
                          rtol: float = 1e-5, x_min: float = 1e-12, x_max: float = 1e12,
                          max_iter: int = 200) -> np.ndarray:
    """Vectorised :func:`solve_monotonic` for decreasing functions: x (n,) with f(x, rows)[i] = target.

    ``f(x, rows)`` evaluates element ``rows[i]`` at ``x[i]`` (both arrays), so a batch of independent problems (e.g.
    one per mass and curve) shares each evaluation. Elements that cannot be bracketed in [x_min, x_max] come back as
    NaN.

    Returns:
        x (n,) roots.
    """


    x0 = np.asarray(x0, dtype=float)
    n = x0.size
    rows = np.arange(n)
    lo = x0.copy()
    hi = x0.copy()
    glo = f(lo, rows) - target
    ghi = glo.copy()
    # expand downwards where g < 0 (f below target: x too large) and upwards where g > 0
    for _ in range(80):
        need_lo = glo < 0
        need_hi = ghi > 0
        if not (need_lo.any() or need_hi.any()):
            break
        if need_lo.any():
            i = np.nonzero(need_lo)[0]
            hi[i], ghi[i] = lo[i], glo[i]
            lo[i] = np.maximum(lo[i] / 2.0, x_min)
            glo[i] = f(lo[i], i) - target
            stuck = need_lo & (lo <= x_min) & (glo < 0)
            glo[stuck] = np.nan
        if need_hi.any():
            i = np.nonzero(ghi > 0)[0]
            lo[i], glo[i] = hi[i], ghi[i]
            hi[i] = np.minimum(hi[i] * 2.0, x_max)
            ghi[i] = f(hi[i], i) - target
            stuck = (hi >= x_max) & (ghi > 0)
            ghi[stuck] = np.nan
    ok = (glo >= 0) & (ghi <= 0)
    la, lb = np.log(lo), np.log(hi)
    ga, gb = glo.copy(), ghi.copy()
    side = np.zeros(n)
    root = np.where(ok, 0.5 * (la + lb), np.nan)
    active = ok & (np.abs(lb - la) > rtol)
    for _ in range(max_iter):
        i = np.nonzero(active)[0]
        if i.size == 0:
            break
        denom = gb[i] - ga[i]
        lc = np.where(denom != 0, (la[i] * gb[i] - lb[i] * ga[i]) / np.where(denom != 0, denom, 1.0),
                      0.5 * (la[i] + lb[i]))
        gc = f(np.exp(lc), i) - target
        same_b = (gc > 0) == (gb[i] > 0)
        # Illinois: halve the retained end's value when the same end is kept twice
        ga_new = np.where(same_b & (side[i] == -1), ga[i] / 2, ga[i])
        gb_new = np.where(~same_b & (side[i] == 1), gb[i] / 2, gb[i])
        lb[i] = np.where(same_b, lc, lb[i])
        gb[i] = np.where(same_b, gc, gb_new)
        la[i] = np.where(same_b, la[i], lc)
        ga[i] = np.where(same_b, ga_new, gc)
        side[i] = np.where(same_b, -1, 1)
        root[i] = lc
        active[i] = (np.abs(lb[i] - la[i]) > rtol) & (gc != 0)
    return np.exp(root)
