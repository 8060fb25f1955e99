"""The spey backend (issue 12): spey's own statistics on NA64's likelihood agree with ours."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

spey = pytest.importorskip("spey")  # the [test] extra installs it; `pip install 'limits[spey]'` for users

import limits  # noqa: E402
from limits.stats.asymptotic import AsymptoticCalculator  # noqa: E402

MASSES = [1.0, 300.0]  # below 2 m_e and above 2 m_mu (spey's own limit costs ~2 s a mass)


@pytest.fixture(scope="module")
def stat_models():
    warnings.simplefilter("ignore")
    backend = spey.get_backend("limits.na64")  # registered through the spey.backend.plugins entry point
    return [backend(analysis="na64-2026", model="bl-unbroken", mass_mev=m) for m in MASSES]


@pytest.fixture(scope="module")
def spey_limits(stat_models):
    """spey's own 90 % CL upper limit on mu of each model (its optimiser: ~2 s a mass, so computed once)."""
    return [m.poi_upper_limit(confidence_level=0.9) for m in stat_models]


def test_spey_upper_limit_equals_our_asymptotic_limit(stat_models, spey_limits):
    for model, theirs in zip(stat_models, spey_limits):
        ours = AsymptoticCalculator(model.backend.counts).upper_limit(0.1).mu_obs
        assert theirs == pytest.approx(ours, rel=1e-3)  # measured: 1.4e-5
        assert model.exclusion_confidence_level(poi_test=ours)[0] == pytest.approx(0.9, abs=1e-4)


def test_spey_limit_in_the_coupling_equals_our_scan(stat_models, spey_limits):
    res = limits.scan("na64-2026", "bl-unbroken", mass_mev=MASSES, method="asymptotic")
    couplings = [m.backend.coupling_for_mu(mu) for m, mu in zip(stat_models, spey_limits)]
    # spey's mu (1.4e-5 from ours) on the patch's mu(g) table (6 digits, spline: 4e-6 over a scan's 1200 limits)
    np.testing.assert_allclose(couplings, res.g_obs, rtol=1e-4)


def test_toys_follow_numpy_global_seed(stat_models):
    """spey has no seed argument and its own backends draw from numpy's global state; so do ours: np.random.seed
    makes the toys reproducible, and Poisson means match the expected counts."""
    model = stat_models[0].backend
    pars = model.config().suggested_init
    sampler = model.get_sampler(np.asarray(pars))
    np.random.seed(7)
    first = sampler(2000)
    np.random.seed(7)
    np.testing.assert_array_equal(sampler(2000), first)
    expected = np.asarray(model.expected_data(pars))
    n = model.n_main
    np.testing.assert_allclose(first[:, :n].mean(axis=0), expected[:n], rtol=0.1, atol=0.1)
