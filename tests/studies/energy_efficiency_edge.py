"""Issue 24 study (not an input we ship): what an efficiency falling with the energy left in the ECAL would do to the
dark-photon limit at the 280-300 MeV edge, where the resonant positrons leave only E_ECAL = 12-23 GeV.

The efficiency of every run I-V becomes 0.55 x r(E_ECAL) with a ramp r = 1 above E_hi and falling linearly to r_lo at
E_lo (a hypothetical shape, e.g. a selection that needs some ECAL energy); printed: the limit ratio to the shipped
flat 0.55 at several masses. Run: python tests/studies/energy_efficiency_edge.py
"""

import tempfile
from importlib import resources
from pathlib import Path

import yaml

import limits

MASSES = [100.0, 200.0, 230.0, 250.0, 270.0, 280.0, 290.0, 300.0]
RAMPS = [(10.0, 30.0, 0.5), (5.0, 25.0, 0.0), (10.0, 40.0, 0.7)]  # (E_lo, E_hi, r_lo)

doc = yaml.safe_load(resources.files("limits.data").joinpath("runs.yaml").read_text())
flat = limits.scan("na64-2026", "dark-photon", mass_mev=MASSES)
print("m [MeV]:           " + " ".join(f"{m:7.0f}" for m in MASSES))
print("E_ECAL at E_R:     " + " ".join(f"{100 - (m / 1e3) ** 2 / (2 * 0.000511):7.1f}" for m in MASSES))
with tempfile.TemporaryDirectory() as tmp:
    for e_lo, e_hi, r_lo in RAMPS:
        energies = [0.0, e_lo, e_hi, 100.0]
        rows = ["mass_mev,e_ecal_gev,efficiency"]
        for m in (0.001, 1000.0):
            for e in energies:
                r = r_lo if e <= e_lo else 1.0 if e >= e_hi else r_lo + (1 - r_lo) * (e - e_lo) / (e_hi - e_lo)
                rows.append(f"{m},{e},{max(0.55 * r, 1e-6)}")
        Path(tmp, "eff.csv").write_text("\n".join(rows) + "\n")
        for run in ("I", "II", "III", "IV", "V"):
            doc["runs"][run]["efficiency"] = {"file": "eff.csv", "status": "unverified", "source": "study"}
        Path(tmp, "runs.yaml").write_text(yaml.safe_dump(doc))
        study = limits.scan(limits.get_analysis("na64-2026", runs=Path(tmp, "runs.yaml")), "dark-photon",
                            mass_mev=MASSES)
        ratio = study.g_obs / flat.g_obs
        print(f"ramp {r_lo:.1f} at {e_lo:g} -> 1 at {e_hi:g} GeV: " + " ".join(f"{v:7.3f}" for v in ratio))
