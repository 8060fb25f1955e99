"""Upper limits on mu per mass (observed and expected bands) and their inversion to the coupling.

mu_up solves CLs(mu) = 1 - CL with :func:`limits.stats.roots.solve_monotonic`. The coupling limit solves
S(m, g) = mu_up S(m, g_ref), S the total expected signal including the decay factor (the yield is not ~ g^2 where
the Z' is long-lived), for every crossing in log g: a lower boundary, and possibly an upper one or islands where S(g)
is not monotonic.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np

from limits.stats.counting import counting_model
from limits.stats.exact import ExactCalculator
from limits.stats.roots import solve_monotonic

__all__ = ["METHODS", "MassLimit", "excluded_intervals", "invert_coupling", "mu_limits", "strip_systematics"]

METHODS = ("exact", "asymptotic", "toys")  # plus "asymptotic-pyhf": pyhf's own calculator, for cross-checks
G_SCAN = (1e-10, 1.0, 321)  # log g grid used to find every crossing (32 per decade)


@dataclass
class MassLimit:
    """mu upper limits at one mass: observed and expected (-2, -1, 0, +1, +2 sigma)."""

    mu_obs: float
    mu_exp: list[float]
    info: dict = field(default_factory=dict)


def strip_systematics(bkg_only: dict, patch: dict) -> tuple[dict, dict]:
    """Copies of a workspace and patch with every constrained modifier removed (``--stat-only``)."""
    bkg = copy.deepcopy(bkg_only)
    for channel in bkg["channels"]:
        for sample in channel["samples"]:
            sample["modifiers"] = []
    patch = copy.deepcopy(patch)
    for op in patch["patch"]:
        op["value"]["modifiers"] = [m for m in op["value"]["modifiers"] if m["type"] == "normfactor"]
    return bkg, patch


def _exact(bkg_only, patch, level) -> MassLimit:
    calc = ExactCalculator(counting_model(bkg_only, patch))
    s_total = float(calc.model.signal.sum())
    guess = math.log(1.0 / level) / max(s_total, 1e-300)

    def limit(n):
        return solve_monotonic(lambda mu: calc.cls(mu, n), level, guess)

    counts = calc.expected_counts()
    by_count = {n: limit(n) for n in {calc.n_obs, *counts.tolist()}}  # one solve per distinct total count
    return MassLimit(by_count[calc.n_obs], [by_count[n] for n in counts],
                     {"expected_counts": [int(n) for n in counts]})


def asymptotic_batch(bkg_only: dict, patches: list[dict], level: float) -> list[MassLimit]:
    """Asymptotic limits for several signal patches at once (vectorised fits and root finding)."""
    from limits.stats.asymptotic import BatchAsymptotic
    from limits.stats.roots import solve_monotonic_batch

    models = [counting_model(bkg_only, p) for p in patches]
    signals = np.array([m.signal for m in models])
    calc = BatchAsymptotic(models[0], signals)
    n = len(patches)
    mass_of = np.repeat(np.arange(n), 6)  # element = (mass, curve): curve 0 observed, 1..5 expected
    curve = np.tile(np.arange(6), n)
    guess = math.log(1.0 / level) / np.maximum(signals.sum(axis=1), 1e-300)

    def f(mu, rows):
        obs, exp = calc.cls(mu, mass_of[rows])
        both = np.concatenate([obs[:, None], exp], axis=1)
        return both[np.arange(rows.size), curve[rows]]

    roots = solve_monotonic_batch(f, level, guess[mass_of], rtol=1e-6, x_min=1e-8 * guess.min(),
                                  x_max=calc.bm.mu_max).reshape(n, 6)
    return [MassLimit(float(r[0]), [float(v) for v in r[1:]], {"fits_converged": bool(ok)})
            for r, ok in zip(roots, calc.converged)]


def _asymptotic_pyhf(bkg_only, patch, level) -> MassLimit:
    from limits.stats.asymptotic import cls_asymptotic
    from limits.stats.model import model_and_data

    model, data = model_and_data(bkg_only, patch)
    s_total = float(sum(op["value"]["data"][0] for op in patch["patch"]))
    cache: dict[float, tuple[float, np.ndarray]] = {}

    def curve(i):
        def f(mu):
            if mu not in cache:
                cache[mu] = cls_asymptotic(model, data, mu)
            obs, exp = cache[mu]
            return obs if i < 0 else exp[i]
        return f

    guess = math.log(1.0 / level) / max(s_total, 1e-300)
    bounds = dict(x_min=1e-6 * guess, x_max=min(1e4 * guess, model.config.suggested_bounds()[0][1]), rtol=1e-4)
    mu_obs = solve_monotonic(curve(-1), level, guess, **bounds)
    mu_exp = [solve_monotonic(curve(i), level, guess, **bounds) for i in range(5)]
    return MassLimit(mu_obs, mu_exp, {"hypotests": len(cache)})


def mu_limits(method: str, bkg_only: dict, patch: dict, cl: float, *, ntoys: int = 10_000,
              seed: np.random.SeedSequence | None = None) -> MassLimit:
    """Observed and expected mu upper limits at confidence level ``cl`` for one signal patch."""
    level = 1.0 - cl
    if method == "exact":
        return _exact(bkg_only, patch, level)
    if method == "asymptotic":
        return asymptotic_batch(bkg_only, [patch], level)[0]
    if method == "asymptotic-pyhf":
        return _asymptotic_pyhf(bkg_only, patch, level)
    if method == "toys":
        from limits.stats.toys import toy_limits

        return toy_limits(bkg_only, patch, level, ntoys=ntoys, seed=seed)
    raise ValueError(f"unknown method {method!r}")


def invert_coupling(signal_total, targets, g_scan=G_SCAN) -> list[tuple[list[float], list[list[float]]]]:
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
    from scipy.interpolate import CubicSpline

    grid = np.geomspace(*g_scan)
    values = np.asarray(signal_total(grid), dtype=float)
    positive = values > 0
    log_values = np.log(np.where(positive, values, 1e-300))
    spline = CubicSpline(np.log(grid[positive]), log_values[positive])
    targets = [float(t) for t in np.atleast_1d(targets)]
    located = []  # (target index, cell index, spline estimate)
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


def excluded_intervals(crossings: list[float], excluded_from: float | None) -> list[list[float]]:
    """Excluded [lo, hi] intervals from ascending boundary crossings; ``excluded_from`` is the scan's lower edge if
    the region starts excluded there (else None). An interval left open at the top ends at infinity."""
    intervals, start = [], excluded_from
    for c in crossings:
        if start is None:
            start = c
        else:
            intervals.append([start, c])
            start = None
    if start is not None:
        intervals.append([start, math.inf])
    return intervals
