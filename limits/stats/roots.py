"""A robust bracketing root finder for monotonic functions of a positive variable (own, see below for why).

pyhf's ``toms748_scan`` widens brackets past the POI bounds (pyhf #2228) and ``upper_limit`` ignores ``level``
(#2563); SciPy's solvers need a bracket up front. Here: geometric bracket expansion from a starting guess, then the
Illinois variant of regula falsi in log x, which keeps the root bracketed at every step (guaranteed convergence) and
converges superlinearly on the smooth CLs curves.
"""

from __future__ import annotations

import math
from typing import Callable

__all__ = ["RootNotBracketed", "solve_monotonic"]


class RootNotBracketed(RuntimeError):
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
        return f(x) - target

    if bracket is not None:
        a, b = bracket
        ga, gb = g(a), g(b)
        if (ga > 0) == (gb > 0):
            raise RootNotBracketed(f"({a:g}, {b:g}) does not bracket {target:g}")
        return _illinois(g, a, ga, b, gb, rtol, max_iter)
    a = b = min(max(x0, x_min), x_max)
    ga = gb = g(a)
    if ga == 0:
        return a
    # expand: walk away from x0 until the sign flips, in the direction where |g| shrinks
    b2 = min(a * 2.0, x_max)
    gb2 = g(b2)
    step = 2.0 if abs(gb2) < abs(ga) or (gb2 > 0) != (ga > 0) else 0.5
    b, gb = (b2, gb2) if step == 2.0 else (a, ga)
    while (ga > 0) == (gb > 0):
        a, ga = b, gb
        b = b * step
        if b > x_max or b < x_min:
            raise RootNotBracketed(f"no crossing of {target:g} in [{x_min:g}, {x_max:g}] (last value {ga + target:g})")
        gb = g(b)
        if gb == 0:
            return b
    return _illinois(g, a, ga, b, gb, rtol, max_iter)


def _illinois(g, a, ga, b, gb, rtol, max_iter) -> float:
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
