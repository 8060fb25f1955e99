"""Issue 22: the pyhf recipe in the Likelihoods archive's README runs as written, and gives our asymptotic limits.

The README's Python block loops over every patch of every model in the archive. pyhf 0.7.6 needs ~10 s per patch
(40 asymptotic hypotests of ~0.25 s on the numpy backend), so the 4000 patches of both analyses would take ~11 h: the
slow test (run by .ci/run) executes the block unmodified on a copy of each committed archive whose patchsets keep
one patch per model, the one with the least signal at its reference coupling (the largest mu_up), and the heaviest
mass of the first model, i.e. 11 patches per analysis; every patch of a model differs from these only in its signal
numbers. A second slow test goes over every patch of both archives and checks, per patch, what the recipe's success
depends on: pyhf applies the patch and builds its model, the bracket [0.01, 20] holds a sign change of CLs - 0.1 for
the observed and all five expected curves (pyhf-equal asymptotic CLs, batched), and mu_up lies inside the part of
the patch's mu(coupling) table that the recipe interpolates.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

import limits
from limits.stats.asymptotic import AsymptoticCalculator, BatchAsymptotic
from limits.stats.counting import counting_model

REPO = Path(__file__).resolve().parents[1]
ANALYSES = ("na64-2022", "na64-2026")


def _archive(analysis: str) -> tarfile.TarFile:
    outer = REPO / "results" / "hepdata" / analysis / "Likelihoods.tar.gz"
    return tarfile.open(fileobj=io.BytesIO(outer.read_bytes()), mode="r:gz")


def _python_block(readme: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert len(blocks) == 1, "the README has one Python recipe"
    return blocks[0]


@pytest.mark.parametrize("analysis", ANALYSES)
def test_the_readme_recipe_is_python_that_avoids_pyhfs_two_pitfalls(analysis):
    with _archive(analysis) as tar:
        readme = tar.extractfile("README.md").read().decode()
    code = _python_block(readme)
    compile(code, "README.md", "exec")
    assert "toms748_scan(data, model, 0.01, 20.0, level=LEVEL)" in code and "LEVEL = 0.1" in code
    assert "x=0.0 is NaN" in readme and "ignores `level`" in readme  # why not upper_limit, said


@pytest.mark.slow
@pytest.mark.parametrize("analysis", ANALYSES)
def test_the_readme_recipe_runs_as_written_and_gives_our_asymptotic_limits(analysis, tmp_path):
    with _archive(analysis) as tar:
        tar.extractall(tmp_path, filter="data")
    code = _python_block((tmp_path / "README.md").read_text())
    kept = {}
    for patchset_path in sorted(tmp_path.glob("*/patchset.json")):
        patchset = json.loads(patchset_path.read_text())
        patches = patchset["patches"]
        weakest = min(patches, key=lambda p: p["metadata"]["signal_total_at_ref"])
        first = not kept  # the first model also its heaviest mass
        chosen = [weakest] + ([patches[-1]] if first and patches[-1] is not weakest else [])
        patchset["patches"] = chosen
        patchset_path.write_text(json.dumps(patchset))
        kept[patchset_path.parent.name] = [p["metadata"]["values"][0] for p in chosen]
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    rows = re.findall(r"^(\S+) m = (\S+) MeV: mu_up = (\S+), (g|epsilon) < (\S+)$", done.stdout, flags=re.M)
    assert len(rows) == sum(len(v) for v in kept.values())
    for model, masses in kept.items():
        ours = limits.scan(analysis, model, mass_mev=masses, method="asymptotic")
        found = {float(m): (float(mu), float(g)) for name, m, mu, _, g in rows if name == model}
        for point in ours.points:
            mu_up, coupling = min(found.items(), key=lambda kv: abs(kv[0] - point.mass_mev))[1]
            # pyhf's toms748 to rtol 1e-4 and its fits to their default tolerance; the coupling through the patch's
            # 61-point mu(g) table (a spline: ~1e-6)
            assert mu_up == pytest.approx(point.mu_obs, rel=3e-4), (model, point.mass_mev)
            assert coupling == pytest.approx(point.g_obs, rel=3e-4), (model, point.mass_mev)
    assert np.isfinite([float(r[2]) for r in rows]).all()


@pytest.mark.slow
@pytest.mark.parametrize("analysis", ANALYSES)
def test_every_patch_meets_what_the_recipe_needs(analysis, tmp_path):
    pyhf = pytest.importorskip("pyhf")
    with _archive(analysis) as tar:
        tar.extractall(tmp_path, filter="data")
    code = _python_block((tmp_path / "README.md").read_text())
    low, high = map(float, re.search(r"toms748_scan\(data, model, (\S+), (\S+), level=LEVEL\)", code).groups())
    level = float(re.search(r"^LEVEL = (\S+)", code, flags=re.M).group(1))
    checked = 0
    for directory in sorted(p.parent for p in tmp_path.glob("*/patchset.json")):
        bkg_only = json.loads((directory / "BkgOnly.json").read_text())
        patchset_doc = json.loads((directory / "patchset.json").read_text())
        workspace, patchset = pyhf.Workspace(bkg_only), pyhf.PatchSet(patchset_doc)
        for patch in patchset.patches:  # as the recipe: the patch applies and its model builds
            model = pyhf.Workspace(patchset.apply(workspace, patch.values)).model()
            assert model.config.poi_name == "mu" and model.config.suggested_bounds()[model.config.poi_index] == [0, 20]
        counts = [counting_model(bkg_only, patch) for patch in patchset_doc["patches"]]
        n = len(counts)
        batch = BatchAsymptotic(counts[0], np.array([c.signal for c in counts]))
        for mu in (low, high):  # toms748 needs CLs - level to change sign in the bracket, on all six curves
            observed, expected = batch.cls(np.full(n, mu))
            curves = np.column_stack([observed, expected])
            assert ((curves > level) if mu == low else (curves < level)).all(), (directory.name, mu)
        limits_mu = AsymptoticCalculator.upper_limits(counts, level, ntoys=0, seeds=[None] * n)
        for patch, limit in zip(patchset_doc["patches"], limits_mu):
            assert low < limit.mu_obs < high
            table = np.asarray(patch["metadata"]["mu_vs_coupling"]["mu"], dtype=float)
            falling = np.nonzero(np.diff(table) <= 0)[0]
            rising = table[: falling[0] + 1] if falling.size else table
            # the spline interpolates, never extrapolates
            assert rising[0] < limit.mu_obs < rising[-1], (directory.name, patch["metadata"]["values"])
            checked += 1
    assert checked == sum(len(json.loads(p.read_text())["patches"]) for p in tmp_path.glob("*/patchset.json"))
