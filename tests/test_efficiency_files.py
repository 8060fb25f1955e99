"""Per-run efficiency tables from CSV files (issue 11, analyst inputs)."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import numpy as np
import pytest
import yaml

import limits
from limits.analysis.runs import load_runs
from limits.io.files import yaml_load


def _runs_with_file(tmp_path, csv_text: str, name: str = "eff_I.csv"):
    """The shipped runs.yaml with run I's efficiency read from ``name`` (written beside it)."""
    doc = yaml_load(resources.files("limits.data").joinpath("runs.yaml").read_text())
    doc["runs"]["I"]["efficiency"] = {"file": name, "status": "derived", "source": "test simulation"}
    (tmp_path / name).write_text(csv_text)
    path = tmp_path / "runs.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


CSV = "mass_mev,efficiency,rel_uncertainty\n0.5,0.40,0.05\n10,0.50,0.03\n1000,0.60,0.08\n"


def test_efficiency_file_is_read_interpolated_and_recorded(tmp_path):
    runs = _runs_with_file(tmp_path, CSV)
    run = load_runs(runs)["I"]
    # linear in log(mass) between rows: at sqrt(0.5*10) MeV halfway between 0.40 and 0.50
    assert run.efficiency_at(np.sqrt(0.5 * 10)) == pytest.approx(0.45)
    assert run.efficiency_uncertainty_at(10.0) == pytest.approx(0.03)
    analysis = limits.get_analysis("na64-2022", runs=runs)
    res = limits.scan(analysis, "bl-unbroken", mass_mev=[1.0, 100.0])
    digest = hashlib.sha256((tmp_path / "eff_I.csv").read_bytes()).hexdigest()
    assert res.input_files == {"runs.I.efficiency": {"file": "eff_I.csv", "sha256": digest}}
    back = limits.ScanResult.from_json(res.to_json(tmp_path / "limits.json"))
    assert back.input_files == res.input_files
    # the per-mass uncertainty reaches the workspace: normsys eff_I at 10 MeV is 1 +- 0.03
    ws = limits.workspaces(analysis, "bl-unbroken", mass_mev=[10.0])
    mods = {m["name"]: m for m in ws.patchset["patches"][0]["patch"][0]["value"]["modifiers"]}
    assert mods["eff_I"]["data"] == {"hi": 1.03, "lo": 0.97}


def test_the_file_enters_the_digest(tmp_path):
    a = limits.scan(limits.get_analysis("na64-2022", runs=_runs_with_file(tmp_path, CSV)), "bl-unbroken",
                    mass_mev=[1.0])
    b = limits.scan(limits.get_analysis("na64-2022", runs=_runs_with_file(tmp_path, CSV.replace("0.40", "0.41"))),
                    "bl-unbroken", mass_mev=[1.0])
    assert a.inputs_digest != b.inputs_digest and b.g_obs[0] < a.g_obs[0]  # more efficiency, stronger limit


@pytest.mark.parametrize("text, words", [
    ("mass,eff\n1,0.5\n", "header"),
    ("mass_mev,efficiency\n1,1.5\n", "line 2"),
    ("mass_mev,efficiency\n1,0\n", "efficiency 0 is outside"),
    ("mass_mev,efficiency\n10,0.5\n1,0.5\n", "sort the rows"),
    ("mass_mev,efficiency\n1,abc\n", "not a number"),
    ("mass_mev,efficiency,rel_uncertainty\n1,0.5\n", "columns"),
    ("mass_mev,efficiency\n", "no rows"),
])
def test_bad_files_are_one_line_errors(tmp_path, run_cli, text, words):
    runs = _runs_with_file(tmp_path, text)
    with pytest.raises(limits.InputError, match=words):
        load_runs(runs)
    code, out, err = run_cli("scan", "--analysis", "na64-2022", "--runs", str(runs), "--out", str(tmp_path / "o"))
    assert code == 2 and err.count("\n") == 1 and "runs.I.efficiency" in err and words.split()[0] in err
    assert not (tmp_path / "o").exists()


def test_a_scan_must_stay_inside_the_table(tmp_path, run_cli):
    runs = _runs_with_file(tmp_path, "mass_mev,efficiency\n1,0.5\n100,0.5\n")
    with pytest.raises(limits.InputError, match="eff_I.csv"):
        limits.scan(limits.get_analysis("na64-2022", runs=runs), "bl-unbroken", mass_mev=[0.5])
    code, _, err = run_cli("scan", "--analysis", "na64-2022", "--runs", str(runs), "--masses", "0.5,10",
                           "--out", str(tmp_path / "o"))
    assert code == 2 and "1-100 MeV" in err and not (tmp_path / "o").exists()
    json.dumps(limits.scan(limits.get_analysis("na64-2022", runs=runs), "bl-unbroken", mass_mev=[2.0]).to_document())
