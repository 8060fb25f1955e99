"""Benchmark: our scans and toys side by side with pyhf's native paths, in one run (issue 13).

Run: ``python tests/benchmarks/bench_scan.py [--quick]``. Prints figures with the machine load beside each; asserts
nothing. Every end-to-end figure is a fresh ``limits`` process (wall time and peak memory from ``os.wait4``).

1. Default ``limits scan`` end to end (na64-2026, bl-unbroken, 200 masses, hybrid): once to fill the disk cache,
   then the median of three runs.
2. Per mass: our hybrid and asymptotic limits (from the 200-mass scans) vs pyhf's ``toms748_scan`` (asymptotic, with
   bands) timed on a few of the same patches in this run: the speed-up per mass.
3. Toys at one tested mu: ours (10^4 per hypothesis) vs pyhf's ``ToyCalculator`` (fewer; one fit per toy), CLs with
   binomial errors for both.
4. A 200-mass toy scan with 10^4 toys per point, and a 200-mass asymptotic ``--grid`` scan.
5. Cost vs the number of masses (25, 100, 400, 1600) for the hybrid scan and the asymptotic grid.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"[load {one:.2f}/{five:.2f}, {os.cpu_count()} cores]"


def _run(args: list[str]) -> tuple[float, float]:
    """(wall s, peak RSS MiB) of ``limits <args>`` in a fresh process, output in a temporary directory."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "limits.cli", *args, "--out", tmp],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"limits {' '.join(args)} failed")
    return wall, usage.ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pyhf-masses", type=int, default=3)
    parser.add_argument("--pyhf-toys", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="skip the toy scan and the 1600-mass points")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    print("== 1. default `limits scan` end to end (200 masses, hybrid)")
    _run(["scan"])  # fills the disk cache of the yield fold
    walls = []
    for _ in range(3):
        wall, rss = _run(["scan"])
        walls.append(wall)
        print(f"   {wall:5.2f} s wall, peak {rss:5.0f} MiB {_load()}")
    print(f"   median {statistics.median(walls):.2f} s")

    print("== 2. per mass: ours vs pyhf toms748_scan (asymptotic, bands)")
    import pyhf

    import limits
    from limits.stats.counting import counting_model
    from limits.stats.pyhf_calculator import model_and_data
    from limits.stats.shapes import canonical_shape
    from limits.stats.toys import ToyCalculator
    from limits.stats.upper_limits import mu_limits_batch

    ours_per_mass = {}
    for method in ("hybrid", "asymptotic"):
        t0 = time.perf_counter()
        res = limits.scan("na64-2026", "bl-unbroken", method=method, progress=False)
        dt = time.perf_counter() - t0
        ours_per_mass[method] = dt / len(res)
        print(f"   limits {method:10s}: {dt:6.2f} s for {len(res)} masses in-process "
              f"({1e3 * dt / len(res):.2f} ms/mass) {_load()}")
    analysis, model = limits.get_analysis("na64-2026"), limits.get_model("bl-unbroken")
    masses = analysis.default_masses_mev()
    ws = limits.workspaces(analysis, model, masses)
    picks = np.linspace(20, 180, args.pyhf_masses).astype(int)
    ours = mu_limits_batch("asymptotic", ws.bkg_only, [ws.patchset["patches"][i] for i in picks], 0.9)
    times = []
    for lim, i in zip(ours, picks):
        pdf, data = model_and_data(ws.bkg_only, ws.patchset["patches"][i])
        t0 = time.perf_counter()
        obs, exp = pyhf.infer.intervals.upper_limits.toms748_scan(data, pdf, 0.05, 5.0, level=0.1, rtol=1e-4)
        times.append(time.perf_counter() - t0)
        print(f"   m = {masses[i]:9.4g} MeV: pyhf mu_obs {float(obs):.5f} (ours {lim.mu_obs:.5f}); median "
              f"{float(exp[2]):.5f} ({lim.mu_exp[2]:.5f}); {times[-1]:.2f} s {_load()}")
    pyhf_per_mass = float(np.mean(times))
    for method, t in ours_per_mass.items():
        print(f"   speed-up per mass, {method} vs pyhf asymptotic: {pyhf_per_mass / t:,.0f}x")

    print("== 3. toys at one tested mu (the na64-2026 signal shape at 10 events, 17 parameters)")
    patch = ws.patchset["patches"][100]
    cm = canonical_shape(counting_model(ws.bkg_only, patch))[1]
    mu = 0.25
    t0 = time.perf_counter()
    res_toys = ToyCalculator(cm, 10_000, np.random.SeedSequence(1)).hypotest(mu, 0)
    ours_per_toy = (time.perf_counter() - t0) / (2 * 10_000)
    from limits.stats.shapes import CANONICAL_EVENTS
    scaled = dict(patch)
    scaled["patch"] = [{**op, "value": {**op["value"], "data": [float(cm.signal[j])]}}
                       for j, op in enumerate(patch["patch"])]
    pdf, data = model_and_data(ws.bkg_only, scaled)
    np.random.seed(1)
    t0 = time.perf_counter()
    cls, (clsb, clb) = pyhf.infer.hypotest(mu, data, pdf, test_stat="qtilde", calctype="toybased",
                                           ntoys=args.pyhf_toys, track_progress=False, return_tail_probs=True)
    pyhf_per_toy = (time.perf_counter() - t0) / (2 * args.pyhf_toys)
    n = args.pyhf_toys
    clsb, clb = float(clsb), float(clb)
    err = math.sqrt(clsb * (1 - clsb) / n + (clsb / clb) ** 2 * clb * (1 - clb) / n) / clb
    print(f"   ours: CLs = {res_toys['cls']:.4f} +- {res_toys['cls_err']:.4f} (2x10^4 toys), "
          f"{ours_per_toy * 1e6:.0f} us/toy {_load()}")
    print(f"   pyhf: CLs = {float(cls):.4f} +- {err:.4f} (2x{n} toys, binomial), {pyhf_per_toy * 1e3:.1f} ms/toy "
          f"{_load()}")
    print(f"   speed-up per toy: {pyhf_per_toy / ours_per_toy:,.0f}x (signal {CANONICAL_EVENTS:g} events at mu = 1)")

    print("== 4. toy scan (200 masses x 10^4 toys) and asymptotic grid (200 masses x 91 couplings)")
    if not args.quick:
        wall, rss = _run(["scan", "--method", "toys", "--ntoys", "10000"])
        print(f"   toys 200 x 10^4: {wall:6.2f} s wall, peak {rss:5.0f} MiB {_load()}")
    wall, rss = _run(["scan", "--method", "asymptotic", "--grid"])
    print(f"   asymptotic --grid, 200 masses: {wall:6.2f} s wall, peak {rss:5.0f} MiB {_load()}")

    print("== 5. cost vs masses")
    for n_masses in (25, 100, 400) + (() if args.quick else (1600,)):
        spec = f"0.001:{analysis.mass_range_mev[1]:g}:{n_masses}"
        for extra in ([], ["--method", "asymptotic", "--grid"]):
            wall, rss = _run(["scan", "--masses", spec, *extra])
            label = "hybrid" if not extra else "asymptotic --grid"
            print(f"   {n_masses:5d} masses, {label:17s}: {wall:6.2f} s wall, peak {rss:5.0f} MiB {_load()}")


if __name__ == "__main__":
    main()
