"""Externally simulated signal yields replacing ours (issue 11, analyst inputs)."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest
import yaml

import limits
from limits.io.files import yaml_load
from limits.physics.detector import EcalResolution
from limits.physics.setup import Setup
from limits.physics.yields import yield_per_eot


def yields(model, mass_gev, coupling, spectrum=False, **changes):
    """The yield per EOT in NA64's set-up with the cut on the true Z' energy (the physics notes' numbers), or as
    ``changes`` say (:class:`limits.physics.setup.Setup` attributes)."""
    return yield_per_eot(model, mass_gev, coupling, Setup(ecal_resolution=(0.0, 0.0)).replace(**changes),
                         spectrum=spectrum)

MASSES = np.geomspace(0.5, 600.0, 9)
G_REF = 1e-5


def _analysis_file(tmp_path, spec: dict, tables: dict[str, str], base: str = "na64-2022"):
    doc = yaml_load(resources.files("limits.data").joinpath(f"analyses/{base}.yaml").read_text())
    doc["name"] = f"{base}-external"
    doc["external_yields"] = spec
    for name, text in tables.items():
        (tmp_path / name).write_text(text)
    path = tmp_path / "analysis.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def _our_yields(model="bl-unbroken"):
    """Our yields per EOT with na64-2022's set-up: the runs' ECAL resolution, no annihilation."""
    return yields(limits.get_model(model), MASSES * 1e-3, G_REF, ecal_resolution=EcalResolution(0.1, 0.04),
                  annihilation=False)


def _csv(header: str, columns) -> str:
    rows = [",".join(repr(float(v)) for v in row) for row in zip(MASSES, np.full(MASSES.size, G_REF), *columns)]
    return header + "\n" + "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def ours():
    return limits.scan("na64-2022", "bl-unbroken", mass_mev=MASSES)


def test_our_own_split_production_table_reproduces_our_limits(tmp_path, ours):
    y = _our_yields()  # production per EOT passing the smeared cut, no decay factor
    text = _csv("mass_mev,coupling_ref,yield_per_eot_brem,yield_per_eot_annihilation", [y.brem, y.annihilation])
    path = _analysis_file(tmp_path, {"model": "bl-unbroken", "file": "t.csv", "status": "derived",
                                     "source": "our own yields, written out"}, {"t.csv": text})
    res = limits.scan(str(path), "bl-unbroken", mass_mev=MASSES)
    np.testing.assert_allclose(res.g_obs, ours.g_obs, rtol=1e-6)
    np.testing.assert_allclose(res.g_exp, ours.g_exp, rtol=1e-6)
    assert set(res.input_files) == {"external_yields.file"}


def test_a_table_with_the_decay_factor_reproduces_our_limits(tmp_path, ours):
    y = _our_yields()  # the invisible-signature yield at G_REF (PRL 129 Eq. 6 included)
    path = _analysis_file(tmp_path, {"model": "bl-unbroken", "file": "t.csv", "includes_decay_factor": True,
                                     "status": "derived", "source": "test"},
                          {"t.csv": _csv("mass_mev,coupling_ref,yield_per_eot", [y.total])})
    res = limits.scan(str(path), "bl-unbroken", mass_mev=MASSES)
    np.testing.assert_allclose(res.g_obs, ours.g_obs, rtol=1e-6)


def test_per_run_signal_events_reproduce_our_limits(tmp_path, ours):
    analysis, model = limits.get_analysis("na64-2022"), limits.get_model("bl-unbroken")
    events = analysis.signal(model, MASSES, G_REF)  # (n, runs), EOT and efficiency included
    tables = {f"{r.name}.csv": _csv("mass_mev,coupling_ref,signal_events", [events[:, j]])
              for j, r in enumerate(analysis.runs)}
    spec = {"model": "bl-unbroken", "files": {r.name: f"{r.name}.csv" for r in analysis.runs},
            "includes_decay_factor": True, "status": "derived", "source": "test"}
    res = limits.scan(str(_analysis_file(tmp_path, spec, tables)), "bl-unbroken", mass_mev=MASSES)
    np.testing.assert_allclose(res.g_obs, ours.g_obs, rtol=1e-6)


def test_external_yields_are_refused_where_they_do_not_apply(tmp_path, run_cli):
    y = _our_yields()
    path = _analysis_file(tmp_path, {"model": "bl-unbroken", "file": "t.csv", "status": "derived", "source": "t"},
                          {"t.csv": _csv("mass_mev,coupling_ref,yield_per_eot", [y.brem])})
    with pytest.raises(limits.InputError, match="for model bl-unbroken, not b-3le"):
        limits.scan(str(path), "b-3le", mass_mev=[10.0])
    with pytest.raises(limits.InputError, match="t.csv"):
        limits.scan(str(path), "bl-unbroken", mass_mev=[0.1])  # below the table's first mass
    code, _, err = run_cli("scan", "--analysis", str(path), "--masses", "0.1,10", "--out", str(tmp_path / "o"))
    assert code == 2 and err.count("\n") == 1 and not (tmp_path / "o").exists()


@pytest.mark.parametrize("text, words", [
    ("mass_mev,coupling,yield_per_eot\n1,1e-5,1e-9\n", "header"),
    ("mass_mev,coupling_ref,yield_per_eot\n1,0,1e-9\n", "coupling_ref 0 must be > 0"),
    ("mass_mev,coupling_ref,yield_per_eot\n1,1e-5,-1\n", "line 2"),
    ("mass_mev,coupling_ref,yield_per_eot\n2,1e-5,1e-9\n1,1e-5,1e-9\n", "sort the rows"),
    ("mass_mev,coupling_ref,signal_events\n1,1e-5,3\n", "per run"),
])
def test_bad_tables_are_one_line_errors(tmp_path, run_cli, text, words):
    path = _analysis_file(tmp_path, {"model": "bl-unbroken", "file": "t.csv", "status": "derived", "source": "t"},
                          {"t.csv": text})
    code, out, err = run_cli("scan", "--analysis", str(path), "--out", str(tmp_path / "o"))
    assert code == 2 and err.count("\n") == 1 and words in err and "external_yields" in err


def test_split_table_with_annihilation_reproduces_na64_2026(tmp_path):
    masses = np.array([100.0, 215.0, 230.0, 260.0, 310.0])  # across the annihilation window
    model = limits.get_model("bl-unbroken")
    y = yields(model, masses * 1e-3, G_REF, ecal_resolution=EcalResolution(0.1, 0.04))  # na64-2026's set-up
    rows = [f"{float(m)!r},{G_REF!r},{float(b)!r},{float(a)!r}" for m, b, a in zip(masses, y.brem, y.annihilation)]
    text = "mass_mev,coupling_ref,yield_per_eot_brem,yield_per_eot_annihilation\n" + "\n".join(rows) + "\n"
    path = _analysis_file(tmp_path, {"model": "bl-unbroken", "file": "t.csv", "status": "derived", "source": "t"},
                          {"t.csv": text}, base="na64-2026")
    ours = limits.scan("na64-2026", model, mass_mev=masses)
    res = limits.scan(str(path), model, mass_mev=masses)
    np.testing.assert_allclose(res.g_obs, ours.g_obs, rtol=1e-6)
