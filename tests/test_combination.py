"""Issue 23: one likelihood for every beam. A combination joins its components' runs (one channel each, one POI),
keeps each run's set-up and nuisances, shares the signal-yield nuisance where its components name the same one, and
is never weaker than its strongest component beyond the CLs method's effect at zero observed events."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

import limits
from limits.analysis.definition import get_analysis
from limits.errors import InputError
from limits.physics.models import get_model
from limits.workspace.build import build_workspaces

MASSES_MEV = [1.0, 5.0, 20.0, 60.0, 120.0, 200.0, 230.0, 260.0, 290.0, 400.0, 800.0]


def test_the_builtin_combination_joins_every_beam():
    combined = get_analysis("na64-combined")
    parts = [get_analysis(n) for n in ("na64-2026", "na64pos-2022", "na64pos-2023", "na64mu-2022")]
    assert [r.name for r in combined.runs] == [r.name for p in parts for r in p.runs]
    assert combined.beams == ("e-", "e+", "mu+")
    for part in parts:  # each run keeps the set-up its own analysis gives it
        for run in part.runs:
            assert combined.setup(run) == part.setup(run)
    assert combined.total_eot == pytest.approx(sum(p.total_eot for p in parts))


def test_the_workspace_has_a_channel_per_run_and_shares_only_what_is_shared():
    ws = build_workspaces(get_analysis("na64-combined"), get_model("lmu-ltau"), np.array([50.0]))
    spec = ws.bkg_only
    channels = [c["name"] for c in spec["channels"]]
    assert len(channels) == len(set(channels)) == 8
    patch = ws.patchset["patches"][0]["patch"]
    normsys = {op["path"]: {m["name"] for m in op["value"]["modifiers"] if m["type"] == "normsys"} for op in patch}
    by_channel = dict(zip(channels, normsys.values()))
    muon = next(c for c in channels if "mu-2022" in c)
    assert "signal_yield_mu" in by_channel[muon] and "signal_yield" not in by_channel[muon]
    for name, mods in by_channel.items():
        if name != muon:
            assert "signal_yield" in mods and "signal_yield_mu" not in mods
    # per-run nuisances stay per run
    per_run = [m for mods in by_channel.values() for m in mods if m.startswith(("eff_", "eot_"))]
    assert len(per_run) == len(set(per_run))
    assert [p["modifiers"][0]["name"] for c in spec["channels"] for p in c["samples"]] == \
        [f"bkg_{r.name}" for r in get_analysis("na64-combined").runs]


@pytest.mark.parametrize("model", ["lmu-ltau", "dark-photon"])
def test_the_combination_is_never_weaker_than_its_strongest_beam(model):
    """At zero observed events the hybrid CLs of a sum of channels is at least as strong as any single one up to the
    nuisance integral's effect (the issue's 1.01)."""
    combined = limits.scan("na64-combined", model, mass_mev=MASSES_MEV)
    singles = [limits.scan(a, model, mass_mev=MASSES_MEV).g_obs
               for a in ("na64-2026", "na64pos-2022", "na64pos-2023", "na64mu-2022")]
    strongest = np.nanmin(singles, axis=0)  # a beam without a limit at a mass (NaN: none inside the grid) is weaker
    assert np.all(np.isfinite(combined.g_obs))
    assert np.all(combined.g_obs <= 1.01 * strongest), combined.g_obs / strongest


def test_an_analysis_file_combines_the_analysts_own(tmp_path):
    mine = tmp_path / "my-muons.yaml"
    mine.write_text(yaml.safe_dump({
        "name": "my-muons", "runs": ["mu-2022"], "annihilation": False, "mass_range_mev": [1, 500],
        "signal_yield_uncertainty": {"value": 0.05, "status": "unverified", "source": "my study",
                                     "nuisance": "signal_yield_mu"}}))
    both = tmp_path / "both.yaml"
    both.write_text(yaml.safe_dump({"name": "both", "combine": ["na64-2026", "my-muons.yaml"]}))
    analysis = get_analysis(both)
    assert [r.name for r in analysis.runs][-1] == "mu-2022" and analysis.mass_range_mev == (0.001, 1000.0)
    assert analysis.signal_yield_of(analysis.runs[-1]) == ("signal_yield_mu", 0.05)
    result = limits.scan(str(both), "lmu-ltau", mass_mev=[10.0])
    assert result.status[0] == "ok"


def test_a_run_counted_twice_or_a_broken_list_is_refused_in_one_line(tmp_path, run_cli):
    twice = tmp_path / "twice.yaml"
    twice.write_text(json.dumps({"name": "twice", "combine": ["na64-2022", "na64-2026"]}))
    with pytest.raises(InputError, match="combine.*run I is in both na64-2022 and na64-2026"):
        get_analysis(twice)
    code, out, err = run_cli("scan", "--analysis", str(twice), "--model", "lmu-ltau", "--out", str(tmp_path / "o"))
    assert code == 2 and err.count("\n") == 1 and "combine" in err and not (tmp_path / "o").exists()
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(json.dumps({"name": "mixed", "combine": ["na64-2026", "nope"], "runs": ["I"]}))
    with pytest.raises(InputError):
        get_analysis(mixed)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(json.dumps({"name": "unknown", "combine": ["na64-2026", "no-such-analysis"]}))
    with pytest.raises(InputError, match=r"combine\[1\]"):
        get_analysis(unknown)


@pytest.mark.slow  # integration run by .ci/run; the default suite stays near 2 min
def test_the_new_analyses_export_and_publish(tmp_path, run_cli):
    """Issue 23: the positron, muon and combined analyses go through the exports and HEPData like any analysis:
    DarkCast's production follows the beam (mu_brem for muons), a combination of electron-side and muon beams is
    refused for DarkCast in one line, and the HEPData record validates."""
    pytest.importorskip("hepdata_lib")
    from pathlib import Path

    results = Path(__file__).resolve().parents[1] / "results"
    code, _, err = run_cli("export", "--results", str(results / "na64mu-2022" / "lmu-ltau"), "--format", "darkcast",
                           "--out", str(tmp_path / "mu.lmt"))
    assert code == 0, err
    module = (tmp_path / "mu.py").read_text()
    assert 'darkcast.Production("mu_brem")' in module or "darkcast.Production('mu_brem')" in module
    assert "muon beam" in module
    code, _, err = run_cli("export", "--results", str(results / "na64pos-2022" / "dark-photon"), "--format",
                           "darkcast", "--out", str(tmp_path / "pos.lmt"))
    assert code == 0 and "e_brem" in (tmp_path / "pos.py").read_text() and "positron beam" in \
        (tmp_path / "pos.py").read_text()
    code, _, err = run_cli("export", "--results", str(results / "na64-combined" / "lmu-ltau"), "--format", "darkcast",
                           "--out", str(tmp_path / "all.lmt"))
    assert code == 2 and err.count("\n") == 1 and "muon" in err and not (tmp_path / "all.lmt").exists()
    code, out, err = run_cli("export", "--results", str(results / "na64-combined" / "lmu-ltau"), "--format", "yaml")
    assert code == 0 and yaml.safe_load(out)
    for analysis in ("na64mu-2022", "na64-combined"):
        code, _, err = run_cli("hepdata", "--analysis", analysis, "--out", str(tmp_path / analysis), "--results",
                               str(results), "--workspaces", str(results.parent / "workspaces"))
        assert code == 0, err
        assert "validated" in err or (tmp_path / f"{analysis}.tar.gz").is_file()
    submission = (tmp_path / "na64-combined" / "submission.yaml").read_text()
    assert "MU+ PB --> MU+ PB ZPRIME" in submission and "E+ PB --> E+ PB ZPRIME" in submission
