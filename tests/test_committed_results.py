"""The committed results (results/<analysis>/<model>/): current, and right where an independent number says so.

Two kinds of test live here (docs/testing.md, "Change detectors"):

- change detectors (``@pytest.mark.change_detector``): the committed files were made from today's inputs (same
  ``inputs_digest``) and today's code gives the same numbers at three masses, within :data:`CROSS_MACHINE_RTOL`.
  A failure says "regenerate with `limits scan --all`", not "wrong".
- independent checks: every committed limit against a number this code does not make: the hybrid CLs limit on the
  total signal at zero observed events, ln 10 = 2.3026 events corrected to second order for the signal systematics.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from limits.analysis.definition import builtin_pairs, get_analysis
from limits.physics.models import get_model
from limits.scanning.config import ScanConfig
from limits.scanning.result import ScanResult
from limits.scanning.run import run_scan

PAIRS = builtin_pairs()
RESULTS = Path(__file__).resolve().parents[1] / "results"

CROSS_MACHINE_RTOL = 2e-5
"""How far a limit may move on another CPU or numpy build. The inputs are bit-identical everywhere (canonical masses,
decimal coupling grid), but numpy's exp/log take CPU-dependent SIMD paths, so the physics differs in the last bit
(~1e-16). That can change which step the mu root finder takes last; it stops when the bracket in ln mu is below 1e-5
(``limits.stats.roots``), so mu_up, and g_up ~ sqrt(mu_up), may land anywhere inside that last bracket: within 1e-5
relative, 2e-5 allowing for both the observed and the band solve. Anything larger is a change of the code or inputs."""


def _config(analysis: str, model: str, masses) -> ScanConfig:
    return ScanConfig(analysis=get_analysis(analysis), model=get_model(model), masses_mev=tuple(masses))


@pytest.mark.change_detector
@pytest.mark.parametrize(("analysis", "model"), PAIRS)
def test_committed_results_are_current(analysis, model):
    directory = RESULTS / analysis / model
    doc = json.loads((directory / "limits.json").read_text())
    assert {"limits.csv", "exclusion.png"} <= {p.name for p in directory.iterdir()}
    masses = get_analysis(analysis).default_masses_mev()
    # every input (analysis, runs, model document, method, masses, package version, table checksums) unchanged: the
    # digest is of canonical input text only, so it is the same on every machine
    assert doc["inputs_digest"] == _config(analysis, model, masses).digest(), "rerun `limits scan --all`"
    assert dict(get_analysis(analysis).assumptions) == doc["assumptions"]
    assert doc["model_document"] == get_model(model).document
    # ... and the code still gives the same numbers (three masses re-run), to the cross-machine tolerance
    pick = [0, len(masses) // 2, len(masses) - 1]
    fresh = run_scan(_config(analysis, model, masses[pick]))
    stored = ScanResult.from_json(directory / "limits.json")  # null (no exclusion) as NaN
    np.testing.assert_allclose(fresh.g_obs, stored.g_obs[pick], rtol=CROSS_MACHINE_RTOL)
    np.testing.assert_allclose(fresh.g_exp, stored.g_exp[pick], rtol=CROSS_MACHINE_RTOL)  # NaN where neither excludes


@pytest.mark.change_detector
@pytest.mark.parametrize(("analysis", "model"), PAIRS)
def test_committed_limits_json_round_trips(analysis, model):
    """ScanResult.from_json reads every committed limits.json, and to_json writes it back byte for byte (no
    computation between: reading and formatting stored numbers is exact on every machine). A change of the file
    format (a new field) fails here until `limits scan --all` rewrites the files."""
    path = RESULTS / analysis / model / "limits.json"
    result = ScanResult.from_json(path)
    assert result.analysis == analysis and result.model == model and result.g_exp.shape == (len(result), 5)
    assert json.dumps(result.to_document(), indent=1, sort_keys=True) + "\n" == path.read_text()
    assert (RESULTS / analysis / model / "limits.csv").read_text() == result.csv_text()


def _hybrid_events_at_zero_counts(relative_sigma2: float, cl: float = 0.9) -> float:
    """The hybrid CLs limit on the total signal S when every run observes 0 events, independent of the backgrounds:
    CLs = E[exp(-S X)] = 1 - CL, X the product of the signal's normsys factors (mean 1, relative variance sigma^2).
    Without systematics S = ln(1/(1 - CL)) = ln 10 at 90 % CL; to second order in sigma,
    E[exp(-S X)] = exp(-S) (1 + S^2 sigma^2 / 2), so S = ln 10 + ln(1 + (ln 10)^2 sigma^2 / 2)."""
    s0 = math.log(1.0 / (1.0 - cl))
    return s0 + math.log1p(s0**2 * relative_sigma2 / 2.0)


@pytest.mark.parametrize(("analysis", "model"), PAIRS)
def test_committed_limits_exclude_the_analytic_number_of_events(analysis, model):
    """At each committed limit, the expected total signal S(m, g_obs) from the yields equals the analytic hybrid
    limit on S (0.5 % tolerance: the third-order term (ln 10)^3 sigma^3 / 6 is < 0.3 %, and code4's exponential
    interpolation moves the mean of X by ~0.1 %; measured: 0.15 %)."""
    a, m = get_analysis(analysis), get_model(model)
    assert all(float(r.observed) == 0 for r in a.runs)  # NA64 observed no event in any run (PRL 129, 2606.17320)
    result = ScanResult.from_json(RESULTS / analysis / model / "limits.json")
    ok = result.ok
    masses, g_obs = result.mass_mev[ok], result.g_obs[ok]
    per_run = a.signal(m, masses, g_obs)
    fractions = per_run / per_run.sum(axis=1, keepdims=True)
    # relative variance of X: the correlated signal-yield normsys and, per run, efficiency and EOT (uncorrelated
    # between runs, so weighted by the run's share of the signal)
    per_run_var = np.array([r.efficiency_uncertainty_at(10.0) ** 2 + r.eot_uncertainty**2 for r in a.runs])
    # the signal-yield normsys: one per name (a combination's beams may have their own), on the runs it acts on
    groups = [a.signal_yield_of(r) for r in a.runs]
    sigma2 = (fractions**2 * per_run_var).sum(axis=1)
    for name in dict.fromkeys(n for n, _ in groups):
        share = fractions[:, [n == name for n, _ in groups]].sum(axis=1)
        sigma2 = sigma2 + (share * next(v for n, v in groups if n == name)) ** 2
    expected = np.array([_hybrid_events_at_zero_counts(v, result.cl) for v in sigma2])
    assert ok.sum() > 100  # most masses have a limit
    np.testing.assert_allclose(per_run.sum(axis=1), expected, rtol=0.005)
