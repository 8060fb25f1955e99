"""limits.stats.intervals: limits from CLs curves, checked on CLs = exp(-mu S), the zero-count CLs of a counting
experiment without systematics (stats notes §3), whose limit is mu_up = ln(1/level)/S exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest

from limits.stats.intervals import grid_crossing, grid_limits, solve_curve, solve_curves, zero_background_guess


def test_zero_background_guess_is_ln10_events_at_90_percent():
    assert zero_background_guess(0.1, 2.302585) == pytest.approx(1.0, rel=1e-6)
    np.testing.assert_allclose(zero_background_guess(0.05, np.array([1.0, 3.0])), [math.log(20), math.log(20) / 3])


def test_solve_curve_and_solve_curves_on_exponential_cls():
    assert solve_curve(lambda mu: math.exp(-4.0 * mu) * (1 + 0.3 * mu) / (1 + 0.3 * mu), 0.1, 7.0) \
        == pytest.approx(math.log(10) / 4.0, rel=1e-5)  # started from ln 10/7, not at the answer
    s = np.array([0.5, 2.0, 10.0])
    scale = np.array([1.0, 0.8, 0.6, 0.4, 0.2])  # expected curves: exp(-mu s scale_k)

    def cls(mu, rows):
        return np.exp(-mu * s[rows]), np.exp(-(mu * s[rows])[:, None] * scale[None, :])

    roots = solve_curves(cls, 0.1, s, mu_max=1e3)
    expected = math.log(10) / s[:, None] / np.concatenate([[1.0], scale])[None, :]
    np.testing.assert_allclose(roots, expected, rtol=1e-5)


def test_grid_crossing_is_exact_for_exponential_cls_and_refuses_no_bracket():
    mu = np.geomspace(0.1, 10, 13)
    root, err = grid_crossing(mu, np.exp(-2.0 * mu), 0.1)  # ln CLs linear in mu: the interpolation is exact
    assert root == pytest.approx(math.log(10) / 2.0, rel=1e-12) and err == 0.0
    assert math.isnan(grid_crossing(mu, np.exp(-1e-3 * mu), 0.1)[0])  # never below the level
    assert math.isnan(grid_crossing(mu, np.exp(-1e3 * mu), 0.1)[0])  # below it already at the first point


def test_grid_limits_extend_the_grid_until_every_curve_is_crossed():
    evaluated = []

    def evaluate(mu, index):
        evaluated.append(index)
        return {"cls": math.exp(-mu), "cls_exp": [math.exp(-mu * k) for k in (4.0, 2.0, 1.0, 0.5, 0.25)],
                "cls_err": 0.01}

    found = grid_limits(evaluate, 0.1, np.geomspace(1.0, 3.0, 5))  # the +2 sigma curve crosses at 9.2: outside
    assert found.obs == pytest.approx(math.log(10), rel=1e-12)
    np.testing.assert_allclose(found.exp, math.log(10) / np.array([4.0, 2.0, 1.0, 0.5, 0.25]), rtol=1e-12)
    assert len(found.rows) > 5 and evaluated == list(range(len(found.rows)))  # each new point the next index
    assert all(e > 0 for e in found.mc_err)


def test_a_grid_search_does_not_depend_on_the_order_its_points_are_evaluated():
    """GridSearch's rounds depend on the values only: evaluating each round's points backwards gives the same
    limits as grid_limits, and the grid is extended where a curve is not crossed."""
    from limits.stats.intervals import GridSearch, grid_limits

    def evaluate(mu, index):
        return {"cls": math.exp(-2.0 * mu), "cls_exp": [math.exp(-s * mu) for s in (4.0, 3.0, 2.0, 1.5, 1.0)]}

    forwards = grid_limits(evaluate, 0.1, np.geomspace(0.05, 0.3, 6))  # no curve crosses 0.1 yet: extended
    search = GridSearch(0.1, np.geomspace(0.05, 0.3, 6))
    rounds = 0
    while not search.done:
        for mu, index in search.pending[::-1]:
            search.add(mu, evaluate(mu, index))
        search.advance()
        rounds += 1
    backwards = search.result()
    assert rounds > 1 and len(backwards.rows) > 6
    assert (backwards.obs, backwards.exp) == (forwards.obs, forwards.exp)
    assert backwards.obs == pytest.approx(math.log(10) / 2.0, rel=0.05)  # linear in ln CLs: exact between points
