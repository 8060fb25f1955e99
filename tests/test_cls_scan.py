"""Issue 20: a scan returns, on request, the CLs each mass's limits were solved from (pyhf's ``return_results``)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import limits
from limits.scanning.config import ScanConfig
from limits.scanning.run import run_scan

MASSES = [1.0, 20.0, 300.0]


def test_stat_only_cls_is_the_zero_count_poisson_probability():
    # no systematics and zero observed events: CLs(mu) = P(0 | mu S + b)/P(0 | b) = exp(-mu S) exactly, S the
    # patch's total signal (s_obs / mu_obs); its root is mu S = ln 10 at 90 % CL
    res = limits.scan("na64-2026", "bl-unbroken", mass_mev=MASSES, stat_only=True, return_cls=True)
    for point, scan in zip(res.points, res.cls_scans):
        assert scan is not None and scan.mu.size >= 31
        s_ref = point.s_obs / point.mu_obs
        # to the nuisance table's accuracy (1e-13 absolute, limits.stats.poisson_mixture)
        np.testing.assert_allclose(scan.cls_obs, np.exp(-scan.mu * s_ref), rtol=1e-10, atol=1e-13)
        assert point.mu_obs * s_ref == pytest.approx(np.log(10.0), rel=1e-8)


@pytest.mark.parametrize("method", ["hybrid", "asymptotic"])
def test_each_limit_is_a_point_of_its_scan_where_cls_is_one_minus_cl(method):
    res = limits.scan("na64-2026", "bl-unbroken", mass_mev=MASSES, method=method, return_cls=True)
    for point, scan in zip(res.points, res.cls_scans):
        assert np.all(np.diff(scan.mu) > 0) and np.all(np.diff(scan.cls_obs) <= 0)  # CLs falls with mu
        assert scan.mu[0] < min(point.mu_obs, *point.mu_exp) and scan.mu[-1] > max(point.mu_obs, *point.mu_exp)
        at = list(scan.mu).index(point.mu_obs)
        assert scan.cls_obs[at] == pytest.approx(0.1, abs=1e-6)
        for k, mu_k in enumerate(point.mu_exp):
            assert scan.cls_exp[list(scan.mu).index(mu_k), k] == pytest.approx(0.1, abs=1e-6)
        assert not scan.mu.flags.writeable and not scan.cls_exp.flags.writeable


def test_toys_return_the_grid_points_their_limits_were_interpolated_from():
    res = limits.scan("na64-2026", "bl-unbroken", mass_mev=[20.0], method="toys", ntoys=300, return_cls=True)
    point, scan = res.points[0], res.cls_scans[0]
    assert scan.mu.size == point.facts["mu_grid_points"]
    # the observed limit lies in the segment where the (monotonised) CLs points cross 1 - CL
    falling = np.minimum.accumulate(scan.cls_obs)
    i = int(np.nonzero(falling < 0.1)[0][0])
    assert scan.mu[i - 1] <= point.mu_obs <= scan.mu[i]


def test_asking_for_the_scans_changes_no_limit_and_no_file(tmp_path):
    plain = limits.scan("na64-2026", "dark-photon", mass_mev=MASSES)
    with_cls = limits.scan("na64-2026", "dark-photon", mass_mev=MASSES, return_cls=True)
    assert plain.cls_scans == (None,) * len(MASSES)
    assert plain.inputs_digest == with_cls.inputs_digest
    assert plain.to_document() == with_cls.to_document()
    assert "cls_scan" not in json.dumps(with_cls.to_document())


def test_a_resumed_scan_computes_the_scans_its_checkpoints_lack(tmp_path):
    analysis, model = limits.get_analysis("na64-2026"), limits.get_model("bl-unbroken")
    masses = tuple(np.geomspace(1.0, 500.0, 25))  # two hybrid tasks: two checkpoint files
    run_scan(ScanConfig(analysis=analysis, model=model, masses_mev=masses), checkpoint_dir=tmp_path)
    assert len(list(tmp_path.rglob("*.json"))) == 2
    resumed = run_scan(ScanConfig(analysis=analysis, model=model, masses_mev=masses, return_cls=True),
                       checkpoint_dir=tmp_path)
    assert all(scan is not None for scan in resumed.cls_scans)
    again = run_scan(ScanConfig(analysis=analysis, model=model, masses_mev=masses, return_cls=True),
                     checkpoint_dir=tmp_path)  # now from checkpoints that keep them
    assert all(a.same_as(b) for a, b in zip(resumed.points, again.points))
    assert all(a.same_as(b) for a, b in zip(resumed.cls_scans, again.cls_scans))
