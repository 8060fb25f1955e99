"""Issue 13: one limit solve per distinct signal shape, results identical without sharing; toys in bounded chunks."""

from __future__ import annotations

import copy
from importlib import resources

import numpy as np
import pytest
import yaml

import limits
from limits.io.files import yaml_load
from limits.stats import toys as toys_module
from limits.stats import upper_limits
from limits.stats.counting import counting_model
from limits.stats.shapes import canonical_shape
from limits.stats.toys import ToyCalculator
from limits.stats.upper_limits import mu_limits_batch


def _mass_dependent_runs(tmp_path):
    doc = yaml_load(resources.files("limits.data").joinpath("runs.yaml").read_text())
    (tmp_path / "eff_I.csv").write_text("mass_mev,efficiency,rel_uncertainty\n0.5,0.30,0.05\n10,0.50,0.03\n"
                                        "1000,0.70,0.08\n")
    doc["runs"]["I"]["efficiency"] = {"file": "eff_I.csv", "status": "derived", "source": "test simulation"}
    (tmp_path / "runs.yaml").write_text(yaml.safe_dump(doc))
    return tmp_path / "runs.yaml"


@pytest.mark.parametrize("table", ["flat", "mass-dependent"])
@pytest.mark.parametrize("method", ["exact", "asymptotic"])
def test_sharing_gives_identical_limits(tmp_path, table, method):
    runs = _mass_dependent_runs(tmp_path) if table == "mass-dependent" else None
    analysis = limits.get_analysis("na64-2022", runs=runs)
    ws = limits.workspaces(analysis, "bl-unbroken", mass_mev=np.geomspace(1.0, 500.0, 7))
    patches = ws.patchset["patches"]
    upper_limits._SOLVED.clear()
    shared = mu_limits_batch(method, ws.bkg_only, patches, 0.9)
    alone = mu_limits_batch(method, ws.bkg_only, patches, 0.9, share_shapes=False)
    for a, b in zip(shared, alone):
        assert a.mu_obs == b.mu_obs and a.mu_exp == b.mu_exp
    shapes = {canonical_shape(counting_model(ws.bkg_only, p))[0] for p in patches}
    assert len(shapes) == (1 if table == "flat" else len(patches))
    if table == "flat":
        # one shape: mu_up x S is one number (the same excluded signal at every mass)
        s = np.array([counting_model(ws.bkg_only, p).signal.sum() for p in patches])
        products = np.array([lim.mu_obs for lim in shared]) * s
        np.testing.assert_allclose(products, products[0], rtol=1e-14)


def test_sharing_is_safe_within_the_quantisation():
    """Signal vectors whose fractions differ by ~1e-13 (below SHAPE_RTOL) share a shape."""
    ws = limits.workspaces("na64-2022", "bl-unbroken", mass_mev=[10.0])
    patch = ws.patchset["patches"][0]
    base = counting_model(ws.bkg_only, patch)
    moved = copy.deepcopy(patch)
    moved["patch"][0]["value"]["data"][0] *= 1 + 1e-13
    assert canonical_shape(counting_model(ws.bkg_only, moved))[0] == canonical_shape(base)[0]


def test_toys_in_chunks_are_the_toys_at_once(monkeypatch):
    ws = limits.workspaces("na64-2022", "bl-unbroken", mass_mev=[10.0])
    counts = canonical_shape(counting_model(ws.bkg_only, ws.patchset["patches"][0]))[1]
    whole = ToyCalculator(counts, 900, np.random.SeedSequence(5)).hypotest(0.3, 0)
    monkeypatch.setattr(toys_module, "TOY_CHUNK", 200)
    chunked = ToyCalculator(counts, 900, np.random.SeedSequence(5)).hypotest(0.3, 0)
    assert chunked == whole


@pytest.mark.parametrize("seed", [0, *(pytest.param(s, marks=pytest.mark.slow) for s in range(1, 6))])
def test_toy_limits_are_bracketed_with_few_toys_and_carry_an_mc_error(seed):
    """--ntoys 200 used to fail masses with 'CLs not bracketed'; the grid now extends until every curve crosses."""
    ws = limits.workspaces("na64-2026", "bl-unbroken", mass_mev=[10.0])
    counts = canonical_shape(counting_model(ws.bkg_only, ws.patchset["patches"][0]))[1]
    lim = ToyCalculator(counts, 200, np.random.SeedSequence(seed)).upper_limit(0.1)
    assert np.isfinite(lim.mu_obs) and np.all(np.isfinite(lim.mu_exp))
    assert list(lim.mu_exp) == sorted(lim.mu_exp)
    assert 0 < lim.info["mu_mc_err"][0] < lim.mu_obs


def test_a_scan_with_more_masses_than_one_batch_is_complete():
    """The second batch of an asymptotic scan finds its one shape solved already (an empty solve is skipped)."""
    from limits.stats.registry import calculator_class

    n = calculator_class("asymptotic").batch_size + 10
    res = limits.scan("na64-2022", "bl-unbroken", mass_mev=np.geomspace(1.0, 300.0, n), method="asymptotic",
                      progress=False)
    assert res.status.tolist() == ["ok"] * n


@pytest.mark.slow  # integration run by .ci/run; the default suite stays near 2 min
def test_toy_jobs_merge_into_one_run(tmp_path, run_cli):
    """Issue 13: toy scans of separate jobs over different masses merge into the byte-identical result of one run."""
    common = ["--analysis", "na64-2022", "--method", "toys", "--ntoys", "100", "--seed", "7"]
    for name, masses in (("a", "1,30"), ("b", "5,300"), ("all", "1,5,30,300")):
        code, _, err = run_cli("scan", *common, "--masses", masses, "--out", str(tmp_path / name))
        assert code == 0, err
    code, _, err = run_cli("merge", "--results", str(tmp_path / "a"), "--results", str(tmp_path / "b"),
                           "--out", str(tmp_path / "merged"))
    assert code == 0, err
    for name in ("limits.json", "limits.csv"):
        assert (tmp_path / "merged" / name).read_bytes() == (tmp_path / "all" / name).read_bytes()
    # a part of another configuration is refused with one line naming the input
    code, _, err = run_cli("scan", "--analysis", "na64-2022", "--masses", "2", "--out", str(tmp_path / "c"))
    code, _, err = run_cli("merge", "--results", str(tmp_path / "a"), "--results", str(tmp_path / "c"),
                           "--out", str(tmp_path / "bad"))
    assert code == 2 and "--results" in err and "method" in err and not (tmp_path / "bad").exists()


def test_disk_cache_on_and_off_give_identical_files(tmp_path, monkeypatch):
    """The yield fold read back from the disk cache gives byte-identical limits.json to a fold computed afresh."""
    from limits.physics import hadrons, yields

    docs = []
    for cache in (str(tmp_path / "cache"), str(tmp_path / "cache"), "off"):  # fill, read back, none
        monkeypatch.setenv("LIMITS_CACHE_DIR", cache)
        yields.spectra.cache_clear()
        hadrons._three_pion_table.cache_clear()
        res = limits.scan("na64-2022", "bl-unbroken", mass_mev=[0.5, 20.0, 300.0], progress=False)
        docs.append(res.to_json(tmp_path / f"limits_{len(docs)}.json").read_bytes())
    assert any((tmp_path / "cache").glob("spectra-*.npz"))
    assert docs[0] == docs[1] == docs[2]


def test_batched_hybrid_limits_are_each_models_own(tmp_path):
    """Issue 21: the hybrid calculator solves many signal shapes in one vectorised search; every limit is exactly the
    one its model gives alone (no row's value depends on the rows solved with it)."""
    from limits.stats.hybrid import HybridCalculator

    analysis = limits.get_analysis("na64-2022", runs=_mass_dependent_runs(tmp_path))
    ws = limits.workspaces(analysis, "bl-unbroken", mass_mev=np.geomspace(1.0, 500.0, 5))
    models = [counting_model(ws.bkg_only, p) for p in ws.patchset["patches"]]
    together = HybridCalculator.upper_limits(models, 0.1, ntoys=0, seeds=[None] * len(models))
    alone = [HybridCalculator(m).upper_limit(0.1) for m in models]
    assert [(a.mu_obs, a.mu_exp) for a in together] == [(b.mu_obs, b.mu_exp) for b in alone]
    assert len({a.mu_obs * float(m.signal.sum()) for a, m in zip(together, models)}) == len(models)  # 5 shapes



def test_batched_hybrid_cls_tables_are_each_models_own(tmp_path):
    """Issue 21: the --grid CLs tables of many shapes in one vectorised evaluation are, bit for bit, what each model's
    own calculator gives (and the zero-signal rows at mu <= 0 are 1)."""
    from limits.stats.hybrid import HybridCalculator

    analysis = limits.get_analysis("na64-2022", runs=_mass_dependent_runs(tmp_path))
    ws = limits.workspaces(analysis, "bl-unbroken", mass_mev=np.geomspace(1.0, 500.0, 4))
    models = [counting_model(ws.bkg_only, p) for p in ws.patchset["patches"]]
    mus = [np.geomspace(0.01, 3.0, 7 + k) for k in range(len(models))]
    mus[0] = np.concatenate([[0.0], mus[0]])
    together = HybridCalculator.cls_many(models, mus, ntoys=0, seeds=[None] * len(models))
    for (obs, exp), model, mu in zip(together, models, mus):
        alone_obs, alone_exp = HybridCalculator(model).cls(mu)
        assert np.array_equal(obs, alone_obs) and np.array_equal(exp, alone_exp)
    assert together[0][0][0] == 1.0 and np.all(together[0][1][0] == 1.0)


def test_a_one_process_scan_solves_its_shapes_ahead_with_the_tasks_results(tmp_path, monkeypatch):
    """Issue 21: a local scan of a vectorised method solves the shapes of many tasks in one search (and, with --grid,
    their CLs tables): the points, grid columns included, are the ones the tasks compute alone."""
    from limits.scanning import run as run_module
    from limits.stats import tables

    cfg = limits.ScanConfig(analysis=limits.get_analysis("na64-2022", runs=_mass_dependent_runs(tmp_path)),
                            model=limits.get_model("bl-unbroken"), masses_mev=tuple(np.geomspace(1.0, 500.0, 25)),
                            grid=True)
    results = []
    for ahead in (True, False):
        upper_limits._SOLVED.clear()
        tables._TABLES.clear()
        if not ahead:
            monkeypatch.setattr(run_module, "_solve_ahead", lambda *args: None)
        results.append(run_module.run_scan(cfg))
    assert len({p.g_obs for p in results[0].points}) == 25
    assert all(a.same_as(b) for a, b in zip(*(r.points for r in results)))

@pytest.mark.slow  # integration run by .ci/run; the default suite stays near 2 min
def test_toy_points_spread_over_workers_give_the_sequential_limits(tmp_path):
    """Issue 21: a toy limit's grid points evaluated through an executor's map (here in reverse order, and on a
    process pool) give exactly the limits the calculator's own sequential search gives."""
    from limits.scanning.executors import Executor
    from limits.stats.shapes import canonical_seed
    from limits.stats.upper_limits import limits_of_models, solve_shapes

    analysis = limits.get_analysis("na64-2022", runs=_mass_dependent_runs(tmp_path))
    ws = limits.workspaces(analysis, "bl-unbroken", mass_mev=[2.0, 200.0])
    models = [counting_model(ws.bkg_only, p) for p in ws.patchset["patches"]]
    ntoys = 100
    sequential = []
    for m in models:
        canon = canonical_shape(m)[1]
        lim = ToyCalculator.create(canon, ntoys=ntoys, seed=canonical_seed(0, canon)).upper_limit(1.0 - 0.9)
        scale = float(canon.signal.sum()) / float(m.signal.sum())
        sequential.append((lim.mu_obs * scale, tuple(x * scale for x in lim.mu_exp)))

    def backwards(function, items):
        return [function(item) for item in items[::-1]][::-1]

    for map_points in (backwards, None):
        upper_limits._SOLVED.clear()
        if map_points is None:
            with Executor("processes:2") as ex:
                assert solve_shapes("toys", models, 0.9, ntoys=ntoys, map_points=ex.map) == 2
        else:
            assert solve_shapes("toys", models, 0.9, ntoys=ntoys, map_points=map_points) == 2
        got = limits_of_models("toys", models, 0.9, ntoys=ntoys)
        assert [(lim.mu_obs, lim.mu_exp) for lim in got] == sequential
    assert solve_shapes("toys", models, 0.9, ntoys=ntoys, map_points=backwards) == 0  # remembered
    assert solve_shapes("hybrid", models, 0.9, map_points=backwards) == 0  # not a search over points


def test_an_executor_session_maps_in_order_over_several_rounds():
    from limits.scanning.executors import Executor

    with Executor("processes:2") as ex:
        assert ex.workers == 2
        assert ex.map(abs, [-3, 1, -2]) == [3, 1, 2]
        assert ex.map(len, ["ab", "", "xyz"]) == [2, 0, 3]  # the same workers, a second round
    with Executor("local") as ex:
        assert ex.workers == 1 and ex.map(abs, [-1]) == [1]
