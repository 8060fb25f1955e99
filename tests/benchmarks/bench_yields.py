"""Benchmark: yields per EOT for 10^5 (mass, coupling) points from the shipped tables.

Run: ``python tests/benchmarks/bench_yields.py``. Prints the one-off fold of the tables for the configuration (cold)
and the per-call time for 10^5 points (warm, best of 5). Not a unit test: timings are measured, not asserted.
"""

from __future__ import annotations

import time

import numpy as np

from limits.physics.models import get_model
from limits.physics.setup import Setup
from limits.physics.yields import spectra, yield_per_eot


def yields(model, mass_gev, coupling, spectrum=False, **changes):
    """The yield per EOT in NA64's set-up with the cut on the true Z' energy (the physics notes' numbers), or as
    ``changes`` say (:class:`limits.physics.setup.Setup` attributes)."""
    return yield_per_eot(model, mass_gev, coupling, Setup(ecal_resolution=(0.0, 0.0)).replace(**changes),
                         spectrum=spectrum)


def main() -> None:
    model = get_model("bl-unbroken")
    masses = np.geomspace(1e-6, 1.2, 1000)
    couplings = np.geomspace(1e-7, 1e-2, 100)
    m, g = (a.ravel() for a in np.meshgrid(masses, couplings))
    t0 = time.perf_counter()
    spectra(100.0, 50.0)
    cold = time.perf_counter() - t0
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        y = yields(model, m, g)
        times.append(time.perf_counter() - t0)
    print(f"table fold for (E0 = 100 GeV, E_cut = 50 GeV), once per process: {cold:.2f} s")
    print(f"yields for {m.size} (mass, coupling) points: best {min(times):.3f} s, median {np.median(times):.3f} s")
    print(f"checksum of the result (sum of yields): {y.total.sum():.6e}")


if __name__ == "__main__":
    main()
