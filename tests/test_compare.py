"""limits compare: ratio of a scan to a published curve."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from limits.physics.models import get_model
from limits.reference.curves import load_reference, reference_names
from limits.scanning.result import ScanResult


def test_reference_curves_registered_with_provenance():
    names = reference_names()
    assert {"na64-prl129-2022-bl-unbroken", "na64-prl123-2019-dark-photon"} <= set(names)
    for name in names:
        ref = load_reference(name)
        entry, m, g = ref.entry, ref.mass_mev, ref.coupling
        assert entry["source"] and entry["cl"] == 0.9 and len(m) == entry["points"]
        assert np.all(np.diff(m) > 0) and np.all(g > 0)
    m = load_reference("na64-prl129-2022-bl-unbroken").mass_mev
    # MeV; the polygon-closing row is gone
    assert m[0] == pytest.approx(1.0365e-3, rel=1e-3) and m[-1] == pytest.approx(631.4, rel=1e-3)


def test_compare_identity(run_cli, tmp_path):
    # a results file that *is* the published curve gives ratio 1 everywhere
    ref = load_reference("na64-prl129-2022-bl-unbroken")
    points = tuple({"mass_mev": float(a), "g_obs": float(b), "g_exp": [float(b)] * 5, "mu_obs": 1.0, "s_obs": 2.3,
                    "status": "ok"} for a, b in zip(ref.mass_mev, ref.coupling))
    ScanResult(analysis="na64-2022", model="bl-unbroken", coupling="g", method="exact", cl=0.9, stat_only=False,
               seed=0, ntoys=None, expected_bands="-", inputs_digest="0" * 64, assumptions={},
               versions={"limits": "0", "pyhf": "0", "numpy": "0", "scipy": "0"}, points=points,
               model_document=get_model("bl-unbroken").document).to_json(tmp_path / "limits.json")
    code, out, err = run_cli("compare", "--results", str(tmp_path), "--reference", "na64-prl129-2022-bl-unbroken",
                             "--format", "json", "--plot", str(tmp_path / "c.png"))
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 38 and all(r["ratio"] == pytest.approx(1.0) for r in rows)
    assert "max |ratio-1| 0.0000" in err and (tmp_path / "c.png").is_file()


def test_compare_bad_input(run_cli, tmp_path):
    code, _, err = run_cli("compare", "--results", str(tmp_path), "--reference", "na64-prl129-2022-bl-unbroken")
    assert code == 2 and "--results" in err and err.count("\n") == 1
    (tmp_path / "limits.json").write_text("{}")  # not a scan result: named field, one line
    code, _, err = run_cli("compare", "--results", str(tmp_path), "--reference", "na64-prl129-2022-bl-unbroken")
    assert code == 2 and "--results" in err and "required property" in err and err.count("\n") == 1
    (tmp_path / "limits.json").write_text("{")
    code, _, err = run_cli("compare", "--results", str(tmp_path), "--reference", "na64-prl129-2022-bl-unbroken")
    assert code == 2 and "not valid JSON" in err
    code, _, err = run_cli("compare", "--results", str(tmp_path), "--reference", "nope")
    assert code == 2 and "--reference" in err


def test_compare_refuses_a_curve_of_another_scan(run_cli):
    """Issue 14: a g result against an epsilon curve, or 2026 data against a 2022 curve, is refused (exit 2, one
    line naming --reference and what differs); --force compares anyway; --list shows the curves."""
    root = Path(__file__).resolve().parents[1] / "results"
    code, out, err = run_cli("compare", "--results", str(root / "na64-2026" / "bl-unbroken"),
                             "--reference", "na64-prl129-2022-bl-unbroken")
    assert code == 2 and err.count("\n") == 1 and "--reference" in err and "na64-2026" in err and not out
    code, _, err = run_cli("compare", "--results", str(root / "na64-2022" / "bl-unbroken"),
                           "--reference", "na64-prl123-2019-dark-photon")
    assert code == 2 and "coupling 'g' vs 'epsilon'" in err
    code, out, _ = run_cli("compare", "--results", str(root / "na64-2026" / "bl-unbroken"),
                           "--reference", "na64-prl129-2022-bl-unbroken", "--force")
    assert code == 0 and out
    code, out, _ = run_cli("compare", "--list", "--format", "csv")
    assert code == 0 and out.count("\n") == 4 and "na64-prd97-2018-dark-photon" in out
