"""Study: how far below the muon (g-2) band does NA64's L_mu - L_tau limit reach? (issue 12, acceptance line 1)

Run: ``python tests/studies/lmu_ltau_band.py``. Asserts nothing; prints, for the built-in ``lmu-ltau`` (Majorana nu,
loop mixing r = e ln(m_tau^2/m_mu^2)/(12 pi^2)):

1. the observed limit over the band's 2 sigma lower edge, central value and upper edge at 1 keV ... 3 MeV, for the
   band of PRL 126, 141801 (2021) (our default, Delta a_mu = 251 +- 59) and of PRL 131, 161802 (2023) (249 +- 48);
2. the highest mass up to which the limit stays below each edge (log-log interpolation on a 0.3-4 MeV grid);
3. the same with the most favourable inputs the sources allow, one at a time and together: the top of PRL 129's
   efficiency range (0.62 instead of 0.55; below 2 m_mu the Z' is invisible, S is proportional to g^2, so g scales
   by sqrt(0.55/0.62), checked below) and asymptotic CLs instead of hybrid.

NA64 (JHEP 07 (2024) 212, ~9e11 EOT) states that the band is excluded for 1 keV < m <~ 2 MeV (arXiv v1:
"partially exclude ... lighter than 2 MeV"). These numbers are what stands between our chain and that statement.
Takes ~20 s.
"""

from __future__ import annotations

import math

import numpy as np

import limits
from limits.physics.gminus2 import DELTA_A_MU, DELTA_A_MU_2023, band_couplings

BANDS = {"2021 (251+-59)": DELTA_A_MU, "2023 (249+-48)": DELTA_A_MU_2023}
EFF_USED, EFF_TOP = 0.55, 0.62  # runs.yaml's midpoint; PRL 129's "~0.62 to ~0.48"
SHOWN_MEV = np.array([0.001, 0.1, 0.5, 1.0, 1.5, 2.0, 3.0])
FINE_MEV = np.geomspace(0.3, 4.0, 40)


def _edges(m_mev: np.ndarray, delta: tuple[float, float], per_unit: float) -> dict[str, np.ndarray]:
    """The band's lower edge, central value and upper edge in the model's g (g_mu = per_unit * g)."""
    lo, hi = band_couplings(m_mev * 1e-3, 2.0, delta)
    central, _ = band_couplings(m_mev * 1e-3, 0.0, delta)
    return {"lower": lo / per_unit, "central": central / per_unit, "upper": hi / per_unit}


def _reach_mev(m_mev: np.ndarray, ratio: np.ndarray) -> str:
    """Highest mass below which ratio < 1 (first upward crossing, log-log interpolation)."""
    above = np.flatnonzero(ratio >= 1.0)
    if above.size == 0:
        return f"> {m_mev[-1]:g}"
    k = above[0]
    if k == 0:
        return f"< {m_mev[0]:g}"
    x0, x1 = np.log(m_mev[k - 1]), np.log(m_mev[k])
    y0, y1 = np.log(ratio[k - 1]), np.log(ratio[k])
    return f"{math.exp(x0 + (0 - y0) * (x1 - x0) / (y1 - y0)):.2f}"


def main() -> None:
    analysis, model = limits.get_analysis("na64-2026"), limits.get_model("lmu-ltau")
    scans = {name: limits.scan("na64-2026", "lmu-ltau", mass_mev=np.concatenate([SHOWN_MEV, FINE_MEV]), method=method)
             for name, method in (("hybrid", "hybrid"), ("asymptotic", "asymptotic"))}
    per_unit = scans["hybrid"].muon_coupling_per_unit
    assert per_unit is not None
    s_ratio = (analysis.signal(model, 2.0, 2e-4).sum() / analysis.signal(model, 2.0, 1e-4).sum())
    print(f"g_mu per unit g = {per_unit:.6f};  S(2 MeV, 2g)/S(2 MeV, g) = {s_ratio:.6f} (4 if S ~ g^2)")
    eff_scale = math.sqrt(EFF_USED / EFF_TOP)
    variants = {"as shipped (hybrid, eff 0.55)": ("hybrid", 1.0), "eff 0.62": ("hybrid", eff_scale),
                "asymptotic CLs": ("asymptotic", 1.0), "eff 0.62 + asymptotic": ("asymptotic", eff_scale)}
    n = SHOWN_MEV.size
    for band_name, delta in BANDS.items():
        print(f"\n(g-2)_mu band {band_name} x 1e-11, 2 sigma")
        shown = _edges(SHOWN_MEV, delta, per_unit)
        fine = _edges(FINE_MEV, delta, per_unit)
        print(f"  {'g_obs / edge at m [MeV] =':44s}" + "".join(f"{m:>8g}" for m in SHOWN_MEV))
        for variant, (method, scale) in variants.items():
            g = scans[method].g_obs * scale
            for edge in ("lower", "central", "upper"):
                row = "".join(f"{r:8.3f}" for r in g[:n] / shown[edge])
                reach = _reach_mev(FINE_MEV, g[n:] / fine[edge])
                print(f"  {variant:30s} / {edge:8s}   {row}   below it up to {reach} MeV")


if __name__ == "__main__":
    main()
