"""Issue 19: nothing shared is mutable, every bad input is a documented error, every fault is cleaned up.

One test per reproducer of the issue (each was a traceback, a silent change or a leftover before); the fuzz of the
Python API that found most of them is ``tests/test_fuzz_api.py``.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle

import numpy as np
import pytest

import limits
from limits.scanning.checkpoints import Checkpoints

MODEL = {"name": "my-bl", "coupling": {"symbol": "g", "scale": 1},
         "charges": {"e": -1, "mu": -1, "tau": -1, "u": "1/3", "d": "1/3"}, "neutrinos": {"light": "dirac"}}


# -- nothing shared is mutable -----------------------------------------------------------------------------------
def test_a_builtin_model_cannot_be_changed_in_place():
    model = limits.get_model("bl-unbroken")
    with pytest.raises(limits.ReadOnlyError):
        model.charges["e"] = 0  # the reproducer
    with pytest.raises(limits.ReadOnlyError):
        model.document["charges"]["e"] = 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.name = "other"  # type: ignore[misc]
    assert limits.get_model("bl-unbroken").charges["e"] == -1.0  # a fresh get_model is unchanged
    changed = model.replace(name="bl-no-e", charges={"e": 0})  # the explicit way to a modified copy
    assert changed.charges["e"] == 0.0 and changed.charges["u"] == pytest.approx(1 / 3) and model.charges["e"] == -1
    with pytest.raises(limits.InputError, match="charges.e"):
        model.replace(charges={"e": 99})  # validated like any model


def test_shared_values_are_read_only_but_still_usable():
    analysis = limits.get_analysis("na64-2026")
    with pytest.raises(limits.ReadOnlyError):
        analysis.runs[0].facts["eot"] = None
    result = limits.scan(analysis, "bl-unbroken", mass_mev=[1.0, 10.0])
    with pytest.raises(ValueError):
        result.g_obs[0] = 1.0  # read-only array
    with pytest.raises(limits.ReadOnlyError):
        result.points[0].facts["expected_counts"] = [0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.points[0].g_obs = 1.0  # type: ignore[misc]
    with pytest.raises(limits.ReadOnlyError):
        result.assumptions["statistics"] = "x"
    curves = result.curves()
    with pytest.raises(ValueError):
        curves.obs[0] = 1.0
    ws = limits.workspaces(analysis, "bl-unbroken", mass_mev=[10.0])
    with pytest.raises(limits.ReadOnlyError):
        ws.bkg_only["channels"].append({})
    with pytest.raises(ValueError):
        limits.load_reference("na64-prl129-2022-bl-unbroken").coupling[0] = 1.0
    # ... and they are what the rest of the world expects: JSON, a deep copy to modify, pickling for the executors
    json.dumps(result.to_document())
    mutable = copy.deepcopy(ws.bkg_only)
    mutable["channels"].append({})
    assert type(mutable) is dict and len(ws.bkg_only["channels"]) == len(analysis.runs)
    assert pickle.loads(pickle.dumps(limits.get_model("b-3le"))) == limits.get_model("b-3le")
    assert ws.pyhf_workspace().channels  # pyhf accepts the read-only spec


# -- every bad input a documented error ----------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [[], None, 5, object(), b"bl-unbroken"])
def test_get_model_of_a_non_model(bad):
    with pytest.raises(limits.InputError) as err:
        limits.get_model(bad)
    assert err.value.field == "model"


@pytest.mark.parametrize(("change", "field"), [
    ({"charges": {**MODEL["charges"], "e": "9" * 400}}, "charges.e"),  # was OverflowError
    ({"charges": {**MODEL["charges"], "e": "11"}}, "charges.e"),  # was accepted: numbers obey the range, strings not
    ({"dark_sector": {"particle": "complex_scalar", "alpha_d": 0.1, "mass_ratio": "0"}}, "dark_sector.mass_ratio"),
    ({"references": [{1, 2}]}, "references.0"),  # a set is not JSON
    ({"description": float("nan")}, "description"),
])
def test_model_documents_out_of_range(change, field):
    with pytest.raises(limits.InputError) as err:
        limits.get_model({**MODEL, **change})
    assert field in err.value.field


def test_deep_nesting_from_python_is_an_input_error():
    deep: dict = {}
    node = deep
    for _ in range(5000):  # was RecursionError
        node["a"] = {}
        node = node["a"]
    with pytest.raises(limits.InputError, match="nested deeper"):
        limits.get_model({**MODEL, "description": deep})
    looped: dict = dict(MODEL)
    looped["neutrinos"] = {"light": "dirac", "heavy": looped}  # contains itself
    with pytest.raises(limits.InputError, match="nested deeper"):
        limits.get_model(looped)


def test_a_long_charge_on_the_command_line_is_one_line(tmp_path, run_cli):
    path = tmp_path / "m.yaml"
    path.write_text(f"name: m\ncharges: {{e: '{'9' * 400}', mu: -1, tau: -1, u: 1/3, d: 1/3}}\n"
                    "neutrinos: {light: dirac}\n")
    code, _, err = run_cli("scan", "--model", str(path), "--masses", "1", "--out", str(tmp_path / "o"))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "charges.e" in err and "Traceback" not in err


def test_unwritable_outputs_of_the_api_name_the_parameter(tmp_path):
    result = limits.scan("na64-2022", "bl-unbroken", mass_mev=[1.0])
    a_file = tmp_path / "hostname"
    a_file.write_text("x")
    with pytest.raises(limits.InputError) as err:
        limits.save_scan(result, a_file)  # was FileExistsError
    assert err.value.field == "out_dir"
    with pytest.raises(limits.InputError) as err:
        limits.export(result, "csv", a_file / "limits.csv")  # was OSError
    assert err.value.field == "path"
    with pytest.raises(limits.InputError) as err:
        limits.export(result, "csv", tmp_path)  # a directory
    assert err.value.field == "path"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostname"]  # nothing else written


def test_an_empty_model_name_is_refused(run_cli):
    code, out, err = run_cli("widths", "--model", "", "--masses", "10")  # was: exit 0, an empty table
    assert code == 2 and out == "" and "--model" in err


def test_duplicate_yaml_keys_are_refused(tmp_path, run_cli):
    path = tmp_path / "m.yaml"
    path.write_text("name: a\nname: b\ncharges: {e: -1, mu: -1, tau: -1, u: 1/3, d: 1/3}\nneutrinos: {light: dirac}\n")
    code, _, err = run_cli("widths", "--model", str(path), "--masses", "10")
    assert code == 2 and "'name' is given twice" in err


def test_files_with_a_byte_order_mark_are_read(tmp_path):
    from limits.analysis.efficiency import read_efficiency_csv

    path = tmp_path / "eff.csv"
    path.write_bytes("\ufeffmass_mev,efficiency\n1,0.5\n100,0.6\n".encode())  # a spreadsheet's UTF-8 export
    table = read_efficiency_csv(path, "eff.csv", "efficiency.file")
    assert table.mass_mev == (1.0, 100.0) and table.efficiency == (0.5, 0.6)
    model = tmp_path / "m.yaml"
    model.write_bytes("\ufeffname: bom\ncharges: {e: -1, mu: -1, tau: -1, u: 1/3, d: 1/3}\n"
                      "neutrinos: {light: dirac}\n".encode())
    assert limits.get_model(model).name == "bom"


def test_no_warning_reaches_the_user(tmp_path, run_cli, recwarn):
    tiny = tmp_path / "tiny.yaml"
    tiny.write_text("name: tiny\ncharges: {e: 1e-300, mu: 0, tau: 0, u: 0, d: 0}\nneutrinos: {light: dirac}\n")
    for args in (("--masses", "999.9999999999999"), ("--model", str(tiny), "--masses", "1,10")):
        code, _, err = run_cli("scan", *args, "--out", str(tmp_path / "o"), "--rerun")
        assert code == 0 and "Warning" not in err, err
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# -- outputs never overwrite each other's --------------------------------------------------------------------------
def test_default_outputs_of_methods_and_shadowing_models_are_apart(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "limits-output" / "na64-2022"
    for extra in ((), ("--method", "asymptotic")):
        code, _, err = run_cli("scan", "--analysis", "na64-2022", "--masses", "1,10", *extra)
        assert code == 0, err
    hybrid = limits.ScanResult.from_json(root / "bl-unbroken")
    asymptotic = limits.ScanResult.from_json(root / "bl-unbroken.asymptotic")
    assert hybrid.method == "hybrid" and asymptotic.method == "asymptotic"  # the second did not replace the first
    shadow = tmp_path / "bl-unbroken.yaml"
    shadow.write_text("name: bl-unbroken\ncharges: {e: -3, mu: -1, tau: -1, u: 1/3, d: 1/3}\n"
                      "neutrinos: {light: dirac}\n")
    code, _, err = run_cli("scan", "--analysis", "na64-2022", "--model", str(shadow), "--masses", "1,10")
    assert code == 0, err
    (mine,) = [p for p in root.iterdir() if p.name.startswith("bl-unbroken.user-")]
    assert limits.ScanResult.from_json(root / "bl-unbroken").to_document() == hybrid.to_document()
    # compare checks what the model is, not what it is called
    code, _, err = run_cli("compare", "--results", str(mine), "--reference", "na64-prl129-2022-bl-unbroken")
    assert code == 2 and "document differs" in err
    code, _, err = run_cli("compare", "--results", str(mine), "--reference", "na64-prl129-2022-bl-unbroken",
                           "--force")
    assert code == 0, err


# -- faults cleaned up ---------------------------------------------------------------------------------------------
def test_stale_temporary_files_are_removed_by_the_next_writer(tmp_path, run_cli):
    out = tmp_path / "out"
    (out / ".checkpoints" / "0123").mkdir(parents=True)
    stale = [out / ".limits.json.tmp.k1ll3d.json", out / ".exclusion.png.tmp.abc.png",
             out / ".checkpoints" / "0123" / ".mass_00001.json.tmp.x.json"]  # a run SIGKILLed while saving
    for path in stale:
        path.write_text("torn")
    code, _, err = run_cli("scan", "--analysis", "na64-2022", "--masses", "1", "--out", str(out))
    assert code == 0, err
    assert not [p for p in stale if p.exists()] and (out / "limits.json").is_file()


def test_an_edited_checkpoint_is_recomputed(tmp_path, run_cli, caplog):
    args = ("scan", "--analysis", "na64-2022", "--masses", "1,10")
    assert run_cli(*args, "--out", str(tmp_path / "full"))[0] == 0
    full = limits.ScanResult.from_json(tmp_path / "full")
    box = Checkpoints(tmp_path / "part" / ".checkpoints", full.inputs_digest)
    box.save(list(enumerate(full.points)))
    target = box.path / "masses_00000_00001.json"
    doc = json.loads(target.read_text())
    doc["points"][0][1]["g_obs"] *= 10  # by hand
    target.write_text(json.dumps(doc))
    code, _, err = run_cli(*args, "--out", str(tmp_path / "part"))
    assert code == 0 and "checksum does not match" in err
    assert (tmp_path / "part" / "limits.json").read_bytes() == (tmp_path / "full" / "limits.json").read_bytes()


def test_checkpoints_of_the_api_hold_their_checksum(tmp_path):
    box = Checkpoints(tmp_path, "f" * 64)
    box.save([(0, limits.MassLimit(mass_mev=1.0, status="ok", g_obs=float("nan"), g_exp=(1.0,) * 5))])
    assert np.isnan(box.load()[0].g_obs)  # strict JSON on disk (null), NaN back
    assert set(json.loads((box.path / "masses_00000_00000.json").read_text())) == {"format", "points", "sha256"}


def test_a_checkpoint_without_dark_matter_limits_is_recomputed(tmp_path, caplog):
    """A checkpoint of a dark-sector model written before points carried their y limits (the first checkpoint
    format: no format key, the y limits added after the scan) is not mixed in, although its checksum holds."""
    from limits.scanning.checkpoints import _checksum
    from limits.scanning.run import run_scan

    cfg = limits.ScanConfig(analysis=limits.get_analysis("na64-2026"), model=limits.get_model("bl-dm-scalar"),
                            masses_mev=(1.0, 10.0))
    fresh = run_scan(cfg)
    box = Checkpoints(tmp_path, cfg.digest())
    old = dataclasses.replace(fresh.points[0], m_chi_mev=None, y_obs=None, y_exp=None).record(with_grid=True)
    box.path.mkdir(parents=True)
    (box.path / "mass_00000.json").write_text(json.dumps({"point": old, "sha256": _checksum(old)}))
    resumed = run_scan(cfg, checkpoint_dir=tmp_path)
    assert "written by another version" in caplog.text
    assert resumed.points[0] == fresh.points[0] and np.isfinite(resumed.y_obs).all()
