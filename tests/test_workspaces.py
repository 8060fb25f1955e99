"""pyhf workspaces: schema validity, pyhf's own CLI on our files, committed files up to date."""

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
from limits.stats.pyhf_model import cls_asymptotic, model_and_data
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


@pytest.mark.parametrize("patch_index, mu", [(0, 0.15), (1, 0.3), (2, 0.6)])
def test_pyhf_cls_cli_equals_our_cls(small, tmp_path, patch_index, mu):
    ws, directory = small
    name = ws.patchset["patches"][patch_index]["metadata"]["name"]
    patched = tmp_path / "patched.json"
    subprocess.run([PYHF, "patchset", "apply", str(directory / "BkgOnly.json"),
                    str(directory / "patchset.json"), "--name", name, "--output-file", str(patched)], check=True)
    proc = subprocess.run([PYHF, "cls", str(patched), "--test-poi", str(mu)],
                          capture_output=True, text=True, check=True)
    theirs = json.loads(proc.stdout)
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
        return a == pytest.approx(b, rel=1e-9, abs=1e-300)
    return a == b


@pytest.mark.parametrize("analysis", builtin_analyses())
def test_committed_workspaces_are_up_to_date(analysis):
    a = get_analysis(analysis)
    masses = a.default_masses_mev()
    for model in a.model_names:
        fresh = build_workspaces(a, get_model(model), masses)
        committed = read_workspaces(COMMITTED / analysis / model)
        assert _close(fresh.bkg_only, committed.bkg_only), f"{analysis}/{model}: run `limits workspace --all`"
        assert _close(fresh.patchset, committed.patchset), f"{analysis}/{model}: run `limits workspace --all`"


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
