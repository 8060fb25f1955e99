"""Batched fits and toys against pyhf and the exact zero-count formula."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyhf
import pytest

from limits.stats.asymptotic import AsymptoticCalculator, BatchAsymptotic
from limits.stats.counting import code4, counting_model
from limits.stats.fit import BatchLikelihood, minimize
from limits.stats.pyhf_calculator import PyhfAsymptoticCalculator, cls_asymptotic, model_and_data
from limits.stats.toys import ToyCalculator
from limits.workspace.io import read_workspaces

WS = read_workspaces(Path(__file__).resolve().parents[1] / "workspaces" / "na64-2026" / "bl-unbroken")


def test_code4_equals_pyhf():
    alphas = np.linspace(-3, 3, 61)
    for hi, lo in ((1.1, 0.9), (1.3, 0.8), (1.04, 0.96)):
        interp = pyhf.interpolators.code4([[[[lo], [1.0], [hi]]]])
        ref = np.array([interp(np.array([[a]])) for a in alphas]).ravel()
        assert code4(alphas, hi, lo) == pytest.approx(ref, rel=1e-12)


def test_fits_match_pyhf_with_tight_tolerance():
    patch = WS.patchset["patches"][120]
    cm = counting_model(WS.bkg_only, patch)
    bm = BatchLikelihood(cm)
    a, m = bm.nominal_aux(1)
    cond = minimize(bm, bm.init(1, 0.3), cm.observed[None], a, m, fix_mu=True)
    free = minimize(bm, bm.init(1), cm.observed[None], a, m, fix_mu=False)
    model, data = model_and_data(WS.bkg_only, patch)
    pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer(tolerance=1e-12))
    try:
        _, cond_ref = pyhf.infer.mle.fixed_poi_fit(0.3, data, model, return_fitted_val=True)
        _, free_ref = pyhf.infer.mle.fit(data, model, return_fitted_val=True)
        o_ref, e_ref = cls_asymptotic(model, data, 0.3)
    finally:
        pyhf.set_backend("numpy", "scipy")
    assert cond.nll2[0] - free.nll2[0] == pytest.approx(float(cond_ref) - float(free_ref), rel=1e-6)
    obs, exp = BatchAsymptotic(cm, cm.signal[None]).cls(np.array([0.3]))
    assert obs[0] == pytest.approx(o_ref, rel=1e-6)
    assert exp[0] == pytest.approx(e_ref, rel=1e-6)


def test_toys_reproduce_exact_zero_count_formula(toy_workspace):
    # no systematics: CLs = exp(-mu S) exactly for the all-zero observation (inclusive tails)
    bkg, patch = toy_workspace([1, 1, 2, 0.5, 3], [0.1, 0.1, 0.2, 0.03, 0.1], unc=[0] * 5, syst=0)
    cm = counting_model(bkg, patch)
    vals = [ToyCalculator(cm, 5000, np.random.SeedSequence(s)).hypotest(0.3, 0) for s in range(4)]
    mean = np.mean([v["cls"] for v in vals])
    err = np.mean([v["cls_err"] for v in vals]) / 2  # four independent seeds
    assert mean == pytest.approx(math.exp(-0.3 * 7.5), abs=3 * err)


def test_toy_limit_close_to_exact_at_zero_counts(toy_workspace):
    bkg, patch = toy_workspace([1, 1, 2, 0.5, 3], [0.1, 0.1, 0.2, 0.03, 0.1], unc=[0] * 5, syst=0)
    calc = ToyCalculator(counting_model(bkg, patch), 4000, np.random.SeedSequence(2), n_grid=12)
    lim = calc.upper_limit(0.1)
    assert lim.mu_obs * 7.5 == pytest.approx(math.log(10), rel=0.05)


def test_toys_are_seeded(toy_workspace):
    bkg, patch = toy_workspace([1.0, 2.0], [0.2, 0.3])
    cm = counting_model(bkg, patch)
    a = ToyCalculator(cm, 500, np.random.SeedSequence(7)).hypotest(0.5, 0)
    b = ToyCalculator(cm, 500, np.random.SeedSequence(7)).hypotest(0.5, 0)
    c = ToyCalculator(cm, 500, np.random.SeedSequence(8)).hypotest(0.5, 0)
    assert a == b and a["cls"] != c["cls"]


@pytest.mark.slow
def test_toys_match_pyhf_toy_calculator(toy_workspace):
    # pyhf's ToyCalculator works with numpy < 2.4 (pinned); 2000 of its toys take ~1 min
    bkg, patch = toy_workspace([1.0, 2.0], [0.2, 0.3])
    model, data = model_and_data(bkg, patch)
    np.random.seed(1)
    ref = pyhf.infer.hypotest(0.6, data, model, test_stat="qtilde", calctype="toybased", ntoys=2000,
                              track_progress=False)
    ours = ToyCalculator(counting_model(bkg, patch), 20000, np.random.SeedSequence(1)).hypotest(0.6, 0)
    # pyhf with 2000 toys: sigma(CLs) ~ 0.01 at CLs ~ 0.15
    assert ours["cls"] == pytest.approx(float(ref), abs=0.025)


def test_asymptotic_calculator_equals_pyhf_calculator(toy_workspace):
    # the registry's two asymptotic calculators: ours (batched fits) and pyhf's own, on the same counting model
    bkg, patch = toy_workspace([1.0, 2.0, 0.5], [0.2, 0.3, 0.1])
    cm = counting_model(bkg, patch)
    mu = np.array([0.2, 0.5, 1.0])
    ours_obs, ours_exp = AsymptoticCalculator(cm).cls(mu)
    ref_obs, ref_exp = PyhfAsymptoticCalculator(cm).cls(mu)
    assert ours_obs == pytest.approx(ref_obs, rel=2e-4) and ours_exp == pytest.approx(ref_exp, rel=2e-3)
    assert ours_exp.shape == (3, 5) and np.all(np.diff(ours_exp, axis=1) >= 0)  # -2 sigma ... +2 sigma
