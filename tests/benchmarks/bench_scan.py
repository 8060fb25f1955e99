"""Benchmark: our scans and toys side by side with pyhf's native paths, in one run.

Run: ``python tests/benchmarks/bench_scan.py [--workers 2]``. Prints wall times; asserts nothing.

1. 200-mass scans with expected bands (na64-2026, bl-unbroken): exact and asymptotic, executor processes:N.
2. pyhf's native asymptotic limit, ``toms748_scan(level=0.1)`` with bands, on a few of the same patches: time per
   mass, and the mu limits next to ours.
3. Toys at one tested mu on the same patch: our vectorised calculator (10^4 toys per hypothesis) vs pyhf's
   ToyCalculator (fewer toys; it fits one toy at a time): time per toy and the CLs values.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pyhf-masses", type=int, default=3)
    parser.add_argument("--pyhf-toys", type=int, default=200)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import pyhf

    import limits
    from limits.stats.counting import counting_model
    from limits.stats.pyhf_model import model_and_data
    from limits.stats.toys import ToyCalculator
    from limits.stats.upper_limits import mu_limits_batch

    analysis, model = limits.get_analysis("na64-2026"), limits.get_model("bl-unbroken")
    masses = tuple(analysis.default_masses_mev())
    print(f"== 200-mass scans with bands, executor processes:{args.workers}")
    for method in ("exact", "asymptotic"):
        t0 = time.perf_counter()
        res = limits.scan(analysis, model, method=method, executor=f"processes:{args.workers}")
        dt = time.perf_counter() - t0
        print(f"limits {method:10s}: {dt:6.2f} s for 200 masses ({int(res.ok.sum())} ok)")

    ws = limits.workspaces(analysis, model, masses)
    picks = np.linspace(20, 180, args.pyhf_masses).astype(int)
    ours = mu_limits_batch("asymptotic", ws.bkg_only, [ws.patchset["patches"][i] for i in picks], 0.9)
    print(f"== pyhf toms748_scan (asymptotic, level=0.1, bands) on {len(picks)} masses")
    times = []
    for lim, i in zip(ours, picks):
        pdf, data = model_and_data(ws.bkg_only, ws.patchset["patches"][i])
        t0 = time.perf_counter()
        obs, exp = pyhf.infer.intervals.upper_limits.toms748_scan(data, pdf, 0.05, 5.0, level=0.1, rtol=1e-4)
        times.append(time.perf_counter() - t0)
        print(f"m = {masses[i]:9.4g} MeV: pyhf mu_obs {float(obs):.5f} (ours {lim.mu_obs:.5f}); "
              f"median {float(exp[2]):.5f} ({lim.mu_exp[2]:.5f}); {times[-1]:.2f} s")
    print(f"pyhf: {np.mean(times):.2f} s per mass -> {200 * np.mean(times):.0f} s for 200 masses (serial)")

    print("== toys at one tested mu (same patch, 17 parameters)")
    patch = ws.patchset["patches"][100]
    cm = counting_model(ws.bkg_only, patch)
    mu = 0.25
    calc = ToyCalculator(cm, 10_000, np.random.SeedSequence(1))
    t0 = time.perf_counter()
    res = calc.hypotest(mu, 0)
    ours_per_toy = (time.perf_counter() - t0) / (2 * 10_000)
    pdf, data = model_and_data(ws.bkg_only, patch)
    np.random.seed(1)
    t0 = time.perf_counter()
    ref = pyhf.infer.hypotest(mu, data, pdf, test_stat="qtilde", calctype="toybased", ntoys=args.pyhf_toys,
                              track_progress=False)
    pyhf_per_toy = (time.perf_counter() - t0) / (2 * args.pyhf_toys)
    print(f"ours: CLs = {res['cls']:.4f} +- {res['cls_err']:.4f} with 2x10^4 toys, {ours_per_toy * 1e6:.0f} us/toy")
    print(f"pyhf: CLs = {float(ref):.4f} with 2x{args.pyhf_toys} toys, {pyhf_per_toy * 1e3:.1f} ms/toy")
    print(f"speed-up per toy: {pyhf_per_toy / ours_per_toy:.0f}x")


if __name__ == "__main__":
    main()
