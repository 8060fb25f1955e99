"""The committed results (results/<analysis>/<model>/) are current: same inputs, and the same numbers when re-run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from limits.analysis.definition import builtin_pairs, get_analysis
from limits.physics.models import get_model
from limits.stats.scan import ScanConfig, run_scan

PAIRS = builtin_pairs()


def _config(analysis: str, model: str, masses) -> ScanConfig:
    return ScanConfig(get_analysis(analysis), get_model(model), "exact", 0.9, tuple(float(m) for m in masses),
                      False, 10_000, 0, False)


@pytest.mark.parametrize(("analysis", "model"), PAIRS)
def test_committed_results_are_current(analysis, model, tmp_path):
    directory = Path("results") / analysis / model
    doc = json.loads((directory / "limits.json").read_text())
    assert {"limits.csv", "exclusion.png"} <= {p.name for p in directory.iterdir()}
    masses = get_analysis(analysis).default_masses_mev()
    # every input (analysis, runs, model, method, masses, package version, table checksums) unchanged ...
    assert doc["inputs_digest"] == _config(analysis, model, masses).digest(), "rerun `limits scan --all`"
    assert dict(get_analysis(analysis).assumptions) == doc["assumptions"]
    # ... and the code still gives the same numbers (three masses re-run)
    pick = [0, len(masses) // 2, len(masses) - 1]
    fresh = run_scan(_config(analysis, model, masses[pick]), tmp_path)["points"]
    for i, point in zip(pick, fresh):
        stored = doc["points"][i]
        assert point["g_obs"] == pytest.approx(stored["g_obs"], rel=1e-9)
        assert np.allclose(point["g_exp"], stored["g_exp"], rtol=1e-9)
