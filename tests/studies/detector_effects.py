"""Study: the yield change of each detector-level piece alone and together (issue 11's closing-note table).

Run: ``python tests/studies/detector_effects.py``. For dark-photon and bl-unbroken with na64-2026's set-up (E0 = 100
GeV, E_Z' > 50 GeV, L_det = 5.4 m) it prints the invisible-signature yield per EOT relative to the previous baseline
(cut on the true Z' energy, DMG4's exponential electron-motion model, narrow width, lead electrons only) at 1 keV,
1 MeV, 100 MeV and every 10 MeV from 200 to 320 MeV: each piece alone (ECAL resolution, Compton profiles, finite
width, scintillator electrons), the new default (the first three) and everything. Asserts nothing.
"""

from __future__ import annotations

import numpy as np

from limits.physics.detector import EcalResolution
from limits.physics.models import get_model
from limits.physics.setup import Setup
from limits.physics.yields import yield_per_eot


def yields(model, mass_gev, coupling, spectrum=False, **changes):
    """The yield per EOT in NA64's set-up with the cut on the true Z' energy (the physics notes' numbers), or as
    ``changes`` say (:class:`limits.physics.setup.Setup` attributes)."""
    return yield_per_eot(model, mass_gev, coupling, Setup(ecal_resolution=(0.0, 0.0)).replace(**changes),
                         spectrum=spectrum)

MASSES_MEV = np.array([0.001, 1.0, 100.0, *np.arange(200.0, 321.0, 10.0)])
NA64 = EcalResolution(0.10, 0.04)


def main() -> None:
    for name, coupling in (("dark-photon", 1e-4), ("bl-unbroken", 1e-5)):
        model = get_model(name)
        m = MASSES_MEV * 1e-3

        def total(**kw: object) -> np.ndarray:
            return yields(model, m, coupling, **kw).total  # type: ignore[arg-type]

        old = {"electron_model": "exponential", "finite_width": False}
        base = total(**old)
        cases = {
            "resolution": total(**{**old, "ecal_resolution": NA64}),
            "compton": total(**{**old, "electron_model": "compton"}),
            "width": total(**{**old, "finite_width": True}),
            "scintillator": total(**{**old, "scintillator_electrons": True}),
            "default": total(ecal_resolution=NA64),
            "all": total(ecal_resolution=NA64, scintillator_electrons=True),
        }
        print(f"\n{name} (coupling {coupling:g}): yield / baseline (true-energy cut, exponential electrons, narrow "
              f"width, lead only){'' if model.dark else '; no dark sector: the width column is 1'}")
        print(f"{'m [MeV]':>9} " + " ".join(f"{k:>12}" for k in cases))
        for i, mass in enumerate(MASSES_MEV):
            print(f"{mass:9.3g} " + " ".join(f"{v[i] / base[i]:12.4f}" for v in cases.values()))


if __name__ == "__main__":
    main()
