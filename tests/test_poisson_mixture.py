"""The tabulated Poisson mixture (limits.stats.poisson_mixture) against its definition, summed directly and with
math's own Poisson formula."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from limits.stats.poisson_mixture import K_MAX, PoissonMixture


def _reference(x: float, k: int, f: np.ndarray, w: np.ndarray) -> float:
    """sum_l w_l (x f_l)^k exp(-x f_l)/k!, term by term in the standard library."""
    return sum(wl * math.exp(k * math.log(x * fl) - x * fl - math.lgamma(k + 1)) if x * fl > 0 else wl * (k == 0)
               for fl, wl in zip(f.tolist(), w.tolist()))


def _gauss_hermite_factors(sigma_hi: float, sigma_lo: float) -> tuple[np.ndarray, np.ndarray]:
    """A channel's local nodes as the hybrid builds them: two normsys factors (1 + sigma)^alpha at 20 Gauss-Hermite
    nodes each (the exponential branch of code4, outside |alpha| < 1 too: any positive factors will do here)."""
    x, w = np.polynomial.hermite_e.hermegauss(20)
    w = w / math.sqrt(2 * math.pi)
    f = np.outer((1 + sigma_hi) ** x, (1 + sigma_lo) ** x).ravel()
    return f, np.outer(w, w).ravel()


def test_one_factor_is_the_poisson_distribution():
    mix = PoissonMixture(np.array([1.0]), np.array([1.0]))
    x = np.array([0.0, 1e-5, 0.3, 2.303, 17.0, 250.0])
    got = mix.pmf(x, 6)
    for i, xi in enumerate(x.tolist()):
        for k in range(7):
            expected = math.exp(-xi) * xi**k / math.factorial(k)
            assert got[i, k] == pytest.approx(expected, rel=1e-9, abs=1e-14)


@settings(max_examples=25, deadline=None)
@given(sigma_hi=st.floats(0.01, 0.4), sigma_lo=st.floats(0.01, 0.4), x=st.floats(1e-7, 3e4))
def test_the_table_equals_the_sum_over_the_nodes(sigma_hi, sigma_lo, x):
    f, w = _gauss_hermite_factors(sigma_hi, sigma_lo)
    got = PoissonMixture(f, w).pmf(np.array([x]), 8)[0]
    expected = np.array([_reference(x, k, f, w) for k in range(9)])
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-12)  # the module docstring's error bound


def test_measured_error_on_a_dense_grid_is_below_the_stated_bound():
    f, w = _gauss_hermite_factors(0.1, 0.05)  # NA64's efficiency and EOT systematics are of this size
    mix = PoissonMixture(f, w)
    x = np.geomspace(1e-6, 1e5, 20_000)
    np.testing.assert_allclose(mix.pmf(x, 6), mix.direct(x, 6), rtol=0, atol=1e-13)


def test_normalisation_and_mean():
    """sum_k P_k = sum_l w_l = 1 and sum_k k P_k = x sum_l w_l f_l (the mixture's mean)."""
    f, w = _gauss_hermite_factors(0.2, 0.1)
    for x in (0.01, 1.0, 7.0, 15.0):  # counts beyond K_MAX negligible (x f_max < 130)
        p = PoissonMixture(f, w).pmf(np.array([x]), K_MAX)[0]
        assert p.sum() == pytest.approx(1.0, abs=1e-12)
        assert (np.arange(K_MAX + 1) * p).sum() == pytest.approx(x * float(np.sum(w * f)), rel=1e-10)


def test_a_zero_factor_counts_at_zero_only():
    mix = PoissonMixture(np.array([0.0, 1.0]), np.array([0.25, 0.75]))
    p = mix.pmf(np.array([2.0]), 3)[0]
    np.testing.assert_allclose(p, [0.25 + 0.75 * math.exp(-2)] + [0.75 * math.exp(-2) * 2**k / math.factorial(k)
                                                                  for k in (1, 2, 3)], rtol=1e-10)


def test_beyond_the_table_large_counts_are_summed_directly():
    f, w = _gauss_hermite_factors(0.1, 0.1)
    mix = PoissonMixture(f, w)
    x = np.array([150.0])
    np.testing.assert_array_equal(mix.pmf(x, K_MAX + 5), mix.direct(x, K_MAX + 5))


def test_element_wise_and_independent_of_the_truncation():
    """A value does not depend on the other points evaluated with it, nor on how far the table was built."""
    f, w = _gauss_hermite_factors(0.15, 0.08)
    x = np.geomspace(1e-5, 3e3, 101)
    first = PoissonMixture(f, w)
    small = first.pmf(x, 2)
    alone = np.stack([first.pmf(x[i:i + 1], 2)[0] for i in range(x.size)])
    np.testing.assert_array_equal(small, alone)
    np.testing.assert_array_equal(first.pmf(x, 30)[:, :3], small)  # rebuilt further: the first columns unchanged


def test_bad_factors_are_refused():
    with pytest.raises(ValueError, match="factors"):
        PoissonMixture(np.array([-1.0]), np.array([1.0]))


def test_the_convolution_adds_in_numpys_order():
    """Issue 21: the count convolution adds its terms one by one below 8 terms (numpy's own order there) and uses
    np.sum above: bit for bit the sum numpy gives, at every count."""
    from limits.stats.hybrid import _convolve

    rng = np.random.default_rng(7)
    a, b = rng.random((50, 3, 12)), rng.random((50, 3, 12))
    expected = np.stack([np.sum(a[..., : r + 1] * b[..., r::-1][..., : r + 1], axis=-1) for r in range(12)], axis=-1)
    assert np.array_equal(_convolve(a, b, 11), expected)
