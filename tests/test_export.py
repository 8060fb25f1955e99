"""Exports for recasting tools: DarkCast .lmt, CSV of every interval, YAML (issue 12, part 3)."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

import limits
from limits.publish.export import DARKCAST_NO_LIMIT, darkcast_text, intervals_csv_text, yaml_text

RESULTS = Path(__file__).resolve().parents[1] / "results"


def read_lmt(text: str) -> tuple[np.ndarray, list[list[tuple[float, float]]]]:
    """A reader written from DarkCast's documented .lmt format: '#' comments, whitespace columns, the mass in GeV, then
    the lower (and, two-sided, upper) coupling of each excluded interval; 1e5 marks no limit."""
    rows = [[float(x) for x in line.split("#")[0].split()] for line in text.splitlines() if line.split("#")[0].strip()]
    masses = np.array([r[0] for r in rows])
    pairs = [list(zip(r[1::2], r[2::2])) if len(r) > 2 else [(r[1], math.inf)] for r in rows]
    return masses, [[(lo, math.inf if hi >= DARKCAST_NO_LIMIT else hi) for lo, hi in p if lo < DARKCAST_NO_LIMIT]
                    for p in pairs]


def _island_result() -> limits.ScanResult:
    """A hand-made result: an open exclusion, an island above a bounded interval, and a mass without exclusion."""
    points = (
        {"mass_mev": 1.0, "g_obs": 1e-5, "g_exp": [1e-5] * 5, "mu_obs": 0.2, "s_obs": 2.3, "status": "ok",
         "excluded_intervals_obs": [[1e-5, None]]},
        {"mass_mev": 300.0, "g_obs": 2e-4, "g_exp": [2e-4] * 5, "mu_obs": 0.2, "s_obs": 2.3, "status": "ok",
         "excluded_intervals_obs": [[2e-4, 3e-3], [5e-2, None]]},
        {"mass_mev": 900.0, "g_obs": None, "g_exp": [None] * 5, "mu_obs": 0.2, "s_obs": 2.3,
         "status": "no_exclusion", "excluded_intervals_obs": []},
    )
    return limits.ScanResult(analysis="a", model="m", coupling="g", method="exact", cl=0.9, stat_only=False, seed=0,
                             ntoys=None, expected_bands="-", inputs_digest="0" * 64, assumptions={},
                             versions={"limits": "0", "pyhf": "0", "numpy": "0", "scipy": "0"}, points=points)


def test_darkcast_file_reads_back_with_every_interval():
    res = _island_result()
    masses, intervals = read_lmt(darkcast_text(res))
    np.testing.assert_allclose(masses, res.mass_mev * 1e-3)
    assert intervals == [[(1e-5, math.inf)], [(2e-4, 3e-3), (5e-2, math.inf)], []]


def test_committed_scan_exports_its_limit():
    res = limits.ScanResult.from_json(RESULTS / "na64-2026" / "bl-unbroken")
    masses, intervals = read_lmt(darkcast_text(res))
    np.testing.assert_allclose(masses * 1e3, res.mass_mev, rtol=1e-6)
    np.testing.assert_allclose([iv[0][0] for iv in intervals], res.g_obs, rtol=1e-6)  # the file's 7 digits


def test_csv_and_yaml_carry_every_interval():
    res = _island_result()
    rows = list(csv.DictReader(io.StringIO(intervals_csv_text(res))))
    assert [(r["mass_mev"], r["interval"], r["g_lower"], r["g_upper"]) for r in rows] == [
        ("1.0", "0", "1e-05", "inf"), ("300.0", "0", "0.0002", "0.003"), ("300.0", "1", "0.05", "inf"),
        ("900.0", "", "", "")]
    doc = yaml.safe_load(yaml_text(res))
    assert doc["points"][1]["excluded_intervals"] == [[2e-4, 3e-3], [5e-2, math.inf]]
    assert doc["points"][2]["g_obs"] is None


def test_export_cli(run_cli, tmp_path):
    code, out, _ = run_cli("export", "--results", str(RESULTS / "na64-2022" / "bl-unbroken"))
    assert code == 0 and out.startswith("# NA64 na64-2022")
    code, _, err = run_cli("export", "--results", str(RESULTS / "na64-2022" / "bl-unbroken"), "--format", "yaml",
                           "--out", str(tmp_path / "x.yaml"))
    assert code == 0 and yaml.safe_load((tmp_path / "x.yaml").read_text())["analysis"] == "na64-2022"
    code, _, err = run_cli("export", "--results", str(tmp_path / "nope"))
    assert code == 2 and "--results" in err and err.count("\n") == 1


def test_python_export_equals_the_cli(tmp_path, run_cli):
    """limits.export is what `limits export` writes (the CLI is a layer over it); an unknown format is a typed
    error naming the field."""
    source = RESULTS / "na64-2026" / "lmu-ltau"
    out = tmp_path / "NA64.lmt"
    text = limits.export(source, "darkcast", out)
    assert out.read_text() == text == darkcast_text(limits.ScanResult.from_json(source))
    cli_out = tmp_path / "cli.lmt"
    code, _, _ = run_cli("export", "--results", str(source), "--format", "darkcast", "--out", str(cli_out))
    assert code == 0 and cli_out.read_text() == text
    with pytest.raises(limits.InputError, match="darkcast") as err:
        limits.export(source, "root")
    assert err.value.field == "fmt"  # the Python parameter
