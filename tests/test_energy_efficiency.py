"""Issue 24: an efficiency in mass and energy (E_ECAL = E0 - E_Z'), applied inside the yield integrals."""

from __future__ import annotations

import hashlib
from importlib import resources

import numpy as np
import pytest
import yaml

import limits
from limits.analysis.runs import load_runs
from limits.errors import InputError
from limits.io.files import yaml_load
from limits.physics.models import get_model
from limits.physics.setup import Setup
from limits.physics.yields import yield_per_eot

MASSES_MEV = (1.0, 10.0, 100.0, 250.0, 500.0)


def _grid_csv(efficiency_of_e_ecal, energies=(0.0, 29.75, 30.25, 100.0), masses=MASSES_MEV) -> str:
    rows = ["mass_mev,e_ecal_gev,efficiency"]
    rows += [f"{m},{e},{efficiency_of_e_ecal(e)}" for m in masses for e in energies]
    return "\n".join(rows) + "\n"


def _runs_with_grid(tmp_path, csv_text: str, run: str = "I"):
    doc = yaml_load(resources.files("limits.data").joinpath("runs.yaml").read_text())
    doc["runs"][run]["efficiency"] = {"file": "eff.csv", "status": "derived", "source": "test simulation"}
    (tmp_path / "eff.csv").write_text(csv_text)
    path = tmp_path / "runs.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.mark.parametrize("model", ["bl-unbroken", "dark-photon"])
def test_an_efficiency_that_vanishes_above_an_ecal_energy_is_a_harder_cut(model):
    """An efficiency of 1 below E_ECAL = 30 GeV and 0 above it (the step between the fold's bin centres 29.75 and
    30.25 GeV) keeps exactly the Z' with E_Z' > 70 GeV: the yield equals the fold made with the cut at 70 GeV (an
    independent path: the cut chooses the lepton and Z' energies the fold integrates over)."""
    m = get_model(model)
    masses_gev = np.array([0.001, 0.01, 0.1, 0.25, 0.3])
    step = Setup(ecal_resolution=(0.0, 0.0))
    table = np.array([[1.0, 1.0, 0.0, 0.0]] * 2)

    def efficiency(mass_gev, e_zprime_gev):
        from limits.analysis.efficiency import grid_efficiency

        return grid_efficiency(mass_gev * 1e3, 100.0 - e_zprime_gev, (0.001, 1000.0), (0.0, 29.75, 30.25, 100.0),
                               table)

    with_step = yield_per_eot(m, masses_gev, 1e-4, step, efficiency=efficiency)
    harder = yield_per_eot(m, masses_gev, 1e-4, step.replace(ecut_gev=70.0))
    assert with_step.brem == pytest.approx(harder.brem, rel=1e-10)
    # the annihilation fold tabulates masses 0.25 MeV apart from a lowest mass that depends on the cut: the two folds
    # interpolate between different mass nodes (1e-5 apart here)
    assert with_step.annihilation == pytest.approx(harder.annihilation, rel=1e-4, abs=1e-300)
    assert with_step.total == pytest.approx(harder.total, rel=1e-4)


def test_a_grid_flat_in_energy_is_the_mass_only_efficiency(tmp_path):
    grid = _runs_with_grid(tmp_path, _grid_csv(lambda e: 0.6))
    flat = limits.scan(limits.get_analysis("na64-2026", runs=grid), "bl-unbroken", mass_mev=[1.0, 100.0, 300.0])
    doc = yaml_load(resources.files("limits.data").joinpath("runs.yaml").read_text())
    doc["runs"]["I"]["efficiency"] = {"value": 0.6, "status": "derived", "source": "test"}
    (tmp_path / "mass_only.yaml").write_text(yaml.safe_dump(doc))
    mass_only = limits.scan(limits.get_analysis("na64-2026", runs=tmp_path / "mass_only.yaml"), "bl-unbroken",
                            mass_mev=[1.0, 100.0, 300.0])
    assert flat.g_obs == pytest.approx(mass_only.g_obs, rel=1e-9)
    digest = hashlib.sha256((tmp_path / "eff.csv").read_bytes()).hexdigest()
    assert flat.input_files == {"runs.I.efficiency": {"file": "eff.csv", "sha256": digest}}


def test_the_grid_is_interpolated_in_log_mass_and_energy(tmp_path):
    run = load_runs(_runs_with_grid(tmp_path, _grid_csv(lambda e: 0.2 + e / 200.0, energies=(10.0, 50.0),
                                                        masses=(1.0, 100.0))))["I"]
    assert run.efficiency_depends_on_energy
    got = run.efficiency_at_energy(np.array([10.0]), np.array([30.0, 5.0, 80.0]))  # 10 MeV: halfway in log(mass)
    assert got[0] == pytest.approx([0.35, 0.25, 0.45])  # linear in energy, held at the edges
    with pytest.raises(InputError, match="runs.I.efficiency"):
        run.efficiency_at(10.0)


@pytest.mark.parametrize(("text", "words"), [
    ("mass_mev,e_ecal_gev,efficiency\n1,10,0.5\n1,20,0.5\n2,10,0.5\n", "full grid"),
    ("mass_mev,e_ecal_gev,efficiency\n1,20,0.5\n1,10,0.5\n", "sort by mass, then energy"),
    ("mass_mev,e_ecal_gev,efficiency\n1,10,0.5\n2,10,0.5\n", "at least two e_ecal_gev"),
    ("mass_mev,e_ecal_gev,efficiency\n1,10,1.5\n1,20,0.5\n", "efficiency 1.5 is outside"),
])
def test_a_bad_grid_is_one_line(tmp_path, run_cli, text, words):
    runs = _runs_with_grid(tmp_path, text)
    code, _, err = run_cli("scan", "--runs", str(runs), "--masses", "1.5", "--out", str(tmp_path / "o"))
    assert code == 2 and words in err and err.count("\n") == 1 and not (tmp_path / "o").exists()
