"""limits.numerics against scipy (the functions it replaces on the scan's path): equal to rounding."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.interpolate
import scipy.special

from limits.numerics import CubicSpline, log_gamma, normal_cdf


def test_normal_cdf_is_ndtr_in_both_tails():
    x = np.concatenate([np.linspace(-37, 8, 2001), [-np.inf, np.inf, 0.0]])
    # rtol: both evaluate erfc at |x|/sqrt 2; the last bit of that argument moves erfc far in the tail by ~2 z^2 eps
    np.testing.assert_allclose(normal_cdf(x), scipy.special.ndtr(x), rtol=2e-13, atol=0)
    assert normal_cdf(-40.0) == 0.0 and normal_cdf(9.0) == 1.0
    assert np.isnan(normal_cdf(np.nan))


def test_log_gamma_is_gammaln():
    x = np.concatenate([np.geomspace(1e-6, 1e6, 500), np.arange(1.0, 200.0)])
    np.testing.assert_allclose(log_gamma(x), scipy.special.gammaln(x), rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 12, 321])
def test_cubic_spline_is_scipys_not_a_knot(n):
    rng = np.random.default_rng(n)
    x = np.sort(rng.uniform(-20, 3, n))
    y = np.stack([np.sin(x), np.exp(0.1 * x), rng.normal(size=n)], axis=1)
    ours, theirs = CubicSpline(x, y), scipy.interpolate.CubicSpline(x, y, axis=0)
    np.testing.assert_allclose(ours.c, theirs.c, rtol=1e-9, atol=1e-9 * np.abs(theirs.c).max())
    xi = np.linspace(x[0] - 0.5, x[-1] + 0.5, 777)  # inside and beyond the knots
    np.testing.assert_allclose(ours(xi), theirs(xi), rtol=1e-10, atol=1e-10 * np.abs(y).max())
    one = CubicSpline(x, y[:, 0])
    assert one(xi).shape == xi.shape and one(1.0).shape == ()
