"""pyhf workspaces: schema validity, pyhf's own CLI on our files, committed files up to date (a change detector) and
their inputs against the papers' numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyhf
import pytest

from limits.analysis.definition import builtin_analyses, get_analysis
from limits.physics.models import get_model
from limits.stats.pyhf_calculator import cls_asymptotic, model_and_data
from limits.workspace.build import build_workspaces
from limits.workspace.io import read_workspaces, write_workspaces

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "workspaces"
PYHF = str(Path(sys.executable).with_name("pyhf"))  # pyhf's own console script, in the same environment


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    directory = tmp_path_factory.mktemp("ws")
    ws = build_workspaces(get_analysis("na64-2026"), get_model("bl-unbroken"), np.array([1.0, 16.7, 250.0]))
    write_workspaces(ws, directory)
    return ws, directory


def test_valid_against_pyhf_schemas(small):
    ws, _ = small
    workspace = pyhf.Workspace(ws.bkg_only)
    patchset = pyhf.PatchSet(ws.patchset)
    patchset.verify(workspace)
    assert patchset.labels == ["m_Zprime_MeV"] and len(patchset.patches) == 3
    assert [c["name"] for c in ws.bkg_only["channels"]] == ["run_I", "run_II", "run_III", "run_IV", "run_V"]
    assert all(o["data"] == [0.0] for o in ws.bkg_only["observations"])  # 0 observed (C: papers)


def test_pyhf_cli_patchset_verify(small):
    _, directory = small
    proc = subprocess.run([PYHF, "patchset", "verify", str(directory / "BkgOnly.json"),
                           str(directory / "patchset.json")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


CLS_CASES = [(0, 0.15), (1, 0.3), (2, 0.6)]


@pytest.fixture(scope="module")
def pyhf_cli_cls(small, tmp_path_factory):
    """pyhf's own CLI (`pyhf patchset apply`, then `pyhf cls`) on our files, for every case at once: the commands of
    different cases run side by side (each costs ~2 s of pyhf start-up)."""
    ws, directory = small
    tmp = tmp_path_factory.mktemp("pyhf")

    def side_by_side(commands: list[list[str]]) -> list[str]:
        procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
        outs = [p.communicate(timeout=300) for p in procs]
        assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
        return [out for out, _ in outs]

    names = [ws.patchset["patches"][i]["metadata"]["name"] for i, _ in CLS_CASES]
    side_by_side([[PYHF, "patchset", "apply", str(directory / "BkgOnly.json"), str(directory / "patchset.json"),
                   "--name", name, "--output-file", str(tmp / f"{name}.json")] for name in names])
    outs = side_by_side([[PYHF, "cls", str(tmp / f"{name}.json"), "--test-poi", str(mu)]
                         for name, (_, mu) in zip(names, CLS_CASES)])
    return {case: json.loads(out) for case, out in zip(CLS_CASES, outs)}


@pytest.mark.parametrize("patch_index, mu", CLS_CASES)
def test_pyhf_cls_cli_equals_our_cls(small, pyhf_cli_cls, patch_index, mu):
    ws, _ = small
    theirs = pyhf_cli_cls[(patch_index, mu)]
    model, data = model_and_data(ws.bkg_only, ws.patchset["patches"][patch_index])
    obs, expected = cls_asymptotic(model, data, mu)
    assert obs == pytest.approx(theirs["CLs_obs"], rel=1e-6)
    assert expected == pytest.approx(theirs["CLs_exp"], rel=1e-6)


def test_total_eot_and_signal_consistency(small):
    ws, _ = small
    runs = ws.patchset["metadata"]["runs"]
    assert sum(r["eot"] for r in runs) == pytest.approx(9.37e11, rel=1e-3)
    assert get_analysis("na64-2022").total_eot == pytest.approx(3.22e11, rel=1e-3)
    for patch in ws.patchset["patches"]:
        per_eot = [op["value"]["data"][0] / (r["eot"] * r["efficiency"]) for op, r in zip(patch["patch"], runs)]
        assert np.allclose(per_eot, per_eot[0], rtol=1e-12)  # same yield per EOT: E0, E_cut, L_det shared


def test_reference_coupling_gives_order_one_mu(small):
    ws, _ = small
    for patch in ws.patchset["patches"]:
        assert 5 < patch["metadata"]["signal_total_at_ref"] < 20  # so mu_up = 2.3/S ~ 0.1-0.5


def _close(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, (int, float)):
        return a == pytest.approx(b, rel=CROSS_MACHINE_RTOL, abs=1e-300)
    return a == b


CROSS_MACHINE_RTOL = 2e-5
"""The signal values are computed physics (last bits differ between CPUs' SIMD paths, ~1e-16), and the patch metadata
holds mu(g) rounded to 6 significant digits, whose last digit can flip: up to 1e-5 relative for a number starting
with 1. Anything larger is a change."""


@pytest.mark.change_detector
@pytest.mark.parametrize("analysis", builtin_analyses())
def test_committed_workspaces_are_up_to_date(analysis):
    """Each patch is made from its mass alone, so three masses (first, middle, last) and the patchset's mass list and
    metadata detect a change as well as all 200 (at a tenth of the cost)."""
    a = get_analysis(analysis)
    masses = a.default_masses_mev()
    pick = [0, len(masses) // 2, len(masses) - 1]
    for model in a.model_names:
        fresh = build_workspaces(a, get_model(model), masses[pick])
        committed = read_workspaces(COMMITTED / analysis / model)
        hint = f"{analysis}/{model}: run `limits workspace --all`"
        assert _close(fresh.bkg_only, committed.bkg_only), hint
        patches = committed.patchset["patches"]
        assert [p["metadata"]["values"][0] for p in patches] == [float(f"{m:.6g}") for m in masses], hint
        assert _close(fresh.patchset["patches"], [patches[i] for i in pick]), hint
        assert _close({k: v for k, v in fresh.patchset.items() if k != "patches"},
                      {k: v for k, v in committed.patchset.items() if k != "patches"}), hint


@pytest.mark.parametrize(("analysis", "eot", "background"), [
    # PRL 129: 3.22e11 EOT (runs I-IV); background 0.53 +- 0.17 (2016-2018, PRL 123) + 0.03 +- 0.015 (2021)
    ("na64-2022", 3.22e11, 0.56),
    # PRL 123 (2019): 2.84e11 EOT, 0.53 +- 0.17 background events (runs I-III)
    ("na64-2019", 2.84e11, 0.53),
])
def test_committed_workspaces_carry_the_papers_totals(analysis, eot, background):
    """The committed likelihoods' inputs, against the papers' totals (independent of this code): EOT in the patchset
    metadata, background in BkgOnly.json, no observed event."""
    for model in get_analysis(analysis).model_names:
        ws = read_workspaces(COMMITTED / analysis / model)
        runs = ws.patchset["metadata"]["runs"]
        assert sum(r["eot"] for r in runs) == pytest.approx(eot, rel=0.005)
        samples = [ch["samples"][0] for ch in ws.bkg_only["channels"]]
        assert sum(s["data"][0] for s in samples) == pytest.approx(background, abs=0.005)
        assert all(o["data"] == [0.0] for o in ws.bkg_only["observations"])


def test_workspace_cli_default_out(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("workspace", "--analysis", "na64-2022", "--model", "b-3le", "--masses", "1,10")
    assert code == 0, err
    # issue 14: the default is not the committed tree
    assert (tmp_path / "limits-output" / "workspaces" / "na64-2022" / "b-3le" / "patchset.json").is_file()
    assert not (tmp_path / "workspaces").exists()


def test_our_workspace_digest_is_pyhfs():
    from limits.workspace.build import workspace_digest

    ws = build_workspaces(get_analysis("na64-2022"), get_model("bl-unbroken"), np.array([10.0]))
    assert workspace_digest(ws.bkg_only) == pyhf.utils.digest(ws.bkg_only)
