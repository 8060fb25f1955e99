"""Benchmark: issue 21's figures as ratios to references measured in the same run, so that any machine can check them.

Run: ``python tests/benchmarks/bench_ratios.py [--baseline PATH] [--quick] [--only NAME ...]``. Prints each figure with
the machine load beside it; asserts nothing (timings are measured, not tested). Every timing is a fresh Python process
(imports included where a user pays them), the median of ``--repeat`` runs.

``--baseline PATH``: a checkout of an earlier version (``git worktree add /tmp/base <commit>``), timed the same way in
the same run, for the "faster than before" figures.

Figures (acceptance criteria of issue 21):

1. ``startup``: the default ``limits scan`` / a bare ``python`` that imports matplotlib and saves one log-log PNG;
   ``limits --help`` and ``import limits`` beside it.
2. ``shapes``: 200 masses with 200 distinct signal shapes (per-run efficiencies that depend on the mass) / the
   default shared-shape scan, for ``hybrid`` and ``hybrid --grid`` (in-process compute, workspaces included).
3. ``toys``: a toy scan (200 masses x 10^4 toys; ``--quick``: 20 masses x 2000 toys) locally / before, and
   ``processes:2`` / local, on one shape and on many.
4. ``dask``: the default hybrid scan on ``dask:local:2`` / ``local``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BARE_PNG = """
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
x = np.geomspace(1e-3, 1e3, 200)
fig, ax = plt.subplots()
ax.loglog(x, x**-0.5)
fig.savefig({path!r})
"""

# In a child: build a scan config (analysis with optional runs file, model, masses, method...), warm the disk caches
# with the workspaces of two masses (no limit solved: a solved shape would be remembered), then time run_scan alone.
# Uses only API that every version since issue 19 has.
TIMED_SCAN = """
import json, sys, time
import numpy as np
from limits.analysis.definition import get_analysis
from limits.physics.models import get_model
from limits.scanning.config import ScanConfig
from limits.scanning.run import run_scan
spec = json.loads(sys.argv[1])
a = get_analysis(spec["analysis"], runs=spec.get("runs"))
m = get_model(spec["model"])
masses = tuple(a.masses(spec.get("masses")))
opts = dict(method=spec["method"], ntoys=spec.get("ntoys", 10000), grid=spec.get("grid", False))
from limits.workspace.build import build_workspaces
build_workspaces(a, m, np.array(masses[:2]))  # warms the disk caches (the yield fold), solves nothing
said = []
t0 = time.perf_counter()
res = run_scan(ScanConfig(analysis=a, model=m, masses_mev=masses, **opts), executor=spec.get("executor", "local"),
               notify=lambda text: said.append((text, time.perf_counter())))
end = time.perf_counter()
# the estimate, and the time the user then waits: from the message to the end
estimate = [[float(text.split("estimated")[1].split()[0]), end - at] for text, at in said[:1]]
print(json.dumps({"seconds": end - t0, "g_obs": [float(g) for g in res.g_obs], "estimate": estimate}))
"""


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"[load {one:.2f}/{five:.2f}, {os.cpu_count()} cores]"


def _wall(args: list[str], env: dict[str, str] | None = None, repeat: int = 3) -> float:
    """Median wall time (s) of a fresh process running ``args``."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        # outside the repository: `python -m` puts the working directory first on the path
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       cwd=tempfile.gettempdir())
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _env(root: Path) -> dict[str, str]:
    # as on a user's machine: Python caches the compiled modules (some sandboxes set PYTHONDONTWRITEBYTECODE, which
    # recompiles every module of an editable install at every start, ~0.2 s, and none of the reference's installed
    # packages: the ratio would then measure the environment)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(root)}


def _timed_scan(root: Path, spec: dict, repeat: int = 1) -> dict:
    """Median compute time of ``run_scan`` (workspaces included, imports and cache warm-up excluded) in a fresh
    process running the code in ``root``."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", TIMED_SCAN, json.dumps(spec)], check=True, capture_output=True,
                              text=True, env=_env(root), cwd=tempfile.gettempdir())
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["seconds"])
    return runs[len(runs) // 2]


def distinct_shape_runs(directory: Path) -> Path:
    """A copy of the shipped runs file in which every run's efficiency depends on the mass, each run differently
    (a linear ramp in ln m between two values): every mass then has its own signal shape, as an analyst's input
    would."""
    sys.path.insert(0, str(ROOT))
    from importlib import resources

    import yaml

    runs = yaml.safe_load(resources.files("limits.data").joinpath("runs.yaml").read_text())
    ramps = {"I": (0.30, 0.70), "II": (0.62, 0.45), "III": (0.50, 0.60), "IV": (0.40, 0.55), "V": (0.58, 0.48)}
    for name, (lo, hi) in ramps.items():
        table = directory / f"eff_{name}.csv"
        table.write_text(f"mass_mev,efficiency\n0.001,{lo}\n1200,{hi}\n")
        runs["runs"][name]["efficiency"] = {"file": table.name, "status": "derived", "source": "benchmark"}
    path = directory / "runs.yaml"
    path.write_text(yaml.safe_dump(runs))
    return path


def startup(args: argparse.Namespace) -> None:
    print(f"== 1. start-up {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        _wall([sys.executable, "-m", "limits", "scan", "--out", f"{tmp}/warm"], env=_env(ROOT), repeat=1)
        # alternately, so that a change of the machine's speed during the run affects both alike
        bares, scans = [], []
        for _ in range(args.repeat):
            bares.append(_wall([sys.executable, "-c", BARE_PNG.format(path=f"{tmp}/bare.png")], env=_env(ROOT),
                               repeat=1))
            scans.append(_wall([sys.executable, "-m", "limits", "scan", "--rerun", "--out", f"{tmp}/s"],
                               env=_env(ROOT), repeat=1))
        bare, scan = statistics.median(bares), statistics.median(scans)
        helptime = _wall([sys.executable, "-m", "limits", "--help"], env=_env(ROOT), repeat=args.repeat)
        imp = _wall([sys.executable, "-c", "import limits"], env=_env(ROOT), repeat=args.repeat)
        print(f"bare matplotlib log-log PNG: {bare:.2f} s; default `limits scan`: {scan:.2f} s "
              f"= {scan / bare:.2f} x the bare PNG (target <= 1.5)")
        print(f"`limits --help` {helptime:.2f} s, `import limits` {imp:.2f} s")
        if args.baseline:
            base = Path(args.baseline)
            _wall([sys.executable, "-m", "limits", "scan", "--out", f"{tmp}/bwarm"], env=_env(base), repeat=1)
            old = _wall([sys.executable, "-m", "limits", "scan", "--rerun", "--out", f"{tmp}/b"], env=_env(base),
                        repeat=args.repeat)
            old_help = _wall([sys.executable, "-m", "limits", "--help"], env=_env(base), repeat=args.repeat)
            print(f"baseline: scan {old:.2f} s = {old / bare:.2f} x the bare PNG; --help {old_help:.2f} s "
                  f"(now {scan / old:.2f} x and {helptime / old_help:.2f} x of the baseline's)")


def shapes(args: argparse.Namespace) -> None:
    print(f"== 2. 200 masses, each its own signal shape vs one shared shape (compute, in-process) {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        runs = str(distinct_shape_runs(Path(tmp)))
        for grid in (False, True):
            label = "hybrid --grid" if grid else "hybrid"
            base = {"analysis": "na64-2026", "model": "bl-unbroken", "method": "hybrid", "grid": grid}
            shared = _timed_scan(ROOT, base, repeat=args.repeat)["seconds"]
            own = _timed_scan(ROOT, {**base, "runs": runs}, repeat=args.repeat)["seconds"]
            target = 3.0 if grid else 1.5
            print(f"{label}: shared shape {shared:.2f} s, 200 shapes {own:.2f} s = {own / shared:.2f} x "
                  f"(target <= {target})")
            if args.baseline:
                old = _timed_scan(Path(args.baseline), {**base, "runs": runs})["seconds"]
                print(f"  baseline, 200 shapes: {old:.2f} s (now {old / own:.1f} x faster)")


def toys(args: argparse.Namespace) -> None:
    # --quick: 20 masses; many shapes then cost ~20 x one shape (~6 min here), one shape ~20 s
    masses, ntoys = ("1:300:20", 2000) if args.quick else (None, 10_000)
    print(f"== 3. toy scans ({'20 masses' if args.quick else '200 masses'} x {ntoys} toys) {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        runs = str(distinct_shape_runs(Path(tmp)))
        cases = (("one shape", {}), ("many shapes", {"runs": runs}))
        for label, extra in cases[:1] if args.one_shape else cases:
            spec = {"analysis": "na64-2026", "model": "bl-unbroken", "method": "toys", "ntoys": ntoys,
                    "masses": masses, **extra}
            local = _timed_scan(ROOT, spec)
            two = _timed_scan(ROOT, {**spec, "executor": "processes:2"})
            same = local["g_obs"] == two["g_obs"]
            print(f"{label}: local {local['seconds']:.1f} s, processes:2 {two['seconds']:.1f} s = "
                  f"{local['seconds'] / two['seconds']:.2f} x faster (target >= 1.7); identical results: {same}")
            for where, run in (("local", local), ("processes:2", two)):
                if run["estimate"]:  # printed before the toys ran (target: within x 1.5 of what follows it)
                    guess, waited = run["estimate"][0]
                    print(f"  estimate {where}: {guess:.0f} s; the run went on {waited:.1f} s after it "
                          f"(x {waited / max(guess, 1e-9):.2f})")
            if args.baseline:
                old = _timed_scan(Path(args.baseline), spec)
                print(f"  baseline local: {old['seconds']:.1f} s (now {old['seconds'] / local['seconds']:.2f} x "
                      f"faster, target >= 2)")


def dask(args: argparse.Namespace) -> None:
    print(f"== 4. Dask: default hybrid scan on dask:local:2 vs local (compute, in-process) {_load()}")
    spec = {"analysis": "na64-2026", "model": "bl-unbroken", "method": "hybrid"}
    local = _timed_scan(ROOT, spec, repeat=args.repeat)["seconds"]
    t0 = time.perf_counter()
    cluster = _timed_scan(ROOT, {**spec, "executor": "dask:local:2"}, repeat=args.repeat)["seconds"]
    print(f"local {local:.2f} s, dask:local:2 {cluster:.2f} s (cluster start and close included) = "
          f"{cluster / local:.2f} x (target <= 1.5); {time.perf_counter() - t0:.1f} s wall with the processes")
    # where a cluster pays: a toy scan (one shape, 20 masses x 2000 toys), on dask:local:2 and on a scheduler and two
    # workers started as separate processes (`dask scheduler`, `dask worker`), twice on the same workers
    toys = {"analysis": "na64-2026", "model": "bl-unbroken", "method": "toys", "ntoys": 2000, "masses": "1:300:20"}
    t_local = _timed_scan(ROOT, toys)
    t_cluster = _timed_scan(ROOT, {**toys, "executor": "dask:local:2"})
    print(f"toys: local {t_local['seconds']:.1f} s, dask:local:2 {t_cluster['seconds']:.1f} s = "
          f"{t_local['seconds'] / t_cluster['seconds']:.2f} x faster; "
          f"identical: {t_local['g_obs'] == t_cluster['g_obs']}")
    dask_cli = Path(sys.executable).with_name("dask")
    if not dask_cli.exists():
        print("(no `dask` command beside this python: the separate scheduler is skipped)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        port = 8786 + os.getpid() % 1000
        sys.path.insert(0, str(ROOT))
        from limits.scanning.dask_local import WORKER_ENVIRONMENT

        # as docs/scaling.md tells users to start their workers
        env = {**_env(ROOT), "DASK_DISTRIBUTED__NANNY__PRE_SPAWN_ENVIRON": repr(WORKER_ENVIRONMENT)}
        procs = [subprocess.Popen([str(dask_cli), "scheduler", "--port", str(port), "--dashboard-address", ":0"],
                                  cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        time.sleep(2)
        for _ in range(2):
            procs.append(subprocess.Popen([str(dask_cli), "worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1",
                                           "--dashboard-address", ":0"], cwd=tmp, env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(4)
        try:
            remote = {**toys, "executor": f"dask:tcp://127.0.0.1:{port}"}
            first, second = _timed_scan(ROOT, remote), _timed_scan(ROOT, remote)
            print(f"toys on `dask scheduler` + 2 `dask worker` processes: {first['seconds']:.1f} s, again on the same "
                  f"workers {second['seconds']:.1f} s = {t_local['seconds'] / second['seconds']:.2f} x faster than "
                  f"local; identical: {first['g_obs'] == t_local['g_obs'] == second['g_obs']}")
            hyb = _timed_scan(ROOT, {**spec, "executor": f"dask:tcp://127.0.0.1:{port}"})
            print(f"default hybrid scan on them: {hyb['seconds']:.2f} s = {hyb['seconds'] / local:.2f} x local")
        finally:
            for proc in procs[::-1]:
                proc.terminate()
                proc.wait(timeout=30)


FIGURES = {"startup": startup, "shapes": shapes, "toys": toys, "dask": dask}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", help="a checkout of an earlier version, timed in the same run")
    parser.add_argument("--quick", action="store_true", help="smaller toy scans")
    parser.add_argument("--one-shape", action="store_true",
                        help="toys: the one-shape scan only (200 shapes x 10^4 toys take hours on 2 cores)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=sorted(FIGURES), default=list(FIGURES))
    args = parser.parse_args()
    for name in args.only:
        FIGURES[name](args)


if __name__ == "__main__":
    main()
