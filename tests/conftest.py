"""Shared fixtures: the repository root (tests run from any working directory), the CLI run in-process, and
hand-made workspaces for analytic checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from limits.cli import main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root: committed results/, workspaces/ and schemas/ are found from it, not from the CWD."""
    return REPO


@pytest.fixture
def run_cli(capsys):
    """Run ``limits ARGS`` in-process; return (exit status, stdout, stderr)."""

    def run(*args: str):
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def _toy_workspace(signal, background, unc=None, syst=0.1, observed=None):
    """A hand-made workspace in our format: one channel per entry, shapesys background, mu and one normsys."""
    unc = [0.3 * b for b in background] if unc is None else unc
    observed = [0] * len(signal) if observed is None else observed
    bkg = {"channels": [{"name": f"c{j}", "samples": [{"name": "background", "data": [b], "modifiers": [
        {"name": f"bkg_{j}", "type": "shapesys", "data": [u]}]}]} for j, (b, u) in enumerate(zip(background, unc))],
        "observations": [{"name": f"c{j}", "data": [n]} for j, n in enumerate(observed)],
        "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": [{"name": "mu", "bounds": [[0, 20]]}]}}],
        "version": "1.0.0"}
    mods = [{"name": "mu", "type": "normfactor", "data": None}]
    if syst:
        mods.append({"name": "signal_yield", "type": "normsys", "data": {"hi": 1 + syst, "lo": 1 - syst}})
    patch = {"metadata": {"name": "p", "values": [1]}, "patch": [
        {"op": "add", "path": f"/channels/{j}/samples/1", "value": {"name": "signal", "data": [s], "modifiers": mods}}
        for j, s in enumerate(signal)]}
    return bkg, patch


@pytest.fixture(scope="session")
def toy_workspace():
    """``toy_workspace(signal, background, unc=None, syst=0.1, observed=None) -> (bkg_only, patch)``."""
    return _toy_workspace


@pytest.fixture(scope="session")
def hepdata_record(tmp_path_factory) -> Path:
    """The HEPData record of na64-2026 (bremsstrahlung and annihilation; all ten models) from the committed scans
    and workspaces, written once by ``limits hepdata`` for every test that reads a record."""
    pytest.importorskip("hepdata_lib")  # the [test] extra installs it; a bare install gets a clear skip
    out = tmp_path_factory.mktemp("hepdata") / "na64-2026"
    assert main(["hepdata", "--analysis", "na64-2026", "--out", str(out), "--results", str(REPO / "results"),
                 "--workspaces", str(REPO / "workspaces")]) == 0
    return out
