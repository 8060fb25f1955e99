"""Study: the yield change of each detector-level piece alone and together (issue 11's closing-note table).

Run: ``python tests/studies/detector_effects.py``. Prints, for dark-photon and bl-unbroken on na64-2026's set-up
(E0 = 100 GeV, E_Z' > 50 GeV, L_det = 5.4 m), the total invisible-signature yield per EOT relative to the previous
baseline (cut on the true Z' energy, DMG4's exponential electron-motion model) at 1 keV, 1 MeV, 100 MeV and every 10
MeV from 200 to 320 MeV: with the ECAL resolution alone, with the Compton profiles alone, and with both (the new
default). Asserts nothing.
"""

from __future__ import annotations

import numpy as np

from limits.physics.detector import EcalResolution
from limits.physics.models import get_model
from limits.physics.yields import yields

MASSES_MEV = np.array([0.001, 1.0, 100.0, *np.arange(200.0, 321.0, 10.0)])
NA64 = EcalResolution(0.10, 0.04)


def main() -> None:
    for name, coupling in (("dark-photon", 1e-4), ("bl-unbroken", 1e-5)):
        model = get_model(name)
        m = MASSES_MEV * 1e-3

        def total(**kw: object) -> np.ndarray:
            return yields(model, m, coupling, **kw).total  # type: ignore[arg-type]

        base = total(electron_model="exponential")
        cases = {"resolution": total(electron_model="exponential", ecal_resolution=NA64),
                 "compton": total(electron_model="compton"),
                 "both": total(electron_model="compton", ecal_resolution=NA64)}
        print(f"\n{name} (coupling {coupling:g}): yield / baseline (true-energy cut, exponential electrons)")
        print(f"{'m [MeV]':>9} " + " ".join(f"{k:>11}" for k in cases))
        for i, mass in enumerate(MASSES_MEV):
            print(f"{mass:9.3g} " + " ".join(f"{v[i] / base[i]:11.4f}" for v in cases.values()))


if __name__ == "__main__":
    main()
