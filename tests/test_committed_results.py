"""The committed results (results/<analysis>/<model>/) are current: same inputs, and the same numbers when re-run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from limits.analysis.definition import builtin_pairs, get_analysis
from limits.physics.models import get_model
from limits.scan.config import ScanConfig
from limits.scan.result import ScanResult
from limits.scan.run import run_scan

PAIRS = builtin_pairs()
RESULTS = Path(__file__).resolve().parents[1] / "results"


def _config(analysis: str, model: str, masses) -> ScanConfig:
    return ScanConfig(analysis=get_analysis(analysis), model=get_model(model), masses_mev=tuple(masses))


@pytest.mark.parametrize(("analysis", "model"), PAIRS)
def test_committed_results_are_current(analysis, model):
    directory = RESULTS / analysis / model
    doc = json.loads((directory / "limits.json").read_text())
    assert {"limits.csv", "exclusion.png"} <= {p.name for p in directory.iterdir()}
    masses = get_analysis(analysis).default_masses_mev()
    # every input (analysis, runs, model, method, masses, package version, table checksums) unchanged ...
    assert doc["inputs_digest"] == _config(analysis, model, masses).digest(), "rerun `limits scan --all`"
    assert dict(get_analysis(analysis).assumptions) == doc["assumptions"]
    # ... and the code still gives the same numbers (three masses re-run)
    pick = [0, len(masses) // 2, len(masses) - 1]
    fresh = run_scan(_config(analysis, model, masses[pick]))
    stored = ScanResult.from_json(directory / "limits.json")  # null (no exclusion) as NaN
    np.testing.assert_allclose(fresh.g_obs, stored.g_obs[pick], rtol=1e-9)
    np.testing.assert_allclose(fresh.g_exp, stored.g_exp[pick], rtol=1e-9)  # NaN where neither excludes


@pytest.mark.parametrize(("analysis", "model"), PAIRS)
def test_committed_limits_json_round_trips(analysis, model):
    """ScanResult.from_json reads every committed limits.json, and to_json writes it back byte for byte."""
    path = RESULTS / analysis / model / "limits.json"
    result = ScanResult.from_json(path)
    assert result.analysis == analysis and result.model == model and result.g_exp.shape == (len(result), 5)
    assert json.dumps(result.to_document(), indent=1, sort_keys=True) + "\n" == path.read_text()
    assert (RESULTS / analysis / model / "limits.csv").read_text() == result.csv_text()
