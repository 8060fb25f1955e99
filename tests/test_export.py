"""Exports for recasting tools: DarkCast .lmt, CSV of every interval, YAML (issue 12, part 3)."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

import limits
from limits.publish.export import DARKCAST_NO_LIMIT, darkcast_text, intervals_csv_text, yaml_text

RESULTS = Path(__file__).resolve().parents[1] / "results"


def read_lmt(text: str) -> tuple[np.ndarray, list[list[tuple[float, float]]]]:
    """A reader written from DarkCast's documented .lmt format: '#' comments, whitespace columns, the mass in GeV, then
    the lower (and, two-sided, upper) coupling of each excluded interval; 1e5 marks no limit."""
    rows = [[float(x) for x in line.split("#")[0].split()] for line in text.splitlines() if line.split("#")[0].strip()]
    masses = np.array([r[0] for r in rows])
    pairs = [list(zip(r[1::2], r[2::2])) if len(r) > 2 else [(r[1], math.inf)] for r in rows]
    return masses, [[(lo, math.inf if hi >= DARKCAST_NO_LIMIT else hi) for lo, hi in p if lo < DARKCAST_NO_LIMIT]
                    for p in pairs]


def _island_result() -> limits.ScanResult:
    """A hand-made result: an open exclusion, an island above a bounded interval, and a mass without exclusion."""
    points = (
        {"mass_mev": 1.0, "g_obs": 1e-5, "g_exp": [1e-5] * 5, "mu_obs": 0.2, "s_obs": 2.3, "status": "ok",
         "excluded_intervals_obs": [[1e-5, None]]},
        {"mass_mev": 300.0, "g_obs": 2e-4, "g_exp": [2e-4] * 5, "mu_obs": 0.2, "s_obs": 2.3, "status": "ok",
         "excluded_intervals_obs": [[2e-4, 3e-3], [5e-2, None]]},
        {"mass_mev": 900.0, "g_obs": None, "g_exp": [None] * 5, "mu_obs": 0.2, "s_obs": 2.3,
         "status": "no_exclusion", "excluded_intervals_obs": []},
    )
    return limits.ScanResult(analysis="a", model="m", coupling="g", method="exact", cl=0.9, stat_only=False, seed=0,
                             ntoys=None, expected_bands="-", inputs_digest="0" * 64, assumptions={},
                             versions={"limits": "0", "pyhf": "0", "numpy": "0", "scipy": "0"}, points=points)


def test_darkcast_file_reads_back_with_every_interval():
    res = _island_result()
    masses, intervals = read_lmt(darkcast_text(res))
    np.testing.assert_allclose(masses, res.mass_mev * 1e-3)
    assert intervals == [[(1e-5, math.inf)], [(2e-4, 3e-3), (5e-2, math.inf)], []]


def test_committed_scan_exports_its_limit():
    res = limits.ScanResult.from_json(RESULTS / "na64-2026" / "bl-unbroken")
    masses, intervals = read_lmt(darkcast_text(res))
    np.testing.assert_allclose(masses * 1e3, res.mass_mev, rtol=1e-6)
    np.testing.assert_allclose([iv[0][0] for iv in intervals], res.g_obs, rtol=1e-6)  # the file's 7 digits


def test_csv_and_yaml_carry_every_interval():
    res = _island_result()
    rows = list(csv.DictReader(io.StringIO(intervals_csv_text(res))))
    assert [(r["mass_mev"], r["interval"], r["g_lower"], r["g_upper"]) for r in rows] == [
        ("1.0", "0", "1e-05", "inf"), ("300.0", "0", "0.0002", "0.003"), ("300.0", "1", "0.05", "inf"),
        ("900.0", "", "", "")]
    doc = yaml.safe_load(yaml_text(res))
    assert doc["points"][1]["excluded_intervals"] == [[2e-4, 3e-3], [5e-2, math.inf]]
    assert doc["points"][2]["g_obs"] is None


def test_export_cli(run_cli, tmp_path):
    code, out, _ = run_cli("export", "--results", str(RESULTS / "na64-2022" / "bl-unbroken"))
    assert code == 0 and out.split()[:3] == ["#", "mass", "lower"]  # DarkCast's labels on line 1
    assert out.splitlines()[1].startswith("# NA64 na64-2022")
    code, _, err = run_cli("export", "--results", str(RESULTS / "na64-2022" / "bl-unbroken"), "--format", "yaml",
                           "--out", str(tmp_path / "x.yaml"))
    assert code == 0 and yaml.safe_load((tmp_path / "x.yaml").read_text())["analysis"] == "na64-2022"
    code, _, err = run_cli("export", "--results", str(tmp_path / "nope"))
    assert code == 2 and "--results" in err and err.count("\n") == 1


def test_python_export_equals_the_cli(tmp_path, run_cli):
    """limits.export is what `limits export` writes (the CLI is a layer over it); an unknown format is a typed
    error naming the field."""
    source = RESULTS / "na64-2026" / "lmu-ltau"
    out = tmp_path / "NA64.lmt"
    text = limits.export(source, "darkcast", out)
    assert out.read_text() == text == darkcast_text(limits.ScanResult.from_json(source))
    cli_out = tmp_path / "cli.lmt"
    code, _, _ = run_cli("export", "--results", str(source), "--format", "darkcast", "--out", str(cli_out))
    assert code == 0 and cli_out.read_text() == text
    with pytest.raises(limits.InputError, match="darkcast") as err:
        limits.export(source, "root")
    assert err.value.field == "fmt"  # the Python parameter


def read_darkcast_datasets(text: str) -> dict[str, list[tuple[float, float]]]:
    """A reader written from DarkCast's documented ``Datasets`` rules (utils.py of DarkCast 2): line 1, '#' removed,
    names the columns, the first the x axis; every later line is cut at '#', skipped when empty, and must have one value
    per label; each column but the first becomes a dataset of (x, value) pairs keyed by its label."""
    lines = text.splitlines()
    keys = lines[0].replace("#", "").split()[1:]
    data: dict[str, list[tuple[float, float]]] = {key: [] for key in keys}
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("#")[0].split()
        if not cells:
            continue
        assert len(cells) == len(keys) + 1, f"line {number} has size {len(cells)}, {len(keys) + 1} required"
        for key, value in zip(keys, cells[1:]):
            data[key].append((float(cells[0]), float(value)))
    return data


def test_darkcast_datasets_read_the_labels_of_line_one():
    """Issue 22: DarkCast reads line 1 as the column labels; its recast uses `lower` and `upper`, islands follow as
    further labelled pairs."""
    committed = limits.ScanResult.from_json(RESULTS / "na64-2026" / "bl-unbroken")
    one_sided = read_darkcast_datasets(darkcast_text(committed))
    assert list(one_sided) == ["lower"]
    islands = read_darkcast_datasets(darkcast_text(_island_result()))
    assert list(islands) == ["lower", "upper", "lower_2", "upper_2"]
    assert islands["lower"] == [(1e-3, 1e-5), (0.3, 2e-4), (0.9, DARKCAST_NO_LIMIT)]
    assert islands["upper"][:2] == [(1e-3, DARKCAST_NO_LIMIT), (0.3, 3e-3)]
    assert islands["lower_2"][1] == (0.3, 5e-2) and islands["upper_2"][0] == (1e-3, DARKCAST_NO_LIMIT)


class _Recorder:
    """Stands in for the darkcast package: records what a limit module asks of it."""

    def __init__(self, kind: str):
        self.kind = kind

    def __call__(self, *args, **kwargs):
        return (self.kind, args, kwargs)


def _load_module(path: Path, monkeypatch) -> dict:
    import sys
    import types

    fake = types.ModuleType("darkcast")
    for kind in ("Model", "Production", "Datasets", "Efficiency"):
        setattr(fake, kind, _Recorder(kind))
    monkeypatch.setitem(sys.modules, "darkcast", fake)
    namespace = {"__file__": str(path)}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace


def test_a_darkcast_export_ships_its_limit_and_model_modules(tmp_path, monkeypatch):
    """Issue 22: `export --format darkcast --out X.lmt` writes X.py (DarkCast's limit module) and X_model.py (the
    limit's model): an invisible search, production by the electron coupling, the .lmt beside it, the model's
    couplings with DarkCast's neutrino convention (a light Dirac neutrino: x = sqrt(2) Q)."""
    source = RESULTS / "na64-2026" / "bl-broken"
    limits.export(source, "darkcast", tmp_path / "NA64_BL.lmt")
    module = _load_module(tmp_path / "NA64_BL.py", monkeypatch)
    kind, args, kwargs = module["model"]
    assert (kind, args[0], kwargs["path"]) == ("Model", "NA64_BL_model", str(tmp_path))
    # the heavy Majorana N: Gamma(Z' -> NN)/g^2 = sum Q^2 m/(24 pi) beta^3 (PRL 129 Eq. 3), m_N = m/3
    m = 0.3
    assert kwargs["iwidth"](m, None) == pytest.approx(3 * m / (24 * math.pi) * (1 - 4 / 9) ** 1.5, rel=1e-14)
    assert module["production"] == ("Production", ("e_brem",), {})
    assert module["decay"] == ["nue_nue", "numu_numu", "nutau_nutau", "invisible"]
    assert module["bounds"] == ("Datasets", (str(tmp_path / "NA64_BL.lmt"),), {})
    assert module["efficiency"] == ("Efficiency", (), {"t0": 0, "t1": math.inf})
    assert "2207.09979" not in module["bibtex"] and "2606.17320" in module["bibtex"]
    xfs = _load_module(tmp_path / "NA64_BL_model.py", monkeypatch)["xfs"]
    assert set(xfs) == {"e", "mu", "tau", "nue", "numu", "nutau", "d", "u", "s", "c", "b", "t"}
    assert xfs["e"] == -1.0 and xfs["u"] == xfs["t"] == pytest.approx(1 / 3) and xfs["nue"] == -1.0  # Majorana
    dirac = tmp_path / "dirac.lmt"
    limits.export(RESULTS / "na64-2026" / "bl-unbroken", "darkcast", dirac)
    assert _load_module(tmp_path / "dirac_model.py", monkeypatch)["xfs"]["nue"] == pytest.approx(-math.sqrt(2))
    dark = tmp_path / "dp.lmt"
    limits.export(RESULTS / "na64-2026" / "dark-photon", "darkcast", dark)
    module = _load_module(tmp_path / "dp.py", monkeypatch)
    assert module["decay"] == "invisible"  # the dark sector; DarkCast's NA64 convention: 99 x the visible width
    assert _load_module(tmp_path / "dp_model.py", monkeypatch)["xfs"]["e"] == pytest.approx(-0.30282212087175264)


def test_darkcasts_recast_rule_turns_our_b_minus_l_limit_into_our_b_minus_3le_limit():
    """Issue 22: DarkCast's rule for an invisible search without lifetime dependence (arXiv:1801.04847 Eq. 2.2 with
    efficiency ratio 1), applied to the exported B-L limit, gives our own B-3L_e limit where the physics coincides:
    production by the electron coupling (x_e = -1 vs -3), decays to neutrinos (Dirac: every flavour vs nu_e only), and
    prompt visible decays, so that no Z' decaying visibly beyond the detector adds to the signal (above ~30 MeV here;
    below it our B-L limit is stronger by up to 22 % for that reason, docs/recasting.md)."""
    masses = [40.0, 70.0, 120.0]
    bl = limits.scan("na64-2026", "bl-unbroken", mass_mev=masses)
    b3 = limits.scan("na64-2026", "b-3le", mass_mev=masses)
    datasets = read_darkcast_datasets(darkcast_text(bl))
    for (m_gev, g_bl), g_ours in zip(datasets["lower"], b3.g_obs):
        inv = {name: limits.widths(name, [m_gev * 1e3]).rows()[0]["br"]["invisible"] for name in ("bl-unbroken",
                                                                                                    "b-3le")}
        # sigma_0 BR_0 = sigma_1 BR_1 with sigma ~ x_e^2 g^2
        g_recast = g_bl * (1.0 / 3.0) * math.sqrt(inv["bl-unbroken"] / inv["b-3le"])
        assert g_recast == pytest.approx(g_ours, rel=1e-4)
