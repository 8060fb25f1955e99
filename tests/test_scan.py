"""limits scan: statistics anchors, coupling inversion, resume after interruption, executors, grid mode."""

from __future__ import annotations

import dataclasses
import json
import math
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy.optimize import brentq

from limits.analysis.coupling_grid import coupling_grid, signal_on_grid
from limits.analysis.definition import get_analysis
from limits.errors import InputError
from limits.io.files import yaml_load
from limits.physics.models import get_model
from limits.scanning import run as run_module
from limits.scanning import tasks as tasks_module
from limits.scanning.config import ScanConfig
from limits.scanning.grid import column_crossings
from limits.scanning.inversion import SignalCurve, invert_curves
from limits.scanning.result import ScanResult
from limits.scanning.run import run_scan
from limits.stats.counting import code4, counting_model
from limits.stats.hybrid import HybridCalculator
from limits.stats.upper_limits import mu_limits
from limits.workspace.build import build_workspaces

A22 = get_analysis("na64-2022")
BL = get_model("bl-unbroken")


def test_exact_without_systematics_is_ln10(toy_workspace):
    # stats notes §3: CLs = exp(-mu S) at zero counts; 90 % CL <=> S_up = ln 10 = 2.303, for any background
    for b in ([0.1, 0.1, 0.2, 0.03, 0.1], [5.0, 0.01, 2.0, 0.5, 1.0]):
        bkg, patch = toy_workspace([1, 1, 2, 0.5, 3], b, unc=[0] * 5, syst=0)
        lim = mu_limits("exact", bkg, patch, 0.9)
        assert lim.mu_obs * 7.5 == pytest.approx(math.log(10), rel=1e-6)
        lim95 = mu_limits("exact", bkg, patch, 0.95)
        assert lim95.mu_obs * 7.5 == pytest.approx(math.log(20), rel=1e-6)


def test_exact_with_systematics_analytic(toy_workspace):
    # one correlated lognormal-ish normsys: CLs = E[exp(-mu S kappa(alpha))], alpha ~ N(0, 1) (code4)
    bkg, patch = toy_workspace([1, 1, 2, 0.5, 3], [0.1, 0.1, 0.2, 0.03, 0.1], syst=0.1)
    calc = HybridCalculator(counting_model(bkg, patch))
    alpha = np.linspace(-8, 8, 20001)
    weight = np.exp(-alpha**2 / 2) / math.sqrt(2 * math.pi) * (alpha[1] - alpha[0])
    for mu in (0.2, 0.3, 0.5):
        direct = np.sum(weight * np.exp(-mu * 7.5 * code4(alpha, 1.1, 0.9)))
        assert calc.cls_at(mu) == pytest.approx(direct, rel=1e-4)  # 20-node Gauss-Hermite vs a fine Riemann sum
    assert calc.cls_at(0.3) > math.exp(-0.3 * 7.5)  # uncertainty weakens the limit (Jensen)


def test_exact_bands_enumerate_background_counts(toy_workspace):
    bkg, patch = toy_workspace([1, 1, 2, 0.5, 3], [0.1, 0.1, 0.2, 0.03, 0.1], unc=[0] * 5, syst=0)
    calc = HybridCalculator(counting_model(bkg, patch))
    # B = 0.53: P(0) = 0.589, P(<=1) = 0.901, P(<=2) = 0.983 -> quantiles at 0, 0, 0, 1, 2 events
    assert calc.expected_counts().tolist() == [0, 0, 0, 1, 2]
    # CLs for one observed event, no nuisances: P(N<=1|mu) / P(N<=1|0) with Poisson(mu S + B)
    mu, s, b = 0.4, 7.5, 0.53
    expected = math.exp(-mu * s) * (1 + mu * s + b) / (1 + b)
    assert calc.cls_at(mu, 1) == pytest.approx(expected, rel=1e-9)


def test_asymptotic_is_much_stronger_at_zero_counts(toy_workspace):
    # stats notes §3: asymptotics exclude ~1.64 events instead of ~2.3 (b = [0.1, 0.1, 0.2, 0.03, 0.1])
    bkg, patch = toy_workspace([1, 1, 2, 0.5, 3], [0.1, 0.1, 0.2, 0.03, 0.1])
    asym = mu_limits("asymptotic", bkg, patch, 0.9)
    assert asym.mu_obs == pytest.approx(0.219, rel=0.02)  # pyhf toms748 value in the notes
    assert asym.mu_exp == pytest.approx([0.110, 0.171, 0.293, 0.530, 0.932], rel=0.03)
    exact = mu_limits("exact", bkg, patch, 0.9)
    assert exact.mu_obs > 1.3 * asym.mu_obs


def _true_roots(s, target, lo=1e-10, hi=1.0, n=200_001):
    """Every root of s(g) = target from the true function: sign changes on a dense log grid, then brentq."""
    g = np.geomspace(lo, hi, n)
    with np.errstate(divide="ignore"):  # S underflows to 0 far above a decay-factor peak
        d = np.log(s(g)) - math.log(target)
    cells = np.nonzero(np.sign(d[:-1]) != np.sign(d[1:]))[0]
    return [brentq(lambda x: math.log(s(np.array([x]))[0]) - math.log(target), g[i], g[i + 1], rtol=1e-14)
            for i in cells]


def test_a_task_inverts_its_curves_together_as_each_alone():
    """Issue 21: a task's crossings are solved in one vectorised search; each is exactly what its curve gives alone,
    and on S = A g^2 the crossing is sqrt(target/A)."""
    g = coupling_grid()
    curves = [SignalCurve(g, a * g**2 * np.exp(-((g / g0) ** 2)))
              for a, g0 in ((1e12, 1e-4), (1e9, 3e-3), (1e6, 1.0), (4e7, 2e-2))]
    targets = [[2.303, 3.0, 10.0]] * len(curves)
    assert invert_curves(curves, targets) == [c.invert(t) for c, t in zip(curves, targets)]
    (prompt,), = invert_curves([SignalCurve(g, 1e6 * g**2)], [[2.303]])
    assert prompt.crossings[0] == pytest.approx(math.sqrt(2.303e-6), rel=1e-12)


def test_inversion_with_decay_term_and_islands():
    # S(g) = A g^2 exp(-(g/g0)^2) (production ~ g^2, decays inside the detector ~ exp(-g^2)): rises then falls -> a
    # bounded excluded interval (an island in g); the crossings of the tabulated S agree with the true roots
    def s(g):
        return 1e12 * g**2 * np.exp(-(g / 1e-4) ** 2)

    (inv,) = SignalCurve(coupling_grid(), s(coupling_grid())).invert([2.303])
    assert len(inv.crossings) == 2 and inv.intervals == (inv.crossings,)
    np.testing.assert_allclose(inv.crossings, _true_roots(s, 2.303), rtol=1e-6)
    (prompt,) = SignalCurve(coupling_grid(), 1e6 * coupling_grid() ** 2).invert([2.303])
    assert prompt.crossings[0] == pytest.approx(math.sqrt(2.303e-6), rel=1e-9) and prompt.intervals[0][1] == math.inf


def test_inversion_finds_a_peak_between_grid_points():
    # the same physical shape peaking midway between two grid points (1/64 decade away), the target just below the
    # peak: every tabulated value is below the target, both crossings lie between the two points
    g0 = 10 ** (-5 + 0.5 / 32)

    def s(g):
        return 10.0 * np.e * (g / g0) ** 2 * np.exp(-(g / g0) ** 2)

    target = 10.0 * math.exp(-1e-3)
    assert s(coupling_grid()).max() < target
    (inv,) = SignalCurve(coupling_grid(), s(coupling_grid())).invert([target])
    assert len(inv.crossings) == 2 and inv.crossings[0] < g0 < inv.crossings[1] and inv.intervals == (inv.crossings,)
    np.testing.assert_allclose(inv.crossings, _true_roots(s, target, 1e-6, 1e-4), rtol=1e-5)


def test_no_crossing_and_no_signal():
    g = coupling_grid()
    assert SignalCurve(g, 1e-3 * np.ones_like(g)).invert([2.303])[0].intervals == ()
    (floor,) = SignalCurve(g, 5.0 + 1e6 * g**2).invert([2.303])  # excluded from the grid's lowest coupling up
    assert floor.intervals == ((g[0], math.inf),) and floor.crossings == ()
    assert SignalCurve(g, np.zeros_like(g)).invert([2.303])[0].intervals == ()
    with pytest.raises(InputError, match="events"):
        SignalCurve(g, -np.ones_like(g))
    with pytest.raises(InputError, match="targets"):
        SignalCurve(g, np.ones_like(g)).invert([0.0])


VISIBLE = {"name": "bl-visible", "coupling": {"symbol": "g", "scale": 1}, "neutrinos": {"light": "majorana"},
           "charges": {"e": -1, "mu": -1, "tau": -1, "u": "1/3", "d": "1/3", "s": "1/3",
                       "nu_e": 0, "nu_mu": 0, "nu_tau": 0}}


def _brute_force_edges(analysis, model, mass_mev, target):
    """Edges of {g: S(g) > target} from S on 6000 log-spaced couplings, 1e-8 - 1e-2, ln S interpolated linearly."""
    g = np.geomspace(1e-8, 1e-2, 6000)
    ls = np.log(np.maximum(analysis.signal(model, mass_mev, g).sum(axis=1), 1e-300)) - math.log(target)
    cells = np.nonzero(np.sign(ls[:-1]) != np.sign(ls[1:]))[0]
    return [float(np.exp(np.log(g[i]) + ls[i] / (ls[i] - ls[i + 1]) * np.log(g[i + 1] / g[i]))) for i in cells]


def test_visible_decay_model_islands_match_brute_force():
    """Issue 13: a model without light-neutrino charges decays only visibly, so S(g) rises, peaks and falls (decays
    inside the detector). The masses 7.6 - 18 MeV must be excluded on an island whose both edges match a brute-force
    scan of S(g) to 2 %; 25 MeV (peak signal below the excluded count) is not excluded."""
    from limits.physics.models import model_from_document

    model = model_from_document(VISIBLE, "visible")
    masses = [7.6, 10.0, 12.0, 15.0, 18.0, 25.0]
    res = run_scan(ScanConfig(analysis=get_analysis("na64-2026"), model=model, masses_mev=tuple(masses),
                              method="exact", ntoys=2000, seed=0))
    for p in res.points[:-1]:
        assert p.status == "ok", p
        assert 2.303 < p.s_obs < 2.6  # the excluded count at zero observed events
        edges = _brute_force_edges(get_analysis("na64-2026"), model, p.mass_mev, p.s_obs)
        (lo, hi), = p.excluded_intervals_obs
        assert len(edges) == 2 and lo == pytest.approx(edges[0], rel=0.02) and hi == pytest.approx(edges[1], rel=0.02)
        assert p.g_obs == lo
    last = res.points[-1]
    assert last.status == "no_exclusion"
    assert _brute_force_edges(get_analysis("na64-2026"), model, 25.0, 2.303) == []


def _config(masses, method="exact", grid=False, seed=0):
    return ScanConfig(analysis=A22, model=BL, masses_mev=tuple(masses), method=method, ntoys=2000, seed=seed,
                      grid=grid)


def test_scan_points_and_total_events(tmp_path):
    res = run_scan(_config([0.01, 10.0, 200.0]))
    for p in res.points:
        assert p.status == "ok"
        total = A22.signal(BL, p.mass_mev, p.g_obs).sum()
        assert total == pytest.approx(p.s_obs, rel=1e-5)  # the inversion hits mu_up x S(g_ref)
        assert 2.303 < p.s_obs < 2.6  # ln 10 plus a little for the systematics
        assert p.g_exp[0] <= p.g_exp[2] <= p.g_exp[4]


def _counting_model_at(mass_mev: float, analysis: str = "na64-2022"):
    """The counting model a scan of bl-unbroken solves at one mass (each mass's model is made from that mass alone)."""
    cfg = ScanConfig(analysis=get_analysis(analysis), model=get_model("bl-unbroken"), masses_mev=(mass_mev,))
    return run_module.counting_models(cfg, build_workspaces(cfg.analysis, cfg.model, np.array([mass_mev])))[0]


def _holds(models, target) -> bool:
    return any(np.array_equal(m.signal, target.signal) for m in models)


@pytest.fixture
def fails_at_10_mev(monkeypatch):
    """The mu limits raise for any batch holding the 10 MeV model (and so, retried alone, for that mass only)."""
    real, bad = tasks_module.limits_of_models, _counting_model_at(10.0)

    def flaky(method, models, cl, **kw):
        if _holds(models, bad):
            raise FloatingPointError("boom")
        return real(method, models, cl, **kw)

    monkeypatch.setattr(tasks_module, "limits_of_models", flaky)


def test_failed_mass_is_recorded_not_fatal(tmp_path, fails_at_10_mev):
    res = run_scan(_config([1.0, 10.0, 100.0]))
    assert res.status.tolist() == ["ok", "failed", "ok"]
    assert "boom" in res.points[1].reason and np.isnan(res.g_obs[1])


def test_interrupted_scan_resumes_to_identical_file(tmp_path, run_cli, monkeypatch):
    args = ("scan", "--analysis", "na64-2022", "--masses", "0.1:500:70")  # 4 tasks of up to 20 masses
    full, part = tmp_path / "full", tmp_path / "part"
    assert run_cli(*args, "--out", str(full))[0] == 0
    # interrupt: the 4th task raises KeyboardInterrupt after three tasks' checkpoints (60 masses) were written
    real = tasks_module.run_task
    calls = {"n": 0}

    def interrupted(task):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(run_module, "run_task", interrupted)
    assert run_cli(*args, "--out", str(part))[0] == 130  # Ctrl-C: "limits: aborted"
    assert not (part / "limits.json").exists()
    files = list((part / ".checkpoints").rglob("masses_*.json"))  # one per task
    assert len(files) == 3 and sum(len(json.loads(f.read_text())["points"]) for f in files) == 60
    monkeypatch.setattr(run_module, "run_task", real)
    assert run_cli(*args, "--out", str(part))[0] == 0
    assert (part / "limits.json").read_bytes() == (full / "limits.json").read_bytes()
    assert (part / "limits.csv").read_bytes() == (full / "limits.csv").read_bytes()
    assert not (part / ".checkpoints").exists()


def test_executors_give_identical_results(tmp_path, monkeypatch):
    from limits.scanning.executors import Executor

    masses = [0.5, 20.0, 300.0]
    local = run_scan(_config(masses), executor="local").to_document()
    procs = run_scan(_config(masses), executor="processes:2").to_document()
    early = run_scan(_config(masses), executor="dask:local:2").to_document()  # done here before the cluster is up
    real_run = Executor.run

    def on_the_cluster(self, function, tasks, record):
        assert self.workers == 2  # waits for the cluster: every task runs on its workers
        real_run(self, function, tasks, record)

    monkeypatch.setattr(Executor, "run", on_the_cluster)
    dask = run_scan(_config(masses), executor="dask:local:2").to_document()
    assert json.dumps(local, sort_keys=True) == json.dumps(procs, sort_keys=True) == json.dumps(dask, sort_keys=True) \
        == json.dumps(early, sort_keys=True)


def test_the_local_dask_cluster_closes_with_the_executor():
    from limits.scanning.executors import Executor

    with Executor("dask:local:2") as ex:
        assert ex.workers == 2 and ex.map(abs, [-1, -2, 3]) == [1, 2, 3]
        helper = ex._helper
    assert helper is not None and helper.wait(timeout=30) == 0  # its cluster closed, its process ended


@pytest.mark.parametrize("method", ["hybrid", "asymptotic", pytest.param("toys", marks=pytest.mark.slow)])
def test_grid_mode_agrees_with_root_finding(tmp_path, method):
    """The --grid columns (CLs tables per shape) cross 1 - CL where the root-found limit is: within 1 % in g
    (toys: plus three standard deviations of the difference of two toy estimates)."""
    masses = np.geomspace(1.0, 300.0, 6)
    cfg = _config(masses, method=method, grid=True)
    res = run_scan(dataclasses.replace(cfg, ntoys=300) if method == "toys" else cfg)
    for p in res.points:
        crossings, _ = column_crossings(np.array(p.grid["g"]), np.array(p.grid["cls_obs"]), 0.1)
        # toys: the table and the limit are independent estimates, each with relative error e in mu, so their g
        # (~ sqrt(mu)) differ by sqrt(2) e / 2 at one sigma; allow three
        mc = 3 * math.sqrt(2) / 2 * p.facts["mu_mc_err"][0] / p.mu_obs if method == "toys" else 0.0
        assert crossings[0] == pytest.approx(p.g_obs, rel=0.01 + mc)
    assert res.contours["obs"] and res.contours["exp"]["median"]
    for line in res.contours["obs"]:  # clipped to the scanned masses and couplings
        pts = np.array(line)
        assert masses[0] * (1 - 1e-9) <= pts[:, 0].min() and pts[:, 0].max() <= masses[-1] * (1 + 1e-9)


def test_scan_cli_outputs(run_cli, tmp_path):
    import jsonschema

    from limits.io.schemas import load_schema

    code, _, err = run_cli("scan", "--analysis", "na64-2022", "--masses", "1,100", "--out", str(tmp_path))
    assert code == 0, err
    doc = json.loads((tmp_path / "limits.json").read_text())
    jsonschema.validate(doc, load_schema("limits"))
    assert doc["seed"] == 0 and doc["method"] == "hybrid" and doc["cl"] == 0.9 and len(doc["inputs_digest"]) == 64
    assert (tmp_path / "limits.csv").read_text().startswith("mass_mev,g_obs")
    assert (tmp_path / "exclusion.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # content: test_plots.py
    result = ScanResult.from_json(tmp_path)
    assert result.g_obs.shape == (2,) and np.all(result.ok)


@pytest.mark.parametrize("args, field", [
    (("--cl", "1.5"), "--cl"), (("--executor", "threads"), "--executor"), (("--executor", "processes:x"), "--executor"),
    (("--ntoys", "5"), "--ntoys"), (("--seed", "-1"), "--seed"), (("--masses", "5000"), "--masses"),
    (("--analysis", "nope"), "--analysis"), (("--method", "bayes"), "--method"),
])
def test_scan_bad_input(run_cli, tmp_path, args, field):
    code, out, err = run_cli("scan", *args, "--out", str(tmp_path / "o"))
    assert code == 2 and err.count("\n") == 1 and field in err
    assert not (tmp_path / "o").exists()


# Runs `limits` in a child that SIGKILLs itself right after its KILL_AFTER-th checkpoint (one task's masses) is on
# disk: a real kill at a known point, with no polling (which can race under load)
_KILL_AFTER_CHECKPOINTS = r"""
import os, signal, sys
from limits.scanning.checkpoints import Checkpoints
save, saved = Checkpoints.save, []
def save_then_die(self, points):
    save(self, points)
    saved.append(points)
    if len(saved) == int(os.environ["KILL_AFTER"]):
        os.kill(os.getpid(), signal.SIGKILL)
Checkpoints.save = save_then_die
from limits.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(("method", "masses", "kill_after"), [
    ("hybrid", "1:300:25", 1),  # two tasks (20 + 5 masses): killed after the first
    pytest.param("toys", "1:300:5", 2, marks=pytest.mark.slow),  # a task per mass
])
def test_sigkill_midway_then_rerun_is_identical(tmp_path, method, masses, kill_after, run_cli):
    import os
    import subprocess
    import sys

    # a mass-dependent efficiency gives every mass its own signal shape, hence its own solve (and toys)
    runs = yaml_load(resources.files("limits.data").joinpath("runs.yaml").read_text())
    (tmp_path / "eff_I.csv").write_text("mass_mev,efficiency\n0.5,0.30\n1000,0.70\n")
    runs["runs"]["I"]["efficiency"] = {"file": "eff_I.csv", "status": "derived", "source": "test"}
    (tmp_path / "runs.yaml").write_text(yaml.safe_dump(runs))
    args = ["scan", "--analysis", "na64-2022", "--method", method, "--ntoys", "300", "--masses", masses,
            "--seed", "3", "--runs", str(tmp_path / "runs.yaml")]
    full, part = tmp_path / "full", tmp_path / "part"
    assert run_cli(*args, "--out", str(full))[0] == 0  # the uninterrupted scan, in this process
    killed = subprocess.run([sys.executable, "-c", _KILL_AFTER_CHECKPOINTS, *args, "--out", str(part)],
                            env={**os.environ, "KILL_AFTER": str(kill_after)}, capture_output=True, timeout=300)
    assert killed.returncode == -9, killed.stderr  # SIGKILL, mid-scan
    assert len(list(part.rglob("masses_*.json"))) == kill_after and not (part / "limits.json").exists()
    assert run_cli(*args, "--out", str(part))[0] == 0  # resumed from the checkpoints
    assert (part / "limits.json").read_bytes() == (full / "limits.json").read_bytes()
    assert not list(part.rglob(".*.tmp.*"))  # nothing of the killed run is left behind


@pytest.mark.parametrize(("tau", "b"), [(1.0, 0.5), (25.0, 0.03), (400.0, 1.2), (3.0, 0.0)])
def test_negative_binomial_pmf_is_scipys(tau, b):
    from scipy import stats

    from limits.stats.hybrid import _negative_binomial_pmf

    k = np.arange(40)
    np.testing.assert_allclose(_negative_binomial_pmf(k, tau, b), stats.nbinom.pmf(k, tau, tau / (tau + b)),
                               rtol=1e-12, atol=1e-300)


def test_default_output_is_not_the_committed_tree_and_is_reused(tmp_path, run_cli, monkeypatch):
    """Issue 14: `limits scan` writes under ./limits-output/, prints where, and reuses a finished scan."""
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("scan", "--analysis", "na64-2022", "--masses", "1,10")
    out = tmp_path / "limits-output" / "na64-2022" / "bl-unbroken"
    assert code == 0, err
    assert f"-> {Path('limits-output') / 'na64-2022' / 'bl-unbroken'}" in err
    assert (out / "limits.json").is_file() and not (tmp_path / "results").exists()
    before = (out / "limits.json").stat().st_mtime_ns
    code, _, err = run_cli("scan", "--analysis", "na64-2022", "--masses", "1,10")
    assert code == 0 and "up to date" in err and (out / "limits.json").stat().st_mtime_ns == before
    code, _, err = run_cli("scan", "--analysis", "na64-2022", "--masses", "1,10", "--rerun")
    assert code == 0 and "up to date" not in err


def test_a_scan_with_failed_masses_exits_3_and_lists_them(tmp_path, run_cli, fails_at_10_mev):
    code, _, err = run_cli("scan", "--analysis", "na64-2022", "--masses", "1,10", "--out", str(tmp_path))
    assert code == 3 and "limits: failed: na64-2022/bl-unbroken at 10 MeV: FloatingPointError: boom" in err
    assert (tmp_path / "limits.json").is_file()


def test_stat_only_excludes_ln10_events(run_cli, tmp_path):
    """--stat-only: every systematic dropped, so at zero observed events the hybrid CLs is exp(-S) and the limit is
    S = ln 10 events at 90 % CL, whatever the backgrounds (an analytic number); with systematics it is more."""
    analysis, model = get_analysis("na64-2026"), get_model("bl-unbroken")
    masses = np.array([1.0, 20.0, 400.0])
    stripped = _counting_model_at(20.0, "na64-2026").without_systematics()
    assert stripped.syst_names == () and not stripped.background_unc.any() and stripped.signal.sum() > 0
    stat = run_scan(ScanConfig(analysis=analysis, model=model, masses_mev=tuple(masses), stat_only=True))
    full = run_scan(ScanConfig(analysis=analysis, model=model, masses_mev=tuple(masses)))
    events = analysis.signal(model, masses, stat.g_obs).sum(axis=1)
    np.testing.assert_allclose(events, math.log(10.0), rtol=1e-4)
    assert np.all(full.g_obs > stat.g_obs) and stat.stat_only
    code, _, err = run_cli("scan", "--masses", "20", "--stat-only", "--out", str(tmp_path))
    assert code == 0, err
    assert ScanResult.from_json(tmp_path).g_obs[0] == pytest.approx(stat.g_obs[1], rel=1e-12)


@pytest.mark.parametrize("stage", ["limits_of_models", "invert"])
def test_a_failing_mass_fails_alone_in_its_chunk(monkeypatch, stage):
    """A chunk whose batched solve raises is retried mass by mass, and an inversion that raises fails its mass only:
    only the mass that fails on its own is recorded as failed, its neighbours in the chunk get their limits."""
    from limits.scanning import tasks
    from limits.scanning.inversion import SignalCurve

    bad = 20.0
    if stage == "limits_of_models":
        original, bad_model = tasks.limits_of_models, _counting_model_at(bad)

        def fails_at_bad_mass(*args, **kwargs):
            if _holds(args[1], bad_model):  # the counting models
                raise FloatingPointError(f"boom at {bad:g} MeV")
            return original(*args, **kwargs)

        monkeypatch.setattr(tasks, stage, fails_at_bad_mass)
    else:
        original_invert, bad_events = SignalCurve.invert, signal_on_grid(A22, BL, np.array([bad]))[0]
        original_batch = tasks.invert_curves

        def is_bad(curve):
            return np.allclose(curve.events, bad_events, rtol=1e-12, atol=0)

        def invert_fails_at_bad_mass(self, targets):
            if is_bad(self):
                raise FloatingPointError(f"boom at {bad:g} MeV")
            return original_invert(self, targets)

        def batch_fails_with_bad_mass(curves, targets):  # the chunk's one solve fails as a whole
            if any(is_bad(c) for c in curves):
                raise FloatingPointError(f"boom at {bad:g} MeV")
            return original_batch(curves, targets)

        monkeypatch.setattr(SignalCurve, "invert", invert_fails_at_bad_mass)
        monkeypatch.setattr(tasks, "invert_curves", batch_fails_with_bad_mass)
    masses = (1.0, 5.0, bad, 100.0)  # one chunk (hybrid: 20 masses per task)
    res = run_scan(ScanConfig(analysis=get_analysis("na64-2022"), model=get_model("bl-unbroken"), masses_mev=masses))
    assert res.status.tolist() == ["ok", "ok", "failed", "ok"]
    assert "boom at 20 MeV" in res.points[2].reason
    clean = run_scan(ScanConfig(analysis=get_analysis("na64-2022"), model=get_model("bl-unbroken"),
                                masses_mev=(1.0, 5.0, 100.0)))
    np.testing.assert_allclose(res.g_obs[[0, 1, 3]], clean.g_obs, rtol=1e-12)


def test_mass_limit_records_round_trip_and_refuse_bad_fields():
    """A point's limits.json record reads back as the same point (NaN <-> null, inf <-> null for an open interval),
    with the calculator's facts apart from its own fields."""
    from limits.scanning.point import MassLimit

    failed = MassLimit.without_limit(10.0, 1e-4, "failed", "RuntimeError: no convergence")
    rec = failed.record()
    assert rec["g_obs"] is None and rec["g_exp"] == [None] * 5 and rec["reason"].startswith("RuntimeError")
    assert MassLimit.from_record(rec).same_as(failed) and math.isnan(MassLimit.from_record(rec).g_obs)
    island = MassLimit(mass_mev=12.0, status="ok", g_obs=2e-5, g_exp=(1e-5,) * 5, mu_obs=0.2, mu_exp=(0.2,) * 5,
                       s_obs=2.4, g_ref=1e-4, excluded_intervals_obs=((2e-5, 3e-3), (5e-2, math.inf)),
                       facts={"expected_counts": [0, 0, 0, 1, 2]}, m_chi_mev=4.0, y_obs=1e-12, y_exp=(1e-12,) * 5)
    rec = island.record()
    assert rec["excluded_intervals_obs"] == [[2e-5, 3e-3], [5e-2, None]] and rec["expected_counts"][-1] == 2
    back = MassLimit.from_record(json.loads(json.dumps(rec)))
    assert back.excluded_intervals_obs[1][1] == math.inf and back.facts == {"expected_counts": [0, 0, 0, 1, 2]}
    assert back.same_as(island) and not back.same_as(failed)
    with pytest.raises(InputError, match="status"):
        MassLimit(mass_mev=1.0, status="excluded")
    with pytest.raises(InputError, match="facts"):
        MassLimit(mass_mev=1.0, status="ok", facts={"g_obs": 1.0})


def test_coupling_for_mu_takes_any_real_number_and_says_which_side_it_misses():
    from limits.scanning.inversion import coupling_for_mu

    patch = build_workspaces(A22, BL, np.array([10.0])).patchset["patches"][0]["metadata"]
    g = coupling_for_mu(patch, 0.24)
    assert coupling_for_mu(patch, np.float32(0.24)) == pytest.approx(g, rel=1e-6)  # numpy scalars are numbers
    assert coupling_for_mu(patch, np.int64(1)) == pytest.approx(patch["g_ref"], rel=1e-5)  # mu = 1 at g_ref
    for bad in (True, -1.0, math.nan, "0.24"):
        with pytest.raises(InputError, match="mu"):
            coupling_for_mu(patch, bad)
    with pytest.raises(InputError, match="above the largest"):
        coupling_for_mu(patch, 1e30)
    with pytest.raises(InputError, match="smallest coupling"):
        coupling_for_mu(patch, 1e-12)
    with pytest.raises(InputError, match="patch_metadata"):
        coupling_for_mu({"values": [10.0]}, 0.24)


def test_signal_curve_does_not_extrapolate():
    g = coupling_grid()
    curve = SignalCurve(g, 1e6 * g**2)
    inside = curve(np.array([1e-5, 1e-3]))
    np.testing.assert_allclose(inside, 1e6 * np.array([1e-5, 1e-3]) ** 2, rtol=1e-9)
    assert np.isnan(curve(np.array([1e-11, 2.0]))).all()  # outside the table: no value, not 0
    assert (SignalCurve(g, np.zeros_like(g))(np.array([1e-5])) == 0).all()  # no signal at all: 0


def test_mass_limit_equality_is_by_value_and_bad_records_name_the_record():
    from limits.scanning.point import MassLimit

    a = MassLimit.without_limit(10.0, 1e-4, "failed", "x")
    assert a == MassLimit.from_record(a.record()) and a != MassLimit.without_limit(11.0, 1e-4, "failed", "x")
    for bad in ({"mass_mev": 1.0, "status": "ok"}, ["not", "a", "mapping"], {**a.record(), "g_exp": 5}):
        with pytest.raises(InputError, match="record"):
            MassLimit.from_record(bad)


def test_a_toy_scan_tells_its_estimated_time_first():
    """The estimate (measured on this machine: limits.stats.toys.seconds_per_point) reaches the caller before the
    toys run, naming the shapes, the toys and the workers; its calibration toys are not the result's."""
    said = []
    cfg = dataclasses.replace(_config([10.0], method="toys"), ntoys=100)
    from limits.stats import upper_limits

    quiet = run_scan(cfg)
    upper_limits._SOLVED.clear()  # solved again, after the calibration's toys
    told = run_scan(cfg, notify=said.append)
    assert len(said) == 1 and "1 signal shape(s) x 100 toys, estimated" in said[0] and "this process" in said[0]
    assert json.dumps(told.to_document(), sort_keys=True) == json.dumps(quiet.to_document(), sort_keys=True)


def test_on_progress_counts_masses_and_can_stop_a_scan(tmp_path):
    """limits.scan(on_progress=...): (done, total) from the planned start to the end, never backwards; an exception
    raised by it stops the scan, and the masses done so far stay in the checkpoints for a resumed run."""
    import limits

    seen: list[tuple[int, int]] = []
    limits.scan("na64-2026", "bl-unbroken", mass_mev="1:100:40", on_progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 40) and seen[-1] == (40, 40)
    assert all(b[0] >= a[0] for a, b in zip(seen, seen[1:])) and {t for _, t in seen} == {40}

    class Stop(Exception):
        pass

    def stop(done: int, total: int) -> None:
        if done > 0:
            raise Stop

    with pytest.raises(Stop):
        limits.scan("na64-2026", "bl-unbroken", mass_mev="1:100:40", on_progress=stop,
                    checkpoint_dir=tmp_path / "ck")
    resumed: list[tuple[int, int]] = []
    limits.scan("na64-2026", "bl-unbroken", mass_mev="1:100:40", checkpoint_dir=tmp_path / "ck",
                on_progress=lambda d, t: resumed.append((d, t)))
    assert 0 < resumed[0][0] < 40
