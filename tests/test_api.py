"""The public API: typed results of numpy arrays, nothing written unless asked, typed errors naming the argument."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

import limits

WORKSPACES = Path(__file__).resolve().parents[1] / "workspaces"  # the committed ones, from any working directory


def test_scan_returns_arrays_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = limits.scan("na64-2022", "bl-unbroken", mass_mev=[1.0, 100.0])
    assert list(tmp_path.iterdir()) == []  # no results/, no .checkpoints/
    assert isinstance(res, limits.ScanResult) and res.g_obs.dtype == float and res.g_exp.shape == (2, 5)
    # the limit is mu_up x S(g_ref) events, and S(g_obs) equals it (the inversion), independent of this code's output
    analysis, model = limits.get_analysis("na64-2022"), limits.get_model("bl-unbroken")
    for m, g, s in zip(res.mass_mev, res.g_obs, res.s_obs):
        assert analysis.signal(model, m, g).sum() == pytest.approx(s, rel=1e-5)
        assert np.log(10) < s < 2.6  # ln 10 without systematics, a little more with them
    assert np.all(np.diff(res.g_exp, axis=1) >= 0)  # -2 sigma ... +2 sigma


def test_scan_with_checkpoints_cleans_up(tmp_path):
    res = limits.scan("na64-2022", "bl-unbroken", mass_mev=[1.0], checkpoint_dir=tmp_path / "ck")
    assert res.status.tolist() == ["ok"] and not (tmp_path / "ck").exists()


def test_json_round_trip_is_exact(tmp_path):
    res = limits.scan("na64-2022", "dark-photon", mass_mev=[2.0, 20.0])
    path = res.to_json(tmp_path / "limits.json")
    back = limits.ScanResult.from_json(path)
    assert back.to_document() == res.to_document()
    assert np.array_equal(back.g_exp, res.g_exp) and back.coupling == "epsilon"
    assert path.read_text() == back.to_json(tmp_path / "again.json").read_text()


def test_widths_yields_workspaces():
    w = limits.widths("bl-unbroken", mass_mev=[0.5, 10.0])
    assert w.br["invisible"] == pytest.approx([1.0, 0.75], abs=1e-4)  # widths.md: 3 nu_D vs e+e-
    assert w.ctau_m == pytest.approx(w.ctau_m_at_g1 / 1e-4**2)
    y = limits.yields("dark-photon", mass_mev=[1.0], coupling=1e-4)
    assert y.brem_per_eot[0] == pytest.approx(1.93e-9, rel=0.04)  # production.md §5
    y26 = limits.yields("bl-unbroken", "na64-2026", mass_mev=[1.0, 10.0], coupling=1e-5)
    assert y26.signal_events.shape == (2, 5) and y26.runs[-1] == "V"
    eot = np.array([r.eot * r.efficiency_at(10.0) for r in limits.get_analysis("na64-2026").runs])
    assert y26.signal_events[1] == pytest.approx(eot * y26.total_per_eot[1])  # PRL 129 Eq. 5
    ws = limits.workspaces("na64-2026", "bl-unbroken", mass_mev=[1.0, 10.0])
    assert ws.masses_mev.tolist() == [1.0, 10.0] and len(ws.pyhf_patchset().patches) == 2


@pytest.mark.parametrize("call, field", [
    (lambda: limits.get_model("no-such-model"), "model"),
    (lambda: limits.get_analysis("no-such-analysis"), "analysis"),
    (lambda: limits.widths("bl-unbroken", mass_mev=[5000.0]), "mass_mev"),
    (lambda: limits.widths("bl-unbroken", mass_mev=[1.0], coupling=0.0), "coupling"),
    (lambda: limits.yields("bl-unbroken", mass_mev=[1.0], ecut_gev=120.0), "ecut_gev"),
    (lambda: limits.scan("na64-2022", "bl-unbroken", mass_mev=[1.0], cl=1.5), "cl"),
    (lambda: limits.scan("na64-2022", "bl-unbroken", mass_mev=[1.0], method="bayes"), "method"),
    (lambda: limits.scan("na64-2022", "bl-unbroken", mass_mev=[1.0], executor="threads"), "executor"),
    (lambda: limits.scan("na64-2022", "bl-unbroken", mass_mev=[1e5]), "mass_mev"),
    (lambda: limits.scan("na64-2022", "bl-unbroken", mass_mev=[1.0], cl="0.9"), "cl"),
    (lambda: limits.scan("na64-2022", "bl-unbroken", mass_mev=[1.0], ntoys=1.5), "ntoys"),
    (lambda: limits.scan("na64-2022", "bl-unbroken", mass_mev=[1.0], seed=2**64), "seed"),
    (lambda: limits.scan("na64-2022", "bl-unbroken", mass_mev=["one"]), "mass_mev"),
    (lambda: limits.yields("bl-unbroken", mass_mev=[1.0], coupling="x"), "coupling"),
    (lambda: limits.yields("bl-unbroken", "na64-2026", mass_mev=[1.0], ecut_gev=40.0), "analysis"),
    (lambda: limits.compare("nowhere", "nope"), "reference"),
    (lambda: limits.compare("nowhere", "na64-prl129-2022-bl-unbroken"), "result"),
    (lambda: limits.merge_scans([]), "parts"),
    (lambda: limits.export("nowhere", "csv"), "result"),
    (lambda: limits.export("nowhere", "pdf"), "fmt"),
    (lambda: limits.hepdata_record("na64-2022", "/tmp/x", inspire_id="ins12"), "inspire_id"),
    (lambda: limits.hepdata_record("na64-2022", "/tmp/x", results_dir="/nowhere",
                                       workspaces_dir=WORKSPACES), "results_dir"),
    (lambda: limits.hepdata_record("na64-2022", "/tmp/x", workspaces_dir="/nowhere"), "workspaces_dir"),
    (lambda: limits.get_analysis("na64-2022", runs="/nowhere/runs.yaml"), "runs"),
    (lambda: limits.scan("na64-2022", "bl-unbroken", mass_mev=[1.0], executor="dask:nowhere"), "executor"),
    (lambda: limits.load_reference("nope"), "name"),
])
def test_bad_input_raises_a_typed_error(call, field):
    """Every error names the Python parameter (issue 20: never a command-line flag; the CLI maps it to its option)."""
    with pytest.raises(limits.InputError) as err:
        call()
    assert err.value.field.startswith(field) and isinstance(err.value, limits.LimitsError)
    assert not err.value.field.startswith("--") and " --" not in str(err.value), str(err.value)


def test_calculators_from_the_registry():
    assert set(limits.METHODS) == {"hybrid", "asymptotic", "toys"}
    from limits.stats.registry import calculator_class

    assert calculator_class("exact") is calculator_class("hybrid")  # the old name is an alias
    ws = limits.workspaces("na64-2022", "bl-unbroken", mass_mev=[10.0])
    from limits.stats.counting import counting_model

    counts = counting_model(ws.bkg_only, ws.patchset["patches"][0])
    s = counts.signal.sum()
    exact = limits.create_calculator("exact", counts).upper_limit(0.1)
    asym = limits.create_calculator("asymptotic", counts).upper_limit(0.1)
    # stats notes §3: ~2.33 events (hybrid, with systematics) vs ~1.7 asymptotically at zero observed events
    assert exact.mu_obs * s == pytest.approx(2.33, abs=0.02) and 1.5 < asym.mu_obs * s < 1.9
    with pytest.raises(limits.InputError):
        limits.create_calculator("bayes", counts)


def test_failed_masses_are_logged(caplog, monkeypatch):
    from limits.scanning import tasks

    def boom(*args, **kwargs):
        raise FloatingPointError("boom")

    monkeypatch.setattr(tasks, "limits_of_models", boom)
    with caplog.at_level(logging.WARNING, logger="limits"):
        res = limits.scan("na64-2022", "bl-unbroken", mass_mev=[1.0])
    assert res.status.tolist() == ["failed"] and "boom" in caplog.text and "1 of 1 masses failed" in caplog.text


def test_cli_verbosity(run_cli, tmp_path):
    code, _, err = run_cli("-v", "scan", "--analysis", "na64-2022", "--masses", "1", "--out", str(tmp_path))
    assert code == 0 and "limits: INFO: limits.scanning.run: scan na64-2022/bl-unbroken" in err
    code, _, err = run_cli("--quiet", "scan", "--analysis", "na64-2022", "--masses", "1", "--out", str(tmp_path),
                           "--rerun")
    assert code == 0 and err.strip().splitlines() == [f"{tmp_path / 'limits.json'}: 1 masses, 0 failed"]
