"""Upper limits from CLs curves: the signal strength where CLs(mu) = level (= 1 - CL), apart from how CLs is computed.

The calculators (:mod:`limits.stats.hybrid`, :mod:`limits.stats.asymptotic`, :mod:`limits.stats.toys`,
:mod:`limits.stats.pyhf_calculator`) compute CLs at a signal strength; this module finds the limits from their curves,
as pyhf separates ``infer/calculators.py`` from ``infer/intervals/``. Three ways, by what a curve is:

- a smooth function of mu, evaluated anywhere: :func:`solve_curve` (bracket expansion and Illinois regula falsi,
  :func:`limits.stats.roots.solve_monotonic`; pyhf's ``upper_limit`` ignores ``level`` in 0.7.6);
- many smooth curves evaluated together: :func:`solve_rows` (any set of curves, each evaluated at its own mu) and
  :func:`solve_curves` (a batch of masses fitted at once, observed and expected curves of each);
- a noisy curve known on a grid of mu (toys, common random numbers along the grid): :func:`grid_limits`, which
  extends the grid until every curve is bracketed and interpolates ln CLs linearly at the crossing.

Every search starts from the zero-background limit, mu = ln(1/level)/S (CLs = exp(-mu S) at zero observed events,
stats notes §3): :func:`zero_background_guess`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import numpy as np

from limits.stats.roots import solve_monotonic, solve_monotonic_batch

__all__ = ["GridLimits", "GridSearch", "grid_crossing", "grid_limits", "solve_curve", "solve_curves", "solve_rows",
           "zero_background_guess"]


def zero_background_guess(level: float, signal_events: float | np.ndarray) -> Any:
    """mu where CLs = exp(-mu S) equals ``level``: ln(1/level)/S, the limit without background and systematics
    (``signal_events`` S: total signal at mu = 1, events; a float or an array)."""
    return math.log(1.0 / level) / np.maximum(signal_events, 1e-300)


def solve_curve(cls_of_mu: Callable[[float], float], level: float, signal_events: float, *, rtol: float = 1e-5,
                x_min: float = 1e-12, x_max: float = 1e12) -> float:
    """mu > 0 with ``cls_of_mu(mu) = level`` for a decreasing CLs curve, searched from the zero-background limit.

    Args:
        signal_events: total signal at mu = 1 (events), for the starting point.
        rtol, x_min, x_max: see :func:`limits.stats.roots.solve_monotonic`.

    Raises:
        RootNotBracketed: no crossing in [x_min, x_max].
    """
    return solve_monotonic(cls_of_mu, level, float(zero_background_guess(level, signal_events)), rtol=rtol,
                           x_min=x_min, x_max=x_max)


def solve_rows(cls_of_rows: Callable[[np.ndarray, np.ndarray], np.ndarray], level: float,
               signal_events: np.ndarray, *, rtol: float = 1e-8, x_min: float = 1e-12,
               x_max: float = 1e12) -> np.ndarray:
    """mu > 0 with CLs = ``level`` on each of n decreasing curves, searched together from their zero-background
    limits (:func:`limits.stats.roots.solve_monotonic_batch`): one evaluation serves every curve still searching.

    Args:
        cls_of_rows: (mu (k,), curve index (k,)) -> CLs (k,), each element on its own curve at its own mu.
        signal_events: total signal at mu = 1 of each curve (n,), events, for the starting points.
        rtol: the bracket's final width in ln mu (1e-8: a root's place does not depend on the iteration it stopped
            at, at the precision results are compared).

    Returns:
        (n,) limits; NaN where a curve does not cross ``level`` in [x_min, x_max].
    """
    guess = zero_background_guess(level, np.asarray(signal_events, dtype=float))
    return solve_monotonic_batch(cls_of_rows, level, np.clip(guess, x_min, x_max), rtol=rtol, x_min=x_min,
                                 x_max=x_max)


def solve_curves(cls_of_rows: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]], level: float,
                 signal_events: np.ndarray, *, mu_max: float, rtol: float = 1e-6) -> np.ndarray:
    """The observed and expected limits of a batch of models from one batched root search.

    Args:
        cls_of_rows: (mu (k,), model index (k,)) -> (observed CLs (k,), expected CLs (k, 5)), each element at its own
            model.
        signal_events: total signal at mu = 1 of each model (n,), events.
        mu_max: the largest mu a calculator evaluates (its fits' bound).

    Returns:
        (n, 6) limits: observed, then the expected ones in band order; NaN where a curve is not bracketed.
    """
    n = int(np.size(signal_events))
    model = np.repeat(np.arange(n), 6)  # element = (model, curve): curve 0 observed, 1..5 expected
    curve = np.tile(np.arange(6), n)
    guess = zero_background_guess(level, np.asarray(signal_events, dtype=float))

    def f(mu: np.ndarray, rows: np.ndarray) -> np.ndarray:
        obs, exp = cls_of_rows(mu, model[rows])
        both = np.concatenate([obs[:, None], exp], axis=1)
        return np.asarray(both[np.arange(rows.size), curve[rows]])

    return solve_monotonic_batch(f, level, guess[model], rtol=rtol, x_min=1e-8 * guess.min(),
                                 x_max=mu_max).reshape(n, 6)


def grid_crossing(mu: np.ndarray, cls: np.ndarray, level: float,
                  cls_err: np.ndarray | None = None) -> tuple[float, float]:
    """First crossing of ``level`` by a CLs curve on a mu grid (made non-increasing first), linear in ln CLs, and its
    Monte Carlo error (the CLs error at the crossing over |dCLs/dmu| of the segment); (NaN, NaN) if not bracketed."""
    c = np.minimum.accumulate(np.clip(cls, 1e-300, 1.0))
    below = np.nonzero(c < level)[0]
    if below.size == 0 or below[0] == 0:
        return math.nan, math.nan
    i = below[0]
    y0, y1 = math.log(c[i - 1]), math.log(c[i])
    t = (math.log(level) - y0) / (y1 - y0) if y1 != y0 else 0.0
    root = float(mu[i - 1] + t * (mu[i] - mu[i - 1]))
    slope = abs(c[i] - c[i - 1]) / (mu[i] - mu[i - 1])
    err = 0.0 if cls_err is None else float(cls_err[i - 1] + t * (cls_err[i] - cls_err[i - 1]))
    return root, (err / slope if slope > 0 else math.inf)


class GridLimits(NamedTuple):
    """Limits from a grid: observed, expected (band order), their Monte Carlo errors (observed first), and the
    evaluated points (ascending mu)."""

    obs: float
    exp: tuple[float, ...]
    mc_err: list[float]
    rows: list[dict[str, Any]]
    mu: tuple[float, ...] = ()
    """The mu of each evaluated point (the rows' order)."""


class GridSearch:
    """The search of :func:`grid_limits` one round at a time, so that a round's points can be evaluated anywhere
    (in parallel): ``pending`` lists the (mu, point index) still to evaluate; :meth:`add` takes each result; when
    every pending point is in, :meth:`advance` extends the grid where a curve is not crossed (or finishes), and
    :meth:`result` gives the limits. The rounds and their points depend on the evaluated values only, so the limits
    do not depend on where or in which order the points were evaluated.
    """

    def __init__(self, level: float, mu_grid: Iterable[float], *, extensions: int = 6, factor: float = 3.5):
        self.level, self.factor, self._extensions = level, factor, extensions
        self.points: dict[float, dict[str, Any]] = {}
        self.pending: list[tuple[float, int]] = [(float(m), i) for i, m in enumerate(mu_grid)]
        self._next_index = len(self.pending)
        self.done = False

    def add(self, mu: float, row: dict[str, Any]) -> None:
        """The evaluation at a pending point: ``{"cls": observed, "cls_exp": [5 expected], "cls_err": ...}``."""
        self.points[float(mu)] = row

    def advance(self) -> None:
        """After every pending point is added: the next round's points, or done."""
        missing = [m for m, _ in self.pending if m not in self.points]
        if missing:
            raise RuntimeError(f"{len(missing)} pending grid points not evaluated")
        grid = np.array(sorted(self.points))
        curves = [np.array([self.points[m]["cls"] for m in grid])] + \
            [np.array([self.points[m]["cls_exp"][k] for m in grid]) for k in range(5)]
        low = any(np.minimum.accumulate(np.clip(c, 0, 1))[0] < self.level for c in curves)
        high = any(np.min(c) >= self.level for c in curves)
        if not (low or high) or self._extensions == 0:
            self.pending, self.done = [], True
            return
        self._extensions -= 1
        extra = ([grid[0] * f for f in np.geomspace(1 / self.factor, 0.9, 4)] if low else []) + \
            ([grid[-1] * f for f in np.geomspace(1.1, self.factor, 4)] if high else [])
        self.pending = [(float(m), self._next_index + i) for i, m in enumerate(extra)]
        self._next_index += len(extra)

    def result(self) -> GridLimits:
        """The limits from the evaluated points (:func:`grid_limits`)."""
        grid = np.array(sorted(self.points))
        rows = [self.points[m] for m in grid]
        errs = np.array([r.get("cls_err", 0.0) for r in rows])
        level = self.level
        obs, obs_err = grid_crossing(grid, np.array([r["cls"] for r in rows]), level, errs)
        exp_err = [grid_crossing(grid, np.array([r["cls_exp"][k] for r in rows]), level, errs) for k in range(5)]
        exp = np.maximum.accumulate(np.array([e for e, _ in exp_err]))
        return GridLimits(obs, tuple(float(e) for e in exp), [obs_err, *(err for _, err in exp_err)], rows,
                          tuple(float(m) for m in grid))


def grid_limits(evaluate: Callable[[float, int], dict[str, Any]], level: float, mu_grid: Iterable[float],
                *, extensions: int = 6, factor: float = 3.5) -> GridLimits:
    """Limits from CLs known on a grid of mu: each curve's crossing of ``level`` (:func:`grid_crossing`).

    While a curve is not crossed inside the grid (already below ``level`` at the lowest mu, or never below it), the
    grid is extended by 4 points per side by ``factor`` (at most ``extensions`` times), each new point with the next
    index, so that no mass fails for want of a bracket. The expected limits are made non-decreasing from -2 to +2
    sigma (a band's order can flip by Monte Carlo fluctuations; the larger of two crossings is kept); their CLs error
    is approximated by the observed curve's at the same mu. The same search one round at a time: :class:`GridSearch`.

    Args:
        evaluate: (mu, point index) -> ``{"cls": observed, "cls_exp": [5 expected], "cls_err": its error (optional)}``
            (the index seeds a toy calculator's point).
        mu_grid: the first grid (evaluated in this order, e.g. through a progress bar).
    """
    search = GridSearch(level, mu_grid, extensions=extensions, factor=factor)
    while not search.done:
        for mu, index in search.pending:
            search.add(mu, evaluate(mu, index))
        search.advance()
    return search.result()
